"""A source file as bytes and as text, and the map from character offsets to lines and columns.

Fixes are edits to the decoded text at character offsets; the text is encoded back with the
file's own encoding (PEP 263 cookie or UTF-8) and BOM, so every byte outside an edit is kept.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

BOM = codecs.BOM_UTF8
_LINE_END = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """The bytes cannot be turned into Python text; the message says why, ``line`` where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def _declared_encoding(data: bytes) -> str:
    """The encoding Python reads a file's bytes in: UTF-8, or its PEP 263 coding cookie's."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        message = str(exc)
        if message.startswith("unknown encoding: "):
            name = message.removeprefix("unknown encoding: ")
            raise SourceError(f"unknown encoding {name!r} in the coding cookie") from None
        if message.startswith("encoding problem"):  # a UTF-8 BOM, and a cookie naming another encoding
            cookie = _declared_encoding(data[len(BOM):])
            raise SourceError(f"encoding problem: {cookie} with BOM") from None
        return "utf-8"  # an undecodable first line: the decode says where
    return "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM is kept apart


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str
    bom: bool

    @classmethod
    def decode(cls, data: bytes) -> Source:
        """The text as Python reads it; SourceError where Python would refuse to decode it."""
        encoding = _declared_encoding(data)
        bom = data.startswith(BOM)
        if bom:
            data = data[len(BOM):]
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(f"cannot decode as {encoding}: {exc.reason} (byte 0x{data[exc.start]:02x})", line) from None
        except LookupError:
            raise SourceError(f"unknown encoding {encoding!r} in the coding cookie") from None
        return cls(text, encoding, bom)

    def encode(self, text: str | None = None) -> bytes:
        body = (self.text if text is None else text).encode(self.encoding)
        return BOM + body if self.bom else body

    @cached_property
    def newline(self) -> str:
        """The file's own line ending, judged by its first line."""
        end = self.text.find("\n")
        cr = self.text.find("\r")
        if cr != -1 and (end == -1 or cr < end):
            return "\r\n" if self.text.startswith("\r\n", cr) else "\r"
        return "\n"

    @cached_property
    def positions(self) -> PositionMap:
        return PositionMap(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        _, line, column = self.positions.position(offset)
        return line, column

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and column (see ``PositionMap.offset``)."""
        return self.positions.offset(line, column)

    def utf8_offset(self, line: int, byte_offset: int) -> int:
        """The character offset of a UTF-8 byte offset into a 1-based line (as ``ast`` gives them)."""
        start = self.positions.offset(line, 1)
        head = self.text[start:start + byte_offset].encode()[:byte_offset]
        return start + len(head.decode(errors="ignore"))

    def line_start(self, offset: int) -> int:
        return self.positions.line_start(offset)

    def indent_at(self, offset: int) -> str:
        """The leading whitespace of the line holding ``offset``."""
        start = self.line_start(offset)
        end = start
        while end < len(self.text) and self.text[end] in " \t\f":
            end += 1
        return self.text[start:end]


class PositionMap:
    """Where the character offsets of a text are, as reports give them: (cell, line, column),
    1-based. The cell is None except in a notebook's code, where the line counts from the
    cell's start. Findings hold offsets; this map, made once for the text a file's findings
    index, turns them into positions when they are reported.

    ``cells``: for a notebook's code, (cell number, offset where the cell starts) of each cell,
    each starting a line. ``keeping`` makes the copy of a map that only knows the lines some
    offsets are on: the one a result carries to the report, and the cache stores.
    """

    __slots__ = ("_cell_lines", "_cells", "_ends", "_numbers", "_starts")

    def __init__(self, text: str = "", cells: Sequence[tuple[int, int]] = ()) -> None:
        starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
        # A line ends where the next starts; the last one just after the text's end.
        self._lines(starts, [*starts[1:], len(text) + 1], range(1, len(starts) + 1))
        self._cells = sorted((self.line_of(start), number) for number, start in cells)
        self._cell_lines = [line for line, _ in self._cells]

    def _lines(self, starts: Sequence[int], ends: Sequence[int], numbers: Sequence[int]) -> None:
        self._starts, self._ends, self._numbers = starts, ends, numbers

    @classmethod
    def from_rows(cls, lines: Sequence[tuple[int, int, int]], cells: Sequence[tuple[int, int]] = ()) -> PositionMap:
        """The map of some lines, given as (number, start, end) each, and of the cells, as
        (first line, cell number) each, both in order: what ``rows`` gives. ValueError if they
        are out of order (the cache that holds them is in the user's tree)."""
        _check_rows(lines, cells)
        positions = cls.__new__(cls)
        positions._lines([start for _, start, _ in lines], [end for _, _, end in lines], [n for n, _, _ in lines])
        positions._cells = [tuple(cell) for cell in cells]
        positions._cell_lines = [line for line, _ in cells]
        return positions

    def rows(self) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
        """The lines as (number, start, end) and the cells as (first line, cell number)."""
        return list(zip(self._numbers, self._starts, self._ends)), list(self._cells)

    def keeping(self, offsets: Iterable[int]) -> PositionMap:
        """This map, knowing only the lines these offsets are on (each must be on one)."""
        kept = sorted({self._row(offset) for offset in offsets})
        rows = [(self._numbers[i], self._starts[i], self._ends[i]) for i in kept]
        return PositionMap.from_rows(rows, self._cells)

    def _row(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0 or offset >= self._ends[i]:
            raise ValueError(f"offset {offset} is on no line this map knows")
        return i

    def position(self, offset: int) -> tuple[int | None, int, int]:
        """The cell (or None), line and column of ``offset``."""
        i = self._row(offset)
        line, column = self._numbers[i], offset - self._starts[i] + 1
        if not self._cells:
            return None, line, column
        cell = bisect.bisect_right(self._cell_lines, line) - 1
        if cell < 0:
            raise ValueError(f"offset {offset} is before the first cell")
        first, number = self._cells[cell]
        return number, line - first + 1, column

    def line_of(self, offset: int) -> int:
        """The line of ``offset`` in the whole text (not within its cell)."""
        return self._numbers[self._row(offset)]

    def line_start(self, offset: int) -> int:
        """The offset where the line holding ``offset`` starts."""
        return self._starts[self._row(offset)]

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column as another tool gives them (CPython's
        parser): a column past its line's end is the line's end, a line past the text's end
        the text's end."""
        i = bisect.bisect_left(self._numbers, max(line, 1))
        if i == len(self._numbers):
            return self._ends[-1] - 1
        if self._numbers[i] != max(line, 1):
            raise ValueError(f"line {line} is not in this map")
        return min(self._starts[i] + max(column, 1) - 1, self._ends[i] - 1)


def _check_rows(lines: Sequence[tuple[int, int, int]], cells: Sequence[tuple[int, int]]) -> None:
    """ValueError unless the lines rise in number and offset, each ending at or before the next
    one's start, and the cells rise in first line."""
    number = end = 0
    for row in lines:
        if not (row[0] > number and end <= row[1] < row[2]):
            raise ValueError(f"a line out of order: {row}")
        number, end = row[0], row[2]
    line = 0
    for cell in cells:
        if not (cell[0] > line and cell[1] >= 1):
            raise ValueError(f"a cell out of order: {cell}")
        line = cell[0]
