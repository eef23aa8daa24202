"""Jupyter notebooks through the real CLI: cell positions, magics left alone, and a fixed
notebook that differs from the original only in the edited source lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import PINNED, run, settings
from hypothesis import given
from hypothesis import strategies as st

import claude_migrate.notebook as notebook_module
from claude_migrate.engine import check_file, lint_text, unparseable

OLD_ID = "claude-3-5-sonnet-20241022"
NEW_ID = "claude-sonnet-4-6"


def notebook(language: str = "python") -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [f"Uses `{OLD_ID}`.\n"]},
            {
                "cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
                "source": ["%pip install anthropic\n", "!ls\n", "import anthropic\n", "files = !ls"],
            },
            {
                "cell_type": "code", "execution_count": 2, "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"model: {OLD_ID}\n"]}],
                "source": [
                    "client = anthropic.Anthropic()\n",
                    "reply = client.messages.create(\n",
                    "    max_tokens=1024,\n",
                    f'    model="{OLD_ID}",\n',
                    "    messages=[{\"role\": \"user\", \"content\": \"Hi ✓\"}],\n",
                    ")\n",
                    "reply?",
                ],
            },
            {
                "cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
                "source": ["%%bash\n", f"echo {OLD_ID}\n", f'echo "{OLD_ID}"'],
            },
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": f'OTHER = "{OLD_ID}"'},
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dump(nb: dict, indent: int = 1, newline: str = "\n") -> bytes:
    return (json.dumps(nb, indent=indent, ensure_ascii=False) + newline).encode()


def fixed_notebook() -> dict:
    nb = notebook()
    nb["cells"][2]["source"][3] = f'    model="{NEW_ID}",\n'
    nb["cells"][4]["source"] = f'OTHER = "{NEW_ID}"'
    return nb


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "nb.ipynb").write_bytes(dump(notebook()))
    return tmp_path


MESSAGE = f"Model '{OLD_ID}' was retired on 2025-10-28; use '{NEW_ID}'"


def test_findings_carry_the_cell_and_the_line_in_it(project):
    code, out, _ = run("check", *PINNED, ".", cwd=project)
    assert code == 1
    assert out.splitlines() == [
        f"nb.ipynb:cell 3:4:11: CM101 {MESSAGE} [*]",
        f"nb.ipynb:cell 5:1:9: CM101 {MESSAGE} [*]",
        "Found 2 findings (2 fixable with `claude-migrate fix`).",
    ]


def test_json_has_the_cell(project):
    _, out, _ = run("check", *PINNED, "--output-format", "json", "nb.ipynb", cwd=project)
    rows = json.loads(out)
    assert [(r["cell"], r["line"], r["column"], r["end_column"]) for r in rows] == [(3, 4, 11, 39), (5, 1, 9, 37)]


@pytest.mark.parametrize(("indent", "newline"), [(1, "\n"), (2, ""), (4, "\n")])
def test_fix_changes_only_the_edited_source_lines(project, indent, newline):
    path = project / "nb.ipynb"
    path.write_bytes(dump(notebook(), indent, newline))
    code, out, _ = run("fix", *PINNED, "nb.ipynb", cwd=project)
    assert (code, out) == (0, "Found 2 findings (2 fixed, 0 remaining).\n")
    assert path.read_bytes() == dump(fixed_notebook(), indent, newline)
    # Magics, the %%bash cell, markdown and outputs keep the old ID; a second fix changes nothing.
    assert run("fix", *PINNED, "nb.ipynb", cwd=project)[:2] == (0, "All checks passed!\n")
    assert path.read_bytes() == dump(fixed_notebook(), indent, newline)


def test_fix_diff_of_a_notebook_shows_the_json_lines(project):
    code, out, _ = run("fix", *PINNED, "--diff", "nb.ipynb", cwd=project)
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith(("-", "+"))] == [
        "--- a/nb.ipynb",
        "+++ b/nb.ipynb",
        f'-    "    model=\\"{OLD_ID}\\",\\n",',
        f'+    "    model=\\"{NEW_ID}\\",\\n",',
        f'-   "source": "OTHER = \\"{OLD_ID}\\""',
        f'+   "source": "OTHER = \\"{NEW_ID}\\""',
    ]


def test_any_json_layout_is_kept_byte_for_byte(project):
    """Once a notebook whose layout json.dumps could not reproduce was refused; the sources are
    now edited in place, so such a notebook is fixed and keeps its layout."""
    path = project / "nb.ipynb"
    path.write_bytes(dump(notebook()).replace(b'"nbformat": 4', b'"nbformat":    4'))
    assert run("fix", *PINNED, "nb.ipynb", cwd=project)[:3] == (0, "Found 2 findings (2 fixed, 0 remaining).\n", "")
    assert path.read_bytes() == dump(fixed_notebook()).replace(b'"nbformat": 4', b'"nbformat":    4')


def test_notebooks_of_other_languages_are_skipped(project):
    (project / "nb.ipynb").write_bytes(dump(notebook("R")))
    assert run("check", *PINNED, ".", cwd=project)[:2] == (0, "All checks passed!\n")


def test_a_broken_notebook_is_cm000(project):
    (project / "nb.ipynb").write_text('{"cells": [')
    code, out, _ = run("check", *PINNED, "nb.ipynb", cwd=project)
    assert code == 1
    assert out.startswith("nb.ipynb:1:1: CM000 not a readable notebook: Expecting value")


def test_a_name_bound_in_one_cell_resolves_in_another(project):
    nb = notebook()
    nb["cells"][4]["source"] = [
        f'MODEL = "{NEW_ID}"\n',
        "client.messages.create(model=MODEL, max_tokens=1024, messages=[],\n",
        '    thinking={"type": "enabled", "budget_tokens": 2048})',
    ]
    (project / "nb.ipynb").write_bytes(dump(nb))
    _, out, _ = run("check", *PINNED, "--select", "CM301", "nb.ipynb", cwd=project)
    assert out.splitlines()[0].startswith("nb.ipynb:cell 5:3:5: CM301 Manual thinking with budget_tokens")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"cells": "claude"}', "'cells' is not a list of objects"),
        ('{"cells": [{"cell_type": "code", "source": ["x", null]}], "m": "claude"}',
         "a cell's source is neither a string nor a list of strings"),
        ('{"cells": [], "metadata": ["claude"]}', "'metadata' is not an object"),
        ('{"worksheets": [{"cells": [{"input": "m = \\"claude-2.1\\""}]}], "nbformat": 3}',
         "no 'cells' (nbformat 3 and older are not supported)"),
    ],
)
def test_malformed_notebooks_are_cm000_and_the_run_goes_on(project, content, message):
    (project / "bad.ipynb").write_text(content)
    code, out, _ = run("check", *PINNED, ".", cwd=project)
    assert code == 1
    assert out.splitlines()[0] == f"bad.ipynb:1:1: CM000 not a readable notebook: {message}"
    assert out.splitlines()[1].startswith("nb.ipynb:cell 3:4:11: CM101")


def test_shell_escapes_in_blocks_and_continued_lines_do_not_stop_the_cell(project):
    nb = notebook()
    nb["cells"][1]["source"] = [
        "!pip install -qU \\\n", "    anthropic \\\n", "    langchain\n",
        "import os\n", "if not os.path.exists('/tmp/x'):\n", "    !git clone https://example.com/x /tmp/x\n",
        f'MODEL = "{OLD_ID}"',
    ]
    (project / "nb.ipynb").write_bytes(dump(nb))
    _, out, _ = run("check", *PINNED, "nb.ipynb", cwd=project)
    assert out.splitlines()[0] == f"nb.ipynb:cell 2:7:9: CM101 {MESSAGE} [*]"
    run("fix", *PINNED, "nb.ipynb", cwd=project)
    fixed = json.loads((project / "nb.ipynb").read_text())
    assert fixed["cells"][1]["source"] == [*nb["cells"][1]["source"][:-1], f'MODEL = "{NEW_ID}"']


def test_a_cell_with_a_syntax_error_is_reported_and_the_other_cells_are_fixed(project):
    nb = notebook()
    nb["cells"][1]["source"] = ["x = = 1\n", f'M = "{OLD_ID}"']
    path = project / "nb.ipynb"
    path.write_bytes(dump(nb))
    code, out, _ = run("fix", *PINNED, "nb.ipynb", cwd=project)
    assert code == 1
    assert out.splitlines()[0] == "nb.ipynb:cell 2:1:5: CM000 syntax error: invalid syntax"
    expected = fixed_notebook()
    expected["cells"][1]["source"] = nb["cells"][1]["source"]  # the broken cell is left as it was
    assert path.read_bytes() == dump(expected)


def test_a_crlf_notebook_is_fixed_and_keeps_crlf(project):
    path = project / "nb.ipynb"
    path.write_bytes(dump(notebook()).replace(b"\n", b"\r\n"))
    assert run("fix", *PINNED, "nb.ipynb", cwd=project)[0] == 0
    assert path.read_bytes() == dump(fixed_notebook()).replace(b"\n", b"\r\n")


def test_the_prefilter_reads_the_cells_not_the_escaped_json(tmp_path):
    """In the notebook's JSON the quotes of '"adaptive"' are escaped; the cells' code has them."""
    nb = notebook()
    nb["cells"] = [{
        "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
        "source": ["client.messages.create(model=MODEL, max_tokens=64, thinking={\"type\": \"adaptive\"}, messages=[])"],
    }]
    (tmp_path / "nb.ipynb").write_bytes(dump(nb))
    code, out, _ = run("check", "--today", "2026-11-24", "--target", "4.5", "--no-cache", "nb.ipynb", cwd=tmp_path)
    assert code == 1 and "nb.ipynb:cell 1:1:52: CM302" in out


# Cells are checked independently of how they are joined.


def code_cells(*sources) -> dict:
    nb = notebook()
    nb["cells"] = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
        for source in sources
    ]
    return nb


def fix_twice(project: Path, expected: bytes, *args: str) -> None:
    """``fix`` writes ``expected`` exactly; a second ``fix`` changes nothing."""
    path = project / "nb.ipynb"
    assert run("fix", *PINNED, *args, "nb.ipynb", cwd=project)[0] == 0
    assert path.read_bytes() == expected
    assert run("fix", *PINNED, *args, "nb.ipynb", cwd=project)[:2] == (0, "All checks passed!\n")
    assert path.read_bytes() == expected


@pytest.mark.parametrize("line", ["# claude-migrate: cell boundary\n", "# claude-migrate: cell boundary 0\n"])
def test_a_cell_holding_the_text_of_a_cell_boundary_is_checked_and_fixed(project, line):
    """Cells were joined with a comment line a user could type too; the fixed module then split
    into too many cells (an internal error). The boundary is now a line no cell holds."""
    nb = code_cells(["x = 1\n", line, f'M = "{OLD_ID}"'], [f'N = "{OLD_ID}"  {line}'])
    (project / "nb.ipynb").write_bytes(dump(nb))
    assert run("check", *PINNED, "nb.ipynb", cwd=project)[1].splitlines() == [
        f"nb.ipynb:cell 1:3:5: CM101 {MESSAGE} [*]",
        f"nb.ipynb:cell 2:1:5: CM101 {MESSAGE} [*]",
        "Found 2 findings (2 fixable with `claude-migrate fix`).",
    ]
    fixed = code_cells(["x = 1\n", line, f'M = "{NEW_ID}"'], [f'N = "{NEW_ID}"  {line}'])
    fix_twice(project, dump(fixed))


def test_a_string_left_open_in_a_cell_does_not_swallow_the_next_cell(project):
    """Joined, cell 1's open string would end in cell 3 and hide cell 2's code; each cell is
    parsed alone, as IPython runs it."""
    nb = code_cells(['s = """\n'], [f'M = "{OLD_ID}"\n'], ['t = """'])
    path = project / "nb.ipynb"
    path.write_bytes(dump(nb))
    code, out, _ = run("fix", *PINNED, "nb.ipynb", cwd=project)
    assert (code, out.splitlines()) == (1, [
        "nb.ipynb:cell 1:1:5: CM000 syntax error: unterminated triple-quoted string literal (detected at line 1)",
        "nb.ipynb:cell 3:1:5: CM000 syntax error: unterminated triple-quoted string literal (detected at line 1)",
        "Found 3 findings (1 fixed, 2 remaining).",
    ])
    assert path.read_bytes() == dump(code_cells(['s = """\n'], [f'M = "{NEW_ID}"\n'], ['t = """']))


def test_a_cell_libcst_cannot_parse_is_cm000_and_the_others_are_checked(project, monkeypatch):
    """A cell CPython compiles but LibCST refuses is found alone, not reported as the module's."""
    def refusing(source, *args):
        if "REFUSED" in source.text:
            return [unparseable("valid Python that LibCST cannot parse; the file was not checked")]
        return lint_text(source, *args)

    monkeypatch.setattr(notebook_module, "lint_text", refusing)
    data = dump(code_cells(["x = 1\n"], ["\n", "REFUSED = 1"], [f'M = "{OLD_ID}"']))
    result = check_file(data, "nb.ipynb", settings(), fix=True)
    assert [(f.cell, f.line, f.column, f.code) for f in result.findings] == [(2, 1, 1, "CM000")]
    assert result.new_bytes == dump(code_cells(["x = 1\n"], ["\n", "REFUSED = 1"], [f'M = "{NEW_ID}"']))


