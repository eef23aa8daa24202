"""Jupyter notebooks: check and fix the Python code cells of an ``.ipynb`` file.

Each code cell is first compiled alone, as IPython runs it: a cell that does not parse is one
CM000 at that cell and is left out, so no cell changes how another parses (a string left open at
the end of one cell cannot swallow the next). The cells that parse are checked as one module, so
a model named in one cell resolves in another, joined by a boundary comment line chosen to occur
in no cell, so the fixed module splits back into its cells exactly. IPython magics, shell escapes
and automagic lines are masked as ``pass`` statements and put back when the fixed cells are written.

A fixed notebook is written by editing its JSON text in place: only the string elements of the
``source`` lines a fix changed are encoded anew (in the file's own escaping of non-ASCII text);
every other byte (layout, line endings, other escapes, key order) is kept. In a list-form
``source``, the edited elements are written one line an element (lines end at ``\\n`` only), as
nbformat writes them, so a line a fix splits becomes several elements. The edited text must read
back as the intended notebook, or nothing is written.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import accumulate, count
from json.decoder import scanstring

from claude_migrate.catalog import load
from claude_migrate.engine import (
    Fixed,
    can_match,
    finish_result,
    lint_text,
    parse_quietly,
    run_fixes,
    unparseable,
)
from claude_migrate.findings import Edit, FileResult, Finding, apply_edits
from claude_migrate.rules.unparseable import UnparseableFile
from claude_migrate.settings import Settings
from claude_migrate.source import PositionMap, Source

#: A line IPython reads but Python does not: `%magic`, `!shell`, `x = !cmd`, `obj?`, `?obj`.
_MAGIC = re.compile(r"^\s*(?:[%!?]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)")
#: A package manager IPython runs without its `%` (automagic), when the line is not Python.
_AUTOMAGIC = re.compile(r"^\s*(?:pip|conda|mamba|micromamba|uv)\s+\S")
_BOUNDARY = "# claude-migrate: cell boundary {}\n"
_BOUNDARIES = re.compile(r"# claude-migrate: cell boundary ([0-9]*)\n")


@dataclass
class Cell:
    number: int  # 1-based, counting every cell of the notebook
    index: int  # position in nb["cells"]
    source: str  # the cell's source as stored (a list's elements joined)
    text: str  # the cell's code as Python (magics masked), ending with a newline
    #: Why the cell cannot be checked (a CM000 at an offset into ``text``): it is reported,
    #: left out, never rewritten.
    problem: Finding | None = None


class NotANotebook(ValueError):
    pass


def _lines(text: str) -> list[str]:
    """The lines of ``text``, each with its ``\\n``, as the notebook format splits a source (not
    str.splitlines, which also breaks at ``\\f``, ``\\x1c`` or ``\\u2028``)."""
    *lines, last = text.split("\n")
    return [line + "\n" for line in lines] + ([last] if last else [])


def _syntax_error(code: str) -> Finding | None:
    """CPython's complaint about ``code`` as a module, if it has one."""
    try:
        parse_quietly(code, "<cell>")
    except SyntaxError as exc:
        return unparseable(f"syntax error: {exc.msg}", PositionMap(code).offset(exc.lineno or 1, exc.offset or 1))
    except (ValueError, RecursionError, MemoryError) as exc:
        return unparseable(f"cannot parse: {type(exc).__name__}: {exc}")
    return None


def _ipython_only(line: str) -> bool:
    """A magic, a shell escape, or an automagic package command. IPython runs the last only as
    a one-line cell; skipped anywhere, it does not stop the rest of its cell being checked."""
    return bool(_MAGIC.match(line)) or (bool(_AUTOMAGIC.match(line)) and _syntax_error(line.strip()) is not None)


def _mask(lines: list[str]) -> list[tuple[int, str]]:
    """(index, masked line) for each IPython-only line. A magic becomes ``pass`` (so it may be
    the only statement of a block), its backslash-continued lines become comments."""
    masked, continued = [], False
    for n, line in enumerate(lines):
        if continued:
            masked.append((n, "#" + line))
        elif _ipython_only(line):
            indent = line[: len(line) - len(line.lstrip())]
            masked.append((n, f"{indent}pass  #{line[len(indent):]}"))
        else:
            continue
        continued = line.rstrip("\r\n").endswith("\\")
    return masked


def _joined(raw: str | list[str]) -> str:
    return raw if isinstance(raw, str) else "".join(raw)


