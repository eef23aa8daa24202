"""Where the installed `anthropic` SDK and the catalog disagree (`claude-migrate models --check-sdk`).

The SDK ships the facts it knows as Python literals: its typed model IDs, its DEPRECATED_MODELS
table of end-of-life dates and its typed beta flags. Its files are read as text and parsed with
``ast``: nothing of the package is imported or run.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.catalog import Catalog

#: Files holding the typed model IDs (``Literal[...]``), relative to the package.
MODEL_FILES = ("types/model_param.py", "types/model.py")
#: Where DEPRECATED_MODELS lives: its own module from 2.x, the messages resource before.
DEPRECATED_FILES = ("_data/deprecated_models.py", "resources/messages/messages.py")
BETA_FILE = "types/anthropic_beta_param.py"
VERSION_FILE = "_version.py"

_SDK_DATE = re.compile(r"([A-Z][a-z]+) ([0-9]{1,2})(?:st|nd|rd|th)?, ([0-9]{4})")


class SdkNotFound(Exception):
    """The `anthropic` package is not installed where this Python looks."""


@dataclass(frozen=True)
class Disagreement:
    kind: str  # model | date | beta | layout
    subject: str  # the model ID, flag or file it is about
    file: str  # the SDK file, relative to the package
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.detail}"


@dataclass(frozen=True)
class SdkReport:
    version: str
    path: Path
    catalog_version: str
    disagreements: tuple[Disagreement, ...]

    def lines(self) -> list[str]:
        """A heading, then one line per disagreement."""
        count = len(self.disagreements)
        summary = "no disagreements" if not count else f"{count} disagreement{'s' if count > 1 else ''}"
        head = f"anthropic {self.version} ({self.path}) against catalog {self.catalog_version}: {summary}"
        return [head, *map(str, self.disagreements)]


def find_sdk() -> Path:
    """The installed package's folder, found without importing it."""
    spec = importlib.util.find_spec("anthropic")
    if spec is None or not spec.submodule_search_locations:
        raise SdkNotFound("the anthropic package is not installed in this Python environment (pip install anthropic)")
    return Path(next(iter(spec.submodule_search_locations)))


def check_sdk(catalog: Catalog, package_dir: Path | None = None) -> SdkReport:
    """Compare the SDK in ``package_dir`` (default: the installed one) with ``catalog``."""
    root = package_dir if package_dir is not None else find_sdk()
    found: list[Disagreement] = []
    found += _check_models(catalog, root)
    found += _check_deprecated(catalog, root)
    found += _check_betas(catalog, root)
    return SdkReport(_version(root), root, catalog.version, tuple(found))


def _check_models(catalog: Catalog, root: Path) -> list[Disagreement]:
    out, seen = [], set()
    for name in MODEL_FILES:
        tree = _parse(root, name, out)
        for model_id in _literals(tree) if tree else ():
            if model_id not in seen and catalog.parse(model_id) is None:
                out.append(Disagreement("model", model_id, name, f"model '{model_id}' is not in the catalog"))
            seen.add(model_id)
    return out


def _check_deprecated(catalog: Catalog, root: Path) -> list[Disagreement]:
    out: list[Disagreement] = []
    name = next((n for n in DEPRECATED_FILES if (root / n).is_file()), DEPRECATED_FILES[0])
    tree = _parse(root, name, out)
    if tree is None:
        return out
    table = _assigned_dict(tree, "DEPRECATED_MODELS")
    if table is None:
        return [Disagreement("layout", name, name, "no DEPRECATED_MODELS table found")]
    for model_id, text in table.items():
        ref = catalog.parse(model_id)
        if ref is None:
            out.append(Disagreement("model", model_id, name, f"deprecated model '{model_id}' is not in the catalog"))
            continue
        sdk_date = _sdk_date(text)
        if sdk_date is None:
            out.append(Disagreement("date", model_id, name, f"cannot read the end-of-life date {text!r} of '{model_id}'"))
        elif sdk_date != ref.model.retired:
            ours = ref.model.retired or "no retirement date"
            detail = f"'{model_id}' reaches end of life on {sdk_date} in the SDK, {ours} in the catalog"
            out.append(Disagreement("date", model_id, name, detail))
    return out


def _check_betas(catalog: Catalog, root: Path) -> list[Disagreement]:
    out: list[Disagreement] = []
    tree = _parse(root, BETA_FILE, out)
    for flag in _literals(tree) if tree else ():
        if not catalog.knows_beta(flag):
            out.append(Disagreement("beta", flag, BETA_FILE, f"beta flag '{flag}' is not in the catalog"))
    return out


def _parse(root: Path, name: str, out: list[Disagreement]) -> ast.Module | None:
    """The file's syntax tree; a missing or unreadable file is a disagreement of its own."""
    try:
        return ast.parse((root / name).read_text("utf-8"), name)
    except FileNotFoundError:
        detail = "not found (has the SDK's layout changed?)"
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
        detail = f"cannot be read: {error}"
    out.append(Disagreement("layout", name, name, detail))
    return None


def _literals(tree: ast.Module) -> list[str]:
    """The strings of every ``Literal[...]`` in the module, in order."""
    values: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _name(node.value) == "Literal":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            values += [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    return values


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _assigned(tree: ast.Module, target: str) -> ast.expr | None:
    """The value assigned to the name ``target`` at module level."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(_name(t) == target for t in node.targets):
            return node.value
        if isinstance(node, ast.AnnAssign) and _name(node.target) == target:
            return node.value
    return None


def _assigned_dict(tree: ast.Module, target: str) -> dict[str, str] | None:
    """The dict literal assigned to ``target``, its keys and values as strings."""
    value = _assigned(tree, target)
    if not isinstance(value, ast.Dict):
        return None
    try:
        table = ast.literal_eval(value)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in table.items()}


def _sdk_date(text: str) -> dt.date | None:
    """The SDK's "January 22nd, 2027" as a date."""
    match = _SDK_DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return dt.datetime.strptime(" ".join(match.groups()), "%B %d %Y").date()
    except ValueError:
        return None


def _version(root: Path) -> str:
    try:
        value = _assigned(ast.parse((root / VERSION_FILE).read_text("utf-8")), "__version__")
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        value = None
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return "(unknown version)"
