"""The customer view: one row per customer, aggregated inside the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..access import Scope
from ..scoping import is_limited
from ..sql import TableNames, as_day, as_text, connected, fetch_columns
from .dates import data_as_of
from .finish import (
    Columns,
    attributes,
    complaint_measures,
    finish_transactions,
    home_branch,
    survey_measures,
)
from .queries import ATTRIBUTE_COLUMNS, plan_views


def customer_view(bind: sa.Engine | sa.Connection, *,
                  as_of: dt.date | pd.Timestamp | None = None, window_days: int = 90,
                  table_names: TableNames | None = None,
                  scope: Scope | None = None) -> pd.DataFrame:
    """One row per customer, aggregated inside the database that holds the data.

    Reads the canonical tables (see :mod:`segmentation.schema`): ``transactions``
    (required: ``customer_id``, ``date``, ``amount``) and, when present,
    ``customers``, ``surveys`` and ``complaints``. Date columns may be ``DATE``
    or ``TIMESTAMP``; only their calendar day is used, so both give the same view.
    Transactions, surveys and complaints dated after ``as_of`` are ignored.

    Parameters
    ----------
    bind : SQLAlchemy engine or connection (DuckDB workspace, SQLite, PostgreSQL,
        MariaDB / MySQL, ...).
    as_of : analysis day (a time of day is dropped). ``None``: the last
        transaction day in the data (:func:`data_as_of`).
    window_days : W, the length in days of the two trend windows: *recent* is
        the days ``(as_of - W, as_of]``, *prior* the days ``(as_of - 2W, as_of - W]``.
    table_names : canonical table -> actual table name in the database,
        optionally schema-qualified (``"sales.orders"``); missing keys use the
        canonical name.
    scope : only the customers of this :class:`~segmentation.access.Scope`
        (``None`` or an unlimited scope: everyone). Applied as a ``WHERE``
        inside every query, before aggregating: each table is read only for the
        customers whose ``customers.branch`` / ``customers.region`` is in the
        scope or who have a transaction at one of its branches (see
        :mod:`segmentation.scoping`); the result is then kept to the customers
        whose home ``branch`` or ``region`` (below) is in the scope, so a
        customer appears for exactly one branch. A customer's measures are the
        same as in the unscoped view. The service / channel share columns are
        those of the scoped customers' purchases.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (``str`` dtype), sorted by it in text
        (code point) order. **Rows**: every customer with at least one
        transaction row dated on or before ``as_of`` (and in ``scope``);
        customers who appear only in ``customers`` (or only in surveys /
        complaints) are not in the view.
        A *purchase* is a transaction row with ``amount >= 0`` (a free or
        promotional order with amount 0 is an order), a *refund* one with
        ``amount < 0`` (see :func:`is_purchase`). Day counts
        are whole calendar days. Counts are ``int64`` (never missing);
        measures are ``float64``; dates are ``datetime64[ns]`` at midnight;
        text is ``str``. Columns, in order (those marked *optional* only exist
        when their source table / column does):

        Attributes from ``customers`` (*optional*, each only if its column
        exists; missing for customers absent from that table):
        ``name``, ``phone``, ``customer_type``, ``branch``, ``region``,
        ``area_type``, ``signup_date``, ``account_manager``.

        ``branch`` is the customer's home branch: ``customers.branch`` when it
        is known for the customer, otherwise the branch of
        ``transactions.branch`` with the most rows (any amount) up to
        ``as_of``, ties going to the branch name first in text order. Present
        when either source column exists.

        From ``transactions`` (rows dated on or before ``as_of``):

        - ``first_date`` / ``last_date``: first / last day with any transaction
          row (purchases and refunds alike).
        - ``first_purchase_date`` / ``last_purchase_date``: first / last
          purchase day; NaT for a customer without purchases.
        - ``recency_days``: ``as_of - last_date`` in days (0 = active on as_of);
          a refund is a contact too, so it counts. Purchase recency is
          ``as_of - last_purchase_date``.
        - ``tenure_days``: ``as_of - first_date`` in days.
        - ``frequency``: number of distinct purchase days; several purchases on
          one day count once, refunds never count. A one-time buyer has 1.
        - ``n_transactions``: number of purchase rows.
        - ``monetary_total``: sum of all amounts, refunds included (net spend).
        - ``monetary_avg``: ``monetary_total / frequency`` (net spend per
          purchase day); NaN when ``frequency`` is 0.
        - ``refund_count``: number of refund rows.
        - ``refund_amount``: total refunded, as a positive number (0.0 if none).
        - ``avg_interval_days``: typical gap between purchase days,
          ``(last_purchase_date - first_purchase_date) / (frequency - 1)``;
          NaN for one-time buyers (and customers without purchases), because
          one purchase day has no interval.
        - ``quantity_total`` / ``weight_total`` (*optional*, from ``quantity`` /
          ``weight_kg``): sum over rows (refund rows as stored); NaN when the
          customer has no non-missing value.
        - ``frequency_recent`` / ``frequency_prior``: distinct purchase days in
          the recent / prior window.
        - ``frequency_trend``: ``(frequency_recent - frequency_prior) /
          frequency_prior``; NaN when ``frequency_prior`` is 0 (no base to
          compare with). -1 means no purchase day in the recent window.
        - ``spend_recent`` / ``spend_prior``: net amount (refunds included)
          dated in the recent / prior window.
        - ``spend_trend``: ``(spend_recent - spend_prior) / spend_prior``; NaN
          when ``spend_prior <= 0`` (a relative change needs a positive base).
        - ``service_share_<value>`` / ``channel_share_<value>`` (*optional*,
          when ``service`` / ``channel`` exist): the share of the customer's
          purchase rows with that value, for the :data:`MAX_SHARE_VALUES` most
          frequent values (most frequent first); rows with a missing value are
          in no share, so shares sum to at most 1. NaN without purchases.

        From ``surveys`` (*optional*: needs ``customer_id``, ``date``,
        ``score``; surveys without a score are ignored; a customer without
        surveys gets 0 and NaN):

        - ``n_surveys``: surveys dated on or before ``as_of``.
        - ``satisfaction_avg``: mean score of those surveys.
        - ``satisfaction_last``: mean score on the last survey day.
        - ``satisfaction_recent`` / ``satisfaction_prior``: mean score of the
          surveys in the recent / prior window; NaN when there are none.

        From ``complaints`` (*optional*: needs ``customer_id`` and ``date``; a
        customer without complaints gets 0):

        - ``n_complaints``: complaints opened on or before ``as_of``.
        - ``complaints_recent``: complaints opened in the recent window.
        - ``complaints_open`` (*optional*, needs ``status`` or
          ``resolved_date``): complaints opened on or before ``as_of`` and
          still open on ``as_of``. A known ``resolved_date`` decides (open
          until the day before it is resolved, so a past ``as_of`` is judged
          as it was then); otherwise ``status`` decides (``"open"``, compared
          case-insensitively, is open; any other value is resolved); with
          neither known the complaint counts as open.

        ``attrs["as_of"]`` and ``attrs["window_days"]`` record the inputs.

    Raises
    ------
    DataError
        When ``transactions`` or one of its required columns is missing, or
        ``as_of`` is ``None`` and no transaction has a date.
    ValueError
        When ``window_days`` is not a positive whole number.

    Notes
    -----
    MariaDB / MySQL group and compare text with the column's collation, which
    is usually case-, accent- and trailing-space-insensitive: ids ``"c1"`` and
    ``"C1"`` then count as one customer, branches ``"Öst"`` and ``"Ost"`` as
    one branch, services ``"Express"`` and ``"express"`` as one value.

    Cost: one scan of ``transactions`` for the aggregate, one for the
    customer x branch counts (skipped when ``customers.branch`` is known for
    every customer), one for the values of ``service`` / ``channel`` and one
    ``max(date)`` when ``as_of`` is ``None``; everything after that is
    proportional to the number of customers. The views at several days cost
    one such pass together (:func:`customer_views`).
    """
    with connected(bind) as conn:
        day = data_as_of(conn, table_names) if as_of is None else as_day(as_of)
        return customer_views(conn, days=[day], window_days=window_days,
                              table_names=table_names, scope=scope)[day]


def customer_views(bind: sa.Engine | sa.Connection, *,
                   days: Sequence[dt.date | pd.Timestamp], window_days: int = 90,
                   table_names: TableNames | None = None,
                   scope: Scope | None = None) -> dict[pd.Timestamp, pd.DataFrame]:
    """The customer views at several days, from one aggregation pass over the transactions.

    Each view is exactly :func:`customer_view` at that day (same rows, columns,
    dtypes and values), but the transactions are read once for all of them: one
    ``GROUP BY customer_id`` whose aggregates are conditional on each day's
    windows (``agg(...) FILTER (WHERE date < day + 1 ...)``), and one for the
    customer x branch counts when they are needed. The ``customers`` table is
    read once; surveys and complaints (small tables) once per day. The result
    travels as Arrow columns (DuckDB, PostgreSQL) and each view is built from
    them without copying into an intermediate frame.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    days : the analysis days (a time of day is dropped; repeated days count once).
    window_days, table_names, scope : as in :func:`customer_view`.

    Returns
    -------
    dict
        Day (a midnight ``Timestamp``) -> its view, in the order of ``days``.

    Raises
    ------
    DataError, ValueError
        As :func:`customer_view`.
    """
    wanted = list(dict.fromkeys(as_day(d) for d in days))
    if not wanted:
        return {}
    with connected(bind) as conn:
        plan = plan_views(conn, wanted, window_days, table_names, scope)
        tx = fetch_columns(conn, plan.shared["transactions"])
        customers = (fetch_columns(conn, plan.shared["customers"])
                     if "customers" in plan.shared else None)
        per_day = [{name: fetch_columns(conn, query) for name, query in queries.items()}
                   for queries in plan.per_day]
        all_ids = pd.Index(as_text(tx["customer_id"]), name="customer_id")
        known = None
        if customers is not None:
            known = attributes(customers, all_ids, ("branch",)).get("branch")
        # the customer x branch counts only matter where the customers table has no branch
        branches = None
        if "branches" in plan.shared and (known is None or pd.isna(known).any()):
            branches = fetch_columns(conn, plan.shared["branches"])

    several = len(wanted) > 1
    views = {}
    for i, day in enumerate(wanted):
        raw = _day_columns(tx, i, several)
        if several:  # the customers with a row dated on or before the day
            rows = np.flatnonzero(raw["last_date"].notna().to_numpy())
            raw = {name: values.iloc[rows] for name, values in raw.items()}
            ids = all_ids.take(rows)
        else:
            ids = all_ids
        attrs = attributes(customers, ids) if customers is not None else {}
        if branches is not None:
            counts = branches if not several else _branch_counts(branches, i)
            home = home_branch(counts, ids)
            attrs["branch"] = home if "branch" not in attrs else attrs["branch"].fillna(home)
        if i == len(wanted) - 1:  # the last view: what only it needs goes as it is used
            tx = customers = branches = None
        views[day] = _assemble(day, window_days, ids, attrs, raw, plan.shares[i],
                               per_day[i], scope)
    return views


def _day_columns(tx: Mapping[str, pd.Series], i: int, several: bool) -> dict[str, pd.Series]:
    """The transaction aggregate's columns of the i-th day, under the one-day names."""
    if not several:
        return dict(tx)
    suffix = f"__{i}"
    out = {name: tx[name] for name in ("customer_id", "first_date", "first_purchase_date")}
    out.update({name[:-len(suffix)]: values for name, values in tx.items()
                if name.endswith(suffix)})
    return out


