"""Caches of connected databases: one pooled engine per login, its role check, the first
rows of a table or query (the database form), the SQL the customer view runs."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st

from segmentation.connections import ConnectionSpec, role_risks
from segmentation.keys import AnalysisKey
from ui import source as sources


@dataclass(frozen=True)
class LoginKey:
    """One connection and login: :func:`ui.source.login_key`, a keyed hash of the settings
    and the password made with a per-process secret (server side only, never shown)."""

    digest: str

    @classmethod
    def of(cls, spec: ConnectionSpec) -> LoginKey:
        return cls(sources.login_key(spec))


@st.cache_resource(show_spinner=False, max_entries=16)
def engine(login: LoginKey, _spec: ConnectionSpec) -> sa.Engine:
    """One pooled read-only engine per connection and login: another password never gets
    this engine."""
    return sources.open_source_engine(_spec)


@st.cache_data(show_spinner=False, ttl=600, max_entries=32)
def risks(login: LoginKey, _spec: ConnectionSpec) -> tuple[str, ...]:
    """``"superuser"`` / ``"can_write"`` when the login may do more than read."""
    return role_risks(engine(login, _spec))


@st.cache_data(show_spinner=False, ttl=300, max_entries=32)
def sample(login: LoginKey, table: str | None, query: str | None, _spec: ConnectionSpec):
    """First rows of a table or SELECT, cached for five minutes per connection and login
    (a different password never reads another session's cached rows)."""
    from segmentation.database import TableChoice, source_columns

    choice = TableChoice(table=table) if table is not None else TableChoice(query=query)
    return source_columns(engine(login, _spec), choice, _spec, rows=50)


@st.cache_data(show_spinner=False, max_entries=8)
def view_sql(key: AnalysisKey, _source: sources.ActiveSource) -> dict[str, str]:
    """The SQL the customer view runs in the connected database, per query (``key``: the
    dataset and date; filters and scope play no part)."""
    from segmentation.features import query_sql, view_queries

    queries = view_queries(_source.engine, as_of=key.as_of, table_names=_source.table_names)
    return {name: query_sql(query, _source.engine) for name, query in queries.items()}
