"""The rule registry: every rule defined in a module of this package, found at import.

A module defines rules by subclassing ``RuleDoc`` (documentation only) or ``Rule`` (with its
checks) and giving each a ``code``; classes without a code of their own are helpers. A rule
that no check reports (``also_reports``) is the engine's own: CM000 for a file it cannot check.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Iterable

from claude_migrate.rules.base import Rule, RuleDoc


def discover(package: str, path: Iterable[str]) -> tuple[type[RuleDoc], ...]:
    """The rules defined in the modules of ``package`` (found on ``path``), ordered by code.
    ValueError if two share a code."""
    found: dict[str, type[RuleDoc]] = {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda info: info.name):
        module = importlib.import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, RuleDoc) and value.__module__ == module.__name__ and "code" in vars(value):
                other = found.setdefault(value.code, value)
                if other is not value:
                    raise ValueError(f"{value.__qualname__} and {other.__qualname__} both have the code {value.code}")
    return tuple(found[code] for code in sorted(found))


def _overrides(rule: type[Rule], name: str) -> bool:
    return getattr(rule, name).__func__ is not getattr(Rule, name).__func__


#: Every rule, documented or checked, ordered by code.
RULES: tuple[type[RuleDoc], ...] = discover(__name__, __path__)
RULES_BY_CODE: dict[str, type[RuleDoc]] = {rule.code: rule for rule in RULES}
#: The rules that check files, in the order they run.
CHECKS: tuple[type[Rule], ...] = tuple(rule for rule in RULES if issubclass(rule, Rule))
#: The rules that may keep a request parameter from being rewritten (``Rule.keeps_unfixed``).
KEEPERS: tuple[type[Rule], ...] = tuple(rule for rule in CHECKS if _overrides(rule, "keeps_unfixed"))
