"""What-if: migration matrices between two tier assignments, Sankey links, sentences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import formatting, i18n
from .arrays import as_float, codes_and_categories
from .notes import count_text
from .settings import TierSettings


def _categorical(values: pd.Series) -> pd.Series:
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def migration(before: pd.Series, after: pd.Series, revenue: pd.Series | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Migration matrices from one tier assignment to another (the what-if comparison).

    Parameters
    ----------
    before, after : tier per customer, for the same customers (aligned on the
        index; categorical order is kept, e.g. the ``tier`` columns of two
        :func:`assign` results on one :class:`ScoringBase`).
    revenue : per customer (``monetary_total``); zeros when omitted.

    Returns
    -------
    (counts, revenue) : DataFrames indexed by the ``before`` tiers (index name
        ``before``), columns the ``after`` tiers (name ``after``); counts are
        int64. Rows sum to the before counts, columns to the after counts.

    Raises
    ------
    ValueError
        When ``before`` and ``after`` do not cover the same customers.
    """
    if not before.index.equals(after.index):  # identical objects short-circuit
        if (len(before) != len(after) or not before.index.is_unique
                or not after.index.isin(before.index).all()):
            raise ValueError("before and after must describe the same customers")
        after = after.reindex(before.index)
    b_codes, b_cats = codes_and_categories(_categorical(before))
    a_codes, a_cats = codes_and_categories(_categorical(after))
    if revenue is None:
        rev = np.zeros(len(before))
    else:
        if not revenue.index.equals(before.index):
            revenue = revenue.reindex(before.index)
        rev = np.nan_to_num(as_float(revenue))
    ok = (b_codes >= 0) & (a_codes >= 0)
    kb, ka = len(b_cats), len(a_cats)
    cell = b_codes[ok].astype(np.int64) * ka + a_codes[ok]
    counts = np.bincount(cell, minlength=kb * ka)[: kb * ka].reshape(kb, ka)
    money = np.bincount(cell, weights=rev[ok], minlength=kb * ka)[: kb * ka].reshape(kb, ka)
    index = pd.Index(b_cats, name="before")
    columns = pd.Index(a_cats, name="after")
    return (pd.DataFrame(counts.astype(np.int64), index=index, columns=columns),
            pd.DataFrame(money, index=index, columns=columns))


def moved_customers(counts: pd.DataFrame) -> int:
    """Customers whose tier changes in a :func:`migration` count matrix (off the diagonal)."""
    stayed = sum(int(counts.at[k, k]) for k in counts.index if k in counts.columns)
    return int(counts.to_numpy().sum()) - stayed


def migration_flows(counts: pd.DataFrame, revenue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Links for a Sankey diagram: ``from_tier``, ``to_tier``, ``customers``, ``revenue``.

    Only non-zero cells, in matrix order (before tiers, then after tiers).
    """
    long = counts.stack().rename("customers").reset_index()
    long.columns = ["from_tier", "to_tier", "customers"]
    long["revenue"] = (revenue.stack().to_numpy() if revenue is not None
                       else np.zeros(len(long)))
    return long[long["customers"] > 0].reset_index(drop=True)


def migration_sentences(counts: pd.DataFrame, revenue: pd.DataFrame, *,
                        lang: str = i18n.DEFAULT_LANG,
                        settings: TierSettings | None = None,
                        order: Sequence[str] | None = None, top: int = 3,
                        include_total: bool = True) -> list[str]:
    """The largest moves between tiers in words, with numbers.

    "This change moves 1,234 customers (¥2.30M revenue) from High to Medium."
    / "此调整使 1,234 位客户（收入 ¥230.0万）从黄金降至白银。"

    Parameters
    ----------
    counts, revenue : from :func:`migration`.
    lang : ``"en"`` or ``"zh"``.
    settings : gives the tier labels (default labels otherwise).
    order : tier keys best first, to tell up from down; default the
        settings' tiers, else the ``after`` columns.
    top : how many moves (largest number of customers first; ties by revenue).
    include_total : start with the total number of customers that move.

    Returns
    -------
    list of sentences; one "no customer moves" sentence when nothing moves.
    """
    settings = settings if settings is not None else TierSettings()
    order = list(order if order is not None else
                 (settings.tiers if set(counts.columns) <= set(settings.tiers)
                  else counts.columns))
    rank = {t: i for i, t in enumerate(order)}
    moves = []
    for src in counts.index:
        for dst in counts.columns:
            n = int(counts.at[src, dst])
            if src != dst and n > 0:
                moves.append((n, float(revenue.at[src, dst]), src, dst))
    if not moves:
        return [i18n.t("tiers.move.none", lang)]
    moves.sort(key=lambda m: (-m[0], -m[1], rank.get(m[2], 99), rank.get(m[3], 99)))
    out = []
    if include_total:
        out.append(i18n.t("tiers.move.total", lang,
                          count=count_text(sum(m[0] for m in moves), lang),
                          revenue=formatting.compact(sum(m[1] for m in moves), lang, money=True)))
    for n, money, src, dst in moves[:top]:
        if src in rank and dst in rank:
            direction = "down" if rank[dst] > rank[src] else "up"
        else:
            direction = "other"
        out.append(i18n.t(f"tiers.move.{direction}", lang, count=count_text(n, lang),
                          revenue=formatting.compact(money, lang, money=True),
                          src=settings.label(src, lang), dst=settings.label(dst, lang)))
    return out


# --------------------------------------------------------------------------- history
