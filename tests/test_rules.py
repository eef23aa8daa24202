"""Every rule's own valid and invalid examples (the same ones `explain` shows) as tests."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claude_migrate.engine import check_file
from claude_migrate.rules import CHECKS, RULES, Rule
from claude_migrate.rules.unparseable import UnparseableFile
from helpers import fixed, positions, settings

README = Path(__file__).resolve().parent.parent / "README.md"

VALID = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.valid)]
INVALID = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.invalid)]


def _id(case) -> str:
    rule, index, _ = case
    return f"{rule.code}-{index}"


@pytest.mark.parametrize("case", VALID, ids=[_id(c) for c in VALID])
def test_valid_example_is_not_reported(case):
    rule, _, example = case
    assert positions(example.source, *example.args, code=rule.code) == []


@pytest.mark.parametrize("case", INVALID, ids=[_id(c) for c in INVALID])
def test_invalid_example_is_reported_where_it_starts(case):
    rule, _, example = case
    expected = [(rule.code, line, column) for line, column in example.findings]
    assert positions(example.source, *example.args, code=rule.code) == expected


@pytest.mark.parametrize("case", INVALID, ids=[_id(c) for c in INVALID])
def test_invalid_example_fixes_exactly(case):
    _, _, example = case
    once = fixed(example.source, *example.args)
    assert once == example.fixed_source
    assert fixed(once, *example.args) == once  # a second fix changes nothing
    if once != example.source:
        ast.parse(once)


@pytest.mark.parametrize("case", INVALID, ids=[_id(c) for c in INVALID])
def test_invalid_example_unsafe_fixes_exactly(case):
    _, _, example = case
    once = fixed(example.source, *example.args, "--unsafe-fixes")
    assert once == example.unsafe_fixed_source
    assert fixed(once, *example.args, "--unsafe-fixes") == once
    if once != example.source:
        ast.parse(once)


def test_every_rule_has_examples_both_ways():
    for rule in RULES:
        assert rule.valid and rule.invalid, rule.code


# -- the registry ------------------------------------------------------------------------------


def test_every_rule_is_checked_by_one_rule_or_is_the_engines_own():
    reported = [doc for rule in CHECKS for doc in rule.reports()]
    assert sorted(reported, key=lambda rule: rule.code) == [rule for rule in RULES if rule is not UnparseableFile]
    assert not issubclass(UnparseableFile, Rule)


def test_the_readme_rule_table_lists_the_registry():
    rows = [line.split("|")[1:-1] for line in README.read_text("utf-8").splitlines() if line.startswith("| CM")]
    table = [(code.strip(), name.strip(), fix.strip() == "—") for code, name, _, fix in rows]
    assert table == [(rule.code, rule.name, rule.fix == "none") for rule in RULES]


# -- precision lessons from real projects (see the closing note of issue 5) --------------------



def _fixes(source: str, name: str = "example.py", *args: str) -> list[tuple[str, int, str | None]]:
    return [
        (f.code, f.line, f.fix.applicability if f.fix else None)
        for f in check_file(source.encode(), name, settings(*args)).findings
    ]


def test_a_string_inside_a_compared_dict_is_a_matching_place():
    source = 'assert reply == {\n    "model": "claude-3-opus-20240229",\n    "role": "assistant",\n}\n'
    assert _fixes(source) == [("CM101", 2, "unsafe")]


def test_the_model_of_a_recorded_reply_is_data_not_a_choice():
    source = 'EXPECTED = {"id": "msg_1", "model": "claude-3-opus-20240229", "stop_reason": "end_turn"}\n'
    assert _fixes(source) == [("CM101", 1, "unsafe")]
    # A request dict is still a model-selecting place.
    assert _fixes('PARAMS = {"model": "claude-3-opus-20240229", "max_tokens": 10}\n') == [("CM101", 1, "safe")]


def test_a_model_also_matched_elsewhere_in_the_file_gets_only_unsafe_fixes():
    source = (
        'DEFAULT_MODEL = "claude-sonnet-4-20250514"\n'
        'TOOLS = {"claude-sonnet-4-20250514": "computer_20250124"}\n'
        'OTHER = "claude-3-opus-20240229"\n'
    )
    assert _fixes(source) == [("CM101", 1, "unsafe"), ("CM101", 2, "unsafe"), ("CM101", 3, "safe")]
    assert fixed(source) == source.replace("claude-3-opus-20240229", "claude-opus-4-6")


def test_every_fix_in_a_test_file_is_unsafe():
    source = 'import anthropic\nllm = Client(model="claude-3-haiku-20240307")\n'
    assert _fixes(source, "tests/test_models.py") == [("CM101", 2, "unsafe")]
    assert _fixes(source, "pkg/models_test.py") == [("CM101", 2, "unsafe")]
    assert _fixes(source, "pkg/latest.py") == [("CM101", 2, "safe")]
    assert positions(source) == [("CM101", 2, 20)]


def test_in_a_test_file_budget_thinking_is_judged_on_the_unfixed_model():
    """A safe-only fix does not move the model there, so CM301 must not assume it moved."""
    source = (
        "import anthropic\nclient = anthropic.Anthropic()\n"
        'client.messages.create(model="claude-3-7-sonnet-20250219", max_tokens=4096,\n'
        '    thinking={"type": "enabled", "budget_tokens": 2048}, messages=[])\n'
    )
    assert _fixes(source, "tests/test_x.py") == [("CM101", 3, "unsafe")]
    assert [code for code, _, _ in _fixes(source, "tests/test_x.py", "--unsafe-fixes")] == ["CM101", "CM301"]


# -- a request as it will be after this run's fixes ---------------------------------------------


def test_a_suppressed_budget_thinking_finding_leaves_manual_thinking_for_the_other_rules():
    """Its fix is not applied, so the request keeps its budget, which must fit max_tokens."""
    source = (
        'client.messages.create(model="claude-opus-4-6", max_tokens=1024,\n'
        '    thinking={"type": "enabled", "budget_tokens": 2048},  # claude-migrate: ignore[CM301]\n'
        "    messages=[])\n"
    )
    assert [(f.code, f.line, f.column, f.message) for f in check_file(source.encode(), "x.py", settings()).findings] == [
        ("CM303", 2, 5, "budget_tokens 2048 must be less than max_tokens 1024 (the request fails with a 400)")
    ]
    assert positions(source.replace("  # claude-migrate: ignore[CM301]", "")) == [("CM301", 2, 5)]


def test_a_model_id_without_a_fix_is_judged_as_written_even_with_unsafe_fixes():
    """The successor has no ID with the `:28k` suffix: the model stays, so CM301 judges it."""
    source = (
        'client.messages.create(model="anthropic.claude-3-sonnet-20240229-v1:0:28k", max_tokens=4000,\n'
        '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])\n'
    )
    for args in ((), ("--unsafe-fixes",)):
        found = check_file(source.encode(), "x.py", settings(*args)).findings
        assert [(f.code, f.fix) for f in found][0] == ("CM102", None)
        assert found[1].message == (
            'Manual thinking with budget_tokens is rejected with a 400 on Claude 3 Sonnet; use {"type": "adaptive"} '
            "and control depth with output_config.effort"
        )


def test_a_text_completions_call_keeps_its_model_and_so_does_every_request_sharing_the_constant():
    source = (
        'import anthropic\nMODEL = "claude-2.1"\n'
        "client.completions.create(model=MODEL, prompt=P, max_tokens_to_sample=3)\n"
        "client.messages.create(model=MODEL, max_tokens=10, messages=[])\n"
    )
    found = check_file(source.encode(), "x.py", settings("--unsafe-fixes")).findings
    assert [(f.code, f.line, f.fix) for f in found] == [("CM101", 2, None), ("CM606", 3, None)]
    assert found[0].message == (
        "Model 'claude-2.1' was retired on 2025-07-21; this is a Text Completions call, which no current "
        "model serves: move it to messages.create (CM606)"
    )
    # Even where CM606 is not selected: the call cannot move whatever is reported.
    assert fixed(source, "--select", "CM1") == source


def test_a_relative_openai_module_is_not_the_openai_package():
    source = "import anthropic\nfrom .openai import helpers\nclient.completions.create(model=m, prompt=p)\n"
    assert positions(source) == [("CM606", 3, 1)]
    assert positions(source.replace("from .openai", "from openai")) == []
