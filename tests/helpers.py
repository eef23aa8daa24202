"""Shared helpers: settings as the acceptance cases pin them, and in-memory check/fix."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

from claude_migrate.cli import cli

from claude_migrate.engine import check_file
from claude_migrate.settings import Settings

TODAY = dt.date(2026, 11, 24)


def settings(*args: str, **overrides) -> Settings:
    """Settings from CLI-like args (--target, --today, --select, --ignore, --unsafe-fixes, --preview)."""
    values: dict = {"target": "4.6", "today": TODAY}
    items = list(args)
    while items:
        flag = items.pop(0)
        if flag in ("--unsafe-fixes", "--preview"):
            values[flag[2:].replace("-", "_")] = True
            continue
        value = items.pop(0)
        if flag == "--target":
            values["target"] = value
        elif flag == "--today":
            values["today"] = dt.date.fromisoformat(value)
        elif flag in ("--select", "--ignore"):
            values[flag[2:]] = tuple(value.split(","))
        else:
            raise ValueError(flag)
    values.update(overrides)
    return Settings(**values)


def findings(source: str, *args: str):
    return check_file(source.encode(), "example.py", settings(*args)).findings


def positions(source: str, *args: str, code: str | None = None) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in findings(source, *args) if code in (None, f.code)]


def fixed(source: str, *args: str) -> str:
    result = check_file(source.encode(), "example.py", settings(*args), fix=True)
    assert result.error is None, result.error
    return result.new_bytes.decode() if result.changed else source


#: The acceptance cases' pins, for CLI runs.
PINNED = ["--today", "2026-11-24", "--target", "4.6"]


def run(
    *args: str, cwd: Path, input: bytes | str | None = None, env: dict | None = None, color: bool = False, raw=False
):
    """The real CLI in-process: (exit code, stdout, stderr); stdout as bytes with ``raw``
    (Click's text stdout turns CRLF into LF)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), input=input, env=env, color=color, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout_bytes if raw else result.stdout, result.stderr


#: Seconds a test waits for an event before it calls the run hung. Only a hang is caught with
#: time: the suite runs on loaded machines, so no test measures how fast anything is.
HANG = 300


def wait_until(condition: Callable[[], bool], process: subprocess.Popen) -> None:
    """Poll ``condition`` while ``process`` runs; fail if the process ends first, or hangs."""
    give_up = time.monotonic() + HANG
    while not condition():
        if process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"the run ended (exit {process.returncode}) before the event; stderr: {err!r}")
        if time.monotonic() > give_up:
            raise AssertionError(f"the run hung: still waiting after {HANG} s")
        time.sleep(0.01)
