"""The customer view: hand-checked values, and equality with the pandas reference on every
backend (DuckDB workspace, SQLite, PostgreSQL, MariaDB), DATE and TIMESTAMP columns alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.features import (
    complaint_view_query,
    customer_view,
    customer_view_query,
    data_as_of,
    date_range,
    query_sql,
    survey_view_query,
    view_queries,
)
from segmentation.schema import DataError
from tests.conftest import write_tables
from tests.segmentation.reference import pandas_customer_view

AS_OF = pd.Timestamp("2024-06-30")
W = 30  # recent = Jun 1 .. Jun 30, prior = May 2 .. May 31
NaN = np.nan
NaT = pd.NaT
T = pd.Timestamp

TX_COLUMNS = [
    "first_date", "last_date", "first_purchase_date", "last_purchase_date", "recency_days",
    "tenure_days", "frequency", "n_transactions", "monetary_total", "monetary_avg",
    "refund_count", "refund_amount", "avg_interval_days",
]
TREND_COLUMNS = ["frequency_recent", "frequency_prior", "frequency_trend", "spend_recent",
                 "spend_prior", "spend_trend"]


def hand_tables() -> dict[str, pd.DataFrame]:
    """Eight customers, each a case; see the expected values in the tests below."""
    tx = pd.DataFrame.from_records([
        # c1: one-time buyer (customers table says branch B9)
        ("c1", "2024-03-10", 50.0, 1, NaN, "express", "counter", "B1"),
        # c2: refunder, one purchase in each window, refund in the recent window
        ("c2", "2024-05-10", 100.0, 1, 2.0, "express", "app", "B1"),
        ("c2", "2024-06-05", 80.0, 1, 1.5, "standard", "app", "B1"),
        ("c2", "2024-06-07", -30.0, -1, 0.5, "standard", "app", "B1"),
        # c3: a purchase after as_of (ignored; it would break the B1/B2 branch tie)
        ("c3", "2024-01-15", 60.0, 2, 3.0, "standard", "counter", "B2"),
        ("c3", "2024-06-20", 40.0, 1, 1.0, "express", "app", "B1"),
        ("c3", "2024-07-05", 999.0, 1, 1.0, "express", "app", "B2"),
        # c4: two purchases on the same day; nothing in the prior window
        ("c4", "2024-04-01", 10.0, 1, 1.0, "express", "counter", "B2"),
        ("c4", "2024-06-10", 20.0, 1, 1.0, "express", "counter", "B2"),
        ("c4", "2024-06-10", 30.0, 1, 1.0, "standard", "counter", "B1"),
        # c5: window edges: May 1 is in neither window, May 31 prior, Jun 1 and Jun 30 recent
        ("c5", "2024-05-01", 10.0, 1, 1.0, "express", "app", "B3"),
        ("c5", "2024-05-20", 10.0, 1, 1.0, "express", "app", "B3"),
        ("c5", "2024-05-31", 10.0, 1, 1.0, "express", "app", "B3"),
        ("c5", "2024-06-01", 10.0, 1, 1.0, "express", "app", "B3"),
        ("c5", "2024-06-15", 10.0, 1, 1.0, "express", "app", "B3"),
        ("c5", "2024-06-30", 25.0, 1, 1.0, "parcel", "app", "B3"),
        # c6: surveys and open complaints
        ("c6", "2024-02-01", 200.0, 4, 8.0, "express", "counter", "B1"),
        ("c6", "2024-06-28", 100.0, 2, 4.0, "express", "counter", "B1"),
        # c8: a refund (of a purchase before the data) and a free order (amount 0: a purchase)
        ("c8", "2024-06-03", -15.0, -1, 1.0, "standard", "counter", "B3"),
        ("c8", "2024-06-04", 0.0, 0, 0.0, "standard", "counter", "B3"),
        # no customer: ignored
        (None, "2024-06-01", 500.0, 1, 1.0, "express", "counter", "B1"),
    ], columns=["customer_id", "date", "amount", "quantity", "weight_kg", "service", "channel",
                "branch"])
    tx["date"] = pd.to_datetime(tx["date"])
    customers = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c5", "c6", "c7"],
        "name": ["Ann", "Bo", "Cai", "Eve", "Fang", "Gus"],
        "customer_type": ["individual", "enterprise", "individual", "enterprise",
                          "enterprise", "individual"],
        "branch": ["B9", None, None, "B3", "B1", "B4"],
        "region": ["North", "North", "South", "South", "North", "East"],
        "signup_date": pd.to_datetime(["2023-01-05", "2023-02-01", None, "2024-01-01",
                                       "2022-12-31", "2024-05-05"]),
    })
    surveys = pd.DataFrame.from_records([
        ("c6", "2024-05-15", 4.0),
        ("c6", "2024-06-10", 2.0),
        ("c6", "2024-06-10", 3.0),
        ("c6", "2024-07-02", 5.0),  # after as_of
        ("c2", "2024-03-01", 5.0),
        ("c2", "2024-06-20", None),  # no score
        (None, "2024-06-01", 1.0),  # anonymous
        ("c7", "2024-06-01", 3.0),  # not a buyer
    ], columns=["customer_id", "date", "score"])
    surveys["date"] = pd.to_datetime(surveys["date"])
    complaints = pd.DataFrame.from_records([
        ("c6", "2024-06-12", "delay", "open", None),
        ("c6", "2024-03-01", "damage", "resolved", "2024-03-05"),
        ("c6", "2024-06-20", "delay", "resolved", "2024-07-03"),  # resolved after as_of
        ("c6", "2024-07-01", "loss", "open", None),  # opened after as_of
        ("c2", "2024-06-25", "price", "resolved", None),  # status decides: resolved
        ("c2", "2024-05-01", "price", None, None),  # nothing known: open
        ("c2", "2024-04-01", "delay", "Open", "2024-06-30"),  # resolved on as_of
    ], columns=["customer_id", "date", "category", "status", "resolved_date"])
    complaints["date"] = pd.to_datetime(complaints["date"])
    complaints["resolved_date"] = pd.to_datetime(complaints["resolved_date"])
    return {"transactions": tx, "customers": customers, "surveys": surveys,
            "complaints": complaints}


def with_times(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The same tables with times of day (whole seconds, up to 23:59:59) on every date."""
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                seconds = (np.arange(len(frame)) * 7919 + 3600 * 23 + 3599) % 86400
                frame[col] = frame[col] + pd.to_timedelta(seconds, unit="s")
        out[name] = frame
    return out


