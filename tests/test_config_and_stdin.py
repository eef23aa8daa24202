"""Configuration, file- and statement-level suppressions, and standard input, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import PINNED, positions, run

OLD = 'import anthropic\nMODEL = "claude-2.1"\n'
FIXED = 'import anthropic\nMODEL = "claude-opus-4-6"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("app", "tests", "legacy"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(OLD)
    return tmp_path


def paths_reported(project: Path, *args: str) -> list[str]:
    _, out, _ = run("check", *PINNED, "--output-format", "json", *args, cwd=project)
    return sorted({row["path"] for row in json.loads(out)})


def test_per_file_ignores_match_relative_to_the_config_file(project):
    (project / "pyproject.toml").write_text(
        '[tool.claude-migrate]\nper-file-ignores = { "tests/*" = ["CM1"], "legacy/" = ["CM101"] }\n'
    )
    assert paths_reported(project, ".") == ["app/m.py"]
    # The same globs apply when run from a subfolder: they are relative to pyproject.toml.
    assert paths_reported(project / "tests", ".") == []
    # A prefix that does not cover the code does not silence it.
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nper-file-ignores = { "tests/*" = ["CM2"] }\n')
    assert paths_reported(project, "tests") == ["tests/m.py"]


def test_exclude_and_extend_exclude_from_config(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nexclude = ["legacy/"]\nextend-exclude = ["tests"]\n')
    assert paths_reported(project, ".") == ["app/m.py"]


def test_configured_excludes_are_relative_to_the_config_file(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nexclude = ["/legacy/m.py"]\n')
    (project / "app" / "legacy").mkdir()
    (project / "app" / "legacy" / "m.py").write_text(OLD)
    assert paths_reported(project, ".") == ["app/legacy/m.py", "app/m.py", "tests/m.py"]
    assert paths_reported(project / "legacy", ".") == []
    # A command-line exclude is relative to the current folder.
    assert paths_reported(project / "app", "--exclude", "/legacy", ".") == ["m.py"]


def test_config_option_overrides_the_nearest_file(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nignore = ["CM1"]\n')
    (project / "strict.toml").write_text('[tool.claude-migrate]\nselect = ["CM1"]\n')
    assert paths_reported(project, ".") == []
    assert paths_reported(project, "--config", "strict.toml", ".") == ["app/m.py", "legacy/m.py", "tests/m.py"]


def test_bad_per_file_ignores_is_a_usage_error(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nper-file-ignores = { "tests/*" = "CM1" }\n')
    code, _, err = run("check", "app", cwd=project)
    assert code == 2
    assert "per-file-ignores" in err and "pyproject.toml" in err


IGNORED_FILE = """\
# claude-migrate: ignore-file
import anthropic
MODEL = "claude-2.1"
"""


def test_ignore_file_silences_every_rule_in_the_file():
    assert positions(IGNORED_FILE) == []


def test_ignore_file_with_codes_silences_only_those():
    source = '# claude-migrate: ignore-file[CM2]\nimport anthropic\nMODEL = "claude-2.1"\n'
    assert positions(source) == [("CM101", 3, 9)]
    assert positions(source.replace("[CM2]", "[CM1]")) == []


STATEMENT = """\
import anthropic
client = anthropic.Anthropic()
client.messages.create(  # claude-migrate: ignore[CM101]
    model="claude-2.1",
    max_tokens=1024,
    messages=[],
)
client.messages.create(
    model="claude-2.1",  # claude-migrate: ignore
    max_tokens=1024,
    messages=[],
)
client.messages.create(
    model="claude-2.1",
    max_tokens=1024,
    messages=[],
)
"""


def test_suppression_on_the_first_line_of_a_statement_covers_the_statement():
    assert positions(STATEMENT) == [("CM101", 14, 11)]


def test_suppression_inside_a_statement_covers_only_its_line():
    source = 'import anthropic\nMODELS = dict(\n    a="claude-2.1",  # noqa: CM101\n    b="claude-2.1",\n)\n'
    assert positions(source) == [("CM101", 4, 7)]


def test_a_bare_noqa_does_not_suppress():
    assert positions('import anthropic\nMODEL = "claude-2.1"  # noqa\n') == [("CM101", 2, 9)]


# -- standard input ---------------------------------------------------------------------------


def test_check_stdin_uses_the_stdin_filename(project):
    code, out, _ = run("check", *PINNED, "-", "--stdin-filename", "app/new.py", cwd=project, input=OLD)
    assert code == 1
    assert out.splitlines()[0] == "app/new.py:2:9: CM101 Model 'claude-2.1' was retired on 2025-07-21; use 'claude-opus-4-6' [*]"


def test_per_file_ignores_apply_to_the_stdin_filename(project):
    (project / "pyproject.toml").write_text('[tool.claude-migrate]\nper-file-ignores = { "tests/*" = ["CM1"] }\n')
    code, out, _ = run("check", *PINNED, "-", "--stdin-filename", "tests/new.py", cwd=project, input=OLD)
    assert (code, out) == (0, "All checks passed!\n")


def test_fix_stdin_writes_the_fixed_source_to_stdout_and_the_report_to_stderr(project):
    code, out, err = run("fix", *PINNED, "-", "--stdin-filename", "app/new.py", cwd=project, input=OLD)
    assert (code, out) == (0, FIXED)
    assert err == "Found 1 finding (1 fixed, 0 remaining).\n"


def test_fix_stdin_keeps_crlf_and_reports_what_remains(project):
    source = OLD.replace("\n", "\r\n") + 'KNOWN = ["claude-3-opus-20240229"]\r\n'
    code, out, err = run("fix", *PINNED, "-", "--stdin-filename", "x.py", cwd=project, input=source.encode(), raw=True)
    assert code == 1
    assert out == (FIXED.replace("\n", "\r\n") + 'KNOWN = ["claude-3-opus-20240229"]\r\n').encode()
    assert err.splitlines()[-1] == "Found 2 findings (1 fixed, 1 remaining). 1 more fixable with --unsafe-fixes."


def test_force_exclude_passes_an_excluded_stdin_filename_through(project):
    args = ("-", "--stdin-filename", "legacy/new.py", "--exclude", "legacy/", "--force-exclude")
    assert run("check", *PINNED, *args, cwd=project, input=OLD)[:2] == (0, "All checks passed!\n")
    assert run("fix", *PINNED, *args, cwd=project, input=OLD)[:2] == (0, OLD)


def test_stdin_syntax_error_is_cm000_and_fix_echoes_the_input(project):
    broken = 'import anthropic\nMODEL = ("claude-2.1"\n'
    code, out, err = run("fix", *PINNED, "-", "--stdin-filename", "x.py", cwd=project, input=broken)
    assert (code, out) == (1, broken)
    assert err.startswith("x.py:2:9: CM000 syntax error: '(' was never closed")
