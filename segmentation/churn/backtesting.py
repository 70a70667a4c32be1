"""The out-of-time check of every candidate ranking on rolling origins, and the choice."""

from __future__ import annotations

import math
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .. import formatting, i18n
from ..features import customer_view, customer_views
from .calibration import Calibration, cross_fitted, pct_rank, reliability_table
from .choice import WindowData, choose, paired_differences
from .config import DEFAULT_CONFIG, ChurnConfig
from .defaults import (
    MIN_FEATURE_DAYS,
    ChurnUnavailable,
    backtest_need,
    check_horizon,
    default_horizon,
    default_lost_after,
    history_days,
    resolve_as_of,
)
from .features import ViewCache, churn_features, sampled_tables
from .labels import churn_labels
from .metrics import ranking_metrics
from .model import ChurnModel, predict_rows

#: The rankings :func:`backtest` compares, in display order.
CANDIDATES: tuple[str, ...] = ("gbm", "btyd", "recency", "blend")
#: The time-shifted model needs this many training customers, this many of each outcome.
_MIN_GBM_TRAIN = 100
_MIN_GBM_CLASS = 10
#: A backtest window judges rankings with at least this many customers of each outcome.
_MIN_BACKTEST_CLASS = 3
#: The figures of a window, as :func:`ranking_metrics` names them.
FIGURES: tuple[str, ...] = ("roc_auc", "precision_top10", "precision_capacity",
                            "recall_top10", "lift_top10", "base_rate", "n")


