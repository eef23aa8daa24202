"""The command line as users and CI call it: exact output, exact exit codes."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PINNED, run

from claude_migrate.rules import RULES

CLIENT = """\
import anthropic

client = anthropic.Anthropic()
reply = client.messages.create(
    model="claude-3-5-sonnet-20241022",
    max_tokens=1024,
    messages=[],
)
ALLOWED = ["claude-3-opus-20240229"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "client.py").write_text(CLIENT)
    (tmp_path / "app" / "clean.py").write_text('MODEL = "claude-sonnet-4-6"\n')
    return tmp_path


def test_check_text_output_and_exit_code(project):
    code, out, _ = run("check", *PINNED, "app", cwd=project)
    assert code == 1
    assert out.splitlines() == [
        "app/client.py:5:11: CM101 Model 'claude-3-5-sonnet-20241022' was retired on 2025-10-28; use 'claude-sonnet-4-6' [*]",
        "app/client.py:9:12: CM101 Model 'claude-3-opus-20240229' was retired on 2026-01-05; use 'claude-opus-4-6'",
        "Found 2 findings (1 fixable with `claude-migrate fix`, 1 more with --unsafe-fixes).",
    ]


def test_check_json_output(project):
    code, out, _ = run("check", *PINNED, "--output-format", "json", "app/client.py", cwd=project)
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "app/client.py", "line": 5, "column": 11, "end_line": 5, "end_column": 39,
            "code": "CM101", "name": "retired-model", "severity": "error",
            "message": "Model 'claude-3-5-sonnet-20241022' was retired on 2025-10-28; use 'claude-sonnet-4-6'",
            "fix": "safe",
        },
        {
            "path": "app/client.py", "line": 9, "column": 12, "end_line": 9, "end_column": 36,
            "code": "CM101", "name": "retired-model", "severity": "error",
            "message": "Model 'claude-3-opus-20240229' was retired on 2026-01-05; use 'claude-opus-4-6'",
            "fix": "unsafe",
        },
    ]


def test_check_clean_file_exits_zero(project):
    code, out, _ = run("check", *PINNED, "app/clean.py", cwd=project)
    assert (code, out) == (0, "All checks passed!\n")


def test_select_and_ignore_prefixes(project):
    assert run("check", *PINNED, "--select", "CM2", "app", cwd=project)[0] == 0
    assert run("check", *PINNED, "--ignore", "CM1", "app", cwd=project)[0] == 0
    assert run("check", *PINNED, "--select", "CM101", "--ignore", "CM1", "app", cwd=project)[0] == 1


def test_missing_path_is_reported_and_the_run_goes_on(project):
    code, out, err = run("check", *PINNED, "nope.py", "app/client.py", cwd=project)
    assert code == 2
    assert err == "error: nope.py: no such file or directory\n"
    assert "app/client.py:5:11: CM101" in out