def _source(cell: dict) -> str:
    raw = cell.get("source", "")
    if isinstance(raw, str) or (isinstance(raw, list) and all(isinstance(line, str) for line in raw)):
        return _joined(raw)
    raise NotANotebook("a cell's source is neither a string nor a list of strings")


def _as_python(source: str) -> str:
    return source if source.endswith("\n") else source + "\n"


def _cells(nb: dict) -> list[Cell]:
    raw_cells = nb.get("cells", [])
    if not isinstance(raw_cells, list) or not all(isinstance(cell, dict) for cell in raw_cells):
        raise NotANotebook("'cells' is not a list of objects")
    cells = []
    for index, cell in enumerate(raw_cells):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if source.lstrip().startswith("%%"):
            continue  # a cell magic: the body is not Python
        lines = _lines(_as_python(source))
        for n, line in _mask(lines):
            lines[n] = line
        cells.append(Cell(index + 1, index, source, "".join(lines)))
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


def _freeze(cells: list[Cell], problem) -> bool:
    """Check each cell alone with ``problem`` (code -> CM000 finding or None); a cell with one is
    reported at that cell and left out, so the other cells are still checked and fixed. Whether
    any cell has one."""
    for cell in cells:
        cell.problem = problem(cell.text)
    return any(cell.problem for cell in cells)


@dataclass
class _Module:
    """The cells that parse, joined into one module by a line that occurs in none of them."""

    cells: list[Cell]
    boundary: str
    text: str

    @classmethod
    def of(cls, cells: list[Cell]) -> _Module:
        live = [cell for cell in cells if cell.problem is None]
        # The boundary's only newline ends it and every cell ends with one, so no occurrence
        # can straddle a cell and a boundary: one that no cell holds occurs only where it joins.
        taken = {n for cell in live for n in _BOUNDARIES.findall(cell.text)}
        boundary = _BOUNDARY.format(next(str(n) for n in count() if str(n) not in taken))
        return cls(live, boundary, boundary.join(cell.text for cell in live))

    def place(self, text: str, findings: list[Finding], cells: list[Cell]) -> tuple[list[Finding], PositionMap]:
        """The findings of ``text`` (this module, fixed or not) and of the cells left out, and the
        map of their offsets: its text is ``text`` then each cell left out, and it knows where
        each cell starts."""
        parts = text.split(self.boundary)
        starts = accumulate((len(part) + len(self.boundary) for part in parts[:-1]), initial=0)
        placed = [(cell.number, start) for cell, start in zip(self.cells, starts)]
        texts, findings, start = [text], list(findings), len(text)
        for cell in cells:
            if cell.problem is not None:
                placed.append((cell.number, start))
                findings.append(replace(cell.problem, start=cell.problem.start + start, end=cell.problem.end + start))
                texts.append(cell.text)
                start += len(cell.text)
        return findings, PositionMap("".join(texts), placed)


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
    except RecursionError:
        return finish_result(result, [unparseable("not a readable notebook: the JSON is nested too deeply")])
    # On the cells' code, not the JSON, which escapes the quotes of a token like '"adaptive"'.
    if not cells or not can_match("".join(cell.text for cell in cells).encode(), settings):
        return result
    catalog = load(settings.catalog_file)

    def lint(code: str) -> list[Finding]:
        return lint_text(Source(code, "utf-8", False), settings, catalog)

    module, outcome = _check_cells(cells, lint, settings.unsafe_fixes, fix)
    result.fixed, result.error = outcome.fixed, outcome.error
    findings, final = outcome.findings, outcome.text
    if final != module.text and result.error is None:
        result.new_bytes, result.error = _write(text, nb, module, final)
    if result.error is not None:
        result.fixed.clear()
        if final != module.text:  # nothing is written: report the notebook as it is
            findings, final = lint(module.text), module.text
    return finish_result(result, *module.place(final, findings, cells))


def _check_cells(cells: list[Cell], lint, unsafe: bool, fix: bool) -> tuple[_Module, Fixed]:
    """CM000 for each cell that does not parse alone; the other cells checked (and with ``fix``,
    fixed) as one module."""
    _freeze(cells, _syntax_error)
    module = _Module.of(cells)
    outcome = run_fixes(module.text, lint, unsafe, fix)

    def refused(code: str) -> Finding | None:
        return next((f for f in lint(code) if f.code == UnparseableFile.code), None)

    # Each cell compiles, yet LibCST may refuse the module: leave out the cells it refuses alone.
    if any(f.code == UnparseableFile.code for f in outcome.findings) and _freeze(module.cells, refused):
        module = _Module.of(cells)
        outcome = run_fixes(module.text, lint, unsafe, fix)
    return module, outcome


