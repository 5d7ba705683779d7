"""Lab 13's check: the signature is verified offline by the check itself, the learner's verifier and webhook receiver
are fed forgeries, and each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kmscourse import demo_keys
from kmscourse.checks import lab13

MANIFEST = lab13.release_manifest()


@pytest.fixture(scope="module")
def keys(course):
    """The lab's two keys, as the setup cell makes them."""
    signer = demo_keys.ensure_key(course, lab13.SIGNER, "lab 13 release signing key", "ECC_NIST_P256", "SIGN_VERIFY")
    webhook = demo_keys.ensure_key(course, lab13.WEBHOOK, "lab 13 webhook HMAC key", "HMAC_256", "GENERATE_VERIFY_MAC")
    return signer, webhook


def _sign(course, key_id: str, message: bytes = MANIFEST, **extra) -> bytes:
    return course.client("kms").sign(KeyId=key_id, Message=message, SigningAlgorithm="ECDSA_SHA_256", **extra)["Signature"]


def verify_release(data: bytes, signature: bytes, public_der: bytes) -> bool:
    try:
        serialization.load_der_public_key(public_der).verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _webhook(course, webhook):
    kms = course.client("kms")

    def sign(payload: bytes) -> bytes:
        return kms.generate_mac(KeyId=webhook.alias, Message=payload, MacAlgorithm="HMAC_SHA_256")["Mac"]

    def accept(payload: bytes, mac: bytes) -> bool:
        try:
            return kms.verify_mac(KeyId=webhook.alias, Message=payload, Mac=mac, MacAlgorithm="HMAC_SHA_256")["MacValid"]
        except kms.exceptions.KMSInvalidMacException:
            return False

    return sign, accept


def _answers(course, keys, **changed) -> dict:
    """The right answers, with some replaced by a wrong one."""
    signer, webhook = keys
    sign, accept = _webhook(course, webhook)
    right = {"signature": _sign(course, signer.alias), "algorithm": "ECDSA_SHA_256", "verify_release": verify_release,
             "sign_webhook": sign, "accept_webhook": accept}
    return {**right, **changed}


def _hints(course, keys, **changed) -> list[str]:
    return lab13.check(course, **_answers(course, keys, **changed)).hints()


def test_right_answers_pass(course, keys) -> None:
    result = lab13.check(course, **_answers(course, keys))
    assert result.passed, str(result)


def test_a_digest_signed_the_documented_way_passes(course, keys) -> None:
    signer, _ = keys
    signature = _sign(course, signer.alias, hashlib.sha256(MANIFEST).digest(), MessageType="DIGEST")
    assert lab13.check(course, **_answers(course, keys, signature=signature)).passed


def test_nothing_defined_yet_names_the_exercises(course, keys) -> None:
    assert lab13.check(course).hints() == [
        "signature is not defined yet: do Exercise 1 first (its cell defines signature).",
        "verify_release is not defined yet: do Exercise 2 first (its cell defines verify_release).",
        "sign_webhook is not defined yet: do Exercise 3 first (its cell defines sign_webhook).",
    ]


def test_the_setup_cell_not_run(course) -> None:
    hints = lab13.check(course, signer="alias/kmscourse-learner-no-such-key", webhook="alias/kmscourse-learner-no-hook").hints()
    assert hints[0] == ("KMS says NotFoundException for alias/kmscourse-learner-no-such-key; run the setup cell, which "
                        "creates signing_key.")
    assert hints[-1] == "there is no alias/kmscourse-learner-no-hook; run the setup cell, which creates webhook_key."


def test_a_base64_signature_is_named(course, keys) -> None:
    signer, _ = keys
    text = base64.b64encode(_sign(course, signer.alias)).decode()
    (hint, *_) = _hints(course, keys, signature=text)
    assert hint == (f"signature is a str ({text[:40]!r}...); keep the bytes of Sign's Signature field, not the whole "
                    "response or a base64 string (Exercise 1).")


def test_an_algorithm_the_key_lacks(course, keys) -> None:
    (hint, *_) = _hints(course, keys, algorithm="RSASSA_PSS_SHA_256")
    assert hint == "your algorithm is 'RSASSA_PSS_SHA_256'; the key's SigningAlgorithms are ECDSA_SHA_256 (Exercise 1)."


def test_the_digest_signed_as_raw_gets_its_own_hint(course, keys) -> None:
    """The classic DIGEST mistake: hashing locally, then letting KMS hash again."""
    signer, _ = keys
    signature = _sign(course, signer.alias, hashlib.sha256(MANIFEST).digest(), MessageType="RAW")
    (hint, *_) = _hints(course, keys, signature=signature)
    assert hint.startswith("you signed the manifest's SHA-256 as a RAW message, so KMS hashed it again")


def test_a_signature_by_another_key_or_of_another_manifest(course, keys) -> None:
    other = demo_keys.ensure_key(course, "test13-other", "lab 13 test other signer", "ECC_NIST_P256", "SIGN_VERIFY")
    expected = (f"the signature does not verify with {demo_keys.alias_for(course, lab13.SIGNER)}'s public key over the "
                "manifest; sign manifest itself with signing_key (Exercise 1).")
    assert _hints(course, keys, signature=_sign(course, other.alias))[0] == expected
    signer, _ = keys
    assert _hints(course, keys, signature=_sign(course, signer.alias, lab13.release_manifest("1.9.9")))[0] == expected


