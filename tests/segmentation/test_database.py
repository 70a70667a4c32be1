"""A company database as the source: mapped tables and queries, equal results on every
backend and the file path, checks with clear messages, saved connections, read-only use."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import i18n
from segmentation.cleaning import prepare_dataset
from segmentation.connections import ConnectionError_, ConnectionSpec, open_engine
from segmentation.database import (
    ConnectionStore,
    DatabaseMapping,
    TableChoice,
    check_mapping,
    guard_raw_rows,
    source_columns,
    suggest_columns,
    suggest_tables,
)
from segmentation.features import customer_view, query_sql, view_queries
from segmentation.overview import activity_cube, survey_cube
from segmentation.workspace import Workspace
from tests.conftest import MARIADB_ENV, POSTGRES_ENV, write_tables

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
AS_OF = pd.Timestamp("2025-06-30")
SECRET = "Db-s3cr3t!pw"

#: canonical column -> the company's own column name, per table
RENAMES = {
    "transactions": {"customer_id": "Cust_No", "date": "ship_day", "amount": "fee",
                     "quantity": "pieces", "weight_kg": "kg", "service": "product",
                     "channel": "via", "branch": "outlet"},
    "customers": {"customer_id": "client_id", "customer_type": "ctype", "branch": "home_outlet",
                  "region": "district", "area_type": "area"},
    "surveys": {"customer_id": "cid", "date": "survey_day", "score": "rating",
                "speed": "q_speed"},
    "complaints": {"customer_id": "cust", "date": "opened", "category": "kind",
                   "status": "state"},
}
COMPANY_TABLES = {"transactions": "shipments", "customers": "clients", "surveys": "feedback",
                  "complaints": "tickets"}


@pytest.fixture(scope="module")
def canonical() -> dict[str, pd.DataFrame]:
    """The bundled sample cut to 250 customers, canonical columns only."""
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    ids = sorted(tx["customer_id"].unique())[:250]
    out = {}
    for table, renames in RENAMES.items():
        frame = pd.read_parquet(SAMPLE / f"{table}.parquet")
        frame = frame[frame["customer_id"].isin(ids)][list(renames)].reset_index(drop=True)
        for col in frame.columns:
            if frame[col].dtype == "string" or str(frame[col].dtype) == "str":
                frame[col] = frame[col].astype(object)
        out[table] = frame
    return out


def company_tables(canonical) -> dict[str, pd.DataFrame]:
    return {COMPANY_TABLES[t]: frame.rename(columns=RENAMES[t]) for t, frame in canonical.items()}


def company_mapping() -> DatabaseMapping:
    return DatabaseMapping({t: TableChoice(table=COMPANY_TABLES[t], columns=RENAMES[t])
                            for t in RENAMES})


@pytest.fixture(scope="module")
def file_view(canonical, tmp_path_factory) -> pd.DataFrame:
    """The same data through the file path: cleaning, the workspace, the customer view."""
    dataset = prepare_dataset({t: f.copy() for t, f in canonical.items()})
    ws = Workspace(tmp_path_factory.mktemp("ws"))
    ws.replace(dataset.tables, source="upload", label="same.csv")
    view = customer_view(ws.engine(), as_of=AS_OF)
    ws.engine().dispose()
    return view


def _spec_for(engine: sa.Engine, name: str) -> ConnectionSpec:
    if name == "postgres":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        return ConnectionSpec.from_url(os.environ[POSTGRES_ENV], schema=schema)
    if name == "mariadb":
        spec = ConnectionSpec.from_url(os.environ[MARIADB_ENV])
        return dataclasses.replace(spec, driver="mariadb", database=engine.url.database)
    return ConnectionSpec(name, database=engine.url.database)


@pytest.fixture(params=["duckdb", "sqlite", pytest.param("postgres", marks=pytest.mark.db),
                        pytest.param("mariadb", marks=pytest.mark.db)])
def company_db(request, canonical):
    """The company's tables (own names and columns) on each backend, opened read-only."""
    engine = request.getfixturevalue(f"{request.param}_engine")
    write_tables(engine, company_tables(canonical))
    spec = _spec_for(engine, request.param)
    engine.dispose()
    ro = open_engine(spec)
    yield spec, ro
    ro.dispose()


# --- equal results on every backend -----------------------------------------------------------


