"""Lab 13: a release manifest signed with a KMS key that an offline verifier accepts, and an HMAC-authenticated webhook.

The check verifies the signature itself, offline, with the public key from GetPublicKey (as a downloader would),
feeds the learner's verifier forged manifests, and sends the learner's webhook receiver changed payloads.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import ClientError

from .. import asymmetric, demo_keys
from ..course import Course
from .notebook import NOT_SET, answer, require
from .result import CheckResult

SIGNER = "lab13-release"
"""The suffix of the lab's signing key: `alias/kmscourse-<learner>-lab13-release` (ECC_NIST_P256, SIGN_VERIFY)."""

WEBHOOK = "lab13-webhook"
"""The suffix of the lab's HMAC key: `alias/kmscourse-<learner>-lab13-webhook` (HMAC_256)."""

MAC_ALGORITHM = "HMAC_SHA_256"


def release_manifest(version: str = "2.0.0") -> bytes:
    """The lab's release manifest: the artefact's name and SHA-256, as canonical JSON bytes."""
    artefact = f"kmscourse-tool-{version}.tar.gz"
    digest = hashlib.sha256(f"the bytes of {artefact}".encode()).hexdigest()
    return json.dumps({"name": artefact, "sha256": digest, "version": version}, sort_keys=True).encode()


def forgeries(manifest: bytes) -> dict[str, bytes]:
    """Tampered copies a verifier must refuse, by what was changed."""
    return {"one flipped bit": asymmetric.tampered(manifest), "its first byte changed": asymmetric.tampered(manifest, 0),
            "an extra byte": manifest + b" ", "its last byte cut off": manifest[:-1]}


def _call(function: Any, *args: Any) -> tuple[Any, str]:
    """(result, '') or (None, 'ExceptionName: message') when the learner's function raised."""
    try:
        return function(*args), ""
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return None, (error.get("Code", "ClientError") + (f": {error['Message']}" if error.get("Message") else ""))[:200]
    except Exception as exc:  # the learner's code: any exception becomes a hint, never a traceback
        return None, (type(exc).__name__ + (f": {exc}" if str(exc) else ""))[:200]


def _signing_key(result: CheckResult, kms: Any, signer: str) -> dict[str, Any] | None:
    """The signing key's public key answer (GetPublicKey), or None after a failed item."""
    try:
        public = kms.get_public_key(KeyId=signer)
    except ClientError as exc:
        result.add("the signing key exists", False, f"KMS says {exc.response['Error']['Code']} for {signer}; run the "
                   "setup cell, which creates signing_key.")
        return None
    return result.add("the signing key is an asymmetric SIGN_VERIFY key", public["KeyUsage"] == "SIGN_VERIFY",
                      f"{signer} has KeyUsage {public['KeyUsage']}; sign with signing_key.") and public or None


