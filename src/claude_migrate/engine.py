"""Check and fix one file: decode, prefilter, parse once, run every selected checker in one
batched traversal, then (for ``fix``) apply non-overlapping fixes and re-check until nothing
more applies. Fixes are edits to the original text; the result must parse or nothing is written.
"""

from __future__ import annotations

import ast
import bisect
import io
import os
import re
import stat
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Callable

import libcst as cst

from claude_migrate.cache import content_hash
from claude_migrate.catalog import Catalog, load
from claude_migrate.context import FileContext, SpanError
from claude_migrate.facts import FileFacts
from claude_migrate.facts.after_fixes import AfterFixes
from claude_migrate.findings import NO_TEXT, Edit, FileResult, Finding, Fix, apply_edits, choose_fixes
from claude_migrate.rules import CHECKS, KEEPERS, Rule
from claude_migrate.rules.unparseable import UnparseableFile
from claude_migrate.settings import Settings, for_path
from claude_migrate.source import PositionMap, Source, SourceError

#: A fix pass that still finds something to fix after this many passes is a bug in a rule.
MAX_PASSES = 10


@lru_cache(maxsize=8)
def prefilter_tokens(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[tuple[tuple[bytes, ...], tuple[bytes, ...]], ...]:
    """(tokens, context) pairs: a file can match a selected rule only if it holds one of the
    tokens and, when there is a context, one of its texts too. The first pair has no context.
    Built once per selection, from the rules and the catalog."""
    catalog = load()
    settings = Settings(select=select, ignore=ignore)
    # With only the engine's own rule selected, parse the files some rule would parse: those are
    # the ones checked.
    rules = [rule for rule in CHECKS if _active(rule, settings)] or CHECKS
    groups: dict[tuple[str, ...], set[str]] = {(): set()}
    for rule in rules:
        groups.setdefault(rule.context, set()).update(rule.prefilter_tokens(catalog))
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


def _active(rule: type[Rule], settings: Settings) -> bool:
    return any(settings.selects(reported.code) for reported in rule.reports())


def unparseable(message: str, start: int = 0) -> Finding:
    """The file, or a notebook's cell, cannot be checked: a CM000 at ``start`` (an offset)."""
    rule = UnparseableFile
    return Finding(rule.code, rule.name, rule.severity, message, start, start)


def parse_quietly(text: str, name: str, flags: int = 0) -> ast.AST:
    """CPython's parse of the user's code, without printing the SyntaxWarnings it may have
    (they are the user's, and would land in our report's stream)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, name, "exec", flags=ast.PyCF_ONLY_AST | flags, dont_inherit=True)


#: Nesting deeper than this is refused before LibCST parses it. LibCST's parser recurses in
#: native code once per level and kills the process (a segfault) past 3,500 levels of lambdas
#: on an 8 MB stack, 440 on a 1 MB one; its Python walk stops near 490 levels anyway.
MAX_DEPTH = 300
#: LibCST needs up to 3 KB of memory per token: ``max_file_size`` allows a token per this
#: many bytes (2 MiB: 419,430 tokens, 1.2 GB at most).
BYTES_PER_TOKEN = 5
#: About one match per Python token (more in strings and comments, which count by word).
_TOKEN = re.compile(r"\w+|[^\w\s]|\n")
TOO_DEEP = "cannot parse: the code is nested too deeply (Python's own parser refuses it too); the file was not checked"
TOO_DEEP_FOR_LIBCST = "cannot check: the code is nested too deeply for LibCST; the file was not checked"


def precheck(source: Source, settings: Settings) -> Finding | None:
    """Why LibCST must not parse this text (a CM000), or None if it may. Python's own parser
    decides first: LibCST accepts some files Python refuses (a fix would then rewrite them),
    and crashes the whole process, or needs gigabytes, on some that Python accepts."""
    text = source.text
    nul = text.find("\0")
    if nul != -1:
        return unparseable("syntax error: source code cannot contain null bytes", nul)
    most = settings.max_file_size // BYTES_PER_TOKEN
    if len(text) > most and (tokens := _TOKEN.subn("", text)[1]) > most:  # a token is a character or more
        return unparseable(f"too large: about {tokens} tokens (max-file-size {settings.max_file_size} allows {most})")
    try:
        tree = parse_quietly(text, "<file>")
    except SyntaxError as exc:
        return unparseable(f"syntax error: {exc.msg}", source.offset(exc.lineno or 1, exc.offset or 1))
    except (RecursionError, MemoryError):  # how Python refuses deep nesting
        return unparseable(TOO_DEEP)
    except ValueError as exc:
        return unparseable(f"cannot parse: {exc}")
    deep = _too_deep(tree)
    if deep is not None:
        return unparseable(TOO_DEEP_FOR_LIBCST, source.utf8_offset(deep.lineno, deep.col_offset))
    return None


def _too_deep(tree: ast.AST) -> ast.AST | None:
    """A node nested deeper than ``MAX_DEPTH`` as LibCST nests it, or None. Iterative: the
    tree may be thousands of levels deep. An ``and``/``or`` chain, flat in ``ast``, nests one
    level per operand in LibCST. Children are visited in source order, so the node found is
    where the too-deep code starts."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if type(node) is ast.BoolOp:
            depth += len(node.values) - 1
        if depth > MAX_DEPTH and hasattr(node, "lineno"):
            return node
        depth += 1
        for name in _child_fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([(child, depth) for child in reversed(value) if isinstance(child, ast.AST)])
            elif isinstance(value, ast.AST):
                stack.append((value, depth))
    return None


@cache
def _child_fields(node_type: type) -> tuple[str, ...]:
    """A node type's fields that may hold nodes, last first (for a stack). Operators and
    load/store contexts are leaves, and half the nodes: skipping them halves the walk."""
    return tuple(name for name in reversed(node_type._fields) if name not in ("ctx", "op", "ops"))


def lint_text(source: Source, settings: Settings, catalog: Catalog | None = None) -> list[Finding]:
    """All findings of one decoded file (offsets into its text), unsuppressed, in source order."""
    catalog = catalog or load(settings.catalog_file)
    refusal = precheck(source, settings)
    if refusal is not None:
        return [refusal]
    try:
        module = cst.parse_module(source.text)
    except Exception:  # LibCST raises more than syntax errors on some valid files
        return [unparseable("valid Python that LibCST cannot parse; the file was not checked")]
    try:
        return _lint_module(source, module, settings, catalog)
    except RecursionError:  # LibCST's code generation and visitors recurse once per nesting level
        return [unparseable(TOO_DEEP_FOR_LIBCST)]
    except SpanError as exc:
        return [unparseable(f"cannot check: {exc} (a LibCST bug); the file was not checked")]


def _lint_module(source: Source, module: cst.Module, settings: Settings, catalog: Catalog) -> list[Finding]:
    ctx = FileContext(source, module, settings, catalog, KEEPERS)
    return _run_rules(ctx, FileFacts(catalog), source, settings)


def _run_rules(ctx: FileContext, facts: FileFacts, source: Source, settings: Settings) -> list[Finding]:
    """One walk for the facts and the selected rules, then each rule's request and file checks."""
    rules = [rule(ctx, facts) for rule in CHECKS if _active(rule, settings)]
    ctx.walk([*facts.visitors, *rules])
    facts.finish(ctx.lines)
    requests = AfterFixes(ctx, facts.suppressions, rules).requests(facts.sites)
    for rule in rules:
        for request in requests:
            rule.check_request(request)
        rule.finish()
    line_of = source.positions.line_of
    findings = [f for f in ctx.findings if not facts.suppressions.suppresses(line_of(f.start), f.code)]
    findings.sort(key=lambda f: (f.start, f.code))
    return findings


@dataclass(frozen=True)
class Fixed:
    """The text after ``run_fixes``, its findings, the codes fixed, and why nothing was fixed."""

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
            carried = carry_findings([f for f in findings if f.fix not in chosen], edits)
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


def carry_findings(findings: list[Finding], edits: list[Edit]) -> list[Finding] | None:
    """The findings left after ``edits``, their offsets moved to where they are in the edited
    text; None if an edit cuts across one of them or its fix (then only a new lint can tell).

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

    carried = []
    for finding in findings:
        own = finding.fix.edits if finding.fix else ()
        if crossed(finding.start, finding.end, True) or any(crossed(e.start, e.end, False) for e in own):
            return None
        start, end = moved(finding.start), moved(finding.end)
        fix = finding.fix and Fix(tuple(Edit(moved(e.start), moved(e.end), e.new) for e in own), finding.fix.applicability)
        carried.append(replace(finding, start=start, end=end, fix=fix))
    return carried


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
    if len(data) > settings.max_file_size:  # standard input: check_path reads no more than this
        return finish_result(FileResult(display, data), _oversized(len(data), io.BytesIO(data).read, settings))
    if display.endswith(".ipynb"):
        from claude_migrate.notebook import check_notebook

        return check_notebook(data, display, settings, fix)
    result = FileResult(display, data)
    if not can_match(data, settings):  # before decoding: most files of a tree stop here
        return result
    try:
        source = Source.decode(data)
    except SourceError as exc:
        text = data.decode("latin-1")  # a character a byte: the line the error names is where it is
        positions = PositionMap(text)
        return finish_result(result, [unparseable(str(exc), positions.offset(exc.line, 1))], positions)
    result.encoding = source.encoding
    catalog = load(settings.catalog_file)
    outcome = run_fixes(
        source.text,
        lambda text: lint_text(Source(text, source.encoding, source.bom), settings, catalog),
        settings.unsafe_fixes,
        fix,
    )
    result.fixed, result.error = outcome.fixed, outcome.error
    if outcome.text != source.text:
        result.new_bytes = source.encode(outcome.text)
    return finish_result(result, outcome.findings, PositionMap(outcome.text))


#: A file over ``max_file_size`` is read, for the prefilter only, in pieces of SCAN_CHUNK bytes
#: and if it holds at most SCAN_LIMIT (a quarter of a second); a larger one is reported unread.
SCAN_CHUNK = 1 << 20
SCAN_LIMIT = 16 * SCAN_CHUNK


def _oversized(size: int, read: Callable[[int], bytes], settings: Settings) -> list[Finding]:
    """The findings of a file over ``max_file_size``: CM000 if it may hold text a rule needs,
    else none (a large generated file that never mentions Claude is no error)."""
    if size <= SCAN_LIMIT and not _may_match(read, settings):
        return []
    return [unparseable(f"too large: {size} bytes (max-file-size is {settings.max_file_size})")]


def _may_match(read: Callable[[int], bytes], settings: Settings) -> bool:
    """``can_match`` over a stream, with quotes left out of the tokens (a notebook's JSON
    escapes them): it may say yes where ``can_match`` says no, never the other way round."""
    groups = [(_unquoted(tokens), _unquoted(context)) for tokens, context in prefilter_tokens(settings.select, settings.ignore)]
    texts = frozenset().union(*(tokens | context for tokens, context in groups))
    seen: set[bytes] = set()
    tail = b""
    for _ in range(SCAN_LIMIT // SCAN_CHUNK + 1):  # and one read more, to see the end
        chunk = read(SCAN_CHUNK)
        if not chunk:
            return False
        window = tail + chunk
        seen.update(text for text in texts - seen if text in window)
        if any(seen & tokens and (not context or seen & context) for tokens, context in groups):
            return True
        tail = window[1 - max(map(len, texts)):]  # a text may straddle two pieces
    return True  # it grew past SCAN_LIMIT while being read: it may match


def _unquoted(texts: tuple[bytes, ...]) -> frozenset[bytes]:
    return frozenset(text.strip(b"\"'") for text in texts)


def finish_result(result: FileResult, findings: list[Finding], positions: PositionMap = NO_TEXT) -> FileResult:
    """``result`` with its findings in order, each given the file's name and the map of the text
    its offsets index (NO_TEXT for a file that could not be read: they sit at its start). The
    map keeps only the lines they are on: all a report, or the cache, needs of the text."""
    kept = positions.keeping(offset for finding in findings for offset in finding.offsets())
    placed = (replace(finding, path=result.display, positions=kept) for finding in findings)
    result.findings = sorted(placed, key=lambda finding: finding.sort_key)
    return result


def check_path(
    path: Path, display: str, settings: Settings, fix: bool = False, known_hash: str | None = None,
    hash_content: bool = False,
) -> FileResult:
    """Read and check one file; bytes that hash to ``known_hash`` are not checked again. With
    ``hash_content`` (for the cache) the result carries the hash of the bytes it checked."""
    bound = settings.max_file_size
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return finish_result(FileResult(display), [unparseable("cannot read: not a regular file")])
        with path.open("rb") as handle:
            data = handle.read(bound + 1) if info.st_size <= bound else b""
            if info.st_size > bound or len(data) > bound:  # too large, or grew past the bound since
                handle.seek(0)
                size = max(os.fstat(handle.fileno()).st_size, len(data))
                return finish_result(FileResult(display), _oversized(size, handle.read, settings))
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
