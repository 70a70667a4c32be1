"""What the satisfaction page's tabs share: the selected data, its labels and formats.

The page builds one :class:`SatisfactionView` per run; each ``ui/satisfaction_*`` tab
module draws from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import streamlit as st

from segmentation import formatting
from segmentation import satisfaction as sat
from segmentation.formatting import column_format
from segmentation.tiers import TierSettings
from ui import context
from ui.caches import satisfaction as sat_cache

DAYS = context.PERIOD_DAYS
MONTHS = 24
BASELINE_PERIODS = 2
MIN_RESPONSES = 10
MIN_DRIVER_RESPONSES = 30


@dataclass
class SatisfactionView:
    """One run of the page: ``everything`` (the scope), ``graded`` (the sidebar filters,
    with tiers) and ``data`` (the tier choice on the chosen scale)."""

    ctx: context.Context
    settings: TierSettings
    everything: sat.SatisfactionData
    graded: sat.SatisfactionData
    data: sat.SatisfactionData
    with_surveys: bool
    scale_key: str
    sla: int
    tier_options: list[str]
    chosen_tiers: list[str]

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def computed(self, what: str, **arguments):
        """``segmentation.satisfaction.<what>(self.data, **arguments)``, cached per
        selection (scope, filters, grading, tiers, scale): at a million customers the
        trends, comparisons, alerts and complaint tables cost seconds, and a rerun
        with nothing changed should cost none of them."""
        return sat_cache.computed(
            self.ctx.key.with_(pii=True), self.with_surveys, self.settings.to_json(),
            tuple(self.chosen_tiers), self.scale_key, what,
            tuple(sorted(arguments.items(), key=lambda item: item[0])), self.data)

    def t(self, key: str, **kwargs) -> str:
        return self.ctx.t(key, **kwargs)

    @property
    def kind(self) -> str:
        return self.data.scale.kind if self.data.scale is not None else "csat"

    @property
    def index_name(self) -> str:
        return self.t(f"sat.metric.{self.kind}")

    @cached_property
    def groups(self) -> list[str]:
        """The group columns the data can be compared by."""
        return [c for c in sat.GROUP_COLUMNS if c in self.graded.attributes.columns]

    # ------------------------------------------------------------ wording
    def fmt_index(self, value: float) -> str:
        if pd.isna(value):
            return "–"
        if self.kind == "nps":
            return formatting.number(value * 100, self.lang, signed=True)
        return formatting.percent(value, self.lang)

    def fmt_change(self, value: float) -> str | None:
        if pd.isna(value):
            return None
        if self.kind == "nps":
            return formatting.number(value * 100, self.lang, signed=True)
        return self.t("sat.pp", value=formatting.decimal(value * 100, self.lang, 1, signed=True))

    def group_label(self, column: str, value: object) -> str:
        if column == "tier":
            return self.settings.label(str(value), self.lang)
        if column in ("category", "severity"):
            return sat.label(column, value, self.lang)
        return context.value_label(value, self.lang)

    def group_labels(self, column: str, values) -> list[str]:
        """:meth:`group_label` of each value ("" for a missing one)."""
        return [self.group_label(column, v) if pd.notna(v) else "" for v in values]

    def group_title(self, column: str) -> str:
        if column == "tier":
            return self.t("sat.group.tier")
        if column in ("category", "severity"):
            return self.t(f"sat.cp.by.{column}")
        return self.t(f"filter.{column}")

    def dim_label(self, dim: str) -> str:
        return sat.label("dimension", dim, self.lang)

    def points(self, frame: pd.DataFrame, columns: list[str],
               differences: tuple[str, ...] = ()) -> pd.DataFrame:
        """``frame`` for display (:func:`segmentation.satisfaction.display_points`)."""
        return sat.display_points(frame, self.kind, columns, differences)

    # ------------------------------------------------------------ column formats
    @property
    def idx(self) -> dict:
        return column_format("signed0") if self.kind == "nps" else PCT

    @property
    def diff(self) -> dict:
        """Differences of a CSAT in percentage points, of an NPS in points."""
        return column_format("signed0" if self.kind == "nps" else "signed1")

    @property
    def margin(self) -> dict:
        return column_format("int" if self.kind == "nps" else "decimal1")

    @property
    def unit(self) -> str:
        """The unit of differences in column labels."""
        return "nps" if self.kind == "nps" else "pp"

    def number(self, key: str, **fmt) -> st.column_config.NumberColumn:
        return st.column_config.NumberColumn(self.t(key), **fmt)

    def text(self, key: str, **kwargs) -> st.column_config.TextColumn:
        return st.column_config.TextColumn(self.t(key), **kwargs)

    # ------------------------------------------------------------ empty states
    def surveys_ready(self) -> bool:
        """Explain and return False when there is nothing to show from surveys."""
        data, everything = self.data, self.everything
        if not data.has_surveys:
            st.info(self.t("sat.need_surveys"))
            return False
        if data.surveys.empty:
            no_ids = (everything.surveys is not None and not everything.surveys.empty
                      and "customer_id" not in everything.surveys.columns)
            st.info(self.t("sat.need_customer_id") if no_ids else self.t("sat.no_answers"))
            return False
        return True

    def complaints_ready(self) -> bool:
        if not self.data.has_complaints:
            st.info(self.t("sat.need_complaints"))
            return False
        if self.data.complaints.empty:
            st.info(self.t("sat.no_complaints_selected"))
            return False
        return True


PCT = column_format("percent")  # shares (ratios), shown as percentages
COUNT = column_format("int")
DECIMAL = column_format("decimal")
DECIMAL1 = column_format("decimal1")


def show_table(frame: pd.DataFrame, config: dict, key: str) -> None:
    """``frame`` with the columns of ``config`` that it has, in that order."""
    st.dataframe(frame, column_order=[c for c in config if c in frame],
                 column_config=config, hide_index=True, key=key)


def draw_headline(view: SatisfactionView) -> None:
    """The four headline cards."""
    t, lang = view.t, view.lang
    cards = view.computed("headline_cards", period_days=DAYS, sla_days=view.sla)
    cols = st.columns(4)
    with cols[0]:
        if (card := cards["index"]) is not None:
            st.metric(view.index_name, view.fmt_index(card.value),
                      delta=view.fmt_change(card.change), border=True,
                      help=t("sat.metric.index.help", scale=view.data.scale.label(lang),
                             days=DAYS, value=view.fmt_index(card.value),
                             lo=view.fmt_index(card.lo), hi=view.fmt_index(card.hi),
                             n=formatting.number(card.count, lang)))
        else:
            st.metric(t("sat.metric.csat"), "–", border=True, help=t("sat.metric.need_surveys"))
    with cols[1]:
        if (card := cards["responses"]) is not None:
            st.metric(t("sat.metric.responses"), formatting.number(card.value, lang),
                      delta=formatting.number(card.change, lang, signed=True),
                      delta_color="off",
                      border=True, help=t("sat.metric.responses.help", days=DAYS))
        else:
            st.metric(t("sat.metric.responses"), "–", border=True,
                      help=t("sat.metric.need_surveys"))
    with cols[2]:
        if (card := cards["complaint_rate"]) is not None:
            st.metric(t("sat.metric.rate"), formatting.decimal(card.value, lang, 1),
                      delta=None if pd.isna(card.change)
                      else formatting.decimal(card.change, lang, 1, signed=True),
                      delta_color="inverse", border=True, help=t(
                          "sat.metric.rate.help", days=DAYS, n=formatting.number(card.count, lang),
                          shipments=formatting.number(card.base, lang)))
        else:
            st.metric(t("sat.metric.rate"), "–", border=True,
                      help=t("sat.metric.need_complaints"))
    with cols[3]:
        if (card := cards["open_past_sla"]) is not None:
            st.metric(t("sat.metric.past_sla"), formatting.number(card.value, lang), border=True,
                      help=t("sat.metric.past_sla.help", sla=view.sla,
                             open=formatting.number(card.count, lang)))
        else:
            st.metric(t("sat.metric.past_sla"), "–", border=True,
                      help=t("sat.metric.need_complaints"))
