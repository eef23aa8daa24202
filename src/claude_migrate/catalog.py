"""The model catalog: loads ``data/catalog.toml`` and answers questions about model IDs.

Everything version-specific lives in the data file; this module only knows the *shapes* of IDs
(provider prefixes, Bedrock region prefixes) and how a successor is chosen.
"""

from __future__ import annotations

import datetime as dt
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
    #: Request facts (see ``[facts.*]`` in the data): prefill, sampling, forced_tool_choice.
    requests: dict = field(hash=False, compare=False, default_factory=dict)
    unverified: frozenset[str] = frozenset()
    source: str = ""

    @property
    def gen(self) -> tuple[int, ...]:
        return generation_key(self.generation)

    def verified(self, fact: str) -> bool:
        return fact not in self.unverified

    def lifecycle(self, platform: str | None = None) -> tuple[dt.date | None, dt.date | None, frozenset[str]]:
        """(deprecated, retired, unverified) for the API, or a partner platform's own dates."""
        own = self.platforms.get(platform) if platform else None
        if own:
            return (
                own.get("deprecated", self.deprecated),
                own.get("retired", self.retired),
                frozenset(own.get("unverified", ())),
            )
        return self.deprecated, self.retired, self.unverified

    def is_retired(self, today: dt.date) -> bool:
        return self.retired is not None and self.retired <= today and self.verified("retired")

    def is_released(self, today: dt.date) -> bool:
        return self.released is None or self.released <= today

    def fact(self, name: str, preview: bool = False) -> str | None:
        """A request fact's value; None when the data marks it unverified (3P or '?') and
        ``--preview`` is off, so that no rule fails a build on it alone."""
        if name in self.unverified and not preview:
            return None
        return self.requests[name]

    def thinking_mode(self, mode: str) -> str:
        """'accepted', 'deprecated' or 'rejected' for a thinking type on this model."""
        return self.thinking.get(mode, "rejected")

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


@dataclass(frozen=True)
class ModelRef:
    """A model ID as written in source, split into its parts so a successor can keep the form."""

    text: str
    model: Model
    form: str  # pinned | alias | bedrock | bedrock_mantle | vertex
    provider_prefix: str = ""
    region: str = ""  # Bedrock cross-region prefix without the dot

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
        region = ""
        head, dot, tail = rest.partition(".")
        if dot and head in BEDROCK_REGIONS and tail.startswith("anthropic."):
            region, rest = head, tail
        found = self._forms.get(rest)
        if found is None:
            return None
        model, form = found
        if region and not form.startswith("bedrock"):
            return None
        return ModelRef(text=text, model=model, form=form, provider_prefix=prefix, region=region)

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
        if ref.region:
            if ref.region not in successor.bedrock_regions:
                return None
            new = f"{ref.region}.{new}"
        return ref.provider_prefix + new

    def tokens(self) -> Iterable[str]:
        """Byte strings whose absence proves a file cannot hold a catalog ID or beta flag."""
        return ["claude", *self.betas]


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
        requests={name: row[name] for name in REQUEST_FACTS},
        unverified=frozenset(row.get("unverified", ())),
        source=row["source"],
    )


#: The data file, beside this module in every install (a wheel or an editable checkout).
CATALOG_FILE = Path(__file__).parent / "data" / "catalog.toml"


@lru_cache(maxsize=1)
def load() -> Catalog:
    return Catalog(tomllib.loads(CATALOG_FILE.read_text("utf-8")))
