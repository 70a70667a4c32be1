"""Connections to the company's own database: specs, read-only engines, error messages.

Groundwork for the "connect the company database" page, UI-free:

- :class:`ConnectionSpec` describes a connection (the password never shows in
  its ``repr`` or :meth:`~ConnectionSpec.safe_label`); :func:`spec_from_secrets`
  reads a ``[connections.<name>]`` block of ``secrets.toml`` the way
  ``st.connection(type="sql")`` does.
- :func:`open_engine` opens a SQLAlchemy engine that is read-only wherever the
  dialect allows it and that stops long statements.
- :func:`check_connection` lists the tables and views a connection sees;
  :func:`classify_error` turns any driver exception into a
  :class:`ConnectionError_` with a bilingual message that says what is wrong and
  what to do, and never contains the password.
- :func:`is_read_only_query` and :func:`guard_row_count` vet a user's own
  ``SELECT`` before it runs.

The read-only session (PostgreSQL ``default_transaction_read_only``, MariaDB /
MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro``, DuckDB
``read_only``) is the real guard; :func:`is_read_only_query` is a friendly first
check that rejects anything that is not one plain ``SELECT``, not a sandbox
(a ``SELECT`` can still call a function with side effects).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from . import i18n

__all__ = [
    "DRIVERS",
    "ConnectionError_",
    "ConnectionSpec",
    "check_connection",
    "classify_error",
    "guard_row_count",
    "is_read_only_query",
    "open_engine",
    "spec_from_secrets",
    "user_select",
]

#: Supported ``ConnectionSpec.driver`` values.
DRIVERS: tuple[str, ...] = ("postgresql", "mysql", "mariadb", "sqlite", "duckdb")

_SQLA_DRIVER = {
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
}
_DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}
_FILE_DRIVERS = ("sqlite", "duckdb")
#: Default limit of :func:`guard_row_count`.
DEFAULT_ROW_LIMIT = 1_000_000
_CONNECT_TIMEOUT_S = 10

i18n.register({
    "conn.error.unreachable": {
        "en": "Cannot reach the database server {target}: the host name is unknown or nothing "
              "answers on that port. Check host and port, and that the server runs and accepts "
              "connections from this machine (firewall, VPN).",
        "zh": "无法连接数据库服务器 {target}：主机名无法解析，或该端口无人应答。请检查主机和端口，"
              "并确认服务器正在运行且允许本机连接（防火墙、VPN）。",
    },
    "conn.error.auth": {
        "en": "The database {target} refused the login of user “{user}”: wrong user name or "
              "password, or the user may not connect from this machine. Check the credentials "
              "with your database administrator.",
        "zh": "数据库 {target} 拒绝了用户“{user}”的登录：用户名或密码错误，"
              "或该用户不允许从本机连接。"
              "请与数据库管理员核对账号信息。",
    },
    "conn.error.unknown_database": {
        "en": "The database “{database}” does not exist on {target}. Check the database name "
              "(or the file path) for typing errors.",
        "zh": "{target} 上不存在数据库“{database}”。请检查数据库名称（或文件路径）是否拼写正确。",
    },
    "conn.error.table_missing": {
        "en": "A table or view the query needs does not exist in {target}, or this user cannot "
              "see it. Check the table names (and the schema) in the table mapping.",
        "zh": "查询所需的表或视图在 {target} 中不存在，或当前用户无权查看。"
              "请检查表映射中的表名（及 schema）。",
    },
    "conn.error.timeout": {
        "en": "The query on {target} took longer than the time limit and was stopped. Narrow "
              "it (fewer rows, a shorter date range) or ask for an index or a prepared view.",
        "zh": "{target} 上的查询超过时间限制，已被终止。"
              "请缩小查询范围（更少的行、更短的日期区间），"
              "或请管理员建立索引或准备好的视图。",
    },
    "conn.error.permission": {
        "en": "The database {target} refused the statement: the connection is read-only or the "
              "user lacks the privilege. This app only reads; use a plain SELECT and ask for "
              "read access (SELECT) to the tables you need.",
        "zh": "数据库 {target} 拒绝执行该语句：连接为只读，或用户缺少相应权限。本应用只读取数据；"
              "请只使用 SELECT 查询，并为所需的表申请读取（SELECT）权限。",
    },
    "conn.error.not_read_only": {
        "en": "Only one plain SELECT (or WITH … SELECT) statement is allowed: no changes to "
              "data or tables, no SELECT … INTO, no FOR UPDATE, no second statement.",
        "zh": "只允许单条普通 SELECT（或 WITH … SELECT）语句：不得修改数据或表结构，"
              "不得使用 SELECT … INTO、FOR UPDATE，也不得包含第二条语句。",
    },
    "conn.error.too_many_rows": {
        "en": "The query returns {rows:,} rows, more than the limit of {limit:,}. Aggregate in "
              "SQL or add a WHERE condition to bring fewer rows.",
        "zh": "该查询返回 {rows:,} 行，超过上限 {limit:,} 行。"
              "请在 SQL 中先汇总，或添加 WHERE 条件减少行数。",
    },
    "conn.error.type_mismatch": {
        "en": "The database {target} cannot compute with one of the mapped columns: a column "
              "has the wrong type (for example amounts stored as text, or customer ids that "
              "are numbers in one table and text in another). Check the mapped columns. "
              "Database says: {detail}",
        "zh": "数据库 {target} 无法对某个已映射的列进行计算：列的类型不对（例如金额存为文本，"
              "或客户编号在一张表中是数字、在另一张表中是文本）。请检查列映射。数据库提示：{detail}",
    },
    "conn.error.dialect_missing": {
        "en": "The SQLAlchemy dialect for “{dialect}” is not installed. Install it into the "
              "app's environment (for example .venv/bin/pip install trino[sqlalchemy] for Trino, "
              "snowflake-sqlalchemy for Snowflake) and restart the app.",
        "zh": "未安装“{dialect}”的 SQLAlchemy 方言。请将其安装到本应用的运行环境中"
              "（例如 Trino 使用 .venv/bin/pip install trino[sqlalchemy]，"
              "Snowflake 使用 snowflake-sqlalchemy），然后重启应用。",
    },
    "conn.error.bad_spec": {
        "en": "The connection settings are incomplete or invalid: {detail}.",
        "zh": "连接设置不完整或无效：{detail}。",
    },
    "conn.error.other": {
        "en": "The database {target} reported an error: {detail}",
        "zh": "数据库 {target} 报告了一个错误：{detail}",
    },
})


class ConnectionError_(i18n.LocalizedError):  # noqa: N801 (the builtin name is taken)
    """A connection or query problem; ``code`` is one of ``unreachable``, ``auth``,
    ``unknown_database``, ``table_missing``, ``timeout``, ``permission``,
    ``type_mismatch``, ``not_read_only``, ``too_many_rows``, ``bad_spec``,
    ``dialect_missing``, ``other``.

    Errors made by :func:`classify_error` also carry ``driver_message``: the
    driver's own text, password scrubbed, for a "details" expander."""

    prefix = "conn.error"


