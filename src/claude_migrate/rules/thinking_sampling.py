"""CM604 thinking-with-sampling: sampling parameters that thinking does not allow."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import number
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid
from claude_migrate.rules.sampling import SAMPLING


class ThinkingWithSampling(Rule):
    code = "CM604"
    name = "thinking-with-sampling"
    severity = "error"
    fix = "none"
    summary = "temperature or top_k with manual thinking, or top_p outside 0.95-1 with thinking"
    what = (
        'Finds a literal `temperature` other than its default (1) or any literal `top_k` together '
        'with manual thinking (`{"type": "enabled"}`), and a literal `top_p` outside 0.95-1 with '
        "thinking on, on models that still accept "
        "sampling parameters (before Opus 4.7; later ones reject them all: CM602). Judged on the "
        "request as it will be after the CM1xx and CM301 fixes."
    )
    why = "The request fails with a 400."
    fix_safety = "No fix: whether to keep thinking or the sampling setting is the user's choice."
    sources = "api-changes.md §3.3 (D-THINK; D-RN 2025-05-22), §6.1"
    fact = "sampling"
    tokens = SAMPLING
    context = REQUEST_CONTEXT
    valid = (
        valid(
            'client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=4000, temperature=0.3, messages=[])',
            args=("--target", "4.5"),
        ),
        valid(
            'client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=4000, top_p=0.97,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            args=("--target", "4.5"),
        ),
        valid('llm.generate(model="gpt-4o", temperature=0.3, thinking={"type": "enabled", "budget_tokens": 2000})'),
        valid(
            'client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=4000, temperature=1.0,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            args=("--target", "4.5"),
        ),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=4000, temperature=0.3,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            at=[(1, 77)],
            args=("--target", "4.5"),
        ),
        invalid(
            'MODEL = "claude-haiku-4-5-20251001"\n'
            'params = {"model": MODEL, "max_tokens": 4000, "top_k": 20, "thinking": {"type": "enabled", "budget_tokens": 2000}}',
            at=[(2, 47)],
            args=("--target", "4.5"),
        ),
        invalid(
            "def ask(client, model):\n"
            '    return client.messages.create(model=model, top_p=0.5, thinking={"type": "adaptive"}, messages=[])',
            at=[(2, 48)],
        ),
    )

    def check_request(self, site: Request) -> None:
        kind = site.thinking_after_fixes
        present = site.set_params(SAMPLING)
        if kind not in ("enabled", "adaptive") or not present:
            return
        # Judged with the unverified values too: they are unverified only as to *which* of the
        # two restricted kinds a model has, and thinking restricts both the same way.
        where = site.every_model("sampling", lambda value: value != "defaults_only", preview=True)
        if where is None:
            return
        catalog = self.ctx.catalog
        facts, defaults = catalog.thinking_sampling, catalog.request_facts["sampling"].defaults
        if kind == "enabled":
            for name in facts.incompatible_with_manual_thinking:
                value = number(present[name][1]) if name in present else None
                if value is not None and value != defaults.get(name):  # a literal other than the default
                    self.report(present[name][0], f"`{name}` cannot be changed with manual thinking on {where} (a 400)")
        low, high = facts.top_p_range
        top_p = number(present["top_p"][1]) if "top_p" in present else None
        if top_p is not None and not low <= top_p <= high:
            message = f"with thinking on, `top_p` must be between {low} and {high} on {where} (a 400)"
            self.report(present["top_p"][0], message)