# Writing: the fixed cells' sources, edited into the notebook's JSON text.


def _write(text: str, nb: dict, module: _Module, fixed: str) -> tuple[bytes | None, str | None]:
    """The notebook's new bytes, or why nothing is written."""
    parts = fixed.split(module.boundary)
    if len(parts) != len(module.cells):
        return None, "the fixes moved a cell boundary (please report this); nothing was written"
    changes = {cell.index: _restore(cell, code) for cell, code in zip(module.cells, parts) if code != cell.text}
    new_text = _rewrite(text, nb, changes)
    if not _reads_back(text, new_text, changes):
        return None, "the edited notebook does not read back as intended (please report this); nothing was written"
    return new_text.encode("utf-8"), None


def _line_diff(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """The line ranges (old start, old end, new start, new end) that differ, in order. The
    common head and tail are skipped first: fixes change few lines of a cell."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    matcher = SequenceMatcher(None, old[head:len(old) - tail], new[head:len(new) - tail])
    return [
        (i1 + head, i2 + head, j1 + head, j2 + head)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _restore(cell: Cell, code: str) -> str:
    """A cell's new source: its fixed code with the masked lines put back, without the newline
    added at its end."""
    old, new = _lines(cell.text), _lines(code)
    originals = _lines(_as_python(cell.source))  # line for line with ``old``
    out, done = [], 0
    for i1, i2, j1, j2 in _line_diff(old, new):
        unmask = {old[i]: originals[i] for i in range(i1, i2)}
        out += [*originals[done:i1], *(unmask.get(line, line) for line in new[j1:j2])]
        done = i2
    source = "".join([*out, *originals[done:]])
    return source[:-1] if source.endswith("\n") and not cell.source.endswith("\n") else source


def _rewrite(text: str, nb: dict, changes: dict[int, str]) -> str:
    """The notebook's JSON text with the sources of cells (by index) changed in place."""
    located = _locate_sources(text)
    ensure_ascii = _escapes_non_ascii(text)
    edits = []
    for index, new in changes.items():
        raw = nb["cells"][index]["source"]
        regions = _changed_lines(_joined(raw), new)
        if isinstance(raw, str):
            edits += _string_edits(text, located[index][0], regions, ensure_ascii)
        else:
            edits += _list_edits(text, located[index], raw, regions, ensure_ascii)
    return apply_edits(text, edits)


def _changed_lines(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, new text): the whole lines of ``old`` to replace to make ``new``."""
    old_lines, new_lines = _lines(old), _lines(new)
    starts = [0, *accumulate(map(len, old_lines))]
    return [(starts[i1], starts[i2], "".join(new_lines[j1:j2])) for i1, i2, j1, j2 in _line_diff(old_lines, new_lines)]


def _encode(value: str, ensure_ascii: bool) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii)


#: A ``\\uXXXX`` escape of a non-ASCII character, if its backslash is not itself escaped.
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7])[0-9a-fA-F]{4}")


def _escapes_non_ascii(text: str) -> bool:
    """Whether the file writes non-ASCII text as ``\\uXXXX`` escapes (json.dumps' default),
    rather than as itself (nbformat's way)."""
    if not text.isascii():
        return False
    for match in _NON_ASCII_ESCAPE.finditer(text):
        start = match.start()
        while start and text[start - 1] == "\\":
            start -= 1
        if (match.start() - start) % 2 == 0:  # the backslash before "u" is not itself escaped
            return True
    return False


#: One character of a JSON string's body: a surrogate pair escape (one character once decoded),
#: any other escape, or a character as itself.
_JSON_CHAR = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.|[^\\]", re.DOTALL
)


def _string_edits(text: str, span: tuple[int, int], regions, ensure_ascii: bool) -> list[Edit]:
    """Edits to the string at ``span`` (quotes included) replacing the changed lines' characters
    and keeping every other character as it is written."""
    start, end = span
    at = [m.start() for m in _JSON_CHAR.finditer(text, start + 1, end - 1)] + [end - 1]
    return [Edit(at[a], at[b], _encode(new, ensure_ascii)[1:-1]) for a, b, new in regions]


def _list_edits(
    text: str, spans: list[tuple[int, int]], elements: list[str], regions, ensure_ascii: bool
) -> list[Edit]:
    """Edits to a list-form source: the elements a changed line touches are replaced by the new
    lines, one an element; the other elements and what lies between them are kept."""
    bounds = [0, *accumulate(map(len, elements))]  # element k is old[bounds[k]:bounds[k + 1]]
    groups: list[list] = []  # [first element, end element, regions], elements shared by no two
    for a, b, new in regions:
        # The touched elements are i..j-1; lines inserted between two elements touch none (j <= i).
        j = bisect_left(bounds, b)
        i = min(bisect_right(bounds, a) - 1, j)
        if groups and i < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], j)
            groups[-1][2].append((a, b, new))
        else:
            groups.append([i, j, [(a, b, new)]])
    old = "".join(elements)
    edits = []
    for i, j, touching in groups:
        pieces, done = [], bounds[i]
        for a, b, new in touching:
            pieces += [old[done:a], new]
            done = b
        pieces.append(old[done:bounds[j]])
        lines = [_encode(line, ensure_ascii) for line in _lines("".join(pieces))]
        edits.append(_replace_elements(text, spans, i, j, lines))
    return edits