def assert_same_view(view: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(view, expected, check_dtype=True, rtol=1e-9)


# ------------------------------------------------------------------------ hand-checked values


def test_hand_written_values(duckdb_engine):
    write_tables(duckdb_engine, hand_tables())
    view = customer_view(duckdb_engine, as_of=AS_OF, window_days=W)

    ids = ["c1", "c2", "c3", "c4", "c5", "c6", "c8"]  # c7 has no transactions
    assert list(view.index) == ids
    assert view.index.name == "customer_id"
    assert view.index.dtype == "str"
    expected = pd.DataFrame({
        "branch": ["B9", "B1", "B1", "B2", "B3", "B1", "B3"],
        "first_date": [T("2024-03-10"), T("2024-05-10"), T("2024-01-15"), T("2024-04-01"),
                       T("2024-05-01"), T("2024-02-01"), T("2024-06-03")],
        "last_date": [T("2024-03-10"), T("2024-06-07"), T("2024-06-20"), T("2024-06-10"),
                      T("2024-06-30"), T("2024-06-28"), T("2024-06-04")],
        "last_purchase_date": [T("2024-03-10"), T("2024-06-05"), T("2024-06-20"),
                               T("2024-06-10"), T("2024-06-30"), T("2024-06-28"),
                               T("2024-06-04")],
        "recency_days": [112.0, 23, 10, 20, 0, 2, 26],
        "tenure_days": [112.0, 51, 167, 90, 60, 150, 27],
        "frequency": [1, 2, 2, 2, 6, 2, 1],
        "n_transactions": [1, 2, 2, 3, 6, 2, 1],
        "monetary_total": [50.0, 150, 100, 60, 75, 300, -15],
        "monetary_avg": [50.0, 75, 50, 30, 12.5, 150, -15],
        "refund_count": [0, 1, 0, 0, 0, 0, 1],
        "refund_amount": [0.0, 30, 0, 0, 0, 0, 15],
        "avg_interval_days": [NaN, 26, 157, 70, 12, 148, NaN],
        "quantity_total": [1.0, 1, 3, 3, 6, 6, -1],
        "weight_total": [NaN, 4, 4, 3, 6, 12, 1],
        "frequency_recent": [0, 1, 1, 1, 3, 1, 1],
        "frequency_prior": [0, 1, 0, 0, 2, 0, 0],
        "frequency_trend": [NaN, 0, NaN, NaN, 0.5, NaN, NaN],
        "spend_recent": [0.0, 50, 40, 50, 45, 100, -15],
        "spend_prior": [0.0, 100, 0, 0, 20, 0, 0],
        "spend_trend": [NaN, -0.5, NaN, NaN, 1.25, NaN, NaN],
        "service_share_express": [1.0, 0.5, 0.5, 2 / 3, 5 / 6, 1, 0],
        "service_share_standard": [0.0, 0.5, 0.5, 1 / 3, 0, 0, 1],
        "service_share_parcel": [0.0, 0, 0, 0, 1 / 6, 0, 0],
        "n_surveys": [0, 1, 0, 0, 0, 3, 0],
        "satisfaction_avg": [NaN, 5, NaN, NaN, NaN, 3, NaN],
        "satisfaction_last": [NaN, 5, NaN, NaN, NaN, 2.5, NaN],
        "satisfaction_recent": [NaN, NaN, NaN, NaN, NaN, 2.5, NaN],
        "satisfaction_prior": [NaN, NaN, NaN, NaN, NaN, 4, NaN],
        "n_complaints": [0, 3, 0, 0, 0, 3, 0],
        "complaints_recent": [0, 1, 0, 0, 0, 2, 0],
        "complaints_open": [0, 1, 0, 0, 0, 2, 0],
    }, index=pd.Index(ids, dtype="str", name="customer_id"))
    expected = expected.astype({"branch": "str", "first_date": "datetime64[ns]",
                                "last_date": "datetime64[ns]",
                                "last_purchase_date": "datetime64[ns]"})
    assert_same_view(view[expected.columns], expected)

    assert list(view.columns) == [
        "name", "customer_type", "branch", "region", "signup_date", *TX_COLUMNS,
        "quantity_total", "weight_total", *TREND_COLUMNS,
        "service_share_express", "service_share_standard", "service_share_parcel",
        "channel_share_app", "channel_share_counter",
        "n_surveys", "satisfaction_avg", "satisfaction_last", "satisfaction_recent",
        "satisfaction_prior", "n_complaints", "complaints_recent", "complaints_open",
    ]
    assert pd.isna(view.loc["c4", "name"])  # c4 is not in the customers table
    assert view.loc["c1", "name"] == "Ann"
    assert view.loc["c3", "signup_date"] is pd.NaT
    assert view["signup_date"].dtype == "datetime64[ns]"
    assert view.attrs == {"as_of": AS_OF, "window_days": W}


@pytest.mark.parametrize("timestamps", [False, True], ids=["date", "timestamp"])
def test_equals_reference_on_every_backend(db_engine, timestamps):
    tables = hand_tables()
    write_tables(db_engine, with_times(tables) if timestamps else tables,
                 timestamps=timestamps)
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_reference_agrees_with_hand_values():
    tables = hand_tables()
    ref = pandas_customer_view(tables, AS_OF, W)
    assert ref.loc["c4", "frequency"] == 2 and ref.loc["c4", "n_transactions"] == 3
    assert ref.loc["c3", "branch"] == "B1"
    assert ref.loc["c2", "complaints_open"] == 1
    # the times of day must not matter to the reference either
    assert_same_view(pandas_customer_view(with_times(tables), AS_OF, W), ref)


def test_text_order_is_code_point_order_on_every_backend(db_engine):
    """Sorting ids and breaking branch ties must not depend on the database collation."""
    tx = pd.DataFrame({
        "customer_id": ["a9", "a10", "B1", "B1", "a9", "a9", "a10", "a10"],
        "date": pd.to_datetime(["2024-06-01"] * 8),
        "amount": [1.0] * 8,
        "branch": ["z", "z", "b2", "B3", "网点甲", "网点乙", "oslo", "Paris"],
    })
    write_tables(db_engine, {"transactions": tx})
    view = customer_view(db_engine, as_of=AS_OF)
    assert list(view.index) == ["B1", "a10", "a9"]
    assert list(view["branch"]) == ["B3", "Paris", "z"]
    # a9 has z, 网点甲, 网点乙 once each: "z" sorts first by code point
    assert_same_view(view, pandas_customer_view({"transactions": tx}, AS_OF))


# ------------------------------------------------------------------------ degrading gracefully


def test_only_required_transaction_columns(db_engine):
    tables = {"transactions": hand_tables()["transactions"][["customer_id", "date", "amount"]]}
    write_tables(db_engine, tables)
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert list(view.columns) == TX_COLUMNS + TREND_COLUMNS
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_optional_tables_without_the_columns_they_need(duckdb_engine):
    full = hand_tables()
    tables = {
        "transactions": full["transactions"].drop(columns=["service", "weight_kg"]),
        "customers": full["customers"][["customer_id", "region"]],
        "surveys": full["surveys"].drop(columns="customer_id"),  # anonymous surveys
        "complaints": full["complaints"].drop(columns=["status", "resolved_date"]),
    }
    write_tables(duckdb_engine, tables)
    view = customer_view(duckdb_engine, as_of=AS_OF, window_days=W)
    assert "region" in view and "name" not in view
    assert view.loc["c3", "branch"] == "B1"  # from transactions only now
    assert "weight_total" not in view and "quantity_total" in view
    assert not any(c.startswith("service_share_") for c in view)
    assert "channel_share_app" in view
    assert "n_surveys" not in view
    assert {"n_complaints", "complaints_recent"} <= set(view) and "complaints_open" not in view
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))
    assert survey_view_query(duckdb_engine, as_of=AS_OF) is None
    assert complaint_view_query(duckdb_engine, as_of=AS_OF) is not None


