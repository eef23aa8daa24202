"""CM401 legacy-text-editor: the Claude 3.x text editor tool, and code matching its name."""

from __future__ import annotations

import libcst as cst

from claude_migrate.catalog import Catalog
from claude_migrate.facts import FileFacts
from claude_migrate.facts.cst import compared_strings, dict_entries, string_value
from claude_migrate.rules.base import Rule, invalid, valid


class LegacyTextEditor(Rule):
    code = "CM401"
    name = "legacy-text-editor"
    severity = "error"
    fix = "safe or unsafe"
    summary = "text_editor_20241022/20250124 named str_replace_editor, and comparisons against that name"
    what = (
        'Finds tool dicts `{"type": "text_editor_20250124", "name": "str_replace_editor"}` (or '
        "`text_editor_20241022`) and, in a file that imports `anthropic` or uses a text editor "
        'tool type, each comparison against `"str_replace_editor"`. The fix moves the tool to '
        "`text_editor_20250728` named `str_replace_based_edit_tool` (`text_editor_20250429`, the "
        "user docs' Claude 4 form, is accepted as it is)."
    )
    why = (
        "Claude 4 and later models reject the legacy tool versions (Haiku 4.5 supports only the "
        "latest), and their tool calls carry the new name, so handlers keyed on the old name "
        "stop matching."
    )
    fix_safety = (
        "Safe for the tool dict. A comparison is renamed safely in a file that defines a legacy "
        "tool (the tool and its handler move together); unsafe in a file that defines none, "
        "where the tool may still be defined elsewhere under the old name."
    )
    sources = "api-changes.md §4.1 (D-TE, D-MIG4, D-MIG, D-TREF)"
    valid = (
        valid('TOOLS = [{"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}]'),
        valid('TOOLS = [{"type": "text_editor_20250429", "name": "str_replace_based_edit_tool"}]'),
        valid('if block.name == "str_replace_editor":\n    pass\n'),
    )
    invalid = (
        invalid(
            """
            import anthropic
            TOOLS = [{"type": "text_editor_20250124", "name": "str_replace_editor"}]
            def handle(block):
                if block.name == "str_replace_editor":
                    pass
            """,
            at=[(2, 10), (4, 22)],
            fixed="""
            import anthropic
            TOOLS = [{"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}]
            def handle(block):
                if block.name == "str_replace_based_edit_tool":
                    pass
            """,
        ),
        invalid(
            """
            import anthropic
            def handle(block):
                if block.name == "str_replace_editor":
                    pass
            """,
            at=[(3, 22)],
            unsafe_fixed="""
            import anthropic
            def handle(block):
                if block.name == "str_replace_based_edit_tool":
                    pass
            """,
        ),
    )

    @classmethod
    def prefilter_tokens(cls, catalog: Catalog) -> tuple[str, ...]:
        return (catalog.text_editor.legacy_name,)

    def __init__(self, ctx, facts):
        super().__init__(ctx, facts)
        self.editor = ctx.catalog.text_editor
        self.tools: list[tuple[cst.Dict, cst.SimpleString, cst.SimpleString]] = []
        self.comparisons: list[cst.SimpleString] = []

    def visit_Dict(self, node: cst.Dict) -> None:
        entries = dict_entries(node)
        kind, name = entries.get("type"), entries.get("name")
        if (
            kind is not None
            and name is not None
            and string_value(kind.value) in self.editor.legacy_types
            and string_value(name.value) == self.editor.legacy_name
        ):
            self.tools.append((node, kind.value, name.value))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.comparisons.extend(s for s in compared_strings(node) if string_value(s) == self.editor.legacy_name)

    def finish(self) -> None:
        ctx, editor = self.ctx, self.editor
        for tool, kind, name in self.tools:
            edits = [ctx.replace_string(kind, editor.current_type), ctx.replace_string(name, editor.current_name)]
            self.report(
                tool,
                f"Text editor tool '{string_value(kind)}' named '{editor.legacy_name}' is rejected by "
                f"{editor.changed_in} and later; use '{editor.current_type}' named '{editor.current_name}'",
                ctx.fix(edits, True),
            )
        if not uses_anthropic_tools(self.facts):
            return
        for string in self.comparisons:
            self.report(
                string,
                f"{editor.changed_in} and later call the text editor tool '{editor.current_name}', "
                f"so this comparison against '{editor.legacy_name}' no longer matches",
                ctx.fix([ctx.replace_string(string, editor.current_name)], bool(self.tools)),
            )


def uses_anthropic_tools(facts: FileFacts) -> bool:
    """Evidence that a comparison with a tool's name or command is about Anthropic's tools: the
    file imports ``anthropic`` or names a text editor tool type."""
    return "anthropic" in facts.imports or facts.literals.mentions_text_editor_tool
