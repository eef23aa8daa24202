"""CM101 retired-model, CM102 deprecated-model, CM103 outdated-model.

One analysis (lifecycle.judge on every model-ID literal) decides which of the three applies.
"""

from __future__ import annotations

from claude_migrate.rules.base import Checker, Rule, invalid, valid

_FIX_SAFETY = (
    "Safe where the string selects a model (a keyword argument, assignment, parameter default, "
    "dict value, call argument or return value). Unsafe in a *matching place* (a comparison or "
    "`in` test, dict key, value of a dict keyed by model IDs, list/tuple/set member, subscript "
    "or `case` pattern): renaming there changes what the program matches. Unsafe for a Bedrock "
    "ID without a cross-region prefix, since newer models may need an inference profile only "
    "the user can choose. The successor keeps the form: a Bedrock ID stays Bedrock, an alias "
    "stays an alias, a dated ID becomes the successor's pinned ID, provider prefixes stay. "
    "No fix where the family has no model at or below `--target` that is out and not retired "
    "on `--today`, or where the successor has no ID of that form."
)


class RetiredModel(Rule):
    code = "CM101"
    name = "retired-model"
    severity = "error"
    fix = "safe or unsafe"
    summary = "A model ID (any form) retired on --today"
    what = (
        "Finds string literals that are a Claude model ID (API ID, alias, Bedrock or Vertex ID, "
        "with or without a `anthropic/`, `bedrock/` or `vertex_ai/` prefix) of a model that is "
        "retired on `--today`, and replaces it with its family's newest model at or below "
        "`--target`."
    )
    why = "Requests to a retired model fail. Lifecycle dates are the catalog's (`claude-migrate models`)."
    fix_safety = _FIX_SAFETY
    sources = "api-changes.md §1.2 (D-DEP, D-RN), §1.4 Bedrock, §1.5 Vertex"
    valid = (
        valid('client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[])'),
        valid('HELP = "Set --model (was claude-3-opus-20240229 before the upgrade)."'),
        valid('log.info(f"using claude-3-opus-20240229 for {user}")'),
        valid('def f():\n    """Calls claude-3-opus-20240229."""\n'),
        valid('LEGACY = "claude-3-opus-20240229"  # claude-migrate: ignore[CM101]'),
    )
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
            'MODEL = "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0"',
            at=[(1, 9)],
            fixed='MODEL = "bedrock/us.anthropic.claude-sonnet-4-6"',
        ),
        invalid(
            'MODEL = "anthropic.claude-3-opus-20240229-v1:0"',
            at=[(1, 9)],
            unsafe_fixed='MODEL = "anthropic.claude-opus-4-6-v1"',
        ),
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


class DeprecatedModel(Rule):
    code = "CM102"
    name = "deprecated-model"
    severity = "warning"
    fix = "safe or unsafe"
    summary = "A deprecated model ID with a retirement date still ahead"
    what = (
        "Finds model IDs of models that are deprecated on `--today` but not yet retired, and "
        "replaces them with the family's newest model at or below `--target`."
    )
    why = "Deprecated models stop working on their retirement date; migrating before then avoids an outage."
    fix_safety = _FIX_SAFETY
    sources = "api-changes.md §1.2 (D-DEP, D-M:sonnet-4-5)"
    valid = (valid('MODEL = "claude-sonnet-4-6"'), valid('MODEL = "claude-sonnet-4-5"', args=("--today", "2026-06-01")))
    invalid = (
        invalid('MODEL = "claude-sonnet-4-5-20250929"', at=[(1, 9)], fixed='MODEL = "claude-sonnet-4-6"'),
        invalid(
            'MODEL = "claude-sonnet-4-5"',
            at=[(1, 9)],
            fixed='MODEL = "claude-sonnet-5-5"',
            args=("--target", "latest"),
        ),
    )


class OutdatedModel(Rule):
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
        invalid('MODEL = "claude-opus-4-5"', at=[(1, 9)], fixed='MODEL = "claude-opus-4-6"'),
    )


class ModelIdChecker(Checker):
    rules = (RetiredModel, DeprecatedModel, OutdatedModel)
    tokens = ("claude",)
    _by_code = {rule.code: rule for rule in rules}

    def finish(self) -> None:
        ctx = self.ctx
        for literal in ctx.analysis.literals.values():
            verdict = literal.verdict
            if verdict is None:
                continue
            fix = None
            if verdict.new_id is not None:
                fix = ctx.fix([ctx.replace_string(literal.node, verdict.new_id)], verdict.safe)
            ctx.report(self._by_code[verdict.code], literal.node, verdict.message, fix)
