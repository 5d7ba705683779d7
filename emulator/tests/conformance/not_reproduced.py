"""Known moto gaps kmsemu does not close: rows marked "not reproduced" in the fidelity table.

Each says what AWS does and where AWS documents it. Remove a row when a conformance test proves the behaviour.
"""
from __future__ import annotations

NOT_REPRODUCED: list[dict[str, str]] = [
    {
        "behaviour": "Ciphertext blob format and size",
        "aws": "KMS ciphertext is an opaque, versioned structure; moto's blob is the key id in clear text "
               "followed by AES-GCM output, so blob sizes and bytes differ from AWS.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html",
    },
    {
        "behaviour": "S3 SSE-KMS encrypts the stored object bytes",
        "aws": "S3 stores each SSE-KMS object encrypted under a data key from GenerateDataKey (with S3 Bucket Keys, "
               "a bucket-level key); the emulator checks and reports the KMS key but keeps the bytes in memory unencrypted.",
        "aws_doc": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    },
    {
        "behaviour": "Bucket policy conditions other than the SSE keys and the caller's keys",
        "aws": "Every global and S3 condition key (aws:SecureTransport, aws:SourceIp, s3:prefix, ...) is evaluated; "
               "the emulator evaluates s3:x-amz-server-side-encryption, s3:x-amz-server-side-encryption-aws-kms-key-id "
               "and the caller's global keys (aws:PrincipalArn, aws:PrincipalTag/..., aws:username, ...) on every S3 call, "
               "and ignores statements testing other keys.",
        "aws_doc": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html",
    },
    {
        "behaviour": "DeleteObjects with some keys refused",
        "aws": "DeleteObjects deletes the keys the caller may delete and reports AccessDenied for each other key in its "
               "200 answer; the emulator refuses the whole request for the first key refused.",
        "aws_doc": "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html",
    },
    {
        "behaviour": "S3 virtual-hosted-style requests",
        "aws": "S3 serves virtual-hosted-style requests (the bucket in the Host header) and path-style requests; the "
               "emulator serves path-style only and refuses a Host header that names a bucket with InvalidRequest.",
        "aws_doc": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html",
    },
    {
        "behaviour": "Key state rules beyond the course's operations",
        "aws": "The key state table also governs tagging, aliases, grants and policy changes for keys pending "
               "deletion; the emulator enforces it for cryptographic operations and EnableKey/DisableKey/"
               "ScheduleKeyDeletion/CancelKeyDeletion/rotation/CreateGrant only.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
    },
    {
        "behaviour": "Deleting a stack whose S3 bucket is not empty",
        "aws": "CloudFormation cannot delete a non-empty bucket: the stack ends in DELETE_FAILED and the bucket stays; "
               "the emulator deletes the stack and leaves the bucket behind.",
        "aws_doc": "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html",
    },
    {
        "behaviour": "RotateKeyOnDemand limit per key",
        "aws": "On-demand rotation of a key is limited to a fixed number of times (see the quota in the AWS "
               "docs); the emulator allows any number.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html",
    },
    {
        "behaviour": "ReEncrypt between keys of two different accounts",
        "aws": "ReEncrypt may decrypt under a key of one account and encrypt under a key of another, each named by "
               "key or alias ARN; the emulator runs each call in one account, so a source and destination key in "
               "different accounts fail.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html",
    },
    {
        "behaviour": "Delegated administrators of an organization",
        "aws": "RegisterDelegatedAdministrator lets a member account call some of the management account's read "
               "operations (ListAccounts, DescribeAccount, ...) for a service; the emulator refuses a member account "
               "every operation but DescribeOrganization, LeaveOrganization, handshakes and DescribeEffectivePolicy.",
        "aws_doc": "https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html",
    },
    {
        "behaviour": "Calls and grants AWS services make as service principals",
        "aws": "A service principal (cloudtrail.amazonaws.com encrypting a trail's log files, for one) calls KMS with "
               "aws:SourceArn and aws:SourceAccount naming the resource it acts for, and when a KMS-integrated service "
               "(Amazon EBS, for one) calls CreateGrant, ListGrants or RevokeGrant for a caller, "
               "kms:GrantIsForAWSResource is true; no emulated service calls KMS as a service principal or makes "
               "grants, so the emulator never sets the source keys, and gives kms:GrantIsForAWSResource true on no call.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource",
    },
    {
        "behaviour": "aws:ResourceTag on IAM and S3 resources",
        "aws": "IAM roles and users and S3 buckets and objects support aws:ResourceTag (S3 objects as s3:ExistingObjectTag) "
               "in policies; the emulator fills aws:ResourceTag for KMS keys only.",
        "aws_doc": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html",
    },
    {
        "behaviour": "KMS's combined AccessDenied reason for a Decrypt that names no key",
        "aws": "A refused Decrypt without KeyId says \"on the resource associated with this ciphertext because the "
               "resource does not exist in this Region, no resource-based policies allow access, or a resource-based "
               "policy explicitly denies access\", one message for every case; the emulator says \"on the resource "
               "associated with this ciphertext\" too, then names the one policy type that refused.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html",
    },
    {
        "behaviour": "CloudTrail event fields beyond the record core",
        "aws": "KMS events also carry additionalEventData (keyMaterialId), tlsDetails and sessionCredentialFromConsole; "
               "IAM, STS, CloudFormation and S3 events log their responseElements and requestParameters in each "
               "service's own shape; the emulator leaves those fields out, logs null responseElements for non-KMS calls "
               "and query-protocol parameters by their form names.",
        "aws_doc": "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html",
    },
    {
        "behaviour": "CloudTrail data events, Insights and LookupEvents throttling",
        "aws": "Trails can log data events (S3 object-level calls) and Insights events, and LookupEvents is limited to "
               "2 requests per second per account and Region; the emulator records management events only and never "
               "throttles.",
        "aws_doc": "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
    },
    {
        "behaviour": "Trail delivery timing, digest files and bucket checks",
        "aws": "CloudTrail delivers log files about every 5 minutes, writes digest files when log file validation is on, "
               "encrypts them with SSE-KMS when asked, and CreateTrail fails with InsufficientS3BucketPolicyException when "
               "the bucket policy does not let CloudTrail write; the emulator delivers when the bucket is read, writes no "
               "digests, and checks only that the bucket exists.",
        "aws_doc": "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    },
    {
        "behaviour": "Service calls to KMS that fail before authorisation, in CloudTrail",
        "aws": "A KMS call S3 makes for its caller that fails on the key's state (disabled, pending deletion) or a missing "
               "key is a CloudTrail event with its errorCode, and CloudFormation's CreateKey events carry the new key in "
               "responseElements and resources; the emulator logs S3's calls only once KMS authorises or refuses them, and "
               "CloudFormation's without the new key.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html",
    },
    {
        "behaviour": "GetKeyLastUsage after a cross-account use",
        "aws": "A cross-account use of a key is recorded with the CloudTrail event of the key owner's account; the "
               "emulator notes the owner's event too, but no conformance test checks it against AWS yet.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html",
    },
    {
        "behaviour": "Eventual consistency of IAM and grants",
        "aws": "IAM changes and new grants can take a few seconds to take effect (use a grant token meanwhile); "
               "the emulator applies every change at once.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/grant-tokens.html",
    },
    {
        "behaviour": "SM2 keys (China Regions)",
        "aws": "In the China Regions, SM2 keys encrypt (SM2PKE), sign (SM2DSA) and derive shared secrets; the emulator "
               "refuses KeySpec and KeyPairSpec SM2 with ValidationException in every Region.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html",
    },
    {
        "behaviour": "Recipient (Nitro Enclaves attestation) in cryptographic requests",
        "aws": "Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom and DeriveSharedSecret with a Recipient "
               "attestation document return the result encrypted for the enclave (CiphertextForRecipient); the "
               "emulator has no attestation documents to check and answers ValidationException.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/services-nitro-enclaves.html",
    },
    {
        "behaviour": "Error codes of unusual imported-material rotation requests",
        "aws": "AWS documents that RotateKeyOnDemand of an imported key needs material PENDING_ROTATION and that HMAC and "
               "asymmetric keys take no new material, but not the error codes; the emulator answers "
               "KMSInvalidStateException (nothing pending, or a second NEW_KEY_MATERIAL while one is pending), "
               "UnsupportedOperationException (new material for an HMAC or asymmetric key, or into a multi-Region replica), "
               "IncorrectKeyMaterialException (new material the key already has, or a replica's material that is not the "
               "primary's) and NotFoundException (an unknown KeyMaterialId to delete).",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html",
    },
    {
        "behaviour": "KeyMaterialId of keys with KMS-made material",
        "aws": "DescribeKey's CurrentKeyMaterialId and ListKeyRotations' KeyMaterialId and KeyMaterialState are present "
               "for symmetric AWS_KMS keys too, and ListKeyRotations' IncludeKeyMaterial ALL_KEY_MATERIAL adds their first "
               "material; the emulator gives these members for EXTERNAL keys only.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyRotations.html",
    },
    {
        "behaviour": "The limit of 25 on-demand rotations per key",
        "aws": "RotateKeyOnDemand can rotate a KMS key at most 25 times (LimitExceededException after that); the emulator "
               "does not count.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html",
    },
    {
        "behaviour": "Import of key material into ML-DSA and ML-KEM keys",
        "aws": "KMS imports private keys of every asymmetric key spec; the emulator imports symmetric, HMAC, RSA, "
               "NIST ECC, secp256k1 and Ed25519 material, and refuses ML-DSA and ML-KEM material with ValidationException.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html",
    },
    {
        "behaviour": "ML-DSA signing of an EXTERNAL_MU message",
        "aws": "Sign and Verify with MessageType EXTERNAL_MU take a 64-byte message representative mu (FIPS 204 section "
               "6.2); the cryptography library signs ML-DSA only from the raw message, so the emulator answers "
               "UnsupportedOperationException.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html",
    },
    {
        "behaviour": "ML_KEM_512 keys and data key pairs",
        "aws": "KMS makes ML_KEM_512 keys (and KeyPairSpec ML_KEM_512) as it does ML_KEM_768 and ML_KEM_1024; the "
               "cryptography library lacks ML-KEM-512, so the emulator refuses them with UnsupportedOperationException.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html",
    },
    {
        "behaviour": "ReplicateKey permissions in the replica Region, and replicas being created",
        "aws": "ReplicateKey also needs kms:CreateKey (and kms:TagResource for tags) in the replica Region, runs the "
               "policy lockout check on the replica's policy, and the replica is Creating for a while (a primary change "
               "Updating); the emulator checks kms:ReplicateKey on the primary only and makes the change at once.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html",
    },
    {
        "behaviour": "A replica's imported material before its primary has any",
        "aws": "KMS does not copy imported key material to replicas: the same key material must be imported into the "
               "primary and each replica; the emulator checks a replica's material against the primary's once the primary "
               "has material, but accepts any material into a replica that is imported first, and does not check the "
               "primary's later import against it.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-import.html",
    },
]
