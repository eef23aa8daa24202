"""The facts every checker shares, gathered in the same traversal as the rules run in.

- which string literals are model IDs, and whether each stands in a *matching place*
  (a comparison, dict key, collection member, subscript or case pattern) or selects a model;
- names bound once to a literal, per module and function scope, to resolve ``model=MODEL``;
- request sites: ``*.messages.create/stream/parse/count_tokens`` calls, batch ``params`` dicts,
  and any call or dict literal whose ``model`` resolves to a Claude model;
- file-level facts (imports ``anthropic``, uses text editor tool types) and suppression comments.

Checkers run after it in the batch, so a parent's facts are known when a child is visited;
facts that need the whole file (bindings, sites) are read in ``finish``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.catalog import Model, ModelRef
from claude_migrate.lifecycle import Verdict, judge

if TYPE_CHECKING:
    from claude_migrate.context import FileContext

REQUEST_METHODS = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})
#: Methods whose string arguments are looked up, not selected: ``PRICES.get("claude-…")``.
LOOKUP_METHODS = frozenset(
    {"get", "pop", "setdefault", "index", "count", "remove", "startswith", "endswith", "find"}
)
#: Keys only a Messages API *response* has.
RESPONSE_KEYS = frozenset({"stop_reason", "stop_sequence", "usage"})
UNKNOWN = "<unknown>"  # a value present but not a literal
_SUPPRESSION = re.compile(
    r"#\s*(?:claude-migrate:\s*ignore(?P<file>-file)?(?:\[(?P<codes>[^\]]*)\])?"
    r"|noqa:\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))",
    re.IGNORECASE,
)


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


def is_text_completion(node: cst.CSTNode) -> bool:
    """``<anything>.completions.create(...)``, not ``.chat.completions``: the legacy Text
    Completions API (or a look-alike: the caller decides on the evidence)."""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "create"
        and isinstance(node.func.value, cst.Attribute)
        and node.func.value.attr.value == "completions"
    ):
        return False
    receiver = node.func.value.value
    return not (isinstance(receiver, cst.Attribute) and receiver.attr.value == "chat")


def int_value(node: cst.CSTNode | None) -> int | None:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    return None


def dict_entries(node: cst.Dict) -> dict[str, cst.DictElement]:
    """The elements of a dict literal keyed by a plain string; the last one wins, as in Python."""
    return {
        key: element
        for element in node.elements
        if isinstance(element, cst.DictElement) and (key := string_value(element.key)) is not None
    }


@dataclass
class Scope:
    parent: Scope | None
    kind: str  # module | function | class
    bindings: dict[str, list[cst.CSTNode | None]] = field(default_factory=dict)

    def bind(self, name: str, value: cst.CSTNode | None) -> None:
        self.bindings.setdefault(name, []).append(value)


@dataclass
class ModelLiteral:
    node: cst.SimpleString
    ref: ModelRef
    matching: bool
    verdict: Verdict | None


@dataclass
class RequestSite:
    """A request to Claude: a call's keyword arguments or a dict literal's string keys."""

    node: cst.Call | cst.Dict
    #: parameter name -> (the Arg or DictElement, its value)
    params: dict[str, tuple[cst.CSTNode, cst.BaseExpression]]
    items: tuple[cst.CSTNode, ...]  # every Arg / element, for removing one
    scope: Scope
    always: bool  # a messages.* call or batch params: a request whatever its model
    analysis: Analysis

    def value(self, name: str) -> cst.BaseExpression | None:
        entry = self.params.get(name)
        return entry[1] if entry else None

    @cached_property
    def model_literal(self) -> ModelLiteral | None:
        return self.analysis.model_literal(self.analysis.resolve(self.value("model"), self.scope))

    @cached_property
    def is_claude(self) -> bool:
        if self.model_literal is not None:
            return True
        resolved = self.analysis.resolve(self.value("model"), self.scope)
        text = string_value(resolved)
        if text is not None:
            return "claude" in text  # a Claude ID the catalog does not know yet
        return self.always

    @cached_property
    def models(self) -> tuple[tuple[Model, ...], bool]:
        """The models the request will hit after the CM1xx fix, and whether that is known.

        An unresolvable model is assumed to be one of the ``--target`` generation."""
        found = self.model_literal
        ctx = self.analysis.ctx
        if found is None:
            return ctx.catalog.models_of_generation(ctx.settings.target), False
        verdict = found.verdict
        if (
            verdict is not None
            and ctx.applies(verdict.safe)
            and verdict.successor is not None
            and ctx.settings.selects(verdict.code)
            and not self.analysis.suppressed(found.node, verdict.code)
        ):
            return (verdict.successor,), True
        return (found.ref.model,), True

    @cached_property
    def thinking(self) -> tuple[str | None, cst.Dict | None]:
        """The literal ``thinking`` type (None when absent, UNKNOWN when not a literal)."""
        value = self.value("thinking")
        if value is None:
            return None, None
        if isinstance(value, cst.Dict):
            entry = dict_entries(value).get("type")
            kind = string_value(entry.value) if entry else None
            return (kind if kind is not None else UNKNOWN), value
        return UNKNOWN, None

    def budget_thinking_verdict(self) -> tuple[bool, bool, bool]:
        """(fires, rejected, known) for manual thinking on the request's model (CM301)."""
        kind, _ = self.thinking
        if kind != "enabled":
            return False, False, False
        models, known = self.models
        states = [m.thinking_mode("enabled") for m in models]
        fires = bool(states) and all(s in ("deprecated", "rejected") for s in states)
        return fires, any(s == "rejected" for s in states), known

    def thinking_after_fixes(self) -> str | None:
        kind, _ = self.thinking
        ctx = self.analysis.ctx
        if kind == "enabled" and ctx.settings.selects("CM301"):
            fires, _, known = self.budget_thinking_verdict()
            if fires and ctx.applies(known):  # CM301's fix is safe exactly when the model is known
                return "adaptive"
        return kind


