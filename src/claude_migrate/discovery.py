"""Which files a run checks: named files always, folders walked recursively for ``*.py``,
skipping the default excludes, the configured excludes and whatever ``.gitignore`` ignores."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from pathspec import GitIgnoreSpec

DEFAULT_EXCLUDES = (
    ".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox",
    "site-packages", ".claude_migrate_cache",
)
EXTENSIONS = (".py", ".ipynb")


@dataclass(frozen=True)
class SourcePath:
    display: str  # as the user will see it: relative to what they typed
    path: Path
    absolute: str = ""  # when the walk knows it: the key of the file in the cache


class _IgnoreFiles:
    """The ``.gitignore`` files that apply below one folder, deepest deciding first (as git).
    Paths are absolute strings: this runs for every file of a tree, and pathlib costs."""

    def __init__(self) -> None:
        self._specs: dict[str, GitIgnoreSpec | None] = {}

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            spec = None
            try:
                with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as handle:
                    spec = GitIgnoreSpec.from_lines(handle.read().splitlines())
            except OSError:
                pass
            self._specs[folder] = spec
        return self._specs[folder]

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


def find_files(
    paths: Sequence[str], is_excluded: Excludes | None = None, force_exclude: bool = False
) -> Iterator[SourcePath | str]:
    """Yield files to check, or an error message (a string) for a path that does not exist."""
    is_excluded = is_excluded or Excludes()
    ignore_files = _IgnoreFiles()

    for given in paths:
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            yield f"{given}: no such file or directory"
            continue
        if not path.is_dir():
            if not (force_exclude and is_excluded(path, False)):
                yield SourcePath(given, path)
            continue
        top = str(path.resolve())
        root = str(_repo_root(path.resolve()))
        for folder, dirnames, filenames in os.walk(path):
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
