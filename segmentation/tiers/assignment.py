"""Tiers from scores: :func:`assign` (share cuts or thresholds, with notes),
:class:`TierResult`, :func:`score_customers` and the stand-alone tier rules."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import formatting, i18n
from .arrays import codes_and_categories
from .constants import FREQUENCY_CLASSES, MEASURES, REVENUE, SCORE_COLUMNS
from .notes import Note, count_text, join_labels, make_note
from .scoring import ScoringBase, prepare_scoring
from .settings import Threshold, TierSettings, segment_grid
from .summaries import grid_frame, mix_frame, summary_frame


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
            return codes_and_categories(self.scored[column])
        return self.base.groups(column)

    def summary(self, by: str = "tier") -> pd.DataFrame:
        """:func:`tier_summary` of :attr:`scored`."""
        codes, cats = self._codes(by)
        base = self.base
        return summary_frame(codes, cats, by, base.measure(REVENUE), base.measure("frequency"),
                             base.measure("recency_days"))

    def mix(self, by: str, *, tier: str = "tier") -> pd.DataFrame:
        """:func:`tier_mix` of :attr:`scored`."""
        g_codes, groups = self._codes(by)
        t_codes, tiers = self._codes(tier)
        return mix_frame(g_codes, groups, by, t_codes, tiers, tier,
                         self.base.measure(REVENUE))

    def grid(self) -> pd.DataFrame:
        """:func:`rfm_grid` of :attr:`scored` with the settings' rules."""
        return grid_frame(self.base.cells.astype(np.int64), self.base.measure(REVENUE),
                          segment_grid(self.settings.rfm_rules).to_numpy().ravel())


def _cell_codes(settings: TierSettings) -> np.ndarray:
    """Segment code (index into ``settings.segments``) of the 25 cells, r-major."""
    grid = segment_grid(settings.rfm_rules).to_numpy().ravel()
    position = {s: i for i, s in enumerate(settings.segments)}
    return np.array([position[s] for s in grid], dtype=np.int8)


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
        return [make_note("single_customer", "info",
                          lambda lang: {"tier": settings.label(top, lang)}, tier=top)]
    if distinct == 1:
        top = tiers[0]
        return [make_note("share_all_equal", "warning",
                          lambda lang: {"n": count_text(n, lang),
                                        "tier": settings.label(top, lang)},
                          tier=top, customers=n)]
    for i, cut in enumerate(details):
        tier = tiers[i]
        actual, target = float(counts[i] / n), float(shares[i] / total)

        def fmt(lang: str, tier=tier, actual=actual, target=target, extra=0, count=0):
            return {"tier": settings.label(tier, lang), "actual": formatting.percent(actual, lang),
                    "target": formatting.percent(target, lang), "n": count_text(n, lang),
                    "count": count_text(extra or count, lang)}

        if cut.raised:
            notes.append(make_note("share_cut_raised", "info", fmt, tier=tier,
                                   customers=int(counts[i]), share=actual, target=target))
            continue
        if cut.low > cut.target and counts[i] > 0:
            notes.append(make_note("share_min_one", "info",
                                   lambda lang, f=fmt, c=int(counts[i]): f(lang, count=c),
                                   tier=tier, customers=int(counts[i]), share=actual,
                                   target=target))
        elif cut.end > cut.low:
            extra = cut.end - cut.low
            notes.append(make_note("share_tie", "info",
                                   lambda lang, f=fmt, e=extra: f(lang, extra=e),
                                   tier=tier, extra=extra, share=actual, target=target))
    if distinct < len(tiers):
        empty = [t for t, c in zip(tiers, counts, strict=True) if c == 0]
        notes.insert(0, make_note(
            "share_too_few", "warning",
            lambda lang: {"distinct": formatting.number(distinct, lang), "n": count_text(n, lang),
                          "k": len(tiers),
                          "empty": join_labels((settings.label(t, lang) for t in empty), lang)},
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
            notes.append(make_note("threshold_last_empty", "warning",
                                   lambda lang, t=tier: {"tier": settings.label(t, lang)},
                                   tier=tier))
            continue
        th = settings.thresholds[i]
        code = "threshold_none" if reach[i] == 0 else "threshold_taken"
        notes.append(make_note(code, "warning",
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
        notes.append(make_note("empty_view", "info", lambda lang: {}))
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
        notes.append(make_note("no_tenure", "info", lambda lang: {}))
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
    if base.n == 0:
        return tuple(Threshold(None, None) for _ in cum)
    q_spend = [float(np.nanquantile(spend, 1 - c)) if np.isfinite(spend).any() else 0.0
               for c in cum]
    q_ships = [float(np.nanquantile(ships, 1 - c)) if np.isfinite(ships).any() else 0.0
               for c in cum]
    return thresholds_from_quantiles(q_spend, q_ships)


def thresholds_from_quantiles(spend: Sequence[float], ships: Sequence[float]
                              ) -> tuple[Threshold, ...]:
    """Thresholds from the quantiles of annual spend and shipments, one pair per tier but
    the last (rounded down, see :func:`suggest_thresholds`; a missing quantile counts as 0).
    The engine-side suggestion (:func:`segmentation.pushdown.suggest_thresholds_in_engine`)
    shares this step."""
    out = []
    for q_spend, q_ships in zip(spend, ships, strict=True):
        q_spend = 0.0 if not np.isfinite(q_spend) else float(q_spend)
        q_ships = 0.0 if not np.isfinite(q_ships) else float(q_ships)
        out.append(Threshold(_round_down(max(q_spend, 0.0)), float(math.floor(max(q_ships, 0)))))
    return tuple(out)


def _round_down(value: float, digits: int = 2) -> float:
    if value <= 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(math.floor(value / scale) * scale)


