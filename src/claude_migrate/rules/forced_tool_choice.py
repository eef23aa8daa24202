"""CM605 forced-tool-with-thinking: `tool_choice` any/tool where thinking forbids it."""

from __future__ import annotations

import libcst as cst

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import dict_entries, string_value
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid

FORCED = ("any", "tool")


class ForcedToolWithThinking(Rule):
    code = "CM605"
    name = "forced-tool-with-thinking"
    severity = "error"
    fix = "none"
    summary = 'tool_choice {"type": "any"/"tool"} with manual thinking, or where thinking is always on'
    what = (
        'Finds `tool_choice={"type": "any"}` or `{"type": "tool", ...}` together with manual '
        'thinking (`{"type": "enabled"}`), which allows only `auto` or `none`; and forced tool use '
        "on the models that reject it on every request (Opus 5.5, Sonnet 5.5, Fable 5.1: the "
        "catalog's `forced_tool_choice` fact is `rejected`). Judged after the CM1xx and CM301 "
        "fixes: adaptive thinking allows forced tool use elsewhere."
    )
    why = "The request fails with a 400."
    fix_safety = "No fix: `auto` lets the model skip the tool, which the caller may rely on."
    sources = "api-changes.md §3.3 (D-THINK), §6.9, §6.10 (D-M:opus-5-5, D-M:sonnet-5-5)"
    fact = "forced_tool_choice"
    tokens = ("tool_choice",)
    context = REQUEST_CONTEXT
    valid = (
        valid(
            'client.messages.create(model="claude-opus-4-6", tools=TOOLS, tool_choice={"type": "any"},\n'
            '    thinking={"type": "adaptive"}, messages=[])'
        ),
        valid(
            'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=4000, tools=TOOLS,\n'
            '    tool_choice={"type": "auto"}, thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            args=("--target", "4.5"),
        ),
        valid('agent.run(model="gpt-4o", tool_choice={"type": "any"}, thinking={"type": "enabled"})'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=4000, tools=TOOLS,\n'
            '    tool_choice={"type": "tool", "name": "lookup"}, thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            at=[(2, 5)],
            args=("--target", "4.5"),
        ),
        invalid(
            'MODEL = "claude-opus-5-5"\n'
            'params = {"model": MODEL, "tools": TOOLS, "tool_choice": {"type": "any"}, "messages": []}',
            at=[(2, 43)],
            args=("--target", "5.5"),
        ),
        invalid(
            "def ask(client, model):\n"
            '    return client.messages.create(model=model, tool_choice={"type": "any"}, thinking={"type": "enabled", "budget_tokens": 2000})',
            at=[(2, 48)],
            args=("--target", "4.5"),
        ),
    )

    def check_request(self, site: Request) -> None:
        choice = site.value("tool_choice")
        if not isinstance(choice, cst.Dict):
            return
        kind = dict_entries(choice).get("type")
        if kind is None or string_value(kind.value) not in FORCED:
            return
        where = site.every_model("forced_tool_choice", lambda value: value == "rejected")
        if where is not None:
            reason = f'tool_choice "any" and "tool" are rejected on every request on {where}'
        elif site.thinking_after_fixes == "enabled" and site.every_model(
            "forced_tool_choice", lambda value: value in ("not_with_manual_thinking", "rejected")
        ):
            reason = 'manual thinking allows only tool_choice "auto" or "none"'
        else:
            return
        self.report(site.params["tool_choice"][0], f"Forced tool use fails with a 400: {reason}")