def test_empty_optional_tables(db_engine):
    tables = {name: (frame if name == "transactions" else frame.iloc[:0])
              for name, frame in hand_tables().items()}
    write_tables(db_engine, tables)
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert view["name"].isna().all() and (view["n_surveys"] == 0).all()
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_numeric_customer_ids(db_engine):
    full = hand_tables()
    numeric = {"c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5, "c6": 6, "c7": 7, "c8": 8}
    tables = {}
    for name in ("transactions", "customers"):
        frame = full[name].dropna(subset=["customer_id"]).copy()
        frame["customer_id"] = frame["customer_id"].map(numeric).astype("int64")
        tables[name] = frame
    write_tables(db_engine, tables)
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert list(view.index) == ["1", "2", "3", "4", "5", "6", "8"]
    assert view.loc["1", "name"] == "Ann"
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_customers_branch_wins_over_transactions(db_engine):
    full = hand_tables()
    tx = full["transactions"].dropna(subset=["customer_id"])
    customers = pd.DataFrame({"customer_id": sorted(tx["customer_id"].unique()),
                              "branch": ["K1", "K2", "K3", "K4", "K5", "K6", "K8"]})
    tables = {"transactions": tx, "customers": customers}
    write_tables(db_engine, tables)
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert list(view["branch"]) == ["K1", "K2", "K3", "K4", "K5", "K6", "K8"]
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_complaints_with_only_resolved_date(duckdb_engine):
    full = hand_tables()
    tables = {"transactions": full["transactions"],
              "complaints": full["complaints"].drop(columns="status")}
    write_tables(duckdb_engine, tables)
    view = customer_view(duckdb_engine, as_of=AS_OF, window_days=W)
    # c2: open until resolved: 06-25 (no date) and 05-01 (no date) open, 04-01 resolved on as_of
    assert view.loc["c2", "complaints_open"] == 2
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))