def candidate_scores(features: pd.DataFrame, gbm: ChurnModel | None, *,
                     blend_of: Sequence[str] | None = None,
                     rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every available candidate's score (higher = riskier) for the rows ``rows`` of
    ``features`` (positions or a bool mask; default all: no copy of the frame is made).

    ``blend``: the mean percentile rank of ``blend_of`` (default: the two model
    scores, the time-shifted model and the BG/NBD probability, or the one
    available with the recency rule); left out when one of them is missing.
    """
    def taken(values: np.ndarray) -> np.ndarray:
        return values if rows is None else values[rows]

    out: dict[str, np.ndarray] = {}
    p0 = taken(features["p_no_purchase"].to_numpy(dtype="float64"))
    if gbm is not None and len(p0):
        out["gbm"] = predict_rows(gbm.classifier_, features, gbm.feature_names_,
                                  gbm.categories_, rows, threads=gbm.predict_threads)
    if len(p0) and np.isfinite(p0).all():
        out["btyd"] = p0
    out["recency"] = np.nan_to_num(taken(features["recency_days"].to_numpy(dtype="float64")))
    parts = list(blend_of) if blend_of is not None else blend_parts(out)
    if len(parts) == 2 and all(p in out for p in parts):
        out["blend"] = (pct_rank(out[parts[0]]) + pct_rank(out[parts[1]])) / 2.0
    return {c: out[c] for c in CANDIDATES if c in out}


def blend_parts(available: Mapping[str, object]) -> tuple[str, ...]:
    """The two scores the blend averages: both models, or the one there is and recency."""
    parts = [c for c in ("gbm", "btyd") if c in available]
    if len(parts) == 1:
        parts.append("recency")
    return tuple(parts)


def gbm_problem(labels: pd.Series) -> tuple[str, dict] | None:
    """Why the time-shifted model cannot be trained on ``labels`` (None when it can)."""
    y = labels.to_numpy(dtype=bool)
    if len(y) < _MIN_GBM_TRAIN or min(y.sum(), (~y).sum()) < _MIN_GBM_CLASS:
        return "few", {"n": len(y), "min": _MIN_GBM_TRAIN, "min_class": _MIN_GBM_CLASS}
    return None


def window_cutoffs(day: pd.Timestamp, *, horizon: int, history: int,
                   max_windows: int = 3) -> tuple[list[pd.Timestamp], int]:
    """The scoring days of the rolling backtest windows (latest first) and their spacing.

    Window ``k`` scores at ``as_of - H - k * step`` and is judged on the ``H``
    days after. The spacing is ``H`` (windows whose outcomes never overlap) when
    the history holds ``max_windows`` (at most 3) such windows, else ``ceil(H / 2)``
    (the first and the third window still share no day of outcome); as many
    windows as the history allows, each with :data:`MIN_FEATURE_DAYS` of history
    before its scoring day.
    """
    free = history - backtest_need(horizon)
    if free < 0:
        return [], horizon
    wanted = min(3, int(max_windows))
    step = horizon if 1 + free // horizon >= wanted else int(math.ceil(horizon / 2))
    n = min(int(max_windows), 1 + free // step)
    first = day - pd.Timedelta(days=horizon)
    return [first - pd.Timedelta(days=k * step) for k in range(n)], step


@dataclass(frozen=True)
class Backtest:
    """The out-of-time check of every candidate ranking on rolling origins, and the choice.

    Attributes
    ----------
    as_of : the last label day of the latest window.
    cutoffs : the scoring day of every window, latest first; ``eval_cutoff`` the
        latest (``as_of - H``), ``train_cutoff`` the feature day the latest
        window's time-shifted model learned from (``as_of - 2H``; ``None`` when
        it was not trained); ``step_days`` the spacing of the windows.
    horizon_days, lost_after_days, history_days : H, the lost cutoff of the
        latest window, the days of history.
    windows : one row per (``window``, ``candidate``) judged (``window`` 0 the
        latest) with ``cutoff`` and the :data:`FIGURES`, ``churned``, ``capacity``.
    metrics : per candidate (:data:`CANDIDATES` order), the figures averaged over
        its windows, ``windows`` (how many) and the spread ``roc_auc_min`` /
        ``_max``, ``precision_top10_min`` / ``_max``, ``precision_capacity_min``
        / ``_max``.
    comparison : each candidate's difference to the recency rule per
        :data:`segmentation.churn.choice.COMPARED` figure: mean ``diff`` over the
        shared windows, paired bootstrap interval ``low`` / ``high`` at
        ``confidence``, ``wins`` out of ``windows``.
    uncertain : True when the smallest window has fewer than ``few_customers``
        customers or ``few_churners`` churners (or stayers).
    unused : candidate -> (reason code, parameters) for those not checked
        (text keys ``churn.unused.<code>``).
    chosen : the candidate that ranks; ``why`` the reason code ("best",
        "no_better" or "no_outcome", text keys ``churn.why.<code>``) and
        ``why_params`` its figures.
    blend_of : the two scores the blend averages (the same in every window and
        at scoring).
    calibration : the :class:`Calibration` of the chosen score (latest window).
    reliability : ``mean_predicted``, ``observed``, ``n`` per quantile bin of
        the chosen score's calibrated probability on the latest window,
        cross-fitted (two halves, each calibrated on the other); ``mean_predicted``,
        ``observed_rate``, ``brier`` summarise it.
    n_train : training customers of the latest window's time-shifted model (0 when
        not trained).
    lost_churn_rate : share of the customers lost at ``eval_cutoff`` who did not come back.
    sample : customers judged per window at most (``None``: all).
    scores : per customer judged in the latest window, each candidate's score and
        ``churned``.
    sample_share, sampled : when the customers are many, the backtest reads a seeded
        share of them, drawn once in the database (:func:`sampled_tables`), the same in
        every window: the share, and the sampled customers at ``eval_cutoff``
        (``None``, ``None`` when every customer was read).
    """

    as_of: pd.Timestamp
    cutoffs: tuple[pd.Timestamp, ...]
    step_days: int
    train_cutoff: pd.Timestamp | None
    horizon_days: int
    lost_after_days: int
    history_days: int
    windows: pd.DataFrame
    metrics: pd.DataFrame
    comparison: pd.DataFrame
    confidence: float
    uncertain: bool
    unused: dict
    chosen: str
    why: str
    why_params: dict
    blend_of: tuple[str, ...]
    calibration: Calibration
    reliability: pd.DataFrame
    mean_predicted: float
    observed_rate: float
    brier: float
    n_train: int
    lost_churn_rate: float
    sample: int | None
    scores: pd.DataFrame = field(repr=False)
    sample_share: float | None = None
    sampled: int | None = None

    @property
    def eval_cutoff(self) -> pd.Timestamp:
        """The latest window's scoring day (``as_of - H``)."""
        return self.cutoffs[0]

    @property
    def grade(self) -> str:
        """"better" when a model ranks (it beat the recency rule), else "similar"."""
        return "better" if self.chosen != "recency" and self.why == "best" else "similar"

    @property
    def use_baseline(self) -> bool:
        """True when the recency rule ranks."""
        return self.chosen == "recency"

    def calibration_sentence(self, lang: str = "en") -> str:
        """Mean predicted against observed churn, in ``lang``."""
        return i18n.t("churn.backtest.calibration", lang,
                      predicted=formatting.percent(self.mean_predicted, lang),
                      observed=formatting.percent(self.observed_rate, lang))

    def design_sentence(self, lang: str = "en") -> str:
        """Which dates were used for what, in ``lang``."""
        first = self.cutoffs[-1]
        params = {"n": len(self.cutoffs), "step": self.step_days,
                  "horizon": self.horizon_days,
                  "first": formatting.day(first, lang),
                  "eval_cutoff": formatting.day(self.eval_cutoff, lang),
                  "as_of": formatting.day(self.as_of, lang),
                  "sample": formatting.number(self.sample, lang) if self.sample else ""}
        key = "churn.backtest.windows" if len(self.cutoffs) > 1 else "churn.backtest.window"
        text = i18n.t(key, lang, **params)
        sep = "" if lang == "zh" else " "
        if self.sampled is not None:
            text += sep + i18n.t("churn.backtest.sampled_db", lang,
                                 share=formatting.percent(self.sample_share, lang),
                                 sampled=formatting.number(self.sampled, lang))
        elif self.sample is not None and int(self.windows["n"].max()) >= self.sample:
            text += sep + i18n.t("churn.backtest.sampled", lang, **params)
        return text

    def unused_sentences(self, lang: str = "en") -> list[str]:
        """Why candidates were left out, in ``lang``."""
        return [i18n.t(f"churn.unused.{code}", lang, **params)
                for code, params in self.unused.values()]


