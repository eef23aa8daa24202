"""CM304 disabled-thinking-rejected: `thinking={"type": "disabled"}` on a model that rejects it."""

from __future__ import annotations

import libcst as cst

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import dict_entries, index_of, string_value
from claude_migrate.rules.base import Rule, invalid, valid


class DisabledThinkingRejected(Rule):
    code = "CM304"
    name = "disabled-thinking-rejected"
    severity = "error"
    fix = "unsafe"
    summary = 'thinking={"type": "disabled"} on a model that rejects it (always, or at the request\'s effort)'
    what = (
        'Finds `thinking={"type": "disabled"}` on a model that answers it with a 400 '
        '(`"thinking.type.disabled" is not supported for this model`): always on Mythos Preview, '
        "Fable 5, Mythos 5, Fable 5.1, Opus 5.5 and Sonnet 5.5, and on Opus 5 when the same "
        'request sets `output_config={"effort": "xhigh"}` or `"max"` as a literal. The models '
        "and efforts are the catalog's thinking facts. Judged on the model after the CM1xx fix. "
        "Haiku 5.5 at xhigh/max (by analogy with Opus 5) and Opus 4.7 (sources disagree) are "
        "unverified: reported only with `--preview`."
    )
    why = "The request fails. These models always think; Sonnet 5.5's lowest setting is `between_tools`."
    fix_safety = (
        'Unsafe: `{"type": "between_tools"}` where the model accepts it at the request\'s effort '
        "(Sonnet 5.5 below xhigh), else the `thinking` argument is removed, so the model thinks "
        "at its default, which costs tokens and time the request did not spend before."
    )
    sources = "api-changes.md §3.1, §3.2 (D-TT, D-WNO5, D-M:opus-5-5, D-M:sonnet-5-5), §3.4 (effort), §9.3 (AWS)"
    tokens = ('"disabled"', "'disabled'")  # the literal the rule reads, not the English word
    context = ("thinking",)  # GUI code says state="disabled" too; the rule reads a `thinking` param
    valid = (
        valid('client.messages.create(model="claude-opus-4-8", thinking={"type": "disabled"}, messages=[])'),
        valid(
            'client.messages.create(model="claude-opus-5", thinking={"type": "disabled"},\n'
            '    output_config={"effort": "high"}, messages=[])'
        ),
        valid(
            'client.messages.create(model="claude-opus-5", thinking={"type": "disabled"},\n'
            "    output_config={\"effort\": level}, messages=[])"
        ),
        valid(
            'client.messages.create(model="claude-haiku-5-5", thinking={"type": "disabled"},\n'
            '    output_config={"effort": "xhigh"}, messages=[])'
        ),
        valid('agent.run(model="gpt-5", thinking={"type": "disabled"})'),
        valid('options.update(thinking={"type": "disabled"}, effort="max")'),
        valid('client.messages.create(model="claude-fable-5", thinking={"type": "adaptive"}, messages=[])'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-opus-5-5", max_tokens=1024, thinking={"type": "disabled"}, messages=[])',
            at=[(1, 66)],
            unsafe_fixed='client.messages.create(model="claude-opus-5-5", max_tokens=1024, messages=[])',
        ),
        invalid(
            'params = {"model": "claude-sonnet-5-5", "max_tokens": 1024, "thinking": {"type": "disabled"}}',
            at=[(1, 61)],
            unsafe_fixed='params = {"model": "claude-sonnet-5-5", "max_tokens": 1024, "thinking": {"type": "between_tools"}}',
        ),
        invalid(
            'client.messages.create(model="claude-opus-5", thinking={"type": "disabled"},\n'
            '    output_config={"effort": "xhigh"}, messages=[])',
            at=[(1, 47)],
            unsafe_fixed='client.messages.create(model="claude-opus-5", output_config={"effort": "xhigh"}, messages=[])',
        ),
        invalid(
            'client.messages.create(model="claude-haiku-5-5", thinking={"type": "disabled"},\n'
            '    output_config={"effort": "max"}, messages=[])',
            at=[(1, 50)],
            unsafe_fixed='client.messages.create(model="claude-haiku-5-5", output_config={"effort": "max"}, messages=[])',
            args=("--preview",),
        ),
    )

    def check_request(self, site: Request) -> None:
        kind, thinking = site.thinking
        if kind != "disabled" or thinking is None:
            return
        ctx = self.ctx
        models, _ = site.models
        effort, preview = _effort(site), ctx.settings.preview
        if not models or not all(model.rejects_disabled_thinking(effort, preview) for model in models):
            return
        where = site.where
        always = all(model.rejects_disabled_thinking(None, preview) for model in models)
        item = site.params["thinking"][0]
        if all(model.thinking_mode("between_tools", effort) == "accepted" for model in models):
            edit = ctx.replace_string(dict_entries(thinking)["type"].value, "between_tools")
            advice = 'use {"type": "between_tools"}, the lowest thinking setting there'
        else:
            edit, _ = ctx.remove_item(site.items, index_of(site.items, item))
            advice = "remove `thinking`: the model always thinks, and a lower output_config.effort makes it think less"
        if not always:
            where += f" at effort {effort!r}"
            advice = "remove `thinking` (the model then thinks adaptively), or use effort 'high' or lower"
        message = f'Thinking {{"type": "disabled"}} is rejected with a 400 on {where}; {advice}'
        self.report(item, message, ctx.fix([edit], False))


def _effort(site: Request) -> str | None:
    """The request's literal ``output_config`` effort; None when unset or not a literal."""
    config = site.value("output_config")
    if not isinstance(config, cst.Dict):
        return None
    entry = dict_entries(config).get("effort")
    return string_value(entry.value) if entry else None
