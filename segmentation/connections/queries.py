"""A user's own ``SELECT``, vetted before it runs: :func:`vet_user_query`,
:func:`is_read_only_query`, :func:`user_select` and :func:`guard_row_count`.

A friendly first check that rejects anything that is not one plain ``SELECT``
and the functions that act on the server (locks, files, other sessions):
defence in depth, not a sandbox (the read-only session of
:func:`~segmentation.connections.open_engine` is the guard).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from .errors import ConnectionError_

#: Default limit of :func:`guard_row_count`.
DEFAULT_ROW_LIMIT = 1_000_000

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
