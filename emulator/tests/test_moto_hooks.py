"""Every moto internal the emulator relies on, checked so a moto upgrade fails here loudly.

Each test names the kmsemu module that relies on the internal. pyproject pins moto to
>=5.2.5,<5.3, the range these tests were written against.
"""
from __future__ import annotations

import inspect
import json
from importlib.metadata import version

import pytest

from kmsemu import patches as hooks
from kmsemu.patches import original

ACCOUNT = "000000000042"  # an account no other test uses, so the checks cannot disturb them
REGION = "eu-west-1"


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    hooks.install()


@pytest.fixture
def backend():
    """A fresh moto KMS backend for the checks."""
    from moto.kms.models import kms_backends

    b = kms_backends[ACCOUNT][REGION]
    b.reset()
    return b


def test_moto_version_in_verified_range() -> None:
    """pyproject pins moto >=5.2.5,<5.3; these checks were verified on that range."""
    major, minor, *_ = (int(p) for p in version("moto").split(".")[:3])
    assert (major, minor) == (5, 2)


def test_backend_layout(backend) -> None:
    """kms_identifiers/deletion: kms_backends[account][region].keys maps key id -> Key(id, arn, key_state, aliases, ...)."""
    from moto.kms.models import Key, kms_backends

    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    assert isinstance(key, Key) and backend.keys[key.id] is key
    assert key.arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key.id}"
    assert (key.key_state, key.enabled, key.key_usage, key.key_spec, key.origin) == ("Enabled", True, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "AWS_KMS")
    assert (backend.account_id, backend.region_name) == (ACCOUNT, REGION)
    backend.create_alias(key.id, "alias/hook")
    assert isinstance(key.aliases, dict) and "alias/hook" in key.aliases
    assert isinstance(key.rotations, list) and isinstance(key.key_material, bytes) and len(key.key_material) == 32
    # deletion.all_kms_backends walks the nested dicts with dict.values, which must not create backends
    assert ACCOUNT in dict.keys(kms_backends) and REGION in dict.keys(kms_backends[ACCOUNT])


def test_reserved_alias_creates_its_key(backend) -> None:
    """kms_identifiers.resolve: get_key_id_from_alias makes the AWS managed key for alias/aws/s3 on first use."""
    from moto.kms.utils import RESERVED_ALIASES

    assert "alias/aws/s3" in RESERVED_ALIASES
    key_id = backend.get_key_id_from_alias("alias/aws/s3")
    assert key_id in backend.keys and "alias/aws/s3" in backend.keys[key_id].aliases


def test_account_from_access_key() -> None:
    """kms_identifiers.account_for: moto.iam.models.get_account_id_from(access key id) -> account id."""
    from moto.iam.models import get_account_id_from

    assert get_account_id_from("AKIAUNKNOWNKEY000000") == "123456789012"


def test_schedule_deletion_reads_models_utcnow(backend) -> None:
    """deletion.install: ScheduleKeyDeletion dates by moto.kms.models.utcnow, which the hook points at the emulator clock."""
    import moto.kms.models as models

    from kmsemu import clock
    from kmsemu.kms import deletion

    assert "utcnow()" in inspect.getsource(models.KmsBackend.schedule_key_deletion)
    assert models.utcnow is deletion.naive_now
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    backend.schedule_key_deletion(key.id, 7)
    assert key.key_state == "PendingDeletion"
    expected = clock.now().replace(tzinfo=None)
    assert abs((key.deletion_date - expected).total_seconds() - 7 * 86400) < 60
    assert "DeletionDate" in key.to_dict()["KeyMetadata"]


def test_delete_key_takes_aliases_and_tags(backend) -> None:
    """deletion.sweep: delete_key(id) removes the key, and its aliases go with it (they live on the key)."""
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", [{"TagKey": "k", "TagValue": "v"}])
    backend.create_alias(key.id, "alias/gone")
    backend.delete_key(key.id)
    assert key.id not in backend.keys and backend.get_key_id_from_alias("alias/gone") is None


def test_ciphertext_header_names_the_key(backend) -> None:
    """kms_errors.header_key_id: moto's blob is key id (36 bytes) | IV (12) | tag (16) | body."""
    from moto.kms import utils

    from kmsemu.kms import ciphertext as kms_errors

    assert (utils.KEY_ID_LEN, utils.HEADER_LEN) == (kms_errors.KEY_ID_LEN, kms_errors.HEADER_LEN)
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    blob, _ = backend.encrypt(key.id, b"x", {})
    assert kms_errors.header_key_id(blob) == key.id


def test_encryption_context_serializer_is_looked_up_by_name() -> None:
    """encryption_context.install: moto.kms.utils.encrypt/decrypt call _serialize_encryption_context by global name."""
    from moto.kms import utils

    from kmsemu.kms import encryption_context

    assert "_serialize_encryption_context(" in inspect.getsource(utils.encrypt)
    assert "_serialize_encryption_context(" in inspect.getsource(utils.decrypt)
    assert utils._serialize_encryption_context is encryption_context.serialize


