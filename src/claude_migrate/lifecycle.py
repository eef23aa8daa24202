"""The verdict on one model ID: retired, deprecated or outdated, and what it should become.

Shared by the model-ID rules (which report it) and by request sites (which judge a request
against the model it will hit after the model ID's fix).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from claude_migrate.catalog import Catalog, Model, ModelRef, deprecation_counts
from claude_migrate.settings import Settings

FORM_NAMES = {
    "pinned": "pinned API",
    "alias": "alias",
    "bedrock": "Bedrock",
    "bedrock_mantle": "Bedrock",
    "vertex": "Vertex AI",
}
#: Partners that set their own lifecycle dates for their IDs, as messages name them.
PARTNERS = {"bedrock": "Amazon Bedrock", "vertex": "Google Cloud (Vertex AI)"}


@dataclass(frozen=True)
class Verdict:
    state: str  # retired | deprecated | outdated
    message: str
    new_id: str | None  # None: no fix
    safe: bool
    successor: Model | None
    problem: str = ""  # the message without its advice: what is wrong with the model

    def without_fix(self, reason: str) -> Verdict:
        """The same finding, reported with ``reason`` instead of a successor to move to."""
        return replace(self, message=f"{self.problem}; {reason}", new_id=None, successor=None)


def judge(ref: ModelRef, matching: bool, settings: Settings, catalog: Catalog) -> Verdict | None:
    model = ref.model
    today = settings.today
    quoted = f"Model '{ref.text}'"
    state, problem = _lifecycle_state(ref, today)
    if problem:
        problem = f"{quoted} {problem}"

    successor = _successor(model, settings, catalog)
    family = model.successor_family.capitalize()
    if state == "outdated":
        if successor is None or successor == model:
            return None
        problem = f"{quoted} is outdated: {successor.name} is the newest {family} model at or below --target {settings.target}"
    if successor is None or successor == model:
        reason = f"no newer {family} model at or below --target {settings.target} is available on {today}"
        return Verdict(state, f"{problem}; {reason}", None, False, None, problem)

    override = settings.successor_override(ref.text)
    new_id = override or catalog.ids_of_form(successor, ref)
    if new_id is None:
        form = FORM_NAMES[ref.form] + (f" '{ref.region}.'" if ref.region else "")
        reason = f"its successor {successor.name} has no {form} ID"
        if ref.suffix:
            reason += f" with the context-length suffix '{ref.suffix}'"
        return Verdict(state, f"{problem}; {reason}", None, False, successor, problem)
    # A bare Bedrock ID may need an inference profile on newer models: only the user can choose.
    bare_bedrock = ref.form.startswith("bedrock") and not ref.region
    return Verdict(state, f"{problem}; use '{new_id}'", new_id, not (matching or bare_bedrock), successor, problem)


def _lifecycle_state(ref: ModelRef, today: dt.date) -> tuple[str, str]:
    """("retired" or "deprecated", what is wrong with the model), or ("outdated", "").
    A retirement the catalog marks unconfirmed is reported as a deprecation."""
    model = ref.model
    partner = PARTNERS.get(ref.platform or "")
    dates = model.partner_dates(ref.platform) if partner else None
    if partner and dates is None:
        # The partner sets its own dates and the catalog has none: the Claude API's retirement
        # is reported as the API's, and its deprecation says nothing about the partner.
        retired = model.retired
        if retired is None or retired > today:
            return "outdated", ""
        if model.verified("retired"):
            return "deprecated", f"was retired on the Claude API on {retired}; {partner} sets its own date"
        return "deprecated", f"was due to retire on the Claude API on {retired} (unconfirmed); {partner} sets its own date"
    deprecated, retired, unverified = dates or (model.deprecated, model.retired, model.unverified)
    sure = "retired" not in unverified
    if retired and retired <= today:
        return ("retired", f"was retired on {retired}") if sure else ("deprecated", f"was due to retire on {retired} (unconfirmed)")
    if not deprecation_counts(deprecated, retired, unverified, today):
        return "outdated", ""
    if retired is None:
        return "deprecated", "is deprecated"
    if sure:
        return "deprecated", f"is deprecated and retires on {retired}"
    return "deprecated", f"is deprecated (end of life {retired} is unconfirmed)"


def _successor(model: Model, settings: Settings, catalog: Catalog) -> Model | None:
    override = settings.successor_override(model.id)
    if override:
        ref = catalog.parse(override)
        if ref is not None:
            return ref.model
    return catalog.successor(model, settings.target, settings.today)


def status(model: Model, today: dt.date) -> str:
    """The model's state on the Claude API on ``today``, for `claude-migrate models`:
    unreleased, retired, retired? (an unconfirmed date has passed), deprecated, legacy or active."""
    if not model.is_released(today):
        return "unreleased"
    if model.retired and model.retired <= today:
        return "retired" if model.verified("retired") else "retired?"
    if model.is_deprecated(today):
        return "deprecated"
    return "legacy" if model.legacy else "active"
