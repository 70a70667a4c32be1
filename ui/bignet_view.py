"""What a page shows instead of customer rows that may not travel: the bilingual notice
of a network too large to fetch (see :mod:`segmentation.bignet`)."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation.sql import max_customer_rows

__all__ = ["churn_notice", "ranked_within_caption", "too_large_notice"]


def too_large_notice(ctx, n: int) -> None:
    """This page needs a row per customer, and ``n`` customers are too many: say so and
    what to do (a region or branch in the sidebar, a regional login)."""
    whose = "big.whose.selection" if ctx.filters else "big.whose.network"
    if not ctx.scope.is_all:
        whose = "big.whose.selection"
    st.warning(f"**{ctx.t('big.title')}**  \n" + ctx.t(
        "big.rows", whose=ctx.t(whose), n=formatting.number(n, ctx.lang),
        limit=formatting.number(max_customer_rows(), ctx.lang)), icon=":material/database:")


def churn_notice(ctx, n: int) -> None:
    """The churn model needs every one of the network's ``n`` customers: score them in
    the database instead (the CLI's ``score --write-table``)."""
    st.warning(f"**{ctx.t('big.title')}**  \n" + ctx.t(
        "big.churn", n=formatting.number(n, ctx.lang),
        limit=formatting.number(max_customer_rows(), ctx.lang)), icon=":material/database:")


def ranked_within_caption(ctx) -> None:
    """Under a page graded in tiers: the ranks are the selection's, not the network's."""
    if ctx.ranked_within_selection():
        st.caption(ctx.t("big.ranked_within"))
