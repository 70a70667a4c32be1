"""Weekly series per branch from the daily activity cube (:func:`segmentation.overview.
activity_cube`, computed inside the database): complete Monday-to-Sunday weeks up to the
analysis date, one column per branch, and each branch's region."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .errors import ForecastUnavailable

#: the volumes forecast, as the activity cube names them
METRICS: tuple[str, ...] = ("shipments", "revenue")
#: fewer complete weeks than this: no forecast (says what is missing)
MIN_WEEKS = 8


@dataclass(frozen=True)
class WeeklyPanel:
    """Weekly volumes per branch.

    ``weeks``: the Mondays of the complete weeks, oldest first. ``branches``: one row
    per branch (``branch``, ``region``; region ``<NA>`` when unknown), in the column
    order of ``values``. ``values``: per metric an array ``(weeks, branches)``, NaN
    before the branch's first shipment (``starts``: that week's row). ``has_branches``
    is False when the data name no branch: the one column is then the network.
    ``unassigned``: shipments left out because they name no branch.
    """

    weeks: pd.DatetimeIndex
    branches: pd.DataFrame
    values: dict[str, np.ndarray]
    starts: np.ndarray
    has_branches: bool = True
    unassigned: float = 0.0
    metrics: tuple[str, ...] = field(default=METRICS)


def week_start(days: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """The Monday of each day's week."""
    days = pd.to_datetime(pd.Series(days)).dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def last_complete_week(as_of: pd.Timestamp) -> pd.Timestamp:
    """The Monday of the last Monday-to-Sunday week that ends on or before ``as_of``."""
    as_of = pd.Timestamp(as_of).normalize()
    sunday = as_of - pd.Timedelta(days=(as_of.day_of_week + 1) % 7)
    return sunday - pd.Timedelta(days=6)


def weekly_panel(cube: pd.DataFrame, *, as_of: date | pd.Timestamp) -> WeeklyPanel:
    """Complete weeks of ``cube`` (columns ``day``, ``shipments``, ``revenue`` and
    optionally ``branch`` / ``region``) up to ``as_of``, per branch.

    Raises
    ------
    ForecastUnavailable
        With fewer than :data:`MIN_WEEKS` complete weeks.
    """
    missing = [c for c in ("day", *METRICS) if c not in cube.columns]
    if missing:
        raise ForecastUnavailable("columns", columns=", ".join(missing))
    last = last_complete_week(pd.Timestamp(as_of))
    frame = cube[pd.to_datetime(cube["day"]) <= last + pd.Timedelta(days=6)]
    if frame.empty:
        raise ForecastUnavailable("history", weeks=0, min=MIN_WEEKS)
    days = pd.to_datetime(frame["day"])
    first_day = days.min().normalize()
    first = first_day + pd.Timedelta(days=(7 - first_day.day_of_week) % 7)  # first Monday
    n_weeks = int((last - first).days // 7) + 1 if last >= first else 0
    if n_weeks < MIN_WEEKS:
        raise ForecastUnavailable("history", weeks=max(n_weeks, 0), min=MIN_WEEKS)
    weeks = pd.date_range(first, periods=n_weeks, freq="7D")
    has_branches = "branch" in frame.columns
    branch = (frame["branch"].astype("string") if has_branches
              else pd.Series("", index=frame.index, dtype="string"))
    unassigned = float(frame.loc[branch.isna().to_numpy(), "shipments"].sum())
    keep = branch.notna().to_numpy() & (days >= first).to_numpy()
    data = pd.DataFrame({"week": week_start(days[keep]).to_numpy(),
                         "branch": branch[keep].to_numpy(),
                         **{m: pd.to_numeric(frame.loc[keep, m]).to_numpy(dtype=float)
                            for m in METRICS}})
    grouped = data.groupby(["week", "branch"], sort=True)[list(METRICS)].sum()
    values = {}
    for m in METRICS:
        wide = grouped[m].unstack("branch").reindex(weeks).fillna(0.0)
        values[m] = wide
    shipped = values["shipments"].to_numpy() > 0
    active = shipped.any(axis=0)
    names = values["shipments"].columns[active]
    starts = shipped[:, active].argmax(axis=0)
    arrays = {}
    for m in METRICS:
        arr = values[m][names].to_numpy(dtype=float, copy=True)
        arr[np.arange(n_weeks)[:, None] < starts[None, :]] = np.nan
        arrays[m] = arr
    branches = pd.DataFrame({"branch": pd.array(names, dtype="string")})
    branches["region"] = _regions(frame, branch, names)
    if not has_branches:
        branches["branch"] = pd.array([pd.NA] * len(branches), dtype="string")
    return WeeklyPanel(pd.DatetimeIndex(weeks), branches, arrays, starts.astype(int),
                       has_branches=has_branches, unassigned=unassigned)


def _regions(frame: pd.DataFrame, branch: pd.Series, names: pd.Index) -> pd.Series:
    """Each branch's region: the region of most of its shipments (``<NA>`` if none)."""
    if "region" not in frame.columns:
        return pd.Series(pd.NA, index=range(len(names)), dtype="string")
    pairs = pd.DataFrame({"branch": branch.to_numpy(),
                          "region": frame["region"].astype("string").to_numpy(),
                          "n": pd.to_numeric(frame["shipments"]).to_numpy(dtype=float)})
    pairs = pairs.dropna(subset=["branch", "region"])
    top = (pairs.groupby(["branch", "region"])["n"].sum().reset_index()
           .sort_values(["branch", "n", "region"], ascending=[True, False, True])
           .drop_duplicates("branch").set_index("branch")["region"])
    return pd.Series(top.reindex(names).to_numpy(), dtype="string")