def test_decrypt_is_looked_up_in_models(backend) -> None:
    """rotation.install: KmsBackend.decrypt calls moto.kms.models.decrypt(master_keys=..., ciphertext_blob=..., encryption_context=...)."""
    import moto.kms.models as models
    from moto.kms.exceptions import InvalidCiphertextException
    from moto.kms.utils import generate_master_key

    from kmsemu.kms import rotation

    source = inspect.getsource(models.KmsBackend.decrypt)
    assert "decrypt(" in source and "master_keys=self.keys" in source
    assert models.decrypt is rotation._decrypt_with_earlier_material
    assert len(generate_master_key()) == 32
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    blob, _ = backend.encrypt(key.id, b"old", {})
    rotation.rotate(key, "ON_DEMAND")
    assert backend.decrypt(blob, {})[0] == b"old"
    with pytest.raises(InvalidCiphertextException):
        import moto.kms.models as models

        original(models, "decrypt")({key.id: key}, blob, {})


def test_private_key_made_through_models(backend) -> None:
    """lazy_private_key.install: Key.__init__ calls moto.kms.models.generate_private_key(key_spec); sign/verify/public_key used later."""
    import moto.kms.models as models

    from kmsemu.patches.lazy_private_key import LazyPrivateKey

    assert "generate_private_key(" in inspect.getsource(models.Key.__init__)
    key = backend.create_key(None, "SIGN_VERIFY", "ECC_NIST_P256", "d", None)
    assert isinstance(key.private_key, LazyPrivateKey)
    signature = key.private_key.sign(b"m", "ECDSA_SHA_256")
    assert key.private_key.verify(b"m", signature, "ECDSA_SHA_256") is True
    assert key.private_key.public_key()


def test_cloudformation_calls_the_key_hooks() -> None:
    """cfn_kms.install: moto's stack code calls create/update_from_cloudformation_json and resource.delete(account, region)."""
    from moto.cloudformation import parsing
    from moto.kms.models import Key

    from kmsemu.cloudformation import kms_resources as cfn_kms

    assert "update_from_cloudformation_json(" in inspect.getsource(original(parsing, "parse_and_update_resource"))
    for name in ("original_resource=", "new_resource_name=", "cloudformation_json=", "account_id=", "region_name="):
        assert name in inspect.getsource(original(parsing, "parse_and_update_resource"))
    assert "parsed_resource.delete(self._account_id, self._region_name)" in inspect.getsource(original(parsing.ResourceMap, "_delete_resource"))
    assert "create_from_cloudformation_json(" in inspect.getsource(original(parsing, "parse_and_create_resource"))
    hooked = (Key.create_from_cloudformation_json.__func__, Key.update_from_cloudformation_json.__func__, Key.delete)
    assert all(f.__module__ == cfn_kms.__name__ for f in hooked)


def test_cloudformation_key_properties(backend) -> None:
    """cfn_kms: the hooks build keys from template properties through moto's create_key and tagger."""
    from moto.kms.models import Key

    template = {"Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}, "Enabled": "false",
                               "Tags": [{"Key": "a", "Value": "b"}], "PendingWindowInDays": 9}}
    key = Key.create_from_cloudformation_json("k", template, ACCOUNT, REGION)
    assert json.loads(key.policy)["Version"] == "2012-10-17" and key.key_state == "Disabled"
    assert backend.tagger.list_tags_for_resource(key.id)["Tags"] == [{"TagKey": "a", "TagValue": "b"}]
    key.delete(ACCOUNT, REGION)
    assert key.key_state == "PendingDeletion"


def test_bucket_permission_hook() -> None:
    """s3_policy.install: S3's object handler asks bucket.get_permission(action, resource); IAMPolicy evaluates the rest."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3 import responses
    from moto.s3.models import FakeBucket

    from kmsemu.s3 import bucket_policy as s3_policy

    assert "bucket.get_permission(action, resource)" in inspect.getsource(responses.S3Response._key_response)
    assert FakeBucket.get_permission is s3_policy._unconditional_permission
    assert hasattr(IAMPolicy, "is_action_permitted") and PermissionResult.DENIED

    class Bucket:
        policy = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                                            "Resource": "*", "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}]}).encode()

    assert s3_policy._unconditional_permission(Bucket(), "s3:PutObject", "arn:aws:s3:::b/k") == PermissionResult.NEUTRAL


def test_s3_state_the_sse_layer_reads() -> None:
    """s3_sse: bucket_accounts, FakeBucket.encryption's shape (applied by put_object), FakeKey.encryption/kms_key_id."""
    from moto.s3 import responses
    from moto.s3.models import s3_backends

    s3 = s3_backends[ACCOUNT]["aws"]
    bucket = s3.create_bucket("kmsemu-hook-check", REGION)
    try:
        assert s3_backends.bucket_accounts["kmsemu-hook-check"] == ("aws", ACCOUNT)
        assert (bucket.account_id, bucket.region_name, bucket.encryption) == (ACCOUNT, REGION, None)
        bucket.encryption = {"Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:k"}}}
        stored = s3.put_object("kmsemu-hook-check", "o", b"x")
        assert (stored.encryption, stored.kms_key_id) == ("aws:kms", "arn:k")
        assert bucket.keys.get("o") is stored and bucket.keys.getlist("o", []) == [stored]
        assert 'self.headers.get("x-amz-server-side-encryption-aws-kms-key-id")' in inspect.getsource(responses.S3Response.put_object)
    finally:
        s3.delete_object("kmsemu-hook-check", "o")
        s3.delete_bucket("kmsemu-hook-check")