def _replace_elements(text: str, spans: list[tuple[int, int]], i: int, j: int, new: list[str]) -> Edit:
    """An edit replacing elements i..j-1 of a list (none: inserting before element i) with
    ``new`` (JSON strings), separated as the list separates its elements."""
    if not new:  # remove the elements and one separator
        if j < len(spans):
            return Edit(spans[i][0], spans[j][0], "")
        return Edit(spans[i - 1][1] if i else spans[0][0], spans[j - 1][1], "")
    separator = _separator(text, spans)
    if i < j:
        return Edit(spans[i][0], spans[j - 1][1], separator.join(new))
    if i < len(spans):
        return Edit(spans[i][0], spans[i][0], separator.join(new) + separator)
    return Edit(spans[-1][1], spans[-1][1], separator + separator.join(new))


def _separator(text: str, spans: list[tuple[int, int]]) -> str:
    """The text between two elements of a list: as between its first two, or a comma and the
    whitespace between its "[" and its only element."""
    if len(spans) > 1:
        return text[spans[0][1]:spans[1][0]]
    start = bracket = spans[0][0]
    while text[bracket - 1] in " \t\n\r":
        bracket -= 1
    return "," + text[bracket:start]


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _locate_sources(text: str) -> dict[int, list[tuple[int, int]]]:
    """Where each cell's ``source`` is in a notebook's (valid) JSON text: by cell index, the
    span of its string, or of each string of its list, quotes included. json gives no
    positions, so this walks the text, down to the sources only; it skips every other value
    with json's own decoder. Where a key repeats, the last one counts, as in json.loads."""
    located: dict[int, list[tuple[int, int]]] = {}

    def ws(i: int) -> int:
        return _WHITESPACE.match(text, i).end()

    def walk(i: int, read) -> int:
        """The end of the array or object at ``i``; ``read(n, i)`` reads its n-th item (of an
        object, its n-th "key": value) at ``i`` and returns where the item ends."""
        close = "]" if text[i] == "[" else "}"
        i, n = ws(i + 1), 0
        while text[i] != close:
            i = ws(read(n, i))
            if text[i] == ",":
                i = ws(i + 1)
            n += 1
        return i + 1

    def member(i: int, value) -> int:
        key, i = scanstring(text, i + 1)
        return value(key, ws(ws(i) + 1))

    def string(spans: list, i: int) -> int:
        end = scanstring(text, i + 1)[1]
        spans.append((i, end))
        return end

    def skip(i: int) -> int:
        return _DECODER.raw_decode(text, i)[1]

    def cell(n: int, i: int) -> int:
        def value(key: str, i: int) -> int:
            if key != "source":
                return skip(i)
            spans = located[n] = []
            return string(spans, i) if text[i] == '"' else walk(i, lambda _, i: string(spans, i))
        return walk(i, lambda _, i: member(i, value))

    def top(key: str, i: int) -> int:
        if key != "cells":
            return skip(i)
        located.clear()
        return walk(i, cell)

    walk(ws(0), lambda _, i: member(i, top))
    return located


def _reads_back(text: str, new_text: str, changes: dict[int, str]) -> bool:
    """Whether ``new_text`` holds the notebook of ``text`` with just these sources changed (a
    safety net: a mistake in the edits above must never write a damaged notebook)."""
    expected = json.loads(text, parse_constant=str)  # NaN equals NaN as a string
    try:
        back = json.loads(new_text, parse_constant=str)
        for index, source in changes.items():
            got = back["cells"][index]["source"]
            if type(got) is not type(expected["cells"][index]["source"]):
                return False
            back["cells"][index]["source"] = _joined(got)
            expected["cells"][index]["source"] = source
    except (ValueError, LookupError, TypeError):
        return False
    return back == expected