def test_mapped_view_equals_file_path(company_db, file_view):
    spec, engine = company_db
    names = company_mapping().table_names()
    view = customer_view(engine, as_of=AS_OF, table_names=names)
    assert len(view) == 250
    assert view["n_surveys"].sum() > 0 and view["n_complaints"].sum() > 0
    assert {"region", "area_type", "customer_type"} <= set(view.columns)
    assert list(view.columns) == list(file_view.columns)
    pd.testing.assert_frame_equal(view, file_view, check_dtype=False, rtol=1e-9)


def test_mapped_cubes_match_view_totals(company_db, file_view):
    spec, engine = company_db
    names = company_mapping().table_names()
    cube = activity_cube(engine, as_of=AS_OF, table_names=names)
    assert cube["revenue"].sum() == pytest.approx(file_view["monetary_total"].sum())
    assert set(cube["region"].dropna()) == set(file_view["region"].dropna())
    surveys = survey_cube(engine, as_of=AS_OF, table_names=names)
    assert surveys["responses"].sum() == file_view["n_surveys"].sum()


def test_a_select_works_like_a_table(company_db, file_view, read_only_login):
    spec, engine = company_db
    spec = read_only_login(spec)  # custom SELECTs are refused on a superuser login
    engine = open_engine(spec)
    query = ("SELECT Cust_No AS cno, ship_day, fee FROM shipments WHERE fee IS NOT NULL"
             if spec.driver != "postgresql" else
             'SELECT "Cust_No" AS cno, ship_day, fee FROM shipments WHERE fee IS NOT NULL')
    mapping = DatabaseMapping({"transactions": TableChoice(
        query=query, columns={"customer_id": "cno", "date": "ship_day", "amount": "fee"})})
    view = customer_view(engine, as_of=AS_OF, table_names=mapping.table_names())
    pd.testing.assert_series_equal(view["monetary_total"], file_view["monetary_total"],
                                   check_dtype=False)
    assert "branch" not in view.columns  # only what the SELECT maps
    summary = check_mapping(engine, spec, mapping)
    assert summary.n_customers == 250
    engine.dispose()


def test_check_mapping_summarises(company_db, canonical):
    spec, engine = company_db
    summary = check_mapping(engine, spec, company_mapping())
    assert summary.rows == {t: len(f) for t, f in canonical.items()}
    tx = canonical["transactions"]
    assert summary.date_min == tx["date"].min().date().isoformat()
    assert summary.date_max == tx["date"].max().date().isoformat()
    assert summary.n_customers == 250
    assert summary.n_branches == canonical["customers"]["branch"].nunique()


def test_unchosen_tables_are_absent_even_if_named_canonically(duckdb_engine, canonical):
    write_tables(duckdb_engine, {**company_tables(canonical),
                                 "surveys": canonical["surveys"]})
    mapping = DatabaseMapping({"transactions": company_mapping().tables["transactions"]})
    view = customer_view(duckdb_engine, as_of=AS_OF, table_names=mapping.table_names())
    assert "n_surveys" not in view.columns


# --- SQL shown and portability ----------------------------------------------------------------


def test_generated_sql_is_shown_without_credentials(company_db):
    spec, engine = company_db
    queries = view_queries(engine, as_of=AS_OF, table_names=company_mapping().table_names())
    sql = query_sql(queries["transactions"], engine)
    assert "GROUP BY" in sql and "shipments" in sql and "fee" in sql
    assert "2025-07-01" in sql  # the day after as_of, inlined
    assert SECRET not in sql and (spec.password or "\0") not in sql


@pytest.mark.parametrize("dialect_name", ["trino", "postgresql", "mysql", "sqlite", "duckdb"])
def test_aggregation_compiles_for_other_dialects(dialect_name):
    if dialect_name == "trino":
        from trino.sqlalchemy.dialect import TrinoDialect

        dialect = TrinoDialect()
    elif dialect_name == "duckdb":
        from duckdb_engine import Dialect

        dialect = Dialect()
    else:
        dialect = importlib.import_module(f"sqlalchemy.dialects.{dialect_name}").dialect()
    mapping = DatabaseMapping({
        "transactions": TableChoice(table="sales.orders", columns=RENAMES["transactions"]),
        "surveys": TableChoice(table="sales.csat", columns=RENAMES["surveys"])})
    queries = view_queries(None, as_of=AS_OF, table_names=mapping.table_names())
    assert set(queries) == {"transactions", "branches", "surveys"}
    sql = query_sql(queries["transactions"], dialect)
    assert "sales.orders" in sql and "GROUP BY" in sql.upper() and "fee AS amount" in sql
    assert "2025-07-01" in sql
    if dialect_name == "trino":
        assert "FILTER (WHERE" not in sql  # Trino: the portable CASE form
        assert "ship_day AS date" in sql and "CAST(transactions.date AS DATE)" in sql


