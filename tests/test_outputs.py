"""`make outputs` keeps a cell's committed outputs unless what nbval compares has changed."""
from __future__ import annotations

import nbformat

from kmscourse import outputs


def _stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_split_streams_and_timestamps_compare_equal() -> None:
    rules = outputs._sanitizers()
    committed = [_stream("deletion date: 2026-12-05T12:44:29.846619+00:00\nkey a1\n")]
    rerun = [_stream("deletion date: 2026-12-06T09:01:02.000001+00:00\n"), _stream("key a1\n")]
    assert outputs.comparable(committed, rules) == outputs.comparable(rerun, rules)


def test_epoch_fields_in_cli_json_compare_equal() -> None:
    rules = outputs._sanitizers()
    committed = [_stream('    "NextRotationDate": 1811421864.210762\r\n')]
    rerun = [_stream('    "NextRotationDate": 1811423208.593054\r\n')]
    assert outputs.comparable(committed, rules) == outputs.comparable(rerun, rules)


def test_a_changed_value_is_a_change() -> None:
    rules = outputs._sanitizers()
    assert outputs.comparable([_stream("key a1\n")], rules) != outputs.comparable([_stream("key b2\n")], rules)
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "True"}, execution_count=3)
    other = nbformat.v4.new_output("execute_result", data={"text/plain": "False"}, execution_count=3)
    assert outputs.comparable([result], rules) != outputs.comparable([other], rules)
