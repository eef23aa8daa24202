"""Render a rule's documentation (ruff's headings) from the rule class and its examples."""

from __future__ import annotations

from claude_migrate.rules.base import Example, RuleDoc


def _block(code: str) -> str:
    return "\n".join("    " + line if line else "" for line in code.rstrip("\n").split("\n"))


def _settings(example: Example) -> str:
    return f"  (with {' '.join(example.args)})" if example.args else ""


def render(rule: type[RuleDoc]) -> str:
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
    if rule.fact:
        out += ["", *_catalog_fact(rule.fact)]
    return "\n".join(out)


def _catalog_fact(name: str) -> list[str]:
    """The catalog fact a rule reads: what it means, its source keys, and its value per model
    (from the data, so a new model shows up here as soon as it is in the catalog)."""
    from claude_migrate.catalog import load

    catalog = load()
    fact = catalog.request_facts[name]
    lines = [f"Catalog fact `{name}`: {fact.meaning} (source: {fact.source})."]
    by_value: dict[str, list[str]] = {}
    for model in catalog.models:
        mark = "?" if name in model.unverified else ""
        by_value.setdefault(model.requests[name], []).append(model.id + mark)
    for value, ids in by_value.items():
        lines.append(f"- {value}: {fact.values[value]}. {', '.join(ids)}")
    lines.append("'?': unverified (3P or conflicting sources); reported only with --preview.")
    return lines
