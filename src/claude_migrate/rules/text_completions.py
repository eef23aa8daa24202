"""CM606 text-completions-removed: the Text Completions API and its prompt constants."""

from __future__ import annotations

import libcst as cst

from claude_migrate.facts.cst import keywords, names_below
from claude_migrate.facts.scopes import package_of
from claude_migrate.facts.sites import RequestSite
from claude_migrate.rules.base import Rule, invalid, valid

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
    tokens = ("completions", *PROMPT_CONSTANTS)
    context = ("anthropic", "claude")  # the evidence the rule needs (the constants come from anthropic)
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

    def __init__(self, ctx, facts):
        super().__init__(ctx, facts)
        self.calls: list[cst.Call] = []
        self.constants: list[cst.CSTNode] = []

    @classmethod
    def keeps_unfixed(cls, site: RequestSite, param: str) -> str | None:
        """No current model serves the Text Completions API: a model ID in such a call is
        reported but not rewritten (the call must move first)."""
        if param == "model" and is_text_completion(site.node):
            return f"this is a Text Completions call, which no current model serves: move it to messages.create ({cls.code})"
        return None

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if package_of(node.module) == "anthropic" and not node.relative and not isinstance(node.names, cst.ImportStar):
            self.constants += [a.name for a in node.names if isinstance(a.name, cst.Name) and a.name.value in PROMPT_CONSTANTS]

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in PROMPT_CONSTANTS and isinstance(node.value, cst.Name) and node.value.value == "anthropic":
            self.constants.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        if is_text_completion(node):
            self.calls.append(node)

    def _anthropic(self, call: cst.Call, claude_calls: set[int]) -> bool:
        names = keywords(call)
        imports = self.facts.imports
        return (
            id(call) in claude_calls
            or "max_tokens_to_sample" in names
            or any(name.value in PROMPT_CONSTANTS for name in names_below(call))
            or ("prompt" in names and "anthropic" in imports and "openai" not in imports)
        )

    def finish(self) -> None:
        claude_calls = {id(site.node) for site in self.facts.sites}
        for call in self.calls:
            if self._anthropic(call, claude_calls):
                self.report(
                    call,
                    "The Text Completions API is gone (removed from the SDK in 1.0, and no current model "
                    "serves it); move this call to client.messages.create",
                )
        for node in self.constants:
            self.report(node, "HUMAN_PROMPT and AI_PROMPT were removed from the SDK in 1.0; use messages")


def is_text_completion(node: cst.CSTNode) -> bool:
    """``<anything>.completions.create(...)``, not ``.chat.completions``: the legacy Text
    Completions API (or a look-alike: the caller decides on the evidence)."""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "create"
        and isinstance(node.func.value, cst.Attribute)
        and node.func.value.attr.value == "completions"
    ):
        return False
    receiver = node.func.value.value
    return not (isinstance(receiver, cst.Attribute) and receiver.attr.value == "chat")
