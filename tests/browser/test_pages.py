"""Every page in both languages without an error, and the churn list downloads."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from tests.browser.conftest import shot, wait_idle

pytestmark = pytest.mark.browser

PAGES = {  # url path: ((nav en, heading en), (nav zh, heading zh))
    "overview": (("Overview", "Overview"), ("总览", "总览")),
    "tiers": (("Tiers", "Customer tiers"), ("客户分级", "客户分级")),
    "clusters": (("Clusters", "Customer clusters and personas"), ("聚类画像", "客户聚类与画像")),
    "satisfaction": (("Satisfaction", "Satisfaction and complaints"), ("满意度与投诉",) * 2),
    "churn": (("Churn warnings", "Churn warnings"), ("流失预警", "流失预警")),
    "forecast": (("Volume forecast", "Shipment-volume forecast"), ("业务量预测", "业务量预测")),
    "data": (("Data", "Data"), ("数据管理", "数据管理")),
}


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders_without_errors(server, page, lang):
    """... and the browser asks nothing of any other host: no font, icon or script from
    the internet (the dashboard must work offline and tell no one who opens it)."""
    from urllib.parse import urlsplit

    outside: list[str] = []
    host = urlsplit(server).hostname
    page.on("request", lambda request: outside.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https")
            and urlsplit(request.url).hostname != host else None)
    page.goto(server)
    page.get_by_role("heading", name="Overview").wait_for()
    wait_idle(page)
    if lang == "zh":
        page.get_by_text("简体中文").click()
        page.get_by_role("heading", name="总览").wait_for()
        wait_idle(page)
    for path, names in PAGES.items():
        nav, title = names[0 if lang == "en" else 1]
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=nav,
                                                               exact=True).click()
        page.get_by_role("heading", name=title, exact=True).wait_for(timeout=120_000)
        wait_idle(page, timeout=180_000)
        _no_errors(page)
        shot(page, f"page-{path}-{lang}")
    assert outside == []


def test_churn_list_downloads_as_csv_and_excel(server, page, tmp_path):
    page.goto(server + "/churn")
    page.get_by_role("heading", name="Churn warnings").wait_for(timeout=120_000)
    wait_idle(page, timeout=180_000)
    n = int(page.locator('[data-testid="stMetric"]').filter(has_text="Customers with a warning")
            .locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download the list (CSV)").click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Chinese correctly
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(frame) == n
    assert {"Customer", "Churn risk", "Main reason", "All reasons",
            "Suggested action"} <= set(frame.columns)
    assert frame["Churn risk"].between(0.5, 1).all()
    # this week's calls first (at most 20 per branch), then the other warnings
    assert frame["Call this week"].is_monotonic_decreasing
    week = frame[frame["Call this week"]]
    assert week.groupby("Branch").size().max() <= 20
    assert week["At risk (¥)"].is_monotonic_decreasing
    assert frame.loc[~frame["Call this week"], "At risk (¥)"].is_monotonic_decreasing
    wait_idle(page)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download the list (Excel)").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    info.value.save_as(tmp_path / "list.xlsx")
    book = openpyxl.load_workbook(tmp_path / "list.xlsx")
    sheet = book.active
    assert sheet.max_row == n + 1
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
