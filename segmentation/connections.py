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
``read_only`` with external access disabled) is the real guard;
:func:`vet_user_query` is a friendly first check that rejects anything that is
not one plain ``SELECT`` and the functions that act on the server (locks, files,
other sessions): defence in depth, not a sandbox. Connections returning to the
pool are reset (PostgreSQL ``DISCARD ALL``, MariaDB / MySQL ``RELEASE_ALL_LOCKS()``),
so nothing a query left behind reaches the next one.

Files (SQLite, DuckDB) are opened only from the folders an administrator
configured (:func:`allowed_folders`: ``SEG_DB_FOLDERS`` and ``[database]
allowed_folders`` of ``secrets.toml``), never from ``/proc``, ``/dev`` or ``/sys``.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from . import i18n

__all__ = [
    "DB_FOLDERS_ENV",
    "DRIVERS",
    "ConnectionError_",
    "ConnectionSpec",
    "allowed_folders",
    "check_connection",
    "check_database_file",
    "classify_error",
    "guard_row_count",
    "is_read_only_query",
    "open_engine",
    "role_risks",
    "spec_from_secrets",
    "user_select",
    "validate_identifier",
    "vet_user_query",
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
#: Environment variable listing the folders database files may be opened from
#: (separated by ``os.pathsep``), besides ``[database] allowed_folders`` of secrets.toml.
DB_FOLDERS_ENV = "SEG_DB_FOLDERS"
#: Never opened as database files, whatever the configuration says.
_SYSTEM_FOLDERS = (Path("/proc"), Path("/dev"), Path("/sys"))
#: Schema / table names: letters (any script), digits, ``_`` and ``$``; no quotes,
#: spaces or control characters. PostgreSQL cuts names at 63 bytes, MySQL at 64 characters.
_IDENTIFIER = re.compile(r"[^\W\d]\w*(\$\w*)*")
_MAX_IDENTIFIER = 63
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

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
    "conn.error.cancelled": {
        "en": "The query on {target} was cancelled. Nothing was changed; start it again when "
              "you are ready, or narrow it (fewer rows, a shorter date range).",
        "zh": "{target} 上的查询已取消，没有任何改动；准备好后可重新开始，"
              "或缩小查询范围（更少的行、更短的日期区间）。",
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
    "conn.error.bad_identifier": {
        "en": "“{name}” is not a valid {what} name: use letters, digits and _ only (it must not "
              "start with a digit; no spaces, quotes or other signs; at most 63 characters). "
              "Check the name with your database administrator.",
        "zh": "“{name}”不是有效的{what_zh}名称：只能使用字母、数字和下划线"
              "（不能以数字开头；不能包含空格、引号或其他符号；最多 63 个字符）。"
              "请与数据库管理员核对该名称。",
    },
    "conn.error.file_no_folders": {
        "en": "Database files cannot be opened here yet: no folder is allowed for them. Ask the "
              "administrator to add the folder that holds {path} to [database] allowed_folders "
              "in .streamlit/secrets.toml (or to the SEG_DB_FOLDERS environment variable) and "
              "restart the app.",
        "zh": "目前不能在这里打开数据库文件：尚未允许任何文件夹。请管理员将存放 {path} 的文件夹"
              "加入 .streamlit/secrets.toml 的 [database] allowed_folders"
              "（或环境变量 SEG_DB_FOLDERS），然后重启应用。",
    },
    "conn.error.file_not_allowed": {
        "en": "The file {path} is outside the folders this app may open database files from "
              "({folders}). Put the file into one of them, or ask the administrator to add its "
              "folder to [database] allowed_folders in .streamlit/secrets.toml (or to "
              "SEG_DB_FOLDERS).",
        "zh": "文件 {path} 不在本应用允许打开数据库文件的文件夹中（{folders}）。"
              "请将文件放入其中一个文件夹，或请管理员将其所在文件夹加入 .streamlit/secrets.toml 的 "
              "[database] allowed_folders（或 SEG_DB_FOLDERS）。",
    },
    "conn.error.file_system": {
        "en": "{path} is a system path (/proc, /dev, /sys): database files are never opened from "
              "there. Enter the path of a SQLite or DuckDB file in an allowed folder.",
        "zh": "{path} 是系统路径（/proc、/dev、/sys）：数据库文件绝不会从这些位置打开。"
              "请输入位于允许文件夹中的 SQLite 或 DuckDB 文件路径。",
    },
    "conn.error.file_workspace": {
        "en": "{path} is inside the app's own workspace folder, which holds its settings and "
              "saved connections: it is never opened as a company database. Choose the "
              "company's own database file.",
        "zh": "{path} 位于本应用自己的工作区文件夹中，其中存放着应用的设置和已保存的连接："
              "它不会被当作公司数据库打开。请选择公司自己的数据库文件。",
    },
    "conn.error.file_missing": {
        "en": "There is no database file at {path}. Check the path for typing errors.",
        "zh": "路径 {path} 处没有数据库文件。请检查路径是否拼写正确。",
    },
    "conn.error.forbidden_function": {
        "en": "The SELECT calls {function}(), which this app does not allow: it acts on the "
              "server (locks, files, other sessions or settings) instead of reading data. "
              "Remove it from the query.",
        "zh": "该 SELECT 调用了 {function}()，本应用不允许使用：它会作用于服务器"
              "（锁、文件、其他会话或设置），而不是读取数据。请从查询中删除它。",
    },
    "conn.risk.superuser": {
        "en": "Careful: the user “{user}” is a database superuser (or may read the server's "
              "files). The app keeps its sessions read-only and refuses dangerous functions, "
              "but a superuser can get around such limits. Connect as a user that may only "
              "SELECT the tables the dashboard needs.",
        "zh": "注意：用户“{user}”是数据库超级用户（或可以读取服务器上的文件）。"
              "本应用的会话保持只读并拒绝危险函数，但超级用户可以绕过这些限制。"
              "请改用只能对仪表板所需的表执行 SELECT 的用户连接。",
    },
    "conn.risk.can_write": {
        "en": "Careful: the user “{user}” may change data or tables in this database. The app "
              "only reads (its sessions are read-only), but a user that may only SELECT is "
              "the safer choice: ask your database administrator for one.",
        "zh": "注意：用户“{user}”可以修改该数据库中的数据或表结构。本应用只读取数据"
              "（会话为只读），但只能执行 SELECT 的用户更安全：请向数据库管理员申请这样的用户。",
    },
    "conn.error.other": {
        "en": "The database {target} reported an error: {detail}",
        "zh": "数据库 {target} 报告了一个错误：{detail}",
    },
})


