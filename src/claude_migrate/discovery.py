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


class _IgnoreFiles:
    """The ``.gitignore`` files that apply below one folder, deepest deciding first (as git)."""

    def __init__(self) -> None:
        self._specs: dict[Path, GitIgnoreSpec | None] = {}

    def _spec(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            spec = None
            try:
                lines = (folder / ".gitignore").read_text("utf-8", errors="replace").splitlines()
                spec = GitIgnoreSpec.from_lines(lines)
            except OSError:
                pass
            self._specs[folder] = spec
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool, top: Path) -> bool:
        folder = path.parent
        while True:
            spec = self._spec(folder)
            if spec is not None:
                relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
                verdict = spec.check_file(relative).include
                if verdict is not None:
                    return verdict
            if folder == top or folder.parent == folder:
                return False
            folder = folder.parent


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
        cwd = Path.cwd().resolve()
        self._specs = [(GitIgnoreSpec.from_lines(DEFAULT_EXCLUDES), cwd)]
        self._specs += [(GitIgnoreSpec.from_lines(globs), root.resolve()) for globs, root in groups if globs]

    def __call__(self, path: Path, is_dir: bool = False) -> bool:
        suffix = "/" if is_dir else ""
        absolute = path.resolve() if not path.is_symlink() else path.absolute()
        for spec, root in self._specs:
            if spec.match_file(path.name + suffix):
                return True
            try:
                relative = absolute.relative_to(root).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + suffix):
                return True
        return False


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
        top = path.resolve()
        root = _repo_root(top)
        for folder, dirnames, filenames in os.walk(path):
            here = Path(folder)
            here_abs = top / here.relative_to(path)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not is_excluded(here / d, True)
                and not ignore_files.ignored(here_abs / d, True, root)
            )
            for name in sorted(filenames):
                if not name.endswith(EXTENSIONS):
                    continue
                if is_excluded(here / name, False) or ignore_files.ignored(here_abs / name, False, root):
                    continue
                display = os.path.normpath(os.path.join(given, os.path.relpath(here / name, path)))
                yield SourcePath(display, here / name)
