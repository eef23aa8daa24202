"""The LibCST internals the one-pass walk (traversal.py) relies on. LibCST is pinned below its
next major; if an update still changes one of these, a test here fails and names it, rather
than spans coming out wrong somewhere in the rules."""

from __future__ import annotations

import dataclasses
import gc
import inspect
from importlib.metadata import version
from pathlib import Path

import libcst as cst
from helpers import settings
from libcst._nodes.internal import CodegenState
from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper
from libcst.metadata.span_provider import SpanProvidingCodegenState

from claude_migrate.engine import check_file
from claude_migrate.traversal import _hooks, traverse

ROOT = Path(__file__).resolve().parent.parent
SOURCE = 'x = (a +  b)\nif y:\n    f(1, k="v")  # c\n\n@d\ndef g(*, p=[]): return (p)\n'


def test_libcst_is_pinned_below_its_next_major():
    assert '"libcst>=1.9,<2",' in (ROOT / "pyproject.toml").read_text()
    assert version("libcst").split(".")[0] == "1"


def test_the_span_state_has_the_fields_the_walk_uses():
    fields = {f.name: f for f in dataclasses.fields(SpanProvidingCodegenState)}
    assert {"default_indent", "default_newline", "provider", "tokens", "indent_tokens", "position", "_stack"} <= set(fields)
    assert fields["position"].default == 0
    assert fields["_stack"].default_factory() == []
    assert fields["get_length"].default is None  # indentation is then counted with len


def test_codegen_calls_the_state_for_each_node():
    assert list(inspect.signature(cst.CSTNode._codegen).parameters) == ["self", "state", "kwargs"]
    assert list(inspect.signature(CodegenState.before_codegen).parameters) == ["self", "node"]
    assert list(inspect.signature(CodegenState.after_codegen).parameters) == ["self", "node"]
    parameters = inspect.signature(CodegenState.record_syntactic_position).parameters
    assert list(parameters) == ["self", "node", "start_node", "end_node"]
    assert parameters["start_node"].kind is parameters["end_node"].kind is inspect.Parameter.KEYWORD_ONLY


def test_unimplemented_hooks_are_marked_as_no_ops():
    class Calls(cst.BatchableCSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            pass

    assert cst.BatchableCSTVisitor.visit_Name._is_no_op is True
    assert _hooks(Calls) == (("visit", cst.Call, "visit_Call"),)


def test_spans_are_libcsts_own_and_the_code_is_the_source():
    module = cst.parse_module(SOURCE)
    spans, code = traverse(module)
    assert code == SOURCE
    own = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ByteSpanPositionProvider)  # ASCII: bytes are characters
    assert {id(node): (span.start, span.start + span.length) for node, span in own.items()} == spans


def test_spans_leave_out_parentheses_and_count_indentation():
    module = cst.parse_module(SOURCE)
    spans, code = traverse(module)
    texts = {type(node).__name__: code[slice(*spans[id(node)])] for node in _nodes(module)}
    assert texts["BinaryOperation"] == "a +  b"
    assert spans[id(_first(module, cst.Call))][0] == SOURCE.index('f(1, k="v")')  # after the indentation
    assert texts["If"] == 'if y:\n    f(1, k="v")'  # without the trailing comment and newline
    assert texts["FunctionDef"] == "def g(*, p=[]): return (p)"  # without the decorator
    assert texts["Return"] == "return (p)"


def test_hooks_run_in_source_order_around_their_children():
    seen = []

    class Order(cst.BatchableCSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            seen.append("visit Call")

        def visit_Name(self, node: cst.Name) -> None:
            seen.append(node.value)

        def leave_Call(self, original_node: cst.Call) -> None:
            seen.append("leave Call")

    traverse(cst.parse_module(SOURCE), [Order()])
    assert seen == ["x", "a", "b", "y", "visit Call", "f", "k", "leave Call", "d", "g", "p", "p"]


def _first(module: cst.Module, node_type: type) -> cst.CSTNode:
    return next(node for node in _nodes(module) if type(node) is node_type)


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found = []

    class Every(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    module.visit(Every())
    return found


def test_checking_a_file_leaves_no_reference_cycle():
    """A cycle would keep each file's syntax tree alive until a full collection, which the
    tool's collector thresholds (runner.tune_gc) make rare. With the collector off, none may
    hide one."""
    data = (ROOT / "fixtures" / "support_bot" / "client.py").read_bytes()
    options = settings()
    check_file(data, "client.py", options, fix=True)  # a first check loads what lives as long as the run
    gc.collect()
    gc.disable()
    try:
        checked = check_file(data, "client.py", options)
        fixed = check_file(data, "client.py", options, fix=True)
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert checked.findings and fixed.changed
