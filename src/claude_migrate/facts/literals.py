"""Where a string literal stands, and which literals are model IDs.

A literal in a *matching place* is compared with, looked up, or kept as a record: a comparison
operand, a dict key, a value of a dict keyed by model IDs, a collection member, a subscript, a
``case`` pattern, an argument of a look-up method (``PRICES.get("claude-…")``), the model of a
recorded reply. Anywhere else a model ID *selects* a model. Docstrings and the parts of an
implicit concatenation are no values at all.

Parents are visited before their children, so a literal's place is known when it is visited.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from claude_migrate.catalog import Catalog, ModelRef
from claude_migrate.facts.cst import dict_entries, string_value

#: Methods whose string arguments are looked up, not selected: ``PRICES.get("claude-…")``.
LOOKUP_METHODS = frozenset(
    {"get", "pop", "setdefault", "index", "count", "remove", "startswith", "endswith", "find"}
)
#: Keys only a Messages API *response* has.
RESPONSE_KEYS = frozenset({"stop_reason", "stop_sequence", "usage"})
#: The type names of the Anthropic text editor tool start so.
TEXT_EDITOR_PREFIX = "text_editor_"


@dataclass(frozen=True)
class ModelLiteral:
    """A string literal whose whole value is a model ID the catalog knows."""

    node: cst.SimpleString
    ref: ModelRef
    matching: bool


class Literals(cst.BatchableCSTVisitor):
    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog
        self.matching: set[int] = set()  # ids of string nodes in matching places
        self.not_values: set[int] = set()  # docstrings and parts of implicit concatenations
        #: id(node) -> the model-ID literal, in source order.
        self.models: dict[int, ModelLiteral] = {}
        #: The file names an Anthropic text editor tool type (``"text_editor_20250728"``).
        self.mentions_text_editor_tool = False

    def model(self, node: cst.CSTNode | None) -> ModelLiteral | None:
        """The model-ID literal ``node`` is, if it is one."""
        return self.models.get(id(node)) if node is not None else None

    def _mark(self, node: cst.CSTNode | None) -> None:
        if isinstance(node, cst.SimpleString):
            self.matching.add(id(node))

    def _mark_deep(self, node: cst.CSTNode | None) -> None:
        """Mark a compared operand, and every string inside a compared literal collection
        (`assert reply == {"model": "claude-x", ...}` matches on the nested ID too)."""
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for element in node.elements:
                self._mark_deep(element.value)
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self._mark_deep(element.key)
                    self._mark_deep(element.value)
        else:
            self._mark(node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._mark_deep(node.left)
        for target in node.comparisons:
            self._mark_deep(target.comparator)

    def visit_Dict(self, node: cst.Dict) -> None:
        keys_are_models = False
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self._mark(element.key)
                text = string_value(element.key)
                if text is not None and self.catalog.parse(text) is not None:
                    keys_are_models = True
        if keys_are_models:  # a mapping between models: its values are matched too
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self._mark(element.value)
        entries = dict_entries(node)
        if RESPONSE_KEYS & entries.keys() and "model" in entries:
            # A recorded reply (it has a stop reason or usage), not a request: its model is data
            # that must match what the API returned, not a choice the fix may change.
            self._mark(entries["model"].value)

    def _mark_elements(self, node: cst.List | cst.Tuple | cst.Set) -> None:
        for element in node.elements:
            self._mark(element.value)

    # LibCST finds visitor methods by their __name__, so each needs its own def.
    def visit_List(self, node: cst.List) -> None:
        self._mark_elements(node)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._mark_elements(node)

    def visit_Set(self, node: cst.Set) -> None:
        self._mark_elements(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                self._mark(element.slice.value)

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._mark(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in LOOKUP_METHODS:
            for arg in node.args:
                self._mark(arg.value)

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.SimpleString):
            self.not_values.add(id(node.value))  # a docstring or a bare string statement

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.not_values.add(id(node.left))
        if isinstance(node.right, cst.SimpleString):
            self.not_values.add(id(node.right))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "claude" not in node.value and TEXT_EDITOR_PREFIX not in node.value:
            return
        text = string_value(node)
        if text is None or id(node) in self.not_values:
            return
        if text.startswith(TEXT_EDITOR_PREFIX):
            self.mentions_text_editor_tool = True
            return
        ref = self.catalog.parse(text)
        if ref is not None:
            self.models[id(node)] = ModelLiteral(node, ref, id(node) in self.matching)
