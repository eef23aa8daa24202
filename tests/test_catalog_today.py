"""The catalog as of 2026-12-04 (api-changes.md §9): lifecycle, partner dates, ID forms, flags."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import findings, fixed, run

from claude_migrate.catalog import CATALOG_FILE, load, tomllib
from claude_migrate.lifecycle import status

catalog = load()
DEC = ("--today", "2026-12-04")


def _one(source: str, *args: str) -> tuple[str, str, str | None]:
    """(code, message, fix applicability) of the only model finding."""
    [finding] = [f for f in findings(source, *args) if f.code.startswith("CM1")]
    return finding.code, finding.message, finding.fix.applicability if finding.fix else None


def _model(text: str):
    return catalog.parse(text).model


# -- 9.1 lifecycle --------------------------------------------------------------------------------


def test_catalog_version_is_the_recheck_day():
    assert catalog.version == "2026-12-04"


def test_opus_4_5_is_deprecated_until_its_sdk_end_of_life():
    opus = _model("claude-opus-4-5")
    assert (opus.deprecated, opus.retired) == (dt.date(2026, 11, 23), dt.date(2027, 1, 22))
    assert not opus.verified("deprecated") and opus.verified("retired")
    assert _one('MODEL = "claude-opus-4-5"', *DEC) == (
        "CM102", "Model 'claude-opus-4-5' is deprecated and retires on 2027-01-22; use 'claude-opus-4-6'", "safe"
    )
    assert _one('MODEL = "claude-opus-4-5"', "--today", "2027-01-22")[:2] == (
        "CM101", "Model 'claude-opus-4-5' was retired on 2027-01-22; use 'claude-opus-4-6'"
    )
    # Before the (3P) deprecation day it is merely outdated.
    assert _one('MODEL = "claude-opus-4-5"', "--today", "2026-11-01")[0] == "CM103"


def test_sonnet_4_5_retired_with_an_unverified_deprecation_day():
    sonnet = _model("claude-sonnet-4-5")
    assert not sonnet.verified("deprecated") and sonnet.retired == dt.date(2026, 11, 30)
    assert _one('MODEL = "claude-sonnet-4-5"', *DEC)[:2] == (
        "CM101", "Model 'claude-sonnet-4-5' was retired on 2026-11-30; use 'claude-sonnet-4-6'"
    )
    assert _one('MODEL = "claude-sonnet-4-5"', "--today", "2026-11-24")[0] == "CM102"


def test_mythos_preview_is_retired_unconfirmed_with_no_deprecation_day():
    mythos = _model("claude-mythos-preview")
    assert mythos.deprecated is None and mythos.retired == dt.date(2026, 6, 30)
    assert not mythos.verified("retired")
    assert _one('MODEL = "claude-mythos-preview"', *DEC, "--target", "latest") == (
        "CM102", "Model 'claude-mythos-preview' was due to retire on 2026-06-30 (unconfirmed); use 'claude-mythos-5-2'", "safe"
    )
    # Before that day nothing says it is deprecated: only outdated.
    assert _one('MODEL = "claude-mythos-preview"', "--today", "2026-06-20", "--target", "latest")[0] == "CM103"


@pytest.mark.parametrize(
    ("model_id", "state"),
    [
        ("claude-haiku-4-5", "legacy"), ("claude-opus-4-6", "legacy"), ("claude-fable-5", "legacy"),
        ("claude-sonnet-5", "legacy"), ("claude-opus-5", "legacy"), ("claude-sonnet-4-6", "active"),
        ("claude-opus-5-5", "active"), ("claude-opus-4-5", "deprecated"), ("claude-sonnet-4-5", "retired"),
        ("claude-mythos-preview", "retired?"),
    ],
)
def test_status_on_the_recheck_day(model_id, state):
    assert status(_model(model_id), dt.date(2026, 12, 4)) == state


def test_models_command_shows_legacy_and_unconfirmed_retirement(tmp_path):
    code, out, _ = run("models", *DEC, "--target", "latest", cwd=tmp_path)
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.startswith("claude-")}
    assert rows["claude-haiku-4-5-20251001"] == ["haiku", "4.5", "legacy", "-", "claude-haiku-5-5"]
    assert rows["claude-opus-4-5-20251101"] == ["opus", "4.5", "deprecated", "2027-01-22", "claude-opus-5-5"]
    assert rows["claude-mythos-preview"] == ["mythos", "4.7", "retired?", "2026-06-30?", "claude-mythos-5-2"]
    assert rows["claude-opus-5-5"] == ["opus", "5.5", "active", "-", "-"]
    assert out.splitlines()[0] == "Catalog 2026-12-04; status on 2026-12-04; successors under --target latest"
    assert out.splitlines()[-1] == "legacy: still served, but the documentation suggests a newer model."


def test_release_dates_and_their_status():
    assert _model("claude-opus-5-5").released == dt.date(2026, 9, 22) and _model("claude-opus-5-5").verified("released")
    fable = _model("claude-fable-5-1")
    assert fable.platforms["bedrock"].released == dt.date(2026, 9, 1) and fable.platforms["bedrock"].verified("released")
    assert _model("claude-sonnet-5-5").released == dt.date(2026, 9, 28)
    assert not _model("claude-sonnet-5-5").verified("released")


def test_replacements_name_models_of_the_successor_family():
    rows = tomllib.loads(CATALOG_FILE.read_text("utf-8"))["models"]
    replacements = {row["id"]: row["replacement"] for row in rows if "replacement" in row}
    assert replacements["claude-opus-4-5-20251101"] == "claude-opus-5-5"
    assert "claude-mythos-preview" not in replacements  # the docs no longer name one
    for old, new in replacements.items():
        assert catalog.model(new).family == catalog.model(old).successor_family, old
    assert {m.id for m in catalog.models if m.legacy} == {
        "claude-haiku-4-5-20251001", "claude-opus-4-6", "claude-fable-5", "claude-sonnet-5", "claude-opus-5"
    }


# -- partner lifecycle ----------------------------------------------------------------------------


def test_bedrock_dates_of_the_aws_model_cards():
    assert _one('MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"', *DEC)[:2] == (
        "CM101", "Model 'us.anthropic.claude-3-5-haiku-20241022-v1:0' was retired on 2026-06-19; use 'us.anthropic.claude-haiku-4-5-20251001-v1:0'"
    )
    assert _one('MODEL = "anthropic.claude-3-haiku-20240307-v1:0"', *DEC) == (
        "CM101", "Model 'anthropic.claude-3-haiku-20240307-v1:0' was retired on 2026-09-10; use 'anthropic.claude-haiku-4-5-20251001-v1:0'", "unsafe"
    )
    # The Claude API retired Claude 3 Haiku on 2026-04-20; Bedrock served it until 2026-09-10.
    assert _one('MODEL = "anthropic.claude-3-haiku-20240307-v1:0"', "--today", "2026-08-01")[0] == "CM103"


def test_a_partner_id_without_partner_dates_reports_the_api_retirement_as_the_apis():
    assert _one('MODEL = "us.anthropic.claude-3-5-sonnet-20241022-v2:0"', "--today", "2026-11-24") == (
        "CM102",
        ("Model 'us.anthropic.claude-3-5-sonnet-20241022-v2:0' was retired on the Claude API on 2025-10-28; "
        "Amazon Bedrock sets its own date; use 'us.anthropic.claude-sonnet-4-6'"),
        "safe",
    )
    assert _one('MODEL = "claude-3-7-sonnet@20250219"', "--today", "2026-11-24") == (
        "CM102",
        ("Model 'claude-3-7-sonnet@20250219' was retired on the Claude API on 2026-02-19; "
        "Google Cloud (Vertex AI) sets its own date; use 'claude-sonnet-4-6'"),
        "safe",
    )
    assert _one('MODEL = "anthropic.claude-mythos-preview"', *DEC, "--target", "latest")[1] == (
        "Model 'anthropic.claude-mythos-preview' was due to retire on the Claude API on 2026-06-30 (unconfirmed); "
        "Amazon Bedrock sets its own date; its successor Claude Mythos 5.2 (verified orgs only) has no Bedrock ID"
    )


def test_the_api_deprecation_is_not_a_partner_fact():
    # Opus 4.5 is deprecated on the Claude API; Bedrock's dates for it are unknown.
    assert _one('MODEL = "global.anthropic.claude-opus-4-5-20251101-v1:0"', *DEC) == (
        "CM103",
        ("Model 'global.anthropic.claude-opus-4-5-20251101-v1:0' is outdated: Claude Opus 4.6 is the newest Opus "
        "model at or below --target 4.6; use 'global.anthropic.claude-opus-4-6-v1'"),
        "safe",
    )
    # Only a 3P source gives Google-managed Vertex a date for it: it never reads as a date ahead.
    assert _one('MODEL = "claude-opus-4-5@20251101"', *DEC)[0] == "CM103"
    assert _one('MODEL = "claude-opus-4-5@20251101"', "--today", "2027-02-01")[1] == (
        "Model 'claude-opus-4-5@20251101' was due to retire on 2027-01-22 (unconfirmed); use 'claude-opus-4-6'"
    )


def test_google_cloud_anthropic_managed_ids_are_first_party():
    source = (
        "import anthropic\n"
        'client = anthropic.AnthropicGoogleCloud(project="p", location="us-central1", workspace_id="w")\n'
        'client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=9, messages=[])\n'
    )
    assert _one(source, "--today", "2026-11-24")[:2] == (
        "CM102", "Model 'claude-sonnet-4-5-20250929' is deprecated and retires on 2026-11-30; use 'claude-sonnet-4-6'"
    )


# -- 9.2 IDs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "model_id", "verified"),
    [
        ("anthropic.claude-haiku-5-5", "claude-haiku-5-5", True),
        ("anthropic.claude-fable-5-1", "claude-fable-5-1", True),
        ("anthropic.claude-mythos-5-1", "claude-mythos-5-1", True),
        ("anthropic.claude-mythos-5", "claude-mythos-5", True),
        ("anthropic.claude-fable-5", "claude-fable-5", True),
        ("anthropic.claude-opus-5", "claude-opus-5", True),
        ("anthropic.claude-sonnet-5", "claude-sonnet-5", True),
        ("anthropic.claude-opus-4-7", "claude-opus-4-7", True),
        ("anthropic.claude-mythos-preview", "claude-mythos-preview", True),
        ("anthropic.claude-sonnet-4-6", "claude-sonnet-4-6", True),
        ("anthropic.claude-opus-4-6-v1", "claude-opus-4-6", True),
        ("anthropic.claude-opus-5-5", "claude-opus-5-5", False),
        ("jp.anthropic.claude-opus-5-5", "claude-opus-5-5", False),
        ("global.anthropic.claude-opus-5-5", "claude-opus-5-5", False),
        ("anthropic.claude-sonnet-5-5", "claude-sonnet-5-5", False),
        ("us.anthropic.claude-sonnet-5-5", "claude-sonnet-5-5", False),
        ("anthropic.claude-fable-5-2", "claude-fable-5-2", False),
        ("us.anthropic.claude-fable-5-2", "claude-fable-5-2", False),
        ("us.anthropic.claude-haiku-5-5", "claude-haiku-5-5", True),
    ],
)
def test_new_bedrock_ids(text, model_id, verified):
    ref = catalog.parse(text)
    assert ref is not None and ref.model.id == model_id and ref.form == "bedrock"
    assert ref.model.verified("bedrock") is verified
    # 3P or not, they are fix targets: the Sonnet 4.5 profile moves to Sonnet 5.5's.
    if text == "us.anthropic.claude-sonnet-5-5":
        assert fixed('MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"', "--target", "latest", *DEC) == (
            'MODEL = "us.anthropic.claude-sonnet-5-5"'
        )


def test_haiku_5_5_us_profile_is_unverified_data():
    assert not _model("claude-haiku-5-5").verified("bedrock_regions")


def test_legacy_short_names_are_aliases():
    assert _one('MODEL = "claude-2"') == ("CM101", "Model 'claude-2' was retired on 2025-07-21; use 'claude-opus-4-6'", "safe")
    assert fixed('MODEL = "claude-instant-1"') == 'MODEL = "claude-haiku-4-5"'


def test_bedrock_legacy_ids_get_an_unsafe_fix_keeping_the_form():
    assert _one('MODEL = "anthropic.claude-v2:1"') == (
        "CM102",
        ("Model 'anthropic.claude-v2:1' was retired on the Claude API on 2025-07-21; Amazon Bedrock sets its own date; "
        "use 'anthropic.claude-opus-4-6-v1'"),
        "unsafe",
    )
    assert fixed('MODEL = "anthropic.claude-v1"', "--unsafe-fixes") == 'MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0"'


def test_arn_fix_replaces_only_the_model_part():
    profile = 'MODEL = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0"'
    assert _one(profile)[2] == "safe"
    assert fixed(profile) == 'MODEL = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-6"'
    foundation = 'MODEL = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"'
    assert _one(foundation) == (
        "CM101",
        ("Model 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0' was retired on "
        "2026-10-14; use 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-6'"),
        "unsafe",
    )
    # The successor has no profile of that region: no fix.
    apac = 'MODEL = "arn:aws:bedrock:ap-south-1:123456789012:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0"'
    assert _one(apac)[1:] == (
        ("Model 'arn:aws:bedrock:ap-south-1:123456789012:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0' "
        "was retired on 2026-10-14; its successor Claude Sonnet 4.6 has no Bedrock 'apac.' ID"),
        None,
    )


def test_a_context_length_suffix_is_recognised_but_not_fixed_without_a_variant():
    assert _one('MODEL = "anthropic.claude-3-sonnet-20240229-v1:0:28k"') == (
        "CM102",
        ("Model 'anthropic.claude-3-sonnet-20240229-v1:0:28k' was retired on the Claude API on 2025-07-21; Amazon "
        "Bedrock sets its own date; its successor Claude Sonnet 4.6 has no Bedrock ID with the context-length suffix ':28k'"),
        None,
    )
    assert _model("claude-3-sonnet-20240229").bedrock_context == ("28k", "200k")


# -- 9.3 request facts ----------------------------------------------------------------------------


def test_top_p_0_99_is_the_default_on_defaults_only_models():
    for model_id in ("claude-opus-4-7", "claude-fable-5-1", "claude-haiku-5-5"):
        source = f'client.messages.create(model="{model_id}", top_p=0.99, temperature=1.0, messages=[])\n'
        assert [f.code for f in findings(source, *DEC)] == [], model_id
    reported = findings('client.messages.create(model="claude-opus-4-7", top_p=0.9, messages=[])\n', *DEC)
    assert [(f.code, f.column) for f in reported] == [("CM602", 49)]


@pytest.mark.parametrize(
    "flag",
    ["compact-2026-09-04", "mcp-client-2026-09-15", "thinking-binding-controls-2026-08-01",
     "inline-tools-2026-09-15", "mid-conversation-output-config-2026-07-01"],
)
def test_sdk_only_and_new_documented_flags_are_known_and_never_obsolete(flag):
    assert catalog.knows_beta(flag) and flag not in catalog.betas
    source = f'client.beta.messages.create(model="claude-opus-5-5", betas=["{flag}"], max_tokens=9, messages=[])\n'
    assert findings(source, *DEC) == []


def test_known_flags_and_judged_flags_do_not_overlap():
    data = tomllib.loads(CATALOG_FILE.read_text("utf-8"))["known_betas"]
    assert data["documented_source"] and data["sdk_only_source"]
    assert len(data["sdk_only"]) == 19 and not set(data["documented"]) & set(data["sdk_only"])
    assert not catalog.known_betas & set(catalog.betas)


def test_disabled_thinking_facts():
    rejects = {m.id for m in catalog.models if m.rejects_disabled_thinking(None)}
    assert rejects == {
        "claude-mythos-preview", "claude-fable-5", "claude-mythos-5", "claude-fable-5-1", "claude-opus-5-5",
        "claude-sonnet-5-5",
    }
    opus5, haiku, opus47 = _model("claude-opus-5"), _model("claude-haiku-5-5"), _model("claude-opus-4-7")
    assert [opus5.rejects_disabled_thinking(e) for e in ("high", "xhigh", "max")] == [False, True, True]
    assert not haiku.rejects_disabled_thinking("max") and haiku.rejects_disabled_thinking("max", preview=True)
    assert not haiku.rejects_disabled_thinking("high", preview=True)
    assert not opus47.rejects_disabled_thinking(None) and opus47.rejects_disabled_thinking(None, preview=True)
    assert _model("claude-sonnet-5-5").thinking_mode("between_tools", "xhigh") == "rejected"
    assert _model("claude-sonnet-5-5").thinking_mode("between_tools", "high") == "accepted"