def test_automagic_package_commands_are_skipped_and_kept(project):
    """IPython runs a bare `pip install x` (also conda, mamba, micromamba, uv) as its magic."""
    cells = [
        ["pip install -q anthropic"],
        ["conda install -y numpy\n", "uv pip install \\\n", "    requests\n", "pip = 3\n", f'M = "{OLD_ID}"'],
        ["pip install anthropic\n", "install anthropic\n"],
    ]
    path = project / "nb.ipynb"
    path.write_bytes(dump(code_cells(*cells)))
    code, out, _ = run("fix", *PINNED, "nb.ipynb", cwd=project)
    assert (code, out.splitlines()) == (1, [
        "nb.ipynb:cell 3:2:9: CM000 syntax error: invalid syntax",
        "Found 2 findings (1 fixed, 1 remaining).",
    ])
    cells[1][-1] = f'M = "{NEW_ID}"'
    assert path.read_bytes() == dump(code_cells(*cells))


# The JSON text is edited in place: every byte outside an edited source line is kept.


def mixed_newlines(data: bytes) -> bytes:
    """Every other line ends with CRLF, as after an editor that keeps each line's own ending."""
    *lines, last = data.split(b"\n")
    return b"".join(line + (b"\r\n" if n % 2 else b"\n") for n, line in enumerate(lines)) + last