def test_change_set_internals() -> None:
    """cfn_change_sets.install: where moto refuses, compares, diffs and applies change sets, and Alias updates."""
    from moto.cloudformation import models, parsing, responses
    from moto.kms.models import Alias

    from kmsemu.cloudformation import change_sets as cfn_change_sets
    from kmsemu.cloudformation import kms_resources as cfn_kms

    create = inspect.getsource(original(responses.CloudFormationResponse, "create_change_set"))
    assert "self._validate_different_update(" in create
    backend_create = inspect.getsource(original(models.CloudFormationBackend, "create_change_set"))
    assert "stack.has_parameters(parameters)" in backend_create and "didn't contain changes" in backend_create
    assert "self.changes = self.diff()" in inspect.getsource(models.ChangeSet.__init__)
    assert "parameters: dict[str, Any] | None = None" in inspect.getsource(parsing.ResourceMap.build_resource_diff)
    execute = inspect.getsource(original(models.CloudFormationBackend, "execute_change_set"))
    assert "change_set.apply()" in execute and "stack.template = change_set.template" in execute
    assert {"_parse_template", "_create_output_map", "stack_parameters"} <= set(dir(models.Stack))
    assert models.ChangeSet.diff is cfn_change_sets.diff and models.Stack.has_parameters is cfn_change_sets.has_parameters
    assert Alias.update_from_cloudformation_json.__func__.__module__ == cfn_kms.__name__


def test_stack_event_internals() -> None:
    """cfn_stack_events.install: the resource functions, Stack methods and attributes the events and rollback use."""
    from moto.cloudformation import models, parsing
    from moto.core import exceptions

    from kmsemu.cloudformation import stack_events as cfn_stack_events

    params = ["logical_id", "resource_json", "resources_map", "account_id", "region_name"]
    for name in ("parse_and_create_resource", "parse_and_update_resource"):
        assert list(inspect.signature(original(parsing, name)).parameters) == params
    assert list(inspect.signature(original(parsing.ResourceMap, "_delete_resource")).parameters) == [
        "self", "parsed_resource", "resource_json"]
    getitem = inspect.getsource(parsing.ResourceMap.__getitem__)
    assert "parse_and_create_resource(" in getitem and "self._parsed_resources[resource_logical_id]" in getitem
    update = original(parsing.ResourceMap, "update")
    assert "parse_and_update_resource(" in inspect.getsource(update)
    # _forget_removed wraps update(template, parameters) and compares _resource_json_map before and after it.
    assert list(inspect.signature(update).parameters) == ["self", "template", "parameters"]
    assert 'self._resource_json_map = template["Resources"]' in inspect.getsource(update)
    assert "self.resource_map.create(" in inspect.getsource(original(models.Stack, "create_resources"))
    assert "self.resource_map.update(" in inspect.getsource(original(models.Stack, "update"))
    assert list(inspect.signature(models.Event).parameters)[:6] == [
        "stack_id", "stack_name", "logical_resource_id", "physical_resource_id", "resource_type", "resource_status"]
    assert {"JsonRESTError", "ServiceException"} <= set(dir(exceptions)) and callable(parsing.clean_json)
    assert parsing.parse_and_create_resource.__module__ == cfn_stack_events.__name__


def test_parameter_check_internals() -> None:
    """cfn_parameters.install: the backend methods it wraps keep the parameter names it reads them by."""
    from moto.cloudformation.models import CloudFormationBackend as Backend
    from moto.cloudformation.models import Stack

    assert list(inspect.signature(original(Backend, "create_stack")).parameters)[:4] == ["self", "name", "template", "parameters"]
    assert list(inspect.signature(original(Backend, "update_stack")).parameters)[:5] == [
        "self", "name", "template", "role_arn", "parameters"]
    assert {"template", "parameters"} <= set(inspect.signature(original(Backend, "create_change_set")).parameters)
    assert callable(Backend._resolve_update_parameters) and callable(Stack.parse_template)
