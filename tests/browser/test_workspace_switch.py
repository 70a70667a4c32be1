"""End to end in chromium: another user's load reaches an open session on its next
interaction, with a sidebar notice; a session opened afterwards just shows the new data."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser.conftest import SERVER_LOGS, shot, wait_idle

pytestmark = pytest.mark.browser


def _sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _small_dataset():
    from segmentation.cleaning import prepare_dataset
    from tests.app.conftest import SAMPLE as SAMPLE_FOLDER

    tx = pd.read_parquet(SAMPLE_FOLDER / "transactions.parquet")
    ids = sorted(tx["customer_id"].unique())[:40]
    return prepare_dataset({"transactions": tx[tx["customer_id"].isin(ids)]}).tables


def test_another_users_load_is_announced(server, page, browser):
    from segmentation.workspace import Workspace

    page.goto(server + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)
    assert "Sample branch network" in _sidebar_text(page)
    first_customers = _metric(page, "Customers")

    # another user (here: another process on the same workspace) loads new data
    ws = Workspace(SERVER_LOGS[server].parent)
    other = ws.replace(_small_dataset(), source="upload", label="other.csv")
    page.wait_for_timeout(500)
    assert _metric(page, "Customers") == first_customers  # nothing moves by itself

    page.get_by_text("简体中文").click()  # any interaction reruns the session
    page.get_by_text("被其他用户替换").wait_for()
    wait_idle(page)
    side = _sidebar_text(page)
    assert "已上传：other.csv（40 位客户）" in side
    assert _metric(page, "客户数") == "40"
    shot(page, "workspace-replaced-zh")

    page.get_by_text("English").click()  # said once: the next run is quiet
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)
    assert "replaced by another user" not in _sidebar_text(page)
    assert "Uploaded: other.csv" in _sidebar_text(page)

    # a session opened now sees the new data without a notice
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    try:
        second = fresh.new_page()
        second.set_default_timeout(60_000)
        second.goto(server + "/data")
        second.get_by_role("heading", name="Data", exact=True).wait_for()
        wait_idle(second)
        assert "Uploaded: other.csv" in _sidebar_text(second)
        assert "replaced by another user" not in _sidebar_text(second)
    finally:
        fresh.close()
    assert ws.current() == other
