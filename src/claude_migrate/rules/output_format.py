"""CM603 output-format-moved: the structured-outputs beta's `output_format` dict."""

from __future__ import annotations

import libcst as cst

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import dict_entries, index_of, spreads
from claude_migrate.findings import Edit
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid

#: The request methods whose `output_format` is the beta's dict (parse() and stream() take a model class).
METHODS = ("create", "count_tokens")


class OutputFormatMoved(Rule):
    code = "CM603"
    name = "output-format-moved"
    severity = "warning"
    fix = "safe"
    summary = "output_format={...} moves into output_config={'format': ...}"
    what = (
        "Finds the structured-outputs beta's `output_format={...}` dict on `messages.create` or "
        "`count_tokens` (or in a request dict) and moves it into "
        '`output_config={"format": ...}`, merging it into a literal `output_config` that is '
        "already there. The `parse()` and `stream()` helpers' `output_format=<model class>` is "
        "left alone."
    )
    why = (
        "Structured outputs went GA on 2026-01-29 as `output_config.format`; `output_format` is "
        "deprecated, accepted only for a transition period, and the Python SDK 1.0 rejects it."
    )
    fix_safety = (
        "Safe: the same format, under its GA name (the SDK needs `output_config`, from its "
        "2026-01-29 releases on; SDK 1.0 rejects `output_format`). Unsafe when the request also "
        "spreads `**` arguments (they may hold an `output_config`) or when the move would delete "
        "a comment. No fix when `output_config` is not a literal dict or already has a `format`."
    )
    sources = "api-changes.md §6.4, §6.12 (D-SO, D-RN, SDK-MIG1)"
    tokens = ("output_format",)
    context = REQUEST_CONTEXT
    valid = (
        valid('client.messages.create(model="claude-opus-4-6", output_config={"format": SCHEMA}, messages=[])'),
        valid('client.messages.parse(model="claude-opus-4-6", output_format=Answer, messages=[])'),
        valid('client.messages.create(model="claude-opus-4-6", output_format=SCHEMA, messages=[])'),
        valid('report.render(model="gpt-4o", output_format={"type": "html"})'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-opus-4-6", output_format={"type": "json_schema"}, **common)',
            at=[(1, 49)],
            unsafe_fixed='client.messages.create(model="claude-opus-4-6", output_config={"format": {"type": "json_schema"}}, **common)',
        ),
        invalid(
            'client.beta.messages.create(model="claude-opus-4-6", max_tokens=1024, messages=[],\n'
            '    output_format={"type": "json_schema", "schema": SCHEMA})',
            at=[(2, 5)],
            fixed='client.beta.messages.create(model="claude-opus-4-6", max_tokens=1024, messages=[],\n'
            '    output_config={"format": {"type": "json_schema", "schema": SCHEMA}})',
        ),
        invalid(
            'MODEL = "claude-sonnet-4-6"\n'
            "params = {'model': MODEL, 'output_format': {'type': 'json_schema', 'schema': SCHEMA}}",
            at=[(2, 27)],
            fixed='MODEL = "claude-sonnet-4-6"\n'
            "params = {'model': MODEL, 'output_config': {'format': {'type': 'json_schema', 'schema': SCHEMA}}}",
        ),
        invalid(
            "def ask(client, model):\n"
            '    return client.messages.create(model=model, output_config={"effort": "low"}, output_format={"type": "json_schema", "schema": S})',
            at=[(2, 81)],
            fixed="def ask(client, model):\n"
            '    return client.messages.create(model=model, output_config={"format": {"type": "json_schema", "schema": S}, "effort": "low"})',
        ),
    )

    def check_request(self, site: Request) -> None:
        entry = site.params.get("output_format")
        if entry is None or not isinstance(entry[1], cst.Dict):
            return
        node = site.node
        if isinstance(node, cst.Call) and not (site.always and node.func.attr.value in METHODS):
            return
        item, value = entry
        quote = _quote(site, value)
        message = 'output_format is deprecated: structured outputs are GA as output_config={"format": ...}'
        edits, safe = self._move(site, item, value, quote)
        # A `**spread` may hold an output_config of its own, which the moved format would then
        # collide with (a TypeError) or be overwritten by.
        config = site.value("output_config")
        if spreads(site.items) or (isinstance(config, cst.Dict) and spreads(config.elements)):
            safe = False
        self.report(item, message, self.ctx.fix(edits, safe) if edits else None)

    def _move(self, site: Request, item, value: cst.Dict, quote: str) -> tuple[list[Edit], bool]:
        ctx = self.ctx
        config = site.params.get("output_config")
        if config is None:  # rename the parameter and wrap its value
            start, end = ctx.span(value)
            if isinstance(item, cst.Arg):
                rename = ctx.replace(item.keyword, "output_config")
            else:
                rename = ctx.replace_string(item.key, "output_config")
            return [rename, Edit(start, start, f"{{{quote}format{quote}: "), Edit(end, end, "}")], True
        existing = config[1]
        if not isinstance(existing, cst.Dict) or "format" in dict_entries(existing):
            return [], False
        removal, deletes_comment = ctx.remove_item(site.items, index_of(site.items, item))
        after_brace = ctx.span(existing)[0] + 1
        insert = f"{quote}format{quote}: {ctx.code(value)}" + (", " if existing.elements else "")
        return [removal, Edit(after_brace, after_brace, insert)], not deletes_comment


def _quote(site: Request, value: cst.Dict) -> str:
    """The quote the request's own string keys use."""
    for element in (*value.elements, *site.items):
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString):
            return key.quote[0]
    return '"'