def test_as_of_after_the_data_and_before_it(duckdb_engine):
    write_tables(duckdb_engine, hand_tables())
    empty = customer_view(duckdb_engine, as_of="2023-12-31", window_days=W)
    assert empty.empty and empty.index.name == "customer_id"
    assert "frequency" in empty and empty["frequency"].dtype == "int64"
    later = customer_view(duckdb_engine, as_of=T("2024-07-05 18:30"), window_days=W)
    assert later.attrs["as_of"] == T("2024-07-05")
    assert later.loc["c3", "monetary_total"] == 1099.0
    assert later.loc["c6", "n_complaints"] == 4


def test_as_of_defaults_to_the_last_transaction_day(db_engine):
    tables = hand_tables()
    write_tables(db_engine, with_times(tables), timestamps=True)
    assert data_as_of(db_engine) == T("2024-07-05")
    assert date_range(db_engine) == (T("2024-01-15"), T("2024-07-05"))
    view = customer_view(db_engine, window_days=W)
    assert view.attrs["as_of"] == T("2024-07-05")
    assert_same_view(view, pandas_customer_view(tables, T("2024-07-05"), W))


def test_table_names_mapping(db_engine):
    tables = hand_tables()
    names = {"transactions": "tx_orders", "customers": "crm_clients", "surveys": "nps_2024",
             "complaints": "tickets"}
    write_tables(db_engine, {names[k]: v for k, v in tables.items()})
    view = customer_view(db_engine, as_of=AS_OF, window_days=W, table_names=names)
    assert_same_view(view, pandas_customer_view(tables, AS_OF, W))
    with pytest.raises(DataError, match="transactions"):
        customer_view(db_engine, as_of=AS_OF)  # the canonical names do not exist


