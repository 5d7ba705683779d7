"""templates/cohort-learner.yaml on one emulator, twice: learner A may do everything on A's keys and nothing on B's.

The instructor (the session course's identity) provisions both learners as `kmscourse cohort provision` does; each
test then acts as a learner with the access key from that learner's credentials file.
"""
from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from kmscourse import cast, cohort_identities
from kmscourse.course import Course
from kmscourse.sessions import new_session

A, B = "abac-ana", "abac-ben"


def _as(course: Course, env_file: Path) -> Course:
    """The course as the learner whose credentials file this is (their prefix, tag and access key)."""
    env = cohort_identities.read_env(env_file)
    session = new_session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                          region_name=course.region)
    arn = session.client("sts", region_name=course.region, endpoint_url=course.endpoint_url).get_caller_identity()["Arn"]
    return dataclasses.replace(course, session=session, identity_arn=arn, learner=env["KMSCOURSE_LEARNER"],
                               aws_files=None, _clients={})


@pytest.fixture(scope="module")
def folder(course, tmp_path_factory) -> Path:
    """The credentials folder of a cohort of A and B, provisioned once."""
    found = tmp_path_factory.mktemp("cohort") / "credentials"
    cohort_identities.provision(course, [A, B], found, echo=lambda line: None)
    return found


@pytest.fixture(scope="module")
def learners(course, folder) -> dict[str, Course]:
    """A's and B's courses, each as its own cohort user."""
    return {name: _as(course, folder / f"{name}.env") for name in (A, B)}


def _key(learner: Course, tags: list[dict[str, str]] | None = None) -> str:
    kms = learner.client("kms")
    return str(kms.create_key(Description="cohort abac test", Tags=learner.tags("TagKey", "TagValue") if tags is None else tags)
               ["KeyMetadata"]["KeyId"])


def _refused(call) -> None:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == "AccessDeniedException", info.value.response["Error"]


def _policy(learner: Course, key_id: str) -> str:
    root = f"arn:aws:iam::{learner.account_id}:root"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}]})


def test_each_learner_acts_as_their_own_cohort_user(learners) -> None:
    assert {name: c.identity_arn.rsplit(":", 1)[1] for name, c in learners.items()} == {A: f"user/kmscourse-{A}", B: f"user/kmscourse-{B}"}


def test_a_uses_and_manages_their_own_key(learners) -> None:
    ana = learners[A]
    kms = ana.client("kms")
    key = _key(ana)
    blob = kms.encrypt(KeyId=key, Plaintext=b"mine")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"mine"
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "project", "TagValue": "lesson"}])
    kms.untag_resource(KeyId=key, TagKeys=["project"])
    alias = f"alias/kmscourse-{A}-abac-own"
    kms.create_alias(AliasName=alias, TargetKeyId=key)
    other = _key(ana)
    kms.update_alias(AliasName=alias, TargetKeyId=other)
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy(ana, key))
    grant = kms.create_grant(KeyId=key, GranteePrincipal=ana.identity_arn, Operations=["Decrypt"])["GrantId"]
    kms.revoke_grant(KeyId=key, GrantId=grant)
    kms.enable_key_rotation(KeyId=key)
    kms.disable_key(KeyId=key)
    kms.enable_key(KeyId=key)
    assert kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key)
    kms.delete_alias(AliasName=alias)


def test_a_can_do_none_of_it_on_bs_key(learners) -> None:
    ana, ben = learners[A], learners[B]
    theirs = _key(ben)
    blob = ben.client("kms").encrypt(KeyId=theirs, Plaintext=b"ben's")["CiphertextBlob"]
    ben_alias = f"alias/kmscourse-{B}-abac-theirs"
    ben.client("kms").create_alias(AliasName=ben_alias, TargetKeyId=theirs)
    kms = ana.client("kms")
    _refused(lambda: kms.encrypt(KeyId=theirs, Plaintext=b"x"))
    _refused(lambda: kms.decrypt(CiphertextBlob=blob))
    _refused(lambda: kms.schedule_key_deletion(KeyId=theirs, PendingWindowInDays=7))
    _refused(lambda: kms.tag_resource(KeyId=theirs, Tags=[{"TagKey": "kmscourse:learner", "TagValue": A}]))
    _refused(lambda: kms.tag_resource(KeyId=theirs, Tags=[{"TagKey": "project", "TagValue": "x"}]))
    _refused(lambda: kms.untag_resource(KeyId=theirs, TagKeys=["kmscourse:learner"]))
    _refused(lambda: kms.put_key_policy(KeyId=theirs, PolicyName="default", Policy=_policy(ana, theirs)))
    _refused(lambda: kms.create_alias(AliasName=f"alias/kmscourse-{A}-abac-steal", TargetKeyId=theirs))
    mine = _key(ana)
    _refused(lambda: kms.update_alias(AliasName=ben_alias, TargetKeyId=mine))  # B's alias, even to A's own key
    _refused(lambda: kms.create_alias(AliasName=f"alias/kmscourse-{B}-abac-fake", TargetKeyId=mine))
    assert ben.client("kms").describe_key(KeyId=theirs)["KeyMetadata"]["KeyState"] == "Enabled"


