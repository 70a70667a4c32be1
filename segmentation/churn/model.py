"""The time-shifted, calibrated gradient-boosting churn model (:class:`ChurnModel`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..sql import as_day
from .config import DEFAULT_CONFIG, ChurnConfig
from .defaults import check_horizon, resolve_as_of
from .features import ViewCache, churn_features
from .labels import training_set
from .reasoning import render_reasons
from .scores import assemble_scores

#: View and signal columns the classifier may use (those present at fit time).


#: ``channel_share_*`` columns are added when the view has them.
FEATURE_COLUMNS: tuple[str, ...] = (
    "recency_days", "frequency", "usual_interval_days", "overdue_ratio", "tenure_days",
    "monetary_total", "monetary_avg", "avg_interval_days", "refund_count",
    "frequency_recent", "frequency_prior", "frequency_change",
    "spend_recent", "spend_prior", "spend_change", "ticket_change",
    "n_surveys", "satisfaction_avg", "satisfaction_last", "satisfaction_from",
    "satisfaction_drop", "n_complaints", "complaints_recent", "complaints_open",
    "p_alive", "expected_purchases_12m", "expected_spend", "clv_12m", "p_no_purchase",
    "last_year_frequency",
)
_CATEGORICAL: tuple[str, ...] = ("customer_type", "area_type")


_SHARE_PREFIXES: tuple[str, ...] = ("service_share_", "channel_share_")


#: Share of the training customers held out to calibrate the probabilities.
_CALIBRATION_SHARE = 0.25
#: With ``calibration_folds="auto"``: cross-calibrate with this many folds below
#: this many training customers, hold out a quarter from there on.
_CALIBRATION_FOLDS = 3
_CROSS_CALIBRATE_BELOW = 50_000


def _feature_names(features: pd.DataFrame) -> list[str]:
    shares = [c for c in features.columns if c.startswith(_SHARE_PREFIXES)]
    return [c for c in FEATURE_COLUMNS if c in features.columns] + sorted(shares)


def _positions(rows: np.ndarray | None) -> np.ndarray | None:
    """Rows given as positions or as a bool mask, as positions (``None``: every row)."""
    if rows is None:
        return None
    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows


def feature_matrix(features: pd.DataFrame, names: Sequence[str],
                   categories: Mapping[str, Sequence[str]],
                   rows: np.ndarray | None = None) -> np.ndarray:
    """Numeric columns (missing -> NaN), categories as their codes, of the rows ``rows``
    (positions or a bool mask; default all): no copy of the frame is made for them.

    Values are rounded to float32 precision (about 7 significant digits): the
    database's parallel sums differ in the last bits from run to run, and a
    value sitting on a bin edge of the boosted trees would otherwise flip
    between runs, so that the page and the CLI could disagree.
    """
    positions = _positions(rows)

    def taken(values: np.ndarray) -> np.ndarray:
        return values if positions is None else values[positions]

    n = len(features) if positions is None else len(positions)
    # C order, as the boosting reads it: filled column by column, without a second copy
    out = np.full((n, len(names) + len(categories)), np.nan)
    for j, name in enumerate(names):
        if name in features.columns:
            col = features[name]
            if not pd.api.types.is_numeric_dtype(col.dtype):
                col = pd.to_numeric(col, errors="coerce")
            out[:, j] = taken(col.to_numpy(dtype="float32", na_value=np.nan))
    for j, (name, cats) in enumerate(categories.items(), start=len(names)):
        if name in features.columns:
            out[:, j] = taken(category_codes(features[name], cats))
    return out


def category_codes(values: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Each value's position in ``categories`` (compared as text), NaN where it is missing
    or not one of them (a branch type unseen in training), looked up in Arrow: no
    Categorical built from a million strings, which pandas will refuse for unseen values."""
    text = values.astype("str")
    array = getattr(text.array, "_pa_array", None)
    if array is None:  # text not stored in Arrow
        array = pa.array(text.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    wanted = pa.array([str(c) for c in categories], type=array.type)
    return np.asarray(pc.index_in(array, value_set=wanted).to_numpy(zero_copy_only=False),
                      dtype="float64")


#: Rows predicted at a time: the matrix of a chunk and the boosting's own copy of it stay
#: small (two copies of a million customers' matrix were 0.7 GB at the peak of a CLI run).
PREDICT_CHUNK = 200_000


def predict_rows(classifier, features: pd.DataFrame, names: Sequence[str],
                 categories: Mapping[str, Sequence[str]], rows: np.ndarray | None = None, *,
                 threads: int | None = None) -> np.ndarray:
    """The classifier's churn probability of the rows ``rows`` of ``features`` (positions
    or a bool mask; default all), predicted :data:`PREDICT_CHUNK` rows at a time (each
    row's probability is its own: the same numbers as in one go)."""
    positions = _positions(rows)
    if positions is None:
        positions = np.arange(len(features))
    out = np.empty(len(positions))
    with threadpool_limits(threads, user_api="openmp"):
        for start in range(0, len(positions), PREDICT_CHUNK):
            part = positions[start:start + PREDICT_CHUNK]
            x = feature_matrix(features, names, categories, part)
            out[start:start + len(part)] = classifier.predict_proba(x)[:, 1]
    return out


def _baseline_x(recency: np.ndarray) -> np.ndarray:
    return np.log1p(np.clip(np.nan_to_num(recency, nan=0.0), 0, None)).reshape(-1, 1)


class ChurnModel(BaseEstimator):
    """Gradient-boosted, calibrated churn probability with a time-shifted training design.

    Parameters
    ----------
    horizon_days : H: churn = no purchase in the H days after the scoring day.
    lost_after_days : customers without a purchase for longer than this are
        "lost": left out of training and shown as lost. ``None``: learned at
        fit with :func:`default_lost_after`.
    config : :class:`ChurnConfig` (the view's window, the warning threshold,
        the training sample, the calibration, the boosting's settings, threads
        and seed); default ``ChurnConfig()``. Its fields are readable as
        attributes of the model (``model.window_days`` ...).

    Attributes
    ----------
    classifier_ : the calibrated gradient-boosting classifier (the boosting alone with
        ``calibration="none"``).
    baseline_ : a logistic regression of churn on ``log(1 + recency_days)``:
        the baseline ranking turned into a calibrated probability.
    feature_names_, categories_ : the numeric feature columns and the
        categories of the categorical ones, in model order.
    lost_after_days_ : the lost cutoff used.
    typical_interval_days_ : the typical purchase interval at the cutoff,
        reused for the signals at scoring time.
    cutoff_, as_of_ : the feature day and the last label day of the training data.
    n_train_, base_rate_ : training customers (after sampling) and their churn rate.
    lost_churn_rate_ : share of the customers lost at the cutoff who did not
        buy in the horizon either: the ``churn_risk`` given to lost customers.
    """

    def __init__(self, horizon_days: int = 90, lost_after_days: int | None = None, *,
                 config: ChurnConfig | None = None):
        self.horizon_days = horizon_days
        self.lost_after_days = lost_after_days
        self.config = config

    @property
    def settings(self) -> ChurnConfig:
        """The configuration in force (``ChurnConfig()`` when none was given)."""
        return DEFAULT_CONFIG if self.config is None else self.config

    def __getattr__(self, name: str):
        # the configuration's fields read as the model's own (model.window_days ...)
        if not name.startswith("_") and name in ChurnConfig.__dataclass_fields__:
            return getattr(self.settings, name)
        raise AttributeError(name)

    # -- fitting -------------------------------------------------------------
    def fit(self, data, labels: pd.Series | None = None, *, as_of=None,
            table_names: Mapping[str, str] | None = None,
            views: ViewCache | None = None) -> ChurnModel:
        """Learn the churn probability from a time-shifted training set.

        Either from a training set already built (``data`` a frame of
        :func:`training_set` features, ``labels`` its outcomes: what
        :func:`score_churn` passes, reusing the backtest's latest window), or from
        the tables (``data`` an engine or connection): features at ``as_of - H``
        and labels in ``(as_of - H, as_of]`` are read with :func:`training_set`.

        Parameters
        ----------
        data : DataFrame of features (with ``attrs`` ``cutoff``, ``lost_after_days``,
            ``lost_churn_rate``, ``typical_interval_days``), or engine / connection.
        labels : bool Series aligned with ``data`` (True = churned); only with a frame.
        as_of : the last label day (default: the last transaction day with a bind;
            ``cutoff + H`` with a frame); no data after it is read.
        table_names : canonical table -> actual name.
        views : a cache of customer views (see :func:`churn_features`).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            When the training set holds only one class (everybody churned or
            nobody did), or fewer than 20 customers.
        """
        horizon = check_horizon(self.horizon_days)
        if isinstance(data, pd.DataFrame):
            if labels is None:
                raise ValueError("fit on a feature frame needs its labels")
            self._fit_frame(data, labels)
            self.as_of_ = (as_day(as_of) if as_of is not None
                           else self.cutoff_ + pd.Timedelta(days=horizon))
            return self
        day = resolve_as_of(data, as_of, table_names)
        features, labels = training_set(
            data, as_of=day, horizon_days=horizon, lost_after_days=self.lost_after_days,
            window_days=self.window_days, table_names=table_names, views=views,
            sample_size=self.sample_size, random_state=self.random_state)
        self._fit_frame(features, labels)
        self.as_of_ = day
        return self

    def _calibrated(self, hgb: HistGradientBoostingClassifier, x: np.ndarray,
                    y: np.ndarray) -> CalibratedClassifierCV:
        """The boosted model with calibrated probabilities (see ``calibration_folds``), or
        the boosted model alone on every training customer (``calibration="none"``)."""
        if self.calibration == "none":
            return hgb.fit(x, y)
        folds = self.calibration_folds
        if folds == "auto":
            folds = _CALIBRATION_FOLDS if len(y) < _CROSS_CALIBRATE_BELOW else None
        if folds is not None:
            folds = int(folds)
            if min(y.sum(), (~y).sum()) < folds:
                folds = 2
            return CalibratedClassifierCV(hgb, method=self.calibration, cv=folds).fit(x, y)
        # one boosted model on three quarters, the calibration map on the held-out quarter
        # (stratified, seeded): a single model to fit and to apply at a million customers
        rng = np.random.default_rng(self.random_state)
        held = np.zeros(len(y), dtype=bool)
        for cls in (False, True):
            idx = np.flatnonzero(y == cls)
            held[rng.choice(idx, size=max(1, int(round(len(idx) * _CALIBRATION_SHARE))),
                            replace=False)] = True
        hgb.fit(x[~held], y[~held])
        return CalibratedClassifierCV(FrozenEstimator(hgb), method=self.calibration).fit(
            x[held], y[held])

    def _fit_frame(self, features: pd.DataFrame, labels: pd.Series) -> None:
        y = labels.to_numpy(dtype=bool)
        if len(y) < 20:
            raise ValueError(f"only {len(y)} customers to learn from at the cutoff "
                             f"{features.attrs.get('cutoff')}; the data are too short for "
                             f"a {self.horizon_days}-day horizon")
        if y.all() or not y.any():
            raise ValueError("every training customer has the same outcome (all churned or "
                             "none did); a model cannot be learned from that")
        rows = np.arange(len(y))
        if self.sample_size is not None and len(y) > self.sample_size:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(len(y), size=int(self.sample_size), replace=False))
        names = _feature_names(features)
        categories = {c: sorted(features[c].dropna().astype("str").unique())
                      for c in _CATEGORICAL if c in features.columns}
        x = feature_matrix(features, names, categories, rows)
        # a column without any value (a missing optional table) carries no information
        # (and the binner of the gradient boosting cannot handle it): leave it out
        present = ~np.isnan(x).all(axis=0)
        names = [c for c, ok in zip(names, present[:len(names)], strict=True) if ok]
        categories = {c: cats for (c, cats), ok in
                      zip(categories.items(), present[len(present) - len(categories):],
                          strict=True) if ok}
        x = x[:, present]
        y = y[rows]
        is_cat = np.r_[np.zeros(len(names), bool), np.ones(len(categories), bool)]
        hgb = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=40, l2_regularization=1.0,
            categorical_features=is_cat if is_cat.any() else None,
            early_stopping=False, random_state=self.random_state)
        with threadpool_limits(self.n_threads, user_api="openmp"):
            self.classifier_ = self._calibrated(hgb, x, y)
        recency = features["recency_days"].to_numpy(dtype="float64")[rows]
        self.baseline_ = LogisticRegression().fit(_baseline_x(recency), y)
        self.feature_names_ = names
        self.categories_ = categories
        self.lost_after_days_ = int(features.attrs["lost_after_days"])
        self.typical_interval_days_ = float(features.attrs["typical_interval_days"])
        self.cutoff_ = features.attrs["cutoff"]
        self.n_train_ = len(y)
        self.base_rate_ = float(y.mean())
        self.lost_churn_rate_ = float(features.attrs["lost_churn_rate"])

    # -- applying ------------------------------------------------------------
    def features_at(self, bind: sa.Engine | sa.Connection, *, as_of=None,
                    table_names: Mapping[str, str] | None = None,
                    view: pd.DataFrame | None = None,
                    views: ViewCache | None = None) -> pd.DataFrame:
        """:func:`churn_features` at ``as_of`` with the fitted typical interval."""
        check_is_fitted(self, "classifier_")
        day = resolve_as_of(bind, as_of, table_names)
        return churn_features(bind, as_of=day, horizon_days=self.horizon_days,
                              window_days=self.window_days,
                              typical_interval_days=self.typical_interval_days_,
                              table_names=table_names, view=view, views=views,
                              sample_size=self.sample_size, random_state=self.random_state)

    def predict_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Model and baseline churn probabilities for a frame of :func:`churn_features`.

        Returns
        -------
        DataFrame indexed like ``features`` with ``model_risk``,
        ``baseline_risk`` (both calibrated probabilities in [0, 1]) and ``lost``
        (bool: lapsed longer than ``lost_after_days_``; their probabilities are
        ``lost_churn_rate_``).
        """
        check_is_fitted(self, "classifier_")
        lost = features["recency_days"].to_numpy(dtype="float64") > self.lost_after_days_
        model = np.full(len(features), self.lost_churn_rate_)
        base = np.full(len(features), self.lost_churn_rate_)
        live = ~lost
        if live.any():
            model[live] = predict_rows(self.classifier_, features, self.feature_names_,
                                       self.categories_, live, threads=self.predict_threads)
            recency = features["recency_days"].to_numpy(dtype="float64")[live]
            base[live] = self.baseline_.predict_proba(_baseline_x(recency))[:, 1]
        return pd.DataFrame({"model_risk": model, "baseline_risk": base, "lost": lost},
                            index=features.index)

    def predict_proba_at(self, bind: sa.Engine | sa.Connection, *, as_of=None,
                         table_names: Mapping[str, str] | None = None) -> pd.Series:
        """The model's churn probability of every customer at ``as_of`` (named ``churn_risk``)."""
        risk = self.predict_features(self.features_at(bind, as_of=as_of,
                                                      table_names=table_names))
        return risk["model_risk"].rename("churn_risk")

    def score(self, bind: sa.Engine | sa.Connection, *, as_of=None, lang: str | None = "en",
              use_baseline: bool = False, table_names: Mapping[str, str] | None = None,
              view: pd.DataFrame | None = None) -> pd.DataFrame:
        """Risk, value at risk, status and reasons for every customer at ``as_of``.

        Parameters
        ----------
        bind : engine or connection holding the canonical tables.
        as_of : scoring day (default: the last transaction day).
        lang : "en" or "zh", the language of ``risk_reasons``.
        use_baseline : rank by the baseline probability (a logistic on days
            since the last shipment) instead of the model, as
            :class:`Backtest` advises when the model does not beat it.
        table_names : canonical table -> actual name.
        view : the customer view at ``as_of`` with this model's ``window_days``,
            when the caller already has it.

        Returns
        -------
        DataFrame
            Indexed by ``customer_id`` (every customer of the view), sorted by
            ``value_at_risk`` (highest first, lost customers last), with:

            - ``status``: "warning", "ok" or "lost" (:data:`STATUSES`).
            - ``churn_risk``: calibrated probability of no purchase in the next
              H days (the baseline's when ``use_baseline``); lost customers get
              ``lost_churn_rate_``.
            - ``model_risk`` / ``baseline_risk``: both probabilities.
            - ``p_alive``, ``expected_purchases_12m``, ``clv_12m``: BG/NBD at
              ``as_of`` (:func:`segmentation.clv.score_clv`).
            - ``expected_value``: ``clv_12m``; where BG/NBD gives none, the
              customer's spend of the last 365 days annualised from the
              history: ``monetary_total * 365 / max(tenure_days, 365)``.
            - ``value_at_risk``: ``churn_risk * expected_value`` (0 for lost
              customers: nothing is left to keep).
            - ``reason_codes`` (codes joined by ``","``, see
              :data:`REASON_RULES`) and ``risk_reasons`` (text in ``lang``).
            - the :data:`SIGNAL_COLUMNS`, plus ``branch``, ``region``,
              ``customer_type`` when the view has them (for filtering).

            ``attrs``: ``as_of``, ``horizon_days``, ``lost_after_days``,
            ``ranked_by`` ("model" / "baseline"), ``high_risk_threshold``
            (the top-decile ``churn_risk`` among customers not lost).
        """
        features = self.features_at(bind, as_of=as_of, table_names=table_names, view=view)
        return self.score_features(features, lang=lang, use_baseline=use_baseline)

    def score_features(self, features: pd.DataFrame, *, lang: str | None = "en",
                       use_baseline: bool = False) -> pd.DataFrame:
        """:meth:`score` on a frame of :func:`churn_features` (see :meth:`score`)."""
        risk = self.predict_features(features)
        lost = risk["lost"].to_numpy()
        churn = (risk["baseline_risk"] if use_baseline else risk["model_risk"]).to_numpy()
        out = assemble_scores(features, churn, lost, warning_threshold=self.warning_threshold,
                               extra={"model_risk": risk["model_risk"].to_numpy(),
                                      "baseline_risk": risk["baseline_risk"].to_numpy()})
        out.attrs.update(horizon_days=int(self.horizon_days),
                         lost_after_days=self.lost_after_days_,
                         ranked_by="baseline" if use_baseline else "model")
        if lang is not None:
            out["risk_reasons"] = render_reasons(out, lang)
        return out
