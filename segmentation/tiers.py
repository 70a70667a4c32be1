"""Value tiers, RFM segments, frequency classes, what-if migration and tier history.

Definitions (the tiers page and the batch CLI share every one of them):

* **Scores.** R, F, M and T (tenure) percentiles in (0, 1] from the customer's
  rank among all customers of the view, higher = better (recency: fewer days
  since the last purchase; tenure: longer history). Tied values share one rank
  (``method="average"``), so equal customers get equal scores. The 1..5 scores
  are ``ceil(5 * percentile)``. A measure that is the same for every customer
  gives percentile 0.5 (score 3) for everyone and a note; a missing value ranks
  lowest (score 1) with a note. Ranks do not depend on the settings, so
  :func:`prepare_scoring` computes them once per view and :func:`assign` only
  combines them (work proportional to customers, no ranking per slider move).
* **Value score.** ``5 x`` the weighted mean of the R, F, M, T percentiles,
  weights from :attr:`TierSettings.weights` (normalised to sum 1): a number in
  (0, 5], continuous so that share cuts are exact except where customers truly
  tie.
* **Tiers by share** (``mode="share"``). Tier *i* nominally takes customers
  down to the cumulative share ``round(n x (s_1 + ... + s_i))`` (half up),
  highest value first, then:

  1. a cut never splits customers with equal value scores: the tied customers
     all join the better tier (the cut moves down to the end of the tie);
  2. a tier whose nominal share holds no customer (``round`` gives nothing, or
     the tier above already took its place through a tie) takes the best
     remaining tied group, so it is not empty;
  3. when the view has at least as many distinct value scores as tiers, a cut
     is raised if needed so that every lower tier keeps at least one customer.
     So **every tier gets at least one customer whenever there are at least
     as many distinct value scores as tiers**; with fewer, ties fill the best
     tiers first and the lowest tiers stay empty (all-equal customers are all
     in the best tier).

  Every deviation from the nominal shares is reported as a :class:`Note`.
* **Tiers by thresholds** (``mode="threshold"``). Each tier except the last
  has a :class:`Threshold`: a minimum annual spend and a minimum number of
  shipments a year (either may be ``None`` = no condition; both must hold). A
  customer gets the best tier whose thresholds they reach, else the last tier.
  Empty tiers are legitimate here and are reported as notes.
* **Annual figures.** ``exposure_days = max(tenure_days + 1, annualize_min_days)``
  (the days from the first transaction up to and including ``as_of``, but not
  fewer than ``annualize_min_days``, default 90, so that a customer first seen
  a few days ago is not extrapolated from those few days);
  ``annual_spend = monetary_total x 365 / exposure_days`` and
  ``annual_shipments = frequency x 365 / exposure_days``. A "shipment" is a
  purchase day (the view's ``frequency``). So for a customer with at least a
  year of history these are the average per year over their whole history.
* **Frequency class** from ``annual_shipments``: ``high`` at or above
  ``frequency_classes["high"]`` (default 24 a year), ``medium`` at or above
  ``frequency_classes["medium"]`` (default 6), else ``low``.
* **RFM segment** from the classic 5 x 5 R x F grid: a rules table
  (:data:`RFM_SEGMENT_RULES`, editable as :attr:`TierSettings.rfm_rules`) of
  rectangles ``r_min..r_max`` x ``f_min..f_max``; every cell must belong to
  exactly one segment (:func:`segment_grid` checks it).

Output columns added to the customer view (:data:`OUTPUT_COLUMNS`):
``r_score``, ``f_score``, ``m_score``, ``t_score`` (int64 1..5), ``value_score``
(float64), ``tier`` (categorical, categories = tier keys best first),
``rfm_segment`` (categorical, categories = segments in rule order),
``frequency_class`` (categorical ``high``, ``medium``, ``low``),
``annual_spend`` and ``annual_shipments`` (float64).

Typical use on a page (the view is not recomputed when a slider moves)::

    base = prepare_scoring(view)           # once per view (cache it)
    result = assign(base, settings)        # per slider move: tens of ms at 1M
    result.summary(); result.mix("branch"); result.grid(); result.messages(lang)
    migration(preset_result.scored["tier"], result.scored["tier"], view["monetary_total"])
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import i18n
from .access import Scope
from .features import customer_view
from .scoping import is_limited

__all__ = [
    "BREAKDOWN_COLUMNS",
    "DEFAULT_WEIGHTS",
    "FREQUENCY_CLASSES",
    "GONE",
    "MAX_TIERS",
    "MIN_TIERS",
    "NEW",
    "OUTPUT_COLUMNS",
    "RFM_SEGMENT_RULES",
    "TIER_SETS",
    "Note",
    "ScoringBase",
    "SettingsError",
    "Threshold",
    "TierHistory",
    "TierResult",
    "TierSettings",
    "assign",
    "assign_tiers_by_share",
    "assign_tiers_by_threshold",
    "available_breakdowns",
    "customer_list",
    "history_counts",
    "history_flows",
    "migration",
    "migration_flows",
    "migration_sentences",
    "month_ends",
    "movement_summary",
    "pareto",
    "percentile_ranks",
    "playbook_frame",
    "prepare_scoring",
    "restrict_scoring",
    "rfm_grid",
    "rfm_scores",
    "rfm_segments",
    "score_customers",
    "segment_grid",
    "segment_label",
    "suggest_thresholds",
    "tier_history",
    "tier_mix",
    "tier_summary",
    "top_share",
    "value_scores",
]

# --------------------------------------------------------------------------- constants

#: Measure key -> (score column, customer-view column, higher value is better).
MEASURES: dict[str, tuple[str, str, bool]] = {
    "r": ("r_score", "recency_days", False),
    "f": ("f_score", "frequency", True),
    "m": ("m_score", "monetary_total", True),
    "t": ("t_score", "tenure_days", True),
}
SCORE_COLUMNS: tuple[str, ...] = tuple(score for score, _, _ in MEASURES.values())
#: View columns :func:`prepare_scoring` needs (``tenure_days`` is optional).
REQUIRED_COLUMNS: tuple[str, ...] = ("recency_days", "frequency", "monetary_total")
#: Columns :func:`assign` adds to the view, in this order.
OUTPUT_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS, "value_score", "tier", "rfm_segment",
                                   "frequency_class", "annual_spend", "annual_shipments")
#: The revenue of a customer in every summary: net spend, refunds included.
REVENUE = "monetary_total"

DEFAULT_WEIGHTS: dict[str, float] = {"r": 0.2, "f": 0.3, "m": 0.5, "t": 0.0}
#: Accepted spellings of the weight keys (JSON presets, older presets).
_WEIGHT_ALIASES: dict[str, str] = {
    **{k: k for k in MEASURES},
    **{score: k for k, (score, _, _) in MEASURES.items()},
    "recency": "r", "frequency": "f", "monetary": "m", "tenure": "t",
}

MIN_TIERS, MAX_TIERS = 2, 5
#: Default tier keys and shares by number of tiers (the page offers 3 to 5;
#: two are accepted so that a simple "top / rest" preset works).
TIER_SETS: dict[int, tuple[tuple[str, float], ...]] = {
    2: (("high", 0.2), ("low", 0.8)),
    3: (("high", 0.2), ("medium", 0.3), ("low", 0.5)),
    4: (("vip", 0.1), ("high", 0.2), ("medium", 0.3), ("low", 0.4)),
    5: (("vip", 0.05), ("premium", 0.1), ("high", 0.15), ("medium", 0.3), ("low", 0.4)),
}
#: Default thresholds by position counted from the lowest tier upwards: the
#: tier just above the last one gets the first entry (annual ¥, shipments/year).
_THRESHOLD_LADDER: tuple[tuple[float, float], ...] = (
    (500.0, 4.0), (2000.0, 12.0), (10000.0, 24.0), (20000.0, 36.0),
)
FREQUENCY_CLASSES: tuple[str, ...] = ("high", "medium", "low")
DEFAULT_FREQUENCY_CLASSES: dict[str, float] = {"high": 24.0, "medium": 6.0}
DEFAULT_ANNUALIZE_MIN_DAYS = 90

#: The classic R-F grid: every (r, f) cell 1..5 x 1..5 belongs to exactly one segment.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5),
        ("loyal", 3, 4, 4, 5),
        ("potential_loyalists", 4, 5, 2, 3),
        ("new", 5, 5, 1, 1),
        ("promising", 4, 4, 1, 1),
        ("need_attention", 3, 3, 3, 3),
        ("about_to_sleep", 3, 3, 1, 2),
        ("at_risk", 1, 2, 3, 4),
        ("cant_lose", 1, 2, 5, 5),
        ("hibernating", 2, 2, 1, 2),
        ("lost", 1, 1, 1, 2),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max"],
)
_RULE_FIELDS: tuple[str, ...] = tuple(RFM_SEGMENT_RULES.columns)

#: Default service playbook: tier key -> i18n keys of the recommended actions.
DEFAULT_PLAYBOOK: dict[str, tuple[str, ...]] = {
    tier: tuple(f"playbook.{tier}.{i}" for i in range(1, n + 1))
    for tier, n in (("vip", 4), ("premium", 3), ("high", 3), ("medium", 3), ("low", 3))
}
MAX_ACTIONS, MAX_ACTION_CHARS = 10, 200

#: Columns a tier mix can be broken down by, when the view has them.
BREAKDOWN_COLUMNS: tuple[str, ...] = ("frequency_class", "customer_type", "area_type",
                                      "region", "branch")
#: Pseudo tiers of flows: a customer not in the earlier / later period.
NEW, GONE = "_new", "_gone"

_TIER_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_SHARE_TOLERANCE = 1e-6
_FORMAT_VERSION = 1
_SETTINGS_FIELDS = ("weights", "tiers", "labels", "mode", "shares", "thresholds",
                    "annualize_min_days", "frequency_classes", "rfm_rules", "playbook")
_METADATA_FIELDS = ("version", "name")


# --------------------------------------------------------------------------- errors & notes


class SettingsError(i18n.LocalizedError):
    """Invalid tier settings or preset; ``code`` names the message ``tiers.error.<code>``."""

    prefix = "tiers.error"


@dataclass(frozen=True)
class Note:
    """An explained special case of a tier assignment (ties, empty tiers, constant data).

    Attributes
    ----------
    code : stable identifier (the message is ``tiers.note.<code>``).
    level : ``"warning"`` when the result may surprise (constant measure,
        empty tier), ``"info"`` for an explained adjustment (a tie at a cut).
    texts : the message in every language, ``{"en": ..., "zh": ...}``.
    params : the raw numbers behind the message (tier keys, counts, shares).
    """

    code: str
    level: Literal["info", "warning"]
    texts: Mapping[str, str]
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return self.texts.get(lang) or self.texts[i18n.DEFAULT_LANG]


def _note(code: str, level: Literal["info", "warning"], fmt: Callable[[str], dict],
          **params: Any) -> Note:
    texts = {lang: i18n.t(f"tiers.note.{code}", lang, **fmt(lang)) for lang in i18n.LANGS}
    return Note(code, level, texts, params)


def _count_text(n: int, lang: str) -> str:
    """``"1 customer"`` / ``"1,234 customers"`` / ``"1,234 位客户"``."""
    key = "tiers.count.one" if n == 1 else "tiers.count.many"
    return i18n.t(key, lang, n=i18n.fmt_int(n, lang))


def _join(items: Iterable[str], lang: str) -> str:
    return i18n.t("tiers.list_sep", lang).join(items)


def segment_label(segment: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of an RFM segment (``segment.<key>`` if known, else the key itself)."""
    key = f"segment.{segment}"
    return i18n.t(key, lang) if i18n.has(key) else str(segment)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Threshold:
    """Business thresholds of one tier: both must hold; ``None`` means no condition.

    Attributes
    ----------
    min_spend : minimum ``annual_spend`` (yuan a year).
    min_shipments : minimum ``annual_shipments`` (purchase days a year).
    """

    min_spend: float | None = None
    min_shipments: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {"min_spend": self.min_spend, "min_shipments": self.min_shipments}

    def describe(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """``"annual spend at least ¥10,000 and at least 24 shipments a year"``."""
        parts = []
        if self.min_spend is not None:
            parts.append(i18n.t("tiers.rule.spend", lang,
                                spend=i18n.fmt_money(self.min_spend, lang)))
        if self.min_shipments is not None:
            parts.append(i18n.t("tiers.rule.shipments", lang,
                                shipments=_fmt_number(self.min_shipments)))
        if not parts:
            return i18n.t("tiers.rule.none", lang)
        return i18n.t("tiers.rule.and", lang).join(parts)


def _fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _default_thresholds(n_tiers: int) -> tuple[Threshold, ...]:
    ladder = _THRESHOLD_LADDER
    out = []
    for pos in range(n_tiers - 1):  # pos 0 = best tier
        from_bottom = n_tiers - 2 - pos
        spend, ships = ladder[min(from_bottom, len(ladder) - 1)]
        out.append(Threshold(spend, ships))
    return tuple(out)


def _default_rules() -> tuple[dict[str, Any], ...]:
    return tuple({"segment": str(r.segment), "r_min": int(r.r_min), "r_max": int(r.r_max),
                  "f_min": int(r.f_min), "f_max": int(r.f_max)}
                 for r in RFM_SEGMENT_RULES.itertuples(index=False))


def _number(value: Any, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SettingsError("bad_number", field=field_name, value=repr(value))
    out = float(value)
    if not math.isfinite(out):
        raise SettingsError("bad_number", field=field_name, value=repr(value))
    return out


def _mapping(value: Any, field_name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise SettingsError("bad_type", field=field_name, expected="object")
    return value


def _sequence(value: Any, field_name: str) -> Sequence:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise SettingsError("bad_type", field=field_name, expected="list")
    return value


@dataclass(frozen=True)
class TierSettings:
    """Everything that decides tiers and segments; validated, JSON round-trip safe.

    Every field has a default, so ``TierSettings()`` is the default grading and
    ``TierSettings(mode="threshold")`` switches the mode only. Construction
    validates and normalises (lists become tuples, weight keys become
    ``r``/``f``/``m``/``t``) and raises :class:`SettingsError` with a bilingual
    message on any invalid value. Treat instances as immutable (change them
    with :func:`dataclasses.replace` or :meth:`with_tier_count`).

    Attributes
    ----------
    weights : ``{"r", "f", "m", "t"} -> weight >= 0`` (relative; at least one
        positive; missing keys are 0). Also accepted: ``recency`` ...,
        ``r_score`` ... .
    tiers : tier keys, best first, 2 to 5 (the page offers 3 to 5); lower-case
        identifiers such as ``"vip"``. Defaults per count in :data:`TIER_SETS`.
    labels : optional display-name overrides, ``{tier: {"en": ..., "zh": ...}}``
        (either language may be omitted); otherwise ``tier.<key>`` from the
        catalogue, or the key itself.
    mode : ``"share"`` or ``"threshold"``.
    shares : share of customers per tier, best first, each > 0, adding up to 1
        (within 1e-6). Default for the tier count from :data:`TIER_SETS`, or
        equal shares for other keys.
    thresholds : one :class:`Threshold` (or ``{"min_spend", "min_shipments"}``
        mapping) per tier except the last. Used in threshold mode, kept in
        share mode.
    annualize_min_days : floor of the exposure used for annual figures
        (1..365 days; see the module docstring).
    frequency_classes : ``{"high": x, "medium": y}`` shipments a year, ``x >= y >= 0``.
    rfm_rules : RFM rules as records ``{"segment", "r_min", "r_max", "f_min",
        "f_max"}``; every grid cell must belong to exactly one segment.
    playbook : overrides of the recommended actions, ``{tier: [text, ...]}``;
        tiers not listed use the bilingual defaults (:meth:`actions`).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    tiers: Sequence[str] = tuple(k for k, _ in TIER_SETS[4])
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    mode: Literal["share", "threshold"] = "share"
    shares: Sequence[float] | None = None
    thresholds: Sequence[Threshold | Mapping[str, float | None]] | None = None
    annualize_min_days: int = DEFAULT_ANNUALIZE_MIN_DAYS
    frequency_classes: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_FREQUENCY_CLASSES))
    rfm_rules: Sequence[Mapping[str, Any]] = field(default_factory=_default_rules)
    playbook: Mapping[str, Sequence[str]] = field(default_factory=dict)

    # -- validation ----------------------------------------------------------
    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise in place once
        tiers = self._check_tiers(self.tiers)
        set_(self, "tiers", tiers)
        set_(self, "weights", self._check_weights(self.weights))
        if self.mode not in ("share", "threshold"):
            raise SettingsError("bad_mode", value=repr(self.mode))
        set_(self, "shares", self._check_shares(self.shares, tiers))
        set_(self, "thresholds", self._check_thresholds(self.thresholds, tiers))
        set_(self, "labels", self._check_labels(self.labels, tiers))
        days = self.annualize_min_days
        if (isinstance(days, bool) or not isinstance(days, int | float | np.integer)
                or days != int(days) or not 1 <= days <= 365):
            raise SettingsError("bad_min_days", value=repr(days))
        set_(self, "annualize_min_days", int(days))
        set_(self, "frequency_classes", self._check_frequency_classes(self.frequency_classes))
        rules = self._check_rules(self.rfm_rules)
        segment_grid(rules)  # every cell exactly one segment, else SettingsError
        set_(self, "rfm_rules", rules)
        set_(self, "playbook", self._check_playbook(self.playbook, tiers))

    @staticmethod
    def _check_tiers(tiers: Any) -> tuple[str, ...]:
        tiers = tuple(_sequence(tiers, "tiers"))
        if not MIN_TIERS <= len(tiers) <= MAX_TIERS:
            raise SettingsError("tier_count", count=len(tiers), min=MIN_TIERS, max=MAX_TIERS)
        for key in tiers:
            if not isinstance(key, str) or not _TIER_KEY.match(key):
                raise SettingsError("tier_key", key=repr(key))
        dupes = sorted({k for k in tiers if tiers.count(k) > 1})
        if dupes:
            raise SettingsError("tier_duplicate", key=dupes[0])
        return tiers

    @staticmethod
    def _check_weights(weights: Any) -> dict[str, float]:
        out = dict.fromkeys(MEASURES, 0.0)
        for key, value in _mapping(weights, "weights").items():
            canonical = _WEIGHT_ALIASES.get(str(key))
            if canonical is None:
                raise SettingsError("weight_key", key=repr(key), allowed="r, f, m, t")
            value = _number(value, f"weights.{key}")
            if value < 0:
                raise SettingsError("weight_negative", key=key, value=value)
            out[canonical] = value
        if sum(out.values()) <= 0:
            raise SettingsError("weights_zero")
        return out

    @staticmethod
    def _check_shares(shares: Any, tiers: tuple[str, ...]) -> tuple[float, ...]:
        k = len(tiers)
        if shares is None:
            default = TIER_SETS[k]
            if tiers == tuple(t for t, _ in default):
                return tuple(s for _, s in default)
            return tuple(1.0 / k for _ in tiers)
        shares = tuple(_number(s, "shares") for s in _sequence(shares, "shares"))
        if len(shares) != k:
            raise SettingsError("share_count", tiers=k, count=len(shares))
        for tier, share in zip(tiers, shares, strict=True):
            if not 0 < share <= 1:
                raise SettingsError("share_value", tier=tier, value=share)
        total = sum(shares)
        if abs(total - 1) > _SHARE_TOLERANCE:
            raise SettingsError("share_sum", total=f"{total * 100:.4g}%")
        return shares

    @staticmethod
    def _check_thresholds(thresholds: Any, tiers: tuple[str, ...]) -> tuple[Threshold, ...]:
        if thresholds is None:
            return _default_thresholds(len(tiers))
        items = _sequence(thresholds, "thresholds")
        if len(items) != len(tiers) - 1:
            raise SettingsError("threshold_count", expected=len(tiers) - 1, count=len(items))
        out = []
        for tier, item in zip(tiers, items, strict=False):
            if isinstance(item, Threshold):
                item = item.to_dict()
            item = _mapping(item, f"thresholds.{tier}")
            unknown = set(item) - {"min_spend", "min_shipments"}
            if unknown:
                raise SettingsError("unknown_field", field=f"thresholds.{sorted(unknown)[0]}",
                                    allowed="min_spend, min_shipments")
            values = {}
            for name in ("min_spend", "min_shipments"):
                value = item.get(name)
                if value is not None:
                    value = _number(value, f"thresholds.{tier}.{name}")
                    if value < 0:
                        raise SettingsError("threshold_negative", tier=tier, field=name,
                                            value=value)
                values[name] = value
            out.append(Threshold(**values))
        return tuple(out)

    @staticmethod
    def _check_labels(labels: Any, tiers: tuple[str, ...]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for tier, texts in _mapping(labels, "labels").items():
            if tier not in tiers:
                raise SettingsError("unknown_tier", field="labels", key=repr(tier))
            entry = {}
            for lang, text in _mapping(texts, f"labels.{tier}").items():
                if lang not in i18n.LANGS:
                    raise SettingsError("label_lang", lang=repr(lang))
                if not isinstance(text, str) or "\n" in text or len(text) > 40:
                    raise SettingsError("label_text", tier=tier, lang=lang)
                if text.strip():
                    entry[lang] = text.strip()
            if entry:
                out[tier] = entry
        return out

    @staticmethod
    def _check_frequency_classes(classes: Any) -> dict[str, float]:
        classes = _mapping(classes, "frequency_classes")
        unknown = set(classes) - {"high", "medium"}
        if unknown:
            raise SettingsError("unknown_field", field=f"frequency_classes.{sorted(unknown)[0]}",
                                allowed="high, medium")
        out = dict(DEFAULT_FREQUENCY_CLASSES)
        out.update({k: _number(v, f"frequency_classes.{k}") for k, v in classes.items()})
        if not out["high"] >= out["medium"] >= 0:
            raise SettingsError("frequency_classes", high=out["high"], medium=out["medium"])
        return out

    @staticmethod
    def _check_rules(rules: Any) -> tuple[dict[str, Any], ...]:
        if isinstance(rules, pd.DataFrame):
            rules = rules.to_dict("records")
        out = []
        for i, rule in enumerate(_sequence(rules, "rfm_rules"), start=1):
            rule = _mapping(rule, f"rfm_rules[{i}]")
            missing = [f for f in _RULE_FIELDS if f not in rule]
            if missing:
                raise SettingsError("rule_missing", row=i, field=missing[0])
            unknown = set(rule) - set(_RULE_FIELDS)
            if unknown:
                raise SettingsError("unknown_field", field=f"rfm_rules.{sorted(unknown)[0]}",
                                    allowed=", ".join(_RULE_FIELDS))
            segment = rule["segment"]
            if not isinstance(segment, str) or not segment.strip() or len(segment) > 40:
                raise SettingsError("rule_segment", row=i)
            entry: dict[str, Any] = {"segment": segment.strip()}
            for axis in ("r", "f"):
                lo = _number(rule[f"{axis}_min"], f"rfm_rules[{i}].{axis}_min")
                hi = _number(rule[f"{axis}_max"], f"rfm_rules[{i}].{axis}_max")
                if not (lo.is_integer() and hi.is_integer() and 1 <= lo <= hi <= 5):
                    raise SettingsError("rule_range", row=i, segment=entry["segment"],
                                        axis=axis.upper())
                entry[f"{axis}_min"], entry[f"{axis}_max"] = int(lo), int(hi)
            out.append(entry)
        return tuple(out)

    @staticmethod
    def _check_playbook(playbook: Any, tiers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for tier, actions in _mapping(playbook, "playbook").items():
            if tier not in tiers:
                raise SettingsError("unknown_tier", field="playbook", key=repr(tier))
            actions = _sequence(actions, f"playbook.{tier}")
            if len(actions) > MAX_ACTIONS:
                raise SettingsError("playbook_count", tier=tier, max=MAX_ACTIONS)
            texts = []
            for action in actions:
                if (not isinstance(action, str) or "\n" in action
                        or len(action) > MAX_ACTION_CHARS):
                    raise SettingsError("playbook_action", tier=tier, max=MAX_ACTION_CHARS)
                if action.strip():
                    texts.append(action.strip())
            out[tier] = tuple(texts)
        return out

    def __hash__(self) -> int:  # the mappings inside are compared by value
        return hash(self.to_json())

    # -- JSON ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (the preset file format, version 1)."""
        return {
            "version": _FORMAT_VERSION,
            "weights": dict(self.weights),
            "tiers": list(self.tiers),
            "labels": {k: dict(v) for k, v in self.labels.items()},
            "mode": self.mode,
            "shares": list(self.shares),
            "thresholds": [t.to_dict() for t in self.thresholds],
            "annualize_min_days": self.annualize_min_days,
            "frequency_classes": dict(self.frequency_classes),
            "rfm_rules": [dict(r) for r in self.rfm_rules],
            "playbook": {k: list(v) for k, v in self.playbook.items()},
        }

    def to_json(self) -> str:
        """Canonical JSON text (keys sorted): equal settings give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TierSettings:
        """Settings from a dict as written by :meth:`to_dict` (or a subset of it).

        Missing fields take their defaults; ``name`` (preset metadata) is
        ignored; ``version`` must be 1 when present.

        Raises
        ------
        SettingsError
            On an unknown field, an unsupported version or any invalid value.
        """
        data = _mapping(data, "settings")
        unknown = [k for k in data if k not in _SETTINGS_FIELDS + _METADATA_FIELDS]
        if unknown:
            raise SettingsError("unknown_field", field=str(unknown[0]),
                                allowed=", ".join(_SETTINGS_FIELDS))
        version = data.get("version", _FORMAT_VERSION)
        if version != _FORMAT_VERSION:
            raise SettingsError("bad_version", version=repr(version))
        return cls(**{k: data[k] for k in _SETTINGS_FIELDS if k in data})

    @classmethod
    def from_json(cls, text: str | bytes) -> TierSettings:
        """Settings from JSON text; :class:`SettingsError` ``bad_json`` when unreadable."""
        try:
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig")
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SettingsError("bad_json", detail=str(err).splitlines()[0]) from err
        return cls.from_dict(data)

    # -- derived -------------------------------------------------------------
    @classmethod
    def default(cls, n_tiers: int = 4) -> TierSettings:
        """The default settings with ``n_tiers`` tiers (keys and shares from :data:`TIER_SETS`)."""
        return cls().with_tier_count(n_tiers)

    def with_tier_count(self, n_tiers: int) -> TierSettings:
        """The same settings with the default tier set of ``n_tiers`` tiers.

        Shares and thresholds take the defaults of that count; labels and
        playbook entries of tiers that remain are kept; everything else is kept.
        """
        if n_tiers not in TIER_SETS:
            raise SettingsError("tier_count", count=n_tiers, min=MIN_TIERS, max=MAX_TIERS)
        tiers = tuple(k for k, _ in TIER_SETS[n_tiers])
        if tiers == tuple(self.tiers):
            return self
        data = self.to_dict()
        data.update(tiers=list(tiers), shares=None, thresholds=None,
                    labels={k: v for k, v in data["labels"].items() if k in tiers},
                    playbook={k: v for k, v in data["playbook"].items() if k in tiers})
        return TierSettings(**{k: data[k] for k in _SETTINGS_FIELDS})

    def label(self, tier: str, lang: str = i18n.DEFAULT_LANG) -> str:
        """Display name of a tier key (override, else ``tier.<key>``, else the key)."""
        override = self.labels.get(tier, {}).get(lang)
        if override:
            return override
        if tier == NEW:
            return i18n.t("tiers.flow.new", lang)
        if tier == GONE:
            return i18n.t("tiers.flow.gone", lang)
        key = f"tier.{tier}"
        return i18n.t(key, lang) if i18n.has(key) else str(tier)

    def tier_labels(self, lang: str = i18n.DEFAULT_LANG) -> dict[str, str]:
        """``{tier key: display name}`` in tier order."""
        return {t: self.label(t, lang) for t in self.tiers}

    def actions(self, tier: str, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        """Recommended actions of a tier: the override if set, else the defaults in ``lang``."""
        if tier in self.playbook:
            return list(self.playbook[tier])
        return [i18n.t(key, lang) for key in DEFAULT_PLAYBOOK.get(tier, ())]

    def rules_frame(self) -> pd.DataFrame:
        """The RFM rules as a DataFrame (columns of :data:`RFM_SEGMENT_RULES`)."""
        return pd.DataFrame(list(self.rfm_rules), columns=list(_RULE_FIELDS))

    @property
    def segments(self) -> tuple[str, ...]:
        """Segment keys in rule order (first appearance)."""
        return tuple(dict.fromkeys(r["segment"] for r in self.rfm_rules))


# --------------------------------------------------------------------------- RFM rules


def segment_grid(rules: pd.DataFrame | Sequence[Mapping[str, Any]] = RFM_SEGMENT_RULES
                 ) -> pd.DataFrame:
    """The 5 x 5 grid (rows r 1..5, columns f 1..5) of segment names.

    A segment may own several rectangles (rows); overlapping rectangles of one
    segment are harmless.

    Raises
    ------
    SettingsError
        ``rules_cells``, naming the (r, f) cells that no segment or several
        segments cover.
    """
    records = rules.to_dict("records") if isinstance(rules, pd.DataFrame) else rules
    cover: dict[tuple[int, int], list[str]] = {(r, f): [] for r in range(1, 6)
                                               for f in range(1, 6)}
    for row in records:
        for r in range(int(row["r_min"]), int(row["r_max"]) + 1):
            for f in range(int(row["f_min"]), int(row["f_max"]) + 1):
                if (r, f) in cover and row["segment"] not in cover[(r, f)]:
                    cover[(r, f)].append(row["segment"])
    gaps = [cell for cell, segs in cover.items() if not segs]
    overlaps = [cell for cell, segs in cover.items() if len(segs) > 1]
    if gaps or overlaps:
        def cells(items: list[tuple[int, int]]) -> str:
            return " ".join(f"({r}, {f})" for r, f in items) or "-"
        raise SettingsError("rules_cells", gaps=cells(gaps), overlaps=cells(overlaps))
    return pd.DataFrame([[cover[(r, f)][0] for f in range(1, 6)] for r in range(1, 6)],
                        index=pd.Index(range(1, 6), name="r_score"),
                        columns=pd.Index(range(1, 6), name="f_score"))


def _cell_codes(settings: TierSettings) -> np.ndarray:
    """Segment code (index into ``settings.segments``) of the 25 cells, r-major."""
    grid = segment_grid(settings.rfm_rules).to_numpy().ravel()
    position = {s: i for i, s in enumerate(settings.segments)}
    return np.array([position[s] for s in grid], dtype=np.int8)


def rfm_segments(scores: pd.DataFrame,
                 rules: pd.DataFrame | Sequence[Mapping[str, Any]] = RFM_SEGMENT_RULES
                 ) -> pd.Series:
    """Segment per customer from its ``r_score`` and ``f_score`` via a rules table."""
    records = rules.to_dict("records") if isinstance(rules, pd.DataFrame) else list(rules)
    segments = list(dict.fromkeys(r["segment"] for r in records))
    grid = segment_grid(records).to_numpy().ravel()
    codes_of_cell = np.array([segments.index(s) for s in grid], dtype=np.int8)
    r = scores["r_score"].clip(1, 5).to_numpy(dtype="int64") - 1
    f = scores["f_score"].clip(1, 5).to_numpy(dtype="int64") - 1
    codes = codes_of_cell[r * 5 + f]
    return pd.Series(pd.Categorical.from_codes(codes, categories=segments, validate=False),
                     index=scores.index, name="rfm_segment")


# --------------------------------------------------------------------------- scoring


def _percentile(values: np.ndarray, higher_better: bool) -> tuple[np.ndarray, str | None, int]:
    """Percentile in (0, 1] (ties averaged), 0.5 when constant, 1e-9 when missing.

    Returns the percentiles, ``"constant"`` or ``None``, and the number missing.
    """
    n = len(values)
    missing = np.isnan(values)
    n_missing = int(missing.sum())
    out = np.full(n, 1e-9)
    if n == n_missing:
        return out, None, n_missing
    valid = values[~missing]
    if valid.min() == valid.max():
        out[~missing] = 0.5
        return out, ("constant" if n > 1 else None), n_missing
    ranked = pd.Series(valid if higher_better else -valid).rank(method="average", pct=True)
    out[~missing] = ranked.to_numpy()
    return out, None, n_missing


def _scores_of(pct: np.ndarray) -> np.ndarray:
    return np.clip(np.ceil(pct * 5), 1, 5).astype(np.int8)


def percentile_ranks(view: pd.DataFrame) -> pd.DataFrame:
    """Continuous R, F, M (and T, when ``tenure_days`` exists) percentiles in (0, 1].

    Higher = better; ties share a value; a constant column gives 0.5 for
    everyone (with a ``UserWarning``); a missing value counts as the lowest.
    Columns ``r_score``, ``f_score``, ``m_score`` (, ``t_score``), same index.
    """
    out = pd.DataFrame(index=view.index)
    for key, (score, column, higher) in MEASURES.items():
        if column not in view.columns:
            continue
        values = pd.to_numeric(view[column], errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
        pct, state, _ = _percentile(values, higher)
        if state == "constant":
            warnings.warn(f"all customers have the same {column}; the {key.upper()} score is 3 "
                          "for everyone", UserWarning, stacklevel=2)
        out[score] = pct
    return out


def rfm_scores(view: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """R, F and M (and T) scores 1..``bins`` from :func:`percentile_ranks` (int64)."""
    pct = percentile_ranks(view)
    return np.ceil(pct * bins).clip(1, bins).astype("int64")


def value_scores(scores: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted mean of the score columns; ``weights`` keyed like :attr:`TierSettings.weights`.

    Given percentiles x 5 the result is the ``value_score`` of :func:`assign`.
    """
    weights = TierSettings._check_weights(weights if weights is not None else DEFAULT_WEIGHTS)
    total = sum(weights.values())
    value = np.zeros(len(scores))
    for key, w in weights.items():
        if w > 0:
            value = value + scores[MEASURES[key][0]].to_numpy(dtype="float64") * (w / total)
    return pd.Series(value, index=scores.index, name="value_score")


@dataclass(frozen=True, eq=False)
class ScoringBase:
    """What a slider move does not change: ranks and scores of one customer view.

    Built by :func:`prepare_scoring`; holds a reference to the view (no copy).

    Attributes
    ----------
    view : the customer view.
    percentiles : float64 array (4, n): R, F, M, T percentiles in (0, 1].
    scores : int8 array (4, n): the 1..5 scores.
    cells : int8 array (n,): RFM grid cell ``(r - 1) * 5 + (f - 1)``.
    notes : notes about the measures (constant or missing values).
    has_tenure : whether the view has ``tenure_days``.
    network : for a base made by :func:`restrict_scoring`, the base of the whole
        population it was cut from: share cuts are placed among its customers,
        so a customer's tier does not depend on who else is shown.
    """

    view: pd.DataFrame
    percentiles: np.ndarray
    scores: np.ndarray
    cells: np.ndarray
    notes: tuple[Note, ...]
    has_tenure: bool
    _cache: dict = field(default_factory=dict, repr=False)
    network: ScoringBase | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.view)

    def measure(self, column: str) -> np.ndarray:
        """A numeric view column as float64, missing values as 0 (cached; for sums)."""
        key = ("measure", column)
        if key not in self._cache:
            self._cache[key] = _clean(_float(self.view, column))
        return self._cache[key]

    def groups(self, column: str) -> tuple[np.ndarray, list]:
        """Codes (-1 = missing) and sorted values of a view column (cached; for mixes)."""
        key = ("groups", column)
        if key not in self._cache:
            if column not in self.view.columns:
                raise ValueError(f"no {column!r} column to break the tiers down by")
            self._cache[key] = _codes_and_categories(self.view[column])
        return self._cache[key]

    def annual(self, min_days: int = DEFAULT_ANNUALIZE_MIN_DAYS
               ) -> tuple[np.ndarray, np.ndarray]:
        """``(annual_spend, annual_shipments)`` for an exposure floor (cached per floor)."""
        key = ("annual", min_days)
        if key not in self._cache:
            view = self.view
            if self.has_tenure:
                exposure = np.fmax(_float(view, "tenure_days") + 1.0, float(min_days))
            else:
                exposure = np.full(len(view), 365.0)
            factor = 365.0 / exposure
            self._cache[key] = (_float(view, REVENUE) * factor, _float(view, "frequency") * factor)
        return self._cache[key]


def prepare_scoring(view: pd.DataFrame) -> ScoringBase:
    """Rank the customers of a view once, for any number of :func:`assign` calls.

    Parameters
    ----------
    view : customer view with ``recency_days``, ``frequency``, ``monetary_total``
        and optionally ``tenure_days`` (see :func:`segmentation.features.customer_view`).

    Returns
    -------
    ScoringBase

    Raises
    ------
    ValueError
        When a required column is missing (the message names it).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in view.columns]
    if missing:
        raise ValueError(f"the customer view lacks the column(s) {', '.join(missing)}")
    n = len(view)
    pct = np.empty((len(MEASURES), n))
    notes: list[Note] = []
    has_tenure = "tenure_days" in view.columns
    for i, (key, (_, column, higher)) in enumerate(MEASURES.items()):
        if column not in view.columns:
            pct[i] = 0.5
            continue
        values = pd.to_numeric(view[column], errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
        pct[i], state, n_missing = _percentile(values, higher)
        if state == "constant":
            notes.append(_note(
                "constant_measure", "warning",
                lambda lang, key=key: {"measure": i18n.t(f"tiers.measure.{key}", lang),
                                       "score": key.upper()},
                measure=key, column=column))
        if n_missing:
            notes.append(_note(
                "missing_measure", "warning",
                lambda lang, key=key, m=n_missing: {
                    "count": _count_text(m, lang),
                    "measure": i18n.t(f"tiers.measure.{key}", lang), "score": key.upper()},
                measure=key, column=column, customers=n_missing))
    scores = _scores_of(pct)
    cells = ((scores[0] - 1) * 5 + (scores[1] - 1)).astype(np.int8)
    return ScoringBase(view=view, percentiles=pct, scores=scores, cells=cells,
                       notes=tuple(notes), has_tenure=has_tenure)


def restrict_scoring(base: ScoringBase, view: pd.DataFrame) -> ScoringBase:
    """The customers of ``view`` with the ranks they have in ``base`` (nothing re-ranked).

    ``view`` holds a subset of ``base.view``'s customers (e.g. one branch's, or with
    names masked); its rows are shown, while :func:`assign` places share cuts
    among all of ``base``'s customers: tiers stay properties of the whole
    population (a VIP is a VIP whoever looks). Restricting a restricted base
    restricts its population again.

    Raises
    ------
    ValueError
        When ``view`` has a customer that ``base`` lacks.
    """
    network = base.network or base
    positions = network.view.index.get_indexer(view.index)
    if (positions < 0).any():
        raise ValueError("the view has customers that the scoring base lacks")
    return ScoringBase(view=view, percentiles=network.percentiles[:, positions],
                       scores=network.scores[:, positions], cells=network.cells[positions],
                       notes=network.notes, has_tenure=network.has_tenure, network=network)


@dataclass(frozen=True, eq=False)
class TierResult:
    """The result of :func:`assign`, with fast summaries that reuse the base's caches.

    Attributes
    ----------
    scored : the customer view (shallow copy) with :data:`OUTPUT_COLUMNS` added.
    notes : every explained special case, warnings first.
    settings : the settings used.
    base : the :class:`ScoringBase` it was computed from.
    """

    scored: pd.DataFrame
    notes: tuple[Note, ...]
    settings: TierSettings
    base: ScoringBase = field(repr=False)

    def messages(self, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        return [n.message(lang) for n in self.notes]

    def _codes(self, column: str) -> tuple[np.ndarray, list]:
        if column in ("tier", "rfm_segment", "frequency_class"):
            return _codes_and_categories(self.scored[column])
        return self.base.groups(column)

    def summary(self, by: str = "tier") -> pd.DataFrame:
        """:func:`tier_summary` of :attr:`scored`."""
        codes, cats = self._codes(by)
        base = self.base
        return _summary_frame(codes, cats, by, base.measure(REVENUE), base.measure("frequency"),
                              base.measure("recency_days"))

    def mix(self, by: str, *, tier: str = "tier") -> pd.DataFrame:
        """:func:`tier_mix` of :attr:`scored`."""
        g_codes, groups = self._codes(by)
        t_codes, tiers = self._codes(tier)
        return _mix_frame(g_codes, groups, by, t_codes, tiers, tier,
                          self.base.measure(REVENUE))

    def grid(self) -> pd.DataFrame:
        """:func:`rfm_grid` of :attr:`scored` with the settings' rules."""
        return _grid_frame(self.base.cells.astype(np.int64), self.base.measure(REVENUE),
                           segment_grid(self.settings.rfm_rules).to_numpy().ravel())


def _value(base: ScoringBase, weights: Mapping[str, float]) -> np.ndarray:
    """5 x weighted mean of percentiles.

    Element-wise multiply-adds (not a BLAS product) so that two customers with
    equal percentiles always get bit-identical value scores: ties stay ties.
    """
    total = sum(weights.values())
    value = np.zeros(base.n)
    for i, key in enumerate(MEASURES):
        if weights[key] > 0:
            value += base.percentiles[i] * (5.0 * weights[key] / total)
    return value


@dataclass(frozen=True)
class _Cut:
    target: int  # nominal cumulative count
    low: int  # at least this many (one more than the cut above)
    end: int  # actual cumulative count
    raised: bool  # moved up to leave room for lower tiers


def _share_cuts(value: np.ndarray, shares: Sequence[float]
                ) -> tuple[np.ndarray, list[_Cut], int]:
    """Cut values (``value >= cut[i]`` means tier ``<= i``), cut details, distinct count.

    One sort plus a few binary searches: O(n log n) with a small constant. The
    distinct count is exact only when below ``len(shares)`` (else it is
    ``len(shares)``: enough).
    """
    n, k = len(value), len(shares)
    s = np.sort(value)
    total = float(sum(shares))
    cum = np.cumsum(np.asarray(shares, dtype="float64") / total)[:-1]
    targets = np.floor(cum * n + 0.5).astype(np.int64)
    # the k lowest distinct values (u_0 < u_1 < ...): enough to keep lower tiers non-empty
    lowest: list[float] = []
    pos = 0
    while pos < n and len(lowest) < k:
        lowest.append(s[pos])
        pos = int(np.searchsorted(s, s[pos], side="right"))
    enough = len(lowest) >= k
    cuts = np.full(k - 1, -np.inf)
    details: list[_Cut] = []
    prev = 0
    for i, target in enumerate(targets):
        low = max(int(target), prev + 1)
        raised = False
        if low > n:
            cut = -np.inf
        else:
            cut = s[n - low]  # the low-th largest value
            remaining = k - 2 - i  # cuts still to place below this one
            if enough and cut < lowest[remaining + 1]:
                cut, raised = lowest[remaining + 1], True
        end = n if cut == -np.inf else n - int(np.searchsorted(s, cut, side="left"))
        cuts[i] = cut
        details.append(_Cut(int(target), low, end, raised))
        prev = end
    return cuts, details, len(lowest)


def _codes_from_cuts(value: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    codes = np.zeros(len(value), dtype=np.int8)
    for cut in cuts:
        if cut != -np.inf:
            codes += value < cut
    return codes


def _share_notes(settings: TierSettings, details: list[_Cut], distinct: int, n: int,
                 counts: np.ndarray) -> list[Note]:
    tiers, shares = settings.tiers, settings.shares
    total = sum(shares)
    notes: list[Note] = []
    if n == 1:
        top = tiers[int(np.argmax(counts > 0))]
        return [_note("single_customer", "info",
                      lambda lang: {"tier": settings.label(top, lang)}, tier=top)]
    if distinct == 1:
        top = tiers[0]
        return [_note("share_all_equal", "warning",
                      lambda lang: {"n": _count_text(n, lang), "tier": settings.label(top, lang)},
                      tier=top, customers=n)]
    for i, cut in enumerate(details):
        tier = tiers[i]
        actual, target = float(counts[i] / n), float(shares[i] / total)

        def fmt(lang: str, tier=tier, actual=actual, target=target, extra=0, count=0):
            return {"tier": settings.label(tier, lang), "actual": i18n.fmt_pct(actual, lang),
                    "target": i18n.fmt_pct(target, lang), "n": _count_text(n, lang),
                    "count": _count_text(extra or count, lang)}

        if cut.raised:
            notes.append(_note("share_cut_raised", "info", fmt, tier=tier,
                               customers=int(counts[i]), share=actual, target=target))
            continue
        if cut.low > cut.target and counts[i] > 0:
            notes.append(_note("share_min_one", "info",
                               lambda lang, f=fmt, c=int(counts[i]): f(lang, count=c),
                               tier=tier, customers=int(counts[i]), share=actual, target=target))
        elif cut.end > cut.low:
            extra = cut.end - cut.low
            notes.append(_note("share_tie", "info",
                               lambda lang, f=fmt, e=extra: f(lang, extra=e),
                               tier=tier, extra=extra, share=actual, target=target))
    if distinct < len(tiers):
        empty = [t for t, c in zip(tiers, counts, strict=True) if c == 0]
        notes.insert(0, _note(
            "share_too_few", "warning",
            lambda lang: {"distinct": i18n.fmt_int(distinct, lang), "n": _count_text(n, lang),
                          "k": len(tiers),
                          "empty": _join((settings.label(t, lang) for t in empty), lang)},
            distinct=distinct, empty=tuple(empty)))
    return notes


def _threshold_codes(spend: np.ndarray, ships: np.ndarray, thresholds: Sequence[Threshold]
                     ) -> tuple[np.ndarray, list[int]]:
    """Tier codes (best tier whose thresholds hold, else the last) and who reaches each."""
    k = len(thresholds) + 1
    codes = np.full(len(spend), k - 1, dtype=np.int8)
    reach: list[int] = [0] * (k - 1)
    for i in range(k - 2, -1, -1):  # worst first, so better tiers overwrite
        th = thresholds[i]
        mask = np.ones(len(spend), dtype=bool)
        if th.min_spend is not None:
            mask &= spend >= th.min_spend
        if th.min_shipments is not None:
            mask &= ships >= th.min_shipments
        reach[i] = int(mask.sum())
        codes[mask] = i
    return codes, reach


def _threshold_notes(settings: TierSettings, counts: np.ndarray, reach: list[int]) -> list[Note]:
    notes = []
    tiers = settings.tiers
    for i, tier in enumerate(tiers):
        if counts[i] > 0:
            continue
        if i == len(tiers) - 1:
            notes.append(_note("threshold_last_empty", "warning",
                               lambda lang, t=tier: {"tier": settings.label(t, lang)},
                               tier=tier))
            continue
        th = settings.thresholds[i]
        code = "threshold_none" if reach[i] == 0 else "threshold_taken"
        notes.append(_note(code, "warning",
                           lambda lang, t=tier, th=th: {"tier": settings.label(t, lang),
                                                        "rule": th.describe(lang)},
                           tier=tier, min_spend=th.min_spend, min_shipments=th.min_shipments))
    return notes


def assign(base: ScoringBase, settings: TierSettings | None = None) -> TierResult:
    """Scores, value score, tier, RFM segment and frequency class for every customer.

    Work is proportional to the number of customers and vectorised (one sort
    of the value scores in share mode); nothing is ranked again.

    Parameters
    ----------
    base : from :func:`prepare_scoring`.
    settings : the grading; default ``TierSettings()``.

    Returns
    -------
    TierResult
        ``scored`` = the view with :data:`OUTPUT_COLUMNS`, and ``notes``
        (codes: ``empty_view``, ``single_customer``, ``constant_measure``,
        ``missing_measure``, ``no_tenure``, ``share_all_equal``,
        ``share_too_few``, ``share_tie``, ``share_min_one``,
        ``share_cut_raised``, ``threshold_none``, ``threshold_taken``,
        ``threshold_last_empty``).
    """
    settings = settings if settings is not None else TierSettings()
    n = base.n
    tiers = list(settings.tiers)
    value = _value(base, settings.weights)
    spend, ships = base.annual(settings.annualize_min_days)

    notes: list[Note] = []
    network = base.network
    if n == 0:
        notes.append(_note("empty_view", "info", lambda lang: {}))
        codes = np.zeros(0, dtype=np.int8)
    elif settings.mode == "share" and network is not None:
        # cuts among the whole population; the notes describe those cuts
        population = _value(network, settings.weights)
        cuts, details, distinct = _share_cuts(population, settings.shares)
        codes = _codes_from_cuts(value, cuts)
        counts = np.bincount(_codes_from_cuts(population, cuts), minlength=len(tiers))
        notes += _share_notes(settings, details, distinct, network.n, counts)
    elif settings.mode == "share":
        cuts, details, distinct = _share_cuts(value, settings.shares)
        codes = _codes_from_cuts(value, cuts)
        counts = np.bincount(codes, minlength=len(tiers))
        notes += _share_notes(settings, details, distinct, n, counts)
    else:
        codes, reach = _threshold_codes(spend, ships, settings.thresholds)
        counts = np.bincount(codes, minlength=len(tiers))
        notes += _threshold_notes(settings, counts, reach)
    if n > 1:
        notes += [note for note in base.notes
                  if note.params["measure"] != "t" or settings.weights["t"] > 0]
    if n and not base.has_tenure:
        notes.append(_note("no_tenure", "info", lambda lang: {}))
    notes.sort(key=lambda note: note.level != "warning")  # warnings first, order kept

    fc = settings.frequency_classes
    fclass = (2 - (ships >= fc["medium"]) - (ships >= fc["high"])).astype(np.int8)
    segments = _cell_codes(settings)[base.cells]

    out = base.view.copy(deep=False)
    for i, column in enumerate(SCORE_COLUMNS):
        out[column] = base.scores[i].astype(np.int64)
    out["value_score"] = value
    out["tier"] = pd.Categorical.from_codes(codes, categories=tiers, validate=False)
    out["rfm_segment"] = pd.Categorical.from_codes(segments, categories=list(settings.segments),
                                                   validate=False)
    out["frequency_class"] = pd.Categorical.from_codes(fclass, categories=list(FREQUENCY_CLASSES),
                                                       validate=False)
    out["annual_spend"] = spend
    out["annual_shipments"] = ships
    return TierResult(out, tuple(notes), settings, base)


def score_customers(view: pd.DataFrame, settings: TierSettings | None = None) -> pd.DataFrame:
    """:func:`prepare_scoring` + :func:`assign` in one call (the batch CLI's path).

    Returns the scored view; notes of level ``"warning"`` are also issued as
    ``UserWarning`` (English text).
    """
    result = assign(prepare_scoring(view), settings)
    for note in result.notes:
        if note.level == "warning":
            warnings.warn(note.message("en"), UserWarning, stacklevel=2)
    return result.scored


def assign_tiers_by_share(value: pd.Series, tiers: Sequence[str],
                          shares: Sequence[float]) -> pd.Series:
    """Tiers by share of customers for arbitrary values (the share-mode rule, on its own).

    ``shares`` are normalised to sum 1; missing values rank lowest.
    """
    if len(tiers) != len(shares):
        raise ValueError("one share per tier is needed")
    v = value.to_numpy(dtype="float64", na_value=np.nan)
    v = np.where(np.isnan(v), -np.inf, v)
    if len(v):
        cuts, _, _ = _share_cuts(v, shares)
        codes = _codes_from_cuts(v, cuts)
    else:
        codes = np.zeros(0, dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(tiers), validate=False),
                     index=value.index, name="tier")


def assign_tiers_by_threshold(annual_spend: pd.Series, annual_shipments: pd.Series,
                              tiers: Sequence[str],
                              thresholds: Sequence[Threshold]) -> pd.Series:
    """Tiers by business thresholds: the best tier whose thresholds hold, else the last."""
    if len(thresholds) != len(tiers) - 1:
        raise ValueError("one threshold per tier except the last is needed")
    codes, _ = _threshold_codes(annual_spend.to_numpy(dtype="float64", na_value=np.nan),
                                annual_shipments.to_numpy(dtype="float64", na_value=np.nan),
                                thresholds)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(tiers), validate=False),
                     index=annual_spend.index, name="tier")


