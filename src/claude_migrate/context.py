"""Per-file state shared by the rules of one traversal: spans, findings, edit helpers, and the
fix policy (which fixes this run applies, which a rule keeps from rewriting a request)."""

from __future__ import annotations

import bisect
import difflib
import re
from typing import TYPE_CHECKING, Protocol, Sequence

import libcst as cst

from claude_migrate.findings import SAFE, UNSAFE, Edit, Finding, Fix
from claude_migrate.traversal import Spans, traverse

if TYPE_CHECKING:
    from claude_migrate.catalog import Catalog
    from claude_migrate.facts.sites import RequestSite
    from claude_migrate.settings import Settings
    from claude_migrate.source import Source


class Documented(Protocol):
    """What a finding takes from its rule's documentation."""

    code: str
    name: str
    severity: str


class KeepsUnfixed(Protocol):
    def keeps_unfixed(self, site: RequestSite, param: str) -> str | None: ...


def _squeeze(text: str) -> str:
    return "".join(text.split())


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quoted_body(value: str, prefix: str, quote: str) -> str:
    """What stands between the quotes of a literal with this prefix and quote for it to read as
    ``value``: built here, never by concatenation, so that no value can end the literal early.
    ValueError where no body can (a quote, a backslash or a control character in a raw string;
    a character that is not ASCII in a bytes literal)."""
    prefix = prefix.lower()
    # A triple-quoted literal may span lines, but a CR in it would read back as LF.
    controls = "[\x00-\x08\x0b-\x1f\x7f]" if len(quote) == 3 else "[\x00-\x08\x0a-\x1f\x7f]"
    if "b" in prefix and not value.isascii():
        raise ValueError(f"a bytes literal cannot hold {value!r}")
    if "r" in prefix:
        if quote[0] in value or "\\" in value or re.search(controls, value):
            raise ValueError(f"a raw string literal quoted with {quote} cannot hold {value!r}")
        return value
    body = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    return re.sub(controls, lambda match: _ESCAPES.get(match.group()) or f"\\x{ord(match.group()):02x}", body)


class SpanError(Exception):
    """LibCST's regenerated code cannot be aligned with the source at a node we need."""


