"""The scores a batch run wrote back (``score --database NAME --write-table TABLE``), read
by the app for a network too large to score in it: which day they describe and each
branch's calls (:func:`segmentation.pushdown.call_lists_in_engine`), a few rows each.

The table is named by HQ (``scores_table = "seg_scores"`` in the connection's
``[connections.NAME]`` block of ``secrets.toml``); the name is checked as a plain
identifier and the table must carry this product's marker
(:func:`segmentation.writeback.check_target`), so the app never reads another program's
table as scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from .access import Scope
from .filters import Filters, normalize_filters
from .sql import connected, fetch

__all__ = ["CALL_COLUMNS", "StoredScores", "stored_scores"]

#: Columns of the stored call list the Churn page reads (those the table has): the
#: reasons as codes, worded in the viewer's language (the text ``risk_reasons`` is in the
#: batch run's, shown only for a table without codes).
CALL_COLUMNS = ("customer_id", "branch", "region", "tier", "churn_risk", "value_at_risk",
                "clv_12m", "recency_days", "reason_codes", "risk_reasons")


@dataclass(frozen=True)
class StoredScores:
    """A scores table's day, size and the viewer's calls."""

    table: str
    #: the ``as_of`` the batch run scored at (the latest, if several)
    as_of: pd.Timestamp | None
    #: customers in the table within the viewer's scope
    customers: int
    #: each branch's first calls (warnings by value at risk), with ``branch_rank``
    calls: pd.DataFrame
    #: sidebar filter columns the table lacks, so not applied (in filter order)
    unapplied: tuple[str, ...] = ()


def stored_scores(bind: sa.Engine | sa.Connection, table: str, *, calls_per_branch: int,
                  scope: Scope | None = None, filters: Filters | None = None) -> StoredScores:
    """The scores table ``table``'s day and the calls of the scope's branches, narrowed
    by the sidebar ``filters`` on the columns the table has.

    Raises
    ------
    ConnectionError_
        ``bad_identifier`` for a name that is not a plain identifier.
    WriteBackError
        ``not_ours`` for a table this product did not write.
    LookupError
        When there is no such table.
    """
    from .pushdown import call_lists_in_engine, in_selection
    from .writeback import check_target

    with connected(bind) as conn:
        if not check_target(conn, table):
            raise LookupError(table)
        columns = [str(c["name"]) for c in sa.inspect(conn).get_columns(table)]
        scores = sa.table(table, *(sa.column(c) for c in columns))
        row = fetch(conn, sa.select(sa.func.max(scores.c.as_of).label("as_of"),
                                    sa.func.count().label("n"))
                    .where(*in_selection(scores, scope, filters))).iloc[0]
        wanted = [c for c in CALL_COLUMNS if c in columns]
        calls = call_lists_in_engine(conn, table, calls_per_branch=calls_per_branch,
                                     scope=scope, columns=wanted, filters=filters)
    as_of = pd.Timestamp(row["as_of"]) if pd.notna(row["as_of"]) else None
    unapplied = tuple(c for c, _ in normalize_filters(filters) if c not in columns)
    return StoredScores(table, as_of, int(row["n"]), calls, unapplied)
