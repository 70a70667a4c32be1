"""Reading and bundling surveys, complaints, customer attributes and shipment counts
(:class:`SatisfactionData`), and the period / month windows the analyses use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..access import Scope
from ..filters import FILTER_COLUMNS, Filters, apply_filters, normalize_filters
from ..scoping import is_limited
from ..sql import (
    as_text,
    connected,
    count_if,
    fetch,
    is_purchase,
    positions_in,
    resolve_tables,
    scope_sources,
    transactions_source,
)
from .scales import CURRENT, PREVIOUS, SCALES, Scale, detect_scale, get_scale, survey_dimensions

_OPEN = "open"


# --------------------------------------------------------------------------- inputs


def customer_attributes(view: pd.DataFrame, tiers: pd.Series | None = None,
                        customers: pd.DataFrame | None = None,
                        extra: Sequence[str] = ()) -> pd.DataFrame:
    """Per customer: the group columns a survey or complaint inherits.

    Parameters
    ----------
    view : customer view indexed by ``customer_id`` (branch, region, … where present).
    tiers : ``tier`` per customer (index = customer_id), e.g. ``assign(...).scored["tier"]``.
    customers : the customers table (``customer_id`` and attributes), for the
        customers the view lacks (no shipment up to ``as_of``) but who answered
        a survey or complained: they keep their branch, region … and get no tier.
    extra : further view columns to keep (e.g. ``churn_risk``).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (text), view customers first, with
    ``tier`` (when given: the tier key, missing outside the view) and the
    :data:`FILTER_COLUMNS` the view or the customers table has.
    """
    cols = [c for c in (*FILTER_COLUMNS, *extra) if c in view.columns]
    out = view[cols].copy()
    out.index = pd.Index(as_text(pd.Series(out.index)), name="customer_id")
    if customers is not None and "customer_id" in customers.columns:
        known = customers.dropna(subset=["customer_id"])
        known = known.assign(customer_id=as_text(known["customer_id"].astype("string")))
        known = known.drop_duplicates("customer_id").set_index("customer_id")
        rest = known[~known.index.isin(out.index)]
        more = [c for c in FILTER_COLUMNS if c in known.columns]
        if len(rest):
            out = pd.concat([out.astype(object), rest[more].astype(object)])
        out.index.name = "customer_id"
    if tiers is not None:
        t = tiers.copy()
        t.index = pd.Index(as_text(pd.Series(t.index)))
        t = t.reindex(out.index)
        out.insert(0, "tier", np.where(t.isna().to_numpy(), None, t.astype(object).to_numpy()))
    return out


def lookup(series: pd.Series, ids: pd.Series | pd.Index) -> np.ndarray:
    """``series`` (indexed by customer id) at each of ``ids``: object array, None when absent.

    A hash lookup through Arrow, much faster than ``reindex`` on millions of text ids.
    """
    pos = positions_in(pd.Series(ids, copy=False).fillna(""), series.index)
    values = series.to_numpy(dtype=object)
    if not len(values):
        return np.full(len(pos), None, dtype=object)
    out = values[np.maximum(pos, 0)]
    out[pos < 0] = None
    return out


def text_ids(values: pd.Series) -> pd.Series:
    """Customer ids as text (no conversion when they already are)."""
    return values if pd.api.types.is_string_dtype(values.dtype) else values.astype("string")


def _attach(table: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the attribute columns of its customer (missing when unknown)."""
    out = table.drop(columns=[c for c in attributes.columns if c in table.columns])
    if "customer_id" in table.columns:
        ids = text_ids(table["customer_id"])
        for col in attributes.columns:
            out[col] = pd.Series(lookup(attributes[col], ids), index=out.index, dtype="object")
    else:
        for col in attributes.columns:
            out[col] = pd.Series(None, index=out.index, dtype="object")
    return out


