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

from .._lazy import lazy_exports

__all__ = [
    "MAX_CUSTOMERS",
    "RAW_ROW_LIMIT",
    "SAMPLE_ROWS",
    "TABLE_ALIASES",
    "ConnectionStore",
    "DatabaseMapping",
    "DatabaseSummary",
    "SavedConnection",
    "TableChoice",
    "check_mapping",
    "guard_raw_rows",
    "guess_mapping",
    "named_connection",
    "read_allowed_folders",
    "read_secrets_file",
    "reuse_password",
    "source_columns",
    "suggest_columns",
    "suggest_tables",
    "usable_table_name",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".checks": (
        "MAX_CUSTOMERS", "RAW_ROW_LIMIT", "DatabaseSummary", "check_mapping", "guard_raw_rows",
    ),
    ".mapping": (
        "SAMPLE_ROWS", "TABLE_ALIASES", "DatabaseMapping", "TableChoice", "guess_mapping",
        "source_columns", "suggest_columns", "suggest_tables", "usable_table_name",
    ),
    ".store": (
        "ConnectionStore", "SavedConnection", "named_connection", "read_allowed_folders",
        "read_secrets_file", "reuse_password",
    ),
})
