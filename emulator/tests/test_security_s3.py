"""S3 requests that could reach a bucket or an action other than the one authorised, each refused.

kmsemu authorises an S3 request from its path, its sub-resource and its body; these tests send what could make moto
act on something else: a Host header naming another bucket, a sub-resource the action table does not list, a
multi-object delete of a key the caller may not delete, and a read of a named version.
"""
from __future__ import annotations

import json
import secrets

import pytest
import wire

SECRET = b"alice's private object body, s3 attacks"


@pytest.fixture(scope="module")
def emu():
    from kmsemu import Emulator, running

    return running() or Emulator(port=0).start()


@pytest.fixture(scope="module")
def world(emu):
    """alice's versioned bucket with a private and a public object; users with narrow S3 permissions."""
    alice = emu.create_user("alice-s3-" + secrets.token_hex(3))
    s3, iam = wire.client(alice, "s3", emu.url), wire.client(alice, "iam", emu.url)
    bucket, decoy = "alice-s3-" + secrets.token_hex(4), "decoy-s3-" + secrets.token_hex(4)
    for name in (bucket, decoy):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key="private/secret.txt", Body=SECRET)["VersionId"]
    s3.put_object(Bucket=bucket, Key="public/ok.txt", Body=b"ok")
    s3.put_object(Bucket=decoy, Key="private/secret.txt", Body=b"decoy")

    def user(name: str, statements: list[dict]) -> object:
        made = emu.create_user(name + "-" + secrets.token_hex(3), policy_arns=())
        iam.put_user_policy(UserName=made.user_arn.rsplit("/", 1)[1], PolicyName="narrow",
                            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        return made

    mallory = user("mallory-s3", [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{decoy}/*"},
        {"Effect": "Allow", "Action": "s3:CreateBucket", "Resource": "*"}])
    dora = user("dora-s3", [
        {"Effect": "Allow", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{bucket}/private/*"}])
    reader = user("reader-s3", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}])
    return {"alice": alice, "s3": s3, "bucket": bucket, "decoy": decoy, "version": version, "mallory": mallory,
            "dora": dora, "reader": reader}


def _s3(emu, creds, method: str, path: str, body: bytes = b"", host: str | None = None) -> wire.Reply:
    headers = {"Host": host} if host else {}
    return wire.sign(creds, method, emu.url + path, "s3", headers=headers, body=body).send()


def test_a_host_header_naming_another_bucket_does_not_reach_it(world, emu) -> None:
    """mallory may read the decoy bucket only. A request for a decoy path whose Host names alice's bucket (S3's
    virtual-hosted style, bucket.localhost or bucket.127.0.0.1) must not return alice's object: kmsemu serves S3
    path-style only and refuses a Host that names a bucket (an emulator rule; AWS serves both styles,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html)."""
    port = emu.url.rsplit(":", 1)[1]
    for host in (f"{world['bucket']}.localhost:{port}", f"{world['bucket']}.127.0.0.1:{port}"):
        reply = _s3(emu, world["mallory"], "GET", f"/{world['decoy']}/private/secret.txt", host=host)
        assert reply.status == 400 and reply.code == "InvalidRequest", str(reply)
        assert SECRET not in reply.body and b"path-style" in reply.body, str(reply)
    assert _s3(emu, world["mallory"], "GET", f"/{world['decoy']}/private/secret.txt").body == b"decoy"


def test_moto_reads_every_bucket_from_the_path() -> None:
    """The patch that keeps moto from taking a bucket from the Host header (kmsemu.s3.addressing) is installed."""
    from moto.s3.responses import S3Response

    from kmsemu import patches

    patches.install()
    request = type("Request", (), {"headers": {"host": "alice.localhost:4566"}, "url": "http://alice.localhost:4566/"})()
    assert patches.patched(S3Response, "subdomain_based_buckets")
    assert S3Response.subdomain_based_buckets(request) is False
    assert patches.original(S3Response, "subdomain_based_buckets").__func__(request) is True


def test_put_accelerate_configuration_is_not_create_bucket(world, emu) -> None:
    """PUT ?accelerate needs s3:PutAccelerateConfiguration on the bucket, not s3:CreateBucket: mallory, who may
    only create buckets, is refused, and alice's bucket is unchanged.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAccelerateConfiguration.html"""
    body = b'<AccelerateConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></AccelerateConfiguration>'
    reply = _s3(emu, world["mallory"], "PUT", f"/{world['bucket']}?accelerate", body)
    assert reply.status == 403 and reply.code == "AccessDenied", str(reply)
    assert world["s3"].get_bucket_accelerate_configuration(Bucket=world["bucket"]).get("Status") != "Enabled"


def test_a_sub_resource_the_emulator_cannot_authorise_is_refused(world, emu) -> None:
    """A PUT with a sub-resource kmsemu has no action for (?inventory) is refused with 501 NotImplemented instead of
    being authorised as the plain request (CreateBucket, which mallory may make). An emulator rule: AWS authorises
    it as s3:PutInventoryConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html)."""
    reply = _s3(emu, world["mallory"], "PUT", f"/{world['bucket']}?inventory&id=x", b"<InventoryConfiguration/>")
    assert reply.status == 501 and reply.code == "NotImplemented", str(reply)


def _delete(keys: list[str]) -> bytes:
    objects = "".join(f"<Object><Key>{key}</Key></Object>" for key in keys)
    return f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{objects}</Delete>'.encode()


def test_delete_objects_needs_delete_object_on_each_key(world, emu) -> None:
    """DeleteObjects checks s3:DeleteObject for every key it names: dora, denied DeleteObject on private/*, cannot
    delete private/secret.txt through it, and the object stays.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html"""
    import base64
    import hashlib

    body = _delete(["private/secret.txt"])
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324 - S3 requires Content-MD5 here
    reply = wire.sign(world["dora"], "POST", f"{emu.url}/{world['bucket']}?delete", "s3",
                      headers={"Content-MD5": md5}, body=body).send()
    assert reply.status == 403 and reply.code == "AccessDenied", str(reply)
    assert world["s3"].get_object(Bucket=world["bucket"], Key="private/secret.txt")["Body"].read() == SECRET
    dora = wire.client(world["dora"], "s3", emu.url)
    answer = dora.delete_objects(Bucket=world["bucket"], Delete={"Objects": [{"Key": "public/ok.txt"}]})
    assert [d["Key"] for d in answer.get("Deleted", [])] == ["public/ok.txt"], answer


def test_get_object_with_a_version_id_needs_get_object_version(world, emu) -> None:
    """Reading a named version needs s3:GetObjectVersion: a user with only s3:GetObject reads the current object,
    and is refused the same object by its versionId.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"""
    reader = wire.client(world["reader"], "s3", emu.url)
    assert reader.get_object(Bucket=world["bucket"], Key="private/secret.txt")["Body"].read() == SECRET
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as refused:
        reader.get_object(Bucket=world["bucket"], Key="private/secret.txt", VersionId=world["version"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
