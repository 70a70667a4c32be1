"""The Data page connected to the local PostgreSQL / MariaDB: connect, map, use, refresh,
save, secrets; every error a person can act on, in both languages, and never the password."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.app.conftest import app_state, page_text, shown, wait_prepared
from tests.conftest import MARIADB_ENV, POSTGRES_ENV, copy_into_postgres

PASSWORD = "Tr1cky-pw:%/@s3cret"
SCHEMA = f"seg_app_{os.getpid()}"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

#: the company's own names: Chinese headers that the aliases know
TX_NAMES = {"customer_id": "客户编号", "date": "寄件日期", "amount": "金额", "branch": "网点",
            "service": "产品", "channel": "渠道"}
CU_NAMES = {"customer_id": "客户编号", "branch": "网点", "region": "区域",
            "customer_type": "客户类型"}


def _pg_url() -> sa.URL:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to connect the page to")
    return sa.make_url(url)


@pytest.fixture(scope="module")
def company_pg():
    """The sample in PostgreSQL under the company's own table and column names."""
    url = _pg_url()
    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    copy_into_postgres(url, SCHEMA, {
        "运单": tables["transactions"].rename(columns=TX_NAMES),
        "客户资料": tables["customers"].rename(columns=CU_NAMES),
        "surveys": tables["surveys"], "complaints": tables["complaints"],
        "price_text": tables["transactions"].head(300).assign(
            amount=lambda f: f["amount"].map(lambda v: f"¥{v:,.2f}")),
    })
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    engine.dispose()


@pytest.fixture
def fresh(sample_workspace):
    """Saved connections of a test do not leak into the next one."""
    from segmentation.workspace import Workspace

    path = Workspace().folder / "connections.json"
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def _open_form(at, lang: str = "en"):
    app_state(at).sidebar.lang = lang
    at.switch_page("pages/data.py").run()
    at.radio(key="data_mode").set_value("database").run()
    assert not at.exception


def _fill(at, *, driver="postgresql", host="127.0.0.1", port=None, database="test",
          user="postgres", password=PASSWORD, schema=SCHEMA):
    at.selectbox(key="db_f_driver").set_value(driver).run()
    if driver in ("sqlite", "duckdb"):
        at.text_input(key="db_f_database").set_value(database)
    else:
        at.text_input(key="db_f_host").set_value(host)
        if port is not None:
            at.number_input(key="db_f_port").set_value(port)
        at.text_input(key="db_f_database").set_value(database)
        at.text_input(key="db_f_user").set_value(user)
        at.text_input(key="db_f_password").set_value(password)
        at.text_input(key="db_f_schema").set_value(schema or "")
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, at.exception


def _first_labels(at) -> dict[str, str]:
    labels: dict[str, str] = {}
    for box in at.selectbox:
        labels.setdefault(box.label, box.value)
    return labels


def _src_key(at, table: str = "transactions") -> str:
    return f"db_src_{app_state(at).database.conn['key']}_{table}"


def _use(at):
    at.button(key="db_use").click().run()
    assert not at.exception, at.exception


def _metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def test_connect_map_and_use_matches_the_file_path(app, company_pg, fresh, caplog):
    caplog.set_level(logging.DEBUG)
    app.switch_page("pages/overview.py").run()
    from_file = _metrics(app)
    _open_form(app)
    _fill(app)
    assert "Connected to postgresql://postgres@127.0.0.1:5432/test" in shown(app.success[0].value)
    # tables and columns pre-filled from the aliases (Chinese names in the database)
    assert app.selectbox(key=_src_key(app)).value == "运单"
    labels = _first_labels(app)  # the transactions mapping comes first
    assert labels["customer ID (required)"] == "客户编号"
    assert labels["amount (required)"] == "金额" and labels["region"] == "区域"
    assert app.text_input(key="db_f_password").value == ""  # emptied once connected
    _use(app)
    assert any("Every page now reads from test @ 127.0.0.1" in shown(s.value) for s in app.success)
    data_metrics = {m.label: m.value for m in app.metric}
    assert data_metrics["Customers"] == from_file["Customers"][0]
    assert data_metrics["Shipments"] == "201,134"
    assert app.dataframe[0].value["status"].tolist() == ["read in the database"] * 4

    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert _metrics(app) == from_file  # values and deltas, the same data read in PostgreSQL
    for page in ("tiers", "clusters", "satisfaction", "churn"):
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        assert not app.error, (page, [shown(e.value) for e in app.error])

    # the SQL that runs in the database, without credentials
    app.switch_page("pages/data.py").run()
    assert app.radio(key="data_mode").value == "database"  # back on the page: still the database
    code = "\n".join(c.value for c in app.code)
    assert "GROUP BY" in code and '"运单"' in code and "寄件日期" in code
    assert PASSWORD not in page_text(app)
    assert PASSWORD not in caplog.text

    # back to the workspace data
    app.button(key="db_disconnect").click().run()
    assert not app.exception
    assert "loaded" in app.dataframe[0].value["status"].tolist()
    assert app.session_state["_app_state"].source.source_id is None


