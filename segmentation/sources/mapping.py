"""Suggesting the header mapping of a raw table from the header aliases."""

from __future__ import annotations

from collections.abc import Iterable

from ..schema import TABLES, canonical_name, columns_of


def suggest_mapping(columns: Iterable[object], table: str) -> dict[str, str]:
    """Raw header -> canonical column of ``table``, from the header aliases.

    Parameters
    ----------
    columns : the raw headers, in file order.
    table : canonical table name.

    Returns
    -------
    ``{raw header: canonical column}``. Each canonical column is used at most
    once (the first matching header wins); headers that match nothing, or a
    column of another table, are left out.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")
    allowed = set(columns_of(table))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in columns:
        canonical = canonical_name(header)
        if canonical in allowed and canonical not in used:
            mapping[header] = canonical
            used.add(canonical)
    return mapping
