"""The model catalog: ``data/catalog.toml`` (and a project's own catalog file), typed and
validated at load, and the questions the rules ask of it about model IDs.

Everything version-specific lives in the data file; this module only knows the *shapes* of IDs
(provider prefixes, Bedrock ARNs, region prefixes and context-length suffixes), the vocabulary
of the schema (thinking modes, effort levels), and how a successor is chosen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


#: LiteLLM-style routing prefixes that may stand before any ID form; the fix keeps them.
PROVIDER_PREFIXES = ("bedrock/converse/", "bedrock/", "vertex_ai/", "anthropic/")

#: Bedrock cross-region inference-profile prefixes.
BEDROCK_REGIONS = ("global", "us", "eu", "apac", "jp", "au")

#: Partner platforms that may set their own lifecycle dates (``platform.<name>`` of a model).
PARTNER_PLATFORMS = ("bedrock", "vertex")

#: The schema's vocabulary of thinking: ``thinking.type`` values, their states, effort levels.
THINKING_MODES = ("enabled", "adaptive", "disabled", "between_tools")
THINKING_STATES = ("accepted", "deprecated", "rejected")
EFFORTS = ("low", "medium", "high", "xhigh", "max")

#: What a model's ``unverified`` list may name besides its request facts: fields, and the
#: disabled-thinking facts.
_UNVERIFIABLE_FIELDS = (
    "released", "deprecated", "retired", "bedrock", "bedrock_regions", "vertex", "generation",
    "thinking.disabled",
)

#: A Bedrock ARN before its model part: a foundation model (no account) or a system-defined
#: cross-region inference profile (an account, and a region-prefixed ID after the slash).
_BEDROCK_ARN = re.compile(
    r"arn:aws[a-z-]*:bedrock:[a-z0-9-]+:(?P<account>[0-9]{12})?:(?P<kind>foundation-model|inference-profile)/"
)
#: The context-length suffix of a provisioned-throughput Bedrock ID (`…-v1:0:28k`).
_CONTEXT_SUFFIX = re.compile(r":([0-9]+k)")
_GENERATION = re.compile(r"[0-9]+(\.[0-9]+)*")


class CatalogError(Exception):
    """A catalog file that cannot be read or does not fit the schema. The message is one line
    that names the file, the row (a model's ID, a beta flag, a table) and the key."""


@lru_cache(maxsize=None)
def generation_key(generation: str) -> tuple[int, ...]:
    return tuple(int(part) for part in generation.split("."))


@dataclass(frozen=True)
class PartnerLifecycle:
    """A partner platform's own dates for its IDs of a model (``platform.<name>``)."""

    source: str
    released: dt.date | None = None
    deprecated: dt.date | None = None
    retired: dt.date | None = None
    #: An "end of life no sooner than" date: informative only.
    not_retired_before: dt.date | None = None
    unverified: frozenset[str] = frozenset()

    def verified(self, fact: str) -> bool:
        return fact not in self.unverified


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
    platforms: Mapping[str, PartnerLifecycle] = field(hash=False, compare=False)
    thinking: Mapping[str, str] = field(hash=False, compare=False)
    #: Thinking modes rejected only at some ``output_config.effort`` levels.
    thinking_rejected_at_effort: Mapping[str, tuple[str, ...]] = field(hash=False, compare=False)
    #: Every request fact's value (``[facts.*]`` in the data), a row's own or the fact's default.
    requests: Mapping[str, str] = field(hash=False, compare=False)
    bedrock_context: tuple[str, ...] = ()
    legacy: bool = False
    #: Access is restricted: a request of unknown model is never assumed to hit it.
    gated: bool = False
    #: The model the documentation (or the SDK, or 3P: see source) suggests instead.
    replacement: str | None = None
    #: The pinned ID is dateless and serves as the alias too (``dateless_ids_from``).
    id_is_alias: bool = False
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
        own = self.platforms.get(platform)
        if own is None or (own.deprecated is None and own.retired is None):
            return None
        return own.deprecated, own.retired, own.unverified

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
            return self.aliases[0] if self.aliases else (self.id if self.id_is_alias else None)
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


@dataclass(frozen=True)
class RequestFact:
    """A per-model request fact (``[facts.<name>]``): what it means and what each value means."""

    name: str
    meaning: str
    source: str
    values: Mapping[str, str]  # each value a model row may hold -> what it means
    default: str | None = None  # the value of a model row that does not give one
    #: The API's defaults of the request parameters the fact is about (sampling only).
    defaults: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ThinkingSampling:
    """``[facts.thinking_sampling]``: sampling parameters with thinking on."""

    meaning: str
    incompatible_with_manual_thinking: tuple[str, ...]
    top_p_range: tuple[float, float]
    source: str


@dataclass(frozen=True)
class TextEditor:
    """``[text_editor]``: the legacy versions of the text editor tool and the current one."""

    legacy_types: tuple[str, ...]
    legacy_name: str
    current_type: str
    current_name: str
    removed_commands: tuple[str, ...]
    changed_in: str  # the models that reject the legacy versions, as messages name them
    source: str


@dataclass(frozen=True)
class Thinking:
    """``[thinking]``: what holds for thinking on every model."""

    min_budget: int
    interleaved_beta: str  # a flag of ``[betas]``
    source: str


@dataclass(frozen=True)
class StopReasons:
    """``[stop_reasons]``: the Messages API's stop reasons."""

    values: tuple[str, ...]  # the ones a dispatch tells apart
    refusal: str
    other: tuple[str, ...]  # Anthropic's too, but no dispatch needs to handle them
    refusal_since: str  # the models that return ``refusal``, as messages name them
    source: str

    @property
    def anthropic(self) -> frozenset[str]:
        """Every stop reason of Anthropic's."""
        return frozenset((*self.values, self.refusal, *self.other))


# -- the schema -----------------------------------------------------------------------------------


class _Bad(ValueError):
    """A value that does not fit the schema; ``_row`` adds the file and the row."""


@contextmanager
def _row(file: Path, where: str = ""):
    """Checks of one row (or table) of ``file``: a misfit becomes a one-line CatalogError."""
    try:
        yield
    except _Bad as bad:
        raise CatalogError(f"{file}: {where + ': ' if where else ''}{bad}") from None


_REQUIRED = object()
#: A converter takes a value and its key (as the file spells it) and returns the typed value.
Converter = Callable[[object, str], object]
_EMPTY: Mapping = MappingProxyType({})


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value, key):
    if isinstance(value, str) and value.strip():
        return value
    raise _Bad(f"`{key}` must be a non-empty string, not {_shown(value)}")


