"""Jupyter notebooks: check and fix the Python code cells of an ``.ipynb`` file.

The code cells are joined into one virtual module (so a model named in one cell resolves in
another), separated by boundary comment lines that no fix can touch. IPython magics and shell
escapes are masked as comments of the same length, and put back when the fixed cells are
written. The notebook is written with the JSON layout it was read in (indentation, key order,
escaping, trailing newline), and only if that layout reproduces the original file exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from claude_migrate.catalog import load
from claude_migrate.engine import FileResult, _finish, can_match, lint_text, run_fixes, unparseable
from claude_migrate.findings import Finding
from claude_migrate.settings import Settings
from claude_migrate.source import Source

BOUNDARY = "# claude-migrate: cell boundary\n"
#: A line IPython reads but Python does not: `%magic`, `!shell`, `x = !cmd`, `obj?`, `?obj`.
_MAGIC = re.compile(r"^\s*(?:[%!?]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)")


@dataclass
class Cell:
    number: int  # 1-based, counting every cell of the notebook
    index: int  # position in nb["cells"]
    text: str  # the cell's code as Python (magics masked), ending with a newline
    masked: list[tuple[str, str]]  # (masked line, original line), in order
    as_list: bool  # source stored as a list of lines (the usual form) or one string
    ends_with_newline: bool


def _mask(line: str) -> str:
    i = len(line) - len(line.lstrip())
    return line[:i] + "#" + line[i + 1:]


def _cells(nb: dict) -> list[Cell]:
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        raw = cell.get("source", "")
        text = "".join(raw) if isinstance(raw, list) else raw
        if text.lstrip().startswith("%%"):
            continue  # a cell magic: the body is not Python
        ends = text.endswith("\n")
        masked: list[tuple[str, str]] = []
        lines = (text if ends else text + "\n").splitlines(keepends=True)
        for n, line in enumerate(lines):
            if _MAGIC.match(line):
                lines[n] = _mask(line)
                masked.append((lines[n], line))
        cells.append(Cell(index + 1, index, "".join(lines), masked, isinstance(raw, list), ends))
    return cells


def _is_python(nb: dict) -> bool:
    metadata = nb.get("metadata", {})
    language = (metadata.get("language_info", {}).get("name") or metadata.get("kernelspec", {}).get("language") or "python")
    return language.lower() == "python"


def _layout(text: str, nb: dict):
    """The json.dumps arguments that reproduce ``text`` exactly, or None."""
    newline = "\n" if text.endswith("\n") else ""
    for indent in (1, 2, 4, 0, None):
        for ensure_ascii in (False, True):
            options = {"indent": indent, "ensure_ascii": ensure_ascii}
            if indent is not None:
                options["separators"] = (",", ": ")
            if json.dumps(nb, **options) + newline == text:
                return options, newline
    return None


def _restore(cell: Cell, code: str) -> str | list[str]:
    """The fixed code of a cell in its own storage form, with its magics put back."""
    lines = code.splitlines(keepends=True)
    pending = list(cell.masked)
    for n, line in enumerate(lines):
        if pending and line == pending[0][0]:
            lines[n] = pending.pop(0)[1]
    if not cell.ends_with_newline and lines and lines[-1].endswith("\n"):
        lines[-1] = lines[-1][:-1]
        if not lines[-1]:
            lines.pop()
    return lines if cell.as_list else "".join(lines)


def check_notebook(data: bytes, display: str, settings: Settings, fix: bool) -> FileResult:
    result = FileResult(display, data)
    try:
        text = data.decode("utf-8")
        nb = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _finish(result, [unparseable(f"not a readable notebook: {exc}")])
    if not isinstance(nb, dict) or not _is_python(nb) or not can_match(data, settings):
        return result
    cells = _cells(nb)
    if not cells:
        return result
    virtual = BOUNDARY.join(cell.text for cell in cells)
    catalog = load()
    outcome = run_fixes(
        virtual,
        lambda code: lint_text(Source(code, "utf-8", False), settings, catalog),
        settings.unsafe_fixes,
        fix,
    )
    result.fixed, result.error = outcome.fixed, outcome.error
    if outcome.text != virtual and result.error is None:
        parts = outcome.text.split(BOUNDARY)
        layout = _layout(text, nb)
        if len(parts) != len(cells):
            result.error = "the fixes moved a cell boundary (please report this); nothing was written"
        elif layout is None:
            result.error = "this notebook's JSON layout cannot be reproduced, so it is not rewritten; nothing was written"
        else:
            for cell, code in zip(cells, parts):
                nb["cells"][cell.index]["source"] = _restore(cell, code)
            options, newline = layout
            result.new_bytes = (json.dumps(nb, **options) + newline).encode("utf-8")
    findings, final = outcome.findings, outcome.text
    if result.error is not None and final != virtual:  # nothing is written: report the file as it is
        findings, final = lint_text(Source(virtual, "utf-8", False), settings, catalog), virtual
    if result.error is not None:
        result.fixed.clear()
    starts = _starts(final)
    return _finish(result, [_in_cell(f, cells, starts) for f in findings])


def _starts(virtual: str) -> list[int]:
    """The virtual line each cell starts on."""
    starts, line = [1], 1
    for part in virtual.split(BOUNDARY)[:-1]:
        line += part.count("\n") + 1
        starts.append(line)
    return starts


def _in_cell(finding: Finding, cells: list[Cell], starts: list[int]) -> Finding:
    """Move a finding's position from the virtual module into its cell."""
    position = max(i for i, start in enumerate(starts) if start <= max(finding.line, 1))
    offset = starts[position] - 1
    finding.cell = cells[position].number
    finding.line -= offset
    finding.end_line -= offset
    finding.edits = tuple((a - offset, b, c - offset, d, new) for a, b, c, d, new in finding.edits)
    return finding
