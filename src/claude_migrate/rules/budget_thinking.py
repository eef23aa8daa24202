"""CM301 budget-thinking: manual thinking (`budget_tokens`) on a model that deprecates or rejects it."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request, Rewrite
from claude_migrate.facts.cst import dict_entries, index_of
from claude_migrate.findings import Edit
from claude_migrate.rules.base import Rule, invalid, valid


class BudgetThinking(Rule):
    code = "CM301"
    name = "budget-thinking"
    severity = "error"
    fix = "safe or unsafe"
    summary = 'thinking={"type": "enabled", "budget_tokens": N} on a 4.6+ model'
    what = (
        'Finds `thinking={"type": "enabled", "budget_tokens": N}` on a model where manual thinking '
        "is deprecated (Opus 4.6, Sonnet 4.6: a warning) or rejected with a 400 (Opus 4.7 and "
        'later, Sonnet 5, the Fable line: an error), and replaces it with `{"type": "adaptive"}`, '
        "keeping the dict's other keys (such as `display`)."
    )
    why = (
        "Adaptive thinking decides its own depth; control it with `output_config.effort`. "
        "The model's accepted thinking modes are catalog data."
    )
    fix_safety = (
        "Safe when the request's model is known; unsafe when it cannot be resolved (the tool "
        "assumes `--target`), or when removing `budget_tokens` would delete a comment."
    )
    sources = "api-changes.md §3.1, §3.2 (D-TT, D-WN46, D-WN47), §6.4, §6.5"
    tokens = ("budget_tokens",)
    #: Its fix makes manual thinking adaptive.
    rewrites = "thinking"
    valid = (
        valid('client.messages.create(model="claude-opus-4-6", thinking={"type": "adaptive"}, messages=[])'),
        valid(
            'client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=4000,\n'
            '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])',
            args=("--select", "CM301"),
        ),
        valid('agent.run(model="gpt-5", thinking={"type": "enabled", "budget_tokens": 2000})'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-opus-4-6", max_tokens=16000,\n'
            '    thinking={"type": "enabled", "budget_tokens": 10000, "display": "summarized"}, messages=[])',
            at=[(2, 5)],
            fixed='client.messages.create(model="claude-opus-4-6", max_tokens=16000,\n'
            '    thinking={"type": "adaptive", "display": "summarized"}, messages=[])',
        ),
        invalid(
            'params = {"model": "claude-opus-4-7", "max_tokens": 8000, "thinking": {"type": "enabled", "budget_tokens": 4000}}',
            at=[(1, 59)],
            fixed='params = {"model": "claude-opus-4-7", "max_tokens": 8000, "thinking": {"type": "adaptive"}}',
        ),
        invalid(
            "def ask(client, model):\n"
            '    return client.messages.create(model=model, max_tokens=8000, thinking={"type": "enabled", "budget_tokens": 4000})',
            at=[(2, 65)],
            unsafe_fixed="def ask(client, model):\n"
            '    return client.messages.create(model=model, max_tokens=8000, thinking={"type": "adaptive"})',
        ),
    )

    def _judge(self, site: Request) -> tuple[bool, list[Edit], bool] | None:
        """(rejected, the fix's edits, whether it is safe) where manual thinking is deprecated
        or rejected on every model the request may hit; None elsewhere."""
        kind, thinking = site.thinking
        if kind != "enabled" or thinking is None:
            return None
        models, known = site.models
        states = [model.thinking_mode("enabled") for model in models]
        if not states or not all(state in ("deprecated", "rejected") for state in states):
            return None
        ctx = self.ctx
        entries = dict_entries(thinking)
        edits = [ctx.replace_string(entries["type"].value, "adaptive")]
        deletes_comment = False
        budget = entries.get("budget_tokens")
        if budget is not None:
            edit, deletes_comment = ctx.remove_item(thinking.elements, index_of(thinking.elements, budget))
            edits.append(edit)
        return "rejected" in states, edits, known and not deletes_comment

    def rewritten(self, site: Request) -> Rewrite | None:
        found = self._judge(site)
        return Rewrite("adaptive", self.code, site.params["thinking"][0], found[2]) if found else None

    def check_request(self, site: Request) -> None:
        found = self._judge(site)
        if found is None:
            return
        rejected, edits, safe = found
        state = "rejected with a 400" if rejected else "deprecated"
        message = (
            f'Manual thinking with budget_tokens is {state} on {site.where}; use {{"type": "adaptive"}} '
            "and control depth with output_config.effort"
        )
        self.report(site.params["thinking"][0], message, self.ctx.fix(edits, safe), severity="error" if rejected else "warning")
