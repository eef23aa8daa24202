"""One pass over a module for every visitor: LibCST's code generation, which walks every node
in source order (the order of LibCST's visitors) and records each node's span as it goes.

A separate visitor traversal cost as much as a parse again, because LibCST rebuilds every node
it visits; the spans cost another such pass. Here the hooks ride on the span pass, so a file
costs one parse and one walk. And ``libcst.visit_batched`` rebuilt its table of hooks with
``inspect.getmembers`` on every call; here the table of each visitor class is built once.
Attribute hooks (``visit_Call_func``) are not supported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

import libcst as cst
from libcst.metadata.span_provider import CodeSpan, SpanProvidingCodegenState


@lru_cache(maxsize=None)
def _hooks(cls: type) -> tuple[tuple[str, str, str], ...]:
    """(``visit`` or ``leave``, node type name, method name) of each hook ``cls`` defines."""
    hooks = []
    for name in dir(cls):
        if not name.startswith(("visit_", "leave_")) or getattr(getattr(cls, name), "_is_no_op", False):
            continue
        kind, _, node_type = name.partition("_")
        if "_" in node_type:
            raise TypeError(f"{cls.__name__}.{name}: attribute hooks are not supported")
        hooks.append((kind, node_type, name))
    return tuple(hooks)


class SpanTable:
    """Where LibCST's span-recording code generation writes: it expects a metadata provider but
    only uses its ``_computed`` mapping (used directly: a MetadataWrapper's resolution would add
    a full traversal of its own)."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeSpan] = {}


@dataclass
class _HookedCodegen(SpanProvidingCodegenState):
    """LibCST's span-recording state, with the hooks added and its per-token and per-node
    methods inlined (they run for every token and node of every file)."""

    visit: dict[str, tuple[Callable, ...]] = field(default_factory=dict)
    leave: dict[str, tuple[Callable, ...]] = field(default_factory=dict)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.position += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.position)
        for hook in self.visit.get(type(node).__name__, ()):
            hook(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        computed = self.provider._computed
        if node not in computed:  # else its syntactic span, recorded inside its codegen
            computed[node] = CodeSpan(start, self.position - start)
        for hook in self.leave.get(type(node).__name__, ()):
            hook(node)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _SyntacticPosition:
        return _SyntacticPosition(self, node, start_node, end_node)


class _SyntacticPosition:
    """LibCST's ``record_syntactic_position`` (a span without parentheses or leading lines), as
    a plain context manager: the generator-based one costs a fifth of the walk."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _HookedCodegen, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.position

    def __exit__(self, *exc_info) -> None:
        computed = self.state.provider._computed
        start = computed[self.start_node].start if self.start_node is not None else self.start
        if self.end_node is not None:
            end_span = computed[self.end_node]
            end = end_span.start + end_span.length
        else:
            end = self.state.position
        computed[self.node] = CodeSpan(start, end - start)


def traverse(
    module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor] = (), table: SpanTable | None = None
) -> str:
    """Call every visitor's hooks on every node in source order, record each node's span in
    ``table``, and return the regenerated code the spans index."""
    visit, leave = defaultdict(list), defaultdict(list)
    for visitor in visitors:
        for kind, node_type, name in _hooks(type(visitor)):
            (visit if kind == "visit" else leave)[node_type].append(getattr(visitor, name))
    state = _HookedCodegen(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=table or SpanTable(),
        visit={node_type: tuple(hooks) for node_type, hooks in visit.items()},
        leave={node_type: tuple(hooks) for node_type, hooks in leave.items()},
    )
    module._codegen(state)
    return "".join(state.tokens)