class ConnectionError_(i18n.LocalizedError):  # noqa: N801 (the builtin name is taken)
    """A connection or query problem; ``code`` is one of ``unreachable``, ``auth``,
    ``unknown_database``, ``table_missing``, ``timeout``, ``cancelled``, ``permission``,
    ``type_mismatch``, ``not_read_only``, ``forbidden_function``, ``too_many_rows``,
    ``bad_spec``, ``bad_identifier``, ``file_no_folders``, ``file_not_allowed``,
    ``file_workspace``,
    ``file_system``, ``file_missing``, ``dialect_missing``, ``other``.

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
        for name in ("host", "database", "user"):
            value = getattr(self, name)
            if value is not None and _CONTROL.search(str(value)):
                raise ConnectionError_("bad_spec", detail=f"the {name} holds a control character")
        if self.schema is not None:
            validate_identifier(self.schema, "schema")

    def target(self) -> tuple:
        """Where a password goes: driver, host, port (the default one filled in), database,
        user. A saved password may only be sent to exactly this target."""
        return (self.driver, (self.host or "").lower(),
                self.port or _DEFAULT_PORT.get(self.driver), self.database or "",
                self.user or "", self.url_text or "")

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


_WHAT_ZH = {"schema": "schema", "table": "表"}


def validate_identifier(name: str, what: str = "schema") -> str:
    """``name`` if it is a plain schema / table name, else :class:`ConnectionError_`
    ``bad_identifier`` (letters of any script, digits, ``_``, ``$``; not starting
    with a digit; at most 63 characters)."""
    text = str(name)
    if len(text) > _MAX_IDENTIFIER or not _IDENTIFIER.fullmatch(text):
        raise ConnectionError_("bad_identifier", name=_CONTROL.sub("?", text)[:80], what=what,
                               what_zh=_WHAT_ZH.get(what, what))
    return text


def allowed_folders(configured: Iterable[str | os.PathLike] | None = None, *,
                    environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The folders database files may be opened from, resolved (symlinks, ``..``).

    ``configured`` is the ``[database] allowed_folders`` list of ``secrets.toml``;
    the ``SEG_DB_FOLDERS`` environment variable adds more (``os.pathsep``
    separated). Relative folders are refused (they would depend on the working
    directory); none configured means no file may be opened.
    """
    environ = os.environ if environ is None else environ
    entries = [str(c) for c in (configured or []) if str(c).strip()]
    entries += [e for e in environ.get(DB_FOLDERS_ENV, "").split(os.pathsep) if e.strip()]
    out: list[Path] = []
    for entry in entries:
        path = Path(os.path.expanduser(entry.strip()))
        if path.is_absolute():
            resolved = path.resolve()
            if resolved not in out:
                out.append(resolved)
    return tuple(out)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_database_file(path: str, folders: Sequence[Path], *,
                        refused: Sequence[Path] = ()) -> Path:
    """The resolved path of a SQLite / DuckDB file that may be opened.

    The path is resolved (symlinks, ``..``, relative to the working directory);
    both the path as given and the resolved one must stay out of ``/proc``,
    ``/dev`` and ``/sys``, the resolved one must lie inside one of ``folders``
    (see :func:`allowed_folders`) and be a regular file.

    Raises
    ------
    ConnectionError_
        ``file_system``, ``file_no_folders``, ``file_workspace`` (inside one of
        ``refused``: the app's own workspace), ``file_not_allowed`` or ``file_missing``.
    """
    shown = _CONTROL.sub("?", str(path))[:300]
    given = Path(os.path.abspath(os.path.expanduser(str(path))))
    try:
        resolved = given.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise ConnectionError_("file_missing", path=shown) from None
    if any(_within(p, system) for p in (given, resolved) for system in _SYSTEM_FOLDERS):
        raise ConnectionError_("file_system", path=shown)
    if not folders:
        raise ConnectionError_("file_no_folders", path=shown)
    if any(_within(resolved, Path(folder).resolve()) for folder in refused):
        raise ConnectionError_("file_workspace", path=shown)
    if not any(_within(resolved, folder) for folder in folders):
        raise ConnectionError_("file_not_allowed", path=shown,
                               folders=", ".join(str(f) for f in folders))
    if not resolved.is_file():
        raise ConnectionError_("file_missing", path=shown)
    return resolved


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