def test_a_cannot_create_an_untagged_or_b_tagged_key_nor_move_their_own_tag(learners) -> None:
    ana = learners[A]
    _refused(lambda: _key(ana, tags=[]))
    _refused(lambda: _key(ana, tags=[{"TagKey": "kmscourse:learner", "TagValue": B}]))
    mine = _key(ana)
    kms = ana.client("kms")
    _refused(lambda: kms.untag_resource(KeyId=mine, TagKeys=["kmscourse:learner"]))
    _refused(lambda: kms.tag_resource(KeyId=mine, Tags=[{"TagKey": "kmscourse:learner", "TagValue": B}]))


def test_the_cast_is_bounded_by_the_learner(learners, monkeypatch) -> None:
    """Without the boundary a cast user cannot be made; with it, even AdministratorAccess stops at A's own keys."""
    ana, ben = learners[A], learners[B]
    with pytest.raises(ClientError) as info:
        ana.client("iam").create_user(UserName=f"kmscourse-{A}-unbounded", Tags=ana.tags())
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    boundary = f"arn:aws:iam::{ana.account_id}:policy/kmscourse-cohort-{A}"
    monkeypatch.setenv("KMSCOURSE_CAST_BOUNDARY", boundary)
    colleague = cast.colleague(ana)
    theirs, mine = _key(ben), _key(ana)
    assert colleague.client("kms").encrypt(KeyId=mine, Plaintext=b"x")["KeyId"].endswith(mine)
    _refused(lambda: colleague.client("kms").encrypt(KeyId=theirs, Plaintext=b"x"))
    with pytest.raises(ClientError):
        colleague.client("iam").delete_user_permissions_boundary(UserName=colleague.user_name)


def test_the_files_are_mode_0600_in_a_0700_folder_and_a_rerun_keeps_them(course, folder, learners) -> None:
    path = folder / f"{A}.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    before = cohort_identities.read_env(path)
    assert list(before) == list(cohort_identities.ENV_KEYS) and before["KMSCOURSE_LEARNER"] == A
    said: list[str] = []
    cohort_identities.provision(course, [A, B], folder, echo=said.append)
    assert cohort_identities.read_env(path) == before
    assert sum("kept" in line for line in said) == 2 and not any(before["AWS_SECRET_ACCESS_KEY"] in line for line in said)
    learners[A].client("kms").list_keys()  # the kept key still works


def test_the_course_runs_as_a_cohort_learner(learners, monkeypatch) -> None:
    """The course's own helpers, in lesson order, as A's cohort user: then A's cleanup leaves nothing, and B's key is untouched."""
    from kmscourse import audit, buckets, cleanup, demo_keys, envelope, prereqs

    ana, ben = learners[A], learners[B]
    monkeypatch.setenv("KMSCOURSE_CAST_BOUNDARY", f"arn:aws:iam::{ana.account_id}:policy/kmscourse-cohort-{A}")
    neighbour = _key(ben)
    key = prereqs.ensure_course_key(ana)  # lessons 01-02: the key stack, its key policy and its alias
    kms = ana.client("kms")
    blob = kms.encrypt(KeyId=key.alias, Plaintext=b"lesson 03")["CiphertextBlob"]  # lesson 03
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"lesson 03"
    sealed = envelope.encrypt(kms, key.key_id, b"lesson 04", {"purpose": "test"})  # lesson 04
    assert envelope.decrypt(kms, sealed, {"purpose": "test"}) == b"lesson 04"
    bucket = buckets.ensure_bucket(ana, "sse")  # lesson 05
    s3 = ana.client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key.key_arn}, "BucketKeyEnabled": False}]})
    s3.put_object(Bucket=bucket, Key="report.txt", Body=b"lesson 05")
    assert s3.get_object(Bucket=bucket, Key="report.txt")["Body"].read() == b"lesson 05"
    kms.enable_key_rotation(KeyId=key.key_id)  # lesson 07
    kms.rotate_key_on_demand(KeyId=key.key_id)
    doomed = demo_keys.ensure_key(ana, "doomed", "lesson 08")  # lesson 08
    kms.disable_key(KeyId=doomed.key_id)
    kms.schedule_key_deletion(KeyId=doomed.key_id, PendingWindowInDays=7)
    kms.cancel_key_deletion(KeyId=doomed.key_id)
    colleague = cast.colleague(ana)  # lesson 09: the cast, a grant, and its use
    grant = kms.create_grant(KeyId=key.key_id, GranteePrincipal=colleague.arn, Operations=["Decrypt"])
    assert colleague.client("kms").decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]])["Plaintext"] == b"lesson 03"
    trail, _ = audit.ensure_trail(ana)  # lesson 11
    assert trail.startswith(ana.prefix)
    report = cleanup.teardown(ana)  # lesson 10
    assert report.survivors == [], report
    assert ben.client("kms").describe_key(KeyId=neighbour)["KeyMetadata"]["KeyState"] == "Enabled"