def check_signature(result: CheckResult, kms: Any, signer: str, manifest: bytes, signature: Any, algorithm: Any) -> None:
    """Exercise 1: the signature of the manifest verifies offline with the key's public key, and in KMS."""
    public = _signing_key(result, kms, signer)
    if public is None:
        return
    if not require(result, signature, "signature", "do Exercise 1", "signature is defined") or \
            not require(result, algorithm, "algorithm", "do Exercise 1", "algorithm is defined"):
        return
    supported = public.get("SigningAlgorithms", [])
    if not result.add("signature is bytes", isinstance(signature, bytes),
                      f"signature is a {type(signature).__name__} ({str(signature)[:40]!r}...); keep the bytes of Sign's "
                      "Signature field, not the whole response or a base64 string (Exercise 1)."):
        return
    if not result.add("algorithm is one the key supports", algorithm in supported,
                      f"your algorithm is {algorithm!r}; the key's SigningAlgorithms are {', '.join(supported)} (Exercise 1)."):
        return
    key = asymmetric.load_public(public["PublicKey"])
    valid = asymmetric.verify_offline(key, algorithm, signature, manifest)
    hint = (f"the signature does not verify with {signer}'s public key over the manifest; sign manifest itself with "
            "signing_key (Exercise 1).")
    if not valid and asymmetric.verify_offline(key, algorithm, signature, hashlib.sha256(manifest).digest()):
        hint = ("you signed the manifest's SHA-256 as a RAW message, so KMS hashed it again and the signature is of the "
                "digest, not of the manifest; send the digest with MessageType='DIGEST', or the manifest as RAW.")
    if not result.add("the signature verifies offline with only the public key", valid, hint):
        return
    try:
        kms.verify(KeyId=signer, Message=manifest, Signature=signature, SigningAlgorithm=algorithm)
        in_kms = True
    except ClientError:
        in_kms = False
    result.add("KMS Verify accepts it too", in_kms, "KMS refused a signature that verifies offline; ask your instructor.")
    refused = all(not asymmetric.verify_offline(key, algorithm, signature, forged) for forged in forgeries(manifest).values())
    result.add("a tampered copy of the manifest fails offline", refused, "a forged manifest verified; ask your instructor.")


def check_verifier(result: CheckResult, kms: Any, signer: str, manifest: bytes, verify_release: Any, algorithm: Any) -> None:
    """Exercise 2: the learner's offline verifier accepts a genuine signature and refuses forgeries and junk."""
    if not require(result, verify_release, "verify_release", "do Exercise 2", "verify_release is defined"):
        return
    if not result.add("verify_release is a function", callable(verify_release),
                      f"verify_release is a {type(verify_release).__name__}; define it with def (Exercise 2)."):
        return
    try:
        public = kms.get_public_key(KeyId=signer)["PublicKey"]
        supported = kms.describe_key(KeyId=signer)["KeyMetadata"]["SigningAlgorithms"]
        algorithm = algorithm if algorithm in supported else supported[0]  # the learner's, when the key supports it
        genuine = kms.sign(KeyId=signer, Message=manifest, SigningAlgorithm=algorithm)["Signature"]
    except ClientError as exc:
        result.add("the check can sign a test manifest", False, f"KMS says {exc.response['Error']['Code']}; run the setup cell.")
        return
    accepted, error = _call(verify_release, manifest, genuine, public)
    if not result.add("verify_release accepts a genuine signature", accepted is True,
                      f"verify_release(manifest, signature, public_der) raised {error}; verify with the public key "
                      f"bytes it is given, using {algorithm} (Exercise 2)." if error else
                      f"verify_release returned {accepted!r} for a genuine {algorithm} signature of the manifest; it must "
                      "return True (Exercise 2)."):
        return
    for what, forged in forgeries(manifest).items():
        verdict, error = _call(verify_release, forged, genuine, public)
        if not result.add(f"verify_release refuses a manifest with {what}", verdict is False,
                          f"for a manifest with {what}, verify_release raised {error}; catch the library's "
                          "InvalidSignature and return False (Exercise 2)." if error else
                          f"verify_release returned {verdict!r} for a manifest with {what}; it must check the signature "
                          "against the bytes it is given and return False when it does not verify (Exercise 2)."):
            return
    verdict, error = _call(verify_release, manifest, b"\x00" * len(genuine), public)
    result.add("verify_release refuses a junk signature without raising", verdict is False,
               f"for a signature of zero bytes, verify_release raised {error}; return False for anything that does not "
               "verify (Exercise 2)." if error else f"verify_release returned {verdict!r} for a junk signature (Exercise 2).")


