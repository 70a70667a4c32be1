"""Where each canonical table comes from (:class:`TableChoice`,
:class:`DatabaseMapping`), the columns of a choice (:func:`source_columns`) and the
mapping pre-filled from the header and table aliases (:func:`suggest_columns`,
:func:`suggest_tables`, :func:`guess_mapping`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from ..connections import (
    ConnectionError_,
    ConnectionSpec,
    checked_for,
    classify_error,
    user_select,
    validate_identifier,
    vet_user_query,
)
from ..schema import REQUIRED, TABLES, normalize_header
from ..sources import suggest_mapping
from ..sql import fetch_spark

#: Example rows read per table to show the columns and check their types.
SAMPLE_ROWS = 200

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

    A SELECT is checked when the choice is made (it must pass the allowlist of
    :func:`vet_user_query` in some dialect) and again, fully, on the database by
    :func:`source_columns`; whatever runs it compiles it as the SQL regenerated from
    its checked tree in the engine's dialect (:func:`user_select`).

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

    A SELECT is checked on the database first (:func:`checked_for`: the login's rights,
    the schema's tables) and runs as the SQL regenerated from its checked tree.
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
            if choice.query is not None:  # rights and tables: known only on the database
                checked_for(conn, choice.query, schema=spec.schema, user=spec.user)
            result = conn.execute(query)
            if conn.dialect.name == "spark":  # dates arrive as text: typed from the metadata
                return fetch_spark(result)
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
