"""What a rule is: its documentation and examples (``Rule``), and the visitor that finds it
(``Checker``). One checker may report several rules that share one analysis (CM101–CM103).

A rule's examples are its docs (``claude-migrate explain``) and its tests (tests/test_rules.py).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

if TYPE_CHECKING:
    from claude_migrate.analysis import RequestSite
    from claude_migrate.catalog import Catalog
    from claude_migrate.context import FileContext


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


class Rule:
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


class Checker(cst.BatchableCSTVisitor):
    """Finds one or more rules. ``visit_*`` methods run in the file's single traversal;
    ``check_request`` runs once per request site and ``finish`` once per file, after it."""

    rules: ClassVar[tuple[type[Rule], ...]]
    #: Text one of which a file must contain for this checker to find anything in it.
    tokens: ClassVar[tuple[str, ...]] = ()
    #: When the tokens are common words: text one of which the file must also contain.
    context: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return cls.tokens

    def __init__(self, ctx: FileContext):
        super().__init__()
        self.ctx = ctx

    def check_request(self, site: RequestSite) -> None:
        pass

    def finish(self) -> None:
        pass
