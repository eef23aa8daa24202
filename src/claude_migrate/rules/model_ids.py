"""CM101 retired-model, CM102 deprecated-model, CM103 outdated-model.

One analysis (``lifecycle.judge`` on every model-ID literal) decides which of the three applies,
so one rule (CM101) checks and reports all three; CM102 and CM103 are its documentation only.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from claude_migrate.facts.after_fixes import Request, Rewrite
from claude_migrate.lifecycle import Verdict, judge
from claude_migrate.rules.base import Rule, RuleDoc, invalid, valid

_FIX_SAFETY = (
    "Safe where the string selects a model (a keyword argument, assignment, parameter default, "
    "dict value, call argument or return value). Unsafe in a *matching place* (a comparison or "
    "`in` test, dict key, value of a dict keyed by model IDs, list/tuple/set member, subscript "
    "or `case` pattern): renaming there changes what the program matches. Unsafe for a Bedrock "
    "ID without a cross-region prefix, since newer models may need an inference profile only "
    "the user can choose (a foundation-model ARN is one too). The successor keeps the form: a "
    "Bedrock ID stays Bedrock (in an ARN only the model part changes), an alias stays an alias "
    "(`claude-2` and `claude-instant-1` count as aliases), a dated ID becomes the successor's "
    "pinned ID, provider prefixes stay. No fix where the family has no model at or below "
    "`--target` that is out and not retired on `--today`, or where the successor has no ID of "
    "that form (a Bedrock context-length suffix such as `:28k` included)."
)

_PARTNER_DATES = (
    "Bedrock and Google-managed Vertex AI IDs (`claude-3-7-sonnet@20250219`) are judged on the "
    "partner's own dates where the catalog has them; where it has none, a model the Claude API "
    "has retired is CM102 there, since the partner sets its own date. The Anthropic-managed "
    "Google Cloud offering (`AnthropicGoogleCloud`) takes first-party IDs, judged on Anthropic's dates."
)


class DeprecatedModel(RuleDoc):
    code = "CM102"
    name = "deprecated-model"
    severity = "warning"
    fix = "safe or unsafe"
    summary = "A deprecated model ID with a retirement date still ahead, or a partner ID the Claude API retired"
    what = (
        "Finds model IDs of models that are deprecated on `--today` but not yet retired, and "
        "replaces them with the family's newest model at or below `--target`. Also a model whose "
        "retirement date the catalog marks unconfirmed, once that date has passed (\"was due to "
        "retire on D (unconfirmed)\"). " + _PARTNER_DATES
    )
    why = "Deprecated models stop working on their retirement date; migrating before then avoids an outage."
    fix_safety = _FIX_SAFETY
    sources = "api-changes.md §1.2 (D-DEP, D-M:sonnet-4-5), §1.4 (D-BRL), §9.1 (SDK-2.17, AWS)"
    valid = (
        valid('MODEL = "claude-sonnet-4-6"'),
        valid('MODEL = "claude-sonnet-4-5"', args=("--today", "2026-06-01")),
        valid('MODEL = "us.anthropic.claude-opus-4-5-20251101-v1:0"', args=("--today", "2026-12-04")),
    )
    invalid = (
        invalid('MODEL = "claude-sonnet-4-5-20250929"', at=[(1, 9)], fixed='MODEL = "claude-sonnet-4-6"'),
        invalid(
            'MODEL = "claude-sonnet-4-5"',
            at=[(1, 9)],
            fixed='MODEL = "claude-sonnet-5-5"',
            args=("--target", "latest"),
        ),
        invalid(
            'MODEL = "claude-opus-4-5"',
            at=[(1, 9)],
            fixed='MODEL = "claude-opus-5-5"',
            args=("--today", "2026-12-04", "--target", "latest"),
        ),
        invalid(
            'MODEL = "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0"',
            at=[(1, 9)],
            fixed='MODEL = "bedrock/us.anthropic.claude-sonnet-4-6"',
        ),
        invalid('MODEL = "claude-3-7-sonnet@20250219"', at=[(1, 9)], fixed='MODEL = "claude-sonnet-4-6"'),
        invalid(
            'MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-opus-20240229-v1:0"',
            at=[(1, 9)],
            unsafe_fixed='MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-6-v1"',
        ),
        invalid('MODEL = "anthropic.claude-3-sonnet-20240229-v1:0:28k"', at=[(1, 9)]),
    )


class OutdatedModel(RuleDoc):
    code = "CM103"
    name = "outdated-model"
    severity = "warning"
    fix = "safe or unsafe"
    summary = "An active model whose family has a newer model at or below --target"
    what = (
        "Finds IDs of active models when their family has a newer model at or below `--target` "
        "(Sonnet 4.6 under `--target 4.8` is not outdated: no newer Sonnet is at or below 4.8)."
    )
    why = "Moving a codebase to one generation keeps behaviour, prices and limits consistent."
    fix_safety = _FIX_SAFETY
    sources = "api-changes.md §1.2, §1.6"
    valid = (
        valid('MODEL = "claude-sonnet-4-6"', args=("--target", "4.8")),
        valid('MODEL = "claude-haiku-4-5"'),
        valid('MODEL = "claude-opus-4-8"'),
    )
    invalid = (
        invalid('MODEL = "claude-opus-4-6"', at=[(1, 9)], fixed='MODEL = "claude-opus-4-8"', args=("--target", "4.8")),
        invalid('MODEL = "claude-opus-4-5"', at=[(1, 9)], fixed='MODEL = "claude-opus-4-6"', args=("--today", "2026-11-01")),
        invalid(
            'MODEL = "us.anthropic.claude-opus-4-5-20251101-v1:0"',
            at=[(1, 9)],
            fixed='MODEL = "us.anthropic.claude-opus-4-6-v1"',
            args=("--today", "2026-12-04"),
        ),
    )


# CM102 and CM103 first: CM101 reports them too (``also_reports``).


class RetiredModel(Rule):
    code = "CM101"
    name = "retired-model"
    severity = "error"
    fix = "safe or unsafe"
    summary = "A model ID (any form) retired on --today"
    what = (
        "Finds string literals that are a Claude model ID (API ID, alias or legacy short name, "
        "Bedrock ID, profile or ARN, Vertex ID, with or without a `anthropic/`, `bedrock/` or "
        "`vertex_ai/` prefix) of a model that is retired on `--today`, and replaces it with its "
        "family's newest model at or below `--target`. " + _PARTNER_DATES
    )
    why = "Requests to a retired model fail. Lifecycle dates are the catalog's (`claude-migrate models`)."
    fix_safety = _FIX_SAFETY
    sources = "api-changes.md §1.2 (D-DEP, D-RN), §1.4 Bedrock, §1.5 Vertex, §9.1-§9.2 (SDK-2.17, AWS)"
    valid = (
        valid('client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[])'),
        valid('HELP = "Set --model (was claude-3-opus-20240229 before the upgrade)."'),
        valid('log.info(f"using claude-3-opus-20240229 for {user}")'),
        valid('def f():\n    """Calls claude-3-opus-20240229."""\n'),
        valid('LEGACY = "claude-3-opus-20240229"  # claude-migrate: ignore[CM101]'),
    )
    also_reports = (DeprecatedModel, OutdatedModel)
    tokens = ("claude",)
    #: Its fix moves a request to the successor model.
    rewrites = "model"
    invalid = (
        invalid(
            'client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=[])',
            at=[(1, 30)],
            fixed='client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[])',
        ),
        invalid(
            'MODEL = "claude-3-5-haiku-latest"',
            at=[(1, 9)],
            fixed='MODEL = "claude-haiku-4-5"',
        ),
        invalid(
            'MODEL = "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0"',
            at=[(1, 9)],
            fixed='MODEL = "bedrock/us.anthropic.claude-sonnet-4-6"',
        ),
        invalid(
            'MODEL = "anthropic.claude-3-haiku-20240307-v1:0"',
            at=[(1, 9)],
            unsafe_fixed='MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0"',
            args=("--today", "2026-12-04"),
        ),
        invalid(
            'MODEL = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-20250514-v1:0"',
            at=[(1, 9)],
            fixed='MODEL = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1"',
        ),
        invalid('MODEL = "claude-2"', at=[(1, 9)], fixed='MODEL = "claude-opus-4-6"'),
        invalid(
            """
            if model == "claude-3-opus-20240229":
                pass
            """,
            at=[(1, 13)],
            unsafe_fixed="""
            if model == "claude-opus-4-6":
                pass
            """,
        ),
        invalid('OPUS = "claude-opus-4-20250514"', at=[(1, 8)], args=("--target", "4")),
    )

    @cached_property
    def _verdicts(self) -> dict[int, Verdict]:
        """id(literal node) -> the verdict on that model-ID literal, in source order, with the
        fix's safety and successor as the whole file decides them."""
        ctx, literals = self.ctx, self.facts.literals.models
        verdicts = {}
        for key, literal in literals.items():
            verdict = judge(literal.ref, literal.matching, ctx.settings, ctx.catalog)
            if verdict is not None:
                verdicts[key] = verdict
        # Renaming a model where it is selected, while the file also matches on it elsewhere
        # (`TABLE = {"claude-x": ...}`, `assert opts.model == "claude-x"`), breaks the match: those
        # fixes are unsafe too, so a safe-only fix keeps both sides in step.
        matched = {literal.ref.model for literal in literals.values() if literal.matching}
        for key, verdict in verdicts.items():
            if verdict.safe and literals[key].ref.model in matched:
                verdicts[key] = replace(verdict, safe=False)
        for site in self.facts.sites:  # another rule may know that the request cannot move
            key = id(site.model.node) if site.model else None
            reason = ctx.keeps_unfixed(site, "model") if key in verdicts else None
            if reason:
                verdicts[key] = verdicts[key].without_fix(reason)
        return verdicts

    def rewritten(self, site: Request) -> Rewrite | None:
        literal = site.model
        verdict = self._verdicts.get(id(literal.node)) if literal else None
        if verdict is None or verdict.new_id is None:
            return None
        return Rewrite(verdict.successor, _BY_STATE[verdict.state].code, literal.node, verdict.safe)

    def finish(self) -> None:
        ctx, literals = self.ctx, self.facts.literals.models
        for key, verdict in self._verdicts.items():
            node = literals[key].node
            fix = None
            if verdict.new_id is not None:
                fix = ctx.fix([ctx.replace_string(node, verdict.new_id)], verdict.safe)
            ctx.report(_BY_STATE[verdict.state], node, verdict.message, fix)


_BY_STATE: dict[str, type[RuleDoc]] = {"retired": RetiredModel, "deprecated": DeprecatedModel, "outdated": OutdatedModel}
