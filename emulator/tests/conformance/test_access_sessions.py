"""Role session credentials last their DurationSeconds from when STS issued them, whenever that was."""
from __future__ import annotations

import json

import boto3
import pytest
from access_support import refused


@pytest.mark.emulator_only("needs the emulator clock")
@pytest.mark.behaviour("Role credentials issued after the clock moved last their DurationSeconds")
def test_session_issued_after_the_clock_moved(course, made) -> None:
    """Credentials from AssumeRole work for DurationSeconds from their issue and then fail with
    ExpiredToken, also when the emulator clock was moved forward before they were issued.
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"""
    iam = course.client("iam")
    name = made.unique("late-role")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    course.advance_clock(days=3)
    creds = course.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="late", DurationSeconds=900)["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=course.region)
    sts = session.client("sts", endpoint_url=course.endpoint_url)
    assert sts.get_caller_identity()["Arn"].endswith(f":assumed-role/{name}/late")
    course.advance_clock(hours=0.3)
    refused(sts.get_caller_identity, "ExpiredToken")
