"""Errors: the AWS error codes for wrong keys, non-ciphertext and bad signatures, and never an HTTP 500."""
from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resources import Resources, error_code

from kmsemu.pipeline import FALLBACK_HEADER


@pytest.mark.behaviour("Decrypt with another key's KeyId gives IncorrectKeyException")
def test_incorrect_key(kms: Any, made: Resources) -> None:
    """Decrypt with a KeyId that is not the key that encrypted the ciphertext fails with IncorrectKeyException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
    """
    blob = kms.encrypt(KeyId=made.key()["KeyId"], Plaintext=b"mine")["CiphertextBlob"]
    other = made.key()["KeyId"]
    assert error_code(kms.decrypt, CiphertextBlob=blob, KeyId=other) == "IncorrectKeyException"


@pytest.mark.behaviour("A blob that is not KMS ciphertext gives InvalidCiphertextException")
def test_not_ciphertext(kms: Any, made: Resources) -> None:
    """Decrypt of bytes that are not KMS ciphertext, including the base64 text of a ciphertext, gives InvalidCiphertextException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
    """
    blob = kms.encrypt(KeyId=made.key()["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    assert error_code(kms.decrypt, CiphertextBlob=b"definitely not ciphertext " * 4) == "InvalidCiphertextException"
    assert error_code(kms.decrypt, CiphertextBlob=base64.b64encode(blob)) == "InvalidCiphertextException"


@pytest.mark.behaviour("CLI: decrypting fileb:// of `--output text` base64 gives InvalidCiphertextException")
def test_cli_base64_pitfall(course: Any, kms: Any, made: Resources, tmp_path: Path) -> None:
    """`aws kms encrypt --output text --query CiphertextBlob` prints base64; passing that file as fileb:// is not ciphertext.

    https://docs.aws.amazon.com/cli/latest/reference/kms/decrypt.html
    """
    blob = kms.encrypt(KeyId=made.key()["KeyId"], Plaintext=b"s3cr3t")["CiphertextBlob"]
    (tmp_path / "secret.enc").write_text(base64.b64encode(blob).decode() + "\n")  # what `--output text` writes
    aws = [sys.executable, "-m", "awscli", "kms", "decrypt", "--ciphertext-blob", "fileb://secret.enc"]
    decrypted = subprocess.run(aws, cwd=tmp_path, env=course.cli_env(), capture_output=True, text=True)
    assert decrypted.returncode != 0
    assert "InvalidCiphertextException" in decrypted.stderr


@pytest.mark.behaviour("Decrypt needs exactly the encryption context used to encrypt")
def test_encryption_context_exact(kms: Any, made: Resources) -> None:
    """The encryption context must match exactly; a context that only concatenates to the same text fails.

    https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
    """
    key_id = made.key()["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"ctx", EncryptionContext={"ab": "c"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"ab": "c"})["Plaintext"] == b"ctx"
    assert error_code(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"a": "bc"}) == "InvalidCiphertextException"
    assert error_code(kms.decrypt, CiphertextBlob=blob) == "InvalidCiphertextException"


@pytest.mark.behaviour("Verify of a wrong signature gives KMSInvalidSignatureException")
def test_bad_signature(kms: Any, made: Resources) -> None:
    """Verify raises KMSInvalidSignatureException when the signature does not match the message.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html
    """
    key_id = made.key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyId"]
    signature = kms.sign(KeyId=key_id, Message=b"signed", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    assert kms.verify(KeyId=key_id, Message=b"signed", Signature=signature, SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]
    code = error_code(kms.verify, KeyId=key_id, Message=b"tampered", Signature=signature, SigningAlgorithm="ECDSA_SHA_256")
    assert code == "KMSInvalidSignatureException"


@pytest.mark.behaviour("A key used for the wrong purpose gives InvalidKeyUsageException")
def test_wrong_key_usage(kms: Any, made: Resources) -> None:
    """Encrypt with a signing key, or GenerateMac with an encryption key, fails with InvalidKeyUsageException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
    """
    signing = made.key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyId"]
    assert error_code(kms.encrypt, KeyId=signing, Plaintext=b"x") == "InvalidKeyUsageException"
    symmetric = made.key()["KeyId"]
    assert error_code(kms.generate_mac, KeyId=symmetric, Message=b"x", MacAlgorithm="HMAC_SHA_256") == "InvalidKeyUsageException"


# The KMS operations the course's lessons call.
COURSE_OPERATIONS = [
    "CreateKey", "DescribeKey", "ListKeys", "CreateAlias", "UpdateAlias", "DeleteAlias", "ListAliases", "Encrypt",
    "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateRandom", "EnableKey",
    "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "EnableKeyRotation", "DisableKeyRotation",
    "GetKeyRotationStatus", "RotateKeyOnDemand", "ListKeyRotations", "GetKeyPolicy", "PutKeyPolicy", "CreateGrant",
    "ListGrants", "RevokeGrant", "RetireGrant", "TagResource", "UntagResource", "ListResourceTags", "Sign", "Verify",
    "GenerateMac", "VerifyMac", "GetPublicKey", "UpdateKeyDescription",
]
MEMBER_NAMES = sorted({
    "KeyId", "Plaintext", "CiphertextBlob", "EncryptionContext", "AliasName", "TargetKeyId", "DestinationKeyId",
    "SourceKeyId", "NumberOfBytes", "KeySpec", "KeyUsage", "PendingWindowInDays", "RotationPeriodInDays", "Policy",
    "PolicyName", "GranteePrincipal", "Operations", "GrantId", "GrantToken", "Tags", "TagKeys", "Message",
    "Signature", "SigningAlgorithm", "MacAlgorithm", "Mac", "Description", "Limit", "Marker", "MessageType",
})
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**63), st.floats(allow_nan=False),
    st.text(max_size=40), st.sampled_from(["alias/", "alias/aws/s3", "arn:aws:kms:us-west-2:123456789012:key/",
                                           "arn:", "", "AAAA", "=", "SYMMETRIC_DEFAULT", "HMAC_SHA_256"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
blobs = st.binary(max_size=120).map(lambda b: base64.b64encode(b).decode())


def _signed_post(course: Any, operation: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """POST a raw KMS request, signed as the learner, and return status, headers and body."""
    request = AWSRequest(method="POST", url=course.endpoint_url + "/", data=body, headers={
        "X-Amz-Target": f"TrentService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(course.session.get_credentials().get_frozen_credentials(), "kms", course.region).add_auth(request)
    raw = urllib.request.Request(request.url, data=body, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=120) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as failed:
        return failed.code, dict(failed.headers.items()), failed.read()


@pytest.fixture(scope="module")
def fuzz_targets(course: Any) -> list[str]:
    """Real identifiers for the fuzzer to mix in, so malformed input also reaches existing keys."""
    kms = course.client("kms")
    meta = kms.create_key(Description=course.name("fuzz"), Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
    alias = "alias/" + course.name("fuzz")
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    blob = base64.b64encode(kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"fuzz")["CiphertextBlob"]).decode()
    return [meta["KeyId"], meta["Arn"], alias, blob]


@pytest.mark.emulator_only("fuzzing sends hundreds of malformed requests, which a real account would rate-limit and bill")
@pytest.mark.behaviour("Malformed input gives a 4xx AWS error, never HTTP 500")
def test_malformed_input_never_500(course: Any, fuzz_targets: list[str]) -> None:
    """Every malformed request to a KMS operation is answered with a 4xx and an AWS error code (__type).

    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    values = st.one_of(json_values, blobs, st.sampled_from(fuzz_targets))
    bodies = st.one_of(
        st.dictionaries(st.sampled_from(MEMBER_NAMES), values, max_size=6).map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=64),
        json_values.map(lambda v: json.dumps(v).encode()),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(operation=st.sampled_from(COURSE_OPERATIONS), body=bodies)
    def one_request(operation: str, body: bytes) -> None:
        status, headers, content = _signed_post(course, operation, body)
        if status == 200:
            return
        assert 400 <= status < 500, (operation, body, status, content[:300])
        assert FALLBACK_HEADER not in {k.lower() for k in headers}, (operation, body, content[:300])
        code = json.loads(content or b"{}").get("__type", "")
        assert code, (operation, body, content[:300])

    one_request()


@pytest.mark.behaviour("Encrypt refuses more than 4,096 bytes with ValidationException, without echoing the plaintext")
def test_encrypt_limit_does_not_echo_plaintext(kms: Any, made: Resources) -> None:
    """Encrypt takes 1 to 4,096 bytes of Plaintext, a sensitive member that AWS's validation message leaves out.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
    """
    secret = b"my-secret-" * 410
    with pytest.raises(Exception) as refused:
        kms.encrypt(KeyId=made.key()["KeyId"], Plaintext=secret)
    error = refused.value.response["Error"]  # type: ignore[attr-defined]
    assert error["Code"] == "ValidationException"
    assert "4096" in error["Message"]
    assert "my-secret" not in error["Message"] and base64.b64encode(secret)[:40].decode() not in error["Message"]
    assert kms.encrypt(KeyId=made.key()["KeyId"], Plaintext=secret[:4096])["CiphertextBlob"]
