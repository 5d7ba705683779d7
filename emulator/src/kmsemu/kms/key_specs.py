"""What each KeySpec is: the key usages AWS allows for it and the algorithms DescribeKey lists for it.

https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.errors import AwsError

RSA = ("RSA_2048", "RSA_3072", "RSA_4096")
NIST_ECC = ("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521")
HMAC = ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")
ML_DSA = ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
ML_KEM = ("ML_KEM_512", "ML_KEM_768", "ML_KEM_1024")
EDWARDS = "ECC_NIST_EDWARDS25519"
SECP256K1 = "ECC_SECG_P256K1"

USAGES: dict[str, tuple[str, ...]] = {
    "SYMMETRIC_DEFAULT": ("ENCRYPT_DECRYPT",),
    **{spec: ("ENCRYPT_DECRYPT", "SIGN_VERIFY") for spec in RSA},
    **{spec: ("SIGN_VERIFY", "KEY_AGREEMENT") for spec in NIST_ECC},
    SECP256K1: ("SIGN_VERIFY",),
    EDWARDS: ("SIGN_VERIFY",),
    **{spec: ("GENERATE_VERIFY_MAC",) for spec in HMAC},
    **{spec: ("SIGN_VERIFY",) for spec in ML_DSA},
    **{spec: ("ENCAPSULATE_DECAPSULATE",) for spec in ML_KEM},
    "SM2": ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"),
}
"""The key usages each key spec may be created with."""

RSA_SIGNING = ("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512")
RSA_ENCRYPTION = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")

_SIGNING: dict[str, tuple[str, ...]] = {
    **{spec: RSA_SIGNING for spec in RSA},
    "ECC_NIST_P256": ("ECDSA_SHA_256",), "ECC_NIST_P384": ("ECDSA_SHA_384",), "ECC_NIST_P521": ("ECDSA_SHA_512",),
    SECP256K1: ("ECDSA_SHA_256",), EDWARDS: ("ED25519_SHA_512", "ED25519_PH_SHA_512"),
    **{spec: ("ML_DSA_SHAKE_256",) for spec in ML_DSA}, "SM2": ("SM2DSA",),
}

_ALGORITHM_LISTS = {
    "ENCRYPT_DECRYPT": "EncryptionAlgorithms", "SIGN_VERIFY": "SigningAlgorithms",
    "GENERATE_VERIFY_MAC": "MacAlgorithms", "KEY_AGREEMENT": "KeyAgreementAlgorithms",
    "ENCAPSULATE_DECAPSULATE": "EncapsulationAlgorithms",
}


def algorithms(spec: str, usage: str) -> dict[str, list[str]]:
    """The algorithm list DescribeKey shows for a key of this spec and usage (one member, by usage)."""
    if usage == "ENCRYPT_DECRYPT":
        found: tuple[str, ...] = ("SYMMETRIC_DEFAULT",) if spec == "SYMMETRIC_DEFAULT" else (
            ("SM2PKE",) if spec == "SM2" else RSA_ENCRYPTION)
    elif usage == "SIGN_VERIFY":
        found = _SIGNING.get(spec, ())
    elif usage == "GENERATE_VERIFY_MAC":
        found = (f"HMAC_SHA_{spec.split('_')[1]}",)
    elif usage == "KEY_AGREEMENT":
        found = ("ECDH",)
    elif usage == "ENCAPSULATE_DECAPSULATE":
        found = ("ML_KEM",)
    else:
        return {}
    return {_ALGORITHM_LISTS[usage]: list(found)}


def is_asymmetric(spec: str) -> bool:
    """Whether keys of this spec are key pairs (with a public key), not symmetric or HMAC keys."""
    return spec != "SYMMETRIC_DEFAULT" and spec not in HMAC


def check_create(params: dict[str, Any]) -> None:
    """ValidationException for a KeySpec and KeyUsage AWS does not combine; fills in AWS's default KeyUsage."""
    spec = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    usage = params.get("KeyUsage")
    allowed = USAGES.get(spec, ())
    if usage is None:
        if "ENCRYPT_DECRYPT" not in allowed:
            raise AwsError("ValidationException",
                           "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
        params["KeyUsage"] = "ENCRYPT_DECRYPT"
    elif usage not in allowed:
        raise AwsError("ValidationException", f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    if spec == "SM2":
        raise AwsError("ValidationException", "KeySpec SM2 is supported only in China Regions.")
    from kmsemu.kms.key_pairs import supported

    if spec.startswith("ML_") and not supported(spec):
        raise AwsError("UnsupportedOperationException", f"The emulator cannot make {spec} keys: the cryptography "
                       "library it runs on lacks this parameter set. kmsemu's fidelity table lists it.")


def incompatible(algorithm: str, spec: str) -> AwsError:
    """InvalidKeyUsageException: the algorithm is not one this key spec supports."""
    return AwsError("InvalidKeyUsageException", f"Algorithm {algorithm} is incompatible with key spec {spec}.")


def check_algorithm(key: Any, algorithm: str | None) -> str:
    """The algorithm, once it is one the key lists for its usage; otherwise InvalidKeyUsageException."""
    listed = next(iter(algorithms(key.key_spec, key.key_usage or "ENCRYPT_DECRYPT").values()), [])
    chosen = algorithm or ("SYMMETRIC_DEFAULT" if key.key_usage == "ENCRYPT_DECRYPT" else "")
    if chosen not in listed:
        raise incompatible(chosen, key.key_spec)
    return chosen
