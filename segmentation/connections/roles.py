"""What the connected user may do beyond reading: :func:`role_risks` for a warning,
:func:`select_rights` for refusing custom SELECTs (with :func:`readonly_grants`)."""

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


# --------------------------------------------------------------------------- custom SELECTs

_PG_RIGHTS = """
SELECT 'SUPERUSER' FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolsuper
UNION ALL
SELECT rolname::text FROM pg_catalog.pg_roles
WHERE rolname IN ('pg_read_server_files', 'pg_write_server_files',
                  'pg_execute_server_program', 'pg_signal_backend')
  AND pg_has_role(current_user, oid, 'MEMBER')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles
                  WHERE rolname = current_user AND rolsuper)
"""
#: MariaDB / MySQL global privileges that let a SELECT reach files or other sessions.
_MYSQL_RIGHTS = ("ALL PRIVILEGES", "FILE", "SUPER")


def _mysql_rights(conn: sa.Connection) -> list[str]:
    found: list[str] = []
    pending, seen = ["SHOW GRANTS"], set()
    while pending:  # the user's grants, then those of the roles granted to it
        statement = pending.pop()
        if statement in seen or len(seen) > 20:
            continue
        seen.add(statement)
        for (line,) in conn.exec_driver_sql(statement).all():
            line = str(line)
            match = re.match(r"\s*GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s", line, re.IGNORECASE)
            if match is None:
                role = re.match(r"\s*GRANT\s+(`[^`]+`(?:@`[^`]*`)?)\s+TO\s", line, re.IGNORECASE)
                if role is not None:
                    pending.append(f"SHOW GRANTS FOR {role.group(1)}")
                continue
            if match.group(2).replace("`", "") != "*.*":
                continue  # FILE and SUPER are global privileges only
            privileges = {p.strip().upper() for p in
                          re.sub(r"\([^)]*\)", "", match.group(1)).split(",")}
            if "ALL" in privileges:
                privileges.add("ALL PRIVILEGES")
            found += [p for p in _MYSQL_RIGHTS if p in privileges and p not in found]
    return found


def select_rights(conn: sa.Connection) -> tuple[str, ...]:
    """The rights of the connected login that refuse custom SELECTs: ``SUPERUSER``,
    ``pg_read_server_files``, ``pg_write_server_files``, ``pg_execute_server_program``,
    ``pg_signal_backend`` (PostgreSQL); ``ALL PRIVILEGES``, ``FILE``, ``SUPER`` on
    ``*.*`` (MariaDB / MySQL, also through granted roles). Empty for SQLite / DuckDB
    files. Driver errors propagate: a question that cannot be answered refuses."""
    name = conn.dialect.name
    if name == "postgresql":
        return tuple(str(r[0]) for r in conn.exec_driver_sql(_PG_RIGHTS).all())
    if name in ("mysql", "mariadb"):
        return tuple(_mysql_rights(conn))
    return ()


def readonly_grants(dialect: str, schema: str | None) -> str:
    """The statements that create a read-only login for the dashboard (README)."""
    if dialect == "postgresql":
        target = schema or "public"
        return ("CREATE ROLE dashboard_reader LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB "
                f"NOCREATEROLE; GRANT USAGE ON SCHEMA {target} TO dashboard_reader; "
                f"GRANT SELECT ON ALL TABLES IN SCHEMA {target} TO dashboard_reader;")
    target = schema or "<database>"
    return ("CREATE USER 'dashboard_reader'@'%' IDENTIFIED BY '…'; "
            f"GRANT SELECT ON {target}.* TO 'dashboard_reader'@'%';")
