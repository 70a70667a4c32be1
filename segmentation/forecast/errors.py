"""The forecast's domain error (not a ``ValueError``: a page shows it to the user)."""

from __future__ import annotations

from .. import i18n


class ForecastUnavailable(Exception):
    """Too little or unusable data for a forecast; :meth:`message` says what is missing
    and what to do (text key ``fc.unavailable.<code>``: ``history``, ``columns``,
    ``calendar``)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return i18n.t(f"fc.unavailable.{self.code}", lang, **self.params)
