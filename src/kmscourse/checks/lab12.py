"""Lab 12: one attribute-based IAM policy for both teams, and a key-policy statement for a service that works through S3;
the check tries every principal against every key and action and names each over-grant and under-grant."""
from __future__ import annotations

from typing import Any

from .. import access_matrix, teams
from ..course import Course
from .result import CheckResult

_WHY_OVER = {
    "team key": ("{who} can {action} with the {key} key, which is tagged team={key}: the team policy must compare the "
                 "key's tag with the caller's, aws:ResourceTag/team = ${{aws:PrincipalTag/team}}, not allow every key."),
    "shared direct": ("{who} can call {action} on the shared key directly; a team policy that allows any key does this. "
                      "Only the reporting service may use the shared key, and only through S3."),
    "service direct": ("the reporting service can call {action} on the {key} key directly, not only through S3: its "
                       "statement needs the condition kms:ViaService = s3.{region}.amazonaws.com."),
    "team via S3": "{who} can reach the {key} key through S3; the team users have no S3 permissions, so look at the key policy.",
    "partner": ("the partner account can {action} with the {key} key: its statement in the shared key's policy should "
                "allow kms:Encrypt alone, and no other key's policy should name it. (Exercise 3)"),
}
_WHY_UNDER = {
    "team": ("{who} cannot {action} with its own {key} key ({error}): the team policy must allow kms:Encrypt, kms:Decrypt "
             "and kms:DescribeKey where aws:ResourceTag/team equals ${{aws:PrincipalTag/team}}. A value written out "
             "(team = red) fits one team only. (Exercise 1)"),
    "service": ("the reporting service cannot upload and read through S3 with the shared key ({error}): allow it "
                "kms:GenerateDataKey and kms:Decrypt in the shared key's policy (S3 asks KMS for both), under "
                "kms:ViaService. (Exercise 2)"),
}


def _over_hint(cell: tuple[str, str, str], region: str) -> str:
    who, key, action = cell
    if who == teams.PARTNER:
        reason = "partner"
    elif who == teams.SERVICE:
        reason = "service direct" if action != "via S3" else "team via S3"
    elif action == "via S3":
        reason = "team via S3"
    else:
        reason = "shared direct" if key == "shared" else "team key"
    return _WHY_OVER[reason].format(who=who, key=key, action=action, region=region)


def check(course: Course, layout: Any = None) -> CheckResult:
    """Every principal × key × action against the intended access, from live calls."""
    result = CheckResult("Lab 12")
    found = layout if isinstance(layout, teams.Layout) else teams.found(course)
    if not result.add("the team layout exists", found is not None, "run the setup cell first: it makes the keys and users."):
        return result.finish()
    assert found is not None
    outcome = access_matrix.matrix(course, found.principals, found.keys, bucket=found.bucket)
    over, under = access_matrix.differences(outcome, found.allowed())
    for team in teams.TEAMS:
        theirs = [c for c in under if c[0] == team]
        first = theirs[0] if theirs else None
        result.add(f"{team} uses its own key", first is None, _WHY_UNDER["team"].format(
            who=team, key=team, action=first[2] if first else "", error=outcome.get(first, "") if first else ""))
    service = [c for c in under if c[0] == teams.SERVICE]
    result.add("the reporting service uses the shared key through S3", not service,
               _WHY_UNDER["service"].format(error=outcome.get(service[0], "") if service else ""))
    if teams.PARTNER in found.principals:
        theirs = [c for c in under if c[0] == teams.PARTNER]
        result.add("the partner account encrypts with the shared key", not theirs,
                   f"the partner account cannot Encrypt with the shared key by its ARN ({outcome.get(theirs[0], '') if theirs else ''}): "
                   "add a statement for the partner account's root (arn:aws:iam::<partner account>:root) allowing "
                   "kms:Encrypt to the shared key's policy. (Exercise 3)")
    else:
        result.add("a partner account to check against", False,
                   "there is no second account: on a sandbox, set KMSCOURSE_PARTNER_ROLE_ARN to a role in another account "
                   "that you may assume, then restart the kernel and run the setup cell.")
    for who in found.principals:
        theirs = [c for c in over if c[0] == who]
        result.add(f"{who} can do nothing more", not theirs, _over_hint(theirs[0], course.region) if theirs else "")
    return result.finish()