# --- checks with clear messages ---------------------------------------------------------------


def _messages(err: ConnectionError_) -> tuple[str, str]:
    return err.message("en"), err.message("zh")


def test_mapping_errors_say_what_to_do(duckdb_engine, canonical):
    write_tables(duckdb_engine, company_tables(canonical))
    spec = ConnectionSpec("duckdb", database=duckdb_engine.url.database)
    duckdb_engine.dispose()
    engine = open_engine(spec)
    with pytest.raises(ConnectionError_) as info:
        check_mapping(engine, spec, DatabaseMapping({}))
    assert info.value.code == "need_transactions"
    assert "transactions" in _messages(info.value)[0] and "交易明细" in _messages(info.value)[1]

    incomplete = DatabaseMapping({"transactions": TableChoice(
        table="shipments", columns={"customer_id": "Cust_No", "date": "ship_day"})})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(engine, spec, incomplete)
    en, zh = _messages(info.value)
    assert info.value.code == "mapping_incomplete" and "amount" in en and "金额" in zh

    gone = DatabaseMapping({"transactions": TableChoice(
        table="shipments", columns={**RENAMES["transactions"], "amount": "price"})})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(engine, spec, gone)
    en, zh = _messages(info.value)
    assert info.value.code == "column_missing" and "“price”" in en and "“price”" in zh

    missing_table = DatabaseMapping({"transactions": TableChoice(
        table="orders_2024", columns=RENAMES["transactions"])})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(engine, spec, missing_table)
    assert info.value.code == "table_missing"
    assert "table mapping" in info.value.message("en") and "表映射" in info.value.message("zh")
    engine.dispose()


@pytest.mark.parametrize("backend", ["duckdb", "sqlite", pytest.param("postgres",
                                                                       marks=pytest.mark.db)])
def test_wrong_column_type_is_named(request, backend, canonical):
    engine = request.getfixturevalue(f"{backend}_engine")
    tx = company_tables(canonical)["shipments"].head(50).copy()
    tx["fee"] = tx["fee"].map(lambda v: f"¥{v:.2f}")  # amounts stored as text
    tx["when_text"] = "2024-13-45"
    write_tables(engine, {"shipments": tx})
    spec = _spec_for(engine, backend)
    engine.dispose()
    ro = open_engine(spec)
    mapping = DatabaseMapping({"transactions": TableChoice(table="shipments",
                                                           columns=RENAMES["transactions"])})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(ro, spec, mapping)
    en, zh = _messages(info.value)
    assert info.value.code == "wrong_type"
    assert "“fee”" in en and "holds text" in en and "numbers are needed" in en
    assert "CAST(fee AS DECIMAL(18, 2))" in en and "数字" in zh and "文本" in zh
    dates = DatabaseMapping({"transactions": TableChoice(
        table="shipments", columns={"customer_id": "Cust_No", "date": "when_text",
                                    "amount": "kg"})})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(ro, spec, dates)
    assert info.value.code == "wrong_type" and "dates are needed" in info.value.message("en")
    assert "2024-13-45" in info.value.message("zh")
    ro.dispose()


def test_type_mismatch_inside_the_database_is_explained(postgres_engine, canonical):
    tables = company_tables(canonical)
    clients = tables["clients"].copy()
    clients["num_id"] = range(len(clients))  # integer ids against text ids
    write_tables(postgres_engine, {"shipments": tables["shipments"], "clients": clients})
    spec = _spec_for(postgres_engine, "postgres")
    ro = open_engine(spec)
    mapping = DatabaseMapping({
        "transactions": TableChoice(table="shipments", columns=RENAMES["transactions"]),
        "customers": TableChoice(table="clients", columns={"customer_id": "num_id",
                                                           "region": "district"})})
    with pytest.raises(Exception) as info:
        activity_cube(ro, as_of=AS_OF, table_names=mapping.table_names())
    from segmentation.connections import classify_error

    err = classify_error(info.value, spec)
    assert err.code == "type_mismatch"
    assert "wrong type" in err.message("en") and "类型不对" in err.message("zh")
    ro.dispose()


