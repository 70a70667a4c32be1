"""The explainable warning signals per customer (:func:`churn_signals`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .defaults import HORIZON_OPTIONS, require_columns, typical_interval

#: Columns of :func:`churn_signals`, in order (see its docstring).
SIGNAL_COLUMNS: tuple[str, ...] = (
    "recency_days", "frequency", "usual_interval_days", "overdue_ratio", "interval_to_horizon",
    "frequency_recent", "frequency_prior", "frequency_change", "spend_change", "ticket_change",
    "satisfaction_from", "satisfaction_last", "satisfaction_drop",
    "complaints_open", "complaints_recent", "complaint_category", "tenure_days",
)
#: Satisfaction scales a survey score may be on (see ``segmentation.cleaning.SCORE_SCALES``).
SCORE_SCALES: tuple[tuple[float, float], ...] = ((1.0, 5.0), (0.0, 10.0), (0.0, 100.0))


def days_since_purchase(view: pd.DataFrame) -> np.ndarray:
    """Days from each customer's last purchase (``last_purchase_date``) to the view's
    ``attrs["as_of"]``; the view's ``recency_days`` (any transaction) where no purchase is
    known. The recency behind the churn signals and behind "lost"."""
    as_of64 = np.datetime64(pd.Timestamp(view.attrs["as_of"]).to_datetime64(), "ns")
    last = view["last_purchase_date"].to_numpy(dtype="datetime64[ns]")
    recency = (as_of64 - last) / np.timedelta64(1, "D")
    return np.where(np.isnan(recency), view["recency_days"].to_numpy(dtype="float64"),
                    recency)


def churn_signals(view: pd.DataFrame, *, horizon_days: int | None = None,
                  typical_interval_days: float | None = None,
                  complaint_category: pd.Series | None = None) -> pd.DataFrame:
    """The explainable warning signals per customer, each readable in one sentence.

    Parameters
    ----------
    view : customer view (:func:`segmentation.features.customer_view`) at some
        ``as_of``; its ``attrs["as_of"]`` and ``attrs["window_days"]`` are used.
    horizon_days : the churn horizon H, for ``interval_to_horizon`` (NaN without).
    typical_interval_days : the expected interval of one-time buyers and the
        prior of the usual interval; default :func:`typical_interval` of
        ``view`` (a fitted :class:`ChurnModel` passes the value it learned).
    complaint_category : optional category of each customer's latest
        complaint (indexed by ``customer_id``), only used to word reasons.

    Returns
    -------
    DataFrame
        Indexed like ``view``, ``float64`` unless noted, columns
        :data:`SIGNAL_COLUMNS`:

        - ``recency_days``: days since the last purchase (since the last
          transaction of any kind for a customer without purchases).
        - ``frequency``: purchase days so far (``int64``).
        - ``usual_interval_days``: the customer's usual gap between purchase
          days, ``(last - first purchase day + typical) / frequency``: the own
          average gap with one typical gap mixed in, so that two purchases a
          day apart do not make an "every day" customer. One-time buyers get
          the typical interval.
        - ``overdue_ratio``: ``recency_days / usual_interval_days`` (1 = due
          now, 3 = three usual gaps without a purchase).
        - ``interval_to_horizon``: ``usual_interval_days / H``; at 1 or more
          the customer's normal rhythm alone makes a quiet horizon likely.
        - ``frequency_recent`` / ``frequency_prior``: purchase days in the
          recent / prior window (``int64``).
        - ``frequency_change`` / ``spend_change``: the view's
          ``frequency_trend`` / ``spend_trend`` (recent window against the
          prior one; -0.7 = down 70 %); NaN without a prior base.
        - ``ticket_change``: spend per purchase day in the recent window
          against the prior one, minus 1. Negative when the customer moves to
          cheaper services or smaller parcels (the view's service shares cover
          the whole history, so a switch shows here, in the money). NaN
          unless both windows have purchases and positive spend.
        - ``satisfaction_from``: the average score of the earlier surveys
          (``(n * avg - last) / (n - 1)``, exact when the last survey day had
          one survey); ``satisfaction_last``: the score of the last survey day;
          ``satisfaction_drop`` = ``from - last`` (positive = fell). NaN
          without a surveys table; ``from`` / ``drop`` NaN with fewer than two
          surveys.
        - ``complaints_open`` / ``complaints_recent``: open complaints /
          complaints in the recent window; NaN without a complaints table
          (``complaints_open`` also without its status columns).
        - ``complaint_category``: text (``str``), the latest complaint's
          category when ``complaint_category`` is given, else missing.
        - ``tenure_days``: days since the first purchase.

        ``attrs``: ``as_of``, ``window_days``, ``typical_interval_days``,
        ``horizon_days``, ``satisfaction_scale`` (``(low, high)``: 1-5, 0-10
        or 0-100, the smallest holding 95 % of the last scores).
    """
    require_columns(view, ("recency_days", "frequency", "last_purchase_date", "first_purchase_date",
                    "frequency_recent", "frequency_prior", "frequency_trend", "spend_trend",
                    "spend_recent", "spend_prior"))
    as_of = pd.Timestamp(view.attrs.get("as_of")) if "as_of" in view.attrs else None
    if as_of is None:
        raise ValueError("the view has no attrs['as_of']; build it with customer_view")
    typical = (typical_interval(view) if typical_interval_days is None
               else float(typical_interval_days))
    if not np.isfinite(typical) or typical <= 0:
        typical = float(HORIZON_OPTIONS[-1])  # no repeat buyers: a long cycle is the safe guess
    day = np.timedelta64(1, "D")
    as_of64 = np.datetime64(as_of.to_datetime64(), "ns")
    last = view["last_purchase_date"].to_numpy(dtype="datetime64[ns]")
    first = view["first_purchase_date"].to_numpy(dtype="datetime64[ns]")
    recency = days_since_purchase(view)
    freq = view["frequency"].to_numpy(dtype="int64")
    span = np.nan_to_num((last - first) / day)
    usual = np.where(freq >= 1, (span + typical) / np.maximum(freq, 1), typical)
    f_recent = view["frequency_recent"].to_numpy(dtype="int64")
    f_prior = view["frequency_prior"].to_numpy(dtype="int64")
    s_recent = view["spend_recent"].to_numpy(dtype="float64")
    s_prior = view["spend_prior"].to_numpy(dtype="float64")
    valid = (f_recent > 0) & (f_prior > 0) & (s_recent > 0) & (s_prior > 0)
    ticket = np.full(len(view), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ticket[valid] = ((s_recent[valid] / f_recent[valid])
                         / (s_prior[valid] / f_prior[valid]) - 1.0)
    out: dict[str, object] = {
        "recency_days": recency,
        "frequency": freq,
        "usual_interval_days": usual,
        "overdue_ratio": recency / usual,
        "interval_to_horizon": usual / horizon_days if horizon_days else np.full(len(view),
                                                                                 np.nan),
        "frequency_recent": f_recent,
        "frequency_prior": f_prior,
        "frequency_change": view["frequency_trend"].to_numpy(dtype="float64"),
        "spend_change": view["spend_trend"].to_numpy(dtype="float64"),
        "ticket_change": ticket,
    }
    nan = np.full(len(view), np.nan)
    if {"n_surveys", "satisfaction_avg", "satisfaction_last"} <= set(view.columns):
        n = view["n_surveys"].to_numpy(dtype="float64")
        avg = view["satisfaction_avg"].to_numpy(dtype="float64")
        last_score = view["satisfaction_last"].to_numpy(dtype="float64")
        before = np.full(len(view), np.nan)
        two = n >= 2
        before[two] = (n[two] * avg[two] - last_score[two]) / (n[two] - 1)
        out.update(satisfaction_from=before, satisfaction_last=last_score,
                   satisfaction_drop=before - last_score)
    else:
        out.update(satisfaction_from=nan, satisfaction_last=nan, satisfaction_drop=nan)
    for col in ("complaints_open", "complaints_recent"):
        out[col] = view[col].to_numpy(dtype="float64") if col in view.columns else nan
    if complaint_category is not None:
        category = pd.Series(complaint_category, copy=False)
        category.index = category.index.astype("str")
        out["complaint_category"] = category.reindex(view.index).astype("str").array
    else:
        out["complaint_category"] = pd.array([None] * len(view), dtype="str")
    out["tenure_days"] = (as_of64 - first) / day
    signals = pd.DataFrame(out, index=view.index)[list(SIGNAL_COLUMNS)]
    scale = score_scale(out["satisfaction_last"])
    signals.attrs.update(as_of=as_of, window_days=int(view.attrs.get("window_days", 90)),
                         typical_interval_days=typical, horizon_days=horizon_days,
                         satisfaction_scale=scale)
    return signals


def score_scale(scores: np.ndarray) -> tuple[float, float]:
    """The smallest scale of :data:`SCORE_SCALES` holding 95 % of the scores (1-5 if none)."""
    present = scores[np.isfinite(scores)]
    if len(present) == 0:
        return SCORE_SCALES[0]
    top = float(np.quantile(present, 0.95))
    return next((scale for scale in SCORE_SCALES if top <= scale[1]), SCORE_SCALES[-1])
