"""The grading settings: :class:`TierSettings` (validated, JSON round-trip safe),
:class:`Threshold`, :class:`SettingsError` and the RFM rules grid check."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import formatting, i18n
from .constants import (
    DEFAULT_ANNUALIZE_MIN_DAYS,
    DEFAULT_FREQUENCY_CLASSES,
    DEFAULT_PLAYBOOK,
    DEFAULT_WEIGHTS,
    FORMAT_VERSION,
    GONE,
    MAX_ACTION_CHARS,
    MAX_ACTIONS,
    MAX_TIERS,
    MEASURES,
    METADATA_FIELDS,
    MIN_TIERS,
    NEW,
    RFM_SEGMENT_RULES,
    RULE_FIELDS,
    SETTINGS_FIELDS,
    SHARE_TOLERANCE,
    THRESHOLD_LADDER,
    TIER_KEY,
    TIER_SETS,
    WEIGHT_ALIASES,
)


class SettingsError(i18n.LocalizedError):
    """Invalid tier settings or preset; ``code`` names the message ``tiers.error.<code>``."""

    prefix = "tiers.error"



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
                                spend=formatting.money(self.min_spend, lang)))
        if self.min_shipments is not None:
            parts.append(i18n.t("tiers.rule.shipments", lang,
                                shipments=formatting.number(
                                    self.min_shipments, lang,
                                    0 if float(self.min_shipments).is_integer() else 1)))
        if not parts:
            return i18n.t("tiers.rule.none", lang)
        return i18n.t("tiers.rule.and", lang).join(parts)


def _default_thresholds(n_tiers: int) -> tuple[Threshold, ...]:
    ladder = THRESHOLD_LADDER
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


def default_tier_label(tier: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a tier key without overrides: ``tier.<key>`` from the catalogue,
    the flow pseudo tiers :data:`NEW` / :data:`GONE`, else the key itself."""
    if tier == NEW:
        return i18n.t("tiers.flow.new", lang)
    if tier == GONE:
        return i18n.t("tiers.flow.gone", lang)
    key = f"tier.{tier}"
    return i18n.t(key, lang) if i18n.has(key) else str(tier)


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
            if not isinstance(key, str) or not TIER_KEY.match(key):
                raise SettingsError("tier_key", key=repr(key))
        dupes = sorted({k for k in tiers if tiers.count(k) > 1})
        if dupes:
            raise SettingsError("tier_duplicate", key=dupes[0])
        return tiers

    @staticmethod
    def _check_weights(weights: Any) -> dict[str, float]:
        out = dict.fromkeys(MEASURES, 0.0)
        for key, value in _mapping(weights, "weights").items():
            canonical = WEIGHT_ALIASES.get(str(key))
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
        if abs(total - 1) > SHARE_TOLERANCE:
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
            missing = [f for f in RULE_FIELDS if f not in rule]
            if missing:
                raise SettingsError("rule_missing", row=i, field=missing[0])
            unknown = set(rule) - set(RULE_FIELDS)
            if unknown:
                raise SettingsError("unknown_field", field=f"rfm_rules.{sorted(unknown)[0]}",
                                    allowed=", ".join(RULE_FIELDS))
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
            "version": FORMAT_VERSION,
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
        unknown = [k for k in data if k not in SETTINGS_FIELDS + METADATA_FIELDS]
        if unknown:
            raise SettingsError("unknown_field", field=str(unknown[0]),
                                allowed=", ".join(SETTINGS_FIELDS))
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise SettingsError("bad_version", version=repr(version))
        return cls(**{k: data[k] for k in SETTINGS_FIELDS if k in data})

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
        return TierSettings(**{k: data[k] for k in SETTINGS_FIELDS})

    def label(self, tier: str, lang: str = i18n.DEFAULT_LANG) -> str:
        """Display name of a tier key (override, else ``tier.<key>``, else the key)."""
        return self.labels.get(tier, {}).get(lang) or default_tier_label(tier, lang)

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
        return pd.DataFrame(list(self.rfm_rules), columns=list(RULE_FIELDS))

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