def suggest_thresholds(base: ScoringBase, settings: TierSettings) -> tuple[Threshold, ...]:
    """Thresholds that match the settings' shares on each measure separately.

    For tier ``i`` the ``1 - (s_1 + ... + s_i)`` quantile of annual spend
    (rounded down to two significant digits) and of annual shipments (rounded
    down to a whole number). Both must hold in threshold mode, so the tiers
    come out smaller than the shares: a starting point for the sliders.
    """
    spend, ships = base.annual(settings.annualize_min_days)
    cum = np.cumsum(np.asarray(settings.shares) / sum(settings.shares))[:-1]
    out = []
    for c in cum:
        if base.n == 0:
            out.append(Threshold(None, None))
            continue
        q_spend = float(np.nanquantile(spend, 1 - c)) if np.isfinite(spend).any() else 0.0
        q_ships = float(np.nanquantile(ships, 1 - c)) if np.isfinite(ships).any() else 0.0
        out.append(Threshold(_round_down(max(q_spend, 0.0)), float(math.floor(max(q_ships, 0)))))
    return tuple(out)


def _round_down(value: float, digits: int = 2) -> float:
    if value <= 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(math.floor(value / scale) * scale)


# --------------------------------------------------------------------------- summaries


def _codes_and_categories(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and categories (categorical order, else sorted)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    codes, uniques = pd.factorize(values, sort=True)
    return codes, list(uniques)


def _as_float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _float(scored: pd.DataFrame, column: str) -> np.ndarray:
    return _as_float(scored[column])


def _clean(values: np.ndarray) -> np.ndarray:
    """Missing values as 0 (sums skip them); no copy when nothing is missing."""
    return np.nan_to_num(values) if np.isnan(values).any() else values


def _summary_frame(codes: np.ndarray, cats: list, name: str, revenue: np.ndarray,
                   frequency: np.ndarray, recency: np.ndarray) -> pd.DataFrame:
    k = len(cats)
    ok = codes >= 0
    every = bool(ok.all())
    c = codes if every else codes[ok]

    def sums(values: np.ndarray) -> np.ndarray:
        return np.bincount(c, weights=values if every else values[ok], minlength=k)[:k]

    customers = np.bincount(c, minlength=k)[:k].astype(np.int64)
    revenue_sum = sums(revenue)
    n, total = customers.sum(), revenue_sum.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = customers / n if n else np.full(k, np.nan)
        rev_share = revenue_sum / total if total > 0 else np.full(k, np.nan)
        return pd.DataFrame({
            "customers": customers,
            "share": share,
            "revenue": revenue_sum,
            "revenue_share": rev_share,
            "avg_spend": np.where(customers > 0, revenue_sum / customers, np.nan),
            "avg_frequency": np.where(customers > 0, sums(frequency) / customers, np.nan),
            "avg_recency_days": np.where(customers > 0, sums(recency) / customers, np.nan),
            "cum_share": np.cumsum(share),
            "cum_revenue_share": np.cumsum(rev_share),
        }, index=pd.Index(cats, name=name))


def tier_summary(scored: pd.DataFrame, by: str = "tier") -> pd.DataFrame:
    """Customers, revenue and averages per tier (or per ``rfm_segment`` / ``frequency_class``).

    :meth:`TierResult.summary` gives the same frame faster (cached inputs).

    Parameters
    ----------
    scored : a scored view (:func:`assign`) with ``by``, ``monetary_total``,
        ``frequency`` and ``recency_days``.
    by : the grouping column; categories keep their order and empty ones stay.

    Returns
    -------
    DataFrame indexed by the ``by`` values with ``customers`` (int64),
    ``share`` (of customers), ``revenue`` (sum of ``monetary_total``),
    ``revenue_share``, ``avg_spend`` (revenue per customer), ``avg_frequency``,
    ``avg_recency_days``, and in index order ``cum_share`` /
    ``cum_revenue_share`` ("the best two tiers are 30 % of customers and bring
    80 % of revenue"). Averages are NaN for an empty group; shares are NaN when
    there are no customers or total revenue is not positive. Missing measures
    count as 0.
    """
    codes, cats = _codes_and_categories(scored[by])
    return _summary_frame(codes, cats, by, _clean(_float(scored, REVENUE)),
                          _clean(_float(scored, "frequency")),
                          _clean(_float(scored, "recency_days")))


def pareto(scored: pd.DataFrame, *, by: str = REVENUE, points: int = 101) -> pd.DataFrame:
    """The Pareto curve: cumulative share of customers vs cumulative share of revenue.

    Parameters
    ----------
    scored : a view with ``monetary_total`` (and ``by``).
    by : order customers by this column, highest first: ``monetary_total``
        (the classic curve, independent of the sliders, so cache it) or
        ``value_score`` (how much revenue the best-valued customers bring;
        changes with the weights). Ties keep view order.
    points : number of evenly spaced customer shares from 0 to 1.

    Returns
    -------
    DataFrame with ``customer_share`` and ``revenue_share`` (``points`` rows;
    revenue share NaN when total revenue is not positive; it may exceed 1
    before the end when some customers have net refunds).
    """
    revenue = np.nan_to_num(_float(scored, REVENUE))
    n = len(revenue)
    if by == REVENUE:
        ordered = -np.sort(-revenue)
    else:
        key = np.nan_to_num(_float(scored, by), nan=-np.inf)
        ordered = revenue[np.argsort(-key, kind="stable")]
    cum = np.concatenate([[0.0], np.cumsum(ordered)])
    grid = np.linspace(0.0, 1.0, points)
    taken = np.floor(grid * n + 0.5).astype(np.int64)
    total = cum[-1]
    share = cum[taken] / total if total > 0 else np.full(points, np.nan)
    return pd.DataFrame({"customer_share": grid, "revenue_share": share})


def top_share(scored: pd.DataFrame, pct: float, *, by: str = REVENUE) -> float:
    """Share of revenue brought by the top ``pct`` (0..1) of customers ordered by ``by``.

    The top ``round(pct x n)`` customers (at least one when ``pct > 0``). NaN
    without customers or without positive total revenue.
    """
    if not 0 <= pct <= 1:
        raise ValueError(f"pct must be between 0 and 1, got {pct!r}")
    revenue = np.nan_to_num(_float(scored, REVENUE))
    n = len(revenue)
    total = revenue.sum()
    if n == 0 or total <= 0:
        return float("nan")
    k = int(math.floor(pct * n + 0.5))
    if pct > 0:
        k = max(k, 1)
    if k == 0:
        return 0.0
    if by == REVENUE:
        top = np.partition(revenue, n - k)[n - k:].sum()
    else:
        key = np.nan_to_num(_float(scored, by), nan=-np.inf)
        top = revenue[np.argsort(-key, kind="stable")[:k]].sum()
    return float(top / total)


def available_breakdowns(scored: pd.DataFrame) -> list[str]:
    """The :data:`BREAKDOWN_COLUMNS` present in ``scored`` with at least one value."""
    return [c for c in BREAKDOWN_COLUMNS if c in scored.columns and scored[c].notna().any()]


def _mix_frame(g_codes: np.ndarray, groups: list, by: str, t_codes: np.ndarray, tiers: list,
               tier: str, revenue: np.ndarray) -> pd.DataFrame:
    ok = (g_codes >= 0) & (t_codes >= 0)
    every = bool(ok.all())
    k, m = len(tiers), len(groups)
    cell = g_codes.astype(np.int64) * k + t_codes
    if not every:
        cell, revenue = cell[ok], revenue[ok]
    customers = np.bincount(cell, minlength=m * k)[: m * k].reshape(m, k)
    money = np.bincount(cell, weights=revenue, minlength=m * k)[: m * k].reshape(m, k)
    g_n = customers.sum(axis=1, keepdims=True)
    g_rev = money.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(g_n > 0, customers / g_n, np.nan)
        rev_share = np.where(g_rev > 0, money / g_rev, np.nan)
    return pd.DataFrame({
        by: np.repeat(np.asarray(groups, dtype=object), k),
        tier: pd.Categorical.from_codes(np.tile(np.arange(k), m), categories=tiers),
        "customers": customers.ravel().astype(np.int64),
        "share": share.ravel(),
        "revenue": money.ravel(),
        "revenue_share": rev_share.ravel(),
    })


def tier_mix(scored: pd.DataFrame, by: str, *, tier: str = "tier") -> pd.DataFrame:
    """The tier mix per group (branch, region, customer_type, area_type, frequency_class).

    :meth:`TierResult.mix` gives the same frame faster (the groups of the view
    are factorised once per view).

    Parameters
    ----------
    scored : a scored view with ``by``, ``tier`` and ``monetary_total``.
    by : grouping column; customers without a value are left out.
    tier : the tier column (``rfm_segment`` works too).

    Returns
    -------
    Long DataFrame, one row per (group, tier) including zeros, groups in text
    order (categorical order for categoricals), tiers in tier order: ``by``,
    ``tier`` (categorical), ``customers``, ``share`` (of the group's
    customers), ``revenue``, ``revenue_share`` (of the group's revenue, NaN
    when not positive).
    """
    if by not in scored.columns:
        raise ValueError(f"no {by!r} column to break the tiers down by")
    g_codes, groups = _codes_and_categories(scored[by])
    t_codes, tiers = _codes_and_categories(scored[tier])
    return _mix_frame(g_codes, groups, by, t_codes, tiers, tier,
                      _clean(_float(scored, REVENUE)))


def _grid_frame(cells: np.ndarray, revenue: np.ndarray, segments: np.ndarray) -> pd.DataFrame:
    customers = np.bincount(cells, minlength=25).astype(np.int64)
    money = np.bincount(cells, weights=revenue, minlength=25)
    n, total = customers.sum(), money.sum()
    return pd.DataFrame({
        "r_score": np.repeat(np.arange(1, 6), 5),
        "f_score": np.tile(np.arange(1, 6), 5),
        "segment": segments,
        "customers": customers,
        "revenue": money,
        "customer_share": customers / n if n else np.full(25, np.nan),
        "revenue_share": money / total if total > 0 else np.full(25, np.nan),
    })


def rfm_grid(scored: pd.DataFrame,
             rules: pd.DataFrame | Sequence[Mapping[str, Any]] | TierSettings = RFM_SEGMENT_RULES
             ) -> pd.DataFrame:
    """Customers and revenue per R x F cell with the cell's segment (for the heatmap).

    Returns
    -------
    DataFrame of 25 rows (r 1..5 x f 1..5): ``r_score``, ``f_score``,
    ``segment``, ``customers``, ``revenue``, ``customer_share``,
    ``revenue_share``. ``.pivot(index="r_score", columns="f_score",
    values="customers")`` gives the heatmap matrix.
    """
    if isinstance(rules, TierSettings):
        rules = rules.rfm_rules
    r = np.clip(scored["r_score"].to_numpy(dtype="int64"), 1, 5)
    f = np.clip(scored["f_score"].to_numpy(dtype="int64"), 1, 5)
    return _grid_frame((r - 1) * 5 + (f - 1), _clean(_float(scored, REVENUE)),
                       segment_grid(rules).to_numpy().ravel())


# --------------------------------------------------------------------------- what-if


def _categorical(values: pd.Series) -> pd.Series:
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def migration(before: pd.Series, after: pd.Series, revenue: pd.Series | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Migration matrices from one tier assignment to another (the what-if comparison).

    Parameters
    ----------
    before, after : tier per customer, for the same customers (aligned on the
        index; categorical order is kept, e.g. the ``tier`` columns of two
        :func:`assign` results on one :class:`ScoringBase`).
    revenue : per customer (``monetary_total``); zeros when omitted.

    Returns
    -------
    (counts, revenue) : DataFrames indexed by the ``before`` tiers (index name
        ``before``), columns the ``after`` tiers (name ``after``); counts are
        int64. Rows sum to the before counts, columns to the after counts.

    Raises
    ------
    ValueError
        When ``before`` and ``after`` do not cover the same customers.
    """
    if not before.index.equals(after.index):  # identical objects short-circuit
        if (len(before) != len(after) or not before.index.is_unique
                or not after.index.isin(before.index).all()):
            raise ValueError("before and after must describe the same customers")
        after = after.reindex(before.index)
    b_codes, b_cats = _codes_and_categories(_categorical(before))
    a_codes, a_cats = _codes_and_categories(_categorical(after))
    if revenue is None:
        rev = np.zeros(len(before))
    else:
        if not revenue.index.equals(before.index):
            revenue = revenue.reindex(before.index)
        rev = np.nan_to_num(_as_float(revenue))
    ok = (b_codes >= 0) & (a_codes >= 0)
    kb, ka = len(b_cats), len(a_cats)
    cell = b_codes[ok].astype(np.int64) * ka + a_codes[ok]
    counts = np.bincount(cell, minlength=kb * ka)[: kb * ka].reshape(kb, ka)
    money = np.bincount(cell, weights=rev[ok], minlength=kb * ka)[: kb * ka].reshape(kb, ka)
    index = pd.Index(b_cats, name="before")
    columns = pd.Index(a_cats, name="after")
    return (pd.DataFrame(counts.astype(np.int64), index=index, columns=columns),
            pd.DataFrame(money, index=index, columns=columns))


def migration_flows(counts: pd.DataFrame, revenue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Links for a Sankey diagram: ``from_tier``, ``to_tier``, ``customers``, ``revenue``.

    Only non-zero cells, in matrix order (before tiers, then after tiers).
    """
    long = counts.stack().rename("customers").reset_index()
    long.columns = ["from_tier", "to_tier", "customers"]
    long["revenue"] = (revenue.stack().to_numpy() if revenue is not None
                       else np.zeros(len(long)))
    return long[long["customers"] > 0].reset_index(drop=True)


def migration_sentences(counts: pd.DataFrame, revenue: pd.DataFrame, *,
                        lang: str = i18n.DEFAULT_LANG,
                        settings: TierSettings | None = None,
                        order: Sequence[str] | None = None, top: int = 3,
                        include_total: bool = True) -> list[str]:
    """The largest moves between tiers in words, with numbers.

    "This change moves 1,234 customers (¥2.30M revenue) from High to Medium."
    / "此调整使 1,234 位客户（收入 ¥230.0万）从黄金降至白银。"

    Parameters
    ----------
    counts, revenue : from :func:`migration`.
    lang : ``"en"`` or ``"zh"``.
    settings : gives the tier labels (default labels otherwise).
    order : tier keys best first, to tell up from down; default the
        settings' tiers, else the ``after`` columns.
    top : how many moves (largest number of customers first; ties by revenue).
    include_total : start with the total number of customers that move.

    Returns
    -------
    list of sentences; one "no customer moves" sentence when nothing moves.
    """
    settings = settings if settings is not None else TierSettings()
    order = list(order if order is not None else
                 (settings.tiers if set(counts.columns) <= set(settings.tiers)
                  else counts.columns))
    rank = {t: i for i, t in enumerate(order)}
    moves = []
    for src in counts.index:
        for dst in counts.columns:
            n = int(counts.at[src, dst])
            if src != dst and n > 0:
                moves.append((n, float(revenue.at[src, dst]), src, dst))
    if not moves:
        return [i18n.t("tiers.move.none", lang)]
    moves.sort(key=lambda m: (-m[0], -m[1], rank.get(m[2], 99), rank.get(m[3], 99)))
    out = []
    if include_total:
        out.append(i18n.t("tiers.move.total", lang,
                          count=_count_text(sum(m[0] for m in moves), lang),
                          revenue=i18n.fmt_money(sum(m[1] for m in moves), lang)))
    for n, money, src, dst in moves[:top]:
        if src in rank and dst in rank:
            direction = "down" if rank[dst] > rank[src] else "up"
        else:
            direction = "other"
        out.append(i18n.t(f"tiers.move.{direction}", lang, count=_count_text(n, lang),
                          revenue=i18n.fmt_money(money, lang),
                          src=settings.label(src, lang), dst=settings.label(dst, lang)))
    return out


# --------------------------------------------------------------------------- history


def month_ends(as_of: pd.Timestamp | str, months: int = 12) -> list[pd.Timestamp]:
    """The last ``months`` month ends on or before ``as_of``, oldest first."""
    day = pd.Timestamp(as_of).normalize()
    last = day if day.is_month_end else day - pd.offsets.MonthEnd(1)
    return list(pd.date_range(end=last, periods=months, freq="ME"))


@dataclass(frozen=True, eq=False)
class TierHistory:
    """Tiers of every customer at consecutive month ends, with one set of settings.

    Attributes
    ----------
    periods : month ends, oldest first.
    tiers : DataFrame indexed by ``customer_id`` (every customer of any period,
        text order), one categorical column per period (NaN = not in that
        period's view).
    settings : the settings used.
    notes : the :class:`Note` s of each period's assignment.
    """

    periods: tuple[pd.Timestamp, ...]
    tiers: pd.DataFrame
    settings: TierSettings
    notes: Mapping[pd.Timestamp, tuple[Note, ...]]


def tier_history(bind: Any, *, as_of: pd.Timestamp | str, settings: TierSettings | None = None,
                 months: int = 12,
                 view_fn: Callable[..., pd.DataFrame] = customer_view,
                 scope: Scope | None = None) -> TierHistory:
    """Tiers at each of the last ``months`` month ends (one customer view per month end).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the analysis date; the periods are :func:`month_ends` of it.
    settings : the grading (share cuts are taken within each month's customers).
    months : number of month ends.
    view_fn : ``view_fn(bind, as_of=month_end) -> customer view``; default
        :func:`segmentation.features.customer_view`. Wrap it to apply filters.
    scope : show only the customers of this scope: tiers are still graded among
        all customers of ``view_fn`` (network-wide), then each month keeps the
        customers whose branch / region at that month end is in the scope.

    Returns
    -------
    TierHistory

    Notes
    -----
    One aggregation per month end (12 by default): cache the result per
    dataset, analysis date, filters and settings.
    """
    settings = settings if settings is not None else TierSettings()
    periods = tuple(month_ends(as_of, months))
    columns, notes = {}, {}
    for day in periods:
        result = assign(prepare_scoring(view_fn(bind, as_of=day)), settings)
        scored = scope.apply(result.scored) if is_limited(scope) else result.scored
        columns[day] = scored["tier"]
        notes[day] = result.notes
    index = pd.Index([], name="customer_id")
    for col in columns.values():
        index = index.union(col.index)  # sorted text order
    index.name = "customer_id"
    tiers = pd.DataFrame({day: col.reindex(index) for day, col in columns.items()}, index=index)
    return TierHistory(periods, tiers, settings, notes)


def _history_codes(history: TierHistory) -> list[np.ndarray]:
    return [history.tiers[p].cat.codes.to_numpy() for p in history.periods]


def movement_summary(history: TierHistory) -> pd.DataFrame:
    """Moves between consecutive month ends.

    Returns
    -------
    DataFrame, one row per consecutive pair: ``period_from``, ``period_to``,
    ``customers`` (in ``period_to``), ``stayed``, ``up`` (to a better tier),
    ``down``, ``new`` (not in ``period_from``), ``gone`` (not in ``period_to``).
    """
    codes = _history_codes(history)
    rows = []
    for i in range(1, len(codes)):
        a, b = codes[i - 1], codes[i]
        both = (a >= 0) & (b >= 0)
        rows.append({
            "period_from": history.periods[i - 1], "period_to": history.periods[i],
            "customers": int((b >= 0).sum()),
            "stayed": int((both & (a == b)).sum()),
            "up": int((both & (b < a)).sum()),
            "down": int((both & (b > a)).sum()),
            "new": int(((a < 0) & (b >= 0)).sum()),
            "gone": int(((a >= 0) & (b < 0)).sum()),
        })
    columns = ["period_from", "period_to", "customers", "stayed", "up", "down", "new", "gone"]
    return pd.DataFrame(rows, columns=columns)


def history_flows(history: TierHistory) -> pd.DataFrame:
    """Sankey links between consecutive month ends.

    Returns
    -------
    DataFrame ``period_from``, ``period_to``, ``from_tier``, ``to_tier``,
    ``customers`` (non-zero only); ``from_tier`` is :data:`NEW` for customers
    not in the earlier period, ``to_tier`` :data:`GONE` for those not in the
    later one (:meth:`TierSettings.label` names both).
    """
    tiers = list(history.settings.tiers)
    k = len(tiers)
    names = [NEW, *tiers]  # code + 1
    after = [GONE, *tiers]
    codes = _history_codes(history)
    rows = []
    for i in range(1, len(codes)):
        a, b = codes[i - 1].astype(np.int64) + 1, codes[i].astype(np.int64) + 1
        counts = np.bincount(a * (k + 1) + b, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)
        for x in range(k + 1):
            for y in range(k + 1):
                if counts[x, y] and (x or y):
                    rows.append((history.periods[i - 1], history.periods[i], names[x],
                                 after[y], int(counts[x, y])))
    return pd.DataFrame(rows, columns=["period_from", "period_to", "from_tier", "to_tier",
                                       "customers"])


def history_counts(history: TierHistory) -> pd.DataFrame:
    """Customers per tier at each month end (index periods, columns tiers, int64)."""
    tiers = list(history.settings.tiers)
    data = {p: np.bincount(c[c >= 0], minlength=len(tiers))
            for p, c in zip(history.periods, _history_codes(history), strict=True)}
    return pd.DataFrame.from_dict(data, orient="index", columns=tiers).rename_axis("period")


# --------------------------------------------------------------------------- playbook


def playbook_frame(settings: TierSettings, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The service playbook as a table: ``tier``, ``label``, ``step`` (1..), ``action``."""
    rows = [(tier, settings.label(tier, lang), i, action)
            for tier in settings.tiers
            for i, action in enumerate(settings.actions(tier, lang), start=1)]
    return pd.DataFrame(rows, columns=["tier", "label", "step", "action"])


#: Columns of :func:`customer_list` (those the scored view has), no personal data.
CUSTOMER_LIST_COLUMNS: tuple[str, ...] = (
    "branch", "region", "customer_type", "area_type", "tier", "tier_label", "rfm_segment",
    "segment_label", "frequency_class", "value_score", "recency_days", "frequency",
    "monetary_total", "annual_spend", "actions",
)


def customer_list(scored: pd.DataFrame, settings: TierSettings, *,
                  lang: str = i18n.DEFAULT_LANG, tiers: Sequence[str] | None = None,
                  columns: Sequence[str] = CUSTOMER_LIST_COLUMNS) -> pd.DataFrame:
    """Customers with their tier, segment and the tier's recommended actions, for export.

    Parameters
    ----------
    scored : from :func:`assign`.
    settings : labels and playbook.
    lang : language of labels and actions.
    tiers : keep these tiers only (``None``: all).
    columns : output columns (those present); ``tier_label``, ``segment_label``
        and ``actions`` (joined with "; ") are derived. Personal columns (name,
        phone) are left to the caller, who knows the user's role.

    Returns
    -------
    DataFrame with ``customer_id`` as first column, best tier first, then by
    descending value score.
    """
    frame = scored
    if tiers is not None:
        frame = frame[frame["tier"].isin(list(tiers))]
    codes = frame["tier"].cat.codes.to_numpy()
    cats = list(frame["tier"].cat.categories)
    sep = i18n.t("tiers.actions_sep", lang)
    labels = np.array([settings.label(t, lang) for t in cats] + [""], dtype=object)
    actions = np.array([sep.join(settings.actions(t, lang)) for t in cats] + [""], dtype=object)
    derived: dict[str, Any] = {"tier_label": labels[codes], "actions": actions[codes]}
    if "rfm_segment" in frame.columns:
        derived["segment_label"] = frame["rfm_segment"].map(
            lambda s: segment_label(s, lang)).astype(object)
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        if col in derived:
            out[col] = derived[col]
        elif col in frame.columns:
            out[col] = frame[col]
    order = np.lexsort((-frame["value_score"].to_numpy(), np.where(codes < 0, 99, codes)))
    out = out.iloc[order]
    return out.reset_index()


# --------------------------------------------------------------------------- messages

i18n.register({
    "tier.vip": {"en": "VIP", "zh": "钻石"},
    "tier.premium": {"en": "Premium", "zh": "铂金"},
    "tier.high": {"en": "High", "zh": "黄金"},
    "tier.medium": {"en": "Medium", "zh": "白银"},
    "tier.low": {"en": "Low", "zh": "普通"},
    "segment.champions": {"en": "Champions", "zh": "重要价值客户"},
    "segment.loyal": {"en": "Loyal", "zh": "忠诚客户"},
    "segment.potential_loyalists": {"en": "Potential loyalists", "zh": "潜力客户"},
    "segment.new": {"en": "New", "zh": "新客户"},
    "segment.promising": {"en": "Promising", "zh": "有前景客户"},
    "segment.need_attention": {"en": "Need attention", "zh": "需要关注"},
    "segment.about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡"},
    "segment.at_risk": {"en": "At risk", "zh": "流失风险客户"},
    "segment.cant_lose": {"en": "Can't lose them", "zh": "不能失去的客户"},
    "segment.hibernating": {"en": "Hibernating", "zh": "沉睡客户"},
    "segment.lost": {"en": "Lost", "zh": "已流失客户"},
    "freq_class.high": {"en": "High frequency", "zh": "高频客户"},
    "freq_class.medium": {"en": "Medium frequency", "zh": "中频客户"},
    "freq_class.low": {"en": "Low frequency", "zh": "低频客户"},
    "tiers.measure.r": {"en": "recency", "zh": "最近消费间隔"},
    "tiers.measure.f": {"en": "frequency", "zh": "消费频次"},
    "tiers.measure.m": {"en": "monetary value", "zh": "消费金额"},
    "tiers.measure.t": {"en": "tenure", "zh": "客户年限"},
    "tiers.count.one": {"en": "{n} customer", "zh": "{n} 位客户"},
    "tiers.count.many": {"en": "{n} customers", "zh": "{n} 位客户"},
    "tiers.list_sep": {"en": ", ", "zh": "、"},
    "tiers.actions_sep": {"en": "; ", "zh": "；"},
    "tiers.flow.new": {"en": "New", "zh": "新增"},
    "tiers.flow.gone": {"en": "Gone", "zh": "离开"},
    "tiers.rule.spend": {"en": "annual spend at least {spend}", "zh": "年消费额不低于 {spend}"},
    "tiers.rule.shipments": {"en": "at least {shipments} shipments a year",
                             "zh": "年寄件不少于 {shipments} 次"},
    "tiers.rule.and": {"en": " and ", "zh": "且"},
    "tiers.rule.none": {"en": "no condition", "zh": "无条件"},
    # notes
    "tiers.note.empty_view": {
        "en": "No customers to grade: the current selection holds none.",
        "zh": "没有可分层的客户：当前筛选结果为空。",
    },
    "tiers.note.single_customer": {
        "en": "Only one customer: every score is 3 and the customer is in {tier}.",
        "zh": "只有一位客户：各项得分均为 3，该客户归入{tier}。",
    },
    "tiers.note.constant_measure": {
        "en": "All customers have the same {measure}; the {score} score is 3 for everyone.",
        "zh": "所有客户的{measure}相同；{score} 得分均为 3。",
    },
    "tiers.note.missing_measure": {
        "en": "No {measure} for {count}: the lowest {score} score (1) was given.",
        "zh": "{count}缺少{measure}数据，{score} 得分记为最低分 1。",
    },
    "tiers.note.no_tenure": {
        "en": "The customer view has no tenure_days: annual spend and shipments are lifetime "
              "totals, and the tenure score is 3 for everyone.",
        "zh": "客户视图缺少客户年限（tenure_days）：年消费额和年寄件次数按累计值计算，"
              "年限得分均为 3。",
    },
    "tiers.note.share_all_equal": {
        "en": "All {n} have the same value score, so all are in {tier}: customers with the "
              "same score always share a tier.",
        "zh": "{n}的价值分全部相同，因此全部归入{tier}（价值分相同的客户总在同一层级）。",
    },
    "tiers.note.share_too_few": {
        "en": "Only {distinct} different value scores among {n} for {k} tiers: customers with "
              "the same score always share a tier, so these tiers stay empty: {empty}.",
        "zh": "{n}只有 {distinct} 个不同的价值分，少于 {k} 个层级：价值分相同的客户总在同一"
              "层级，因此以下层级为空：{empty}。",
    },
    "tiers.note.share_tie": {
        "en": "Ties at the {tier} cut: {count} with the same value score as the last {tier} "
              "customer also joined {tier}, so {tier} holds {actual} of customers instead of "
              "{target}.",
        "zh": "{tier}分界处有并列：与{tier}最后一位客户价值分相同的 {count}也归入{tier}，"
              "因此{tier}占客户的 {actual}，而非设定的 {target}。",
    },
    "tiers.note.share_min_one": {
        "en": "At {target} of {n}, {tier} would hold no customer; it holds the best {count} "
              "instead ({actual}), so that no tier is empty.",
        "zh": "按 {target} 计算，{n}中没有客户能进入{tier}；为避免空层级，价值分最高的 {count}"
              "归入{tier}（占 {actual}）。",
    },
    "tiers.note.share_cut_raised": {
        "en": "The {tier} cut was raised so that every lower tier keeps at least one customer; "
              "{tier} holds {actual} of customers instead of {target}.",
        "zh": "为使以下各层级至少保留一位客户，{tier}的分界线被提高；{tier}占客户的 {actual}，"
              "而非设定的 {target}。",
    },
    "tiers.note.threshold_none": {
        "en": "No customer reaches the {tier} thresholds ({rule}); {tier} is empty.",
        "zh": "没有客户达到{tier}的门槛（{rule}）；{tier}为空。",
    },
    "tiers.note.threshold_taken": {
        "en": "Every customer who reaches the {tier} thresholds ({rule}) also reaches a higher "
              "tier's; {tier} is empty.",
        "zh": "达到{tier}门槛（{rule}）的客户也都达到了更高层级的门槛；{tier}为空。",
    },
    "tiers.note.threshold_last_empty": {
        "en": "Every customer reaches the thresholds of a higher tier; {tier} is empty.",
        "zh": "所有客户都达到了更高层级的门槛；{tier}为空。",
    },
    # migration sentences
    "tiers.move.down": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}降至{dst}。",
    },
    "tiers.move.up": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}升至{dst}。",
    },
    "tiers.move.other": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}调整为{dst}。",
    },
    "tiers.move.total": {
        "en": "In total, this change moves {count} ({revenue} revenue) to another tier.",
        "zh": "此调整共使 {count}（收入 {revenue}）变更层级。",
    },
    "tiers.move.none": {
        "en": "This change moves no customer to another tier.",
        "zh": "此调整不改变任何客户的层级。",
    },
    # settings errors
    "tiers.error.bad_json": {
        "en": "The settings are not valid JSON ({detail}).",
        "zh": "设置不是有效的 JSON（{detail}）。",
    },
    "tiers.error.bad_type": {
        "en": "Settings field '{field}' must be a JSON {expected}.",
        "zh": "设置项“{field}”必须是 JSON {expected}。",
    },
    "tiers.error.bad_number": {
        "en": "Settings field '{field}' must be a finite number, got {value}.",
        "zh": "设置项“{field}”必须是有限数值，实际为 {value}。",
    },
    "tiers.error.unknown_field": {
        "en": "Unknown settings field '{field}' (expected one of: {allowed}).",
        "zh": "未知的设置项“{field}”（应为以下之一：{allowed}）。",
    },
    "tiers.error.bad_version": {
        "en": "Settings version {version} is not supported (this app reads version 1).",
        "zh": "不支持版本为 {version} 的设置（本应用读取版本 1）。",
    },
    "tiers.error.tier_count": {
        "en": "There must be {min} to {max} tiers, got {count}.",
        "zh": "层级数量应为 {min} 到 {max} 个，实际为 {count} 个。",
    },
    "tiers.error.tier_key": {
        "en": "Tier key {key} must be a short lower-case identifier such as 'vip' or 'gold_2'.",
        "zh": "层级代码 {key} 必须是简短的小写标识符，例如“vip”或“gold_2”。",
    },
    "tiers.error.tier_duplicate": {
        "en": "Tier '{key}' appears more than once.",
        "zh": "层级“{key}”重复出现。",
    },
    "tiers.error.weight_key": {
        "en": "Unknown weight {key} (expected {allowed}).",
        "zh": "未知的权重 {key}（应为 {allowed}）。",
    },
    "tiers.error.weight_negative": {
        "en": "Weight '{key}' must not be negative, got {value}.",
        "zh": "权重“{key}”不能为负数，实际为 {value}。",
    },
    "tiers.error.weights_zero": {
        "en": "At least one weight must be positive.",
        "zh": "至少需要一个权重大于 0。",
    },
    "tiers.error.bad_mode": {
        "en": "Mode must be 'share' or 'threshold', got {value}.",
        "zh": "分层方式必须是“share”（按比例）或“threshold”（按门槛），实际为 {value}。",
    },
    "tiers.error.share_count": {
        "en": "{tiers} tiers need {tiers} shares, got {count}.",
        "zh": "{tiers} 个层级需要 {tiers} 个比例，实际为 {count} 个。",
    },
    "tiers.error.share_value": {
        "en": "The share of tier '{tier}' must be above 0 and at most 1, got {value}.",
        "zh": "层级“{tier}”的比例必须大于 0 且不超过 1，实际为 {value}。",
    },
    "tiers.error.share_sum": {
        "en": "The tier shares must add up to 100%, got {total}.",
        "zh": "各层级比例之和必须为 100%，实际为 {total}。",
    },
    "tiers.error.threshold_count": {
        "en": "Thresholds are needed for every tier except the last: {expected}, got {count}.",
        "zh": "除最后一个层级外每个层级都需要门槛：应为 {expected} 个，实际为 {count} 个。",
    },
    "tiers.error.threshold_negative": {
        "en": "Threshold {field} of tier '{tier}' must not be negative, got {value}.",
        "zh": "层级“{tier}”的门槛 {field} 不能为负数，实际为 {value}。",
    },
    "tiers.error.unknown_tier": {
        "en": "{field} names tier {key}, which is not one of the tiers.",
        "zh": "{field} 中的层级 {key} 不在层级列表中。",
    },
    "tiers.error.label_lang": {
        "en": "Tier labels can be given in 'en' and 'zh' only, got {lang}.",
        "zh": "层级名称只能使用“en”和“zh”两种语言，实际为 {lang}。",
    },
    "tiers.error.label_text": {
        "en": "The {lang} label of tier '{tier}' must be one line of at most 40 characters.",
        "zh": "层级“{tier}”的 {lang} 名称必须为单行且不超过 40 个字符。",
    },
    "tiers.error.bad_min_days": {
        "en": "annualize_min_days must be a whole number of days from 1 to 365, got {value}.",
        "zh": "annualize_min_days 必须是 1 到 365 之间的整数天数，实际为 {value}。",
    },
    "tiers.error.frequency_classes": {
        "en": "Frequency classes need high ≥ medium ≥ 0 shipments a year, got high {high} and "
              "medium {medium}.",
        "zh": "频次分类要求高频门槛 ≥ 中频门槛 ≥ 0（次/年），实际为高频 {high}、中频 {medium}。",
    },
    "tiers.error.rule_missing": {
        "en": "RFM rule {row} lacks '{field}'.",
        "zh": "第 {row} 条 RFM 规则缺少“{field}”。",
    },
    "tiers.error.rule_segment": {
        "en": "RFM rule {row} needs a segment name of at most 40 characters.",
        "zh": "第 {row} 条 RFM 规则需要不超过 40 个字符的细分名称。",
    },
    "tiers.error.rule_range": {
        "en": "RFM rule {row} ({segment}): the {axis} range must be whole scores with "
              "1 ≤ min ≤ max ≤ 5.",
        "zh": "第 {row} 条 RFM 规则（{segment}）：{axis} 范围必须为整数分值，且 1 ≤ 最小值 ≤ "
              "最大值 ≤ 5。",
    },
    "tiers.error.rules_cells": {
        "en": "Every R×F cell must belong to exactly one segment; cells (r, f) without a "
              "segment: {gaps}; cells with several: {overlaps}.",
        "zh": "每个 R×F 单元格必须恰好属于一个细分；没有细分的单元格 (r, f)：{gaps}；"
              "属于多个细分的单元格：{overlaps}。",
    },
    "tiers.error.playbook_count": {
        "en": "Tier '{tier}' can have at most {max} recommended actions.",
        "zh": "层级“{tier}”最多可设置 {max} 条建议措施。",
    },
    "tiers.error.playbook_action": {
        "en": "Each action of tier '{tier}' must be one line of at most {max} characters.",
        "zh": "层级“{tier}”的每条措施必须为单行且不超过 {max} 个字符。",
    },
    # default playbook
    "playbook.vip.1": {
        "en": "Assign a dedicated account manager and review the account every quarter",
        "zh": "配备专属客户经理，每季度回访并复盘业务",
    },
    "playbook.vip.2": {
        "en": "Offer door-to-door pickup with priority handling",
        "zh": "提供优先上门揽收与优先处理",
    },
    "playbook.vip.3": {
        "en": "Agree tailored contract prices and monthly settlement",
        "zh": "签订定制协议价，支持月结",
    },
    "playbook.vip.4": {
        "en": "Resolve complaints within 24 hours through a named contact",
        "zh": "投诉 24 小时内由专人闭环处理",
    },
    "playbook.premium.1": {
        "en": "Visit or call every month; review volumes and service issues",
        "zh": "每月走访或电话回访，梳理业务量和服务问题",
    },
    "playbook.premium.2": {
        "en": "Offer volume-tiered discounts to consolidate their shipments with us",
        "zh": "提供阶梯量价折扣，争取集中发件",
    },
    "playbook.premium.3": {
        "en": "Introduce the express and international services that fit their flows",
        "zh": "推荐适合其业务的特快及国际业务",
    },
    "playbook.high.1": {
        "en": "Call every quarter and check satisfaction",
        "zh": "每季度电话回访，了解满意度",
    },
    "playbook.high.2": {
        "en": "Offer a volume discount for regular shipments",
        "zh": "针对稳定寄件提供量价优惠",
    },
    "playbook.high.3": {
        "en": "Cross-sell pickup, packaging and insurance services",
        "zh": "交叉推荐上门揽收、包装和保价服务",
    },
    "playbook.medium.1": {
        "en": "Send targeted coupons to raise sending frequency",
        "zh": "定向发放优惠券，提升寄件频次",
    },
    "playbook.medium.2": {
        "en": "Invite them to order through the app or mini program",
        "zh": "引导使用 App 或小程序自助下单",
    },
    "playbook.medium.3": {
        "en": "Run a short satisfaction survey after shipments",
        "zh": "寄件后开展简短满意度调查",
    },
    "playbook.low.1": {
        "en": "Serve through low-cost digital channels (SMS, mini program)",
        "zh": "通过短信、小程序等低成本渠道服务",
    },
    "playbook.low.2": {
        "en": "Send a win-back offer after 90 days without a shipment",
        "zh": "对 90 天未寄件的客户推送召回优惠",
    },
    "playbook.low.3": {
        "en": "Keep standard counter service without dedicated follow-up",
        "zh": "保持标准柜台服务，不安排专人跟进",
    },
})