def _generation(value, key):
    if isinstance(value, str) and _GENERATION.fullmatch(value):
        return value
    raise _Bad(f'`{key}` must be a generation such as "4.6" (a string), not {_shown(value)}')


def _date(value, key):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise _Bad(f"`{key}` must be a date (YYYY-MM-DD, unquoted), not {_shown(value)}")


def _flag(value, key):
    if isinstance(value, bool):
        return value
    raise _Bad(f"`{key}` must be true or false, not {_shown(value)}")


def _number(value, key):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise _Bad(f"`{key}` must be a number, not {_shown(value)}")


def _texts(value, key):
    if isinstance(value, list):
        return tuple(_text(item, key) for item in value)
    raise _Bad(f"`{key}` must be a list of strings, not {_shown(value)}")


def _table(value, key) -> dict:
    if isinstance(value, dict):
        return value
    if value is None:  # TOML has no null: the table is absent
        raise _Bad(f"missing required table `{key}`")
    raise _Bad(f"`{key}` must be a table, not {_shown(value)}")


def _rows(value, key) -> list:
    if isinstance(value, list) and all(isinstance(row, dict) for row in value):
        return value
    raise _Bad(f"`{key}` must be [[{key}]] rows, not {_shown(value)}")


def _one_of(*choices: str) -> Converter:
    def convert(value, key):
        if isinstance(value, str) and value in choices:
            return value
        raise _Bad(f"`{key}` must be one of {', '.join(choices)}, not {_shown(value)}")

    return convert


