"""Which ranking the call list uses: every candidate against the recency rule, on every
backtest window, with paired bootstrap intervals of the differences (:func:`choose`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .metrics import TOP_SHARE

#: The figures a candidate must beat the recency rule on: the top of the ranking (what the
#: call list depends on) and the whole ranking.
DECIDING: tuple[str, ...] = ("precision_top10", "roc_auc")
#: Every figure compared with the recency rule (the call-list capacity is reported).
COMPARED: tuple[str, ...] = ("roc_auc", "precision_top10", "precision_capacity")
#: Replicates are drawn in chunks of this many (bounded memory at 100,000 customers).
_CHUNK = 25


@dataclass(frozen=True)
class WindowData:
    """One backtest window as the bootstrap needs it: outcomes, each candidate's score and
    the call-list capacity (customers, within the judged sample)."""

    y: np.ndarray
    scores: Mapping[str, np.ndarray]
    capacity: int


class _Ranked:
    """A score prepared once for fast weighted ROC-AUC and top-share replicates.

    ROC-AUC in its Mann-Whitney form: each churner's weight times the weight of the
    stayers scored below it (half the weight of those tied with it), over the product of
    the two totals. The stayers are sorted once; per replicate that is one cumulative sum
    over the stayers and a look-up at each churner's position, no sort.
    """

    def __init__(self, score: np.ndarray, y: np.ndarray, capacity: int):
        s = np.where(np.isnan(score), -np.inf, np.asarray(score, dtype="float64"))
        y = np.asarray(y, dtype=bool)
        self.pos = np.flatnonzero(y)
        neg = np.flatnonzero(~y)
        self.neg_order = neg[np.argsort(s[neg], kind="stable")]
        sorted_neg = s[self.neg_order]
        # stayers strictly below / at most at each churner's score
        self.below = np.searchsorted(sorted_neg, s[self.pos], side="left")
        self.upto = np.searchsorted(sorted_neg, s[self.pos], side="right")
        self.tied = bool((self.below != self.upto).any())
        self.top = {}
        for name, k in (("precision_top10", TOP_SHARE * len(s)),
                        ("precision_capacity", capacity)):
            t = _top_weights(s, k)
            idx = np.flatnonzero(t)
            self.top[name] = (idx, t[idx], (t * y)[idx])

    def auc(self, w: np.ndarray) -> np.ndarray:
        """Weighted ROC-AUC for each row of weights ``w`` (replicates x customers)."""
        wn = w[:, self.neg_order]
        cum = np.zeros((w.shape[0], wn.shape[1] + 1), dtype=w.dtype)
        np.cumsum(wn, axis=1, out=cum[:, 1:])
        under = cum[:, self.below]
        if self.tied:
            under = 0.5 * (under + cum[:, self.upto])
        wp = w[:, self.pos]
        num = (wp * under).sum(axis=1, dtype="float64")
        den = wp.sum(axis=1, dtype="float64") * cum[:, -1].astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den

    def share(self, name: str, w: np.ndarray) -> np.ndarray:
        """Weighted share churned among the top group (fixed on the original sample)."""
        idx, member, churned = self.top[name]
        wt = w[:, idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            return ((wt * churned).sum(axis=1, dtype="float64")
                    / (wt * member).sum(axis=1, dtype="float64"))


def _top_weights(s: np.ndarray, k: float) -> np.ndarray:
    """Membership of the ``k`` highest scores, ties at the cut counted fractionally."""
    n = len(s)
    k = int(min(max(math.ceil(k - 1e-9), 1), n)) if n else 0
    out = np.zeros(n)
    if k == 0:
        return out
    cut = np.sort(s)[::-1][k - 1]
    above, at = s > cut, s == cut
    out[above] = 1.0
    out[at] = (k - above.sum()) / at.sum()
    return out


def paired_differences(windows: Sequence[WindowData], candidates: Sequence[str], *,
                       base: str = "recency", n_boot: int = 200, confidence: float = 0.9,
                       random_state: int = 7, max_customers: int | None = 20_000
                       ) -> pd.DataFrame:
    """Each candidate's difference to ``base``, averaged over the windows both were judged
    on, with a paired bootstrap interval.

    Every replicate resamples the customers of each window (Poisson weights, the same for
    both scores, so the interval is that of the *difference*), recomputes the figures and
    averages the differences over the windows. A window of more than ``max_customers``
    is resampled from a seeded subsample of that many, and the replicates' deviations are
    scaled by ``sqrt(m / n)`` (the standard error of these figures falls as one over the
    square root of the customers): the same interval at a fraction of the time.

    Returns
    -------
    DataFrame indexed by ``(candidate, metric)`` (metrics :data:`COMPARED`) with ``diff``
    (the observed mean difference), ``low``, ``high`` (the ``confidence`` percentile
    interval), ``wins`` (windows where the candidate was strictly ahead), ``windows``.
    """
    rng = np.random.default_rng(random_state)
    alpha = (1.0 - confidence) / 2.0
    cands = [c for c in candidates if c != base]
    # windows each candidate is compared on (both scores present)
    used = {c: [i for i, win in enumerate(windows) if c in win.scores and base in win.scores]
            for c in cands}
    observed = {c: {m: [] for m in COMPARED} for c in cands}
    boot = {c: {m: np.zeros(n_boot) for m in COMPARED} for c in cands}
    for i, win in enumerate(windows):
        here = [c for c in cands if i in used[c]]
        if not here:
            continue
        ranked = {c: _Ranked(win.scores[c], win.y, win.capacity) for c in (base, *here)}
        ones = np.ones((1, len(win.y)))
        base_obs = _figures(ranked[base], ones, win.y)
        obs = {c: _figures(ranked[c], ones, win.y) for c in here}
        for c in here:
            for m in COMPARED:
                observed[c][m].append(float(obs[c][m][0] - base_obs[m][0]))
        n = len(win.y)
        y, sub, scale = win.y, ranked, 1.0
        if max_customers is not None and n > int(max_customers):
            pick = np.sort(rng.choice(n, size=int(max_customers), replace=False))
            y, scale = win.y[pick], math.sqrt(len(pick) / n)
            cap = max(1, int(round(win.capacity * len(pick) / n)))
            sub = {c: _Ranked(win.scores[c][pick], y, cap) for c in (base, *here)}
        ones = np.ones((1, len(y)))
        sub_base = _figures(sub[base], ones, y)
        centre = {c: {m: float(_figures(sub[c], ones, y)[m][0] - sub_base[m][0])
                      for m in COMPARED} for c in here}
        # the same weights for every score of the window: paired differences
        for lo in range(0, n_boot, _CHUNK):
            size = min(_CHUNK, n_boot - lo)
            w = rng.poisson(1.0, size=(size, len(y))).astype("float32")
            base_rep = _figures(sub[base], w, y)
            for c in here:
                rep = _figures(sub[c], w, y)
                for m in COMPARED:
                    dev = np.nan_to_num(rep[m] - base_rep[m] - centre[c][m]) * scale
                    boot[c][m][lo:lo + size] += (observed[c][m][-1] + dev) / len(used[c])
    rows = []
    for c in cands:
        if not used[c]:
            continue
        for m in COMPARED:
            diffs = np.asarray(observed[c][m])
            low, high = np.quantile(boot[c][m], [alpha, 1.0 - alpha])
            rows.append({"candidate": c, "metric": m, "diff": float(np.nanmean(diffs)),
                         "low": float(low), "high": float(high),
                         "wins": int((diffs > 1e-12).sum()), "windows": len(diffs)})
    return pd.DataFrame(rows, columns=["candidate", "metric", "diff", "low", "high", "wins",
                                       "windows"]).set_index(["candidate", "metric"])


def _figures(ranked: _Ranked, w: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    return {"roc_auc": ranked.auc(w),
            "precision_top10": ranked.share("precision_top10", w),
            "precision_capacity": ranked.share("precision_capacity", w)}


def beats(comparison: pd.DataFrame, candidate: str, *, min_windows_all: int) -> str | None:
    """How ``candidate`` beats the recency rule on every :data:`DECIDING` figure: "every"
    (ahead on every one of at least ``min_windows_all`` windows), "interval" (the whole
    bootstrap interval above zero), ``None`` when it does not."""
    how = []
    for metric in DECIDING:
        if (candidate, metric) not in comparison.index:
            return None
        row = comparison.loc[(candidate, metric)]
        if row["windows"] >= min_windows_all and row["wins"] == row["windows"]:
            how.append("every")
        elif row["low"] > 0:
            how.append("interval")
        else:
            return None
    return "every" if all(h == "every" for h in how) else "interval"


def choose(metrics: pd.DataFrame, comparison: pd.DataFrame, *,
           min_windows_all: int = 3) -> tuple[str, str, dict]:
    """The ranking to use, the reason code and its figures.

    A candidate other than the recency rule is eligible only where it beats that rule on
    the top 10 % *and* on ROC-AUC, either on every window (from ``min_windows_all``
    windows on) or by more than the paired bootstrap interval of the difference; the
    eligible one with the highest mean top-10 % share (then ROC-AUC) ranks. Otherwise the
    recency rule ranks (``"no_better"``), with the best challenger's figures.

    Parameters
    ----------
    metrics : per candidate, the mean figures over its windows (``roc_auc``,
        ``precision_top10``, ``windows``).
    comparison : :func:`paired_differences`.
    """
    rec = metrics.loc["recency"]
    figures = {"auc_base": float(rec["roc_auc"]), "prec_base": float(rec["precision_top10"]),
               "n": len(metrics), "windows": int(rec["windows"])}
    others = metrics.drop(index="recency")
    ranked = others.sort_values(["precision_top10", "roc_auc"], ascending=False,
                                kind="stable")
    for cand in ranked.index:
        how = beats(comparison, cand, min_windows_all=min_windows_all)
        if how is not None:
            return cand, "best", {**figures, "how": how, **_diff_figures(comparison, cand),
                                  "auc": float(others.loc[cand, "roc_auc"]),
                                  "prec": float(others.loc[cand, "precision_top10"])}
    best = ranked.index[0] if len(ranked) else "recency"
    extra = _diff_figures(comparison, best) if best != "recency" else {}
    figures.update(best=best, auc=float(metrics.loc[best, "roc_auc"]),
                   prec=float(metrics.loc[best, "precision_top10"]), **extra)
    return "recency", "no_better", figures


def _diff_figures(comparison: pd.DataFrame, cand: str) -> dict:
    out = {}
    for metric, short in (("precision_top10", "prec"), ("roc_auc", "auc")):
        if (cand, metric) in comparison.index:
            row = comparison.loc[(cand, metric)]
            out.update({f"{short}_diff": float(row["diff"]), f"{short}_low": float(row["low"]),
                        f"{short}_high": float(row["high"]), f"{short}_wins": int(row["wins"]),
                        f"{short}_windows": int(row["windows"])})
    return out
