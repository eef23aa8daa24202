"""Questions about one LibCST node: the value of a literal, the entries of a dict, the strings a
comparison or a ``case`` pattern tests. One copy of each, for the facts and the rules."""

from __future__ import annotations

from typing import Iterator, Sequence

import libcst as cst


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (non-bytes, non-f) string literal, else None."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        raw = node.value
        if "\\" not in raw:  # no escapes: the value is the text between the quotes (no ast call)
            quote = len(node.quote)
            return raw[len(node.prefix) + quote : len(raw) - quote]
        try:
            value = node.evaluated_value
        except Exception:  # odd escapes: not a string we can judge
            return None
        return value if isinstance(value, str) else None
    return None


def int_value(node: cst.CSTNode | None) -> int | None:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    return None


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


def dict_entries(node: cst.Dict) -> dict[str, cst.DictElement]:
    """The elements of a dict literal keyed by a plain string; the last one wins, as in Python."""
    return {
        key: element
        for element in node.elements
        if isinstance(element, cst.DictElement) and (key := string_value(element.key)) is not None
    }


def index_of(items: Sequence[cst.CSTNode], node: cst.CSTNode) -> int:
    """The position of ``node`` itself (not an equal node) in ``items``."""
    return next(i for i, item in enumerate(items) if item is node)


def spreads(items: Sequence[cst.CSTNode]) -> bool:
    """Whether call arguments or dict elements include ``**something``."""
    return any(
        isinstance(item, cst.StarredDictElement) or (isinstance(item, cst.Arg) and item.star == "**") for item in items
    )


def compared_strings(node: cst.Comparison) -> list[cst.SimpleString]:
    """String literals a comparison tests against, directly or as members of a literal collection."""
    found = []
    for operand in (node.left, *(target.comparator for target in node.comparisons)):
        if isinstance(operand, cst.SimpleString):
            found.append(operand)
        elif isinstance(operand, (cst.Tuple, cst.List, cst.Set)):
            found.extend(e.value for e in operand.elements if isinstance(e.value, cst.SimpleString))
    return found


def pattern_values(pattern: cst.MatchPattern) -> Iterator[cst.MatchValue]:
    """The value patterns a ``case`` pattern tries, looking through ``|`` and ``as``."""
    if isinstance(pattern, cst.MatchValue):
        yield pattern
    elif isinstance(pattern, cst.MatchOr):
        for element in pattern.patterns:
            yield from pattern_values(element.pattern)
    elif isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
        yield from pattern_values(pattern.pattern)


def pattern_strings(pattern: cst.MatchPattern) -> list[str]:
    """The plain strings a ``case`` pattern tries."""
    return [value for match in pattern_values(pattern) if (value := string_value(match.value)) is not None]


def names_below(node: cst.CSTNode) -> Iterator[cst.Name]:
    """Every Name below ``node`` (f-string parts included)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(current.children)


def keywords(call: cst.Call) -> set[str]:
    return {arg.keyword.value for arg in call.args if arg.keyword is not None}
