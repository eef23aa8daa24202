"""CM602 sampling-conflict: sampling parameters the request's model rejects."""

from __future__ import annotations

from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import index_of, number
from claude_migrate.rules.base import REQUEST_CONTEXT, Rule, invalid, valid

SAMPLING = ("temperature", "top_p", "top_k")


class SamplingConflict(Rule):
    code = "CM602"
    name = "sampling-conflict"
    severity = "error"
    fix = "unsafe"
    summary = "temperature with top_p, or any non-default sampling parameter, where the model rejects it"
    what = (
        "Finds `temperature` and `top_p` set together on a model that allows only one of them "
        "(Opus 4.1, Sonnet 4.5, Haiku 4.5; the catalog's `sampling` fact is "
        "`temperature_or_top_p`), and any non-default `temperature`, `top_p` or `top_k` on a "
        "model that rejects them all (Opus 4.7 and later: `defaults_only`). The finding starts "
        "at the parameter to drop. Judged on the model after the CM1xx fix. A value that is not "
        "a literal is not judged."
    )
    why = "The request fails with a 400."
    fix_safety = (
        "Unsafe: dropping `top_p` (or every sampling parameter) changes how the model samples. "
        "Opus 4.5, Opus 4.6 and Sonnet 4.6 are probably like Sonnet 4.5, but no source says so: "
        "they are reported only with `--preview`."
    )
    sources = "api-changes.md §6.1 (D-RN 2025-08-05, D-MIG4, D-MIG, D-DEP, D-THINK, D-WNS5, D-M:*)"
    fact = "sampling"
    tokens = SAMPLING
    context = REQUEST_CONTEXT
    valid = (
        valid('client.messages.create(model="claude-sonnet-4-5-20250929", temperature=0.2, messages=[])'),
        valid('client.messages.create(model="claude-opus-4-7", temperature=1.0, messages=[])'),
        valid('client.messages.create(model="claude-opus-4-6", temperature=0.2, top_p=0.9, messages=[])'),
        valid('client.messages.create(model="claude-opus-4-8", temperature=settings.temperature, messages=[])'),
        valid('openai_client.chat.completions.create(model="gpt-4o", temperature=0.2, top_p=0.9, messages=[])'),
    )
    invalid = (
        invalid(
            'client.messages.create(model="claude-sonnet-4-5-20250929", temperature=0.2, top_p=0.9, messages=[])',
            at=[(1, 77)],
            args=("--target", "4.5"),
            unsafe_fixed='client.messages.create(model="claude-sonnet-4-5-20250929", temperature=0.2, messages=[])',
        ),
        invalid(
            'MODEL = "claude-opus-4-7"\n'
            'params = {"model": MODEL, "temperature": 0, "top_k": 5, "messages": []}',
            at=[(2, 27), (2, 45)],
            unsafe_fixed='MODEL = "claude-opus-4-7"\nparams = {"model": MODEL, "messages": []}',
        ),
        invalid(
            "def ask(client, model):\n"
            "    return client.messages.create(model=model, top_k=40, messages=[])",
            at=[(2, 48)],
            args=("--target", "4.8"),
            unsafe_fixed="def ask(client, model):\n    return client.messages.create(model=model, messages=[])",
        ),
        invalid(
            'client.messages.create(model="claude-opus-4-6", temperature=0.2, top_p=0.9, messages=[])',
            at=[(1, 66)],
            args=("--preview",),
            unsafe_fixed='client.messages.create(model="claude-opus-4-6", temperature=0.2, messages=[])',
        ),
    )

    def check_request(self, site: Request) -> None:
        present = site.set_params(SAMPLING)
        if not present:
            return
        ctx = self.ctx
        where = site.every_model("sampling", lambda value: value == "defaults_only")
        if where is not None:
            defaults = ctx.catalog.request_facts["sampling"].defaults
            for name, (item, value) in present.items():
                literal = number(value)
                if literal is None or literal == defaults.get(name):
                    continue  # the default, or a value the tool cannot see
                message = f"`{name}` is rejected with a 400 on {where}, which accept only the default sampling"
                self._drop(site, item, message)
            return
        if "temperature" in present and "top_p" in present:
            where = site.every_model("sampling", lambda value: value == "temperature_or_top_p")
            if where is not None:
                message = f"`temperature` and `top_p` together are rejected with a 400 on {where}; set only one"
                self._drop(site, present["top_p"][0], message)

    def _drop(self, site: Request, item, message: str) -> None:
        edit, _ = self.ctx.remove_item(site.items, index_of(site.items, item))
        self.report(item, message, self.ctx.fix([edit], False))
