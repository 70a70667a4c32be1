"""Page-ready pieces of the satisfaction report: the headline cards' figures, figures
scaled for display, the complaint ranking, the driver highlights and the customer
groups the page compares. Numbers only: the wording is the caller's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .complaints import complaint_breakdown
from .data import SatisfactionData
from .scales import CURRENT, Scale
from .trends import headline


@dataclass(frozen=True)
class Kpi:
    """One headline card: the current figure, its change on the period before, its band
    and the count behind it (answers, complaints, open complaints; NaN where none)."""

    value: float
    change: float = float("nan")
    lo: float = float("nan")
    hi: float = float("nan")
    count: float = float("nan")
    base: float = float("nan")


def headline_cards(data: SatisfactionData, *, period_days: int = 90, sla_days: int = 7
                   ) -> dict[str, Kpi | None]:
    """The four headline cards: ``index`` (CSAT / NPS), ``responses``, ``complaint_rate``
    (per 1,000 shipments; ``count`` the complaints, ``base`` the shipments) and
    ``open_past_sla`` (``count`` the open complaints); ``None`` for a card without data."""
    figures = headline(data, period_days=period_days, sla_days=sla_days)

    def row(name: str) -> pd.Series | None:
        return figures.loc[name] if name in figures.index else None

    def now(name: str) -> float:
        return float(figures.loc[name, "current"])

    cards: dict[str, Kpi | None] = dict.fromkeys(
        ("index", "responses", "complaint_rate", "open_past_sla"))
    if (r := row("index")) is not None:
        cards["index"] = Kpi(r["current"], r["current"] - r["previous"], r["lo"], r["hi"],
                             count=now("responses"))
    if (r := row("responses")) is not None:
        cards["responses"] = Kpi(r["current"], r["current"] - r["previous"])
    if (r := row("complaint_rate")) is not None:
        cards["complaint_rate"] = Kpi(r["current"], r["current"] - r["previous"],
                                      count=now("complaints"),
                                      base=data.shipment_total(CURRENT))
    if (r := row("open_past_sla")) is not None:
        cards["open_past_sla"] = Kpi(r["current"], count=now("open"))
    return cards


def display_points(frame: pd.DataFrame, kind: str, columns: Sequence[str],
                   differences: Sequence[str] = ()) -> pd.DataFrame:
    """For display: NPS as -100..+100 and differences in points (CSAT levels stay shares)."""
    out = frame.copy()
    for col in (*columns, *differences):
        if col in out and (kind == "nps" or col in differences):
            out[col] = out[col] * 100
    return out


@dataclass(frozen=True)
class ComplaintRanking:
    """:func:`complaint_breakdown` as the page shows it.

    ``table``: every group, ``by`` as a column; ``top``: the ``top`` largest by
    ``value`` — ``per_1000`` when the groups have shipment rates (``by_rate``),
    else ``complaints``.
    """

    table: pd.DataFrame
    top: pd.DataFrame
    value: str
    by_rate: bool


def complaint_ranking(data: SatisfactionData, by: str, *, period_days: int, sla_days: int,
                      top: int = 25) -> ComplaintRanking | None:
    """The complaints of the last ``period_days`` days per ``by``; ``None`` without any."""
    table = complaint_breakdown(data, by, period_days=period_days, sla_days=sla_days)
    if table.empty:
        return None
    shown = table.reset_index()
    rate = bool("per_1000" in shown and shown["per_1000"].notna().any())
    value = "per_1000" if rate else "complaints"
    return ComplaintRanking(shown, shown.sort_values(value, ascending=False).head(top), value,
                            rate)


def complaint_options(data: SatisfactionData) -> list[str]:
    """The columns the complaints can be broken down by, in the page's order."""
    return [c for c in ("category", "severity", "branch", "tier") if c in data.complaints.columns]


def driver_highlights(drivers: pd.DataFrame, n: int = 3
                      ) -> tuple[list[tuple[str, float]], list[str]]:
    """The ``n`` most important dimensions with their share, and the ``fix`` quadrant's."""
    top = list(zip(drivers["dimension"][:n], drivers["share"][:n], strict=True))
    fix = list(drivers.loc[drivers["quadrant"] == "fix", "dimension"])
    return top, fix


def low_score_choices(scale: Scale) -> tuple[list[int], int]:
    """The scores below "satisfied" a reader may cut the comments at, and the default
    (nearest :attr:`Scale.low_max`)."""
    step = 1 if scale.high <= 10 else 5
    choices = list(range(int(scale.low), int(scale.good_min), step))
    return choices, min(choices, key=lambda v: abs(v - scale.low_max))


def top_tier_groups(attributes: pd.DataFrame, top_tier: str) -> pd.Series:
    """``"top"`` / ``"rest"`` per customer with a tier (customers outside the view have none)."""
    with_tier = attributes["tier"].dropna()
    return with_tier.eq(top_tier).map({True: "top", False: "rest"})
