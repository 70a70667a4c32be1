"""End to end in chromium: the same shipments uploaded as files and connected in the local
PostgreSQL through the Data page give the same overview."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.browser.conftest import SERVER_LOGS, shot, wait_idle
from tests.conftest import POSTGRES_ENV, copy_into_postgres

pytestmark = [pytest.mark.browser, pytest.mark.db]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
SCHEMA = f"seg_browser_{os.getpid()}"
PASSWORD = "Br0wser-pw!secret"
HEADLINE = ("Customers", "Active customers", "Revenue", "Shipments")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """1,500 customers of the sample: as CSV files, and in PostgreSQL under Chinese names."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to connect the page to")
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    ids = set(sorted(tx["customer_id"].unique())[:1500])
    tx = tx[tx["customer_id"].isin(ids)][["customer_id", "date", "amount", "service",
                                         "branch"]]
    cu = pd.read_parquet(SAMPLE / "customers.parquet")
    cu = cu[cu["customer_id"].isin(ids)][["customer_id", "customer_type", "branch", "region"]]
    folder = tmp_path_factory.mktemp("company")
    tx.to_csv(folder / "shipments.csv", index=False)
    cu.to_csv(folder / "customers.csv", index=False)
    copy_into_postgres(url, SCHEMA, {
        "运单": tx.rename(columns={"customer_id": "客户编号", "date": "寄件日期", "amount": "金额",
                                 "service": "产品", "branch": "网点"}),
        "客户资料": cu.rename(columns={"customer_id": "客户编号", "customer_type": "客户类型",
                                   "branch": "网点", "region": "区域"}),
    })
    yield sa.make_url(url), folder
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    engine.dispose()


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _headline(page) -> dict[str, str]:
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("heading", name="Overview").wait_for()
    wait_idle(page)
    values = {}
    for label in HEADLINE:
        card = page.locator('[data-testid="stMetric"]').filter(has_text=label)
        values[label] = card.first.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return values


def _goto_data(server, page):
    page.goto(server + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)


def test_database_overview_matches_the_files(server, page, company):
    url, folder = company
    # 1. the files
    _goto_data(server, page)
    inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    inputs.nth(0).set_input_files(str(folder / "shipments.csv"))
    page.get_by_text("Column mapping for transactions").wait_for()
    wait_idle(page)
    inputs.nth(1).set_input_files(str(folder / "customers.csv"))
    page.get_by_text("Column mapping for customers").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text("Loaded. Every page now uses the new data.").wait_for()
    wait_idle(page)
    from_files = _headline(page)
    assert from_files["Customers"] == "1,500"

    # 2. the database, through the Data page
    _goto_data(server, page)
    page.get_by_text("Company database").click()
    wait_idle(page)
    page.get_by_role("textbox", name="Host").fill(url.host)
    page.get_by_role("spinbutton", name="Port").fill(str(url.port or 5432))
    page.get_by_role("textbox", name="Database", exact=True).fill("no_such_db")
    page.get_by_role("textbox", name="User").fill(url.username or "")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="Schema (optional)").fill(SCHEMA)
    page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    page.get_by_text("The database “no_such_db” does not exist").wait_for()
    wait_idle(page)
    shot(page, "db-00-unknown-database")
    assert PASSWORD not in page.content()
    page.get_by_role("textbox", name="Database", exact=True).fill(url.database)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    shot(page, "db-01-connect-form")
    page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    page.get_by_text("Connected to postgresql://").wait_for()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    # both tables found by their Chinese names, their columns mapped from the aliases
    assert "Column mapping for transactions" in text and "Column mapping for customers" in text
    assert page.get_by_role("combobox", name="transactions: table or view").input_value() == "运单"
    assert page.get_by_role("combobox", name="customers: table or view").input_value() == "客户资料"
    assert page.get_by_role("combobox", name="date (required)").first.input_value().startswith(
        "寄件日期")
    assert page.get_by_label("Password", exact=True).input_value() == ""
    shot(page, "db-02-table-mapping")
    page.get_by_role("button", name="Check and use this database").click()
    page.get_by_text("Every page now reads from").wait_for()
    wait_idle(page)
    assert _metric(page, "Customers") == "1,500"
    side = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Database: test @" in side or "Database:" in side
    page.get_by_text("SQL that runs in the database").click()
    wait_idle(page)
    assert "GROUP BY" in main.inner_text()
    shot(page, "db-03-connected")
    from_database = _headline(page)
    assert from_database == from_files
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "db-04-overview-from-postgres")
    assert PASSWORD not in page.content()

    # 3. in Chinese, the other pages read the database too
    page.get_by_text("简体中文").click()
    page.get_by_role("heading", name="总览").wait_for()
    wait_idle(page)
    for link in ("客户分级", "流失预警"):
        page.get_by_role("link", name=link).click()
        wait_idle(page, timeout=180_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("link", name="数据管理").click()
    page.get_by_role("heading", name="数据管理").wait_for()
    wait_idle(page)
    assert "已连接数据库" in main.inner_text()
    shot(page, "db-05-data-zh")
    page.get_by_role("button", name="停止使用数据库").click()
    wait_idle(page)
    page.get_by_text("English").click()
    wait_idle(page)
    assert PASSWORD not in page.content()
    assert PASSWORD not in SERVER_LOGS[server].read_text(encoding="utf-8", errors="replace")
