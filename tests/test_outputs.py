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


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def test_changed_cells_names_a_changed_cell_and_skips_an_ignored_one() -> None:
    """make test compares a lesson's first run with its committed outputs: a change is named, a tagged cell is not."""
    shown = nbformat.v4.new_code_cell("print(key)", outputs=[_stream("key a1\n")])
    ignored = nbformat.v4.new_code_cell("report(course)", outputs=[_stream("12 s\n")],
                                        metadata={"tags": [outputs.IGNORE_TAG]})
    prose = nbformat.v4.new_markdown_cell("# Title")
    committed = _notebook(prose, shown, ignored)
    assert outputs.changed_cells(committed, [[], [_stream("key a1\n")], [_stream("9 s\n")]]) == []
    changed = outputs.changed_cells(committed, [[], [_stream("key b2\n")], [_stream("9 s\n")]])
    assert len(changed) == 1 and changed[0].startswith("cell 1 ('print(key)')") and "key b2" in changed[0]