@dataclass(frozen=True)
class _Window:
    """One judged window; the latest also keeps what the final fit reuses."""

    cutoff: pd.Timestamp
    rows: list[dict]
    data: WindowData | None
    gbm: ChurnModel | None
    gbm_unused: tuple[str, dict] | None
    lost_after: int
    lost_rate: float
    y: np.ndarray
    candidates: dict[str, np.ndarray]
    index: pd.Index
    features: pd.DataFrame | None = None
    labels: pd.Series | None = None
    live: np.ndarray | None = None


@dataclass(frozen=True)
class _Reading:
    """What the backtest reads: ``names`` the tables (narrowed to the customer sample when
    ``share`` is set), ``views`` the cache of its customer views, ``outcomes`` the views
    that outcomes may be read from (those, then the caller's full views)."""

    names: Mapping | None
    views: ViewCache
    outcomes: Mapping
    share: float | None = None
    features: dict = field(default_factory=dict)

    def features_at(self, bind, day: pd.Timestamp, horizon: int,
                    config: ChurnConfig) -> pd.DataFrame:
        """:func:`churn_features` at ``day``, computed once (a window's day is often the
        training day of the window after it)."""
        if day not in self.features:
            self.features[day] = churn_features(
                bind, as_of=day, horizon_days=horizon, window_days=config.window_days,
                table_names=self.names, views=self.views, sample_size=config.sample_size,
                random_state=config.random_state)
        return self.features[day]