@dataclass(frozen=True)
class ConnectionSpec:
    """Where and how to connect. ``database`` is a file path for SQLite / DuckDB.

    ``schema`` (optional) becomes the PostgreSQL ``search_path`` / the DuckDB
    default schema; MariaDB / MySQL have no schemas besides the database.

    Driver ``"other"`` is any other SQLAlchemy dialect (a warehouse: Trino,
    Snowflake, BigQuery …), given as a whole URL in ``url_text``; only
    :meth:`from_url` makes one. Its sessions get no read-only setting from the
    app: connect it as a user that may only read.
    """

    driver: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    schema: str | None = None
    url_text: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.driver == "other":
            if not self.url_text:
                raise ConnectionError_("bad_spec", detail="a warehouse connection needs a URL")
            return
        if self.driver not in DRIVERS:
            raise ConnectionError_("bad_spec", detail=f"unknown driver {self.driver!r} "
                                   f"(expected one of {', '.join(DRIVERS)})")
        if self.driver in _FILE_DRIVERS:
            if not self.database:
                raise ConnectionError_("bad_spec", detail=f"{self.driver} needs a file path")
        elif not self.host:
            raise ConnectionError_("bad_spec", detail=f"{self.driver} needs a host")
        if self.port is not None:
            object.__setattr__(self, "port", int(self.port))

    def url(self) -> sa.URL:
        """The SQLAlchemy URL: ``postgresql+psycopg``, ``mysql+pymysql``, ``sqlite``, ``duckdb``."""
        if self.driver == "other":
            return sa.make_url(self.url_text)
        if self.driver in _FILE_DRIVERS:
            return sa.URL.create(_SQLA_DRIVER[self.driver], database=self.database)
        return sa.URL.create(_SQLA_DRIVER[self.driver], username=self.user or None,
                             password=self.password or None, host=self.host,
                             port=self.port, database=self.database or None)

    @classmethod
    def from_url(cls, url: str | sa.URL, *, schema: str | None = None) -> ConnectionSpec:
        """A spec from a SQLAlchemy URL such as ``postgresql+psycopg://u:p@host:5432/db``."""
        try:
            parsed = sa.make_url(url)
        except Exception as exc:  # noqa: BLE001 - the URL may hold a password: never echo it
            raise ConnectionError_("bad_spec", detail="the URL cannot be parsed") from exc
        backend = parsed.get_backend_name()
        driver = {"postgres": "postgresql", "mysql": "mysql", "mariadb": "mariadb",
                  "postgresql": "postgresql", "sqlite": "sqlite",
                  "duckdb": "duckdb"}.get(backend)
        if driver is None:  # a warehouse dialect: kept as the whole URL
            return cls("other", host=parsed.host, port=parsed.port, database=parsed.database,
                       user=parsed.username, password=parsed.password, schema=schema,
                       url_text=parsed.render_as_string(hide_password=False))
        if driver in _FILE_DRIVERS:
            return cls(driver, database=parsed.database, schema=schema)
        return cls(driver, host=parsed.host, port=parsed.port, database=parsed.database,
                   user=parsed.username, password=parsed.password, schema=schema)

    def safe_label(self) -> str:
        """``driver://user@host:port/db`` (no password), or ``driver:///path`` for files."""
        if self.driver == "other":
            url = self.url()
            user = f"{url.username}@" if url.username else ""
            port = f":{url.port}" if url.port else ""
            return f"{url.get_backend_name()}://{user}{url.host or ''}{port}/{url.database or ''}"
        if self.driver in _FILE_DRIVERS:
            return f"{self.driver}:///{self.database}"
        user = f"{self.user}@" if self.user else ""
        port = self.port or _DEFAULT_PORT.get(self.driver)
        return f"{self.driver}://{user}{self.host}:{port}/{self.database or ''}"