class _OffsetMap:
    """Maps offsets in LibCST's regenerated code to the original text.

    LibCST's code generation is not always byte-exact (it drops the space in ``except X :`` and
    the last CR of a CR-only file), which would shift every later span. Usually the two texts
    differ only in whitespace, so a linear walk that skips whitespace on either side realigns
    them (``exact``). LibCST 1.x also drops some indented comment lines from a module's footer;
    then the map falls back to the matching blocks of a diff, and every span read through it is
    verified against the source.
    """

    #: Larger files that LibCST regenerates with more than whitespace changed are not aligned.
    FALLBACK_LIMIT = 500_000

    def __init__(self, generated: str, original: str):
        self.points: list[int] = [0]
        self.deltas: list[int] = [0]
        self.exact = True
        i = j = 0
        while i < len(generated) and j < len(original):
            if generated[i] == original[j]:
                i += 1
                j += 1
            elif original[j].isspace():
                j += 1
                self._mark(i, j - i)
            elif generated[i].isspace():
                i += 1
                self._mark(i, j - i)
            else:
                self._align_by_diff(generated, original)
                return

    def _align_by_diff(self, generated: str, original: str) -> None:
        if len(original) > self.FALLBACK_LIMIT:
            raise SpanError("LibCST regenerates this file with more than whitespace changed")
        self.exact = False
        self.points, self.deltas = [0], [0]
        matcher = difflib.SequenceMatcher(None, generated, original, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            if size:
                self._mark(a, b - a)

    def _mark(self, at: int, delta: int) -> None:
        if self.points[-1] == at:
            self.deltas[-1] = delta
        else:
            self.points.append(at)
            self.deltas.append(delta)

    def __call__(self, offset: int) -> int:
        return offset + self.deltas[bisect.bisect_right(self.points, offset) - 1]


class FileContext:
    """``keepers``: the rules that may keep a request parameter from being rewritten."""

    def __init__(
        self, source: Source, module: cst.Module, settings: Settings, catalog: Catalog,
        keepers: Sequence[KeepsUnfixed] = (),
    ):
        self.source = source
        self.text = source.text
        self.module = module
        self.settings = settings
        self.catalog = catalog
        self.findings: list[Finding] = []
        self._spans: Spans | None = None  # complete once the walk is done
        self._map: _OffsetMap | None = None
        self._keepers = keepers

    # -- positions -------------------------------------------------------------------------
    def walk(self, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
        """The file's one traversal: every visitor's hooks, and every node's span."""
        spans, generated = traverse(self.module, visitors)
        if self._spans is None:
            self._set_spans(spans, generated)

    def _resolve_spans(self) -> Spans:
        """Spans asked for during the walk, before it reached the node: a code generation pass
        of its own (correct, but as costly as the walk; hooks should ask for spans later)."""
        self._set_spans(*traverse(self.module))
        return self._spans

    def _set_spans(self, spans: Spans, generated: str) -> None:
        self._spans, self._generated = spans, generated
        if generated != self.text:
            self._map = _OffsetMap(generated, self.text)

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        start, end = (self._spans or self._resolve_spans())[id(node)]
        if self._map is None:
            return start, end
        mapped = self._map(start), self._map(end)
        if not self._map.exact and _squeeze(self.text[mapped[0] : mapped[1]]) != _squeeze(self._generated[start:end]):
            raise SpanError("LibCST regenerates this file differently from its source")
        return mapped

    def code(self, node: cst.CSTNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def line(self, node: cst.CSTNode) -> int:
        return self.source.line_col(self.span(node)[0])[0]

    def lines(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node's first and last line."""
        start, end = self.span(node)
        return self.source.line_col(start)[0], self.source.line_col(end)[0]

    # -- reporting -------------------------------------------------------------------------
    def report(
        self,
        rule: Documented | type[Documented],
        node: cst.CSTNode,
        message: str,
        fix: Fix | None = None,
        severity: str | None = None,
    ) -> None:
        if not self.settings.selects(rule.code):
            return
        start, end = self.span(node)
        self.findings.append(
            Finding(rule.code, rule.name, severity or rule.severity, message, start, end, fix)
        )

    # -- edits -----------------------------------------------------------------------------
    def replace(self, node: cst.CSTNode, new: str) -> Edit:
        start, end = self.span(node)
        return Edit(start, end, new)

    def replace_string(self, node: cst.SimpleString, value: str) -> Edit:
        """Replace a string literal's value, keeping its prefix and quotes. ValueError if the
        literal cannot hold ``value`` (a quote or backslash in a raw string)."""
        return self.replace(node, f"{node.prefix}{node.quote}{quoted_body(value, node.prefix, node.quote)}{node.quote}")

    def remove_item(self, items: Sequence[cst.CSTNode], index: int) -> tuple[Edit, bool]:
        """Remove ``items[index]`` from a comma-separated sequence (call arguments, list or dict
        elements). Returns the edit and whether it would delete a comment."""
        text = self.text
        start, end = self.span(items[index])
        if index + 1 < len(items):
            end = self.span(items[index + 1])[0]
        elif index > 0:
            start = self.span(items[index - 1])[1]
        else:
            # The only item: take its comma and the blank space around it, up to the brackets.
            while start > 0 and text[start - 1] in " \t\r\n\f\\":
                start -= 1
            while end < len(text) and text[end] in " \t\r\n\f\\,":
                end += 1
        inner_start, inner_end = self.span(items[index])
        separators = text[start:inner_start] + text[inner_end:end]
        deletes_comment = "#" in separators or _has_comment(items[index])
        return Edit(start, end, ""), deletes_comment

    def fix(self, edits: Sequence[Edit], safe: bool) -> Fix:
        return Fix(tuple(edits), SAFE if safe and not self.settings.test_file else UNSAFE)

    def applies(self, safe: bool) -> bool:
        """Whether a fix of this safety is applied by this run's ``fix``."""
        return (safe and not self.settings.test_file) or self.settings.unsafe_fixes

    def keeps_unfixed(self, site: RequestSite, param: str) -> str | None:
        """Why a request's ``param`` must stay as written, whatever a fix would make of it
        (the first rule's reason); None if no rule keeps it."""
        return next((reason for rule in self._keepers if (reason := rule.keeps_unfixed(site, param))), None)


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _has_comment(node: cst.CSTNode) -> bool:
    finder = _CommentFinder()
    node.visit(finder)
    return finder.found
