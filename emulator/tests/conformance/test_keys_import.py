"""Imported key material (BYOK): EXTERNAL keys, import parameters and tokens, expiry, deletion and reimport."""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from import_support import import_material, parameters, wrap
from resources import Resources, backend_now, error_code


@pytest.mark.behaviour("A key created with Origin EXTERNAL is PendingImport and refuses use until material is imported")
def test_external_key_pendingimport_material(kms: Any, made: Resources) -> None:
    """CreateKey with Origin EXTERNAL makes a KMS key without key material: its state is PendingImport (Enabled false),
    cryptographic operations and EnableKey fail with KMSInvalidStateException.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-create-cmk.html
    """
    meta = made.key(Origin="EXTERNAL")
    assert (meta["KeyState"], meta["Enabled"], meta["Origin"]) == ("PendingImport", False, "EXTERNAL")
    assert "ExpirationModel" not in meta
    assert error_code(kms.encrypt, KeyId=meta["KeyId"], Plaintext=b"x") == "KMSInvalidStateException"
    assert error_code(kms.generate_data_key, KeyId=meta["KeyId"], KeySpec="AES_256") == "KMSInvalidStateException"
    assert error_code(kms.enable_key, KeyId=meta["KeyId"]) == "KMSInvalidStateException"


@pytest.mark.behaviour("ImportKeyMaterial makes an EXTERNAL key Enabled; DescribeKey shows ExpirationModel and ValidTo")
def test_import_symmetric_material(course: Any, kms: Any, made: Resources) -> None:
    """After ImportKeyMaterial (key material wrapped with the public key and algorithm from GetParametersForImport)
    the key is Enabled and encrypts; DescribeKey reports the ExpirationModel and, when the material expires, ValidTo.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    valid_to = (backend_now(course) + dt.timedelta(days=30)).replace(microsecond=0)
    answer = import_material(kms, key_id, os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    assert answer["KeyId"].endswith(key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"], meta["ExpirationModel"]) == ("Enabled", True, "KEY_MATERIAL_EXPIRES")
    assert abs((meta["ValidTo"] - valid_to).total_seconds()) < 2
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"mine")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"mine"


@pytest.mark.behaviour("GetParametersForImport gives an RSA wrapping key and a token valid for 24 hours")
def testparameters(course: Any, kms: Any, made: Resources) -> None:
    """GetParametersForImport returns the public key of an RSA wrapping key pair of the requested WrappingKeySpec (DER
    SubjectPublicKeyInfo) and an import token; both are valid for 24 hours (ParametersValidTo).

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    found = parameters(kms, key_id, spec="RSA_2048")
    assert serialization.load_der_public_key(found["PublicKey"]).key_size == 2048 and found["ImportToken"]
    until = found["ParametersValidTo"] - backend_now(course)
    assert dt.timedelta(hours=23, minutes=50) < until <= dt.timedelta(hours=24, minutes=1)


