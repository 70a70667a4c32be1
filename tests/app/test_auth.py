"""Sign-in, roles in the UI and the audit trail, through the real app (AppTest)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from segmentation.access import Role, User
from segmentation.audit import AUDIT_FILE, AuditLog
from segmentation.users import FAILURES_FILE, USERS_FILE, UserStore
from tests.app.conftest import app_state, shown

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
BRANCH = "华东-上海浦东网点"


@pytest.fixture(autouse=True)
def server_like_page_routing(monkeypatch):
    """Run ``app.py`` on every run, as a live server does.

    AppTest forgets between runs that ``st.navigation`` has run, and then runs the
    page of the last URL alone, without ``app.py`` (Streamlit's pages-folder mode); a
    server switches that mode off for good at its first ``st.navigation``. Tests that
    check the frame (sign-in, sidebar) need the server's behaviour;
    ``test_a_page_run_alone_draws_nothing_for_nobody`` checks the other path.
    """
    from types import SimpleNamespace

    from streamlit.runtime.scriptrunner import script_runner

    monkeypatch.setattr(script_runner, "PagesManager",
                        SimpleNamespace(uses_pages_directory=False))


@pytest.fixture
def folder(sample_workspace) -> Path:
    from segmentation.workspace import default_folder

    return default_folder()


@pytest.fixture
def users(folder):
    """HQ, a branch manager and a viewer in the app's workspace; removed afterwards, so
    the other page tests keep running open."""
    store = UserStore(folder, hasher=FAST)
    store.add("wang", role="hq", password="hq-password-1", display_name="王分析",
              email="wang@example.com")
    store.add("li", role="branch", branch=BRANCH, password="branch-pass-1")
    store.add("zhao", role="viewer", password="viewer-pass-1")
    (folder / AUDIT_FILE).unlink(missing_ok=True)
    yield store
    for name in (USERS_FILE, FAILURES_FILE, AUDIT_FILE):
        (folder / name).unlink(missing_ok=True)


def new_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at, name: str, password: str):
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    return at


def as_user(at, user: User):
    """Sign in without the form (the form itself is tested below)."""
    app_state(at).auth.user = user
    app_state(at).auth.last_seen = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(elements) -> list[str]:
    return [shown(e.value) for e in elements]


def _actions(folder) -> list[tuple[str, str]]:
    return [(r["action"], r["user"]) for r in AuditLog(folder).records()]


# --------------------------------------------------------------------------- open mode


def test_open_mode_shows_the_banner(app):
    # drawn by app.py above the page (AppTest keeps elements drawn before st.navigation only
    # on the first page; tests/browser/test_auth.py sees it on several pages)
    banner = [m for m in _texts(app.markdown) if "Open mode:" in m]
    assert banner and "anyone who opens this app sees all data" in banner[0]
    assert "python -m segmentation users add NAME --role hq" in banner[0]
    assert not [b for b in app.button if b.key == "auth_sign_out"]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    app_state(at).sidebar.lang = "zh"
    at.run()
    assert any("开放模式" in m and "任何打开本应用的人都能看到全部数据" in m
               for m in _texts(at.markdown))


# --------------------------------------------------------------------------- the form


def test_sign_in_page_when_users_exist(users):
    at = new_app()
    assert at.title[0].value == "Sign in"
    assert not [m for m in _texts(at.markdown) if "Open mode" in m]
    assert not at.metric  # no page drew data
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert at.title[0].value == "登录"
    assert at.text_input(key="auth_name").label == "用户名"


def test_wrong_then_right_password(users, folder):
    at = new_app()
    sign_in(at, "wang", "not-the-password")
    assert _texts(at.error) == ["Wrong user name or password."]
    assert at.text_input(key="auth_password").value == ""  # the typed password is dropped
    sign_in(at, "WANG", "hq-password-1")
    assert not at.error
    box = _texts(at.sidebar.markdown)
    assert "Signed in as **王分析** · HQ analyst" in box
    assert at.button(key="auth_sign_out").label == "Sign out"
    assert at.metric  # the overview is drawn
    assert _actions(folder) == [("sign_in_failed", "wang"), ("sign_in", "wang")]
    assert "hq-password-1" not in (folder / AUDIT_FILE).read_text()
    assert "not-the-password" not in (folder / AUDIT_FILE).read_text()


def test_empty_form_asks_for_both_fields(users):
    at = new_app()
    at.button(key="auth_submit").click().run()
    assert _texts(at.error) == ["Enter your user name and password."]


def test_five_wrong_passwords_are_throttled(users, folder):
    at = new_app()
    for i in range(5):
        sign_in(at, "li", f"wrong-password-{i}")
    error = shown(at.error[0].value)
    assert error.startswith("Too many failed sign-ins. Try again after ")
    assert error.endswith("UTC (in 15 min).")
    sign_in(at, "li", "branch-pass-1")  # the right password is refused while locked
    assert shown(at.error[0].value).startswith("Too many failed sign-ins.")
    assert at.title[0].value == "Sign in"
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert shown(at.error[0].value).startswith("登录失败次数过多。请在 UTC ")
    # a second browser session (another AppTest) is locked too: the count is shared
    other = new_app()
    sign_in(other, "li", "branch-pass-1")
    assert shown(other.error[0].value).startswith("Too many failed sign-ins.")
    assert [a for a, _ in _actions(folder)].count("sign_in_failed") == 7


def test_sign_out(users, folder):
    at = sign_in(new_app(), "li", "branch-pass-1")
    assert "Signed in as **li** · Branch manager" in _texts(at.sidebar.markdown)
    assert f"Branch: {BRANCH}" in _texts(at.sidebar.caption)
    at.button(key="auth_sign_out").click().run()
    assert at.title[0].value == "Sign in"
    assert "You are signed out." in _texts(at.info)
    assert _actions(folder)[-1] == ("sign_out", "li")


def test_idle_session_is_signed_out_with_a_message(users, folder):
    at = sign_in(new_app(), "li", "branch-pass-1")
    app_state(at).auth.last_seen = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Sign in"
    assert ("You were signed out after 30 minutes without activity. Sign in again."
            in _texts(at.info))
    assert AuditLog(folder).records()[-1]["details"] == {"reason": "idle"}
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert "您已超过 30 分钟未操作，已自动退出。请重新登录。" in _texts(at.info)


def test_disabled_account_is_signed_out_at_the_next_run(users):
    at = sign_in(new_app(), "li", "branch-pass-1")
    users.disable("li")
    at.run()
    assert at.title[0].value == "Sign in"
    assert "Your account was disabled or removed; you were signed out." in _texts(at.warning)


def test_role_change_applies_to_a_signed_in_session(users):
    at = sign_in(new_app(), "li", "branch-pass-1")
    users.set_role("li", "hq")
    at.run()
    assert "Signed in as **li** · HQ analyst" in _texts(at.sidebar.markdown)


def test_a_tampered_session_value_is_not_a_user(users):
    at = new_app()
    app_state(at).auth.user = "wang"  # not a User object
    at.run()
    assert at.title[0].value == "Sign in" and not at.metric


def test_a_page_run_alone_draws_nothing_for_nobody(users, monkeypatch):
    """The pages-folder path (a page run without ``app.py``) fails closed too."""
    monkeypatch.undo()  # AppTest's own routing: the second run runs pages/overview.py alone
    at = new_app()
    assert at.title[0].value == "Sign in"
    at.run()
    assert not at.exception
    assert not at.metric and not at.dataframe


def test_pages_draw_nothing_for_nobody_when_sign_in_is_required(users):
    """``identity.current_user`` fails closed outside the app.py gate."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui import identity

        user = identity.current_user()
        st.write(f"drawn for {user.name}")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert not [m for m in _texts(at.markdown) if m.startswith("drawn")]


# --------------------------------------------------------------------------- roles


def _demote(users, name: str) -> None:
    """Make ``name`` a branch manager between two runs: the controls drawn for HQ are still
    on screen (enabled), like a crafted request pressing a disabled button."""
    users.set_role(name, "branch", branch=BRANCH)


def test_branch_manager_sees_load_controls_disabled(users):
    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/data.py").run()
    reason = "Only HQ analysts may replace the dataset (you are signed in as Branch manager)."
    assert reason in _texts(at.info)
    assert at.file_uploader[0].disabled
    load = at.button(key="data_load")
    assert load.disabled and load.help == reason
    assert not [e for e in at.expander if e.label == "Audit log"]  # HQ only


@pytest.fixture
def keep_dataset(sample_workspace):
    """Put the sample back if a test did replace it (so a failure does not spread)."""
    from segmentation.workspace import Workspace, load_sample

    before = Workspace().current().dataset_id
    yield before
    if Workspace().current().dataset_id != before:
        load_sample(Workspace())


def test_branch_manager_cannot_load_data_even_with_the_button_pressed(users, folder,
                                                                      keep_dataset):
    from segmentation.workspace import Workspace

    before = keep_dataset
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    csv = "customer_id,date,amount\nA1,2025-01-03,12\nA2,2025-01-05,8\n"
    at.file_uploader[0].set_value(("orders.csv", csv.encode(), "text/csv")).run()
    assert not at.button(key="data_load").disabled
    _demote(users, "wang")
    at.button(key="data_load").click().run()
    assert not at.exception, at.exception
    assert Workspace().current().dataset_id == before
    assert not [a for a, _ in _actions(folder) if a == "load"]


def test_branch_manager_sees_connect_controls_disabled(users):
    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/data.py").run()
    at.radio(key="data_mode").set_value("database").run()
    assert not at.exception
    reason = ("Only HQ analysts may connect or save database connections (you are signed in "
              "as Branch manager).")
    assert reason in _texts(at.info)
    connect = next(b for b in at.button if b.label == "Connect")
    assert connect.disabled and connect.help == reason


def test_branch_manager_cannot_change_the_default_preset(users, folder):
    from segmentation.presets import PresetStore
    from segmentation.workspace import Workspace

    store = PresetStore.for_workspace(Workspace())
    default_before = store.default()
    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/tiers.py").run()
    at.text_input(key="tiers_preset_name").input("mine").run()
    at.button(key="tiers_preset_save").click().run()  # a named preset: allowed
    assert "mine" in store.list()
    assert ("preset_saved", "li") in _actions(folder)
    at.selectbox(key="tiers_preset_pick").set_value("mine").run()
    button = at.button(key="tiers_preset_default")
    assert button.disabled and button.help == (
        "Only HQ analysts may change the default preset or delete presets (you are signed in "
        "as Branch manager).")
    # drawn for HQ, pressed after the demotion
    users.set_role("li", "hq")
    at.run()
    assert not at.button(key="tiers_preset_default").disabled
    _demote(users, "li")
    at.button(key="tiers_preset_default").click().run()
    assert store.default() == default_before
    users.set_role("li", "hq")
    at.run()
    _demote(users, "li")
    at.button(key="tiers_preset_delete").click().run()
    assert "mine" in store.list()
    store.delete("mine")


def test_branch_manager_cannot_rename_personas(users, folder):
    from segmentation.workspace import Workspace

    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/clusters.py").run()
    assert not at.exception, at.exception
    save = at.button(key="clusters_names_save")
    assert save.disabled
    assert save.help == ("Only HQ analysts may rename personas (you are signed in as "
                         "Branch manager).")
    users.set_role("li", "hq")
    at.run()
    at.text_input(key="clusters_name_0").input("My own name")
    _demote(users, "li")
    at.button(key="clusters_names_save").click().run()
    assert not at.exception
    personas = Workspace().folder / "personas"
    stored = [p.read_text() for p in personas.glob("*.json")] if personas.exists() else []
    assert not [text for text in stored if "My own name" in text]
    assert not [a for a, _ in _actions(folder) if a == "persona_changed"]


def test_hq_renames_personas_and_it_is_recorded(users, folder):
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/clusters.py").run()
    at.text_input(key="clusters_name_0").input("Big senders")
    at.button(key="clusters_names_save").click().run()
    assert not at.exception
    assert ("persona_changed", "wang") in _actions(folder)
    assert AuditLog(folder).records()[-1]["details"]["renamed"] == 1
    at.button(key="clusters_names_reset").click().run()
    assert [a for a, _ in _actions(folder)].count("persona_changed") == 2


def test_hq_sees_the_audit_log_newest_first(users, folder):
    at = sign_in(new_app(), "wang", "hq-password-1")
    at.switch_page("pages/data.py").run()
    expander = next(e for e in at.expander if e.label == "Audit log")
    table = next(d.value for d in expander.dataframe)
    assert list(table.columns) == ["time", "user", "role", "action", "details"]
    assert table["action"].iloc[0] == "signed in" and table["user"].iloc[0] == "wang"
    download = next(b for b in expander.get("download_button"))
    assert download.proto.label == "Download the audit log (CSV)"


def test_hq_controls_are_enabled(users):
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    assert not at.file_uploader[0].disabled
    assert not [i for i in _texts(at.info) if "Only HQ analysts" in i]


# --------------------------------------------------------------------------- OIDC


def _oidc_app(user_info: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "id",
                          "client_secret": "s",
                          "server_metadata_url": "https://id.example.com/.well-known/x"}
    at.user = user_info
    at.run()
    assert not at.exception, at.exception
    return at


def test_oidc_maps_the_email_to_the_local_user(users, folder):
    at = _oidc_app({"is_logged_in": True, "email": "Wang@Example.com"})
    assert "Signed in as **王分析** · HQ analyst" in _texts(at.sidebar.markdown)
    assert _actions(folder)[-1] == ("sign_in", "wang")
    assert AuditLog(folder).records()[-1]["details"] == {"method": "oidc"}


def test_oidc_refuses_an_unknown_email(users, folder):
    at = _oidc_app({"is_logged_in": True, "email": "stranger@example.com"})
    assert shown(at.error[0].value).startswith(
        "The account stranger@example.com is not registered for this dashboard.")
    assert not at.metric
    assert _actions(folder)[-1] == ("sign_in_failed", "stranger@example.com")


def test_oidc_refuses_an_unverified_email(users):
    at = _oidc_app({"is_logged_in": True, "email": "wang@example.com",
                    "email_verified": False})
    assert "has not verified the e-mail wang@example.com" in shown(at.error[0].value)


def test_oidc_shows_the_login_button_before_sign_in(users):
    at = _oidc_app({"is_logged_in": False})
    assert at.button(key="auth_login_default").label == "Sign in with your company account"
    assert not [t for t in at.text_input if t.key == "auth_password"]  # no local form


# --------------------------------------------------------------------------- exports


def test_an_export_is_recorded_when_the_file_is_fetched(tmp_path):
    from ui.auth import audited

    log = AuditLog(tmp_path)
    produce = audited(lambda: b"a,b\n", log=log, user=User("li", Role.BRANCH, branch="A"),
                      what="tiers.csv", rows=lambda: 12)
    assert log.records() == []  # nothing until the browser asks for the file
    assert produce() == b"a,b\n"
    record = log.records()[0]
    assert (record["action"], record["user"], record["details"]) == (
        "export", "li", {"what": "tiers.csv", "rows": 12})
    audited(b"{}", log=log, user=User("li", Role.BRANCH, branch="A"), what="p.json")()
    assert log.records()[1]["details"] == {"what": "p.json"}


# --------------------------------------------------------------------------- loads, connections


def test_a_load_is_recorded(users, folder, keep_dataset):
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    csv = "customer_id,date,amount\nA1,2025-01-03,12\nA2,2025-01-05,8\nA1,2025-02-03,20\n"
    at.file_uploader[0].set_value(("orders.csv", csv.encode(), "text/csv")).run()
    at.button(key="data_load").click().run()
    assert not at.exception, at.exception
    record = AuditLog(folder).records()[-1]
    assert (record["action"], record["user"]) == ("load", "wang")
    assert record["details"] == {"source": "upload", "what": "orders.csv", "rows": 3,
                                 "customers": 2}


@pytest.fixture
def demo_pg():
    """A one-table company database in PostgreSQL (schema ``auth_demo``)."""
    import os

    import sqlalchemy as sa

    url = os.environ.get("SEG_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SEG_TEST_POSTGRES_URL is not set: no PostgreSQL to connect to")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS auth_demo CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA auth_demo")
        conn.exec_driver_sql("CREATE TABLE auth_demo.transactions (customer_id text, "
                             "date date, amount numeric)")
        conn.exec_driver_sql("INSERT INTO auth_demo.transactions VALUES ('A1', '2025-01-03', "
                             "12), ('A2', '2025-01-05', 8)")
    yield sa.make_url(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS auth_demo CASCADE")
    engine.dispose()


def test_a_sidebar_connection_is_recorded(users, folder, demo_pg):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["connections"] = {"ops": {"url": demo_pg.render_as_string(hide_password=False),
                                         "schema": "auth_demo"}}
    app_state(at).auth.user = users.user("li")  # any role may pick a source
    app_state(at).auth.last_seen = time.time()
    at.run()
    at.sidebar.selectbox(key="side_source").set_value("secrets:ops").run()
    assert not at.exception, at.exception
    record = AuditLog(folder).records()[-1]
    assert (record["action"], record["user"]) == ("connect", "li")
    assert record["details"] == {
        "target": f"postgresql://{demo_pg.username}@{demo_pg.host}:{demo_pg.port or 5432}/"
                  f"{demo_pg.database}", "name": "ops", "origin": "secrets", "via": "sidebar"}
    at.sidebar.selectbox(key="side_source").set_value("workspace").run()


def test_a_connection_is_recorded_without_its_password(users, folder, demo_pg):
    target = demo_pg
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    at.radio(key="data_mode").set_value("database").run()
    at.selectbox(key="db_f_driver").set_value("postgresql").run()
    at.text_input(key="db_f_host").set_value(target.host)
    at.number_input(key="db_f_port").set_value(target.port or 5432)
    at.text_input(key="db_f_database").set_value(target.database)
    at.text_input(key="db_f_user").set_value(target.username)
    at.text_input(key="db_f_password").set_value("secret-pw-1")
    at.text_input(key="db_f_schema").set_value("auth_demo")
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, at.exception
    at.button(key="db_use").click().run()
    assert not at.exception, at.exception
    record = AuditLog(folder).records()[-1]
    assert (record["action"], record["user"]) == ("connect", "wang")
    assert record["details"]["target"] == (f"postgresql://{target.username}@{target.host}:"
                                           f"{target.port or 5432}/{target.database}")
    assert record["details"]["tables"] == ["transactions"]
    assert "secret-pw-1" not in (folder / AUDIT_FILE).read_text()
    at.switch_page("pages/data.py").run()
    at.button(key="db_disconnect").click().run()


# --------------------------------------------------------------------------- more messages


def test_regional_lead_sees_the_region_in_the_sidebar(users):
    users.add("zhou", role="regional", region="华东", password="region-pass-1")
    at = as_user(new_app(), users.user("zhou"))
    assert "Signed in as **zhou** · Regional lead" in _texts(at.sidebar.markdown)
    assert "Region: 华东" in _texts(at.sidebar.caption)
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert "当前用户：**zhou** · 区域负责人" in _texts(at.sidebar.markdown)
    assert "区域：华东" in _texts(at.sidebar.caption)


def test_idle_minutes_come_from_secrets(users):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["access"] = {"idle_minutes": 5}
    app_state(at).auth.user = users.user("li")
    app_state(at).auth.last_seen = time.time() - 4 * 60
    at.run()
    assert "Signed in as **li** · Branch manager" in _texts(at.sidebar.markdown)
    app_state(at).auth.last_seen = time.time() - 6 * 60
    at.run()
    assert "You were signed out after 5 minutes without activity. Sign in again." \
        in _texts(at.info)


def test_empty_audit_log(users, folder):
    at = as_user(new_app(), users.user("wang"))  # signed in without the form: nothing recorded
    at.switch_page("pages/data.py").run()
    expander = next(e for e in at.expander if e.label == "Audit log")
    assert "Nothing recorded yet." in _texts(expander.info)
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    at.switch_page("pages/data.py").run()
    expander = next(e for e in at.expander if e.label == "审计日志")
    assert "暂无记录。" in _texts(expander.info)


def test_audit_log_filters_and_counts(users, folder):
    from datetime import UTC, datetime

    log = AuditLog(folder)
    log.append("load", users.user("wang"), at=datetime(2025, 6, 30, 8, 0, tzinfo=UTC), rows=9)
    log.append("export", users.user("li"), at=datetime(2025, 6, 30, 9, 0, tzinfo=UTC),
               what="tiers.csv", rows=4)
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    at.multiselect(key="audit_users").set_value(["li"]).run()
    expander = next(e for e in at.expander if e.label == "Audit log")
    table = expander.dataframe[0].value
    assert table.to_dict("records") == [{"time": "2025-06-30 09:00:00", "user": "li",
                                         "role": "branch", "action": "exported",
                                         "details": "what=tiers.csv; rows=4"}]
    assert "1 of 2 records" in _texts(expander.caption)


def test_oidc_refuses_a_disabled_account_and_a_missing_email(users):
    users.disable("wang")
    at = _oidc_app({"is_logged_in": True, "email": "wang@example.com"})
    assert shown(at.error[0].value) == ("The account wang@example.com is disabled for this "
                                 "dashboard. Ask an HQ analyst to enable it.")
    assert at.button(key="auth_oidc_logout").label == "Use another account"
    at = _oidc_app({"is_logged_in": True})
    assert shown(at.error[0].value).startswith("Your identity provider sent no e-mail address")


def test_oidc_with_named_providers_shows_one_button_each(users):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    provider = {"client_id": "id", "client_secret": "s",
                "server_metadata_url": "https://id.example.com/.well-known/x"}
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "microsoft": provider, "okta": provider}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="auth_login_microsoft").label == "Sign in with microsoft"
    assert at.button(key="auth_login_okta").label == "Sign in with okta"
    app_state(at).sidebar.lang = "zh"
    at.run()
    assert at.button(key="auth_login_okta").label == "使用 okta 登录"
    assert "请使用公司账号登录" in _texts(at.caption)[0]


