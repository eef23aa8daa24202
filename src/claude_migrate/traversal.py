"""One pass over a module for every visitor: LibCST's code generation, which walks every node
in source order (the order of LibCST's visitors) and records each node's span as it goes.

A separate visitor traversal cost as much as a parse again, because LibCST rebuilds every node
it visits; the spans cost another such pass. Here the hooks ride on the span pass, so a file
costs one parse and one walk. And ``libcst.visit_batched`` rebuilt its table of hooks with
``inspect.getmembers`` on every call; here the table of each visitor class is built once.
Attribute hooks (``visit_Call_func``) are not supported.

The span-recording state is LibCST's own (``SpanProvidingCodegenState``) with its per-node and
per-token methods replaced: they run for every node and token of every file. Spans are
``(start, end)`` character offsets keyed by ``id(node)`` (LibCST nodes hash in Python), and
the syntactic-position context manager is the state itself, with a stack, not a generator.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

import libcst as cst
from libcst.metadata.span_provider import SpanProvidingCodegenState

#: id(node) -> (start, end) in the regenerated code.
Spans = dict[int, tuple[int, int]]


@lru_cache(maxsize=None)
def _hooks(cls: type) -> tuple[tuple[str, type, str], ...]:
    """(``visit`` or ``leave``, node type, method name) of each hook ``cls`` defines."""
    hooks = []
    for name in dir(cls):
        if not name.startswith(("visit_", "leave_")) or getattr(getattr(cls, name), "_is_no_op", False):
            continue
        kind, _, node_type = name.partition("_")
        if "_" in node_type:
            raise TypeError(f"{cls.__name__}.{name}: attribute hooks are not supported")
        hooks.append((kind, getattr(cst, node_type), name))
    return tuple(hooks)


@dataclass
class _HookedCodegen(SpanProvidingCodegenState):
    visit: dict[type, tuple[Callable, ...]] = field(default_factory=dict)
    leave: dict[type, tuple[Callable, ...]] = field(default_factory=dict)
    spans: Spans = field(default_factory=dict)
    _pending: tuple = ()  # the arguments of the last record_syntactic_position
    _syntactic: list[tuple] = field(default_factory=list)  # its nested uses: theirs, and where each began

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.position += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.position)
        for hook in self.visit.get(type(node), ()):
            hook(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        self.spans.setdefault(id(node), (start, self.position))  # a syntactic span stays
        for hook in self.leave.get(type(node), ()):
            hook(node)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _HookedCodegen:
        """``with state.record_syntactic_position(node, start_node=..., end_node=...)``: the span
        of a node without its parentheses or leading lines. The state is the context manager
        itself: no object of its own that points back at it, so no reference cycle keeps the
        tree alive after the walk."""
        self._pending = (node, start_node, end_node)
        return self

    def __enter__(self) -> None:
        self._syntactic.append((*self._pending, self.position))

    def __exit__(self, exc_type, *exc_info) -> None:
        node, start_node, end_node, start = self._syntactic.pop()
        if exc_type is not None:  # the walk failed inside the node (say a RecursionError): let it through
            return
        if start_node is not None:
            start = self.spans[id(start_node)][0]
        end = self.spans[id(end_node)][1] if end_node is not None else self.position
        self.spans[id(node)] = (start, end)


def traverse(module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor] = ()) -> tuple[Spans, str]:
    """Call every visitor's hooks on every node in source order; return every node's span and
    the regenerated code the spans index."""
    visit, leave = defaultdict(list), defaultdict(list)
    for visitor in visitors:
        for kind, node_type, name in _hooks(type(visitor)):
            (visit if kind == "visit" else leave)[node_type].append(getattr(visitor, name))
    state = _HookedCodegen(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=None,
        visit={node_type: tuple(hooks) for node_type, hooks in visit.items()},
        leave={node_type: tuple(hooks) for node_type, hooks in leave.items()},
    )
    module._codegen(state)
    return state.spans, "".join(state.tokens)
