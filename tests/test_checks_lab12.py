"""Lab 12's check: every principal against every key and action, one hint per over-grant or under-grant."""
from __future__ import annotations

import pytest

from kmscourse import teams
from kmscourse.checks import lab12

ABAC = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
    "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}


def _service(course, actions=("kms:GenerateDataKey", "kms:Decrypt"), via: bool = True) -> dict:
    found = {"Effect": "Allow", "Principal": {"AWS": course.client("iam").get_user(UserName=course.name("reporting"))["User"]["Arn"]},
             "Action": list(actions), "Resource": "*"}
    if via:
        found["Condition"] = {"StringEquals": {"kms:ViaService": f"s3.{course.region}.amazonaws.com"}}
    return found


def _partner(course, layout, actions="kms:Encrypt") -> dict:
    account = layout.principals[teams.PARTNER].account_id
    return {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": actions, "Resource": "*"}


@pytest.fixture
def layout(course):
    return teams.stage(course)


def _failed(result) -> dict[str, str]:
    return {item.name: item.hint for item in result.failures}


def test_right_answers_pass(course, layout) -> None:
    teams.apply_team_policy(course, ABAC)
    teams.apply_shared_statement(course, _service(course), _partner(course, layout))
    result = lab12.check(course)
    assert result.passed, str(result)
    assert "the partner account encrypts with the shared key" in [item.name for item in result.items]


def test_nothing_done_yet_names_both_exercises(course, layout) -> None:
    failed = _failed(lab12.check(course))
    assert set(failed) == {"red uses its own key", "blue uses its own key", "the reporting service uses the shared key through S3",
                           "the partner account encrypts with the shared key"}
    assert "(Exercise 3)" in failed["the partner account encrypts with the shared key"]
    assert failed["red uses its own key"].endswith("(Exercise 1)") and "(Exercise 2)" in failed["the reporting service uses the shared key through S3"]


def test_kms_star_on_star_is_an_over_grant_for_both_teams(course, layout) -> None:
    """A false pass would be a policy that lets each team use its own key by letting it use every key."""
    teams.apply_team_policy(course, {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})
    teams.apply_shared_statement(course, _service(course), _partner(course, layout))
    failed = _failed(lab12.check(course))
    assert set(failed) == {"red can do nothing more", "blue can do nothing more"}
    assert failed["red can do nothing more"].startswith("red can Encrypt with the blue key, which is tagged team=blue")


def test_a_team_written_out_fits_one_team(course, layout) -> None:
    red_only = {"Version": "2012-10-17", "Statement": [{**ABAC["Statement"][0],
                                                        "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}}}]}
    teams.apply_team_policy(course, red_only)
    teams.apply_shared_statement(course, _service(course), _partner(course, layout))
    failed = _failed(lab12.check(course))
    assert set(failed) == {"blue uses its own key", "blue can do nothing more"}
    assert failed["blue uses its own key"].startswith("blue cannot Encrypt with its own blue key (AccessDeniedException)")
    assert failed["blue can do nothing more"].startswith("blue can Encrypt with the red key")


def test_a_service_statement_without_via_service_lets_it_call_kms(course, layout) -> None:
    teams.apply_team_policy(course, ABAC)
    teams.apply_shared_statement(course, _service(course, via=False), _partner(course, layout))
    failed = _failed(lab12.check(course))
    assert list(failed) == ["reporting can do nothing more"]
    assert "kms:ViaService = s3." in failed["reporting can do nothing more"]


def test_generate_data_key_alone_cannot_read_back(course, layout) -> None:
    teams.apply_team_policy(course, ABAC)
    teams.apply_shared_statement(course, _service(course, actions=("kms:GenerateDataKey",)), _partner(course, layout))
    failed = _failed(lab12.check(course))
    assert list(failed) == ["the reporting service uses the shared key through S3"]
    assert "kms:GenerateDataKey and kms:Decrypt" in failed["the reporting service uses the shared key through S3"]


def test_a_partner_allowed_more_than_encrypt_is_an_over_grant(course, layout) -> None:
    teams.apply_team_policy(course, ABAC)
    teams.apply_shared_statement(course, _service(course), _partner(course, layout, ["kms:Encrypt", "kms:Decrypt"]))
    failed = _failed(lab12.check(course))
    assert list(failed) == ["partner can do nothing more"]
    assert failed["partner can do nothing more"].startswith("the partner account can Decrypt with the shared key")


def test_without_a_second_account_the_check_says_how_to_get_one(course, layout, monkeypatch) -> None:
    """On a sandbox without KMSCOURSE_PARTNER_ROLE_ARN there is no partner: a failed item says what to set."""
    monkeypatch.setattr(teams.partners, "partner", lambda course: None)
    teams.apply_team_policy(course, ABAC)
    teams.apply_shared_statement(course, _service(course))
    failed = _failed(lab12.check(course))
    assert list(failed) == ["a partner account to check against"]
    assert "KMSCOURSE_PARTNER_ROLE_ARN" in failed["a partner account to check against"]
