"""The customer views at several days from one aggregation pass (:func:`customer_views`):
each equals the one-day view (:func:`customer_view`) on every backend, and the
transactions are aggregated once."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.access import Scope
from segmentation.features import customer_view, customer_views
from tests.conftest import write_tables
from tests.segmentation.test_features import random_tables, with_times

T = pd.Timestamp
#: The last day of the data, a day inside it, an early day (fewer customers, services and
#: channels not all seen yet, so fewer share columns) and a day before any data.
DAYS = [T("2024-05-17"), T("2023-11-02"), T("2023-01-09"), T("2024-08-30")]


def assert_same(views: dict, day: pd.Timestamp, expected: pd.DataFrame) -> None:
    """Exact ids, counts, dates and text; money and ratios to 1e-6."""
    got = views[day]
    assert got.attrs == expected.attrs
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, rtol=1e-6)


@pytest.mark.parametrize("timestamps", [False, True], ids=["date", "timestamp"])
def test_views_at_several_days_equal_one_view_per_day(db_engine, timestamps):
    tables = random_tables()
    tx = tables["transactions"]
    tx.loc[(tx["date"] > T("2024-03-01")) & (tx["service"] == "freight"), "service"] = "night"
    write_tables(db_engine, with_times(tables) if timestamps else tables)
    views = customer_views(db_engine, days=DAYS, window_days=45)
    assert list(views) == DAYS
    for day in DAYS:
        assert_same(views, day, customer_view(db_engine, as_of=day, window_days=45))
    # the days differ: fewer customers on the early day, a service only from March 2024
    assert len(views[T("2023-01-09")]) < len(views[T("2024-05-17")])
    assert "service_share_night" in views[T("2024-05-17")]
    assert "service_share_night" not in views[T("2023-11-02")]


def test_one_day_of_several_days_and_repeated_days(duckdb_engine):
    tables = random_tables(seed=11)
    write_tables(duckdb_engine, tables)
    day = T("2024-02-29")
    views = customer_views(duckdb_engine, days=[day, "2024-02-29", day.date()])
    assert list(views) == [day]
    assert_same(views, day, customer_view(duckdb_engine, as_of=day))
    assert customer_views(duckdb_engine, days=[]) == {}


def test_scoped_views_equal_scoped_view_per_day(db_engine):
    tables = random_tables(seed=3)
    write_tables(db_engine, tables)
    scope = Scope(branches=("B01",))
    views = customer_views(db_engine, days=DAYS[:3], window_days=60, scope=scope)
    for day in DAYS[:3]:
        assert_same(views, day, customer_view(db_engine, as_of=day, window_days=60,
                                              scope=scope))


def test_transactions_are_aggregated_once_for_every_day(duckdb_engine):
    """One GROUP BY customer_id over the transactions (and one customer x branch count,
    one value count of service / channel), however many days."""
    write_tables(duckdb_engine, random_tables())
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).lower())

    sa.event.listen(duckdb_engine, "before_cursor_execute", seen)
    try:
        customer_views(duckdb_engine, days=DAYS, window_days=30)
    finally:
        sa.event.remove(duckdb_engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "from transactions" in s and "group by" in s]
    assert len(reads) == 3, reads
    # the measures and the purchase-day counts: one statement, sorted by customer
    assert sum(s.endswith("order by agg.customer_id") for s in reads) == 1
    assert sum("group by transactions.customer_id, transactions.branch" in s
               for s in reads) == 1
