"""Fixes are edits to the original bytes: everything outside them stays byte-identical."""

from __future__ import annotations

import ast

import pytest

from claude_migrate.engine import check_file
from helpers import settings

OLD, NEW = b"claude-3-5-sonnet-20241022", b"claude-sonnet-4-6"


def fix_bytes(data: bytes, *args: str) -> bytes:
    result = check_file(data, "f.py", settings(*args), fix=True)
    assert result.error is None, result.error
    return result.new_bytes if result.changed else data


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbfimport anthropic\r\nM = "claude-3-5-sonnet-20241022"\r\n',  # BOM + CRLF
        b'import anthropic\rM = "claude-3-5-sonnet-20241022"\rx = 1\r',  # CR only
        b'import anthropic\nM = "claude-3-5-sonnet-20241022"\r\ny = 2\rz = 3\n',  # mixed
        b'class A:\n\tdef f(self):\n\t\treturn "claude-3-5-sonnet-20241022"\t# tab\n',
        b'M = "claude-3-5-sonnet-20241022"',  # no trailing newline
        b'try:\n    pass\nexcept ValueError :\n    pass\nM = "claude-3-5-sonnet-20241022"\nx = [1,2 ,3]  ;  y = (  4 )\n',
    ],
)
def test_only_the_model_id_changes(data):
    out = fix_bytes(data)
    assert out == data.replace(OLD, NEW)
    assert fix_bytes(out) == out


def test_latin1_cookie_is_checked_and_fixed_in_its_own_encoding():
    data = '# -*- coding: latin-1 -*-\nGREETING = "café"\nM = "claude-3-5-sonnet-20241022"\n'.encode("latin-1")
    result = check_file(data, "f.py", settings())
    assert [(f.code, f.line, f.column) for f in result.findings] == [("CM101", 3, 5)]
    assert fix_bytes(data) == data.replace(OLD, NEW)


def test_positions_count_characters_not_bytes():
    data = 'GREETING = "héllo wörld"; M = "claude-3-5-sonnet-20241022"\n'.encode()
    [finding] = check_file(data, "f.py", settings()).findings
    assert (finding.line, finding.column, finding.end_column) == (1, 31, 59)
    assert fix_bytes(data) == data.replace(OLD, NEW)


def test_positions_after_libcst_codegen_drift():
    """LibCST regenerates `except X :` without the space; spans must still land on the source."""
    data = b'try:\n    pass\nexcept ValueError :\n    M = "claude-3-5-sonnet-20241022"\n'
    [finding] = check_file(data, "f.py", settings()).findings
    assert (finding.line, finding.column) == (4, 9)


def test_empty_and_unrelated_files_are_untouched():
    assert check_file(b"", "f.py", settings()).findings == []
    assert fix_bytes(b"") == b""
    assert fix_bytes(b"x = 1\n") == b"x = 1\n"


def test_fixes_of_several_rules_compose_in_one_run():
    data = b"""import anthropic
client = anthropic.Anthropic()
MODEL = "claude-3-7-sonnet-20250219"
r = client.beta.messages.create(
    model=MODEL,
    max_tokens=16000,
    thinking={"type": "enabled", "budget_tokens": 8000},
    betas=["interleaved-thinking-2025-05-14", "output-128k-2025-02-19", "files-api-2025-04-14"],
    extra_headers={"anthropic-beta": "token-efficient-tools-2025-02-19, output-128k-2025-02-19", "x-trace": "1"},
    messages=[],
)
"""
    out = fix_bytes(data)
    assert out == b"""import anthropic
client = anthropic.Anthropic()
MODEL = "claude-sonnet-4-6"
r = client.beta.messages.create(
    model=MODEL,
    max_tokens=16000,
    thinking={"type": "adaptive"},
    betas=["files-api-2025-04-14"],
    extra_headers={"x-trace": "1"},
    messages=[],
)
"""
    assert fix_bytes(out) == out
    ast.parse(out)


def test_removing_a_flag_next_to_a_comment_is_unsafe():
    data = b"""import anthropic
anthropic.Anthropic().beta.messages.create(
    model="claude-sonnet-4-6",
    betas=[
        "output-128k-2025-02-19",  # keep for the old deployment
        "files-api-2025-04-14",
    ],
    messages=[],
)
"""
    [finding] = check_file(data, "f.py", settings()).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix_bytes(data) == data


def test_libcst_dropping_footer_comment_lines_does_not_shift_positions():
    """LibCST 1.x regenerates `x\n\n #\n #0` as `x\n #0`; found by hypothesmith."""
    data = b'import anthropic\n\n #\n #0\nM = "claude-3-5-sonnet-20241022"\n #a\n\n #b'
    [finding] = check_file(data, "f.py", settings()).findings
    assert (finding.line, finding.column) == (5, 5)
    assert fix_bytes(data) == data.replace(OLD, NEW)
