"""The Churn page's call list: contacts first, phones by role, the Excel download."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from segmentation import access, formatting, i18n
from segmentation.access import Role, User
from segmentation.churn import RISK_CODES
from tests.app.conftest import APP, app_state

FIRST = ["Name", "Phone", "Manager", "Last shipment", "Interval (d)", "Tier", "At risk (¥)",
         "Main reason", "Suggested action"]


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every download button the page creates (callables are called)."""
    from streamlit.delta_generator import DeltaGenerator

    captured: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        value = data() if callable(data) else data
        captured[kwargs.get("file_name", label)] = bytes(value)
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return captured


def _churn(user: User | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        app_state(at).auth.user = user
    at.run()
    at.switch_page("pages/churn.py").run()
    assert not at.exception, at.exception
    return at


def _week(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "main_reason" in d.value.columns)


def test_call_list_columns_phones_and_downloads(sample_workspace, sample_tables, downloads):
    at = _churn()  # open mode: every right
    week = _week(at)
    assert list(week.columns[:9]) == ["name", "phone", "account_manager",
                                      "last_purchase_date", "usual_interval_days",
                                      "tier_label", "value_at_risk", "main_reason", "action"]
    customers = sample_tables["customers"].set_index("customer_id")
    assert week["phone"].tolist() == customers.loc[week["customer_id"], "phone"].astype(
        str).tolist()
    assert (week["main_reason"].str.len() > 0).all()
    assert set(at.multiselect(key="churn_f_reason").options) <= {
        i18n.t(f"churn.reason_label.{c}", "en") for c in RISK_CODES}
    xlsx = next(v for k, v in downloads.items() if k.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in sheet[1]]
    assert header[1:10] == FIRST  # after "Call this week"
    csv = next(v for k, v in downloads.items() if k.endswith(".csv"))
    assert list(pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", nrows=1).columns) == header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    col = {h: i + 1 for i, h in enumerate(header)}
    # the formats of the formatting layer: a ratio as a percent, yuan, a date
    assert sheet.cell(row=2, column=col["Churn risk"]).number_format == \
        formatting.excel_format("percent")
    assert sheet.cell(row=2, column=col["At risk (¥)"]).number_format == \
        formatting.excel_format("money")
    assert "%" in formatting.excel_format("percent") and "¥" in formatting.excel_format("money")
    assert isinstance(sheet.cell(row=2, column=col["At risk (¥)"]).value, float)
    assert sheet.cell(row=2, column=col["Last shipment"]).number_format == "yyyy-mm-dd"


def test_phones_are_masked_without_the_right(sample_workspace, sample_tables, monkeypatch):
    """A role that lists customers but lacks ``see_pii`` gets 138****1234 phones."""
    branch = sorted(sample_tables["customers"]["branch"].dropna().unique())[3]
    monkeypatch.setitem(access.PERMISSIONS, Role.BRANCH,
                        frozenset({"see_customers", "export"}))
    week = _week(_churn(User("li", Role.BRANCH, branch=branch)))
    customers = sample_tables["customers"].set_index("customer_id")
    real = customers.loc[week["customer_id"], "phone"].astype(str)
    assert len(week) > 0
    assert week["phone"].tolist() == real.map(access.mask_phone).tolist()
    assert not set(week["phone"]) & set(real)


def test_tiers_and_churn_agree_on_who_is_lost(sample_workspace):
    """The Tiers movement's "stopped shipping" and the Churn page's "Already lost" follow one
    definition: the lost total the Tiers page names is the Churn page's figure."""
    at = _churn()
    lost = next(m.value for m in at.metric if m.label == "Already lost")
    cutoff = at.number_input(key="_w_churn_lost_180").value
    at.switch_page("pages/tiers.py").run()
    at.button(key="tiers_history_run").click().run()
    assert not at.exception, at.exception
    summary = next(m.value for m in at.markdown if "stopped shipping" in m.value)
    assert f"no shipment for more than {cutoff} days" in summary
    assert f"{lost} customers are lost at 2025-06-30" in summary
