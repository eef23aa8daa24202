"""Findings hold character offsets; one map per file (source.PositionMap) turns them into lines,
columns and a notebook's cells when they are reported, and the cache keeps what it needs."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from helpers import PINNED, run, settings

from claude_migrate.engine import check_file
from claude_migrate.source import PositionMap

TEXT = "ab\r\ncé\rd\n"


def test_a_map_gives_the_line_and_column_of_each_offset():
    positions = PositionMap(TEXT)
    assert [positions.position(offset) for offset in range(len(TEXT) + 1)] == [
        (None, 1, 1), (None, 1, 2), (None, 1, 3), (None, 1, 4),  # a b \r \n
        (None, 2, 1), (None, 2, 2), (None, 2, 3),  # c é \r: columns count characters
        (None, 3, 1), (None, 3, 2),  # d \n
        (None, 4, 1),  # the end of the text
    ]
    assert [positions.line_of(offset) for offset in (0, 4, 7, 9)] == [1, 2, 3, 4]
    for outside in (-1, len(TEXT) + 1):
        with pytest.raises(ValueError, match=f"offset {outside} is on no line this map knows"):
            positions.position(outside)


def test_in_a_notebook_the_line_counts_from_its_cell():
    module = "a = 1\nb = 2\n# boundary\nc = 3\n"
    left_out = "x = = 1\n"  # a cell that does not parse: after the module, whatever its number
    positions = PositionMap(module + left_out, [(2, 0), (5, module.index("c")), (3, len(module))])
    assert positions.position(module.index("b")) == (2, 2, 1)
    assert positions.position(module.index("3")) == (5, 1, 5)
    assert positions.position(len(module) + 4) == (3, 1, 5)
    assert positions.line_of(module.index("3")) == 4  # the module's line, as suppressions count them


def test_a_kept_map_knows_only_the_lines_of_its_offsets():
    kept = PositionMap(TEXT).keeping([5, 6])
    assert kept.rows() == ([(2, 4, 7)], [])
    assert kept.position(6) == (None, 2, 3)
    with pytest.raises(ValueError, match="offset 1 is on no line this map knows"):
        kept.position(1)
    assert PositionMap.from_rows(*kept.rows()).position(6) == (None, 2, 3)


@pytest.mark.parametrize(
    ("lines", "cells"),
    [
        ([(2, 4, 7), (1, 0, 4)], []),  # numbers fall
        ([(1, 0, 4), (2, 3, 7)], []),  # a line starts before the one above ends
        ([(1, 4, 4)], []),  # a line ends where it starts
        ([(0, 0, 4)], []),  # no line 0
        ([(1, 0, 4)], [(3, 1), (2, 2)]),  # cells fall
        ([(1, 0, 4)], [(1, 0)]),  # no cell 0
    ],
)
def test_rows_out_of_order_are_refused(lines, cells):
    with pytest.raises(ValueError, match="out of order"):
        PositionMap.from_rows(lines, cells)


def test_the_offset_of_a_line_and_column_as_cpython_gives_them():
    positions = PositionMap(TEXT)
    assert positions.offset(2, 2) == 5
    assert positions.offset(2, 9) == 6  # past the line's end: its last character
    assert positions.offset(9, 1) == len(TEXT)  # past the text's end: its end
    assert positions.offset(0, 0) == 0


def test_a_finding_is_immutable_and_positioned_by_its_map():
    source = b'import anthropic\nMODEL = "claude-2.1"\n'
    (finding,) = check_file(source, "a.py", settings("--select", "CM101")).findings
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]
    assert (finding.start, finding.end) == (25, 37)
    assert (finding.cell, finding.line, finding.column, finding.end_line, finding.end_column) == (None, 2, 9, 2, 21)
    assert finding.edits == ((2, 9, 2, 21, '"claude-opus-4-6"'),)
    assert finding.positions.rows() == ([(2, 17, 38)], [])  # only its own line goes to the report


REQUEST = (
    'import anthropic\nreply = client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, '
    'messages=[], thinking={"type": "enabled", "budget_tokens": 512})\n'
)


def test_a_finding_left_by_a_fix_is_positioned_where_the_fix_moved_it():
    options = settings("--select", "CM101,CM303")
    before = check_file(REQUEST.encode(), "a.py", options).findings
    assert [(f.code, f.line, f.column, f.end_column) for f in before] == [("CM101", 2, 38, 66), ("CM303", 2, 98, 148)]
    result = check_file(REQUEST.encode(), "a.py", options, fix=True)
    shorter = len('"claude-3-5-sonnet-20241022"') - len('"claude-sonnet-4-6"')
    assert [(f.code, f.line, f.column, f.end_column) for f in result.findings] == [("CM303", 2, 98 - shorter, 148 - shorter)]


def test_an_undecodable_line_is_named_whatever_the_line_endings():
    result = check_file(b'x = 1\r\ny = 2\r\nM = "claude-2.1"  # \xff\r\n', "a.py", settings())
    assert [(f.line, f.column, f.message) for f in result.findings] == [
        (3, 1, "cannot decode as utf-8: invalid start byte (byte 0xff)")
    ]


def test_a_syntax_error_at_the_end_of_a_file_without_a_last_newline():
    (finding,) = check_file(b'MODEL = "claude-2.1"\nif x:', "a.py", settings()).findings
    assert (finding.code, finding.line, finding.column) == ("CM000", 2, 6)


def _cell(source: list[str]) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


NOTEBOOK = {
    "cells": [
        _cell(["import anthropic\n"]),
        _cell(["x = = 1\n", 'M = "claude-2.1"']),  # does not parse: left out
        _cell(["\n", "client.messages.create(\n", '    model="claude-3-5-sonnet-20241022", max_tokens=1, messages=[])']),
    ],
    "metadata": {"language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_a_notebook_finding_and_its_fix_are_in_the_lines_of_their_cell():
    data = json.dumps(NOTEBOOK).encode()
    findings = check_file(data, "nb.ipynb", settings()).findings
    assert [(f.code, f.cell, f.line, f.column, f.end_line, f.end_column, f.edits) for f in findings] == [
        ("CM000", 2, 1, 5, 1, 5, ()),
        ("CM101", 3, 3, 11, 3, 39, ((3, 11, 3, 39, '"claude-sonnet-4-6"'),)),
    ]


def test_sarif_of_a_notebook_places_the_fix_in_its_cell(tmp_path):
    (tmp_path / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    _, out, _ = run("check", *PINNED, "--output-format", "sarif", "nb.ipynb", cwd=tmp_path)
    result = json.loads(out)["runs"][0]["results"][1]
    assert result["properties"] == {"cell": 3}
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 39,
    }
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 39},
            "insertedContent": {"text": '"claude-sonnet-4-6"'},
        }
    ]


def test_the_cache_keeps_offsets_and_the_lines_they_are_on_and_reports_the_same(tmp_path):
    lines = [f"x{n} = {n}\n" for n in range(200)]
    lines[150] = 'MODEL = "claude-2.1"\n'
    (tmp_path / "app.py").write_text("".join(lines))
    stale = 1_600_000_000  # older than the racy window: the next run takes the cached findings
    os.utime(tmp_path / "app.py", (stale, stale))
    args = ("check", *PINNED, "--output-format", "sarif", ".")
    first = run(*args, cwd=tmp_path)
    (cache_file,) = (tmp_path / ".claude_migrate_cache").glob("*.json")
    (entry,) = json.loads(cache_file.read_text()).values()
    start = sum(map(len, lines[:150]))
    findings, kept_lines, cells = entry[3:]
    assert [finding[4:6] for finding in findings] == [[start + 8, start + 20]]
    assert (kept_lines, cells) == ([[151, start, start + len(lines[150])]], [])
    assert run(*args, cwd=tmp_path) == first
    assert '"startLine": 151' in first[1]
