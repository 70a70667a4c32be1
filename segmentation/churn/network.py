"""Churn scores of a network scored in buckets: learned once on a sample, applied per part.

:func:`~segmentation.churn.score_churn` learns and scores in one pass over one view; some of
what it learns is relative to the customers it scores (the BG/NBD and Gamma-Gamma fit,
percentile ranks in the blend and the rank calibration, the "high risk" cut of the
reasons, where lost customers sit above the live ones). A network too large for one
process is scored in hash buckets of customers
(:func:`segmentation.churn.features.bucket_tables`), so :class:`NetworkChurn` runs
:func:`score_churn` once on a seeded sample of the network drawn in the engine
(:func:`segmentation.churn.features.sampled_tables`; the backtest samples again inside it
when the sample is large), keeps what it learned, and applies it to each bucket:

- the chosen ranking, the time-shifted model and the calibration, as learned;
- BG/NBD and Gamma-Gamma with the sample's parameters (``clv`` of
  :func:`~segmentation.churn.features.churn_features`), the typical purchase interval and
  the satisfaction scale of the sample;
- every percentile rank (blend, rank calibration, the tie-break of flat calibration
  steps, the order of lost customers) read against the sample's sorted scores instead of
  the scored part's;
- the sample's "high risk" cut and the risk lost customers are placed at.

A customer's risk, status and reasons then depend only on that customer's rows: the same
in whichever bucket it is scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..clv import BetaGeoModel, btyd_summary
from ..clv.gamma_gamma import GammaGammaModel
from ..clv.scoring import CLV_COLUMNS
from .backtesting import blend_parts
from .config import DEFAULT_CONFIG, ChurnConfig
from .features import churn_features
from .model import predict_rows
from .pipeline import ChurnResult, score_churn
from .scores import assemble_scores

__all__ = ["NetworkChurn", "clv_with_params"]


def _ranks_in(reference: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Average-rank percentiles of ``values`` among the sorted ``reference`` (as
    :func:`~segmentation.churn.calibration.pct_rank` gives a value of the reference; a
    missing value ranks lowest)."""
    v = np.asarray(values, dtype="float64")
    out = np.full(len(v), 1.0 / max(len(reference), 1) / 2.0)
    if len(reference) == 0 or len(v) == 0:
        return out
    ok = ~np.isnan(v)
    below = np.searchsorted(reference, v[ok], side="left")
    upto = np.searchsorted(reference, v[ok], side="right")
    n = len(reference)
    # ties: the mean of the positions below..upto (a value between two references sits
    # at the position it would be inserted)
    out[ok] = np.clip(np.where(upto > below, (below + upto + 1) / 2.0, below + 0.5) / n,
                      0.0, 1.0)
    return out


def clv_with_params(view: pd.DataFrame, *, as_of, bgnbd: Mapping[str, float] | None,
                    gamma_gamma: Mapping[str, float] | None, fallback_spend: float,
                    horizon_days: float = 365, unit_days: float = 7.0) -> pd.DataFrame:
    """The columns of :func:`segmentation.clv.score_clv` from parameters fitted elsewhere:
    BG/NBD ``bgnbd`` (``None``: every column NaN), Gamma-Gamma ``gamma_gamma`` (``None``:
    each repeat buyer's own mean spend, ``fallback_spend`` for the others)."""
    out = pd.DataFrame(np.nan, index=view.index, columns=list(CLV_COLUMNS), dtype="float64")
    out.attrs.update({"horizon_days": horizon_days, "unit_days": unit_days,
                      "bgnbd": dict(bgnbd) if bgnbd else None,
                      "gamma_gamma": dict(gamma_gamma) if gamma_gamma else None})
    if not bgnbd or view.empty:
        return out
    summary = btyd_summary(view, as_of=as_of, unit_days=unit_days)
    x = summary["frequency_btyd"].to_numpy(dtype="float64")
    tx, big_t = summary["recency_btyd"].to_numpy(), summary["T_btyd"].to_numpy()
    m = summary["monetary_btyd"].to_numpy()
    bg = BetaGeoModel()
    bg.r_, bg.alpha_, bg.a_, bg.b_ = (float(bgnbd[k]) for k in ("r", "alpha", "a", "b"))
    purchases = bg.expected_purchases(horizon_days / unit_days, x, tx, big_t)
    days_averaged = np.where(x > 0, x + 1, 0.0)
    if gamma_gamma:
        gg = GammaGammaModel()
        gg.p_, gg.q_, gg.v_ = (float(gamma_gamma[k]) for k in ("p", "q", "v"))
        spend = gg.conditional_expected_average_profit(days_averaged, m)
    else:
        spend = np.where(x > 0, m, fallback_spend)
    out["p_alive"] = bg.p_alive(x, tx, big_t)
    out["expected_purchases_12m"] = purchases
    out["expected_spend"] = spend
    out["clv_12m"] = purchases * spend
    return out


