"""Every rule's own valid and invalid examples (the same ones `explain` shows) as tests."""

from __future__ import annotations

import ast

import pytest

from claude_migrate.engine import check_file
from claude_migrate.rules import RULES
from helpers import fixed, positions, settings

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
