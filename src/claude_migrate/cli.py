"""The command line: check, fix, rules, explain, models (contract.md)."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import sys
from pathlib import Path
from typing import Callable

import click

from claude_migrate import __version__
from claude_migrate.catalog import TARGETS
from claude_migrate.config import ConfigError, FileConfig, load_config
from claude_migrate.settings import DEFAULT_TARGET, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _settings(options: dict, config: FileConfig) -> Settings:
    return Settings(
        target=options.get("target") or config.get("target", DEFAULT_TARGET),
        today=_today(options.get("today")),
        select=_codes(options.get("select")) or config.get("select", ("CM",)),
        ignore=_codes(options.get("ignore")) or config.get("ignore", ()),
        unsafe_fixes=options.get("unsafe_fixes") or config.get("unsafe-fixes", False),
        successors=config.get("successors", ()),
    )


def _settings_options(func: Callable) -> Callable:
    for decorator in reversed(
        [
            click.option("--target", type=click.Choice(TARGETS), help=f"Generation to migrate to (default {DEFAULT_TARGET})."),
            click.option("--today", metavar="YYYY-MM-DD", help="Judge lifecycle on this date (env CLAUDE_MIGRATE_TODAY)."),
            click.option("--config", "config_path", type=click.Path(dir_okay=False), help="A pyproject.toml to read."),
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
            click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True),
            click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply (and count) unsafe fixes."),
            click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of CPUs)."),
            _settings_options,
        ]
    ):
        func = decorator(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claude-migrate")
def cli() -> None:
    """Find and fix Claude API calls that use retired, deprecated or outdated models."""


def _collect(paths, options, config):
    """Settings and the files to check; prints an error line for each missing path."""
    from claude_migrate.discovery import find_files

    settings = _settings(options, config)
    exclude = (*config.get("exclude", ()), *config.get("extend-exclude", ()), *options["exclude"])
    files, missing = [], False
    for item in find_files(paths or (".",), exclude, options["force_exclude"]):
        if isinstance(item, str):
            click.echo(f"error: {item}", err=True)
            missing = True
        else:
            files.append(item)
    return settings, files, missing


def _emit(findings, output_format: str, settings: Settings, summary: str | None = None) -> None:
    from claude_migrate import report

    if output_format == "json":
        click.echo(report.as_json(findings))
        return
    for finding in sorted(findings, key=lambda f: f.sort_key):
        click.echo(report.text_line(finding, settings.unsafe_fixes))
    click.echo(summary or report.summary(findings, settings.unsafe_fixes))


@cli.command()
@_run_options
def check(paths, config_path, **options) -> None:
    """Report findings (default PATH: .)."""
    from claude_migrate.engine import check_path

    settings, files, missing = _collect(paths, options, _config(config_path))
    findings = [f for item in files for f in check_path(item.path, item.display, settings).findings]
    _emit(findings, options["output_format"], settings)
    sys.exit(EXIT_USAGE if missing else EXIT_FINDINGS if findings else EXIT_CLEAN)


@cli.command()
@_run_options
@click.option("--diff", is_flag=True, help="Print a unified diff of what would change; write nothing.")
def fix(paths, config_path, diff, **options) -> None:
    """Apply fixes in place."""
    from claude_migrate.engine import WriteError, check_path
    from claude_migrate.findings import Finding

    settings, files, missing = _collect(paths, options, _config(config_path))
    remaining: list[Finding] = []
    fixed = changed = 0
    for item in files:
        result = check_path(item.path, item.display, settings, fix=True)
        remaining.extend(result.findings)
        if not result.changed:
            continue
        assert result.source is not None and result.original is not None
        new_bytes = result.source.encode(result.new_text)
        if diff:
            changed += 1
            fixed += result.fixed
            _print_diff(item.display, result.source.text, result.new_text)
            continue
        try:
            from claude_migrate.engine import write_atomic

            write_atomic(item.path, result.original, new_bytes)
        except WriteError as exc:
            click.echo(f"error: {item.display}: {exc}", err=True)
            missing = True
            continue
        changed += 1
        fixed += result.fixed
    if diff:
        noun = "finding" if fixed == 1 else "findings"
        click.echo(f"Would fix {fixed} {noun} in {changed} file{'s' if changed != 1 else ''}.", err=True)
        sys.exit(EXIT_USAGE if missing else EXIT_FINDINGS if changed else EXIT_CLEAN)
    total = fixed + len(remaining)
    hidden = sum(1 for f in remaining if f.fixable(True) and not f.fixable(settings.unsafe_fixes))
    summary = (
        "All checks passed!"
        if total == 0
        else f"Found {total} finding{'s' if total != 1 else ''} ({fixed} fixed, {len(remaining)} remaining)."
        + (f" {hidden} more fixable with --unsafe-fixes." if hidden else "")
    )
    _emit(remaining, options["output_format"], settings, summary)
    sys.exit(EXIT_USAGE if missing else EXIT_FINDINGS if remaining else EXIT_CLEAN)


def _print_diff(display: str, old: str, new: str) -> None:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{display}", f"b/{display}"
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
def models(config_path, **options) -> None:
    """The catalog: id, family, generation, status, retirement date, successor under --target."""
    from claude_migrate.catalog import load
    from claude_migrate.lifecycle import status

    settings = _settings(options, _config(config_path))
    catalog = load()
    click.echo(f"Catalog {catalog.version}; status on {settings.today}; successors under --target {settings.target}")
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
    for row in rows:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    click.echo("'?': date not confirmed by Anthropic's documentation (3P or conflicting sources).")


def main() -> None:
    cli(prog_name="claude-migrate")
