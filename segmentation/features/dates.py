"""The data's dates: the first and last transaction day (the default analysis date)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from ..schema import DataError, Problem
from ..sql import TableNames, as_day, connected, day_of, resolve_tables, transactions_source


def date_range(bind: sa.Engine | sa.Connection,
               table_names: TableNames | None = None
               ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last transaction day (``SELECT min(date), max(date)``).

    Raises
    ------
    DataError
        When the transactions table or its required columns are missing, or it
        has no dated rows.
    """
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        date = tx.c("date")
        first, last = conn.execute(
            sa.select(sa.func.min(day_of(date)), sa.func.max(day_of(date)))
            .select_from(tx.table)).one()
    if first is None or last is None:
        raise DataError([Problem("transactions", "view_no_dates", "error",
                                 params={"name": tx.name})])
    return as_day(first), as_day(last)


def data_as_of(bind: sa.Engine | sa.Connection,
               table_names: TableNames | None = None) -> pd.Timestamp:
    """The last transaction day: the default analysis date (``SELECT max(date)``).

    Raises
    ------
    DataError
        As :func:`date_range`.
    """
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        last = conn.execute(sa.select(sa.func.max(day_of(tx.c("date"))))
                            .select_from(tx.table)).scalar()
    if last is None:
        raise DataError([Problem("transactions", "view_no_dates", "error",
                                 params={"name": tx.name})])
    return as_day(last)
