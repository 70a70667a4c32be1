"""Satisfaction surveys (满意度调查) and complaint handling (投诉处理).

Definitions (the satisfaction page shows these; tests check each on hand-made data):

* **Scale.** A survey scale is a row of :data:`SCALES`: ``1-5`` and ``1-7``
  give a **CSAT**, the share of "satisfied" answers (the top two boxes:
  4-5, 6-7); ``0-10`` gives an **NPS**, the share of promoters (9-10) minus the
  share of detractors (0-6), a number in [-1, 1] shown as -100..+100;
  ``0-100`` gives a CSAT with satisfied from 80. :func:`detect_scale` picks the
  smallest scale that holds every score; the user can override it.
* **Uncertainty band** of a period's figure, at ``confidence`` (default 95 %):
  the Wilson score interval for a CSAT share; the normal approximation
  ``NPS ± z·sqrt((p_promoter + p_detractor - NPS²) / n)`` (clipped to
  [-1, 1]) for an NPS; Student's t interval ``mean ± t·s/sqrt(n)`` for a mean
  score. No band with fewer than two responses.
* **Alert** (:func:`score_alerts`): a group (a branch, a tier, a region, a
  customer type) whose CSAT / NPS in the current period ``(as_of - P, as_of]``
  fell below its baseline, the ``baseline_periods`` periods before it, by more
  than the noise allows:

  ``adj_now - adj_base < -z · sqrt(v_now + v_base)``

  where ``adj`` is the figure with one "good" and one "bad" pseudo-answer
  added (Agresti-Caffo: a CSAT share ``(good + 1) / (n + 2)``, an NPS with one
  promoter and one detractor more) and ``v`` its variance (``p(1-p)/(n+2)``;
  ``(p_prom + p_det - NPS²) / (n + 2)`` for an NPS). This is a one-sided
  two-sample test of the drop at about 2.5 % for ``z = 1.96``; the pseudo
  answers keep a 5-out-of-5 branch from having zero variance. Both periods
  need at least ``min_responses`` answers.
* **Key drivers** (:func:`key_drivers`): importance of a dimension = its
  standardised coefficient in a least-squares regression of the overall score
  on all dimensions (so that a dimension that merely moves with the others
  gets little credit); performance = the dimension's mean score. The quadrant
  splits at the medians of the dimensions shown (importance-performance
  analysis): ``fix`` (important, weak), ``keep`` (important, strong),
  ``overkill`` (less important, strong), ``low_priority`` (less important, weak).
* **Complaints.** A complaint counts from its ``date``; it is *open* at
  ``as_of`` when its ``resolved_date`` is after ``as_of``, or when it has no
  resolved date and its ``status`` is missing or ``open`` (the customer view
  uses the same rule). Resolution time = ``resolved_date - date`` in days;
  age of an open complaint = ``as_of - date``; an open complaint is *past the
  SLA* when its age exceeds ``sla_days``. A *shipment* is a transaction with
  ``amount >= 0`` (as on the overview); rates are complaints per 1,000
  shipments of the same customers in the same period.
* **Voice of the customer** (:func:`top_terms`): the share of comments that
  mention a term. Chinese has no spaces, so CJK runs are cut into character
  n-grams (2..``max_n``) that neither start nor end with a function character
  (的, 了, 吗 …); English is cut into words (stop words dropped) and two-word
  phrases. A term is dropped when a longer term containing it occurs in at
  least 80 % of its comments (so "快递太慢" is kept, its fragment "递太" is
  not). No dictionary, no model, nothing downloaded.

* **Whose answers.** Surveys and complaints inherit the attributes (branch,
  region, customer type, urban/rural, tier) of their customer: from the
  customer view, or from the customers table for a customer without any
  shipment up to ``as_of`` (who then has no tier). With no filter and no tier
  chosen every row counts, also rows without a customer id; with any, only
  the rows of matching customers.

Typical use (the satisfaction page does this)::

    attrs = customer_attributes(view, customers=read_table(engine, "customers"))
    ships = shipment_counts(engine, shipment_windows(as_of))
    data = prepare(read_table(engine, "surveys", as_of=as_of),
                   read_table(engine, "complaints", as_of=as_of), attrs, ships, as_of=as_of)
    data = data.select(filters).with_tiers(tiers).select(tiers=["vip"])
    headline(data); survey_trend(data); score_alerts(data); key_drivers(data, by="tier")
    complaint_trend(data); sla_breaches(data, sla_days=7); top_terms(comments)

Nothing here imports Streamlit or reads the clock: ``as_of`` is an argument.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats
from sklearn.linear_model import LinearRegression

from . import i18n
from .access import Scope
from .filters import FILTER_COLUMNS, Filters, apply_filters, normalize_filters
from .schema import SURVEY_DIMENSIONS
from .scoping import is_limited
from .sql import (
    as_text,
    connected,
    count_if,
    fetch,
    is_purchase,
    positions_in,
    resolve_tables,
    scope_sources,
    transactions_source,
)

__all__ = [
    "CURRENT",
    "DRIVER_QUADRANTS",
    "GROUP_COLUMNS",
    "PREVIOUS",
    "SCALES",
    "Scale",
    "SatisfactionData",
    "SatisfactionError",
    "churn_groups",
    "COMPLAINT_TEXT_COLUMNS",
    "complaint_breakdown",
    "complaint_mix",
    "complaint_texts",
    "complaint_trend",
    "compare_groups",
    "customer_attributes",
    "detect_scale",
    "dimension_trend",
    "get_scale",
    "headline",
    "index_estimates",
    "key_drivers",
    "label",
    "low_score_comments",
    "mean_interval",
    "month_windows",
    "load",
    "prepare",
    "prepare_complaints",
    "read_table",
    "repeat_complainers",
    "resolution_summary",
    "score_alerts",
    "segment_summary",
    "shipment_counts",
    "shipment_windows",
    "sla_breaches",
    "survey_dimensions",
    "survey_trend",
    "tokenize",
    "top_terms",
    "wilson_interval",
]

# --------------------------------------------------------------------------- constants

#: Customer attributes a survey or complaint can be grouped or filtered by.
GROUP_COLUMNS: tuple[str, ...] = ("tier", *FILTER_COLUMNS)
#: Labels of the two period windows in :func:`shipment_windows`.
CURRENT, PREVIOUS = "current", "previous"
#: Survey columns that are never dimension scores.
_NOT_DIMENSIONS = frozenset({"score", "customer_id", "date", "channel", "comment",
                             *GROUP_COLUMNS})
#: Complaint columns that may carry free text (none is canonical yet).
COMPLAINT_TEXT_COLUMNS: tuple[str, ...] = ("comment", "description", "content", "text")
_OPEN = "open"


@dataclass(frozen=True)
class Scale:
    """A survey scale and how its headline figure is computed.

    Attributes
    ----------
    key : ``"1-5"``, ``"1-7"``, ``"0-10"``, ``"0-100"``.
    low, high : the range of valid scores.
    kind : ``"csat"`` (share of ``score >= good_min``) or ``"nps"``
        (share ``>= good_min`` minus share ``<= bad_max``).
    good_min : lowest satisfied (CSAT) / promoter (NPS) score.
    low_max : highest "low" score, whose comments the voice of the customer
        reads by default (the bottom boxes: 1-2 of 5; the detractors of an NPS).
    bad_max : highest detractor score (NPS only).
    """

    key: str
    low: float
    high: float
    kind: Literal["csat", "nps"]
    good_min: float
    low_max: float
    bad_max: float | None = None

    def label(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """``CSAT (share of 4-5)`` / ``NPS (0-10)`` in ``lang``."""
        if self.kind == "nps":
            return i18n.t("sat.scale.nps", lang, low=_num(self.low), high=_num(self.high))
        return i18n.t("sat.scale.csat", lang, good=_num(self.good_min), high=_num(self.high))



#: The scales :func:`detect_scale` chooses from, smallest first (rules as data).
SCALES: dict[str, Scale] = {
    s.key: s for s in (
        Scale("1-5", 1, 5, "csat", good_min=4, low_max=2),
        Scale("1-7", 1, 7, "csat", good_min=6, low_max=3),
        Scale("0-10", 0, 10, "nps", good_min=9, low_max=6, bad_max=6),
        Scale("0-100", 0, 100, "csat", good_min=80, low_max=50),
    )
}

#: Importance-performance quadrants: key -> (high importance, high performance).
DRIVER_QUADRANTS: dict[str, tuple[bool, bool]] = {
    "fix": (True, False),
    "keep": (True, True),
    "overkill": (False, True),
    "low_priority": (False, False),
}

i18n.register({
    "sat.scale.csat": {"en": "CSAT (share of {good}–{high})",
                       "zh": "CSAT（{good}–{high} 分占比）"},
    "sat.scale.nps": {"en": "NPS ({low}–{high})", "zh": "NPS（{low}–{high} 分）"},
    "sat.quadrant.fix": {"en": "Fix first", "zh": "优先改进"},
    "sat.quadrant.keep": {"en": "Keep it up", "zh": "继续保持"},
    "sat.quadrant.overkill": {"en": "Possible overkill", "zh": "可能过度投入"},
    "sat.quadrant.low_priority": {"en": "Low priority", "zh": "次要关注"},
    "sat.dimension.speed": {"en": "Speed", "zh": "时效"},
    "sat.dimension.attitude": {"en": "Attitude", "zh": "服务态度"},
    "sat.dimension.accuracy": {"en": "Accuracy", "zh": "准确性"},
    "sat.dimension.price": {"en": "Price", "zh": "价格"},
    "sat.dimension.convenience": {"en": "Convenience", "zh": "便利性"},
    "sat.dimension.score": {"en": "Overall", "zh": "总体评价"},
    "sat.category.delay": {"en": "Delay", "zh": "延误"},
    "sat.category.damage": {"en": "Damage", "zh": "破损"},
    "sat.category.loss": {"en": "Loss", "zh": "丢失"},
    "sat.category.attitude": {"en": "Attitude", "zh": "服务态度"},
    "sat.category.billing": {"en": "Billing", "zh": "计费"},
    "sat.severity.low": {"en": "Low", "zh": "轻微"},
    "sat.severity.medium": {"en": "Medium", "zh": "一般"},
    "sat.severity.high": {"en": "High", "zh": "严重"},
    "sat.error.no_scores": {"en": "The surveys table has no scores to read a scale from.",
                            "zh": "满意度调查表中没有评分，无法判断评分量表。"},
    "sat.error.scale_unknown": {
        "en": "Scores run from {low} to {high}, which fits none of the scales 1–5, 1–7, "
              "0–10 or 0–100. Choose the scale by hand or rescale the scores.",
        "zh": "评分范围为 {low} 至 {high}，不属于 1–5、1–7、0–10 或 0–100 中的任何量表。"
              "请手动选择量表或换算评分。",
    },
    "sat.error.unknown_scale_key": {"en": "Unknown scale '{key}'; choose one of {keys}.",
                                    "zh": "未知量表“{key}”，可选：{keys}。"},
})


def _num(value: float) -> str:
    return f"{value:g}"


class SatisfactionError(i18n.LocalizedError):
    """A problem with survey or complaint data; ``code`` names ``sat.error.<code>``."""

    prefix = "sat.error"


def label(kind: str, value: object, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a dimension / category / severity / quadrant value (else the value)."""
    key = f"sat.{kind}.{value}"
    return i18n.t(key, lang) if i18n.has(key) else str(value)