def test_refresh_brings_new_rows_and_caches_until_then(app, company_pg, fresh):
    _open_form(app)
    _fill(app)
    _use(app)
    app.switch_page("pages/overview.py").run()
    before = _metrics(app)["Shipments"][0]
    engine = sa.create_engine(company_pg)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f'INSERT INTO "{SCHEMA}"."运单" ("客户编号", "寄件日期", "金额") '
            "VALUES ('C000017', DATE '2025-06-30', 99.0), ('C000017', DATE '2025-06-29', 1.0)")
    try:
        app.switch_page("pages/overview.py").run()
        assert _metrics(app)["Shipments"][0] == before  # cached per connection and date
        app.switch_page("pages/data.py").run()
        app.button(key="db_refresh").click().run()
        assert not app.exception
        assert any("Refreshed" in shown(s.value) for s in app.success)
        assert {m.label: m.value for m in app.metric}["Shipments"] == "201,136"
        app.switch_page("pages/overview.py").run()
        shipments = int(_metrics(app)["Shipments"][0].replace(",", ""))
        assert shipments == int(before.replace(",", "")) + 2
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DELETE FROM "{SCHEMA}"."运单" WHERE "金额" IN (99.0, 1.0) '
                                 "AND \"客户编号\" = 'C000017' AND \"寄件日期\" >= '2025-06-29'")
        engine.dispose()
        app.switch_page("pages/data.py").run()
        app.button(key="db_disconnect").click().run()


def test_saved_connection_keeps_no_password_unless_asked(app, company_pg, fresh):
    _open_form(app)
    _fill(app)
    save = next(c for c in app.checkbox if c.key.startswith("db_save_"))
    save.check().run()
    next(t for t in app.text_input if t.key.startswith("db_save_name_")).set_value(
        "HQ shipments").run()
    _use(app)
    stored = json.loads(fresh.read_text(encoding="utf-8"))
    assert PASSWORD not in fresh.read_text(encoding="utf-8")
    assert stored["HQ shipments"]["spec"]["user"] == "postgres"
    assert stored["HQ shipments"]["mapping"]["transactions"]["table"] == "运单"
    assert any("Saved as “HQ shipments”" in shown(c.value) for c in app.caption)
    # offered on the page, the form filled from it
    app.radio(key="data_mode").set_value("database").run()
    app.selectbox(key="db_pick").set_value("saved:HQ shipments").run()
    assert app.text_input(key="db_f_host").value == "127.0.0.1"
    assert app.text_input(key="db_f_schema").value == SCHEMA
    assert app.text_input(key="db_f_password").value == ""
    app.switch_page("pages/data.py").run()
    app.button(key="db_disconnect").click().run()

    # remembering the password is a choice
    _open_form(app)
    app.selectbox(key="db_pick").set_value("new").run()
    _fill(app)
    next(c for c in app.checkbox if c.key.startswith("db_save_")).check().run()
    next(t for t in app.text_input if t.key.startswith("db_save_name_")).set_value("kept").run()
    next(c for c in app.checkbox if c.key.startswith("db_keep_")).check().run()
    _use(app)
    assert json.loads(fresh.read_text(encoding="utf-8"))["kept"]["spec"]["password"] == PASSWORD
    assert PASSWORD not in page_text(app)
    app.button(key="db_disconnect").click().run()


def test_secrets_connection_in_the_sidebar(company_pg, fresh, sample_workspace):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    url = company_pg.set(password=PASSWORD)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["connections"] = {"ops": {"url": url.render_as_string(hide_password=False),
                                         "schema": SCHEMA}}
    at.run()
    picker = at.sidebar.selectbox(key="side_source")
    assert picker.options == ["Workspace data (Sample branch network)", "ops (from secrets.toml)"]
    picker.set_value("secrets:ops").run()
    assert not at.exception, at.exception
    assert at.session_state["_app_state"].source.ref["origin"] == "secrets"
    at.switch_page("pages/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Customers"] == i18n_int(
        sample_workspace.n_customers)
    assert PASSWORD not in page_text(at)
    at.switch_page("pages/data.py").run()
    assert "Connected database **ops** (postgresql://postgres@127.0.0.1:5432/test)" in \
        shown(at.info[0].value)
    assert PASSWORD not in page_text(at)
    at.button(key="db_disconnect").click().run()
    assert at.session_state["_app_state"].source.source_id is None


