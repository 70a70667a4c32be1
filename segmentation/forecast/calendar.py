"""Chinese shipping events by week: Spring Festival (moves every year), 618 and Double 11.

Parcel volumes in China follow a few dated events more than the calendar month:
gift parcels rush in the weeks before the Spring Festival (春节), the network slows
down over the holiday week and recovers in the one after; the 618 and Double 11
(双11) shopping festivals bring a peak in mid June and mid November. A weekly model
sees them as *known events*: :func:`event_regressors` gives, per week, the share of
its seven days that fall inside each event's window (0 to 1), so that an event that
straddles two weeks counts in both and a Spring Festival that moves from late
January to mid February moves its regressors with it.

:data:`SPRING_FESTIVAL` is a fixed table of the first day of the lunar new year,
2000-2060, generated once from the Chinese lunisolar calendar of the maintained
``holidays`` package (0.109, ``holidays.China``) and checked against the sample
generator's own table; it is kept as data rather than a dependency because
``holidays`` pins ``python-dateutil<3`` below the version this project runs.
The event windows are data too (:data:`EVENTS`), not ``if`` chains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ForecastUnavailable

#: the first day of the lunar new year (春节, Spring Festival) per year
SPRING_FESTIVAL: dict[int, str] = {
    2000: "2000-02-05", 2001: "2001-01-24", 2002: "2002-02-12", 2003: "2003-02-01",
    2004: "2004-01-22", 2005: "2005-02-09", 2006: "2006-01-29", 2007: "2007-02-18",
    2008: "2008-02-07", 2009: "2009-01-26", 2010: "2010-02-14", 2011: "2011-02-03",
    2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31", 2015: "2015-02-19",
    2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
    2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
    2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23",
    2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19", 2035: "2035-02-08",
    2036: "2036-01-28", 2037: "2037-02-15", 2038: "2038-02-04", 2039: "2039-01-24",
    2040: "2040-02-12", 2041: "2041-02-01", 2042: "2042-01-22", 2043: "2043-02-10",
    2044: "2044-01-30", 2045: "2045-02-17", 2046: "2046-02-06", 2047: "2047-01-26",
    2048: "2048-02-14", 2049: "2049-02-02", 2050: "2050-01-23", 2051: "2051-02-11",
    2052: "2052-02-01", 2053: "2053-02-19", 2054: "2054-02-08", 2055: "2055-01-28",
    2056: "2056-02-15", 2057: "2057-02-04", 2058: "2058-01-24", 2059: "2059-02-12",
    2060: "2060-02-02",
}


@dataclass(frozen=True)
class Event:
    """A dated event: days ``start``..``end`` (inclusive) around an anchor day each year.

    ``anchor`` is ``"spring_festival"`` (from :data:`SPRING_FESTIVAL`) or a fixed
    ``"MM-DD"`` day.
    """

    code: str
    anchor: str
    start: int
    end: int


#: the events a weekly forecast knows about (text keys ``fc.event.<code>``)
EVENTS: tuple[Event, ...] = (
    Event("sf_rush", "spring_festival", -30, -11),    # gift parcels before the holiday
    Event("sf_eve", "spring_festival", -10, -1),      # the last days before it
    Event("sf_holiday", "spring_festival", 0, 6),     # the holiday week: the network slows
    Event("sf_after", "spring_festival", 7, 16),      # recovery
    Event("d618", "06-18", -7, 2),                    # 618 shopping festival
    Event("d11", "11-11", -4, 6),                     # Double 11 (双11)
    Event("d11_after", "11-11", 7, 17),               # its parcels still in the network
)


def spring_festival(year: int) -> pd.Timestamp:
    """The first day of the lunar new year in ``year``."""
    try:
        return pd.Timestamp(SPRING_FESTIVAL[year])
    except KeyError:
        raise ForecastUnavailable("calendar", first=year, last=year) from None


def _anchors(event: Event, years: range) -> list[pd.Timestamp]:
    if event.anchor == "spring_festival":
        return [spring_festival(y) for y in years]
    return [pd.Timestamp(f"{y}-{event.anchor}") for y in years]


def event_regressors(weeks: pd.DatetimeIndex, events: tuple[Event, ...] = EVENTS
                     ) -> pd.DataFrame:
    """Per week (starting on the dates ``weeks``), the share of its 7 days inside each
    event's window.

    Returns
    -------
    DataFrame indexed by ``weeks`` with one float column per event code (0..1).

    Raises
    ------
    ForecastUnavailable
        (``calendar``) When a week falls outside the years of :data:`SPRING_FESTIVAL`.
    """
    weeks = pd.DatetimeIndex(weeks).normalize()
    if len(weeks) == 0:
        return pd.DataFrame({e.code: pd.Series(dtype="float64") for e in events}, index=weeks)
    first, last = int(weeks.min().year), int((weeks.max() + pd.Timedelta(days=6)).year)
    years = range(first - 1, last + 2)
    table_years = range(min(SPRING_FESTIVAL), max(SPRING_FESTIVAL) + 1)
    if years.start < table_years.start or years.stop > table_years.stop:
        raise ForecastUnavailable("calendar", first=first, last=last)
    days = weeks.to_numpy(dtype="datetime64[D]")[:, None] + np.arange(7)  # (weeks, 7)
    out = {}
    for event in events:
        inside = np.zeros(days.shape, dtype=bool)
        for anchor in _anchors(event, years):
            a = np.datetime64(anchor.date(), "D")
            inside |= (days >= a + event.start) & (days <= a + event.end)
        out[event.code] = inside.mean(axis=1)
    return pd.DataFrame(out, index=weeks)