def test_mixed_line_endings_of_the_json_are_kept(project):
    (project / "nb.ipynb").write_bytes(mixed_newlines(dump(notebook())))
    fix_twice(project, mixed_newlines(dump(fixed_notebook())))


def test_elements_with_line_breaks_python_does_not_split_at_are_kept(project):
    """str.splitlines breaks at \\f, \\x1c and \\u2028; the notebook format breaks at \\n only."""
    sources = ["# page\fbreak\n", "s = 'a\u2028b'  # \x1c\n", f'M = "{OLD_ID}"  # \f\x1c\u2028\n', "t = 1"]
    (project / "nb.ipynb").write_bytes(dump(code_cells(sources)))
    sources[2] = f'M = "{NEW_ID}"  # \f\x1c\u2028\n'
    fix_twice(project, dump(code_cells(sources)))


LAYOUTS = {
    "minified": {"separators": (",", ":")},
    "indent 1, ASCII escapes": {"indent": 1, "ensure_ascii": True},
    "one line": {"ensure_ascii": False},
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_other_json_layouts_are_kept_and_edited_lines_keep_their_escaping(project, layout):
    def with_non_ascii(nb: dict) -> dict:
        model = nb["cells"][4]["source"].split('"')[1]
        nb["cells"][4]["source"] = f'x = "é"\nOTHER = "{model}"  # ✓ 😀\ny = 1'
        return nb

    (project / "nb.ipynb").write_bytes(json.dumps(with_non_ascii(notebook()), **layout).encode())
    fix_twice(project, json.dumps(with_non_ascii(fixed_notebook()), **layout).encode())


def test_a_hand_written_layout_and_its_escapes_are_kept(project):
    """A string source and a list with odd spacing: `\\/`, `\\u0041`, a surrogate pair, CRLF
    inside a source, an element split mid-line. Only the model IDs change."""
    original = (
        '{"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,\n'
        '  "source":"import os  # \\/tmp \\u0041 \\ud83d\\ude00 \\u00e9\\r\\nM = \\"OLD\\"\\nN = 1"},\n'
        ' {"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":[ "# \\/\\n" ,"X = ",'
        '"\\"OLD\\"\\n",\n\t"Y = 2"]}],\n'
        '"metadata":{"language_info":{"name":"python"}},"nbformat":4,"nbformat_minor":5}\r\n'
    ).replace("OLD", OLD_ID)
    path = project / "nb.ipynb"
    path.write_text(original, newline="")
    assert run("check", *PINNED, "nb.ipynb", cwd=project)[1].splitlines()[:2] == [
        f"nb.ipynb:cell 1:2:5: CM101 {MESSAGE} [*]",
        f"nb.ipynb:cell 2:2:5: CM101 {MESSAGE} [*]",
    ]
    # The line "X = "OLD"" is two elements: edited, it becomes one element, as nbformat writes a line.
    expected = original.replace(OLD_ID, NEW_ID).replace('"X = ","\\"', '"X = \\"')
    fix_twice(project, expected.encode())


def test_fixes_that_add_or_remove_lines_write_one_line_an_element(project):
    head = ["import anthropic\n", "client = anthropic.Anthropic()\n"]
    chain = [
        'reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])\n',
        'if reply.stop_reason == "end_turn":\n', "    print(1)\n",
        'elif reply.stop_reason == "max_tokens":\n', "    print(2)",
    ]
    beta = [
        "reply = client.beta.messages.create(\n", '    model="claude-sonnet-4-6",\n', "    max_tokens=10,\n",
        "    messages=[],\n", '    betas=["token-efficient-tools-2025-02-19"],\n', ")\n",
    ]
    (project / "nb.ipynb").write_bytes(dump(code_cells(head, chain, "".join(chain), beta)))
    refusal = [
        'if reply.stop_reason == "refusal":\n',
        "    raise RuntimeError(\"Claude refused the request (stop_reason='refusal')\")\n",
        'elif reply.stop_reason == "end_turn":\n',
    ]
    chain[1:2] = refusal
    del beta[4]
    fix_twice(project, dump(code_cells(head, chain, "".join(chain), beta)), "--unsafe-fixes")


def test_a_notebook_nested_too_deeply_is_cm000(project):
    (project / "deep.ipynb").write_text('{"cells": ' + "[" * 100_000)
    code, out, _ = run("check", *PINNED, "deep.ipynb", cwd=project)
    assert (code, out.splitlines()[0]) == (
        1, "deep.ipynb:1:1: CM000 not a readable notebook: the JSON is nested too deeply",
    )


def test_edits_that_do_not_read_back_as_intended_are_not_written(monkeypatch):
    # A bug that forgets to escape: the edited lines hold quotes.
    monkeypatch.setattr(notebook_module, "_encode", lambda value, ensure_ascii: f'"{value}"')
    result = check_file(dump(notebook()), "nb.ipynb", settings(), fix=True)
    assert (result.new_bytes, result.error) == (
        None, "the edited notebook does not read back as intended (please report this); nothing was written",
    )
    assert [(f.cell, f.line, f.code, f.fixable(False)) for f in result.findings] == [
        (3, 4, "CM101", True), (5, 1, "CM101", True),
    ]


#: Comment text: any character but the line breaks Python knows and NUL (which it refuses).
comments = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=8)


@given(
    st.lists(comments, max_size=3),
    st.lists(comments, max_size=3),
    st.booleans(),
    st.sampled_from([{"indent": 1}, {"indent": 2}, {"indent": None}, {"separators": (",", ":")}]),
    st.booleans(),
)
def test_any_text_around_an_edited_line_and_any_layout_are_kept(before, after, as_list, layout, ensure_ascii):
    def cell(model: str) -> dict:
        lines = [*(f"# {c}\n" for c in before), f'M = "{model}"  # {"".join(before)}\n', *(f"# {c}\n" for c in after)]
        return code_cells(lines if as_list else "".join(lines))

    def dumped(model: str) -> bytes:
        return json.dumps(cell(model), ensure_ascii=ensure_ascii, **layout).encode()

    result = check_file(dumped(OLD_ID), "nb.ipynb", settings(), fix=True)
    assert (result.error, result.new_bytes) == (None, dumped(NEW_ID))
