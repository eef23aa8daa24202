"""What a rule reports: findings, fixes and the text edits a fix is made of."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claude_migrate.source import PositionMap

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets into the decoded source) with ``new``."""

    start: int
    end: int
    new: str

    def conflicts(self, other: Edit) -> bool:
        if self == other:
            return False
        if self.start == self.end or other.start == other.end:
            # Two insertions at one point, or an insertion inside a replaced range.
            return self.start <= other.end and other.start <= self.end
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: str  # SAFE or UNSAFE

    def conflicts(self, other: Fix) -> bool:
        return any(a.conflicts(b) for a in self.edits for b in other.edits)


#: Where the findings of a file that could not be read sit: its start.
NO_TEXT = PositionMap()


@dataclass(frozen=True)
class Finding:
    """What a rule found, where: ``start`` and ``end`` (and the fix's edits) are character
    offsets into the checked text. Lines, columns and a notebook's cell are computed when the
    finding is reported, by its file's map (``positions``, given by ``engine.finish_result``)."""

    code: str
    name: str
    severity: str
    message: str
    start: int
    end: int
    fix: Fix | None = None
    path: str = field(default="", compare=False)
    positions: PositionMap = field(default=NO_TEXT, compare=False, repr=False)

    def fixable(self, unsafe: bool) -> bool:
        return self.fix is not None and (self.fix.applicability == SAFE or unsafe)

    @property
    def cell(self) -> int | None:
        """In a notebook, the 1-based cell; line and end_line count from its start."""
        return self.positions.position(self.start)[0]

    @property
    def line(self) -> int:
        return self.positions.position(self.start)[1]

    @property
    def column(self) -> int:
        return self.positions.position(self.start)[2]

    @property
    def end_line(self) -> int:
        return self.positions.position(self.end)[1]

    @property
    def end_column(self) -> int:
        return self.positions.position(self.end)[2]

    @property
    def edits(self) -> tuple[tuple[int, int, int, int, str], ...]:
        """The fix's edits as (line, column, end_line, end_column, new text), for reports."""
        where = self.positions.position
        return tuple((*where(e.start)[1:], *where(e.end)[1:], e.new) for e in self.fix.edits) if self.fix else ()

    @property
    def sort_key(self) -> tuple:
        cell, line, column = self.positions.position(self.start)
        return (self.path, cell or 0, line, column, self.code)

    def offsets(self) -> list[int]:
        """Every offset the finding's positions are computed from."""
        edits = self.fix.edits if self.fix else ()
        return [self.start, self.end, *(offset for e in edits for offset in (e.start, e.end))]


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-conflicting edits (duplicates allowed) to ``text``."""
    out = []
    last = 0
    for edit in sorted(set(edits)):
        out.append(text[last:edit.start])
        out.append(edit.new)
        last = edit.end
    out.append(text[last:])
    return "".join(out)


def choose_fixes(fixes: list[Fix]) -> list[Fix]:
    """Fixes in source order whose edits do not overlap; the others wait for the next pass."""
    chosen: list[Fix] = []
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        if not any(fix.conflicts(other) for other in chosen):
            chosen.append(fix)
    return chosen


@dataclass
class FileResult:
    display: str
    original: bytes = b""
    findings: list[Finding] = field(default_factory=list)
    new_bytes: bytes | None = None  # the fixed file, when fixing changed it
    fixed: Counter = field(default_factory=Counter)  # codes of the findings fixed
    error: str | None = None  # why a fix was not written
    encoding: str = "utf-8"  # for showing a diff
    content_hash: str = ""  # of the bytes checked, for the cache
    unchanged_since_cache: bool = False  # the bytes hash to the cached hash: nothing was checked

    @property
    def changed(self) -> bool:
        return self.new_bytes is not None
