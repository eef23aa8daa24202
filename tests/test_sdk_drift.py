"""sdk_drift: the installed SDK agrees with the catalog; each kind of disagreement is reported."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from claude_migrate import sdk_drift
from claude_migrate.catalog import load
from claude_migrate.sdk_drift import SdkNotFound, check_sdk

catalog = load()


def _installed_version() -> str | None:
    spec = importlib.util.find_spec("anthropic")
    if spec is None:
        return None
    return sdk_drift._version(Path(next(iter(spec.submodule_search_locations))))


@pytest.mark.skipif(_installed_version() != "2.17.0", reason="needs anthropic==2.17.0 (the test extras pin it)")
def test_the_pinned_sdk_agrees_with_the_catalog():
    report = check_sdk(catalog)
    assert report.version == "2.17.0"
    assert report.disagreements == ()
    assert report.lines() == [f"anthropic 2.17.0 ({report.path}) against catalog {catalog.version}: no disagreements"]


@pytest.mark.skipif(_installed_version() is None, reason="needs the anthropic package")
def test_checking_never_imports_the_sdk():
    code = (
        "import sys\n"
        "from claude_migrate.catalog import load\n"
        "from claude_migrate.sdk_drift import check_sdk\n"
        "check_sdk(load())\n"
        "assert 'anthropic' not in sys.modules, 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")


FAKE = {
    "_version.py": '__version__ = "9.9.9"\n',
    "types/model_param.py": """
        from typing import Union
        from typing_extensions import Literal, TypeAlias

        ModelParam: TypeAlias = Union[Literal["claude-opus-5-5", "claude-opus-9", "claude-opus-4-5-20251101"], str]
    """,
    "types/model.py": """
        import typing_extensions

        Model = typing_extensions.Literal["claude-opus-9", "claude-haiku-9"]
    """,
    "_data/deprecated_models.py": """
        from typing import Dict

        DEPRECATED_MODELS: Dict[str, str] = {
            "claude-mythos-preview": "June 30th, 2026",
            "claude-opus-4-5": "January 23rd, 2027",
            "claude-sonnet-4-6": "March 1st, 2027",
            "claude-opus-3-9": "May 2nd, 2027",
            "claude-opus-4-5-20251101": "soon",
        }
    """,
    "types/anthropic_beta_param.py": """
        from typing import Union
        from typing_extensions import Literal

        AnthropicBetaParam = Union[str, Literal["compact-2026-09-04", "output-128k-2025-02-19", "brand-new-2027-01-01"]]
    """,
}


def test_every_kind_of_disagreement_is_reported(tmp_path):
    _write(tmp_path, FAKE)
    report = check_sdk(catalog, tmp_path)
    assert report.lines() == [
        f"anthropic 9.9.9 ({tmp_path}) against catalog {catalog.version}: 7 disagreements",
        "types/model_param.py: model 'claude-opus-9' is not in the catalog",
        "types/model.py: model 'claude-haiku-9' is not in the catalog",
        "_data/deprecated_models.py: 'claude-opus-4-5' reaches end of life on 2027-01-23 in the SDK, 2027-01-22 in the catalog",
        "_data/deprecated_models.py: 'claude-sonnet-4-6' reaches end of life on 2027-03-01 in the SDK, no retirement date in the catalog",
        "_data/deprecated_models.py: deprecated model 'claude-opus-3-9' is not in the catalog",
        "_data/deprecated_models.py: cannot read the end-of-life date 'soon' of 'claude-opus-4-5-20251101'",
        "types/anthropic_beta_param.py: beta flag 'brand-new-2027-01-01' is not in the catalog",
    ]
    assert [(d.kind, d.subject) for d in report.disagreements] == [
        ("model", "claude-opus-9"),
        ("model", "claude-haiku-9"),
        ("date", "claude-opus-4-5"),
        ("date", "claude-sonnet-4-6"),
        ("model", "claude-opus-3-9"),
        ("date", "claude-opus-4-5-20251101"),
        ("beta", "brand-new-2027-01-01"),
    ]


def test_the_pre_2_layout_keeps_deprecated_models_in_the_messages_resource(tmp_path):
    files = {name: text for name, text in FAKE.items() if not name.startswith("_data/")}
    files["resources/messages/messages.py"] = """
        DEPRECATED_MODELS = {
            "claude-3-opus-20240229": "January 5th, 2026",
            "claude-3-5-haiku-latest": "February 20th, 2026",
        }


        class Messages:
            pass
    """
    _write(tmp_path, files)
    dates = [str(d) for d in check_sdk(catalog, tmp_path).disagreements if d.kind == "date"]
    assert dates == [
        "resources/messages/messages.py: 'claude-3-5-haiku-latest' reaches end of life on 2026-02-20 in the SDK, 2026-02-19 in the catalog"
    ]


def test_missing_or_broken_files_are_named_not_raised(tmp_path):
    _write(tmp_path, {"types/model.py": "Model = Literal[\n", "_data/deprecated_models.py": "X = 1\n"})
    report = check_sdk(catalog, tmp_path)
    assert report.version == "(unknown version)"
    lines = [str(d) for d in report.disagreements]
    assert lines[0] == "types/model_param.py: not found (has the SDK's layout changed?)"
    assert lines[1].startswith("types/model.py: cannot be read: ")
    assert lines[2:] == [
        "_data/deprecated_models.py: no DEPRECATED_MODELS table found",
        "types/anthropic_beta_param.py: not found (has the SDK's layout changed?)",
    ]
    assert {d.kind for d in report.disagreements} == {"layout"}


def test_an_absent_sdk_is_said_plainly(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SdkNotFound, match=r"^the anthropic package is not installed in this Python environment \(pip install anthropic\)$"):
        check_sdk(catalog)
