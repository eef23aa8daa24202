"""A source file as bytes and as text, and the mapping between offsets and lines.

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

BOM = codecs.BOM_UTF8
_LINE_END = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """The bytes cannot be turned into Python text; the message says why, ``line`` where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str
    bom: bool

    @classmethod
    def decode(cls, data: bytes) -> Source:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            encoding = "utf-8"  # an undecodable first line: let the decode below say where
        bom = data.startswith(BOM)
        if bom:
            data, encoding = data[len(BOM):], "utf-8"
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
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in _LINE_END.finditer(self.text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_start(self, offset: int) -> int:
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return self._line_starts[line]

    def indent_at(self, offset: int) -> str:
        """The leading whitespace of the line holding ``offset``."""
        start = self.line_start(offset)
        end = start
        while end < len(self.text) and self.text[end] in " \t\f":
            end += 1
        return self.text[start:end]
