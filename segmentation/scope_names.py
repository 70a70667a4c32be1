"""Whether a user's branch or region exists in the data, and what it may have meant.

A branch manager whose ``--branch`` is misspelt (or whose branch left the data
at the last load) would otherwise see an empty dashboard and be told to widen
filters they cannot widen. ``users add`` / ``set-role`` check the name against
the current dataset (:meth:`segmentation.workspace.Workspace.scope_values`) and
``users list`` flags the users whose branch or region is missing.

>>> known = {"branch": frozenset({"华东-上海浦东网点", "华东-杭州网点"}),
...          "region": frozenset({"华东"})}
>>> missing_scope(branch="华东-上海浦东", region=None, known=known).suggestions
('华东-上海浦东网点',)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Set
from dataclasses import dataclass

from . import i18n

__all__ = ["MissingScope", "missing_scope"]

i18n.register({
    "scope.missing.branch": {
        "en": "branch “{value}” is not in the current data ({dataset})",
        "zh": "当前数据（{dataset}）中没有网点“{value}”",
    },
    "scope.missing.region": {
        "en": "region “{value}” is not in the current data ({dataset})",
        "zh": "当前数据（{dataset}）中没有区域“{value}”",
    },
    "scope.missing.suggest": {"en": " (did you mean: {names}?)", "zh": "（是否指：{names}？）"},
    "scope.missing.none": {"en": " (it names no {column} at all)",
                           "zh": "（数据中没有任何{column}）"},
    "scope.missing.column.branch": {"en": "branch", "zh": "网点"},
    "scope.missing.column.region": {"en": "region", "zh": "区域"},
})


@dataclass(frozen=True)
class MissingScope:
    """A branch or region that the data does not hold, with the closest names it does."""

    column: str
    value: str
    suggestions: tuple[str, ...] = ()
    any_values: bool = True

    def message(self, lang: str, dataset: str) -> str:
        """One line: what is missing and what was perhaps meant."""
        text = i18n.t(f"scope.missing.{self.column}", lang, value=self.value, dataset=dataset)
        if self.suggestions:
            sep = ", " if lang == "en" else "、"
            text += i18n.t("scope.missing.suggest", lang, names=sep.join(self.suggestions))
        elif not self.any_values:
            text += i18n.t("scope.missing.none", lang,
                           column=i18n.t(f"scope.missing.column.{self.column}", lang))
        return text


def missing_scope(*, branch: str | None, region: str | None,
                  known: Mapping[str, Set[str]], n: int = 3) -> MissingScope | None:
    """The first of ``branch`` / ``region`` that ``known`` (values per column) lacks.

    ``None`` when both are absent or present. Suggestions are the ``n`` closest
    names (:func:`difflib.get_close_matches`), nearest first.
    """
    for column, value in (("branch", branch), ("region", region)):
        if not value:
            continue
        values = known.get(column) or frozenset()
        if value in values:
            continue
        close = difflib.get_close_matches(value, sorted(values), n=n, cutoff=0.5)
        return MissingScope(column, value, tuple(close), bool(values))
    return None
