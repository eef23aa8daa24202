"""The model catalog: loads ``data/catalog.toml`` and answers questions about model IDs.

Everything version-specific lives in the data file; this module only knows the *shapes* of IDs
(provider prefixes, Bedrock ARNs, region prefixes and context-length suffixes) and how a
successor is chosen.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


#: The per-model request facts every model row must carry (``[facts.*]`` explains each).
REQUEST_FACTS = ("prefill", "sampling", "forced_tool_choice")

#: LiteLLM-style routing prefixes that may stand before any ID form; the fix keeps them.
PROVIDER_PREFIXES = ("bedrock/converse/", "bedrock/", "vertex_ai/", "anthropic/")

#: Bedrock cross-region inference-profile prefixes.
BEDROCK_REGIONS = ("global", "us", "eu", "apac", "jp", "au")

#: A Bedrock ARN before its model part: a foundation model (no account) or a system-defined
#: cross-region inference profile (an account, and a region-prefixed ID after the slash).
_BEDROCK_ARN = re.compile(
    r"arn:aws[a-z-]*:bedrock:[a-z0-9-]+:(?P<account>[0-9]{12})?:(?P<kind>foundation-model|inference-profile)/"
)
#: The context-length suffix of a provisioned-throughput Bedrock ID (`…-v1:0:28k`).
_CONTEXT_SUFFIX = re.compile(r":([0-9]+k)")


@lru_cache(maxsize=None)
def generation_key(generation: str) -> tuple[int, ...]:
    return tuple(int(part) for part in generation.split("."))


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    family: str
    generation: str
    successor_family: str
    aliases: tuple[str, ...]
    other_ids: tuple[str, ...]
    released: dt.date | None
    deprecated: dt.date | None
    retired: dt.date | None
    bedrock: tuple[str, ...]
    bedrock_mantle: tuple[str, ...]
    bedrock_regions: tuple[str, ...]
    vertex: tuple[str, ...]
    platforms: dict = field(hash=False, compare=False)
    thinking: dict = field(hash=False, compare=False)
    #: Thinking modes rejected only at some ``output_config.effort`` levels.
    thinking_rejected_at_effort: dict = field(hash=False, compare=False, default_factory=dict)
    bedrock_context: tuple[str, ...] = ()
    legacy: bool = False
    #: Request facts (see ``[facts.*]`` in the data): prefill, sampling, forced_tool_choice.
    requests: dict = field(hash=False, compare=False, default_factory=dict)
    unverified: frozenset[str] = frozenset()
    source: str = ""

    @property
    def gen(self) -> tuple[int, ...]:
        return generation_key(self.generation)

    def verified(self, fact: str) -> bool:
        return fact not in self.unverified

    def partner_dates(self, platform: str) -> tuple[dt.date | None, dt.date | None, frozenset[str]] | None:
        """(deprecated, retired, unverified) set by a partner platform for its IDs; None where
        the catalog knows none (the Claude API's dates are not the partner's)."""
        own = self.platforms.get(platform, {})
        if "deprecated" not in own and "retired" not in own:
            return None
        return own.get("deprecated"), own.get("retired"), frozenset(own.get("unverified", ()))

    def is_retired(self, today: dt.date) -> bool:
        return self.retired is not None and self.retired <= today and self.verified("retired")

    def is_deprecated(self, today: dt.date) -> bool:
        """Deprecated on the Claude API on ``today`` (see ``deprecation_counts``)."""
        return deprecation_counts(self.deprecated, self.retired, self.unverified, today)

    def is_released(self, today: dt.date) -> bool:
        return self.released is None or self.released <= today

    def fact(self, name: str, preview: bool = False) -> str | None:
        """A request fact's value; None when the data marks it unverified (3P or '?') and
        ``--preview`` is off, so that no rule fails a build on it alone."""
        if name in self.unverified and not preview:
            return None
        return self.requests[name]

    def thinking_mode(self, mode: str, effort: str | None = None) -> str:
        """'accepted', 'deprecated' or 'rejected' for a thinking type on this model (at a
        literal ``output_config.effort``; None: unset or not a literal)."""
        if effort in self.thinking_rejected_at_effort.get(mode, ()):
            return "rejected"
        return self.thinking.get(mode, "rejected")

    def rejects_disabled_thinking(self, effort: str | None, preview: bool = False) -> bool:
        """Whether ``thinking={"type": "disabled"}`` is a 400 here. Only an explicit fact counts
        (thinking off is the default of most models), and an unverified one only with --preview."""
        if not preview and not self.verified("thinking.disabled"):
            return False
        if self.thinking.get("disabled") == "rejected":
            return True
        return effort in self.thinking_rejected_at_effort.get("disabled", ())

    def id_of_form(self, form: str) -> str | None:
        """This model's ID in one form: pinned, alias, bedrock, bedrock_mantle or vertex."""
        if form == "pinned":
            return self.id
        if form == "alias":
            # From 4.6 on a model's one dateless ID serves as its alias too.
            return self.aliases[0] if self.aliases else (self.id if self.gen >= (4, 6) else None)
        if form == "bedrock":
            return self.bedrock[0] if self.bedrock else None
        if form == "bedrock_mantle":
            return (self.bedrock_mantle or self.bedrock or (None,))[0]
        if form == "vertex":
            return self.vertex[0] if self.vertex else None
        raise ValueError(form)