def i18n_int(n: int) -> str:
    from segmentation import formatting

    return formatting.number(n, "en")


# --- errors a person can act on ---------------------------------------------------------------


def _error_text(at) -> str:
    return "\n".join(shown(e.value) for e in at.error)


def test_unreachable_host(app, fresh):
    _open_form(app)
    _fill(app, port=1, schema="")
    text = _error_text(app)
    assert "Cannot reach the database server postgresql://postgres@127.0.0.1:1/test" in text
    assert "firewall" in text and PASSWORD not in page_text(app)
    _open_form(app, "zh")
    _fill(app, port=1, schema="")
    assert "无法连接数据库服务器" in _error_text(app)


def test_unknown_database(app, company_pg, fresh):
    _open_form(app, "zh")
    _fill(app, database="no_such_db_here", schema="")
    text = _error_text(app)
    assert "上不存在数据库“no_such_db_here”" in text and PASSWORD not in page_text(app)
    _open_form(app)
    _fill(app, database="no_such_db_here", schema="")
    assert "The database “no_such_db_here” does not exist" in _error_text(app)


@pytest.fixture(scope="module")
def maria_user():
    url = os.environ.get(MARIADB_ENV)
    if not url:
        pytest.skip(f"{MARIADB_ENV} is not set: no MariaDB to log in to")
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql("DROP USER IF EXISTS 'seg_pw'@'%%'")
        conn.exec_driver_sql("CREATE USER 'seg_pw'@'%%' IDENTIFIED BY 'the-right-one'")
    yield sa.make_url(url)
    with admin.begin() as conn:
        conn.exec_driver_sql("DROP USER IF EXISTS 'seg_pw'@'%%'")
    admin.dispose()


def test_wrong_password(app, maria_user, fresh, caplog):
    caplog.set_level(logging.DEBUG)
    _open_form(app)
    _fill(app, driver="mariadb", port=maria_user.port or 3306, database="test", user="seg_pw",
          schema="")
    text = _error_text(app)
    assert "refused the login of user “seg_pw”" in text and "wrong user name or password" in text
    assert PASSWORD not in page_text(app) and PASSWORD not in caplog.text
    _open_form(app, "zh")
    _fill(app, driver="mariadb", port=maria_user.port or 3306, database="test", user="seg_pw",
          schema="")
    assert "拒绝了用户“seg_pw”的登录" in _error_text(app)
    assert PASSWORD not in page_text(app)


@pytest.fixture
def pg_reader(company_pg, read_only_login):
    """A login that may only read the company schema: custom SELECTs are refused for the
    superuser the other tests connect with."""
    from segmentation.connections import ConnectionSpec

    return read_only_login(ConnectionSpec.from_url(company_pg, schema=SCHEMA))


def test_missing_table_in_a_select(app, pg_reader, fresh):
    _open_form(app)
    _fill(app, user=pg_reader.user, password=pg_reader.password)
    key = _src_key(app)
    app.selectbox(key=key).set_value("__query__").run()
    sql_key = key.replace("db_src_", "db_sql_")
    app.text_area(key=sql_key).input("SELECT * FROM orders_2019").run()
    text = _error_text(app)
    assert "not a table or view of the connected schema" in text and "orders_2019" in text
    assert app.button(key="db_use").disabled
    app.text_area(key=sql_key).input("DELETE FROM 运单").run()
    assert "Only one plain SELECT" in _error_text(app)
    app.text_area(key=sql_key).input(
        'SELECT "客户编号" AS cid, "寄件日期" AS day, "金额" AS amt FROM "运单" '
        "WHERE \"金额\" > 0").run()
    assert not app.error
    labels = _first_labels(app)
    assert labels["customer ID (required)"] == "__ignore__"  # "cid" is no known alias
    from ui.db_page import _short

    sql = app.text_area(key=sql_key).value
    conn_key = app_state(app).database.conn["key"]
    prefix = f"db_map_{conn_key}_transactions_{_short('__query__' + sql)}"
    for field, column in (("customer_id", "cid"), ("date", "day"), ("amount", "amt")):
        app.selectbox(key=f"{prefix}_{field}").set_value(column).run()
    _use(app)
    assert any("Every page now reads from" in shown(s.value) for s in app.success)
    app.button(key="db_disconnect").click().run()


