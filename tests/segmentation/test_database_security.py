"""The holes of issue 13 that a connected database opened, each closed and proven:

1. DuckDB / SQLite files: no file access from a user's SELECT, files only from allowed folders;
2. a saved password goes only to the exact target it was saved for;
4. a user's SELECT cannot act: denied functions, session state reset on return to the pool,
   a warning for superusers and users that may write;
5. the schema is validated and set by parameter (no injection into PostgreSQL options);
6. no password-derived ids, and ``connections.json`` is 0600 from its first byte.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from segmentation.connections import (
    DB_FOLDERS_ENV,
    ConnectionError_,
    ConnectionSpec,
    allowed_folders,
    check_connection,
    check_database_file,
    is_read_only_query,
    open_engine,
    role_risks,
    spec_from_secrets,
    vet_user_query,
)
from segmentation.database import (
    ConnectionStore,
    DatabaseMapping,
    TableChoice,
    read_allowed_folders,
    reuse_password,
)
from tests.conftest import MARIADB_ENV, POSTGRES_ENV

SECRET = "hunter2-very-secret"
INJECTION = "s\t-c\tdefault_transaction_read_only=off"


def _duckdb_file(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE transactions AS SELECT 'a' AS customer_id, DATE '2024-01-01' AS "
                "date, 10.0 AS amount")
    con.execute("CREATE SCHEMA sales")
    con.execute("CREATE TABLE sales.orders AS SELECT 42 AS n")
    con.close()
    return path


@pytest.fixture
def folders(tmp_path):
    """An allowed folder with a DuckDB file, and a secrets file outside it."""
    allowed = tmp_path / "allowed"
    outside = tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    secrets = outside / "secrets.toml"
    secrets.write_text(f'[connections.hq]\npassword = "{SECRET}"\n', encoding="utf-8")
    db = _duckdb_file(allowed / "company.duckdb")
    return allowed, outside, secrets, db


# --- 1. files ------------------------------------------------------------------------------

FILE_QUERIES = [
    "SELECT content FROM read_text('{secrets}')",
    "SELECT * FROM read_csv('{secrets}')",
    "SELECT * FROM glob('{folder}/*')",
    "SELECT content FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_blob('/etc/passwd')",
]


@pytest.mark.parametrize("sql", FILE_QUERIES, ids=["read_text", "read_csv", "glob", "environ",
                                                   "read_blob"])
def test_duckdb_sessions_cannot_read_other_files(folders, sql):
    allowed, outside, secrets, db = folders
    engine = open_engine(ConnectionSpec("duckdb", database=str(db)), folders=[allowed])
    try:
        with pytest.raises(sa.exc.DBAPIError) as info, engine.connect() as conn:
            conn.exec_driver_sql(sql.format(secrets=secrets, folder=outside)).all()
        assert "disabled by configuration" in str(info.value)
        assert SECRET not in str(info.value)
        with engine.connect() as conn:  # the database itself still reads
            assert conn.exec_driver_sql("SELECT count(*) FROM transactions").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", [
    "ATTACH '{other}' AS other",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "COPY (SELECT 1) TO '{outside}/out.csv'",
    "INSTALL httpfs",
], ids=["attach", "external_access", "unlock", "copy", "install"])
def test_duckdb_sessions_cannot_attach_or_unlock(folders, statement):
    allowed, outside, _, db = folders
    other = _duckdb_file(outside / "other.duckdb")
    engine = open_engine(ConnectionSpec("duckdb", database=str(db)), folders=[allowed])
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.connect() as conn:
            conn.exec_driver_sql(statement.format(other=other, outside=outside))
    finally:
        engine.dispose()
    assert not (outside / "out.csv").exists()


def test_duckdb_schema_still_works_with_the_configuration_locked(folders):
    allowed, _, _, db = folders
    engine = open_engine(ConnectionSpec("duckdb", database=str(db), schema="sales"),
                         folders=[allowed])
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM orders").scalar() == 42
    finally:
        engine.dispose()


def test_a_user_select_reading_files_is_refused_before_it_runs(folders):
    _, _, secrets, _ = folders
    with pytest.raises(ConnectionError_) as info:
        TableChoice(query=f"SELECT content FROM read_text('{secrets}')")
    assert info.value.code == "forbidden_function"
    assert "read_text()" in info.value.message("en") and "read_text()" in info.value.message("zh")


@pytest.mark.parametrize("path, code", [
    ("/proc/self/fd/0", "file_system"),
    ("/proc/self/environ", "file_system"),
    ("/proc/self/root{allowed}/company.duckdb", "file_system"),
    ("/dev/zero", "file_system"),
    ("/sys/kernel/notes", "file_system"),
    ("/etc/passwd", "file_not_allowed"),
    ("{outside}/secrets.toml", "file_not_allowed"),
    ("{allowed}/../outside/secrets.toml", "file_not_allowed"),
    ("{allowed}/link.duckdb", "file_not_allowed"),
], ids=["fd", "environ", "proc-root", "dev", "sys", "passwd", "outside", "dotdot", "symlink"])
def test_files_outside_the_allowed_folders_are_refused(folders, monkeypatch, path, code):
    allowed, outside, secrets, _ = folders
    (allowed / "link.duckdb").symlink_to(_duckdb_file(outside / "real.duckdb"))
    monkeypatch.setenv(DB_FOLDERS_ENV, str(allowed))
    path = path.format(allowed=allowed, outside=outside)
    for driver in ("duckdb", "sqlite"):
        with pytest.raises(ConnectionError_) as info:
            check_connection(ConnectionSpec(driver, database=path))
        assert info.value.code == code
    en, zh = info.value.message("en"), info.value.message("zh")
    if code == "file_system":
        assert "system path" in en and "系统路径" in zh
    else:
        assert str(allowed) in en and "allowed_folders" in en and "SEG_DB_FOLDERS" in en
        assert str(allowed) in zh and "allowed_folders" in zh
    assert SECRET not in en + zh


def test_no_folder_configured_means_no_file(folders, monkeypatch):
    _, _, _, db = folders
    monkeypatch.delenv(DB_FOLDERS_ENV, raising=False)
    with pytest.raises(ConnectionError_) as info:
        check_connection(ConnectionSpec("duckdb", database=str(db)))
    assert info.value.code == "file_no_folders"
    assert "[database] allowed_folders" in info.value.message("en")
    assert "allowed_folders" in info.value.message("zh") and "管理员" in info.value.message("zh")


def test_allowed_folders_from_secrets_and_environment(tmp_path, folders):
    allowed, outside, _, db = folders
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[database]\nallowed_folders = ["{outside}", "relative/x"]\n',
                       encoding="utf-8")
    configured = read_allowed_folders(secrets)
    assert configured == [str(outside), "relative/x"]
    found = allowed_folders(configured, environ={DB_FOLDERS_ENV: f"{allowed}{os.pathsep}"})
    assert found == (outside.resolve(), allowed.resolve())  # the relative one is dropped
    assert check_database_file(str(allowed / "sub" / ".." / "company.duckdb"), found) == db
    assert read_allowed_folders(tmp_path / "absent.toml") == []


def test_a_sqlite_path_cannot_add_uri_parameters(folders):
    allowed, _, _, _ = folders
    sqlite = allowed / "x.sqlite"
    engine = sa.create_engine(f"sqlite:///{sqlite}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a int)")
    engine.dispose()
    with pytest.raises(ConnectionError_) as info:  # "x.sqlite?mode=rw" is another file name
        check_connection(ConnectionSpec("sqlite", database=f"{sqlite}?mode=rw"),
                         folders=[allowed])
    assert info.value.code == "unknown_database"
    ro = open_engine(ConnectionSpec("sqlite", database=str(sqlite)), folders=[allowed])
    with pytest.raises(sa.exc.DBAPIError), ro.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    ro.dispose()


# --- 2. a saved password and its target ---------------------------------------------------------

SAVED = ConnectionSpec("postgresql", host="db.example.com", port=5432, database="ops",
                       user="reader", password=SECRET, schema="sales")


def test_the_saved_password_is_used_for_exactly_its_target():
    typed = dataclasses.replace(SAVED, password=None, port=None, schema="other")
    assert reuse_password(SAVED, typed, name="hq").password == SECRET  # default port, any schema
    own = dataclasses.replace(SAVED, password="typed-now", host="elsewhere")
    assert reuse_password(SAVED, own, name="hq").password == "typed-now"


@pytest.mark.parametrize("change", [
    {"host": "evil.example.net"}, {"port": 6543}, {"driver": "mysql", "port": 5432},
    {"database": "other"}, {"user": "admin"}, {"host": "DB.example.com.evil.net"},
], ids=["host", "port", "driver", "database", "user", "suffix"])
def test_any_change_of_target_asks_for_the_password_again(change):
    typed = dataclasses.replace(SAVED, password=None, **change)
    with pytest.raises(ConnectionError_) as info:
        reuse_password(SAVED, typed, name="hq")
    assert info.value.code == "password_again"
    en, zh = info.value.message("en"), info.value.message("zh")
    assert "enter the password again" in en and "db.example.com:5432/ops" in en
    assert "请重新输入密码" in zh
    assert SECRET not in en + zh + repr(info.value.params)


# --- 4. a user SELECT cannot act ------------------------------------------------------------------

DENIED = [
    ("SELECT pg_terminate_backend(123)", "pg_terminate_backend"),
    ("SELECT pg_advisory_lock(1)", "pg_advisory_lock"),
    ("SELECT pg_try_advisory_lock(1, 2)", "pg_try_advisory_lock"),
    ("SELECT pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file"),
    ("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir"),
    ("SELECT lo_import('/etc/passwd')", "lo_import"),
    ("SELECT \"pg_read_file\" ('x')", "pg_read_file"),
    ("SELECT set_config('default_transaction_read_only', 'off', false)", "set_config"),
    ("SELECT query_to_xml('select pg_advisory_lock(1)', true, true, '')", "query_to_xml"),
    ("SELECT LOAD_FILE('/etc/passwd')", "load_file"),
    ("SELECT `load_file`('/etc/passwd')", "load_file"),
    ("SELECT GET_LOCK('x', 10)", "get_lock"),
    ("SELECT * FROM read_text('.streamlit/secrets.toml')", "read_text"),
    ("SELECT * FROM glob('*')", "glob"),
    ("WITH x AS (SELECT dblink('host=x', 'select 1')) SELECT * FROM x", "dblink"),
]


@pytest.mark.parametrize("sql, name", DENIED, ids=[n for _, n in DENIED])
def test_denied_functions_are_refused_by_name(sql, name):
    with pytest.raises(ConnectionError_) as info:
        vet_user_query(sql)
    assert info.value.code == "forbidden_function" and info.value.params["function"] == name
    assert not is_read_only_query(sql)
    with pytest.raises(ConnectionError_):
        TableChoice(query=sql)


@pytest.mark.parametrize("sql", [
    "SELECT 'pg_advisory_lock(1)' AS text_only, lower(name) FROM customers",
    "SELECT read_count, glob_total FROM stats -- read_text(x) in a comment",
    "SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id",
], ids=["literal", "columns", "plain"])
def test_lookalikes_are_not_denied(sql):
    checked = vet_user_query(sql, "postgresql")
    assert checked.startswith("SELECT ") and "--" not in checked  # regenerated, no comment
    assert is_read_only_query(sql)


def test_unicode_escaped_names_are_refused():
    assert not is_read_only_query('SELECT U&"\\0070g_read_file"(\'x\')')


def _pg_spec() -> ConnectionSpec:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to test against")
    return ConnectionSpec.from_url(url)


def _maria_spec() -> ConnectionSpec:
    url = os.environ.get(MARIADB_ENV)
    if not url:
        pytest.skip(f"{MARIADB_ENV} is not set: no MariaDB to test against")
    return dataclasses.replace(ConnectionSpec.from_url(url), driver="mariadb")


@pytest.mark.db
def test_postgres_advisory_lock_is_not_held_after_return_to_the_pool():
    spec = _pg_spec()
    engine = open_engine(spec)
    admin = sa.create_engine(spec.url())
    key = 900_000 + os.getpid()
    try:
        with engine.connect() as conn:  # what a SELECT calling the function would do
            pid = conn.exec_driver_sql(f"SELECT pg_backend_pid() FROM "
                                       f"(SELECT pg_advisory_lock({key})) AS q").scalar()
            conn.exec_driver_sql("SELECT set_config('default_transaction_read_only', "
                                 "'off', false)")
        with admin.connect() as other:
            held = other.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = %s",
                (pid,)).scalar()
            assert held == 0
            assert other.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar()
            other.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
        with engine.connect() as conn:  # the same pooled session, read-only again
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() == pid
            assert conn.exec_driver_sql("SHOW default_transaction_read_only").scalar() == "on"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "30s"
    finally:
        engine.dispose()
        admin.dispose()


@pytest.mark.db
def test_mariadb_named_lock_is_not_held_after_return_to_the_pool():
    spec = _maria_spec()
    engine = open_engine(spec)
    admin = sa.create_engine(spec.url())
    name = f"seg_lock_{os.getpid()}"
    try:
        with engine.connect() as conn:
            got, conn_id = conn.exec_driver_sql(
                f"SELECT GET_LOCK('{name}', 0), CONNECTION_ID()").one()
            assert got == 1
        with admin.connect() as other:
            assert other.exec_driver_sql(f"SELECT IS_FREE_LOCK('{name}')").scalar() == 1
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar() == conn_id
            assert conn.exec_driver_sql("SELECT @@tx_read_only").scalar() == 1
    finally:
        engine.dispose()
        admin.dispose()


@pytest.fixture(scope="module")
def pg_reader():
    """A PostgreSQL login role that may only read one schema's tables."""
    spec = _pg_spec()
    role, schema = f"seg_sec_reader_{os.getpid()}", f"seg_sec_{os.getpid()}"
    admin = sa.create_engine(spec.url())
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        conn.exec_driver_sql(f'CREATE TABLE "{schema}".orders (n int)')
        conn.exec_driver_sql(f'INSERT INTO "{schema}".orders VALUES (7)')
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'reader-pw'")
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(f'REVOKE CREATE ON SCHEMA public FROM "{role}"')
        conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    yield dataclasses.replace(spec, user=role, password="reader-pw", schema=schema), schema
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    admin.dispose()


