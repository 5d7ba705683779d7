"""Every moto (and werkzeug) internal the auth layer reads, checked so a dependency upgrade fails here loudly.

Each test names the kmsemu module (auth/, iam/, kms/) that relies on the internal.
"""
from __future__ import annotations

import base64
import datetime as dt
import inspect
import json

import pytest


@pytest.fixture(scope="module")
def iam_backend(course):
    from moto.iam.models import iam_backends

    return iam_backends[course.account_id]["aws"]


def test_access_keys_index_users_and_roles(course, iam_backend) -> None:
    """principals.lookup: backend.access_keys maps key id -> AccessKey(user_name, role_arn, status, secret)."""
    key_id = course.session.get_credentials().access_key
    key = iam_backend.access_keys[key_id]
    assert (key.user_name, key.role_arn, key.status) == (course.learner, None, "Active")
    assert key.secret_access_key == course.session.get_credentials().secret_key
    user = iam_backend.users[course.learner]
    assert user.arn == course.identity_arn and user.name == course.learner


def test_user_group_and_managed_policy_shapes(course, iam_backend) -> None:
    """Caller.policy_documents: .policies (name -> JSON), .managed_policies (arn -> policy with versions), groups' .users."""
    iam = course.client("iam")
    name = course.name("hooks-user")
    iam.create_user(UserName=name)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:List*", "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    iam.create_group(GroupName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    user = iam_backend.users[name]
    assert json.loads(user.policies["p"]) == document
    iam.attach_group_policy(GroupName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    group = iam_backend.groups[name]
    assert user in group.users and isinstance(group.policies, dict)
    assert list(group.managed_policies) == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    admin = iam_backend.users[course.learner].managed_policies["arn:aws:iam::aws:policy/AdministratorAccess"]
    default = [v for v in admin.versions if v.version_id == admin.default_version_id]
    assert json.loads(default[0].document)["Statement"][0]["Action"] == "*"


def test_assumed_role_sessions(course, iam_backend) -> None:
    """principals._session: sts_backends[acct]['aws'].assumed_roles holds (access_key_id, arn, role_arn, session_name,
    policy, session_token, expiration)."""
    from moto.sts.models import sts_backends

    iam = course.client("iam")
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": course.account_id}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=course.name("hooks-role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    creds = course.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
    key = iam_backend.access_keys[creds["AccessKeyId"]]
    assert key.role_arn == role["Arn"] and key.user_name is None
    (session,) = [s for s in sts_backends[course.account_id]["aws"].assumed_roles if s.access_key_id == creds["AccessKeyId"]]
    assert session.role_arn == role["Arn"] and session.session_name == "s1" and session.policy is None
    assert session.session_token == creds["SessionToken"]
    assert session.expiration.tzinfo is None  # naive UTC, which principals._session relies on
    assert abs(session.expiration.replace(tzinfo=dt.UTC) - creds["Expiration"]) < dt.timedelta(seconds=2)
    assert session.arn == f"arn:aws:sts::{course.account_id}:assumed-role/{role['RoleName']}/s1"
    stored = iam_backend.roles[role["RoleId"]]
    assert stored.arn == role["Arn"] and isinstance(stored.policies, dict) and isinstance(stored.managed_policies, dict)
    assert json.loads(stored.assume_role_policy_document) == trust  # assume_role.refusal evaluates it as given


def test_kms_key_fields(course) -> None:
    """operations.find_key / key_context: keys dict, .arn .policy .aliases .key_spec .key_usage .origin .multi_region, tagger."""
    from moto.kms.models import kms_backends

    kms = course.client("kms")
    meta = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]
    kms.create_alias(AliasName="alias/" + course.name("hooks"), TargetKeyId=meta["KeyId"])
    backend = kms_backends[course.account_id][course.region]
    key = backend.keys[meta["KeyId"]]
    assert key.arn == meta["Arn"] and key.account_id == course.account_id and key.region == course.region
    assert "alias/" + course.name("hooks") in key.aliases
    # moto keeps KeyUsage and MultiRegion None when a request leaves them out; key_context reads None as the default
    assert (key.key_spec, key.origin, bool(key.multi_region)) == ("SYMMETRIC_DEFAULT", "AWS_KMS", False)
    assert key.key_usage in (None, "ENCRYPT_DECRYPT")
    assert backend.tagger.get_tag_dict_for_resource(key.id) == {"team": "a"}
    assert json.loads(key.policy)["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{course.account_id}:root"}


def test_aws_managed_keys_appear_on_first_use(course) -> None:
    """operations.find_key / managed.effective_policy: get_key_id_from_alias makes the alias/aws/* key, KeyManager settable."""
    from moto.kms.models import kms_backends

    backend = kms_backends[course.account_id]["eu-west-3"]  # a region no other test touches
    key = backend.keys[backend.get_key_id_from_alias("alias/aws/ebs")]
    assert "alias/aws/ebs" in key.aliases and key.key_manager == "CUSTOMER"
    assert json.loads(key.policy)["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{course.account_id}:root"}


def test_ciphertext_starts_with_key_id_in_clear(course) -> None:
    """operations.ciphertext_key_id: moto's blob is the 36-character key id, then the sealed data."""
    from moto.kms.utils import KEY_ID_LEN

    kms = course.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert KEY_ID_LEN == 36 and blob[:KEY_ID_LEN].decode() == key_id
    assert base64.b64encode(blob)  # the JSON body carries it base64-encoded


def test_grants_are_stored_as_requested(course) -> None:
    """grants.allows / by_token: key.grants maps id -> Grant(grantee_principal, retiring_principal, operations, constraints, token)."""
    from moto.kms.models import kms_backends

    kms = course.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    answer = kms.create_grant(
        KeyId=key_id, GranteePrincipal=course.identity_arn, RetiringPrincipal=course.identity_arn,
        Operations=["Decrypt"], Constraints={"EncryptionContextSubset": {"a": "b"}},
    )
    grant = kms_backends[course.account_id][course.region].keys[key_id].grants[answer["GrantId"]]
    assert (grant.grantee_principal, grant.retiring_principal, grant.operations) == (course.identity_arn, course.identity_arn, ["Decrypt"])
    assert grant.constraints == {"EncryptionContextSubset": {"a": "b"}} and grant.token == answer["GrantToken"]


def test_werkzeug_passes_the_raw_request_target() -> None:
    """sigv4._raw_target: werkzeug's dev server puts the undecoded path and query in RAW_URI."""
    import inspect

    from werkzeug.serving import WSGIRequestHandler

    assert '"RAW_URI"' in inspect.getsource(WSGIRequestHandler.make_environ)


def test_accounts_reach_moto_where_they_expect() -> None:
    """accounts.py: moto's reset and seed, and IAMBackend.create_user / attach_user_policy / create_access_key."""
    from moto.iam.models import IAMBackend
    from moto.moto_api import _internal as moto_api

    assert callable(moto_api.moto_api_backend.reset) and callable(moto_api.mock_random.seed)
    assert list(inspect.signature(IAMBackend.create_user).parameters)[:5] == ["self", "region_name", "user_name", "path", "tags"]
    assert list(inspect.signature(IAMBackend.attach_user_policy).parameters) == ["self", "policy_arn", "user_name"]
    assert list(inspect.signature(IAMBackend.create_access_key).parameters)[:2] == ["self", "user_name"]


def test_access_keys_are_random_per_emulator_start() -> None:
    """patches/credentials.py: moto's AccessKey.__init__ sets access_key_id and secret_access_key, which it replaces.

    Re-seeding moto's random stream (as every emulator start does) would repeat moto's own keys; these differ.
    """
    from moto.moto_api import _internal as moto_api

    from kmsemu import accounts, patches

    patches.install()
    made = []
    for name in ("random-probe-a", "random-probe-b"):
        moto_api.mock_random.seed(accounts.SEED)
        made.append(accounts.create_user(name, (), account="000000000043"))
    first, second = made
    assert first.access_key_id != second.access_key_id and first.secret_access_key != second.secret_access_key
    assert first.access_key_id.startswith("AKIA") and len(first.access_key_id) == 20 and len(first.secret_access_key) == 40


def test_cloudformation_role_hooks() -> None:
    """iam_roles.install: moto's Role builds from its template, updates in place (returning the Role, whose
    managed_policies are keyed by ARN) and deletes through the IAM backend, and clean_json recurses through the
    module's own name (so the list fix reaches nested lists)."""
    from moto.cloudformation import parsing
    from moto.iam.models import IAMBackend, Role

    from kmsemu import patches
    from kmsemu.cloudformation import iam_roles
    from kmsemu.patches import original

    patches.install()
    hooked = (Role.create_from_cloudformation_json.__func__, Role.update_from_cloudformation_json.__func__,
              Role.delete_from_cloudformation_json.__func__, parsing.clean_json)
    assert all(f.__module__ == iam_roles.__name__ for f in hooked)
    assert "clean_json(val, resources_map)" in inspect.getsource(original(parsing, "clean_json"))
    assert "backend.delete_role(resource_name)" in inspect.getsource(original(Role, "delete_from_cloudformation_json").__func__)
    assert "return iam_backend.update_role(" in inspect.getsource(original(Role, "update_from_cloudformation_json").__func__)
    assert "self.managed_policies: dict[str, ManagedPolicy] = {}" in inspect.getsource(Role.__init__)
    for name in ("attach_role_policy", "detach_role_policy", "managed_policies", "roles"):
        assert name in inspect.getsource(IAMBackend)
    cleaned = parsing.clean_json(["a", {"Ref": "AWS::NoValue"}, None, ["b", {"Ref": "AWS::NoValue"}]], {"AWS::NoValue": None})
    assert cleaned == ["a", None, ["b"]]


def test_iam_user_serializes_a_permissions_boundary_attribute() -> None:
    """iam.boundaries sets `permissions_boundary` on moto's User (which has no such property, unlike Role) for
    GetUser's serializer to read, and adds a ListUsers transformer to IamResponse's class-level table."""
    from moto.core.serialize import never_return
    from moto.iam.models import Role, User
    from moto.iam.responses import IamResponse

    from kmsemu.iam.boundaries import REPORTED

    assert not hasattr(User, REPORTED) and isinstance(getattr(Role, REPORTED), property)
    assert "RESPONSE_KEY_PATH_TO_TRANSFORMER" in IamResponse.__dict__
    assert IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["ListUsersResponse.Users.User.Tags"] is never_return


def test_cloudformation_user_hooks() -> None:
    """iam_users.install: moto's User builds from its template through create_user (taking only UserName and Path) and
    deletes through delete_user; the backend's tag_user, attach/detach_user_policy and a User's access_keys exist."""
    from moto.iam.models import IAMBackend, User

    from kmsemu import patches
    from kmsemu.cloudformation import iam_users
    from kmsemu.patches import original

    patches.install()
    hooked = (User.create_from_cloudformation_json.__func__, User.delete_from_cloudformation_json.__func__)
    assert all(f.__module__ == iam_users.__name__ for f in hooked)
    assert "create_user(" in inspect.getsource(original(User, "create_from_cloudformation_json").__func__)
    assert "delete_user(resource_name)" in inspect.getsource(original(User, "delete_from_cloudformation_json").__func__)
    for name in ("def tag_user", "def attach_user_policy", "def detach_user_policy", "self.users"):
        assert name in inspect.getsource(IAMBackend)
    assert "self.access_keys" in inspect.getsource(User.__init__)