def open_engine(spec: ConnectionSpec, *, statement_timeout_s: float = 30,
                folders: Sequence[Path] | None = None,
                refused: Sequence[Path] = ()) -> sa.Engine:
    """A read-only engine (where the dialect allows) with a statement time limit.

    PostgreSQL: ``default_transaction_read_only`` and ``statement_timeout`` as
    connection options, the schema set with ``set_config('search_path', %s)`` (a
    bound parameter); a connection returning to the pool is rolled back and reset
    with ``DISCARD ALL`` (advisory locks, settings, prepared statements, temporary
    tables), then the search path is set again. MariaDB / MySQL: ``SET SESSION
    TRANSACTION READ ONLY`` and ``max_statement_time`` (MariaDB, seconds) /
    ``max_execution_time`` (MySQL, milliseconds, SELECT only) on every new
    connection, ``RELEASE_ALL_LOCKS()`` on return to the pool. SQLite: opened with
    ``mode=ro``; DuckDB: ``read_only`` with ``enable_external_access=false`` and a
    locked configuration (no ``read_text``, ``glob``, ``ATTACH``, ``COPY``,
    extensions). Files are opened only from ``folders`` (default: the
    ``SEG_DB_FOLDERS`` environment variable), never from ``refused`` (the
    workspace); see :func:`check_database_file`.
    Connections are checked before use (``pool_pre_ping``). Nothing connects
    until first use.

    Raises
    ------
    ConnectionError_
        ``dialect_missing``, or a ``file_*`` code for a file that may not be opened.
    """
    timeout_ms = max(1, int(round(statement_timeout_s * 1000)))
    if spec.driver == "other":
        try:
            return sa.create_engine(spec.url(), pool_pre_ping=True)
        except (sa.exc.NoSuchModuleError, ImportError):
            raise ConnectionError_("dialect_missing",
                                   dialect=spec.url().get_backend_name()) from None
    if spec.driver == "postgresql":
        return _postgres_engine(spec, timeout_ms)
    if spec.driver in ("mysql", "mariadb"):
        return _mysql_engine(spec, timeout_ms)
    try:
        path = check_database_file(spec.database,
                                   allowed_folders() if folders is None else tuple(folders),
                                   refused=refused)
    except ConnectionError_ as err:
        if err.code != "file_missing":
            raise
        raise ConnectionError_("unknown_database", database=err.params["path"],
                               target=spec.safe_label()) from None
    if spec.driver == "sqlite":
        # a URI with the path percent-encoded: a "?" or "#" in the name cannot add parameters
        url = sa.URL.create("sqlite", database="file:" + quote(str(path), safe="/"),
                            query={"mode": "ro", "uri": "true"})
        return sa.create_engine(url, pool_pre_ping=True)
    # duckdb: no file, network or extension access besides the database itself
    connect_args: dict[str, Any] = {"read_only": True, "config": {
        "enable_external_access": False, "lock_configuration": True}}
    engine = sa.create_engine(sa.URL.create("duckdb", database=str(path)), pool_pre_ping=True,
                              connect_args=connect_args)
    if spec.schema:
        schema = validate_identifier(spec.schema, "schema")

        @event.listens_for(engine, "connect")
        def _schema(dbapi_conn, _record) -> None:
            dbapi_conn.execute("SET schema = ?", [schema])

    return engine


