"""``[tool.claude-migrate]`` in ``pyproject.toml``: found by walking up from the current folder
(or named with ``--config``), validated strictly: an unknown key or a bad value is a usage error
that names the key and the file.

What only the catalog can judge (the target generation, successor IDs) is checked by
``check_target`` and ``check_successors`` once the catalog is known: a project's catalog file,
named here or on the command line, may add generations and IDs."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from claude_migrate.catalog import Catalog, ModelRef

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


#: A configuration file is read whole: bigger than this, it is no pyproject.toml a person wrote.
CONFIG_LIMIT = 1 << 20


class ConfigError(Exception):
    pass


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Anything else raises ValueError
    (saying why): a FIFO would block the run, a device such as /dev/zero would never end.
    OSError if it cannot be opened."""
    # Non-blocking, so that opening a FIFO returns at once; stat the open file, not the name.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit >> 20} MiB")
    return data


@dataclass(frozen=True)
class FileConfig:
    path: Path | None = None
    values: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def _strings(key: str, value, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def invalid_pattern(globs: Sequence[str]) -> str | None:
    """The first glob pathspec refuses (gitignore syntax: a lone "!"), or None."""
    from pathspec import GitIgnoreSpec

    for glob in globs:
        try:
            GitIgnoreSpec.from_lines([glob])
        except ValueError:
            return glob
    return None


def _patterns(key: str, globs: tuple[str, ...], where: Path) -> tuple[str, ...]:
    bad = invalid_pattern(globs)
    if bad is not None:
        raise ConfigError(f"{where}: `{key}` has an invalid pattern {bad!r}")
    return globs


def check_target(target: str, where: Path, catalog: Catalog) -> None:
    """A configured target must be one of the catalog's generations (or latest)."""
    if target not in catalog.targets:
        raise ConfigError(f"{where}: `target` must be one of {', '.join(catalog.targets)}, not {target!r}")


def check_successors(successors: tuple[tuple[str, str], ...], where: Path, catalog: Catalog) -> None:
    """Each old ID and its successor must be IDs the catalog (with the project's catalog file)
    knows, on the same platform: the successor is written into code as it stands here."""
    for old, new in successors:
        old_ref, new_ref = catalog.parse(old), catalog.parse(new)
        problem = None
        if old_ref is None:
            problem = "not a model ID the catalog knows"
        elif new_ref is None:
            problem = f"the successor {new!r} is not a model ID the catalog knows"
        elif not _platforms(old_ref) & _platforms(new_ref):
            problem = f"the successor {new!r} is not {_form_names(old_ref)} ID, as the key is"
        if problem:
            raise ConfigError(f"{where}: `successors` key {old!r}: {problem}")


#: Platform forms of a model ID: a successor must share one with the ID it replaces.
_PLATFORM_NAMES = {"api": "a Claude API", "bedrock": "an Amazon Bedrock", "vertex": "a Vertex AI"}


def _platforms(ref: ModelRef) -> set[str]:
    """The platforms whose ID ``ref`` is."""
    if ref.form.startswith("bedrock"):
        return {"bedrock"}
    if ref.form == "vertex":
        return {"vertex"}
    # From 4.6 on, a model's Vertex ID is its API ID, which the catalog reads as the API's.
    bare = ref.text[len(ref.provider_prefix):]
    return {"api", "vertex"} if bare in ref.model.vertex else {"api"}


def _form_names(ref: ModelRef) -> str:
    return " or ".join(_PLATFORM_NAMES[p] for p in sorted(_platforms(ref)))


def _validate(table: dict, where: Path) -> dict:
    values: dict = {}
    for key, value in table.items():
        if key == "target":  # which generations are targets, check_target judges
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ConfigError(f"{where}: `target` must be a generation such as \"4.6\", or \"latest\"")
            values[key] = str(value)
        elif key == "catalog":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: `catalog` must be the path of a TOML file")
            values[key] = os.path.abspath(where.parent / value)  # relative to the pyproject's folder
        elif key in ("select", "ignore"):
            values[key] = _strings(key, value, where)
        elif key in ("exclude", "extend-exclude"):
            values[key] = _patterns(key, _strings(key, value, where), where)
        elif key in ("unsafe-fixes", "preview"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: `{key}` must be true or false")
            values[key] = value
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{where}: `max-file-size` must be a positive number of bytes, such as 4194304")
            values[key] = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
            _patterns("per-file-ignores", tuple(value), where)
            values[key] = {glob: _strings(f"per-file-ignores.{glob}", codes, where) for glob, codes in value.items()}
        elif key == "successors":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{where}: `successors` must be a table of \"old-id\" = \"new-id\"")
            values[key] = tuple(value.items())
        else:
            raise ConfigError(f"{where}: unknown key `{key}` in [tool.claude-migrate]")
    return values


def _read(path: Path) -> dict | None:
    try:
        text = read_limited(path, CONFIG_LIMIT).decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # not a regular file, too big, or not UTF-8
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    tool = data.get("tool", {})
    table = tool.get("claude-migrate") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.claude-migrate] must be a table")
    return table


def load_config(explicit: str | None = None, start: Path | None = None) -> FileConfig:
    if explicit is not None:
        path = Path(explicit)
        table = _read(path)
        return FileConfig(path, _validate(table or {}, path))
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _read(candidate)
            if table is not None:
                return FileConfig(candidate, _validate(table, candidate))
    return FileConfig()
