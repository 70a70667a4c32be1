"""Everything the churn model knows about each customer at a day (:func:`churn_features`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..clv import BetaGeoModel, btyd_summary, score_clv

# besides the view itself, the shared table lookup and fetch helpers: the complaint and
# purchase queries resolve tables and columns exactly as the view does
from ..features import customer_view
from ..sql import (
    as_day,
    as_text,
    connected,
    day_of,
    fetch,
    is_purchase,
    resolve_tables,
    transactions_source,
)
from .defaults import check_horizon
from .signals import churn_signals

#: A cache of customer views keyed by ``(day, window_days)``.
ViewCache = MutableMapping[tuple[pd.Timestamp, int], pd.DataFrame]
#: A customer sample is a whole number of these hash buckets of ``customer_id``.
SAMPLE_BUCKETS = 10_000
_CANONICAL = ("transactions", "customers", "surveys", "complaints")


def _bucket(cid: sa.ColumnElement, dialect: str, seed: int) -> sa.ColumnElement | None:
    """A seeded hash of the customer id in ``[0, SAMPLE_BUCKETS)``, in the database's SQL
    (``None`` where no hash function is known)."""
    # constants inlined, not bound: DuckDB plans a parameterised hash filter far slower
    salted = sa.func.concat(sa.cast(cid, sa.String), sa.literal_column(f"':{int(seed)}'"))
    if dialect == "duckdb":
        hashed = sa.func.hash(salted, type_=sa.BigInteger)
    elif dialect == "postgresql":  # int4, shifted to be non-negative
        hashed = sa.cast(sa.func.hashtext(salted), sa.BigInteger) + 2_147_483_648
    elif dialect in ("mysql", "mariadb"):
        hashed = sa.func.crc32(salted, type_=sa.BigInteger)
    elif dialect == "spark":  # 64-bit xxHash, made non-negative by pmod
        return sa.func.pmod(sa.func.xxhash64(salted, type_=sa.BigInteger),
                            sa.literal_column(str(SAMPLE_BUCKETS)))
    else:
        return None
    return hashed % sa.literal_column(str(SAMPLE_BUCKETS))


def sampled_tables(bind: sa.Engine | sa.Connection, *, share: float, seed: int,
                   table_names: Mapping[str, str] | None = None
                   ) -> tuple[dict[str, sa.FromClause | None], float] | None:
    """``table_names`` that read only a seeded sample of the customers, drawn in the database.

    Every table with a ``customer_id`` is read through ``WHERE bucket < k``, the bucket
    a seeded hash of the id (DuckDB ``hash``, PostgreSQL ``hashtext``, MySQL / MariaDB
    ``crc32``, Spark ``xxhash64``) and ``k = ceil(share * SAMPLE_BUCKETS)``: the same
    customers in every query and at every day, each with all of their rows, and the
    database aggregates only theirs. Pass the result as ``table_names`` to :func:`churn_features`,
    :func:`~segmentation.features.customer_view` or :func:`churn_labels`.

    Returns
    -------
    (table_names, share drawn), or ``None`` where the database has no known hash
    function (the caller then reads every customer).
    """
    keep = min(SAMPLE_BUCKETS, max(1, int(math.ceil(share * SAMPLE_BUCKETS))))
    out = _bucketed(bind, 0, keep, seed, table_names, "sample")
    return None if out is None else (out, keep / SAMPLE_BUCKETS)


def bucket_tables(bind: sa.Engine | sa.Connection, *, first: int, stop: int, seed: int,
                  table_names: Mapping[str, str] | None = None
                  ) -> dict[str, sa.FromClause | None] | None:
    """``table_names`` that read only the customers whose hash bucket (the seeded hash of
    :func:`sampled_tables`) lies in ``[first, stop)``, filtered in the database.

    Buckets ``[0, k)`` are the customers of the sample with ``k`` buckets; consecutive
    ranges that cover ``[0, SAMPLE_BUCKETS)`` hold every customer exactly once, each with
    all of their rows in every table. ``None`` where the database has no known hash
    function.
    """
    if not 0 <= int(first) < int(stop) <= SAMPLE_BUCKETS:
        raise ValueError(f"a bucket range lies within [0, {SAMPLE_BUCKETS}), got "
                         f"[{first}, {stop})")
    return _bucketed(bind, int(first), int(stop), seed, table_names, "bucket")


def _bucketed(bind, first: int, stop: int, seed: int, table_names, suffix: str
              ) -> dict[str, sa.FromClause | None] | None:
    """Every canonical table read for the hash buckets ``[first, stop)`` only (``None``
    without a known hash function); the subqueries are named ``<table>_<suffix>``."""
    with connected(bind) as conn:
        found = resolve_tables(conn, table_names)
        out: dict[str, sa.FromClause | None] = {name: None for name in _CANONICAL}
        for name, src in found.items():
            if not src.has("customer_id"):
                out[name] = src.table
                continue
            bucket = _bucket(src.c("customer_id"), conn.dialect.name, seed)
            if bucket is None:
                return None
            # constants inlined, not bound (see _bucket); bucket 0 needs no lower bound
            where = [bucket < sa.literal_column(str(stop))]
            if first > 0:
                where.insert(0, bucket >= sa.literal_column(str(first)))
            out[name] = (sa.select(*src.table.c).select_from(src.table).where(*where)
                         .subquery(f"{name}_{suffix}"))
    return out


def _latest_complaint_category(bind, *, as_of: pd.Timestamp,
                               table_names: Mapping[str, str] | None) -> pd.Series | None:
    """Per customer, the category of the latest complaint dated on or before ``as_of``."""
    with connected(bind) as conn:
        found = resolve_tables(conn, table_names)
        src = found.get("complaints")
        if src is None or not src.has("customer_id", "date", "category"):
            return None
        cid, date, cat = src.c("customer_id"), src.c("date"), src.c("category")
        end = sa.bindparam("end_excl", (as_of + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"), cat.label("category"),
                           sa.func.max(day_of(date)).label("day"))
                 .select_from(src.table)
                 .where(date < end, cid.is_not(None), cat.is_not(None))
                 .group_by(cid, cat))
        raw = fetch(conn, query)
    if raw.empty:
        return pd.Series([], dtype="str", index=pd.Index([], dtype="str", name="customer_id"))
    raw["customer_id"] = as_text(raw["customer_id"])
    raw["category"] = as_text(raw["category"])
    raw["day"] = pd.to_datetime(raw["day"])
    # latest day wins; on the same day the category first in text order
    raw = raw.sort_values(["customer_id", "day", "category"], ascending=[True, False, True])
    latest = raw.drop_duplicates("customer_id")
    return pd.Series(latest["category"].to_numpy(), index=pd.Index(
        latest["customer_id"].to_numpy(), dtype="str", name="customer_id"), dtype="str")


def churn_features(bind: sa.Engine | sa.Connection, *, as_of, horizon_days: int = 90,
                   window_days: int = 90, typical_interval_days: float | None = None,
                   table_names: Mapping[str, str] | None = None,
                   view: pd.DataFrame | None = None, views: ViewCache | None = None,
                   sample_size: int | None = 200_000, random_state: int = 7,
                   clv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything the churn model knows about each customer at ``as_of``.

    Reads only data dated on or before ``as_of``: the customer view at
    ``as_of``, the :func:`churn_signals` computed from it, BG/NBD and
    Gamma-Gamma quantities (:func:`segmentation.clv.score_clv`) fitted on that
    view alone, the latest complaint category, and the customer's purchases in
    the same season a year earlier.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the day the features describe.
    horizon_days : H, for the same-season feature (at most 365).
    window_days : W of the recent / prior windows of the view.
    typical_interval_days : passed to :func:`churn_signals`.
    table_names : canonical table -> actual name, as in ``customer_view``.
    view : the customer view at ``as_of`` with ``window_days``, when the
        caller already has it (saves the aggregation).
    views : a cache of customer views keyed by ``(day, window_days)``: read
        first, filled with the view computed here (lets a pipeline that needs
        the same day twice aggregate it once).
    sample_size, random_state : the BG/NBD / Gamma-Gamma sample (see ``score_clv``).
    clv : the CLV columns of ``view`` computed already, with the fitted parameters in
        ``attrs`` (a network scored in buckets passes those of its sample's fit, see
        :mod:`segmentation.churn.network`); default: fitted here on ``view``.

    Returns
    -------
    DataFrame
        The view's columns, then the signal columns (replacing view columns of
        the same name), then ``p_alive``, ``expected_purchases_12m``,
        ``expected_spend``, ``clv_12m``, then ``last_year_frequency``: purchase
        days in ``(as_of - 365, as_of - 365 + H]``, the window a year before
        the one being predicted (NaN for customers whose first purchase came
        later). It carries the season: the model learns at one time of year
        and is applied at another, and "did they ship at this time last year"
        tells it how the coming months usually go for this customer.
        Indexed by ``customer_id``.
    """
    day = as_day(as_of)
    horizon = check_horizon(horizon_days)
    if horizon > 365:
        raise ValueError(f"horizon_days must be at most 365, got {horizon}")
    if view is None and views is not None:
        view = views.get((day, int(window_days)))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window_days, table_names=table_names)
        if views is not None:
            views[(day, int(window_days))] = view
    elif as_day(view.attrs.get("as_of", day)) != day:
        raise ValueError("the view passed was built for another as_of")
    category = _latest_complaint_category(bind, as_of=day, table_names=table_names)
    signals = churn_signals(view, horizon_days=horizon,
                            typical_interval_days=typical_interval_days,
                            complaint_category=category)
    if clv is None:
        clv = score_clv(view, as_of=day, sample_size=sample_size, random_state=random_state)
    clv["p_no_purchase"] = _p_no_purchase(view, clv.attrs.get("bgnbd"), as_of=day,
                                          horizon_days=horizon)
    keep = [c for c in view.columns if c not in signals.columns and c not in clv.columns]
    features = pd.concat([view[keep], signals, clv], axis=1)
    year_ago = day - pd.Timedelta(days=365)
    counts = purchase_days(bind, after=year_ago, until=year_ago + pd.Timedelta(days=horizon),
                            index=features.index, table_names=table_names)
    first = features["first_purchase_date"].to_numpy(dtype="datetime64[ns]")
    existed = first <= np.datetime64(year_ago.to_datetime64(), "ns")
    features["last_year_frequency"] = np.where(existed, counts.to_numpy(dtype="float64"),
                                               np.nan)
    features.attrs.update(view.attrs)
    features.attrs.update(signals.attrs)
    features.attrs["horizon_days"] = horizon
    return features