def deprecation_counts(
    deprecated: dt.date | None, retired: dt.date | None, unverified: frozenset[str], today: dt.date
) -> bool:
    """Whether a deprecation date has come. An unverified one counts where the retirement
    date is verified: the deprecation is certain then, only its day is not."""
    if deprecated is None or deprecated > today:
        return False
    return "deprecated" not in unverified or (retired is not None and "retired" not in unverified)


@dataclass(frozen=True)
class ModelRef:
    """A model ID as written in source, split into its parts so a successor can keep the form."""

    text: str
    model: Model
    form: str  # pinned | alias | bedrock | bedrock_mantle | vertex
    provider_prefix: str = ""
    region: str = ""  # Bedrock cross-region prefix without the dot
    arn: str = ""  # a Bedrock ARN's part before the model: `arn:aws:bedrock:…:foundation-model/`
    suffix: str = ""  # a Bedrock context-length suffix with its colon: `:28k`

    @property
    def platform(self) -> str | None:
        return "bedrock" if self.form.startswith("bedrock") else "vertex" if self.form == "vertex" else None


@dataclass(frozen=True)
class Beta:
    name: str
    works_on: frozenset[str]
    needs_thinking: str | None
    ga: dt.date | None
    works_until: dt.date | None  # after this day it does nothing on ``works_on`` either
    fix: str
    why: str
    source: str


