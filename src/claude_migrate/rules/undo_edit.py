"""CM402 undo-edit-handling: code that handles the text editor's `undo_edit` command."""

from __future__ import annotations

import libcst as cst

from claude_migrate.analysis import string_value
from claude_migrate.catalog import Catalog
from claude_migrate.rules.base import Checker, Rule, invalid, valid
from claude_migrate.rules.legacy_text_editor import compared_strings


class UndoEditHandling(Rule):
    code = "CM402"
    name = "undo-edit-handling"
    severity = "warning"
    fix = "none"
    summary = "Code that handles the undo_edit command, which Claude 4+ never sends"
    what = (
        "Finds comparisons and `case` patterns that handle the text editor's `undo_edit` "
        "command, in files that import `anthropic` or use an Anthropic text editor tool type. "
        "Agent frameworks with an `undo_edit` command of their own are left alone."
    )
    why = "Claude 4 and later models never send `undo_edit`: the branch is dead code that suggests a feature that is gone."
    fix_safety = "No fix: deleting a branch is the user's call."
    sources = "api-changes.md §4.1 (D-TE, D-MIG4)"
    valid = (
        valid('def run(command):\n    if command == "undo_edit":\n        return history.pop()\n'),
        valid('import anthropic\nCOMMANDS = ["view", "create"]\n'),
    )
    invalid = (
        invalid(
            'import anthropic\ndef run(command):\n    if command == "undo_edit":\n        return None\n',
            at=[(3, 8)],
        ),
        invalid(
            'TOOL = {"type": "text_editor_20250124", "name": "x"}\n'
            "match command:\n"
            '    case "view":\n'
            "        pass\n"
            '    case "undo_edit":\n'
            "        pass\n",
            at=[(5, 5)],
            args=("--select", "CM402"),
        ),
    )


def _pattern_values(pattern: cst.MatchPattern) -> list[str]:
    if isinstance(pattern, cst.MatchValue):
        value = string_value(pattern.value)
        return [value] if value is not None else []
    if isinstance(pattern, cst.MatchOr):
        return [v for element in pattern.patterns for v in _pattern_values(element.pattern)]
    if isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
        return _pattern_values(pattern.pattern)
    return []


class UndoEditChecker(Checker):
    rules = (UndoEditHandling,)

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return tuple(catalog.text_editor["removed_commands"])

    def __init__(self, ctx):
        super().__init__(ctx)
        self.removed = set(ctx.catalog.text_editor["removed_commands"])
        self.handlers: list[cst.CSTNode] = []

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if any(string_value(s) in self.removed for s in compared_strings(node)):
            self.handlers.append(node)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if self.removed.intersection(_pattern_values(node.pattern)):
            self.handlers.append(node)

    def finish(self) -> None:
        analysis = self.ctx.analysis
        if not (analysis.imports_anthropic or analysis.uses_text_editor_tool):
            return
        for node in self.handlers:
            self.ctx.report(
                UndoEditHandling,
                node,
                "Claude 4 and later never send the text editor's 'undo_edit' command; this handler is dead code",
            )