def prepare_complaints(complaints: pd.DataFrame, *, as_of: date | pd.Timestamp) -> pd.DataFrame:
    """Complaints dated up to ``as_of`` with their state at ``as_of``.

    Parameters
    ----------
    complaints : ``customer_id``, ``date``, ``category``; optional ``status``,
        ``resolved_date``, ``severity``, ``complaint_id``.
    as_of : the analysis day.

    Returns
    -------
    A copy with ``is_open`` (bool), ``resolution_days`` (float, resolved ones
    only) and ``age_days`` (float, open ones only) added.
    """
    as_of = as_day(as_of)
    cp = complaints[pd.to_datetime(complaints["date"]) <= as_of].copy()
    cp["date"] = pd.to_datetime(cp["date"])
    resolved = (pd.to_datetime(cp["resolved_date"]) if "resolved_date" in cp
                else pd.Series(pd.NaT, index=cp.index, dtype="datetime64[ns]"))
    if "status" in cp:
        status = cp["status"].astype("string").str.strip().str.lower()
        by_status = (status.isna() | (status == _OPEN)).fillna(True).astype(bool)
    else:
        by_status = pd.Series("resolved_date" not in cp, index=cp.index)
    is_open = np.where(resolved.notna(), resolved > as_of, by_status)
    cp["is_open"] = is_open.astype(bool)
    day = pd.Timedelta(days=1)
    done = resolved.notna() & ~cp["is_open"]
    cp["resolution_days"] = ((resolved - cp["date"]) / day).where(done).astype("float64")
    cp["age_days"] = ((as_of - cp["date"]) / day).where(cp["is_open"]).astype("float64")
    return cp


def as_day(value: date | pd.Timestamp | str) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def month_windows(as_of: date | pd.Timestamp, months: int = 24
                  ) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """``{"YYYY-MM": (first day, day after the window)}`` for the ``months`` months to ``as_of``.

    The month of ``as_of`` ends at ``as_of`` (inclusive).
    """
    as_of = as_day(as_of)
    last = as_of.to_period("M")
    out = {}
    for period in pd.period_range(last - (months - 1), last, freq="M"):
        start = period.to_timestamp()
        end = (period + 1).to_timestamp() if period != last else as_of + pd.Timedelta(days=1)
        out[str(period)] = (start, end)
    return out


def shipment_windows(as_of: date | pd.Timestamp, *, period_days: int = 90, months: int = 24
                     ) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """:data:`CURRENT` ``(as_of - P, as_of]``, :data:`PREVIOUS` (the P days before) and months."""
    as_of = as_day(as_of)
    end = as_of + pd.Timedelta(days=1)
    p = pd.Timedelta(days=period_days)
    return {CURRENT: (end - p, end), PREVIOUS: (end - 2 * p, end - p),
            **month_windows(as_of, months)}


def shipment_counts(bind: sa.Engine | sa.Connection,
                    windows: Mapping[str, tuple[date | pd.Timestamp, date | pd.Timestamp]], *,
                    table_names: Mapping[str, str] | None = None,
                    scope: Scope | None = None) -> pd.DataFrame:
    """Shipments (transactions with ``amount >= 0``) per customer and window, in the database.

    One ``GROUP BY customer_id`` with a conditional count per window; only the
    per-customer counts travel.

    Parameters
    ----------
    bind : engine or connection holding ``transactions``.
    windows : label -> (first day, first day after), half-open, e.g. from
        :func:`shipment_windows`.
    table_names : canonical table -> actual name.
    scope : count only the customers who may be in this scope (a ``WHERE``,
        see :mod:`segmentation.scoping`; the caller keeps those whose home
        branch / region is in it).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (text) with one int32 column per
    window label; customers without a shipment in any window are absent.
    """
    with connected(bind) as conn:
        found = scope_sources(resolve_tables(conn, table_names), scope)
        tx = transactions_source(found, table_names)
        cid, day, amount = tx.c("customer_id"), tx.c("date"), tx.c("amount")
        cols = [cid.label("customer_id")]
        for i, (start, end) in enumerate(windows.values()):
            lo = sa.bindparam(f"w{i}_start", as_day(start).date(), type_=sa.Date())
            hi = sa.bindparam(f"w{i}_end", as_day(end).date(), type_=sa.Date())
            cols.append(count_if(sa.and_(is_purchase(amount), day >= lo, day < hi)).label(f"w{i}"))
        first = min(as_day(s) for s, _ in windows.values()).date()
        last = max(as_day(e) for _, e in windows.values()).date()
        query = (sa.select(*cols).select_from(tx.table)
                 .where(cid.is_not(None), is_purchase(amount),
                        day >= sa.bindparam("all_start", first, type_=sa.Date()),
                        day < sa.bindparam("all_end", last, type_=sa.Date()))
                 .group_by(cid))
        raw = fetch(conn, query)
    labels = list(windows)
    # int32: one column per month for every customer, kept compact at a million customers
    out = pd.DataFrame({label: pd.to_numeric(raw[f"w{i}"]).fillna(0).astype("int32").to_numpy()
                        for i, label in enumerate(labels)},
                       index=pd.Index(as_text(raw["customer_id"]), name="customer_id"))
    return out.sort_index()


