"""Unit tests of step 5's model validation: the query and JSON validators, the shared checks and bucket names."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kmsemu import model_validation as mv
from kmsemu.errors import AwsError
from kmsemu.kms import validation as kms_validation
from kmsemu.request_validation import validate_json, validate_query
from kmsemu.s3.bucket_names import check_bucket_name, is_valid


def _refused(call: Callable[..., Any], *args: Any) -> AwsError:
    with pytest.raises(AwsError) as info:
        call(*args)
    return info.value


def test_query_required_member_is_named_in_lower_camel_case() -> None:
    """A missing required member: ValidationError, 400, Sender, AWS's wording with 'userName'."""
    error = _refused(validate_query, "iam", "CreateUser", {"Action": "CreateUser"})
    assert (error.code, error.status, error.sender) == ("ValidationError", 400, True)
    assert error.message == ("1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
                             "Member must not be null")


def test_query_length_pattern_range_enum_and_numbers() -> None:
    """Each top-level constraint of the model is checked; several errors are counted in one message."""
    assert "less than or equal to 64" in _refused(validate_query, "iam", "CreateUser", {"UserName": "a" * 100}).message
    assert "regular expression pattern" in _refused(validate_query, "iam", "CreateUser", {"UserName": "bad name!"}).message
    assert "greater than or equal to 900" in _refused(validate_query, "sts", "GetSessionToken", {"DurationSeconds": "10"}).message
    assert "Member must be a number" in _refused(validate_query, "iam", "ListUsers", {"MaxItems": "abc"}).message
    assert "enum value set" in _refused(validate_query, "iam", "ListPolicies", {"Scope": "Everything"}).message
    assert "Member must be a boolean" in _refused(validate_query, "iam", "ListPolicies", {"OnlyAttached": "yes"}).message
    both = _refused(validate_query, "iam", "ListPolicies", {"Scope": "Everything", "MaxItems": "0"}).message
    assert both.startswith("2 validation errors detected: ") and "; " in both


def test_query_accepts_what_botocore_sends() -> None:
    """Valid parameters, nested members (left to moto) and a required list sent as Name.member.N all pass."""
    validate_query("iam", "CreateUser", {"Action": "CreateUser", "UserName": "alice+ops@example.com",
                                         "Tags.member.1.Key": "k", "Tags.member.1.Value": "v"})
    validate_query("sts", "GetSessionToken", {"DurationSeconds": "900"})
    validate_query("iam", "ListPolicies", {"Scope": "Local", "OnlyAttached": "true", "MaxItems": "1000"})
    validate_query("cloudformation", "DescribeStacks", {})
    validate_query("iam", "NoSuchOperation", {})



def test_query_required_list_present_as_members() -> None:
    """A required list is present when any Name.member.N key is sent, and missing otherwise."""
    arn = "arn:aws:iam::123456789012:user/alice"
    validate_query("iam", "SimulatePrincipalPolicy", {"PolicySourceArn": arn, "ActionNames.member.1": "kms:Encrypt"})
    assert "'actionNames'" in _refused(validate_query, "iam", "SimulatePrincipalPolicy", {"PolicySourceArn": arn}).message


def test_uncompilable_patterns_are_skipped() -> None:
    """A pattern Python's re cannot compile is skipped, never an error."""
    assert mv.compiled("[a-z") is None
    assert mv.compiled("[a-z]+") is not None


def test_json_services() -> None:
    """Organizations: InvalidInputException with patterns; CloudTrail: required members only; LookupEvents left alone."""
    assert _refused(validate_json, "organizations", "DescribeAccount", b'{"AccountId": "abc"}').code == "InvalidInputException"
    assert _refused(validate_json, "organizations", "DescribeAccount", b"{}").code == "InvalidInputException"
    assert _refused(validate_json, "organizations", "DescribeAccount", b'{"AccountId": 12}').code == "SerializationException"
    validate_json("organizations", "DescribeAccount", b'{"AccountId": "123456789012"}')
    assert _refused(validate_json, "cloudtrail", "CreateTrail", b'{"Name": "t"}').code == "ValidationException"
    validate_json("cloudtrail", "CreateTrail", b'{"Name": "t", "S3BucketName": "b"}')
    validate_json("cloudtrail", "LookupEvents", b'{"MaxResults": 100}')  # kmsemu.cloudtrail.lookup answers it


def test_kms_keeps_its_behaviour() -> None:
    """KMS through the shared module: ValidationException, documented-required members, no pattern checks."""
    assert _refused(kms_validation.validate, "GenerateRandom", {}).message.startswith(
        "1 validation error detected: Value null at 'numberOfBytes'")
    assert _refused(kms_validation.validate, "Encrypt", {"KeyId": 1, "Plaintext": "aGk="}).code == "SerializationException"
    assert _refused(kms_validation.validate, "NoSuch", {}).code == "UnknownOperationException"
    kms_validation.validate("DescribeKey", {"KeyId": "not a pattern-checked id!"})


@pytest.mark.parametrize("name", ["abc", "kmscourse-learner-data-123456789012", "a.b-c", "x" * 63, "1bucket9"])
def test_valid_bucket_names(name: str) -> None:
    """Names inside every rule pass."""
    assert is_valid(name)
    check_bucket_name(name)


@pytest.mark.parametrize("name", ["A_B", "ab", "x" * 64, "-ab", "ab-", "a..b", "10.0.0.1", "xn--ab", "sthree-ab",
                                  "amzn-s3-demo-ab", "ab-s3alias", "ab--ol-s3", "ab.mrap", "ab--x-s3", "ab--table-s3"])
def test_invalid_bucket_names(name: str) -> None:
    """Each rule broken is an InvalidBucketName."""
    assert _refused(check_bucket_name, name).code == "InvalidBucketName"
