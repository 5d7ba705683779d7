"""Teardown removes exactly the learner's course resources, survives interruption, and leaves everything else alone."""
from __future__ import annotations

import dataclasses
import json

from kmscourse import cleanup, cli, prereqs, stacks
from kmscourse.course import TAG_KEY
from kmscourse.demo_keys import ensure_key
from kmsemu import clock

BUCKET_STACK = """
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {name}
{tags}
"""


def as_learner(course, learner: str):
    """The same emulator and identity, acting as another learner (another prefix and tag)."""
    return dataclasses.replace(course, learner=learner, _clients={})


def _bucket_stack(c, suffix: str, bucket: str, tagged: bool = True) -> None:
    tags = f"      Tags: [{{Key: '{TAG_KEY}', Value: {c.learner}}}]" if tagged else ""
    body = BUCKET_STACK.format(name=bucket, tags=tags)
    cfn = c.client("cloudformation")
    cfn.create_stack(StackName=c.name(suffix) if tagged else suffix, TemplateBody=body,
                     **({"Tags": c.tags()} if tagged else {}))
    stacks.wait(c, c.name(suffix) if tagged else suffix)


def _bucket(c, name: str, tagged: bool = True, objects: int = 2) -> None:
    s3 = c.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": c.region})
    if tagged:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": c.tags()})
    for i in range(objects):
        s3.put_object(Bucket=name, Key=f"object-{i}", Body=b"data")