class Catalog:
    def __init__(self, data: dict):
        self.version: str = data["version"]
        self.models: tuple[Model, ...] = tuple(_model(row) for row in data["models"])
        self.betas: dict[str, Beta] = {
            name: Beta(
                name=name,
                works_on=frozenset(row.get("works_on", ())),
                needs_thinking=row.get("needs_thinking"),
                ga=row.get("ga"),
                works_until=row.get("works_until"),
                fix=row.get("fix", "safe"),
                why=row["why"],
                source=row["source"],
            )
            for name, row in data.get("betas", {}).items()
        }
        known = data.get("known_betas", {})
        #: Live flags no rule reports: documented ones, and ones only the SDK names.
        self.known_betas = frozenset(known.get("documented", ())) | frozenset(known.get("sdk_only", ()))
        self.text_editor: dict = data["text_editor"]
        self.facts: dict[str, dict] = data["facts"]
        self._by_id: dict[str, Model] = {m.id: m for m in self.models}

    @cached_property
    def _forms(self) -> dict[str, tuple[Model, str]]:
        table: dict[str, tuple[Model, str]] = {}
        # Later forms never overwrite earlier ones: a 4.6+ Vertex ID is the API ID, read as pinned.
        for model in self.models:
            for text, form in (
                [(model.id, "pinned")]
                + [(i, "pinned") for i in model.other_ids]
                + [(a, "alias") for a in model.aliases]
                + [(b, "bedrock") for b in model.bedrock]
                + [(b, "bedrock_mantle") for b in model.bedrock_mantle]
                + [(v, "vertex") for v in model.vertex]
            ):
                table.setdefault(text, (model, form))
        return table

    def model(self, model_id: str) -> Model:
        return self._by_id[model_id]

    def parse(self, text: str) -> ModelRef | None:
        """Recognise a whole string as a model ID in any form, or return None."""
        if "claude" not in text:
            return None
        prefix = next((p for p in PROVIDER_PREFIXES if text.startswith(p)), "")
        rest = text[len(prefix):]
        arn = _BEDROCK_ARN.match(rest)
        if arn:
            rest = rest[arn.end():]
        region = ""
        head, dot, tail = rest.partition(".")
        if dot and head in BEDROCK_REGIONS and tail.startswith("anthropic."):
            region, rest = head, tail
        found = self._forms.get(rest)
        suffix = ""
        if found is None:
            base, colon, size = rest.rpartition(":")
            if colon and _CONTEXT_SUFFIX.fullmatch(colon + size):
                found, suffix = self._forms.get(base), colon + size
        if found is None:
            return None
        model, form = found
        if (region and not form.startswith("bedrock")) or ((arn or suffix) and form != "bedrock"):
            return None
        # A foundation-model ARN has no account and names a base ID; an inference-profile ARN
        # has both an account and a region-prefixed ID.
        if arn and not (arn.group("kind") == "inference-profile") == bool(arn.group("account")) == bool(region):
            return None
        return ModelRef(
            text=text, model=model, form=form, provider_prefix=prefix, region=region,
            arn=arn.group(0) if arn else "", suffix=suffix,
        )

    def successor(self, model: Model, target: str, today: dt.date) -> Model | None:
        """The newest model of the family at or below ``target`` that is out and not retired."""
        family = model.successor_family
        limit = None if target == "latest" else generation_key(target)
        candidates = [
            m
            for m in self.models
            if m.family == family
            and (limit is None or m.gen <= limit)
            and m.is_released(today)
            and not m.is_retired(today)
        ]
        if not candidates:
            return None
        best = max(candidates, key=lambda m: (m.gen, m.released or dt.date.min))
        # Never downgrade: a model newer than the best candidate stays where it is.
        return best if (best.gen, best.released or dt.date.min) > (model.gen, model.released or dt.date.min) else model

    def models_of_generation(self, target: str) -> tuple[Model, ...]:
        """The models a request of unknown model is assumed to hit under ``target``."""
        gens = sorted({m.gen for m in self.models})
        want = gens[-1] if target == "latest" else generation_key(target)
        return tuple(m for m in self.models if m.gen == want and m.family != "mythos")

    def ids_of_form(self, successor: Model, ref: ModelRef) -> str | None:
        """The successor's ID in the form of ``ref``, with its prefixes; None if it has none."""
        new = successor.id_of_form(ref.form)
        if new is None:
            return None
        if ref.suffix:
            if ref.suffix[1:] not in successor.bedrock_context:
                return None
            new += ref.suffix
        if ref.region:
            if ref.region not in successor.bedrock_regions:
                return None
            new = f"{ref.region}.{new}"
        return ref.provider_prefix + ref.arn + new

    def tokens(self) -> Iterable[str]:
        """Byte strings whose absence proves a file cannot hold a catalog ID or beta flag."""
        return ["claude", *self.betas]

    def knows_beta(self, name: str) -> bool:
        return name in self.betas or name in self.known_betas


def _model(row: dict) -> Model:
    return Model(
        id=row["id"],
        name=row["name"],
        family=row["family"],
        generation=row["generation"],
        successor_family=row.get("successor_family", row["family"]),
        aliases=tuple(row.get("aliases", ())),
        other_ids=tuple(row.get("other_ids", ())),
        released=row.get("released"),
        deprecated=row.get("deprecated"),
        retired=row.get("retired"),
        bedrock=tuple(row.get("bedrock", ())),
        bedrock_mantle=tuple(row.get("bedrock_mantle", ())),
        bedrock_regions=tuple(row.get("bedrock_regions", ())),
        vertex=tuple(row.get("vertex", ())),
        platforms=dict(row.get("platform", {})),
        thinking=dict(row.get("thinking", {})),
        thinking_rejected_at_effort=dict(row.get("thinking_rejected_at_effort", {})),
        bedrock_context=tuple(row.get("bedrock_context", ())),
        legacy=row.get("legacy", False),
        requests={name: row[name] for name in REQUEST_FACTS},
        unverified=frozenset(row.get("unverified", ())),
        source=row["source"],
    )


#: The data file, beside this module in every install (a wheel or an editable checkout).
CATALOG_FILE = Path(__file__).parent / "data" / "catalog.toml"


@lru_cache(maxsize=1)
def load() -> Catalog:
    return Catalog(tomllib.loads(CATALOG_FILE.read_text("utf-8")))