def test_a_damaged_user_file_lets_nobody_in(users, folder):
    (folder / USERS_FILE).write_text("{not json")
    at = new_app()
    assert shown(at.error[0].value) == (
        "The dashboard's user list cannot be read, so nobody can sign in. An administrator "
        "can check it with: python -m segmentation users list")
    assert not at.metric and str(folder) not in shown(at.error[0].value)
    app_state(at).sidebar.lang = "zh"
    at.run()
    assert shown(at.error[0].value).startswith("无法读取本看板的用户列表")


def test_branch_manager_cannot_overwrite_the_default_preset(users, folder):
    """Saving under the default preset's name (tiers, churn capacity) is changing the
    default: refused with the reason for a branch manager, nothing written."""
    from segmentation.presets import PresetStore
    from segmentation.tiers import TierSettings
    from segmentation.workspace import Workspace

    store = PresetStore.for_workspace(Workspace())
    old_default = store.default()
    store.save("network", TierSettings(), calls_per_branch=20)
    store.set_default("network")
    before = store.path("network").read_bytes()
    reason = ("Only HQ analysts may change the default preset or delete presets (you are "
              "signed in as Branch manager).")
    try:
        at = as_user(new_app(), users.user("li"))
        at.switch_page("pages/tiers.py").run()
        at.text_input(key="tiers_preset_name").input("network").run()
        at.button(key="tiers_preset_save").click().run()
        assert not at.exception, at.exception
        assert reason in _texts(at.error)
        at.switch_page("pages/churn.py").run()
        at.number_input(key="_w_churn_calls").set_value(35).run()
        at.selectbox(key="churn_calls_preset").set_value("network").run()
        at.button(key="churn_calls_save").click().run()
        assert not at.exception, at.exception
        assert reason in _texts(at.error)
        assert store.path("network").read_bytes() == before
        assert not [a for a in _actions(folder) if a == ("preset_saved", "li")]
    finally:
        store.delete("network")
        if old_default is not None:
            store.set_default(old_default)


