"""Per-file results kept between runs, so a second run on an unchanged tree parses nothing.

One JSON file per tool and catalog version in the cache folder (``.claude_migrate_cache/``,
which ignores itself for git). An entry holds the file's size and modification time, a hash of its bytes, a
digest of the settings it was checked with, and its findings. A file whose size and time are
unchanged is not read at all (as ruff and git do); one whose time changed is read and hashed,
and is re-checked only if its bytes changed. A time too close to the run's start to be trusted
(the file may change again within the same clock tick) is not stored, only the hash.

JSON rather than pickle: the folder sits in the user's tree, and loading it must never run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path

from claude_migrate.discovery import SourcePath
from claude_migrate.findings import Edit, Finding, Fix
from claude_migrate.settings import Settings

#: A modification time this close to the run's start may hide a second change in the same tick.
RACY_NS = 2_000_000_000


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@lru_cache(maxsize=64)
def settings_digest(settings: Settings) -> str:
    return hashlib.blake2b(repr(settings).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Entry:
    settings: str
    stat: tuple[int, int] | None  # (size, mtime_ns), None when too recent to trust
    hash: str
    findings: tuple[Finding, ...]


def file_stat(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class Cache:
    def __init__(self, folder: Path, version: str) -> None:
        self.file = folder / f"{version}.json"
        self._started = time.time_ns()
        self._dirty = False
        try:
            raw = json.loads(self.file.read_text("utf-8"))
        except (OSError, ValueError):
            raw = {}  # no cache yet, or one a crashed writer left: start over
        # Entries stay as JSON until asked for: a run may need only some of them.
        self._entries: dict[str, Entry | list] = raw if isinstance(raw, dict) else {}

    def get(self, item: SourcePath, settings: Settings) -> Entry | None:
        key = _key(item)
        entry = self._entries.get(key)
        if entry is not None and not isinstance(entry, Entry):
            try:
                entry = self._entries[key] = _decode_entry(entry)
            except (ValueError, TypeError, KeyError, IndexError):  # a foreign or damaged entry
                del self._entries[key]
                return None
        return entry if entry is not None and entry.settings == settings_digest(settings) else None

    def put(self, item: SourcePath, settings: Settings, stat: tuple[int, int] | None, digest: str, findings) -> None:
        if stat is not None and self._started - stat[1] < RACY_NS:
            stat = None
        entry = Entry(settings_digest(settings), stat, digest, tuple(findings))
        key = _key(item)
        if self._entries.get(key) != entry:
            self._entries[key] = entry
            self._dirty = True

    def save(self) -> str | None:
        """Write the cache atomically; return why not, if it could not be written."""
        if not self._dirty:
            return None
        folder = self.file.parent
        entries = {key: _encode_entry(e) if isinstance(e, Entry) else e for key, e in self._entries.items()}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Written by claude-migrate: its cache is never committed.\n*\n", "utf-8")
            fd, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(entries, handle, separators=(",", ":"))
                os.replace(temp, self.file)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as exc:
            return f"cannot write the cache in {folder}: {exc.strerror or exc}"
        self._dirty = False
        return None


def _key(item: SourcePath) -> str:
    return item.absolute or os.path.abspath(item.path)


def _encode_entry(entry: Entry) -> list:
    return [entry.settings, entry.stat, entry.hash, [_encode_finding(f) for f in entry.findings]]


def _decode_entry(raw: list) -> Entry:
    settings, stat, digest, findings = raw
    return Entry(settings, tuple(stat) if stat else None, digest, tuple(_decode_finding(f) for f in findings))


def _encode_finding(finding: Finding) -> list:
    fix = finding.fix and [finding.fix.applicability, [astuple(e) for e in finding.fix.edits]]
    return [
        finding.code, finding.name, finding.severity, finding.message, finding.start, finding.end, fix,
        finding.line, finding.column, finding.end_line, finding.end_column, finding.cell, finding.edits,
    ]


def _decode_finding(raw: list) -> Finding:
    code, name, severity, message, start, end, fix, line, column, end_line, end_column, cell, edits = raw
    if fix is not None:
        fix = Fix(tuple(Edit(*edit) for edit in fix[1]), fix[0])
    edits = tuple(tuple(edit) for edit in edits)
    return Finding(code, name, severity, message, start, end, fix, line, column, end_line, end_column, "", cell, edits)
