"""The satisfaction page's voice-of-the-customer tab: what low scorers and complaints say."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation import satisfaction as sat
from segmentation.satisfaction import charts
from ui import show
from ui.satisfaction_view import COUNT, PCT, SatisfactionView, show_table


def _term_columns(view: SatisfactionView, group: str, **count) -> dict:
    """The columns of a table of terms per group (the weakest dimension, the category)."""
    return {
        "group": view.text(group),
        "term": view.text("sat.col.term"),
        "comments": view.number("sat.col.comments", **count),
        "share": view.number("sat.col.share", **PCT),
        "example": view.text("sat.col.example"),
    }


def draw(view: SatisfactionView) -> None:
    if view.surveys_ready():
        _low_scores(view)
    _complaints(view)


def _low_scores(view: SatisfactionView) -> None:
    t, lang, data = view.t, view.lang, view.data
    if "comment" not in data.surveys.columns:
        st.info(t("sat.voice.no_comment_column"))
        return
    choices, default = sat.low_score_choices(data.scale)
    max_score = st.select_slider(t("sat.voice.max_score"), options=choices, value=default,
                                 key="sat_voice_max")
    low = view.computed("low_score_comments", max_score=max_score)
    low = low.assign(comment=view.ctx.mask_text(low["comment"]))  # no PII right: masked
    if low.empty:
        st.info(t("sat.voice.none", max=max_score))
        return
    st.caption(t("sat.voice.caption", n=formatting.number(len(low), lang), max=max_score))
    terms = sat.top_terms(low["comment"], n=15)
    if not terms.empty:
        show.chart(charts.share_bars(
            terms, label="term", share="share", count="comments",
            title=t("sat.voice.title"), value_label=t("sat.voice.share"), lang=view.lang),
            key="sat_voice_chart")
    if low["weakest"].notna().any():
        st.markdown(f"**{t('sat.voice.by_dim')}**")
        by_dim = sat.top_terms(low["comment"], groups=low["weakest"], n=3)
        by_dim["group"] = [view.dim_label(g) for g in by_dim["group"]]
        show_table(by_dim, _term_columns(view, "sat.col.weakest", **COUNT), "sat_voice_dims")


def _complaints(view: SatisfactionView) -> None:
    t = view.t
    st.subheader(t("sat.voice.complaints.header"))
    texts = view.computed("complaint_texts")
    if texts is not None:
        texts = texts.assign(text=view.ctx.mask_text(texts["text"]))
    if not view.data.has_complaints:
        st.info(t("sat.need_complaints"))
    elif texts is None:
        st.info(t("sat.voice.complaints.none"))
    else:
        by_cat = sat.top_terms(texts["text"], groups=texts["category"], n=5)
        by_cat["group"] = [view.group_label("category", g) for g in by_cat["group"]]
        show_table(by_cat, _term_columns(view, "sat.col.category"), "sat_voice_complaints")