def _reading(bind, *, day: pd.Timestamp, table_names, views: ViewCache | None,
             config: ChurnConfig) -> _Reading:
    """Every customer, or, above ``config.backtest_sample`` customers at ``day``, a seeded
    hash sample of about that many drawn in the database (see :func:`sampled_tables`)."""
    views = {} if views is None else views
    full = views.get((day, config.window_days))
    n = len(full) if full is not None else 0
    if config.backtest_sample is not None and n > int(config.backtest_sample):
        drawn = sampled_tables(bind, share=int(config.backtest_sample) / n,
                               seed=config.random_state, table_names=table_names)
        if drawn is not None:
            names, share = drawn
            own: ViewCache = {}
            return _Reading(names, own, ChainMap(own, views), share)
    return _Reading(table_names, views, views)


def _read_views(bind, reading: _Reading, *, cutoffs: Sequence[pd.Timestamp], horizon: int,
                history: int, day: pd.Timestamp, config: ChurnConfig) -> None:
    """Every customer view the windows read (:func:`customer_views`): each window's day, the
    day its time-shifted model learns from (where the history allows one) and the day its
    outcomes are read from; those already at hand are not read again. Every customer: in
    one aggregation pass; a sample drawn in the database: one day at a time (cheaper)."""
    h = pd.Timedelta(days=horizon)
    days = []
    for cutoff in cutoffs:
        days += [cutoff, cutoff + h]
        if history - (day - cutoff).days - horizon >= MIN_FEATURE_DAYS:
            days.append(cutoff - h)
    window = config.window_days
    missing = [d for d in dict.fromkeys(days) if (d, window) not in reading.outcomes]
    # a sample drawn in the database: one view per day costs less than the conditional
    # aggregates of days far apart in one pass (1M, 10 % sample: 5.5 CPU s against 9.5)
    for part in ([[d] for d in missing] if reading.share is not None else [missing]):
        if part:
            found = customer_views(bind, days=part, window_days=window,
                                   table_names=reading.names)
            reading.views.update({(d, window): v for d, v in found.items()})


def _judge_window(bind, *, k: int, cutoff: pd.Timestamp, horizon: int, history: int,
                  day: pd.Timestamp, lost_after_days: int | None, reading: _Reading,
                  config: ChurnConfig, blend_of: Sequence[str] | None, keep: bool,
                  try_gbm: bool = True) -> _Window:
    """Score every candidate at ``cutoff`` as the product would, against the next H days."""
    features = reading.features_at(bind, cutoff, horizon, config)
    lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                  else int(lost_after_days))
    labels_all = churn_labels(bind, start=cutoff, horizon_days=horizon,
                              index=features.index, table_names=reading.names,
                              views=reading.outcomes)
    lost = features["recency_days"].to_numpy(dtype="float64") > lost_after
    live = ~lost
    lost_rate = float(labels_all.to_numpy()[lost].mean()) if lost.any() else 1.0
    gbm, unused = None, None
    need = history - (day - cutoff).days - horizon  # history before the training day
    if not try_gbm:
        unused = ("not_final", {})
    elif need < MIN_FEATURE_DAYS:
        unused = ("history", {"need": 2 * horizon + MIN_FEATURE_DAYS, "horizon": horizon,
                              "have": history})
    else:
        gbm, unused = _fit_shifted(bind, cutoff=cutoff, horizon=horizon,
                                   lost_after=lost_after, reading=reading, config=config)
    # judged on a seeded sample of the customers not lost: at 100,000 the figures' standard
    # error is a few thousandths, and a million need not be scored for each window (where
    # the database drew the sample, every sampled customer not lost is judged)
    judged = np.flatnonzero(live)
    n_live = len(judged)
    if (reading.share is None and config.backtest_sample is not None
            and n_live > int(config.backtest_sample)):
        rng = np.random.default_rng([config.random_state, k])
        judged = np.sort(rng.choice(judged, size=int(config.backtest_sample), replace=False))
    y = labels_all.to_numpy(dtype=bool)[judged]
    live_features = features.iloc[judged]
    candidates = candidate_scores(live_features, gbm, blend_of=blend_of)
    n_branches = (int(features.loc[live, "branch"].nunique()) or 1
                  if "branch" in features.columns else 1)
    # the call list's length among the judged: its share of every customer not lost
    judged_share = (reading.share if reading.share is not None
                    else len(judged) / max(n_live, 1))
    capacity = max(1, int(round(config.calls_per_branch * n_branches * judged_share)))
    rows = []
    data = None
    if min(int(y.sum()), int((~y).sum())) >= _MIN_BACKTEST_CLASS:
        for cand, score in candidates.items():
            rows.append({"window": k, "candidate": cand, "cutoff": cutoff,
                         **ranking_metrics(y, score, capacity=capacity),
                         "churned": int(y.sum()), "capacity": capacity})
        data = WindowData(y, candidates, capacity)
    return _Window(cutoff, rows, data, gbm, unused, lost_after, lost_rate, y, candidates,
                   live_features.index, features if keep else None,
                   labels_all if keep else None, live if keep else None)