def _branch_counts(branches: Mapping[str, pd.Series], i: int) -> dict[str, pd.Series]:
    """The customer x branch rows counted up to the i-th day (those with a row then)."""
    n = branches[f"n__{i}"]
    keep = np.flatnonzero(pd.to_numeric(n).to_numpy(dtype="float64", na_value=0) > 0)
    return {"customer_id": branches["customer_id"].iloc[keep],
            "branch": branches["branch"].iloc[keep], "n": n.iloc[keep]}


def _assemble(day: pd.Timestamp, window_days: int, ids: pd.Index, attrs: Columns,
              raw: dict[str, pd.Series], shares: Mapping[str, list],
              others: Mapping[str, Mapping[str, pd.Series]],
              scope: Scope | None) -> pd.DataFrame:
    """One day's view from its columns (sorted by id in code point order).

    ``raw`` (this day's own dict) is emptied once its measures are computed, so that
    the fetched columns and the view are not all held at once where nothing else
    holds them (a million customers: about 0.12 GB less at the peak).
    """
    order = None if ids.is_monotonic_increasing else ids.argsort()
    measures = finish_transactions(raw, day, shares)
    raw.clear()
    first = measures["first_purchase_date"]  # shared by every day: NaT before it
    measures["first_purchase_date"] = np.where(
        first <= np.datetime64(day.to_datetime64(), "ns"), first, np.datetime64("NaT", "ns"))
    columns: Columns = {c: attrs[c] for c in ATTRIBUTE_COLUMNS if c in attrs}
    columns.update(measures)
    if "surveys" in others:
        columns.update(survey_measures(others["surveys"], ids))
    if "complaints" in others:
        columns.update(complaint_measures(others["complaints"], ids))
    if order is not None:  # text (code point) order, whatever the database collation
        ids = ids.take(order)
        columns = {name: values[order] for name, values in columns.items()}
    # copy=False: one block per column, not copied into blocks of a dtype (the arrays
    # are this view's own)
    view = pd.DataFrame(columns, index=ids, copy=False)
    if is_limited(scope):  # the home branch / region decides: one branch per customer
        view = scope.apply(view)
    view.attrs.update(as_of=day, window_days=int(window_days))
    return view