# --------------------------------------------------------------------------- scales


def detect_scale(scores: pd.Series | Sequence[float]) -> Scale:
    """The smallest scale of :data:`SCALES` that holds every non-missing score.

    Raises
    ------
    SatisfactionError
        ``no_scores`` without any score; ``scale_unknown`` when the scores fit
        no scale (negative, or above 100).
    """
    values = pd.to_numeric(pd.Series(scores), errors="coerce").dropna()
    if values.empty:
        raise SatisfactionError("no_scores")
    lo, hi = float(values.min()), float(values.max())
    for scale in SCALES.values():
        if scale.low <= lo and hi <= scale.high:
            return scale
    raise SatisfactionError("scale_unknown", low=_num(lo), high=_num(hi))


def get_scale(key: str) -> Scale:
    """The scale named ``key`` (``"1-5"`` …); :class:`SatisfactionError` if unknown."""
    if key not in SCALES:
        raise SatisfactionError("unknown_scale_key", key=key, keys=", ".join(SCALES))
    return SCALES[key]


def survey_dimensions(surveys: pd.DataFrame) -> list[str]:
    """Dimension score columns: the known ones (speed, attitude …) first, then other numbers.

    A column counts when it is numeric, not ``score`` / an id / an attribute,
    and has at least one value.
    """
    known = [c for c in SURVEY_DIMENSIONS if c in surveys.columns]
    other = [c for c in surveys.columns
             if c not in known and c not in _NOT_DIMENSIONS
             and pd.api.types.is_numeric_dtype(surveys[c])
             and not pd.api.types.is_bool_dtype(surveys[c])]
    return [c for c in (*known, *other) if surveys[c].notna().any()]


# --------------------------------------------------------------------------- intervals


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: np.ndarray | float, n: np.ndarray | float, *,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``successes / n`` (NaN where ``n == 0``)."""
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(n, dtype="float64")
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = centre - half, centre + half
    bad = n <= 0
    return np.where(bad, np.nan, np.clip(lo, 0, 1)), np.where(bad, np.nan, np.clip(hi, 0, 1))


def mean_interval(mean: np.ndarray | float, sd: np.ndarray | float, n: np.ndarray | float, *,
                  confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval of a mean from its sample sd (ddof 1); NaN where ``n < 2``."""
    mean = np.asarray(mean, dtype="float64")
    n = np.asarray(n, dtype="float64")
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    t = stats.t.ppf(0.5 + confidence / 2, df)
    half = np.where(ok, t * np.asarray(sd, dtype="float64") / np.sqrt(np.where(ok, n, 1.0)),
                    np.nan)
    return mean - half, mean + half


def _nps_interval(prom: np.ndarray, det: np.ndarray, n: np.ndarray, z: float):
    with np.errstate(divide="ignore", invalid="ignore"):
        pp, pd_ = prom / n, det / n
        nps = pp - pd_
        half = z * np.sqrt(np.maximum(pp + pd_ - nps * nps, 0.0) / n)
    bad = n <= 0
    return (np.where(bad, np.nan, np.clip(nps - half, -1, 1)),
            np.where(bad, np.nan, np.clip(nps + half, -1, 1)))


def _counts(frame: pd.DataFrame, scale: Scale, keys: Sequence[str]) -> pd.DataFrame:
    """Per group of ``keys``: responses, good, bad, score sum and sum of squares."""
    score = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    ok = score.notna()
    parts = pd.DataFrame({
        **{k: frame[k] for k in keys},
        "responses": ok.astype("int64"),
        "good": (score >= scale.good_min).astype("int64"),
        "bad": ((score <= scale.bad_max) if scale.bad_max is not None
                else (score < scale.good_min)).astype("int64") * ok,
        "score_sum": score.fillna(0.0),
        "score_sq": score.fillna(0.0) ** 2,
    })[ok.to_numpy()]
    if not keys:
        return parts.drop(columns=list(keys)).sum().to_frame().T
    return parts.groupby(list(keys), observed=True, sort=True, dropna=True).sum()


