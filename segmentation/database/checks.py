"""Checking a mapping against the database (:func:`check_mapping`, which returns a
:class:`DatabaseSummary`) and the raw-row limit (:func:`guard_raw_rows`)."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from ..cleaning import zh_name
from ..connections import DEFAULT_ROW_LIMIT, ConnectionSpec, classify_error
from ..schema import COLUMN_KINDS, REQUIRED, columns_of
from ..sql import day_of, find_tables
from .mapping import DatabaseMapping, TableChoice, source_columns
from .messages import table_error

#: Above this many rows a table's raw rows are not read into the app.
RAW_ROW_LIMIT = DEFAULT_ROW_LIMIT
#: Above this many distinct customer ids the mapping is refused: one row per customer
#: travels to the app, and this many usually means customer_id is mapped to a shipment number.
MAX_CUSTOMERS = 5_000_000

_KIND_TEXT = {
    "date": ("dates", "日期"),
    "number": ("numbers", "数字"),
    "text": ("text", "文本"),
}
_CAST = {"date": "CAST({c} AS DATE)", "number": "CAST({c} AS DECIMAL(18, 2))"}


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class DatabaseSummary:
    """What :func:`check_mapping` learnt: rows per mapped table, dates, customers, branches."""

    rows: Mapping[str, int]
    date_min: str
    date_max: str
    n_customers: int
    n_branches: int


def _kind_of(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "number"
    if isinstance(value, dt.date | pd.Timestamp):
        return "date"
    if isinstance(value, int | float | decimal.Decimal):
        return "number"
    return "text"


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([ T].*)?$")


def _iso_day(value: object) -> bool:
    """An ISO date text, as SQLite stores dates (``2024-05-01`` or ``2024-05-01 10:00``)."""
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _check_types(table: str, choice: TableChoice, sample: pd.DataFrame, dialect: str) -> None:
    for column, source in choice.columns.items():
        if source not in sample.columns:
            raise table_error("column_missing", table, source=source, column=column,
                       column_zh=zh_name(column))
        expected = COLUMN_KINDS.get(column, "text")
        if expected not in ("date", "number"):
            continue
        values = [v for v in sample[source].tolist() if _kind_of(v) is not None]
        bad = next((v for v in values if _kind_of(v) != expected
                    and not (expected == "date" and dialect == "sqlite" and _iso_day(v))), None)
        if bad is None:
            continue
        found = _kind_of(bad)
        raise table_error("wrong_type", table, source=source, column=column,
                   column_zh=zh_name(column), example=str(bad)[:40],
                   found=_KIND_TEXT[found][0], found_zh=_KIND_TEXT[found][1],
                   expected=_KIND_TEXT[expected][0], expected_zh=_KIND_TEXT[expected][1],
                   cast=_CAST[expected].format(c=source))


def check_mapping(engine: sa.Engine, spec: ConnectionSpec,
                  mapping: DatabaseMapping) -> DatabaseSummary:
    """Validate ``mapping`` against the database and summarise the data.

    Checks, in order: a transactions source is chosen; each chosen source has
    its required columns mapped; each source can be read (a few rows) and has
    the mapped columns with the right types (dates, numbers). Then counts rows
    per table, the transaction date range, customers and branches, inside the
    database (one aggregate per table).

    Raises
    ------
    ConnectionError_
        ``need_transactions``, ``mapping_incomplete``, ``column_missing``,
        ``wrong_type``, ``type_mismatch``, ``no_rows``, ``too_many_customers`` or any code of
        :func:`classify_error` (unreachable, auth, table_missing, timeout, ...).
    """
    if "transactions" not in mapping.tables:
        raise table_error("need_transactions")
    for table, choice in mapping.tables.items():
        missing = [c for c in REQUIRED[table] if c not in choice.columns]
        if missing:
            raise table_error("mapping_incomplete", table, columns=", ".join(missing),
                       columns_zh="、".join(zh_name(c) for c in missing))
        unknown = [c for c in choice.columns if c not in columns_of(table)]
        if unknown:
            raise ValueError(f"unknown columns for {table}: {unknown}")
    for table, choice in mapping.tables.items():
        sample = source_columns(engine, choice, spec)
        _check_types(table, choice, sample, engine.dialect.name)
    tables = find_tables(None, mapping.table_names())
    try:
        with engine.connect() as conn:
            rows = {name: int(conn.execute(sa.select(sa.func.count()).select_from(src))
                              .scalar_one()) for name, src in tables.items()}
            tx = tables["transactions"]
            first, last, customers = conn.execute(sa.select(
                sa.func.min(day_of(tx.c.date)), sa.func.max(day_of(tx.c.date)),
                sa.func.count(sa.distinct(tx.c.customer_id)))).one()
            branch_source = next((src for name in ("customers", "transactions")
                                  if (src := tables.get(name)) is not None and "branch" in src.c),
                                 None)
            branches = 0 if branch_source is None else int(conn.execute(
                sa.select(sa.func.count(sa.distinct(branch_source.c.branch)))).scalar_one())
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None
    if first is None or last is None:
        raise table_error("no_rows")
    if int(customers) > MAX_CUSTOMERS:
        raise table_error("too_many_customers", customers=int(customers), limit=MAX_CUSTOMERS)
    return DatabaseSummary(rows=rows, date_min=pd.Timestamp(first).date().isoformat(),
                           date_max=pd.Timestamp(last).date().isoformat(),
                           n_customers=int(customers), n_branches=branches)


def guard_raw_rows(rows: Mapping[str, int], table: str, *, limit: int | None = None) -> None:
    """Refuse to pull a table's raw rows into the app when it has more than ``limit``
    (default :data:`RAW_ROW_LIMIT`)."""
    limit = RAW_ROW_LIMIT if limit is None else limit
    n = int(rows.get(table, 0))
    if n > limit:
        raise table_error("too_many_raw_rows", table, rows=n, limit=limit)
