"""The company's own database as a data source: table choices, column mapping, checks.

A connected database is never copied: each canonical table (see
:mod:`segmentation.schema`) is *a table or view* of the database, or *one
read-only SELECT*, plus a column mapping (canonical column -> the database's
column). :meth:`DatabaseMapping.table_names` turns that into selectables whose
columns carry the canonical names, which every query of the library accepts in
its ``table_names`` argument, so the customer view, the overview cubes, churn,
satisfaction and the customer history all run *inside* the database and only
their per-customer (or per-day) results travel.

- :func:`source_columns` reads the columns and a few example rows of a choice;
  :func:`suggest_columns` and :func:`suggest_tables` pre-fill the mapping from
  the header aliases.
- :func:`check_mapping` validates a mapping against the database (tables
  exist, required columns mapped, types right) and returns a
  :class:`DatabaseSummary` (rows, date range, customers, branches).
- :class:`ConnectionStore` keeps named connections and their mappings in the
  workspace folder; a password is only written there when asked for.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from . import i18n
from .cleaning import zh_name as _zh_name
from .connections import (
    DEFAULT_ROW_LIMIT,
    ConnectionError_,
    ConnectionSpec,
    classify_error,
    user_select,
    validate_identifier,
    vet_user_query,
)
from .locking import file_lock
from .schema import COLUMN_KINDS, REQUIRED, TABLES, columns_of, normalize_header
from .sources import suggest_mapping
from .sql import day_of, find_tables
from .storage import atomic_write

__all__ = [
    "ConnectionStore",
    "DatabaseMapping",
    "DatabaseSummary",
    "SavedConnection",
    "TableChoice",
    "check_mapping",
    "source_columns",
    "suggest_columns",
    "suggest_tables",
]

#: Example rows read per table to show the columns and check their types.
SAMPLE_ROWS = 200
#: Above this many rows a table's raw rows are not read into the app.
RAW_ROW_LIMIT = DEFAULT_ROW_LIMIT
#: Above this many distinct customer ids the mapping is refused: one row per customer
#: travels to the app, and this many usually means customer_id is mapped to a shipment number.
MAX_CUSTOMERS = 5_000_000

i18n.register({
    "conn.error.mapping_incomplete": {
        "en": "The {table_en} table is chosen but not every required column is mapped: choose "
              "the database column for {columns}.",
        "zh": "已选择{table_zh}表，但必需的列尚未全部映射：请为 {columns_zh} 选择数据库中的列。",
    },
    "conn.error.need_transactions": {
        "en": "Choose the table (or write a SELECT) that holds the transactions: it is the one "
              "table every page needs.",
        "zh": "请选择存放交易明细的表（或编写一条 SELECT）：这是每个页面都需要的表。",
    },
    "conn.error.column_missing": {
        "en": "The {table_en} source has no column “{source}” (mapped to {column}). Choose "
              "another column in the mapping; the table may have changed.",
        "zh": "{table_zh}数据源中没有列“{source}”（映射为 {column_zh}）。请在列映射中重新选择；"
              "该表的结构可能已变化。",
    },
    "conn.error.wrong_type": {
        "en": "Column “{source}” of the {table_en} source ({column}) holds {found}, for example "
              "“{example}”, but {expected} are needed. Map another column, or choose “Write a "
              "SELECT” and convert it there, e.g. {cast}.",
        "zh": "{table_zh}数据源的列“{source}”（{column_zh}）存放的是{found_zh}，例如“{example}”，"
              "而这里需要{expected_zh}。请映射其他列，"
              "或改用“编写 SELECT”并在其中转换，例如 {cast}。",
    },
    "conn.error.too_many_raw_rows": {
        "en": "The {table_en} source has {rows:,} rows; this page reads them one by one and "
              "stops above {limit:,} to keep the app responsive. Choose “Write a SELECT” for it "
              "on the Data page and keep the rows this analysis needs (e.g. the last two years).",
        "zh": "{table_zh}数据源共有 {rows:,} 行；本页面需要逐行读取，超过 {limit:,} 行即停止，"
              "以保证应用响应速度。请在“数据管理”页面为它改用“编写 SELECT”，"
              "只保留分析所需的行（例如最近两年）。",
    },
    "conn.error.too_many_customers": {
        "en": "The transactions source has {customers:,} different customer ids, more than "
              "{limit:,}. Check that the customer ID is mapped to the customer's number and not "
              "to a shipment or order number; or narrow the data with a SELECT.",
        "zh": "交易明细数据源共有 {customers:,} 个不同的客户编号，超过 {limit:,}。"
              "请检查“客户编号”是否映射到了客户的编号，而不是运单号或订单号；"
              "也可以用 SELECT 缩小数据范围。",
    },
    "conn.error.no_rows": {
        "en": "The transactions source returns no rows with a date. Check the table or the "
              "WHERE condition of the SELECT.",
        "zh": "交易明细数据源没有任何带日期的行。请检查所选的表或 SELECT 中的 WHERE 条件。",
    },
    "conn.error.password_needed": {
        "en": "The password of the connection “{name}” is not saved. Open the Data page, choose "
              "the connection and enter the password.",
        "zh": "连接“{name}”的密码没有保存。请打开“数据”页面，选择该连接并输入密码。",
    },
    "conn.error.bad_table": {
        "en": "The table name “{name}” cannot be chosen directly: only letters, digits and _ "
              "are accepted (a schema may come first, as in sales.orders). Choose “Write a "
              "SELECT” instead and select from the table there, in the database's own quoting.",
        "zh": "表名“{name}”不能直接选择：只接受字母、数字和下划线"
              "（可在前面加 schema，例如 sales.orders）。请改用“编写 SELECT”，"
              "在查询中按数据库自己的引号规则从该表读取。",
    },
    "conn.error.password_again": {
        "en": "The saved password of “{name}” is only sent to {target}, the server, port, "
              "database and user it was saved for. You changed one of them: enter the "
              "password again.",
        "zh": "“{name}”保存的密码只会发送到保存时的 {target}（服务器、端口、数据库和用户）。"
              "您修改了其中某项：请重新输入密码。",
    },
    "conn.error.no_name": {
        "en": "Give the connection a name before saving it.",
        "zh": "保存前请为该连接命名。",
    },
})

_KIND_TEXT = {
    "date": ("dates", "日期"),
    "number": ("numbers", "数字"),
    "text": ("text", "文本"),
}
_CAST = {"date": "CAST({c} AS DATE)", "number": "CAST({c} AS DECIMAL(18, 2))"}

#: Table names that suggest a canonical table (compared after normalize_header).
TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "transactions": ("transactions", "transaction", "orders", "order", "shipments", "shipment",
                     "sales", "invoices", "waybills", "parcels", "交易", "交易明细", "订单",
                     "运单", "寄件", "发货"),
    "customers": ("customers", "customer", "clients", "client", "members", "客户", "客户资料",
                  "客户信息", "会员"),
    "surveys": ("surveys", "survey", "satisfaction", "feedback", "csat", "nps", "满意度",
                "满意度调查", "调查", "问卷"),
    "complaints": ("complaints", "complaint", "tickets", "claims", "投诉", "投诉记录", "工单"),
}


def _table_words(table: str) -> tuple[str, str]:
    return i18n.t(f"table.{table}", "en"), i18n.t(f"table.{table}", "zh")


def _err(code: str, table: str | None = None, **params: object) -> ConnectionError_:
    if table is not None:
        params["table_en"], params["table_zh"] = _table_words(table)
    return ConnectionError_(code, **params)


# --------------------------------------------------------------------------- choices


def _check_table_name(name: str) -> None:
    """``schema.table`` or ``table`` of plain names, else ``bad_table``."""
    try:
        for part in str(name).split("."):
            validate_identifier(part, "table")
    except ConnectionError_:
        shown = "".join(ch if ch.isprintable() else "?" for ch in str(name))[:80]
        raise ConnectionError_("bad_table", name=shown) from None


def usable_table_name(name: str) -> bool:
    """Whether ``name`` can be chosen as a table (else: select from it in a SELECT)."""
    try:
        _check_table_name(name)
    except ConnectionError_:
        return False
    return True


@dataclass(frozen=True)
class TableChoice:
    """Where one canonical table comes from: a table / view, or one read-only SELECT.

    ``columns`` maps canonical columns to the source's columns; canonical
    columns left out are absent. ``table`` may be schema-qualified.
    """

    table: str | None = None
    query: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ValueError("a TableChoice needs exactly one of table and query")
        if self.query is not None:
            vet_user_query(self.query)
        if self.table is not None:
            _check_table_name(self.table)
        object.__setattr__(self, "columns", {k: v for k, v in dict(self.columns).items() if v})

    def base(self, names: Iterable[str] | None = None) -> sa.FromClause:
        """The source as it is in the database, with the columns ``names`` declared."""
        names = list(dict.fromkeys(names if names is not None else self.columns.values()))
        if self.table is not None:
            schema, _, table = self.table.rpartition(".")
            return sa.table(table, *(sa.column(n) for n in names), schema=schema or None)
        return user_select(self.query).columns(*(sa.column(n) for n in names)).subquery("q")

    def selectable(self, canonical: str) -> sa.Subquery:
        """``SELECT <source column> AS <canonical column>, ... FROM <source>``."""
        base = self.base()
        return (sa.select(*(base.c[src].label(col) for col, src in self.columns.items()))
                .select_from(base).subquery(canonical))

    def to_json(self) -> dict:
        return {"table": self.table, "query": self.query, "columns": dict(self.columns)}

    @classmethod
    def from_json(cls, data: Mapping) -> TableChoice:
        return cls(table=data.get("table"), query=data.get("query"),
                   columns=dict(data.get("columns") or {}))


@dataclass(frozen=True)
class DatabaseMapping:
    """Canonical table -> :class:`TableChoice`; ``transactions`` is required for use."""

    tables: Mapping[str, TableChoice] = field(default_factory=dict)

    def table_names(self) -> dict[str, sa.FromClause | None]:
        """The ``table_names`` argument of the library's queries.

        Tables that are not chosen map to ``None``: they are absent, even if the
        database happens to hold a table with the canonical name.
        """
        return {name: (self.tables[name].selectable(name) if name in self.tables else None)
                for name in TABLES}

    def fingerprint(self) -> str:
        """A short stable hash of the mapping, for cache keys."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        return {name: self.tables[name].to_json() for name in TABLES if name in self.tables}

    @classmethod
    def from_json(cls, data: Mapping) -> DatabaseMapping:
        return cls({name: TableChoice.from_json(data[name]) for name in TABLES if name in data})