# --------------------------------------------------------------------------- client address


class Connection:
    """What the web server tells the app about the browser's connection (settable)."""

    def __init__(self, peer: str):
        self.peer, self.forwarded_for = peer, []


@pytest.fixture
def connection(monkeypatch):
    """``st.context.ip_address`` / ``headers`` as Streamlit's server (uvicorn, with its
    default ``FORWARDED_ALLOW_IPS``) reports them for ``conn.peer`` sending
    ``conn.forwarded_for``: uvicorn's own middleware decides what the app sees."""
    from streamlit.runtime.context import ContextProxy, StreamlitHeaders
    from uvicorn.middleware.proxy_headers import _TrustedHosts

    conn = Connection("127.0.0.1")
    hosts = _TrustedHosts("127.0.0.1,::1")

    def ip_address(_self):
        host = conn.peer
        if host in hosts and conn.forwarded_for:
            host = hosts.get_trusted_client_address(", ".join(conn.forwarded_for))[0] or host
        return None if host in ("127.0.0.1", "::1") else host

    def headers(_self):
        return StreamlitHeaders([("X-Forwarded-For", v) for v in conn.forwarded_for])

    monkeypatch.setattr(ContextProxy, "ip_address", property(ip_address))
    monkeypatch.setattr(ContextProxy, "headers", property(headers))
    return conn


