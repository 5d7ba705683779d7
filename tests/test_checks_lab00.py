"""Lab 00's check: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest

from kmscourse.checks import lab00
from kmscourse.errors import CourseError


def test_right_answers_pass(course) -> None:
    assert lab00.check(course, course.identity_arn, course.region).passed


def test_user_id_instead_of_arn(course) -> None:
    user_id = course.client("sts").get_caller_identity()["UserId"]
    result = lab00.check(course, user_id, course.region)
    assert not result.passed
    assert result.hints() == ["that is your UserId; the ARN is in the 'Arn' field of the same response."]


def test_account_id_instead_of_arn(course) -> None:
    result = lab00.check(course, course.account_id, course.region)
    assert result.hints() == ["that is your account id; the ARN is in the 'Arn' field of the same response."]


def test_whole_response_instead_of_arn(course) -> None:
    result = lab00.check(course, {"Arn": course.identity_arn}, course.region)
    assert result.hints() == ["identity_arn is dict; take the 'Arn' field from the get_caller_identity() response."]


def test_wrong_region_names_both(course) -> None:
    result = lab00.check(course, course.identity_arn, "us-east-1")
    assert result.hints() == [
        "you have 'us-east-1', but your clients use 'us-west-2'; read it from course.region or your client's meta.region_name."
    ]


def test_strict_mode_raises_for_the_test_suite(course, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError, match="Lab 00: 2 of 3 passed"):
        lab00.check(course, course.identity_arn, "eu-west-1")


def test_result_renders_pass_fail_lines_with_hints(course) -> None:
    text = str(lab00.check(course, course.identity_arn, "us-east-1"))
    assert "PASS  identity_arn is the ARN STS reports for you" in text
    assert "FAIL  region is the region your clients use\n      hint: you have 'us-east-1'" in text
    assert "❌" in lab00.check(course, course.identity_arn, "us-east-1")._repr_html_()


def test_nothing_set_yet_names_the_exercise(course) -> None:
    """The lab's check cell, `lab00.check(course)`, run before the exercise: no NameError, and a step to do."""
    assert lab00.check(course).hints() == [
        "identity_arn is not defined yet: do Exercise 1 first (its cell defines identity_arn).",
        "region is not defined yet: do Exercise 1 first (its cell defines region).",
    ]
