"""The Data page's database part: connect, choose tables or SELECTs, map columns, use.

Also the panel shown while a database is the session's source (refresh, the SQL
that runs in the database, back to the workspace). The password typed in the
form lives only in this session's connection object; the form field is emptied
once connected, and the password is written to the workspace only when the
user asks for it when saving.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from segmentation import formatting
from segmentation.connections import DRIVERS, ConnectionError_, ConnectionSpec, check_connection
from segmentation.connections import spec_from_secrets as _from_secrets
from segmentation.database import (
    DatabaseMapping,
    TableChoice,
    reuse_password,
    suggest_columns,
)
from segmentation.database import suggest_tables as _suggest_tables
from segmentation.schema import TABLES
from segmentation.textsafe import md
from ui import auth, background, connect, query_cancel
from ui import source as sources
from ui.context import Context, show_database_error
from ui.context import lang as session_lang
from ui.mapping import column_choices, examples
from ui.state import state
from ui.strings import COLUMN_LABELS

NONE, QUERY = "__none__", "__query__"
_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "spark": 10000}
_FILE_DRIVERS = ("sqlite", "duckdb")


def _short(text: str) -> str:
    """8 hex characters of non-secret text (a table name, a SELECT), for widget keys."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _risk_warnings(spec: ConnectionSpec, t) -> None:
    """Warn when the connected user may do more than read (superuser, may write)."""
    for code in connect.risks(spec):
        st.warning(t(f"conn.risk.{code}", user=md(spec.user or "?")), icon=":material/warning:")


# --------------------------------------------------------------------------- the source in use


def render_current(ctx: Context) -> None:
    """Refresh, SQL and disconnect for the connected database."""
    t, source = ctx.t, ctx.source
    st.info(t("db.current", name=md(source.name), target=md(source.spec.safe_label())),
            icon=":material/database:")
    _risk_warnings(source.spec, t)
    db = state().database
    if db.refreshed:
        db.refreshed = False
        st.success(t("db.refreshed"))
    c1, c2, _ = st.columns([1, 1, 2])
    if query_cancel.was_cancelled("db_cancel_refresh"):
        st.info(t("db.cancelled", seconds=sources.STATEMENT_TIMEOUT_S), icon=":material/cancel:")
    if c1.button(t("db.refresh"), key="db_refresh", icon=":material/refresh:"):
        with st.spinner(t("db.checking")):
            query_cancel.cancel_button(t("db.cancel"), key="db_cancel_refresh")
            try:
                new = sources.refresh(source)
            except ConnectionError_ as err:
                show_database_error(err, ctx.lang)
            else:
                background.refreshed(source.snap.dataset_id, new.snap.dataset_id)
                db.refreshed = True
                st.rerun()
    if c2.button(t("db.disconnect"), key="db_disconnect", icon=":material/link_off:"):
        sources.deactivate()
        st.rerun()
    with st.expander(t("db.sql")):
        st.caption(t("db.sql.help"))
        for name, sql in ctx.view_sql().items():
            st.markdown(f"**{t('db.sql.' + name)}**")
            st.code(sql, language="sql", wrap_lines=True)


# --------------------------------------------------------------------------- connecting


def _pick_label(option: str, t) -> str:
    origin, _, name = option.partition(":")
    if origin == "new":
        return t("db.connection.new")
    return t(f"db.connection.{origin}", name=name)