@pytest.mark.parametrize("peer", ["127.0.0.1", "198.51.100.7"], ids=["loopback", "remote"])
def test_made_up_forwarded_addresses_all_count_against_the_peer(users, folder, connection,
                                                                peer):
    connection.peer = peer
    at = new_app()
    for i in range(20):  # another name each time: only the per-client limit can stop this
        connection.forwarded_for = [f"10.{i}.0.{i + 1}"]
        sign_in(at, f"guess{i}", "wrong-password")
    connection.forwarded_for = ["10.99.0.1"]
    sign_in(at, "wang", "hq-password-1")  # the right password, from the same peer
    assert at.error and shown(at.error[0].value).startswith("Too many failed sign-ins."), \
        _texts(at.error)
    assert at.title[0].value == "Sign in"


def test_a_listed_proxy_forwards_each_client(users, folder, connection):
    at = new_app()
    at.secrets["access"] = {"trusted_proxies": ["127.0.0.1"]}
    for i in range(20):
        connection.forwarded_for = [f"6.6.6.6, 203.0.113.{i % 2}"]
        sign_in(at, f"guess{i}", "wrong-password")  # 10 failures for each of 2 clients
    connection.forwarded_for = ["203.0.113.9"]  # a third client is not stopped
    sign_in(at, "wang", "hq-password-1")
    assert not at.error and at.button(key="auth_sign_out")