def test_a_verifier_that_always_accepts_is_a_false_pass(course, keys) -> None:
    """The false pass: a verifier that says True to everything passes the genuine case and must still fail."""
    result = lab13.check(course, **_answers(course, keys, verify_release=lambda data, signature, public: True))
    assert not result.passed
    assert result.hints() == ["verify_release returned True for a manifest with one flipped bit; it must check the "
                              "signature against the bytes it is given and return False when it does not verify (Exercise 2)."]


def test_a_verifier_that_checks_a_fixed_manifest_is_caught(course, keys) -> None:
    """Another false pass: verifying the signature against the lab's own manifest instead of the bytes given."""
    fixed = lambda data, signature, public: verify_release(MANIFEST, signature, public)  # noqa: E731
    (hint, *_) = _hints(course, keys, verify_release=fixed)
    assert hint.startswith("verify_release returned True for a manifest with one flipped bit")


def test_a_verifier_that_raises_is_told_to_return_false(course, keys) -> None:
    def raising(data: bytes, signature: bytes, public_der: bytes) -> bool:
        serialization.load_der_public_key(public_der).verify(signature, data, ec.ECDSA(hashes.SHA256()))
        return True

    (hint, *_) = _hints(course, keys, verify_release=raising)
    assert hint == ("for a manifest with one flipped bit, verify_release raised InvalidSignature; catch the library's "
                    "InvalidSignature and return False (Exercise 2).")


def test_a_verifier_with_the_wrong_hash(course, keys) -> None:
    def sha384(data: bytes, signature: bytes, public_der: bytes) -> bool:
        try:
            serialization.load_der_public_key(public_der).verify(signature, data, ec.ECDSA(hashes.SHA384()))
        except InvalidSignature:
            return False
        return True

    (hint, *_) = _hints(course, keys, verify_release=sha384)
    assert hint == ("verify_release returned False for a genuine ECDSA_SHA_256 signature of the manifest; it must return "
                    "True (Exercise 2).")


def test_a_webhook_mac_from_a_local_secret(course, keys) -> None:
    """The shared secret in an environment variable: a MAC KMS never made."""
    local = lambda payload: hmac.new(b"secret-from-an-env-var", payload, hashlib.sha256).digest()  # noqa: E731
    (hint, *_) = _hints(course, keys, sign_webhook=local)
    assert hint == (f"KMS VerifyMac with {demo_keys.alias_for(course, lab13.WEBHOOK)} refuses your MAC (32 bytes); make it "
                    "with GenerateMac on webhook_key and HMAC_SHA_256, not with a secret of your own (Exercise 3).")


def test_a_webhook_mac_as_base64(course, keys) -> None:
    sign, _ = _webhook(course, keys[1])
    (hint, *_) = _hints(course, keys, sign_webhook=lambda payload: base64.b64encode(sign(payload)).decode())
    assert hint == "sign_webhook returned a str; return the Mac bytes of GenerateMac (Exercise 3)."


def test_a_receiver_that_lets_the_exception_escape(course, keys) -> None:
    kms = course.client("kms")
    webhook = keys[1]
    escaping = lambda payload, mac: kms.verify_mac(KeyId=webhook.alias, Message=payload, Mac=mac,  # noqa: E731
                                                   MacAlgorithm="HMAC_SHA_256")["MacValid"]
    hints = _hints(course, keys, accept_webhook=escaping)
    assert hints == [f"for a changed {what}, accept_webhook raised KMSInvalidMacException; VerifyMac raises "
                     "KMSInvalidMacException for a wrong MAC: catch it and return False (Exercise 3)." for what in ("payload", "MAC")]


def test_a_receiver_that_accepts_everything_is_a_false_pass(course, keys) -> None:
    result = lab13.check(course, **_answers(course, keys, accept_webhook=lambda payload, mac: True))
    assert not result.passed
    assert result.hints() == [
        "accept_webhook returned True for a changed payload; ask KMS with VerifyMac and return False when it refuses (Exercise 3).",
        "accept_webhook returned True for a changed MAC; ask KMS with VerifyMac and return False when it refuses (Exercise 3).",
    ]


def test_the_lesson_passes_its_rsa_key(course, keys) -> None:
    """Lesson 13 passes an RSA key and a PSS signature; the check verifies it with that algorithm."""
    from kmscourse import asymmetric

    rsa_key = demo_keys.ensure_key(course, "test13-rsa", "lab 13 test RSA signer", "RSA_2048", "SIGN_VERIFY")
    kms = course.client("kms")
    signature = kms.sign(KeyId=rsa_key.alias, Message=b"lesson", SigningAlgorithm="RSASSA_PSS_SHA_384")["Signature"]
    pss = lambda data, sig, der: asymmetric.verify_offline(asymmetric.load_public(der), "RSASSA_PSS_SHA_384", sig, data)  # noqa: E731
    answers = _answers(course, keys, signature=signature, algorithm="RSASSA_PSS_SHA_384", verify_release=pss)
    result = lab13.check(course, signer=rsa_key.alias, manifest=b"lesson", **answers)
    assert result.passed, str(result)
