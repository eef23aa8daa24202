"""CM601 prefill-unsupported: a request whose literal messages end with the assistant's turn."""

from __future__ import annotations

import libcst as cst

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import dict_entries, string_value
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid


class PrefillUnsupported(Rule):
    code = "CM601"
    name = "prefill-unsupported"
    severity = "error"
    fix = "none"
    summary = "the messages end with an assistant turn (prefill) on a model that rejects it"
    what = (
        "Finds a request whose literal `messages` list ends with an `assistant` message (a "
        "prefill) on a model that rejects prefill with a 400: Opus 4.6, Sonnet 4.6 and later "
        "(the catalog's `prefill` fact), or with thinking on, which no model allows. Judged on "
        "the model after the CM1xx fix."
    )
    why = "The request fails with a 400."
    fix_safety = (
        "No fix: the replacement (structured outputs, an instruction in the system prompt, or "
        "the hint moved into the user turn) changes what the model is asked."
    )
    sources = "api-changes.md §6.2 (D-WN46, D-WNS5, D-MIG, D-M:haiku-5-5), §3.3 (D-THINK)"
    fact = "prefill"
    tokens = ("assistant",)
    context = REQUEST_CONTEXT
    valid = (
        valid('client.messages.create(model="claude-opus-4-6", messages=[{"role": "user", "content": "Hi"}])'),
        valid(
            'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=64, messages=[\n'
            '    {"role": "user", "content": "Name a colour."},\n'
            '    {"role": "assistant", "content": "The colour is"},\n'
            "])"
        ),
        valid('chat.send(model="gpt-4o", messages=[{"role": "assistant", "content": "Sure:"}])'),
        valid(  # a transcript: no max_tokens, so not a request
            'log.write({"model": "claude-opus-4-6", "messages": [{"role": "user", "content": q}, '
            '{"role": "assistant", "content": a}]})'
        ),
        valid('mock_create.assert_called_once_with(model="claude-opus-4-6", messages=[{"role": "assistant", "content": a}])'),
        valid(
            'client.messages.create(model="claude-opus-4-6", messages=history + [{"role": "assistant", "content": "{"}])'
        ),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[\n'
            '    {"role": "user", "content": "Reply in JSON."},\n'
            '    {"role": "assistant", "content": "{"},\n'
            "])",
            at=[(3, 5)],
        ),
        invalid(
            'MODEL = "claude-opus-4-7"\n'
            'params = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "assistant", "content": "{"}]}\n'
            "client.messages.create(**params)",
            at=[(2, 58)],
        ),
        invalid(
            "def ask(client, model):\n"
            '    return client.messages.create(model=model, messages=[{"role": "assistant", "content": "{"}])',
            at=[(2, 58)],
        ),
        invalid(
            'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=4000,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2000},\n'
            '    messages=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Well"}])',
            at=[(3, 50)],
        ),
    )

    def check_request(self, site: Request) -> None:
        if not _sends(site):
            return
        messages = site.value("messages")
        if not isinstance(messages, cst.List) or not messages.elements:
            return
        last = messages.elements[-1]
        if not isinstance(last, cst.Element) or not isinstance(last.value, cst.Dict):
            return
        role = dict_entries(last.value).get("role")
        if role is None or string_value(role.value) != "assistant":
            return
        where = site.every_model("prefill", lambda value: value == "rejected")
        if where is not None:
            reason = f"prefill is rejected with a 400 on {where}"
        elif site.thinking_after_fixes in ("enabled", "adaptive"):
            reason = "no model accepts prefill while thinking is on (a 400)"
        else:
            return
        self.report(
            last.value,
            f"The messages end with an assistant turn (prefill): {reason}; ask for the format with "
            "output_config.format or the system prompt instead",
        )


def _sends(site: Request) -> bool:
    """A request that is sent as it is: a ``messages.create``/``stream``/... call or batch params,
    or a dict with ``max_tokens``. Other dicts and calls with a ``model`` and ``messages`` are
    as often transcripts, logs or mock assertions, which end with the assistant's turn."""
    if isinstance(site.node, cst.Call):
        return site.always and site.node.func.attr.value != "count_tokens"
    return site.always or "max_tokens" in site.params