@pytest.mark.db
def test_postgres_role_risks(pg_reader):
    reader, _ = pg_reader
    for spec, expected in ((_pg_spec(), ("superuser", "can_write")), (reader, ())):
        engine = open_engine(spec)
        try:
            assert role_risks(engine) == expected
        finally:
            engine.dispose()


@pytest.mark.db
def test_mariadb_role_risks():
    spec = _maria_spec()
    user = f"seg_sec_{os.getpid()}"
    admin = sa.create_engine(spec.url())
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY 'pw'")
        conn.exec_driver_sql(f"GRANT SELECT ON `{spec.database}`.* TO '{user}'@'%%'")
    reader = dataclasses.replace(spec, user=user, password="pw")
    try:
        for spec_, expected in ((spec, ("superuser", "can_write")), (reader, ())):
            engine = open_engine(spec_)
            try:
                assert role_risks(engine) == expected
            finally:
                engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"GRANT INSERT ON `{spec.database}`.* TO '{user}'@'%%'")
        engine = open_engine(reader)
        assert role_risks(engine) == ("can_write",)
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
        admin.dispose()


def test_role_risk_messages_in_both_languages():
    from segmentation import i18n

    assert "superuser" in i18n.t("conn.risk.superuser", "en", user="postgres")
    assert "超级用户" in i18n.t("conn.risk.superuser", "zh", user="postgres")
    assert "may change data" in i18n.t("conn.risk.can_write", "en", user="ops")
    assert "可以修改" in i18n.t("conn.risk.can_write", "zh", user="ops")


