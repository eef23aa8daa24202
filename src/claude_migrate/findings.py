"""What a rule reports: findings, fixes and the text edits a fix is made of."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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

    def demoted(self, unsafe: bool) -> Fix:
        return Fix(self.edits, UNSAFE) if unsafe and self.applicability == SAFE else self


@dataclass
class Finding:
    code: str
    name: str
    severity: str
    message: str
    start: int
    end: int
    fix: Fix | None = None
    # Filled in when the finding is reported: 1-based line and column of start and end.
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    path: str = field(default="", compare=False)
    cell: int | None = None  # notebooks: the 1-based cell; line and column are within it
    #: The fix's edits as (line, column, end_line, end_column, new text), for reports.
    edits: tuple[tuple[int, int, int, int, str], ...] = ()

    def fixable(self, unsafe: bool) -> bool:
        return self.fix is not None and (self.fix.applicability == SAFE or unsafe)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.line, self.column, self.code)


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