def _postgres_engine(spec: ConnectionSpec, timeout_ms: int) -> sa.Engine:
    # the options hold only fixed text and a number: nothing the user typed
    options = f"-c default_transaction_read_only=on -c statement_timeout={int(timeout_ms)}"
    engine = sa.create_engine(spec.url(), pool_pre_ping=True, connect_args={
        "options": options, "connect_timeout": _CONNECT_TIMEOUT_S})
    search_path = None
    if spec.schema:
        search_path = engine.dialect.identifier_preparer.quote_identifier(
            validate_identifier(spec.schema, "schema"))

    def _set_search_path(dbapi_conn) -> None:
        if search_path is not None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT set_config('search_path', %s, false)", (search_path,))
            dbapi_conn.commit()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        _set_search_path(dbapi_conn)

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_conn, _record, state) -> None:
        if state.terminate_only:
            return
        dbapi_conn.rollback()
        dbapi_conn.autocommit = True
        try:
            with dbapi_conn.cursor() as cur:  # session advisory locks, settings, temp tables
                cur.execute("DISCARD ALL")
        finally:
            dbapi_conn.autocommit = False
        _set_search_path(dbapi_conn)

    return engine


def _mysql_engine(spec: ConnectionSpec, timeout_ms: int) -> sa.Engine:
    engine = sa.create_engine(spec.url(), pool_pre_ping=True,
                              connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            mariadb = "mariadb" in str(cur.fetchone()[0]).lower()
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            if mariadb:
                cur.execute("SET SESSION max_statement_time = %s", (timeout_ms / 1000,))
            else:
                cur.execute("SET SESSION max_execution_time = %s", (int(timeout_ms),))

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_conn, _record, state) -> None:
        if state.terminate_only:
            return
        dbapi_conn.rollback()
        with dbapi_conn.cursor() as cur:  # GET_LOCK() locks outlive the transaction
            cur.execute("SELECT RELEASE_ALL_LOCKS()")

    return engine


