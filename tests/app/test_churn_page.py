"""The churn page on the sample: definition, list, filters, languages, overview link."""

from __future__ import annotations

import pytest

from segmentation import i18n


@pytest.fixture
def churn(app):
    app.switch_page("pages/churn.py").run()
    assert not app.exception, app.exception
    return app


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _list_table(app):
    return next(df.value for df in app.dataframe if "risk_reasons" in df.value.columns)


def test_list_is_sorted_by_value_at_risk_and_filtered(churn):
    table = _list_table(churn)
    assert len(table) > 100
    assert table["value_at_risk"].is_monotonic_decreasing
    assert (table["churn_risk"] >= 0.5).all()
    assert table["risk_reasons"].str.len().gt(0).all()
    assert _metrics(churn)["Customers to call"] == i18n.fmt_int(len(table), "en")
    assert "better than simply sorting" in churn.success[0].value
    churn.slider(key="churn_f_risk").set_value(80).run()
    high = _list_table(churn)
    assert 0 < len(high) < len(table) and (high["churn_risk"] >= 0.8).all()
    churn.multiselect(key="churn_f_tier").set_value(["vip"]).run()
    vip = _list_table(churn)
    assert set(vip["tier_label"]) <= {"VIP"} and len(vip) <= len(high)


def test_horizon_changes_the_definition(churn):
    before = _metrics(churn)["Customers to call"]
    churn.button_group(key="_w_churn_h").set_value(60).run()
    assert not churn.exception, churn.exception
    assert "60 days" in churn.caption[0].value
    assert "over 60 days" in (churn.success or churn.warning)[0].value
    assert _metrics(churn)["Customers to call"] != before


def test_branch_filter_restricts_the_list(churn, sample_tables):
    branch = sorted(sample_tables["customers"]["branch"].unique())[5]
    churn.session_state["flt_branch"] = [branch]
    churn.run()
    table = _list_table(churn)
    assert len(table) > 0 and set(table["branch"]) == {branch}


def test_chinese_reasons(churn):
    churn.session_state["lang"] = "zh"
    churn.run()
    assert not churn.exception
    table = _list_table(churn)
    assert table["risk_reasons"].str.contains("[\u4e00-\u9fff]").all()
    assert not table["risk_reasons"].str.contains("shipment|days|complaint").any()
    assert "需联系的客户" in _metrics(churn)


def test_overview_shows_customers_at_risk_after_the_churn_page(churn):
    n = _metrics(churn)["Customers to call"]
    churn.switch_page("pages/overview.py").run()
    assert _metrics(churn)["Customers at risk"] == n


def test_too_little_history_is_explained(sample_workspace):
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from segmentation.workspace import Workspace, load_sample
    from tests.app.conftest import APP

    tx = pd.DataFrame({"customer_id": [f"C{i % 5}" for i in range(12)],
                       "date": pd.date_range("2025-01-01", periods=12, freq="5D"),
                       "amount": 10.0})
    Workspace().replace({"transactions": tx}, source="upload", label="tiny.csv")
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page("pages/churn.py").run()
        assert not at.exception, at.exception
        assert "cannot be learned" in at.warning[0].value
        at.session_state["lang"] = "zh"
        at.run()
        assert "无法基于当前数据学习" in at.warning[0].value
    finally:
        load_sample(Workspace())