@pytest.mark.behaviour("An import token works only for the key it was issued for (InvalidImportTokenException)")
def test_token_bound_to_key(kms: Any, made: Resources) -> None:
    """The public key and import token of GetParametersForImport are linked to the KMS key they were requested for;
    ImportKeyMaterial into another key with them fails with InvalidImportTokenException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    first, second = (made.key(Origin="EXTERNAL")["KeyId"] for _ in range(2))
    issued = parameters(kms, first)
    assert error_code(kms.import_key_material, KeyId=second, ImportToken=issued["ImportToken"],
                      EncryptedKeyMaterial=wrap(issued, os.urandom(32)),
                      ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == "InvalidImportTokenException"


@pytest.mark.emulator_only("needs the emulator clock to move 24 hours on")
@pytest.mark.behaviour("An import token expires after 24 hours (ExpiredImportTokenException)")
def test_token_expires(course: Any, kms: Any, made: Resources) -> None:
    """An import token and its public key can be used for 24 hours; after that ImportKeyMaterial fails with
    ExpiredImportTokenException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    issued = parameters(kms, key_id)
    course.advance_clock(hours=25)
    assert error_code(kms.import_key_material, KeyId=key_id, ImportToken=issued["ImportToken"],
                      EncryptedKeyMaterial=wrap(issued, os.urandom(32)),
                      ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == "ExpiredImportTokenException"


@pytest.mark.behaviour("DeleteImportedKeyMaterial makes the key PendingImport; reimporting the same material restores old ciphertexts")
def test_delete_and_reimport(kms: Any, made: Resources) -> None:
    """DeleteImportedKeyMaterial makes the KMS key unusable (PendingImport); reimporting the same key material makes it
    Enabled again and ciphertexts made before decrypt again.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteImportedKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    material = os.urandom(32)
    import_material(kms, key_id, material)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    kms.delete_imported_key_material(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingImport" and "ExpirationModel" not in meta
    assert error_code(kms.decrypt, CiphertextBlob=blob) == "KMSInvalidStateException"
    import_material(kms, key_id, material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"


@pytest.mark.behaviour("Importing different key material into a key that had material gives IncorrectKeyMaterialException")
def test_different_material_refused(kms: Any, made: Resources) -> None:
    """A KMS key is bound to the first key material imported into it; importing any other material (without a new
    on-demand rotation) fails with IncorrectKeyMaterialException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    import_material(kms, key_id, os.urandom(32))
    kms.delete_imported_key_material(KeyId=key_id)
    assert error_code(lambda: import_material(kms, key_id, os.urandom(32))) == "IncorrectKeyMaterialException"


@pytest.mark.emulator_only("needs the emulator clock to reach the material's ValidTo")
@pytest.mark.behaviour("Imported key material is deleted at its ValidTo; the key returns to PendingImport")
def test_material_expires(course: Any, kms: Any, made: Resources) -> None:
    """With ExpirationModel KEY_MATERIAL_EXPIRES, KMS deletes the key material at ValidTo and the key becomes
    PendingImport; reimporting the same material makes it usable again.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-delete-key-material.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    material = os.urandom(32)
    import_material(kms, key_id, material, ExpirationModel="KEY_MATERIAL_EXPIRES",
            ValidTo=backend_now(course) + dt.timedelta(days=2))
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"expiring")["CiphertextBlob"]
    course.advance_clock(days=1)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    course.advance_clock(days=2)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert error_code(kms.decrypt, CiphertextBlob=blob) == "KMSInvalidStateException"
    import_material(kms, key_id, material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"expiring"


@pytest.mark.behaviour("ImportKeyMaterial checks ExpirationModel and ValidTo together")
def test_expiration_rules(course: Any, kms: Any, made: Resources) -> None:
    """ExpirationModel defaults to KEY_MATERIAL_EXPIRES, which needs ValidTo; KEY_MATERIAL_DOES_NOT_EXPIRE must come
    without ValidTo: either mistake is ValidationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    issued = parameters(kms, key_id)
    wrapped = wrap(issued, os.urandom(32))
    assert error_code(kms.import_key_material, KeyId=key_id, ImportToken=issued["ImportToken"],
                      EncryptedKeyMaterial=wrapped) == "ValidationException"
    assert error_code(kms.import_key_material, KeyId=key_id, ImportToken=issued["ImportToken"],
                      EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
                      ValidTo=backend_now(course) + dt.timedelta(days=2)) == "ValidationException"


@pytest.mark.behaviour("Asymmetric key material imports with RSA_AES_KEY_WRAP_SHA_256 and signs as the imported key")
def test_import_signing_key(kms: Any, made: Resources) -> None:
    """An ECC private key (DER PKCS #8) wrapped with RSA_AES_KEY_WRAP_SHA_256 imports into an EXTERNAL signing key:
    GetPublicKey gives its public key and KMS signatures verify with it.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-encrypt-key-material.html
    """
    key_id = made.key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    issued = parameters(kms, key_id, algorithm="RSA_AES_KEY_WRAP_SHA_256", spec="RSA_2048")
    kms.import_key_material(KeyId=key_id, ImportToken=issued["ImportToken"],
                            EncryptedKeyMaterial=wrap(issued, der, "RSA_AES_KEY_WRAP_SHA_256"),
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    assert kms.get_public_key(KeyId=key_id)["PublicKey"] == private.public_key().public_bytes(serialization.Encoding.DER, spki)
    signature = kms.sign(KeyId=key_id, Message=b"firmware", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"firmware", ec.ECDSA(hashes.SHA256()))


@pytest.mark.behaviour("Import operations on a key with KMS-made material give UnsupportedOperationException")
def test_import_needs_external_origin(kms: Any, made: Resources) -> None:
    """Key material can be imported only into keys created with Origin EXTERNAL; GetParametersForImport and
    DeleteImportedKeyMaterial on an AWS_KMS key fail with UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html
    """
    key_id = made.key()["KeyId"]
    assert error_code(kms.get_parameters_for_import, KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                      WrappingKeySpec="RSA_2048") == "UnsupportedOperationException"
    assert error_code(kms.delete_imported_key_material, KeyId=key_id) == "UnsupportedOperationException"


@pytest.mark.behaviour("GetParametersForImport refuses the deprecated RSAES_PKCS1_V1_5 wrapping algorithm")
def test_pkcs1_wrapping_refused(raw_kms: Any, made: Resources) -> None:
    """As of October 10, 2023, KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm: the request fails.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    assert error_code(raw_kms.get_parameters_for_import, KeyId=key_id, WrappingAlgorithm="RSAES_PKCS1_V1_5",
                      WrappingKeySpec="RSA_2048") == "ValidationException"


@pytest.mark.behaviour("Keys with imported material cannot rotate automatically")
def test_imported_not_auto_rotatable(kms: Any, made: Resources) -> None:
    """Automatic key rotation is not supported for keys with imported key material: UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    import_material(kms, key_id, os.urandom(32))
    assert error_code(kms.enable_key_rotation, KeyId=key_id) == "UnsupportedOperationException"