def test_column_of_the_wrong_type(app, company_pg, fresh):
    _open_form(app, "zh")
    _fill(app)
    key = _src_key(app)
    app.selectbox(key=key).set_value("price_text").run()
    for other in ("customers", "surveys", "complaints"):
        app.selectbox(key=key.replace("transactions", other)).set_value("__none__").run()
    _use(app)
    text = _error_text(app)
    assert "列“amount”" in text and "文本" in text and "数字" in text
    assert "CAST(amount AS DECIMAL(18, 2))" in text
    assert app.session_state["_app_state"].source.source_id is None  # workspace data in use


def test_timeout_is_explained(app, pg_reader, fresh, monkeypatch):
    from ui import source as sources
    from ui.caches import database

    monkeypatch.setattr(sources, "STATEMENT_TIMEOUT_S", 0.5)  # read by open_source_engine
    database.engine.clear()
    try:
        _open_form(app)
        _fill(app, user=pg_reader.user, password=pg_reader.password)
        key = _src_key(app)
        app.selectbox(key=key).set_value("__query__").run()
        app.text_area(key=key.replace("db_src_", "db_sql_")).input(  # a slow cross join
            'SELECT a."客户编号", a."寄件日期", a."金额" FROM "运单" a, "运单" b '
            'WHERE a."金额" + b."金额" < -1e9'
        ).run()
        text = _error_text(app)
        assert "took longer than the time limit and was stopped" in text
        assert "index" in text and PASSWORD not in page_text(app)
    finally:
        database.engine.clear()


def test_raw_rows_above_the_limit_are_not_read(app, company_pg, fresh, monkeypatch):
    from segmentation.database import checks  # where the limit is read

    _open_form(app)
    _fill(app)
    _use(app)
    monkeypatch.setattr(checks, "RAW_ROW_LIMIT", 1000)
    app.button(key="db_refresh").click().run()  # fresh caches: earlier tests read this data
    app.switch_page("pages/satisfaction.py").run()
    assert not app.exception
    # survey rows are raw events; customers (one row each, like the view) are not limited
    assert "The surveys source has 8,277 rows" in _error_text(app)
    assert "customers" not in _error_text(app)
    assert "Write a SELECT" in _error_text(app)
    app.switch_page("pages/overview.py").run()  # aggregated pages are not affected
    assert not app.error and not app.exception
    app.switch_page("pages/data.py").run()
    app.button(key="db_disconnect").click().run()


@pytest.mark.parametrize("driver", ["sqlite", "duckdb"])
def test_database_files(app, driver, tmp_path, fresh):
    """SQLite and DuckDB files through the same form give the same overview as the workspace."""
    from tests.conftest import write_tables

    app.switch_page("pages/overview.py")
    wait_prepared(app)  # the at-risk count, once the default scores are stored
    from_workspace = _metrics(app)
    path = tmp_path / f"company.{driver}"
    engine = sa.create_engine(f"{driver}:///{path}")
    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    write_tables(engine, {"运单": tables["transactions"].rename(columns=TX_NAMES),
                          "客户资料": tables["customers"].rename(columns=CU_NAMES),
                          "surveys": tables["surveys"], "complaints": tables["complaints"]})
    engine.dispose()
    _open_form(app)
    _fill(app, driver=driver, database=str(path))
    assert f"Connected to {driver}:///{path}: 4 tables and views." in shown(app.success[0].value)
    _use(app)
    app.switch_page("pages/overview.py").run()
    wait_prepared(app)
    assert not app.exception
    assert _metrics(app) == from_workspace
    app.switch_page("pages/data.py").run()
    app.button(key="db_disconnect").click().run()


# --- issue 13: the holes a connected database opened ------------------------------------------


def _save_with_password(app, name: str = "kept") -> None:
    _open_form(app)
    app.selectbox(key="db_pick").set_value("new").run()
    _fill(app)
    next(c for c in app.checkbox if c.key.startswith("db_save_")).check().run()
    next(t for t in app.text_input if t.key.startswith("db_save_name_")).set_value(name).run()
    next(c for c in app.checkbox if c.key.startswith("db_keep_")).check().run()
    _use(app)
    app.button(key="db_disconnect").click().run()


