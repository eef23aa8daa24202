"""The command line: check, fix, rules, explain, models (contract.md)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Callable, NoReturn

import click

from claude_migrate import __version__
from claude_migrate.config import ConfigError, FileConfig, load_config
from claude_migrate.settings import DEFAULT_MAX_FILE_SIZE, DEFAULT_TARGET, FORMATS, Settings

# Everything a run needs beyond this (LibCST, the catalog, discovery, the report formats) is
# imported where it is used, so that `--version`, `--help` and `rules` start fast.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def _today(value: str | None) -> dt.date:
    raw = value or os.environ.get("CLAUDE_MIGRATE_TODAY")
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise click.UsageError(f"--today must be a date as YYYY-MM-DD, not {raw!r}") from None


def _config(path: str | None) -> FileConfig:
    """The configuration; a bad one ends the run with one line naming the file and key (exit 2)."""
    from claude_migrate.report import escape

    try:
        return load_config(path)
    except ConfigError as exc:
        click.echo(f"error: {escape(str(exc))}", err=True)
        sys.exit(EXIT_USAGE)


def _settings(options: dict, config: FileConfig) -> Settings:
    """The run's settings. The catalog (with the project's catalog file) is loaded here: the
    target and the successors are judged against it."""
    from claude_migrate.catalog import CatalogError, load
    from claude_migrate.config import check_successors, check_target, invalid_pattern

    bad = invalid_pattern(options.get("exclude") or ())
    if bad is not None:  # checked here, before the walk compiles it
        _usage_error(f"--exclude: invalid pattern {bad!r}")
    given = options.get("catalog")
    catalog_file = os.path.abspath(given) if given else config.get("catalog")
    try:
        catalog = load(catalog_file)
        target = options.get("target")
        if target is None:
            target = config.get("target", DEFAULT_TARGET)
            check_target(target, config.path, catalog)
        elif target not in catalog.targets:
            raise click.BadParameter(f"{target!r} is not one of {', '.join(catalog.targets)}.", param_hint="'--target'")
        check_successors(config.get("successors", ()), config.path, catalog)
    except (CatalogError, ConfigError) as exc:
        _usage_error(str(exc))
    return Settings(
        target=target,
        today=_today(options.get("today")),
        select=_codes(options.get("select")) or config.get("select", ("CM",)),
        ignore=_codes(options.get("ignore")) or config.get("ignore", ()),
        unsafe_fixes=options.get("unsafe_fixes") or config.get("unsafe-fixes", False),
        preview=options.get("preview") or config.get("preview", False),
        max_file_size=config.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
        successors=config.get("successors", ()),
        catalog_file=catalog_file,
    )


def _usage_error(message: str) -> NoReturn:
    """A bad setting: one line on stderr naming the file or option, no usage banner; exit 2."""
    click.echo(f"error: {escape(message)}", err=True)
    sys.exit(EXIT_USAGE)


def _settings_options(func: Callable) -> Callable:
    for decorator in reversed(
        [
            click.option(
                "--target", metavar="GEN",
                help=f"Generation to migrate to, one of the catalog's, or latest (default {DEFAULT_TARGET}).",
            ),
            click.option("--today", metavar="YYYY-MM-DD", help="Judge lifecycle on this date (env CLAUDE_MIGRATE_TODAY)."),
            click.option("--config", "config_path", type=click.Path(dir_okay=False), help="A pyproject.toml to read."),
            click.option(
                "--catalog", type=click.Path(dir_okay=False),
                help="A TOML file of models and beta flags to add to or correct in the catalog.",
            ),
            click.option(
                "--preview", is_flag=True, default=None,
                help="Also report on facts the catalog marks unverified (3P or conflicting sources).",
            ),
        ]
    ):
        func = decorator(func)
    return func


def _run_options(func: Callable) -> Callable:
    for decorator in reversed(
        [
            click.argument("paths", nargs=-1),
            click.option("--select", help="Comma-separated codes or prefixes to report (e.g. CM1,CM301)."),
            click.option("--ignore", help="Comma-separated codes or prefixes not to report."),
            click.option("--exclude", multiple=True, help="More paths to skip (glob; repeatable)."),
            click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly too."),
            click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True),
            click.option("--output-file", type=click.Path(dir_okay=False), help="Write the report here, not to stdout."),
            click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply (and count) unsafe fixes."),
            click.option("--stdin-filename", help="With PATH '-': the name standard input stands for."),
            click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of CPUs)."),
            click.option("--no-cache", is_flag=True, help=f"Neither read nor write {CACHE_FOLDER}/."),
            _settings_options,
        ]
    ):
        func = decorator(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claude-migrate")
def cli() -> None:
    """Find and fix Claude API calls that use retired, deprecated or outdated models."""


#: Where the per-file cache lives, below the project root (the config file's folder, else cwd).
CACHE_FOLDER = ".claude_migrate_cache"
#: Runs over this many files show a progress bar on a terminal.
PROGRESS_THRESHOLD = 300


class Run:
    """One check or fix run: its settings, its files, and how it reports."""

    def __init__(self, paths, config_path, options, fix: bool):
        from pathspec import GitIgnoreSpec

        from claude_migrate.discovery import Excludes

        self.config = _config(config_path)
        self.settings = _settings(options, self.config)
        self.options = options
        self.fix = fix
        self.failed = False  # a path that does not exist: exit 2
        self.stdin = tuple(paths) == ("-",)
        root = self.config.path.parent if self.config.path else Path.cwd()
        self._root = root.resolve()
        configured = (*self.config.get("exclude", ()), *self.config.get("extend-exclude", ()))
        self.excludes = Excludes([(configured, self._root), (options["exclude"], Path.cwd())])
        self._per_file = [
            (GitIgnoreSpec.from_lines([glob]), codes)
            for glob, codes in self.config.get("per-file-ignores", {}).items()
        ]

    def settings_for(self, display: str) -> Settings:
        """The run's settings with the per-file-ignores that match this path."""
        if not self._per_file:
            return self.settings
        try:
            relative = Path(display).resolve().relative_to(self._root).as_posix()
        except ValueError:
            relative = Path(display).as_posix()
        extra = tuple(code for spec, codes in self._per_file if spec.match_file(relative) for code in codes)
        return replace(self.settings, ignore=self.settings.ignore + extra) if extra else self.settings

    def results(self, paths):
        """Each file's result, in a deterministic order."""
        from claude_migrate.discovery import find_files
        from claude_migrate.runner import run_files

        files = []
        for item in find_files(paths or (".",), self.excludes, self.options["force_exclude"]):
            if isinstance(item, str):
                click.echo(f"error: {item}", err=True)
                self.failed = True
            else:
                files.append(item)
        cache = self._cache()
        results = run_files(files, self.settings_for, self.fix, self.options["jobs"], cache)
        if len(files) > PROGRESS_THRESHOLD and sys.stderr.isatty():
            with click.progressbar(results, length=len(files), label="Checking", file=sys.stderr) as bar:
                yield from bar
        else:
            yield from results
        problem = cache.save() if cache else None
        if problem:
            click.echo(f"warning: {escape(problem)}", err=True)

    def _cache(self):
        """The cache for this tool, catalog and project, or None with --no-cache."""
        if self.options["no_cache"]:
            return None
        from claude_migrate.cache import Cache
        from claude_migrate.catalog import load

        # Keyed by the bytes of the catalog and the project's catalog file, not the version
        # field: any edit to the data counts.
        digest = load(self.settings.catalog_file).digest
        return Cache(self._root / CACHE_FOLDER, f"{__version__}-{digest[:12]}")

    def stdin_result(self):
        """The result for standard input, or None when --force-exclude excludes its name."""
        from claude_migrate.engine import check_file

        name = self.options["stdin_filename"]
        if name and self.options["force_exclude"] and self.excludes(Path(name)):
            return None
        display = name or "-"
        return check_file(sys.stdin.buffer.read(), display, self.settings_for(display), self.fix)

    def emit(self, findings, closing: str | None = None, to_stderr: bool = False) -> None:
        from claude_migrate import report

        path = self.options["output_file"]
        color = not (path or os.environ.get("NO_COLOR"))
        if self.options.get("statistics"):
            text = report.statistics(findings, self.settings.unsafe_fixes)
        else:
            text = report.render(
                findings, self.options["output_format"], self.settings.unsafe_fixes, color, __version__, closing
            )
        if not path:
            click.echo(text, nl=False, err=to_stderr, color=None if color else False)
            return
        try:  # into a folder that does not exist yet too, as ruff does
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, "utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write {report.escape(path)}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_USAGE)


