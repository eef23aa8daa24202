"""CM304 disabled-thinking-rejected: exact messages, positions and fixes beyond the rule's examples."""

from __future__ import annotations

from helpers import findings, fixed, run, settings

from claude_migrate.engine import check_file


def _cm304(source: str, *args: str) -> list[tuple[int, int, str, str | None]]:
    return [
        (f.line, f.column, f.message, f.fix.applicability if f.fix else None)
        for f in findings(source, *args)
        if f.code == "CM304"
    ]


def test_always_rejected_message_and_unsafe_removal():
    source = 'r = client.messages.create(model="claude-fable-5-1", thinking={"type": "disabled"}, max_tokens=9, messages=[])\n'
    assert _cm304(source) == [
        (
            1,
            54,
            ('Thinking {"type": "disabled"} is rejected with a 400 on Claude Fable 5.1; remove `thinking`: '
            "the model always thinks, and a lower output_config.effort makes it think less"),
            "unsafe",
        )
    ]
    assert fixed(source) == source  # the fix is unsafe
    assert fixed(source, "--unsafe-fixes") == (
        'r = client.messages.create(model="claude-fable-5-1", max_tokens=9, messages=[])\n'
    )


def test_between_tools_keeps_quotes_and_other_keys():
    source = "client.messages.create(model='claude-sonnet-5-5', thinking={'type': 'disabled', 'display': 'omitted'}, messages=[])\n"
    [(line, column, message, applicability)] = _cm304(source)
    assert (line, column, applicability) == (1, 51, "unsafe")
    assert message == (
        'Thinking {"type": "disabled"} is rejected with a 400 on Claude Sonnet 5.5; '
        'use {"type": "between_tools"}, the lowest thinking setting there'
    )
    assert fixed(source, "--unsafe-fixes") == (
        "client.messages.create(model='claude-sonnet-5-5', thinking={'type': 'between_tools', 'display': 'omitted'}, messages=[])\n"
    )


def test_between_tools_is_not_offered_at_an_effort_that_rejects_it():
    source = (
        'client.messages.create(model="claude-sonnet-5-5", thinking={"type": "disabled"},\n'
        '    output_config={"effort": "max"}, messages=[])\n'
    )
    assert fixed(source, "--unsafe-fixes") == (
        'client.messages.create(model="claude-sonnet-5-5", output_config={"effort": "max"}, messages=[])\n'
    )


def test_effort_conditional_rejection_names_the_effort():
    source = (
        'client.messages.create(model="claude-opus-5", thinking={"type": "disabled"},\n'
        '    output_config={"effort": "max", "format": schema}, messages=[])\n'
    )
    assert _cm304(source) == [
        (
            1,
            47,
            ("Thinking {\"type\": \"disabled\"} is rejected with a 400 on Claude Opus 5 at effort 'max'; "
            "remove `thinking` (the model then thinks adaptively), or use effort 'high' or lower"),
            "unsafe",
        )
    ]
    for effort in ('"low"', '"medium"', '"high"', "level", "None"):
        quiet = source.replace('"max"', effort)
        assert _cm304(quiet) == [], effort
    assert _cm304(source.replace(', "format": schema', "").replace("output_config=", "output_config=cfg or ")) == []


def test_a_request_dict_is_judged_on_its_literal_output_config():
    source = 'params = {"model": "claude-opus-5", "thinking": {"type": "disabled"}, "output_config": {"effort": "xhigh"}}\n'
    assert [(line, column) for line, column, _, _ in _cm304(source)] == [(1, 37)]


def test_unverified_facts_need_preview():
    haiku = (
        'client.messages.create(model="claude-haiku-5-5", thinking={"type": "disabled"},\n'
        '    output_config={"effort": "xhigh"}, messages=[])\n'
    )
    opus47 = 'client.messages.create(model="claude-opus-4-7", thinking={"type": "disabled"}, messages=[])\n'
    assert _cm304(haiku) == [] and _cm304(opus47) == []
    assert [c for _, c, _, _ in _cm304(haiku, "--preview")] == [50]
    assert _cm304(opus47, "--preview") == [
        (
            1,
            49,
            ('Thinking {"type": "disabled"} is rejected with a 400 on Claude Opus 4.7; remove `thinking`: '
            "the model always thinks, and a lower output_config.effort makes it think less"),
            "unsafe",
        )
    ]


def test_judged_on_the_model_after_the_model_fix():
    # Opus 4.1 is retired; under --target latest it becomes Opus 5.5, which rejects disabled.
    source = 'client.messages.create(model="claude-opus-4-1", thinking={"type": "disabled"}, messages=[])\n'
    assert _cm304(source, "--target", "4.6") == []
    assert [c for _, c, _, _ in _cm304(source, "--target", "latest")] == [49]
    # Without the model fix the request stays on Opus 4.1, which accepts it.
    assert _cm304(source, "--target", "latest", "--ignore", "CM101") == []


def test_unknown_model_is_judged_on_the_target_generation():
    source = 'def ask(client, model):\n    return client.messages.create(model=model, thinking={"type": "disabled"}, messages=[])\n'
    # Haiku 5.5 and Sonnet 5 accept thinking off: not every model of the generation rejects it.
    assert _cm304(source, "--target", "5.5") == []
    assert _cm304(source, "--target", "5") == []


def test_suppression_and_selection():
    source = 'client.messages.create(model="claude-opus-5-5", thinking={"type": "disabled"}, messages=[])  # noqa: CM304\n'
    assert _cm304(source) == []
    plain = source.split("  #")[0] + "\n"
    assert _cm304(plain, "--ignore", "CM304") == []
    assert [f.code for f in check_file(plain.encode(), "x.py", settings("--select", "CM304")).findings] == ["CM304"]


def test_explain_renders(tmp_path):
    code, out, _ = run("explain", "cm304", cwd=tmp_path)
    assert code == 0
    assert out.startswith("CM304 disabled-thinking-rejected\nSeverity: error. Fix: unsafe.\n")
    assert '    params = {"model": "claude-sonnet-5-5", "max_tokens": 1024, "thinking": {"type": "between_tools"}}' in out
    assert "Finds:  (with --preview)" in out