def _p_no_purchase(view: pd.DataFrame, params: Mapping[str, float] | None, *,
                   as_of: pd.Timestamp, horizon_days: int, unit_days: float = 7.0) -> np.ndarray:
    """BG/NBD probability of no purchase in the next H days (NaN without a fitted BG/NBD)."""
    if not params or view.empty:
        return np.full(len(view), np.nan)
    summary = btyd_summary(view, as_of=as_of, unit_days=unit_days)
    bg = BetaGeoModel()
    bg.r_, bg.alpha_, bg.a_, bg.b_ = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    return bg.p_no_purchase(horizon_days / unit_days, summary["frequency_btyd"],
                            summary["recency_btyd"], summary["T_btyd"])


def purchase_days(bind: sa.Engine | sa.Connection, *, after: pd.Timestamp,
                   until: pd.Timestamp, index: pd.Index,
                   table_names: Mapping[str, str] | None) -> pd.Series:
    """Distinct purchase days per customer of ``index`` in the days ``(after, until]``."""
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        cid, date = tx.c("customer_id"), tx.c("date")
        lo = sa.bindparam("window_start", (after + pd.Timedelta(days=1)).date(),
                          type_=sa.Date())
        hi = sa.bindparam("window_end", (until + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"),
                           sa.func.count(sa.distinct(day_of(date))).label("days"))
                 .select_from(tx.table)
                 .where(date >= lo, date < hi, is_purchase(tx.c("amount")), cid.is_not(None))
                 .group_by(cid))
        raw = fetch(conn, query)
    counts = pd.Series(pd.to_numeric(raw["days"]).to_numpy(dtype="int64"),
                       index=pd.Index(as_text(raw["customer_id"]), dtype="str"))
    return counts.reindex(pd.Index(index, copy=False).astype("str"), fill_value=0)