def _interruptible(command: Callable) -> Callable:
    """Ctrl-C or SIGTERM ends the run with exit 130. Each file is written by rename, so it is
    either fixed or untouched, and the temporary file of an interrupted write is removed."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        def terminate(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, terminate)
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            if "claude_migrate.runner" in sys.modules:
                sys.modules["claude_migrate.runner"].stop_workers()
            click.echo("interrupted: files already fixed stay fixed, the others are untouched", err=True)
            sys.exit(EXIT_INTERRUPTED)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return run


@cli.command()
@_run_options
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of each finding.")
@_interruptible
def check(paths, config_path, **options) -> None:
    """Report findings (default PATH: .)."""
    run = Run(paths, config_path, options, fix=False)
    if run.stdin:
        result = run.stdin_result()
        findings = result.findings if result else []
    else:
        findings = [f for _, result in run.results(paths) for f in result.findings]
    run.emit(findings)
    sys.exit(EXIT_USAGE if run.failed else EXIT_FINDINGS if findings else EXIT_CLEAN)


@cli.command()
@_run_options
@click.option("--diff", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List what was fixed, per file.")
@_interruptible
def fix(paths, config_path, diff, show_fixes, **options) -> None:
    """Apply fixes in place (PATH '-': read standard input, write the fixed source to standard output)."""
    from claude_migrate.files import StaleTemporaries, WriteError, write_atomic

    run = Run(paths, config_path, options, fix=True)
    if run.stdin:
        _fix_stdin(run)
    remaining: list = []
    fixed: Counter = Counter()
    per_file: list[tuple[str, Counter]] = []
    stale = StaleTemporaries()
    for item, result in run.results(paths):
        if result.error:
            click.echo(f"error: {escape(result.display)}: {result.error}", err=True)
        if result.changed and diff:
            _print_diff(result)
        elif result.changed:
            try:
                write_atomic(item.path, result.original, result.new_bytes, stale)
            except WriteError as exc:
                click.echo(f"error: {escape(result.display)}: {_not_written(exc, item, paths)}", err=True)
                remaining.extend(_findings_on_disk(item, run))
                continue
        remaining.extend(result.findings)
        if result.changed:
            fixed.update(result.fixed)
            per_file.append((result.display, result.fixed))
    if diff:
        count = sum(fixed.values())
        click.echo(f"Would fix {_count(count, 'finding')} in {_count(len(per_file), 'file')}.", err=True)
        sys.exit(EXIT_USAGE if run.failed else EXIT_FINDINGS if per_file else EXIT_CLEAN)
    if show_fixes and per_file:  # on stderr when stdout carries a machine-readable report
        textual = options["output_format"] in ("text", "concise") and not options["output_file"]
        click.echo(_show_fixes(per_file) + "\n", err=not textual)
    run.emit(remaining, _fix_summary(remaining, fixed, run.settings))
    sys.exit(EXIT_USAGE if run.failed else EXIT_FINDINGS if remaining else EXIT_CLEAN)


def _not_written(exc, item, paths) -> str:
    """Why a fix was not written. A symbolic link found by the walk that leads out of the
    folders given says so: that is how a tree can aim a fix at a file nobody asked to fix."""
    from claude_migrate.files import SymbolicLinkError

    if isinstance(exc, SymbolicLinkError) and item.absolute and _outside(item.path, paths or (".",)):
        return "the file is a symbolic link to a file outside the checked tree; nothing was written"
    return str(exc)


def _outside(path: Path, paths) -> bool:
    target = os.path.realpath(path)
    folders = [os.path.realpath(given) for given in paths if os.path.isdir(given)]
    return not any(os.path.commonpath([target, folder]) == folder for folder in folders)


def _findings_on_disk(item, run: Run) -> list:
    """The findings of a file as it is on disk, after its fix could not be written."""
    from claude_migrate.engine import check_path

    return check_path(item.path, item.display, run.settings_for(item.display)).findings


def _fix_stdin(run: Run) -> None:
    result = run.stdin_result()
    if result is None:  # excluded: pass the source through unchanged
        sys.stdout.buffer.write(sys.stdin.buffer.read())
        sys.exit(EXIT_CLEAN)
    if result.error:
        click.echo(f"error: {escape(result.display)}: {result.error}", err=True)
    sys.stdout.buffer.write(result.new_bytes or result.original)
    sys.stdout.flush()
    run.emit(result.findings, _fix_summary(result.findings, result.fixed, run.settings), to_stderr=True)
    sys.exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


def escape(text: str) -> str:
    """A path or message as printed: no control character can reach the terminal or CI log."""
    from claude_migrate.report import escape as escape_text

    return escape_text(text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fix_summary(remaining, fixed: Counter, settings: Settings) -> str:
    count = sum(fixed.values())
    total = count + len(remaining)
    if total == 0:
        return "All checks passed!"
    hidden = sum(1 for f in remaining if f.fixable(True) and not f.fixable(settings.unsafe_fixes))
    return f"Found {_count(total, 'finding')} ({count} fixed, {len(remaining)} remaining)." + (
        f" {hidden} more fixable with --unsafe-fixes." if hidden else ""
    )


def _show_fixes(per_file: list[tuple[str, Counter]]) -> str:
    from claude_migrate.rules import RULES_BY_CODE

    total = sum(sum(codes.values()) for _, codes in per_file)
    lines = [f"Fixed {_count(total, 'finding')}:"]
    for display, codes in per_file:
        lines.append(f"- {escape(display)}:")
        lines.extend(f"    {n} × {code} ({RULES_BY_CODE[code].name})" for code, n in sorted(codes.items()))
    return "\n".join(lines)


def _print_diff(result) -> None:
    import difflib

    old = result.original.decode(result.encoding, errors="replace")
    new = result.new_bytes.decode(result.encoding, errors="replace")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{escape(result.display)}", f"b/{escape(result.display)}"
    )
    for line in lines:
        click.echo(line if line.endswith(("\n", "\r")) else line + "\n", nl=False)


@cli.command()
def rules() -> None:
    """List every rule: code, name, severity, fix safety, summary."""
    from claude_migrate.rules import RULES

    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<30} {rule.severity:<8} {rule.fix:<15} {rule.summary}")


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show one rule's documentation: what it does, why, examples, fix safety."""
    from claude_migrate.explain import render
    from claude_migrate.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; `claude-migrate rules` lists them")
    click.echo(render(rule))


