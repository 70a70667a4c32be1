"""One customer's records, for a detail view (a handful of rows travel, by customer id)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa

from .overview import table_columns

_COLUMNS = {
    "transactions": ("date", "amount", "service", "channel", "branch"),
    "surveys": ("date", "score"),
    "complaints": ("date", "category", "severity", "status", "resolved_date"),
}


def customer_history(bind: sa.Engine, customer_id: str, *, as_of,
                     table_names: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The customer's transactions, survey answers and complaints up to ``as_of``.

    Returns
    -------
    ``{"transactions": ..., "surveys": ..., "complaints": ...}`` with the
    columns of :data:`_COLUMNS` that the data has, sorted by ``date``;
    tables that are absent (or have no ``customer_id``) are left out.
    """
    as_of = pd.Timestamp(as_of)
    out: dict[str, pd.DataFrame] = {}
    names = {"transactions": "transactions", "surveys": "surveys", "complaints": "complaints",
             **dict(table_names or {})}
    for canonical, wanted in _COLUMNS.items():
        actual = names[canonical]
        cols = table_columns(bind, actual)
        if cols is None or "customer_id" not in cols:
            continue
        schema, _, name = actual.rpartition(".")
        table = sa.table(name, *(sa.column(c) for c in cols), schema=schema or None)
        present = [c for c in wanted if c in cols]
        query = (sa.select(*(table.c[c] for c in present))
                 .where(table.c.customer_id == sa.bindparam("cid", str(customer_id)))
                 .where(table.c.date <= sa.bindparam("as_of", as_of.to_pydatetime()))
                 .order_by(table.c.date))
        with bind.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=present)
        for c in ("date", "resolved_date"):
            if c in frame.columns:
                frame[c] = pd.to_datetime(frame[c])
        out[canonical] = frame
    return out
