"""A request as the rules judge it: its parameters as written, and the model and thinking it
will have after this run's fixes.

A rule whose fix rewrites a request parameter declares it (``rewrites = "model"``) and says what
the parameter becomes on one request (``rewritten(site)``). The view here applies such a
rewrite only where the fix will really be applied: its rule is selected, its finding is not
suppressed, and its safety is one this run applies (``ctx.applies``). So a rule that reads the
model never judges a model that a safe-only ``fix`` will not write, and no rule needs to know
which other rule rewrites what.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable, Protocol

import libcst as cst

from claude_migrate.facts.sites import RequestSite
from claude_migrate.facts.suppressions import Suppressions

if TYPE_CHECKING:
    from claude_migrate.catalog import Model
    from claude_migrate.context import FileContext


@dataclass(frozen=True)
class Rewrite:
    """What one finding's fix makes of a request parameter."""

    #: The new value as the rules read it: a ``Model`` for "model", a type for "thinking".
    value: object
    code: str  # the finding's code, for the selection and its suppressions
    node: cst.CSTNode  # where the finding starts: its line decides whether it is suppressed
    safe: bool


class Rewriter(Protocol):
    rewrites: ClassVar[str | None]

    def rewritten(self, site: Request) -> Rewrite | None: ...


class AfterFixes:
    """The rewrites that the rules of this run declare, and which of them apply."""

    def __init__(self, ctx: FileContext, suppressions: Suppressions, rules: Iterable[Rewriter]):
        self.ctx = ctx
        self._suppressions = suppressions
        self._by_param: dict[str, list[Rewriter]] = {}
        for rule in rules:
            if rule.rewrites is not None:
                self._by_param.setdefault(rule.rewrites, []).append(rule)

    def requests(self, sites: Iterable[RequestSite]) -> list[Request]:
        return [Request.of(site, self) for site in sites]

    def rewritten(self, site: Request, param: str) -> object | None:
        """The value ``param`` takes after this run's fixes; None where no fix rewrites it."""
        for rule in self._by_param.get(param, ()):
            change = rule.rewritten(site)
            if change is not None and self._applies(change):
                return change.value
        return None

    def _applies(self, change: Rewrite) -> bool:
        ctx = self.ctx
        return (
            ctx.settings.selects(change.code)
            and ctx.applies(change.safe)
            and not self._suppressions.suppresses(ctx.line(change.node), change.code)
        )


@dataclass(frozen=True, eq=False)
class Request(RequestSite):
    """A request site (see ``facts.sites``), with its model and thinking after this run's fixes."""

    after: AfterFixes = field(repr=False)

    @classmethod
    def of(cls, site: RequestSite, after: AfterFixes) -> Request:
        return cls(**{f.name: getattr(site, f.name) for f in fields(RequestSite)}, after=after)

    @cached_property
    def models(self) -> tuple[tuple[Model, ...], bool]:
        """The models the request will hit, and whether that is known. A model that cannot be
        resolved is assumed to be one of the ``--target`` generation."""
        ctx = self.after.ctx
        if self.model is None:
            return ctx.catalog.models_of_generation(ctx.settings.target), False
        model = self.after.rewritten(self, "model")
        return (model if model is not None else self.model.ref.model,), True  # type: ignore[return-value]

    @property
    def where(self) -> str:
        """The models the request will hit, as messages name them."""
        models, known = self.models
        return models[0].name if known else f"the --target {self.after.ctx.settings.target} models"

    def every_model(self, fact: str, holds: Callable[[str], bool], preview: bool = False) -> str | None:
        """How messages name the models the request will hit, if ``holds`` is true of their
        catalog ``fact``, every one of them; None if not, or if the fact is unverified for one
        (unless ``preview``, or ``--preview``)."""
        models, _ = self.models
        preview = preview or self.after.ctx.settings.preview
        values = [model.fact(fact, preview) for model in models]
        if not models or not all(value is not None and holds(value) for value in values):
            return None
        return self.where

    @cached_property
    def thinking_after_fixes(self) -> str | None:
        """The ``thinking`` type (None when absent, ``UNKNOWN`` when not a literal)."""
        kind = self.after.rewritten(self, "thinking")
        return kind if kind is not None else self.thinking[0]  # type: ignore[return-value]