def test_a_select_that_writes_is_refused():
    with pytest.raises(ConnectionError_) as info:
        TableChoice(query="DELETE FROM shipments", columns={"customer_id": "x"})
    assert info.value.code == "not_read_only"
    assert "SELECT" in info.value.message("zh")


def test_raw_row_guard():
    guard_raw_rows({"surveys": 10}, "surveys", limit=10)
    with pytest.raises(ConnectionError_) as info:
        guard_raw_rows({"surveys": 2_500_000}, "surveys")
    assert info.value.code == "too_many_raw_rows"
    en, zh = _messages(info.value)
    assert "The surveys source has 2,500,000 rows" in en and "1,000,000" in en
    assert "满意度调查数据源共有 2,500,000 行" in zh and "编写 SELECT" in zh


def test_customer_id_mapped_to_a_shipment_number_is_caught(duckdb_engine, canonical,
                                                         monkeypatch):
    from segmentation.database import checks  # where the limit is read

    tx = company_tables(canonical)["shipments"].copy()
    tx["waybill"] = [f"W{i:07d}" for i in range(len(tx))]
    write_tables(duckdb_engine, {"shipments": tx})
    spec = ConnectionSpec("duckdb", database=duckdb_engine.url.database)
    duckdb_engine.dispose()
    engine = open_engine(spec)
    monkeypatch.setattr(checks, "MAX_CUSTOMERS", 1000)
    wrong = DatabaseMapping({"transactions": TableChoice(table="shipments", columns={
        "customer_id": "waybill", "date": "ship_day", "amount": "fee"})})
    with pytest.raises(ConnectionError_) as info:
        check_mapping(engine, spec, wrong)
    en, zh = _messages(info.value)
    assert info.value.code == "too_many_customers"
    assert f"{len(tx):,} different customer ids" in en and "运单号" in zh
    right = DatabaseMapping({"transactions": TableChoice(table="shipments", columns={
        "customer_id": "Cust_No", "date": "ship_day", "amount": "fee"})})
    assert check_mapping(engine, spec, right).n_customers == 250
    engine.dispose()


# --- suggestions ------------------------------------------------------------------------------


def test_suggestions_from_aliases():
    assert suggest_tables(["audit_log", "public.订单", "clients", "customers", "feedback"]) == {
        "transactions": "public.订单", "customers": "clients", "surveys": "feedback"}
    got = suggest_columns("transactions", ["客户编号", "交易日期", "金额", "网点", "note"])
    assert got == {"customer_id": "客户编号", "date": "交易日期", "amount": "金额",
                   "branch": "网点"}


def test_source_columns_reads_a_few_rows(duckdb_engine, canonical):
    write_tables(duckdb_engine, company_tables(canonical))
    spec = ConnectionSpec("duckdb", database=duckdb_engine.url.database)
    duckdb_engine.dispose()
    engine = open_engine(spec)
    sample = source_columns(engine, TableChoice(table="shipments"), spec, rows=7)
    assert len(sample) == 7 and list(sample.columns)[:3] == ["Cust_No", "ship_day", "fee"]
    q = source_columns(engine, TableChoice(query="SELECT fee * 2 AS double_fee FROM shipments;"),
                       spec, rows=3)
    assert list(q.columns) == ["double_fee"] and len(q) == 3
    engine.dispose()


# --- saved connections ------------------------------------------------------------------------


