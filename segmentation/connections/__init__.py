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
- :func:`checked_for` parses a user's own ``SELECT`` in the connection's dialect
  (sqlglot), checks the tree against an allowlist (functions, tables of the
  schema) and returns the SQL regenerated from it; :func:`user_select` puts a
  SELECT into a statement so that only that regenerated SQL ever runs;
  :func:`guard_row_count` counts its rows.

The read-only session (PostgreSQL ``default_transaction_read_only``, MariaDB /
MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro``, DuckDB
``read_only`` with external access disabled) is the guard behind
the SELECT check; custom SELECTs are refused outright on a login that is a
superuser or holds file or signal rights (:func:`select_rights`). Connections returning to the
pool are reset (PostgreSQL ``DISCARD ALL``, MariaDB / MySQL ``RELEASE_ALL_LOCKS()``),
so nothing a query left behind reaches the next one.

Files (SQLite, DuckDB) are opened only from the folders an administrator
configured (:func:`allowed_folders`: ``SEG_DB_FOLDERS`` and ``[database]
allowed_folders`` of ``secrets.toml``), never from ``/proc``, ``/dev`` or ``/sys``.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "DB_FOLDERS_ENV",
    "DEFAULT_ROW_LIMIT",
    "DRIVERS",
    "ConnectionError_",
    "ConnectionSpec",
    "allowed_folders",
    "check_connection",
    "checked_for",
    "checked_select",
    "check_database_file",
    "classify_error",
    "guard_row_count",
    "is_read_only_query",
    "open_engine",
    "open_writer",
    "readonly_grants",
    "role_risks",
    "select_rights",
    "spec_from_secrets",
    "user_select",
    "validate_identifier",
    "vet_user_query",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".engines": ("check_connection", "open_engine", "open_writer"),
    ".errors": ("ConnectionError_", "classify_error"),
    ".files": ("DB_FOLDERS_ENV", "allowed_folders", "check_database_file"),
    ".queries": (
        "DEFAULT_ROW_LIMIT", "checked_for", "checked_select", "guard_row_count",
        "is_read_only_query", "user_select", "vet_user_query",
    ),
    ".roles": ("readonly_grants", "role_risks", "select_rights"),
    ".spec": ("DRIVERS", "ConnectionSpec", "spec_from_secrets", "validate_identifier"),
})