def _finish(counts: pd.DataFrame, scale: Scale, confidence: float) -> pd.DataFrame:
    """Mean, index and their intervals from :func:`_counts`."""
    n = counts["responses"].to_numpy(dtype="float64")
    good, bad = counts["good"].to_numpy("float64"), counts["bad"].to_numpy("float64")
    s, sq = counts["score_sum"].to_numpy("float64"), counts["score_sq"].to_numpy("float64")
    out = pd.DataFrame(index=counts.index)
    out["responses"] = counts["responses"].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        var = np.where(n > 1, (sq - n * mean * mean) / (n - 1), np.nan)
    sd = np.sqrt(np.maximum(var, 0.0))
    out["mean"] = mean
    out["mean_lo"], out["mean_hi"] = mean_interval(mean, sd, n, confidence=confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale.kind == "nps":
            index = np.where(n > 0, (good - bad) / n, np.nan)
            lo, hi = _nps_interval(good, bad, n, _z(confidence))
        else:
            index = np.where(n > 0, good / n, np.nan)
            lo, hi = wilson_interval(good, n, confidence=confidence)
    out["index"], out["index_lo"], out["index_hi"] = index, lo, hi
    return out


def index_estimates(surveys: pd.DataFrame, scale: Scale, *, by: str | Sequence[str] | None = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """CSAT / NPS and mean score with their intervals, overall or per group.

    Parameters
    ----------
    surveys : rows with ``score`` (and the ``by`` columns).
    scale : decides the index (CSAT share or NPS).
    by : grouping column(s); ``None`` for one overall row (index 0).
    confidence : of the intervals.

    Returns
    -------
    DataFrame with ``responses``, ``mean``, ``mean_lo``, ``mean_hi``, ``index``
    (CSAT in [0, 1] or NPS in [-1, 1]), ``index_lo``, ``index_hi``.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    return _finish(_counts(surveys, scale, keys), scale, confidence)


def _adjusted(counts: pd.DataFrame, scale: Scale) -> tuple[pd.Series, pd.Series]:
    """Index and its variance with one good and one bad pseudo-answer (Agresti-Caffo)."""
    n = counts["responses"].astype("float64") + 2
    good = counts["good"].astype("float64") + 1
    bad = counts["bad"].astype("float64") + 1
    if scale.kind == "nps":
        pp, pd_ = good / n, bad / n
        value = pp - pd_
        return value, (pp + pd_ - value * value) / n
    p = good / n
    return p, p * (1 - p) / n


# --------------------------------------------------------------------------- inputs


def customer_attributes(view: pd.DataFrame, tiers: pd.Series | None = None,
                        customers: pd.DataFrame | None = None,
                        extra: Sequence[str] = ()) -> pd.DataFrame:
    """Per customer: the group columns a survey or complaint inherits.

    Parameters
    ----------
    view : customer view indexed by ``customer_id`` (branch, region, … where present).
    tiers : ``tier`` per customer (index = customer_id), e.g. ``assign(...).scored["tier"]``.
    customers : the customers table (``customer_id`` and attributes), for the
        customers the view lacks (no shipment up to ``as_of``) but who answered
        a survey or complained: they keep their branch, region … and get no tier.
    extra : further view columns to keep (e.g. ``churn_risk``).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (text), view customers first, with
    ``tier`` (when given: the tier key, missing outside the view) and the
    :data:`FILTER_COLUMNS` the view or the customers table has.
    """
    cols = [c for c in (*FILTER_COLUMNS, *extra) if c in view.columns]
    out = view[cols].copy()
    out.index = pd.Index(as_text(pd.Series(out.index)), name="customer_id")
    if customers is not None and "customer_id" in customers.columns:
        known = customers.dropna(subset=["customer_id"])
        known = known.assign(customer_id=as_text(known["customer_id"].astype("string")))
        known = known.drop_duplicates("customer_id").set_index("customer_id")
        rest = known[~known.index.isin(out.index)]
        more = [c for c in FILTER_COLUMNS if c in known.columns]
        if len(rest):
            out = pd.concat([out.astype(object), rest[more].astype(object)])
        out.index.name = "customer_id"
    if tiers is not None:
        t = tiers.copy()
        t.index = pd.Index(as_text(pd.Series(t.index)))
        t = t.reindex(out.index)
        out.insert(0, "tier", np.where(t.isna().to_numpy(), None, t.astype(object).to_numpy()))
    return out


def _lookup(series: pd.Series, ids: pd.Series | pd.Index) -> np.ndarray:
    """``series`` (indexed by customer id) at each of ``ids``: object array, None when absent.

    A hash lookup through Arrow, much faster than ``reindex`` on millions of text ids.
    """
    pos = positions_in(pd.Series(ids, copy=False).fillna(""), series.index)
    values = series.to_numpy(dtype=object)
    if not len(values):
        return np.full(len(pos), None, dtype=object)
    out = values[np.maximum(pos, 0)]
    out[pos < 0] = None
    return out


def _ids(values: pd.Series) -> pd.Series:
    """Customer ids as text (no conversion when they already are)."""
    return values if pd.api.types.is_string_dtype(values.dtype) else values.astype("string")


def _attach(table: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the attribute columns of its customer (missing when unknown)."""
    out = table.drop(columns=[c for c in attributes.columns if c in table.columns])
    if "customer_id" in table.columns:
        ids = _ids(table["customer_id"])
        for col in attributes.columns:
            out[col] = pd.Series(_lookup(attributes[col], ids), index=out.index, dtype="object")
    else:
        for col in attributes.columns:
            out[col] = pd.Series(None, index=out.index, dtype="object")
    return out


def prepare_complaints(complaints: pd.DataFrame, *, as_of: date | pd.Timestamp) -> pd.DataFrame:
    """Complaints dated up to ``as_of`` with their state at ``as_of``.

    Parameters
    ----------
    complaints : ``customer_id``, ``date``, ``category``; optional ``status``,
        ``resolved_date``, ``severity``, ``complaint_id``.
    as_of : the analysis day.

    Returns
    -------
    A copy with ``is_open`` (bool), ``resolution_days`` (float, resolved ones
    only) and ``age_days`` (float, open ones only) added.
    """
    as_of = _day(as_of)
    cp = complaints[pd.to_datetime(complaints["date"]) <= as_of].copy()
    cp["date"] = pd.to_datetime(cp["date"])
    resolved = (pd.to_datetime(cp["resolved_date"]) if "resolved_date" in cp
                else pd.Series(pd.NaT, index=cp.index, dtype="datetime64[ns]"))
    if "status" in cp:
        status = cp["status"].astype("string").str.strip().str.lower()
        by_status = (status.isna() | (status == _OPEN)).fillna(True).astype(bool)
    else:
        by_status = pd.Series("resolved_date" not in cp, index=cp.index)
    is_open = np.where(resolved.notna(), resolved > as_of, by_status)
    cp["is_open"] = is_open.astype(bool)
    day = pd.Timedelta(days=1)
    done = resolved.notna() & ~cp["is_open"]
    cp["resolution_days"] = ((resolved - cp["date"]) / day).where(done).astype("float64")
    cp["age_days"] = ((as_of - cp["date"]) / day).where(cp["is_open"]).astype("float64")
    return cp


def _day(value: date | pd.Timestamp | str) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def month_windows(as_of: date | pd.Timestamp, months: int = 24
                  ) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """``{"YYYY-MM": (first day, day after the window)}`` for the ``months`` months to ``as_of``.

    The month of ``as_of`` ends at ``as_of`` (inclusive).
    """
    as_of = _day(as_of)
    last = as_of.to_period("M")
    out = {}
    for period in pd.period_range(last - (months - 1), last, freq="M"):
        start = period.to_timestamp()
        end = (period + 1).to_timestamp() if period != last else as_of + pd.Timedelta(days=1)
        out[str(period)] = (start, end)
    return out


def shipment_windows(as_of: date | pd.Timestamp, *, period_days: int = 90, months: int = 24
                     ) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """:data:`CURRENT` ``(as_of - P, as_of]``, :data:`PREVIOUS` (the P days before) and months."""
    as_of = _day(as_of)
    end = as_of + pd.Timedelta(days=1)
    p = pd.Timedelta(days=period_days)
    return {CURRENT: (end - p, end), PREVIOUS: (end - 2 * p, end - p),
            **month_windows(as_of, months)}


def shipment_counts(bind: sa.Engine | sa.Connection,
                    windows: Mapping[str, tuple[date | pd.Timestamp, date | pd.Timestamp]], *,
                    table_names: Mapping[str, str] | None = None,
                    scope: Scope | None = None) -> pd.DataFrame:
    """Shipments (transactions with ``amount >= 0``) per customer and window, in the database.

    One ``GROUP BY customer_id`` with a conditional count per window; only the
    per-customer counts travel.

    Parameters
    ----------
    bind : engine or connection holding ``transactions``.
    windows : label -> (first day, first day after), half-open, e.g. from
        :func:`shipment_windows`.
    table_names : canonical table -> actual name.
    scope : count only the customers who may be in this scope (a ``WHERE``,
        see :mod:`segmentation.scoping`; the caller keeps those whose home
        branch / region is in it).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (text) with one int32 column per
    window label; customers without a shipment in any window are absent.
    """
    with connected(bind) as conn:
        found = scope_sources(resolve_tables(conn, table_names), scope)
        tx = transactions_source(found, table_names)
        cid, day, amount = tx.c("customer_id"), tx.c("date"), tx.c("amount")
        cols = [cid.label("customer_id")]
        for i, (start, end) in enumerate(windows.values()):
            lo = sa.bindparam(f"w{i}_start", _day(start).date(), type_=sa.Date())
            hi = sa.bindparam(f"w{i}_end", _day(end).date(), type_=sa.Date())
            cols.append(count_if(sa.and_(is_purchase(amount), day >= lo, day < hi)).label(f"w{i}"))
        first = min(_day(s) for s, _ in windows.values()).date()
        last = max(_day(e) for _, e in windows.values()).date()
        query = (sa.select(*cols).select_from(tx.table)
                 .where(cid.is_not(None), is_purchase(amount),
                        day >= sa.bindparam("all_start", first, type_=sa.Date()),
                        day < sa.bindparam("all_end", last, type_=sa.Date()))
                 .group_by(cid))
        raw = fetch(conn, query)
    labels = list(windows)
    # int32: one column per month for every customer, kept compact at a million customers
    out = pd.DataFrame({label: pd.to_numeric(raw[f"w{i}"]).fillna(0).astype("int32").to_numpy()
                        for i, label in enumerate(labels)},
                       index=pd.Index(as_text(raw["customer_id"]), name="customer_id"))
    return out.sort_index()


def read_table(bind: sa.Engine | sa.Connection,
               table: Literal["surveys", "complaints", "customers"], *,
               as_of: date | pd.Timestamp | None = None, columns: Sequence[str] | None = None,
               table_names: Mapping[str, str] | None = None,
               scope: Scope | None = None) -> pd.DataFrame | None:
    """A canonical table (surveys, complaints: small), rows dated after ``as_of`` left out.

    Column names are matched case-insensitively and returned in lower case;
    ``date`` and ``resolved_date`` become ``datetime64``. ``columns`` limits
    the columns read (absent ones are skipped). ``None`` when the table does
    not exist. ``scope``: only the rows of customers who may be in it (a ``WHERE``, see
    :mod:`segmentation.scoping`); a table without ``customer_id`` is read whole.
    """
    with connected(bind) as conn:
        found = scope_sources(resolve_tables(conn, table_names), scope).get(table)
        if found is None:
            return None
        wanted = [c for c in (columns or found.columns) if c in found.columns]
        query = sa.select(*(found.c(c).label(c) for c in wanted)).select_from(found.table)
        if as_of is not None and found.has("date"):
            query = query.where(found.c("date") < sa.bindparam(
                "end_excl", (_day(as_of) + pd.Timedelta(days=1)).date(), type_=sa.Date()))
        frame = fetch(conn, query)
    for col in ("date", "resolved_date"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    if "customer_id" in frame.columns:
        ids = frame["customer_id"]
        frame["customer_id"] = ids.where(ids.isna(), as_text(ids.astype("string")))
    return frame


# --------------------------------------------------------------------------- the data bundle


@dataclass(frozen=True)
class SatisfactionData:
    """Surveys, complaints and shipments of one dataset at one ``as_of``, ready to slice.

    Build with :func:`prepare`; restrict with :meth:`select`. Frames are shared
    between selections (treat them as read-only).

    Attributes
    ----------
    as_of : the analysis day.
    surveys : responses dated up to ``as_of`` with the group columns of their
        customer, or ``None`` without a surveys table.
    complaints : :func:`prepare_complaints` output with the group columns, or ``None``.
    shipments : :func:`shipment_counts` of the selected customers, or ``None``.
    attributes : :func:`customer_attributes` of the selected customers.
    scale : the survey scale (detected or chosen); ``None`` without surveys.
    dimensions : the survey's dimension columns.
    selected : whether a filter is active (then rows of unknown customers are out).
    """

    as_of: pd.Timestamp
    surveys: pd.DataFrame | None
    complaints: pd.DataFrame | None
    shipments: pd.DataFrame | None
    attributes: pd.DataFrame
    scale: Scale | None
    dimensions: tuple[str, ...] = ()
    selected: bool = False

    @property
    def has_surveys(self) -> bool:
        return self.surveys is not None and self.scale is not None

    @property
    def has_complaints(self) -> bool:
        return self.complaints is not None

    def with_scale(self, scale: Scale | str | None) -> SatisfactionData:
        """The same data read on another scale (``None``: keep the detected one)."""
        if scale is None or not self.has_surveys:
            return self
        scale = get_scale(scale) if isinstance(scale, str) else scale
        return replace(self, scale=scale)

    def select(self, filters: Filters | None = None,
               tiers: Iterable[str] | None = None) -> SatisfactionData:
        """Only the customers matching ``filters`` (global filters) and ``tiers``.

        With no filter and no tier, everything stays, including answers and
        complaints of customers outside the customer view (or without a
        customer id); with any, only rows of matching customers remain.
        """
        tiers = tuple(sorted({str(t) for t in tiers or ()}))
        norm = normalize_filters(filters)
        if not norm and not tiers:
            return self
        attrs = apply_filters(self.attributes, dict(norm))
        if tiers and "tier" in attrs.columns:
            attrs = attrs[attrs["tier"].isin(tiers).to_numpy()]
        return self._keep(attrs)

    def within(self, scope: Scope | None) -> SatisfactionData:
        """Only the customers whose branch / region is in ``scope``: answers and
        complaints without a known customer are in no limited scope."""
        if not is_limited(scope):
            return self
        return self._keep(scope.apply(self.attributes))

    def _keep(self, attrs: pd.DataFrame) -> SatisfactionData:
        keep = attrs.index

        def _rows(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            if "customer_id" not in frame.columns:
                return frame.iloc[:0]
            ids = _ids(frame["customer_id"]).fillna("")
            return frame[positions_in(ids, keep) >= 0]

        shipments = None if self.shipments is None else self.shipments[
            positions_in(self.shipments.index, keep) >= 0]
        return replace(self, surveys=_rows(self.surveys), complaints=_rows(self.complaints),
                       shipments=shipments, attributes=attrs, selected=True)

    def with_tiers(self, tiers: pd.Series | None) -> SatisfactionData:
        """The same data with the ``tier`` of each customer replaced (``None``: no tiers).

        ``tiers`` is indexed by ``customer_id`` (e.g. ``assign(...).scored["tier"]``);
        customers it lacks get no tier.
        """
        attrs = self.attributes.drop(columns="tier", errors="ignore")
        if tiers is not None:
            t = pd.Series(tiers.astype(object).to_numpy(),
                          index=pd.Index(as_text(pd.Series(tiers.index))))
            values = _lookup(t, attrs.index)
            values[pd.isna(values)] = None
            attrs.insert(0, "tier", values)

        def _retier(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            frame = frame.drop(columns="tier", errors="ignore")
            return _attach(frame, attrs[["tier"]]) if "tier" in attrs else frame

        return replace(self, surveys=_retier(self.surveys), complaints=_retier(self.complaints),
                       attributes=attrs)

    def shipment_total(self, window: str) -> float:
        """Shipments of the selected customers in one window (NaN without shipments)."""
        if self.shipments is None or window not in self.shipments.columns:
            return float("nan")
        return float(self.shipments[window].sum())

    def monthly_shipments(self) -> pd.Series:
        """Shipments per month (index: first day of the month) of the selected customers."""
        if self.shipments is None:
            return pd.Series(dtype="float64")
        months = [c for c in self.shipments.columns if re.fullmatch(r"\d{4}-\d{2}", c)]
        totals = self.shipments[months].sum().astype("float64")
        totals.index = pd.to_datetime([f"{m}-01" for m in months])
        return totals

    def shipments_by(self, by: str, window: str = CURRENT) -> pd.Series:
        """Shipments in ``window`` per value of the customer attribute ``by``."""
        if self.shipments is None or by not in self.attributes.columns:
            return pd.Series(dtype="float64")
        groups = self.attributes[by].reindex(self.shipments.index)
        return self.shipments[window].groupby(groups.to_numpy(), dropna=True).sum().astype(
            "float64")


def load(bind: sa.Engine | sa.Connection, view: pd.DataFrame, *, as_of: date | pd.Timestamp,
         period_days: int = 90, months: int = 24, with_surveys: bool = True,
         table_names: Mapping[str, str] | None = None,
         check_rows: Callable[[str], None] | None = None,
         scope: Scope | None = None) -> SatisfactionData:
    """Read surveys, complaints, customer attributes and shipment counts, then :func:`prepare`.

    Survey and complaint rows are read as they are (they are small next to
    transactions); customer attributes are one row per customer, like the view;
    shipments are counted per customer and window in the database.
    ``check_rows(table)`` runs before the raw survey / complaint rows are read,
    so a caller can refuse a table that is too large (see
    :func:`segmentation.database.guard_raw_rows`).

    ``scope``: every read is narrowed in the database to the customers who may
    be in it (see :mod:`segmentation.scoping`), and the result keeps only the
    customers whose branch / region is in it (:meth:`SatisfactionData.within`);
    pass the view of the same scope.
    """
    for table in ("surveys", "complaints"):
        if check_rows is not None and (table != "surveys" or with_surveys):
            check_rows(table)
    customers = read_table(bind, "customers", columns=("customer_id", *FILTER_COLUMNS),
                           table_names=table_names, scope=scope)
    attributes = customer_attributes(view, customers=customers)
    surveys = (read_table(bind, "surveys", as_of=as_of, table_names=table_names, scope=scope)
               if with_surveys else None)
    complaints = read_table(bind, "complaints", as_of=as_of, table_names=table_names,
                            scope=scope)
    shipments = shipment_counts(bind, shipment_windows(as_of, period_days=period_days,
                                                       months=months),
                                table_names=table_names, scope=scope)
    data = prepare(surveys, complaints, attributes, shipments, as_of=as_of)
    return data.within(scope)


def prepare(surveys: pd.DataFrame | None, complaints: pd.DataFrame | None,
            attributes: pd.DataFrame, shipments: pd.DataFrame | None = None, *,
            as_of: date | pd.Timestamp, scale: Scale | str | None = None) -> SatisfactionData:
    """Bundle the tables of one dataset for the satisfaction analyses.

    Parameters
    ----------
    surveys : the surveys table (``date``, ``score``; optional ``customer_id``,
        dimension scores, ``comment``) or ``None``.
    complaints : the complaints table or ``None``.
    attributes : :func:`customer_attributes` of every customer.
    shipments : :func:`shipment_counts` with :func:`shipment_windows` labels.
    as_of : later rows are ignored.
    scale : a :class:`Scale` or its key; ``None`` detects it from the scores.

    Returns
    -------
    SatisfactionData

    Raises
    ------
    SatisfactionError
        When the scale cannot be detected (see :func:`detect_scale`).
    """
    as_of = _day(as_of)
    sv = None
    dims: tuple[str, ...] = ()
    chosen: Scale | None = None
    if surveys is not None:
        sv = surveys[pd.to_datetime(surveys["date"]) <= as_of].copy()
        sv["date"] = pd.to_datetime(sv["date"])
        sv["score"] = pd.to_numeric(sv["score"], errors="coerce")
        sv = _attach(sv.dropna(subset=["score"]), attributes)
        dims = tuple(survey_dimensions(sv))
        if isinstance(scale, str):
            chosen = get_scale(scale)
        elif scale is not None:
            chosen = scale
        elif not sv.empty:
            chosen = detect_scale(sv["score"])
        else:
            chosen = SCALES["1-5"]
    cp = None
    if complaints is not None:
        cp = _attach(prepare_complaints(complaints, as_of=as_of), attributes)
    return SatisfactionData(as_of=as_of, surveys=sv, complaints=cp, shipments=shipments,
                            attributes=attributes, scale=chosen, dimensions=dims)


def _period(frame: pd.DataFrame, as_of: pd.Timestamp, days: int, back: int = 0,
            length: int = 1) -> pd.DataFrame:
    """Rows dated in ``(as_of - (back + length)·days, as_of - back·days]``."""
    end = as_of - pd.Timedelta(days=days * back)
    start = end - pd.Timedelta(days=days * length)
    d = frame["date"]
    return frame[((d > start) & (d <= end)).to_numpy()]


# --------------------------------------------------------------------------- headline & trends


def headline(data: SatisfactionData, *, period_days: int = 90, sla_days: int = 7,
             confidence: float = 0.95) -> pd.DataFrame:
    """Headline figures of the current period ``(as_of - P, as_of]`` and the one before.

    Returns
    -------
    DataFrame indexed by metric with ``current``, ``previous``, ``lo``, ``hi``
    (interval of ``current`` where one exists). Metrics: ``index`` (CSAT / NPS),
    ``mean`` and ``responses`` (with surveys); ``complaints``, ``complaint_rate``
    (per 1,000 shipments), ``open``, ``open_past_sla`` (with complaints).
    """
    rows: dict[str, tuple[float, float, float, float]] = {}
    nan = float("nan")
    if data.has_surveys:
        now = index_estimates(_period(data.surveys, data.as_of, period_days), data.scale,
                              confidence=confidence).iloc[0]
        before = index_estimates(_period(data.surveys, data.as_of, period_days, back=1),
                                 data.scale, confidence=confidence).iloc[0]
        rows["index"] = (now["index"], before["index"], now["index_lo"], now["index_hi"])
        rows["mean"] = (now["mean"], before["mean"], now["mean_lo"], now["mean_hi"])
        rows["responses"] = (now["responses"], before["responses"], nan, nan)
    if data.has_complaints:
        cp = data.complaints
        n_now = len(_period(cp, data.as_of, period_days))
        n_before = len(_period(cp, data.as_of, period_days, back=1))
        rows["complaints"] = (n_now, n_before, nan, nan)
        rows["complaint_rate"] = (_per_1000(n_now, data.shipment_total(CURRENT)),
                                  _per_1000(n_before, data.shipment_total(PREVIOUS)), nan, nan)
        rows["open"] = (float(cp["is_open"].sum()), nan, nan, nan)
        rows["open_past_sla"] = (float((cp["age_days"] > sla_days).sum()), nan, nan, nan)
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["current", "previous", "lo", "hi"]).astype("float64")
    out.index.name = "metric"
    return out


def _per_1000(count: float, shipments: float) -> float:
    return 1000.0 * count / shipments if shipments and shipments > 0 else float("nan")


def _month_frame(as_of: pd.Timestamp, months: int, first: pd.Timestamp | None) -> pd.DataFrame:
    last = as_of.to_period("M")
    periods = pd.period_range(last - (months - 1), last, freq="M")
    out = pd.DataFrame({"month": periods.to_timestamp()})
    out["partial"] = (periods == last) & (as_of != as_of + pd.offsets.MonthEnd(0))
    if first is not None and pd.notna(first):
        out = out[out["month"] >= first.to_period("M").to_timestamp()]
    return out.reset_index(drop=True)


def survey_trend(data: SatisfactionData, *, months: int = 24, by: str | None = None,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Monthly CSAT / NPS and mean score with intervals and response counts.

    Returns
    -------
    DataFrame with ``month`` (first day), ``by`` (when given), ``responses``
    (0 for a month without answers), ``mean``, ``mean_lo``, ``mean_hi``,
    ``index``, ``index_lo``, ``index_hi`` and ``partial`` (the month of
    ``as_of`` when it is not the month's last day), from the first month with
    answers; one row per month (and group seen in the data).
    """
    sv = data.surveys
    frame = sv.assign(month=sv["date"].dt.to_period("M").dt.to_timestamp())
    keys = ["month"] if by is None else ["month", by]
    est = index_estimates(frame, data.scale, by=keys, confidence=confidence).reset_index()
    months_f = _month_frame(data.as_of, months, sv["date"].min() if len(sv) else None)
    if by is None:
        grid = months_f
    else:
        groups = pd.DataFrame({by: sorted(frame[by].dropna().unique())})
        grid = months_f.merge(groups, how="cross")
    out = grid.merge(est, on=keys, how="left")
    out["responses"] = out["responses"].fillna(0).astype("int64")
    return out


def dimension_trend(data: SatisfactionData, *, months: int = 24,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Monthly mean of the overall score and of each dimension with its t interval.

    Returns
    -------
    Long DataFrame: ``month``, ``dimension`` (``score`` first, then the
    dimensions), ``responses``, ``mean``, ``lo``, ``hi``, ``partial``.
    """
    sv = data.surveys
    months_f = _month_frame(data.as_of, months, sv["date"].min() if len(sv) else None)
    month = sv["date"].dt.to_period("M").dt.to_timestamp()
    parts = []
    for dim in ("score", *data.dimensions):
        values = pd.to_numeric(sv[dim], errors="coerce")
        g = values.groupby(month.to_numpy()).agg(["count", "mean", "std"])
        g.index.name = "month"
        g = months_f.merge(g.reset_index(), on="month", how="left")
        lo, hi = mean_interval(g["mean"], g["std"], g["count"].fillna(0),
                               confidence=confidence)
        parts.append(pd.DataFrame({
            "month": g["month"], "dimension": dim,
            "responses": g["count"].fillna(0).astype("int64"),
            "mean": g["mean"].astype("float64"), "lo": lo, "hi": hi, "partial": g["partial"],
        }))
    return pd.concat(parts, ignore_index=True)


def compare_groups(data: SatisfactionData, by: str, *, period_days: int = 90,
                   baseline_periods: int = 2, min_responses: int = 10,
                   confidence: float = 0.95) -> pd.DataFrame:
    """CSAT / NPS per group now and in the baseline, with the drop test of the module doc.

    Parameters
    ----------
    data : the (selected) data.
    by : a group column (``tier``, ``region``, ``branch``, ``customer_type`` …).
    period_days : P, the length of the current period.
    baseline_periods : the baseline is the ``baseline_periods · P`` days before it.
    min_responses : answers needed in each of the two for an alert.
    confidence : of the intervals and of the test (``z`` two-sided).

    Returns
    -------
    DataFrame indexed by the group with ``responses``, ``index``, ``index_lo``,
    ``index_hi``, ``mean`` (current period), ``baseline_responses``,
    ``baseline_index``, ``change`` (index now - baseline), ``margin`` (the drop
    the noise allows), ``alert`` (bool) and one column per dimension (its mean
    now). Groups without an answer in either period are absent; sorted by
    ``index``, lowest first.
    """
    sv = data.surveys
    if by not in sv.columns or sv[by].isna().all():
        return pd.DataFrame()
    now = _period(sv, data.as_of, period_days)
    base = _period(sv, data.as_of, period_days, back=1, length=baseline_periods)
    c_now, c_base = _counts(now, data.scale, [by]), _counts(base, data.scale, [by])
    groups = c_now.index.union(c_base.index)
    c_now = c_now.reindex(groups, fill_value=0)
    c_base = c_base.reindex(groups, fill_value=0)
    out = _finish(c_now, data.scale, confidence)[
        ["responses", "index", "index_lo", "index_hi", "mean"]]
    base_est = _finish(c_base, data.scale, confidence)
    out["baseline_responses"] = base_est["responses"]
    out["baseline_index"] = base_est["index"]
    out["change"] = out["index"] - out["baseline_index"]
    adj_now, v_now = _adjusted(c_now, data.scale)
    adj_base, v_base = _adjusted(c_base, data.scale)
    out["margin"] = _z(confidence) * np.sqrt(v_now + v_base)
    enough = (out["responses"] >= min_responses) & (out["baseline_responses"] >= min_responses)
    out["alert"] = (enough & ((adj_now - adj_base) < -out["margin"])).astype(bool)
    if data.dimensions and len(now):
        out = out.join(now.groupby(by, observed=True)[list(data.dimensions)].mean())
    out.index.name = by
    return out.sort_values(["index", "responses"], ascending=[True, False], na_position="last")


def score_alerts(data: SatisfactionData, by: Sequence[str] = ("branch", "tier", "region",
                                                              "customer_type"), **kwargs
                 ) -> pd.DataFrame:
    """Groups whose CSAT / NPS fell by more than the noise allows (:func:`compare_groups`).

    Returns
    -------
    DataFrame with ``grouping`` (the column), ``group`` (its value),
    ``responses``, ``index``, ``baseline_responses``, ``baseline_index``,
    ``change``, ``margin``; largest drop first. Empty when nothing fell.
    """
    parts = []
    for column in by:
        if data.surveys is None or column not in data.surveys.columns:
            continue
        cmp = compare_groups(data, column, **kwargs)
        if cmp.empty:
            continue
        hit = cmp[cmp["alert"]]
        parts.append(pd.DataFrame({
            "grouping": column, "group": hit.index.astype(str),
            **{c: hit[c].to_numpy() for c in ("responses", "index", "baseline_responses",
                                              "baseline_index", "change", "margin")},
        }))
    cols = ["grouping", "group", "responses", "index", "baseline_responses",
            "baseline_index", "change", "margin"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values("change", kind="stable").reset_index(drop=True)[cols]


# --------------------------------------------------------------------------- key drivers


def key_drivers(data: SatisfactionData, *, by: str | None = None, min_responses: int = 30
                ) -> pd.DataFrame:
    """Importance (standardised regression coefficient) against performance (mean).

    Parameters
    ----------
    data : the (selected) data; answers with a missing dimension are left out.
    by : fit one model per value of this column (e.g. ``"tier"``); ``None``: one model.
    min_responses : groups with fewer complete answers (or fewer than
        ``dimensions + 2``) get no row.

    Returns
    -------
    DataFrame with ``by`` (when given), ``dimension``, ``importance`` (beta of
    the dimension, scores z-standardised), ``share`` (its share of the
    positive betas), ``correlation`` (Pearson with the overall score),
    ``performance`` (mean score), ``responses`` and ``quadrant`` (a key of
    :data:`DRIVER_QUADRANTS`), most important first within each group. A
    dimension without variance gets no row.
    """
    dims = list(data.dimensions)
    cols = ["dimension", "importance", "share", "correlation", "performance", "responses",
            "quadrant"]
    if not data.has_surveys or not dims:
        return pd.DataFrame(columns=([by] if by else []) + cols)
    sv = data.surveys
    complete = sv.dropna(subset=["score", *dims])
    if by is None:
        groups: Iterable = [(None, complete)]
    else:
        groups = complete.groupby(by, observed=True, sort=True) if by in complete else []
    parts = []
    for key, frame in groups:
        part = _drivers(frame, dims, min_responses)
        if part is None:
            continue
        if by is not None:
            part.insert(0, by, key)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=([by] if by else []) + cols)
    return pd.concat(parts, ignore_index=True)


def _drivers(frame: pd.DataFrame, dims: list[str], min_responses: int) -> pd.DataFrame | None:
    x = frame[dims].to_numpy(dtype="float64")
    y = frame["score"].to_numpy(dtype="float64")
    sd = x.std(axis=0)
    usable = sd > 0
    if len(frame) < max(min_responses, int(usable.sum()) + 2) or not usable.any() \
            or y.std() == 0:
        return None
    used = [d for d, ok in zip(dims, usable, strict=True) if ok]
    xs = (x[:, usable] - x[:, usable].mean(axis=0)) / sd[usable]
    ys = (y - y.mean()) / y.std()
    beta = LinearRegression().fit(xs, ys).coef_
    corr = [float(np.corrcoef(x[:, i], y)[0, 1]) for i in np.flatnonzero(usable)]
    positive = beta[beta > 0].sum()
    out = pd.DataFrame({
        "dimension": used,
        "importance": beta,
        "share": np.where(beta > 0, beta / positive, 0.0) if positive > 0 else np.nan,
        "correlation": corr,
        "performance": x[:, usable].mean(axis=0),
        "responses": len(frame),
    })
    high_imp = out["importance"] >= out["importance"].median()
    high_perf = out["performance"] >= out["performance"].median()
    lookup = {v: k for k, v in DRIVER_QUADRANTS.items()}
    out["quadrant"] = [lookup[(bool(i), bool(p))] for i, p in zip(high_imp, high_perf,
                                                                   strict=True)]
    return out.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- complaints


def complaint_trend(data: SatisfactionData, *, months: int = 24) -> pd.DataFrame:
    """Complaints and complaints per 1,000 shipments per month.

    Returns
    -------
    DataFrame with ``month``, ``complaints``, ``shipments`` (NaN without
    shipment counts), ``per_1000`` (NaN without shipments) and ``partial``.
    """
    cp = data.complaints
    months_f = _month_frame(data.as_of, months, cp["date"].min() if len(cp) else None)
    counts = cp.groupby(cp["date"].dt.to_period("M").dt.to_timestamp()).size()
    out = months_f.copy()
    out["complaints"] = counts.reindex(out["month"]).fillna(0).astype("int64").to_numpy()
    ships = data.monthly_shipments()
    out["shipments"] = ships.reindex(out["month"]).to_numpy(dtype="float64") \
        if len(ships) else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = np.where(out["shipments"] > 0,
                                   1000.0 * out["complaints"] / out["shipments"], np.nan)
    return out[["month", "complaints", "shipments", "per_1000", "partial"]]


def complaint_mix(data: SatisfactionData, by: str = "category", *, months: int = 24
                  ) -> pd.DataFrame:
    """Complaints per month and value of ``by``: long frame ``month``, ``by``, ``complaints``."""
    cp = data.complaints
    if by not in cp.columns:
        return pd.DataFrame(columns=["month", by, "complaints"])
    months_f = _month_frame(data.as_of, months, cp["date"].min() if len(cp) else None)
    month = cp["date"].dt.to_period("M").dt.to_timestamp()
    g = cp.groupby([month.rename("month"), cp[by].astype("string").rename(by)],
                   observed=True).size().rename("complaints").reset_index()
    g = g[g["month"].isin(months_f["month"])]
    return g.sort_values(["month", by]).reset_index(drop=True)


def complaint_breakdown(data: SatisfactionData, by: str, *, period_days: int | None = None,
                        sla_days: int = 7) -> pd.DataFrame:
    """Complaints per ``category`` / ``severity`` / ``branch`` / ``tier`` …

    Parameters
    ----------
    data : the (selected) data.
    by : a complaint column or a customer attribute.
    period_days : only complaints of the last ``period_days`` days (and
        shipments of the current window, which must then equal P); ``None``: all.
    sla_days : the service-level deadline for resolution, in days.

    Returns
    -------
    DataFrame indexed by ``by`` with ``complaints``, ``share``, ``open``,
    ``open_past_sla``, ``resolved``, ``median_days`` and ``p90_days``
    (resolution time), ``within_sla`` (share of resolved ones resolved within
    ``sla_days``) and, for customer attributes with shipment counts and a
    period, ``per_1000``; most complaints first.
    """
    cp = data.complaints
    if by not in cp.columns:
        return pd.DataFrame()
    if period_days is not None:
        cp = _period(cp, data.as_of, period_days)
    g = cp.groupby(cp[by].astype("string"), dropna=True)
    out = pd.DataFrame({
        "complaints": g.size(),
        "open": g["is_open"].sum(),
        "open_past_sla": g["age_days"].apply(lambda s: int((s > sla_days).sum())),
        "resolved": g["resolution_days"].count(),
        "median_days": g["resolution_days"].median(),
        "p90_days": g["resolution_days"].quantile(0.9),
        "within_sla": g["resolution_days"].apply(
            lambda s: float((s.dropna() <= sla_days).mean()) if s.notna().any() else np.nan),
    })
    out["share"] = out["complaints"] / out["complaints"].sum() if len(out) else np.nan
    if period_days is not None and data.shipments is not None:
        if by in data.attributes.columns:  # the group's own shipments
            s = data.shipments_by(by, CURRENT).reindex(out.index)
        else:  # a property of the complaint: all shipments of the selection
            s = pd.Series(data.shipment_total(CURRENT), index=out.index)
        out["per_1000"] = np.where(s > 0, 1000.0 * out["complaints"] / s, np.nan)
    out = out.astype({"complaints": "int64", "open": "int64", "open_past_sla": "int64",
                      "resolved": "int64"})
    out.index.name = by
    first = ["complaints", "share", "per_1000"] if "per_1000" in out else ["complaints", "share"]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values("complaints", ascending=False, kind="stable")


def resolution_summary(data: SatisfactionData, *, sla_days: int = 7) -> dict[str, float]:
    """Resolved complaints: ``resolved`` (count), ``median_days``, ``p90_days``, ``within_sla``."""
    days = data.complaints["resolution_days"].dropna()
    if days.empty:
        return {"resolved": 0.0, "median_days": np.nan, "p90_days": np.nan,
                "within_sla": np.nan}
    return {"resolved": float(len(days)), "median_days": float(days.median()),
            "p90_days": float(days.quantile(0.9)),
            "within_sla": float((days <= sla_days).mean())}


def sla_breaches(data: SatisfactionData, *, sla_days: int = 7) -> pd.DataFrame:
    """Open complaints older than ``sla_days``, oldest first.

    Returns
    -------
    DataFrame with ``complaint_id`` (when present), ``customer_id``, ``date``,
    ``category``, ``severity`` and the group columns (when present),
    ``age_days`` and ``days_over`` (age - sla_days).
    """
    cp = data.complaints
    late = cp[(cp["age_days"] > sla_days).to_numpy()]
    cols = [c for c in ("complaint_id", "customer_id", "date", "category", "severity",
                        "branch", "tier") if c in late.columns]
    out = late[cols].copy()
    out["age_days"] = late["age_days"].astype("int64")
    out["days_over"] = out["age_days"] - int(sla_days)
    return out.sort_values(["age_days", *cols[:1]], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def repeat_complainers(data: SatisfactionData, *, min_complaints: int = 2,
                       window_days: int | None = 365) -> pd.DataFrame:
    """Customers with at least ``min_complaints`` complaints in the last ``window_days`` days.

    Returns
    -------
    DataFrame indexed by ``customer_id`` with ``complaints``, ``open``,
    ``categories`` (distinct categories, most frequent first, comma-joined keys),
    ``top_category``, ``first_date``, ``last_date`` and the group columns;
    most complaints first (then the latest).
    """
    cp = data.complaints
    if window_days is not None:
        cp = _period(cp, data.as_of, window_days)
    cp = cp[cp["customer_id"].notna().to_numpy()]
    cid = _ids(cp["customer_id"])
    n = cid.value_counts()
    keep = n.index[n >= min_complaints]
    if len(keep) == 0:
        return pd.DataFrame(columns=["complaints", "open", "categories", "top_category",
                                     "first_date", "last_date"]).rename_axis("customer_id")
    mask = cid.isin(keep).to_numpy()
    sub = cp[mask].assign(_cid=cid[mask].to_numpy(),
                          _cat=cp.loc[mask, "category"].astype("string").to_numpy())
    # categories per customer, most frequent first (ties by name): one sort, no Python loop
    pairs = (sub.groupby(["_cid", "_cat"]).size().rename("n").reset_index()
             .sort_values(["_cid", "n", "_cat"], ascending=[True, False, True]))
    by_customer = pairs.groupby("_cid", sort=False)["_cat"]
    g = sub.groupby("_cid")
    out = pd.DataFrame({
        "complaints": g.size(),
        "open": g["is_open"].sum().astype("int64"),
        "categories": by_customer.agg(", ".join),
        "top_category": by_customer.first(),
        "first_date": g["date"].min(),
        "last_date": g["date"].max(),
    })
    out.index.name = "customer_id"
    attrs = data.attributes.reindex(out.index)
    for col in ("branch", "tier", "customer_type"):
        if col in attrs.columns:
            out[col] = attrs[col]
    return out.sort_values(["complaints", "last_date"], ascending=[False, False],
                           kind="stable")


# --------------------------------------------------------------------------- voice of the customer

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDS = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_CLAUSE = re.compile(r"[^a-z'’\-\s]+")
#: Function characters a Chinese term may not start or end with (particles, pronouns).
CJK_EDGE_STOP = frozenset("的了吗呢吧啊呀哦么嘛着地得也都就又是和与及把被给我你他她它们这那个在")
#: English words that are never a term nor part of a two-word phrase.
EN_STOP = frozenset("""
a an the is was were are be been being am it its it's this that these those to of and or
in on at for with as by from but if then than so i my me we our us you your they them their
he she his her him have has had do does did get got just also there here all any some
again still will would can could should really s t ve ll d m re
""".split())
#: English words that are no term alone but start a phrase ("too slow", "not delivered").
EN_MODIFIERS = frozenset({"too", "not", "no", "never", "so", "very"})
_SUBSUMED = 0.8
#: Longest CJK run kept whole as a phrase.
_MAX_PHRASE = 16


def tokenize(text: str | None, *, max_n: int = 6) -> list[str]:
    """The distinct terms of one comment, in order of first appearance.

    Chinese: character n-grams (2..``max_n``) of each CJK run that neither start
    nor end with a character of :data:`CJK_EDGE_STOP`, and a run longer than
    ``max_n`` (up to 16 characters) whole, without such edge characters.
    English (lower-cased): words of 2+ letters that are not in :data:`EN_STOP` or
    :data:`EN_MODIFIERS`, and two-word phrases of consecutive words in one
    clause (the first may be a modifier: "too slow").

    Examples
    --------
    >>> tokenize("物流太慢了")
    ['物流', '流太', '太慢', '物流太', '流太慢', '物流太慢']
    >>> tokenize("Delivery was late, too slow!")
    ['delivery', 'late', 'slow', 'too slow']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    text = str(text)
    terms: dict[str, None] = {}
    for run in _CJK.findall(text):
        for n in range(2, min(max_n, len(run)) + 1):
            for i in range(len(run) - n + 1):
                gram = run[i:i + n]
                if gram[0] in CJK_EDGE_STOP or gram[-1] in CJK_EDGE_STOP:
                    continue
                terms.setdefault(gram)
        # a longer run as a whole too, so that a repeated sentence is one phrase
        whole = run.strip("".join(CJK_EDGE_STOP))
        if max_n < len(whole) <= _MAX_PHRASE:
            terms.setdefault(whole)
    latin = _CJK.sub(" . ", text.lower())
    for clause in _CLAUSE.split(latin):
        words = [w.strip("'’-") for w in _WORDS.findall(clause)]
        ok = [len(w) >= 2 and w not in EN_STOP and w not in EN_MODIFIERS for w in words]
        for w, keep in zip(words, ok, strict=True):
            if keep:
                terms.setdefault(w)
        # phrases only of words that stood next to each other ("too slow" included)
        for i in range(len(words) - 1):
            if (ok[i] or words[i] in EN_MODIFIERS) and ok[i + 1]:
                terms.setdefault(f"{words[i]} {words[i + 1]}")
    return list(terms)


def _parts(term: str) -> Iterable[str]:
    """The shorter terms a term contains: sub-phrases of words, or CJK substrings (2+)."""
    if " " in term or term.isascii():
        words = term.split(" ")
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                yield " ".join(words[i:i + n])
    else:
        for n in range(2, len(term)):
            for i in range(len(term) - n + 1):
                yield term[i:i + n]


def top_terms(texts: pd.Series | Sequence[str | None], *,
              groups: pd.Series | Sequence[object] | None = None, n: int = 10,
              min_count: int = 2, max_n: int = 6,
              tokenizer: Callable[[str], Iterable[str]] | None = None) -> pd.DataFrame:
    """The terms mentioned by the most comments, overall or per group.

    Parameters
    ----------
    texts : comments (missing or blank ones are skipped).
    groups : a group per comment (e.g. complaint category); ``None`` for one group.
    n : terms per group.
    min_count : a term must occur in at least this many comments.
    max_n : longest Chinese n-gram.
    tokenizer : replaces :func:`tokenize` (e.g. a word segmenter); must return
        the terms of one text.

    Returns
    -------
    DataFrame with ``group`` (when ``groups`` is given), ``term``, ``comments``
    (how many comments mention it), ``share`` (of the group's comments) and
    ``example`` (the group's most frequent comment containing it); per group the
    most mentioned first (ties by term). Subsumed fragments are dropped (see the
    module doc).
    """
    texts = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_list(),
                      dtype="object")
    keys = (pd.Series(["_all"] * len(texts), dtype="object") if groups is None
            else pd.Series(list(groups), dtype="object"))
    blank = texts.isna() | (texts.astype(str).str.strip() == "")
    texts, keys = texts[~blank], keys[~blank]
    split = tokenizer or (lambda t: tokenize(t, max_n=max_n))
    rows = []
    for key in sorted(keys.dropna().unique(), key=str):
        docs = texts[(keys == key).to_numpy()].astype(str)
        rows.extend(_group_terms(docs, split, n, min_count, key))
    cols = ["group", "term", "comments", "share", "example"]
    out = pd.DataFrame(rows, columns=cols)
    out["comments"] = out["comments"].astype("int64")
    return out.drop(columns="group") if groups is None else out


def _group_terms(docs: pd.Series, split, n: int, min_count: int, key) -> list[tuple]:
    counts: Counter[str] = Counter()
    doc_terms = []
    for doc in docs:
        terms = list(dict.fromkeys(split(doc)))
        doc_terms.append(terms)
        counts.update(terms)
    frequent = {t: c for t, c in counts.items() if c >= min_count}
    # the most comments any longer frequent term containing it has
    covered: dict[str, int] = {}
    for term, c in frequent.items():
        for part in _parts(term):
            if part in frequent and c > covered.get(part, 0):
                covered[part] = c
    kept = [t for t, c in frequent.items() if covered.get(t, 0) < _SUBSUMED * c]
    kept.sort(key=lambda t: (-frequent[t], t))
    kept = kept[:n]
    examples: dict[str, Counter[str]] = {t: Counter() for t in kept}
    for doc, terms in zip(docs, doc_terms, strict=True):
        for term in terms:
            if term in examples:
                examples[term][doc.strip()] += 1
    total = len(docs)
    return [(key, term, frequent[term], frequent[term] / total,
             min(examples[term].items(), key=lambda kv: (-kv[1], kv[0]))[0])
            for term in kept]


def low_score_comments(data: SatisfactionData, *, max_score: float | None = None
                       ) -> pd.DataFrame:
    """Non-blank comments of answers scoring at most ``max_score``.

    Parameters
    ----------
    data : the (selected) data.
    max_score : default :attr:`Scale.low_max` (1-2 of 5, detractors of an NPS).

    Returns
    -------
    The answers with a comment and ``weakest``: the dimension with the lowest
    score in that answer (first in dimension order on a tie; missing without
    dimensions).
    """
    if not data.has_surveys or "comment" not in data.surveys.columns:
        return pd.DataFrame(columns=["comment", "score", "weakest"])
    sv = data.surveys
    text = sv["comment"].astype("string").str.strip()
    limit = data.scale.low_max if max_score is None else max_score
    mask = ((sv["score"] <= limit) & text.notna() & (text != "")).fillna(False)
    low = sv[mask.to_numpy()].copy()
    dims = list(data.dimensions)
    if dims and len(low):
        values = low[dims].to_numpy(dtype="float64")
        filled = np.where(np.isnan(values), np.inf, values)
        pos = filled.argmin(axis=1)
        weakest = np.asarray(dims, dtype=object)[pos]
        weakest[np.isinf(filled.min(axis=1))] = None
        low["weakest"] = weakest
    else:
        low["weakest"] = None
    return low


def complaint_texts(data: SatisfactionData) -> pd.DataFrame | None:
    """Complaints with a free-text column (``comment``, ``description`` …), or ``None``."""
    if not data.has_complaints:
        return None
    col = next((c for c in COMPLAINT_TEXT_COLUMNS if c in data.complaints.columns), None)
    if col is None:
        return None
    return data.complaints.rename(columns={col: "text"})


# --------------------------------------------------------------------------- value & churn


def churn_groups(view: pd.DataFrame, *, threshold: float = 0.5) -> pd.Series | None:
    """``"warning"`` / ``"other"`` per customer from churn scores, or ``None``.

    Reads ``churn_status`` or ``status`` (see :mod:`segmentation.churn`:
    ``"warning"``, ``"ok"``, ``"lost"``; lost customers are left out, they are
    past warning) when present, else ``churn_risk >= threshold``; ``None`` when
    the frame has none of them (no churn warning computed yet).
    """
    lost = pd.Series(False, index=view.index)
    for col in ("churn_status", "status"):
        if col in view.columns:
            status = view[col].astype("string").str.lower()
            flag = status.eq("warning").fillna(False)
            lost = status.eq("lost").fillna(False)
            break
    else:
        if "churn_risk" not in view.columns:
            return None
        flag = pd.to_numeric(view["churn_risk"], errors="coerce").ge(threshold).fillna(False)
    out = pd.Series(np.where(flag.to_numpy(), "warning", "other"), index=view.index,
                    dtype="object")[~lost.to_numpy()]
    out.index = pd.Index(as_text(pd.Series(out.index)), name="customer_id")
    return out


def segment_summary(data: SatisfactionData, groups: pd.Series, *, period_days: int = 90,
                    order: Sequence[str] | None = None, confidence: float = 0.95
                    ) -> pd.DataFrame:
    """Satisfaction and complaints of customer groups (top tier vs the rest, churn warning …).

    Parameters
    ----------
    data : the (selected) data.
    groups : a group label per customer (index = ``customer_id``).
    period_days : the current period ``(as_of - P, as_of]``.
    order : the groups in this order (others after them); default sorted.

    Returns
    -------
    DataFrame indexed by group with ``customers``, ``responses``, ``index``,
    ``index_lo``, ``index_hi``, ``mean`` (answers in the period),
    ``complaints`` (in the period), ``complainants`` (share of the group's
    customers with a complaint in the period), ``per_1000`` (per 1,000
    shipments in the period) and ``open`` (open complaints now).
    """
    groups = pd.Series(groups.astype(object).to_numpy(),
                       index=pd.Index(as_text(pd.Series(groups.index))))
    groups = pd.Series(_lookup(groups, data.attributes.index),
                       index=data.attributes.index).dropna()
    found = sorted(groups.unique(), key=str)
    first = [g for g in (order or ()) if g in set(found)]
    out = pd.DataFrame(index=pd.Index(first + [g for g in found if g not in first],
                                      name="group"))
    out["customers"] = groups.value_counts().reindex(out.index).fillna(0).astype("int64")

    def _group_of(frame: pd.DataFrame) -> np.ndarray:
        if "customer_id" not in frame.columns:
            return np.full(len(frame), None, dtype=object)
        return _lookup(groups, _ids(frame["customer_id"]))

    if data.has_surveys:
        now = _period(data.surveys, data.as_of, period_days)
        now = now.assign(_group=_group_of(now)).dropna(subset=["_group"])
        est = index_estimates(now, data.scale, by="_group", confidence=confidence)
        est = est.reindex(out.index)
        est["responses"] = est["responses"].fillna(0).astype("int64")
        out = out.join(est[["responses", "index", "index_lo", "index_hi", "mean"]])
    if data.has_complaints:
        cp = _period(data.complaints, data.as_of, period_days)
        cp = cp.assign(_group=_group_of(cp)).dropna(subset=["_group"])
        g = cp.groupby("_group")
        out["complaints"] = g.size().reindex(out.index).fillna(0).astype("int64")
        out["complainants"] = (g["customer_id"].nunique().reindex(out.index).fillna(0)
                               / out["customers"].where(out["customers"] > 0))
        if data.shipments is not None:
            ships = data.shipments[CURRENT].groupby(
                _lookup(groups, data.shipments.index), dropna=True).sum()
            s = ships.reindex(out.index).astype("float64")
            out["per_1000"] = np.where(s > 0, 1000.0 * out["complaints"] / s, np.nan)
        open_now = data.complaints[data.complaints["is_open"].to_numpy()]
        open_now = open_now.assign(_group=_group_of(open_now)).dropna(subset=["_group"])
        out["open"] = open_now.groupby("_group").size().reindex(out.index).fillna(0).astype(
            "int64")
    return out
