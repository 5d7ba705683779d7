"""Fuzz over the wire: whatever bytes arrive, the emulator answers as an AWS service would, never with a 5xx or a traceback.

Three kinds of input, each sent to a real emulator on 127.0.0.1 with a 5 s bound on every socket:
- raw requests on a bare socket: random methods, paths, X-Amz-Target values, Authorization headers (garbage, partial
  SigV4, well-formed with a wrong signature), content types, bodies (random bytes, JSON nested thousands deep, huge
  numbers, invalid UTF-8) and Content-Length values that do not match the body;
- requests alice signs correctly, with fuzzed JSON bodies for KMS operations;
- requests alice signs correctly, with fuzzed form bodies for IAM and STS.

AWS answers a malformed request with a 4xx error (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); a 5xx from the emulator means a request reached
code that crashed on it. (The emulator logs moto's failures at DEBUG with exc_info on purpose, so logs are not checked;
the answers are.)
"""
from __future__ import annotations

import json
import os
import re
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import wire
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

_CI = bool(os.environ.get("CI"))
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=_CI,  # CI replays the same examples every run, so a red CI always reproduces
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    **({"database": None} if _CI else {}),
)


@dataclass
class Target:
    url: str
    alice: Any
    key_id: str
    key_arn: str
    victim_key_id: str
    ciphertext: str


@pytest.fixture(scope="module")
def target():
    from kmsemu import Emulator

    emu = Emulator(port=0).start()
    try:
        alice = emu.create_user("alice")
        emu.create_user("mallory", policy_arns=())
        kms = wire.client(alice, "kms", emu.url)
        meta = kms.create_key(Description="fuzz target")["KeyMetadata"]
        victim = kms.create_key(Description="fuzz victim: policies and grants land here")["KeyMetadata"]
        kms.create_alias(AliasName="alias/fuzz", TargetKeyId=meta["KeyId"])
        blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"fuzz plaintext")["CiphertextBlob"]
        yield Target(emu.url, alice, meta["KeyId"], meta["Arn"], victim["KeyId"], wire.b64(blob))
    finally:
        emu.stop()


def _check_statusless(answer: bytes, request: bytes) -> None:
    """An answer without a status line: a silent close, or Python's http.server answering a request line it cannot
    read with a bare HTML error page ("Error code: NNN"). 505 is accepted for a request naming HTTP/2 or later over
    plain HTTP/1 framing (RFC 9110 15.6.6: HTTP Version Not Supported is the right answer); any other 5xx is not."""
    shown = request[:300]
    assert b"Traceback" not in answer, f"{answer[:600]!r} to {shown!r}"
    assert CATCH_ALL not in answer, f"{answer[:600]!r} to {shown!r}"
    if not answer:
        return
    assert not answer.startswith(b"HTTP/"), f"unparseable answer {answer[:300]!r} to {shown!r}"
    match = re.search(rb"Error code: (\d{3})", answer)
    assert match, f"an answer without a status line or error code: {answer[:300]!r} to {shown!r}"
    status = int(match.group(1))
    version = re.match(rb"[^\r\n]* HTTP/(\d+)", request)
    if status == 505 and version and int(version.group(1)) >= 2:
        return
    assert status < 500, f"{answer[:600]!r} to {shown!r}"


CATCH_ALL = b"The emulator could not read this request."
"""The pipeline's answer to an exception no step expected: a 400, but a crash all the same, which the fuzz must see."""


def _check(reply: wire.Reply, request: Any) -> None:
    """No 5xx, no traceback, and no crash answered by the pipeline's catch-all, whatever was sent; the request is
    printed on failure. (moto's fallback answer stays allowed: it is how an operation moto does not implement is
    answered, and the fidelity table says so.)"""
    shown = request if not isinstance(request, bytes) or len(request) < 1500 else request[:1500] + b"..."
    assert reply.status < 500, f"{reply}\nrequest: {shown!r}"
    assert b"Traceback" not in reply.body, f"{reply}\nrequest: {shown!r}"
    assert CATCH_ALL not in reply.body, f"{reply}\nrequest: {shown!r}"


# --- strategies ------------------------------------------------------------------------------------------------------

