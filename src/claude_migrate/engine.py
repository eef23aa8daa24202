"""Check and fix one file: decode, prefilter, parse once, run every selected checker in one
batched traversal, then (for ``fix``) apply non-overlapping fixes and re-check until nothing
more applies. Fixes are edits to the original text; the result must parse or nothing is written.
"""

from __future__ import annotations

import ast
import bisect
import stat
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Callable

import libcst as cst

from claude_migrate.analysis import Analysis
from claude_migrate.cache import content_hash
from claude_migrate.catalog import Catalog, load
from claude_migrate.context import FileContext, SpanError
from claude_migrate.findings import Edit, FileResult, Finding, Fix, apply_edits, choose_fixes
from claude_migrate.rules import CHECKERS
from claude_migrate.rules.unparseable import UnparseableFile
from claude_migrate.settings import Settings, for_path
from claude_migrate.source import Source, SourceError

#: A fix pass that still finds something to fix after this many passes is a bug in a rule.
MAX_PASSES = 10


@lru_cache(maxsize=8)
def prefilter_tokens(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[tuple[tuple[bytes, ...], tuple[bytes, ...]], ...]:
    """(tokens, context) pairs: a file can match a selected rule only if it holds one of the
    tokens and, when there is a context, one of its texts too. The first pair has no context.
    Built once per selection, from the rules and the catalog."""
    catalog = load()
    settings = Settings(select=select, ignore=ignore)
    # With only CM000 selected, parse the files some rule would parse: those are the ones checked.
    checkers = [c for c in CHECKERS if _active(c, settings)] or CHECKERS
    groups: dict[tuple[str, ...], set[str]] = {(): set()}
    for checker in checkers:
        groups.setdefault(checker.context, set()).update(checker.prefilter_tokens(catalog))
    alone = groups[()]
    return tuple(
        (tuple(sorted(t.encode() for t in tokens if context == () or t not in alone)), tuple(c.encode() for c in context))
        for context, tokens in sorted(groups.items())
    )


def can_match(data: bytes, settings: Settings) -> bool:
    """Whether a file's bytes contain any text a selected rule needs; if not, skip parsing.
    A substring test per token: CPython's fast search is several times quicker here than one
    regular expression of alternatives, which tries every token at every position."""
    return any(
        any(token in data for token in tokens) and (not context or any(text in data for text in context))
        for tokens, context in prefilter_tokens(settings.select, settings.ignore)
    )


def _active(checker, settings: Settings) -> bool:
    return any(settings.selects(rule.code) for rule in checker.rules)


def unparseable(message: str, line: int = 1, column: int = 1) -> Finding:
    rule = UnparseableFile
    return Finding(rule.code, rule.name, rule.severity, message, 0, 0, None, line, column, line, column)


def parse_quietly(text: str, name: str, flags: int = 0) -> ast.AST:
    """CPython's parse of the user's code, without printing the SyntaxWarnings it may have
    (they are the user's, and would land in our report's stream)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, name, "exec", flags=ast.PyCF_ONLY_AST | flags, dont_inherit=True)


def _parse_failure(text: str) -> Finding:
    """CPython's own message and position for a file LibCST cannot parse."""
    try:
        parse_quietly(text, "<file>")
    except SyntaxError as exc:
        return unparseable(f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1)
    except (ValueError, RecursionError, MemoryError) as exc:
        return unparseable(f"cannot parse: {type(exc).__name__}: {exc}")
    return unparseable("valid Python that LibCST cannot parse; the file was not checked")


#: Only files with a line this long are checked for nesting CPython itself refuses (cheaply,
#: with ``ast``) before LibCST parses them, which takes quadratic time on such chains.
LONG_LINE = 4000
TOO_DEEP = "cannot parse: the code is nested too deeply (Python's own parser refuses it too); the file was not checked"


def _too_deep(text: str) -> bool:
    if max(map(len, text.splitlines()), default=0) < LONG_LINE:
        return False
    try:
        parse_quietly(text, "<file>")
    except RecursionError:
        return True
    except (SyntaxError, ValueError, MemoryError):
        pass  # reported from the LibCST parse below, with CPython's message
    return False


def lint_text(source: Source, settings: Settings, catalog: Catalog | None = None) -> list[Finding]:
    """All findings of one decoded file, positioned, unsuppressed, in source order."""
    catalog = catalog or load()
    if _too_deep(source.text):
        return [unparseable(TOO_DEEP)]
    try:
        module = cst.parse_module(source.text)
    except Exception:  # LibCST raises more than syntax errors on some valid files
        return [_parse_failure(source.text)]
    try:
        return _lint_module(source, module, settings, catalog)
    except RecursionError:  # LibCST's code generation and visitors recurse once per nesting level
        return [unparseable("cannot check: the code is nested too deeply for LibCST; the file was not checked")]
    except SpanError as exc:
        return [unparseable(f"cannot check: {exc} (a LibCST bug); the file was not checked")]


def _lint_module(source: Source, module: cst.Module, settings: Settings, catalog: Catalog) -> list[Finding]:
    ctx = FileContext(source, module, settings, catalog)
    analysis = ctx.analysis = Analysis(ctx)
    try:
        return _run_rules(ctx, analysis, source, settings)
    finally:
        analysis.release()  # its request sites point back at it: free the tree without the GC


def _run_rules(ctx: FileContext, analysis: Analysis, source: Source, settings: Settings) -> list[Finding]:
    checkers = [checker(ctx) for checker in CHECKERS if _active(checker, settings)]
    ctx.walk([analysis, *checkers])
    analysis.finish()
    for checker in checkers:
        for site in analysis.sites:
            checker.check_request(site)
        checker.finish()
    findings = []
    for finding in ctx.findings:
        position(finding, source)
        if not analysis.suppresses(finding.line, finding.code):
            findings.append(finding)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


@dataclass
class Fixed:
    text: str
    findings: list[Finding]
    fixed: Counter
    error: str | None = None


def run_fixes(text: str, lint: Callable[[str], list[Finding]], unsafe: bool, fix: bool) -> Fixed:
    """Lint ``text``; with ``fix``, apply fixes in passes until none applies (or give up whole)."""
    findings = lint(text)
    if not fix:
        return Fixed(text, findings, Counter())
    original, original_findings = text, findings
    fixed: Counter = Counter()
    for _ in range(MAX_PASSES):
        pending = [f for f in findings if f.fixable(unsafe)]
        if not pending:
            return Fixed(text, findings, fixed)
        chosen = choose_fixes([f.fix for f in pending])
        edits = [edit for fix_ in chosen for edit in fix_.edits]
        new_text = apply_edits(text, edits)
        fixed.update(f.code for f in pending if f.fix in chosen)
        if len(chosen) == len({f.fix for f in pending}):
            carried = carry_findings([f for f in findings if f.fix not in chosen], edits, new_text)
            if carried is not None and _compiles(new_text):
                return Fixed(new_text, carried, fixed)
        text = new_text
        findings = lint(text)
        if any(f.code == UnparseableFile.code for f in findings):
            error = "the fixes produced code that does not parse (please report this); nothing was written"
            return Fixed(original, original_findings, Counter(), error)
    if any(f.fixable(unsafe) for f in findings):
        error = f"the fixes did not settle after {MAX_PASSES} passes (please report this); nothing was written"
        return Fixed(original, original_findings, Counter(), error)
    return Fixed(text, findings, fixed)


def _compiles(text: str) -> bool:
    try:
        parse_quietly(text, "<fixed>", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def carry_findings(findings: list[Finding], edits: list[Edit], text: str) -> list[Finding] | None:
    """The findings left after ``edits``, moved to where they are in the edited ``text``; None
    if an edit cuts across one of them or its fix (then only a new lint can tell).

    Every rule judges a request as it will be after this run's fixes, so when each pending fix
    applied in one pass, what is left is known without a second parse; the result must still
    compile, and the tests check that a second ``fix`` changes nothing."""
    edits = sorted(set(edits))
    starts = [e.start for e in edits]
    shifts = list(accumulate(len(e.new) - (e.end - e.start) for e in edits))

    def moved(offset: int) -> int:  # the edits before an offset (none touches it) move it
        i = bisect.bisect_left(starts, offset)
        return offset + (shifts[i - 1] if i else 0)

    def crossed(start: int, end: int, inside_ok: bool) -> bool:
        """Whether an edit touches the span, other than strictly inside it (if that is ok)."""
        for edit in edits[max(0, bisect.bisect_left(starts, start) - 1):]:
            if edit.start > end:
                break
            touches = edit.start <= end and start <= edit.end
            if touches and not (inside_ok and start < edit.start and edit.end < end):
                return True
        return False

    source = Source(text, "utf-8", False)
    carried = []
    for finding in findings:
        own = finding.fix.edits if finding.fix else ()
        if crossed(finding.start, finding.end, True) or any(crossed(e.start, e.end, False) for e in own):
            return None
        start, end = moved(finding.start), moved(finding.end)
        fix = finding.fix and Fix(tuple(Edit(moved(e.start), moved(e.end), e.new) for e in own), finding.fix.applicability)
        carried.append(position(replace(finding, start=start, end=end, fix=fix), source))
    return carried


def position(finding: Finding, source: Source) -> Finding:
    """Fill in a finding's lines and columns (only reported findings need them)."""
    finding.line, finding.column = source.line_col(finding.start)
    finding.end_line, finding.end_column = source.line_col(finding.end)
    if finding.fix is not None:
        finding.edits = tuple((*source.line_col(e.start), *source.line_col(e.end), e.new) for e in finding.fix.edits)
    return finding


def check_file(data: bytes, display: str, settings: Settings, fix: bool = False) -> FileResult:
    """Check (and with ``fix``, fix in memory) the bytes of one file. A bug of ours on one file
    is reported on that file (CM000), never the end of the run."""
    try:
        return _check_file(data, display, settings, fix)
    except Exception as exc:  # noqa: BLE001 - the run must go on
        message = f"internal error, the file was not checked (please report this): {type(exc).__name__}: {exc}"
        return finish_result(FileResult(display, data), [unparseable(message)])


def _check_file(data: bytes, display: str, settings: Settings, fix: bool) -> FileResult:
    settings = for_path(settings, display)
    if display.endswith(".ipynb"):
        from claude_migrate.notebook import check_notebook

        return check_notebook(data, display, settings, fix)
    result = FileResult(display, data)
    if not can_match(data, settings):  # before decoding: most files of a tree stop here
        return result
    try:
        source = Source.decode(data)
    except SourceError as exc:
        return finish_result(result, [unparseable(str(exc), exc.line)])
    result.encoding = source.encoding
    catalog = load()
    outcome = run_fixes(
        source.text,
        lambda text: lint_text(Source(text, source.encoding, source.bom), settings, catalog),
        settings.unsafe_fixes,
        fix,
    )
    result.fixed, result.error = outcome.fixed, outcome.error
    if outcome.text != source.text:
        result.new_bytes = source.encode(outcome.text)
    return finish_result(result, outcome.findings)


def finish_result(result: FileResult, findings: list[Finding]) -> FileResult:
    for finding in findings:
        finding.path = result.display
    result.findings = findings
    return result


def check_path(
    path: Path, display: str, settings: Settings, fix: bool = False, known_hash: str | None = None,
    hash_content: bool = False,
) -> FileResult:
    """Read and check one file; bytes that hash to ``known_hash`` are not checked again. With
    ``hash_content`` (for the cache) the result carries the hash of the bytes it checked."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            return finish_result(FileResult(display), [unparseable("cannot read: not a regular file")])
        data = path.read_bytes()
    except OSError as exc:
        return finish_result(FileResult(display), [unparseable(f"cannot read: {exc.strerror or exc}")])
    if not (hash_content or known_hash):
        return check_file(data, display, settings, fix)
    digest = content_hash(data)
    if digest == known_hash:
        return FileResult(display, content_hash=digest, unchanged_since_cache=True)
    result = check_file(data, display, settings, fix)
    result.content_hash = digest
    return result
