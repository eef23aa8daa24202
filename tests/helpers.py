"""Shared helpers: settings as the acceptance cases pin them, and in-memory check/fix."""

from __future__ import annotations

import datetime as dt

from claude_migrate.engine import check_bytes
from claude_migrate.settings import Settings

TODAY = dt.date(2026, 11, 24)


def settings(*args: str, **overrides) -> Settings:
    """Settings from CLI-like args (--target, --today, --select, --ignore, --unsafe-fixes)."""
    values: dict = {"target": "4.6", "today": TODAY}
    items = list(args)
    while items:
        flag = items.pop(0)
        if flag == "--unsafe-fixes":
            values["unsafe_fixes"] = True
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
    return check_bytes(source.encode(), "example.py", settings(*args)).findings


def positions(source: str, *args: str, code: str | None = None) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in findings(source, *args) if code in (None, f.code)]


def fixed(source: str, *args: str) -> str:
    result = check_bytes(source.encode(), "example.py", settings(*args), fix=True)
    return result.new_text if result.changed else source