def test_schema_qualified_table_names(duckdb_engine):
    with duckdb_engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA sales")
    tables = hand_tables()
    write_tables(duckdb_engine, {"sales.orders": tables["transactions"],
                                 "sales.clients": tables["customers"]})
    names = {"transactions": "sales.orders", "customers": "sales.clients"}
    view = customer_view(duckdb_engine, as_of=AS_OF, window_days=W, table_names=names)
    subset = {"transactions": tables["transactions"], "customers": tables["customers"]}
    assert_same_view(view, pandas_customer_view(subset, AS_OF, W))
    assert data_as_of(duckdb_engine, names) == T("2024-07-05")


def test_schema_qualified_names_on_every_backend(db_engine):
    schema = sa.inspect(db_engine).default_schema_name
    tables = hand_tables()
    write_tables(db_engine, {f"{schema}.orders": tables["transactions"],
                             f"{schema}.nps": tables["surveys"]})
    names = {"transactions": f"{schema}.orders", "surveys": f"{schema}.nps"}
    view = customer_view(db_engine, as_of=AS_OF, window_days=W, table_names=names)
    subset = {"transactions": tables["transactions"], "surveys": tables["surveys"]}
    assert_same_view(view, pandas_customer_view(subset, AS_OF, W))


# ------------------------------------------------------------------------ errors


def test_missing_transactions_table(duckdb_engine):
    write_tables(duckdb_engine, {"customers": hand_tables()["customers"]})
    with pytest.raises(DataError, match=r"transactions table \(transactions\) was not found"):
        customer_view(duckdb_engine, as_of=AS_OF)
    with pytest.raises(DataError, match="not found"):
        data_as_of(duckdb_engine)


def test_missing_required_column(duckdb_engine):
    tx = hand_tables()["transactions"].drop(columns="amount")
    write_tables(duckdb_engine, {"transactions": tx})
    with pytest.raises(DataError, match="has no column 'amount'") as info:
        customer_view(duckdb_engine, as_of=AS_OF)
    assert "缺少列“amount”" in info.value.message("zh")


def test_empty_transactions_table_without_as_of(duckdb_engine):
    write_tables(duckdb_engine, {"transactions": hand_tables()["transactions"].iloc[:0]})
    with pytest.raises(DataError, match="no dated rows"):
        customer_view(duckdb_engine)


@pytest.mark.parametrize("window_days", [0, -5, 7.5], ids=["zero", "negative", "fraction"])
def test_window_days_must_be_positive_whole(duckdb_engine, window_days):
    write_tables(duckdb_engine, hand_tables())
    with pytest.raises(ValueError, match="window_days"):
        customer_view(duckdb_engine, as_of=AS_OF, window_days=window_days)


# ------------------------------------------------------------------------ the SQL itself


def test_one_statement_with_visible_sql(db_engine):
    write_tables(db_engine, hand_tables())
    query = customer_view_query(db_engine, as_of=AS_OF, window_days=W)
    assert isinstance(query, sa.Select)
    sql = query_sql(query, db_engine)
    # the measures' GROUP BY joined with the purchase-day counts, which come from the
    # distinct (customer, day) pairs rather than from count(DISTINCT) aggregates
    assert sql.count("GROUP BY") == 2 and "SELECT DISTINCT" in sql
    assert "count(DISTINCT" not in sql and "LEFT OUTER JOIN" in sql
    assert "'2024-07-01'" in sql and "'2024-06-01'" in sql and "'2024-05-02'" in sql
    assert set(view_queries(db_engine, as_of=AS_OF)) == {
        "transactions", "branches", "customers", "surveys", "complaints"}
    # the literal SQL runs as it is shown
    with db_engine.connect() as conn:
        assert len(conn.exec_driver_sql(sql.replace("%", "%%")).all()) == 7


