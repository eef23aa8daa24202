"""CM601-CM606 and the CM201 data they came with: cases beyond each rule's own examples."""

from __future__ import annotations

import pytest

from claude_migrate.cli import cli  # noqa: F401 - the CLI must import with the new rules
from helpers import PINNED, fixed, positions, run


def test_preview_reports_unverified_facts_only_when_asked():
    source = 'client.messages.create(model="claude-sonnet-4-6", temperature=0.5, top_p=0.9, messages=[])\n'
    assert positions(source, code="CM602") == []
    assert positions(source, "--preview", code="CM602") == [("CM602", 1, 68)]


def test_preview_comes_from_the_command_line_or_the_config(tmp_path):
    (tmp_path / "app.py").write_text(
        'client.messages.create(model="claude-sonnet-4-6", temperature=0.5, top_p=0.9, messages=[])\n'
    )
    assert run("check", *PINNED, "--no-cache", "app.py", cwd=tmp_path)[0] == 0
    code, out, _ = run("check", *PINNED, "--no-cache", "--preview", "app.py", cwd=tmp_path)
    assert code == 1 and "app.py:1:68: CM602" in out
    (tmp_path / "pyproject.toml").write_text("[tool.claude-migrate]\npreview = true\n")
    assert run("check", *PINNED, "--no-cache", "app.py", cwd=tmp_path)[0] == 1


def test_sampling_judged_on_the_model_after_the_model_fix():
    # Sonnet 4.5 migrates to Sonnet 4.6 (a safe CM103 fix), whose sampling rule is unverified.
    source = 'client.messages.create(model="claude-sonnet-4-5-20250929", temperature=0.5, top_p=0.9, messages=[])\n'
    assert positions(source, code="CM602") == []
    assert positions(source, "--select", "CM6", code="CM602") == [("CM602", 1, 77)]


def test_default_sampling_values_and_non_literals_are_not_reported():
    for value in ("temperature=1", "temperature=1.0", "top_p=0.99", "temperature=cfg.t", "top_k=None"):
        source = f'client.messages.create(model="claude-opus-4-7", {value}, messages=[])\n'
        assert positions(source, code="CM602") == [], value
    assert positions('client.messages.create(model="claude-opus-4-7", temperature=-0.5, messages=[])\n', code="CM602")


def test_thinking_sampling_uses_the_thinking_after_the_budget_fix():
    # On Opus 4.6 CM301 turns manual thinking into adaptive: temperature stays allowed with it.
    source = (
        'client.messages.create(model="claude-opus-4-6", max_tokens=8000, temperature=0.5,\n'
        '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])\n'
    )
    assert positions(source, code="CM604") == []
    assert positions(source, "--ignore", "CM301", code="CM604") == [("CM604", 1, 66)]


def test_forced_tool_choice_is_fine_once_thinking_becomes_adaptive():
    source = (
        'client.messages.create(model="claude-opus-4-6", max_tokens=8000, tool_choice={"type": "any"},\n'
        '    thinking={"type": "enabled", "budget_tokens": 2000}, messages=[])\n'
    )
    assert positions(source, code="CM605") == []
    assert positions(source, "--ignore", "CM301", code="CM605") == [("CM605", 1, 66)]


def test_prefill_on_a_model_that_allows_it_without_thinking_is_not_reported():
    source = 'client.messages.create(model="claude-opus-4-5-20251101", messages=[{"role": "assistant", "content": "{"}])\n'
    assert positions(source, "--target", "4.5", code="CM601") == []


@pytest.mark.parametrize(
    ("source", "after"),
    [
        (
            'client.messages.create(model="claude-opus-4-6", output_format={"type": "json_schema"}, output_config={})\n',
            'client.messages.create(model="claude-opus-4-6", output_config={"format": {"type": "json_schema"}})\n',
        ),
        (  # a format already there: report only
            'client.messages.create(model="claude-opus-4-6", output_format={"type": "a"}, output_config={"format": F})\n',
            None,
        ),
        (  # output_config from elsewhere: report only
            'client.messages.create(model="claude-opus-4-6", output_format={"type": "a"}, output_config=CONFIG)\n',
            None,
        ),
    ],
)
def test_output_format_merges_only_into_a_literal_config(source, after):
    assert positions(source, code="CM603") == [("CM603", 1, 49)]
    assert fixed(source) == (after or source)


def test_a_retired_model_in_a_text_completion_is_reported_but_not_rewritten():
    source = 'import anthropic\nanthropic.Anthropic().completions.create(model="claude-2.1", prompt=P, max_tokens_to_sample=9)\n'
    found = positions(source)
    assert ("CM606", 2, 1) in found and ("CM101", 2, 48) in found
    assert fixed(source, "--unsafe-fixes") == source


def test_openai_text_completions_are_left_alone():
    source = "import openai\nimport anthropic\nopenai.OpenAI().completions.create(model='gpt-3.5-turbo-instruct', prompt='x')\n"
    assert positions(source, code="CM606") == []


@pytest.mark.parametrize(
    ("today", "model", "reported"),
    [
        ("2026-11-24", "claude-opus-4-6", True),  # GA on 4.6 since 2026-03-13
        ("2026-03-01", "claude-opus-4-6", False),  # still a beta on 4.6 then
        ("2026-04-01", "claude-sonnet-4-5-20250929", False),  # still served for Sonnet 4.5
        ("2026-11-24", "claude-sonnet-4-5-20250929", True),  # retired for Sonnet 4.5 on 2026-04-30
    ],
)
def test_context_1m_beta_is_obsolete_by_model_and_date(today, model, reported):
    source = f'client.beta.messages.create(model="{model}", betas=["context-1m-2025-08-07"], messages=[])\n'
    found = positions(source, "--today", today, "--target", "4.5" if "4-5" in model else "4.6", code="CM201")
    assert bool(found) is reported


def test_explain_cites_each_fact_with_its_source_key(tmp_path):
    for code, key in [("CM601", "D-WN46"), ("CM602", "D-RN 2025-08-05"), ("CM603", "D-SO"),
                      ("CM604", "D-THINK"), ("CM605", "D-M:opus-5-5"), ("CM606", "SDK-MIG1")]:
        status, out, _ = run("explain", code, cwd=tmp_path)
        assert status == 0 and key in out, code
    out = run("explain", "CM601", cwd=tmp_path)[1]
    assert "Catalog fact `prefill`" in out and "claude-mythos-preview?" in out
