"""Tiers: tune how customers are graded and see the consequences live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui.strings_tiers  # noqa: F401  (registers the page strings)
from segmentation import charts, i18n
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.presets import PresetStore
from segmentation.tiers import (
    SettingsError,
    TierSettings,
    assign,
    customer_list,
    history_flows,
    migration,
    migration_flows,
    migration_sentences,
    movement_summary,
    segment_label,
    suggest_thresholds,
    top_share,
)
from ui import auth, context
from ui.scoping import customer_rows, scope_caption
from ui.state import relabel
from ui.tier_state import (
    load_into_state,
    settings_from_state,
)

ctx = context.current()
lang, t = ctx.lang, ctx.t
store = PresetStore.for_workspace(context.workspace())

st.title(t("tp.title"))
st.caption(t("tp.caption", as_of=ctx.as_of.isoformat()))
scope_caption(ctx)

view = ctx.view()
if view.empty:
    st.warning(t("common.no_customers"))
    st.stop()
base = ctx.scoring_base()
if "tiers_n" not in st.session_state:
    load_into_state(store.default_settings() or TierSettings.default(4), lang)


def _pct(v: float) -> str:
    return i18n.fmt_pct(v, lang, decimals=1)


def _settings_panel() -> None:
    """Widgets that edit the settings held in session state (see ui/tier_state.py)."""
    from ui.tier_state import (
        actions_editor,
        change_tier_count,
        persisted,
        rules_editor,
        use_suggested_thresholds,
    )

    current = settings_from_state(lang, strict=False)
    tab_score, tab_cuts, tab_names, tab_rfm, tab_presets = st.tabs(
        [t("tp.tab.score"), t("tp.tab.cuts"), t("tp.tab.names"), t("tp.tab.rfm"),
         t("tp.tab.presets")])
    with tab_score:
        st.caption(t("tp.weights.help"))
        cols = st.columns(4)
        for col, key in zip(cols, ("r", "f", "m", "t"), strict=True):
            col.slider(t(f"tp.w.{key}"), 0.0, 1.0, step=0.05, **persisted(f"tiers_w_{key}"))
    with tab_cuts:
        c1, c2 = st.columns([1, 2])
        c1.segmented_control(t("tp.n_tiers"), [3, 4, 5], required=True,
                             **persisted("tiers_n", on_change=change_tier_count, args=(lang,)))
        c2.radio(t("tp.mode"), ["share", "threshold"], horizontal=True,
                 format_func=lambda m: t(f"tp.mode.{m}"), help=t("tp.mode.help"),
                 **persisted("tiers_mode"))
        tiers = current.tiers
        labels = current.tier_labels(lang)
        if st.session_state["tiers_mode"] == "share":
            cols = st.columns(len(tiers) - 1)
            for i, col in enumerate(cols):
                col.slider(t("tp.share", tier=labels[tiers[i]]), 1, 80,
                           help=t("tp.share.help"), **persisted(f"tiers_share_{i}"))
            used = sum(st.session_state[f"tiers_share_{i}"] for i in range(len(tiers) - 1))
            rest = 100 - used
            if rest < 1:
                st.error(t("tp.share.too_much", pct=f"{used}%", tier=labels[tiers[-1]]))
            else:
                st.caption(t("tp.share.rest", tier=labels[tiers[-1]], pct=f"{rest}%"))
        else:
            st.caption(t("tp.threshold.help", days=current.annualize_min_days))
            cols = st.columns(len(tiers) - 1)
            for i, col in enumerate(cols):
                col.number_input(t("tp.min_spend", tier=labels[tiers[i]]), min_value=0.0,
                                 step=500.0, format="%.0f", **persisted(f"tiers_spend_{i}"))
                col.number_input(t("tp.min_ships", tier=labels[tiers[i]]), min_value=0.0,
                                 step=1.0, format="%.0f", **persisted(f"tiers_ships_{i}"))
            st.button(t("tp.suggest"), key="tiers_suggest", on_click=use_suggested_thresholds,
                      args=(suggest_thresholds, base, lang))
        st.markdown(f"**{t('tp.freq_classes')}**")
        f1, f2 = st.columns(2)
        f1.number_input(t("tp.freq.high"), min_value=1.0, step=1.0, format="%.0f",
                        **persisted("tiers_freq_high"))
        f2.number_input(t("tp.freq.medium"), min_value=0.0, step=1.0, format="%.0f",
                        **persisted("tiers_freq_medium"))
    with tab_names:
        cols = st.columns(len(current.tiers))
        for i, (col, tier) in enumerate(zip(cols, current.tiers, strict=True)):
            with col:
                st.text_input(t("tp.label", n=i + 1), max_chars=24,
                              **persisted(f"tiers_label_{tier}_{lang}"))
                actions_editor(tier, current, lang, t("tp.actions", tier=labels[tier]))
    with tab_rfm:
        st.caption(t("tp.rfm.help"))
        rules_editor(current, lang, t)
    with tab_presets:
        _presets_panel()


def _presets_panel() -> None:
    names = store.list()
    default = store.default()
    c1, c2 = st.columns(2)
    with c1:
        name = st.text_input(t("tp.preset.name"), key="tiers_preset_name", max_chars=40)
        if st.button(t("tp.preset.save"), key="tiers_preset_save", disabled=not name.strip()) \
                and auth.may_overwrite_preset(name, default):
            try:
                store.save(name.strip(), settings_from_state(lang))
                auth.record("preset_saved", name=name.strip())
                st.success(t("tp.preset.saved", name=name.strip()))
                names = store.list()
            except (SettingsError, ValueError) as err:
                st.error(t("tp.preset.error", message=_message(err)))
        upload = st.file_uploader(t("tp.preset.import"), type=["json"], key="tiers_preset_file")
        if upload is not None and st.session_state.get("tiers_imported") != upload.file_id \
                and auth.may_overwrite_preset(upload.name.rsplit(".", 1)[0], default):
            try:
                imported = store.import_json(upload.getvalue(),
                                             name=upload.name.rsplit(".", 1)[0])
                st.session_state["tiers_imported"] = upload.file_id
                auth.record("preset_saved", name=imported, imported=True)
                st.success(t("tp.preset.imported", name=imported))
                names = store.list()
            except (SettingsError, ValueError) as err:
                st.error(t("tp.preset.error", message=_message(err)))
    with c2:
        if not names:
            st.info(t("tp.preset.none"))
            return
        chosen = st.selectbox(t("tp.preset.choose"), names, key="tiers_preset_pick")
        b1, b2, b3 = st.columns(3)
        can_default, why_not = auth.permission("save_default_preset")
        if b1.button(t("tp.preset.load"), key="tiers_preset_load"):
            load_into_state(store.load(chosen), lang)
            st.session_state["tiers_loaded_msg"] = chosen
            st.rerun()
        if b2.button(t("tp.preset.default"), key="tiers_preset_default", disabled=not can_default,
                     help=why_not) and auth.allowed("save_default_preset"):
            store.set_default(chosen)
            auth.record("preset_saved", name=chosen, default=True)
            default = chosen
        if b3.button(t("tp.preset.delete"), key="tiers_preset_delete", disabled=not can_default,
                     help=why_not) and auth.allowed("save_default_preset"):
            store.delete(chosen)
            st.rerun()
        auth.download_button(st, t("tp.preset.export"), store.export_json(chosen),
                             file_name=f"{chosen}.json", mime="application/json",
                             key="tiers_preset_export", on_click="ignore")
        if st.session_state.pop("tiers_loaded_msg", None):
            st.success(t("tp.preset.loaded", name=chosen))
        if default:
            st.caption(t("tp.preset.is_default", name=default))


def _message(err: Exception) -> str:
    return err.message(lang) if hasattr(err, "message") else str(err)


@st.fragment
def tiers_body() -> None:
    with st.expander(t("tp.settings"), expanded=True):
        _settings_panel()
    try:
        settings = settings_from_state(lang)
    except SettingsError as err:
        st.error(t("tp.settings.invalid", message=err.message(lang)))
        return
    result = assign(base, settings)
    scored = result.scored
    labels = settings.tier_labels(lang)
    colors = dict(zip(settings.tiers, charts.tier_colors(len(settings.tiers)), strict=True))
    messages = result.messages(lang)
    if messages:
        st.info("\n".join(f"- {m}" for m in messages), icon=":material/info:")

    summary = result.summary()
    cards = st.columns(len(settings.tiers))
    for card, tier in zip(cards, settings.tiers, strict=True):
        row = summary.loc[tier]
        with card.container(border=True):
            st.markdown(f"#### {labels[tier]}")
            st.metric(t("tp.col.customers"), i18n.fmt_int(row["customers"], lang),
                      label_visibility="collapsed")
            st.caption(t("tp.card.customers", share=_pct(row["share"])) + "  \n"
                       + t("tp.card.revenue", share=_pct(row["revenue_share"])) + "  \n"
                       + t("tp.card.avg", spend=i18n.fmt_money(row["avg_spend"], lang),
                           freq=i18n.fmt_float(row["avg_frequency"], lang, decimals=1)))
            st.markdown("\n".join(f"- {a}" for a in settings.actions(tier, lang)))

    st.subheader(t("tp.summary"))
    shown = summary.reset_index()
    shown["tier"] = shown["tier"].map(labels)
    st.dataframe(
        shown, hide_index=True, key="tiers_summary",
        column_order=["tier", "customers", "share", "revenue", "revenue_share", "avg_spend",
                      "avg_frequency", "avg_recency"],
        column_config={
            "tier": t("tp.col.tier"),
            "customers": st.column_config.NumberColumn(t("tp.col.customers"),
                                                       format="localized"),
            "share": st.column_config.NumberColumn(t("tp.col.share"), format="percent"),
            "revenue": st.column_config.NumberColumn(t("tp.col.revenue"), format="localized"),
            "revenue_share": st.column_config.ProgressColumn(
                t("tp.col.revenue_share"), format="percent", min_value=0.0, max_value=1.0),
            "avg_spend": st.column_config.NumberColumn(t("tp.col.avg_spend"), format="%.0f"),
            "avg_frequency": st.column_config.NumberColumn(t("tp.col.avg_frequency"),
                                                           format="%.1f"),
            "avg_recency": st.column_config.NumberColumn(t("tp.col.avg_recency"),
                                                         format="%.0f"),
        },
    )

    left, right = st.columns(2)
    with left:
        top = st.slider(t("tp.pareto.top"), 1, 50, 20, key="tiers_pareto_top")
        share = top_share(scored, top / 100)
        sentence = t("tp.pareto.sentence", pct=f"{top}%", rev=_pct(share))
        st.markdown(f"**{sentence}**")
        st.plotly_chart(charts.pareto_curve(
            ctx.pareto(), title=t("tp.pareto.title"), x_label=t("tp.pareto.x"),
            y_label=t("tp.pareto.y"), marker=(top / 100, share), marker_text=_pct(share)),
            key="tiers_pareto_chart")
    with right:
        options = [b for b in ("region", "branch", "customer_type", "area_type",
                               "frequency_class") if b in scored.columns]
        relabel("tiers_mix_by")
        by = st.selectbox(t("tp.mix.by"), options, key="tiers_mix_by",
                          format_func=lambda b: t(f"tp.by.{b}"))
        mix = result.mix(by)
        names = None
        if by in ("customer_type", "area_type"):
            names = {v: context.value_label(v, lang) for v in mix[by].astype(str).unique()}
        elif by == "frequency_class":
            names = {v: i18n.t(f"freq_class.{v}", lang) for v in mix[by].astype(str).unique()}
        st.plotly_chart(charts.stacked_shares(
            mix, by=by, series="tier", value="share", order=list(settings.tiers), labels=labels,
            colors=[colors[k] for k in settings.tiers], title=t("tp.mix.title",
                                                                 by=t(f"tp.by.{by}")),
            x_label=t("tp.mix.x"), category_labels=names), key="tiers_mix_chart")

    _rfm_section(result, settings)
    _whatif_section(result, settings, labels, colors)
    _history_section(settings, labels, colors)
    _download_section(scored, settings, labels)


def _rfm_section(result, settings: TierSettings) -> None:
    grid = result.grid()
    st.session_state.setdefault("tiers_rfm_what", "customers")
    relabel("tiers_rfm_what")
    what = st.segmented_control(t("tp.rfm.show"), ["customers", "revenue"],
                                required=True, key="tiers_rfm_what",
                                format_func=lambda w: t(f"tp.rfm.{w}"))
    text = []
    pivot = grid.pivot(index="r_score", columns="f_score").sort_index()
    for r in pivot.index:
        row = []
        for f in pivot["segment"].columns:
            seg = segment_label(pivot.loc[r, ("segment", f)], lang)
            value = pivot.loc[r, (what, f)]
            shown = (i18n.fmt_int(value, lang) if what == "customers"
                     else i18n.fmt_money(value, lang))
            row.append(f"{seg}<br>{shown}")
        text.append(row)
    st.plotly_chart(charts.grid_heatmap(
        grid, value=what, text=text, title=t("tp.rfm.title", what=t(f"tp.rfm.{what}")),
        x_label=t("tp.rfm.x"), y_label=t("tp.rfm.y"), colorbar=t(f"tp.rfm.{what}")),
        key="tiers_rfm_chart")


def _whatif_section(result, settings: TierSettings, labels, colors) -> None:
    st.subheader(t("tp.whatif"))
    names = store.list()
    if not names:
        st.info(t("tp.whatif.none"))
        return
    name = st.selectbox(t("tp.whatif.choose"), names, key="tiers_whatif_pick")
    try:
        other = store.load(name)
    except (SettingsError, ValueError) as err:
        st.error(t("tp.preset.error", message=_message(err)))
        return
    before = assign(base, other).scored["tier"]
    counts, revenue = migration(before, result.scored["tier"],
                                result.scored["monetary_total"])
    for sentence in migration_sentences(counts, revenue, lang=lang, settings=settings):
        st.markdown(f"- {sentence}")
    moved = int(counts.to_numpy().sum() - sum(counts.at[k, k] for k in counts.index
                                             if k in counts.columns))
    if moved == 0:
        st.success(t("tp.whatif.same"))
        return
    other_labels = other.tier_labels(lang)
    c1, c2 = st.columns([1, 1])
    with c1:
        st.caption(t("tp.whatif.matrix", name=name))
        st.dataframe(counts.rename(index=other_labels, columns=labels), key="tiers_matrix")
        st.caption(t("tp.whatif.revenue"))
        st.dataframe(revenue.rename(index=other_labels, columns=labels).round(0),
                     key="tiers_matrix_rev")
    with c2:
        flows = migration_flows(counts, revenue)
        st.plotly_chart(charts.sankey(
            flows, source="from_tier", target="to_tier", value="customers",
            source_labels=other_labels, target_labels=labels,
            source_order=list(other.tiers), target_order=list(settings.tiers),
            title=t("tp.whatif.sankey", name=name), colors=colors), key="tiers_whatif_sankey")


def _history_section(settings: TierSettings, labels, colors) -> None:
    st.subheader(t("tp.history"), help=t("tp.history.help"))
    key = ("tiers_history", ctx.snap.dataset_id, ctx.as_of, ctx.filters, settings.to_json())
    if st.session_state.get("tiers_history_key") != key:
        if not st.button(t("tp.history.run"), key="tiers_history_run"):
            return
        st.session_state["tiers_history_key"] = key
    with st.spinner(t("tp.history.running")):
        history = ctx.tier_history(settings)
    moves = movement_summary(history)
    if moves.empty:
        return
    moves["month"] = pd.to_datetime(moves["period_to"]).dt.strftime("%Y-%m")
    first, last = moves.iloc[0], moves.iloc[-1]
    st.markdown(t("tp.history.summary", start=str(first["period_from"])[:10],
                  end=str(last["period_to"])[:10], up=i18n.fmt_int(moves["up"].sum(), lang),
                  down=i18n.fmt_int(moves["down"].sum(), lang),
                  new=i18n.fmt_int(moves["new"].sum(), lang),
                  gone=i18n.fmt_int(moves["gone"].sum(), lang)))
    c1, c2 = st.columns(2)
    with c1:
        st.plotly_chart(charts.diverging_bars(
            moves, x="month", up="up", down="down", up_label=t("tp.history.up"),
            down_label=t("tp.history.down"), title=t("tp.history.title"),
            x_label=t("tp.history.month"), y_label=t("tp.history.customers")),
            key="tiers_history_bars")
    with c2:
        flows = history_flows(history)
        pairs = list(dict.fromkeys(zip(flows["period_from"], flows["period_to"], strict=True)))
        # options are indices: a tuple value would be read as a range by select_slider
        index = st.select_slider(
            t("tp.history.pair"), options=list(range(len(pairs))), value=len(pairs) - 1,
            format_func=lambda i: f"{str(pairs[i][0])[:7]} → {str(pairs[i][1])[:7]}",
            key="tiers_history_pair")
        pair = pairs[index]
        part = flows[(flows["period_from"] == pair[0]) & (flows["period_to"] == pair[1])]
        order = [history.NEW if hasattr(history, "NEW") else "_new", *settings.tiers]
        everyone = {k: settings.label(k, lang) for k in ("_new", "_gone", *settings.tiers)}
        st.plotly_chart(charts.sankey(
            part, source="from_tier", target="to_tier", value="customers",
            source_labels=everyone, target_labels=everyone, source_order=order,
            target_order=[*settings.tiers, "_gone"],
            title=t("tp.history.sankey", start=str(pair[0])[:7], end=str(pair[1])[:7]),
            colors=colors), key="tiers_history_sankey")


def _download_section(scored: pd.DataFrame, settings: TierSettings, labels) -> None:
    st.subheader(t("tp.download"))
    if not customer_rows(ctx):
        return
    picked = [k for k in st.session_state.get("tiers_download_pick", settings.tiers[:1])
              if k in settings.tiers]
    st.session_state["tiers_download_pick"] = picked
    chosen = st.multiselect(t("tp.download.tiers"), list(settings.tiers),
                            key="tiers_download_pick",
                            format_func=lambda k: labels[k])
    n = int(scored["tier"].isin(chosen or list(settings.tiers)).sum())
    st.caption(t("tp.download.caption", n=i18n.fmt_int(n, lang)))
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


tiers_body()