# --- 5. the schema is a name, not options ------------------------------------------------

@pytest.mark.parametrize("schema", [INJECTION, "a b", 'x"y', "1abc", "s;drop", "a" * 64],
                         ids=["tab-options", "space", "quote", "digit", "semicolon", "long"])
def test_bad_schema_names_are_refused(schema):
    with pytest.raises(ConnectionError_) as info:
        ConnectionSpec("postgresql", host="h", schema=schema)
    assert info.value.code == "bad_identifier"
    assert "letters, digits and _" in info.value.message("en")
    assert "字母、数字和下划线" in info.value.message("zh")
    assert "\t" not in info.value.message("en")
    with pytest.raises(ConnectionError_):
        spec_from_secrets({"url": "postgresql://u@h/db", "schema": schema})


@pytest.mark.parametrize("schema", ["sales", "客户", "_x1", "a$b", "Public"])
def test_good_schema_names_pass(schema):
    assert ConnectionSpec("postgresql", host="h", schema=schema).schema == schema


@pytest.mark.parametrize("name", ['x"; DROP TABLE t; --', "a b", "sales.or ders", "s.t.u.v w"])
def test_bad_table_names_are_refused(name):
    with pytest.raises(ConnectionError_) as info:
        TableChoice(table=name, columns={"customer_id": "c"})
    assert info.value.code == "bad_table" and "Write a SELECT" in info.value.message("en")
    assert "编写 SELECT" in info.value.message("zh")
    assert TableChoice(table="sales.运单").table == "sales.运单"