# ------------------------------------------------------------------------ randomised data


def random_tables(seed: int = 7, n_tx: int = 2000, n_customers: int = 150
                  ) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"k{i:04d}" for i in range(n_customers)], dtype=object)
    start = T("2023-01-01")

    def days(n: int, span: int = 600) -> pd.Series:
        return start + pd.to_timedelta(rng.integers(0, span, n), unit="D")

    cust = ids[rng.integers(0, n_customers, n_tx) % rng.integers(1, n_customers, n_tx)]
    amount = np.round(rng.lognormal(3, 1, n_tx), 2)
    amount[rng.random(n_tx) < 0.06] *= -1
    amount[rng.random(n_tx) < 0.01] = 0.0
    weight = np.round(rng.gamma(2, 2, n_tx), 3)
    weight[rng.random(n_tx) < 0.1] = np.nan
    tx = pd.DataFrame({
        "customer_id": cust,
        "date": days(n_tx),
        "amount": amount,
        "quantity": rng.integers(1, 5, n_tx),
        "weight_kg": weight,
        "service": rng.choice(["express", "standard", "freight", None], n_tx,
                              p=[0.5, 0.3, 0.15, 0.05]),
        "channel": rng.choice(["app", "counter", "web"], n_tx),
        "branch": rng.choice(["B01", "B02", "B03", "B04", None], n_tx),
    })
    tx = pd.concat([tx, tx.sample(100, random_state=7)], ignore_index=True)  # same-day repeats
    known = rng.choice(np.append(ids, ["z9998", "z9999"]), 130, replace=False)
    customers = pd.DataFrame({
        "customer_id": known,
        "name": [f"name {c}" for c in known],
        "customer_type": rng.choice(["individual", "enterprise"], len(known)),
        "branch": rng.choice(["B01", "B02", None], len(known)),
        "area_type": rng.choice(["urban", "rural"], len(known)),
        "signup_date": days(len(known), 300),
    })
    n_s = 400
    surveys = pd.DataFrame({
        "customer_id": rng.choice(np.append(ids, [None]), n_s),
        "date": days(n_s),
        "score": rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, np.nan], n_s),
        "speed": rng.integers(1, 6, n_s),
    })
    n_c = 200
    opened = days(n_c)
    resolved = opened + pd.to_timedelta(rng.integers(0, 60, n_c), unit="D")
    complaints = pd.DataFrame({
        "customer_id": rng.choice(ids, n_c),
        "date": opened,
        "category": rng.choice(["delay", "damage", "loss"], n_c),
        "status": rng.choice(["open", "resolved", None], n_c),
        "resolved_date": resolved.where(rng.random(n_c) < 0.6),
    })
    return {"transactions": tx, "customers": customers, "surveys": surveys,
            "complaints": complaints}


@pytest.mark.parametrize("window_days", [45, 120])
def test_random_data_equals_reference(db_engine, window_days):
    tables = random_tables()
    write_tables(db_engine, tables)
    as_of = T("2024-05-17")
    view = customer_view(db_engine, as_of=as_of, window_days=window_days)
    expected = pandas_customer_view(tables, as_of, window_days)
    assert len(view) > 100 and view["frequency"].max() > 10
    assert_same_view(view, expected)


def test_zero_amount_orders_are_purchases_on_every_backend(db_engine):
    """A free order (amount 0) is an order; only a negative amount is a refund (issue 14)."""
    tx = pd.DataFrame({"customer_id": ["z", "z", "z", "r"],
                       "date": pd.to_datetime(["2024-06-01", "2024-06-10", "2024-06-20",
                                               "2024-06-05"]),
                       "amount": [0.0, 0.0, 12.0, -5.0]})
    write_tables(db_engine, {"transactions": tx})
    view = customer_view(db_engine, as_of=AS_OF, window_days=W)
    assert view.loc["z", "frequency"] == 3 and view.loc["z", "n_transactions"] == 3
    assert view.loc["z", "first_purchase_date"] == T("2024-06-01")
    assert view.loc["r", "frequency"] == 0 and view.loc["r", "refund_count"] == 1
