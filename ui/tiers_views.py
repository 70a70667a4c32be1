"""The Tiers page's results: cards, summary table, Pareto and mix, RFM grid, what-if,
history and the customer download. Drawing only; the figures come from
:mod:`segmentation.tiers`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import charts, formatting, i18n
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.presets import PresetStore
from segmentation.textsafe import md
from segmentation.tiers import (
    GONE,
    NEW,
    SettingsError,
    TierResult,
    TierSettings,
    assign,
    customer_list,
    history_flows,
    migration,
    migration_flows,
    migration_sentences,
    moved_customers,
    movement_summary,
    rfm_grid_text,
    top_share,
)
from ui import auth, context, show, tables
from ui.scoping import customer_rows
from ui.state import relabel
from ui.tier_state import tiers_state
from ui.tiers_editor import error_text

__all__ = ["download_section", "history_section", "overview", "rfm_section", "whatif_section"]

#: the breakdowns of the tier mix chart, in menu order
MIX_BY = ("region", "branch", "customer_type", "area_type", "frequency_class")


def _pct(v: float, lang: str) -> str:
    return formatting.percent(v, lang, 1)


def overview(ctx, result: TierResult, labels: dict, colors: dict) -> None:
    """The tier cards, the summary table, the Pareto curve and the tier mix."""
    t, lang, settings = ctx.t, ctx.lang, result.settings
    summary = result.summary()
    for card, tier in zip(st.columns(len(settings.tiers)), settings.tiers, strict=True):
        row = summary.loc[tier]
        with card.container(border=True):
            st.markdown(f"#### {md(labels[tier])}")
            st.metric(t("tp.col.customers"), formatting.number(row["customers"], lang),
                      label_visibility="collapsed")
            st.caption(t("tp.card.customers", share=_pct(row["share"], lang)) + "  \n"
                       + t("tp.card.revenue", share=_pct(row["revenue_share"], lang)) + "  \n"
                       + t("tp.card.avg", spend=formatting.money(row["avg_spend"], lang),
                           freq=formatting.decimal(row["avg_frequency"], lang, 1)))
            st.markdown("\n".join(f"- {md(a)}" for a in settings.actions(tier, lang)))

    st.subheader(t("tp.summary"))
    shown = summary.reset_index()
    shown["tier"] = shown["tier"].map(labels)
    st.dataframe(
        shown, hide_index=True, key="tiers_summary",
        column_order=["tier", "customers", "share", "revenue", "revenue_share", "avg_spend",
                      "avg_frequency", "avg_recency"],
        column_config={
            "tier": t("tp.col.tier"),
            "customers": tables.number(t("tp.col.customers")),
            "share": tables.percent(t("tp.col.share")),
            "revenue": tables.number(t("tp.col.revenue"), "money"),
            "revenue_share": tables.share_bar(t("tp.col.revenue_share")),
            "avg_spend": tables.number(t("tp.col.avg_spend"), "money"),
            "avg_frequency": tables.number(t("tp.col.avg_frequency"), "decimal1"),
            "avg_recency": tables.number(t("tp.col.avg_recency")),
        },
    )
    left, right = st.columns(2)
    with left:
        top = st.slider(t("tp.pareto.top"), 1, 50, 20, key="tiers_pareto_top")
        share = top_share(result.scored, top / 100)
        st.markdown(f"**{t('tp.pareto.sentence', pct=f'{top}%', rev=_pct(share, lang))}**")
        show.chart(lambda: charts.pareto_curve(
            ctx.pareto(), title=t("tp.pareto.title"), x_label=t("tp.pareto.x"),
            y_label=t("tp.pareto.y"), marker=(top / 100, share),
            marker_text=_pct(share, lang), lang=ctx.lang),
            cached_as=show.FigureKey("tiers_pareto_chart", ctx.key.with_(pii=True), lang,
                                     (top,)),
            key="tiers_pareto_chart")
    with right:
        _mix_chart(ctx, result, labels, colors)


def _mix_chart(ctx, result: TierResult, labels: dict, colors: dict) -> None:
    t, lang, settings = ctx.t, ctx.lang, result.settings
    relabel("tiers_mix_by")
    by = st.selectbox(t("tp.mix.by"), [b for b in MIX_BY if b in result.scored.columns],
                      key="tiers_mix_by", format_func=lambda b: t(f"tp.by.{b}"))
    mix = result.mix(by)
    names = None
    if by in ("customer_type", "area_type"):
        names = {v: context.value_label(v, lang) for v in mix[by].astype(str).unique()}
    elif by == "frequency_class":
        names = {v: i18n.t(f"freq_class.{v}", lang) for v in mix[by].astype(str).unique()}
    show.chart(lambda: charts.stacked_shares(
        mix, by=by, series="tier", value="share", order=list(settings.tiers), labels=labels,
        colors=[colors[k] for k in settings.tiers], title=t("tp.mix.title", by=t(f"tp.by.{by}")),
        x_label=t("tp.mix.x"), category_labels=names, lang=ctx.lang),
        cached_as=show.FigureKey("tiers_mix_chart", ctx.key.with_(pii=True), lang,
                                 (settings.to_json(), by)),
        key="tiers_mix_chart")


def rfm_section(ctx, result: TierResult) -> None:
    t = ctx.t
    grid = result.grid()
    st.session_state.setdefault("tiers_rfm_what", "customers")
    relabel("tiers_rfm_what")
    what = st.segmented_control(t("tp.rfm.show"), ["customers", "revenue"],
                                required=True, key="tiers_rfm_what",
                                format_func=lambda w: t(f"tp.rfm.{w}"))
    show.chart(lambda: charts.grid_heatmap(
        grid, value=what, text=rfm_grid_text(grid, what, ctx.lang),
        title=t("tp.rfm.title", what=t(f"tp.rfm.{what}")),
        x_label=t("tp.rfm.x"), y_label=t("tp.rfm.y"), colorbar=t(f"tp.rfm.{what}"), lang=ctx.lang),
        cached_as=show.FigureKey("tiers_rfm_chart", ctx.key.with_(pii=True), ctx.lang,
                                 (result.settings.to_json(), what)),
        key="tiers_rfm_chart")


def whatif_section(ctx, result: TierResult, store: PresetStore, labels: dict,
                   colors: dict) -> None:
    """How the tiers would move from a saved preset to the current settings."""
    t, lang, settings = ctx.t, ctx.lang, result.settings
    st.subheader(t("tp.whatif"))
    names = store.list()
    if not names:
        st.info(t("tp.whatif.none"))
        return
    name = st.selectbox(t("tp.whatif.choose"), names, key="tiers_whatif_pick")
    try:
        other = store.load(name)
    except (SettingsError, ValueError) as err:
        st.error(t("tp.preset.error", message=md(error_text(err, lang))))
        return
    before = assign(result.base, other).scored["tier"]
    counts, revenue = migration(before, result.scored["tier"],
                                result.scored["monetary_total"])
    for sentence in migration_sentences(counts, revenue, lang=lang, settings=settings):
        st.markdown(f"- {md(sentence)}")
    if moved_customers(counts) == 0:
        st.success(t("tp.whatif.same"))
        return
    other_labels = other.tier_labels(lang)
    c1, c2 = st.columns([1, 1])
    with c1:
        st.caption(t("tp.whatif.matrix", name=md(name)))
        shown = counts.rename(index=other_labels, columns=labels)
        st.dataframe(shown, key="tiers_matrix",
                     column_config={c: tables.number(str(c)) for c in shown.columns})
        st.caption(t("tp.whatif.revenue"))
        shown = revenue.rename(index=other_labels, columns=labels)
        st.dataframe(shown, key="tiers_matrix_rev",
                     column_config={c: tables.number(str(c), "money")
                                        for c in shown.columns})
    with c2:
        show.chart(charts.sankey(
            migration_flows(counts, revenue), source="from_tier", target="to_tier",
            value="customers", source_labels=other_labels, target_labels=labels,
            source_order=list(other.tiers), target_order=list(settings.tiers),
            title=t("tp.whatif.sankey", name=name), colors=colors,
            lang=ctx.lang), key="tiers_whatif_sankey")


def history_section(ctx, settings: TierSettings, colors: dict) -> None:
    """The tier moves over the last twelve month ends (run on request, then cached)."""
    t, lang = ctx.t, ctx.lang
    st.subheader(t("tp.history"), help=t("tp.history.help"))
    key = ("tiers_history", ctx.snap.dataset_id, ctx.as_of, ctx.filters, settings.to_json())
    if tiers_state().history_key != key:
        if not st.button(t("tp.history.run"), key="tiers_history_run"):
            return
        tiers_state().history_key = key
    with st.spinner(t("tp.history.running")):
        history = ctx.tier_history(settings)
    moves = movement_summary(history)
    if moves.empty:
        return
    moves["month"] = [formatting.month(d, lang) for d in moves["period_to"]]
    st.markdown(t("tp.history.summary", start=formatting.day(moves.iloc[0]["period_from"], lang),
                  end=formatting.day(moves.iloc[-1]["period_to"], lang),
                  lost_after=formatting.number(history.lost_after_days, lang),
                  lost_total=formatting.number(moves.iloc[-1]["lost_total"], lang),
                  **{k: formatting.number(moves[k].sum(), lang)
                     for k in ("up", "down", "new", "lost")}))
    c1, c2 = st.columns(2)
    with c1:
        show.chart(charts.diverging_bars(
            moves, x="month", up="up", down="down", up_label=t("tp.history.up"),
            down_label=t("tp.history.down"), title=t("tp.history.title"),
            x_label=t("tp.history.month"), y_label=t("tp.history.customers"), lang=ctx.lang),
            key="tiers_history_bars")
    with c2:
        flows = history_flows(history)
        pairs = list(dict.fromkeys(zip(flows["period_from"], flows["period_to"], strict=True)))
        # options are indices: a tuple value would be read as a range by select_slider
        index = st.select_slider(
            t("tp.history.pair"), options=list(range(len(pairs))), value=len(pairs) - 1,
            format_func=lambda i: f"{formatting.month(pairs[i][0], lang)} → "
                                  f"{formatting.month(pairs[i][1], lang)}",
            key="tiers_history_pair")
        pair = pairs[index]
        part = flows[(flows["period_from"] == pair[0]) & (flows["period_to"] == pair[1])]
        everyone = {k: settings.label(k, lang) for k in (NEW, GONE, *settings.tiers)}
        show.chart(charts.sankey(
            part, source="from_tier", target="to_tier", value="customers",
            source_labels=everyone, target_labels=everyone, source_order=[NEW, *settings.tiers],
            target_order=[*settings.tiers, GONE],
            title=t("tp.history.sankey", start=formatting.month(pair[0], lang),
                    end=formatting.month(pair[1], lang)),
            colors=colors, lang=ctx.lang), key="tiers_history_sankey")


def download_section(ctx, scored: pd.DataFrame, settings: TierSettings, labels: dict) -> None:
    """The customers of the chosen tiers as CSV or Excel, for the roles that may."""
    t, lang = ctx.t, ctx.lang
    st.subheader(t("tp.download"))
    if not customer_rows(ctx):
        return
    picked = [k for k in st.session_state.get("tiers_download_pick", settings.tiers[:1])
              if k in settings.tiers]
    st.session_state["tiers_download_pick"] = picked
    chosen = st.multiselect(t("tp.download.tiers"), list(settings.tiers),
                            key="tiers_download_pick", format_func=lambda k: labels[k])
    n = int(scored["tier"].isin(chosen or list(settings.tiers)).sum())
    st.caption(t("tp.download.caption", n=formatting.number(n, lang)))
    stem = "tiers_" + "_".join(chosen or settings.tiers)

    def frame() -> pd.DataFrame:  # built only when a button is clicked
        return customer_list(scored, settings, lang=lang, tiers=chosen or None)

    c1, c2 = st.columns(2)
    auth.download_button(c1, t("tp.download.csv"), lambda: to_csv_bytes(frame()),
                         file_name=f"{stem}.csv", mime="text/csv", key="tiers_download_csv",
                         on_click="ignore", rows=n)
    auth.download_button(c2, t("tp.download.xlsx"), lambda: to_excel_bytes({"customers": frame()}),
                         file_name=f"{stem}.xlsx", key="tiers_download_xlsx", on_click="ignore",
                         rows=n,
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
