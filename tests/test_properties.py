"""Property tests: for any program, check does not crash, fix output re-parses, fix is
idempotent, a file with no finding is byte-identical after fix, and fixes only touch the lines
of their findings' edits.

Bounded for CI (see conftest.py); `CLAUDE_MIGRATE_SOAK=1 pytest tests/test_properties.py` runs
the long soak.
"""

from __future__ import annotations

import difflib

import hypothesmith
from helpers import settings
from hypothesis import assume, given
from hypothesis import strategies as st

from claude_migrate.catalog import load
from claude_migrate.engine import check_file

CATALOG = load()
MODEL_IDS = sorted(CATALOG._forms) + ["claude-sonnet-4-6", "bedrock/anthropic.claude-3-haiku-20240307-v1:0", "gpt-4o"]
BETAS = sorted(CATALOG.betas) + ["files-api-2025-04-14"]
STOP_REASONS = ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "done"]

models = st.sampled_from(MODEL_IDS)
quotes = st.sampled_from(['"', "'"])


@st.composite
def statements(draw) -> str:
    """One statement that some rule cares about, with a model drawn from the catalog."""
    q = draw(quotes)
    model = f"{q}{draw(models)}{q}"
    betas = ", ".join(f'"{b}"' for b in draw(st.lists(st.sampled_from(BETAS), max_size=3)))
    budget, max_tokens = draw(st.sampled_from([512, 1024, 2048, 8000])), draw(st.sampled_from([1024, 4096, 16000]))
    thinking = draw(
        st.sampled_from(
            [
                "",
                f'thinking={{"type": "enabled", "budget_tokens": {budget}}},',
                f'thinking={{"type": "enabled", "budget_tokens": {budget}, "display": "summarized"}},',
                'thinking={"type": "adaptive"},',
            ]
        )
    )
    a, b = draw(st.lists(st.sampled_from(STOP_REASONS), min_size=2, max_size=2, unique=True))
    templates = [
        f"MODEL = {model}",
        f"client.messages.create(model={model}, max_tokens={max_tokens}, messages=[])",
        f"client.beta.messages.create(\n    model={model},\n    max_tokens={max_tokens},\n    {thinking}\n"
        f"    betas=[{betas}],  # keep\n    messages=[],\n)",
        f'r = client.messages.create(model={model}, max_tokens={max_tokens}, {thinking} '
        f'extra_headers={{"anthropic-beta": "{",".join(draw(st.lists(st.sampled_from(BETAS), max_size=3)))}"}}, messages=[])',
        f"params = {{'model': {model}, 'max_tokens': {max_tokens}}}\nclient.messages.create(**params)",
        f"if model == {model}:\n    pass",
        f"PRICES = {{{model}: 3, 'other': 1}}",
        f"def pick(m={model}):\n    return m",
        'tools = [{"type": "text_editor_20250124", "name": "str_replace_editor"}]',
        f'if reply.stop_reason == "{a}":\n    x = 1\nelif reply.stop_reason == "{b}":\n    x = 2',
        f'match reply.stop_reason:\n    case "{a}":\n        pass\n    case "{b}":\n        pass',
        'if command == "undo_edit":\n    pass',
        f"help_text = f'use {{x}} or {draw(models)}'",
        f'"""Docs mention {draw(models)}."""',
        f"{model}  # claude-migrate: ignore",
        f"MODELS = [{model}, {draw(models)!r}]",
        f"client.messages.create(model={model}, {thinking} temperature=0.5, top_p=0.9, top_k=5, messages=[])",
        f'client.messages.create(model={model}, messages=[{{"role": "assistant", "content": "{{"}}], {thinking})',
        f'client.messages.create(model={model}, {thinking} tool_choice={{"type": "any"}}, messages=[])',
        f'client.beta.messages.create(model={model},\n    output_format={{"type": "json_schema"}},  # why\n'
        f'    output_config={{"effort": "low"}})',
        f'client.messages.count_tokens(model={model}, output_format={{{q}type{q}: {q}json_schema{q}}})',
        f"client.completions.create(model={model}, prompt=HUMAN_PROMPT)",
    ]
    return draw(st.sampled_from(templates))


@st.composite
def programs(draw) -> bytes:
    body = draw(st.lists(statements(), min_size=1, max_size=6))
    header = draw(st.sampled_from(["import anthropic\nclient = anthropic.Anthropic()\n", "client = None\n", ""]))
    text = header + "\n".join(body) + "\n"
    if draw(st.booleans()):  # the same code inside a function, indented with tabs or spaces
        indent = draw(st.sampled_from(["\t", "    ", "  "]))
        text = "def main(client, reply, model, command):\n" + "".join(
            indent + line if line else line for line in text.splitlines(keepends=True)
        )
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = text.replace("\n", newline)
    if draw(st.booleans()):
        text = text.rstrip(newline)  # no trailing newline
    data = text.encode()
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


def _check_fix_properties(data: bytes, *args: str) -> None:
    options = settings(*args)
    checked = check_file(data, "p.py", options)  # must not raise
    fixed = check_file(data, "p.py", options, fix=True)
    assert fixed.error is None, fixed.error
    if not fixed.changed:
        assert not any(f.fixable(options.unsafe_fixes) for f in checked.findings)
        return
    new = fixed.new_bytes
    assert new.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    compile(new.decode("utf-8-sig"), "p.py", "exec")  # the fixed file parses
    again = check_file(new, "p.py", options, fix=True)
    assert not again.changed, "a second fix changed the file"
    # Every changed line lies in the line range of an edit of a fixable finding of the first check.
    allowed = {
        line
        for f in checked.findings
        if f.fixable(options.unsafe_fixes)
        for start, _, end, _, _ in f.edits
        for line in range(start, end + 1)
    }
    old_lines = data.decode("utf-8-sig").splitlines()
    new_lines = new.decode("utf-8-sig").splitlines()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        touched = set(range(i1 + 1, i2 + 1)) or {i1, i1 + 1}  # an insertion sits between two lines
        assert touched & allowed if tag == "insert" else touched <= allowed, (tag, i1, i2, allowed)


@given(programs(), st.sampled_from(["4.6", "4.8", "latest"]), st.booleans())
def test_fix_is_safe_on_generated_migrations(data, target, unsafe):
    _check_fix_properties(data, "--target", target, *(["--unsafe-fixes"] if unsafe else []))


@given(hypothesmith.from_grammar(auto_target=False))
def test_arbitrary_programs_never_crash_and_are_left_alone(source):
    data = ("import anthropic\n" + source).encode()  # the import lets every file past the prefilter
    try:
        compile(data, "p.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
    result = check_file(data, "p.py", settings("--unsafe-fixes"), fix=True)
    assert not result.changed  # no model IDs: nothing to fix
    assert all(f.code == "CM000" for f in result.findings) or result.findings == []


@given(hypothesmith.from_grammar(auto_target=False), models)
def test_arbitrary_programs_with_a_model_keep_the_fix_properties(source, model):
    text = f'import anthropic\nMODEL = "{model}"\n{source}'
    try:
        compile(text, "p.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
    _check_fix_properties(text.encode(), "--unsafe-fixes")
