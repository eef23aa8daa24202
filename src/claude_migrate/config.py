"""``[tool.claude-migrate]`` in ``pyproject.toml``: found by walking up from the current folder
(or named with ``--config``), validated strictly: an unknown key or a bad value is a usage error
that names the key and the file."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from claude_migrate.settings import TARGETS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


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


def _validate(table: dict, where: Path) -> dict:
    values: dict = {}
    for key, value in table.items():
        if key == "target":
            if str(value) not in TARGETS:
                raise ConfigError(f"{where}: `target` must be one of {', '.join(TARGETS)}, not {value!r}")
            values[key] = str(value)
        elif key in ("select", "ignore", "exclude", "extend-exclude"):
            values[key] = _strings(key, value, where)
        elif key in ("unsafe-fixes", "preview"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: `{key}` must be true or false")
            values[key] = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
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
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return data.get("tool", {}).get("claude-migrate")


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
