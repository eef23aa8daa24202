"""Judging a request against a per-model fact of the catalog (CM601-CM605)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import libcst as cst

if TYPE_CHECKING:
    from claude_migrate.analysis import RequestSite
    from claude_migrate.context import FileContext


def every_model(
    site: RequestSite, ctx: FileContext, fact: str, holds: Callable[[str], bool], preview: bool = False
) -> str | None:
    """How to name the models the request may hit (after the CM1xx fix), if ``holds`` is true
    of the fact for every one of them; None if not (or if the fact is unverified for one and
    ``--preview`` is off). An unresolved model stands for the ``--target`` generation."""
    models, known = site.models
    values = [model.fact(fact, preview or ctx.settings.preview) for model in models]
    if not models or not all(value is not None and holds(value) for value in values):
        return None
    return models[0].name if known else f"the --target {ctx.settings.target} models"


def number(node: cst.CSTNode | None) -> float | None:
    """The value of a literal int or float, possibly negated; None for anything else."""
    sign = 1.0
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        sign, node = -1.0, node.expression
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return sign * float(node.value.replace("_", ""))
        except ValueError:
            return None
    return None


def is_none(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def set_params(site: RequestSite, names: tuple[str, ...]) -> dict[str, tuple[cst.CSTNode, cst.BaseExpression]]:
    """The parameters of ``names`` the request sets (to something other than None)."""
    return {name: site.params[name] for name in names if name in site.params and not is_none(site.value(name))}


def index_of(items: tuple[cst.CSTNode, ...], node: cst.CSTNode) -> int:
    return next(i for i, item in enumerate(items) if item is node)
