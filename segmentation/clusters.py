"""Customer clusters and personas: KMeans on behaviour features, profiles and names.

The pieces, in the order a page uses them:

1. **Features** (:data:`FEATURE_GROUPS`). Each key is one thing a user can tick
   ("frequency", "service_mix", ...) and becomes one or more columns of the
   feature matrix (:func:`feature_matrix`), computed from the customer view
   (:func:`segmentation.features.customer_view`):

   ============== ======= ======================================================
   key            kind    natural value (column)
   ============== ======= ======================================================
   recency        log     days since the last transaction (``recency_days``)
   frequency      log     shipping days a year (``shipments_per_year``:
                          ``frequency x 365 / max(tenure_days + 1, 90)``, the
                          tiers page's annual shipments)
   spend          log     net spend in yuan (``monetary_total``)
   avg_value      log     net spend per shipping day (``monetary_avg``)
   shipment_size  log     pieces per shipment (``pieces_per_shipment``:
                          ``quantity_total / n_transactions``)
   tenure         linear  days since the first transaction (``tenure_days``)
   service_mix    share   ``service_share_<service>`` (share of purchases)
   channel_mix    share   ``channel_share_<channel>``
   satisfaction   linear  mean survey score (``satisfaction_avg``)
   complaint_rate log     complaints per 100 purchase rows
                          (``complaints_per_100``)
   customer_type  one-hot ``customer_type_<value>`` (1 for the customer's type)
   area_type      one-hot ``area_type_<value>``
   ============== ======= ======================================================

   *log* columns are ``sign(x) * log1p(|x|)`` (shipping counts and amounts
   have heavy right tails; the sign keeps net refunds negative); shares and
   one-hot columns stay in 0..1. Missing values (a customer without purchases
   has no shares, one without surveys no satisfaction) are imputed with the
   median of the column.

   The default (:data:`DEFAULT_FEATURES`) describes *what kind of sender* a
   customer is: frequency, spend, average value, shipment size, service and
   channel mix, customer type. Recency, tenure, satisfaction and complaints
   describe where a customer is in its life cycle and how it is doing; they
   are offered but off by default: on the sample they blur the planted
   archetypes (adjusted Rand index with k = 6: 0.62 with the defaults; 0.45
   adding recency and tenure, 0.44 adding satisfaction and complaints, 0.36
   adding all four).

2. **Clustering** (:class:`CustomerClusterer`): a scikit-learn ``Pipeline``:

   - a ``ColumnTransformer`` with one branch per feature: median imputation,
     then ``RobustScaler(unit_variance=True)`` for log / linear columns
     (centred on the median, scaled by the interquartile range, so that a few
     very large senders do not set the scale; ``unit_variance`` puts them on
     the same footing as z-scores) or ``StandardScaler`` for shares and
     one-hot columns (bounded, so no tails; their interquartile range is often
     0, which would leave them unscaled). Each branch is weighted
     ``1 / sqrt(columns)`` so that every chosen feature counts the same,
     whether it is one column (frequency) or five (service mix);
   - ``KMeans(n_clusters, random_state)``, started from the best of 50
     k-means++ runs on a seeded 20,000-customer part of the fit sample
     (``n_init``, ``init_size``, as ``MiniBatchKMeans`` does). KMeans has
     local optima: with scikit-learn's 10 restarts some seeds stopped in a
     visibly worse one on the sample (inertia 1.3 % higher, adjusted Rand index
     0.54 instead of 0.62), and 20 restarts on the whole sample still did
     now and then at 1M customers; 50 restarts on 20,000 rows found the good
     one in every benchmark run and cost less than 20 on 100,000.

   Larger views are fitted on a seeded random sample (``sample_size``) and
   every customer is then assigned (``predict``, vectorised). Rows are put in
   customer-id order first, so the result does not depend on row order.

   **Numbering.** Cluster 0 is the cluster with the highest median net spend
   (``monetary_total``) among the customers it was fitted on, then descending
   (ties: higher mean spend, then larger cluster). With a fixed
   ``random_state`` the same data always gives the same numbers.

3. **Profiles** (:func:`cluster_profiles`, :func:`cluster_zscores`,
   :func:`cluster_tier_mix`, :func:`cluster_top_branches`) and **personas**
   (:func:`persona_names`): a name and a one-line description per cluster in
   English and Chinese, built from the cluster's distinguishing features with
   the phrase tables :data:`VOLUME_TRAITS`, :data:`FREQUENCY_BANDS` and
   :data:`DESCRIPTION_TRAITS`.

4. **Map** (:func:`projection`): a PCA of a seeded sample of customers in the
   scaled feature space.

Typical use on a page::

    scores, k = suggest_k(view, features)            # silhouette chart + suggestion
    model = CustomerClusterer(k, features).fit(view)
    labels = model.predict(view)
    profiles = cluster_profiles(view, labels, model.features_)
    z = cluster_zscores(view, labels, model.features_)
    names = apply_names(persona_names(profiles, z, lang), overrides)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from threadpoolctl import threadpool_limits

from . import i18n

__all__ = [
    "DEFAULT_FEATURES",
    "DESCRIPTION_TRAITS",
    "FEATURE_GROUPS",
    "FREQUENCY_BANDS",
    "VOLUME_TRAITS",
    "ClusterError",
    "ClusterNote",
    "ClusterWarning",
    "CustomerClusterer",
    "FeatureSpec",
    "apply_names",
    "available_features",
    "cluster_assignments",
    "cluster_profiles",
    "cluster_tier_mix",
    "cluster_top_branches",
    "cluster_zscores",
    "column_label",
    "feature_label",
    "feature_matrix",
    "feature_values",
    "persona_key",
    "persona_names",
    "projection",
    "suggest_k",
]

Kind = Literal["log", "linear", "share", "category"]


@dataclass(frozen=True)
class FeatureSpec:
    """One feature a user can choose.

    Attributes
    ----------
    key : identifier; the label is the i18n message ``cluster.feature.<key>``.
    kind : ``"log"`` (signed log1p), ``"linear"`` (as is), ``"share"`` (0..1
        columns found by ``prefix``) or ``"category"`` (one-hot of ``requires[0]``).
    requires : customer-view columns the feature is computed from.
    column : name of the feature's column (single-column kinds).
    prefix : column prefix of a share / one-hot group (``service_share_``).
    """

    key: str
    kind: Kind
    requires: tuple[str, ...]
    column: str | None = None
    prefix: str | None = None


#: Every feature a user can choose, in display order.
FEATURE_GROUPS: dict[str, FeatureSpec] = {spec.key: spec for spec in (
    FeatureSpec("recency", "log", ("recency_days",), column="recency_days"),
    FeatureSpec("frequency", "log", ("frequency", "tenure_days"), column="shipments_per_year"),
    FeatureSpec("spend", "log", ("monetary_total",), column="monetary_total"),
    FeatureSpec("avg_value", "log", ("monetary_avg",), column="monetary_avg"),
    FeatureSpec("shipment_size", "log", ("quantity_total", "n_transactions"),
                column="pieces_per_shipment"),
    FeatureSpec("tenure", "linear", ("tenure_days",), column="tenure_days"),
    FeatureSpec("service_mix", "share", (), prefix="service_share_"),
    FeatureSpec("channel_mix", "share", (), prefix="channel_share_"),
    FeatureSpec("satisfaction", "linear", ("satisfaction_avg",), column="satisfaction_avg"),
    FeatureSpec("complaint_rate", "log", ("n_complaints", "n_transactions"),
                column="complaints_per_100"),
    FeatureSpec("customer_type", "category", ("customer_type",), prefix="customer_type_"),
    FeatureSpec("area_type", "category", ("area_type",), prefix="area_type_"),
)}

#: The default choice: what kind of sender a customer is (see the module docstring).
DEFAULT_FEATURES: tuple[str, ...] = ("frequency", "spend", "avg_value", "shipment_size",
                                     "service_mix", "channel_mix", "customer_type")

#: Column whose median orders the clusters (cluster 0 = highest).
VALUE_COLUMN = "monetary_total"
#: Annual figures use at least this many days of history (as the tiers page does),
#: so that a customer first seen last week is not extrapolated from a week.
ANNUALIZE_MIN_DAYS = 90
#: At most this many values of a category (the most frequent) get a one-hot column.
MAX_CATEGORIES = 12
#: Hover columns of :func:`projection`, when present.
HOVER_COLUMNS: tuple[str, ...] = ("customer_type", "branch", "monetary_total",
                                  "shipments_per_year")

_SCALED_KINDS = ("log", "linear")


# --------------------------------------------------------------------------- messages

i18n.register({
    # features
    "cluster.feature.recency": {"en": "Recency (days since last shipment)",
                                "zh": "最近一次寄件距今天数"},
    "cluster.feature.frequency": {"en": "Frequency (shipping days a year)",
                                  "zh": "寄件频次（每年寄件天数）"},
    "cluster.feature.spend": {"en": "Total spend", "zh": "累计消费"},
    "cluster.feature.avg_value": {"en": "Average shipment value", "zh": "单次寄件金额"},
    "cluster.feature.shipment_size": {"en": "Pieces per shipment", "zh": "每单件数"},
    "cluster.feature.tenure": {"en": "Tenure (days)", "zh": "合作时长（天）"},
    "cluster.feature.service_mix": {"en": "Service mix", "zh": "服务结构"},
    "cluster.feature.channel_mix": {"en": "Channel mix", "zh": "渠道结构"},
    "cluster.feature.satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "cluster.feature.complaint_rate": {"en": "Complaints per 100 shipments",
                                       "zh": "每百单投诉数"},
    "cluster.feature.customer_type": {"en": "Customer type", "zh": "客户类型"},
    "cluster.feature.area_type": {"en": "Urban / rural", "zh": "城乡"},
    "cluster.column.part": {"en": "{feature}: {value}", "zh": "{feature}：{value}"},
    # values of share / category columns
    "cluster.value.standard": {"en": "standard", "zh": "标准快递"},
    "cluster.value.express": {"en": "express", "zh": "特快"},
    "cluster.value.parcel": {"en": "parcel", "zh": "包裹"},
    "cluster.value.international": {"en": "international", "zh": "国际件"},
    "cluster.value.cod": {"en": "cash-on-delivery", "zh": "代收货款"},
    "cluster.value.counter": {"en": "the counter", "zh": "柜台"},
    "cluster.value.app": {"en": "the app", "zh": "App"},
    "cluster.value.mini_program": {"en": "the mini program", "zh": "小程序"},
    "cluster.value.pickup": {"en": "pickup", "zh": "上门揽收"},
    "cluster.value.enterprise": {"en": "enterprise", "zh": "企业"},
    "cluster.value.individual": {"en": "individual", "zh": "个人"},
    "cluster.value.urban": {"en": "urban", "zh": "城市"},
    "cluster.value.rural": {"en": "rural", "zh": "农村"},
    # profile columns
    "cluster.profile.cluster": {"en": "Cluster", "zh": "客群"},
    "cluster.profile.size": {"en": "Customers", "zh": "客户数"},
    "cluster.profile.share": {"en": "Share of customers", "zh": "客户占比"},
    "cluster.profile.revenue": {"en": "Revenue", "zh": "收入"},
    "cluster.profile.revenue_share": {"en": "Share of revenue", "zh": "收入占比"},
    "cluster.profile.persona": {"en": "Persona", "zh": "客群画像"},
    "cluster.profile.description": {"en": "Description", "zh": "描述"},
    "cluster.silhouette": {"en": "Silhouette score", "zh": "轮廓系数"},
    "cluster.suggested_k": {"en": "Suggested number of clusters: {k}",
                            "zh": "建议的客群数：{k}"},
    # notes (warnings) and errors
    "cluster.note.missing_features": {
        "en": "Left out because the data has no such columns: {features}.",
        "zh": "数据中没有相应的列，已略去：{features}。",
    },
    "cluster.note.constant_columns": {
        "en": "Left out because every customer has the same value: {columns}.",
        "zh": "所有客户取值相同，已略去：{columns}。",
    },
    "cluster.note.fewer_customers": {
        "en": "Too few distinguishable customers for {requested} clusters ({distinct} "
              "distinct): {k} clusters are formed.",
        "zh": "可区分的客户太少（{distinct} 种），无法分成 {requested} 个客群，已改为 {k} 个。",
    },
    "cluster.note.sampled": {
        "en": "Clusters were learned on a random sample of {n_fit} of {n} customers; every "
              "customer is then assigned to the nearest cluster.",
        "zh": "客群基于 {n} 位客户中随机抽取的 {n_fit} 位学习得到，随后每位客户归入最近的客群。",
    },
    "cluster.error.no_customers": {"en": "There are no customers to cluster.",
                                   "zh": "没有可分群的客户。"},
    "cluster.error.unknown_feature": {"en": "Unknown feature: {feature}.",
                                      "zh": "未知的特征：{feature}。"},
    "cluster.error.no_features": {
        "en": "None of the chosen features is in the data ({features}). Choose others.",
        "zh": "所选特征在数据中都不存在（{features}），请重新选择。",
    },
    "cluster.error.bad_k": {"en": "The number of clusters must be at least 1, got {k}.",
                            "zh": "客群数至少为 1，当前为 {k}。"},
    "cluster.error.not_fitted": {"en": "The clusters have not been learned yet (call fit).",
                                 "zh": "尚未进行分群（请先调用 fit）。"},
    "cluster.error.predict_missing": {
        "en": "These customers lack features the clusters were learned on: {features}.",
        "zh": "这些客户缺少分群时使用的特征：{features}。",
    },
    "cluster.error.labels_length": {
        "en": "{labels} cluster labels for {n} customers.",
        "zh": "客群标签数（{labels}）与客户数（{n}）不一致。",
    },
    "cluster.list_sep": {"en": ", ", "zh": "、"},
    "cluster.phrase_sep": {"en": ", ", "zh": "，"},
})


def feature_label(key: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a feature key (``cluster.feature.<key>``)."""
    return i18n.t(f"cluster.feature.{key}", lang)


