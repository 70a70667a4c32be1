"""Report: the deck, the HTML report and the workbook for headquarters, in one click."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation.textsafe import md
from ui import context, report_page
from ui.scoping import no_customers, scope_caption

ctx = context.current()
t = ctx.t

st.title(t("rp.title"))
st.caption(t("rp.caption", as_of=formatting.day(ctx.as_of, ctx.lang)))
scope_caption(ctx)

if ctx.view().empty:
    no_customers(ctx)
    st.stop()

kept = report_page.built(ctx)
if st.button(t("rp.build" if kept is None else "rp.rebuild"), key="report_build",
             type="primary" if kept is None else "secondary", icon=":material/slideshow:"):
    report_page.build_files(ctx)
    kept = report_page.built(ctx)
if kept is not None:
    report_page.downloads(ctx, kept)
    with st.expander(t("rp.sections"), expanded=True):
        st.markdown("\n".join(f"- **{md(title)}**: {md(sentence)}"
                              for title, sentence in kept["sections"]))
st.caption(t("rp.cli"))