@pytest.mark.parametrize("field, value", [("db_f_host", "localhost"), ("db_f_user", "other"),
                                          ("db_f_database", "postgres")],
                         ids=["host", "user", "database"])
def test_a_saved_password_is_never_sent_to_another_target(app, company_pg, fresh, monkeypatch,
                                                          field, value):
    import ui.db_page

    _save_with_password(app)
    sent: list = []
    real = ui.db_page.check_connection
    monkeypatch.setattr(ui.db_page, "check_connection",
                        lambda spec, **kw: sent.append(spec) or real(spec, **kw))
    _open_form(app)
    app.selectbox(key="db_pick").set_value("saved:kept").run()
    assert any("only used with this server" in shown(c.value) for c in app.caption)
    app.text_input(key=field).set_value(value)
    next(b for b in app.button if b.proto.is_form_submitter).click().run()
    assert not app.exception
    assert sent == []  # nothing was sent anywhere
    text = _error_text(app)
    assert "The saved password of “kept” is only sent to postgresql://postgres@127.0.0.1:5432/" \
           "test" in text and "enter the password again" in text
    # typed again, it connects; unchanged, the saved one is used
    app.text_input(key="db_f_password").set_value("typed-again")
    next(b for b in app.button if b.proto.is_form_submitter).click().run()
    assert sent and sent[-1].password == "typed-again"
    app.selectbox(key="db_pick").set_value("new").run()
    app.selectbox(key="db_pick").set_value("saved:kept").run()
    next(b for b in app.button if b.proto.is_form_submitter).click().run()
    assert sent[-1].password == PASSWORD and sent[-1].host == "127.0.0.1"
    assert PASSWORD not in page_text(app)


def test_the_password_message_in_chinese(app, company_pg, fresh):
    _save_with_password(app)
    _open_form(app, "zh")
    app.selectbox(key="db_pick").set_value("saved:kept").run()
    app.text_input(key="db_f_host").set_value("localhost")
    next(b for b in app.button if b.proto.is_form_submitter).click().run()
    assert "请重新输入密码" in _error_text(app)


def _widget_keys(at) -> set[str]:
    """The keys of every widget on the page (what Streamlit sends to the browser as ids)."""
    out: set[str] = set()

    def walk(node) -> None:
        key = getattr(node, "key", None)
        if isinstance(key, str):
            out.add(key)
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "id", ""):
            out.add(proto.id)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def test_widget_keys_do_not_depend_on_the_password(app, company_pg, fresh):
    import hashlib

    keys = []
    for password in (PASSWORD, "another-password"):  # trust auth: both connect
        _open_form(app)
        app.selectbox(key="db_pick").set_value("new").run()
        _fill(app, password=password)
        assert app_state(app).database.conn["spec"].password == password
        keys.append(_widget_keys(app))
        spec = app_state(app).database.conn["spec"]
        old = hashlib.sha256((repr(spec) + password).encode()).hexdigest()[:8]
        assert not any(old in k for k in keys[-1])
    assert keys[0] == keys[1]
    assert any(k.startswith("db_src_") for k in keys[0])


def test_custom_selects_are_refused_for_a_superuser_and_offered_to_hq_only(app, company_pg,
                                                                          fresh):
    _open_form(app)
    _fill(app)
    key = _src_key(app)
    app.selectbox(key=key).set_value("__query__").run()
    app.text_area(key=key.replace("db_src_", "db_sql_")).input(
        'SELECT 1 AS a$$$, 1 # 0 AS b, "客户编号" AS x, 2 AS c$$$ FROM "运单"').run()
    text = _error_text(app)
    assert "Custom SELECTs are refused for the database user “postgres”" in text
    assert "CREATE ROLE dashboard_reader" in text and "SUPERUSER" in text
    assert app.button(key="db_use").disabled
    app_state(app).sidebar.lang = "zh"
    app.run()
    assert "不能使用自定义 SELECT" in _error_text(app) and "dashboard_reader" in _error_text(app)
    from segmentation.access import Role, User

    assert "编写 SELECT…" in app.selectbox(key=key).options  # open mode: an HQ analyst
    app_state(app).auth.user = User("li", Role.BRANCH, branch="华东-上海浦东网点")
    app.run()
    assert not app.exception, app.exception
    assert "编写 SELECT…" not in app.selectbox(key=key).options
    assert "运单" in app.selectbox(key=key).options  # tables are still offered