KMS_OPERATIONS = ["Encrypt", "Decrypt", "CreateKey", "CreateGrant", "PutKeyPolicy", "ReEncrypt", "GenerateDataKey",
                  "GenerateDataKeyWithoutPlaintext", "DescribeKey", "ListKeys", "ListAliases", "CreateAlias",
                  "ListGrants", "RetireGrant", "RevokeGrant", "GetKeyPolicy", "TagResource", "Sign", "Verify",
                  "GenerateRandom", "ScheduleKeyDeletion", "EnableKeyRotation", "GetPublicKey", "UpdateAlias"]

_token = st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=12)
_header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\r\n"),
                       max_size=120)
_b64 = st.binary(max_size=64).map(wire.b64)

methods = st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT",
                                     "get", "P0ST", "FOO", "PROPFIND"]), _token)

paths = st.one_of(
    st.sampled_from([
        "/", "//", "/moto-api/data.json", "/moto-api/reset", "/moto-api/", "/moto-api/seed?a=42", "/moto-api/../",
        "/%6Doto-api/data.json", "/MOTO-API/data.json", "/bucket", "/bucket/key", "/bucket/a%2Fb", "/%", "/%zz",
        "/../../etc/passwd", "/?Action=ListUsers&Version=2010-05-08", "/?Action=CreateUser&UserName=fuzz",
        "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/b/c/d/e&X-Amz-Signature=00",
        ("/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA/20200101/us-east-1/s3/aws4_request"
         "&X-Amz-Date=zzz&X-Amz-Expires=-1&X-Amz-SignedHeaders=host&X-Amz-Signature=00"),
        "/?" + "a=&" * 300, "*", "http://evil.example/moto-api/data.json", "/\x7f", "/\xff", "/a b",
        "/" + "x" * 9000,
    ]),
    st.text(alphabet=string.printable.replace(" ", "").replace("\r", "").replace("\n", ""), max_size=60)
    .map(lambda s: "/" + s),
)

targets = st.one_of(
    st.none(),
    st.sampled_from(KMS_OPERATIONS).map(lambda op: "TrentService." + op),
    st.sampled_from(["TrentService", "TrentService.", ".Decrypt", "KMS.Encrypt", "Foo.Decrypt", "trentservice.Decrypt",
                     "XTrentService.Decrypt", "TrentService.Decrypt.Decrypt", "TrentService.__init__",
                     "TrentService._get_param", "TrentService.dispatch", "TrentService.encrypt", "",
                     "AWSSecurityTokenServiceV20110615.GetCallerIdentity", "DynamoDB_20120810.ListTables"]),
    _header_text,
)

content_types = st.one_of(st.none(), st.sampled_from([
    "application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json",
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "application/xml",
    "text/plain", "multipart/form-data; boundary=x", "multipart/form-data", "application/cbor", "*/*", ";;;",
]), _header_text)


@st.composite
def authorizations(draw: Any, key_id: str) -> str | None:
    date = wire.utcnow().strftime("%Y%m%d")
    service = draw(st.sampled_from(["kms", "iam", "sts", "s3", "", "KMS", "x"]))
    region = draw(st.sampled_from(["us-east-1", "", "xx-nowhere-1", "us-east-1/extra"]))
    key = draw(st.sampled_from([key_id, "AKIAKMSCOURSEBOOTSTR", "AKIA0000000000000000", "", "ASIA" + "X" * 16]))
    signed_headers = draw(st.sampled_from(["host;x-amz-date", "host", "", ";", "host;x-amz-target;x-amz-date",
                                           "nonexistent", "host;content-length;x-amz-content-sha256"]))
    signature = draw(st.one_of(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
                               st.sampled_from(["", "zz", "0" * 63, "0" * 65])))
    return draw(st.one_of(
        st.none(),
        _header_text,
        st.sampled_from(["AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 Credential=",
                         "AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=, Signature=",
                         "AWS4-HMAC-SHA256 ,,,===,Credential===,,", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e",
                         "AWS " + key_id + ":c2ln", "Bearer anything", "Basic YTpi", "AWS4-ECDSA-P256-SHA256 x=y",
                         "AWS4-HMAC-SHA256 Credential=" + key_id]),
        st.just(f"AWS4-HMAC-SHA256 Credential={key}/{date}/{region}/{service}/aws4_request, "
                f"SignedHeaders={signed_headers}, Signature={signature}"),
        st.just(f"AWS4-HMAC-SHA256 Credential={key}/{date}/{region}/{service}/aws4_request"),
        st.just(f"AWS4-HMAC-SHA256 Credential={key}/notadate/{region}/{service}/aws4_request, "
                f"SignedHeaders={signed_headers}, Signature={signature}"),
    ))


