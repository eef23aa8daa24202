"""CM302 adaptive-thinking-unsupported: `{"type": "adaptive"}` on a model that rejects it."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request
from claude_migrate.rules.base import Rule, invalid, valid


class AdaptiveThinkingUnsupported(Rule):
    code = "CM302"
    name = "adaptive-thinking-unsupported"
    severity = "error"
    fix = "none"
    summary = 'thinking={"type": "adaptive"} on a model at or below 4.5'
    what = (
        'Finds `thinking={"type": "adaptive"}` on a model that answers it with a 400 '
        '("adaptive thinking is not supported on this model"): every model before the 4.6 '
        "generation. Judged on the model after the CM1xx fix, so a retired model that migrates "
        "to a 4.6 model is not reported."
    )
    why = "The request fails."
    fix_safety = (
        "No fix: the replacement (`budget_tokens`) needs a budget only the user can choose, "
        "or a newer model."
    )
    sources = "api-changes.md §3.2 (D-TT)"
    tokens = ('"adaptive"', "'adaptive'")  # the literal the rule reads, not the English word
    valid = (
        valid('client.messages.create(model="claude-sonnet-4-6", thinking={"type": "adaptive"}, messages=[])'),
        valid('client.messages.create(model="claude-3-7-sonnet-20250219", thinking={"type": "adaptive"}, messages=[])'),
        valid('agent.configure(model="gpt-4o", thinking={"type": "adaptive"})'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-haiku-4-5", max_tokens=1024, thinking={"type": "adaptive"}, messages=[])',
            at=[(1, 67)],
        ),
    )

    def check_request(self, site: Request) -> None:
        kind, _ = site.thinking
        if kind != "adaptive":
            return
        models, _ = site.models
        if not models or any(m.thinking_mode("adaptive") != "rejected" for m in models):
            return
        self.report(
            site.params["thinking"][0],
            f'Adaptive thinking is rejected with a 400 on {site.where}; use {{"type": "enabled", '
            f'"budget_tokens": N}} there, or a 4.6 or later model',
        )