def populate(c) -> dict[str, str]:
    """A learner's course resources: the key stack, a stack with a full bucket, keys with alias and grant, a versioned bucket."""
    kms, s3 = c.client("kms"), c.client("s3")
    key = prereqs.ensure_course_key(c)
    _bucket_stack(c, "bucket", c.name("stack-bucket"))
    s3.put_object(Bucket=c.name("stack-bucket"), Key="inside", Body=b"x")
    demo = ensure_key(c, "demo", "cleanup test")
    kms.create_grant(KeyId=demo.key_id, GranteePrincipal=c.identity_arn, Operations=["Decrypt"], Name="test-grant")
    bare = kms.create_key(Description="no alias", Tags=c.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
    _bucket(c, c.name("data"))
    s3.put_bucket_versioning(Bucket=c.name("data"), VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=c.name("data"), Key="object-0", Body=b"second version")
    return {"course_key": key.key_id, "demo": demo.key_id, "bare": bare}


def foreign(course, learner: str) -> dict[str, str]:
    """Things cleanup for `learner` must not touch: untagged look-alikes, another learner's key and stack, stray buckets."""
    kms = course.client("kms")
    untagged = kms.create_key(Description="untagged look-alike")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/kmscourse-{learner}-untagged", TargetKeyId=untagged)
    other = as_learner(course, f"{learner}-other")
    other_key = prereqs.ensure_course_key(other)
    wrong_tag = kms.create_key(Tags=[{"TagKey": TAG_KEY, "TagValue": f"{learner}x"}])["KeyMetadata"]["KeyId"]
    mine = as_learner(course, learner)
    _bucket(mine, f"foreign-{learner}-bucket")  # tagged for the learner, but no prefix
    _bucket(mine, f"kmscourse-{learner}-untagged", tagged=False)  # prefix, but no tag
    _bucket_stack(mine, f"kmscourse-{learner}-notag", f"foreign-{learner}-stack-bucket", tagged=False)
    return {"untagged": untagged, "other": other_key.key_id, "wrong_tag": wrong_tag, "other_stack": other_key.stack}


def assert_foreign_untouched(course, learner: str, ids: dict[str, str]) -> None:
    kms, s3 = course.client("kms"), course.client("s3")
    for name in ("untagged", "other", "wrong_tag"):
        assert kms.describe_key(KeyId=ids[name])["KeyMetadata"]["KeyState"] == "Enabled", name
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert {f"alias/kmscourse-{learner}-untagged", f"alias/kmscourse-{learner}-other-key"} <= aliases
    for bucket in (f"foreign-{learner}-bucket", f"kmscourse-{learner}-untagged"):
        assert len(s3.list_objects_v2(Bucket=bucket).get("Contents", [])) == 2, bucket
    assert stacks.status(course, ids["other_stack"]) == "CREATE_COMPLETE"
    assert stacks.status(course, f"kmscourse-{learner}-notag") == "CREATE_COMPLETE"


def assert_all_gone(c, ids: dict[str, str]) -> None:
    kms = c.client("kms")
    for name in ("course_key", "demo", "bare"):
        assert kms.describe_key(KeyId=ids[name])["KeyMetadata"]["KeyState"] == "PendingDeletion", name
    assert kms.list_grants(KeyId=ids["demo"])["Grants"] == []
    assert not [a for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith(f"alias/{c.prefix}")
                and a.get("TargetKeyId") in ids.values()]
    names = {b["Name"] for b in c.client("s3").list_buckets()["Buckets"]}
    assert c.name("data") not in names and c.name("stack-bucket") not in names
    assert cleanup.course_stacks(c) == []


def test_teardown_removes_the_learners_resources_and_nothing_else(course) -> None:
    c = as_learner(course, "tidy")
    ids = populate(c)
    others = foreign(course, "tidy")
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    assert report.survivors == []
    assert any(line.startswith("deleted stack kmscourse-tidy-key") for line in report.done)
    assert "deleted alias alias/kmscourse-tidy-demo" in report.done
    assert any(line.startswith(f"scheduled deletion of key {ids['bare']} in 7 days") for line in report.done)
    assert_all_gone(c, ids)
    assert_foreign_untouched(course, "tidy", others)
    assert "Nothing of yours survived" in str(report)


def test_cleanup_keys_use_the_minimum_window(course) -> None:
    c = as_learner(course, "window")
    key_id = ensure_key(c, "one", "window test").key_id
    scheduled_at = clock.now()  # the emulator clock: other tests in this process may have moved it forward
    cleanup.teardown(c)
    meta = c.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    assert 6.9 < (meta["DeletionDate"] - scheduled_at).total_seconds() / 86400 < 7.1


def test_running_twice_is_safe(course) -> None:
    c = as_learner(course, "twice")
    populate(c)
    assert cleanup.teardown(c).ok
    again = cleanup.teardown(c)
    assert again.ok and again.done == [] and again.survivors == []
    assert "nothing to do" in str(again)


def test_an_interrupted_run_is_finished_by_the_next(course) -> None:
    c = as_learner(course, "halfway")
    ids = populate(c)
    others = foreign(course, "halfway")
    steps = cleanup.plan(c)
    for step in steps[: len(steps) // 2]:
        step.run()
    assert cleanup.survivors(c), "half a run should leave something behind"
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    assert_all_gone(c, ids)
    assert_foreign_untouched(course, "halfway", others)


def test_dry_run_changes_nothing(course) -> None:
    c = as_learner(course, "dry")
    ids = populate(c)
    report = cleanup.teardown(c, dry_run=True)
    assert report.ok and "Dry run: nothing was changed." in str(report)
    assert "delete stack kmscourse-dry-key" in report.done
    assert "empty bucket kmscourse-dry-stack-bucket (in stack kmscourse-dry-bucket)" in report.done
    assert f"schedule deletion of key {ids['bare']} in 7 days" in report.done
    assert c.client("kms").describe_key(KeyId=ids["bare"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert len(cleanup.course_stacks(c)) == 2
    assert len(cleanup.survivors(c)) > 5


def _undeletable_key(c) -> str:
    """A course key whose key policy denies the learner ScheduleKeyDeletion: a real survivor."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{c.account_id}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "NoDelete", "Effect": "Deny", "Principal": {"AWS": c.principal_arn}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"},
    ]}
    return c.client("kms").create_key(Policy=json.dumps(policy), Tags=c.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]


def test_survivors_are_listed_and_fail_the_run(course) -> None:
    c = as_learner(course, "stubborn")
    key_id = _undeletable_key(c)
    report = cleanup.teardown(c)
    assert not report.ok
    assert report.survivors == [f"key {key_id} (Enabled)"]
    assert any(line.startswith(f"could not schedule deletion of key {key_id} in 7 days: AccessDeniedException") for line in report.done), report.done
    assert f"  ! key {key_id} (Enabled)" in str(report)


def test_command_cleans_the_running_emulator_it_is_pointed_at(course, monkeypatch, capsys) -> None:
    # The session course pointed this process's AWS_ENDPOINT_URL and credentials at its emulator, as a notebook does.
    monkeypatch.setenv("KMSCOURSE_LEARNER", "cli")
    c = as_learner(course, "cli")
    ids = populate(c)
    assert cli.main(["cleanup", "--dry-run"]) == 0
    assert c.client("kms").describe_key(KeyId=ids["bare"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert cli.main(["cleanup"]) == 0
    out = capsys.readouterr().out
    assert "Would do for learner 'cli':" in out and "Done for learner 'cli':" in out
    assert "Nothing of yours survived" in out
    assert_all_gone(c, ids)


def test_command_exits_non_zero_when_something_survives(course, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KMSCOURSE_LEARNER", "cli-stubborn")
    key_id = _undeletable_key(as_learner(course, "cli-stubborn"))
    assert cli.main(["cleanup"]) == 1
    assert f"! key {key_id} (Enabled)" in capsys.readouterr().out


def test_command_without_an_emulator_says_what_it_does(monkeypatch, capsys) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("KMSCOURSE_BACKEND", raising=False)
    assert cli.main(["cleanup"]) == 0
    assert "nothing to clean from here" in capsys.readouterr().out


def test_command_refuses_a_remote_endpoint(monkeypatch, capsys) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://kms.us-west-2.amazonaws.com")
    monkeypatch.delenv("KMSCOURSE_BACKEND", raising=False)
    assert cli.main(["cleanup"]) == 2
    assert "not an emulator on this machine" in capsys.readouterr().err


def test_sandbox_command_needs_confirmation(monkeypatch, capsys) -> None:
    """On the aws backend the account guard runs first; without a matching account nothing is touched."""
    monkeypatch.setenv("KMSCOURSE_BACKEND", "aws")
    monkeypatch.delenv("KMSCOURSE_ACCOUNT_ID", raising=False)
    import kmscourse

    monkeypatch.setattr(kmscourse, "_current", None)
    assert cli.main(["cleanup", "--yes"]) == 2
    assert "KMSCOURSE_ACCOUNT_ID" in capsys.readouterr().err


def test_trails_are_stopped_and_deleted_before_their_buckets(course) -> None:
    """Lesson 11's trail goes with its bucket; another learner's trail, and an untagged look-alike, stay."""
    from kmscourse import audit

    c, other = as_learner(course, "trails"), as_learner(course, "trails-other")
    trail, bucket = audit.ensure_trail(c)
    other_trail, _ = audit.ensure_trail(other)
    cloudtrail = c.client("cloudtrail")
    cloudtrail.create_trail(Name="kmscourse-trails-untagged", S3BucketName=bucket)
    report = cleanup.teardown(c)
    assert report.ok and f"deleted trail {trail}" in report.done
    names = {t["Name"] for t in cloudtrail.describe_trails()["trailList"]}
    assert trail not in names and {other_trail, "kmscourse-trails-untagged"} <= names
    assert bucket not in {b["Name"] for b in c.client("s3").list_buckets()["Buckets"]}
    cloudtrail.delete_trail(Name="kmscourse-trails-untagged")


def test_the_cast_goes_with_its_access_keys_and_policies(course) -> None:
    """Lesson 09's colleague holds AdministratorAccess and an access key: teardown removes the learner's cast, and
    leaves another learner's and an untagged look-alike."""
    from kmscourse import cast

    c, other = as_learner(course, "cast"), as_learner(course, "cast-other")
    colleague = cast.colleague(c)
    cast.member(c, "reader", inline={"read": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                                  '"Action": "kms:DescribeKey", "Resource": "*"}]}'})
    theirs = cast.colleague(other)
    iam = c.client("iam")
    iam.create_user(UserName="kmscourse-cast-untagged")
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    assert f"deleted IAM user {colleague.user_name} (its access keys and policies)" in report.done
    names = {u["UserName"] for u in iam.list_users()["Users"]}
    assert not {colleague.user_name, c.name("reader")} & names
    assert {theirs.user_name, "kmscourse-cast-untagged"} <= names
    iam.delete_user(UserName="kmscourse-cast-untagged")


def _imported(c, name: str, tmp_path) -> tuple[str, str]:
    """Two EXTERNAL keys for the learner: one with its material imported, one still PendingImport."""
    from kmscourse import imported_keys

    material_file = tmp_path / f"{name}.bin"
    material = imported_keys.load_or_create_material(material_file)
    loaded = imported_keys.ensure_external_key(c, f"{name}-loaded", "cleanup test", material_file)
    imported_keys.import_material(c.client("kms"), loaded.key_id, material)
    pending = imported_keys.ensure_external_key(c, f"{name}-pending", "cleanup test", material_file)
    return loaded.key_id, pending.key_id


def test_keys_with_imported_material_are_scheduled_in_any_state(course, tmp_path) -> None:
    c = as_learner(course, "byok")
    loaded, pending = _imported(c, "byok", tmp_path)
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    kms = c.client("kms")
    for key_id in (loaded, pending):
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion", key_id
    assert not [a for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/kmscourse-byok-")]


def test_replicas_in_other_regions_go_first_and_the_primary_waits(course) -> None:
    """An untagged replica (ReplicateKey without Tags) is still found through its tagged primary, with its alias there."""
    from kmscourse import multi_region

    c = as_learner(course, "mrk")
    region = multi_region.other_region(c)
    primary = multi_region.ensure_primary(c, "mrk", "cleanup test")
    c.client("kms").replicate_key(KeyId=primary.key_id, ReplicaRegion=region)
    multi_region.point_alias_in(c, region, primary.alias, primary.key_id)
    there = multi_region.client(c, region)
    there.create_grant(KeyId=primary.key_id, GranteePrincipal=c.identity_arn, Operations=["Decrypt"])
    foreign_mrk = multi_region.ensure_primary(as_learner(course, "mrk-other"), "mrk", "another learner's")
    multi_region.ensure_replica(as_learner(course, "mrk-other"), foreign_mrk, region)

    plan = [step.plan for step in cleanup.plan(c)]
    replica_step = f"schedule deletion of key {primary.key_id} in {region} in 7 days"
    assert replica_step in plan and plan.index(replica_step) < plan.index(f"schedule deletion of key {primary.key_id} in 7 days")
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    assert f"deleted alias {primary.alias} in {region}" in report.done
    assert any(line.startswith(f"scheduled deletion of key {primary.key_id}: it waits in PendingReplicaDeletion")
               for line in report.done)
    assert there.describe_key(KeyId=primary.key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert there.list_grants(KeyId=primary.key_id)["Grants"] == []
    assert c.client("kms").describe_key(KeyId=primary.key_id)["KeyMetadata"]["KeyState"] == "PendingReplicaDeletion"
    for client in (c.client("kms"), there):
        assert client.describe_key(KeyId=foreign_mrk.key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    again = cleanup.teardown(c)
    assert again.ok and again.done == [], str(again)


def test_a_primary_moved_to_another_region_is_found_from_its_replica(course) -> None:
    from kmscourse import multi_region

    c = as_learner(course, "moved")
    region = multi_region.other_region(c)
    primary = multi_region.ensure_primary(c, "mrk", "cleanup test")
    multi_region.ensure_replica(c, primary, region)
    c.client("kms").update_primary_region(KeyId=primary.key_id, PrimaryRegion=region)
    report = cleanup.teardown(c)
    assert report.ok, str(report)
    there = multi_region.client(c, region)
    assert there.describe_key(KeyId=primary.key_id)["KeyMetadata"]["KeyState"] in cleanup.WAITING
    assert c.client("kms").describe_key(KeyId=primary.key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
