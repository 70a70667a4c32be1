"""The out-of-time check of every candidate ranking and the choice between them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
from threadpoolctl import threadpool_limits

from .. import i18n
from ..features import customer_view
from .calibration import Calibration, cross_fitted, pct_rank, reliability_table
from .defaults import (
    ChurnUnavailable,
    backtest_need,
    check_horizon,
    default_horizon,
    default_lost_after,
    history_days,
    resolve_as_of,
    shifted_need,
)
from .features import ViewCache, churn_features
from .labels import churn_labels, training_set
from .metrics import ranking_metrics
from .model import ChurnModel, feature_matrix

#: The rankings :func:`backtest` compares, in display order.
CANDIDATES: tuple[str, ...] = ("gbm", "btyd", "recency", "blend")


#: The time-shifted model needs this many training customers, this many of each outcome.
_MIN_GBM_TRAIN = 100
_MIN_GBM_CLASS = 10
#: A backtest judges rankings with at least this many customers of each outcome.
_MIN_BACKTEST_CLASS = 3


#: Grade margins: the model must lead the baseline's ROC-AUC by this much to be "better".
_AUC_MARGIN = 0.01


def candidate_scores(features: pd.DataFrame, gbm: ChurnModel | None) -> dict[str, np.ndarray]:
    """Every available candidate's score (higher = riskier) for the rows of ``features``.

    ``blend``: the mean percentile rank of the two model scores (the
    time-shifted model and the BG/NBD probability), or of the one available
    with the recency rule.
    """
    out: dict[str, np.ndarray] = {}
    if gbm is not None and len(features):
        x = feature_matrix(features, gbm.feature_names_, gbm.categories_)
        with threadpool_limits(gbm.n_threads, user_api="openmp"):
            out["gbm"] = gbm.classifier_.predict_proba(x)[:, 1]
    p0 = features["p_no_purchase"].to_numpy(dtype="float64")
    if len(p0) and np.isfinite(p0).all():
        out["btyd"] = p0
    out["recency"] = np.nan_to_num(features["recency_days"].to_numpy(dtype="float64"))
    parts = [out[c] for c in ("gbm", "btyd") if c in out]
    if len(parts) == 1:
        parts.append(out["recency"])
    if len(parts) == 2:
        out["blend"] = (pct_rank(parts[0]) + pct_rank(parts[1])) / 2.0
    return {c: out[c] for c in CANDIDATES if c in out}


def gbm_problem(labels: pd.Series) -> tuple[str, dict] | None:
    """Why the time-shifted model cannot be trained on ``labels`` (None when it can)."""
    y = labels.to_numpy(dtype=bool)
    if len(y) < _MIN_GBM_TRAIN or min(y.sum(), (~y).sum()) < _MIN_GBM_CLASS:
        return "few", {"n": len(y), "min": _MIN_GBM_TRAIN, "min_class": _MIN_GBM_CLASS}
    return None


@dataclass(frozen=True)
class Backtest:
    """The out-of-time check of every candidate ranking, and the choice between them.

    Attributes
    ----------
    as_of, eval_cutoff : the last label day and the scoring day of the
        evaluation (``as_of - H``); ``train_cutoff`` the feature day of the
        time-shifted model's training (``as_of - 2H``; ``None`` when it was not trained).
    horizon_days, lost_after_days, history_days : H, the lost cutoff, the days of history.
    metrics : DataFrame indexed by the candidates checked (:data:`CANDIDATES`
        order) with ``roc_auc``, ``precision_top10``, ``recall_top10``,
        ``lift_top10``, ``base_rate``, ``n``.
    unused : candidate -> (reason code, parameters) for those not checked
        (text keys ``churn.unused.<code>``).
    chosen : the candidate that ranks; ``why`` the reason code
        ("best", "no_better" or "no_outcome", text keys ``churn.why.<code>``)
        and ``why_params`` its figures.
    calibration : the :class:`Calibration` of the chosen score.
    reliability : ``mean_predicted``, ``observed``, ``n`` per quantile bin of
        the chosen score's calibrated probability, cross-fitted (two halves,
        each calibrated on the other), so that the curve is not flattered by
        the calibration itself; ``mean_predicted``, ``observed_rate``,
        ``brier`` summarise it.
    n_train : training customers of the time-shifted model (0 when not trained).
    lost_churn_rate : share of the customers lost at ``eval_cutoff`` who did not come back.
    scores : per evaluated customer, each candidate's score and ``churned``.
    """

    as_of: pd.Timestamp
    eval_cutoff: pd.Timestamp
    train_cutoff: pd.Timestamp | None
    horizon_days: int
    lost_after_days: int
    history_days: int
    metrics: pd.DataFrame
    unused: dict
    chosen: str
    why: str
    why_params: dict
    calibration: Calibration
    reliability: pd.DataFrame
    mean_predicted: float
    observed_rate: float
    brier: float
    n_train: int
    lost_churn_rate: float
    scores: pd.DataFrame = field(repr=False)

    @property
    def grade(self) -> str:
        """"better" when a model ranks (it beat the recency rule), else "similar"."""
        return "better" if self.chosen != "recency" and self.why == "best" else "similar"

    @property
    def use_baseline(self) -> bool:
        """True when the recency rule ranks."""
        return self.chosen == "recency"

    def sentence(self, lang: str = "en") -> str:
        """Which ranking was chosen and why, with the figures, in ``lang``."""
        return why_text(self.chosen, self.why, self.why_params, lang)

    def calibration_sentence(self, lang: str = "en") -> str:
        """Mean predicted against observed churn, in ``lang``."""
        return i18n.t("churn.backtest.calibration", lang,
                      predicted=i18n.fmt_pct(self.mean_predicted, lang),
                      observed=i18n.fmt_pct(self.observed_rate, lang))

    def design_sentence(self, lang: str = "en") -> str:
        """Which dates were used for what, in ``lang``."""
        if self.train_cutoff is None:
            return i18n.t("churn.backtest.design_label_free", lang,
                          eval_cutoff=self.eval_cutoff.date().isoformat(),
                          as_of=self.as_of.date().isoformat())
        return i18n.t("churn.backtest.design", lang,
                      train_cutoff=self.train_cutoff.date().isoformat(),
                      eval_cutoff=self.eval_cutoff.date().isoformat(),
                      as_of=self.as_of.date().isoformat())

    def unused_sentences(self, lang: str = "en") -> list[str]:
        """Why candidates were left out, in ``lang``."""
        return [i18n.t(f"churn.unused.{code}", lang, **params)
                for code, params in self.unused.values()]


def _grade(model: Mapping[str, float], base: Mapping[str, float]) -> str:
    """"better" when the model leads on ROC-AUC by the margin and is not behind in the top
    10 %; "worse" when it trails on ROC-AUC by the margin; otherwise "similar"."""
    auc_m, auc_b = model["roc_auc"], base["roc_auc"]
    if not (np.isfinite(auc_m) and np.isfinite(auc_b)):
        return "similar"
    if auc_m >= auc_b + _AUC_MARGIN and model["precision_top10"] >= base["precision_top10"]:
        return "better"
    if auc_m <= auc_b - _AUC_MARGIN:
        return "worse"
    return "similar"


def choose(metrics: pd.DataFrame) -> tuple[str, str, dict]:
    """The best candidate that beats the recency rule on ROC-AUC and is not behind it in the
    top 10 %, else the recency rule; with the reason code and its figures."""
    rec = metrics.loc["recency"]
    others = metrics.drop(index="recency")
    eligible = others[(others["roc_auc"] > rec["roc_auc"])
                      & (others["precision_top10"] >= rec["precision_top10"] - 1e-12)]
    figures = {"auc_base": float(rec["roc_auc"]), "prec_base": float(rec["precision_top10"]),
               "n": len(metrics)}
    if len(eligible):
        best = eligible.sort_values(["roc_auc", "precision_top10"], ascending=False,
                                    kind="stable").index[0]
        return best, "best", {**figures, "auc": float(eligible.loc[best, "roc_auc"]),
                              "prec": float(eligible.loc[best, "precision_top10"])}
    if len(others):
        best = others.sort_values(["roc_auc", "precision_top10"], ascending=False,
                                  kind="stable").index[0]
        figures.update(best=best, auc=float(others.loc[best, "roc_auc"]),
                       prec=float(others.loc[best, "precision_top10"]))
    else:
        figures.update(best="recency", auc=figures["auc_base"], prec=figures["prec_base"])
    return "recency", "no_better", figures


@dataclass(frozen=True)
class _BacktestRun:
    """A backtest plus what the final fit reuses (dropped after :func:`score_churn`)."""

    backtest: Backtest
    features: pd.DataFrame
    labels: pd.Series
    live: np.ndarray


def run_backtest(bind, *, day: pd.Timestamp, horizon: int, lost_after_days: int | None,
                  history: int, n_bins: int, table_names, views: ViewCache | None,
                  model_params: Mapping[str, object]) -> _BacktestRun:
    window = int(model_params.get("window_days", 90))
    sample_size = model_params.get("sample_size", 200_000)
    random_state = int(model_params.get("random_state", 7))
    eval_cutoff = day - pd.Timedelta(days=horizon)
    features = churn_features(bind, as_of=eval_cutoff, horizon_days=horizon,
                              window_days=window, table_names=table_names, views=views,
                              sample_size=sample_size, random_state=random_state)
    lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                  else int(lost_after_days))
    labels_all = churn_labels(bind, start=eval_cutoff, horizon_days=horizon,
                              index=features.index, table_names=table_names)
    lost = features["recency_days"].to_numpy(dtype="float64") > lost_after
    live = ~lost
    lost_rate = float(labels_all.to_numpy()[lost].mean()) if lost.any() else 1.0
    unused: dict[str, tuple[str, dict]] = {}
    gbm, train_cutoff, n_train = None, None, 0
    need = shifted_need(horizon)
    if history < need:
        unused["gbm"] = ("history", {"need": need, "horizon": horizon, "have": history})
    else:
        try:
            train_x, train_y = training_set(
                bind, as_of=eval_cutoff, horizon_days=horizon, lost_after_days=lost_after,
                window_days=window, table_names=table_names, views=views,
                sample_size=sample_size, random_state=random_state)
            problem = gbm_problem(train_y)
            if problem is not None:
                unused["gbm"] = problem
            else:
                gbm = ChurnModel(horizon, lost_after, **model_params)
                gbm._fit_frame(train_x, train_y)
                gbm.as_of_ = eval_cutoff
                train_cutoff, n_train = gbm.cutoff_, gbm.n_train_
        except ValueError as err:
            unused["gbm"] = ("failed", {"detail": str(err)})
    # judged on a seeded sample of the customers not lost (all below sample_size): the
    # figures' standard error is a few thousandths there, and a million need not be scored
    judged = np.flatnonzero(live)
    if sample_size is not None and len(judged) > int(sample_size):
        rng = np.random.default_rng(random_state)
        judged = np.sort(rng.choice(judged, size=int(sample_size), replace=False))
    y = labels_all.to_numpy(dtype=bool)[judged]
    live_features = features.iloc[judged]
    candidates = candidate_scores(live_features, gbm)
    if "btyd" not in candidates:
        unused["btyd"] = ("btyd", {})
    metrics = pd.DataFrame([ranking_metrics(y, s) for s in candidates.values()],
                           index=pd.Index(list(candidates), name="candidate"))
    churned, stayed = int(y.sum()), int((~y).sum())
    if min(churned, stayed) >= _MIN_BACKTEST_CLASS:
        chosen, why, params = choose(metrics)
        calibration = Calibration.fit(chosen, candidates[chosen], y)
        p = cross_fitted(chosen, candidates[chosen], y, random_state)
    else:
        chosen = "btyd" if "btyd" in candidates else "recency"
        why = "no_outcome"
        outcome = "outcome_all" if stayed == 0 else "outcome_none" if churned == 0 \
            else "outcome_few"
        params = {"outcome": outcome, "churned": churned, "stayed": stayed}
        calibration = Calibration(chosen, "identity" if chosen == "btyd" else "rank")
        p = calibration(candidates[chosen])
    params.update(horizon=horizon)
    reliability, brier = reliability_table(y, p, n_bins)
    scores = pd.DataFrame({**candidates, "churned": y}, index=live_features.index)
    bt = Backtest(as_of=day, eval_cutoff=eval_cutoff, train_cutoff=train_cutoff,
                  horizon_days=horizon, lost_after_days=lost_after, history_days=history,
                  metrics=metrics, unused=unused, chosen=chosen, why=why, why_params=params,
                  calibration=calibration, reliability=reliability,
                  mean_predicted=float(p.mean()) if len(p) else math.nan,
                  observed_rate=float(y.mean()) if len(y) else math.nan, brier=brier,
                  n_train=n_train, lost_churn_rate=lost_rate, scores=scores)
    return _BacktestRun(bt, features, labels_all, live)


def backtest(bind: sa.Engine | sa.Connection, *, as_of=None, horizon_days: int | None = None,
             lost_after_days: int | None = None, n_bins: int = 10,
             table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
             **model_params) -> Backtest:
    """Judge every candidate ranking at ``as_of - H`` on what happened up to ``as_of``.

    The candidates (:data:`CANDIDATES`) score the customers not lost at
    ``as_of - H``, and each ranking is compared with the outcome in
    ``(as_of - H, as_of]``, which none of them saw:

    - ``gbm``: a :class:`ChurnModel` trained on features at ``as_of - 2H``
      and labels in ``(as_of - 2H, as_of - H]`` (needs ``2H + 30`` days of
      history and :data:`_MIN_GBM_TRAIN` training customers, else left out
      with the reason in ``unused``);
    - ``btyd``: the BG/NBD probability of no purchase in the next H days,
      fitted on the view at ``as_of - H`` alone (no labels needed);
    - ``recency``: days since the last purchase;
    - ``blend``: the mean percentile rank of the two model scores (of the one
      available and the recency rule).

    With more than ``sample_size`` (200,000) customers not lost, a seeded
    sample of that many is judged.

    The chosen ranking is the best on ROC-AUC among those that beat the
    recency rule on ROC-AUC and are not behind it in the top 10 %; else the
    recency rule. Its score is calibrated on the same backtest
    (:class:`Calibration`). When the window holds fewer than three churners or
    stayers, no comparison is possible: the BG/NBD probability (else the
    recency rank) is chosen, ``why == "no_outcome"``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day of data used (default: the last transaction day).
    horizon_days : H; default :func:`default_horizon` of the view at ``as_of``
        with its history.
    lost_after_days : lost cutoff; default :func:`default_lost_after` at ``as_of - H``.
    n_bins : bins of the reliability curve (quantile bins).
    table_names : canonical table -> actual name.
    views : a cache of customer views (see :func:`churn_features`).
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    Backtest

    Raises
    ------
    ChurnUnavailable
        When the history is shorter than ``H + 30`` days.
    """
    day = resolve_as_of(bind, as_of, table_names)
    window = int(model_params.get("window_days", 90))
    view = views.get((day, window)) if views is not None else None
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    history = history_days(view)
    if horizon_days is None:
        horizon_days = default_horizon(view, history=history)
    horizon = check_horizon(horizon_days)
    if history < backtest_need(horizon):
        raise ChurnUnavailable("history", min=backtest_need(horizon), days=history,
                               start=(day - pd.Timedelta(days=history)).date().isoformat(),
                               as_of=day.date().isoformat())
    return run_backtest(bind, day=day, horizon=horizon, lost_after_days=lost_after_days,
                         history=history, n_bins=n_bins, table_names=table_names,
                         views=views, model_params=model_params).backtest


def why_text(chosen: str, why: str, params: Mapping[str, object], lang: str) -> str:
    """The sentence of a ranking choice (``churn.why.<why>``) in ``lang``."""
    p = dict(params)
    label = i18n.t(f"churn.candidate.{chosen}", lang)
    if why in ("best", "no_better"):
        return i18n.t(f"churn.why.{why}", lang, model=label, n=p["n"], horizon=p["horizon"],
                      best=i18n.t(f"churn.candidate.{p.get('best', chosen)}", lang),
                      auc=f"{p['auc']:.2f}", auc_base=f"{p['auc_base']:.2f}",
                      prec=i18n.fmt_pct(p["prec"], lang, decimals=0),
                      prec_base=i18n.fmt_pct(p["prec_base"], lang, decimals=0))
    if why == "no_outcome":
        outcome = i18n.t(f"churn.why.{p['outcome']}", lang, churned=p["churned"],
                         stayed=p["stayed"])
        return i18n.t("churn.why.no_outcome", lang, model=label, horizon=p["horizon"],
                      outcome=outcome)
    if why == "short":
        return i18n.t("churn.why.short", lang, model=label, horizon=p["horizon"],
                      need=p["need"], have=p["have"])
    return i18n.t("churn.why.rank_only", lang, detail=i18n.t("churn.why.no_btyd", lang))


def ranking_explanation(attrs: Mapping[str, object], lang: str = "en") -> str:
    """Which score ranks the customers and why, in ``lang``, from scores' ``attrs``.

    Says the chosen ranking with its backtest figures (or why it could not be
    checked), how it is calibrated, and why candidates were left out: what the
    page shows above the list and the CLI prints.
    """
    parts = [why_text(str(attrs["ranked_by"]), str(attrs["ranked_why"]),
                       attrs.get("why_params", {}), lang)]
    method = attrs.get("calibration")
    if method in ("isotonic", "platt"):
        parts.append(i18n.t("churn.why.calibrated", lang,
                            method=i18n.t(f"churn.calibration.{method}", lang)))
    elif method == "rank" and attrs.get("ranked_why") != "rank_only":
        parts.append(i18n.t("churn.why.rank_note", lang))
    for code, params in dict(attrs.get("unused", {})).values():
        if attrs.get("ranked_why") == "short" and code == "history":
            continue  # the main sentence says it already
        parts.append(i18n.t(f"churn.unused.{code}", lang, **params))
    return ("" if lang == "zh" else " ").join(parts)
