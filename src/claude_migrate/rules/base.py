"""What a rule is: one class with its documentation, its examples and its checks.

``RuleDoc`` is the documentation alone (``claude-migrate explain``, ``rules``, SARIF): a rule
whose findings another rule's checks report (CM102 and CM103 share CM101's analysis), or that
the engine reports itself (CM000). ``Rule`` adds the checks: ``visit_*`` hooks that run in the
file's single traversal, ``check_request`` once per request site, ``finish`` once per file.

A rule's examples are its docs and its tests (tests/test_rules.py). Rules are found by the
registry (``rules/__init__.py``): a new rule is a new module in this package.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

if TYPE_CHECKING:
    from claude_migrate.catalog import Catalog
    from claude_migrate.context import FileContext
    from claude_migrate.facts import FileFacts
    from claude_migrate.facts.after_fixes import Request, Rewrite
    from claude_migrate.facts.sites import RequestSite
    from claude_migrate.findings import Fix


@dataclass(frozen=True)
class Example:
    """A source snippet (dedented). For an invalid one: where each finding starts (line, column),
    the text after ``fix`` and after ``fix --unsafe-fixes`` (None: unchanged)."""

    code: str
    findings: tuple[tuple[int, int], ...] = ()
    fixed: str | None = None
    unsafe_fixed: str | None = None
    args: tuple[str, ...] = ()  # extra CLI settings, e.g. ("--target", "4.8")

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")

    @property
    def fixed_source(self) -> str:
        return self.source if self.fixed is None else textwrap.dedent(self.fixed).lstrip("\n")

    @property
    def unsafe_fixed_source(self) -> str:
        if self.unsafe_fixed is None:
            return self.fixed_source
        return textwrap.dedent(self.unsafe_fixed).lstrip("\n")


def invalid(code, at, fixed=None, unsafe_fixed=None, args=()) -> Example:
    return Example(code, tuple(at), fixed, unsafe_fixed, tuple(args))


def valid(code, args=()) -> Example:
    return Example(code, args=tuple(args))


class RuleDoc:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]  # error | warning
    fix: ClassVar[str]  # how it is fixed, for `rules`: safe | unsafe | safe or unsafe | none
    summary: ClassVar[str]
    what: ClassVar[str]
    why: ClassVar[str]
    fix_safety: ClassVar[str]
    sources: ClassVar[str] = ""
    #: The per-model catalog fact the rule reads (``explain`` lists its value for each model).
    fact: ClassVar[str | None] = None
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()


#: Every request site holds one of these: a Claude model, a ``.messages.`` call, batch params.
REQUEST_CONTEXT = ("claude", "messages", "custom_id")


class Rule(RuleDoc, cst.BatchableCSTVisitor):
    #: Rules (documentation only) whose findings this rule's checks report too.
    also_reports: ClassVar[tuple[type[RuleDoc], ...]] = ()
    #: Text one of which a file must contain for this rule to find anything in it.
    tokens: ClassVar[tuple[str, ...]] = ()
    #: When the tokens are common words: text one of which the file must also contain.
    context: ClassVar[tuple[str, ...]] = ()
    #: The request parameter this rule's fix rewrites (see ``rewritten``), if any.
    rewrites: ClassVar[str | None] = None

    @classmethod
    def reports(cls) -> tuple[type[RuleDoc], ...]:
        """Every rule whose findings this one reports: itself first."""
        return (cls, *cls.also_reports)

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return cls.tokens

    def __init__(self, ctx: FileContext, facts: FileFacts):
        super().__init__()
        self.ctx = ctx
        self.facts = facts

    def report(self, node: cst.CSTNode, message: str, fix: Fix | None = None, severity: str | None = None) -> None:
        self.ctx.report(self, node, message, fix, severity)

    def check_request(self, site: Request) -> None:
        """Judge one request site, as it will be after this run's fixes."""

    def finish(self) -> None:
        """After every ``check_request`` of the file."""

    def rewritten(self, site: Request) -> Rewrite | None:
        """What this rule's fix makes of the ``rewrites`` parameter of ``site``; None where it
        reports nothing there or its finding has no fix. Whether the fix applies in this run
        (selection, suppression, safety) is decided by the caller."""
        return None

    @classmethod
    def keeps_unfixed(cls, site: RequestSite, param: str) -> str | None:
        """Why no fix may rewrite ``param`` of ``site`` (a message clause), whether or not this
        rule is selected; None to let fixes rewrite it."""
        return None
