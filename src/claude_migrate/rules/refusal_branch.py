"""CM501 missing-refusal-branch: a stop_reason dispatch with no `"refusal"` case."""

from __future__ import annotations

import libcst as cst

from claude_migrate.catalog import StopReasons
from claude_migrate.facts.cst import pattern_strings, pattern_values, string_value
from claude_migrate.findings import Edit
from claude_migrate.rules.base import Rule, invalid, valid


class MissingRefusalBranch(Rule):
    code = "CM501"
    name = "missing-refusal-branch"
    severity = "warning"
    fix = "unsafe"
    summary = "An if/elif chain or match over stop_reason with two or more stop reasons and no 'refusal'"
    what = (
        "Finds `if`/`elif` chains and `match` statements over `x.stop_reason` or "
        '`x["stop_reason"]` that tell apart two or more Anthropic stop reasons and have no '
        '`"refusal"` case. Chains that compare against other values belong to other '
        "libraries' `stop_reason` fields and are left alone."
    )
    why = (
        "Claude 4 and later models return `stop_reason == \"refusal\"` (HTTP 200) when they "
        "decline; code that only expects the old values treats a refusal as a normal answer."
    )
    fix_safety = (
        "Unsafe: it inserts a first branch that raises, in the chain's own style and receiver "
        "expression, and turns the old first `if` into `elif` (a `match` gets a first "
        '`case "refusal":`). Whether to raise, retry or show a message is the user\'s choice.'
    )
    sources = "api-changes.md §5 (D-STOP, D-MIG4)"
    tokens = ("stop_reason",)
    valid = (
        valid(
            'if response.stop_reason == "refusal":\n    pass\nelif response.stop_reason == "end_turn":\n    pass\n'
        ),
        valid('if response.stop_reason == "end_turn":\n    pass\n'),
        valid('if run.stop_reason == "stop":\n    pass\nelif run.stop_reason == "length":\n    pass\n'),
        valid('while response.stop_reason == "tool_use":\n    response = step(response)\n'),
    )
    invalid = (
        invalid(
            """
            def report(response):
                if response.stop_reason == "end_turn":
                    print("done")
                elif response.stop_reason == "max_tokens":
                    print("truncated")
            """,
            at=[(2, 5)],
            unsafe_fixed="""
            def report(response):
                if response.stop_reason == "refusal":
                    raise RuntimeError("Claude refused the request (stop_reason='refusal')")
                elif response.stop_reason == "end_turn":
                    print("done")
                elif response.stop_reason == "max_tokens":
                    print("truncated")
            """,
        ),
        invalid(
            """
            match msg["stop_reason"]:
                case 'tool_use':
                    run_tools(msg)
                case 'end_turn' | 'stop_sequence':
                    finish(msg)
            """,
            at=[(1, 1)],
            unsafe_fixed="""
            match msg["stop_reason"]:
                case 'refusal':
                    raise RuntimeError('Claude refused the request (stop_reason="refusal")')
                case 'tool_use':
                    run_tools(msg)
                case 'end_turn' | 'stop_sequence':
                    finish(msg)
            """,
        ),
    )

    def __init__(self, ctx, facts):
        super().__init__(ctx, facts)
        self.reasons = ctx.catalog.stop_reasons
        self._elifs: set[int] = set()
        #: Found in the walk, reported after it: (if, subject, quote, values), (match, quote, values).
        self._chains: list[tuple[cst.If, cst.BaseExpression, str, list[str | None]]] = []
        self._matches: list[tuple[cst.Match, str, list[str]]] = []

    def _insert_first(self, node: cst.CSTNode, first: cst.CSTNode, head: str, tail: str, quote: str, values) -> None:
        """Report ``node`` with a fix that puts ``head`` + a raising body + ``tail`` before ``first``,
        laid out like ``first``'s own body."""
        ctx, source = self.ctx, self.ctx.source
        start = ctx.span(first)[0]
        indent, newline = source.indent_at(start), source.newline
        body = first.body
        if isinstance(body, cst.IndentedBlock) and body.body:
            body_indent = source.indent_at(ctx.span(body.body[0])[0])
            text = f"{head}{newline}{body_indent}{_raise(quote)}{newline}{indent}{tail}"
        else:
            text = f"{head} {_raise(quote)}{newline}{indent}{tail}"
        self.report(node, _message(values, self.reasons), ctx.fix([Edit(start, start, text)], False))

    def visit_If(self, node: cst.If) -> None:
        if id(node) in self._elifs:
            return
        branches = [node]
        while isinstance(branches[-1].orelse, cst.If):
            branches.append(branches[-1].orelse)
            self._elifs.add(id(branches[-1]))
        subject, strings = None, []
        for branch in branches:
            found, compared = _compared(branch.test)
            subject = subject or found
            strings.extend(compared)
        values = [string_value(s) for s in strings]
        if subject is None or not _is_dispatch(values, self.reasons):
            return
        self._chains.append((node, subject, strings[0].quote, values))

    def visit_Match(self, node: cst.Match) -> None:
        if not is_stop_reason(node.subject) or not node.cases:
            return
        values = [v for case in node.cases for v in pattern_strings(case.pattern)]
        if not _is_dispatch(values, self.reasons):
            return
        quotes = [
            match.value.quote
            for case in node.cases
            for match in pattern_values(case.pattern)
            if isinstance(match.value, cst.SimpleString)
        ]
        self._matches.append((node, quotes[0] if quotes else '"', values))

    def finish(self) -> None:
        """Reported after the walk, when every span is known."""
        refusal = self.reasons.refusal
        for node, subject, quote, values in self._chains:
            head = f"if {self.ctx.code(subject)} == {quote}{refusal}{quote}:"
            self._insert_first(node, node, head, "el", quote, values)
        for node, quote, values in self._matches:
            self._insert_first(node, node.cases[0], f"case {quote}{refusal}{quote}:", "", quote, values)


