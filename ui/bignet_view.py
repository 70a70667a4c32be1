"""What a page shows instead of customer rows that may not travel: the bilingual notice
of a network too large to fetch (see :mod:`segmentation.bignet`)."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation.sql import max_customer_rows

__all__ = ["churn_from_scores_table", "churn_notice", "ranked_within_caption",
           "too_large_notice"]


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


def churn_from_scores_table(ctx) -> None:
    """The Churn page of a network too large to score in the app: the
    viewer's calls ranked in the database from the scores table HQ named for the
    connection (``score --write-table``), with its day and where it came from; without
    such a table, the notice of what to run."""
    from segmentation.churn import DEFAULT_CALLS_PER_BRANCH
    from segmentation.writeback import WriteBackError

    table = ctx.scores_table()
    stored = None
    if table is None and ctx.scores_table_setting() is not None:
        st.error(ctx.t("big.scores.bad_name"), icon=":material/error:")
    if table is not None:
        try:
            stored = ctx.stored_scores(table, DEFAULT_CALLS_PER_BRANCH)
        except WriteBackError as err:
            st.error(err.message(ctx.lang))
        else:
            if stored is None:
                st.warning(ctx.t("big.scores.missing", table=table), icon=":material/error:")
    if stored is None:
        from segmentation import bignet
        from segmentation.access import ALL

        churn_notice(ctx, bignet.size_of(ctx.groups(ALL)))
        return
    st.title(ctx.t("cp.title"))
    day = (formatting.day(stored.as_of, ctx.lang) if stored.as_of is not None
           else ctx.t("big.scores.no_day"))
    calls = stored.calls
    worded = "reason_codes" in calls.columns
    source = ctx.t("big.scores.source", table=stored.table, as_of=day,
                   n=formatting.number(stored.customers, ctx.lang))
    notes = [source]
    if any(c not in stored.unapplied for c, _ in ctx.filters):  # where the table can
        notes.append(ctx.t("big.scores.filtered"))
    if stored.unapplied:
        sep = "、" if ctx.lang == "zh" else ", "
        notes.append(ctx.t("big.scores.unapplied", columns=sep.join(
            ctx.t(f"filter.{c}") for c in stored.unapplied)))
    if not worded:
        notes.append(ctx.t("big.scores.run_language"))
    st.caption(" ".join(notes))
    if worded:  # the reasons in the viewer's language, from the codes
        from segmentation.churn import reason_labels

        calls = calls.drop(columns=["reason_codes"]).assign(
            risk_reasons=reason_labels(calls["reason_codes"], ctx.lang))
    st.subheader(ctx.t("big.scores.calls", per=DEFAULT_CALLS_PER_BRANCH,
                       n=formatting.number(len(calls), ctx.lang)))
    if not ctx.see_customers:
        st.info(ctx.t("big.scores.no_rows"))
        return
    shown = calls.drop(columns=["branch_rank"], errors="ignore")
    if "tier" in shown.columns:  # the tier keys the run wrote, named as on the Tiers page
        from segmentation.tiers import default_tier_label
        from ui.tier_state import current_tier_settings

        labels = current_tier_settings(ctx.lang).tier_labels(ctx.lang)
        shown = shown.assign(tier=[labels.get(str(k)) or default_tier_label(str(k), ctx.lang)
                                   for k in shown["tier"]])
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config=_stored_call_columns(ctx, shown.columns))


def _stored_call_columns(ctx, columns) -> dict:
    """Headers and number formats of the stored call list, as the Churn page's own list
    has them (risk as a bar with its percentage, money with the currency)."""
    from ui import tables

    header = {c: ctx.t(f"big.scores.col.{c}") for c in columns}
    kinds = {"churn_risk": lambda h: tables.share_bar(h),
             "value_at_risk": lambda h: tables.number(h, "money"),
             "clv_12m": lambda h: tables.number(h, "money"),
             "recency_days": lambda h: tables.number(h),
             "risk_reasons": lambda h: st.column_config.TextColumn(h, width="large")}
    return {c: kinds[c](header[c]) if c in kinds else header[c] for c in columns}
