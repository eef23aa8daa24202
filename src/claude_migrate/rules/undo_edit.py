"""CM402 undo-edit-handling: code that handles the text editor's `undo_edit` command."""

from __future__ import annotations

import libcst as cst

from claude_migrate.catalog import Catalog
from claude_migrate.facts.cst import compared_strings, pattern_strings, string_value
from claude_migrate.rules.base import Rule, invalid, valid
from claude_migrate.rules.legacy_text_editor import uses_anthropic_tools


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

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return catalog.text_editor.removed_commands

    def __init__(self, ctx, facts):
        super().__init__(ctx, facts)
        self.editor = ctx.catalog.text_editor
        self.removed = set(self.editor.removed_commands)
        self.handlers: list[cst.CSTNode] = []

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if any(string_value(s) in self.removed for s in compared_strings(node)):
            self.handlers.append(node)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if self.removed.intersection(pattern_strings(node.pattern)):
            self.handlers.append(node)

    def finish(self) -> None:
        if not uses_anthropic_tools(self.facts):
            return
        for node in self.handlers:
            self.report(
                node,
                f"{self.editor.changed_in} and later never send the text editor's 'undo_edit' command; "
                "this handler is dead code",
            )