def test_lockout_time_is_local_and_the_last_attempt_is_announced(users, folder):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.context = {"timezone": "Asia/Shanghai", "timezone_offset": -480}
    at.run()
    for i in range(3):
        sign_in(at, "li", f"wrong-password-{i}")
        assert not at.warning
    sign_in(at, "li", "wrong-password-3")
    assert _texts(at.warning) == ["One attempt left before this name is locked for 15 "
                                  "minutes."]
    sign_in(at, "li", "wrong-password-4")
    error = shown(at.error[0].value)
    assert "UTC" not in error and error.endswith("(your time, in 15 min).")
    expected = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=15)
    clock = error.split("after ")[1][:5]
    assert clock in {(expected - timedelta(minutes=d)).strftime("%H:%M") for d in (0, 1)}
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert shown(at.error[0].value).startswith(f"登录失败次数过多。请在 {clock}（您的本地时间")


# --------------------------------------------------------------------------- scope at the edges


def test_a_branch_missing_from_the_data_is_said_not_widen_the_filters(users):
    users.add("li2", role="branch", branch="不存在网点", password="branch-pass-2")  # the CLI
    # refuses this name; the library keeps it (an override, or the branch left the data)
    at = as_user(new_app(), users.user("li2"))
    main = _texts(at.main.warning)
    assert not [w for w in main if "Widen or clear the filters" in w]
    expected = ("There are no customers of your branch 不存在网点 in the current data. The data "
                "may spell it differently, or it may be missing since the last load. Ask an HQ "
                "analyst to check your account or the data (they see this in `users list`).")
    assert main == [expected]
    assert expected in _texts(at.sidebar.warning)
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert _texts(at.main.warning) == [
        "当前数据中没有您的网点“不存在网点”的客户：数据中的名称可能写法不同，或最近一次加载后已不存在。"
        "请联系总部分析员核对您的账号或数据（总部可在 `users list` 中看到此情况）。"]


