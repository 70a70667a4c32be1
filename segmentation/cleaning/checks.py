"""Row-level problem bookkeeping and the checks that keep the rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schema import (
    SURVEY_DIMENSIONS,
    Problem,
)
from .text import short

#: Share of a table's rows above which a row-level problem stops the load.
FATAL_SHARE = 0.2
#: Number of example rows a problem quotes.
MAX_EXAMPLES = 5

#: Scales a score can be on; a column's scale is the smallest one that holds
#: 95% of its answers.
SCORE_SCALES: tuple[tuple[float, float], ...] = ((1, 5), (0, 10), (0, 100))


@dataclass
class Rows:
    """Bookkeeping for row-level problems of one table."""

    table: str
    headers: Mapping[str, str]  # canonical -> raw header
    rownum: np.ndarray  # spreadsheet row number per current row
    total: int
    fatal: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def col(self, column: str) -> str:
        header = self.headers.get(column, column)
        return f"'{header}'" if header == column else f"'{header}' ({column})"

    def report(self, code: str, column: str | None, mask: np.ndarray, *,
               values: pd.Series | None = None, can_be_fatal: bool = False,
               fatal_share: float = FATAL_SHARE, **params: object) -> None:
        count = int(mask.sum())
        if not count:
            return
        pos = np.flatnonzero(mask)[:MAX_EXAMPLES]
        if values is not None:
            examples = tuple((int(self.rownum[p]), short(values.iloc[p])) for p in pos)
        else:
            examples = tuple(int(self.rownum[p]) for p in pos)
        fatal = can_be_fatal and count > fatal_share * self.total
        problem = Problem(self.table, code, "error" if fatal else "warning", column=column,
                          rows=count, examples=examples,
                          params={"col": self.col(column) if column else "",
                                  "total": self.total, **params})
        (self.fatal if fatal else self.warnings).append(problem)


def score_scale(scores: pd.Series) -> tuple[float, float] | None:
    present = scores.dropna()
    if present.empty:
        return None
    top = present.quantile(0.95)
    return next(((lo, hi) for lo, hi in SCORE_SCALES if top <= hi), None)


def table_checks(table: str, frame: pd.DataFrame, raw: pd.DataFrame, rows: Rows,
                  as_of: pd.Timestamp | str | None) -> None:
    """Warnings that keep the rows: future dates, refunds, score range, complaint dates."""
    if as_of is not None and "date" in frame:
        limit = pd.Timestamp(as_of).normalize()
        later = (frame["date"].dt.normalize() > limit).to_numpy()
        rows.report("future_dates", "date", later, values=raw["date"],
                    as_of=limit.strftime("%Y-%m-%d"))
    if table == "transactions":
        negative = (frame["amount"] < 0).to_numpy()
        rows.report("refunds", "amount", negative, values=raw["amount"],
                    amount=f"{frame['amount'][negative].sum():,.2f}")
    if table == "surveys":
        for column in ("score", *SURVEY_DIMENSIONS):
            if column in frame:
                scale = score_scale(frame[column])
                if scale is None:
                    continue
                low, high = scale
                outside = ((frame[column] < low) | (frame[column] > high)).to_numpy()
                rows.report("score_out_of_range", column, outside, values=raw[column],
                            low=f"{low:g}", high=f"{high:g}")
    if table == "complaints" and "resolved_date" in frame:
        early = (frame["resolved_date"] < frame["date"]).to_numpy()
        rows.report("resolved_before_opened", "resolved_date", early,
                    values=raw["resolved_date"])
