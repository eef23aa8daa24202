"""Which files a run checks: named files always, folders walked recursively for ``*.py``,
skipping the default excludes, the configured excludes and whatever ``.gitignore`` ignores."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from pathspec import GitIgnoreSpec

from claude_migrate.config import invalid_pattern, read_limited

DEFAULT_EXCLUDES = (
    ".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox",
    "site-packages", ".claude_migrate_cache",
)
EXTENSIONS = (".py", ".ipynb")
#: A ``.gitignore`` is read whole: bigger than this, it is no ignore file a person wrote.
IGNORE_FILE_LIMIT = 1 << 20


@dataclass(frozen=True)
class SourcePath:
    display: str  # as the user will see it: relative to what they typed
    path: Path
    absolute: str = ""  # when the walk knows it: the key of the file in the cache


class _IgnoreFiles:
    """The ``.gitignore`` files that apply below one folder, deepest deciding first (as git).
    Paths are absolute strings: this runs for every file of a tree, and pathlib costs."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._warn = warn

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            self._specs[folder] = self._read(os.path.join(folder, ".gitignore"))
        return self._specs[folder]

    def _read(self, path: str) -> GitIgnoreSpec | None:
        """The patterns of one ignore file; None, with a warning, for one that cannot be used."""
        try:
            lines = read_limited(path, IGNORE_FILE_LIMIT).decode("utf-8", errors="replace").splitlines()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError) as exc:
            self._warn(f"{_shown(path)}: cannot read: {_reason(exc)}; its patterns are not applied")
            return None
        try:
            return GitIgnoreSpec.from_lines(lines)
        except ValueError:  # pathspec refuses a pattern such as a lone "!", which git skips
            bad = [line for line in lines if invalid_pattern([line]) is not None]
            self._warn(f"{_shown(path)}: invalid pattern {_shown(repr(bad[0]))} skipped")
            return GitIgnoreSpec.from_lines([line for line in lines if line not in bad])

    def ignored(self, path: str, is_dir: bool, top: str) -> bool:
        folder = os.path.dirname(path)
        while True:
            spec = self._spec(folder)
            if spec is not None:
                relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
                verdict = spec.check_file(relative).include
                if verdict is not None:
                    return verdict
            parent = os.path.dirname(folder)
            if folder == top or parent == folder:
                return False
            folder = parent


def _shown(text: str) -> str:
    """A path or pattern as a message shows it: control characters escaped."""
    from claude_migrate.report import escape

    return escape(text)


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _repo_root(folder: Path) -> Path:
    """The enclosing git work tree, whose upper ``.gitignore`` files apply; else the folder."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


class Excludes:
    """Exclude globs (gitignore syntax), each matched relative to the folder it belongs to
    (the config file's folder for configured ones, the current folder for command-line ones)
    or against the bare name, plus the default excludes."""

    def __init__(self, groups: Sequence[tuple[Sequence[str], Path]] = ()) -> None:
        cwd = str(Path.cwd().resolve())
        # A bare name matches a file or folder of that name anywhere below its root, which a set
        # tells at once; the other globs go to pathspec (matching every file costs, in big trees).
        self._names: list[tuple[frozenset[str], str]] = []
        self._specs: list[tuple[GitIgnoreSpec, str]] = []
        for globs, root in [(DEFAULT_EXCLUDES, cwd), *((g, str(r.resolve())) for g, r in groups)]:
            names = frozenset(g for g in globs if not any(c in g for c in _GLOB_CHARS))
            if names:
                self._names.append((names, root))
            if len(names) < len(globs):
                self._specs.append((GitIgnoreSpec.from_lines([g for g in globs if g not in names]), root))

    def __call__(self, path: Path, is_dir: bool = False) -> bool:
        absolute = path.resolve() if not path.is_symlink() else path.absolute()
        return self.excludes(str(absolute), is_dir)

    def excludes(self, absolute: str, is_dir: bool) -> bool:
        """The same, for an absolute path with no symbolic link in it (as found by a walk)."""
        suffix = "/" if is_dir else ""
        name = os.path.basename(absolute)
        for names, root in self._names:
            if name in names:
                return True
            relative = _below(absolute, root)
            if relative is not None and not names.isdisjoint(relative.split("/")):
                return True
        name += suffix
        for spec, root in self._specs:
            if spec.match_file(name):
                return True
            relative = _below(absolute, root)
            if relative is not None and spec.match_file(relative + suffix):
                return True
        return False


#: Characters that make an exclude a glob (or a path) rather than a bare name.
_GLOB_CHARS = "*?[]!/\\"


def _below(absolute: str, root: str) -> str | None:
    """``absolute`` relative to ``root`` with forward slashes, or None if it is not below it."""
    if absolute.startswith(root) and absolute[len(root):len(root) + 1] == os.sep:
        return absolute[len(root) + 1:].replace(os.sep, "/")
    return None


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)`` without recursion (on Python 3.11 it recurses once per level and fails
    on a deep tree): top-down, the caller prunes ``dirnames`` in place and decides their order;
    symbolic links to folders are listed but not followed; unreadable folders are skipped."""
    stack = [top]
    while stack:
        folder = stack.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    (dirnames if _is_dir(entry) else filenames).append(entry.name)
        except OSError:
            continue
        yield folder, dirnames, filenames
        below = [os.path.join(folder, name) for name in dirnames]
        stack.extend(sub for sub in reversed(below) if not os.path.islink(sub))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def find_files(
    paths: Sequence[str],
    is_excluded: Excludes | None = None,
    force_exclude: bool = False,
    warn: Callable[[str], None] = _warn,
) -> Iterator[SourcePath | str]:
    """Yield files to check, or an error message (a string) for a path that does not exist."""
    is_excluded = is_excluded or Excludes()
    ignore_files = _IgnoreFiles(warn)

    for given in paths:
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            yield f"{_shown(given)}: no such file or directory"
            continue
        if not path.is_dir():
            if not (force_exclude and is_excluded(path, False)):
                yield SourcePath(given, path)
            continue
        top = str(path.resolve())
        root = str(_repo_root(path.resolve()))
        for folder, dirnames, filenames in _walk(given):
            relative = os.path.relpath(folder, path)
            here_abs = os.path.normpath(os.path.join(top, relative))
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not is_excluded.excludes(os.path.join(here_abs, d), True)
                and not ignore_files.ignored(os.path.join(here_abs, d), True, root)
            )
            for name in sorted(filenames):
                if not name.endswith(EXTENSIONS):
                    continue
                absolute = os.path.join(here_abs, name)
                if is_excluded.excludes(absolute, False) or ignore_files.ignored(absolute, False, root):
                    continue
                display = os.path.normpath(os.path.join(given, relative, name))
                yield SourcePath(display, Path(folder, name), absolute)
