"""The catalog data: complete, consistent, and the successor rules of the contract."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest
from helpers import run, settings

import claude_migrate
from claude_migrate import sdk_drift
from claude_migrate.catalog import (
    CATALOG_FILE,
    REQUEST_FACTS,
    Catalog,
    CatalogError,
    load,
    tomllib,
)
from claude_migrate.lifecycle import judge
from claude_migrate.rules import RULES
from claude_migrate.settings import DEFAULT_TARGET

TODAY = dt.date(2026, 11, 24)
catalog = load()


def test_every_model_has_its_facts():
    for model in catalog.models:
        assert model.id and model.name and model.family and model.source, model
        assert model.generation.replace(".", "").isdigit(), model.id
        assert set(model.unverified) <= {
            "released", "deprecated", "retired", "bedrock", "bedrock_regions", "vertex", "generation",
            "thinking.disabled", *REQUEST_FACTS
        }
        modes = {"enabled", "adaptive", "disabled", "between_tools"}
        assert set(model.thinking) <= modes
        assert set(model.thinking.values()) <= {"accepted", "deprecated", "rejected"}
        assert set(model.thinking_rejected_at_effort) <= modes
        for levels in model.thinking_rejected_at_effort.values():
            assert set(levels) <= {"low", "medium", "high", "xhigh", "max"}, model.id
        if model.retired and model.deprecated:
            assert model.deprecated <= model.retired, model.id
        for platform, own in model.platforms.items():
            assert platform in ("bedrock", "vertex") and own.source, model.id


def test_every_model_carries_every_request_fact_the_rules_read():
    """Adding a model without its request facts (or with a value no rule knows) fails here."""
    read = {rule.fact for rule in RULES if rule.fact}
    assert read <= set(REQUEST_FACTS)
    for name in REQUEST_FACTS:
        fact = catalog.request_facts[name]
        assert fact.source and fact.meaning, name
        for model in catalog.models:
            assert model.requests[name] in fact.values, model.id


def test_a_model_row_without_a_request_fact_is_refused():
    data = tomllib.loads(CATALOG_FILE.read_text("utf-8"))
    del data["models"][-1]["prefill"]
    with pytest.raises(CatalogError) as error:
        Catalog(data)
    assert str(error.value) == f"{CATALOG_FILE}: model 'claude-mythos-5-2': missing required key `prefill`"


def test_facts_the_rules_combine_are_in_the_data():
    assert catalog.request_facts["sampling"].defaults == {"temperature": 1.0, "top_p": 0.99}
    assert catalog.thinking_sampling.incompatible_with_manual_thinking == ("temperature", "top_k")
    assert catalog.thinking_sampling.top_p_range == (0.95, 1.0)
    assert catalog.text_editor.legacy_name == "str_replace_editor" and catalog.text_editor.changed_in == "Claude 4"
    assert catalog.thinking.min_budget == 1024 and catalog.thinking.interleaved_beta in catalog.betas
    assert catalog.stop_reasons.refusal == "refusal" and "compaction" in catalog.stop_reasons.anthropic


def test_ids_are_unique_across_models():
    seen: dict[str, str] = {}
    for model in catalog.models:
        for text in (model.id, *model.other_ids, *model.aliases, *model.bedrock, *model.bedrock_mantle):
            assert seen.setdefault(text, model.id) == model.id, text


def test_beta_data_names_catalog_models():
    ids = {m.id for m in catalog.models}
    for beta in catalog.betas.values():
        assert beta.works_on <= ids, beta.name
        assert beta.fix in ("safe", "unsafe")
        assert beta.ga is not None or beta.works_on, beta.name


@pytest.mark.parametrize(
    ("text", "model", "form", "prefix", "region"),
    [
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022", "pinned", "", ""),
        ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", "alias", "", ""),
        ("claude-4-opus-20250514", "claude-opus-4-20250514", "pinned", "", ""),
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022", "bedrock", "", "us"),
        ("bedrock/global.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514", "bedrock", "bedrock/", "global"),
        ("anthropic.claude-haiku-4-5", "claude-haiku-4-5-20251001", "bedrock_mantle", "", ""),
        ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-20241022", "vertex", "", ""),
        ("vertex_ai/claude-3-7-sonnet@20250219", "claude-3-7-sonnet-20250219", "vertex", "vertex_ai/", ""),
        ("anthropic/claude-opus-4-6", "claude-opus-4-6", "pinned", "anthropic/", ""),
        ("claude-2", "claude-2.1", "alias", "", ""),
        ("claude-instant-1", "claude-instant-1.2", "alias", "", ""),
        ("anthropic.claude-v1", "claude-1.3", "bedrock", "", ""),
        ("anthropic.claude-v2", "claude-2.1", "bedrock", "", ""),
        ("anthropic.claude-v2:1", "claude-2.1", "bedrock", "", ""),
        ("anthropic.claude-instant-v1", "claude-instant-1.2", "bedrock", "", ""),
        ("anthropic.claude-mythos-5", "claude-mythos-5", "bedrock", "", ""),
        ("global.anthropic.claude-opus-5-5", "claude-opus-5-5", "bedrock", "", "global"),
        ("us.anthropic.claude-haiku-5-5", "claude-haiku-5-5", "bedrock", "", "us"),
    ],
)
def test_parse_recognises_every_form(text, model, form, prefix, region):
    ref = catalog.parse(text)
    assert ref is not None
    assert (ref.model.id, ref.form, ref.provider_prefix, ref.region) == (model, form, prefix, region)


@pytest.mark.parametrize(
    ("text", "model", "region", "arn", "suffix"),
    [
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0",
            "claude-3-5-sonnet-20241022", "", "arn:aws:bedrock:us-east-1::foundation-model/", "",
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "claude-3-7-sonnet-20250219", "us", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/", "",
        ),
        ("anthropic.claude-3-sonnet-20240229-v1:0:28k", "claude-3-sonnet-20240229", "", "", ":28k"),
        ("anthropic.claude-3-haiku-20240307-v1:0:200k", "claude-3-haiku-20240307", "", "", ":200k"),
        ("anthropic.claude-v2:1:18k", "claude-2.1", "", "", ":18k"),
    ],
)
def test_parse_recognises_arns_and_context_suffixes(text, model, region, arn, suffix):
    ref = catalog.parse(text)
    assert ref is not None
    assert (ref.model.id, ref.form, ref.region, ref.arn, ref.suffix) == (model, "bedrock", region, arn, suffix)
    assert ref.platform == "bedrock"


@pytest.mark.parametrize(
    "text",
    ["claude", "claude-3-5-sonnet", "xx.anthropic.claude-3-5-sonnet-20241022-v2:0", "us.claude-3-5-sonnet-20241022",
     "openrouter/anthropic/claude-3.5-sonnet", "claude-3-5-sonnet-20241022 ", "my-claude-3-opus-20240229",
     "claude-2.2", "claude-instant-2", "anthropic.claude-v3",
     # an ARN must fit its resource: no account and a base ID for a foundation model,
     # an account and a region-prefixed ID for an inference profile
     "arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
     "arn:aws:bedrock:us-east-1:123456789012:foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0",
     "arn:aws:bedrock:us-east-1:123456789012:inference-profile/anthropic.claude-3-7-sonnet-20250219-v1:0",
     "arn:aws:bedrock:us-east-1::foundation-model/claude-3-7-sonnet-20250219",
     "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claude-x",
     # a context-length suffix belongs to an InvokeModel ID only
     "claude-3-sonnet-20240229:28k", "anthropic.claude-3-sonnet-20240229-v1:0:28", "anthropic.claude-haiku-4-5:200k"],
)
def test_parse_rejects_look_alikes(text):
    assert catalog.parse(text) is None


@pytest.mark.parametrize(
    ("old", "target", "new"),
    [
        ("claude-3-opus-20240229", "4.6", "claude-opus-4-6"),
        ("claude-3-opus-20240229", "4.8", "claude-opus-4-8"),
        ("claude-3-opus-20240229", "latest", "claude-opus-5-5"),
        ("claude-3-7-sonnet-20250219", "4.8", "claude-sonnet-4-6"),
        ("claude-3-5-haiku-20241022", "4.6", "claude-haiku-4-5-20251001"),
        ("claude-2.1", "4.6", "claude-opus-4-6"),
        ("claude-instant-1.2", "5.5", "claude-haiku-5-5"),
        ("claude-opus-4-8", "4.6", "claude-opus-4-8"),  # newer than the target: never downgraded
        ("claude-fable-5", "4.6", None),  # no Fable at or below 4.6: nothing to move to
    ],
)
def test_successor_per_target(old, target, new):
    successor = catalog.successor(catalog.model(old), target, TODAY)
    assert (successor.id if successor else None) == new


def test_no_successor_when_family_has_nothing_live_at_target():
    assert catalog.successor(catalog.model("claude-opus-4-20250514"), "4", TODAY) is None


@pytest.mark.parametrize("target", catalog.targets)
def test_a_successor_is_never_retired_or_unreleased(target):
    for model in catalog.models:
        successor = catalog.successor(model, target, TODAY)
        if successor is not None and successor != model:
            assert not successor.is_retired(TODAY) and successor.is_released(TODAY)


def test_successor_waits_for_release_date():
    early = dt.date(2026, 5, 1)
    assert catalog.successor(catalog.model("claude-3-opus-20240229"), "latest", early).id == "claude-opus-4-7"


# -- the schema: typed, validated, with defaults ----------------------------------------------------


def test_targets_and_generations_come_from_the_data():
    assert catalog.generations == ("1", "2", "3", "3.5", "3.7", "4", "4.1", "4.5", "4.6", "4.7", "4.8", "5", "5.1", "5.2", "5.5")
    assert catalog.targets == ("4", "4.1", "4.5", "4.6", "4.7", "4.8", "5", "5.1", "5.2", "5.5", "latest")
    assert DEFAULT_TARGET in catalog.targets


def test_a_fact_default_fills_the_rows_that_leave_it_out():
    rows = {row["id"]: row for row in tomllib.loads(CATALOG_FILE.read_text("utf-8"))["models"]}
    assert catalog.request_facts["forced_tool_choice"].default == "not_with_manual_thinking"
    assert "forced_tool_choice" not in rows["claude-opus-4-8"]
    assert catalog.model("claude-opus-4-8").requests["forced_tool_choice"] == "not_with_manual_thinking"
    assert rows["claude-opus-5-5"]["forced_tool_choice"] == "rejected"
    assert catalog.model("claude-opus-5-5").requests["forced_tool_choice"] == "rejected"
    assert not any(row.get("forced_tool_choice") == "not_with_manual_thinking" for row in rows.values())


def test_the_alias_form_and_gated_models_are_data():
    # From `dateless_ids_from` on, the one dateless ID is also the alias.
    assert catalog.model("claude-sonnet-4-6").id_of_form("alias") == "claude-sonnet-4-6"
    assert catalog.model("claude-3-sonnet-20240229").id_of_form("alias") is None
    assert {m.id for m in catalog.models if m.gated} == {
        "claude-mythos-preview", "claude-mythos-5", "claude-mythos-5-1", "claude-mythos-5-2"
    }
    assert [m.id for m in catalog.models_of_generation("5.2")] == ["claude-fable-5-2"]


def _refused(edit) -> str:
    """The error of the built-in data after ``edit(data)``."""
    data = tomllib.loads(CATALOG_FILE.read_text("utf-8"))
    edit(data)
    with pytest.raises(CatalogError) as error:
        Catalog(data)
    return str(error.value).removeprefix(f"{CATALOG_FILE}: ")


def _row(data: dict, model_id: str) -> dict:
    return next(row for row in data["models"] if row["id"] == model_id)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: _row(d, "claude-opus-4-8").update(colour="red"), "model 'claude-opus-4-8': unknown key `colour`"),
        (lambda d: _row(d, "claude-opus-4-8").pop("name"), "model 'claude-opus-4-8': missing required key `name`"),
        (
            lambda d: _row(d, "claude-opus-4-8").update(retired="2027-01-01"),
            "model 'claude-opus-4-8': `retired` must be a date (YYYY-MM-DD, unquoted), not '2027-01-01'",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(deprecated=dt.date(2027, 2, 1), retired=dt.date(2027, 1, 1)),
            "model 'claude-opus-4-8': `deprecated` 2027-02-01 is after `retired` 2027-01-01",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(generation=4.8),
            "model 'claude-opus-4-8': `generation` must be a generation such as \"4.6\" (a string), not 4.8",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(legacy="yes"),
            "model 'claude-opus-4-8': `legacy` must be true or false, not 'yes'",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(prefill="maybe"),
            "model 'claude-opus-4-8': `prefill` must be one of accepted, rejected, not 'maybe'",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8")["thinking"].update(on="accepted"),
            "model 'claude-opus-4-8': unknown key `thinking.on` (not one of enabled, adaptive, disabled, between_tools)",
        ),
        (
            lambda d: _row(d, "claude-3-haiku-20240307")["platform"]["bedrock"].update(retired="soon"),
            "model 'claude-3-haiku-20240307': `platform.bedrock.retired` must be a date (YYYY-MM-DD, unquoted), not 'soon'",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(unverified=["retierd"]),
            ("model 'claude-opus-4-8': `unverified` may hold only released, deprecated, retired, bedrock, "
            "bedrock_regions, vertex, generation, thinking.disabled, prefill, sampling, forced_tool_choice, not 'retierd'"),
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(aliases=["claude-opus-4-7"]),
            "model 'claude-opus-4-8': `aliases` 'claude-opus-4-7' is already an ID of model 'claude-opus-4-7'",
        ),
        (
            lambda d: _row(d, "claude-opus-4-8").update(replacement="claude-opus-9"),
            "model 'claude-opus-4-8': `replacement` 'claude-opus-9' is not a model's `id`",
        ),
        (lambda d: d["models"][0].pop("id"), "[[models]] row 1: missing required key `id`"),
        (
            lambda d: d["betas"]["pdfs-2024-09-25"].update(ga="2024-12-17"),
            "beta 'pdfs-2024-09-25': `ga` must be a date (YYYY-MM-DD, unquoted), not '2024-12-17'",
        ),
        (
            lambda d: d["betas"]["pdfs-2024-09-25"].update(works_on=["claude-9"]),
            "beta 'pdfs-2024-09-25': `works_on` 'claude-9' is not a model's `id`",
        ),
        (
            lambda d: d["facts"]["forced_tool_choice"].update(default="sometimes"),
            "[facts.forced_tool_choice]: `default` must be one of not_with_manual_thinking, rejected, not 'sometimes'",
        ),
        (lambda d: d["text_editor"].pop("current_name"), "[text_editor]: missing required key `current_name`"),
        (lambda d: d.pop("targets_from"), "missing required key `targets_from`"),
        (lambda d: d["facts"].pop("prefill"), "[facts.prefill]: missing required table `facts.prefill`"),
    ],
)
def test_a_misfit_is_refused_naming_the_file_the_row_and_the_key(edit, message):
    assert _refused(edit) == message


# -- `models` on the re-check day: api-changes.md §9, row by row ------------------------------------

#: (status, retires) of every model on 2026-12-04: §9.1 (Opus 4.5 deprecated until its SDK end of
#: life, Sonnet 4.5 retired, Mythos Preview retired unconfirmed, the legacy five) and §1-§8.
ON_2026_12_04 = {
    "claude-instant-1.2": ("retired", "2024-11-06"),
    "claude-1.3": ("retired", "2024-11-06"),
    "claude-2.1": ("retired", "2025-07-21"),
    "claude-3-sonnet-20240229": ("retired", "2025-07-21"),
    "claude-3-opus-20240229": ("retired", "2026-01-05"),
    "claude-3-haiku-20240307": ("retired", "2026-04-20"),
    "claude-3-5-sonnet-20240620": ("retired", "2025-10-28"),
    "claude-3-5-sonnet-20241022": ("retired", "2025-10-28"),
    "claude-3-5-haiku-20241022": ("retired", "2026-02-19"),
    "claude-3-7-sonnet-20250219": ("retired", "2026-02-19"),
    "claude-sonnet-4-20250514": ("retired", "2026-06-15"),
    "claude-opus-4-20250514": ("retired", "2026-06-15"),
    "claude-opus-4-1-20250805": ("retired", "2026-08-05"),
    "claude-sonnet-4-5-20250929": ("retired", "2026-11-30"),
    "claude-haiku-4-5-20251001": ("legacy", "-"),
    "claude-opus-4-5-20251101": ("deprecated", "2027-01-22"),
    "claude-opus-4-6": ("legacy", "-"),
    "claude-sonnet-4-6": ("active", "-"),
    "claude-mythos-preview": ("retired?", "2026-06-30?"),
    "claude-opus-4-7": ("active", "-"),
    "claude-opus-4-8": ("active", "-"),
    "claude-fable-5": ("legacy", "-"),
    "claude-mythos-5": ("active", "-"),
    "claude-sonnet-5": ("legacy", "-"),
    "claude-opus-5": ("legacy", "-"),
    "claude-fable-5-1": ("active", "-"),
    "claude-mythos-5-1": ("active", "-"),
    "claude-opus-5-5": ("active", "-"),
    "claude-sonnet-5-5": ("active", "-"),
    "claude-haiku-5-5": ("active", "-"),
    "claude-fable-5-2": ("active", "-"),
    "claude-mythos-5-2": ("active", "-"),
}


def test_models_on_the_recheck_day_agrees_with_api_changes_row_by_row(tmp_path):
    code, out, _ = run("models", "--today", "2026-12-04", "--target", "latest", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Catalog 2026-12-04; status on 2026-12-04; successors under --target latest"
    assert lines[1].split() == ["id", "family", "gen", "status", "retires", "successor"]
    rows = {line.split()[0]: tuple(line.split()[3:5]) for line in lines[2:-2]}
    assert rows == ON_2026_12_04
    # The documented replacements of §9.1 are the successors under --target latest.
    successors = {line.split()[0]: line.split()[5] for line in lines[2:-2]}
    assert successors["claude-opus-4-5-20251101"] == "claude-opus-5-5"
    assert successors["claude-haiku-4-5-20251001"] == "claude-haiku-5-5"
    assert lines[-1] == "legacy: still served, but the documentation suggests a newer model."


# -- `models --check-sdk` ---------------------------------------------------------------------------


def _fake_sdk(root: Path, end_of_life: str) -> Path:
    files = {
        "_version.py": '__version__ = "9.9.9"\n',
        "types/model_param.py": 'ModelParam = Literal["claude-opus-5-5", "claude-opus-4-5-20251101"]\n',
        "types/model.py": 'Model = Literal["claude-opus-5-5"]\n',
        "_data/deprecated_models.py": f'DEPRECATED_MODELS = {{"claude-opus-4-5-20251101": "{end_of_life}"}}\n',
        "types/anthropic_beta_param.py": 'AnthropicBetaParam = Literal["compact-2026-09-04"]\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def fresh_catalogs():
    load.cache_clear()
    yield
    load.cache_clear()


def test_check_sdk_reports_disagreements_with_exit_1(tmp_path, monkeypatch, fresh_catalogs):
    sdk = _fake_sdk(tmp_path / "anthropic", "February 1st, 2027")
    monkeypatch.setattr(sdk_drift, "find_sdk", lambda: sdk)
    code, out, err = run("models", "--check-sdk", cwd=tmp_path)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"anthropic 9.9.9 ({sdk}) against catalog 2026-12-04: 1 disagreement",
        ("_data/deprecated_models.py: 'claude-opus-4-5-20251101' reaches end of life on 2027-02-01 in the SDK, "
        "2027-01-22 in the catalog"),
    ]
    # Checked against the catalog with the project's corrections.
    (tmp_path / "ours.toml").write_text('[[models]]\nid = "claude-opus-4-5-20251101"\nretired = 2027-02-01\n')
    code, out, _ = run("models", "--check-sdk", "--catalog", "ours.toml", cwd=tmp_path)
    assert (code, out) == (0, f"anthropic 9.9.9 ({sdk}) against catalog 2026-12-04: no disagreements\n")


def test_check_sdk_without_the_sdk_is_one_line_and_exit_2(tmp_path, monkeypatch):
    real = sdk_drift.importlib.util.find_spec
    monkeypatch.setattr(sdk_drift.importlib.util, "find_spec", lambda name: None if name == "anthropic" else real(name))
    assert run("models", "--check-sdk", cwd=tmp_path) == (
        2, "", "error: the anthropic package is not installed in this Python environment (pip install anthropic)\n"
    )


@pytest.mark.skipif(importlib.util.find_spec("anthropic") is None, reason="needs the anthropic package")
def test_check_sdk_on_the_pinned_sdk(tmp_path):
    path = sdk_drift.find_sdk()
    if sdk_drift._version(path) != "2.17.0":
        pytest.skip("needs anthropic==2.17.0 (the test extras pin it)")
    assert run("models", "--check-sdk", cwd=tmp_path) == (
        0, f"anthropic 2.17.0 ({path}) against catalog 2026-12-04: no disagreements\n", ""
    )


# -- the verdict is a state; rule codes stay in rules/ ----------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "state", "code"),
    [("claude-3-opus-20240229", "retired", "CM101"), ("claude-opus-4-5", "deprecated", "CM102"),
     ("claude-opus-4-6", "outdated", "CM103")],
)
def test_judge_returns_the_state_and_rules_map_it_to_a_code(model_id, state, code):
    verdict = judge(catalog.parse(model_id), False, settings("--target", "4.8"), catalog)
    from claude_migrate.rules.model_ids import _BY_STATE

    assert verdict.state == state and _BY_STATE[verdict.state].code == code


#: Modules that must hold no model family, version or rule code: they read them from the data.
DATA_FREE = ("catalog.py", "lifecycle.py", "config.py", "settings.py", "explain.py", "sdk_drift.py")


@pytest.mark.parametrize("name", DATA_FREE)
def test_no_family_or_rule_code_is_written_in_code(name):
    import ast

    tree = ast.parse((Path(claude_migrate.__file__).parent / name).read_text("utf-8"))
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    families = {model.family for model in catalog.models}
    assert not strings & families
    assert not [s for s in strings if re.search(r"\bCM[0-9]{3}\b|\bclaude-[a-z0-9-]*[0-9]", s)]