def _form(pick: str, saved_spec: ConnectionSpec | None, t,
          why_not: str | None = None) -> ConnectionSpec | None:
    """The connection form; the spec when "Connect" was pressed with valid settings."""
    db = state().database
    if db.form_for != pick:  # fill the form from the saved connection
        db.form_for = pick
        spec = saved_spec
        st.session_state["db_f_driver"] = spec.driver if spec else "postgresql"
        for field in ("host", "database", "user", "schema"):
            st.session_state[f"db_f_{field}"] = (getattr(spec, field) or "") if spec else ""
        st.session_state["db_f_port"] = (spec.port if spec and spec.port else None)
        st.session_state["db_f_password"] = ""
    if db.clear_password:
        db.clear_password = False
        st.session_state["db_f_password"] = ""
    driver = st.selectbox(t("db.driver"), DRIVERS, key="db_f_driver",
                          format_func=lambda d: t(f"db.driver.{d}"))
    is_file = driver in _FILE_DRIVERS
    with st.form("db_form", border=True):
        if is_file:
            st.text_input(t("db.file"), key="db_f_database", placeholder="/srv/data/shipments.db")
            folders = sources.db_folders()
            st.caption(t("db.file.folders", folders=", ".join(f"`{f}`" for f in folders))
                       if folders else t("db.file.no_folders"))
        else:
            c1, c2, c3 = st.columns([3, 1, 2])
            c1.text_input(t("db.host"), key="db_f_host", placeholder="db.example.com")
            c2.number_input(t("db.port"), min_value=1, max_value=65535, step=1, key="db_f_port",
                            placeholder=str(_PORTS[driver]))
            c3.text_input(t("db.database"), key="db_f_database")
            c4, c5, c6 = st.columns([2, 2, 2])
            c4.text_input(t("db.user"), key="db_f_user")
            c5.text_input(t("db.password"), key="db_f_password", type="password",
                          help=t("db.password.help"))
            c6.text_input(t("db.schema"), key="db_f_schema", help=t("db.schema.help"))
            if saved_spec is not None and saved_spec.password:
                st.caption(t("db.password.saved"))
        submitted = st.form_submit_button(t("db.connect"), type="primary",
                                          disabled=why_not is not None, help=why_not)
    if not submitted:
        return None
    values = st.session_state
    try:
        if is_file:
            return ConnectionSpec(driver, database=values["db_f_database"].strip() or None)
        typed = ConnectionSpec(driver, host=values["db_f_host"].strip() or None,
                               port=values["db_f_port"] or _PORTS[driver],
                               database=values["db_f_database"].strip() or None,
                               user=values["db_f_user"].strip() or None,
                               password=values.get("db_f_password") or None,
                               schema=values["db_f_schema"].strip() or None)
        # a saved password goes only to the exact server, port, database and user it was for
        return reuse_password(saved_spec, typed, name=pick.partition(":")[2])
    except ConnectionError_ as err:
        st.error(md(err.message(session_lang())))
        return None


def render_connect(ctx: Context) -> None:
    """Choose or enter a connection, map the tables, check and use it."""
    lang, t = ctx.lang, ctx.t
    db = state().database
    st.caption(t("db.intro"))
    can_connect, why_not = auth.permission("connect_db")
    if not can_connect:
        st.info(why_not, icon=":material/lock:")
    secrets = sources.secrets_connections()
    store = sources.store()
    options = (["new"] + [f"secrets:{n}" for n in secrets]
               + [f"saved:{n}" for n in store.names()])
    if st.session_state.get("db_pick") not in options:
        st.session_state["db_pick"] = options[0]
    pick = st.selectbox(t("db.connection"), options, key="db_pick", help=t("db.connection.help"),
                        format_func=lambda o: _pick_label(o, t))
    origin, _, name = pick.partition(":")
    try:
        saved = store.get(f"secrets:{name}" if origin == "secrets" else name) \
            if origin != "new" else None
    except ConnectionError_ as err:  # saved by an older version: a schema or table now refused
        st.error(md(err.message(lang)))
        return

    spec = None
    if origin == "secrets":
        try:
            secret_spec = _from_secrets(secrets[name])
        except ConnectionError_ as err:
            st.error(md(err.message(lang)))
            return
        st.caption(md(secret_spec.safe_label()))
        if st.button(t("db.connect"), key="db_connect_secrets", type="primary",
                     disabled=not can_connect, help=why_not):
            spec = secret_spec
    else:
        spec = _form(pick, saved.spec if saved else None, t, why_not)
    if spec is not None and not auth.allowed("connect_db"):
        spec = None

    if query_cancel.was_cancelled("db_cancel_connect", "db_cancel_check"):
        st.info(t("db.cancelled", seconds=sources.STATEMENT_TIMEOUT_S), icon=":material/cancel:")
    if spec is not None:
        # the typed password leaves the form either way: it is not kept in the page
        db.clear_password = True
        with st.spinner(t("db.connecting")):
            query_cancel.cancel_button(t("db.cancel"), key="db_cancel_connect")
            try:
                tables = check_connection(spec, folders=sources.db_folders(),
                                          refused=sources.refused_folders())
            except ConnectionError_ as err:
                db.conn, db.error = None, err
                st.rerun()
        # widget keys come from the settings without the password (see ui.source)
        db.conn = {"pick": pick, "spec": spec, "tables": tables,
                   "key": sources.connection_key(spec)}
        st.rerun()
    error, db.error = db.error, None
    if error is not None:
        show_database_error(error, lang)

    conn = db.conn
    if not conn or conn["pick"] != pick:
        return
    spec, tables = conn["spec"], conn["tables"]
    if not tables:
        st.warning(t("db.no_tables", target=md(spec.safe_label())))
        return
    st.success(t("db.connected", target=md(spec.safe_label()),
                 n=formatting.number(len(tables), lang)))
    _risk_warnings(spec, t)
    choices, clashes, problems = _tables(conn, tables, saved.mapping if saved else None, ctx)
    for table, header, first, second in clashes:
        st.error(t("data.mapping.clash", table=t(f"table.{table}"), header=md(header),
                   first=COLUMN_LABELS[first][lang], second=COLUMN_LABELS[second][lang]))

    default_name = name if origin != "new" else ""
    save = st.checkbox(t("db.save"), key=f"db_save_{conn['key']}", value=origin != "new")
    keep_password, save_name = False, default_name
    if save:
        c1, c2 = st.columns([2, 3])
        save_name = c1.text_input(t("db.save.name"), value=default_name,
                                  key=f"db_save_name_{conn['key']}",
                                  disabled=origin == "secrets")
        if origin != "secrets" and spec.password:
            keep_password = c2.checkbox(t("db.save.password"), key=f"db_keep_{conn['key']}",
                                        value=bool(saved and saved.has_password))
    ready = "transactions" in choices and not clashes and not problems and can_connect
    if not st.button(t("db.use"), type="primary", key="db_use", disabled=not ready,
                     help=why_not) or not auth.allowed("connect_db"):
        return
    mapping = DatabaseMapping(choices)
    label = (save_name or "").strip() if save else name
    with st.status(t("db.checking"), expanded=True) as status:
        query_cancel.cancel_button(t("db.cancel"), key="db_cancel_check")
        try:
            if save:
                store.save(f"secrets:{name}" if origin == "secrets" else save_name,
                           None if origin == "secrets" else spec, mapping,
                           keep_password=keep_password)
            kind = "secrets" if origin == "secrets" else ("saved" if save else "session")
            source = connect.connect(spec, mapping, name=label, origin=kind)
        except ConnectionError_ as err:
            status.update(state="error")
            show_database_error(err, lang)
            return
        status.update(state="complete")
    auth.record("connect", target=spec.safe_label(), name=label or "", origin=kind,
                saved=bool(save), tables=sorted(choices))
    sources.activate(source)
    db.conn = None
    state().data.db_result = {"dataset_id": source.snap.dataset_id,
                              "saved": save_name if save and origin != "secrets" else ""}
    st.rerun()