@pytest.mark.db
def test_schema_injection_is_refused_and_the_session_stays_read_only(pg_reader):
    _, schema = pg_reader
    spec = _pg_spec()
    with pytest.raises(ConnectionError_):
        dataclasses.replace(spec, schema=INJECTION)
    tampered = dataclasses.replace(spec, schema=schema)
    object.__setattr__(tampered, "schema", INJECTION)  # even past the spec's own check
    with pytest.raises(ConnectionError_) as info:
        open_engine(tampered)
    assert info.value.code == "bad_identifier"
    engine = open_engine(dataclasses.replace(spec, schema=schema))
    try:
        for _ in range(2):  # a fresh session and the same one back from the pool
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SHOW default_transaction_read_only").scalar() == "on"
                assert conn.exec_driver_sql("SELECT current_schema()").scalar() == schema
                assert conn.exec_driver_sql("SELECT n FROM orders").scalar() == 7
                with pytest.raises(sa.exc.DBAPIError):
                    conn.exec_driver_sql("CREATE TABLE scratch (x int)")
    finally:
        engine.dispose()


# --- 6. connections.json ----------------------------------------------------------------

def test_connections_file_is_0600_from_its_first_byte(tmp_path, monkeypatch):
    import segmentation.storage as storage

    seen: list[int] = []
    real_replace = os.replace

    def spy(src, dst, *args, **kwargs):
        seen.append(stat.S_IMODE(os.stat(src).st_mode))  # the file as written, before rename
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(storage.os, "replace", spy)
    old_umask = os.umask(0o022)  # the usual umask: a plain open() gives 0644
    try:
        store = ConnectionStore(tmp_path)
        store.save("hq", SAVED, DatabaseMapping(), keep_password=True)
        store.save("hq", SAVED, DatabaseMapping(), keep_password=True)  # and on every rewrite
    finally:
        os.umask(old_umask)
    assert seen == [0o600, 0o600]
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.get("hq").spec.password == SECRET
    assert not list(tmp_path.glob(".connections.json.*.tmp"))  # no temporary file left behind


