"""Security conformance: the attacks a learner (or anything else on the machine) could try, each refused as AWS refuses it.

Every test's name is the behaviour it proves; its docstring says what AWS does and where AWS documents it. Requests
are signed with botocore's own signers and sent raw (wire.py), so a test controls every header and the body.

One emulator serves in this process (`emu`, no admin token), since moto keeps one state per process; `admin_emu`
is a `kmsemu serve --admin-token` process of its own. The one test that starts further emulators stops `emu` first
and rebuilds the world (users, key, bucket) afterwards.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pytest
import wire
from botocore.exceptions import ClientError

ADMIN_TOKEN = "s3cret-" + secrets.token_hex(8)
PLAINTEXT = b"alice's top secret plaintext 42"
OBJECT_BODY = b"alice's private object body 42"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
BOOTSTRAP = ("AKIAKMSCOURSEBOOTSTR", "kmscourse-bootstrap-secret")


@dataclass
class World:
    """What the attacks are aimed at: alice (administrator) with a key, a ciphertext and a private object."""

    alice: Any = None
    mallory: Any = None
    key_id: str = ""
    ciphertext: bytes = b""
    bucket: str = ""
    object_key: str = "private/secret.txt"

    def build(self, emu: Any) -> World:
        self.alice = emu.create_user("alice")
        self.mallory = emu.create_user("mallory", policy_arns=())
        kms = wire.client(self.alice, "kms", emu.url)
        self.key_id = kms.create_key(Description="alice's key")["KeyMetadata"]["KeyId"]
        self.ciphertext = kms.encrypt(KeyId=self.key_id, Plaintext=PLAINTEXT)["CiphertextBlob"]
        s3 = wire.client(self.alice, "s3", emu.url)
        self.bucket = "alice-private-" + secrets.token_hex(4)
        s3.create_bucket(Bucket=self.bucket)
        s3.put_object(Bucket=self.bucket, Key=self.object_key, Body=OBJECT_BODY)
        return self


@dataclass
class AdminServer:
    """A `kmsemu serve --admin-token` process: where it serves, and the secret key it printed for its user."""

    url: str
    secret: str


@pytest.fixture(scope="module")
def emulators():
    from kmsemu import Emulator

    emu = Emulator(port=0).start()
    server = wire.serve("--admin-token", ADMIN_TOKEN)
    try:
        yield emu, AdminServer(server.url, server.exports["AWS_SECRET_ACCESS_KEY"])
    finally:
        server.stop()
        emu.stop()


@pytest.fixture(scope="module")
def world(emulators) -> World:
    return World().build(emulators[0])


@pytest.fixture
def emu(emulators):
    return emulators[0]


@pytest.fixture
def admin_emu(emulators):
    return emulators[1]


def _decrypt(world: World, emu: Any, creds: Any, target: str | None = None) -> wire.Reply:
    return wire.kms(creds, emu.url, "Decrypt", {"CiphertextBlob": wire.b64(world.ciphertext)}, target=target).send()


def _no_plaintext(reply: wire.Reply) -> None:
    assert PLAINTEXT not in reply.body and wire.b64(PLAINTEXT).encode() not in reply.body, f"plaintext leaked: {reply}"


def _iam_error(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    error = excinfo.value.response
    return f"{error['ResponseMetadata'].get('HTTPStatusCode')} {error['Error']}"


# --- controls: the harness signs correctly, so a refusal below is the emulator's decision ----------------------------

def test_control_the_key_owner_decrypts_its_own_ciphertext_over_raw_signed_http(world, emu) -> None:
    """AWS KMS Decrypt returns the plaintext to a caller the key policy allows (here the account's administrator).

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
    """
    reply = _decrypt(world, emu, world.alice)
    assert reply.status == 200, str(reply)
    assert base64.b64decode(reply.json()["Plaintext"]) == PLAINTEXT, str(reply)


# --- 1. the operation is named by X-Amz-Target, exactly ----------------------------------------------------------------

MISSPELLED_TARGETS = ["Foo.Decrypt", "trentservice.Decrypt", "XTrentService.Decrypt"]


@pytest.mark.parametrize("caller", ["mallory", "alice"])
@pytest.mark.parametrize("target", MISSPELLED_TARGETS)
def test_a_misspelled_target_is_refused_as_an_unknown_operation(world, emu, caller, target) -> None:
    """AWS JSON-protocol services (KMS) dispatch on the whole X-Amz-Target `TrentService.<Operation>`; any other
    service prefix names no operation and is answered 400 UnknownOperationException (KMS's common error for an
    action that does not exist, InvalidAction), whoever signed it. Never a plaintext.

    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    reply = _decrypt(world, emu, getattr(world, caller), target=target)
    _no_plaintext(reply)
    assert reply.status == 400, str(reply)
    assert reply.code.endswith("UnknownOperationException"), str(reply)


@pytest.mark.parametrize("target", ["TrentService", "KMS.Encrypt", "TrentService.", ".Decrypt", "TrentService.NoSuchOp"])
def test_a_target_naming_no_kms_operation_is_a_client_error_not_a_crash(world, emu, target) -> None:
    """A target without an operation, or of a service that is not KMS, is the caller's mistake: AWS answers 400
    (UnknownOperationException / InvalidAction), never a 5xx InternalFailure.

    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    reply = wire.kms(world.alice, emu.url, "Encrypt", {"KeyId": world.key_id, "Plaintext": wire.b64(b"x")},
                     target=target).send()
    assert reply.status == 400, str(reply)
    assert reply.code.endswith("UnknownOperationException"), str(reply)


# --- 2. key policy ------------------------------------------------------------------------------------------------------

def test_a_user_without_permissions_cannot_decrypt_another_users_ciphertext(world, emu) -> None:
    """The default key policy lets only the account's IAM policies grant access; a user with no policies calling
    Decrypt gets 400 AccessDeniedException and no plaintext.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    reply = _decrypt(world, emu, world.mallory)
    _no_plaintext(reply)
    assert (reply.status, reply.code) == (400, "AccessDeniedException"), str(reply)


# --- 3. IAM: nobody grants themselves permissions --------------------------------------------------------------------

def test_a_user_cannot_attach_a_policy_to_itself_without_iam_attach_user_policy(world, emu) -> None:
    """IAM authorises AttachUserPolicy against the caller's own policies; without iam:AttachUserPolicy the answer is
    403 AccessDenied and nothing is attached, so the user still cannot Decrypt afterwards.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    """
    iam = wire.client(world.mallory, "iam", emu.url)
    with pytest.raises(ClientError) as excinfo:
        iam.attach_user_policy(UserName="mallory", PolicyArn=ADMIN_POLICY)
    error = excinfo.value.response
    assert error["Error"]["Code"] == "AccessDenied", _iam_error(excinfo)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403, _iam_error(excinfo)
    attached = wire.client(world.alice, "iam", emu.url).list_attached_user_policies(UserName="mallory")
    assert attached["AttachedPolicies"] == [], attached["AttachedPolicies"]
    reply = _decrypt(world, emu, world.mallory)
    _no_plaintext(reply)
    assert (reply.status, reply.code) == (400, "AccessDeniedException"), str(reply)


def test_a_user_cannot_create_an_access_key_for_another_user(world, emu) -> None:
    """CreateAccessKey for another user needs iam:CreateAccessKey on that user; without it: 403 AccessDenied, and the
    other user keeps only the keys it had.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    """
    before = wire.client(world.alice, "iam", emu.url).list_access_keys(UserName="alice")["AccessKeyMetadata"]
    with pytest.raises(ClientError) as excinfo:
        wire.client(world.mallory, "iam", emu.url).create_access_key(UserName="alice")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied", _iam_error(excinfo)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, _iam_error(excinfo)
    after = wire.client(world.alice, "iam", emu.url).list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(after) == len(before), after


def test_a_user_without_permissions_cannot_list_users(world, emu) -> None:
    """ListUsers needs iam:ListUsers; a user with no policies gets 403 AccessDenied.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    """
    with pytest.raises(ClientError) as excinfo:
        wire.client(world.mallory, "iam", emu.url).list_users()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied", _iam_error(excinfo)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, _iam_error(excinfo)


def test_get_caller_identity_needs_no_permission(world, emu) -> None:
    """STS GetCallerIdentity: "No permissions are required to perform this operation" - a user with no policies
    still learns its own ARN and account.

    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    """
    identity = wire.client(world.mallory, "sts", emu.url).get_caller_identity()
    assert identity["Arn"] == world.mallory.user_arn, identity
    assert identity["Account"] == wire.ACCOUNT_ID, identity


# --- 4. S3 --------------------------------------------------------------------------------------------------------------

def test_a_user_without_permissions_cannot_read_another_users_object(world, emu) -> None:
    """A GetObject not allowed by the caller's policies or the bucket policy is 403 AccessDenied.

    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
    """
    with pytest.raises(ClientError) as excinfo:
        wire.client(world.mallory, "s3", emu.url).get_object(Bucket=world.bucket, Key=world.object_key)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied", _iam_error(excinfo)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, _iam_error(excinfo)


def test_a_user_without_permissions_cannot_list_buckets(world, emu) -> None:
    """ListBuckets needs s3:ListAllMyBuckets; without it: 403 AccessDenied.

    https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    with pytest.raises(ClientError) as excinfo:
        wire.client(world.mallory, "s3", emu.url).list_buckets()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied", _iam_error(excinfo)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, _iam_error(excinfo)


def test_an_unsigned_list_buckets_is_refused_and_names_no_bucket(world, emu) -> None:
    """An anonymous `GET /` (ListBuckets) is 403 AccessDenied; an anonymous caller owns no buckets to list.

    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    reply = wire.unsigned(emu.url, "GET", "/")
    assert world.bucket.encode() not in reply.body, str(reply)
    assert (reply.status, reply.code) == (403, "AccessDenied"), str(reply)


def test_an_unsigned_get_of_a_private_object_is_refused(world, emu) -> None:
    """An anonymous GetObject of an object with no public grant is 403 AccessDenied.

    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    reply = wire.unsigned(emu.url, "GET", f"/{world.bucket}/{world.object_key}")
    assert OBJECT_BODY not in reply.body, str(reply)
    assert reply.status == 403, str(reply)
    assert reply.code == "AccessDenied", str(reply)


# --- 5. moto's own API: no way around IAM --------------------------------------------------------------------------

def test_moto_api_state_dump_is_closed_without_an_admin_token(world, emu) -> None:
    """AWS has no unauthenticated endpoint at all: every request must be signed and authorised. moto's
    `/moto-api/data.json` (a dump of every backend, secret keys included) must not answer an unsigned caller.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    """
    reply = wire.unsigned(emu.url, "GET", "/moto-api/data.json")
    assert world.alice.secret_access_key.encode() not in reply.body, "alice's secret key leaked"
    assert not 200 <= reply.status < 300, str(reply)
    assert reply.status < 500, str(reply)


def test_moto_api_is_not_opened_by_a_users_signature(world, emu) -> None:
    """A SigV4 signature authenticates a caller to AWS APIs; it is no key to the emulator's own admin API, least of
    all for a user with no permissions.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    """
    signed = wire.sign(world.mallory, "GET", emu.url + "/moto-api/data.json", "s3")
    reply = signed.send()
    assert world.alice.secret_access_key.encode() not in reply.body, "alice's secret key leaked"
    assert not 200 <= reply.status < 300, str(reply)


def test_moto_api_reset_is_refused_without_an_admin_token(world, emu) -> None:
    """Nothing unsigned may change state on AWS; moto's `POST /moto-api/reset` (forget every resource) must be refused
    and alice's keys must still be there afterwards.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    """
    reply = wire.unsigned(emu.url, "POST", "/moto-api/reset")
    listed = wire.kms(world.alice, emu.url, "ListKeys", {}).send()
    assert not 200 <= reply.status < 300, str(reply)
    assert listed.status == 200, f"after the reset attempt alice's ListKeys gave {listed}"
    assert world.key_id in [key["KeyId"] for key in listed.json()["Keys"]], str(listed)


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Bearer", f"Basic {ADMIN_TOKEN}",
                                           f"Bearer {ADMIN_TOKEN}x", f"bearer{ADMIN_TOKEN}"],
                         ids=["none", "wrong-token", "empty-bearer", "basic-scheme", "token-plus-one", "no-space"])
