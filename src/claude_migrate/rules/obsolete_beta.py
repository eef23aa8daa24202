"""CM201 obsolete-beta: beta flags that do nothing for the request's model."""

from __future__ import annotations

import libcst as cst

from claude_migrate.catalog import Beta, Catalog, Model
from claude_migrate.facts.after_fixes import Request
from claude_migrate.facts.cst import index_of, string_value
from claude_migrate.facts.sites import BETA_FLAG, UNKNOWN
from claude_migrate.rules.base import Rule, invalid, valid


class ObsoleteBeta(Rule):
    code = "CM201"
    name = "obsolete-beta"
    severity = "warning"
    fix = "safe or unsafe"
    summary = "A beta flag that does nothing for the request's model (one finding per flag)"
    what = (
        "Finds each flag in `betas=[...]` or in `extra_headers={\"anthropic-beta\": \"a,b\"}` that "
        "does nothing for the request: Claude 3.7-only flags on Claude 4 and later, "
        "`interleaved-thinking-2025-05-14` with adaptive or no thinking or on a model that ignores "
        "it, and flags of features that went GA. The request's model is the one it will hit after "
        "the CM1xx fix; its thinking is the one after the CM301 fix."
    )
    why = "Dead flags hide which features a request really depends on and outlive the features they named."
    fix_safety = (
        "Removes the flag; drops the `anthropic-beta` entry, and `betas=` / `extra_headers=`, when "
        "nothing is left. Safe when the request's model is known; unsafe when it is not (the "
        "tool assumes `--target`) or when the removal would delete a comment. "
        "`fine-grained-tool-streaming-2025-05-14` still switches fine-grained streaming on for "
        "every tool, so its removal is always unsafe."
    )
    sources = "api-changes.md §2 (D-MIG4, D-MIG, D-WN46, D-ET, D-RN, D-FGTS)"
    valid = (
        valid(
            'client.beta.messages.create(model="claude-sonnet-4-6", betas=["context-management-2025-06-27"], messages=[])'
        ),
        valid(
            'client.beta.messages.create(model="claude-sonnet-4-6", thinking={"type": "enabled", "budget_tokens": 2000},\n'
            '    max_tokens=4000, betas=["interleaved-thinking-2025-05-14"], messages=[])',
            args=("--select", "CM201"),
        ),
        valid('other_sdk.create(model="gpt-4o", betas=["output-128k-2025-02-19"])'),
    )
    invalid = (
        invalid(
            'client.beta.messages.create(model="claude-sonnet-4-6", betas=["token-efficient-tools-2025-02-19", "files-api-2025-04-14"], messages=[])',
            at=[(1, 63)],
            fixed='client.beta.messages.create(model="claude-sonnet-4-6", betas=["files-api-2025-04-14"], messages=[])',
        ),
        invalid(
            """
            client.messages.create(
                model="claude-opus-4-6",
                extra_headers={"anthropic-beta": "output-128k-2025-02-19"},
                messages=[],
            )
            """,
            at=[(3, 38)],
            fixed="""
            client.messages.create(
                model="claude-opus-4-6",
                messages=[],
            )
            """,
        ),
        invalid(
            'client.beta.messages.create(model=MODEL, betas=["output-128k-2025-02-19"], messages=[])',
            at=[(1, 49)],
            unsafe_fixed="client.beta.messages.create(model=MODEL, messages=[])",
        ),
    )

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return tuple(catalog.betas)

    def _obsolete(self, name: str | None, site: Request) -> Beta | None:
        beta = self.ctx.catalog.betas.get(name or "")
        if beta is None:
            return None
        models, _ = site.models
        thinking = site.thinking_after_fixes
        today = self.ctx.settings.today
        if models and not any(beta_is_live(beta, m, thinking, today) for m in models):
            return beta
        return None

    def _report(self, site: Request, node: cst.CSTNode, beta: Beta, edit, deletes_comment: bool) -> None:
        _, known = site.models
        safe = known and beta.fix == "safe" and not deletes_comment
        message = f"Beta flag '{beta.name}' does nothing for this request: {beta.why}"
        self.report(node, message, self.ctx.fix([edit], safe))

    def _drop_param(self, site: Request, name: str):
        return self.ctx.remove_item(site.items, index_of(site.items, site.params[name][0]))

    def check_request(self, site: Request) -> None:
        betas = site.beta_list()
        if betas is not None:
            elements = betas.elements
            for index, element in enumerate(elements):
                beta = self._obsolete(string_value(element.value), site)
                if beta is None:
                    continue
                if len(elements) == 1:
                    edit, comment = self._drop_param(site, "betas")
                else:
                    edit, comment = self.ctx.remove_item(elements, index)
                self._report(site, element.value, beta, edit, comment)
        for headers, index, node in site.beta_headers():
            self._check_header(site, headers, index, node)

    def _check_header(self, site: Request, headers: cst.Dict, index: int, node: cst.SimpleString) -> None:
        value = string_value(node)
        body = node.value[len(node.prefix) + len(node.quote): -len(node.quote)]
        if value is None or value != body:  # escapes: offsets in the value are not offsets in the source
            return
        flags = list(BETA_FLAG.finditer(value))
        for position, match in enumerate(flags):
            beta = self._obsolete(match.group(), site)
            if beta is None:
                continue
            if len(flags) == 1:
                if len(headers.elements) == 1:
                    edit, comment = self._drop_param(site, "extra_headers")
                else:
                    edit, comment = self.ctx.remove_item(headers.elements, index)
            else:
                # Take the flag with the separator after it, or before it when it is last.
                if position + 1 < len(flags):
                    start, end = match.start(), flags[position + 1].start()
                else:
                    start, end = flags[position - 1].end(), match.end()
                new = value[:start] + value[end:]
                edit, comment = self.ctx.replace_string(node, new), False
            self._report(site, node, beta, edit, comment)


def beta_is_live(beta: Beta, model: Model, thinking: str | None, today) -> bool:
    if beta.ga is not None and today < beta.ga:
        return True
    if model.id in beta.works_on and (beta.works_until is None or today <= beta.works_until):
        return beta.needs_thinking is None or thinking in (beta.needs_thinking, UNKNOWN)
    return False
