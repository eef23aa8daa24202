"""The verdict on one model ID: retired, deprecated or outdated, and what it should become.

Shared by the CM1xx rules (which report it) and by request sites (which judge a request against
the model it will hit after the CM1xx fix).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from claude_migrate.catalog import Catalog, Model, ModelRef
from claude_migrate.settings import Settings

FORM_NAMES = {
    "pinned": "pinned API",
    "alias": "alias",
    "bedrock": "Bedrock",
    "bedrock_mantle": "Bedrock",
    "vertex": "Vertex AI",
}


@dataclass(frozen=True)
class Verdict:
    code: str  # CM101 | CM102 | CM103
    message: str
    new_id: str | None  # None: no fix
    safe: bool
    successor: Model | None
    state: str = ""  # the message without its advice: what is wrong with the model

    def without_fix(self, reason: str) -> Verdict:
        """The same finding, reported with ``reason`` instead of a successor to move to."""
        return replace(self, message=f"{self.state}; {reason}", new_id=None, successor=None)


def judge(ref: ModelRef, matching: bool, settings: Settings, catalog: Catalog) -> Verdict | None:
    model = ref.model
    today = settings.today
    deprecated, retired, unverified = model.lifecycle(ref.platform)
    quoted = f"Model '{ref.text}'"
    if retired and retired <= today and "retired" not in unverified:
        code, state = "CM101", f"{quoted} was retired on {retired}"
    elif deprecated and deprecated <= today and "deprecated" not in unverified:
        code = "CM102"
        if retired and "retired" not in unverified:
            state = f"{quoted} is deprecated and retires on {retired}"
        elif retired:
            state = f"{quoted} is deprecated (end of life {retired} is unconfirmed)"
        else:
            state = f"{quoted} is deprecated"
    else:
        code, state = "CM103", ""

    successor = _successor(model, settings, catalog)
    family = model.successor_family.capitalize()
    if code == "CM103":
        if successor is None or successor == model:
            return None
        state = f"{quoted} is outdated: {successor.name} is the newest {family} model at or below --target {settings.target}"
    if successor is None or successor == model:
        reason = f"no newer {family} model at or below --target {settings.target} is available on {today}"
        return Verdict(code, f"{state}; {reason}", None, False, None, state)

    override = settings.successor_override(ref.text)
    new_id = override or catalog.ids_of_form(successor, ref)
    if new_id is None:
        form = FORM_NAMES[ref.form] + (f" '{ref.region}.'" if ref.region else "")
        reason = f"its successor {successor.name} has no {form} ID"
        return Verdict(code, f"{state}; {reason}", None, False, successor, state)
    # A bare Bedrock ID may need an inference profile on newer models: only the user can choose.
    bare_bedrock = ref.form.startswith("bedrock") and not ref.region
    return Verdict(code, f"{state}; use '{new_id}'", new_id, not (matching or bare_bedrock), successor, state)


def _successor(model: Model, settings: Settings, catalog: Catalog) -> Model | None:
    override = settings.successor_override(model.id)
    if override:
        ref = catalog.parse(override)
        if ref is not None:
            return ref.model
    return catalog.successor(model, settings.target, settings.today)


def status(model: Model, today) -> str:
    """The model's state on the Claude API on ``today``, for `claude-migrate models`."""
    if not model.is_released(today):
        return "unreleased"
    if model.is_retired(today):
        return "retired"
    if model.deprecated and model.deprecated <= today:
        return "deprecated"
    return "active"
