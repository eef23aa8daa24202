"""The catalog data: complete, consistent, and the successor rules of the contract."""

from __future__ import annotations

import datetime as dt

import pytest

from claude_migrate.catalog import REQUEST_FACTS, Catalog, load
from claude_migrate.rules import RULES
from claude_migrate.settings import TARGETS

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
            assert platform in ("bedrock", "vertex") and own["source"], model.id
            assert set(own) <= {"released", "deprecated", "retired", "not_retired_before", "unverified", "source"}


def test_every_model_carries_every_request_fact_the_rules_read():
    """Adding a model without its request facts (or with a value no rule knows) fails here."""
    read = {rule.fact for rule in RULES if rule.fact}
    assert read <= set(REQUEST_FACTS)
    for name in REQUEST_FACTS:
        meanings = catalog.facts[name]
        assert meanings["source"] and meanings["meaning"], name
        for model in catalog.models:
            value = model.requests[name]
            assert isinstance(meanings.get(value), str), f"{model.id}: {name} = {value!r} is not described in [facts.{name}]"


def test_a_model_row_without_a_request_fact_is_refused():
    import tomllib

    from claude_migrate.catalog import CATALOG_FILE

    data = tomllib.loads(CATALOG_FILE.read_text("utf-8"))
    del data["models"][-1]["prefill"]
    with pytest.raises(KeyError, match="prefill"):
        Catalog(data)


def test_facts_the_rules_combine_are_in_the_data():
    assert catalog.facts["sampling"]["defaults"] == {"temperature": 1.0, "top_p": 0.99}
    assert catalog.facts["thinking_sampling"]["incompatible_with_manual_thinking"] == ["temperature", "top_k"]
    assert catalog.facts["thinking_sampling"]["top_p_range"] == [0.95, 1.0]


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


@pytest.mark.parametrize("target", TARGETS)
def test_a_successor_is_never_retired_or_unreleased(target):
    for model in catalog.models:
        successor = catalog.successor(model, target, TODAY)
        if successor is not None and successor != model:
            assert not successor.is_retired(TODAY) and successor.is_released(TODAY)


def test_successor_waits_for_release_date():
    early = dt.date(2026, 5, 1)
    assert catalog.successor(catalog.model("claude-3-opus-20240229"), "latest", early).id == "claude-opus-4-7"
