"""Churn warnings a branch manager can trust: risk-raising reasons only, a call sheet with
contacts first, and its Excel download with real number formats."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation import i18n
from segmentation.churn import (
    REASON_RULES,
    RISK_CODES,
    SHEET_FORMATS,
    call_sheet,
    reasons,
    render_main_reason,
    score_churn,
)
from segmentation.clv import CLVWarning
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.features import customer_view
from segmentation.workspace import Workspace, load_sample

AS_OF = pd.Timestamp("2025-06-30")
#: codes whose sentence reassures (or says nothing about risk): never a warning's reason
REASSURING = [*REASON_RULES.loc[REASON_RULES["side"] == "safe", "code"], "recent_today", "pace"]


def _pattern(template: str) -> re.Pattern:
    """A regex matching any sentence worded from ``template`` (fields are wildcards)."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$")


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("churn-calls"))
    load_sample(ws)
    engine = ws.engine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        view = customer_view(engine, as_of=AS_OF)
        yield score_churn(engine, as_of=AS_OF, view=view, lang=None), view, engine
    engine.dispose()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_warning_on_the_sample_has_a_reassuring_reason(sample_result, lang):
    """Every sentence on the sample's warning list raises the customer's risk."""
    from segmentation.churn import render_reasons

    scores = sample_result[0].scores
    warned = scores[scores["status"] == "warning"]
    warned.attrs.update(scores.attrs)
    assert len(warned) > 1000
    codes = warned["reason_codes"].str.split(",")
    assert codes.map(lambda c: set(c) <= RISK_CODES).all()
    sep = "；" if lang == "zh" else "; "
    sentences = render_reasons(warned, lang).str.split(sep).explode()
    calming = [_pattern(i18n.t(f"churn.reason.{c}", lang)) for c in REASSURING]
    bad = [s for s in sentences if any(p.match(s) for p in calming)]
    assert not bad, bad[:5]
    # the main reason is each list's first sentence
    main = render_main_reason(warned, lang)
    assert (main == render_reasons(warned, lang).str.split(sep).str[0]).all()


def _signals(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "recency_days": [5.0] * n, "frequency": [12] * n, "usual_interval_days": [30.0] * n,
        "overdue_ratio": [5 / 30] * n, "interval_to_horizon": [0.3] * n,
        "frequency_recent": [3] * n, "frequency_prior": [3] * n,
        "frequency_change": [0.0] * n, "spend_change": [0.0] * n,
        "ticket_change": [0.0] * n, "satisfaction_from": [np.nan] * n,
        "satisfaction_last": [5.0] * n, "satisfaction_drop": [np.nan] * n,
        "complaints_open": [0.0] * n, "complaints_recent": [0.0] * n,
        "complaint_category": pd.array([None] * n, dtype="str"),
        "tenure_days": [900.0] * n,
    }
    base.update(columns)
    frame = pd.DataFrame(base, index=pd.Index([f"c{i}" for i in range(n)],
                                              name="customer_id"))
    frame.attrs.update(window_days=90, typical_interval_days=30.0)
    return frame


def test_a_warning_with_only_reassuring_facts_gets_no_reassuring_reason():
    """Shipped 5 days ago, satisfied, a customer for years, yet the model warns: the reason
    says that no single sign stands out; one past the usual interval gets "no shipment"."""
    signals = _signals(recency_days=[5.0, 40.0, 5.0, 5.0, 5.0],
                       overdue_ratio=[5 / 30, 40 / 30, 5 / 30, 5 / 30, 5 / 30])
    risk = pd.Series([0.6, 0.6, 0.1, 0.2, 0.3], index=signals.index)
    got = reasons(signals, risk, lang="en", high_risk=0.95, warning_threshold=0.5)
    assert got["reason_codes"].tolist()[:2] == ["pattern", "quiet"]
    assert got.loc["c0", "risk_reasons"] == i18n.t("churn.reason.pattern", "en")
    assert got.loc["c1", "risk_reasons"] == "no shipment for 40 days"
    assert got.loc["c2", "reason_codes"].split(",")[0] in REASSURING  # no warning: reassured
    zh = reasons(signals, risk, lang="zh", high_risk=0.95, warning_threshold=0.5)
    assert zh.loc["c0", "risk_reasons"] == ("没有单一的预警信号："
                                            "风险来自模型对整体寄件记录的综合判断")
    # without the warning threshold (the old behaviour) c0 would be "reassured"
    old = reasons(signals, risk, lang="en", high_risk=0.95)
    assert old.loc["c0", "reason_codes"].split(",")[0] in REASSURING


