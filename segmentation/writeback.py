"""Scores written back to the database they came from: ``score --database NAME --write-table
TABLE``, the only write the product makes to a company database.

A network of 100 M customers is scored where its data lives, and the scores stay there
(the call lists of every branch are then ranked in the engine from that table,
:func:`segmentation.pushdown.call_lists_in_engine`). The rules:

- **opt-in**: only the CLI's ``--write-table`` writes, through the one writable engine
  (:func:`segmentation.connections.open_writer`); every read, page and custom SELECT keeps
  the read-only session and the checked single SELECT;
- **a plain name**: the table name is checked as an identifier
  (:func:`~segmentation.connections.validate_identifier`: letters, digits, ``_``) and
  written into the DDL and the INSERTs only as SQLAlchemy quotes it, never as text;
- **never over somebody else's table**: a table this module creates carries the column
  :data:`MARKER_COLUMN` holding :data:`MARKER` in every row. An existing table of the
  name is replaced only when it has that column and no row with another value in it (an
  empty table with the column is a write that stopped half-way). Any other table, view
  or a table without the column is left alone and the run stops with
  ``writeback.not_ours``. A user table with a column named ``seg_written_by`` holding
  only the text ``segmentation score`` would pass: that name and value are this
  product's.
- **in batches**: the rows go in ``INSERT … VALUES`` statements of
  :data:`WRITE_BATCH_ROWS` rows (multi-row VALUES on Spark, whose Thrift server runs one
  statement per call; ``executemany`` elsewhere), so no statement grows with the network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import i18n

__all__ = ["MARKER", "MARKER_COLUMN", "WRITE_BATCH_ROWS", "WriteBackError", "append_scores",
           "check_target", "write_scores"]

#: The column that marks a table as written by this product, and its value.
MARKER_COLUMN = "seg_written_by"
MARKER = "segmentation score"
#: Rows per INSERT statement.
WRITE_BATCH_ROWS = 2_000
#: Columns of the written table, in order (those the scores have), before ``as_of`` and
#: the marker: the batch contract's columns plus what an engine-side call list needs.
TABLE_COLUMNS: tuple[str, ...] = (
    "customer_id", "branch", "region", "recency_days", "frequency", "monetary_total",
    "tier", "rfm_segment", "churn_risk", "p_alive", "clv_12m", "status", "value_at_risk",
    "reason_codes", "risk_reasons", "cluster", "persona")


class WriteBackError(i18n.LocalizedError):
    """Scores that cannot be written back; ``code`` is ``not_ours``."""

    prefix = "writeback"


i18n.register({
    "writeback.not_ours": {
        "en": "The table “{table}” already exists and was not written by this product (it "
              "has no {marker} column, or rows another program wrote), so it was left as "
              "it is and nothing was written. Choose another name with --write-table.",
        "zh": "表“{table}”已存在，且不是本产品写入的（没有 {marker} 列，或含有其他程序写入的"
              "行），因此保持原样，未写入任何内容。请用 --write-table 换一个表名。",
    },
})


def _sql_type(values: pd.Series) -> sa.types.TypeEngine:
    if pd.api.types.is_bool_dtype(values):
        return sa.Boolean()
    if pd.api.types.is_numeric_dtype(values):
        return sa.Double()
    if pd.api.types.is_datetime64_any_dtype(values):
        return sa.DateTime()
    return sa.String(255) if values.name != "risk_reasons" else sa.Text()


def _is_ours(conn: sa.Connection, name: str) -> bool:
    """Whether the existing table ``name`` carries the marker column and only the marker
    in it."""
    columns = {str(c["name"]).lower(): str(c["name"]) for c in sa.inspect(conn).get_columns(name)}
    if MARKER_COLUMN not in columns:
        return False
    marker = sa.column(columns[MARKER_COLUMN])
    other = conn.execute(sa.select(marker).select_from(sa.table(name, marker))
                         .where(sa.or_(marker.is_(None), marker != MARKER)).limit(1)).first()
    return other is None


def check_target(conn: sa.Connection, table_name: str) -> bool:
    """Whether the table ``table_name`` exists (and was written by this product, so it may
    be replaced); ``False`` when there is none. Read-only: the CLI asks before scoring.

    Raises
    ------
    ConnectionError_
        ``bad_identifier``.
    WriteBackError
        ``not_ours`` for a view of that name, or a table this product did not write.
    """
    from .connections import validate_identifier

    name = validate_identifier(table_name, "table")
    inspector = sa.inspect(conn)
    if name.lower() in {v.lower() for v in inspector.get_view_names()}:
        raise WriteBackError("not_ours", table=name, marker=MARKER_COLUMN)
    if not inspector.has_table(name):
        return False
    if not _is_ours(conn, name):
        raise WriteBackError("not_ours", table=name, marker=MARKER_COLUMN)
    return True


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (NULL for a missing value)."""
    out = frame.astype(object).where(frame.notna(), None)
    records = out.to_dict("records")
    for row in records:
        for key, value in row.items():
            if isinstance(value, np.generic):
                row[key] = value.item()
            elif isinstance(value, pd.Timestamp):
                row[key] = value.to_pydatetime()
    return records