def test_the_workspace_folder_is_never_a_database(folders):
    allowed, _, _, db = folders
    with pytest.raises(ConnectionError_) as info:
        check_connection(ConnectionSpec("duckdb", database=str(db)), folders=[allowed],
                         refused=[allowed])
    assert info.value.code == "file_workspace"
    assert "workspace folder" in info.value.message("en")
    assert "工作区文件夹" in info.value.message("zh")


def test_a_read_only_sqlite_file_cannot_attach_another_file(folders):
    """Regression: ``mode=ro`` alone let ``ATTACH`` create a database file outside the
    allowed folder."""
    allowed, outside, _, _ = folders
    sqlite = allowed / "x.sqlite"
    engine = sa.create_engine(f"sqlite:///{sqlite}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a int)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    engine.dispose()
    ro = open_engine(ConnectionSpec("sqlite", database=str(sqlite)), folders=[allowed])
    target = outside / "created.sqlite"
    for sql in (f"ATTACH DATABASE '{target}' AS other",
                f"ATTACH DATABASE 'file:{target}?mode=rwc' AS other",
                "CREATE TEMP TABLE scratch (a int)", "DETACH DATABASE main"):
        with pytest.raises(sa.exc.DBAPIError, match="not authorized"), ro.connect() as conn:
            conn.exec_driver_sql(sql)
    assert not target.exists() and not list(outside.glob("created*"))
    with ro.connect() as conn:  # reading and reflection still work
        assert conn.exec_driver_sql("SELECT a FROM t").scalar() == 1
    assert sa.inspect(ro).get_table_names() == ["t"]
    assert [c["name"] for c in sa.inspect(ro).get_columns("t")] == ["a"]
    ro.dispose()
