"""A user's :class:`~segmentation.access.Scope` as SQL: the ``WHERE`` that narrows a query.

A scope names branches and regions; a customer is in it when the customer's
home branch or region is (see :class:`~segmentation.access.Scope`). Inside a
query the home branch is not known yet (it may be derived from transactions),
so the scope first narrows the *candidates*, in the database and before any
aggregation:

- customers whose ``customers.branch`` is one of the scope's branches or whose
  ``customers.region`` is one of its regions;
- customers with any transaction at one of the scope's branches (where the
  branch comes from transactions).

Every table with a ``customer_id`` is then read through ``customer_id IN
(candidates)``, so each candidate's rows are complete (their measures equal
the unscoped ones) and nothing of another customer is read. The caller
post-filters the result on the home branch / region (``Scope.apply``), so a
customer appears for exactly one branch.

>>> import sqlalchemy as sa
>>> from segmentation.access import Scope
>>> tx = sa.table("transactions", sa.column("customer_id"), sa.column("branch"))
>>> print(candidates({"transactions": tx}, Scope(branches=("B1",))))
SELECT transactions.customer_id
FROM transactions
WHERE transactions.branch IN (__[POSTCOMPILE_scope_tx_branch])
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from .access import Scope

__all__ = ["candidates", "is_limited", "scope_tables"]


def is_limited(scope: Scope | None) -> bool:
    """Whether ``scope`` narrows anything (``None`` and the unlimited scope do not)."""
    return scope is not None and not scope.is_all


def candidates(tables: Mapping[str, sa.FromClause], scope: Scope) -> sa.SelectBase:
    """The customer ids that may be in ``scope``: a ``SELECT customer_id`` (or a ``UNION``).

    ``tables`` maps canonical table names to selectables with canonical column
    names (see :func:`segmentation.sql.find_tables`). When neither the
    customers table nor the transactions carry a column the scope can use, no
    customer is a candidate (the query returns no row): a limited scope never
    falls back to everything.
    """
    parts: list[sa.Select] = []
    cust = tables.get("customers")
    if cust is not None and "customer_id" in cust.c:
        conditions = []
        if scope.branches and "branch" in cust.c:
            conditions.append(cust.c.branch.in_(
                sa.bindparam("scope_cust_branch", list(scope.branches), expanding=True)))
        if scope.regions and "region" in cust.c:
            conditions.append(cust.c.region.in_(
                sa.bindparam("scope_cust_region", list(scope.regions), expanding=True)))
        if conditions:
            parts.append(sa.select(cust.c.customer_id).where(sa.or_(*conditions)))
    tx = tables.get("transactions")
    if scope.branches and tx is not None and "branch" in tx.c and "customer_id" in tx.c:
        parts.append(sa.select(tx.c.customer_id).where(tx.c.branch.in_(
            sa.bindparam("scope_tx_branch", list(scope.branches), expanding=True))))
    if not parts:
        source = tx if tx is not None else cust
        if source is not None and "customer_id" in source.c:
            return sa.select(source.c.customer_id).where(sa.false())
        return sa.select(sa.cast(sa.null(), sa.String).label("customer_id")).where(sa.false())
    return parts[0] if len(parts) == 1 else sa.union(*parts)


def scope_tables(tables: Mapping[str, sa.FromClause], scope: Scope | None
                 ) -> dict[str, sa.FromClause]:
    """``tables`` with every table that has a ``customer_id`` narrowed to the candidates.

    Each narrowed table is ``SELECT * FROM t WHERE customer_id IN (candidates)``
    as a subquery with the same column names, so queries written against the
    canonical tables run unchanged. A table without ``customer_id`` (surveys
    without it) stays as it is: the caller post-filters on its own branch /
    region columns, or drops it. An unlimited scope returns ``tables`` as they are.
    """
    if not is_limited(scope):
        return dict(tables)
    ids = candidates(tables, scope)
    out: dict[str, sa.FromClause] = {}
    for name, table in tables.items():
        if "customer_id" not in table.c:
            out[name] = table
            continue
        out[name] = (sa.select(*table.c).select_from(table)
                     .where(table.c.customer_id.in_(ids)).subquery(f"{name}_scoped"))
    return out