def _value_label(value: str, lang: str) -> str:
    key = f"cluster.value.{value}"
    return i18n.t(key, lang) if i18n.has(key) else str(value)


def column_label(column: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a feature-matrix / profile column.

    ``"shipments_per_year"`` -> "Frequency (shipping days a year)";
    ``"service_share_express"`` -> "Service mix: express" / "服务结构：特快".
    Unknown columns are returned unchanged.
    """
    key = _feature_of_column(column)
    if key is None:
        return column
    spec = FEATURE_GROUPS[key]
    if spec.prefix is None:
        return feature_label(key, lang)
    value = column[len(spec.prefix):]
    return i18n.t("cluster.column.part", lang, feature=feature_label(key, lang),
                  value=_value_label(value, lang))


def _feature_of_column(column: str) -> str | None:
    for key, spec in FEATURE_GROUPS.items():
        if spec.column == column or (spec.prefix and column.startswith(spec.prefix)):
            return key
    return None


def _join(items: Iterable[str], lang: str) -> str:
    return i18n.t("cluster.list_sep", lang).join(items)


class ClusterError(i18n.LocalizedError):
    """Input that cannot be clustered; ``code`` names the message ``cluster.error.<code>``."""

    prefix = "cluster.error"

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        params = dict(self.params)
        if "features" in params:
            params["features"] = _join((feature_label(k, lang) if k in FEATURE_GROUPS else k
                                        for k in params["features"]), lang)
        return i18n.t(f"cluster.error.{self.code}", lang, **params)


@dataclass(frozen=True)
class ClusterNote:
    """An explained adjustment made while clustering (feature left out, fewer clusters, sample).

    Attributes
    ----------
    code : ``missing_features``, ``constant_columns``, ``fewer_customers`` or
        ``sampled``; the message is ``cluster.note.<code>``.
    level : ``"warning"`` (also raised as :class:`ClusterWarning`) or ``"info"``.
    params : the raw values behind the message (feature keys, columns, counts).
    """

    code: str
    level: Literal["info", "warning"]
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        params: dict[str, Any] = dict(self.params)
        if "features" in params:
            params["features"] = _join((feature_label(k, lang) for k in params["features"]),
                                       lang)
        if "columns" in params:
            params["columns"] = _join((column_label(c, lang) for c in params["columns"]), lang)
        for name in ("n", "n_fit"):
            if name in params:
                params[name] = i18n.fmt_int(params[name], lang)
        return i18n.t(f"cluster.note.{self.code}", lang, **params)


class ClusterWarning(UserWarning):
    """A degenerate input was adjusted; ``.note`` holds the :class:`ClusterNote`."""

    def __init__(self, note: ClusterNote):
        self.note = note
        super().__init__(note.message("en"))


# --------------------------------------------------------------------------- features


def _has_values(view: pd.DataFrame, column: str) -> bool:
    return column in view.columns and bool(view[column].notna().any())


def _prefixed(view: pd.DataFrame, prefix: str) -> list[str]:
    return [c for c in view.columns if isinstance(c, str) and c.startswith(prefix)
            and view[c].notna().any()]


def available_features(view: pd.DataFrame) -> list[str]:
    """The feature keys (:data:`FEATURE_GROUPS` order) that ``view`` can provide.

    A feature is available when its source columns exist and hold at least one
    value (a view built without surveys has no ``satisfaction``; one whose
    transactions have no ``service`` column has no ``service_mix``).
    """
    out = []
    for key, spec in FEATURE_GROUPS.items():
        if spec.kind == "share":
            ok = bool(_prefixed(view, spec.prefix or ""))
        else:
            ok = all(_has_values(view, c) for c in spec.requires)
        if ok:
            out.append(key)
    return out


def _resolve(view: pd.DataFrame, features: Sequence[str] | None
             ) -> tuple[list[str], list[str]]:
    """(usable keys, requested keys the view lacks); ``None`` = the available defaults."""
    if isinstance(features, str):
        features = [features]
    if features is None:
        available = set(available_features(view))
        return [k for k in DEFAULT_FEATURES if k in available], []
    unknown = [k for k in features if k not in FEATURE_GROUPS]
    if unknown:
        raise ClusterError("unknown_feature", feature=", ".join(map(str, unknown)))
    available = set(available_features(view))
    keys = list(dict.fromkeys(features))
    return [k for k in keys if k in available], [k for k in keys if k not in available]


def _float(view: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(view[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _per(numerator: np.ndarray, denominator: np.ndarray, scale: float = 1.0) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, scale * numerator / denominator, np.nan)


def _natural(view: pd.DataFrame, key: str) -> dict[str, np.ndarray]:
    """The columns of one feature in natural units (NaN where unknown)."""
    spec = FEATURE_GROUPS[key]
    if spec.kind == "share":
        return {c: _float(view, c) for c in _prefixed(view, spec.prefix or "")}
    if spec.kind == "category":
        values = view[spec.requires[0]]
        counts = values.dropna().astype(str).value_counts()
        # most frequent first, ties by text: the same columns whatever the row order
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CATEGORIES]
        text = values.astype("string")
        return {f"{spec.prefix}{v}": (text == v).fillna(False).to_numpy(dtype=float)
                for v, _ in ordered}
    assert spec.column is not None
    if key == "frequency":
        days = np.maximum(_float(view, "tenure_days") + 1, ANNUALIZE_MIN_DAYS)
        values = _float(view, "frequency") * 365.0 / days
    elif key == "shipment_size":
        values = _per(_float(view, "quantity_total"), _float(view, "n_transactions"))
    elif key == "complaint_rate":
        values = _per(_float(view, "n_complaints"), _float(view, "n_transactions"), 100.0)
    else:
        values = _float(view, spec.requires[0])
    return {spec.column: values}


def feature_values(view: pd.DataFrame, features: Sequence[str] | None = None) -> pd.DataFrame:
    """The chosen features in natural units (yuan, days, shares), NaN where unknown.

    Parameters
    ----------
    view : customer view (:func:`segmentation.features.customer_view`).
    features : feature keys (:data:`FEATURE_GROUPS`); ``None`` = the defaults
        the view can provide. Keys the view lacks are skipped.

    Returns
    -------
    DataFrame indexed like ``view``, one float column per feature column (see
    the table in the module docstring), in feature order.
    """
    keys, _ = _resolve(view, features)
    columns: dict[str, np.ndarray] = {}
    for key in keys:
        columns.update(_natural(view, key))
    return pd.DataFrame(columns, index=view.index, dtype=float)


def _signed_log1p(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.log1p(np.abs(values))


def _transform(natural: pd.DataFrame) -> pd.DataFrame:
    out = natural.copy()
    for column in out.columns:
        key = _feature_of_column(column)
        if key is not None and FEATURE_GROUPS[key].kind == "log":
            out[column] = _signed_log1p(out[column].to_numpy())
    return out


def feature_matrix(view: pd.DataFrame, features: Sequence[str] | None = None, *,
                   impute: bool = True) -> pd.DataFrame:
    """The numeric matrix the clusters are learned on (before scaling).

    Parameters
    ----------
    view : customer view.
    features : feature keys; ``None`` = the defaults the view can provide.
        Keys the view lacks are skipped (:class:`CustomerClusterer` warns).
    impute : replace missing values by the median of their column (0 when a
        column has no value at all). ``False`` keeps NaN, for a pipeline that
        learns its own medians.

    Returns
    -------
    DataFrame indexed like ``view`` with float columns: ``log`` features as
    ``sign(x) * log1p(|x|)`` (recency, frequency, spend, average value,
    shipment size, complaint rate), shares and one-hot columns in 0..1,
    tenure and satisfaction as they are. Column names as in
    :func:`feature_values`.
    """
    matrix = _transform(feature_values(view, features))
    if impute:
        medians = matrix.median(skipna=True).fillna(0.0)
        matrix = matrix.fillna(medians)
    return matrix


def _groups(columns: Sequence[str]) -> dict[str, list[str]]:
    """Matrix columns grouped by feature key, in column order."""
    groups: dict[str, list[str]] = {}
    for column in columns:
        key = _feature_of_column(column)
        assert key is not None, column
        groups.setdefault(key, []).append(column)
    return groups


def _preprocessor(columns: Sequence[str]) -> ColumnTransformer:
    """Impute, scale robustly and weight each feature by 1 / sqrt(its columns)."""
    branches, weights = [], {}
    for key, cols in _groups(columns).items():
        scaler = (RobustScaler(unit_variance=True) if FEATURE_GROUPS[key].kind in _SCALED_KINDS
                  else StandardScaler())
        imputer = SimpleImputer(strategy="median", keep_empty_features=True)
        branches.append((key, make_pipeline(imputer, scaler), list(cols)))
        weights[key] = 1.0 / math.sqrt(len(cols))
    return ColumnTransformer(branches, transformer_weights=weights, remainder="drop",
                             verbose_feature_names_out=False)


def _threads(n_threads: int | None):
    return nullcontext() if n_threads is None else threadpool_limits(limits=n_threads)


def _in_id_order(view: pd.DataFrame) -> pd.DataFrame:
    """The view sorted by customer id (no copy when it already is)."""
    if view.index.is_monotonic_increasing:
        return view
    return view.sort_index(kind="stable")


def _sample_positions(n: int, sample_size: int | None, random_state: int) -> np.ndarray | None:
    """Sorted positions of a seeded sample, or ``None`` for all rows."""
    if sample_size is None or n <= sample_size:
        return None
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=int(sample_size), replace=False))


def _take(view: pd.DataFrame, positions: np.ndarray | None) -> pd.DataFrame:
    return view if positions is None else view.iloc[positions]


@dataclass
class _Prepared:
    """A fit sample's matrix after the degenerate-input checks."""

    features: list[str]
    matrix: pd.DataFrame  # NaN kept
    n_distinct: int
    notes: list[ClusterNote]


def _prepare(view: pd.DataFrame, features: Sequence[str] | None) -> _Prepared:
    keys, missing = _resolve(view, features)
    notes: list[ClusterNote] = []
    if missing:
        notes.append(ClusterNote("missing_features", "warning", {"features": missing}))
    if not keys:
        raise ClusterError("no_features", features=list(features or DEFAULT_FEATURES))
    matrix = feature_matrix(view, keys, impute=False)
    filled = matrix.fillna(matrix.median(skipna=True).fillna(0.0)).to_numpy()
    constant = np.ptp(filled, axis=0) == 0 if len(filled) else np.ones(filled.shape[1], bool)
    if constant.all():
        # every customer looks the same: keep the columns, one cluster will follow
        n_distinct = min(len(filled), 1)
    else:
        if constant.any():
            dropped = [c for c, flag in zip(matrix.columns, constant, strict=True) if flag]
            notes.append(ClusterNote("constant_columns", "warning", {"columns": dropped}))
            matrix = matrix.loc[:, ~constant]
            filled = filled[:, ~constant]
            keys = [k for k in keys if k in set(_groups(matrix.columns))]
        n_distinct = len(pd.DataFrame(filled).drop_duplicates())
    return _Prepared(keys, matrix, n_distinct, notes)


def _warn(notes: Iterable[ClusterNote]) -> None:
    for note in notes:
        if note.level == "warning":
            warnings.warn(ClusterWarning(note), stacklevel=3)


# --------------------------------------------------------------------------- the estimator


class CustomerClusterer(ClusterMixin, BaseEstimator):
    """KMeans customer clusters with stable numbering (cluster 0 = highest median spend).

    Parameters
    ----------
    n_clusters : number of clusters asked for (the page's slider, 2..10).
    features : feature keys (:data:`FEATURE_GROUPS`); ``None`` = the
        :data:`DEFAULT_FEATURES` the view can provide. Requested keys the view
        lacks are left out with a :class:`ClusterWarning`.
    sample_size : fit on a seeded random sample of this many customers when
        the view is larger (``None``: always all). Every customer is assigned
        by :meth:`predict`.
    random_state : seed of the sample and of KMeans.
    n_init : k-means++ restarts in the search for starting centres (the best,
        lowest inertia, is kept).
    init_size : customers of the fit sample the restarts run on (seeded);
        the best centres then start one KMeans on the whole fit sample.
        ``None``: the restarts use the whole fit sample.
    n_threads : OpenMP / BLAS threads while fitting and predicting; ``None``
        leaves scikit-learn's default (all cores). The default, 1, is the safe
        choice when CPUs are shared (several dashboard sessions, parallel
        jobs): on a busy 2-core machine, threads waiting for each other made
        the 1M-customer fit 2.5-4x slower and a 5,000-row fit 15x slower.

    Attributes
    ----------
    pipeline_ : fitted ``Pipeline`` (``ColumnTransformer`` of imputers and scalers,
        then ``KMeans``); its KMeans labels are the *raw* labels.
    features_ : feature keys used (after leaving out missing / constant ones).
    feature_names_ : feature-matrix columns used, in order.
    n_clusters_ : number of clusters formed (fewer than asked when the data
        has fewer distinguishable customers).
    order_ : ``order_[i]`` is the raw KMeans label that became cluster ``i``.
    cluster_centers_ : centres in the scaled space, row ``i`` = cluster ``i``.
    n_customers_ : customers in the view given to :meth:`fit`.
    n_fit_ : customers the clusters were learned on (the sample).
    notes_ : :class:`ClusterNote` list: adjustments made (also warned) and
        whether a sample was used.
    """

    def __init__(self, n_clusters: int = 5, features: Sequence[str] | None = None, *,
                 sample_size: int | None = 100_000, random_state: int = 7, n_init: int = 50,
                 init_size: int | None = 20_000, n_threads: int | None = 1):
        self.n_clusters = n_clusters
        self.features = features
        self.sample_size = sample_size
        self.random_state = random_state
        self.n_init = n_init
        self.init_size = init_size
        self.n_threads = n_threads

    # -- fitting -------------------------------------------------------------
    def fit(self, view: pd.DataFrame, y: object = None) -> CustomerClusterer:
        """Learn the clusters from a customer view (or a seeded sample of it).

        Parameters
        ----------
        view : customer view; needs the columns of the chosen features and,
            for the numbering, ``monetary_total`` (without it clusters are
            numbered by size, largest first).

        Returns
        -------
        self

        Raises
        ------
        ClusterError
            No customers, ``n_clusters < 1``, unknown feature keys, or none of
            the chosen features in the view.
        """
        k = int(self.n_clusters)
        if k < 1:
            raise ClusterError("bad_k", k=self.n_clusters)
        if len(view) == 0:
            raise ClusterError("no_customers")
        view = _in_id_order(view)
        positions = _sample_positions(len(view), self.sample_size, self.random_state)
        sample = _take(view, positions)
        prepared = _prepare(sample, self.features)
        notes = list(prepared.notes)
        if prepared.n_distinct < k:
            notes.append(ClusterNote("fewer_customers", "warning",
                                     {"distinct": prepared.n_distinct, "requested": k,
                                      "k": prepared.n_distinct}))
            k = prepared.n_distinct
        if positions is not None:
            notes.append(ClusterNote("sampled", "info",
                                     {"n_fit": len(sample), "n": len(view)}))
        _warn(notes)

        scale = _preprocessor(prepared.matrix.columns)
        with _threads(self.n_threads):
            scaled = scale.fit_transform(prepared.matrix)
            seeds = self._search(scaled, k)
            kmeans = KMeans(n_clusters=k, init=seeds, n_init=1,
                            random_state=self.random_state).fit(scaled)
        # both steps are fitted: the pipeline is ready to transform and predict
        pipeline = Pipeline([("scale", scale), ("kmeans", kmeans)])
        raw = kmeans.labels_
        self.order_ = _value_order(raw, k, sample)
        self.pipeline_ = pipeline
        self.features_ = tuple(prepared.features)
        self.feature_names_ = tuple(prepared.matrix.columns)
        self.n_clusters_ = k
        self.cluster_centers_ = pipeline[-1].cluster_centers_[self.order_]
        self.n_customers_ = len(view)
        self.n_fit_ = len(sample)
        self.notes_ = notes
        return self

    def _search(self, scaled: np.ndarray, k: int) -> np.ndarray | str:
        """Starting centres: the best of ``n_init`` k-means++ runs on ``init_size`` rows."""
        if k == 1:
            return "k-means++"
        rows = _sample_positions(len(scaled), self.init_size, self.random_state)
        search = scaled if rows is None else scaled[rows]
        if rows is not None and len(pd.DataFrame(search).drop_duplicates()) < k:
            search = scaled
        km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)
        return km.fit(search).cluster_centers_

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise ClusterError("not_fitted")

    def transform(self, view: pd.DataFrame) -> np.ndarray:
        """The customers in the scaled, weighted feature space the clusters live in."""
        self._check_fitted()
        return self.pipeline_[:-1].transform(self._matrix(view))

    def _matrix(self, view: pd.DataFrame) -> pd.DataFrame:
        keys, missing = _resolve(view, self.features_)
        if missing:
            raise ClusterError("predict_missing", features=missing)
        matrix = feature_matrix(view, keys, impute=False)
        # a share / category value unseen here is 0 for everyone; unseen at fit is ignored
        return matrix.reindex(columns=list(self.feature_names_), fill_value=0.0)

    def predict(self, view: pd.DataFrame) -> pd.Series:
        """The cluster (0..``n_clusters_ - 1``) of every customer in ``view``.

        Returns
        -------
        Series ``cluster`` (int64) indexed like ``view`` (same order).

        Raises
        ------
        ClusterError
            Not fitted, or the view lacks a feature the clusters were learned on.
        """
        self._check_fitted()
        if len(view) == 0:
            return pd.Series([], index=view.index, dtype=np.int64, name="cluster")
        with _threads(self.n_threads):
            raw = self.pipeline_.predict(self._matrix(view))
        relabel = np.argsort(self.order_)
        return pd.Series(relabel[raw].astype(np.int64), index=view.index, name="cluster")

    def fit_predict(self, view: pd.DataFrame, y: object = None) -> pd.Series:
        """:meth:`fit` then :meth:`predict` on the same view."""
        return self.fit(view).predict(view)


