"""Per-file results kept between runs, so a second run on an unchanged tree parses nothing.

One JSON file per tool and catalog version in the cache folder (``.claude_migrate_cache/``,
which ignores itself for git). An entry holds the file's size and modification time, a hash of
its bytes, a digest of the settings it was checked with, and its findings: their offsets, and
where the lines they are on start and end (so they are reported without reading the file). A
file whose size and time are unchanged is not read at all (as ruff and git do); one whose time
changed is read and hashed, and is re-checked only if its bytes changed. A time too close to the run's start to be trusted
(the file may change again within the same clock tick) is not stored, only the hash.

JSON rather than pickle: the folder sits in the user's tree, and loading it must never run code.
For the same reason every entry is checked field by field as it is read, and the folder is not
used at all when it, its file or its ``.gitignore`` is a symbolic link.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from claude_migrate.discovery import SourcePath
from claude_migrate.files import create_temp
from claude_migrate.findings import SAFE, UNSAFE, Edit, Finding, Fix
from claude_migrate.settings import Settings
from claude_migrate.source import PositionMap

#: A modification time this close to the run's start may hide a second change in the same tick.
RACY_NS = 2_000_000_000
#: A cache file bigger than this is not read (and is replaced): no input may exhaust the run.
MAX_CACHE_BYTES = 256 * 1024 * 1024


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
        # A symbolic link in the cache's place would have the run read or write somewhere else.
        self._refused = _symbolic_link(self.file)
        raw = {} if self._refused else _read(self.file)
        # Entries stay as JSON until asked for: a run may need only some of them.
        self._entries: dict[str, Entry | list] = raw if isinstance(raw, dict) else {}

    def get(self, item: SourcePath, settings: Settings) -> Entry | None:
        key = _key(item)
        entry = self._entries.get(key)
        if entry is not None and not isinstance(entry, Entry):
            try:
                entry = self._entries[key] = _decode_entry(entry)
            except (ValueError, TypeError):  # a foreign, damaged or forged entry: check the file again
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
        if self._refused:
            return self._refused
        if not self._dirty:
            return None
        folder = self.file.parent
        entries = {key: _encode_entry(e) if isinstance(e, Entry) else e for key, e in self._entries.items()}
        try:
            refused = _symbolic_link(self.file)  # again: the folder may have been replaced since
            if refused:
                return refused
            folder.mkdir(parents=True, exist_ok=True)
            _write_gitignore(folder)
            fd, temp = create_temp(folder, self.file.name)
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


def _symbolic_link(file: Path) -> str | None:
    """Why not to use the cache: its folder, its file or its .gitignore is a symbolic link."""
    for path in (file.parent, file.parent / ".gitignore", file):
        if os.path.islink(path):
            return f"not using the cache: {path} is a symbolic link"
    return None


def _read(file: Path) -> object:
    """The cache file's JSON; {} when there is none, or it is not a regular file, too big or damaged."""
    try:  # no symbolic link (nor, non-blocking, a FIFO)
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as handle:
        try:
            st = os.fstat(fd)
            if not S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_BYTES:
                return {}
            return json.loads(handle.read(MAX_CACHE_BYTES + 1))
        except (OSError, ValueError, RecursionError):  # a crashed writer's, or anyone's: start over
            return {}


def _write_gitignore(folder: Path) -> None:
    """Have the folder ignore itself for git; never through a symbolic link, never over a file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(folder / ".gitignore", flags, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# Written by claude-migrate: its cache is never committed.\n*\n")


def _key(item: SourcePath) -> str:
    return item.absolute or os.path.abspath(item.path)


def _encode_entry(entry: Entry) -> list:
    # The findings share their file's map (``engine.finish_result``), kept to their lines.
    lines, cells = entry.findings[0].positions.rows() if entry.findings else ([], [])
    return [entry.settings, entry.stat, entry.hash, [_encode_finding(f) for f in entry.findings], lines, cells]


def _decode_entry(raw: object) -> Entry:
    """An entry from its JSON, checked field by field: the file is in the user's tree, and a
    damaged or forged entry must not reach the reports."""
    settings, size_time, digest, findings, lines, cells = _list(raw, 6)
    if size_time is not None:
        size_time = tuple(_int(n) for n in _list(size_time, 2))
    positions = PositionMap.from_rows(
        [tuple(_int(n) for n in _list(line, 3)) for line in _list(lines)],
        [tuple(_int(n) for n in _list(cell, 2)) for cell in _list(cells)],
    )
    findings = tuple(_decode_finding(f, positions) for f in _list(findings))
    return Entry(_str(settings), size_time, _str(digest), findings)


def _encode_finding(finding: Finding) -> list:
    fix = finding.fix and [finding.fix.applicability, [astuple(e) for e in finding.fix.edits]]
    return [finding.code, finding.name, finding.severity, finding.message, finding.start, finding.end, fix]


def _decode_finding(raw: object, positions: PositionMap) -> Finding:
    code, name, severity, message, start, end, fix = _list(raw, 7)
    if fix is not None:
        applicability, fix_edits = _list(fix, 2)
        if applicability not in (SAFE, UNSAFE):
            raise ValueError(applicability)
        fix = Fix(tuple(_decode_edit(e) for e in _list(fix_edits)), applicability)
    if not (isinstance(code, str) and _CODE.fullmatch(code)) or severity not in ("error", "warning"):
        raise ValueError(code)
    finding = Finding(code, _str(name), severity, _str(message), _int(start), _int(end), fix, "", positions)
    for offset in finding.offsets():
        positions.position(offset)  # ValueError if the map does not know where it is
    return finding


def _decode_edit(raw: object) -> Edit:
    start, end, new = _list(raw, 3)
    return Edit(_int(start), _int(end), _str(new))


_CODE = re.compile(r"CM[0-9]{3}")


def _list(value: object, length: int | None = None) -> list:
    if type(value) is not list or length is not None and len(value) != length:
        raise ValueError(value)
    return value


def _int(value: object) -> int:
    if type(value) is not int:  # not a bool either
        raise ValueError(value)
    return value


def _str(value: object) -> str:
    if type(value) is not str:
        raise ValueError(value)
    return value