def _some_of(*choices: str) -> Converter:
    def convert(value, key):
        items = _texts(value, key)
        wrong = next((item for item in items if item not in choices), None)
        if wrong is not None:
            raise _Bad(f"`{key}` may hold only {', '.join(choices)}, not {_shown(wrong)}")
        return items

    return convert


def _sizes(value, key):
    """Context-length suffixes without their colon: ``28k``."""
    items = _texts(value, key)
    wrong = next((item for item in items if not _CONTEXT_SUFFIX.fullmatch(":" + item)), None)
    if wrong is not None:
        raise _Bad(f"`{key}` must hold sizes such as \"28k\", not {_shown(wrong)}")
    return items


def _count(value, key):
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise _Bad(f"`{key}` must be a positive integer, not {_shown(value)}")


def _pair(value, key):
    if isinstance(value, list) and len(value) == 2:
        return tuple(_number(item, key) for item in value)
    raise _Bad(f"`{key}` must be a list of two numbers, not {_shown(value)}")


def _table_of(keys: tuple[str, ...], convert: Converter) -> Converter:
    """A table whose keys are some of ``keys``, each value converted alike."""

    def table(value, key):
        out = {}
        for name, item in _table(value, key).items():
            if name not in keys:
                raise _Bad(f"unknown key `{key}.{name}` (not one of {', '.join(keys)})")
            out[name] = convert(item, f"{key}.{name}")
        return MappingProxyType(out)

    return table


