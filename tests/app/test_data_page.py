"""The data page on the sample."""

from __future__ import annotations

from segmentation import i18n


def test_data_page_summarises_the_dataset(app, sample_workspace):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Customers"] == i18n.fmt_int(sample_workspace.n_customers, "en")
    assert metrics["Branches"] == "40"
    assert metrics["Date range"] == f"{sample_workspace.date_min} – {sample_workspace.date_max}"
    table = app.dataframe[0].value
    assert table["rows"].tolist()[0] == i18n.fmt_int(sample_workspace.rows["transactions"], "en")
    # the sample is in use: no button to go back to it
    assert not [b for b in app.button if b.key == "data_restore_sample"]
    load = app.button(key="data_load")
    assert load.disabled  # nothing uploaded yet


def test_data_page_in_chinese(app):
    app.sidebar.radio(key="_w_lang").set_value("zh").run()
    app.switch_page("pages/data.py").run()
    assert app.session_state["lang"] == "zh"
    assert not app.exception
    assert app.title[0].value == "数据管理"
    assert app.dataframe[0].value["status"].tolist()[0] == "已加载"


import io  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

BAD_HEADERS = ("client;when;total\nA1;2025-01-03;12\nA2;2025-01-05;8,5\nA3;2025-02-01;7\n"
               "A1;2025-02-03;20\nA4;2025-02-04;-2\n")


@pytest.fixture
def restore_sample(sample_workspace):
    yield
    from segmentation.workspace import Workspace, load_sample

    load_sample(Workspace())


def _selectbox(app, label: str):
    return next(s for s in app.selectbox if s.label == label)


def test_unknown_headers_are_refused_then_mapped_by_hand(app, restore_sample):
    before = app.session_state["sidebar_dataset"]
    app.switch_page("pages/data.py").run()
    app.file_uploader[0].set_value(("orders.csv", BAD_HEADERS.encode(), "text/csv"))
    app.run()
    assert not app.exception
    assert _selectbox(app, "amount (required)").value == "total"  # alias guess
    assert _selectbox(app, "customer ID (required)").value == "__ignore__"
    app.button(key="data_load").click().run()
    message = app.error[0].value.replace("\\", "")  # markdown escapes
    assert "Nothing was loaded" in message
    assert "'customer_id' was not found" in message and "'date' was not found" in message
    assert "'client'" in message  # the closest header is offered
    assert {m.label: m.value for m in app.metric}["Customers"] == i18n.fmt_int(
        sample_workspace_customers(app), "en")
    assert app.session_state["sidebar_dataset"] == before
    # the manager maps the two columns by hand and loads again
    _selectbox(app, "customer ID (required)").set_value("client")
    _selectbox(app, "date (required)").set_value("when")
    app.run()
    app.button(key="data_load").click().run()
    assert not app.exception
    assert app.success[0].value == "Loaded. Every page now uses the new data."
    metrics = {m.label: m.value for m in app.metric}
    # "8,5" is not a number (decimal comma): that row is skipped with a note
    assert metrics["Customers"] == "3" and metrics["Shipments"] == "4"
    assert metrics["Date range"] == "2025-01-03 – 2025-02-04"
    notes = app.expander[0].markdown[0].value
    assert "negative amount" in notes  # A4's refund
    assert "not a number" in notes and "8,5" in notes
    from segmentation.workspace import Workspace

    assert Workspace().current().dataset_id != before


def sample_workspace_customers(app) -> int:
    from segmentation.workspace import Workspace

    return Workspace().current().n_customers


def test_clash_when_one_column_feeds_two_fields(app):
    app.switch_page("pages/data.py").run()
    app.file_uploader[0].set_value(("orders.csv", BAD_HEADERS.encode(), "text/csv")).run()
    _selectbox(app, "customer ID (required)").set_value("client")
    _selectbox(app, "branch").set_value("client")
    app.run()
    assert "chosen for both customer ID and branch" in app.error[0].value
    assert app.button(key="data_load").disabled


def test_workbook_with_one_sheet_per_table(app, restore_sample):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        pd.DataFrame({"客户编号": ["K1", "K2", "K2"], "交易日期": ["2025-03-01"] * 3,
                      "金额": [10, 20, 30], "网点": ["西湖", "鼓楼", "鼓楼"]}).to_excel(
            writer, sheet_name="交易明细", index=False)
        pd.DataFrame({"客户编号": ["K1", "K2"], "客户类型": ["企业", "个人"],
                      "区域": ["华东", "华东"]}).to_excel(writer, sheet_name="客户资料",
                                                        index=False)
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="备注", index=False)
    app.switch_page("pages/data.py").run()
    app.radio(key="data_mode").set_value("workbook").run()
    app.file_uploader[0].set_value(("网点数据.xlsx", buffer.getvalue(),
                                    "application/vnd.ms-excel")).run()
    assert not app.exception
    assert "备注" in app.warning[0].value  # the sheet that is not a table
    app.button(key="data_load").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert table["rows"].tolist() == ["3", "2", "–", "–"]  # tables not loaded: a dash
    assert {m.label: m.value for m in app.metric}["Customers"] == "2"


def test_failed_load_message_in_chinese(app):
    app.session_state["lang"] = "zh"
    app.switch_page("pages/data.py").run()
    app.file_uploader[0].set_value(("orders.csv", b"a,b\n1,2\n", "text/csv")).run()
    app.button(key="data_load").click().run()
    message = app.error[0].value.replace("\\", "")  # markdown escapes
    assert "未导入任何数据，仍在使用之前的数据" in message
    assert "客户编号" in message