def _value_order(raw: np.ndarray, k: int, sample: pd.DataFrame) -> np.ndarray:
    """Raw labels sorted by median spend (then mean spend, then size), highest first."""
    size = np.bincount(raw, minlength=k).astype(float)
    if VALUE_COLUMN in sample.columns:
        spend = pd.Series(np.nan_to_num(_float(sample, VALUE_COLUMN)))
        grouped = spend.groupby(raw)
        median = grouped.median().reindex(range(k)).to_numpy()
        mean = grouped.mean().reindex(range(k)).to_numpy()
    else:
        median = mean = np.zeros(k)
    # np.lexsort sorts by the last key first; raw label last for a total order
    return np.lexsort((np.arange(k), -size, -mean, -median))


def suggest_k(view: pd.DataFrame, features: Sequence[str] | None = None,
              k_range: Iterable[int] = range(2, 11), sample_size: int | None = 5_000,
              random_state: int = 7, *, tolerance: float = 0.01, n_init: int = 10,
              n_threads: int | None = 1) -> tuple[pd.DataFrame, int]:
    """Silhouette scores for each k on a seeded sample, and the suggested k.

    Each k is fitted on the same sample (``sample_size`` customers, seeded, in
    the scaled space of :class:`CustomerClusterer`) and scored with the mean
    silhouette (-1..1; higher = tighter, better separated clusters).

    **Suggestion**: the smallest k whose silhouette is within ``tolerance`` of
    the best one (fewer clusters are easier to present when the separation is
    about as good). Silhouettes tend to favour coarse splits (on the sample,
    enterprise vs individual at k = 2): treat the chart as a guide, not a rule.

    Parameters
    ----------
    view, features : as for :class:`CustomerClusterer`.
    k_range : the k to try (the page's slider range).
    sample_size : customers scored (silhouettes cost n^2); ``None`` = all.
    random_state, n_threads : as for :class:`CustomerClusterer`.
    n_init : KMeans (k-means++) restarts for each k.
    tolerance : how close to the best silhouette counts as "as good".

    Returns
    -------
    (scores, k)
        ``scores``: one row per k of ``k_range`` with ``k``, ``silhouette``
        (NaN when the sample cannot form k clusters of at least 2 distinct
        customers, e.g. fewer customers than k) and ``inertia`` (within-cluster
        sum of squares, for an elbow chart), ``suggested`` (bool). ``k``: the
        suggestion; without any valid silhouette, the smallest k of the range
        that the data can form (at least 1).
    """
    ks = sorted({int(k) for k in k_range})
    if len(view) == 0:
        raise ClusterError("no_customers")
    view = _in_id_order(view)
    sample = _take(view, _sample_positions(len(view), sample_size, random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClusterWarning)  # fit() warns about the same things
        prepared = _prepare(sample, features)
    with _threads(n_threads):
        scaled = _preprocessor(prepared.matrix.columns).fit_transform(prepared.matrix)
        rows = []
        for k in ks:
            silhouette = inertia = np.nan
            if 2 <= k <= prepared.n_distinct and k < len(scaled):
                km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
                labels = km.fit_predict(scaled)
                inertia = float(km.inertia_)
                if len(np.unique(labels)) >= 2:
                    silhouette = float(silhouette_score(scaled, labels))
            elif 1 <= k <= prepared.n_distinct:
                km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
                inertia = float(km.fit(scaled).inertia_)
            rows.append((k, silhouette, inertia))
    scores = pd.DataFrame(rows, columns=["k", "silhouette", "inertia"])
    scores["k"] = scores["k"].astype(np.int64)
    valid = scores["silhouette"].notna()
    if valid.any():
        best = scores.loc[valid, "silhouette"].max()
        suggested = int(scores.loc[valid & (scores["silhouette"] >= best - tolerance),
                                   "k"].min())
    else:
        formable = [k for k in ks if 1 <= k <= max(prepared.n_distinct, 1)]
        suggested = formable[0] if formable else 1
    scores["suggested"] = scores["k"] == suggested
    return scores, suggested


# --------------------------------------------------------------------------- profiles


def _labels(view: pd.DataFrame, labels: pd.Series | Sequence[int] | np.ndarray) -> pd.Series:
    """Cluster labels aligned with ``view`` rows (a Series is aligned by index)."""
    if isinstance(labels, pd.Series):
        aligned = labels.reindex(view.index) if not labels.index.equals(view.index) else labels
        return aligned.rename("cluster")
    values = np.asarray(labels)
    if len(values) != len(view):
        raise ClusterError("labels_length", labels=len(values), n=len(view))
    return pd.Series(values, index=view.index, name="cluster")


def _cluster_index(labels: pd.Series) -> pd.Index:
    values = labels.dropna().unique()
    return pd.Index(np.sort(values.astype(np.int64)), name="cluster")


def cluster_profiles(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                     features: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per cluster: size, revenue and the typical value of each feature.

    Parameters
    ----------
    view : customer view (``monetary_total`` for revenue).
    labels : cluster per customer (:meth:`CustomerClusterer.predict`); a
        Series is aligned on the view's index, customers without a label are
        left out.
    features : feature keys whose values to show; ``None`` = the defaults the
        view can provide (pass ``model.features_``).

    Returns
    -------
    DataFrame indexed by ``cluster`` (int, ascending) with ``size`` (int64),
    ``share`` (of the labelled customers), ``revenue`` (sum of
    ``monetary_total``, NaN counted as 0), ``revenue_share`` (of the total;
    NaN when the total is not positive), then one column per feature column
    in natural units (:func:`feature_values`): the **median** for single
    columns (frequency, spend ...), the **mean** for share and one-hot columns
    (the cluster's service mix, its share of enterprises), because the median
    of a 0/1 or sparse column says little.
    """
    lab = _labels(view, labels)
    index = _cluster_index(lab)
    keep = lab.notna().to_numpy()
    groups = lab[keep].astype(np.int64).to_numpy()
    size = pd.Series(groups).value_counts().reindex(index, fill_value=0)
    out = pd.DataFrame({"size": size.to_numpy(dtype=np.int64)}, index=index)
    out["share"] = out["size"] / max(int(out["size"].sum()), 1)
    if VALUE_COLUMN in view.columns:
        spend = np.nan_to_num(_float(view, VALUE_COLUMN))[keep]
        revenue = pd.Series(spend).groupby(groups).sum().reindex(index, fill_value=0.0)
        out["revenue"] = revenue.to_numpy()
        total = out["revenue"].sum()
        out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    values = feature_values(view, features)[keep]
    values.index = pd.Index(groups, name="cluster")
    grouped = values.groupby(level=0)
    for column in values.columns:
        kind = FEATURE_GROUPS[_feature_of_column(column) or ""].kind
        stat = grouped[column].mean() if kind in ("share", "category") else \
            grouped[column].median()
        out[column] = stat.reindex(index).to_numpy()
    return out


def cluster_zscores(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                    features: Sequence[str] | None = None) -> pd.DataFrame:
    """How each cluster differs from the average customer, per feature column (heatmap).

    ``(cluster mean - overall mean) / overall standard deviation`` of every
    column of :func:`feature_matrix` (so on the log scale for log features,
    which keeps a few very large senders from dominating the means; missing
    values imputed with the median). Population standard deviation; a column
    without variation gives 0.

    Returns
    -------
    DataFrame indexed by ``cluster`` (ascending), one float column per feature column.
    """
    lab = _labels(view, labels)
    index = _cluster_index(lab)
    keep = lab.notna().to_numpy()
    matrix = feature_matrix(view, features)[keep]
    groups = lab[keep].astype(np.int64).to_numpy()
    mean = matrix.mean()
    std = matrix.std(ddof=0).replace(0.0, np.nan)
    cluster_mean = matrix.groupby(groups).mean().reindex(index)
    z = ((cluster_mean - mean) / std).fillna(0.0)
    z.index.name = "cluster"
    return z


def cluster_tier_mix(view: pd.DataFrame, labels: pd.Series | Sequence[int], *,
                     tier: str = "tier") -> pd.DataFrame:
    """Share of each value tier within each cluster (rows sum to 1).

    Parameters
    ----------
    view : customer view with a ``tier`` column (e.g. after
        :func:`segmentation.tiers.score_customers`).
    tier : the tier column.

    Returns
    -------
    DataFrame indexed by ``cluster``, one column per tier (the categorical
    order, best tier first, when ``tier`` is categorical; else sorted). An
    empty frame (cluster index, no columns) when the view has no tier column.
    """
    lab = _labels(view, labels)
    index = _cluster_index(lab)
    if tier not in view.columns:
        return pd.DataFrame(index=index)
    counts = pd.crosstab(lab, view[tier], dropna=True).reindex(index, fill_value=0)
    if isinstance(view[tier].dtype, pd.CategoricalDtype):
        counts = counts.reindex(columns=view[tier].cat.categories, fill_value=0)
    totals = counts.sum(axis=1).replace(0, np.nan)
    mix = counts.div(totals, axis=0).fillna(0.0)
    mix.columns = pd.Index(list(mix.columns), name=tier)
    mix.index.name = "cluster"
    return mix


def cluster_top_branches(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                         n: int = 3, *, branch: str = "branch") -> pd.DataFrame:
    """The ``n`` branches with the most customers of each cluster.

    Returns
    -------
    DataFrame with ``cluster``, ``rank`` (1 = most customers), ``branch``,
    ``customers``, ``share`` (of the cluster's customers) and ``revenue``
    (sum of ``monetary_total``, when present); ties by branch name. Empty
    (these columns, no rows) when the view has no branch column.
    """
    columns = ["cluster", "rank", "branch", "customers", "share", "revenue"]
    if branch not in view.columns:
        return pd.DataFrame(columns=columns)
    lab = _labels(view, labels)
    frame = pd.DataFrame({"cluster": lab.to_numpy(), "branch": view[branch].to_numpy()})
    frame["revenue"] = (np.nan_to_num(_float(view, VALUE_COLUMN))
                        if VALUE_COLUMN in view.columns else np.nan)
    frame = frame.dropna(subset=["cluster", "branch"])
    frame["cluster"] = frame["cluster"].astype(np.int64)
    frame["branch"] = frame["branch"].astype(str)
    agg = (frame.groupby(["cluster", "branch"], sort=True)
           .agg(customers=("branch", "size"), revenue=("revenue", "sum")).reset_index())
    sizes = frame.groupby("cluster").size()
    agg["share"] = agg["customers"] / agg["cluster"].map(sizes)
    agg = agg.sort_values(["cluster", "customers", "branch"], ascending=[True, False, True],
                          kind="stable")
    agg["rank"] = agg.groupby("cluster").cumcount() + 1
    agg = agg[agg["rank"] <= n]
    return agg[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- personas


@dataclass(frozen=True)
class _Trait:
    """A phrase used when a profile column is far enough from the average."""

    key: str
    column: str  # profile / z-score column
    direction: Literal[1, -1]
    min_z: float


#: The first adjective of a persona name: the first trait whose z-score passes
#: (``direction`` x z >= ``min_z``) wins. Phrases: ``cluster.persona.volume.<key>``.
VOLUME_TRAITS: tuple[_Trait, ...] = (
    _Trait("high_volume", "shipments_per_year", 1, 1.0),
    _Trait("high_value", "monetary_avg", 1, 1.0),
    _Trait("big_spender", "monetary_total", 1, 1.0),
    _Trait("lapsed", "recency_days", 1, 1.0),
    _Trait("regular", "shipments_per_year", 1, 0.1),
    _Trait("occasional", "shipments_per_year", -1, 0.5),
    _Trait("low_spend", "monetary_total", -1, 0.5),
    _Trait("new", "tenure_days", -1, 0.8),
)

#: Shipping days a year (the cluster's median) -> frequency phrase, first
#: band whose minimum is reached. Phrases: ``cluster.desc.freq.<key>``.
FREQUENCY_BANDS: tuple[tuple[str, float], ...] = (
    ("daily", 250.0), ("several_weekly", 100.0), ("weekly", 40.0), ("few_monthly", 20.0),
    ("monthly", 8.0), ("few_yearly", 3.0), ("rarely", 0.0),
)

#: Further description phrases, strongest |z| first, at most two of them.
#: Phrases: ``cluster.desc.<key>``. Service and channel phrases are built
#: separately (the most over-represented value of the mix).
DESCRIPTION_TRAITS: tuple[_Trait, ...] = (
    _Trait("high_spend", "monetary_total", 1, 0.5),
    _Trait("low_spend", "monetary_total", -1, 0.5),
    _Trait("high_value", "monetary_avg", 1, 0.5),
    _Trait("low_value", "monetary_avg", -1, 0.5),
    _Trait("large_batches", "pieces_per_shipment", 1, 0.5),
    _Trait("single_pieces", "pieces_per_shipment", -1, 0.5),
    _Trait("inactive", "recency_days", 1, 0.5),
    _Trait("recent", "recency_days", -1, 0.5),
    _Trait("long_standing", "tenure_days", 1, 0.5),
    _Trait("newcomers", "tenure_days", -1, 0.5),
    _Trait("satisfied", "satisfaction_avg", 1, 0.5),
    _Trait("unsatisfied", "satisfaction_avg", -1, 0.5),
    _Trait("complaining", "complaints_per_100", 1, 0.5),
    _Trait("mostly_urban", "area_type_urban", 1, 0.5),
    _Trait("mostly_rural", "area_type_rural", 1, 0.5),
)

#: A service whose over-representation names the persona ("express senders").
#: Other values are not named: standard service is what everybody uses.
_NAMED_SERVICES = ("express", "international", "cod", "parcel")
_MIX_MIN_Z = 0.5
_MIX_MIN_SHARE = 0.2
_MOSTLY = 0.4  # the largest value of a mix, with at least this share, is "mostly"
_BUSINESS, _PRIVATE = 0.6, 0.2  # enterprise share that makes a cluster "businesses"

i18n.register({
    "cluster.persona.volume.high_volume": {"en": "High-volume", "zh": "高频"},
    "cluster.persona.volume.high_value": {"en": "High-value", "zh": "高客单价"},
    "cluster.persona.volume.big_spender": {"en": "Big-spending", "zh": "高消费"},
    "cluster.persona.volume.lapsed": {"en": "Lapsed", "zh": "久未寄件的"},
    "cluster.persona.volume.regular": {"en": "Regular", "zh": "常规"},
    "cluster.persona.volume.occasional": {"en": "Occasional", "zh": "偶尔寄件的"},
    "cluster.persona.volume.low_spend": {"en": "Low-spend", "zh": "低消费"},
    "cluster.persona.volume.new": {"en": "New", "zh": "新"},
    "cluster.persona.service.express": {"en": "express", "zh": "特快"},
    "cluster.persona.service.international": {"en": "cross-border", "zh": "跨境"},
    "cluster.persona.service.cod": {"en": "cash-on-delivery", "zh": "代收货款"},
    "cluster.persona.service.parcel": {"en": "parcel", "zh": "包裹类"},
    "cluster.persona.channel.app": {"en": "app", "zh": "App"},
    "cluster.persona.channel.mini_program": {"en": "mini-program", "zh": "小程序"},
    "cluster.persona.channel.pickup": {"en": "pickup", "zh": "上门揽收"},
    "cluster.persona.channel.counter": {"en": "counter", "zh": "柜台"},
    "cluster.persona.subject.business": {"en": "business senders", "zh": "企业客户"},
    "cluster.persona.subject.individual": {"en": "individual senders", "zh": "个人客户"},
    "cluster.persona.subject.mixed": {"en": "senders", "zh": "寄件客户"},
    "cluster.persona.name": {"en": "{volume} {service} {subject}",
                             "zh": "{volume}{service}{subject}"},
    "cluster.persona.suffix": {"en": "{name} ({trait})", "zh": "{name}（{trait}）"},
    "cluster.persona.numbered": {"en": "{name} #{n}", "zh": "{name} #{n}"},
    "cluster.desc.freq.daily": {"en": "ship almost daily", "zh": "几乎每天寄件"},
    "cluster.desc.freq.several_weekly": {"en": "ship several times a week",
                                         "zh": "每周寄件多次"},
    "cluster.desc.freq.weekly": {"en": "ship about weekly", "zh": "大约每周寄件"},
    "cluster.desc.freq.few_monthly": {"en": "ship a few times a month", "zh": "每月寄件数次"},
    "cluster.desc.freq.monthly": {"en": "ship about monthly", "zh": "大约每月寄件"},
    "cluster.desc.freq.few_yearly": {"en": "ship a few times a year", "zh": "每年寄件数次"},
    "cluster.desc.freq.rarely": {"en": "ship rarely", "zh": "很少寄件"},
    "cluster.desc.average": {"en": "close to the average customer", "zh": "与平均客户接近"},
    "cluster.desc.mostly_service": {"en": "mostly {value}", "zh": "以{value}为主"},
    "cluster.desc.more_service": {"en": "more {value} than average",
                                  "zh": "{value}比例偏高"},
    "cluster.desc.mostly_channel": {"en": "mostly via {value}", "zh": "主要通过{value}寄件"},
    "cluster.desc.more_channel": {"en": "often via {value}", "zh": "常用{value}"},
    "cluster.desc.high_spend": {"en": "high spend", "zh": "消费高"},
    "cluster.desc.low_spend": {"en": "low spend", "zh": "消费低"},
    "cluster.desc.high_value": {"en": "high value per shipment", "zh": "单次金额高"},
    "cluster.desc.low_value": {"en": "low value per shipment", "zh": "单次金额低"},
    "cluster.desc.large_batches": {"en": "large batches", "zh": "单次寄件量大"},
    "cluster.desc.single_pieces": {"en": "single pieces", "zh": "多为单件"},
    "cluster.desc.inactive": {"en": "inactive for a while", "zh": "近期未寄件"},
    "cluster.desc.recent": {"en": "recently active", "zh": "近期活跃"},
    "cluster.desc.long_standing": {"en": "long-standing", "zh": "合作时间长"},
    "cluster.desc.newcomers": {"en": "mostly new", "zh": "多为新客户"},
    "cluster.desc.satisfied": {"en": "very satisfied", "zh": "满意度高"},
    "cluster.desc.unsatisfied": {"en": "less satisfied", "zh": "满意度偏低"},
    "cluster.desc.complaining": {"en": "complain often", "zh": "投诉较多"},
    "cluster.desc.mostly_urban": {"en": "mostly urban", "zh": "以城市为主"},
    "cluster.desc.mostly_rural": {"en": "mostly rural", "zh": "以农村为主"},
})


def _z(zscores: pd.DataFrame, cluster: Any, column: str) -> float:
    if column not in zscores.columns or cluster not in zscores.index:
        return 0.0
    value = zscores.at[cluster, column]
    return 0.0 if pd.isna(value) else float(value)


def _passes(trait: _Trait, zscores: pd.DataFrame, cluster: Any) -> float:
    """The trait's strength (direction x z) when it passes, else 0."""
    strength = trait.direction * _z(zscores, cluster, trait.column)
    return strength if strength >= trait.min_z else 0.0


def _mix_trait(profiles: pd.DataFrame, zscores: pd.DataFrame, cluster: Any, prefix: str
               ) -> tuple[str, bool, float] | None:
    """The value a mix is known for: (value, is it "mostly", z), or ``None``.

    Among the values over-represented in the cluster (z >= 0.5) that make at
    least a fifth of its purchases, the one with the largest share; "mostly"
    when it is also the cluster's largest share and at least 40 %.
    """
    columns = [c for c in zscores.columns if c.startswith(prefix) and c in profiles.columns]
    if not columns:
        return None
    shares = profiles.loc[cluster, columns].astype(float).fillna(0.0)
    best = None
    for column in columns:
        z, share = _z(zscores, cluster, column), float(shares[column])
        if z >= _MIX_MIN_Z and share >= _MIX_MIN_SHARE and (best is None or share > best[1]):
            best = (column, share, z)
    if best is None:
        return None
    column, share, z = best
    mostly = share >= _MOSTLY and share >= float(shares.max())
    return column[len(prefix):], mostly, z


def _subject(profiles: pd.DataFrame, cluster: Any) -> str:
    column = "customer_type_enterprise"
    if column not in profiles.columns:
        return "mixed"
    share = profiles.at[cluster, column]
    if pd.isna(share):
        return "mixed"
    return "business" if share >= _BUSINESS else "individual" if share <= _PRIVATE else "mixed"


@dataclass
class _Persona:
    volume: str | None
    service: str | None
    channel: str | None
    subject: str
    phrases: list[tuple[float, str, dict[str, str]]]  # (strength, key, value params)
    frequency: str | None


def _persona(profiles: pd.DataFrame, zscores: pd.DataFrame, cluster: Any) -> _Persona:
    volume = next((t.key for t in VOLUME_TRAITS if _passes(t, zscores, cluster)), None)
    service = _mix_trait(profiles, zscores, cluster, "service_share_")
    channel = _mix_trait(profiles, zscores, cluster, "channel_share_")
    named = service[0] if service and service[0] in _NAMED_SERVICES else None
    # a channel names the persona only when nothing else distinguishes it
    channel_name = channel[0] if channel and not named and not volume else None
    phrases: list[tuple[float, str, dict[str, str]]] = []
    for mix, kind in ((service, "service"), (channel, "channel")):
        if mix is not None:
            value, mostly, z = mix
            key = f"mostly_{kind}" if mostly else f"more_{kind}"
            phrases.append((z, key, {"value": value}))
    for trait in DESCRIPTION_TRAITS:
        strength = _passes(trait, zscores, cluster)
        if strength:
            phrases.append((strength, trait.key, {}))
    frequency = None
    if "shipments_per_year" in profiles.columns:
        per_year = profiles.at[cluster, "shipments_per_year"]
        if pd.notna(per_year):
            frequency = next(k for k, lo in FREQUENCY_BANDS if per_year >= lo)
    return _Persona(volume, named, channel_name, _subject(profiles, cluster), phrases,
                    frequency)


def _name_text(p: _Persona, lang: str) -> str:
    volume = i18n.t(f"cluster.persona.volume.{p.volume}", lang) if p.volume else ""
    if p.service:
        service = i18n.t(f"cluster.persona.service.{p.service}", lang)
    elif p.channel:
        key = f"cluster.persona.channel.{p.channel}"
        service = i18n.t(key, lang) if i18n.has(key) else _value_label(p.channel, lang)
    else:
        service = ""
    subject = i18n.t(f"cluster.persona.subject.{p.subject}", lang)
    text = " ".join(i18n.t("cluster.persona.name", lang, volume=volume, service=service,
                           subject=subject).split())
    return text[:1].upper() + text[1:]


def _phrase(key: str, params: Mapping[str, str], lang: str) -> str:
    values = {k: _value_label(v, lang) for k, v in params.items()}
    return i18n.t(f"cluster.desc.{key}", lang, **values)


def _description(p: _Persona, lang: str, limit: int = 2) -> str:
    parts = [i18n.t(f"cluster.desc.freq.{p.frequency}", lang)] if p.frequency else []
    ranked = sorted(p.phrases, key=lambda item: -item[0])
    used: set[str] = set()
    for _, key, params in ranked:
        family = key.split("_", 1)[-1] if key.startswith(("mostly_", "more_")) else key
        if family in used:
            continue
        used.add(family)
        parts.append(_phrase(key, params, lang))
        if len(parts) >= limit + (1 if p.frequency else 0):
            break
    return i18n.t("cluster.phrase_sep", lang).join(parts) or i18n.t("cluster.desc.average",
                                                                     lang)


def persona_names(profiles: pd.DataFrame, zscores: pd.DataFrame,
                  lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """An automatic persona name and one-line description per cluster.

    Built from the cluster's distinguishing features (the tables
    :data:`VOLUME_TRAITS`, :data:`FREQUENCY_BANDS`, :data:`DESCRIPTION_TRAITS`):

    - **name** = volume adjective (first passing :data:`VOLUME_TRAITS` entry,
      e.g. "High-volume" when the frequency z-score is at least 1) + the most
      over-represented service if it is a distinctive one (express,
      cross-border, cash-on-delivery, parcel) + the subject ("business
      senders" when at least 60 % are enterprises, "individual senders" at
      most 20 %, else "senders"): "High-volume express business senders" /
      "高频特快企业客户";
    - **description** = the absolute shipping frequency of the cluster's
      median customer ("ship about weekly"), then the two strongest other
      traits (service and channel mix, spend, value, batch size, ...):
      "ship about weekly, mostly express, high spend" / "大约每周寄件，以特快为主，消费高".

    Names are unique: when two clusters would share a name, each gets its
    strongest description trait in brackets, and if that still collides,
    ``#<cluster>``.

    Parameters
    ----------
    profiles : :func:`cluster_profiles` (its feature columns are used).
    zscores : :func:`cluster_zscores` for the same clusters.
    lang : ``"en"`` or ``"zh"``.

    Returns
    -------
    DataFrame indexed like ``profiles`` with ``name`` and ``description`` (str).
    """
    personas = {c: _persona(profiles, zscores, c) for c in profiles.index}
    names = {c: _name_text(p, lang) for c, p in personas.items()}
    descriptions = {c: _description(p, lang) for c, p in personas.items()}
    names = _unique(names, personas, lang)
    out = pd.DataFrame({"name": pd.Series(names), "description": pd.Series(descriptions)},
                       index=profiles.index)
    return out.astype({"name": str, "description": str})


def _unique(names: dict[Any, str], personas: Mapping[Any, _Persona], lang: str
            ) -> dict[Any, str]:
    def collisions(current: Mapping[Any, str]) -> set[Any]:
        counts = pd.Series(list(current.values())).value_counts()
        return {c for c, n in current.items() if counts[n] > 1}

    clash = collisions(names)
    if clash:
        names = dict(names)
        for c in clash:
            ranked = sorted(personas[c].phrases, key=lambda item: -item[0])
            if ranked:
                _, key, params = ranked[0]
                names[c] = i18n.t("cluster.persona.suffix", lang, name=names[c],
                                  trait=_phrase(key, params, lang))
    for c in sorted(collisions(names)):
        names[c] = i18n.t("cluster.persona.numbered", lang, name=names[c], n=c)
    return names


def persona_key(n_clusters: int, features: Sequence[str]) -> str:
    """Key under which a page stores persona renames: they belong to one clustering.

    Cluster numbers mean something else with another k or other features, so
    a workspace keeps overrides per dataset *and* per ``persona_key``:
    ``"k=6|frequency,spend,..."``.
    """
    return f"k={int(n_clusters)}|{','.join(features)}"


def apply_names(auto_names: pd.Series | pd.DataFrame,
                overrides: Mapping[int | str, str] | None) -> pd.Series | pd.DataFrame:
    """Persona names with the user's renames applied.

    Names a user gives are kept with the dataset: the page stores
    ``overrides`` in the workspace (for example ``cluster_names.json`` next to
    the dataset file), under :func:`persona_key`, and passes them back here.

    Parameters
    ----------
    auto_names : :func:`persona_names` (its ``name`` column is renamed) or a
        Series of names indexed by cluster.
    overrides : cluster -> new name; keys may be ints or their text (JSON
        object keys are strings). Blank names and unknown clusters are ignored.

    Returns
    -------
    The same type as ``auto_names`` with the overridden names.
    """
    by_cluster: dict[int, str] = {}
    for key, name in (overrides or {}).items():
        try:
            cluster = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name.strip():
            by_cluster[cluster] = name.strip()
    if isinstance(auto_names, pd.DataFrame):
        out = auto_names.copy()
        out["name"] = apply_names(out["name"], by_cluster)
        return out
    out = auto_names.copy()
    for cluster, name in by_cluster.items():
        if cluster in out.index:
            out.loc[cluster] = name
    return out


# --------------------------------------------------------------------------- map and export


def projection(view: pd.DataFrame, labels: pd.Series | Sequence[int],
               features: Sequence[str] | None = None, sample_size: int | None = 3000,
               random_state: int = 7, *, model: CustomerClusterer | None = None
               ) -> pd.DataFrame:
    """A 2-D map of a seeded sample of customers (PCA), for a scatter coloured by cluster.

    Parameters
    ----------
    view : customer view.
    labels : cluster per customer (aligned on the index when a Series).
    features : feature keys; ignored when ``model`` is given.
    sample_size : customers drawn (seeded); ``None`` = all.
    random_state : seed of the sample and of the PCA solver.
    model : a fitted :class:`CustomerClusterer`: the map then uses exactly its
        scaled space (recommended). Without it the same scaling is fitted on
        the sample.

    Returns
    -------
    DataFrame with ``customer_id``, ``x``, ``y`` (first two principal
    components; ``y`` is 0 with a single feature column), ``cluster`` and the
    hover columns of :data:`HOVER_COLUMNS` that exist (``shipments_per_year``
    computed as in :func:`feature_values`), in customer-id order.
    ``attrs["explained_variance_ratio"]`` holds the share of variance of x and y.
    """
    lab = _labels(view, labels)
    keep = np.flatnonzero(lab.notna().to_numpy())
    ids = view.index[keep]
    if not ids.is_monotonic_increasing:  # customer-id order, whatever the row order
        keep = keep[ids.argsort(kind="stable")]
    positions = _sample_positions(len(keep), sample_size, random_state)
    rows = keep if positions is None else keep[positions]
    sample = view.iloc[rows]
    sample_labels = lab.iloc[rows].astype(np.int64).to_numpy()
    if model is not None:
        scaled = model.transform(sample)
    elif len(sample):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ClusterWarning)
            prepared = _prepare(sample, features)
        scaled = _preprocessor(prepared.matrix.columns).fit_transform(prepared.matrix)
    else:
        scaled = np.zeros((0, 2))
    xy = np.zeros((len(sample), 2))
    ratio = [0.0, 0.0]
    n_comp = min(2, scaled.shape[1], len(sample))
    if n_comp >= 1 and len(sample) >= 2 and np.ptp(scaled, axis=0).max() > 0:
        pca = PCA(n_components=n_comp, random_state=random_state)
        xy[:, :n_comp] = pca.fit_transform(scaled)
        ratio[:n_comp] = [float(r) for r in pca.explained_variance_ratio_]
    out = pd.DataFrame({
        "customer_id": sample.index.astype(str),
        "x": xy[:, 0], "y": xy[:, 1],
        "cluster": sample_labels,
    })
    for column in HOVER_COLUMNS:
        if column == "shipments_per_year" and "frequency" in available_features(sample):
            out[column] = _natural(sample, "frequency")[column]
        elif column in sample.columns:
            out[column] = sample[column].to_numpy()
    out.attrs["explained_variance_ratio"] = ratio
    return out


def cluster_assignments(view: pd.DataFrame, n_clusters: int | None = 6,
                        features: Sequence[str] | None = None, *,
                        lang: str = i18n.DEFAULT_LANG,
                        overrides: Mapping[int | str, str] | None = None,
                        random_state: int = 7, sample_size: int | None = 100_000
                        ) -> pd.DataFrame:
    """Cluster and persona of every customer, for the CLI output and the page's download.

    Fits a :class:`CustomerClusterer` (``n_clusters=None``: the :func:`suggest_k`
    suggestion), names the clusters (:func:`persona_names`, then the user's
    ``overrides``) and assigns every customer.

    Returns
    -------
    DataFrame indexed like ``view`` with ``cluster`` (int64) and ``persona`` (str).
    Adjustments are warned (:class:`ClusterWarning`); a page that shows
    profiles too should call the pieces itself.
    """
    if n_clusters is None:
        _, n_clusters = suggest_k(view, features, random_state=random_state)
    model = CustomerClusterer(n_clusters, features, sample_size=sample_size,
                              random_state=random_state).fit(view)
    labels = model.predict(view)
    profiles = cluster_profiles(view, labels, model.features_)
    zscores = cluster_zscores(view, labels, model.features_)
    names = apply_names(persona_names(profiles, zscores, lang), overrides)
    persona = names["name"].reindex(labels.to_numpy()).to_numpy()
    return pd.DataFrame({"cluster": labels,
                         "persona": pd.Series(persona, index=view.index, dtype=str)})