def spec_from_secrets(block: Mapping[str, Any], *, schema: str | None = None) -> ConnectionSpec:
    """A spec from one ``[connections.<name>]`` block, read as ``st.connection(type="sql")`` does.

    Either ``url`` or ``dialect`` (+ optional ``driver``), ``host``, ``port``,
    ``database``, ``username``, ``password``. A ``schema`` key (or the argument)
    sets the schema. Other keys (``query``, ``create_engine_kwargs``) are ignored.
    """
    schema = schema or block.get("schema") or None
    if block.get("url"):
        return ConnectionSpec.from_url(str(block["url"]), schema=schema)
    dialect = block.get("dialect")
    if not dialect:
        raise ConnectionError_("bad_spec", detail="the secrets block needs 'url' or 'dialect'")
    name = str(dialect) + (f"+{block['driver']}" if block.get("driver") else "")
    port = block.get("port")
    url = sa.URL.create(name, username=block.get("username") or None,
                        password=block.get("password") or None, host=block.get("host") or None,
                        port=int(port) if port not in (None, "") else None,
                        database=block.get("database") or None)
    return ConnectionSpec.from_url(url, schema=schema)


def open_engine(spec: ConnectionSpec, *, statement_timeout_s: float = 30) -> sa.Engine:
    """A read-only engine (where the dialect allows) with a statement time limit.

    PostgreSQL: ``default_transaction_read_only`` and ``statement_timeout`` as
    connection options. MariaDB / MySQL: ``SET SESSION TRANSACTION READ ONLY``
    and ``max_statement_time`` (MariaDB, seconds) / ``max_execution_time``
    (MySQL, milliseconds, SELECT only) on every new connection. SQLite: opened
    with ``mode=ro``; DuckDB: ``read_only=True`` (neither has a time limit). Connections
    are checked before use (``pool_pre_ping``). Nothing connects until first use.
    """
    timeout_ms = max(1, int(round(statement_timeout_s * 1000)))
    if spec.driver == "other":
        try:
            return sa.create_engine(spec.url(), pool_pre_ping=True)
        except (sa.exc.NoSuchModuleError, ImportError):
            raise ConnectionError_("dialect_missing",
                                   dialect=spec.url().get_backend_name()) from None
    if spec.driver == "postgresql":
        options = f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms}"
        if spec.schema:
            options += " -c search_path=" + spec.schema.replace("\\", "\\\\").replace(" ", "\\ ")
        return sa.create_engine(spec.url(), pool_pre_ping=True, connect_args={
            "options": options, "connect_timeout": _CONNECT_TIMEOUT_S})
    if spec.driver in ("mysql", "mariadb"):
        engine = sa.create_engine(spec.url(), pool_pre_ping=True,
                                  connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_conn, _record) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT VERSION()")
                mariadb = "mariadb" in str(cur.fetchone()[0]).lower()
                cur.execute("SET SESSION TRANSACTION READ ONLY")
                if mariadb:
                    cur.execute(f"SET SESSION max_statement_time={timeout_ms / 1000:g}")
                else:
                    cur.execute(f"SET SESSION max_execution_time={timeout_ms}")

        return engine
    if spec.driver == "sqlite":
        url = sa.URL.create("sqlite", database=f"file:{spec.database}",
                            query={"mode": "ro", "uri": "true"})
        return sa.create_engine(url, pool_pre_ping=True)
    # duckdb
    connect_args: dict[str, Any] = {"read_only": True}
    engine = sa.create_engine(spec.url(), pool_pre_ping=True, connect_args=connect_args)
    if spec.schema:
        schema = spec.schema

        @event.listens_for(engine, "connect")
        def _schema(dbapi_conn, _record) -> None:
            dbapi_conn.execute("SET schema = ?", [schema])

    return engine


