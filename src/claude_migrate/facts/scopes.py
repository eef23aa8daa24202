"""Scopes and name resolution: the names each module, function and class scope binds, to follow
``model=MODEL`` to ``MODEL = "claude-…"``; and the modules the file imports."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst


@dataclass
class Scope:
    parent: Scope | None
    kind: str  # module | function | class
    #: name -> every value bound to it (None: bound to something that is not an expression)
    bindings: dict[str, list[cst.CSTNode | None]] = field(default_factory=dict)

    def bind(self, name: str, value: cst.CSTNode | None) -> None:
        self.bindings.setdefault(name, []).append(value)


def resolve(expr: cst.CSTNode | None, scope: Scope, depth: int = 0) -> cst.CSTNode | None:
    """Follow a name bound exactly once (in the nearest scope that binds it) to its value;
    None for a name that cannot be followed, any other expression as it is."""
    if not isinstance(expr, cst.Name) or depth > 5:
        return expr
    current: Scope | None = scope
    while current is not None:
        if current.kind == "class" and current is not scope:
            current = current.parent
            continue
        values = current.bindings.get(expr.value)
        if values is not None:
            if len(values) != 1 or values[0] is None:
                return None
            return resolve(values[0], current, depth + 1)
        current = current.parent
    return None


def package_of(module: cst.CSTNode | None) -> str:
    """The top-level package of a dotted module name (``a`` of ``a.b.c``)."""
    return (cst.helpers.get_full_name_for_node(module) or "").split(".")[0] if module is not None else ""


class Scopes(cst.BatchableCSTVisitor):
    """Walks with the rules: ``current`` is the scope of the node being visited."""

    def __init__(self) -> None:
        super().__init__()
        self.current = Scope(None, "module")
        #: The top-level packages the file imports absolutely (``import a.b``, ``from a import b``).
        self.imports: set[str] = set()

    def _push(self, kind: str) -> None:
        self.current = Scope(self.current, kind)

    def _pop(self) -> None:
        assert self.current.parent is not None
        self.current = self.current.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.current.bind(node.name.value, None)
        self._push("function")
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.current.bind(param.name.value, None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.current.bind(star.name.value, None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.current.bind(node.name.value, None)
        self._push("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("function")
        for param in node.params.params:
            self.current.bind(param.name.value, None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def _bind_target(self, target: cst.BaseExpression, value: cst.CSTNode | None) -> None:
        if isinstance(target, cst.Name):
            self.current.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.current.bind(item.name.value, None)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.current.bind(item.name.value, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.imports.add(package_of(alias.name))
            bound = alias.asname.name if alias.asname else alias.name
            while isinstance(bound, cst.Attribute):
                bound = bound.value
            if isinstance(bound, cst.Name):
                self.current.bind(bound.value, None)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative:
            self.imports.add(package_of(node.module))
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name):
                self.current.bind(bound.value, None)