def _nested(depth: int, opener: str) -> bytes:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return (opener * depth + "0" + closer * depth).encode()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**60),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), _b64),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children,
                                                                              max_size=4)),
    max_leaves=12,
)

bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=2048),
    st.builds(_nested, st.sampled_from([50, 999, 1000, 1001, 5000, 20000]), st.sampled_from(["[", '{"a":'])),
    st.sampled_from([
        b"1" * 5000, b"1e999999", b"-1e-999999", b'{"KeyId": 1e400}', b'{"NumberOfBytes": 99999999999999999999999999}',
        b'{"Limit": -99999999999999999999}', b'{"KeyId": "\xff\xfe\xfd"}', b"\xff\xfe\x00\x00", b"\xc3\x28",
        b'{"KeyId": "\\ud800"}', b'{"a": "\x00"}', b"{", b"}", b"null", b"[]", b'""', b"true", b"NaN", b"Infinity",
        b'{"KeyId": NaN}', b'{"__proto__": {}}', b"\xef\xbb\xbf{}", b"Action=ListUsers&Version=2010-05-08",
        b"Action=%zz&&==&", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b SYSTEM 'file:///etc/passwd'>]><a>&b;</a>",
        b"--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nv\r\n--x--\r\n",
    ]),
    json_values.map(lambda v: json.dumps(v).encode()),
)

content_lengths = st.one_of(
    st.just("exact"), st.just("omit"), st.integers(min_value=1, max_value=50).map(lambda n: ("short", n)),
    st.integers(min_value=1, max_value=50).map(lambda n: ("long", n)),
    st.sampled_from(["-5", "-1", "abc", "1e3", "0x10", "", " ", "99999999999999999999999", "1,1", "+5", "5 5"]),
)

amz_dates = st.one_of(st.none(), st.just(wire.utcnow().strftime("%Y%m%dT%H%M%SZ")),
                      st.sampled_from(["20200101T000000Z", "99999999T999999Z", "", "now", "2024-01-01T00:00:00Z"]),
                      _header_text)


def _framed_length(body: bytes, mode: Any) -> str | None:
    if mode == "exact":
        return str(len(body))
    if mode == "omit":
        return None
    if isinstance(mode, tuple):
        kind, n = mode
        return str(max(0, len(body) - n) if kind == "short" else len(body) + n)
    return mode


# --- 1. raw, unauthenticated or mis-authenticated requests -----------------------------------------------------------