def test_a_superuser_connection_is_warned_about(app, company_pg, fresh):
    _open_form(app)
    _fill(app)
    warnings = "\n".join(shown(w.value) for w in app.warning)
    assert "the user “postgres” is a database superuser" in warnings
    assert "may change data or tables" in warnings
    _use(app)
    app.switch_page("pages/data.py").run()  # the connected source keeps saying it
    assert any("database superuser" in shown(w.value) for w in app.warning)
    app_state(app).sidebar.lang = "zh"
    app.run()
    assert any("超级用户" in shown(w.value) for w in app.warning)
    app.button(key="db_disconnect").click().run()


@pytest.mark.parametrize("path, text", [
    ("/proc/self/environ", "is a system path (/proc, /dev, /sys)"),
    ("/proc/self/fd/7", "is a system path"),
    ("/etc/passwd", "is outside the folders this app may open database files from"),
], ids=["environ", "fd", "passwd"])
def test_database_files_outside_the_allowed_folders_are_refused(app, fresh, path, text):
    _open_form(app)
    _fill(app, driver="duckdb", database=path)
    assert text in _error_text(app)
    assert app_state(app).database.conn is None
    _open_form(app, "zh")
    _fill(app, driver="duckdb", database=path)
    assert "系统路径" in _error_text(app) or "不在本应用允许" in _error_text(app)


def test_allowed_folders_come_from_secrets(fresh, sample_workspace, tmp_path, monkeypatch):
    import duckdb
    from streamlit.testing.v1 import AppTest

    from segmentation.connections import DB_FOLDERS_ENV
    from tests.app.conftest import APP

    monkeypatch.delenv(DB_FOLDERS_ENV)
    path = tmp_path / "company.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders AS SELECT 'a' AS customer_id")
    con.close()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _open_form(at)
    _fill(at, driver="duckdb", database=str(path))
    assert "no folder is allowed for them" in _error_text(at)
    assert "[database] allowed_folders in .streamlit/secrets.toml" in _error_text(at)

    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["database"] = {"allowed_folders": [str(tmp_path)]}
    at.run()
    _open_form(at)
    _fill(at, driver="duckdb", database=str(path))
    assert not at.error
    assert f"Connected to duckdb:///{path}: 1 tables and views." in shown(at.success[0].value)
    # a user SELECT still cannot read the secrets
    at.selectbox(key=_src_key(at)).set_value("__query__").run()
    sql_key = next(t.key for t in at.text_area if t.key.startswith("db_sql_"))
    at.text_area(key=sql_key).set_value(
        "SELECT content AS customer_id FROM read_text('.streamlit/secrets.toml')").run()
    assert "calls read_text(), which this app does not allow" in _error_text(at)


def test_a_saved_connection_with_an_injected_schema_is_refused(app, fresh):
    """A connections.json written by an older version (or by hand) cannot smuggle options."""
    fresh.write_text(json.dumps({"old": {"spec": {
        "driver": "postgresql", "host": "127.0.0.1", "database": "test", "user": "postgres",
        "schema": "s\t-c\tdefault_transaction_read_only=off"}, "mapping": {}}}),
        encoding="utf-8")
    _open_form(app)
    app.selectbox(key="db_pick").set_value("saved:old").run()
    assert not app.exception
    assert "is not a valid schema name" in _error_text(app)
    assert app_state(app).database.conn is None


def test_the_file_form_names_the_allowed_folders(app, fresh, monkeypatch, tmp_path):
    from segmentation.connections import DB_FOLDERS_ENV

    monkeypatch.setenv(DB_FOLDERS_ENV, str(tmp_path))
    _open_form(app)
    app.selectbox(key="db_f_driver").set_value("duckdb").run()
    assert any(f"Files are opened only from: `{tmp_path.resolve()}`" in c.value
               for c in app.caption)
    monkeypatch.delenv(DB_FOLDERS_ENV)
    app_state(app).sidebar.lang = "zh"
    app.run()
    assert any("尚未允许任何存放数据库文件的文件夹" in shown(c.value) for c in app.caption)
    app_state(app).sidebar.lang = "en"
    app.run()
    assert any("No folder is allowed for database files yet" in shown(c.value) for c in app.caption)


def test_the_workspace_files_cannot_be_connected(app, fresh, sample_workspace):
    """The workspace lies inside the allowed test folders, and is refused all the same."""
    from segmentation.workspace import Workspace

    files = sorted(Workspace().folder.rglob("*.duckdb"))
    assert files
    _open_form(app)
    _fill(app, driver="duckdb", database=str(files[0]))
    assert "is inside the app's own workspace folder" in _error_text(app)
    assert app_state(app).database.conn is None
