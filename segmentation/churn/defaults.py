"""The churn definition's defaults and limits: horizon, lost cutoff, history, enough data."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import i18n
from ..features import data_as_of
from ..sql import as_day

#: The horizons the page offers, in days.
HORIZON_OPTIONS: tuple[int, ...] = (30, 60, 90, 180)
#: Below this much history (days from the first transaction to ``as_of``) or
#: this many customers with a purchase, no churn warning is computed.
MIN_HISTORY_DAYS = 60
MIN_CUSTOMERS = 20
#: Days of history needed before the earliest feature day of a design.
MIN_FEATURE_DAYS = 30


def typical_interval(view: pd.DataFrame) -> float:
    """The median ``avg_interval_days`` of repeat buyers (``frequency >= 2``); NaN if none.

    The typical purchase cycle of the customer base, used for the default
    horizon and as the expected interval of one-time buyers.
    """
    require_columns(view, ("frequency", "avg_interval_days"))
    rep = view["avg_interval_days"].to_numpy(dtype="float64")[
        view["frequency"].to_numpy() >= 2]
    rep = rep[np.isfinite(rep)]
    return float(np.median(rep)) if len(rep) else math.nan


def history_days(view: pd.DataFrame) -> int:
    """Days from the first transaction in the view to its ``as_of`` (0 for an empty view)."""
    require_columns(view, ("first_date",))
    if view.empty or "as_of" not in view.attrs:
        return 0
    first = pd.to_datetime(view["first_date"]).min()
    return int((as_day(view.attrs["as_of"]) - first).days) if pd.notna(first) else 0


def shifted_need(horizon_days: int) -> int:
    """History the time-shifted model needs to be trained and checked: ``2 H`` plus a month."""
    return 2 * int(horizon_days) + MIN_FEATURE_DAYS


def backtest_need(horizon_days: int) -> int:
    """History a backtest of the label-free rankings needs: ``H`` plus a month."""
    return int(horizon_days) + MIN_FEATURE_DAYS


def default_horizon(view: pd.DataFrame, *, history: int | None = None) -> int:
    """The default churn horizon H, from the purchase cycle and the history available.

    The cycle: the smallest of :data:`HORIZON_OPTIONS` (30, 60, 90, 180) that
    is at least 2 x :func:`typical_interval` (the median purchase interval of
    repeat buyers), so that a customer on their usual rhythm would normally buy
    twice within the horizon and one missed purchase is not yet "churn"; the
    largest option (180) when the cycle is longer, or when there are no repeat
    buyers to measure it.

    The history: the time-shifted model is trained on features at ``as_of - H``
    and checked on features at ``as_of - 2 H``, so it needs ``2 H + 30`` days.
    When ``history`` (days, see :func:`history_days`) is given, H is the
    largest option up to the cycle's that fits; the smallest option when none
    does (the label-free rankings then take over, see :func:`score_churn`).

    Parameters
    ----------
    view : customer view with ``frequency`` and ``avg_interval_days``.
    history : days of history; ``None`` ignores it.

    Returns
    -------
    int, one of :data:`HORIZON_OPTIONS`.
    """
    cycle = typical_interval(view)
    by_cycle = HORIZON_OPTIONS[-1]
    if np.isfinite(cycle):
        by_cycle = next((h for h in HORIZON_OPTIONS if h >= 2 * cycle), HORIZON_OPTIONS[-1])
    if history is None:
        return by_cycle
    fitting = [h for h in HORIZON_OPTIONS if h <= by_cycle and shifted_need(h) <= history]
    return max(fitting) if fitting else HORIZON_OPTIONS[0]


class ChurnUnavailable(Exception):
    """Too little data for any churn warning; :meth:`message` says what is missing.

    ``code`` is "history" or "customers" (text key ``churn.unavailable.<code>``).
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return i18n.t(f"churn.unavailable.{self.code}", lang, **self.params)


def check_enough_data(view: pd.DataFrame) -> None:
    """Raise :class:`ChurnUnavailable` below :data:`MIN_HISTORY_DAYS` / :data:`MIN_CUSTOMERS`."""
    buyers = int((view["frequency"].to_numpy() > 0).sum()) if "frequency" in view else 0
    if buyers < MIN_CUSTOMERS:
        raise ChurnUnavailable("customers", min=MIN_CUSTOMERS, n=buyers)
    days = history_days(view)
    if days < MIN_HISTORY_DAYS:
        as_of = as_day(view.attrs["as_of"])
        raise ChurnUnavailable("history", min=MIN_HISTORY_DAYS, days=days,
                               start=(as_of - pd.Timedelta(days=days)).date().isoformat(),
                               as_of=as_of.date().isoformat())


def default_lost_after(view: pd.DataFrame, horizon_days: int) -> int:
    """The default "lost" cutoff in days: ``max(2 H, 90th percentile of intervals)``.

    A customer is lost when they have not bought for longer than two horizons
    *and* longer than nine in ten repeat buyers' usual interval (so that the
    rare but regular shippers are not written off), rounded up to a multiple of
    30 days.

    Parameters
    ----------
    view : customer view with ``frequency`` and ``avg_interval_days``.
    horizon_days : the churn horizon H.
    """
    require_columns(view, ("frequency", "avg_interval_days"))
    rep = view["avg_interval_days"].to_numpy(dtype="float64")[
        view["frequency"].to_numpy() >= 2]
    rep = rep[np.isfinite(rep)]
    q90 = float(np.quantile(rep, 0.9)) if len(rep) else 0.0
    days = max(2 * int(horizon_days), q90)
    return int(math.ceil(days / 30.0) * 30)


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the customer view lacks the column(s) {missing}; build it with "
                         "segmentation.features.customer_view")


def check_horizon(horizon_days: int) -> int:
    if int(horizon_days) != horizon_days or horizon_days < 1:
        raise ValueError(f"horizon_days must be a positive whole number of days, got "
                         f"{horizon_days!r}")
    return int(horizon_days)


def resolve_as_of(bind, as_of, table_names) -> pd.Timestamp:
    return data_as_of(bind, table_names) if as_of is None else as_day(as_of)