@dataclass(frozen=True)
class NetworkChurn:
    """What :func:`score_churn` learned on a sample of the network (:meth:`fit`), applied
    to the customer view of any part of it (:meth:`score`).

    Attributes
    ----------
    result : the sample's :class:`ChurnResult` (ranking, calibration, model, H, cutoff).
    bgnbd, gamma_gamma, fallback_spend : the sample's CLV fit (see :func:`clv_with_params`).
    typical_interval_days, satisfaction_scale, high_risk : the sample's.
    lost_top : the risk lost customers are placed at (above every live one).
    references : sorted scores of the sample's live customers per candidate, and
        ``"lost_recency"`` of its lost ones: what each percentile rank is read against.
    """

    result: ChurnResult
    bgnbd: dict | None
    gamma_gamma: dict | None
    fallback_spend: float
    typical_interval_days: float
    satisfaction_scale: tuple[float, float]
    high_risk: float
    lost_top: float
    references: dict[str, np.ndarray] = field(repr=False)

    @property
    def config(self) -> ChurnConfig:
        return self.result.config

    @classmethod
    def fit(cls, bind: sa.Engine | sa.Connection, *, as_of, sample_view: pd.DataFrame,
            sample_names: Mapping[str, object], horizon_days: int | None = None,
            lost_after_days: int | None = None, config: ChurnConfig | None = None
            ) -> NetworkChurn:
        """Run :func:`score_churn` on the sample (``sample_view`` of the tables
        ``sample_names``, both at ``as_of``) and keep what it learned.

        Raises
        ------
        ChurnUnavailable
            As :func:`score_churn`, for a sample too small or too short.
        """
        config = DEFAULT_CONFIG if config is None else config
        result = score_churn(bind, as_of=as_of, horizon_days=horizon_days,
                             lost_after_days=lost_after_days, lang=None, view=sample_view,
                             table_names=sample_names, config=config)
        scores = result.scores
        summary = btyd_summary(sample_view, as_of=result.as_of)
        x = summary["frequency_btyd"].to_numpy(dtype="float64")
        m = summary["monetary_btyd"].to_numpy(dtype="float64")
        observed = m[x > 0] if (x > 0).any() else m[np.isfinite(m)]
        from ..clv import score_clv

        clv = score_clv(sample_view, as_of=result.as_of, sample_size=config.sample_size,
                        random_state=config.random_state)
        lost = (scores["status"] == "lost").to_numpy()
        live_risk = scores["churn_risk"].to_numpy(dtype="float64")[~lost]
        run_lost_rate = (result.backtest.lost_churn_rate if result.backtest is not None
                         else math.nan)
        lost_fill = run_lost_rate if np.isfinite(run_lost_rate) else 1.0
        references = {c[len("score_"):]: np.sort(scores[c].to_numpy(dtype="float64")[~lost])
                      for c in scores.columns if c.startswith("score_")}
        references = {c: r[~np.isnan(r)] for c, r in references.items()}
        references["lost_recency"] = np.sort(
            scores["recency_days"].to_numpy(dtype="float64")[lost])
        return cls(result=result, bgnbd=clv.attrs.get("bgnbd"),
                   gamma_gamma=clv.attrs.get("gamma_gamma"),
                   fallback_spend=float(np.mean(observed)) if len(observed) else math.nan,
                   typical_interval_days=float(scores.attrs["typical_interval_days"]),
                   satisfaction_scale=tuple(scores.attrs.get("satisfaction_scale",
                                                             (1.0, 5.0))),
                   high_risk=float(scores.attrs["high_risk_threshold"]),
                   lost_top=max(lost_fill, float(live_risk.max()) if len(live_risk) else 0.0),
                   references=references)

    def _candidates(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """Each candidate's score of live ``features`` rows, ranks against the sample's."""
        gbm = self.result.model
        out: dict[str, np.ndarray] = {}
        if gbm is not None and len(features):
            out["gbm"] = predict_rows(gbm.classifier_, features, gbm.feature_names_,
                                      gbm.categories_, threads=gbm.predict_threads)
        p0 = features["p_no_purchase"].to_numpy(dtype="float64")
        if np.isfinite(p0).all():
            out["btyd"] = p0
        out["recency"] = np.nan_to_num(features["recency_days"].to_numpy(dtype="float64"))
        bt = self.result.backtest
        parts = list(bt.blend_of) if bt is not None and bt.blend_of else blend_parts(out)
        if len(parts) == 2 and all(p in out and p in self.references for p in parts):
            out["blend"] = (_ranks_in(self.references[parts[0]], out[parts[0]])
                            + _ranks_in(self.references[parts[1]], out[parts[1]])) / 2.0
        return out

    def score(self, bind: sa.Engine | sa.Connection, view: pd.DataFrame, *,
              table_names: Mapping[str, object] | None = None) -> pd.DataFrame:
        """Churn scores of the customers of ``view`` (the customer view at the learned day
        of the tables ``table_names``, e.g. one hash bucket): the frame of
        :func:`score_churn`'s ``scores`` (reason codes, no words), each row scored on its own.
        """
        result, config = self.result, self.config
        day = result.as_of
        clv = clv_with_params(view, as_of=day, bgnbd=self.bgnbd, gamma_gamma=self.gamma_gamma,
                              fallback_spend=self.fallback_spend)
        features = churn_features(bind, as_of=day, horizon_days=result.horizon_days,
                                  window_days=config.window_days,
                                  typical_interval_days=self.typical_interval_days,
                                  table_names=table_names, view=view, clv=clv)
        features.attrs["satisfaction_scale"] = self.satisfaction_scale
        lost = features["recency_days"].to_numpy(dtype="float64") > result.lost_after_days
        live = ~lost
        chosen, calibration = result.ranked_by, result.calibration
        candidates = self._candidates(features.loc[live])
        churn = np.full(len(features), self.lost_top)
        if live.any():
            score = candidates[chosen]
            if calibration.method == "rank":
                risk = _ranks_in(self.references.get(chosen, np.array([])), score)
            else:
                risk = calibration(score)
            if calibration.method == "isotonic":
                risk = risk * (1.0 - 1e-6) + 1e-6 * _ranks_in(self.references[chosen], score)
            churn[live] = risk
        if result.backtest is None and chosen == "btyd":
            churn[lost] = features["p_no_purchase"].to_numpy(dtype="float64")[lost]
        elif lost.any():
            recency = features["recency_days"].to_numpy(dtype="float64")[lost]
            churn[lost] = (self.lost_top * (1.0 - 1e-6)
                           + 1e-6 * _ranks_in(self.references["lost_recency"], recency))
        extra = {}
        for name, values in candidates.items():
            spread = np.full(len(features), np.nan)
            spread[live] = values
            extra[f"score_{name}"] = spread
        return assemble_scores(features, churn, lost, warning_threshold=config.warning_threshold,
                               extra=extra, high_risk=self.high_risk)
