"""A project's own catalog file (`catalog` in [tool.claude-migrate], or --catalog): rows that add
models or correct the built-in ones, validated like the built-in catalog."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PINNED, run

from claude_migrate import runner
from claude_migrate.catalog import load

GATEWAY = """\
# Our LLM gateway's name for Claude 3.5 Sonnet v2, and its name for the successor.
[[models]]
id = "claude-3-5-sonnet-20241022"
other_ids = ["acme-claude-sonnet-v2"]

[[models]]
id = "claude-sonnet-4-6"
aliases = ["acme-claude-sonnet"]
"""

SOURCE = 'import anthropic\nMODEL = "acme-claude-sonnet-v2"\nNEXT = "acme-claude-sonnet"\n'


@pytest.fixture(autouse=True)
def fresh_catalogs():
    """A process reads each catalog file once; these tests edit one between in-process runs."""
    load.cache_clear()
    yield
    load.cache_clear()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "our-models.toml").write_text(GATEWAY)
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\ncatalog = "tools/our-models.toml"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "m.py").write_text(SOURCE)
    return tmp_path


def test_a_gateway_id_from_the_project_catalog_is_recognised_and_judged(project):
    code, out, err = run("check", *PINNED, "app", cwd=project)
    assert (code, err) == (1, "")
    assert out == (
        "app/m.py:2:9: CM101 Model 'acme-claude-sonnet-v2' was retired on 2025-10-28; use 'claude-sonnet-4-6' [*]\n"
        "Found 1 finding (1 fixable with `claude-migrate fix`).\n"
    )
    assert run("fix", *PINNED, "app", cwd=project)[0] == 0
    assert (project / "app" / "m.py").read_text() == SOURCE.replace('"acme-claude-sonnet-v2"', '"claude-sonnet-4-6"')


def test_without_the_project_catalog_the_gateway_id_is_unknown(project):
    (project / "pyproject.toml").write_text("[tool.claude-migrate]\n")
    assert run("check", *PINNED, "app", cwd=project)[:2] == (0, "All checks passed!\n")


def test_the_catalog_path_is_relative_to_the_pyproject_folder(project):
    code, out, _ = run("check", *PINNED, "--output-format", "concise", "m.py", cwd=project / "app")
    assert (code, out) == (
        1, "m.py:2:9: CM101 Model 'acme-claude-sonnet-v2' was retired on 2025-10-28; use 'claude-sonnet-4-6'\n"
    )


def test_a_corrected_date_changes_the_verdict(project):
    (project / "app" / "m.py").write_text('MODEL = "claude-opus-4-5"\n')
    args = ("check", *PINNED, "--output-format", "concise", "--no-cache", "app")
    assert run(*args, cwd=project)[1] == (
        "app/m.py:1:9: CM102 Model 'claude-opus-4-5' is deprecated and retires on 2027-01-22; use 'claude-opus-4-6'\n"
    )
    (project / "tools" / "our-models.toml").write_text(
        '[[models]]\nid = "claude-opus-4-5-20251101"\ndeprecated = 2026-09-01\nretired = 2026-11-20\n'
    )
    load.cache_clear()  # as a new run would
    assert run(*args, cwd=project)[1] == (
        "app/m.py:1:9: CM101 Model 'claude-opus-4-5' was retired on 2026-11-20; use 'claude-opus-4-6'\n"
    )


def test_a_correction_keeps_the_fields_it_does_not_give_and_the_other_partner(project):
    (project / "app" / "m.py").write_text('A = "anthropic.claude-3-haiku-20240307-v1:0"\nB = "claude-3-haiku@20240307"\n')
    (project / "tools" / "our-models.toml").write_text(
        '[[models]]\nid = "claude-3-haiku-20240307"\nplatform.vertex = { retired = 2026-05-01, source = "our account rep" }\n'
    )
    _code, out, _ = run("check", "--today", "2026-12-04", "--output-format", "concise", "app", cwd=project)
    assert out.splitlines() == [
        ("app/m.py:1:5: CM101 Model 'anthropic.claude-3-haiku-20240307-v1:0' was retired on 2026-09-10; "
        "use 'anthropic.claude-haiku-4-5-20251001-v1:0'"),
        "app/m.py:2:5: CM101 Model 'claude-3-haiku@20240307' was retired on 2026-05-01; use 'claude-haiku-4-5@20251001'",
    ]


def test_the_command_line_catalog_wins_over_the_configured_one(project):
    (project / "other.toml").write_text('[[models]]\nid = "claude-opus-4-5-20251101"\nother_ids = ["acme-claude-sonnet-v2"]\n')
    _code, out, _ = run("check", *PINNED, "--output-format", "concise", "--catalog", "other.toml", "app", cwd=project)
    assert out.splitlines()[0] == (
        "app/m.py:2:9: CM102 Model 'acme-claude-sonnet-v2' is deprecated and retires on 2027-01-22; use 'claude-opus-4-6'"
    )


def test_a_new_model_adds_a_generation_and_a_target(project):
    (project / "tools" / "our-models.toml").write_text(
        '[[models]]\nid = "claude-opus-6"\nname = "Claude Opus 6"\nfamily = "opus"\ngeneration = "6"\n'
        'released = 2026-11-01\nprefill = "rejected"\nsampling = "defaults_only"\nsource = "our preview access"\n'
    )
    (project / "app" / "m.py").write_text('MODEL = "claude-opus-4-8"\n')
    code, out, _ = run("check", *PINNED[:2], "--target", "6", "--output-format", "concise", "app", cwd=project)
    assert (code, out) == (
        1,
        ("app/m.py:1:9: CM103 Model 'claude-opus-4-8' is outdated: Claude Opus 6 is the newest Opus model at or "
        "below --target 6; use 'claude-opus-6'\n"),
    )
    code, out, _ = run("models", "--today", "2026-11-24", "--target", "6", cwd=project)
    assert out.splitlines()[0] == (
        f"Catalog 2026-12-04 with {project / 'tools' / 'our-models.toml'}; status on 2026-11-24; successors under --target 6"
    )
    assert out.splitlines()[-3] == "claude-opus-6               opus      6    active      -            -"


def test_a_successor_may_be_an_id_of_the_project_catalog(project):
    (project / "pyproject.toml").write_text(
        '[tool.claude-migrate]\ncatalog = "tools/our-models.toml"\n'
        '[tool.claude-migrate.successors]\n"claude-3-5-sonnet-20241022" = "acme-claude-sonnet"\n'
    )
    (project / "app" / "m.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n')
    assert run("fix", *PINNED, "app", cwd=project)[0] == 0
    assert (project / "app" / "m.py").read_text() == 'MODEL = "acme-claude-sonnet"\n'
    # Without the project catalog the same successor is unknown.
    (project / "pyproject.toml").write_text(
        '[tool.claude-migrate.successors]\n"claude-3-5-sonnet-20241022" = "acme-claude-sonnet"\n'
    )
    code, out, err = run("fix", *PINNED, "app", cwd=project)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {project / 'pyproject.toml'}: `successors` key 'claude-3-5-sonnet-20241022': "
        "the successor 'acme-claude-sonnet' is not a model ID the catalog knows\n"
    )


def test_the_project_catalog_reaches_notebooks_and_worker_processes(project):
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [SOURCE]}
    notebook = {"cells": [cell], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (project / "app" / "n.ipynb").write_text(json.dumps(notebook))
    for n in range(runner.POOL_MIN_FILES):
        (project / "app" / f"m{n}.py").write_text(SOURCE)
    done = subprocess.run(
        [sys.executable, "-m", "claude_migrate", "check", *PINNED, "--no-cache", "--jobs", "2",
         "--output-format", "json", "app"],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )
    found = json.loads(done.stdout)
    assert done.returncode == 1
    assert sorted({(Path(f["path"]).name, f["code"]) for f in found}) == sorted(
        [(f"m{n}.py", "CM101") for n in range(runner.POOL_MIN_FILES)] + [("m.py", "CM101"), ("n.ipynb", "CM101")]
    )


def test_the_cache_is_keyed_on_the_project_catalog_bytes(project):
    (project / "app" / "m.py").write_text('MODEL = "claude-opus-4-5"\n')
    args = ("check", *PINNED, "--output-format", "concise", "app")
    assert run(*args, cwd=project)[1].startswith("app/m.py:1:9: CM102 ")
    (project / "tools" / "our-models.toml").write_text(
        '[[models]]\nid = "claude-opus-4-5-20251101"\ndeprecated = 2026-09-01\nretired = 2026-11-20\n'
    )
    load.cache_clear()  # as a new run would
    assert run(*args, cwd=project)[1].startswith("app/m.py:1:9: CM101 ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[models]]\nid = "claude-opus-4-5-20251101"\nretired = "2026-11-20"\n',
            "model 'claude-opus-4-5-20251101': `retired` must be a date (YYYY-MM-DD, unquoted), not '2026-11-20'",
        ),
        ('[[models]]\nid = "claude-opus-4-8"\nretierd = 2026-11-20\n', "model 'claude-opus-4-8': unknown key `retierd`"),
        (
            '[[models]]\nid = "claude-acme-1"\nname = "Acme"\nfamily = "acme"\ngeneration = "1"\n',
            "model 'claude-acme-1': missing required keys `source`, `prefill`, `sampling`",
        ),
        ('[[models]]\nname = "Acme"\n', "[[models]] row 1: missing required key `id`"),
        (
            '[[models]]\nid = "claude-opus-4-5"\nretired = 2026-11-20\n',
            ("[[models]] row 1: `id` 'claude-opus-4-5' is another ID of model 'claude-opus-4-5-20251101': "
            "correct that model by its `id`"),
        ),
        (
            '[[models]]\nid = "claude-opus-4-8"\naliases = ["claude-opus-4-7"]\n',
            "model 'claude-opus-4-8': `aliases` 'claude-opus-4-7' is already an ID of model 'claude-opus-4-7'",
        ),
        (
            '[betas."pdfs-2024-09-25"]\nga = "soon"\n',
            "beta 'pdfs-2024-09-25': `ga` must be a date (YYYY-MM-DD, unquoted), not 'soon'",
        ),
        ('version = "2027-01-01"\n', "unknown key `version`"),
        (
            '[[models]]\nid = "claude-opus-4-6"\naliases = ["claude-opus-4-8"]\n',
            "model 'claude-opus-4-8': `id` 'claude-opus-4-8' is already an ID of model 'claude-opus-4-6'",
        ),
        ('[[models]]\nid = "claude-opus-4-8"\nretired = 2026-13-01\n', "invalid TOML: Expected newline or end of document after a statement (at line 3, column 15)"),
    ],
)
def test_a_bad_project_catalog_is_one_line_naming_the_file_and_key(project, text, message):
    path = project / "tools" / "our-models.toml"
    path.write_text(text)
    code, out, err = run("check", *PINNED, "app", cwd=project)
    assert (code, out, err) == (2, "", f"error: {path}: {message}\n")


def test_a_missing_project_catalog_is_one_line(project):
    code, out, err = run("models", "--catalog", "nowhere.toml", cwd=project)
    assert (code, out, err) == (2, "", f"error: {project / 'nowhere.toml'}: cannot read: No such file or directory\n")


@pytest.mark.parametrize("value", ["3", "''", "[\"a.toml\"]"])
def test_the_catalog_key_must_be_a_path(project, value):
    (project / "pyproject.toml").write_text(f"[tool.claude-migrate]\ncatalog = {value}\n")
    code, _out, err = run("check", *PINNED, "app", cwd=project)
    assert (code, err) == (2, f"error: {project / 'pyproject.toml'}: `catalog` must be the path of a TOML file\n")