def check_connection(spec: ConnectionSpec, *, statement_timeout_s: float = 30) -> list[str]:
    """The tables and views the connection sees (in ``spec.schema`` if set), sorted.

    Raises :class:`ConnectionError_` (see :func:`classify_error`) when it cannot connect.
    """
    engine = open_engine(spec, statement_timeout_s=statement_timeout_s)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = set(inspector.get_table_names(schema=spec.schema))
            names.update(inspector.get_view_names(schema=spec.schema))
        return sorted(names)
    except ConnectionError_:
        raise
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None
    finally:
        engine.dispose()


# --- error classification -------------------------------------------------------------------

_PG_STATE = {
    "28P01": "auth", "28000": "auth",
    "3D000": "unknown_database",
    "42P01": "table_missing", "3F000": "table_missing",
    "57014": "timeout", "55P03": "timeout",
    "25006": "permission", "42501": "permission",
    "42883": "type_mismatch", "42804": "type_mismatch", "22007": "type_mismatch",
    "22008": "type_mismatch", "22P02": "type_mismatch", "22018": "type_mismatch",
}
_MYSQL_CODE = {
    2003: "unreachable", 2005: "unreachable", 2002: "unreachable",
    1045: "auth", 1044: "auth", 1698: "auth",
    1049: "unknown_database",
    1146: "table_missing", 1051: "table_missing",
    1969: "timeout", 3024: "timeout", 1205: "timeout",
    1792: "permission", 1142: "permission", 1143: "permission", 1227: "permission",
    1290: "permission", 1836: "permission",
    1292: "type_mismatch", 1366: "type_mismatch", 1367: "type_mismatch",
}
_TEXT_RULES: tuple[tuple[str, str], ...] = (
    (r"could not translate host name|failed to resolve host|name or service not known|"
     r"nodename nor servname|"
     r"temporary failure in name resolution|getaddrinfo failed|connection refused|"
     r"can't connect to|no route to host|network is unreachable|unknown mysql server host|"
     r"timeout expired|connection timed out", "unreachable"),
    (r"password authentication failed|access denied for user|authentication failed|"
     r"role \".*\" does not exist|no pg_hba\.conf entry", "auth"),
    (r"database \".*\" does not exist|unknown database|unable to open database file|"
     r"cannot open file|no such file or directory", "unknown_database"),
    (r"statement timeout|canceling statement due to|max_statement_time|"
     r"max_execution_time|query execution was interrupted|interrupted", "timeout"),
    (r"read-only|readonly|read only|permission denied|command denied|insufficient privilege",
     "permission"),
    (r"conversion error|could not convert|no function matches|operator does not exist|"
     r"invalid input syntax|cannot be cast|datatype mismatch", "type_mismatch"),
    (r"no such table|relation \".*\" does not exist|table .* does not exist|"
     r"doesn't exist|catalog error", "table_missing"),
)