def check_connection(spec: ConnectionSpec, *, statement_timeout_s: float = 30,
                     folders: Sequence[Path] | None = None,
                     refused: Sequence[Path] = ()) -> list[str]:
    """The tables and views the connection sees (in ``spec.schema`` if set), sorted.

    Raises :class:`ConnectionError_` (see :func:`classify_error`) when it cannot connect.
    """
    engine = open_engine(spec, statement_timeout_s=statement_timeout_s, folders=folders,
                         refused=refused)
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


# --- what the connected user may do ---------------------------------------------------------

_PG_RISKS = """
SELECT
  COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles
             WHERE rolname IN ('pg_read_server_files', 'pg_write_server_files',
                               'pg_execute_server_program')
               AND pg_has_role(current_user, oid, 'MEMBER')),
  has_database_privilege(current_database(), 'CREATE')
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND left(n.nspname, 3) <> 'pg_'
               AND has_schema_privilege(n.oid, 'CREATE'))
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND left(n.nspname, 3) <> 'pg_'
               AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
"""
_MYSQL_SUPER = {"SUPER", "FILE", "SHUTDOWN", "PROCESS", "CREATE USER", "GRANT OPTION"}
_MYSQL_WRITE = {"INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX", "TRIGGER",
                "CREATE VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "REFERENCES",
                "CREATE TEMPORARY TABLES", "DELETE HISTORY", "EXECUTE"}


def _mysql_risks(grants: Iterable[str]) -> set[str]:
    risks: set[str] = set()
    for line in grants:
        match = re.match(r"\s*GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s", line, re.IGNORECASE)
        if not match:
            continue  # a role granted to the user, or something else
        privileges = {p.strip().upper() for p in
                      re.sub(r"\([^)]*\)", "", match.group(1)).split(",")}
        everywhere = match.group(2).replace("`", "") == "*.*"
        if "ALL PRIVILEGES" in privileges or "ALL" in privileges:
            risks.update(("superuser", "can_write") if everywhere else ("can_write",))
        if privileges & _MYSQL_SUPER:
            risks.add("superuser")
        if privileges & _MYSQL_WRITE:
            risks.add("can_write")
    return risks


def role_risks(engine: sa.Engine) -> tuple[str, ...]:
    """What the connected user may do beyond reading: ``"superuser"`` (PostgreSQL
    ``rolsuper`` or a server-files role; MariaDB / MySQL ``ALL PRIVILEGES ON *.*``,
    ``SUPER``, ``FILE`` …) and ``"can_write"`` (may change data or create tables).

    Empty for SQLite / DuckDB files (opened read-only), for other dialects, and
    when the question cannot be answered. Messages: ``conn.risk.<code>`` (``user``).
    """
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                superuser, can_write = conn.exec_driver_sql(_PG_RISKS).one()
                risks = {name for name, flag in (("superuser", superuser),
                                                 ("can_write", can_write)) if flag}
            elif engine.dialect.name in ("mysql", "mariadb"):
                risks = _mysql_risks(str(r[0]) for r in conn.exec_driver_sql("SHOW GRANTS"))
            else:
                return ()
    except Exception:  # noqa: BLE001 - a warning we cannot give is no reason to fail
        return ()
    return tuple(code for code in ("superuser", "can_write") if code in risks)


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
    1969: "timeout", 3024: "timeout", 1205: "timeout", 1317: "cancelled",
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
    (r"interrupt error|canceling statement due to user request", "cancelled"),
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
    if sqlstate == "57014" and "user request" in str(orig).lower():
        return "cancelled"  # a cancel request, not the statement time limit
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
        from urllib.parse import quote_plus

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


