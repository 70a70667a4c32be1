"""End to end in chromium: load, language switch, a valid upload, a bad upload."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser.conftest import shot, wait_idle

pytestmark = pytest.mark.browser


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


@pytest.fixture(scope="module")
def sample_customers(tmp_path_factory) -> int:
    """Customers of the bundled sample at its default analysis date, by the library."""
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace, load_sample

    workspace = Workspace(tmp_path_factory.mktemp("sample-count"))
    load_sample(workspace)
    return len(customer_view(workspace.engine(), window_days=90))


def test_overview_loads_on_the_sample(server, page, sample_customers):
    page.goto(server)
    page.get_by_role("heading", name="Overview").wait_for()
    wait_idle(page)
    assert _metric(page, "Customers") == f"{sample_customers:,}"
    assert _metric(page, "Revenue").startswith("¥")
    page.locator(".js-plotly-plot").nth(1).wait_for()
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Sample branch network" in _sidebar_text(page)
    shot(page, "01-overview-en")


def test_language_switch(server, page):
    page.goto(server)
    page.get_by_role("heading", name="Overview").wait_for()
    wait_idle(page)
    page.get_by_text("简体中文").click()
    page.get_by_role("heading", name="总览").wait_for()
    wait_idle(page)
    side = _sidebar_text(page)
    assert "分析日期" in side and "筛选" in side and "示例网点数据" in side
    assert page.locator('[data-testid="stMetric"]').filter(has_text="客户数").count() == 1
    shot(page, "02-overview-zh")
    # the choice persists across a page switch
    page.get_by_role("link", name="数据管理").click()
    page.get_by_role("heading", name="数据管理").wait_for()
    wait_idle(page)
    shot(page, "03-data-zh")


def _goto_data(server, page):
    page.goto(server + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)


def test_valid_gbk_upload_shows_summary(server, page, tmp_path):
    tx = pd.DataFrame({
        "客户编号": ["K001", "K001", "K002", "K003", "K003", "K003"],
        "寄件日期": ["2025/1/5", "2025/2/7", "2025年2月9日", "20250301", "2025-03-02",
                 "2025-03-05"],
        "资费": ["￥1,200.50", "30", "45.5", "12", "-3", "88"],
        "营业网点": ["杭州西湖", "杭州西湖", "宁波鄞州", "宁波鄞州", "宁波鄞州", "杭州西湖"],
    })
    path = tmp_path / "寄件明细.csv"
    tx.to_csv(path, index=False, encoding="gbk")
    _goto_data(server, page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_text("Column mapping for transactions").wait_for()
    wait_idle(page)
    shot(page, "04-upload-mapping")
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text("Loaded. Every page now uses the new data.").wait_for()
    wait_idle(page)
    assert _metric(page, "Customers") == "3"
    assert _metric(page, "Branches") == "2"
    assert _metric(page, "Date range") == "2025-01-05 – 2025-03-05"
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "negative amount" in body  # the refund is reported as a note
    assert "寄件明细.csv" in _sidebar_text(page)
    shot(page, "05-upload-done")
    # the overview now shows the uploaded customers
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("heading", name="Overview").wait_for()
    wait_idle(page)
    assert _metric(page, "Customers") == "3"
    # back to the sample for the other tests
    _goto_data(server, page)
    page.get_by_role("button", name="Go back to the sample data").click()
    page.get_by_text("The sample data is in use again.").wait_for()


def test_bad_file_is_refused_and_previous_data_stays(server, page, tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_text("client;when;total\nA1;yesterday;12\nA2;2025-01-01;x\n", encoding="utf-8")
    _goto_data(server, page)
    before = _metric(page, "Customers")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    page.get_by_text("Column mapping for transactions").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text("Nothing was loaded; the previous dataset is still in use").wait_for()
    wait_idle(page)
    error = page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert "required column" in error and "date" in error
    assert _metric(page, "Customers") == before
    assert "Sample branch network" in _sidebar_text(page)
    shot(page, "06-bad-file")
