"""Who used my key: every KMS call is a CloudTrail management event, in AWS's record format, without secrets."""
from __future__ import annotations

import base64
import json

import boto3
import pytest
from access_support import eventually, outsider, refused  # noqa: F401  (fixture)
from audit_support import logged, request_id, started
from cfn_support import Stack, stack  # noqa: F401  (fixture)


@pytest.mark.behaviour("A KMS call is a CloudTrail event naming the caller, the key as given and the context")
def test_encrypt_is_logged_in_the_cloudtrail_record_format(course, made) -> None:
    """An Encrypt is logged as a management event of kms.amazonaws.com: userIdentity (IAMUser, its ARN, account,
    access key and user name), the key id as the caller gave it, the encryption context and the algorithm (logged
    even when left out), null responseElements, readOnly, the key ARN in `resources`, and the requestID the
    caller saw. https://docs.aws.amazon.com/kms/latest/developerguide/ct-encrypt.html"""
    since = started(course)
    key = made.key()
    answer = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"audited", EncryptionContext={"file": "report.csv"})
    (found,) = logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] == "Encrypt", since)
    event = found["event"]
    access_key = course.session.get_credentials().access_key
    identity = event["userIdentity"]
    assert (identity["arn"], identity["accountId"], identity["accessKeyId"]) == (course.identity_arn, course.account_id, access_key)
    if identity["type"] == "IAMUser":
        assert identity["userName"] == course.identity_arn.rsplit("/", 1)[-1]
    assert event["eventVersion"].startswith("1.") and event["eventSource"] == "kms.amazonaws.com"
    assert (event["awsRegion"], event["eventType"], event["managementEvent"], event["eventCategory"]) == (
        course.region, "AwsApiCall", True, "Management")
    assert event["requestParameters"] == {"keyId": key["KeyId"], "encryptionContext": {"file": "report.csv"},
                                          "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    assert event["responseElements"] is None and event["readOnly"] is True
    assert [r["ARN"] for r in event["resources"]] == [key["Arn"]] and event["resources"][0]["accountId"] == course.account_id
    assert event["recipientAccountId"] == course.account_id and event["requestID"] == request_id(answer)
    assert (found["EventId"], found["EventName"], found["EventSource"]) == (event["eventID"], "Encrypt", "kms.amazonaws.com")
    assert found["ReadOnly"] == "true" and found["AccessKeyId"] == access_key


@pytest.mark.behaviour("KMS events never log plaintext, data keys or ciphertext")
def test_events_leave_out_secrets(course, made) -> None:
    """KMS omits the plaintext, the ciphertext and data keys from its CloudTrail entries; GenerateDataKey logs its
    key spec, Decrypt logs the encryption algorithm even when the request did not name it.
    https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html and
    https://docs.aws.amazon.com/kms/latest/developerguide/ct-generatedatakey.html"""
    since = started(course)
    key = made.key()
    kms = course.client("kms")
    data_key = kms.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256", EncryptionContext={"purpose": "audit"})
    kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext={"purpose": "audit"})
    found = logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] in ("GenerateDataKey", "Decrypt"), since, count=2)
    by_name = {f["event"]["eventName"]: f["event"] for f in found}
    assert by_name["GenerateDataKey"]["requestParameters"] == {
        "keyId": key["Arn"], "keySpec": "AES_256", "encryptionContext": {"purpose": "audit"}}
    assert by_name["Decrypt"]["requestParameters"] == {"encryptionContext": {"purpose": "audit"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    text = json.dumps([f["event"] for f in found])
    for secret in (data_key["Plaintext"], data_key["CiphertextBlob"]):
        assert base64.b64encode(secret).decode() not in text
    assert all(f["event"]["responseElements"] is None for f in found)


@pytest.mark.behaviour("A refused KMS call is logged with errorCode and errorMessage")
def test_refused_call_is_logged_with_its_error(course, made, outsider) -> None:
    """A call KMS refuses is still a CloudTrail event of the caller, with errorCode (AccessDenied) and errorMessage
    (the text the caller got) and the key the ciphertext names.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"""
    since = started(course)
    key = made.key()
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"not yours")["CiphertextBlob"]
    message = eventually(course, lambda: refused(lambda: outsider.client("kms").decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    (found,) = logged(course, "Username", outsider.user_name, lambda e: e["eventName"] == "Decrypt" and "errorCode" in e, since)
    event = found["event"]
    assert event["errorCode"].startswith("AccessDenied") and event["errorMessage"] == message
    assert event["userIdentity"]["arn"] == outsider.arn and event["responseElements"] is None
    assert [r["ARN"] for r in event.get("resources", [])] in ([key["Arn"]], [])


@pytest.mark.behaviour("A role session's events carry its sessionContext")
def test_role_session_is_logged_with_its_issuer(course, made) -> None:
    """Calls made with AssumeRole credentials are logged with userIdentity type AssumedRole, the session ARN, a
    principalId of role id and session name, and sessionContext naming the role (sessionIssuer) and the session's
    attributes; LookupEvents' Username is the session name.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html"""
    iam = course.client("iam")
    name = made.unique("audit-role")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    iam.put_role_policy(RoleName=name, PolicyName="list", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:ListKeys", "Resource": "*"}]}))
    made.cleanups.append(lambda: iam.delete_role_policy(RoleName=name, PolicyName="list"))
    since = started(course)
    creds = eventually(course, lambda: course.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="auditor")["Credentials"])
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=course.region)
    eventually(course, lambda: session.client("kms", endpoint_url=course.endpoint_url).list_keys())
    (found,) = logged(course, "AccessKeyId", creds["AccessKeyId"], lambda e: e["eventName"] == "ListKeys", since)
    identity = found["event"]["userIdentity"]
    assert identity["type"] == "AssumedRole" and found["Username"] == "auditor"
    assert identity["arn"] == f"arn:aws:sts::{course.account_id}:assumed-role/{name}/auditor"
    assert identity["principalId"] == f"{role['RoleId']}:auditor"
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert (issuer["type"], issuer["arn"], issuer["userName"], issuer["principalId"]) == ("Role", role["Arn"], name, role["RoleId"])
    assert identity["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"


@pytest.mark.behaviour("S3's SSE-KMS calls are logged as the caller's, invoked by S3, with the object ARN as context")
def test_s3_kms_calls_are_logged_on_the_caller(course, made) -> None:
    """With SSE-KMS, S3 calls GenerateDataKey (PutObject) and Decrypt (GetObject) for the caller: each is logged as
    the caller's event with invokedBy, sourceIPAddress and userAgent s3.amazonaws.com, and the encryption context
    aws:s3:arn naming the object. https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html and
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html"""
    s3 = course.client("s3")
    bucket = made.unique("audit")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": course.region})

    def remove() -> None:
        s3.delete_object(Bucket=bucket, Key="ledger.txt")
        s3.delete_bucket(Bucket=bucket)

    made.cleanups.append(remove)
    key = made.key()
    since = started(course)
    s3.put_object(Bucket=bucket, Key="ledger.txt", Body=b"ledger", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    assert s3.get_object(Bucket=bucket, Key="ledger.txt")["Body"].read() == b"ledger"
    found = logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] in ("GenerateDataKey", "Decrypt"), since, count=2)
    for event in (f["event"] for f in found):
        assert event["userIdentity"]["arn"] == course.identity_arn
        assert event["userIdentity"]["invokedBy"] == event["sourceIPAddress"] == event["userAgent"] == "s3.amazonaws.com"
        assert event["requestParameters"]["encryptionContext"] == {"aws:s3:arn": f"arn:aws:s3:::{bucket}/ledger.txt"}


@pytest.mark.behaviour("CloudFormation's KMS calls are logged as the caller's, invoked by CloudFormation")
def test_cloudformation_kms_calls_are_logged_on_the_caller(course, stack: Stack) -> None:
    """A stack without a service role calls KMS with the caller's permissions: the alias it creates is a CreateAlias
    event of the caller with invokedBy and sourceIPAddress cloudformation.amazonaws.com.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html and
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html"""
    since = started(course)
    stack.create()
    (found,) = logged(course, "EventName", "CreateAlias",
                      lambda e: (e.get("requestParameters") or {}).get("aliasName") == stack.alias, since)
    event = found["event"]
    assert event["userIdentity"]["arn"] == course.identity_arn and event["eventSource"] == "kms.amazonaws.com"
    assert event["userIdentity"]["invokedBy"] == event["sourceIPAddress"] == "cloudformation.amazonaws.com"
