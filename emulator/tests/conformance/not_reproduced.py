"""Known moto gaps kmsemu does not close: rows marked "not reproduced" in the fidelity table.

Each says what AWS does and where AWS documents it. Remove a row when a conformance test proves the behaviour.
"""
from __future__ import annotations

NOT_REPRODUCED: list[dict[str, str]] = [
    {
        "behaviour": "Multi-Region keys encrypt and decrypt",
        "aws": "A multi-Region key (mrk- id) and its replicas encrypt and decrypt interchangeably; moto truncates "
               "the 40-character mrk- id in its ciphertext, so decryption fails.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
    },
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
        "behaviour": "Bucket policy conditions other than the SSE keys",
        "aws": "Every global and S3 condition key (aws:SecureTransport, aws:SourceIp, s3:prefix, ...) is evaluated; "
               "the emulator evaluates only s3:x-amz-server-side-encryption and "
               "s3:x-amz-server-side-encryption-aws-kms-key-id, and ignores statements testing other keys.",
        "aws_doc": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html",
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
        "behaviour": "CloudTrail records of KMS use",
        "aws": "Every KMS API call is logged in CloudTrail, which is how you find out whether a key is still used "
               "before deleting it; the emulator has no CloudTrail.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html",
    },
    {
        "behaviour": "Authorization of IAM, S3 and STS calls themselves",
        "aws": "IAM policies decide every API call; the emulator checks the identity and signature of all calls but "
               "decides permissions only for KMS (and AssumeRole, and S3's use of KMS), so an outsider can still "
               "call IAM or S3.",
        "aws_doc": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    },
    {
        "behaviour": "IAM policy variables, permissions boundaries and SCPs",
        "aws": "Policies may use variables such as ${aws:username}, and permissions boundaries and Organizations "
               "SCPs also limit what a principal may do; the emulator evaluates none of these.",
        "aws_doc": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
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
        "behaviour": "New imported key material and on-demand rotation of imported keys",
        "aws": "A symmetric EXTERNAL key can take new key material (ImportType NEW_KEY_MATERIAL) that RotateKeyOnDemand "
               "then makes current, each with a KeyMaterialId that ListKeyRotations shows; the emulator keeps one "
               "key material per imported key and answers UnsupportedOperationException to both.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html",
    },
    {
        "behaviour": "Import of key material into ML-DSA and ML-KEM keys",
        "aws": "KMS imports private keys of every asymmetric key spec; the emulator imports symmetric, HMAC, RSA, "
               "NIST ECC, secp256k1 and Ed25519 material, and refuses ML-DSA and ML-KEM material with ValidationException.",
        "aws_doc": "https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html",
    },
]
