"""The report's content, independent of its file format: sections of charts and tables.

A :class:`Report` is what the deck, the HTML report and the workbook are written from, so
that the three hold the same figures. Numbers stay numbers here (a table's ``kinds`` say
how each column reads: money, percent, ...); every text a person reads is made by
:mod:`segmentation.formatting` in the writers, with the same rules on screen and in files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from .. import formatting as fmt

#: how a column or a chart's values read (the formatting layer's kinds, plus text)
Kind = Literal["int", "decimal", "money", "percent", "date", "month", "text"]
#: the chart types every writer draws (native PowerPoint charts, plotly, the workbook's
#: tables behind them)
ChartType = Literal["bar", "column", "line", "stacked_column"]


@dataclass(frozen=True)
class Chart:
    """One chart: categories along one axis, one or more series of values.

    ``series`` maps a series name to its values (one per category, NaN for none);
    ``kind`` says how the values read. ``subtitle`` is the chart's context (scope and
    analysis date), drawn with the title wherever the chart goes.
    """

    key: str
    type: ChartType
    title: str
    subtitle: str
    categories: tuple[str, ...]
    series: Mapping[str, tuple[float, ...]]
    kind: Kind = "int"
    value_label: str = ""

    def __post_init__(self) -> None:
        for name, values in self.series.items():
            if len(values) != len(self.categories):
                raise ValueError(f"chart {self.key!r}: series {name!r} has {len(values)} "
                                 f"values for {len(self.categories)} categories")

    def frame(self) -> pd.DataFrame:
        """The chart's data as a table (categories as the index)."""
        return pd.DataFrame({k: list(v) for k, v in self.series.items()},
                            index=pd.Index(list(self.categories)))


@dataclass(frozen=True)
class Table:
    """A table of a section: ``frame`` with display ``headers`` and value ``kinds`` per
    column (columns without a kind are text).

    A column whose kind is ``"row"`` takes each cell's kind from the column named
    ``row_kind`` (a table of mixed figures: money in one row, counts in the next); that
    column itself is not shown.
    """

    key: str
    title: str
    frame: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    row_kind: str | None = None

    @property
    def columns(self) -> list[str]:
        """The columns shown, in order."""
        return [c for c in self.frame.columns if c != self.row_kind]

    def kind(self, column: str) -> str:
        return self.kinds.get(column, "text")

    def cell_kind(self, column: str, row: int) -> Kind:
        """The kind of one cell (``row``: position)."""
        kind = self.kind(column)
        if kind == "row" and self.row_kind is not None:
            return self.frame[self.row_kind].iloc[row]
        return kind

    def header(self, column: str) -> str:
        return self.headers.get(column, str(column))

    def formatted(self, lang: str) -> pd.DataFrame:
        """Every cell as text in ``lang`` (through :func:`format_value`), headers named."""
        return pd.DataFrame({
            self.header(c): [format_value(v, self.cell_kind(c, i), lang)
                             for i, v in enumerate(self.frame[c])]
            for c in self.columns})


@dataclass(frozen=True)
class Section:
    """One topic of the report (a slide or two, an HTML section, a sheet).

    ``sentence`` is what the page says about it ("Revenue rose 14.9% ..."): the deck's
    speaker notes, the HTML section's lead, the sheet's first line. ``lead`` is a shorter
    form for the slide itself where the sentence is long (default: the sentence).
    """

    key: str
    title: str
    sentence: str
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    lead: str = ""

    @property
    def headline(self) -> str:
        """What a slide shows under its title."""
        return self.lead or self.sentence


@dataclass(frozen=True)
class Report:
    """Everything a report file holds: who it is for, about what, and its sections."""

    lang: str
    title: str
    scope: str
    as_of: date
    source: str
    author: str
    sections: tuple[Section, ...]
    created: date | None = None

    @property
    def context(self) -> str:
        """Scope and analysis date, as every chart and page footer shows them."""
        return context_line(self.scope, self.as_of, self.lang)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def context_line(scope: str, as_of: date, lang: str) -> str:
    """``"Region 华东 · analysis date 2024-06-30"`` in ``lang``."""
    from .. import i18n

    return i18n.t("report.context", lang, scope=scope, as_of=fmt.day(as_of, lang))


def format_value(value: object, kind: Kind, lang: str) -> str:
    """One value as a person reads it, through the formatting layer (``"text"``: as it is,
    empty when missing)."""
    if kind == "text":
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
            else str(value)
    return fmt.format_value(value, lang, kind)


def series_of(frame: pd.DataFrame, columns: Sequence[str], names: Mapping[str, str]
              ) -> dict[str, tuple[float, ...]]:
    """Chart series from columns of ``frame`` (floats, NaN kept), named by ``names``."""
    return {names[c]: tuple(float(v) for v in pd.to_numeric(frame[c], errors="coerce"))
            for c in columns}