def classify_error(exc: BaseException, spec: ConnectionSpec) -> ConnectionError_:
    """The :class:`ConnectionError_` for a driver / SQLAlchemy exception raised on ``spec``.

    Uses PostgreSQL SQLSTATEs and MySQL error numbers where the driver gives them,
    the message text otherwise. The password and the full URL are scrubbed from
    every parameter of the message.
    """
    if isinstance(exc, ConnectionError_):
        return exc
    orig = getattr(exc, "orig", None) or exc
    code = _classify(orig)
    target = spec.safe_label()
    params: dict[str, object] = {"target": target}
    if code == "auth":
        params["user"] = spec.user or ""
    elif code == "unknown_database":
        params["database"] = spec.database or ""
    elif code in ("other", "type_mismatch"):
        params["detail"] = _scrub(_first_line(orig), spec)
    err = ConnectionError_(code, **{k: _scrub(str(v), spec) for k, v in params.items()})
    err.driver_message = _scrub(str(orig), spec)
    return err


def _classify(orig: BaseException) -> str:
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None),
                                                          "sqlstate", None)
    if sqlstate in _PG_STATE:
        return _PG_STATE[sqlstate]
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_CODE:
        return _MYSQL_CODE[args[0]]
    if isinstance(orig, socket.gaierror | ConnectionRefusedError):
        return "unreachable"
    if isinstance(orig, TimeoutError):
        return "timeout"
    text = str(orig).lower()
    for pattern, code in _TEXT_RULES:
        if re.search(pattern, text):
            return code
    return "other"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _scrub(text: str, spec: ConnectionSpec) -> str:
    """``text`` without the password or the URL (in any of its spellings)."""
    secrets: list[str] = []
    if spec.password:
        from urllib.parse import quote, quote_plus

        secrets += [spec.url().render_as_string(hide_password=False), spec.password,
                    quote(spec.password, safe=""), quote_plus(spec.password)]
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# --- user queries -----------------------------------------------------------------------------