def is_stop_reason(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Attribute):
        return node.attr.value == "stop_reason"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and string_value(index.value) == "stop_reason"
    return False


def _comparisons(test: cst.BaseExpression):
    """Comparisons of a test, looking through `and` / `or` and parentheses."""
    if isinstance(test, cst.BooleanOperation):
        yield from _comparisons(test.left)
        yield from _comparisons(test.right)
    elif isinstance(test, cst.Comparison):
        yield test


def _compared(test: cst.BaseExpression) -> tuple[cst.BaseExpression | None, list[cst.SimpleString]]:
    """The stop_reason expression a test compares, and the string literals it compares it to."""
    subject, strings = None, []
    for comparison in _comparisons(test):
        if len(comparison.comparisons) != 1:
            continue
        target = comparison.comparisons[0]
        if not isinstance(target.operator, (cst.Equal, cst.NotEqual, cst.In, cst.NotIn)):
            continue
        left, right = comparison.left, target.comparator
        if is_stop_reason(right) and not is_stop_reason(left):
            left, right = right, left
        if not is_stop_reason(left):
            continue
        subject = subject or left
        if isinstance(right, cst.SimpleString):
            strings.append(right)
        elif isinstance(right, (cst.Tuple, cst.List, cst.Set)):
            strings.extend(e.value for e in right.elements if isinstance(e.value, cst.SimpleString))
    return subject, strings


def _is_dispatch(values: list[str | None], reasons: StopReasons) -> bool:
    """Two or more Anthropic stop reasons, only Anthropic values, and no refusal case."""
    return (
        None not in values
        and all(v in reasons.anthropic for v in values)
        and reasons.refusal not in values
        and len(set(reasons.values).intersection(values)) >= 2
    )


def _message(values: list[str | None], reasons: StopReasons) -> str:
    handled = ", ".join(sorted({v for v in values if v}))
    return (
        f"This stop_reason dispatch handles {handled} but not '{reasons.refusal}', which "
        f"{reasons.refusal_since} and later return when they decline a request"
    )


def _raise(quote: str) -> str:
    inner = "\"refusal\"" if quote == "'" else "'refusal'"
    return f"raise RuntimeError({quote}Claude refused the request (stop_reason={inner}){quote})"
