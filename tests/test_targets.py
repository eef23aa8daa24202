"""--target and `target` take the catalog's generations (from `targets_from` on) and latest; the
list is data, read only when a run needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run

from claude_migrate.catalog import load

TARGETS = "4, 4.1, 4.5, 4.6, 4.7, 4.8, 5, 5.1, 5.2, 5.5, latest"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "m.py").write_text('MODEL = "claude-fable-5"\n')
    return tmp_path


def _concise(project: Path, *args: str) -> tuple[int, str]:
    code, out, _ = run("check", "--today", "2026-11-24", "--output-format", "concise", *args, "m.py", cwd=project)
    return code, out


def test_every_generation_of_the_catalog_from_the_first_target_is_a_target():
    assert ", ".join(load().targets) == TARGETS


@pytest.mark.parametrize("target", load().targets)
def test_each_target_is_accepted(project, target):
    assert _concise(project, "--target", target)[0] in (0, 1)


@pytest.mark.parametrize(
    ("target", "new"), [("5.1", "claude-fable-5-1"), ("5.2", "claude-fable-5-2"), ("latest", "claude-fable-5-2")]
)
def test_generations_the_contract_did_not_list_before_are_targets(project, target, new):
    assert _concise(project, "--target", target) == (
        1,
        (f"m.py:1:9: CM103 Model 'claude-fable-5' is outdated: {load().model(new).name} is the newest Fable model "
        f"at or below --target {target}; use '{new}'\n"),
    )


def test_a_bad_target_is_a_usage_error_listing_the_targets(project):
    code, out, err = run("check", "--target", "3.5", "m.py", cwd=project)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == f"Error: Invalid value for '--target': '3.5' is not one of {TARGETS}."


@pytest.mark.parametrize(("value", "shown"), [('"3.5"', "'3.5'"), ("9", "'9'"), ('"lastest"', "'lastest'")])
def test_a_bad_configured_target_is_one_line_naming_the_file(project, value, shown):
    (project / "pyproject.toml").write_text(f"[tool.claude-migrate]\ntarget = {value}\n")
    code, out, err = run("check", "m.py", cwd=project)
    assert (code, out) == (2, "")
    assert err == f"error: {project / 'pyproject.toml'}: `target` must be one of {TARGETS}, not {shown}\n"


def test_a_configured_target_that_is_not_a_string_or_number(project):
    (project / "pyproject.toml").write_text("[tool.claude-migrate]\ntarget = true\n")
    code, _, err = run("check", "m.py", cwd=project)
    assert (code, err) == (2, f"error: {project / 'pyproject.toml'}: `target` must be a generation such as \"4.6\", or \"latest\"\n")


def test_a_configured_target_from_the_catalog(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\ntarget = "5.1"\n')
    assert _concise(project)[1].endswith("use 'claude-fable-5-1'\n")
    assert _concise(project, "--target", "5.2")[1].endswith("use 'claude-fable-5-2'\n")  # the command line wins


@pytest.mark.parametrize("args", [["check", "--help"], ["fix", "--help"], ["models", "--help"]])
def test_help_neither_reads_the_catalog_nor_imports_libcst(args):
    script = (
        "import sys\n"
        "from claude_migrate.cli import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit:\n    pass\n"
        "catalog = sys.modules.get('claude_migrate.catalog')\n"
        "read = catalog is not None and catalog.load.cache_info().misses > 0\n"
        "print('libcst' in sys.modules, read)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.splitlines()[-1] == "False False"


def test_rules_does_not_read_the_catalog():
    script = (
        "from claude_migrate.cli import cli\n"
        "from claude_migrate.catalog import load\n"
        "try:\n    cli(['rules'])\nexcept SystemExit:\n    pass\n"
        "print(load.cache_info().misses)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.splitlines()[-1] == "0"


def test_help_describes_the_target_without_a_fixed_list(tmp_path):
    out = " ".join(run("check", "--help", cwd=tmp_path)[1].split())
    assert "--target GEN Generation to migrate to, one of the catalog's, or latest (default 4.6)." in out
    assert "--catalog FILE A TOML file of models and beta flags to add to or correct in the catalog." in out
