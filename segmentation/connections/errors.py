"""Connection and query errors: :class:`ConnectionError_` and :func:`classify_error`,
which turns any driver exception into one with a bilingual message that says what is
wrong and what to do, and never contains the password."""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import i18n

if TYPE_CHECKING:
    from .spec import ConnectionSpec


class ConnectionError_(i18n.LocalizedError):  # noqa: N801 (the builtin name is taken)
    """A connection or query problem; ``code`` is one of ``unreachable``, ``auth``,
    ``unknown_database``, ``table_missing``, ``timeout``, ``cancelled``, ``permission``,
    ``type_mismatch``, ``not_read_only``, ``forbidden_function``, ``forbidden_table``,
    ``forbidden_sql``, ``custom_select_unsupported``, ``custom_select_privileged``,
    ``too_many_rows``,
    ``bad_spec``, ``bad_identifier``, ``file_no_folders``, ``file_not_allowed``,
    ``file_workspace``,
    ``file_system``, ``file_missing``, ``dialect_missing``, ``other``.

    Errors made by :func:`classify_error` also carry ``driver_message``: the
    driver's own text, password scrubbed, for a "details" expander."""

    prefix = "conn.error"


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
     r"timeout expired|connection timed out|could not connect to any of", "unreachable"),
    (r"password authentication failed|access denied for user|authentication failed|"
     r"role \".*\" does not exist|no pg_hba\.conf entry", "auth"),
    (r"database \".*\" does not exist|unknown database|unable to open database file|"
     r"cannot open file|no such file or directory|schema_not_found", "unknown_database"),
    (r"interrupt error|canceling statement due to user request|but found canceled",
     "cancelled"),
    (r"statement timeout|canceling statement due to|max_statement_time|but found timedout|"
     r"max_execution_time|query execution was interrupted|interrupted", "timeout"),
    (r"read-only|readonly|read only|permission denied|command denied|insufficient privilege"
     r"|not authorized",
     "permission"),
    (r"conversion error|could not convert|no function matches|operator does not exist|"
     r"invalid input syntax|cannot be cast|datatype mismatch", "type_mismatch"),
    (r"no such table|relation \".*\" does not exist|table .* does not exist|"
     r"doesn't exist|catalog error|table_or_view_not_found", "table_missing"),
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
    # PyHive (Spark's Thrift server) puts the server's stack into the message: keep only
    # its errorMessage, without the "Error running query:" prefix
    found = re.search(r"errorMessage=(['\"])(?:Error running query: )?(.*?)\1\)", str(exc),
                      flags=re.S)
    text = (found.group(2).replace("\\n", "\n") if found else str(exc)).strip().splitlines()
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
