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
    assert table["rows"].tolist()[0] == sample_workspace.rows["transactions"]
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
