"""CloudTrail LookupEvents: one lookup attribute, a time range, pages of at most 50, newest first, 90 days."""
from __future__ import annotations

import datetime as dt

import pytest
from access_support import outsider, refused  # noqa: F401  (fixture)
from audit_support import events, logged, started
from botocore.config import Config

ATTRIBUTES = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId")


@pytest.fixture
def described(course, made) -> dict:
    """A DescribeKey call of this test, and its event as LookupEvents lists it."""
    since = started(course)
    key = made.key()
    course.client("kms").describe_key(KeyId=key["KeyId"])
    (found,) = logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] == "DescribeKey", since)
    return {**found, "since": since, "key": key}


def _value(found: dict, attribute: str) -> str:
    if attribute.startswith("Resource"):
        resource = found["Resources"][0]
        return resource["ResourceType"] if attribute == "ResourceType" else resource["ResourceName"]
    return found[attribute]


@pytest.mark.parametrize("attribute", ATTRIBUTES)
@pytest.mark.behaviour("LookupEvents finds events by its lookup attribute {attribute}")
def test_lookup_by_each_attribute(course, described, attribute) -> None:
    """LookupEvents takes one LookupAttribute (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName,
    EventSource or AccessKeyId) and returns only events that match it.
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html"""
    value = _value(described, attribute)
    found = events(course.client("cloudtrail"), attribute, value, described["since"])
    assert described["EventId"] in [f["EventId"] for f in found]
    assert all(_value(f, attribute) == value if not attribute.startswith("Resource") else
               any(r[attribute] == value for r in f["Resources"]) for f in found)


@pytest.mark.behaviour("LookupEvents pages newest first with MaxResults and NextToken")
def test_pages_newest_first(course, made) -> None:
    """Events come newest first; MaxResults (at most 50) bounds a page and NextToken continues it, with no event
    twice. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html"""
    since = started(course)
    key = made.key()
    kms = course.client("kms")
    for n in range(3):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"n": str(n)})
    logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] == "Encrypt", since, count=3)
    cloudtrail = course.client("cloudtrail")
    args = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": key["Arn"]}], "StartTime": since}
    first = cloudtrail.lookup_events(MaxResults=2, **args)
    assert len(first["Events"]) == 2 and first["NextToken"]
    rest = cloudtrail.lookup_events(MaxResults=50, NextToken=first["NextToken"], **args)
    listed = first["Events"] + rest["Events"]
    assert len({e["EventId"] for e in listed}) == len(listed) >= 4  # CreateKey and three Encrypts
    times = [e["EventTime"] for e in listed]
    assert times == sorted(times, reverse=True)
    assert [e["EventName"] for e in listed][-1] == "CreateKey"


@pytest.mark.behaviour("LookupEvents refuses more than one attribute, an inverted time range, and MaxResults over 50")
def test_lookup_parameters_are_checked(course) -> None:
    """Only one lookup attribute is allowed (InvalidLookupAttributesException), StartTime must not be after EndTime
    (InvalidTimeRangeException), and MaxResults is at most 50 (InvalidMaxResultsException).
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html"""
    cloudtrail = course.client("cloudtrail")
    two = [{"AttributeKey": "EventName", "AttributeValue": "Encrypt"}, {"AttributeKey": "ReadOnly", "AttributeValue": "true"}]
    refused(lambda: cloudtrail.lookup_events(LookupAttributes=two), "InvalidLookupAttributesException")
    now = dt.datetime.now(dt.UTC)
    refused(lambda: cloudtrail.lookup_events(StartTime=now, EndTime=now - dt.timedelta(hours=1)), "InvalidTimeRangeException")
    unchecked = course.session.client("cloudtrail", region_name=course.region, endpoint_url=course.endpoint_url,
                                      config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    refused(lambda: unchecked.lookup_events(MaxResults=51), "InvalidMaxResultsException")


@pytest.mark.behaviour("LookupEvents needs cloudtrail:LookupEvents")
def test_lookup_needs_permission(course, outsider) -> None:
    """LookupEvents is authorised by the caller's IAM policies: a user with none gets AccessDeniedException.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html"""
    message = refused(lambda: outsider.client("cloudtrail").lookup_events(MaxResults=1), "AccessDeniedException")
    assert f"User: {outsider.arn} is not authorized to perform: cloudtrail:LookupEvents" in message


@pytest.mark.emulator_only("needs the emulator clock")
@pytest.mark.behaviour("LookupEvents shows the last 90 days of events")
def test_events_older_than_90_days_drop_out(course, described) -> None:
    """LookupEvents covers the management events of the last 90 days; older ones are no longer returned.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html"""
    cloudtrail = course.client("cloudtrail")
    course.advance_clock(days=89)
    assert described["EventId"] in [e["EventId"] for e in events(cloudtrail, "EventId", described["EventId"])]
    course.advance_clock(days=2)
    assert events(cloudtrail, "EventId", described["EventId"]) == []
