"""Render a rule's documentation (ruff's headings) from the rule class and its examples."""

from __future__ import annotations

from claude_migrate.rules.base import Example, Rule


def _block(code: str) -> str:
    return "\n".join("    " + line if line else "" for line in code.rstrip("\n").split("\n"))


def _settings(example: Example) -> str:
    return f"  (with {' '.join(example.args)})" if example.args else ""


def render(rule: type[Rule]) -> str:
    out = [
        f"{rule.code} {rule.name}",
        f"Severity: {rule.severity}. Fix: {rule.fix}.",
        "",
        "## What it does",
        rule.what,
        "",
        "## Why",
        rule.why,
    ]
    if rule.invalid:
        out += ["", "## Example"]
        for example in rule.invalid:
            out += ["", f"Finds:{_settings(example)}", _block(example.source)]
            if example.fixed_source != example.source:
                out += ["After `fix`:", _block(example.fixed_source)]
            if example.unsafe_fixed_source != example.fixed_source:
                out += ["After `fix --unsafe-fixes`:", _block(example.unsafe_fixed_source)]
    if rule.valid:
        out += ["", "## Not reported"]
        for example in rule.valid:
            out += ["", _block(example.source) + _settings(example)]
    out += ["", "## Fix safety", rule.fix_safety]
    if rule.sources:
        out += ["", "## Facts", rule.sources]
    return "\n".join(out)
