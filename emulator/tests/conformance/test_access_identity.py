"""Who is calling: every request is attributed to a principal by its access key and checked by its signature."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from access_support import colleague, denial, eventually, outsider, refused  # noqa: F401  (fixtures)


def _client(course, service: str, key_id: str, secret: str):
    return boto3.client(service, region_name=course.region, endpoint_url=course.endpoint_url,
                        aws_access_key_id=key_id, aws_secret_access_key=secret)


@pytest.mark.behaviour("An unknown access key gives UnrecognizedClientException")
def test_unknown_access_key_is_unrecognized(course) -> None:
    """An access key that no account knows gives UnrecognizedClientException ("The security token included in the
    request is invalid"), in KMS's JSON error shape. https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html"""
    kms = _client(course, "kms", "AKIAKMSEMUUNKNOWN000", "not-a-secret")
    message = refused(kms.list_keys, "UnrecognizedClientException")
    assert message == "The security token included in the request is invalid."


@pytest.mark.behaviour("A wrong secret key gives InvalidSignatureException")
def test_wrong_secret_is_invalid_signature(course) -> None:
    """A real access key signed with the wrong secret gives InvalidSignatureException.
    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html"""
    kms = _client(course, "kms", course.session.get_credentials().access_key, "wrong-secret")
    assert "signature we calculated does not match" in refused(kms.list_keys, "InvalidSignatureException")


@pytest.mark.behaviour("STS answers an unknown access key with InvalidClientTokenId")
def test_sts_refuses_unknown_keys_in_its_own_shape(course) -> None:
    """STS (a query-protocol service) answers an unknown access key with InvalidClientTokenId.
    https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html"""
    sts = _client(course, "sts", "AKIAKMSEMUUNKNOWN000", "not-a-secret")
    refused(sts.get_caller_identity, "InvalidClientTokenId")


@pytest.mark.behaviour("Each IAM user's access key acts as that user")
def test_each_cast_member_acts_as_itself(course, colleague, outsider) -> None:
    """Requests are attributed to the IAM user whose access key signed them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"""
    arns = {m.arn: eventually(course, lambda m=m: m.client("sts").get_caller_identity()["Arn"]) for m in (colleague, outsider)}
    assert arns == {colleague.arn: colleague.arn, outsider.arn: outsider.arn}
    assert colleague.arn.endswith(f":user/{course.name('colleague')}")
    assert course.colleague() is colleague  # asking again gives the same member


def _role(course, made, suffix: str) -> str:
    """A course role that anyone in the account may assume (removed after the test); returns its ARN."""
    iam = course.client("iam")
    name = course.name(suffix)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    try:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    return arn


@pytest.mark.behaviour("An assumed-role session acts with the role's permissions")
def test_assumed_role_session_acts_as_the_role(course, made) -> None:
    """AssumeRole returns temporary credentials; calls made with them are authorised by the role's policies, and
    denials name the assumed-role session ARN. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html and
    https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html"""
    name = course.name("access-role")
    role_arn = _role(course, made, "access-role")
    iam = course.client("iam")
    key = made.key()
    iam.put_role_policy(RoleName=name, PolicyName="decrypt-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key["Arn"]}]}))
    made.cleanups.append(lambda: iam.delete_role_policy(RoleName=name, PolicyName="decrypt-only"))
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"for the role")["CiphertextBlob"]
    creds = eventually(course, lambda: course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="lesson")["Credentials"])
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=course.region)
    kms = session.client("kms", endpoint_url=course.endpoint_url)
    assert eventually(course, lambda: kms.decrypt(CiphertextBlob=blob)["Plaintext"]) == b"for the role"
    session_arn = f"arn:aws:sts::{course.account_id}:assumed-role/{name}/lesson"
    message = refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
    assert message == denial(session_arn, "kms:Encrypt", key["Arn"], "because no identity-based policy allows the kms:Encrypt action")


@pytest.mark.behaviour("Temporary credentials without their session token are refused")
def test_temporary_key_needs_its_session_token(course, made) -> None:
    """Temporary (ASIA...) credentials work only together with the session token STS issued with them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html"""
    role_arn = _role(course, made, "access-token-role")
    creds = eventually(course, lambda: course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="no-token")["Credentials"])
    kms = _client(course, "kms", creds["AccessKeyId"], creds["SecretAccessKey"])
    refused(kms.list_keys, "UnrecognizedClientException")


@pytest.mark.emulator_only("needs the emulator clock")
@pytest.mark.behaviour("Role session credentials stop working when they expire")
def test_role_session_expires(course, made) -> None:
    """Credentials from AssumeRole last DurationSeconds; after that, calls fail with ExpiredTokenException.
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"""
    role_arn = _role(course, made, "access-expiry-role")
    creds = course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="short", DurationSeconds=900)["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=course.region)
    sts = session.client("sts", endpoint_url=course.endpoint_url)
    assert sts.get_caller_identity()["Arn"].endswith(":assumed-role/" + course.name("access-expiry-role") + "/short")
    course.advance_clock(hours=0.3)
    refused(lambda: session.client("kms", endpoint_url=course.endpoint_url).list_keys(), "ExpiredTokenException")


@pytest.mark.behaviour("aws --profile runs as that profile's user")
def test_cli_profile_acts_as_the_member(course, outsider) -> None:
    """`aws --profile NAME` signs with that profile's key, so the outsider's CLI calls are the outsider's.
    https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-files.html"""
    aws = str(Path(sys.executable).parent / "aws")  # the course environment's CLI, not the machine's
    done = subprocess.run([aws, "--profile", outsider.profile, "kms", "list-keys"], env=course.cli_env(), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert f"User: {outsider.arn} is not authorized to perform: kms:ListKeys on resource: *" in done.stderr


@pytest.mark.behaviour("AssumeRole needs the role's trust policy (and IAM, for an account principal)")
def test_assume_role_follows_the_trust_policy(course, made, outsider) -> None:
    """A role can be assumed only when its trust policy allows the caller: a trust policy naming the account leaves
    the decision to the caller's IAM policies (the outsider has none), one naming the user allows it directly, and a
    role that does not exist cannot be assumed. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html"""
    account_trusted = _role(course, made, "access-trust-account")
    sts = outsider.client("sts")
    message = eventually(course, lambda: refused(lambda: sts.assume_role(RoleArn=account_trusted, RoleSessionName="try"), "AccessDenied"))
    assert message.startswith(f"User: {outsider.arn} is not authorized to perform: sts:AssumeRole on resource: {account_trusted}")
    iam = course.client("iam")
    name = course.name("access-trust-user")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": outsider.arn}, "Action": "sts:AssumeRole"}]}
    try:
        user_trusted = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        user_trusted = iam.get_role(RoleName=name)["Role"]["Arn"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    creds = eventually(course, lambda: sts.assume_role(RoleArn=user_trusted, RoleSessionName="ok")["Credentials"])
    assert creds["AccessKeyId"].startswith("ASIA")
    ghost = f"arn:aws:iam::{course.account_id}:role/{made.unique('ghost')}"
    refused(lambda: course.client("sts").assume_role(RoleArn=ghost, RoleSessionName="none"), "AccessDenied")
