"""Lab 11: from CloudTrail alone, say who read the payroll file, when, with which context and through which service;
then change the key policy so that only HR can read payroll and everyone can still read the reports."""
from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError

from .. import audit, incident, policy_table
from ..course import Course
from .notebook import NOT_SET, answer, require
from .result import CheckResult

FIELDS = ("who", "when", "context", "through")
"""The keys of the lab's `finding`."""


def _reads(course: Course, found: incident.Incident) -> list[audit.Event]:
    """Successful Decrypt events of the payroll file by anyone but HR: the incident, and any repeat of it."""
    hr = course.name(incident.HR)
    return audit.lookup(course, "ResourceName", found.key_arn, lambda e: e["eventName"] == "Decrypt"
                        and not e.get("errorCode") and audit.context(e).get("aws:s3:arn") == found.payroll_arn
                        and audit.who(e) != hr)


def _same_time(given: Any, logged: str) -> bool:
    """True when `given` (the eventTime string, or a datetime) is the event's time to the second."""
    if isinstance(given, dt.datetime):
        given = given.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(given).strip() == logged


def check_finding(result: CheckResult, course: Course, finding: Any) -> None:
    """Exercise 1: the finding names the event's caller, time, encryption context and invoking service."""
    if not require(result, finding, "finding", "do Exercise 1", "finding is defined"):
        return
    if not result.add("finding is a dict with who, when, context and through", isinstance(finding, dict)
                      and all(k in finding for k in FIELDS),
                      f"finding is {finding!r}; make it a dict with the keys {', '.join(FIELDS)} (Exercise 1)."):
        return
    found = incident.found(course)
    if not result.add("the lab's key exists", found is not None, "run the setup cell first: it stages the week."):
        return
    assert found is not None
    events = _reads(course, found)
    if not result.add("CloudTrail holds the payroll read", bool(events),
                      f"no event shows anyone but HR decrypting {found.payroll}; run the setup cell, which stages the week."):
        return
    who = str(finding["who"]).rsplit("/", 1)[-1]
    match = [e for e in events if audit.who(e) == who]
    hr = course.name(incident.HR)
    hint = (f"you named {finding['who']!r}; among the Decrypt events whose encryption context names {found.payroll}, "
            "find the one whose caller is not HR, and give its userIdentity.userName.")
    if who == hr:
        hint = f"{hr} is HR, whose job is payroll; look for the other caller who decrypted {found.payroll}."
    elif who == course.principal_arn.rsplit("/", 1)[-1]:
        hint = "you uploaded the files (GenerateDataKey); the question is who decrypted the payroll file (Decrypt)."
    if not result.add("who: the caller who read payroll", bool(match), hint):
        return
    event = match[-1]
    result.add("when: the event's time", any(_same_time(finding["when"], e["eventTime"]) for e in match),
               f"your time is {finding['when']!r}; copy the event's eventTime exactly as CloudTrail wrote it (UTC, to the second).")
    result.add("context: the encryption context of that call", finding["context"] == audit.context(event),
               f"your context is {finding['context']!r}; copy the dict in requestParameters.encryptionContext (S3 puts the "
               "object's ARN there under aws:s3:arn).")
    through = event["userIdentity"].get("invokedBy", "")
    result.add("through: the service that made the call", str(finding["through"]).strip() == through,
               f"your service is {finding['through']!r}; userIdentity.invokedBy names the AWS service that called KMS "
               "for the user.")


def check_policy(result: CheckResult, course: Course) -> None:
    """Exercise 2: the key policy stops the payroll read and keeps every legitimate read, and you keep the key."""
    found = incident.found(course)
    if found is None:
        return
    try:
        policy = course.client("kms").get_key_policy(KeyId=found.key_id, PolicyName="default")["Policy"]
    except ClientError as exc:
        result.add("the key policy can be read", False, f"KMS says {exc.response['Error']['Code']}; keep the account "
                   "root statement (or a statement for you) so you can still manage the key.")
        return
    if not result.add("the key policy has changed", policy_table.parse(policy) != policy_table.parse(incident.default_policy(course)),
                      "the key policy is still the default; add a statement and put it with put_key_policy (Exercise 2)."):
        return
    missing = policy_table.missing(policy, course.principal_arn, ("kms:PutKeyPolicy", "kms:GetKeyPolicy"))
    root = policy_table.root_statement(policy, course.account_id)
    result.add("you can still manage the key", root is not None or not missing,
               f"the policy no longer lets you do {', '.join(missing)}; keep the account-root statement.")
    seen = incident.probe(course)
    culprit = incident.culprit(course)
    refused = seen[(culprit, incident.PAYROLL)]
    result.add("the teammate who read payroll can no longer read it", bool(refused),
               f"{course.name(culprit)} still reads {incident.PAYROLL}; deny kms:Decrypt when "
               "kms:EncryptionContext:aws:s3:arn names a payroll/ object, for everyone but HR.")
    hr = seen[(incident.HR, incident.PAYROLL)]
    result.add("HR can still read payroll", not hr,
               f"{course.name(incident.HR)} (HR) now gets {hr} for {incident.PAYROLL}; exempt HR from the statement "
               "(ArnNotEquals aws:PrincipalArn), so that only the others are refused.")
    lost = [f"{course.name(role)} ({name})" for (role, name), error in seen.items()
            if name != incident.PAYROLL and error]
    result.add("everyone can still read the reports", not lost,
               f"these reads of reports now fail: {', '.join(lost)}; limit the statement to payroll/ objects with the "
               "kms:EncryptionContext:aws:s3:arn condition, instead of refusing a whole user or the whole key.")


def check(course: Course, finding: Any = NOT_SET) -> CheckResult:
    """The finding (read from the notebook's `finding` when not passed) and the key policy, against live state."""
    result = CheckResult("Lab 11")
    check_finding(result, course, answer(finding, "finding"))
    check_policy(result, course)
    return result.finish()
