"""Lab 11's check: the finding is compared with CloudTrail, the key policy with who can read what, one hint per mistake."""
from __future__ import annotations

import json

import pytest

from kmscourse import audit, incident
from kmscourse.checks import lab11


def _finding(course, week) -> dict:
    """The right answer, computed from the trail as the solution does."""
    hr = course.name(incident.HR)
    read = [e for e in audit.lookup(course, "ResourceName", week.key_arn) if e["eventName"] == "Decrypt"
            and not e.get("errorCode") and audit.context(e).get("aws:s3:arn") == week.payroll_arn
            and audit.who(e) != hr][-1]
    return {"who": read["userIdentity"]["userName"], "when": read["eventTime"], "context": audit.context(read),
            "through": read["userIdentity"]["invokedBy"]}


def _put(course, week, *statements: dict) -> None:
    policy = json.loads(incident.default_policy(course))
    policy["Statement"] += list(statements)
    course.client("kms").put_key_policy(KeyId=week.key_id, PolicyName="default", Policy=json.dumps(policy))


def _deny(course, week, pattern: str, exempt: str | None = None, principal: str = "*") -> dict:
    condition: dict = {"StringLike": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{week.bucket}/{pattern}"}}
    if exempt:
        condition["ArnNotEquals"] = {"aws:PrincipalArn": exempt}
    return {"Effect": "Deny", "Principal": {"AWS": principal}, "Action": "kms:Decrypt", "Resource": "*", "Condition": condition}


def _arn(course, role: str) -> str:
    return course.client("iam").get_user(UserName=course.name(role))["User"]["Arn"]


@pytest.fixture
def week(course):
    return incident.stage(course)


def _items(result) -> dict[str, bool]:
    return {item.name: item.passed for item in result.items}


def test_right_answers_pass(course, week) -> None:
    finding = _finding(course, week)
    assert finding["who"] == course.name(incident.culprit(course)) and finding["through"] == "s3.amazonaws.com"
    _put(course, week, _deny(course, week, "payroll/*", exempt=_arn(course, incident.HR)))
    result = lab11.check(course, finding)
    assert result.passed, str(result)


def test_the_check_cell_before_the_exercises_names_them(course, week) -> None:
    hints = lab11.check(course).hints()
    assert hints == ["finding is not defined yet: do Exercise 1 first (its cell defines finding).",
                     "the key policy is still the default; add a statement and put it with put_key_policy (Exercise 2)."]


def test_naming_hr_gets_its_own_hint(course, week) -> None:
    finding = {**_finding(course, week), "who": course.name(incident.HR)}
    (hint, *_) = lab11.check(course, finding).hints()
    assert hint.startswith(f"{course.name(incident.HR)} is HR, whose job is payroll")


def test_naming_the_uploader_points_at_decrypt(course, week) -> None:
    finding = {**_finding(course, week), "who": course.principal_arn}
    (hint, *_) = lab11.check(course, finding).hints()
    assert hint.startswith("you uploaded the files (GenerateDataKey)")


def test_wrong_time_context_and_service_each_get_a_hint(course, week) -> None:
    right = _finding(course, week)
    finding = {**right, "when": "2026-11-30T09:00:00Z", "context": {"file": "payroll"}, "through": "kms.amazonaws.com"}
    hints = lab11.check(course, finding).hints()
    assert hints[:3] == [
        "your time is '2026-11-30T09:00:00Z'; copy the event's eventTime exactly as CloudTrail wrote it (UTC, to the second).",
        "your context is {'file': 'payroll'}; copy the dict in requestParameters.encryptionContext (S3 puts the object's "
        "ARN there under aws:s3:arn).",
        "your service is 'kms.amazonaws.com'; userIdentity.invokedBy names the AWS service that called KMS for the user.",
    ]


def test_a_finding_that_is_not_a_dict(course, week) -> None:
    (hint, *_) = lab11.check(course, "ben").hints()
    assert hint == "finding is 'ben'; make it a dict with the keys who, when, context, through (Exercise 1)."


def test_denying_payroll_to_everyone_locks_hr_out(course, week) -> None:
    _put(course, week, _deny(course, week, "payroll/*"))
    items = _items(lab11.check(course, _finding(course, week)))
    assert items["the teammate who read payroll can no longer read it"] and not items["HR can still read payroll"]


def test_denying_the_culprit_everything_breaks_their_reports(course, week) -> None:
    """A false pass would be to refuse the culprit outright: the incident stops, but their legitimate reads break."""
    culprit = _arn(course, incident.culprit(course))
    _put(course, week, {"Effect": "Deny", "Principal": {"AWS": culprit}, "Action": "kms:Decrypt", "Resource": "*"})
    result = lab11.check(course, _finding(course, week))
    items = _items(result)
    assert items["the teammate who read payroll can no longer read it"] and not items["everyone can still read the reports"]
    assert not result.passed
    assert any(h.startswith(f"these reads of reports now fail: {course.name(incident.culprit(course))}") for h in result.hints())


def test_an_allow_statement_changes_nothing(course, week) -> None:
    """Adding an Allow for HR alone does not stop anyone: the IAM policy still lets the others decrypt."""
    _put(course, week, {"Effect": "Allow", "Principal": {"AWS": _arn(course, incident.HR)}, "Action": "kms:Decrypt",
                        "Resource": "*"})
    hints = lab11.check(course, _finding(course, week)).hints()
    assert hints == [f"{course.name(incident.culprit(course))} still reads {incident.PAYROLL}; deny kms:Decrypt when "
                     "kms:EncryptionContext:aws:s3:arn names a payroll/ object, for everyone but HR."]


def test_the_culprit_is_one_of_the_teammates_who_are_not_hr(course) -> None:
    assert incident.culprit(course) in incident.TEAM[1:]