def _fit_shifted(bind, *, cutoff, horizon, lost_after, reading: _Reading,
                 config: ChurnConfig) -> tuple[ChurnModel | None, tuple[str, dict] | None]:
    """The time-shifted model the product would have used at ``cutoff``."""
    from .labels import training_set

    try:
        # the outcomes of (cutoff - H, cutoff] come from the window's own view at cutoff
        train_x, train_y = training_set(
            bind, as_of=cutoff, horizon_days=horizon, lost_after_days=lost_after,
            window_days=config.window_days, table_names=reading.names, views=reading.views,
            sample_size=config.sample_size, random_state=config.random_state,
            features=reading.features_at(bind, cutoff - pd.Timedelta(days=horizon),
                                         horizon, config))
        problem = gbm_problem(train_y)
        if problem is not None:
            return None, problem
        return ChurnModel(horizon, lost_after, config=model_config(config)).fit(
            train_x, train_y, as_of=cutoff), None
    except ValueError as err:
        return None, ("failed", {"detail": str(err)})


def model_config(config: ChurnConfig) -> ChurnConfig:
    """The settings of the time-shifted models :func:`score_churn` fits: no calibration
    inside the model (``calibration="none"``), as the score that ranks is calibrated on
    the backtest's latest window, out of time (:class:`Calibration`)."""
    return config.with_(calibration="none")


@dataclass(frozen=True)
class _BacktestRun:
    """A backtest plus what the final fit reuses (dropped after :func:`score_churn`)."""

    backtest: Backtest
    features: pd.DataFrame
    labels: pd.Series
    live: np.ndarray


