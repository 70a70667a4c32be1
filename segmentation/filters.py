"""Global filters (region, branch, customer type, urban/rural) shared by every page.

A filter is a mapping ``{column: allowed values}``; an empty selection means
"no restriction". Filters act on customer attributes, so they apply equally to
the customer view and to pre-aggregated tables carrying the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from .access import Scope

FILTER_COLUMNS: tuple[str, ...] = ("region", "branch", "customer_type", "area_type")

Filters = Mapping[str, Iterable[str]]


def normalize_filters(filters: Filters | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A hashable, order-independent form of ``filters`` (for cache keys).

    Unknown columns and empty selections are dropped.
    """
    if not filters:
        return ()
    out = []
    for column in FILTER_COLUMNS:
        values = tuple(sorted({str(v) for v in filters.get(column, ()) or ()}))
        if values:
            out.append((column, values))
    return tuple(out)


def apply_filters(frame: pd.DataFrame, filters: Filters | None) -> pd.DataFrame:
    """Rows of ``frame`` whose attributes match every non-empty filter.

    A filter on a column that ``frame`` lacks is ignored (the optional table
    that carries it was not loaded), so pages degrade instead of emptying.
    """
    mask = pd.Series(True, index=frame.index)
    for column, values in normalize_filters(filters):
        if column in frame.columns:
            mask &= frame[column].astype("string").isin(values).fillna(False)
    return frame[mask.to_numpy()]


def filter_options(view: pd.DataFrame, filters: Filters | None = None) -> dict[str, list[str]]:
    """Choices per filter column present in ``view``.

    Branch choices are narrowed to the selected regions, so a manager picking
    华东 sees only 华东's branches.
    """
    options: dict[str, list[str]] = {}
    selected = dict(normalize_filters(filters))
    for column in FILTER_COLUMNS:
        if column not in view.columns:
            continue
        source = view
        if column == "branch" and "region" in selected and "region" in view.columns:
            source = view[view["region"].astype("string").isin(selected["region"]).fillna(False)]
        # distinct values first (a hash pass over the column), then the few of them cleaned:
        # dropping missing values from a million rows first costs 20x more
        values = pd.Series(source[column].unique()).dropna().astype(str).unique().tolist()
        if values:
            options[column] = sorted(values)
    return options


def fixed_filters(scope: Scope, view: pd.DataFrame) -> dict[str, list[str]]:
    """Filter columns a limited ``scope`` fixes, with the values it fixes them to.

    A branch manager's branch and the region it lies in, a regional lead's
    region: the sidebar shows them as set and unchangeable instead of an "All"
    that offers nothing else. ``view`` is the scope's customer view (the region
    of a branch comes from its customers; sentinel scope names starting with NUL
    are left out).
    """
    fixed: dict[str, list[str]] = {}
    branches = [b for b in scope.branches if b[:1] != "\x00"]
    regions = [r for r in scope.regions if r[:1] != "\x00"]
    if branches and not scope.regions:
        fixed["branch"] = sorted(branches)
        if "region" in view.columns:
            found = view["region"].dropna().astype(str).unique().tolist()
            if found:
                fixed["region"] = sorted(found)
    if regions:
        fixed["region"] = sorted(regions)
    return fixed
