"""Connecting company databases: engines per login (pooled in :mod:`ui.caches.database`),
the role check, connecting a named or entered connection, refreshing it.

Above the session's :mod:`ui.source` (which records the choice) and the cache layer;
the sidebar's source picker and the Data page's database form use it, and
:func:`active` hands :func:`connect_named` to :func:`ui.source.active` to reconnect a
named connection after a server restart.
"""

from __future__ import annotations

import sqlalchemy as sa

from segmentation import database
from segmentation.connections import ConnectionError_, ConnectionSpec
from segmentation.database import DatabaseMapping
from ui import source as sources
from ui.caches import database as db_cache


def engine_for(spec: ConnectionSpec) -> sa.Engine:
    """The session's engine for ``spec``: one per connection and password."""
    return db_cache.engine(db_cache.LoginKey.of(spec), spec)


def risks(spec: ConnectionSpec) -> tuple[str, ...]:
    """``"superuser"`` / ``"can_write"`` when the connected user may do more than read."""
    return db_cache.risks(db_cache.LoginKey.of(spec), spec)


def sample(spec: ConnectionSpec, table: str | None, query: str | None):
    """The first rows of ``table`` or ``query`` read with ``spec``'s own login."""
    return db_cache.sample(db_cache.LoginKey.of(spec), table, query, spec)


def connect(spec: ConnectionSpec, mapping: DatabaseMapping, *, name: str, origin: str,
            refresh: int = 0) -> sources.ActiveSource:
    """Check ``mapping`` on the database and register it as a source
    (:func:`ui.source.connect` with the login's pooled engine)."""
    return sources.connect(spec, mapping, engine=engine_for(spec), name=name, origin=origin,
                           refresh=refresh)


def auto_mapping(spec: ConnectionSpec) -> DatabaseMapping:
    """A mapping guessed from the table and column names (aliases), for a first connect."""
    return database.guess_mapping(engine_for(spec), spec)


def connect_named(origin: str, name: str) -> sources.ActiveSource:
    """Connect a secrets / saved connection with its saved mapping (or a guessed one)."""
    spec, mapping = sources.named_connection(origin, name)
    if spec is None:
        raise ConnectionError_("password_needed", name=name)
    if not mapping.tables:
        mapping = auto_mapping(spec)
    return connect(spec, mapping, name=name, origin=origin)


def active() -> sources.ActiveSource:
    """The session's source (:func:`ui.source.active`), reconnecting a named connection
    after a server restart."""
    return sources.active(reconnect=connect_named)