@cli.command()
@_settings_options
@click.option(
    "--check-sdk", is_flag=True,
    help="Instead, compare the installed anthropic SDK's model IDs, dates and beta flags with the catalog.",
)
def models(config_path, check_sdk, **options) -> None:
    """The catalog: id, family, generation, status, retirement date, successor under --target."""
    from claude_migrate.catalog import load
    from claude_migrate.lifecycle import status

    settings = _settings(options, _config(config_path))
    catalog = load(settings.catalog_file)
    if check_sdk:
        _check_sdk(catalog)
    extra = f" with {catalog.user_file}" if catalog.user_file else ""
    click.echo(
        escape(f"Catalog {catalog.version}{extra}; status on {settings.today}; successors under --target {settings.target}")
    )
    header = ("id", "family", "gen", "status", "retires", "successor")
    rows = [header]
    for model in catalog.models:
        successor = catalog.successor(model, settings.target, settings.today)
        unverified = "?" if "retired" in model.unverified else ""
        rows.append(
            (
                model.id,
                model.family,
                model.generation,
                status(model, settings.today),
                f"{model.retired or '-'}{unverified}",
                successor.id if successor and successor != model else "-",
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for row in rows:  # a project's catalog may name anything: escaped like every output
        click.echo(escape("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()))
    click.echo("'?': date not confirmed by Anthropic's documentation (3P or conflicting sources).")
    click.echo("legacy: still served, but the documentation suggests a newer model.")


def _check_sdk(catalog) -> None:
    """Where the installed SDK and the catalog disagree: exit 1 if anywhere, 2 without an SDK."""
    from claude_migrate.sdk_drift import SdkNotFound, check_sdk

    try:
        report = check_sdk(catalog)
    except SdkNotFound as exc:
        _usage_error(str(exc))
    for line in report.lines():
        click.echo(escape(line))
    sys.exit(EXIT_FINDINGS if report.disagreements else EXIT_CLEAN)


def main() -> None:
    cli(prog_name="claude-migrate")
