"""CM606 text-completions-removed: the Text Completions API and its prompt constants."""

from __future__ import annotations

import libcst as cst

from claude_migrate.analysis import is_text_completion
from claude_migrate.rules.base import Checker, Rule, invalid, valid

PROMPT_CONSTANTS = frozenset({"HUMAN_PROMPT", "AI_PROMPT"})


class TextCompletionsRemoved(Rule):
    code = "CM606"
    name = "text-completions-removed"
    severity = "error"
    fix = "none"
    summary = "client.completions.create(...), HUMAN_PROMPT and AI_PROMPT (removed in SDK 1.0)"
    what = (
        "Finds calls to the legacy Text Completions API (`client.completions.create(...)`) and "
        "the `HUMAN_PROMPT` / `AI_PROMPT` constants imported from `anthropic`. A "
        "`completions.create` call (not `chat.completions`) counts as Anthropic's when its model "
        "is a Claude model, it passes `max_tokens_to_sample` (an Anthropic-only name) or the "
        "constants, or it passes `prompt=` in a file that imports `anthropic` and not `openai`. "
        "A model ID inside such a call is still reported (CM1xx) but not rewritten: no current "
        "model serves Text Completions."
    )
    why = (
        "The Python SDK 1.0 removed `completions` and the prompt constants, and every model that "
        "served the API is retired: the call must move to `client.messages.create`."
    )
    fix_safety = "No fix: moving to Messages changes the prompt into a list of turns."
    sources = "api-changes.md §6.12, §7.3 (SDK-MIG1)"
    valid = (
        valid('client.messages.create(model="claude-opus-4-6", messages=[{"role": "user", "content": "Hi"}])'),
        valid('from openai import OpenAI\nOpenAI().completions.create(model="gpt-3.5-turbo-instruct", prompt="Hi")'),
        valid('HUMAN_PROMPT = "\\n\\nHuman:"  # our own constant'),
        valid(  # Anthropic's OpenAI-compatible endpoint: chat completions are not Text Completions
            "import anthropic\nfrom openai import OpenAI\n"
            'OpenAI(base_url=ANTHROPIC_URL).chat.completions.create(model="claude-sonnet-4-6", messages=[])'
        ),
    )
    invalid = (
        invalid(
            "from anthropic import AI_PROMPT, HUMAN_PROMPT, Anthropic\n"
            'Anthropic().completions.create(model=MODEL, max_tokens_to_sample=300, prompt=f"{HUMAN_PROMPT} Hi{AI_PROMPT}")',
            at=[(1, 23), (1, 34), (2, 1)],
        ),
        invalid(
            "import anthropic\n"
            'params = {"max_tokens_to_sample": 300, "prompt": anthropic.HUMAN_PROMPT + " Hi" + anthropic.AI_PROMPT}',
            at=[(2, 50), (2, 83)],
        ),
        invalid(
            "import anthropic\n\n\ndef ask(client, model, prompt):\n"
            "    return client.completions.create(model=model, prompt=prompt, max_tokens_to_sample=300)",
            at=[(5, 12)],
        ),
        invalid(
            'client.completions.create(model="claude-2.1", prompt=PROMPT, max_tokens_to_sample=300)',
            at=[(1, 1)],
        ),
    )


class TextCompletionsChecker(Checker):
    rules = (TextCompletionsRemoved,)
    tokens = ("completions", *PROMPT_CONSTANTS)
    context = ("anthropic", "claude")  # the evidence the rule needs (the constants come from anthropic)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.calls: list[cst.Call] = []
        self.constants: list[cst.CSTNode] = []
        self.imports_openai = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        root = (module or "").split(".")[0]
        self.imports_openai = self.imports_openai or root == "openai"
        if root == "anthropic" and not node.relative and not isinstance(node.names, cst.ImportStar):
            self.constants += [a.name for a in node.names if isinstance(a.name, cst.Name) and a.name.value in PROMPT_CONSTANTS]

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if (cst.helpers.get_full_name_for_node(alias.name) or "").split(".")[0] == "openai":
                self.imports_openai = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in PROMPT_CONSTANTS and isinstance(node.value, cst.Name) and node.value.value == "anthropic":
            self.constants.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        if is_text_completion(node):
            self.calls.append(node)

    def _anthropic(self, call: cst.Call, claude_calls: set[int]) -> bool:
        keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        uses_constants = any(
            isinstance(name, cst.Name) and name.value in PROMPT_CONSTANTS for name in _names(call)
        )
        return (
            id(call) in claude_calls
            or "max_tokens_to_sample" in keywords
            or uses_constants
            or ("prompt" in keywords and self.ctx.analysis.imports_anthropic and not self.imports_openai)
        )

    def finish(self) -> None:
        claude_calls = {id(site.node) for site in self.ctx.analysis.sites}
        for call in self.calls:
            if self._anthropic(call, claude_calls):
                self.ctx.report(
                    TextCompletionsRemoved,
                    call,
                    "The Text Completions API is gone (removed from the SDK in 1.0, and no current model "
                    "serves it); move this call to client.messages.create",
                )
        for node in self.constants:
            self.ctx.report(
                TextCompletionsRemoved, node, "HUMAN_PROMPT and AI_PROMPT were removed from the SDK in 1.0; use messages"
            )


def _names(node: cst.CSTNode):
    """Every Name below ``node`` (f-string parts included)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(current.children)