def test_moto_api_with_an_admin_token_refuses_requests_without_that_exact_token(world, admin_emu, authorization) -> None:
    """With an admin token configured, `/moto-api/*` answers 403 to any request not bearing exactly that token
    (AWS itself has no such endpoint; see the SigV4 reference for how AWS authenticates every request).

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    """
    headers = {} if authorization is None else {"Authorization": authorization}
    reply = wire.send(admin_emu.url, "GET", "/moto-api/data.json", headers)
    assert admin_emu.secret.encode() not in reply.body, "the server's user's secret key leaked"
    assert reply.status == 403, str(reply)


def test_moto_api_with_an_admin_token_answers_the_bearer_of_the_token(world, admin_emu) -> None:
    """The operator who holds the admin token may use moto's admin API (`Authorization: Bearer <token>`).

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
    """
    reply = wire.send(admin_emu.url, "GET", "/moto-api/data.json", {"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert reply.status == 200, str(reply)
    assert admin_emu.secret.encode() in reply.body, "moto's state dump should hold the server's user"


# --- 6. replay: a signature is good for minutes, not days ---------------------------------------------------------------------

YEAR_AGO = dt.timedelta(days=-365)
DAY_AHEAD = dt.timedelta(days=1)


def _stale_request(world: World, emu: Any, service: str, skew: dt.timedelta) -> wire.Signed:
    when = wire.utcnow() + skew
    if service == "kms":
        return wire.kms(world.alice, emu.url, "ListKeys", {}, when=when)
    if service == "iam":
        return wire.query(world.alice, emu.url, "iam", "ListUsers", when=when)
    return wire.sign(world.alice, "GET", emu.url + "/", "s3", when=when)


@pytest.mark.parametrize("service", ["kms", "iam", "s3"])
def test_control_a_fresh_signature_is_accepted(world, emu, service) -> None:
    """The same requests signed now succeed, so the refusals below are about time alone.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    """
    reply = _stale_request(world, emu, service, dt.timedelta(0)).send()
    assert reply.status == 200, str(reply)


@pytest.mark.parametrize(("service", "skew", "status", "code", "words"), [
    ("kms", YEAR_AGO, 400, "InvalidSignatureException", "Signature expired"),
    ("kms", DAY_AHEAD, 400, "InvalidSignatureException", "Signature not yet current"),
    ("iam", YEAR_AGO, 403, "SignatureDoesNotMatch", "Signature expired"),
    ("iam", DAY_AHEAD, 403, "SignatureDoesNotMatch", "Signature not yet current"),
    ("s3", YEAR_AGO, 403, "RequestTimeTooSkewed", ""),
    ("s3", DAY_AHEAD, 403, "RequestTimeTooSkewed", ""),
], ids=["kms-year-ago", "kms-day-ahead", "iam-year-ago", "iam-day-ahead", "s3-year-ago", "s3-day-ahead"])
def test_a_stale_signature_is_refused(world, emu, service, skew, status, code, words) -> None:
    """A signed request must reach AWS within five minutes of its X-Amz-Date (S3: 15), either way; otherwise KMS answers
    400 InvalidSignatureException "Signature expired: ... is now earlier than ..." / "Signature not yet current",
    IAM 403 SignatureDoesNotMatch with the same words, and S3 403 RequestTimeTooSkewed.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    reply = _stale_request(world, emu, service, skew).send()
    assert (reply.status, reply.code) == (status, code), str(reply)
    assert words in reply.message, str(reply)


@pytest.mark.parametrize(("service", "accepted"), [("s3", True), ("kms", False)])
def test_s3_allows_fifteen_minutes_of_clock_skew_and_kms_five(world, emu, service, accepted) -> None:
    """A request signed 10 minutes ago is within S3's 15 minutes and past KMS's 5.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    """
    reply = _stale_request(world, emu, service, -dt.timedelta(minutes=10)).send()
    assert (reply.status == 200) is accepted, str(reply)


# --- 7. the body is part of the signature ------------------------------------------------------------------------------

def test_a_kms_request_signed_for_one_body_is_refused_with_another(world, emu) -> None:
    """SigV4 signs the SHA-256 of the payload; a body other than the one signed (same length) fails the signature:
    400 InvalidSignatureException.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    """
    body_a = json.dumps({"KeyId": world.key_id, "Plaintext": wire.b64(b"AAAAAAAA")}).encode()
    body_b = json.dumps({"KeyId": world.key_id, "Plaintext": wire.b64(b"BBBBBBBB")}).encode()
    assert len(body_a) == len(body_b)
    reply = wire.kms(world.alice, emu.url, "Encrypt", body_a).send(body=body_b)
    assert (reply.status, reply.code) == (400, "InvalidSignatureException"), str(reply)


def test_kms_refuses_an_unsigned_payload(world, emu) -> None:
    """Only S3 accepts `x-amz-content-sha256: UNSIGNED-PAYLOAD`; every other service hashes the payload itself, so a
    KMS request whose signature covers UNSIGNED-PAYLOAD instead of the body's hash is 400 InvalidSignatureException.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
    """
    body = json.dumps({"KeyId": world.key_id, "Plaintext": wire.b64(b"whatever")}).encode()
    signed = wire.kms(world.alice, emu.url, "Encrypt", body, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert "x-amz-content-sha256" in signed.headers["Authorization"]
    reply = signed.send()
    assert (reply.status, reply.code) == (400, "InvalidSignatureException"), str(reply)


def test_s3_put_object_signed_for_one_body_is_refused_with_another(world, emu) -> None:
    """S3 checks the body against the signed x-amz-content-sha256: a different body is 400 XAmzContentSHA256Mismatch
    and nothing is stored.

    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
    """
    key = "swapped-body.txt"
    signed = wire.sign(world.alice, "PUT", f"{emu.url}/{world.bucket}/{key}", "s3", body=b"body A, as signed")
    reply = signed.send(body=b"body B, attacker")
    assert (reply.status, reply.code) == (400, "XAmzContentSHA256Mismatch"), str(reply)
    with pytest.raises(ClientError) as excinfo:
        wire.client(world.alice, "s3", emu.url).get_object(Bucket=world.bucket, Key=key)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchKey", _iam_error(excinfo)


def test_s3_accepts_an_unsigned_payload(world, emu) -> None:
    """S3 (alone) accepts a signature over `x-amz-content-sha256: UNSIGNED-PAYLOAD`: PutObject is 200 and the object
    holds the body sent.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
    """
    key, body = "unsigned-payload.txt", b"streamed without a payload hash"
    signed = wire.sign(world.alice, "PUT", f"{emu.url}/{world.bucket}/{key}", "s3", body=body,
                       payload_hash="UNSIGNED-PAYLOAD")
    assert signed.headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"
    reply = signed.send()
    assert reply.status == 200, str(reply)
    stored = wire.client(world.alice, "s3", emu.url).get_object(Bucket=world.bucket, Key=key)["Body"].read()
    assert stored == body


# --- 8. presigned URLs ---------------------------------------------------------------------------------------------------

def _presigned(world: World, emu: Any, expires: int, when: dt.datetime | None = None, key: str | None = None) -> str:
    s3 = wire.client(world.alice, "s3", emu.url)
    with wire.frozen_time(when):
        return s3.generate_presigned_url("get_object", Params={"Bucket": world.bucket, "Key": key or world.object_key},
                                         ExpiresIn=expires)


def _get(url: str) -> wire.Reply:
    parts = urllib.parse.urlsplit(url)
    return wire.send(f"{parts.scheme}://{parts.netloc}", "GET", f"{parts.path}?{parts.query}")


def test_an_expired_presigned_url_is_refused(world, emu) -> None:
    """A presigned URL is good for X-Amz-Expires seconds after X-Amz-Date; afterwards S3 answers 403 AccessDenied
    "Request has expired".

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
    """
    url = _presigned(world, emu, expires=1, when=wire.utcnow() - dt.timedelta(minutes=10))
    reply = _get(url)
    assert OBJECT_BODY not in reply.body, str(reply)
    assert (reply.status, reply.code) == (403, "AccessDenied"), str(reply)
    assert "Request has expired" in reply.text, str(reply)


def test_a_fresh_presigned_url_is_honoured(world, emu) -> None:
    """Within its lifetime a presigned URL works for anyone who holds it: 200 with the object.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    """
    reply = _get(_presigned(world, emu, expires=300))
    assert reply.status == 200, str(reply)
    assert reply.body == OBJECT_BODY


def test_a_presigned_url_for_one_object_does_not_open_another(world, emu) -> None:
    """The path is part of the signed canonical request; a presigned URL edited to name another key is 403
    SignatureDoesNotMatch.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    s3 = wire.client(world.alice, "s3", emu.url)
    s3.put_object(Bucket=world.bucket, Key="public-ish.txt", Body=b"harmless")
    url = _presigned(world, emu, expires=300, key="public-ish.txt").replace("public-ish.txt", world.object_key)
    reply = _get(url)
    assert OBJECT_BODY not in reply.body, str(reply)
    assert (reply.status, reply.code) == (403, "SignatureDoesNotMatch"), str(reply)


# --- 9. credentials ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("service", "status", "code"), [("iam", 403, "InvalidClientTokenId"),
                                                          ("kms", 400, "UnrecognizedClientException")])