def _scores() -> pd.DataFrame:
    return pd.DataFrame({
        "status": ["warning", "warning", "ok", "lost"],
        "branch": ["A", "B", "A", "B"],
        "churn_risk": [0.9, 0.6, 0.2, 0.95],
        "value_at_risk": [1234.4, 40.0, 5.0, 0.0],
        "clv_12m": [1500.0, 80.0, 40.0, 10.0],
        "recency_days": [90.0, 20.0, 3.0, 400.0],
        "usual_interval_days": [30.0, 14.0, 7.0, 20.0],
        "reason_codes": ["overdue,frequency_down", "new_customer", "recent,loyal", "lost"],
        "risk_reasons": ["no shipment for 90 days (usually every 30); shipments down",
                         "new customer", "shipped", "lost"],
        "main_reason": ["no shipment for 90 days (usually every 30)", "new customer", "", ""],
    }, index=pd.Index(["p", "q", "r", "s"], name="customer_id"))


def test_the_call_sheet_puts_the_contact_first_and_filters_by_risk_categories():
    contacts = pd.DataFrame({
        "name": ["Li Lei", "Wu Fang", "Zhao", "Qian"],
        "phone": ["13800001111", "13900002222", "1", "2"],
        "account_manager": ["Wang", None, "Wang", "Sun"],
        "last_purchase_date": pd.to_datetime(["2025-04-01", "2025-06-10", "2025-06-27",
                                              "2024-05-26"]),
        "monetary_total": [1.0, 2.0, 3.0, 4.0],  # not a contact column: left out
    }, index=pd.Index(["p", "q", "r", "s"], name="customer_id"))
    sheet = call_sheet(_scores(), tiers=pd.Series({"p": "vip", "q": "std"}),
                       tier_labels={"vip": "VIP", "std": "Standard"},
                       actions={"vip": ["call"], "std": ["text"]}, contacts=contacts)
    assert sheet.reason_codes == ["frequency_down", "new_customer", "overdue"]
    # a legacy "reassuring" code on a warning is never offered as a filter
    legacy = _scores().assign(reason_codes=["overdue,loyal", "recent", "recent", "lost"])
    assert call_sheet(legacy).reason_codes == ["overdue"]
    shown = sheet.calls()
    assert shown.columns[:9] == ["name", "phone", "account_manager", "last_purchase_date",
                                 "usual_interval_days", "tier_label", "value_at_risk",
                                 "main_reason", "action"]
    assert "monetary_total" not in shown.table.columns
    p = shown.row("p")
    assert (p["name"], p["phone"], p["account_manager"], p["action"]) == (
        "Li Lei", "13800001111", "Wang", "call")
    assert list(shown.export.columns) == ["call_this_week", *shown.columns]


def test_the_call_list_workbook_has_number_formats_a_frozen_header_and_a_filter():
    shown = call_sheet(_scores(), contacts=pd.DataFrame(
        {"name": ["Li", "Wu", "Zhao", "Qian"],
         "last_purchase_date": pd.to_datetime(["2025-04-01", "2025-06-10", "2025-06-27",
                                               "2024-05-26"])},
        index=pd.Index(["p", "q", "r", "s"], name="customer_id"))).calls()
    headers = {"churn_risk": "Churn risk", "value_at_risk": "At risk (¥)",
               "last_purchase_date": "Last shipment"}
    data = to_excel_bytes({"warnings": shown.export}, headers=headers, formats=SHEET_FORMATS)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["warnings"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    header = [c.value for c in sheet[1]]
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(shown.export, headers=headers)),
                      encoding="utf-8-sig")
    assert header == list(csv.columns)  # the same columns in both downloads
    cell = {h: sheet.cell(row=2, column=i + 1) for i, h in enumerate(header)}
    assert cell["Churn risk"].value == pytest.approx(0.9)
    assert cell["Churn risk"].number_format == "0.0%"
    assert cell["At risk (¥)"].value == pytest.approx(1234.4)
    assert cell["At risk (¥)"].number_format == '"¥"#,##0.00;-"¥"#,##0.00'
    assert cell["Last shipment"].number_format == "yyyy-mm-dd"
    assert cell["Last shipment"].value.date().isoformat() == "2025-04-01"


def test_tiers_stopped_shipping_and_churn_lost_share_one_definition(sample_result):
    """The Tiers movement counts as "stopped shipping" exactly the customers the Churn page
    counts as lost (``is_lost`` with the churn definition's cutoff)."""
    from segmentation.churn import lost_customers
    from segmentation.tiers import TierSettings, movement_summary, tier_history

    result, view, engine = sample_result
    scores = result.scores
    lost_after = result.lost_after_days
    n_lost = int((scores["status"] == "lost").sum())
    assert n_lost > 1000
    assert lost_customers(view, lost_after)[scores.index].equals(scores["status"] == "lost")
    history = tier_history(engine, as_of=AS_OF, settings=TierSettings(), months=2,
                           lost_after_days=lost_after)
    moves = movement_summary(history)
    assert history.lost_after_days == lost_after
    assert moves.iloc[-1]["lost_total"] == n_lost
    # customers who crossed the cutoff in June: lost now, not at the end of May
    may, june = history.periods
    crossed = history.lost[june] & ~history.lost[may]
    assert moves.iloc[-1]["lost"] == int(crossed.sum()) > 0
    # the old "gone" (left the customer view) stays 0: nobody leaves the view
    assert moves.iloc[-1]["gone"] == 0
