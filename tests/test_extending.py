"""A new rule is one module in rules/ (and, for a new per-model fact, rows in catalog.toml):
nothing else needs to change for it to be found, documented, run and tested.

Each test copies the package to a temporary folder, adds a rule module there (and appends a
fact to the copy's catalog.toml), and runs the copy in fresh interpreters: `rules` lists the
rule, `explain` documents it with the catalog fact's values, `check` reports it, and the
project's own example tests (tests/test_rules.py) run its examples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import claude_migrate
from helpers import HANG

PACKAGE = Path(claude_migrate.__file__).parent
TESTS = Path(__file__).parent

RULE = '''\
"""CM990 example-param-rejected: a rule of this test, not of the tool."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid


class ExampleParamRejected(Rule):
    code = "CM990"
    name = "example-param-rejected"
    severity = "warning"
    fix = "none"
    summary = "example_param on a model that rejects it"
    what = "Finds `example_param=` on a model whose `{fact}` fact is `{value}`."
    why = "A rule of tests/test_extending.py."
    fix_safety = "No fix."
    fact = "{fact}"
    tokens = ("example_param",)
    context = REQUEST_CONTEXT
    valid = (valid('client.messages.create(model="claude-opus-4-6", max_tokens=8, messages=[])'),)
    invalid = (
        invalid('client.messages.create(model="claude-opus-4-6", example_param=1, messages=[])', at=[(1, 49)]),
    )

    def check_request(self, site: Request) -> None:
        if "example_param" not in site.params:
            return
        where = site.every_model("{fact}", lambda value: value == "{value}")
        if where is not None:
            self.report(site.params["example_param"][0], f"example_param is rejected on {{where}}")
'''

#: A per-model fact of the example rule's own: every model rejects the parameter unless its
#: row says otherwise (no row has to).
NEW_FACT = '''
[facts.example_param]
meaning = "whether a request may set example_param"
default = "rejected"
accepted = "example_param is accepted"
rejected = "example_param is a 400"
source = "tests/test_extending.py"
'''


def _copy_with(tmp_path: Path, fact: str, value: str, catalog_tail: str = "") -> dict[str, str]:
    """The environment of an interpreter that imports a copy of the package with the example
    rule (reading ``fact``) added to its rules, and ``catalog_tail`` to its catalog."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "claude_migrate", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "claude_migrate" / "rules" / "example_param.py").write_text(RULE.format(fact=fact, value=value), "utf-8")
    with open(site / "claude_migrate" / "data" / "catalog.toml", "a", encoding="utf-8") as catalog:
        catalog.write(catalog_tail)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)]), "CLAUDE_MIGRATE_TODAY": "2026-11-24"}


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG, check=False)


def _assert_found_documented_run_and_tested(tmp_path: Path, env: dict[str, str], fact_line: str) -> None:
    where = _run(env, tmp_path, "-c", "import claude_migrate; print(claude_migrate.__file__)")
    assert where.stdout.startswith(str(tmp_path / "site")), where.stderr

    listed = _run(env, tmp_path, "-m", "claude_migrate", "rules")
    assert listed.returncode == 0, listed.stderr
    assert "CM990 example-param-rejected warning none" in " ".join(listed.stdout.split())

    explained = _run(env, tmp_path, "-m", "claude_migrate", "explain", "CM990")
    assert explained.returncode == 0, explained.stderr
    assert '    client.messages.create(model="claude-opus-4-6", example_param=1, messages=[])' in explained.stdout
    assert fact_line in explained.stdout

    (tmp_path / "app.py").write_text('client.messages.create(model="claude-opus-4-6", example_param=1, messages=[])\n')
    checked = _run(env, tmp_path, "-m", "claude_migrate", "check", "--select", "CM990", "--no-cache", "app.py")
    assert (checked.returncode, checked.stdout.splitlines()[0]) == (
        1, "app.py:1:49: CM990 example_param is rejected on Claude Opus 4.6"
    ), checked.stderr

    tested = _run(
        env, TESTS.parent, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TESTS / "test_rules.py"), "-k", "CM990"
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "4 passed" in tested.stdout  # not reported when valid; reported, fixed, unsafe-fixed when invalid


def test_a_rule_module_is_all_a_rule_needs(tmp_path):
    """The example rule reads a fact the catalog has (every model's prefill is accepted or
    rejected; Opus 4.6 rejects it)."""
    env = _copy_with(tmp_path, "prefill", "rejected")
    _assert_found_documented_run_and_tested(tmp_path, env, "Catalog fact `prefill`:")


def test_a_rule_with_a_new_catalog_fact_needs_only_its_module_and_the_catalog(tmp_path):
    env = _copy_with(tmp_path, "example_param", "rejected", NEW_FACT)
    _assert_found_documented_run_and_tested(
        tmp_path, env, "Catalog fact `example_param`: whether a request may set example_param (source: tests/test_extending.py)."
    )
