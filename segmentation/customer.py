"""One customer's records, for a detail view (a handful of rows travel, by customer id)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .sql import TableNames, connected, day_of, find_tables

_COLUMNS = {
    "transactions": ("date", "amount", "service", "channel", "branch"),
    "surveys": ("date", "score"),
    "complaints": ("date", "category", "severity", "status", "resolved_date"),
}


def customer_history(bind: sa.Engine, customer_id: str, *, as_of,
                     table_names: TableNames | None = None) -> dict[str, pd.DataFrame]:
    """The customer's transactions, survey answers and complaints up to ``as_of``.

    Returns
    -------
    ``{"transactions": ..., "surveys": ..., "complaints": ...}`` with the
    columns of :data:`_COLUMNS` that the data has, sorted by ``date``;
    tables that are absent (or have no ``customer_id``) are left out.
    """
    day = pd.Timestamp(as_of).date()
    out: dict[str, pd.DataFrame] = {}
    found = find_tables(bind, table_names)
    for canonical, wanted in _COLUMNS.items():
        table = found.get(canonical)
        if table is None or "customer_id" not in table.c or "date" not in table.c:
            continue
        present = [c for c in wanted if c in table.c]
        query = (sa.select(*(table.c[c] for c in present))
                 .where(table.c.customer_id == sa.bindparam("cid", str(customer_id)))
                 .where(day_of(table.c.date) <= sa.bindparam("as_of", day, sa.Date()))
                 .order_by(table.c.date))
        with bind.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=present)
        for c in ("date", "resolved_date"):
            if c in frame.columns:
                frame[c] = pd.to_datetime(frame[c])
        out[canonical] = frame
    return out


def known_names(bind: sa.Engine, table_names: TableNames | None = None) -> list[str]:
    """The distinct customer names of the customers table (empty without the table or its
    ``name`` column), for masking names in free text; never shown."""
    customers = find_tables(bind, table_names).get("customers")
    if customers is None or "name" not in customers.c:
        return []
    query = sa.select(customers.c.name).where(customers.c.name.is_not(None)).distinct()
    with connected(bind) as conn:
        return [str(v) for (v,) in conn.execute(query)]