def test_fix_writes_safe_fixes_and_reports_what_remains(project):
    code, out, _ = run("fix", *PINNED, "app", cwd=project)
    assert code == 1
    assert out.splitlines() == [
        "app/client.py:9:12: CM101 Model 'claude-3-opus-20240229' was retired on 2026-01-05; use 'claude-opus-4-6'",
        "Found 2 findings (1 fixed, 1 remaining). 1 more fixable with --unsafe-fixes.",
    ]
    assert (project / "app" / "client.py").read_text() == CLIENT.replace(
        "claude-3-5-sonnet-20241022", "claude-sonnet-4-6"
    )
    code, out, _ = run("fix", *PINNED, "--unsafe-fixes", "app", cwd=project)
    assert (code, out) == (0, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert run("check", *PINNED, "app", cwd=project)[0] == 0


def test_fix_diff_writes_nothing(project):
    code, out, err = run("fix", *PINNED, "--diff", "app", cwd=project)
    assert code == 1
    assert out == (
        "--- a/app/client.py\n"
        "+++ b/app/client.py\n"
        "@@ -2,7 +2,7 @@\n"
        " \n"
        " client = anthropic.Anthropic()\n"
        " reply = client.messages.create(\n"
        '-    model="claude-3-5-sonnet-20241022",\n'
        '+    model="claude-sonnet-4-6",\n'
        "     max_tokens=1024,\n"
        "     messages=[],\n"
        " )\n"
    )
    assert err == "Would fix 1 finding in 1 file.\n"
    assert (project / "app" / "client.py").read_text() == CLIENT
    assert run("fix", *PINNED, "--diff", "app/clean.py", cwd=project)[0] == 0


def test_fix_keeps_file_mode(project):
    path = project / "app" / "client.py"
    path.chmod(0o640)
    run("fix", *PINNED, "app/client.py", cwd=project)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "claude-sonnet-4-6" in path.read_text()


def test_fix_refuses_a_read_only_file(project):
    path = project / "app" / "client.py"
    path.chmod(0o444)
    code, _, err = run("fix", *PINNED, "app/client.py", cwd=project)
    assert code == 1  # the findings remain on disk
    assert err == "error: app/client.py: the file is read-only; nothing was written\n"
    assert path.read_text() == CLIENT


def test_syntax_error_is_cm000_and_other_files_are_checked(project):
    (project / "app" / "broken.py").write_text('import anthropic\nprint "claude-2.1"\n')
    code, out, _ = run("check", *PINNED, "--select", "CM000", "app", cwd=project)
    assert code == 1
    assert out.splitlines()[0] == (
        "app/broken.py:2:1: CM000 syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"
    )


def test_undecodable_file_is_cm000(project):
    (project / "app" / "latin.py").write_bytes(b'MODEL = "claude-2.1"  # caf\xe9\n')
    code, out, _ = run("check", *PINNED, "app/latin.py", cwd=project)
    assert code == 1
    assert out.splitlines()[0] == "app/latin.py:1:1: CM000 cannot decode as utf-8: invalid continuation byte (byte 0xe9)"


def test_walk_skips_default_excludes_and_gitignored_files(project):
    for folder in (".venv", "build", "node_modules", "generated"):
        (project / folder).mkdir()
        (project / folder / "old.py").write_text('MODEL = "claude-2.1"\n')
    (project / ".gitignore").write_text("generated/\n")
    (project / "app" / "notes.txt").write_text('MODEL = "claude-2.1"\n')
    code, out, _ = run("check", *PINNED, "--output-format", "json", ".", cwd=project)
    assert sorted({row["path"] for row in json.loads(out)}) == ["app/client.py"]


def test_exclude_option_and_explicit_files(project):
    code, out, _ = run("check", *PINNED, "--exclude", "app/client.py", ".", cwd=project)
    assert code == 0
    # A file named explicitly is checked, unless --force-exclude.
    assert run("check", *PINNED, "--exclude", "app/client.py", "app/client.py", cwd=project)[0] == 1
    assert run("check", *PINNED, "--exclude", "app/client.py", "--force-exclude", "app/client.py", cwd=project)[0] == 0


def test_config_file_is_read_and_command_line_wins(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\ntarget = "4.8"\nignore = ["CM101"]\n')
    (project / "app" / "opus.py").write_text('MODEL = "claude-opus-4-6"\n')
    code, out, _ = run("check", "--today", "2026-11-24", "app/opus.py", cwd=project)
    assert code == 1 and "CM103" in out and "claude-opus-4-8" in out
    assert run("check", "--today", "2026-11-24", "--target", "4.6", "app/opus.py", cwd=project)[0] == 0
    assert run("check", "--today", "2026-11-24", "app/client.py", cwd=project)[0] == 0


def test_config_successor_override(project):
    (project / "pyproject.toml").write_text(
        '[tool.claude-migrate.successors]\n"claude-3-opus-20240229" = "claude-opus-4-8"\n'
    )
    (project / "app" / "old.py").write_text('MODEL = "claude-3-opus-20240229"\n')
    run("fix", *PINNED, "app/old.py", cwd=project)
    assert (project / "app" / "old.py").read_text() == 'MODEL = "claude-opus-4-8"\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('colour = "red"', "unknown key `colour` in [tool.claude-migrate]"),
        ('target = "3.5"', "`target` must be one of"),
        ("select = \"CM1\"", "`select` must be a list of strings"),
    ],
)
def test_bad_configuration_is_a_usage_error_naming_the_key(project, toml, message):
    (project / "pyproject.toml").write_text(f"[tool.claude-migrate]\n{toml}\n")
    code, _, err = run("check", "app", cwd=project)
    assert code == 2
    assert message in err and "pyproject.toml" in err


def test_bad_target_and_today_are_usage_errors(project):
    assert run("check", "--target", "9", "app", cwd=project)[0] == 2
    assert run("check", "--today", "tomorrow", "app", cwd=project)[0] == 2


def test_today_from_environment(project, monkeypatch):
    (project / "app" / "s45.py").write_text('MODEL = "claude-sonnet-4-5-20250929"\n')
    monkeypatch.setenv("CLAUDE_MIGRATE_TODAY", "2026-06-01")
    assert run("check", "--target", "4.5", "app/s45.py", cwd=project)[0] == 0
    monkeypatch.setenv("CLAUDE_MIGRATE_TODAY", "2026-12-01")
    code, out, _ = run("check", "--target", "4.5", "app/s45.py", cwd=project)
    assert code == 1 and "CM101" in out and "no newer Sonnet model at or below --target 4.5" in out


def test_rules_lists_every_rule(tmp_path):
    code, out, _ = run("rules", cwd=tmp_path)
    assert code == 0
    codes = [line.split()[0] for line in out.splitlines()]
    assert codes == [rule.code for rule in RULES]
    # A guard against losing a rule from the registry unnoticed:
    assert codes == [
        "CM000", "CM101", "CM102", "CM103", "CM201", "CM301", "CM302", "CM303", "CM304", "CM401", "CM402", "CM501",
        "CM601", "CM602", "CM603", "CM604", "CM605", "CM606",
    ]
    assert out.splitlines()[1].split()[:4] == ["CM101", "retired-model", "error", "safe"]


def test_explain_shows_docs_and_examples(tmp_path):
    code, out, _ = run("explain", "cm101", cwd=tmp_path)
    assert code == 0
    for heading in ("CM101 retired-model", "## What it does", "## Why", "## Example", "## Fix safety"):
        assert heading in out
    assert '    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[])' in out
    assert run("explain", "CM999", cwd=tmp_path)[0] == 2


def test_models_lists_catalog_with_successors(tmp_path):
    code, out, _ = run("models", "--today", "2026-11-24", "--target", "4.8", cwd=tmp_path)
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.startswith("claude-")}
    assert rows["claude-3-opus-20240229"][1:] == ["opus", "3", "retired", "2026-01-05", "claude-opus-4-8"]
    assert rows["claude-sonnet-4-6"][1:] == ["sonnet", "4.6", "active", "-", "-"]
    assert rows["claude-sonnet-4-5-20250929"][3] == "deprecated"
    assert rows["claude-mythos-preview"][4] == "2026-06-30?"


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "claude_migrate", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("claude-migrate, version ")