def test_store_keeps_password_only_when_asked(tmp_path):
    store = ConnectionStore(tmp_path)
    spec = ConnectionSpec("postgresql", host="db.example", port=5432, database="ops",
                          user="reader", password=SECRET)
    store.save("HQ warehouse", spec, company_mapping())
    text = (tmp_path / "connections.json").read_text(encoding="utf-8")
    assert SECRET not in text and "reader" in text and "Cust_No" in text
    saved = store.get("HQ warehouse")
    assert saved.spec.password is None and not saved.has_password
    assert saved.mapping == company_mapping()
    assert stat.S_IMODE(os.stat(tmp_path / "connections.json").st_mode) == 0o600

    store.save("HQ warehouse", spec, company_mapping(), keep_password=True)
    assert store.get("HQ warehouse").spec.password == SECRET
    assert store.get("HQ warehouse").has_password
    assert SECRET not in repr(store.get("HQ warehouse"))

    store.save("from_secrets", None, company_mapping())  # a secrets connection: mapping only
    assert store.names() == ["HQ warehouse"]
    assert store.get("from_secrets").spec is None
    assert store.get("from_secrets").mapping.fingerprint() == company_mapping().fingerprint()
    store.delete("HQ warehouse")
    assert store.names() == [] and "HQ warehouse" not in json.loads(
        (tmp_path / "connections.json").read_text(encoding="utf-8"))
    with pytest.raises(ConnectionError_) as info:
        store.save("  ", spec, company_mapping())
    assert info.value.message("zh") == i18n.t("conn.error.no_name", "zh")


def test_mapping_json_round_trip_and_fingerprint():
    mapping = company_mapping()
    again = DatabaseMapping.from_json(json.loads(json.dumps(mapping.to_json())))
    assert again == mapping and again.fingerprint() == mapping.fingerprint()
    other = DatabaseMapping({**mapping.tables, "surveys": TableChoice(
        table="feedback", columns={"date": "survey_day", "score": "rating"})})
    assert other.fingerprint() != mapping.fingerprint()


def test_postgres_columnar_fetch_keeps_every_value(postgres_engine):
    """PostgreSQL results come through COPY + Arrow: text with separators, quotes,
    line breaks, empty text vs NULL, Chinese, numbers, dates and times all survive."""
    from segmentation.sql import fetch, fetch_postgres_copy

    texts = ["a,b", 'say "hi"', "two\nlines", "", None, "华东-湖州网点", " padded "]
    with postgres_engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE odd (k text, n bigint, x numeric(12, 2), f double precision, "
            "d date, ts timestamp, b boolean)")
        conn.execute(sa.text("INSERT INTO odd VALUES (:k, :n, :x, :f, :d, :ts, :b)"), [
            {"k": k, "n": None if i == 1 else i * 10**12, "x": None if i == 2 else i + 0.25,
             "f": -i / 3, "d": None if i == 3 else f"2024-02-{i + 1:02d}",
             "ts": f"2024-02-{i + 1:02d} 13:45:0{i}", "b": None if i == 4 else i % 2 == 0}
            for i, k in enumerate(texts)])
    odd = sa.table("odd", *(sa.column(c) for c in ("k", "n", "x", "f", "d", "ts", "b")))
    query = sa.select(odd).where(odd.c.f <= sa.bindparam("top", 0.0)).order_by(odd.c.f.desc())
    with postgres_engine.connect() as conn:
        fast = fetch_postgres_copy(conn, query)
        slow = pd.DataFrame.from_records(conn.execute(query).fetchall(),
                                         columns=list(query.selected_columns.keys()))
        assert fetch(conn, query).equals(fast)          # the path fetch takes
    assert fast is not None and len(fast) == len(texts)
    assert fast["k"].tolist()[:4] == texts[:4] and pd.isna(fast["k"][4])
    assert fast["k"].tolist()[5:] == texts[5:]
    assert fast["n"].isna().tolist() == slow["n"].isna().tolist()
    assert fast["n"].dropna().astype("int64").tolist() == slow["n"].dropna().tolist()
    assert fast["x"].tolist()[:2] == [0.25, 1.25] and pd.isna(fast["x"][2])
    assert fast["f"].tolist() == slow["f"].tolist()
    assert fast["d"].tolist()[:3] == pd.to_datetime(slow["d"]).tolist()[:3]
    assert pd.isna(fast["d"][3]) and fast["d"].dtype.kind == "M"
    assert fast["ts"].tolist() == pd.to_datetime(slow["ts"]).tolist()
    assert fast["b"].tolist()[:4] == [True, False, True, False] and pd.isna(fast["b"][4])

    # an empty result keeps its columns; a type the fast path does not parse falls back
    with postgres_engine.connect() as conn:
        empty = fetch_postgres_copy(conn, query.where(odd.c.f > 1))
        assert list(empty.columns) == list(fast.columns) and empty.empty
        interval = sa.select(sa.literal_column("interval '2 days'").label("gap"))
        assert fetch_postgres_copy(conn, interval) is None
        assert fetch(conn, interval)["gap"].tolist() == [pd.Timedelta(days=2)]
