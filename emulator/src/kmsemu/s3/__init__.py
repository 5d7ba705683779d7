"""S3: server-side encryption with KMS, bucket policies, and KMS calls made for the caller."""
