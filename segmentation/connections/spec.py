"""What a connection is: :class:`ConnectionSpec` (the password never shows in its
``repr`` or :meth:`~ConnectionSpec.safe_label`), :func:`spec_from_secrets` for a
``[connections.<name>]`` block of ``secrets.toml``, and :func:`validate_identifier`
for schema / table names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import registry

from .errors import ConnectionError_

# ``spark://`` URLs: PyHive's Hive dialect with Spark's differences (imported on first use)
registry.register("spark", "segmentation.connections.spark", "SparkDialect")

#: Supported ``ConnectionSpec.driver`` values.
DRIVERS: tuple[str, ...] = ("postgresql", "mysql", "mariadb", "sqlite", "duckdb", "spark")

_SQLA_DRIVER = {
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "spark": "spark",  # segmentation.connections.spark: PyHive's Hive dialect, for Spark
}
DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "spark": 10000}
#: URL back-ends read as one of :data:`DRIVERS` (``hive://`` is Spark's Thrift server)
_BACKENDS = {"postgres": "postgresql", "mysql": "mysql", "mariadb": "mariadb",
             "postgresql": "postgresql", "sqlite": "sqlite", "duckdb": "duckdb",
             "spark": "spark", "hive": "spark", "sparksql": "spark"}
#: HiveServer2 authentication modes (``auth`` of a Spark connection)
SPARK_AUTH = ("NONE", "NOSASL", "LDAP", "CUSTOM", "KERBEROS")
FILE_DRIVERS = ("sqlite", "duckdb")
#: Schema / table names: letters (any script), digits, ``_`` and ``$``; no quotes,
#: spaces or control characters. PostgreSQL cuts names at 63 bytes, MySQL at 64 characters.
_IDENTIFIER = re.compile(r"[^\W\d]\w*(\$\w*)*")
_MAX_IDENTIFIER = 63
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ConnectionSpec:
    """Where and how to connect. ``database`` is a file path for SQLite / DuckDB.

    ``schema`` (optional) becomes the PostgreSQL ``search_path`` / the DuckDB
    default schema; MariaDB / MySQL have no schemas besides the database.

    Driver ``"other"`` is any other SQLAlchemy dialect (a warehouse: Trino,
    Snowflake, BigQuery …), given as a whole URL in ``url_text``; only
    :meth:`from_url` makes one. Its sessions get no read-only setting from the
    app: connect it as a user that may only read.
    """

    driver: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    schema: str | None = None
    url_text: str | None = field(default=None, repr=False)
    #: Spark only: the HiveServer2 authentication (:data:`SPARK_AUTH`); ``None``: ``NONE``,
    #: or ``LDAP`` when a password is given
    auth: str | None = None

    def __post_init__(self) -> None:
        if self.driver == "other":
            if not self.url_text:
                raise ConnectionError_("bad_spec", detail="a warehouse connection needs a URL")
            return
        if self.driver not in DRIVERS:
            raise ConnectionError_("bad_spec", detail=f"unknown driver {self.driver!r} "
                                   f"(expected one of {', '.join(DRIVERS)})")
        if self.driver in FILE_DRIVERS:
            if not self.database:
                raise ConnectionError_("bad_spec", detail=f"{self.driver} needs a file path")
        elif not self.host:
            raise ConnectionError_("bad_spec", detail=f"{self.driver} needs a host")
        if self.port is not None:
            object.__setattr__(self, "port", int(self.port))
        for name in ("host", "database", "user"):
            value = getattr(self, name)
            if value is not None and CONTROL_CHARS.search(str(value)):
                raise ConnectionError_("bad_spec", detail=f"the {name} holds a control character")
        if self.schema is not None:
            validate_identifier(self.schema, "schema")
        if self.auth is not None:
            if self.driver != "spark" or str(self.auth).upper() not in SPARK_AUTH:
                raise ConnectionError_("bad_spec", detail="auth is one of "
                                       + ", ".join(SPARK_AUTH) + " (Spark only)")
            object.__setattr__(self, "auth", str(self.auth).upper())

    def target(self) -> tuple:
        """Where a password goes: driver, host, port (the default one filled in), database,
        user. A saved password may only be sent to exactly this target."""
        return (self.driver, (self.host or "").lower(),
                self.port or DEFAULT_PORT.get(self.driver), self.database or "",
                self.user or "", self.url_text or "", self.auth or "")

    def url(self) -> sa.URL:
        """The SQLAlchemy URL: ``postgresql+psycopg``, ``mysql+pymysql``, ``sqlite``, ``duckdb``."""
        if self.driver == "other":
            return sa.make_url(self.url_text)
        if self.driver in FILE_DRIVERS:
            return sa.URL.create(_SQLA_DRIVER[self.driver], database=self.database)
        auth = self.auth
        if self.driver == "spark" and auth is None and self.password:
            auth = "LDAP"  # PyHive sends a password only in LDAP or CUSTOM mode
        query = {"auth": auth} if auth else {}
        return sa.URL.create(_SQLA_DRIVER[self.driver], username=self.user or None,
                             password=self.password or None, host=self.host,
                             port=self.port, database=self.database or None, query=query)

    @classmethod
    def from_url(cls, url: str | sa.URL, *, schema: str | None = None) -> ConnectionSpec:
        """A spec from a SQLAlchemy URL such as ``postgresql+psycopg://u:p@host:5432/db``."""
        try:
            parsed = sa.make_url(url)
        except Exception as exc:  # noqa: BLE001 - the URL may hold a password: never echo it
            raise ConnectionError_("bad_spec", detail="the URL cannot be parsed") from exc
        backend = parsed.get_backend_name()
        driver = _BACKENDS.get(backend)
        if driver is None:  # a warehouse dialect: kept as the whole URL
            return cls("other", host=parsed.host, port=parsed.port, database=parsed.database,
                       user=parsed.username, password=parsed.password, schema=schema,
                       url_text=parsed.render_as_string(hide_password=False))
        if driver in FILE_DRIVERS:
            return cls(driver, database=parsed.database, schema=schema)
        if driver == "spark":
            auth = parsed.query.get("auth")
            return cls(driver, host=parsed.host, port=parsed.port, database=parsed.database,
                       user=parsed.username, password=parsed.password, schema=schema,
                       auth=auth if isinstance(auth, str) else None)
        return cls(driver, host=parsed.host, port=parsed.port, database=parsed.database,
                   user=parsed.username, password=parsed.password, schema=schema)

    def safe_label(self) -> str:
        """``driver://user@host:port/db`` (no password), or ``driver:///path`` for files."""
        if self.driver == "other":
            url = self.url()
            user = f"{url.username}@" if url.username else ""
            port = f":{url.port}" if url.port else ""
            return f"{url.get_backend_name()}://{user}{url.host or ''}{port}/{url.database or ''}"
        if self.driver in FILE_DRIVERS:
            return f"{self.driver}:///{self.database}"
        user = f"{self.user}@" if self.user else ""
        port = self.port or DEFAULT_PORT.get(self.driver)
        return f"{self.driver}://{user}{self.host}:{port}/{self.database or ''}"


