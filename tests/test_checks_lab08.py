"""Lab 08's check: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from kmscourse.checks import lab08
from kmscourse.demo_keys import ensure_key
from kmscourse.errors import CourseError


def _state(course, key_id: str) -> str:
    return course.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]


def _run(course, name: str, window: int = 7, cancel: bool = True, enable: bool = True):
    """The lab's steps, stopping where a learner might stop; returns key id, response and observed states."""
    kms = course.client("kms")
    key_id = ensure_key(course, f"test08-{name}", "lab 08 test").key_id
    states = [_state(course, key_id)]
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=window)
    states.append(_state(course, key_id))
    if cancel:
        kms.cancel_key_deletion(KeyId=key_id)
        states.append(_state(course, key_id))
    if enable:
        kms.enable_key(KeyId=key_id)
        states.append(_state(course, key_id))
    return key_id, scheduled, states


def test_right_answers_pass(course) -> None:
    key_id, scheduled, states = _run(course, "ok")
    assert states == ["Enabled", "PendingDeletion", "Disabled", "Enabled"]
    result = lab08.check(course, key_id, 7, scheduled, states)
    assert result.passed, str(result)


def test_window_under_seven_days(course) -> None:
    key_id = ensure_key(course, "test08-short", "lab 08 test").key_id
    with pytest.raises(ClientError, match="ValidationException"):
        course.client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays=5)
    result = lab08.check(course, key_id, 5, None, ["Enabled"])
    assert result.hints()[:2] == [
        "your window_days is 5; ScheduleKeyDeletion accepts 7 to 30 days, so KMS refused it. The lab asks for 7, "
        "the shortest window AWS allows.",
        "scheduled is NoneType; keep the response of schedule_key_deletion(...) in scheduled.",
    ]


def test_a_quoted_window_is_named_as_a_string(course) -> None:
    """"7" is in KMS's range, but boto3 refuses the string before KMS sees it: the hint says so, not "KMS refused"."""
    from botocore.exceptions import ParamValidationError

    key_id = ensure_key(course, "test08-quoted", "lab 08 test").key_id
    with pytest.raises(ParamValidationError):
        course.client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays="7")
    result = lab08.check(course, key_id, "7", None, ["Enabled"])
    assert result.hints()[0] == (
        "your window_days is the string '7'; PendingWindowInDays takes a number, so boto3 refused the call before it "
        "reached KMS (ParamValidationError). Write it without quotes, as an int.")


def test_longer_window_than_asked(course) -> None:
    key_id, scheduled, states = _run(course, "long", window=30)
    assert lab08.check(course, key_id, 30, scheduled, states).hints() == [
        "your window_days is 30; the lab asks for 7, the shortest window AWS allows.",
        "KMS reports a window of 30 days; schedule with PendingWindowInDays=7.",
    ]


def test_enable_instead_of_cancel(course) -> None:
    key_id, scheduled, states = _run(course, "enable-pending", cancel=False, enable=False)
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        course.client("kms").enable_key(KeyId=key_id)
    hints = lab08.check(course, key_id, 7, scheduled, states).hints()
    assert hints == [
        "after PendingDeletion you observed []; cancel_key_deletion leaves the key Disabled, so describe the key after "
        "cancelling and append its KeyState.",
        "the key is still PendingDeletion; EnableKey refuses a key pending deletion (KMSInvalidStateException), so call "
        "cancel_key_deletion first, then enable_key.",
    ]


def test_cancelled_but_not_enabled(course) -> None:
    key_id, scheduled, states = _run(course, "disabled", enable=False)
    assert lab08.check(course, key_id, 7, scheduled, states).hints() == [
        "the key is Disabled: cancelling a deletion leaves it Disabled; call enable_key to use it again."
    ]


def test_states_not_observed(course) -> None:
    key_id, scheduled, _ = _run(course, "unobserved")
    assert lab08.check(course, key_id, 7, scheduled, ["Enabled"]).hints() == [
        "your observed states are ['Enabled'], with no PendingDeletion; describe the key right after "
        "schedule_key_deletion and append its KeyState."
    ]


def test_stale_last_observation(course) -> None:
    key_id, scheduled, states = _run(course, "stale")
    assert lab08.check(course, key_id, 7, scheduled, states[:-1]).hints() == [
        "your last observed state is 'Disabled' but KMS says 'Enabled' now; describe the key again after your last step."
    ]


def test_response_of_another_key(course) -> None:
    key_id, _, states = _run(course, "mine")
    _, other, _ = _run(course, "other")
    hints = lab08.check(course, key_id, 7, other, states).hints()
    assert len(hints) == 1 and hints[0].startswith(f"scheduled names {other['KeyId']}, but key_id is")


def test_unknown_key(course) -> None:
    result = lab08.check(course, "1234abcd-12ab-34cd-56ef-1234567890ab", 7, None, [])
    assert result.hints()[-1].startswith("KMS says NotFoundException for key_id")


def test_strict_mode_raises(course, monkeypatch) -> None:
    key_id, scheduled, states = _run(course, "strict", enable=False)
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError, match="Lab 08"):
        lab08.check(course, key_id, 7, scheduled, states)


def test_a_three_day_window_gets_the_seven_to_thirty_hint(course) -> None:
    """window_days = 3 makes the exercise cell raise before `scheduled` exists; the check still explains the window."""
    key_id = ensure_key(course, "test08-three", "lab 08 test").key_id
    with pytest.raises(ClientError, match="ValidationException"):
        course.client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays=3)
    assert lab08.check(course, key_id, 3).hints() == [
        "your window_days is 3; ScheduleKeyDeletion accepts 7 to 30 days, so KMS refused it. The lab asks for 7, the "
        "shortest window AWS allows.",
        "scheduled is not defined yet: do Exercise 1 first (its cell defines scheduled).",
    ]


def test_the_error_of_a_key_pending_deletion(course) -> None:
    key_id, scheduled, states = _run(course, "pending-error")
    assert lab08.check(course, key_id, 7, scheduled, states, "KMSInvalidStateException").passed
    assert lab08.check(course, key_id, 7, scheduled, states, "DisabledException").hints() == [
        "KMS answers DisabledException for a key that is gone or merely disabled; a key pending deletion still exists "
        "and is refused for its state. Encrypt while it is PendingDeletion and keep that code."
    ]


def test_nothing_defined_yet_names_the_steps(course) -> None:
    """The lab's check cell, `lab08.check(course)`, run before anything: no NameError, and the step to do."""
    assert lab08.check(course).hints() == ["lab_key is not defined yet: run the setup cell first (its cell defines lab_key)."]
