"""The features a user can choose (:data:`FEATURE_GROUPS`), the constants of the
clustering and the display labels of features and matrix columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .. import i18n

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

#: The default choice: what kind of sender a customer is (see :mod:`segmentation.clusters`).
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


def feature_label(key: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a feature key (``cluster.feature.<key>``)."""
    return i18n.t(f"cluster.feature.{key}", lang)


def value_label(value: str, lang: str) -> str:
    key = f"cluster.value.{value}"
    return i18n.t(key, lang) if i18n.has(key) else str(value)


def column_label(column: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a feature-matrix / profile column.

    ``"shipments_per_year"`` -> "Frequency (shipping days a year)";
    ``"service_share_express"`` -> "Service mix: express" / "服务结构：特快".
    Unknown columns are returned unchanged.
    """
    key = feature_of_column(column)
    if key is None:
        return column
    spec = FEATURE_GROUPS[key]
    if spec.prefix is None:
        return feature_label(key, lang)
    value = column[len(spec.prefix):]
    return i18n.t("cluster.column.part", lang, feature=feature_label(key, lang),
                  value=value_label(value, lang))


def feature_of_column(column: str) -> str | None:
    for key, spec in FEATURE_GROUPS.items():
        if spec.column == column or (spec.prefix and column.startswith(spec.prefix)):
            return key
    return None


def join_labels(items: Iterable[str], lang: str) -> str:
    return i18n.t("cluster.list_sep", lang).join(items)