def _tables(conn: dict, tables: list[str], saved: DatabaseMapping | None, ctx: Context):
    """One source choice, preview and column mapping per canonical table."""
    lang, t = ctx.lang, ctx.t
    spec = conn["spec"]
    guess = _suggest_tables(tables)
    st.markdown(f"**{t('db.tables')}**", help=t("db.tables.help"))
    choices: dict[str, TableChoice] = {}
    clashes: list[tuple[str, str, str, str]] = []
    problems = False
    # custom SELECTs: HQ analysts only (open mode included); the database checks the rest
    may_query = auth.permission("connect_db")[0]
    options = [NONE, QUERY, *tables] if may_query else [NONE, *tables]
    for table in TABLES:
        table_label = t(f"table.{table}")
        previous = saved.tables.get(table) if saved else None
        key = f"db_src_{conn['key']}_{table}"
        if key not in st.session_state or st.session_state[key] not in options:
            default = NONE
            if previous is not None:
                default = QUERY if previous.query else previous.table
            elif table in guess:
                default = guess[table]
            st.session_state[key] = default if default in options else NONE
        src = st.selectbox(t("db.source", table=table_label), options, key=key,
                           format_func=lambda o: {NONE: t("db.source.none"),
                                                  QUERY: t("db.source.query")}.get(o, o))
        if src == NONE:
            continue
        if src == QUERY:
            sql_key = f"db_sql_{conn['key']}_{table}"
            if sql_key not in st.session_state:
                st.session_state[sql_key] = (previous.query or "") if previous else ""
            sql = st.text_area(t("db.query", table=table_label), key=sql_key, height=110,
                               help=t("db.query.help"), placeholder="SELECT … FROM …")
            if not sql.strip():
                st.caption(t("db.query.empty"))
                continue
            try:
                base = TableChoice(query=sql)
            except ConnectionError_ as err:
                st.error(md(err.message(lang)))
                problems = True
                continue
        else:
            try:
                base = TableChoice(table=src)
            except ConnectionError_ as err:
                st.error(md(err.message(lang)))
                problems = True
                continue
        try:
            sample = connect.sample(spec, base.table, base.query)
        except ConnectionError_ as err:
            show_database_error(err, lang)
            problems = True
            continue
        with st.expander(t("db.preview", table=table_label)):
            st.dataframe(sample.head(10), hide_index=True)
        headers = [str(c) for c in sample.columns]
        same = previous is not None and (previous.table, previous.query) == (base.table,
                                                                             base.query)
        guess_cols = dict(previous.columns) if same else suggest_columns(table, headers)
        chosen, found = column_choices(
            table, headers, examples(sample), guess_cols,
            key=f"db_map_{conn['key']}_{table}_{_short(src + (base.query or ''))}", lang=lang,
            title=t("data.mapping", table=table_label), none_label=t("db.mapping.none"))
        clashes.extend((table, *c) for c in found)
        choices[table] = TableChoice(table=base.table, query=base.query, columns=chosen)
    return choices, clashes, problems