def test_filters_still_say_widen_when_the_scope_has_customers(users):
    at = as_user(new_app(), users.user("li"))
    at.sidebar.multiselect(key="_w_flt_customer_type").set_value(["enterprise"]).run()
    at.sidebar.multiselect(key="_w_flt_area_type").set_value(["rural"]).run()
    if not at.metric:  # this branch has no rural enterprise customer: the filters' message
        assert any("Widen or clear the filters" in w for w in _texts(at.main.warning))
    assert not at.sidebar.warning


def test_branch_manager_sees_the_fixed_branch_and_region(users):
    at = as_user(new_app(), users.user("li"))
    region = at.sidebar.multiselect(key="_w_flt_region")
    branch = at.sidebar.multiselect(key="_w_flt_branch")
    assert (region.value, region.options, region.disabled) == (["华东"], ["华东"], True)
    assert (branch.value, branch.options, branch.disabled) == ([BRANCH], [BRANCH], True)
    assert region.help == "Set by your role; only HQ sees other values."
    assert not [b for b in at.sidebar.button if b.key == "side_clear_filters"]
    assert at.metric  # the fixed values are not filters: the page shows the branch


def test_regional_lead_sees_the_fixed_region_and_picks_branches(users):
    users.add("zhou", role="regional", region="华东", password="region-pass-1")
    at = as_user(new_app(), users.user("zhou"))
    region = at.sidebar.multiselect(key="_w_flt_region")
    assert (region.value, region.disabled) == (["华东"], True)
    branch = at.sidebar.multiselect(key="_w_flt_branch")
    assert not branch.disabled and BRANCH in branch.options and len(branch.options) > 1
    assert all(b.startswith("华东-") for b in branch.options)


def test_hq_filters_stay_open(users):
    at = as_user(new_app(), users.user("wang"))
    region = at.sidebar.multiselect(key="_w_flt_region")
    assert region.value == [] and not region.disabled and len(region.options) == 5


def test_hq_is_told_which_users_see_a_scope_missing_from_the_data(users):
    users.add("li2", role="branch", branch="不存在网点", password="branch-pass-2")
    users.add("zhou", role="regional", region="华东", password="region-pass-1")
    users.add("gone", role="regional", region="华中", password="region-pass-1")
    users.disable("gone")  # a disabled account does not matter
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/data.py").run()
    flagged = [w for w in _texts(at.warning) if "not in the current data" in w]
    assert len(flagged) == 1, _texts(at.warning)
    assert "- **li2**: branch “不存在网点” is not in the current data" in flagged[0]
    assert "zhou" not in flagged[0] and "gone" not in flagged[0] and "**li**" not in flagged[0]
    # a branch manager is not shown the list
    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/data.py").run()
    assert not [w for w in _texts(at.warning) if "not in the current data" in w]
