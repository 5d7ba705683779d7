"""kmscourse.asymmetric verifies every KMS signing algorithm offline, and cleanup finds the lesson 13 kinds of key."""
from __future__ import annotations

import hashlib

import pytest

from kmscourse import asymmetric, cleanup, demo_keys

MESSAGE = b"release manifest"
CASES = [("RSA_2048", "RSASSA_PSS_SHA_512"), ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"),
         ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"), ("ML_DSA_44", "ML_DSA_SHAKE_256")]


@pytest.mark.parametrize(("spec", "algorithm"), CASES)
def test_verify_offline_accepts_kms_signatures_and_refuses_changes(course, spec: str, algorithm: str) -> None:
    key = demo_keys.ensure_key(course, f"test13-{spec.lower()}", "asymmetric helper test", spec, "SIGN_VERIFY")
    kms = course.client("kms")
    signature = kms.sign(KeyId=key.alias, Message=MESSAGE, SigningAlgorithm=algorithm)["Signature"]
    public = asymmetric.public_key(kms, key.alias)
    assert asymmetric.verify_offline(public, algorithm, signature, MESSAGE)
    assert not asymmetric.verify_offline(public, algorithm, signature, asymmetric.tampered(MESSAGE))
    assert not asymmetric.verify_offline(public, algorithm, b"junk", MESSAGE)
    if not algorithm.startswith(("ED25519", "ML_DSA")):
        digest = hashlib.new(asymmetric.hash_of(algorithm).name, MESSAGE).digest()
        assert asymmetric.verify_offline(public, algorithm, signature, digest, digest=True)


def test_rsa_oaep_ciphertext_decrypts_in_kms(course) -> None:
    key = demo_keys.ensure_key(course, "test13-inbox", "asymmetric helper test", "RSA_2048", "ENCRYPT_DECRYPT")
    kms = course.client("kms")
    sealed = asymmetric.public_key(kms, key.alias).encrypt(b"secret", asymmetric.oaep("RSAES_OAEP_SHA_1"))
    assert kms.decrypt(KeyId=key.alias, CiphertextBlob=sealed, EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == b"secret"


def test_cleanup_plans_to_remove_hmac_agreement_and_post_quantum_keys(course) -> None:
    """The kinds of key lesson 13 makes are tagged like any other, so `kmscourse cleanup` finds and schedules them."""
    made = [demo_keys.ensure_key(course, f"test13-cleanup-{spec.lower()}", "cleanup test", spec, usage) for spec, usage in
            [("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "KEY_AGREEMENT"), ("ML_KEM_768", "ENCAPSULATE_DECAPSULATE")]]
    planned = "\n".join(step.plan for step in cleanup.plan(course))
    for key in made:
        assert f"schedule deletion of key {key.key_id}" in planned and f"delete alias {key.alias}" in planned