def test_no_fixed_key_opens_the_emulator(world, emu, service, status, code) -> None:
    """An access key that was never issued is unknown to AWS: IAM answers 403 InvalidClientTokenId, KMS 400
    UnrecognizedClientException. The course's old hard-coded bootstrap key is such a key.

    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    if service == "iam":
        signed = wire.query(BOOTSTRAP, emu.url, "iam", "CreateUser", {"UserName": "intruder"})
    else:
        signed = wire.kms(BOOTSTRAP, emu.url, "ListKeys", {})
    reply = signed.send()
    assert (reply.status, reply.code) == (status, code), str(reply)
    if service == "iam":
        users = wire.client(world.alice, "iam", emu.url).list_users()["Users"]
        assert "intruder" not in [user["UserName"] for user in users]


def test_a_known_key_id_with_the_wrong_secret_is_refused(world, emu) -> None:
    """Knowing another user's access key id is not enough: a signature made with any other secret is 400
    InvalidSignatureException on KMS, and nothing is returned.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    """
    forged = (world.alice.access_key_id, world.mallory.secret_access_key)
    reply = _decrypt(world, emu, forged)
    _no_plaintext(reply)
    assert (reply.status, reply.code) == (400, "InvalidSignatureException"), str(reply)


def test_credentials_are_random_per_start(world, emulators) -> None:
    """AWS access keys are random (AKIA + 16 characters, a 40-character secret); two emulator starts that create the
    same user must not hand out the same, guessable, key.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    """
    from kmsemu import Emulator

    issued = []
    emulators[0].stop()  # one emulator per process: the shared one makes way, then comes back with a fresh world
    try:
        for _ in range(2):
            other = Emulator(port=0).start()
            try:
                issued.append(other.create_user("alice"))
            finally:
                other.stop()
    finally:
        emulators[0].start()
        world.build(emulators[0])
    first, second = issued
    assert first.access_key_id != second.access_key_id, issued
    assert first.secret_access_key != second.secret_access_key, issued
    for creds in issued:
        assert creds.access_key_id.startswith("AKIA") and len(creds.access_key_id) == 20, creds
        assert len(creds.secret_access_key) == 40, creds


# --- 10. credential scope -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["xx-nowhere-1", ""], ids=["unknown-region", "empty-region"])
def test_a_signature_scoped_to_no_region_of_this_endpoint_is_a_client_error(world, emu, region) -> None:
    """The credential scope names the region the request is for; KMS refuses a scope that is not its own region (or
    no region) with a 4xx signature error (InvalidSignatureException "Credential should be scoped to a valid
    region", or an unrecognised client), never a 5xx and never a result.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    reply = wire.kms(world.alice, emu.url, "ListKeys", {}, region=region).send()
    assert 400 <= reply.status < 500, f"code {reply.code!r}: {reply}"
    assert reply.code in {"InvalidSignatureException", "UnrecognizedClientException", "IncompleteSignatureException",
                          "IncompleteSignature", "InvalidClientTokenId", "SignatureDoesNotMatch"}, f"code {reply.code!r}: {reply}"


def test_a_kms_request_signed_for_another_service_is_a_client_error(world, emu) -> None:
    """The credential scope names the service; a request with a KMS target but signed for `s3` is refused as a
    signature error (4xx), never answered as KMS and never a 5xx.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    """
    reply = wire.kms(world.alice, emu.url, "ListKeys", {}, service="s3").send()
    assert 400 <= reply.status < 500, f"code {reply.code!r}: {reply}"
    assert world.key_id.encode() not in reply.body, str(reply)


# --- 11. framing ---------------------------------------------------------------------------------------------------------

def test_deeply_nested_json_is_refused_as_a_serialization_error(world, emu) -> None:
    """A body that is not a JSON document KMS can read is 400 SerializationException (the JSON protocol's error for
    an unparseable request), not a crash.

    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    """
    body = b"[" * 10_000 + b"]" * 10_000
    reply = wire.kms(world.alice, emu.url, "Encrypt", body).send()
    assert (reply.status, reply.code) == (400, "SerializationException"), str(reply)


@pytest.mark.parametrize("length", ["-5", "abc", "1e3", "-0x10"])
def test_an_invalid_content_length_is_refused(world, emu, length) -> None:
    """Content-Length must be a non-negative decimal integer (RFC 9110 8.6); AWS answers 400 to a request whose
    framing it cannot read, never a 5xx and never a hang.

    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    signed = wire.kms(world.alice, emu.url, "ListKeys", b"{}")
    headers = [(k, v) for k, v in signed.headers.items() if k.lower() != "content-length"]
    reply = wire.raw(emu.url, wire.build_raw("POST", "/", headers + [("Content-Length", length),
                                                                      ("Connection", "close")], b"{}"))
    assert reply.status == 400, str(reply)