def write_scores(engine: sa.Engine, scores: pd.DataFrame, table_name: str, *, as_of,
                 batch_rows: int = WRITE_BATCH_ROWS, columns: Sequence[str] = TABLE_COLUMNS
                 ) -> int:
    """Write ``scores`` (the CLI's output frame, one row per customer) as the table
    ``table_name`` of ``engine``'s database/schema; returns the rows written.

    The table is created (or replaced, when this product wrote it: see the module
    docstring) with the columns of ``columns`` the frame has, ``as_of`` (DATE) and
    :data:`MARKER_COLUMN`.

    Raises
    ------
    ConnectionError_
        ``bad_identifier`` for a name that is not a plain identifier.
    WriteBackError
        ``not_ours`` when a table or view of that name exists that this product did not
        write.
    """
    from .connections import validate_identifier

    name = validate_identifier(table_name, "table")
    present = [c for c in columns if c in scores.columns]
    frame = scores[present].copy()
    frame["customer_id"] = frame["customer_id"].astype("str")
    day = pd.Timestamp(as_of).date()
    table = sa.Table(name, sa.MetaData(),
                     *(sa.Column(c, _sql_type(frame[c])) for c in present),
                     sa.Column("as_of", sa.Date()), sa.Column(MARKER_COLUMN, sa.String(40)),
                     quote=True)
    with engine.begin() as conn:
        if check_target(conn, name):
            table.drop(conn)
        table.create(conn)
        return _insert(conn, table, frame, day, batch_rows)


def _insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, day, batch_rows: int
            ) -> int:
    """INSERT ``frame``'s rows (with ``as_of`` and the marker) in batches; the rows written."""
    spark = conn.dialect.name == "spark"
    written = 0
    for start in range(0, len(frame), max(1, int(batch_rows))):
        rows = _records(frame.iloc[start:start + int(batch_rows)])
        for row in rows:
            row["as_of"] = day
            row[MARKER_COLUMN] = MARKER
        if spark:  # one statement per batch: multi-row VALUES
            conn.execute(sa.insert(table).values(rows))
        else:
            conn.execute(sa.insert(table), rows)
        written += len(rows)
    return written


def append_scores(engine: sa.Engine, scores: pd.DataFrame, table_name: str, *, as_of,
                  batch_rows: int = WRITE_BATCH_ROWS) -> int:
    """Add ``scores`` (more customers of the same run) to the table ``table_name`` that
    :func:`write_scores` created; returns the rows written. A network scored in buckets
    writes its first bucket with :func:`write_scores` and appends the others.

    The table's columns are written in its order (a column of ``scores`` the table lacks is
    left out, one the table has and ``scores`` lacks is NULL). The table must exist and
    carry the marker (:func:`check_target`).

    Raises
    ------
    WriteBackError
        ``not_ours`` when the table is not one this product wrote (or is missing).
    """
    from .connections import validate_identifier

    name = validate_identifier(table_name, "table")
    with engine.begin() as conn:
        if not check_target(conn, name):
            raise WriteBackError("not_ours", table=name, marker=MARKER_COLUMN)
        reflected = sa.inspect(conn).get_columns(name)
        existing = [str(c["name"]) for c in reflected]
        types = {str(c["name"]): c["type"] for c in reflected}
        lower = {c.lower(): c for c in existing}
        # every column of the table, in its order (Spark's INSERT … VALUES is positional);
        # one this part lacks is NULL
        by_lower = {c.lower(): c for c in scores.columns}
        wanted = [c for c in existing if c.lower() not in ("as_of", MARKER_COLUMN)]
        frame = pd.DataFrame({c: (scores[by_lower[c.lower()]] if c.lower() in by_lower
                                  else pd.Series(None, index=scores.index, dtype=object))
                              for c in wanted}, index=scores.index)
        frame[lower["customer_id"]] = frame[lower["customer_id"]].astype("str")
        table = sa.Table(name, sa.MetaData(),
                         *(sa.Column(c, types[c]) for c in wanted),
                         sa.Column(lower["as_of"], sa.Date()),
                         sa.Column(lower[MARKER_COLUMN], sa.String(40)), quote=True)
        return _insert(conn, table, frame, pd.Timestamp(as_of).date(), batch_rows)
