"""What the connected user may do beyond reading (:func:`role_risks`), for a warning."""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

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