def _fields(row: dict, schema: Mapping[str, tuple[Converter, object]], prefix: str = "") -> dict:
    """The row's values, converted, with the schema's defaults for the keys it leaves out."""
    unknown = next((key for key in row if key not in schema), None)
    if unknown is not None:
        raise _Bad(f"unknown key `{prefix}{unknown}`")
    missing = [f"`{prefix}{key}`" for key, (_, default) in schema.items() if default is _REQUIRED and key not in row]
    if missing:
        raise _Bad(f"missing required key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return {key: convert(row[key], prefix + key) if key in row else default for key, (convert, default) in schema.items()}


def _partner(value, key) -> PartnerLifecycle:
    values = _fields(_table(value, key), _PARTNER, key + ".")
    return PartnerLifecycle(**{**values, "unverified": frozenset(values["unverified"])})


_PARTNER = {
    "source": (_text, _REQUIRED),
    "released": (_date, None),
    "deprecated": (_date, None),
    "retired": (_date, None),
    "not_retired_before": (_date, None),
    "unverified": (_some_of("released", "deprecated", "retired"), ()),
}

#: A ``[[models]]`` row but its request facts, whose values and defaults are ``[facts.*]``'s
#: (its ``unverified`` list may name them too: see ``Catalog._model``).
_MODEL = {
    "id": (_text, _REQUIRED),
    "name": (_text, _REQUIRED),
    "family": (_text, _REQUIRED),
    "successor_family": (_text, None),  # None: the family itself
    "generation": (_generation, _REQUIRED),
    "aliases": (_texts, ()),
    "other_ids": (_texts, ()),
    "released": (_date, None),
    "deprecated": (_date, None),
    "retired": (_date, None),
    "legacy": (_flag, False),
    "gated": (_flag, False),
    "replacement": (_text, None),
    "bedrock": (_texts, ()),
    "bedrock_mantle": (_texts, ()),
    "bedrock_regions": (_some_of(*BEDROCK_REGIONS), ()),
    "bedrock_context": (_sizes, ()),
    "vertex": (_texts, ()),
    "platform": (_table_of(PARTNER_PLATFORMS, _partner), _EMPTY),
    "unverified": (_some_of(*_UNVERIFIABLE_FIELDS), ()),
    "thinking": (_table_of(THINKING_MODES, _one_of(*THINKING_STATES)), _EMPTY),
    "thinking_rejected_at_effort": (_table_of(THINKING_MODES, _some_of(*EFFORTS)), _EMPTY),
    "source": (_text, _REQUIRED),
}

_BETA = {
    "works_on": (_texts, ()),
    "needs_thinking": (_one_of(*THINKING_MODES), None),
    "ga": (_date, None),
    "works_until": (_date, None),
    "fix": (_one_of("safe", "unsafe"), "safe"),
    "why": (_text, _REQUIRED),
    "source": (_text, _REQUIRED),
}

_KNOWN_BETAS = {
    "documented": (_texts, ()),
    "documented_source": (_text, _REQUIRED),
    "sdk_only": (_texts, ()),
    "sdk_only_source": (_text, _REQUIRED),
}

#: The keys of a request fact's table other than the values it describes.
_REQUEST_FACT = {
    "meaning": (_text, _REQUIRED),
    "source": (_text, _REQUIRED),
    "default": (_text, None),
    "defaults": (_table_of(("temperature", "top_p", "top_k"), _number), _EMPTY),
}

_THINKING_SAMPLING = {
    "meaning": (_text, _REQUIRED),
    "incompatible_with_manual_thinking": (_texts, _REQUIRED),
    "top_p_range": (_pair, _REQUIRED),
    "source": (_text, _REQUIRED),
}

_TEXT_EDITOR = {
    "legacy_types": (_texts, _REQUIRED),
    "legacy_name": (_text, _REQUIRED),
    "current_type": (_text, _REQUIRED),
    "current_name": (_text, _REQUIRED),
    "removed_commands": (_texts, _REQUIRED),
    "changed_in": (_text, _REQUIRED),
    "source": (_text, _REQUIRED),
}

_THINKING = {
    "min_budget": (_count, _REQUIRED),
    "interleaved_beta": (_text, _REQUIRED),
    "source": (_text, _REQUIRED),
}

_STOP_REASONS = {
    "values": (_texts, _REQUIRED),
    "refusal": (_text, _REQUIRED),
    "other": (_texts, ()),
    "refusal_since": (_text, _REQUIRED),
    "source": (_text, _REQUIRED),
}

_TOP = {
    "version": (_text, _REQUIRED),
    "targets_from": (_generation, _REQUIRED),
    "dateless_ids_from": (_generation, _REQUIRED),
    "models": (_rows, _REQUIRED),
    "betas": (_table, _EMPTY),
    "known_betas": (_table, _REQUIRED),
    "facts": (_table, _REQUIRED),
    "text_editor": (_table, _REQUIRED),
    "thinking": (_table, _REQUIRED),
    "stop_reasons": (_table, _REQUIRED),
}
#: What a project's catalog file may hold: rows that add or correct models and beta flags.
_USER_TOP = {"models": (_rows, ()), "betas": (_table, _EMPTY)}


def _request_fact(name: str, table: dict) -> RequestFact:
    """``[facts.<name>]``: its own keys, and one description per value a model may hold."""
    described = {key: value for key, value in table.items() if key not in _REQUEST_FACT}
    own = _fields({key: value for key, value in table.items() if key in _REQUEST_FACT}, _REQUEST_FACT)
    values = {value: _text(text, value) for value, text in described.items()}
    if own["default"] is not None:
        _one_of(*values)(own["default"], "default")
    return RequestFact(name, own["meaning"], own["source"], MappingProxyType(values), own["default"], own["defaults"])


def _check_dates(values: dict) -> None:
    present = [key for key in ("released", "deprecated", "retired") if values[key] is not None]
    for early, late in itertools.pairwise(present):
        if values[early] > values[late]:
            raise _Bad(f"`{early}` {values[early]} is after `{late}` {values[late]}")


# -- the catalog ----------------------------------------------------------------------------------


class Catalog:
    """The built-in catalog's ``data`` (read from ``file``), with a project's catalog merged in
    (``extra``: its data and file). Raises CatalogError on anything that does not fit."""

    def __init__(self, data: dict, file: Path | None = None, extra: tuple[dict, Path] | None = None, digest: str = ""):
        file = file or CATALOG_FILE
        with _row(file):
            top = _fields(data, _TOP)
            facts = top["facts"]
        self.version: str = top["version"]
        #: The project's catalog file merged in, if any.
        self.user_file: Path | None = extra[1] if extra else None
        #: A hash of the catalog files' bytes: what a cache of results is keyed on.
        self.digest = digest
        self._targets_from = generation_key(top["targets_from"])
        self._dateless_from = generation_key(top["dateless_ids_from"])
        #: The per-model request facts: the built-in data's, and any other ``[facts.*]`` table
        #: that describes values.
        self.request_facts: dict[str, RequestFact] = {}
        for name in dict.fromkeys([*_request_fact_names(), *facts]):
            if name == "thinking_sampling":
                continue
            with _row(file, f"[facts.{name}]"):
                self.request_facts[name] = _request_fact(name, _table(facts.get(name), f"facts.{name}"))
        #: What a model's ``unverified`` list may name.
        self.unverifiable = (*_UNVERIFIABLE_FIELDS, *self.request_facts)
        with _row(file, "[facts.thinking_sampling]"):
            table = _table(facts.get("thinking_sampling"), "facts.thinking_sampling")
            self.thinking_sampling = ThinkingSampling(**_fields(table, _THINKING_SAMPLING))
        with _row(file, "[text_editor]"):
            self.text_editor = TextEditor(**_fields(top["text_editor"], _TEXT_EDITOR))
        with _row(file, "[thinking]"):
            self.thinking = Thinking(**_fields(top["thinking"], _THINKING))
        with _row(file, "[stop_reasons]"):
            self.stop_reasons = StopReasons(**_fields(top["stop_reasons"], _STOP_REASONS))
        with _row(file, "[known_betas]"):
            known = _fields(top["known_betas"], _KNOWN_BETAS)
        #: Live flags no rule reports: documented ones, and ones only the SDK names.
        self.known_betas = frozenset(known["documented"]) | frozenset(known["sdk_only"])

        models = [(row, file) for row in top["models"]]
        betas = {name: (table, file) for name, table in top["betas"].items()}
        if extra:
            _merge(models, betas, *extra)
        self.models: tuple[Model, ...] = tuple(self._model(row, where, n) for n, (row, where) in enumerate(models, 1))
        self._by_id: dict[str, Model] = {model.id: model for model in self.models}
        self._check_ids([where for _, where in models])
        self.betas: dict[str, Beta] = {name: self._beta(name, *betas[name]) for name in betas}
        with _row(file, "[thinking]"):
            if self.thinking.interleaved_beta not in self.betas:
                raise _Bad(f"`interleaved_beta` {self.thinking.interleaved_beta!r} is not a flag of [betas]")

    # -- loading ---------------------------------------------------------------------------------
    def _model(self, row: dict, file: Path, n: int) -> Model:
        label = f"model {row['id']!r}" if isinstance(row.get("id"), str) else f"[[models]] row {n}"
        facts = {
            name: (_one_of(*fact.values), _REQUIRED if fact.default is None else fact.default)
            for name, fact in self.request_facts.items()
        }
        with _row(file, label):
            values = _fields(row, {**_MODEL, "unverified": (_some_of(*self.unverifiable), ()), **facts})
            _check_dates(values)
            if values["replacement"] is not None and values["replacement"] == values["id"]:
                raise _Bad("`replacement` names the model itself")
        return Model(
            id=values["id"],
            name=values["name"],
            family=values["family"],
            generation=values["generation"],
            successor_family=values["successor_family"] or values["family"],
            aliases=values["aliases"],
            other_ids=values["other_ids"],
            released=values["released"],
            deprecated=values["deprecated"],
            retired=values["retired"],
            bedrock=values["bedrock"],
            bedrock_mantle=values["bedrock_mantle"],
            bedrock_regions=values["bedrock_regions"],
            vertex=values["vertex"],
            platforms=values["platform"],
            thinking=values["thinking"],
            thinking_rejected_at_effort=values["thinking_rejected_at_effort"],
            bedrock_context=values["bedrock_context"],
            legacy=values["legacy"],
            gated=values["gated"],
            replacement=values["replacement"],
            id_is_alias=generation_key(values["generation"]) >= self._dateless_from,
            requests=MappingProxyType({name: values[name] for name in self.request_facts}),
            unverified=frozenset(values["unverified"]),
            source=values["source"],
        )

    def _check_ids(self, files: list[Path]) -> None:
        """What no row can check alone: each ID names one model; the families and replacements
        that rows name exist."""
        owner: dict[str, tuple[Model, Path]] = {}
        families = {model.family for model in self.models}
        for model, file in zip(self.models, files):
            for key in ("id", "other_ids", "aliases", "bedrock", "bedrock_mantle"):
                for text in (model.id,) if key == "id" else getattr(model, key):
                    first, first_file = owner.setdefault(text, (model, file))
                    if first is not model:
                        # Name the project's file where either row comes from it: the fix is there.
                        where = first_file if first_file == self.user_file else file
                        raise CatalogError(
                            f"{where}: model {model.id!r}: `{key}` {text!r} is already an ID of model {first.id!r}"
                        )
            with _row(file, f"model {model.id!r}"):
                if model.successor_family not in families:
                    raise _Bad(f"`successor_family` {model.successor_family!r} is no model's family")
                if model.replacement is not None and model.replacement not in self._by_id:
                    raise _Bad(f"`replacement` {model.replacement!r} is not a model's `id`")

    def _beta(self, name: str, table: dict, file: Path) -> Beta:
        with _row(file, f"beta {name!r}"):
            values = _fields(_table(table, f"betas.{name}"), _BETA)
            unknown = next((i for i in values["works_on"] if i not in self._by_id), None)
            if unknown is not None:
                raise _Bad(f"`works_on` {unknown!r} is not a model's `id`")
            if values["ga"] is None and not values["works_on"]:
                raise _Bad("needs `ga` or `works_on`: without either the flag is never obsolete")
        return Beta(name=name, **{**values, "works_on": frozenset(values["works_on"])})

    # -- questions -------------------------------------------------------------------------------
    @property
    def facts(self) -> dict[str, RequestFact | ThinkingSampling]:
        """Every ``[facts.*]`` table by name."""
        return {**self.request_facts, "thinking_sampling": self.thinking_sampling}

    @cached_property
    def generations(self) -> tuple[str, ...]:
        return tuple(sorted({model.generation for model in self.models}, key=generation_key))

    @cached_property
    def targets(self) -> tuple[str, ...]:
        """What ``--target`` accepts: every generation from ``targets_from`` on, and latest."""
        return (*(g for g in self.generations if generation_key(g) >= self._targets_from), "latest")

    @cached_property
    def _forms(self) -> dict[str, tuple[Model, str]]:
        table: dict[str, tuple[Model, str]] = {}
        # Later forms never overwrite earlier ones: a dateless model's Vertex ID is its API ID,
        # read as pinned.
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
        """The models a request of unknown model is assumed to hit under ``target``: the
        generation's models that are not gated."""
        want = generation_key(self.generations[-1] if target == "latest" else target)
        return tuple(m for m in self.models if m.gen == want and not m.gated)

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


def _merge(models: list[tuple[dict, Path]], betas: dict[str, tuple[dict, Path]], data: dict, file: Path) -> None:
    """Merge a project's catalog into the built-in rows: a row with a known ``id`` (a beta
    table with a known flag) corrects the fields it gives; any other adds a model (a flag) and
    must be complete. Each row keeps the file it last came from, for its errors."""
    with _row(file):
        user = _fields(data, _USER_TOP)
    index = {row["id"]: i for i, (row, _) in enumerate(models)}
    other = {text: row["id"] for row, _ in models for key in _OTHER_IDS for text in _listed(row.get(key))}
    for n, row in enumerate(user["models"], 1):
        with _row(file, f"[[models]] row {n}"):
            if "id" not in row:
                raise _Bad("missing required key `id`")
            model_id = _text(row["id"], "id")
            if model_id in other and model_id not in index:
                raise _Bad(f"`id` {model_id!r} is another ID of model {other[model_id]!r}: correct that model by its `id`")
        if model_id in index:
            i = index[model_id]
            models[i] = (_corrected(models[i][0], row), file)
        else:
            index[model_id] = len(models)
            models.append((row, file))
    for name, table in user["betas"].items():
        with _row(file, f"beta {name!r}"):
            _table(table, f"betas.{name}")
        known = betas.get(name)
        betas[name] = (_corrected(known[0], table) if known else table, file)


#: The keys of a model row that hold IDs other than its ``id``.
_OTHER_IDS = ("other_ids", "aliases", "bedrock", "bedrock_mantle", "vertex")


def _listed(value) -> list:
    return value if isinstance(value, list) else []


def _corrected(row: dict, correction: dict) -> dict:
    """The row with the correction's fields; a partner platform's table is replaced alone."""
    merged = {**row, **correction}
    if isinstance(row.get("platform"), dict) and isinstance(correction.get("platform"), dict):
        merged["platform"] = {**row["platform"], **correction["platform"]}
    return merged


#: The data file, beside this module in every install (a wheel or an editable checkout).
CATALOG_FILE = Path(__file__).parent / "data" / "catalog.toml"
#: A project's catalog file is read whole: bigger than this, it is no file a person wrote.
USER_CATALOG_LIMIT = 1 << 20


@lru_cache(maxsize=None)
def _request_fact_names() -> tuple[str, ...]:
    """The request facts of the built-in data: the ``[facts.*]`` tables that describe values.
    Every catalog needs them, since the rules read them."""
    facts = _toml(CATALOG_FILE.read_bytes(), CATALOG_FILE).get("facts")
    return tuple(name for name in facts if name != "thinking_sampling") if isinstance(facts, dict) else ()


def __getattr__(name: str):
    """``REQUEST_FACTS`` and ``UNVERIFIABLE``, the built-in data's, read when first asked for."""
    if name == "REQUEST_FACTS":
        return _request_fact_names()
    if name == "UNVERIFIABLE":
        return (*_UNVERIFIABLE_FIELDS, *_request_fact_names())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=None)
def load(catalog_file: str | None = None) -> Catalog:
    """The built-in catalog, with a project's catalog file (an absolute path) merged in.
    Read once per path for the life of the process, so that a run sees one catalog."""
    builtin = CATALOG_FILE.read_bytes()
    if catalog_file is None:
        return Catalog(_toml(builtin, CATALOG_FILE), CATALOG_FILE, None, _digest(builtin))
    path = Path(catalog_file)
    user = _read(path)
    return Catalog(_toml(builtin, CATALOG_FILE), CATALOG_FILE, (_toml(user, path), path), _digest(builtin + b"\0" + user))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _read(path: Path) -> bytes:
    from claude_migrate.config import read_limited

    try:
        return read_limited(path, USER_CATALOG_LIMIT)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # not a regular file, or too big
        raise CatalogError(f"{path}: cannot read: {exc}") from None


def _toml(data: bytes, path: Path) -> dict:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: cannot read: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise CatalogError(f"{path}: invalid TOML: nested too deeply") from None
