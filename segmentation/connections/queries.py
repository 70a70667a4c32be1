"""A user's own ``SELECT``: parsed, checked against an allowlist and regenerated before it
runs (:func:`checked_select`, :func:`checked_for`, :func:`user_select`,
:func:`vet_user_query`, :func:`is_read_only_query`, :func:`guard_row_count`).

The statement is parsed by `sqlglot <https://sqlglot.com>`_ in the connection's own
dialect, every node of the tree is checked against :mod:`.allowlist` (one SELECT;
known aggregate, date, text, math, conditional and cast functions; tables of the
connection's schema only) and **the SQL regenerated from that checked tree runs**,
never the user's text: comments are dropped, every name is quoted, literals are
written in one canonical form, so what the server parses is what was checked, even
where a home-made tokenizer and the server would read the text differently
(``$$``, ``#``, ``--`` without a space, ``/*! … */``).

Behind it stay the read-only session, the pool reset and the time limit of
:func:`~segmentation.connections.open_engine`, and :func:`checked_for` refuses
custom SELECTs on a login that is a superuser or may touch the server's files or
other sessions (:func:`~segmentation.connections.roles.select_rights`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

import sqlalchemy as sa
import sqlglot
from sqlalchemy.ext.compiler import compiles
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from . import allowlist as allow
from .errors import ConnectionError_

#: Default limit of :func:`guard_row_count`.
DEFAULT_ROW_LIMIT = 1_000_000
#: Longer SELECTs are refused (the parser's work grows with the text).
MAX_QUERY_CHARS = 20_000
_ALLOWED = allow.FUNCTIONS | allow.NODES


def _dialect(name: str) -> str:
    try:
        return allow.SQLGLOT_DIALECTS[name]
    except KeyError:
        raise ConnectionError_("custom_select_unsupported", dialect=name) from None


def _parse(sql: str, dialect: str) -> exp.Expression:
    """The one statement of ``sql`` (``not_read_only`` for none, several or unreadable)."""
    if not isinstance(sql, str) or not sql.strip() or len(sql) > MAX_QUERY_CHARS:
        raise ConnectionError_("not_read_only")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except (SqlglotError, RecursionError, ValueError):
        raise ConnectionError_("not_read_only") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ConnectionError_("not_read_only")
    return statements[0]


def _refuse_node(node: exp.Expression, dialect: str) -> ConnectionError_:
    if isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        return ConnectionError_("forbidden_function", function=str(name).lower()[:60])
    try:
        shown = node.sql(dialect=dialect, comments=False)
    except Exception:  # noqa: BLE001 - only for the message
        shown = type(node).__name__
    return ConnectionError_("forbidden_sql", what=" ".join(shown.split())[:60] or "?")


def _table_key(name: str, dialect: str) -> str:
    return name if dialect == "postgres" else name.lower()


def _check_tables(tree: exp.Expression, dialect: str, tables: Collection[str] | None,
                  schema: str | None) -> None:
    """Tables: the statement's own CTEs (those defined before the use) or the connection's."""
    with_ = tree.args.get("with_") or tree.args.get("with")
    ctes: list[str] = []
    if with_ is not None:
        if with_.args.get("recursive"):
            raise _refuse_node(with_, dialect)
        ctes = [_table_key(cte.alias_or_name, dialect) for cte in with_.expressions]
    allowed = None if tables is None else {_table_key(t, dialect) for t in tables}
    for table in tree.find_all(exp.Table):
        ident = table.this
        if not isinstance(ident, exp.Identifier) or table.args.get("catalog") is not None:
            raise _refuse_node(table, dialect)
        name, db = ident.name, table.args.get("db")
        key = _table_key(name, dialect)
        if db is None:
            visible = ctes
            owner = table.find_ancestor(exp.CTE)
            if owner is not None and owner.parent is with_:
                visible = ctes[:with_.expressions.index(owner)]
            if key in visible:
                continue
        else:
            db_name = db.name
            if (db_name.lower() in allow.SYSTEM_SCHEMAS
                    or db_name.lower().startswith(allow.SYSTEM_PREFIXES)
                    or (schema is not None and _table_key(db_name, dialect)
                        != _table_key(schema, dialect))):
                raise ConnectionError_("forbidden_table", table=f"{db_name}.{name}"[:80])
        if allow.PATH_CHARS.intersection(name) or name.lower().startswith(
                allow.SYSTEM_PREFIXES) or name.lower() in (
                "sqlite_master", "sqlite_schema") or (allowed is not None
                                                      and key not in allowed):
            raise ConnectionError_("forbidden_table", table=name[:80])


def _check_tree(tree: exp.Expression, dialect: str, tables: Collection[str] | None,
                schema: str | None) -> None:
    nodes = list(tree.walk())
    for node in nodes:  # functions first: their names make the clearest message
        if isinstance(node, exp.Anonymous):
            if not isinstance(node.this, str) or node.this.lower() not in allow.ANONYMOUS:
                raise _refuse_node(node, dialect)
        elif isinstance(node, exp.Func) and type(node) not in _ALLOWED:
            raise _refuse_node(node, dialect)
    for node in nodes:
        if isinstance(node, exp.With) and node is not (
                tree.args.get("with_") or tree.args.get("with")):
            raise _refuse_node(node, dialect)  # a WITH inside: its names would hide tables
        if not isinstance(node, exp.Func) and type(node) not in allow.NODES:
            raise _refuse_node(node, dialect)
        if isinstance(node, exp.Var) and (node.name.lower() not in allow.UNITS
                                          or not isinstance(node.parent, exp.Expression)):
            raise _refuse_node(node, dialect)
        if isinstance(node, exp.DataType) and node.this not in allow.TYPES:
            raise _refuse_node(node, dialect)
        if isinstance(node, exp.Select) and any(
                node.args.get(arg) for arg in ("into", "locks", "hint", "kind",
                                               "operation_modifiers", "settings", "format")):
            raise _refuse_node(node, dialect)
    _check_tables(tree, dialect, tables, schema)


def _regenerate(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=dialect, comments=False, identify=True, pretty=False)


def checked_select(sql: str, dialect: str, *, tables: Collection[str] | None = None,
                   schema: str | None = None) -> str:
    """The SQL to run for a user's SELECT on a ``dialect`` database (SQLAlchemy's name).

    Parameters
    ----------
    sql : the user's text.
    dialect : ``postgresql``, ``mysql``, ``mariadb``, ``sqlite`` or ``duckdb``.
    tables : the tables and views the statement may read (those of the connection's
        schema); ``None`` refuses only the servers' catalogs (``pg_*``,
        ``information_schema``, ``mysql.*`` …): the full check is :func:`checked_for`.
    schema : the only schema a table name may be qualified with.

    Returns
    -------
    The statement regenerated from its checked tree: no comments, every name quoted.

    Raises
    ------
    ConnectionError_
        ``not_read_only`` (not exactly one SELECT / WITH … SELECT, or unreadable),
        ``forbidden_function`` (a function outside :data:`~.allowlist.FUNCTIONS`),
        ``forbidden_table`` (a table outside ``tables`` or a catalog),
        ``forbidden_sql`` (user variables, parameters, INTO, FOR UPDATE, …),
        ``custom_select_unsupported`` (a dialect not checked here).
    """
    glot = _dialect(dialect)
    tree = _parse(sql, glot)
    if glot == "postgres":  # unquoted names fold to lower case there; they are quoted below
        tree = normalize_identifiers(tree, dialect=glot)
    _check_tree(tree, glot, tables, schema)
    out = _regenerate(tree, glot)
    again = _parse(out, glot)  # what the server will read, checked once more
    _check_tree(again, glot, tables, schema)
    if _regenerate(again, glot) != out:
        raise ConnectionError_("not_read_only")
    return out


def vet_user_query(sql: str, dialect: str | None = None, *,
                   tables: Collection[str] | None = None, schema: str | None = None) -> str:
    """:func:`checked_select` in ``dialect``; without one, the statement must pass in at
    least one of the checked dialects (an early check before the database is known), and
    the first one's SQL is returned. Raises like :func:`checked_select` (a named function,
    table or construct rather than ``not_read_only`` where a dialect names one)."""
    if dialect is not None:
        return checked_select(sql, dialect, tables=tables, schema=schema)
    errors: list[ConnectionError_] = []
    for name in ("postgresql", "mysql", "duckdb", "sqlite"):
        try:
            return checked_select(sql, name, tables=tables, schema=schema)
        except ConnectionError_ as err:
            errors.append(err)
    raise next((e for e in errors if e.code != "not_read_only"), errors[0])


def is_read_only_query(sql: str, dialect: str | None = None) -> bool:
    """Whether :func:`vet_user_query` accepts ``sql``."""
    try:
        vet_user_query(sql, dialect)
    except ConnectionError_:
        return False
    return True


class UserSelect(sa.sql.elements.TextClause):
    """A user's SELECT in a SQLAlchemy statement: compiled as :func:`checked_select` of
    its text in the dialect of the engine that runs it, never as the text itself."""

    inherit_cache = True

    def __init__(self, sql: str):
        inner = sql.strip()
        super().__init__(re.sub(r"(?<![:\w\\]):(?=\w)", r"\\:", inner))
        self.user_sql = inner


@compiles(UserSelect)
def _compile_user_select(element: UserSelect, compiler, **kw) -> str:
    checked = checked_select(element.user_sql, compiler.dialect.name)
    return compiler.process(sa.text(re.sub(r"(?<![:\w\\]):(?=\w)", r"\\:", checked)), **kw)


def user_select(sql: str) -> UserSelect:
    """A user's ``SELECT`` as a text clause whose compiled SQL is the checked, regenerated
    statement (:class:`UserSelect`); a ``:name`` in it stays literal text."""
    return UserSelect(sql)


def _schema_tables(conn: sa.Connection, schema: str | None) -> tuple[str | None, list[str]]:
    inspector = sa.inspect(conn)
    name = schema or inspector.default_schema_name
    if conn.dialect.name in ("mysql", "mariadb") and schema is None:
        name = conn.exec_driver_sql("SELECT DATABASE()").scalar()
    return name, (inspector.get_table_names(schema=schema)
                  + inspector.get_view_names(schema=schema))


def checked_for(bind: sa.Engine | sa.Connection, sql: str, *, schema: str | None = None,
                user: str | None = None) -> str:
    """:func:`checked_select` for the database behind ``bind``: the login must not be a
    superuser nor hold file or signal rights, and the tables must be the schema's.

    Raises
    ------
    ConnectionError_
        ``custom_select_privileged`` (naming the read-only role to create), or any
        code of :func:`checked_select`. Driver errors propagate unchanged.
    """
    from .roles import readonly_grants, select_rights

    dialect = bind.dialect.name
    _dialect(dialect)
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            return checked_for(conn, sql, schema=schema, user=user)
    name, tables = _schema_tables(bind, schema)
    rights = select_rights(bind)
    if rights:
        raise ConnectionError_("custom_select_privileged", user=user or "?",
                               rights=", ".join(rights), grants=readonly_grants(dialect, name))
    return checked_select(sql, dialect, tables=tables, schema=name)


def guard_row_count(bind: sa.Engine | sa.Connection, query: str | sa.Select, *,
                    limit: int = DEFAULT_ROW_LIMIT) -> int:
    """Count the rows of a user query (``SELECT count(*) FROM (<query>) AS q``).

    A text query is checked with :func:`checked_for` and its regenerated SQL counted.
    Returns the count; raises :class:`ConnectionError_` ``too_many_rows`` above
    ``limit`` and the codes of :func:`checked_for`. Driver errors propagate unchanged
    (classify them with :func:`classify_error`).
    """
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            return guard_row_count(conn, query, limit=limit)
    if isinstance(query, str):
        checked_for(bind, query)
        query_from: sa.FromClause = user_select(query).columns().subquery("q")
    else:
        query_from = query.subquery("q")
    rows = int(bind.execute(sa.select(sa.func.count()).select_from(query_from)).scalar_one())
    if rows > limit:
        raise ConnectionError_("too_many_rows", rows=rows, limit=limit)
    return rows
