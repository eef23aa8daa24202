"""Request sites: where the file sends (or builds) a request to Claude.

A site is a ``*.messages.create/stream/parse/count_tokens/tool_runner`` call, the ``params``
dict of a batch request, or any call or dict literal whose ``model`` resolves to a Claude model.
Its parameters are a call's keyword arguments or a dict's string keys, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

import libcst as cst

from claude_migrate.facts.cst import dict_entries, is_none, string_value
from claude_migrate.facts.literals import Literals, ModelLiteral
from claude_migrate.facts.scopes import Scope, Scopes, resolve

REQUEST_METHODS = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})
UNKNOWN = "<unknown>"  # a value present but not a literal
BETA_HEADER = "anthropic-beta"
#: One flag of an ``anthropic-beta`` header's comma-separated list.
BETA_FLAG = re.compile(r"[^,\s]+")

#: parameter name -> (the Arg or DictElement, its value)
Params = dict[str, tuple[cst.CSTNode, cst.BaseExpression]]


@dataclass(frozen=True, eq=False)
class RequestSite:
    node: cst.Call | cst.Dict
    params: Params
    items: tuple[cst.CSTNode, ...]  # every Arg / element, for removing one
    scope: Scope
    always: bool  # a messages.* call or batch params: a request whatever its model
    #: The model-ID literal its ``model`` resolves to, if any.
    model: ModelLiteral | None

    def value(self, name: str) -> cst.BaseExpression | None:
        entry = self.params.get(name)
        return entry[1] if entry else None

    def set_params(self, names: tuple[str, ...]) -> Params:
        """The parameters of ``names`` the request sets (to something other than None)."""
        return {name: self.params[name] for name in names if name in self.params and not is_none(self.value(name))}

    @cached_property
    def thinking(self) -> tuple[str | None, cst.Dict | None]:
        """The literal ``thinking`` type (None when absent, UNKNOWN when not a literal), and the
        ``thinking`` dict when it is a literal one."""
        value = self.value("thinking")
        if value is None:
            return None, None
        if isinstance(value, cst.Dict):
            entry = dict_entries(value).get("type")
            kind = string_value(entry.value) if entry else None
            return (kind if kind is not None else UNKNOWN), value
        return UNKNOWN, None

    def beta_list(self) -> cst.List | cst.Tuple | None:
        """A literal ``betas=[...]``."""
        betas = self.value("betas")
        return betas if isinstance(betas, (cst.List, cst.Tuple)) else None

    def beta_headers(self) -> Iterator[tuple[cst.Dict, int, cst.SimpleString]]:
        """Each ``anthropic-beta`` entry of a literal ``extra_headers`` dict whose value is a
        string literal: the dict, the entry's index in it, and the string."""
        headers = self.value("extra_headers")
        if not isinstance(headers, cst.Dict):
            return
        for index, element in enumerate(headers.elements):
            if (
                isinstance(element, cst.DictElement)
                and (string_value(element.key) or "").lower() == BETA_HEADER
                and isinstance(element.value, cst.SimpleString)
            ):
                yield headers, index, element.value

    def beta_flags(self) -> set[str]:
        """Every beta flag the request names, in ``betas`` or in its headers."""
        betas = self.beta_list()
        flags = {v for e in betas.elements if (v := string_value(e.value))} if betas else set()
        for _, _, node in self.beta_headers():
            flags.update(match.group() for match in BETA_FLAG.finditer(string_value(node) or ""))
        return flags


class Sites(cst.BatchableCSTVisitor):
    """Collects candidate sites in the walk; ``finish`` keeps those that are requests to Claude."""

    def __init__(self, scopes: Scopes, literals: Literals) -> None:
        super().__init__()
        self._scopes, self._literals = scopes, literals
        self._candidates: list[tuple[cst.Call | cst.Dict, Params, tuple[cst.CSTNode, ...], Scope, bool]] = []
        self.sites: list[RequestSite] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        is_request = (
            isinstance(func, cst.Attribute)
            and func.attr.value in REQUEST_METHODS
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "messages"
        )
        params = {arg.keyword.value: (arg, arg.value) for arg in node.args if arg.keyword is not None}
        if is_request or "model" in params:
            self._candidates.append((node, params, tuple(node.args), self._scopes.current, is_request))

    def visit_Dict(self, node: cst.Dict) -> None:
        entries = dict_entries(node)
        if "model" in entries:
            params = {key: (element, element.value) for key, element in entries.items()}
            self._candidates.append((node, params, tuple(node.elements), self._scopes.current, False))
        batch = entries.get("params")
        if batch is not None and "custom_id" in entries and isinstance(batch.value, cst.Dict):
            inner = dict_entries(batch.value)
            if "model" not in inner:  # with a model it is collected on its own visit
                params = {key: (element, element.value) for key, element in inner.items()}
                self._candidates.append((batch.value, params, tuple(batch.value.elements), self._scopes.current, True))

    def finish(self) -> None:
        for node, params, items, scope, always in self._candidates:
            entry = params.get("model")
            resolved = resolve(entry[1], scope) if entry else None
            model = self._literals.model(resolved)
            if model is not None or _names_claude(resolved, always):
                self.sites.append(RequestSite(node, params, items, scope, always, model))
        self._candidates = []


def _names_claude(resolved: cst.CSTNode | None, always: bool) -> bool:
    """A request to Claude though its model is no ID the catalog knows: a string that names
    Claude (an ID the catalog does not know yet), or no string at all on a messages.* call."""
    text = string_value(resolved)
    return "claude" in text if text is not None else always