def read_table(bind: sa.Engine | sa.Connection,
               table: Literal["surveys", "complaints", "customers"], *,
               as_of: date | pd.Timestamp | None = None, columns: Sequence[str] | None = None,
               table_names: Mapping[str, str] | None = None,
               scope: Scope | None = None) -> pd.DataFrame | None:
    """A canonical table (surveys, complaints: small), rows dated after ``as_of`` left out.

    Column names are matched case-insensitively and returned in lower case;
    ``date`` and ``resolved_date`` become ``datetime64``. ``columns`` limits
    the columns read (absent ones are skipped). ``None`` when the table does
    not exist. ``scope``: only the rows of customers who may be in it (a ``WHERE``, see
    :mod:`segmentation.scoping`); a table without ``customer_id`` is read whole.
    """
    with connected(bind) as conn:
        found = scope_sources(resolve_tables(conn, table_names), scope).get(table)
        if found is None:
            return None
        wanted = [c for c in (columns or found.columns) if c in found.columns]
        query = sa.select(*(found.c(c).label(c) for c in wanted)).select_from(found.table)
        if as_of is not None and found.has("date"):
            query = query.where(found.c("date") < sa.bindparam(
                "end_excl", (as_day(as_of) + pd.Timedelta(days=1)).date(), type_=sa.Date()))
        frame = fetch(conn, query)
    for col in ("date", "resolved_date"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    if "customer_id" in frame.columns:
        ids = frame["customer_id"]
        frame["customer_id"] = ids.where(ids.isna(), as_text(ids.astype("string")))
    return frame


# --------------------------------------------------------------------------- the data bundle


@dataclass(frozen=True)
class SatisfactionData:
    """Surveys, complaints and shipments of one dataset at one ``as_of``, ready to slice.

    Build with :func:`prepare`; restrict with :meth:`select`. Frames are shared
    between selections (treat them as read-only).

    Attributes
    ----------
    as_of : the analysis day.
    surveys : responses dated up to ``as_of`` with the group columns of their
        customer, or ``None`` without a surveys table.
    complaints : :func:`prepare_complaints` output with the group columns, or ``None``.
    shipments : :func:`shipment_counts` of the selected customers, or ``None``.
    attributes : :func:`customer_attributes` of the selected customers.
    scale : the survey scale (detected or chosen); ``None`` without surveys.
    dimensions : the survey's dimension columns.
    selected : whether a filter is active (then rows of unknown customers are out).
    """

    as_of: pd.Timestamp
    surveys: pd.DataFrame | None
    complaints: pd.DataFrame | None
    shipments: pd.DataFrame | None
    attributes: pd.DataFrame
    scale: Scale | None
    dimensions: tuple[str, ...] = ()
    selected: bool = False

    @property
    def has_surveys(self) -> bool:
        return self.surveys is not None and self.scale is not None

    @property
    def has_complaints(self) -> bool:
        return self.complaints is not None

    def with_scale(self, scale: Scale | str | None) -> SatisfactionData:
        """The same data read on another scale (``None``: keep the detected one)."""
        if scale is None or not self.has_surveys:
            return self
        scale = get_scale(scale) if isinstance(scale, str) else scale
        return replace(self, scale=scale)

    def select(self, filters: Filters | None = None,
               tiers: Iterable[str] | None = None) -> SatisfactionData:
        """Only the customers matching ``filters`` (global filters) and ``tiers``.

        With no filter and no tier, everything stays, including answers and
        complaints of customers outside the customer view (or without a
        customer id); with any, only rows of matching customers remain.
        """
        tiers = tuple(sorted({str(t) for t in tiers or ()}))
        norm = normalize_filters(filters)
        if not norm and not tiers:
            return self
        attrs = apply_filters(self.attributes, dict(norm))
        if tiers and "tier" in attrs.columns:
            attrs = attrs[attrs["tier"].isin(tiers).to_numpy()]
        return self._keep(attrs)

    def within(self, scope: Scope | None) -> SatisfactionData:
        """Only the customers whose branch / region is in ``scope``: answers and
        complaints without a known customer are in no limited scope."""
        if not is_limited(scope):
            return self
        return self._keep(scope.apply(self.attributes))

    def _keep(self, attrs: pd.DataFrame) -> SatisfactionData:
        keep = attrs.index

        def _rows(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            if "customer_id" not in frame.columns:
                return frame.iloc[:0]
            ids = text_ids(frame["customer_id"]).fillna("")
            return frame[positions_in(ids, keep) >= 0]

        shipments = None if self.shipments is None else self.shipments[
            positions_in(self.shipments.index, keep) >= 0]
        return replace(self, surveys=_rows(self.surveys), complaints=_rows(self.complaints),
                       shipments=shipments, attributes=attrs, selected=True)

    def with_tiers(self, tiers: pd.Series | None) -> SatisfactionData:
        """The same data with the ``tier`` of each customer replaced (``None``: no tiers).

        ``tiers`` is indexed by ``customer_id`` (e.g. ``assign(...).scored["tier"]``);
        customers it lacks get no tier.
        """
        attrs = self.attributes.drop(columns="tier", errors="ignore")
        if tiers is not None:
            t = pd.Series(tiers.astype(object).to_numpy(),
                          index=pd.Index(as_text(pd.Series(tiers.index))))
            values = lookup(t, attrs.index)
            values[pd.isna(values)] = None
            attrs.insert(0, "tier", values)

        def _retier(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            frame = frame.drop(columns="tier", errors="ignore")
            return _attach(frame, attrs[["tier"]]) if "tier" in attrs else frame

        return replace(self, surveys=_retier(self.surveys), complaints=_retier(self.complaints),
                       attributes=attrs)

    def shipment_total(self, window: str) -> float:
        """Shipments of the selected customers in one window (NaN without shipments)."""
        if self.shipments is None or window not in self.shipments.columns:
            return float("nan")
        return float(self.shipments[window].sum())

    def monthly_shipments(self) -> pd.Series:
        """Shipments per month (index: first day of the month) of the selected customers."""
        if self.shipments is None:
            return pd.Series(dtype="float64")
        months = [c for c in self.shipments.columns if re.fullmatch(r"\d{4}-\d{2}", c)]
        totals = self.shipments[months].sum().astype("float64")
        totals.index = pd.to_datetime([f"{m}-01" for m in months])
        return totals

    def shipments_by(self, by: str, window: str = CURRENT) -> pd.Series:
        """Shipments in ``window`` per value of the customer attribute ``by``."""
        if self.shipments is None or by not in self.attributes.columns:
            return pd.Series(dtype="float64")
        groups = self.attributes[by].reindex(self.shipments.index)
        return self.shipments[window].groupby(groups.to_numpy(), dropna=True).sum().astype(
            "float64")


def load(bind: sa.Engine | sa.Connection, view: pd.DataFrame, *, as_of: date | pd.Timestamp,
         period_days: int = 90, months: int = 24, with_surveys: bool = True,
         table_names: Mapping[str, str] | None = None,
         check_rows: Callable[[str], None] | None = None,
         scope: Scope | None = None) -> SatisfactionData:
    """Read surveys, complaints, customer attributes and shipment counts, then :func:`prepare`.

    Survey and complaint rows are read as they are (they are small next to
    transactions); customer attributes are one row per customer, like the view;
    shipments are counted per customer and window in the database.
    ``check_rows(table)`` runs before the raw survey / complaint rows are read,
    so a caller can refuse a table that is too large (see
    :func:`segmentation.database.guard_raw_rows`).

    ``scope``: every read is narrowed in the database to the customers who may
    be in it (see :mod:`segmentation.scoping`), and the result keeps only the
    customers whose branch / region is in it (:meth:`SatisfactionData.within`);
    pass the view of the same scope.
    """
    for table in ("surveys", "complaints"):
        if check_rows is not None and (table != "surveys" or with_surveys):
            check_rows(table)
    customers = read_table(bind, "customers", columns=("customer_id", *FILTER_COLUMNS),
                           table_names=table_names, scope=scope)
    attributes = customer_attributes(view, customers=customers)
    surveys = (read_table(bind, "surveys", as_of=as_of, table_names=table_names, scope=scope)
               if with_surveys else None)
    complaints = read_table(bind, "complaints", as_of=as_of, table_names=table_names,
                            scope=scope)
    shipments = shipment_counts(bind, shipment_windows(as_of, period_days=period_days,
                                                       months=months),
                                table_names=table_names, scope=scope)
    data = prepare(surveys, complaints, attributes, shipments, as_of=as_of)
    return data.within(scope)


def prepare(surveys: pd.DataFrame | None, complaints: pd.DataFrame | None,
            attributes: pd.DataFrame, shipments: pd.DataFrame | None = None, *,
            as_of: date | pd.Timestamp, scale: Scale | str | None = None) -> SatisfactionData:
    """Bundle the tables of one dataset for the satisfaction analyses.

    Parameters
    ----------
    surveys : the surveys table (``date``, ``score``; optional ``customer_id``,
        dimension scores, ``comment``) or ``None``.
    complaints : the complaints table or ``None``.
    attributes : :func:`customer_attributes` of every customer.
    shipments : :func:`shipment_counts` with :func:`shipment_windows` labels.
    as_of : later rows are ignored.
    scale : a :class:`Scale` or its key; ``None`` detects it from the scores.

    Returns
    -------
    SatisfactionData

    Raises
    ------
    SatisfactionError
        When the scale cannot be detected (see :func:`detect_scale`).
    """
    as_of = as_day(as_of)
    sv = None
    dims: tuple[str, ...] = ()
    chosen: Scale | None = None
    if surveys is not None:
        sv = surveys[pd.to_datetime(surveys["date"]) <= as_of].copy()
        sv["date"] = pd.to_datetime(sv["date"])
        sv["score"] = pd.to_numeric(sv["score"], errors="coerce")
        sv = _attach(sv.dropna(subset=["score"]), attributes)
        dims = tuple(survey_dimensions(sv))
        if isinstance(scale, str):
            chosen = get_scale(scale)
        elif scale is not None:
            chosen = scale
        elif not sv.empty:
            chosen = detect_scale(sv["score"])
        else:
            chosen = SCALES["1-5"]
    cp = None
    if complaints is not None:
        cp = _attach(prepare_complaints(complaints, as_of=as_of), attributes)
    return SatisfactionData(as_of=as_of, surveys=sv, complaints=cp, shipments=shipments,
                            attributes=attributes, scale=chosen, dimensions=dims)


def period_rows(frame: pd.DataFrame, as_of: pd.Timestamp, days: int, back: int = 0,
            length: int = 1) -> pd.DataFrame:
    """Rows dated in ``(as_of - (back + length)·days, as_of - back·days]``."""
    end = as_of - pd.Timedelta(days=days * back)
    start = end - pd.Timedelta(days=days * length)
    d = frame["date"]
    return frame[((d > start) & (d <= end)).to_numpy()]
