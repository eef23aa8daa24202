"""The rule registry: every checker, in the order they run, and every rule they report."""

from __future__ import annotations

from claude_migrate.rules.adaptive_thinking import AdaptiveThinkingChecker
from claude_migrate.rules.base import Checker, Rule
from claude_migrate.rules.budget_thinking import BudgetThinkingChecker
from claude_migrate.rules.disabled_thinking import DisabledThinkingChecker
from claude_migrate.rules.forced_tool_choice import ForcedToolChecker
from claude_migrate.rules.legacy_text_editor import LegacyTextEditorChecker
from claude_migrate.rules.model_ids import ModelIdChecker
from claude_migrate.rules.obsolete_beta import ObsoleteBetaChecker
from claude_migrate.rules.output_format import OutputFormatChecker
from claude_migrate.rules.prefill import PrefillChecker
from claude_migrate.rules.refusal_branch import RefusalBranchChecker
from claude_migrate.rules.sampling import SamplingChecker
from claude_migrate.rules.text_completions import TextCompletionsChecker
from claude_migrate.rules.thinking_budget import ThinkingBudgetChecker
from claude_migrate.rules.thinking_sampling import ThinkingSamplingChecker
from claude_migrate.rules.undo_edit import UndoEditChecker
from claude_migrate.rules.unparseable import UnparseableFile

CHECKERS: tuple[type[Checker], ...] = (
    ModelIdChecker,
    ObsoleteBetaChecker,
    BudgetThinkingChecker,
    AdaptiveThinkingChecker,
    ThinkingBudgetChecker,
    DisabledThinkingChecker,
    LegacyTextEditorChecker,
    UndoEditChecker,
    RefusalBranchChecker,
    PrefillChecker,
    SamplingChecker,
    OutputFormatChecker,
    ThinkingSamplingChecker,
    ForcedToolChecker,
    TextCompletionsChecker,
)

RULES: tuple[type[Rule], ...] = tuple(
    sorted({UnparseableFile, *(rule for checker in CHECKERS for rule in checker.rules)}, key=lambda r: r.code)
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}
