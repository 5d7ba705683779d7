"""Lab 08: schedule a key's deletion with the shortest window, then cancel it and use the key again."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from .notebook import NOT_SET, answer, is_set, quoted_number, require
from .result import CheckResult

MIN_WINDOW, MAX_WINDOW = 7, 30
"""The waiting periods ScheduleKeyDeletion accepts, in days."""


def _check_pending_error(result: CheckResult, pending_error: Any) -> None:
    """Exercise 2: the error code KMS answers when a key pending deletion is used."""
    if require(result, pending_error, "pending_error", "do Exercise 2", "a key pending deletion refuses to encrypt"):
        hint = (f"your pending_error is {pending_error!r}; catch the ClientError of kms.encrypt(...) and keep "
                "exc.response['Error']['Code'], the code KMS answered.")
        if pending_error in ("NotFoundException", "DisabledException"):
            hint = (f"KMS answers {pending_error} for a key that is gone or merely disabled; a key pending deletion still "
                    "exists and is refused for its state. Encrypt while it is PendingDeletion and keep that code.")
        result.add("a key pending deletion refuses to encrypt", pending_error == "KMSInvalidStateException", hint)


def _window_hint(window_days: Any) -> str:
    """What is wrong with the learner's window."""
    quoted = quoted_number(window_days, "window_days", "PendingWindowInDays")
    if quoted:
        return quoted
    if not isinstance(window_days, int) or not MIN_WINDOW <= window_days <= MAX_WINDOW:
        return (f"your window_days is {window_days!r}; ScheduleKeyDeletion accepts {MIN_WINDOW} to {MAX_WINDOW} days, "
                f"so KMS refused it. The lab asks for {MIN_WINDOW}, the shortest window AWS allows.")
    return f"your window_days is {window_days}; the lab asks for {MIN_WINDOW}, the shortest window AWS allows."


def _history_hint(states: list[Any]) -> str:
    """What is missing from the observed states."""
    if "PendingDeletion" not in states:
        return (f"your observed states are {states}, with no PendingDeletion; describe the key right after "
                "schedule_key_deletion and append its KeyState.")
    return (f"after PendingDeletion you observed {states[states.index('PendingDeletion') + 1:]}; cancel_key_deletion "
            "leaves the key Disabled, so describe the key after cancelling and append its KeyState.")


def check(course: Course, key_id: Any = NOT_SET, window_days: Any = NOT_SET, scheduled: Any = NOT_SET, states: Any = NOT_SET,
          pending_error: Any = NOT_SET) -> CheckResult:
    """The deletion was scheduled with 7 days, observed as PendingDeletion then Disabled, and the key is Enabled now.

    The lab's check cell, `lab08.check(course)`, reads `lab_key`, `window_days`, `scheduled`, `pending_error` and
    `states` from the notebook, and also checks what KMS answered to a use of the key pending deletion.
    """
    result = CheckResult("Lab 08")
    kms = course.client("kms")
    lab = key_id is NOT_SET
    if lab:
        key_id = getattr(answer(NOT_SET, "lab_key"), "key_id", NOT_SET)
        if not require(result, key_id, "lab_key", "run the setup cell", "the lab's key exists"):
            return result.finish()
    window_days, scheduled, states = answer(window_days, "window_days"), answer(scheduled, "scheduled"), answer(states, "states")
    if require(result, window_days, "window_days", "do Exercise 1", f"the waiting period is {MIN_WINDOW} days"):
        result.add(f"the waiting period is {MIN_WINDOW} days", window_days == MIN_WINDOW, _window_hint(window_days))
    try:
        live = kms.describe_key(KeyId=str(key_id))["KeyMetadata"]
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        result.add("the key exists", False, f"KMS says {code} for key_id {key_id!r}; use the lab's key (lab_key.key_id).")
        return result.finish()
    if not require(result, scheduled, "scheduled", "do Exercise 1", "schedule_key_deletion answered PendingDeletion"):
        return result.finish()
    if lab or is_set(pending_error):
        _check_pending_error(result, answer(pending_error, "pending_error"))
    ok = isinstance(scheduled, dict) and scheduled.get("KeyState") == "PendingDeletion"
    hint = (f"scheduled is {type(scheduled).__name__}; keep the response of schedule_key_deletion(...) in scheduled."
            if not isinstance(scheduled, dict) else
            f"scheduled says KeyState {scheduled.get('KeyState')!r}; keep the response of schedule_key_deletion(...) in scheduled.")
    if result.add("schedule_key_deletion answered PendingDeletion", ok, hint):
        same_key = scheduled.get("KeyId") in (live["KeyId"], live["Arn"])
        result.add("it scheduled this key", same_key,
                   f"scheduled names {scheduled.get('KeyId')}, but key_id is {live['Arn']}; schedule the lab's key.")
        days = scheduled.get("PendingWindowInDays")
        result.add(f"KMS scheduled it {MIN_WINDOW} days out", days == MIN_WINDOW,
                   f"KMS reports a window of {days} days; schedule with PendingWindowInDays={MIN_WINDOW}.")
    history = list(states) if isinstance(states, (list, tuple)) else []
    pending = "PendingDeletion" in history
    result.add("you observed PendingDeletion, then Disabled after cancelling",
               pending and "Disabled" in history[history.index("PendingDeletion") + 1:] if pending else False,
               _history_hint(history) if isinstance(states, (list, tuple)) else
               f"states is {type(states).__name__}; make it a list of KeyState values from describe_key.")
    state = live["KeyState"]
    hints = {
        "PendingDeletion": ("the key is still PendingDeletion; EnableKey refuses a key pending deletion "
                            "(KMSInvalidStateException), so call cancel_key_deletion first, then enable_key."),
        "Disabled": "the key is Disabled: cancelling a deletion leaves it Disabled; call enable_key to use it again.",
    }
    result.add("the key is Enabled again", state == "Enabled",
               hints.get(state, f"KMS says the key is {state}; cancel its deletion and enable it."))
    if history:
        result.add("your last observation matches KMS now", history[-1] == state,
                   f"your last observed state is {history[-1]!r} but KMS says {state!r} now; describe the key again after your last step.")
    return result.finish()
