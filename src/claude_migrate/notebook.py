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
from claude_migrate.engine import can_match, finish_result, lint_text, parse_quietly, run_fixes, unparseable
from claude_migrate.findings import FileResult
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
    frozen: bool = False  # a cell that does not parse: checked as blank, never rewritten


class NotANotebook(ValueError):
    pass


def _mask(lines: list[str]) -> list[tuple[int, str]]:
    """(index, masked line) for each IPython-only line. A magic becomes ``pass`` (so it may be
    the only statement of a block), its backslash-continued lines become comments."""
    masked, continued = [], False
    for n, line in enumerate(lines):
        if continued:
            masked.append((n, "#" + line))
        elif _MAGIC.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            masked.append((n, f"{indent}pass  #{line[len(indent):]}"))
        else:
            continue
        continued = line.rstrip("\r\n").endswith("\\")
    return masked


def _source(cell: dict) -> tuple[str, bool]:
    raw = cell.get("source", "")
    if isinstance(raw, str):
        return raw, False
    if isinstance(raw, list) and all(isinstance(line, str) for line in raw):
        return "".join(raw), True
    raise NotANotebook("a cell's source is neither a string nor a list of strings")


def _cells(nb: dict) -> list[Cell]:
    raw_cells = nb.get("cells", [])
    if not isinstance(raw_cells, list) or not all(isinstance(cell, dict) for cell in raw_cells):
        raise NotANotebook("'cells' is not a list of objects")
    cells = []
    for index, cell in enumerate(raw_cells):
        if cell.get("cell_type") != "code":
            continue
        text, as_list = _source(cell)
        if text.lstrip().startswith("%%"):
            continue  # a cell magic: the body is not Python
        ends = text.endswith("\n")
        lines = (text if ends else text + "\n").splitlines(keepends=True)
        masked = []
        for n, line in _mask(lines):
            masked.append((line, lines[n]))
            lines[n] = line
        cells.append(Cell(index + 1, index, "".join(lines), masked, as_list, ends))
    return cells


def _is_python(nb: dict) -> bool:
    metadata = nb.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise NotANotebook("'metadata' is not an object")
    names = []
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key) or {}
        if isinstance(section, dict):
            names.append(section.get(field))
    language = next((name for name in names if isinstance(name, str) and name), "python")
    return language.lower() == "python"


def _layout(text: str, nb: dict):
    """The json.dumps arguments and line ending that reproduce ``text`` exactly, or None."""
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n") if crlf else text
    newline = "\n" if plain.endswith("\n") else ""
    for indent in (1, 2, 4, 0, None):
        for ensure_ascii in (False, True):
            options = {"indent": indent, "ensure_ascii": ensure_ascii}
            if indent is not None:
                options["separators"] = (",", ": ")
            if json.dumps(nb, **options) + newline == plain:
                return options, newline, crlf
    return None


def _dump(nb: dict, layout) -> bytes:
    options, newline, crlf = layout
    text = json.dumps(nb, **options) + newline
    return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")


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


def _freeze_broken_cells(cells: list[Cell]) -> list[Finding]:
    """Compile each cell alone; a cell that does not parse is reported (CM000, at its own line)
    and blanked, so the other cells are still checked and fixed."""
    findings = []
    for cell in cells:
        try:
            parse_quietly(cell.text, "<cell>")
        except SyntaxError as exc:
            finding = unparseable(f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1)
        except (ValueError, RecursionError, MemoryError) as exc:
            finding = unparseable(f"cannot parse: {type(exc).__name__}")
        else:
            continue
        finding.cell = cell.number
        findings.append(finding)
        cell.frozen = True
        cell.text = "#\n" * cell.text.count("\n")
    return findings


def check_notebook(data: bytes, display: str, settings: Settings, fix: bool) -> FileResult:
    result = FileResult(display, data)
    try:
        text = data.decode("utf-8")
        nb = json.loads(text)
        if not isinstance(nb, dict) or "cells" not in nb:
            raise NotANotebook("no 'cells' (nbformat 3 and older are not supported)")
        if not _is_python(nb):
            return result
        cells = _cells(nb)
    except (UnicodeDecodeError, json.JSONDecodeError, NotANotebook) as exc:
        return finish_result(result, [unparseable(f"not a readable notebook: {exc}")])
    # On the cells' code, not the JSON, which escapes the quotes of a token like '"adaptive"'.
    if not cells or not can_match("".join(cell.text for cell in cells).encode(), settings):
        return result
    catalog = load()

    def lint(code: str) -> list[Finding]:
        return lint_text(Source(code, "utf-8", False), settings, catalog)

    broken: list[Finding] = []
    virtual = BOUNDARY.join(cell.text for cell in cells)
    outcome = run_fixes(virtual, lint, settings.unsafe_fixes, fix)
    if any(f.code == "CM000" for f in outcome.findings):  # a cell does not parse: check the others
        broken = _freeze_broken_cells(cells)
        if broken:
            virtual = BOUNDARY.join(cell.text for cell in cells)
            outcome = run_fixes(virtual, lint, settings.unsafe_fixes, fix)
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
                if not cell.frozen:
                    nb["cells"][cell.index]["source"] = _restore(cell, code)
            result.new_bytes = _dump(nb, layout)
    findings, final = outcome.findings, outcome.text
    if result.error is not None and final != virtual:  # nothing is written: report the file as it is
        findings, final = lint(virtual), virtual
    if result.error is not None:
        result.fixed.clear()
    starts = _starts(final)
    placed = [_in_cell(f, cells, starts) for f in findings if not (f.code == "CM000" and broken)]
    return finish_result(result, sorted([*broken, *placed], key=lambda f: f.sort_key))


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