def run_backtest(bind, *, day: pd.Timestamp, horizon: int, lost_after_days: int | None,
                  history: int, n_bins: int, table_names, views: ViewCache | None,
                  config: ChurnConfig = DEFAULT_CONFIG) -> _BacktestRun:
    cutoffs, step = window_cutoffs(day, horizon=horizon, history=history,
                                   max_windows=config.max_windows)
    reading = _reading(bind, day=day, table_names=table_names, views=views, config=config)
    _read_views(bind, reading, cutoffs=cutoffs, horizon=horizon, history=history, day=day,
                config=config)
    latest = _judge_window(bind, k=0, cutoff=cutoffs[0], horizon=horizon, history=history,
                           day=day, lost_after_days=lost_after_days, reading=reading,
                           config=config, blend_of=None, keep=True)
    blend_of = blend_parts(latest.candidates)
    judged = [latest]
    for k, cutoff in enumerate(cutoffs[1:], start=1):
        win = _judge_window(bind, k=k, cutoff=cutoff, horizon=horizon, history=history,
                            day=day, lost_after_days=lost_after_days, reading=reading,
                            config=config, blend_of=blend_of, keep=False,
                            try_gbm=latest.gbm is not None)
        judged.append(win)
    unused: dict[str, tuple[str, dict]] = {}
    if latest.gbm_unused is not None:
        unused["gbm"] = latest.gbm_unused
    if "btyd" not in latest.candidates:
        unused["btyd"] = ("btyd", {})
    y, candidates = latest.y, latest.candidates
    windows = pd.DataFrame([r for w in judged for r in w.rows])
    churned, stayed = int(y.sum()), int((~y).sum())
    confidence = float(config.confidence)
    if latest.data is not None:
        data = [w.data for w in judged if w.data is not None]
        comparison = paired_differences(data, list(candidates), n_boot=config.n_boot,
                                        confidence=confidence,
                                        random_state=config.random_state,
                                        max_customers=config.boot_customers)
        metrics = _summary(windows)
        chosen, why, params = choose(metrics, comparison,
                                     min_windows_all=config.min_windows_all)
        calibration = Calibration.fit(chosen, candidates[chosen], y)
        p = cross_fitted(chosen, candidates[chosen], y, config.random_state)
    else:
        chosen = "btyd" if "btyd" in candidates else "recency"
        why = "no_outcome"
        outcome = "outcome_all" if stayed == 0 else "outcome_none" if churned == 0 \
            else "outcome_few"
        params = {"outcome": outcome, "churned": churned, "stayed": stayed}
        calibration = Calibration(chosen, "identity" if chosen == "btyd" else "rank")
        p = calibration(candidates[chosen])
        windows = pd.DataFrame(columns=["window", "candidate", "cutoff", *FIGURES, "churned",
                                        "capacity"])
        metrics = _summary(windows)
        comparison = paired_differences([], [])
    params.update(horizon=horizon, **_smallest(windows))
    reliability, brier = reliability_table(y, p, n_bins)
    uncertain = _uncertain(windows, config)
    bt = Backtest(as_of=day, cutoffs=tuple(w.cutoff for w in judged), step_days=step,
                  train_cutoff=latest.gbm.cutoff_ if latest.gbm is not None else None,
                  horizon_days=horizon, lost_after_days=latest.lost_after,
                  history_days=history, windows=windows, metrics=metrics,
                  comparison=comparison, confidence=confidence, uncertain=uncertain,
                  unused=unused, chosen=chosen, why=why, why_params=params,
                  blend_of=blend_of, calibration=calibration, reliability=reliability,
                  mean_predicted=float(p.mean()) if len(p) else math.nan,
                  observed_rate=float(y.mean()) if len(y) else math.nan, brier=brier,
                  n_train=latest.gbm.n_train_ if latest.gbm is not None else 0,
                  lost_churn_rate=latest.lost_rate, sample=config.backtest_sample,
                  sample_share=reading.share,
                  sampled=len(latest.features) if reading.share is not None else None,
                  scores=pd.DataFrame({**candidates, "churned": y}, index=latest.index))
    return _BacktestRun(bt, latest.features, latest.labels, latest.live)


def _summary(windows: pd.DataFrame) -> pd.DataFrame:
    """Per candidate: the figures averaged over its windows, their count and spread."""
    cols = ["roc_auc", "precision_top10", "precision_capacity", "recall_top10",
            "lift_top10", "base_rate"]
    if windows.empty:
        return pd.DataFrame(columns=[*cols, "n", "windows"],
                            index=pd.Index([], name="candidate"), dtype="float64")
    grouped = windows.groupby("candidate", sort=False)
    out = grouped[cols].mean()
    out["n"] = grouped["n"].sum()
    out["windows"] = grouped.size()
    for col in ("roc_auc", "precision_top10", "precision_capacity"):
        out[f"{col}_min"] = grouped[col].min()
        out[f"{col}_max"] = grouped[col].max()
    order = [c for c in CANDIDATES if c in out.index]
    return out.loc[order].rename_axis("candidate")