_FORBIDDEN = frozenset("""
    insert update delete merge upsert replace drop create alter truncate rename grant revoke
    into copy call exec execute lock unlock handler load outfile dumpfile attach detach pragma
    vacuum reindex cluster comment set reset listen notify prepare deallocate declare share
    nowait savepoint commit rollback begin start kill shutdown
""".split()) - {"replace", "set"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def _strip(sql: str, *, mysql: bool) -> str | None:
    """``sql`` with literals, quoted names and comments blanked; ``None`` if unterminated
    or if it holds a MySQL executable comment (``/*! ... */``)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i) or (mysql and ch == "#"):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif sql.startswith("/*", i):
            if re.match(r"/\*[!+]|/\*M!", sql[i:i + 4]):
                return None
            depth, j = 1, i + 2
            while j < n and depth:
                if not mysql and sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                return None
            i = j
            out.append(" ")
        elif ch in "'\"`":
            backslash = (mysql and ch != "`") or (
                ch == "'" and i > 0 and sql[i - 1] in "eE"
                and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_")))
            j = i + 1
            while True:
                if j >= n:
                    return None
                if backslash and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            out.append(" 0 " if ch == "'" else " q ")
        elif not mysql and ch == "$" and (m := _DOLLAR.match(sql, i)) and not (
                i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            end = sql.find(m.group(0), m.end())
            if end < 0:
                return None
            i = end + len(m.group(0))
            out.append(" 0 ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def is_read_only_query(sql: str) -> bool:
    """Whether ``sql`` is exactly one ``SELECT`` / ``WITH … SELECT`` that changes nothing.

    Rejects other statements (INSERT, UPDATE, DELETE, DDL, …), several statements,
    ``SELECT … INTO``, locking clauses (``FOR UPDATE`` / ``FOR SHARE``), data-modifying
    CTEs and MySQL executable comments. String literals, quoted names and
    comments are ignored; the text must read the same under PostgreSQL and
    MySQL quoting rules. A check for a friendly message, not a sandbox: the
    read-only session of :func:`open_engine` is the guard.
    """
    if not isinstance(sql, str):
        return False
    for mysql in (False, True):
        code = _strip(sql, mysql=mysql)
        if code is None:
            return False
        code = code.strip().rstrip(";").strip()
        if not code or ";" in code:
            return False
        words = [w.lower() for w in _WORD.findall(code)]
        if not words or words[0] not in ("select", "with"):
            return False
        if "select" not in words or _FORBIDDEN.intersection(words):
            return False
        if re.search(r"\bfor\s+(update|share|no\s+key|key)\b", code, re.IGNORECASE):
            return False
    return True


def user_select(sql: str) -> sa.TextClause:
    """A user's ``SELECT`` as a text clause (trailing ``;`` dropped; a ``:name`` in it
    stays literal text instead of becoming a bind parameter). Vet it first with
    :func:`is_read_only_query`."""
    inner = sql.strip().rstrip(";").rstrip()
    return sa.text(re.sub(r"(?<![:\w\\]):(?=\w)", r"\\:", inner))


def guard_row_count(bind: sa.Engine | sa.Connection, query: str | sa.Select, *,
                    limit: int = DEFAULT_ROW_LIMIT) -> int:
    """Count the rows of a user query (``SELECT count(*) FROM (<query>) AS q``).

    Returns the count; raises :class:`ConnectionError_` ``too_many_rows`` above
    ``limit``, ``not_read_only`` for a text query that is not one plain SELECT.
    Driver errors propagate unchanged (classify them with :func:`classify_error`).
    """
    if isinstance(query, str):
        if not is_read_only_query(query):
            raise ConnectionError_("not_read_only")
        count_query: sa.Executable = sa.select(sa.func.count()).select_from(
            user_select(query).columns().subquery("q"))
    else:
        count_query = sa.select(sa.func.count()).select_from(query.subquery("q"))
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            rows = int(conn.execute(count_query).scalar_one())
    else:
        rows = int(bind.execute(count_query).scalar_one())
    if rows > limit:
        raise ConnectionError_("too_many_rows", rows=rows, limit=limit)
    return rows
