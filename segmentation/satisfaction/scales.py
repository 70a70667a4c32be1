"""Survey scales (CSAT 1-5 / 1-7 / 0-100, NPS 0-10), their detection, display labels and
the group columns a survey or complaint can be cut by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from .. import formatting, i18n
from ..filters import FILTER_COLUMNS
from ..schema import SURVEY_DIMENSIONS

# --------------------------------------------------------------------------- constants

#: Customer attributes a survey or complaint can be grouped or filtered by.
GROUP_COLUMNS: tuple[str, ...] = ("tier", *FILTER_COLUMNS)
#: Labels of the two period windows in :func:`shipment_windows`.
CURRENT, PREVIOUS = "current", "previous"
#: Survey columns that are never dimension scores.
_NOT_DIMENSIONS = frozenset({"score", "customer_id", "date", "channel", "comment",
                             *GROUP_COLUMNS})
#: Complaint columns that may carry free text (none is canonical yet).
COMPLAINT_TEXT_COLUMNS: tuple[str, ...] = ("comment", "description", "content", "text")


@dataclass(frozen=True)
class Scale:
    """A survey scale and how its headline figure is computed.

    Attributes
    ----------
    key : ``"1-5"``, ``"1-7"``, ``"0-10"``, ``"0-100"``.
    low, high : the range of valid scores.
    kind : ``"csat"`` (share of ``score >= good_min``) or ``"nps"``
        (share ``>= good_min`` minus share ``<= bad_max``).
    good_min : lowest satisfied (CSAT) / promoter (NPS) score.
    low_max : highest "low" score, whose comments the voice of the customer
        reads by default (the bottom boxes: 1-2 of 5; the detractors of an NPS).
    bad_max : highest detractor score (NPS only).
    """

    key: str
    low: float
    high: float
    kind: Literal["csat", "nps"]
    good_min: float
    low_max: float
    bad_max: float | None = None

    def label(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """``CSAT (share of 4-5)`` / ``NPS (0-10)`` in ``lang``."""
        if self.kind == "nps":
            return i18n.t("sat.scale.nps", lang, low=_num(self.low), high=_num(self.high))
        return i18n.t("sat.scale.csat", lang, good=_num(self.good_min), high=_num(self.high))



#: The scales :func:`detect_scale` chooses from, smallest first (rules as data).
SCALES: dict[str, Scale] = {
    s.key: s for s in (
        Scale("1-5", 1, 5, "csat", good_min=4, low_max=2),
        Scale("1-7", 1, 7, "csat", good_min=6, low_max=3),
        Scale("0-10", 0, 10, "nps", good_min=9, low_max=6, bad_max=6),
        Scale("0-100", 0, 100, "csat", good_min=80, low_max=50),
    )
}

#: Importance-performance quadrants: key -> (high importance, high performance).
DRIVER_QUADRANTS: dict[str, tuple[bool, bool]] = {
    "fix": (True, False),
    "keep": (True, True),
    "overkill": (False, True),
    "low_priority": (False, False),
}


def _num(value: float) -> str:
    return f"{value:g}"


class SatisfactionError(i18n.LocalizedError):
    """A problem with survey or complaint data; ``code`` names ``sat.error.<code>``."""

    prefix = "sat.error"


def label(kind: str, value: object, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of a dimension / category / severity / quadrant value (else the value)."""
    key = f"sat.{kind}.{value}"
    return i18n.t(key, lang) if i18n.has(key) else str(value)


# --------------------------------------------------------------------------- scales


def detect_scale(scores: pd.Series | Sequence[float]) -> Scale:
    """The smallest scale of :data:`SCALES` that holds every non-missing score.

    Raises
    ------
    SatisfactionError
        ``no_scores`` without any score; ``scale_unknown`` when the scores fit
        no scale (negative, or above 100).
    """
    values = pd.to_numeric(pd.Series(scores), errors="coerce").dropna()
    if values.empty:
        raise SatisfactionError("no_scores")
    lo, hi = float(values.min()), float(values.max())
    for scale in SCALES.values():
        if scale.low <= lo and hi <= scale.high:
            return scale
    raise SatisfactionError("scale_unknown", low=_num(lo), high=_num(hi))


def scale_mismatch(scores: pd.Series | Sequence[float], scale: Scale,
                   lang: str = i18n.DEFAULT_LANG) -> str | None:
    """Why ``scale`` does not fit ``scores``, in ``lang``; ``None`` when it fits.

    It does not fit when some scores lie outside its range, or when no score can
    reach its satisfied (CSAT) / promoter (NPS) band although the scores fill a smaller
    scale: 1-5 answers read on 0-100 would give "CSAT 0 %" and a flat zero trend.
    """
    values = pd.to_numeric(pd.Series(scores), errors="coerce").dropna()
    if values.empty:
        return None
    lo, hi = float(values.min()), float(values.max())
    params = {"low": _num(lo), "high": _num(hi), "scale": scale.label(lang),
              "range": f"{_num(scale.low)}–{_num(scale.high)}"}
    if lo < scale.low or hi > scale.high:
        outside = int(((values < scale.low) | (values > scale.high)).sum())
        return i18n.t("sat.mismatch.outside", lang, n=formatting.number(outside, lang),
                      total=formatting.number(len(values), lang), **params)
    if hi < scale.good_min:
        fits = next((s for s in SCALES.values() if s.low <= lo and hi <= s.high), None)
        if fits is not None and fits.key != scale.key:
            return i18n.t("sat.mismatch.unreachable", lang, good=_num(scale.good_min),
                          fits=fits.label(lang), **params)
    return None


def get_scale(key: str) -> Scale:
    """The scale named ``key`` (``"1-5"`` …); :class:`SatisfactionError` if unknown."""
    if key not in SCALES:
        raise SatisfactionError("unknown_scale_key", key=key, keys=", ".join(SCALES))
    return SCALES[key]


def survey_dimensions(surveys: pd.DataFrame) -> list[str]:
    """Dimension score columns: the known ones (speed, attitude …) first, then other numbers.

    A column counts when it is numeric, not ``score`` / an id / an attribute,
    and has at least one value.
    """
    known = [c for c in SURVEY_DIMENSIONS if c in surveys.columns]
    other = [c for c in surveys.columns
             if c not in known and c not in _NOT_DIMENSIONS
             and pd.api.types.is_numeric_dtype(surveys[c])
             and not pd.api.types.is_bool_dtype(surveys[c])]
    return [c for c in (*known, *other) if surveys[c].notna().any()]