_WHAT_ZH = {"schema": "schema", "table": "表"}


def validate_identifier(name: str, what: str = "schema") -> str:
    """``name`` if it is a plain schema / table name, else :class:`ConnectionError_`
    ``bad_identifier`` (letters of any script, digits, ``_``, ``$``; not starting
    with a digit; at most 63 characters)."""
    text = str(name)
    if len(text) > _MAX_IDENTIFIER or not _IDENTIFIER.fullmatch(text):
        raise ConnectionError_("bad_identifier", name=CONTROL_CHARS.sub("?", text)[:80], what=what,
                               what_zh=_WHAT_ZH.get(what, what))
    return text



def spec_from_secrets(block: Mapping[str, Any], *, schema: str | None = None) -> ConnectionSpec:
    """A spec from one ``[connections.<name>]`` block, read as ``st.connection(type="sql")`` does.

    Either ``url`` or ``dialect`` (+ optional ``driver``), ``host``, ``port``,
    ``database``, ``username``, ``password``. A ``schema`` key (or the argument)
    sets the schema. Other keys (``query``, ``create_engine_kwargs``) are ignored.
    """
    schema = schema or block.get("schema") or None
    if block.get("url"):
        return ConnectionSpec.from_url(str(block["url"]), schema=schema)
    dialect = block.get("dialect")
    if not dialect:
        raise ConnectionError_("bad_spec", detail="the secrets block needs 'url' or 'dialect'")
    if _BACKENDS.get(str(dialect).lower()) == "spark":  # the Thrift server: PyHive's driver
        port = block.get("port")
        return ConnectionSpec("spark", host=block.get("host") or None,
                              port=int(port) if port not in (None, "") else None,
                              database=block.get("database") or None,
                              user=block.get("username") or None,
                              password=block.get("password") or None, schema=schema,
                              auth=block.get("auth") or None)
    name = str(dialect) + (f"+{block['driver']}" if block.get("driver") else "")
    port = block.get("port")
    url = sa.URL.create(name, username=block.get("username") or None,
                        password=block.get("password") or None, host=block.get("host") or None,
                        port=int(port) if port not in (None, "") else None,
                        database=block.get("database") or None)
    return ConnectionSpec.from_url(url, schema=schema)
