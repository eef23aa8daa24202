"""Jupyter notebooks through the real CLI: cell positions, magics left alone, and a fixed
notebook that differs from the original only in the edited source lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import PINNED, run

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


def test_a_layout_that_cannot_be_reproduced_is_reported_and_not_written(project):
    path = project / "nb.ipynb"
    original = dump(notebook()).replace(b'"nbformat": 4', b'"nbformat":    4')
    path.write_bytes(original)
    code, out, err = run("fix", *PINNED, "nb.ipynb", cwd=project)
    assert code == 1
    assert err == (
        "error: nb.ipynb: this notebook's JSON layout cannot be reproduced, so it is not rewritten; "
        "nothing was written\n"
    )
    assert path.read_bytes() == original


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
