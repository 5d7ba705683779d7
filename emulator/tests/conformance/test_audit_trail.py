"""A trail delivers CloudTrail log files to S3: gzipped JSON under AWSLogs/<account>/CloudTrail/<region>/<date>/."""
from __future__ import annotations

import gzip
import json
import re
import time

import pytest
from audit_support import AWS_DELIVERY_SECONDS, logged, started

_LOG_FILE = re.compile(r"^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
                       r"\1_CloudTrail_\2_\3\4\5T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$")


def _bucket_policy(bucket: str, account: str, region: str, trail: str) -> str:
    """The bucket policy CloudTrail needs to write a trail's log files (AWS's documented statements)."""
    source = {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{region}:{account}:trail/{trail}"}}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}", "Condition": source},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source["StringEquals"]}}},
    ]})


@pytest.fixture
def trail(course, made) -> dict:
    """A logging single-Region trail and its bucket, both removed afterwards."""
    s3, cloudtrail = course.client("s3"), course.client("cloudtrail")
    bucket, name = made.unique("trail"), made.unique("trail")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": course.region})
    s3.put_bucket_policy(Bucket=bucket, Policy=_bucket_policy(bucket, course.account_id, course.region, name))

    def remove_bucket() -> None:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for listed in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=listed["Key"])
        s3.delete_bucket(Bucket=bucket)

    made.cleanups.append(remove_bucket)
    cloudtrail.create_trail(Name=name, S3BucketName=bucket, TagsList=[{"Key": "kmsemu:conformance", "Value": "true"}])
    made.cleanups.append(lambda: cloudtrail.delete_trail(Name=name))
    cloudtrail.start_logging(Name=name)
    made.cleanups.append(lambda: cloudtrail.stop_logging(Name=name))
    return {"bucket": bucket, "name": name}


def _records(course, bucket: str, wanted: str) -> tuple[str, list[dict]]:
    """The first delivered log file (key, records) holding the event `wanted`, waiting for delivery on AWS."""
    s3 = course.client("s3")
    prefix = f"AWSLogs/{course.account_id}/CloudTrail/{course.region}/"
    deadline = time.monotonic() + (AWS_DELIVERY_SECONDS if course.backend == "aws" else 0)
    while True:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for listed in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=listed["Key"])["Body"].read()
                records = json.loads(gzip.decompress(body))["Records"]
                if any(r["eventID"] == wanted for r in records):
                    return listed["Key"], records
        assert time.monotonic() < deadline, f"no log file in s3://{bucket}/{prefix} holds event {wanted}"
        time.sleep(30)


@pytest.mark.behaviour("A logging trail delivers gzipped JSON log files to its bucket under AWS's key layout")
def test_trail_delivers_log_files(course, made, trail) -> None:
    """A trail that is logging writes its management events to its S3 bucket as gzipped JSON ({"Records": [...]})
    named AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz;
    the records are the events LookupEvents shows. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
    and https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html"""
    since = started(course)
    key = made.key()
    course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"for the trail", EncryptionContext={"log": "file"})
    (found,) = logged(course, "ResourceName", key["Arn"], lambda e: e["eventName"] == "Encrypt", since)
    name, records = _records(course, trail["bucket"], found["EventId"])
    assert _LOG_FILE.match(name), name
    (record,) = [r for r in records if r["eventID"] == found["EventId"]]
    assert record == found["event"]
    assert all(r["awsRegion"] == course.region or r["eventSource"] == "iam.amazonaws.com" for r in records)
