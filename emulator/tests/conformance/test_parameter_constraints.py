"""Parameters checked against the operation's input constraints before the service reads them: IAM, STS,
CloudFormation, Organizations and CloudTrail refuse what their API reference forbids, and S3 refuses bad bucket names."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from resources import Resources, error_code


@pytest.fixture(scope="module")
def unchecked(course: Any) -> Any:
    """Clients that send parameters unchecked by botocore, to see the service's own validation."""
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = course.session.client(service, region_name=course.region,
                                                     endpoint_url=course.endpoint_url, config=config)
        return clients[service]

    return client


def _refusal(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The error a call fails with, and its HTTP status (the test fails if it succeeds)."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return {**info.value.response["Error"], "Status": info.value.response["ResponseMetadata"]["HTTPStatusCode"]}


@pytest.mark.behaviour("IAM refuses a request without a required parameter with ValidationError (400, Sender)")
def test_iam_required_member(course: Any, unchecked: Any) -> None:
    """A required member left out is a ValidationError, HTTP 400, fault type Sender, naming the member
    ("Value null at 'userName' failed to satisfy constraint: Member must not be null"); no user is made.
    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"""
    iam = unchecked("iam")
    error = _refusal(iam.create_user)
    assert (error["Code"], error["Status"], error.get("Type")) == ("ValidationError", 400, "Sender")
    assert "'userName'" in error["Message"]
    assert error_code(course.client("iam").get_user, UserName="None") == "NoSuchEntity"


@pytest.mark.behaviour("IAM refuses a UserName over 64 characters or outside [\\w+=,.@-]+ with ValidationError")
def test_iam_length_and_pattern(course: Any, unchecked: Any) -> None:
    """CreateUser's UserName has length 1 to 64 and pattern [\\w+=,.@-]+; a longer name or one with a space or
    '!' is a ValidationError (400) and no user is made.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"""
    iam = unchecked("iam")
    for name in (course.name("x" * 100), "bad name!"):
        error = _refusal(iam.create_user, UserName=name)
        assert (error["Code"], error["Status"]) == ("ValidationError", 400)
        assert error_code(course.client("iam").get_user, UserName=name[:64]) in ("NoSuchEntity", "ValidationError")


@pytest.mark.behaviour("IAM counts every broken constraint in one ValidationError")
def test_iam_several_errors(unchecked: Any) -> None:
    """Each broken constraint is listed, and the message begins with how many there are.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html"""
    error = _refusal(unchecked("iam").list_policies, Scope="Everything", MaxItems=0)
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith("2 validation errors detected")


@pytest.mark.behaviour("IAM refuses a non-numeric or out-of-range MaxItems, and a value outside an enum, with ValidationError")
def test_iam_numbers_and_enums(unchecked: Any) -> None:
    """MaxItems is an integer from 1 to 1000 and Scope one of All, AWS, Local: anything else is a 400
    ValidationError, never a server error.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html"""
    iam = unchecked("iam")
    for call, kwargs in ((iam.list_users, {"MaxItems": "abc"}), (iam.list_users, {"MaxItems": 1001}),
                         (iam.list_policies, {"Scope": "Everything"})):
        error = _refusal(call, **kwargs)
        assert (error["Code"], error["Status"]) == ("ValidationError", 400), kwargs


@pytest.mark.behaviour("STS GetSessionToken refuses DurationSeconds under 900 with ValidationError")
def test_sts_duration_range(unchecked: Any) -> None:
    """DurationSeconds is 900 to 129600 for GetSessionToken; 10 is a ValidationError (400, Sender).
    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
    https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html"""
    error = _refusal(unchecked("sts").get_session_token, DurationSeconds=10)
    assert (error["Code"], error["Status"], error.get("Type")) == ("ValidationError", 400, "Sender")


@pytest.mark.behaviour("CloudFormation refuses a request without a required parameter or with TimeoutInMinutes 0 with ValidationError")
def test_cloudformation_constraints(unchecked: Any) -> None:
    """CreateStack needs StackName, and TimeoutInMinutes is at least 1; either mistake is a ValidationError.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html"""
    cfn = unchecked("cloudformation")
    body = '{"Resources": {}}'
    for kwargs in ({"TemplateBody": body}, {"StackName": "kmsemu-never", "TemplateBody": body, "TimeoutInMinutes": 0}):
        error = _refusal(cfn.create_stack, **kwargs)
        assert (error["Code"], error["Status"]) == ("ValidationError", 400), kwargs


@pytest.mark.behaviour("Organizations refuses a missing or malformed AccountId with InvalidInputException")
def test_organizations_constraints(unchecked: Any) -> None:
    """DescribeAccount's AccountId is required and matches ^\\d{12}$; a missing or malformed one is an
    InvalidInputException (reasons INPUT_REQUIRED, INVALID_PATTERN).
    https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html"""
    org = unchecked("organizations")
    for kwargs in ({}, {"AccountId": "abc"}):
        error = _refusal(org.describe_account, **kwargs)
        assert (error["Code"], error["Status"]) == ("InvalidInputException", 400), kwargs


@pytest.mark.behaviour("CloudTrail refuses CreateTrail without S3BucketName as a client error, and makes no trail")
def test_cloudtrail_required_member(course: Any, unchecked: Any) -> None:
    """Name and S3BucketName are required members of CreateTrail; without S3BucketName the call is refused with a
    400 client error and no trail is made. (The emulator answers ValidationException; which of the common errors
    AWS names here is not asserted, since the API reference does not say.)
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html"""
    name = course.name("never-trail")
    error = _refusal(unchecked("cloudtrail").create_trail, Name=name)
    assert error["Status"] == 400 and error["Code"], error
    assert course.client("cloudtrail").describe_trails(trailNameList=[name])["trailList"] == []


@pytest.mark.behaviour("S3 refuses a bucket name that breaks the naming rules with InvalidBucketName")
def test_s3_bucket_naming_rules(course: Any, made: Resources) -> None:
    """General purpose bucket names are 3-63 characters of lower-case letters, digits, dots and hyphens, begin and
    end with a letter or digit, have no two adjacent dots, are not an IP address and avoid the reserved prefixes
    (xn--, sthree-, amzn-s3-demo-) and suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3); CreateBucket
    refuses any other with 400 InvalidBucketName.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"""
    s3 = course.session.client("s3", region_name=course.region, endpoint_url=course.endpoint_url,
                               config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    where = {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    for name in ("A_B", "ab", "x" * 64, "-kmsemu-bucket", "kmsemu..bucket", "192.168.5.4", "xn--kmsemu-bucket",
                 "kmsemu-bucket-s3alias", "KmsEmu-Bucket"):
        error = _refusal(s3.create_bucket, Bucket=name, **where)
        assert (error["Code"], error["Status"]) == ("InvalidBucketName", 400), name
    good = made.unique("names.ok")
    s3.create_bucket(Bucket=good, **where)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=good))
