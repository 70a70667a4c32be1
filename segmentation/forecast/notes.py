"""Sentences about a forecast, in the reader's language: capacity notes for the peak weeks
ahead and which branches fall back to seasonal naive."""

from __future__ import annotations

import pandas as pd

from .. import formatting, i18n
from .calendar import event_regressors
from .pipeline import ForecastResult

#: peak weeks named at most
TOP_PEAKS = 3
#: branch names listed at most in the fallback note
MAX_NAMES = 8


def _volume(value: float, metric: str, lang: str) -> str:
    if metric == "revenue":
        return formatting.money(value, lang)
    return formatting.number(value, lang)


def _event_of(week: pd.Timestamp, lang: str) -> str:
    """The event covering most of ``week`` (empty when none)."""
    shares = event_regressors(pd.DatetimeIndex([week])).iloc[0]
    if shares.max() <= 0:
        return ""
    code = shares.idxmax()
    return i18n.t("fc.capacity.event", lang, event=i18n.t(f"fc.event.{code}", lang))


def capacity_notes(result: ForecastResult, lang: str, *, level: str = "network",
                   region: object = None, branch: object = None,
                   metric: str = "shipments", top: int = TOP_PEAKS) -> list[str]:
    """One sentence per peak week ahead of one series (largest first, at most ``top``),
    e.g. "Week of 11 Nov 2024: 2.8x the usual volume (4,354 expected, 1,533 in a usual
    week), Double 11."; or one sentence saying no week reaches the peak ratio."""
    from . import messages  # noqa: F401 - registers the texts

    peaks = result.peaks(level, region, branch, metric)
    if peaks.empty:
        from .pipeline import _pick, usual_week

        hist = _pick(result.history, level, region, branch, metric)
        usual = usual_week(hist["value"].to_numpy(dtype=float))
        return [i18n.t("fc.capacity.none", lang, h=result.config.horizon,
                       ratio=formatting.decimal(result.config.peak_ratio, lang, 2),
                       usual=_volume(usual, metric, lang))]
    out = []
    for row in peaks.head(top).itertuples(index=False):
        out.append(i18n.t("fc.capacity.note", lang, week=formatting.day(row.week, lang),
                          ratio=formatting.decimal(row.ratio, lang, 1),
                          point=_volume(row.point, metric, lang),
                          usual=_volume(row.usual, metric, lang),
                          event=_event_of(pd.Timestamp(row.week), lang)))
    return out


def method_note(result: ForecastResult, lang: str, metric: str = "shipments") -> list[str]:
    """Which of the result's branches do not use the model, and why (one sentence per
    kind of fallback)."""
    from . import messages  # noqa: F401 - registers the texts

    bt = result.backtest
    branches = bt[(bt["level"] == "branch") & (bt["metric"] == metric)]
    if branches.empty:
        return []
    out = []
    fallback = branches[branches["reason"].isin(("no_better", "untested"))]
    if len(fallback):
        names = fallback["branch"].astype(str).tolist()
        shown = "、".join(names[:MAX_NAMES]) if lang == "zh" else ", ".join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            shown += " …"
        out.append(i18n.t("fc.fallback.some", lang, n=formatting.number(len(names), lang),
                          total=formatting.number(len(branches), lang), names=shown))
    else:
        out.append(i18n.t("fc.fallback.none", lang))
    short = branches[branches["reason"] == "short"]
    if len(short):
        out.append(i18n.t("fc.fallback.short", lang, n=formatting.number(len(short), lang),
                          method=i18n.t("fc.method.recent", lang)))
    return out