def _strip(sql: str, *, mysql: bool, names: bool = False) -> str | None:
    """``sql`` with literals, quoted names and comments blanked; ``None`` if unterminated
    or if it holds a MySQL executable comment (``/*! ... */``).

    With ``names``, a quoted name (``"x"``, or ```x``` for MySQL) keeps its text, so
    that ``"pg_read_file"(…)`` is seen as a call of ``pg_read_file``."""
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
            name = sql[i + 1:j].replace(ch * 2, ch)
            i = j + 1
            if ch == "'":
                out.append(" 0 ")
            elif names and ch == ("`" if mysql else '"'):
                out.append(f" {name} ")
            else:
                out.append(" q ")
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


#: Functions a user's SELECT may not call: they act on the server (other sessions, locks,
#: files, settings, replication) or run a query given as text. PostgreSQL, MariaDB /
#: MySQL, DuckDB and SQLite names; matched on the call (``name(``), quoted or not.
_DENIED_FUNCTION = re.compile(r"""(
    pg_(terminate|cancel)_backend | pg_reload_conf | pg_rotate_logfile | pg_switch_wal
  | pg_promote | pg_create_restore_point | pg_log_backend_memory_contexts
  | pg_(try_)?advisory_\w+ | pg_read_(binary_)?file | pg_stat_file | pg_ls_\w+ | pg_file_\w+
  | pg_logdir_ls | lo_\w+ | loread | lowrite | dblink\w* | set_config | pg_notify
  | query_to_xml\w* | cursor_to_xml\w* | ts_stat | ts_rewrite
  | pg_\w*replication\w* | pg_logical_\w+ | pg_(start|stop)_backup | pg_backup_(start|stop)
  | pg_wal_replay_\w+ | pg_import_system_collations
  | load_file | get_lock | release_lock | release_all_locks | master_pos_wait
  | source_pos_wait | sys_exec | sys_eval
  | read_\w+ | glob | parquet_\w+ | sniff_csv | sqlite_(scan|attach) | postgres_\w+
  | mysql_\w+ | iceberg_\w+ | delta_scan | getenv | duckdb_secrets | load_extension
  | readfile | writefile | fts3_tokenizer
)""", re.VERBOSE)
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*)\s*\(")


def _denied_call(sql: str) -> str | None:
    """The first function of :data:`_DENIED_FUNCTION` that ``sql`` calls, if any."""
    for mysql in (False, True):
        code = _strip(sql, mysql=mysql, names=True)
        if code is None:
            continue
        for match in _CALL.finditer(code):
            if _DENIED_FUNCTION.fullmatch(match.group(1).lower()):
                return match.group(1).lower()
    return None


def vet_user_query(sql: str) -> str:
    """``sql`` if it is one plain SELECT that calls no denied function.

    Raises
    ------
    ConnectionError_
        ``forbidden_function`` (naming the function: advisory locks,
        ``pg_terminate_backend``, ``pg_read_file``, ``lo_import``, ``LOAD_FILE``,
        DuckDB's ``read_text`` / ``glob`` …) or ``not_read_only``.
    """
    if isinstance(sql, str) and (name := _denied_call(sql)) is not None:
        raise ConnectionError_("forbidden_function", function=name)
    if not is_read_only_query(sql):
        raise ConnectionError_("not_read_only")
    return sql


def is_read_only_query(sql: str) -> bool:
    """Whether ``sql`` is exactly one ``SELECT`` / ``WITH … SELECT`` that changes nothing.

    Rejects other statements (INSERT, UPDATE, DELETE, DDL, …), several statements,
    ``SELECT … INTO``, locking clauses (``FOR UPDATE`` / ``FOR SHARE``), data-modifying
    CTEs, MySQL executable comments and calls of the functions
    :func:`vet_user_query` names. String literals, quoted names and comments are
    ignored; the text must read the same under PostgreSQL and MySQL quoting rules.
    A check for a friendly message, not a sandbox: the read-only session of
    :func:`open_engine` is the guard.
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
        if not mysql and re.search(r"\bu&\s*q\b", code, re.IGNORECASE):
            return False  # U&"..." names with escapes would hide a function's name
    return _denied_call(sql) is None


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
        vet_user_query(query)
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