def _smallest(windows: pd.DataFrame) -> dict[str, int]:
    """The smallest window's customers and its fewer outcome (churned or stayed)."""
    if windows.empty:
        return {"n_min": 0, "churned_min": 0}
    per = windows.drop_duplicates("window")
    few = np.minimum(per["churned"], per["n"] - per["churned"])
    return {"n_min": int(per["n"].min()), "churned_min": int(few.min())}


def _uncertain(windows: pd.DataFrame, config: ChurnConfig) -> bool:
    """Few customers or few churners (or stayers) in the smallest window."""
    if windows.empty:
        return True
    per = windows.drop_duplicates("window")
    stayed = per["n"] - per["churned"]
    return bool(per["n"].min() < config.few_customers
                or min(per["churned"].min(), stayed.min()) < config.few_churners)


def backtest(bind: sa.Engine | sa.Connection, *, as_of=None, horizon_days: int | None = None,
             lost_after_days: int | None = None, n_bins: int = 10,
             table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
             config: ChurnConfig | None = None) -> Backtest:
    """Judge every candidate ranking on rolling origins, each against what happened next.

    The windows (:func:`window_cutoffs`): as many as the history allows, up to
    ``config.max_windows``, spaced ``H`` apart (``ceil(H / 2)`` on a shorter
    history), the latest scoring at ``as_of - H``. In each, the candidates
    (:data:`CANDIDATES`) score the customers not lost at the window's day exactly
    as the product would score them today, and are compared with the outcome in
    the H days after, which none of them saw:

    - ``gbm``: a :class:`ChurnModel` trained on features H days before the
      window's day and the labels up to it (needs that day to have 30 days of
      history and :data:`_MIN_GBM_TRAIN` training customers, else left out of
      the window; the reason is in ``unused`` for the latest);
    - ``btyd``: the BG/NBD probability of no purchase in the next H days, fitted
      on the window day's view alone;
    - ``recency``: days since the last purchase;
    - ``blend``: the mean percentile rank of :attr:`Backtest.blend_of`.

    Above ``config.backtest_sample`` customers, everything is read for a seeded
    sample of about that many, drawn once in the database (:func:`sampled_tables`,
    the same customers in every window; :attr:`Backtest.sampled`), and every
    sampled customer not lost is judged; without a hash function in the database,
    each window judges a seeded sample of at most that many. Figures per window:
    ROC-AUC, the share churned in the top 10 % and within the call-list capacity
    (``config.calls_per_branch`` per branch, scaled to the share judged).
    Each candidate's difference to the recency rule gets a paired bootstrap
    interval (:func:`segmentation.churn.choice.paired_differences`), and the
    choice (:func:`segmentation.churn.choice.choose`) uses a model only where it
    beats the recency rule on the top 10 % and on ROC-AUC on every window (from
    ``config.min_windows_all`` windows) or by more than that interval. The
    chosen score is calibrated on the latest window. When the latest window
    holds fewer than three churners or stayers, nothing can be compared: the
    BG/NBD probability (else the recency rank) is chosen, ``why == "no_outcome"``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day of data used (default: the last transaction day).
    horizon_days : H; default :func:`default_horizon` of the view at ``as_of``
        with its history.
    lost_after_days : lost cutoff; default :func:`default_lost_after` at each window's day.
    n_bins : bins of the reliability curve (quantile bins).
    table_names : canonical table -> actual name.
    views : a cache of customer views (see :func:`churn_features`).
    config : :class:`ChurnConfig` (default ``ChurnConfig()``).

    Returns
    -------
    Backtest

    Raises
    ------
    ChurnUnavailable
        When the history is shorter than ``H + 30`` days.
    """
    config = DEFAULT_CONFIG if config is None else config
    day = resolve_as_of(bind, as_of, table_names)
    window = config.window_days
    views = {} if views is None else views
    view = views.get((day, window))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
        views[(day, window)] = view
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
                         views=views, config=config).backtest
