"""CM303 invalid-thinking-budget: a literal budget below 1,024 or not below `max_tokens`."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import dict_entries, int_value
from claude_migrate.rules.base import Rule, invalid, valid


class InvalidThinkingBudget(Rule):
    code = "CM303"
    name = "invalid-thinking-budget"
    severity = "error"
    fix = "none"
    summary = "A literal budget_tokens < 1024 or >= a literal max_tokens"
    what = (
        "Finds manual thinking whose literal `budget_tokens` is below 1,024, or not below a "
        "literal `max_tokens` (allowed only with interleaved thinking, which this rule "
        "recognises by its beta flag). Judged after the CM301 fix: a budget that fix removes "
        "is not reported."
    )
    why = "The request fails with a 400."
    fix_safety = "No fix: only the user knows which of the two numbers is wrong."
    sources = "api-changes.md §3.3 (D-ET)"
    tokens = ("budget_tokens",)
    valid = (
        valid(
            'client.messages.create(model="claude-haiku-4-5", max_tokens=4096,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2048}, messages=[])'
        ),
        valid(
            'client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=2048, betas=["interleaved-thinking-2025-05-14"],\n'
            '    thinking={"type": "enabled", "budget_tokens": 8000}, messages=[])'
        ),
        valid('local_llm.generate(model="llama-3", max_tokens=100, thinking={"type": "enabled", "budget_tokens": 200})'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-haiku-4-5", max_tokens=1024,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2048}, messages=[])',
            at=[(2, 5)],
        ),
        invalid(
            'client.messages.create(model="claude-haiku-4-5", max_tokens=4096,\n'
            '    thinking={"type": "enabled", "budget_tokens": 512}, messages=[])',
            at=[(2, 5)],
        ),
    )

    def check_request(self, site: Request) -> None:
        _, thinking = site.thinking
        if thinking is None or site.thinking_after_fixes != "enabled":
            return
        entry = dict_entries(thinking).get("budget_tokens")
        budget = int_value(entry.value) if entry else None
        if budget is None:
            return
        max_tokens = int_value(site.value("max_tokens"))
        limits = self.ctx.catalog.thinking
        if budget < limits.min_budget:
            message = f"budget_tokens {budget} is below the minimum of {limits.min_budget}"
        elif max_tokens is not None and budget >= max_tokens and limits.interleaved_beta not in site.beta_flags():
            message = f"budget_tokens {budget} must be less than max_tokens {max_tokens}"
        else:
            return
        self.report(site.params["thinking"][0], message + " (the request fails with a 400)")
