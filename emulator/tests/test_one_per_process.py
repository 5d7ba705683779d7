"""moto keeps one state per process, so kmsemu runs one emulator per process and says so instead of wiping it."""
from __future__ import annotations

import pytest

import kmsemu


def test_a_second_emulator_in_one_process_is_refused_in_one_sentence() -> None:
    """Starting another Emulator while one serves would reset the first one's users and keys: it is refused."""
    first = kmsemu.running()
    started_here = first is None
    if started_here:
        first = kmsemu.Emulator().start()
    assert first is not None
    try:
        user = first.create_user("one-per-process-probe", policy_arns=())
        with pytest.raises(kmsemu.EmulatorError, match="already runs in this process"):
            kmsemu.Emulator().start()
        from moto.iam.models import iam_backends

        assert user.access_key_id in iam_backends[user.account_id]["aws"].access_keys  # nothing was reset
        assert kmsemu.running() is first
    finally:
        if started_here:
            first.stop()
            assert kmsemu.running() is None
