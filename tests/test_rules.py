"""Every rule's own valid and invalid examples (the same ones `explain` shows) as tests."""

from __future__ import annotations

import ast

import pytest

from claude_migrate.rules import RULES
from helpers import fixed, positions

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
