"""Suppression comments: ``# claude-migrate: ignore[CODES]`` or ``# noqa: CODES`` on a line (or
on the first line of a statement, covering all of its lines), and ``ignore-file`` for the file."""

from __future__ import annotations

import re
from typing import Callable

import libcst as cst

_SUPPRESSION = re.compile(
    r"#\s*(?:claude-migrate:\s*ignore(?P<file>-file)?(?:\[(?P<codes>[^\]]*)\])?"
    r"|noqa:\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))",
    re.IGNORECASE,
)

#: Code prefixes a comment silences; None: every code.
Codes = frozenset[str] | None
#: The first and last line of a node.
Lines = Callable[[cst.CSTNode], tuple[int, int]]


class Suppressions(cst.BatchableCSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.by_line: dict[int, Codes] = {}
        self.file: Codes = frozenset()
        self._comments: list[tuple[cst.Comment, Codes]] = []
        self._statements: list[cst.SimpleStatementLine] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        match = _SUPPRESSION.search(node.value)
        if match is None:
            return
        raw = match.group("codes") if match.group("noqa") is None else match.group("noqa")
        codes = frozenset(c.strip().upper() for c in re.split(r"[\s,]+", raw) if c.strip()) if raw else None
        if match.group("file"):
            self.file = _union(self.file, codes)
            return
        self._comments.append((node, codes))  # its line is known after the walk

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statements.append(node)

    def finish(self, lines: Lines) -> None:
        """Place each comment on its line, and spread one on the first line of a multi-line
        statement over all of the statement's lines."""
        for comment, codes in self._comments:
            line, _ = lines(comment)
            self.by_line[line] = _union(self.by_line.get(line, frozenset()), codes)
        if self.by_line:
            for statement in self._statements:
                first, last = lines(statement)
                if first in self.by_line:
                    for line in range(first + 1, last + 1):
                        self.by_line[line] = _union(self.by_line.get(line, frozenset()), self.by_line[first])
        self._comments, self._statements = [], []

    def suppresses(self, line: int, code: str) -> bool:
        for codes in (self.file, self.by_line.get(line, frozenset())):
            if codes is None or any(code.startswith(prefix) for prefix in codes):
                return True
        return False


def _union(a: Codes, b: Codes) -> Codes:
    """Union of two code sets where None means every code."""
    return None if a is None or b is None else a | b
