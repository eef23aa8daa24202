"""Every file ends as findings or as one CM000 saying why: Python's own parser judges a file
before LibCST does, and bounds on size, density and nesting keep LibCST from crashing the
process or taking gigabytes. Inputs that once crashed the process run in a subprocess."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import HANG, PINNED, positions, run

HEAD = 'import anthropic\nMODEL = "claude-2.1"\n'
GOOD_LINE = "good.py:2:9: CM101 Model 'claude-2.1' was retired on 2025-07-21; use 'claude-opus-4-6' [*]"
PYTHON_REFUSES = (
    "CM000 cannot parse: the code is nested too deeply (Python's own parser refuses it too); the file was not checked"
)
LIBCST_REFUSES = "CM000 cannot check: the code is nested too deeply for LibCST; the file was not checked"
MAX_FILE_SIZE = 2 * 1024 * 1024


def check_in_subprocess(folder: Path, source: str) -> tuple[int, list[str]]:
    """``check`` of deep.py (``source``) and good.py in one run of its own, in-process as a
    run of a few files is: the exit code and the output lines."""
    (folder / "deep.py").write_text(source)
    (folder / "good.py").write_text(HEAD)
    command = [sys.executable, "-m", "claude_migrate", "check", "--no-cache", *PINNED, "deep.py", "good.py"]
    done = subprocess.run(command, check=False, cwd=folder, capture_output=True, text=True, timeout=HANG)
    assert done.stderr == ""
    return done.returncode, done.stdout.splitlines()


def python_refuses(source: str) -> bool:
    try:
        compile(source, "deep.py", "exec", ast.PyCF_ONLY_AST)
    except (SyntaxError, RecursionError, MemoryError):
        return True
    return False


def test_a_long_unary_chain_that_crashed_libcst(tmp_path):
    code, lines = check_in_subprocess(tmp_path, HEAD + "x = " + "-" * 50_000 + "1\n")
    assert code == 1
    assert lines == [
        f"deep.py:1:1: {PYTHON_REFUSES}",
        GOOD_LINE,
        "Found 2 findings (1 fixable with `claude-migrate fix`).",
    ]


def test_a_long_operator_chain_on_short_lines_that_crashed_libcst(tmp_path):
    source = HEAD + "x = (\n" + " +\n".join(["1"] * 10_000) + "\n)\n"
    code, lines = check_in_subprocess(tmp_path, source)
    # Python 3.10 builds this tree (and the nesting bound refuses it), later versions do not.
    refusal = f"deep.py:1:1: {PYTHON_REFUSES}" if python_refuses(source) else f"deep.py:4:1: {LIBCST_REFUSES}"
    assert code == 1
    assert lines == [refusal, GOOD_LINE, "Found 2 findings (1 fixable with `claude-migrate fix`)."]


def test_an_and_chain_python_accepts_but_crashed_libcst(tmp_path):
    # Flat in Python's tree, one level per operand in LibCST's.
    code, lines = check_in_subprocess(tmp_path, HEAD + "ok = " + " and ".join(["x"] * 10_000) + "\n")
    assert code == 1
    assert lines == [
        f"deep.py:3:6: {LIBCST_REFUSES}",
        GOOD_LINE,
        "Found 2 findings (1 fixable with `claude-migrate fix`).",
    ]


def test_nesting_is_reported_where_it_starts_in_characters():
    source = HEAD + 'é = "ü" + (' + " and ".join(["x"] * 400) + ")\n"
    assert positions(source) == [("CM000", 3, 12)]


def test_nesting_within_the_bound_is_checked():
    source = HEAD + "x = " + " + ".join(["1"] * 250) + "\n"
    assert positions(source) == [("CM101", 2, 9)]


@pytest.mark.parametrize(
    "name, data, error",
    [
        ("nul.py", b'import anthropic\nSEP = "\x00"\nMODEL = "claude-2.1"\n',
         "nul.py:2:8: CM000 syntax error: source code cannot contain null bytes"),
        ("bom.py", b'\xef\xbb\xbf# -*- coding: latin-1 -*-\nimport anthropic\nMODEL = "claude-2.1"\n',
         "bom.py:1:1: CM000 encoding problem: iso-8859-1 with BOM"),
        ("parens.py", ('import anthropic\nMODEL = ' + "(" * 1000 + '"claude-2.1"' + ")" * 1000 + "\n").encode(),
         "parens.py:2:209: CM000 syntax error: too many nested parentheses"),
        ("cookie.py", b'# coding: foo\nimport anthropic\nMODEL = "claude-2.1"\n',
         "cookie.py:1:1: CM000 unknown encoding 'foo' in the coding cookie"),
    ],
    ids=["nul-in-a-string", "bom-and-latin-1-cookie", "1000-parentheses", "unknown-cookie"],
)
def test_fix_leaves_a_file_python_refuses_untouched(tmp_path, name, data, error):
    (tmp_path / name).write_bytes(data)
    code, out, _ = run("fix", "--no-cache", *PINNED, name, cwd=tmp_path)
    assert (code, out) == (1, f"{error}\nFound 1 finding (0 fixed, 1 remaining).\n")
    assert (tmp_path / name).read_bytes() == data


def generated_table(rows: int) -> str:
    table = "".join(f'    "row-{n:06d}": "{"x" * 200}",\n' for n in range(rows))
    return f'import anthropic\nTABLE = {{\n{table}}}\nMODEL = "claude-2.1"\n'


def test_a_file_over_max_file_size_is_reported_and_left_untouched(tmp_path):
    source = generated_table(25_000)
    path = tmp_path / "generated.py"
    path.write_text(source)
    size = path.stat().st_size
    assert size > MAX_FILE_SIZE
    code, out, _ = run("fix", "--no-cache", *PINNED, "generated.py", cwd=tmp_path)
    assert (code, out) == (
        1,
        (
            f"generated.py:1:1: CM000 too large: {size} bytes (max-file-size is {MAX_FILE_SIZE})\n"
            "Found 1 finding (0 fixed, 1 remaining).\n"
        ),
    )
    assert path.read_text() == source


def test_a_large_data_file_within_the_bound_is_fixed(tmp_path):
    source = generated_table(8_000)
    path = tmp_path / "generated.py"
    path.write_text(source)
    assert 1_500_000 < path.stat().st_size <= MAX_FILE_SIZE
    code, out, _ = run("fix", "--no-cache", *PINNED, "generated.py", cwd=tmp_path)
    assert (code, out) == (0, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert path.read_text() == source.replace("claude-2.1", "claude-opus-4-6")


def test_a_large_file_that_never_mentions_claude_is_no_error(tmp_path):
    (tmp_path / "tables.py").write_text("ROWS = [\n" + "    (1, 2, 3),\n" * 200_000 + "]\n")
    assert run("check", "--no-cache", *PINNED, "tables.py", cwd=tmp_path) == (0, "All checks passed!\n", "")


def test_a_huge_file_is_reported_unread(tmp_path):
    # A terabyte of zero bytes, sparse: read, it would take many minutes, and match no rule.
    path = tmp_path / "huge.py"
    path.write_bytes(b"")
    try:
        with path.open("r+b") as handle:
            handle.truncate(1 << 40)
    except OSError:
        pytest.skip("this file system has no sparse files that large")
    code, out, _ = run("check", "--no-cache", *PINNED, "huge.py", cwd=tmp_path)
    assert (code, out) == (
        1, f"huge.py:1:1: CM000 too large: {1 << 40} bytes (max-file-size is {MAX_FILE_SIZE})\nFound 1 finding.\n"
    )


def test_dense_code_within_the_size_is_bounded_by_its_tokens(tmp_path):
    # 500,013 tokens in half a megabyte: LibCST would need about 1.5 GB for it.
    (tmp_path / "dense.py").write_text(HEAD + "f(a)\n" * 100_000)
    code, out, _ = run("check", "--no-cache", *PINNED, "dense.py", cwd=tmp_path)
    assert (code, out) == (
        1, "dense.py:1:1: CM000 too large: about 500013 tokens (max-file-size 2097152 allows 419430)\nFound 1 finding.\n"
    )


def test_standard_input_over_max_file_size(tmp_path):
    data = generated_table(25_000).encode()
    code, out, _ = run("check", *PINNED, "-", input=data, cwd=tmp_path)
    assert (code, out) == (
        1, f"-:1:1: CM000 too large: {len(data)} bytes (max-file-size is {MAX_FILE_SIZE})\nFound 1 finding.\n"
    )


def test_fix_echoes_standard_input_over_max_file_size(tmp_path):
    data = generated_table(25_000).encode()
    code, out, err = run("fix", *PINNED, "-", "--stdin-filename", "x.py", input=data, cwd=tmp_path, raw=True)
    assert (code, out) == (1, data)  # an editor replaces its buffer with this: never with less
    assert err.splitlines()[0] == f"x.py:1:1: CM000 too large: {len(data)} bytes (max-file-size is {MAX_FILE_SIZE})"


def test_a_large_notebook_matches_on_tokens_its_json_escapes(tmp_path):
    code_cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                 "source": ['thinking = {"type": "adaptive"}\n']}
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR" * 600_000}}
    plot = {"cell_type": "code", "metadata": {}, "outputs": [image], "execution_count": 1, "source": ["plot()\n"]}
    notebook = {"cells": [code_cell, plot], "metadata": {"language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(notebook))
    assert b'\\"adaptive\\"' in path.read_bytes()
    code, out, _ = run("check", "--no-cache", *PINNED, "big.ipynb", cwd=tmp_path)
    size = path.stat().st_size
    assert (code, out) == (
        1, f"big.ipynb:1:1: CM000 too large: {size} bytes (max-file-size is {MAX_FILE_SIZE})\nFound 1 finding.\n"
    )


def test_max_file_size_from_the_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nmax-file-size = 40\n')
    (tmp_path / "m.py").write_text('MODEL = "claude-3-5-sonnet-20241022"  # longer than forty bytes\n')
    code, out, _ = run("check", *PINNED, "--output-format", "concise", "m.py", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0] == "m.py:1:1: CM000 too large: 64 bytes (max-file-size is 40)"


def test_a_bad_max_file_size_is_a_one_line_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nmax-file-size = "big"\n')
    (tmp_path / "m.py").write_text("x = 1\n")
    code, out, err = run("check", "m.py", cwd=tmp_path)
    assert code == 2 and out == ""
    assert err == f"error: {tmp_path / 'pyproject.toml'}: `max-file-size` must be a positive number of bytes, such as 4194304\n"