@st.composite
def raw_requests(draw: Any, key_id: str) -> bytes:
    hosts = ["127.0.0.1", "localhost", "", "kms.us-east-1.amazonaws.com", "s3.amazonaws.com", "a" * 300]
    headers: list[tuple[str, str]] = [("Host", draw(st.sampled_from(hosts)))]
    for name, value in [("X-Amz-Target", draw(targets)), ("Authorization", draw(authorizations(key_id))),
                        ("Content-Type", draw(content_types)), ("X-Amz-Date", draw(amz_dates)),
                        ("X-Amz-Content-SHA256", draw(st.one_of(st.none(), st.sampled_from(
                            ["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "", "zz", "0" * 64]))))]:
        if value is not None:
            headers.append((name, value))
    body = draw(bodies)
    length = _framed_length(body, draw(content_lengths))
    if length is not None:
        headers.append(("Content-Length", length))
    if draw(st.integers(0, 9)) == 0:
        headers.append(("Transfer-Encoding", draw(st.sampled_from(["chunked", "gzip", "chunked, chunked", "x"]))))
    if draw(st.booleans()):
        headers += draw(st.lists(st.tuples(_token, _header_text), max_size=3))
    if draw(st.integers(0, 9)) == 0:  # a header repeated with another value
        headers.append(draw(st.sampled_from(headers)))
    headers.append(("Connection", "close"))
    version = draw(st.sampled_from([b"HTTP/1.1"] * 8 + [b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9", b"FOO"]))
    return wire.build_raw(draw(methods), draw(paths), headers, body, version)


@FUZZ
@given(data=st.data())
def test_fuzzed_raw_requests_never_get_a_5xx_or_a_traceback(target, data) -> None:
    request = data.draw(raw_requests(target.alice.access_key_id), label="request")
    answer = wire.raw_exchange(target.url, request)
    reply = wire.parse_raw(answer)
    if reply is None:
        # A server may drop a connection whose framing it cannot read (a body shorter than its Content-Length, or a
        # request line that is not HTTP/1.x); it may not crash.
        _check_statusless(answer, request)
        return
    _check(reply, request)


# --- 2. signed KMS requests with fuzzed JSON ------------------------------------------------------------------------

@st.composite
def kms_bodies(draw: Any, t: Target, operation: str) -> bytes:
    key_ids = st.one_of(st.sampled_from([t.key_id, t.key_arn, "alias/fuzz", "alias/aws/s3", t.victim_key_id,
                                         "arn:aws:kms:us-east-1:123456789012:alias/fuzz", "", " ",
                                         "arn:aws:kms:xx:1:key/" + t.key_id, t.key_id.upper(), t.key_id + "\x00"]),
                        json_values)
    if operation in ("PutKeyPolicy", "ScheduleKeyDeletion"):  # keep alice's own key usable for the other examples
        key_ids = st.one_of(st.just(t.victim_key_id), json_values)
    policy_docs = st.one_of(
        json_values.map(json.dumps),
        st.just(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                                     "Action": "kms:*", "Resource": "*"}]})),
        st.builds(lambda stmt: json.dumps({"Version": "2012-10-17", "Statement": stmt}), json_values),
        st.text(max_size=200), json_values,
    )
    fields = {
        "KeyId": key_ids, "DestinationKeyId": key_ids, "SourceKeyId": key_ids, "TargetKeyId": key_ids,
        "Plaintext": st.one_of(_b64, json_values, st.just("not base64!"), st.just(wire.b64(b"x" * 4097))),
        "CiphertextBlob": st.one_of(st.just(t.ciphertext), _b64, json_values, st.just(t.ciphertext[:-4] + "AAAA")),
        "EncryptionContext": st.one_of(st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
                                       json_values),
        "GrantTokens": st.one_of(st.lists(st.text(max_size=20), max_size=12), json_values),
        "GranteePrincipal": st.one_of(st.sampled_from(["arn:aws:iam::123456789012:user/mallory", "*", "",
                                                       "arn:aws:iam::123456789012:root", "mallory"]), json_values),
        "RetiringPrincipal": st.one_of(st.just("arn:aws:iam::123456789012:user/mallory"), json_values),
        "Operations": st.one_of(st.lists(st.sampled_from(["Decrypt", "Encrypt", "CreateGrant", "Sign", "Bogus", ""]),
                                         max_size=4), json_values),
        "Constraints": st.one_of(st.fixed_dictionaries({}, optional={
            "EncryptionContextSubset": json_values, "EncryptionContextEquals": json_values}), json_values),
        "Policy": policy_docs, "PolicyName": st.one_of(st.sampled_from(["default", "other", ""]), json_values),
        "BypassPolicyLockoutSafetyCheck": st.one_of(st.booleans(), json_values),
        "KeySpec": st.one_of(st.sampled_from(["SYMMETRIC_DEFAULT", "RSA_2048", "ECC_NIST_P256", "HMAC_256", "AES_256",
                                              "BOGUS"]), json_values),
        "KeyUsage": st.one_of(st.sampled_from(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "X"]),
                              json_values),
        "Origin": st.one_of(st.sampled_from(["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "X"]), json_values),
        "MultiRegion": st.one_of(st.booleans(), json_values),
        "Description": st.one_of(st.text(max_size=100), st.just("d" * 9000), json_values),
        "Tags": st.one_of(st.lists(st.fixed_dictionaries({"TagKey": st.text(max_size=10),
                                                          "TagValue": st.text(max_size=10)}), max_size=3),
                          json_values),
        "NumberOfBytes": st.one_of(st.integers(), st.just(10**40), json_values),
        "KeyPairSpec": json_values, "Limit": st.one_of(st.integers(), json_values),
        "Marker": st.one_of(st.text(max_size=20), json_values), "Name": json_values,
        "GrantId": json_values, "GrantToken": json_values, "AliasName": st.one_of(
            st.sampled_from(["alias/fuzz", "alias/aws/x", "alias/", "alias/" + "a" * 300, "fuzz"]), json_values),
        "PendingWindowInDays": st.one_of(st.integers(), json_values),
        "SigningAlgorithm": json_values, "Message": json_values, "MessageType": json_values, "Signature": json_values,
        "EncryptionAlgorithm": st.one_of(st.sampled_from(["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "X"]),
                                         json_values),
        "DryRun": st.one_of(st.booleans(), json_values),
    }
    shape = draw(st.sampled_from(["object"] * 8 + ["other-json", "bytes"]))
    if shape == "bytes":
        return draw(bodies)
    if shape == "other-json":
        return json.dumps(draw(json_values)).encode()
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=6))
    document = {name: draw(fields[name]) for name in chosen}
    if draw(st.integers(0, 4)) == 0:
        document.update(draw(st.dictionaries(st.text(max_size=12), json_values, max_size=2)))
    return json.dumps(document).encode()


@FUZZ
@given(data=st.data())
def test_fuzzed_signed_kms_requests_never_get_a_5xx_or_a_traceback(target, data) -> None:
    operation = data.draw(st.sampled_from(["Encrypt", "Decrypt", "CreateKey", "CreateGrant", "PutKeyPolicy"] * 3
                                          + KMS_OPERATIONS), label="operation")
    body = data.draw(kms_bodies(target, operation), label="body")
    content_type = data.draw(st.sampled_from([wire.JSON_CONTENT_TYPE] * 6 + ["application/x-amz-json-1.0",
                                              "application/json", "text/plain", ""]), label="content type")
    signed = wire.sign(target.alice, "POST", target.url + "/", "kms", body=body,
                       headers={"Content-Type": content_type, "X-Amz-Target": "TrentService." + operation})
    reply = signed.send()
    _check(reply, (operation, body))


# --- 3. signed IAM / STS requests with fuzzed forms ---------------------------------------------------------------------

IAM_ACTIONS = ["CreateUser", "GetUser", "ListUsers", "AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy",
               "GetUserPolicy", "CreateAccessKey", "ListAccessKeys", "CreatePolicy", "CreatePolicyVersion", "GetPolicy",
               "CreateRole", "PutRolePolicy", "AttachRolePolicy", "TagUser", "ListAttachedUserPolicies",
               "CreateGroup", "AddUserToGroup", "SimulatePrincipalPolicy", "GetAccountAuthorizationDetails",
               "UpdateAssumeRolePolicy", "NoSuchAction", "", "createuser"]
STS_ACTIONS = ["GetCallerIdentity", "AssumeRole", "GetSessionToken", "DecodeAuthorizationMessage", "NoSuchAction"]

_policy_texts = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.builds(lambda effect, action, resource, principal: json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource,
                                                  **({"Principal": principal} if principal is not None else {})}]}),
        st.sampled_from(["Allow", "Deny", "allow", "", 1]), json_values, json_values, st.one_of(st.none(), json_values)),
)
_form_values = st.one_of(
    st.text(max_size=60), st.integers().map(str), st.sampled_from([
        "mallory", "fuzz-user", "fuzz-role", "", " ", "a" * 200, "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::123456789012:role/fuzz-role", "arn:aws:iam::123456789012:user/mallory", "arn:", "*", "-1",
        "99999999999999999999", "true", "\x00", "%zz", "/", "//", "/a/", "2010-05-08"]),
    _policy_texts,
)
_form_keys = st.one_of(st.sampled_from([
    "UserName", "PolicyArn", "PolicyName", "PolicyDocument", "RoleName", "AssumeRolePolicyDocument", "Path",
    "GroupName", "MaxItems", "Marker", "SetAsDefault", "RoleArn", "RoleSessionName", "DurationSeconds", "Policy",
    "ExternalId", "EncodedMessage", "PolicySourceArn", "ActionNames.member.1", "Tags.member.1.Key",
    "Tags.member.1.Value", "Tags.member.99999.Key", "PolicyArns.member.1.arn", "Filter.member.1", "SerialNumber",
    "TokenCode", "PermissionsBoundary", "Version", "Action",
]), st.text(max_size=20))


@st.composite
def query_requests(draw: Any) -> tuple[str, bytes]:
    service = draw(st.sampled_from(["iam"] * 4 + ["sts"]))
    action = draw(st.one_of(st.sampled_from(IAM_ACTIONS if service == "iam" else STS_ACTIONS), st.text(max_size=20)))
    form: list[tuple[str, str]] = [("Action", action)]
    version = draw(st.sampled_from(["default", "default", "default", "missing", "1999-01-01", ""]))
    if version == "default":
        form.append(("Version", "2010-05-08" if service == "iam" else "2011-06-15"))
    elif version != "missing":
        form.append(("Version", version))
    form += draw(st.lists(st.tuples(_form_keys, _form_values), max_size=6))
    # never name alice: the fuzz must not delete or detach the caller it signs as
    form = [(k, v.replace("alice", "alicf")) for k, v in form]
    if draw(st.integers(0, 9)) == 0:
        return service, draw(st.sampled_from([b"Action=%zz&&==&", b"\xff\xfe=\xfd", b"Action", b"=", b"&&&",
                                              b"Action=ListUsers&Action=CreateUser&Version=2010-05-08"]))
    body = urlencode(form, encoding="utf-8", errors="surrogatepass").encode("utf-8", "surrogatepass")
    return service, body


@FUZZ
@given(data=st.data())
def test_fuzzed_signed_iam_and_sts_requests_never_get_a_5xx_or_a_traceback(target, data) -> None:
    service, body = data.draw(query_requests(), label="request")
    assume(b"alice" not in body)
    signed = wire.sign(target.alice, "POST", target.url + "/", service, body=body,
                       headers={"Content-Type": wire.FORM_CONTENT_TYPE})
    reply = signed.send()
    _check(reply, (service, body))


# --- 4. correctly signed, then the framing is broken -------------------------------------------------------------------

@st.composite
def reframed_requests(draw: Any, t: Target) -> bytes:
    operation = draw(st.sampled_from(["Encrypt", "Decrypt", "ListKeys", "CreateGrant"]))
    body = draw(kms_bodies(t, operation))
    signed = wire.kms(t.alice, t.url, operation, body)
    headers = [(k, v) for k, v in signed.headers.items() if k.lower() != "content-length"]
    mutation = draw(st.sampled_from(["length", "body", "duplicate-target", "drop-date", "drop-host", "lower-auth"]))
    sent = body
    length = str(len(body))
    if mutation == "length":
        length = _framed_length(body, draw(content_lengths))
    elif mutation == "body":
        sent = draw(bodies)
        length = str(len(sent))
    elif mutation == "duplicate-target":
        headers.append(("X-Amz-Target", "TrentService.Decrypt"))
    elif mutation == "drop-date":
        headers = [(k, v) for k, v in headers if k.lower() != "x-amz-date"]
    elif mutation == "drop-host":
        headers = [(k, v) for k, v in headers if k.lower() != "host"]
    else:
        headers = [(k, v.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256")) for k, v in headers]
    if length is not None:
        headers.append(("Content-Length", length))
    headers.append(("Connection", "close"))
    return wire.build_raw("POST", "/", headers, sent)


@FUZZ
@given(data=st.data())
def test_signed_requests_with_broken_framing_never_get_a_5xx_or_a_traceback(target, data) -> None:
    request = data.draw(reframed_requests(target), label="request")
    answer = wire.raw_exchange(target.url, request)
    reply = wire.parse_raw(answer)
    if reply is None:
        _check_statusless(answer, request)
        return
    _check(reply, request)


# --- 5. what the fuzz has found, pinned as plain examples --------------------------------------------------------------

FOUND = [
    # moto implements neither action and raises NotImplementedError; AWS implements both.
    ("iam", "SimulatePrincipalPolicy", {"PolicySourceArn": "arn:aws:iam::123456789012:user/alice",
                                        "ActionNames.member.1": "kms:Decrypt"}),
    ("sts", "DecodeAuthorizationMessage", {"EncodedMessage": "abc"}),
    # moto parses pagination parameters with int() and raises ValueError on anything else.
    ("iam", "ListUsers", {"MaxItems": "abc"}),
    ("iam", "GetAccountAuthorizationDetails", {"MaxItems": "k"}),
    ("iam", "ListAttachedUserPolicies", {"UserName": "mallory", "Marker": "zz"}),
]


@pytest.mark.parametrize(("service", "action", "params"), FOUND, ids=[f"{s}-{a}-{'-'.join(p)}" for s, a, p in FOUND])
def test_fuzz_findings_answer_a_client_error_not_a_crash(target, service, action, params) -> None:
    """Inputs the fuzz above found answered 500; AWS answers them 200 (implemented actions) or 4xx (a MaxItems or
    Marker that is not valid: ValidationError / InvalidInput), never 5xx.

    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
    """
    reply = wire.query(target.alice, target.url, service, action, params).send()
    _check(reply, (service, action, params))


_CHUNKED = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nX-Amz-Target: TrentService.ListKeys\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\n\r\n")


@pytest.mark.parametrize("chunks", [b"FFFFFFFF\r\nabc", b"4000001\r\n" + b"x" * 70_000, b"10\r\nshort"],
                         ids=["4-GiB-chunk", "64-MiB-chunk", "16-byte-chunk"])
def test_a_chunk_cut_short_is_a_400_and_the_server_lives(target, chunks) -> None:
    """A chunk header promising more than arrives, the connection then closed: found by the fuzz above, which once
    crashed the whole emulator process (a segmentation fault in reading the body, so a neighbour's unsigned request
    could kill a learner's kernel). It is a framing error, answered 400 before any authentication."""
    answer = wire.raw_exchange(target.url, _CHUNKED + chunks)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"Traceback" not in answer
    assert wire.kms(target.alice, target.url, "ListKeys", {}).send().status == 200


@pytest.mark.parametrize("ref", ["arn:aws:kms:xx:1:key/9267acb5-91cc-4ecf-b115-09186bf19b82", "arn:aws:kms:xx:1:alias/any"])
def test_a_key_arn_in_a_region_kms_does_not_have_is_not_found(target, ref) -> None:
    """Found by the fuzz (it reached the pipeline's catch-all): a KeyId ARN whose Region KMS does not serve names
    no key, so Encrypt answers NotFoundException, as for any key that does not exist."""
    reply = wire.kms(target.alice, target.url, "Encrypt", {"KeyId": ref, "Plaintext": "aGk="}).send()
    assert (reply.status, reply.code) == (400, "NotFoundException"), str(reply)


def test_content_length_and_chunked_together_are_refused(target) -> None:
    """Both framings in one request (found by the fuzz, which then reached the pipeline's catch-all): a 400 that
    says so, before anything reads the body (RFC 9112 section 6.1)."""
    answer = wire.raw_exchange(target.url, _CHUNKED.replace(b"\r\n\r\n", b"\r\nContent-Length: 1\r\n\r\n") + b"\x00")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"both Content-Length and Transfer-Encoding" in answer and CATCH_ALL not in answer, answer[:400]


def test_a_whole_chunked_body_is_read(target) -> None:
    """A well-formed chunked body (here unsigned) gets past framing to authentication: 4xx, not the framing 400."""
    answer = wire.raw_exchange(target.url, _CHUNKED + b"2\r\n{}\r\n0\r\n\r\n")
    assert re.match(rb"HTTP/1.1 4\d\d", answer) and b"BadRequest" not in answer, answer[:400]


# --- afterwards ----------------------------------------------------------------------------------------------------------

def test_the_emulator_still_serves_after_the_fuzz(target) -> None:
    """After everything above, a correctly signed request by alice still succeeds: no fuzz input wedged the server."""
    reply = wire.kms(target.alice, target.url, "ListKeys", {}).send()
    assert reply.status == 200, str(reply)
    assert target.key_id in reply.text