class Analysis(cst.BatchableCSTVisitor):
    def __init__(self, ctx: FileContext):
        super().__init__()
        self.ctx = ctx
        self.scope = Scope(None, "module")
        self.matching: set[int] = set()  # ids of string nodes in matching places
        self.not_values: set[int] = set()  # docstrings and parts of implicit concatenations
        self.literals: dict[int, ModelLiteral] = {}
        self.sites: list[RequestSite] = []
        self._candidate_sites: list[RequestSite] = []
        self.imports_anthropic = False
        self.uses_text_editor_tool = False
        self.suppressions: dict[int, frozenset[str] | None] = {}  # line -> codes (None: all)
        self._suppression_comments: list[tuple[cst.Comment, frozenset[str] | None]] = []
        self.file_suppression: frozenset[str] | None = frozenset()  # None: the whole file
        self._statements: list[cst.SimpleStatementLine] = []

    # -- scopes ----------------------------------------------------------------------------
    def _push(self, kind: str) -> None:
        self.scope = Scope(self.scope, kind)

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.bind(node.name.value, None)
        self._push("function")
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.scope.bind(param.name.value, None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scope.bind(star.name.value, None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.bind(node.name.value, None)
        self._push("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("function")
        for param in node.params.params:
            self.scope.bind(param.name.value, None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def _bind_target(self, target: cst.BaseExpression, value: cst.CSTNode | None) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, value)
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
            self.scope.bind(item.name.value, None)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.scope.bind(item.name.value, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = cst.helpers.get_full_name_for_node(alias.name) or ""
            if dotted.split(".")[0] == "anthropic":
                self.imports_anthropic = True
            bound = alias.asname.name if alias.asname else alias.name
            while isinstance(bound, cst.Attribute):
                bound = bound.value
            if isinstance(bound, cst.Name):
                self.scope.bind(bound.value, None)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        if (module or "").split(".")[0] == "anthropic" and not node.relative:
            self.imports_anthropic = True
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name):
                self.scope.bind(bound.value, None)

    def resolve(self, expr: cst.CSTNode | None, scope: Scope, depth: int = 0) -> cst.CSTNode | None:
        """Follow a name bound exactly once (in the nearest scope that binds it) to its value."""
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
                return self.resolve(values[0], current, depth + 1)
            current = current.parent
        return None

    # -- places of string literals ---------------------------------------------------------
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
                if text is not None and self.ctx.catalog.parse(text) is not None:
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
        self._collect_dict_site(node)

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

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.SimpleString):
            self.not_values.add(id(node.value))  # a docstring or a bare string statement

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.not_values.add(id(node.left))
        if isinstance(node.right, cst.SimpleString):
            self.not_values.add(id(node.right))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "claude" not in node.value and "text_editor_" not in node.value:
            return
        text = string_value(node)
        if text is None or id(node) in self.not_values:
            return
        if text.startswith("text_editor_"):
            self.uses_text_editor_tool = True
            return
        ref = self.ctx.catalog.parse(text)
        if ref is not None:
            matching = id(node) in self.matching
            verdict = judge(ref, matching, self.ctx.settings, self.ctx.catalog)
            self.literals[id(node)] = ModelLiteral(node, ref, matching, verdict)

    def model_literal(self, node: cst.CSTNode | None) -> ModelLiteral | None:
        return self.literals.get(id(node)) if node is not None else None

    # -- request sites ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in LOOKUP_METHODS:
            for arg in node.args:
                self._mark(arg.value)
        is_request = (
            isinstance(func, cst.Attribute)
            and func.attr.value in REQUEST_METHODS
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "messages"
        )
        params = {
            arg.keyword.value: (arg, arg.value) for arg in node.args if arg.keyword is not None
        }
        if is_request or "model" in params:
            self._candidate_sites.append(
                RequestSite(node, params, tuple(node.args), self.scope, is_request, self)
            )

    def _collect_dict_site(self, node: cst.Dict) -> None:
        entries = dict_entries(node)
        params = {key: (element, element.value) for key, element in entries.items()}
        if "model" in params:
            self._candidate_sites.append(
                RequestSite(node, params, tuple(node.elements), self.scope, False, self)
            )
        batch = entries.get("params")
        if batch is not None and "custom_id" in entries and isinstance(batch.value, cst.Dict):
            inner = dict_entries(batch.value)
            if "model" not in inner:  # with a model it is collected on its own visit
                self._candidate_sites.append(
                    RequestSite(
                        batch.value,
                        {k: (e, e.value) for k, e in inner.items()},
                        tuple(batch.value.elements),
                        self.scope,
                        True,
                        self,
                    )
                )

    # -- suppressions ----------------------------------------------------------------------
    def visit_Comment(self, node: cst.Comment) -> None:
        match = _SUPPRESSION.search(node.value)
        if match is None:
            return
        raw = match.group("codes") if match.group("noqa") is None else match.group("noqa")
        codes = frozenset(c.strip().upper() for c in re.split(r"[\s,]+", raw) if c.strip()) if raw else None
        if match.group("file"):
            self.file_suppression = _union(self.file_suppression, codes)
            return
        self._suppression_comments.append((node, codes))  # its line is known after the walk

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statements.append(node)

    def _extend_suppressions_over_statements(self) -> None:
        """A suppression on the first line of a multi-line statement covers all its lines."""
        source = self.ctx.source
        for comment, codes in self._suppression_comments:
            line, _ = source.line_col(self.ctx.span(comment)[0])
            self.suppressions[line] = _union(self.suppressions.get(line, frozenset()), codes)
        if not self.suppressions:
            return
        for statement in self._statements:
            start, end = self.ctx.span(statement)
            first, _ = source.line_col(start)
            if first not in self.suppressions:
                continue
            last, _ = source.line_col(end)
            for line in range(first + 1, last + 1):
                self.suppressions[line] = _union(self.suppressions.get(line, frozenset()), self.suppressions[first])

    def suppressed(self, node: cst.CSTNode, code: str) -> bool:
        line, _ = self.ctx.source.line_col(self.ctx.span(node)[0])
        return self.suppresses(line, code)

    def suppresses(self, line: int, code: str) -> bool:
        for codes in (self.file_suppression, self.suppressions.get(line, frozenset())):
            if codes is None or any(code.startswith(prefix) for prefix in codes):
                return True
        return False

    def finish(self) -> None:
        self._extend_suppressions_over_statements()
        self._demote_models_matched_elsewhere()
        self._keep_text_completion_models()
        self.sites = [site for site in self._candidate_sites if site.is_claude]

    def release(self) -> None:
        """Break the file's reference cycles (sites and the context point back here), so the
        parse tree is freed as soon as the file is done, not at the next full collection."""
        self.sites, self._candidate_sites, self.literals = [], [], {}
        self.ctx.analysis = None

    def _keep_text_completion_models(self) -> None:
        """No current model serves the Text Completions API: a model ID in a
        ``completions.create`` call is reported but not rewritten (the call must move, CM606)."""
        for site in self._candidate_sites:
            literal = site.model_literal
            if literal is None or literal.verdict is None or not is_text_completion(site.node):
                continue
            literal.verdict = literal.verdict.without_fix(
                "this is a Text Completions call, which no current model serves: move it to messages.create (CM606)"
            )

    def _demote_models_matched_elsewhere(self) -> None:
        """Renaming a model where it is selected, while the file also matches on it elsewhere
        (`TABLE = {"claude-x": ...}`, `assert opts.model == "claude-x"`), breaks the match: those
        fixes are unsafe too, so a safe-only fix keeps both sides in step."""
        matched = {literal.ref.model for literal in self.literals.values() if literal.matching}
        for literal in self.literals.values():
            verdict = literal.verdict
            if verdict is not None and verdict.safe and literal.ref.model in matched:
                literal.verdict = replace(verdict, safe=False)


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Union of two code sets where None means every code."""
    return None if a is None or b is None else a | b
