"""Who used a key: CloudTrail events from LookupEvents, a trail's log files in S3, and the rows a lesson shows.

On AWS, a management event reaches LookupEvents about 5 minutes after the call (up to 15), so `lookup` waits there;
on the emulator it is there as soon as the call is answered.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from collections.abc import Callable
from typing import Any

from .course import Course
from .show import markdown_table

AWS_DELIVERY_SECONDS = 15 * 60
"""How long `lookup` waits on AWS for the events it wants to reach LookupEvents."""

Event = dict[str, Any]


def events(course: Course, attribute: str, value: str, since: dt.datetime | None = None) -> list[Event]:
    """Every event LookupEvents lists for one attribute, newest first, each the parsed CloudTrailEvent."""
    args: dict[str, Any] = {"LookupAttributes": [{"AttributeKey": attribute, "AttributeValue": value}]}
    if since is not None:
        args["StartTime"] = since
    found: list[Event] = []
    for page in course.client("cloudtrail").get_paginator("lookup_events").paginate(**args):
        found += [json.loads(listed["CloudTrailEvent"]) for listed in page["Events"]]
    return found


def lookup(course: Course, attribute: str, value: str, match: Callable[[Event], bool] = lambda e: True,
           since: dt.datetime | None = None, count: int = 1) -> list[Event]:
    """The events matching `match` among those LookupEvents finds by `attribute`; waits on AWS until `count` arrive."""
    deadline = time.monotonic() + (AWS_DELIVERY_SECONDS if course.backend == "aws" else 0)
    while True:
        found = [e for e in events(course, attribute, value, since) if match(e)]
        if len(found) >= count or time.monotonic() >= deadline:
            return found
        time.sleep(30)


_VARYING = {"eventID": "<a UUID>", "requestID": "<a UUID>", "accessKeyId": "<the caller's access key id>",
            "principalId": "<the caller's unique id>"}


def started(course: Course) -> dt.datetime:
    """A moment just before now, to the second, as a lookup's `since`: events carry whole seconds."""
    return course.now().replace(microsecond=0) - dt.timedelta(seconds=1)


def readable(event: Event) -> Event:
    """The event with what changes on every call (ids, access key, the SDK's version string) named, not shown."""
    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _VARYING.get(k) or (str(v).split("/")[0] + "/..." if k == "userAgent" else walk(v))
                    for k, v in value.items()}
        return [walk(v) for v in value] if isinstance(value, list) else value
    return dict(walk(event))


def who(event: Event) -> str:
    """The caller as a security engineer names it: the user name, the role session, or the ARN."""
    identity = event.get("userIdentity", {})
    if identity.get("userName"):
        return str(identity["userName"])
    issuer = identity.get("sessionContext", {}).get("sessionIssuer", {}).get("userName")
    arn = str(identity.get("arn", ""))
    return f"{issuer} (session {arn.rsplit('/', 1)[-1]})" if issuer else arn or str(identity.get("type", "?"))


def context(event: Event) -> dict[str, str]:
    """The encryption context the call gave, from requestParameters ({} when none)."""
    return dict((event.get("requestParameters") or {}).get("encryptionContext") or {})


def _context_text(pairs: dict[str, str]) -> str:
    return ", ".join(f"`{k}={v.rsplit(':::', 1)[-1]}`" for k, v in pairs.items()) or "none"


def rows(events: list[Event]) -> list[tuple[str, ...]]:
    """(time, who, event, through, context, refused) per event, oldest first, as the lesson's tables show them."""
    return [(e["eventTime"], who(e), e["eventName"], e["userIdentity"].get("invokedBy", "(direct)"),
             _context_text(context(e)), e.get("errorCode", "")) for e in reversed(events)]


def table(events: list[Event]) -> str:
    """The events as a markdown table (display it with `show.display_markdown`)."""
    return markdown_table(["Time (UTC)", "Who", "Event", "Through", "Encryption context", "Refused"], rows(events))


def bucket_policy(bucket: str, account: str, region: str, trail: str) -> dict[str, Any]:
    """The bucket policy CloudTrail needs to write a trail's log files (AWS's documented statements).

    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    """
    source = {"aws:SourceArn": f"arn:aws:cloudtrail:{region}:{account}:trail/{trail}"}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}", "Condition": {"StringEquals": source}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}}},
    ]}


def log_prefix(course: Course) -> str:
    """Where a trail's log files for this account and Region start: AWSLogs/<account>/CloudTrail/<region>/."""
    return f"AWSLogs/{course.account_id}/CloudTrail/{course.region}/"


def log_files(course: Course, bucket: str) -> list[str]:
    """The keys of the trail's log files in `bucket`, in delivery order."""
    s3 = course.client("s3")
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=log_prefix(course)):
        keys += [listed["Key"] for listed in page.get("Contents", [])]
    return sorted(keys)


def records(course: Course, bucket: str, key: str) -> list[Event]:
    """The events in one log file: gzipped JSON, {"Records": [...]}."""
    body = course.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return list(json.loads(gzip.decompress(body))["Records"])


def trail_name(course: Course) -> str:
    """The learner's trail: `kmscourse-<learner>-trail`."""
    return course.name("trail")


def ensure_trail(course: Course) -> tuple[str, str]:
    """The learner's logging single-Region trail and its bucket (created, tagged, or reused): (trail, bucket)."""
    from . import buckets

    s3, cloudtrail = course.client("s3"), course.client("cloudtrail")
    bucket, name = buckets.ensure_bucket(course, "trail", fresh=False), trail_name(course)
    policy = bucket_policy(bucket, course.account_id, course.region, name)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    if name not in {t["Name"] for t in cloudtrail.describe_trails(trailNameList=[name]).get("trailList", [])}:
        cloudtrail.create_trail(Name=name, S3BucketName=bucket, TagsList=course.tags())
    cloudtrail.start_logging(Name=name)
    return name, bucket


def find_in_logs(course: Course, bucket: str, event_id: str) -> tuple[str, list[Event]]:
    """The log file (key, its events) holding the event `event_id`; waits on AWS, where delivery takes minutes."""
    deadline = time.monotonic() + (AWS_DELIVERY_SECONDS if course.backend == "aws" else 0)
    while True:
        for key in reversed(log_files(course, bucket)):
            found = records(course, bucket, key)
            if any(e["eventID"] == event_id for e in found):
                return key, found
        if time.monotonic() >= deadline:
            raise LookupError(f"no log file in s3://{bucket}/{log_prefix(course)} holds event {event_id} yet")
        time.sleep(30)


def course_trails(course: Course) -> list[str]:
    """The learner's trails in this Region: name prefix and course tag, so nothing else is ever touched."""
    from .course import TAG_KEY

    cloudtrail = course.client("cloudtrail")
    found = []
    for trail in cloudtrail.describe_trails(includeShadowTrails=False).get("trailList", []):
        if not trail["Name"].startswith(course.prefix):
            continue
        tags = cloudtrail.list_tags(ResourceIdList=[trail["TrailARN"]]).get("ResourceTagList", [{}])[0].get("TagsList", [])
        if {"Key": TAG_KEY, "Value": course.learner} in tags:
            found.append(str(trail["Name"]))
    return found


def delete_trail(course: Course, name: str) -> str:
    """Stop the trail logging and delete it (its bucket is removed with the learner's other buckets)."""
    cloudtrail = course.client("cloudtrail")
    cloudtrail.stop_logging(Name=name)
    cloudtrail.delete_trail(Name=name)
    return f"deleted trail {name}"
