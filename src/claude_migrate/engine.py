"""Check and fix one file: decode, prefilter, parse once, run every selected checker in one
batched traversal, then (for ``fix``) apply non-overlapping fixes and re-check until nothing
more applies. Fixes are edits to the original text; the result must parse or nothing is written.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import libcst as cst

from claude_migrate.analysis import Analysis
from claude_migrate.catalog import Catalog, load
from claude_migrate.context import FileContext
from claude_migrate.findings import Finding, apply_edits, choose_fixes
from claude_migrate.rules import CHECKERS
from claude_migrate.rules.unparseable import UnparseableFile
from claude_migrate.settings import Settings
from claude_migrate.source import Source, SourceError

#: A fix pass that still finds something to fix after this many passes is a bug in a rule.
MAX_PASSES = 10


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    source: Source | None = None
    new_text: str | None = None  # the fixed text, when fixing changed it
    fixed: int = 0
    original: bytes | None = None

    @property
    def changed(self) -> bool:
        return self.new_text is not None


@lru_cache(maxsize=8)
def _prefilter(tokens: tuple[str, ...]) -> re.Pattern[bytes]:
    return re.compile(b"|".join(re.escape(t.encode()) for t in sorted(set(tokens))))


def _tokens(catalog: Catalog, settings: Settings) -> tuple[str, ...]:
    return tuple(
        token
        for checker in CHECKERS
        if _active(checker, settings)
        for token in checker.prefilter_tokens(catalog)
    )


def _active(checker, settings: Settings) -> bool:
    return any(settings.selects(rule.code) for rule in checker.rules)


def _unparseable(message: str, line: int = 1, column: int = 1) -> Finding:
    rule = UnparseableFile
    return Finding(rule.code, rule.name, rule.severity, message, 0, 0, None, line, column, line, column)


def _parse_failure(text: str) -> Finding:
    """CPython's own message and position for a file LibCST cannot parse."""
    try:
        compile(text, "<file>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return _unparseable(f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1)
    except (ValueError, RecursionError, MemoryError) as exc:
        return _unparseable(f"cannot parse: {type(exc).__name__}: {exc}")
    return _unparseable("valid Python that LibCST cannot parse; the file was not checked")


def lint_text(source: Source, settings: Settings, catalog: Catalog) -> list[Finding]:
    """All findings of one decoded file, positioned, unsuppressed, in source order."""
    try:
        module = cst.parse_module(source.text)
    except Exception:  # LibCST raises more than syntax errors on some valid files
        return [_parse_failure(source.text)]
    ctx = FileContext(source, module, settings, catalog)
    analysis = ctx.analysis = Analysis(ctx)
    checkers = [checker(ctx) for checker in CHECKERS if _active(checker, settings)]
    cst.visit_batched(module, [analysis, *checkers])
    analysis.finish()
    for checker in checkers:
        for site in analysis.sites:
            checker.check_request(site)
        checker.finish()
    findings = []
    for finding in ctx.findings:
        finding.line, finding.column = source.line_col(finding.start)
        finding.end_line, finding.end_column = source.line_col(finding.end)
        if not analysis.suppresses(finding.line, finding.code):
            findings.append(finding)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def check_bytes(data: bytes, display: str, settings: Settings, fix: bool = False) -> FileResult:
    """Check (and with ``fix``, fix in memory) the bytes of one file."""
    catalog = load()
    result = FileResult(display)
    try:
        source = result.source = Source.decode(data)
    except SourceError as exc:
        return _finish(result, [_unparseable(str(exc), exc.line)], "", 0)
    if not _prefilter(_tokens(catalog, settings)).search(data):
        return result
    findings = lint_text(source, settings, catalog)
    text = source.text
    passes = 0
    while fix and passes < MAX_PASSES:
        fixes = [f.fix for f in findings if f.fix and f.fixable(settings.unsafe_fixes)]
        if not fixes:
            break
        chosen = choose_fixes(fixes)
        new_text = apply_edits(text, [edit for f in chosen for edit in f.edits])
        new_findings = lint_text(Source(new_text, source.encoding, source.bom), settings, catalog)
        if any(f.code == UnparseableFile.code for f in new_findings):
            findings.append(_unparseable("the fixes for this file produced code that does not parse; nothing was written"))
            return _finish(result, findings, source.text, 0)
        text, findings = new_text, new_findings
        result.fixed += sum(1 for f in fixes if f in chosen)
        passes += 1
    if fix and passes == MAX_PASSES and any(f.fixable(settings.unsafe_fixes) for f in findings):
        findings.append(_unparseable(f"fixes did not settle after {MAX_PASSES} passes; nothing was written"))
        return _finish(result, findings, source.text, 0)
    return _finish(result, findings, text, result.fixed)


def _finish(result: FileResult, findings: list[Finding], text: str, fixed: int) -> FileResult:
    for finding in findings:
        finding.path = result.display
    result.findings = findings
    result.fixed = fixed
    if result.source is not None and text != result.source.text:
        result.new_text = text
    return result


def check_path(path: Path, display: str, settings: Settings, fix: bool = False) -> FileResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        result = FileResult(display, [_unparseable(f"cannot read: {exc.strerror or exc}")])
        result.findings[0].path = display
        return result
    result = check_bytes(data, display, settings, fix)
    result.original = data
    return result


class WriteError(Exception):
    pass


def write_atomic(path: Path, original: bytes, new: bytes) -> None:
    """Replace ``path`` with ``new`` by rename, keeping its mode; refuse if it changed since read."""
    try:
        if path.read_bytes() != original:
            raise WriteError("the file changed on disk while it was being fixed; nothing was written")
        mode = path.stat().st_mode
        if not mode & 0o222:
            raise WriteError("the file is read-only; nothing was written")
        target = path.resolve()
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode & 0o7777)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}") from None