# --------------------------------------------------------------------------- reading the schema


def source_columns(engine: sa.Engine, choice: TableChoice, spec: ConnectionSpec, *,
                   rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of a table or SELECT, with all its columns (for a preview,
    the mapping choices and the type check).

    Raises :class:`ConnectionError_` with a clear message on any database error.
    """
    if choice.table is not None:
        schema, _, table = choice.table.rpartition(".")
        source: sa.FromClause = sa.table(table, schema=schema or None)
    else:
        source = user_select(choice.query).columns().subquery("q")
    query = sa.select(sa.text("*")).select_from(source).limit(rows)
    try:
        with engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=[str(k) for k in result.keys()])
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None


def suggest_columns(table: str, headers: Iterable[str]) -> dict[str, str]:
    """Canonical column -> source column, pre-filled from the header aliases."""
    return {canonical: header for header, canonical in suggest_mapping(list(headers),
                                                                       table).items()}


def suggest_tables(names: Iterable[str]) -> dict[str, str]:
    """Canonical table -> the database table whose name suggests it (first match wins)."""
    index: dict[str, str] = {}
    for canonical, variants in TABLE_ALIASES.items():
        for variant in variants:
            index.setdefault(normalize_header(variant), canonical)
    out: dict[str, str] = {}
    for name in names:
        canonical = index.get(normalize_header(str(name).rpartition(".")[2]))
        if canonical is not None:
            out.setdefault(canonical, name)
    return out


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class DatabaseSummary:
    """What :func:`check_mapping` learnt: rows per mapped table, dates, customers, branches."""

    rows: Mapping[str, int]
    date_min: str
    date_max: str
    n_customers: int
    n_branches: int


def _kind_of(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "number"
    if isinstance(value, dt.date | pd.Timestamp):
        return "date"
    if isinstance(value, int | float | decimal.Decimal):
        return "number"
    return "text"


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([ T].*)?$")


def _iso_day(value: object) -> bool:
    """An ISO date text, as SQLite stores dates (``2024-05-01`` or ``2024-05-01 10:00``)."""
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _check_types(table: str, choice: TableChoice, sample: pd.DataFrame, dialect: str) -> None:
    for column, source in choice.columns.items():
        if source not in sample.columns:
            raise _err("column_missing", table, source=source, column=column,
                       column_zh=_zh_name(column))
        expected = COLUMN_KINDS.get(column, "text")
        if expected not in ("date", "number"):
            continue
        values = [v for v in sample[source].tolist() if _kind_of(v) is not None]
        bad = next((v for v in values if _kind_of(v) != expected
                    and not (expected == "date" and dialect == "sqlite" and _iso_day(v))), None)
        if bad is None:
            continue
        found = _kind_of(bad)
        raise _err("wrong_type", table, source=source, column=column,
                   column_zh=_zh_name(column), example=str(bad)[:40],
                   found=_KIND_TEXT[found][0], found_zh=_KIND_TEXT[found][1],
                   expected=_KIND_TEXT[expected][0], expected_zh=_KIND_TEXT[expected][1],
                   cast=_CAST[expected].format(c=source))


def check_mapping(engine: sa.Engine, spec: ConnectionSpec,
                  mapping: DatabaseMapping) -> DatabaseSummary:
    """Validate ``mapping`` against the database and summarise the data.

    Checks, in order: a transactions source is chosen; each chosen source has
    its required columns mapped; each source can be read (a few rows) and has
    the mapped columns with the right types (dates, numbers). Then counts rows
    per table, the transaction date range, customers and branches, inside the
    database (one aggregate per table).

    Raises
    ------
    ConnectionError_
        ``need_transactions``, ``mapping_incomplete``, ``column_missing``,
        ``wrong_type``, ``type_mismatch``, ``no_rows``, ``too_many_customers`` or any code of
        :func:`classify_error` (unreachable, auth, table_missing, timeout, ...).
    """
    if "transactions" not in mapping.tables:
        raise _err("need_transactions")
    for table, choice in mapping.tables.items():
        missing = [c for c in REQUIRED[table] if c not in choice.columns]
        if missing:
            raise _err("mapping_incomplete", table, columns=", ".join(missing),
                       columns_zh="、".join(_zh_name(c) for c in missing))
        unknown = [c for c in choice.columns if c not in columns_of(table)]
        if unknown:
            raise ValueError(f"unknown columns for {table}: {unknown}")
    for table, choice in mapping.tables.items():
        sample = source_columns(engine, choice, spec)
        _check_types(table, choice, sample, engine.dialect.name)
    tables = find_tables(None, mapping.table_names())
    try:
        with engine.connect() as conn:
            rows = {name: int(conn.execute(sa.select(sa.func.count()).select_from(src))
                              .scalar_one()) for name, src in tables.items()}
            tx = tables["transactions"]
            first, last, customers = conn.execute(sa.select(
                sa.func.min(day_of(tx.c.date)), sa.func.max(day_of(tx.c.date)),
                sa.func.count(sa.distinct(tx.c.customer_id)))).one()
            branch_source = next((src for name in ("customers", "transactions")
                                  if (src := tables.get(name)) is not None and "branch" in src.c),
                                 None)
            branches = 0 if branch_source is None else int(conn.execute(
                sa.select(sa.func.count(sa.distinct(branch_source.c.branch)))).scalar_one())
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None
    if first is None or last is None:
        raise _err("no_rows")
    if int(customers) > MAX_CUSTOMERS:
        raise _err("too_many_customers", customers=int(customers), limit=MAX_CUSTOMERS)
    return DatabaseSummary(rows=rows, date_min=pd.Timestamp(first).date().isoformat(),
                           date_max=pd.Timestamp(last).date().isoformat(),
                           n_customers=int(customers), n_branches=branches)


def guard_raw_rows(rows: Mapping[str, int], table: str, *, limit: int | None = None) -> None:
    """Refuse to pull a table's raw rows into the app when it has more than ``limit``
    (default :data:`RAW_ROW_LIMIT`)."""
    limit = RAW_ROW_LIMIT if limit is None else limit
    n = int(rows.get(table, 0))
    if n > limit:
        raise _err("too_many_raw_rows", table, rows=n, limit=limit)


# --------------------------------------------------------------------------- saved connections


@dataclass(frozen=True)
class SavedConnection:
    """A named connection: its settings (password only if it was asked to be kept)
    and its table mapping."""

    name: str
    spec: ConnectionSpec | None
    mapping: DatabaseMapping
    has_password: bool = False


class ConnectionStore:
    """Named connections and mappings in ``<workspace>/connections.json`` (mode 0600).

    Connections from ``secrets.toml`` keep only their mapping here (``spec`` is
    ``None``); their credentials stay in the secrets file.
    """

    FILE = "connections.json"

    def __init__(self, folder: str | Path):
        self.path = Path(folder) / self.FILE

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict) -> None:
        # created 0600 from the start: it may hold passwords
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode(),
                     mode=0o600)

    def names(self) -> list[str]:
        """Names of the connections entered in the app (not the secrets ones)."""
        return sorted(n for n, entry in self._load().items() if entry.get("spec"))

    def get(self, name: str) -> SavedConnection | None:
        entry = self._load().get(name)
        if entry is None:
            return None
        spec_data = entry.get("spec")
        spec = ConnectionSpec(**spec_data) if spec_data else None
        return SavedConnection(name, spec, DatabaseMapping.from_json(entry.get("mapping") or {}),
                               has_password=bool(spec_data and spec_data.get("password")))

    def save(self, name: str, spec: ConnectionSpec | None, mapping: DatabaseMapping, *,
             keep_password: bool = False) -> None:
        """Save a connection entered in the app (``spec``) or a secrets connection's mapping
        (``spec=None``). The password is written only with ``keep_password``."""
        name = (name or "").strip()
        if not name:
            raise _err("no_name")
        entry: dict = {"mapping": mapping.to_json()}
        if spec is not None:
            fields = {"driver": spec.driver, "host": spec.host, "port": spec.port,
                      "database": spec.database, "user": spec.user, "schema": spec.schema}
            if keep_password and spec.password:
                fields["password"] = spec.password
            entry["spec"] = {k: v for k, v in fields.items() if v is not None}
        with file_lock(self.path):  # read-modify-write: two saves at once keep both
            data = self._load()
            data[name] = entry
            self._write(data)

    def delete(self, name: str) -> None:
        with file_lock(self.path):
            data = self._load()
            if data.pop(name, None) is not None:
                self._write(data)


# --------------------------------------------------------------------------- named connections


def read_secrets_file(path: str | Path) -> dict[str, dict]:
    """The ``[connections.<name>]`` blocks of a ``secrets.toml`` (``{}`` without the file).

    For the batch CLI; the app reads the same file through ``st.secrets``. A file
    that is not valid TOML raises :class:`ConnectionError_` (``bad_spec``) naming
    the file, never its content.
    """
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConnectionError_("bad_spec",
                               detail=f"{path} is not a readable TOML file ({type(exc).__name__})"
                               ) from None
    blocks = data.get("connections", {})
    return {str(n): dict(b) for n, b in blocks.items() if isinstance(b, dict)}


def named_connection(origin: str, name: str, *, store: ConnectionStore,
                     secrets: Mapping[str, Mapping]) -> tuple[ConnectionSpec | None,
                                                             DatabaseMapping]:
    """A ``"secrets"`` or ``"saved"`` connection: its spec and its saved mapping.

    The spec is ``None`` when a saved connection needs its password entered (it
    was saved without one); the mapping is empty when none was saved yet.
    """
    from .connections import spec_from_secrets

    saved = store.get(name if origin == "saved" else f"secrets:{name}")
    mapping = saved.mapping if saved is not None else DatabaseMapping()
    if origin == "secrets":
        block = secrets.get(name)
        if block is None:
            raise ConnectionError_("bad_spec", detail=f"no [connections.{name}] in secrets.toml")
        return spec_from_secrets(block), mapping
    if saved is None or saved.spec is None:
        raise ConnectionError_("bad_spec", detail=f"no saved connection named {name!r}")
    needs_password = saved.spec.driver not in ("sqlite", "duckdb") and not saved.has_password \
        and saved.spec.user
    return (None if needs_password else saved.spec), mapping


def reuse_password(saved: ConnectionSpec | None, typed: ConnectionSpec, *,
                   name: str) -> ConnectionSpec:
    """``typed`` with the saved password filled in, when the password field was left empty.

    A saved password is only ever sent to the target it was saved for: the same
    driver, host, port, database and user (:meth:`ConnectionSpec.target`). When
    any of them changed, the password must be typed again.

    Raises
    ------
    ConnectionError_
        ``password_again`` when ``typed`` has no password, ``saved`` has one, and
        the targets differ.
    """
    if typed.password or saved is None or not saved.password:
        return typed
    if saved.target() != typed.target():
        raise ConnectionError_("password_again", name=name, target=saved.safe_label())
    return replace(typed, password=saved.password)


def read_allowed_folders(path: str | Path) -> list[str]:
    """``[database] allowed_folders`` of a ``secrets.toml`` (``[]`` without it), for the CLI;
    the app reads the same key through ``st.secrets``."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    folders = (data.get("database") or {}).get("allowed_folders") or []
    return [str(f) for f in folders] if isinstance(folders, list) else []


def guess_mapping(engine: sa.Engine, spec: ConnectionSpec) -> DatabaseMapping:
    """A mapping guessed from the table and column names (aliases), for a first connect.

    An optional table whose required columns are not all recognised is left out
    (the user can still map it by hand); transactions stay in, so that
    :func:`check_mapping` names what is missing.
    """
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = inspector.get_table_names(schema=spec.schema) + \
                inspector.get_view_names(schema=spec.schema)
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None
    tables = {}
    for canonical, table in suggest_tables(n for n in names if usable_table_name(n)).items():
        sample = source_columns(engine, TableChoice(table=table), spec, rows=1)
        columns = suggest_columns(canonical, sample.columns)
        if canonical == "transactions" or all(c in columns for c in REQUIRED[canonical]):
            tables[canonical] = TableChoice(table=table, columns=columns)
    return DatabaseMapping(tables)