def check_webhook(result: CheckResult, kms: Any, webhook: str, sign_webhook: Any, accept_webhook: Any) -> None:
    """Exercise 3: the sender's MAC verifies in KMS with the HMAC key; the receiver accepts it and refuses changes."""
    try:
        meta = kms.describe_key(KeyId=webhook)["KeyMetadata"]
    except ClientError:
        result.add("the webhook's HMAC key exists", False, f"there is no {webhook}; run the setup cell, which creates webhook_key.")
        return
    if not require(result, sign_webhook, "sign_webhook", "do Exercise 3", "sign_webhook is defined"):
        return
    payload = json.dumps({"event": "release.published", "version": "2.0.0"}, sort_keys=True).encode()
    mac, error = _call(sign_webhook, payload)
    if not result.add("sign_webhook returns a MAC as bytes", isinstance(mac, bytes),
                      f"sign_webhook(payload) raised {error} (Exercise 3)." if error else
                      f"sign_webhook returned a {type(mac).__name__}; return the Mac bytes of GenerateMac (Exercise 3)."):
        return
    try:
        kms.verify_mac(KeyId=meta["Arn"], Message=payload, Mac=mac, MacAlgorithm=MAC_ALGORITHM)
        made_by_kms = True
    except ClientError:
        made_by_kms = False
    result.add(f"the MAC verifies in KMS with {webhook}", made_by_kms,
               f"KMS VerifyMac with {webhook} refuses your MAC ({len(mac)} bytes); make it with GenerateMac on "
               f"webhook_key and {MAC_ALGORITHM}, not with a secret of your own (Exercise 3).")
    if not require(result, accept_webhook, "accept_webhook", "do Exercise 3", "accept_webhook is defined"):
        return
    genuine = kms.generate_mac(KeyId=meta["Arn"], Message=payload, MacAlgorithm=MAC_ALGORITHM)["Mac"]
    verdict, error = _call(accept_webhook, payload, genuine)
    if not result.add("accept_webhook accepts a genuine delivery", verdict is True,
                      f"accept_webhook(payload, mac) raised {error} for a genuine delivery (Exercise 3)." if error else
                      f"accept_webhook returned {verdict!r} for a genuine delivery; it must return True (Exercise 3)."):
        return
    changed = {"a changed payload": (payload.replace(b"2.0.0", b"9.9.9"), genuine),
               "a changed MAC": (payload, asymmetric.tampered(genuine, 0))}
    for what, (body, given) in changed.items():
        verdict, error = _call(accept_webhook, body, given)
        result.add(f"accept_webhook refuses {what}", verdict is False,
                   f"for {what}, accept_webhook raised {error}; VerifyMac raises KMSInvalidMacException for a wrong MAC: "
                   "catch it and return False (Exercise 3)." if error else
                   f"accept_webhook returned {verdict!r} for {what}; ask KMS with VerifyMac and return False when it "
                   "refuses (Exercise 3).")


def check(course: Course, signer: Any = NOT_SET, manifest: Any = NOT_SET, signature: Any = NOT_SET,
          algorithm: Any = NOT_SET, verify_release: Any = NOT_SET, webhook: Any = NOT_SET,
          sign_webhook: Any = NOT_SET, accept_webhook: Any = NOT_SET) -> CheckResult:
    """The signature, the verifier and the webhook functions, against live KMS keys (read from the notebook when not passed).

    The lab's check cell is `lab13.check(course)`; lesson 13 passes its own keys, manifest and functions.
    """
    result = CheckResult("Lab 13")
    kms = course.client("kms")
    signer = signer if signer is not NOT_SET else demo_keys.alias_for(course, SIGNER)
    webhook = webhook if webhook is not NOT_SET else demo_keys.alias_for(course, WEBHOOK)
    manifest = manifest if manifest is not NOT_SET else release_manifest()
    check_signature(result, kms, str(signer), manifest, answer(signature, "signature"), answer(algorithm, "algorithm"))
    check_verifier(result, kms, str(signer), manifest, answer(verify_release, "verify_release"), answer(algorithm, "algorithm"))
    check_webhook(result, kms, str(webhook), answer(sign_webhook, "sign_webhook"), answer(accept_webhook, "accept_webhook"))
    return result.finish()
