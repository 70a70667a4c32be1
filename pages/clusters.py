"""Clusters: the kinds of customers a branch network has, as named personas."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

import ui.strings_clusters  # noqa: F401  (registers the page strings)
from segmentation import charts, charts_clusters, i18n
from segmentation.clusters import (
    DEFAULT_FEATURES,
    FEATURE_GROUPS,
    ClusterError,
    ClusterWarning,
    CustomerClusterer,
    apply_names,
    available_features,
    cluster_profiles,
    cluster_tier_mix,
    cluster_top_branches,
    cluster_zscores,
    column_label,
    feature_label,
    persona_names,
    projection,
    suggest_k,
)
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.personas_store import (
    MAX_NAME_LENGTH,
    PersonaError,
    PersonaStore,
    clean_renames,
    scope_key,
)
from segmentation.tiers import assign
from ui import auth, context
from ui.state import persisted, relabel
from ui.tier_state import current_tier_settings

K_MIN, K_MAX, K_DEFAULT = 2, 10, 6
CARDS_PER_ROW = 5
MONEY_COLUMNS = ("monetary_total", "monetary_avg")
#: Beyond this the workbook takes minutes to write (a sheet's hard limit is 1,048,576 rows)
EXCEL_MAX_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = context.current()
lang, t = ctx.lang, ctx.t


@dataclass(frozen=True)
class _Clustering:
    """One fitted clustering of the filtered view and what the page draws from it."""

    model: CustomerClusterer
    labels: pd.Series
    profiles: pd.DataFrame
    zscores: pd.DataFrame
    points: pd.DataFrame


@st.cache_resource(show_spinner=False, max_entries=16)
def _clustering(dataset_id: str, as_of: date, filters: tuple, k: int,
                features: tuple[str, ...], _view: pd.DataFrame) -> _Clustering:
    """Fit on (a seeded sample of) the view, assign everyone, profile: once per key."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClusterWarning)  # the notes are shown instead
        model = CustomerClusterer(k, features).fit(_view)
    labels = model.predict(_view)
    return _Clustering(
        model=model, labels=labels,
        profiles=cluster_profiles(_view, labels, model.features_),
        zscores=cluster_zscores(_view, labels, model.features_),
        points=projection(_view, labels, model=model),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _silhouettes(dataset_id: str, as_of: date, filters: tuple, features: tuple[str, ...],
                 _view: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Silhouette score per k on a sample, and the suggested k."""
    return suggest_k(_view, features, k_range=range(K_MIN, K_MAX + 1))


st.title(t("cl.title"))
st.caption(t("cl.caption", as_of=ctx.as_of.isoformat()))

view = ctx.view()
if view.empty:
    st.warning(t("common.no_customers"))
    st.stop()
OPTIONS = available_features(view)
if not OPTIONS:
    st.error(t("cl.no_features_in_data"))
    st.stop()
store = PersonaStore.for_workspace(context.workspace(), ctx.snap.dataset_id)
st.session_state.setdefault("clusters_k", K_DEFAULT)
if st.session_state.get("clusters_features") is None:
    st.session_state["clusters_features"] = [k for k in DEFAULT_FEATURES if k in OPTIONS]
else:  # drop choices that this dataset cannot provide
    st.session_state["clusters_features"] = [k for k in st.session_state["clusters_features"]
                                             if k in OPTIONS]


def _chosen_features() -> tuple[str, ...]:
    """The ticked features in display order (the same set is the same clustering)."""
    chosen = set(st.session_state.get("clusters_features") or ())
    return tuple(k for k in FEATURE_GROUPS if k in chosen)


def _silhouette_key(features: tuple[str, ...]) -> tuple:
    return (ctx.snap.dataset_id, ctx.as_of, ctx.filters, features)


def _suggestion(features: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Silhouettes (cached); the suggestion is remembered for the settings row."""
    with st.spinner(t("cl.k.running")):
        scores, k = _silhouettes(*_silhouette_key(features), view)
    st.session_state.setdefault("clusters_suggested", {})[_silhouette_key(features)] = k
    return scores, k


def _settings_row(features: tuple[str, ...]):
    """k, the features and the suggestion button; returns a slot for the suggested k."""
    left, right = st.columns([1, 3], gap="large")
    with left:
        # the slider is drawn above the button but created after it, so that a
        # click's suggestion is what the slider shows in the same run
        slider_slot = st.container()
        if st.button(t("cl.use_suggested"), key="clusters_use_suggested",
                     help=t("cl.use_suggested.help"), disabled=not features, width="stretch",
                     icon=":material/auto_awesome:"):
            st.session_state["clusters_k"] = _suggestion(features)[1]
        known = st.empty()
        with slider_slot:
            st.slider(t("cl.k"), K_MIN, K_MAX, help=t("cl.k.help"), **persisted("clusters_k"))
    with right:
        st.pills(t("cl.features"), OPTIONS, selection_mode="multi", wrap=True,
                 format_func=lambda k: feature_label(k, lang), help=t("cl.features.help"),
                 **persisted("clusters_features"))
    return known


def _save_names(scope: str, clusters: list[int], auto: dict[int, str]) -> None:
    """Form callback: keep the typed names that differ from the automatic ones."""
    if not auth.allowed("edit_personas", show=False):
        return
    edited = {c: st.session_state.get(f"clusters_name_{c}", "") for c in clusters}
    try:
        renames = clean_renames(edited, auto)
    except PersonaError as err:
        st.session_state["clusters_names_error"] = err.message(lang)
        return
    store.save(scope, renames)
    store.prune(keep=context.workspace().dataset_ids())  # of datasets no longer kept
    auth.record("persona_changed", scope=scope, renamed=len(renames))
    st.session_state["clusters_names_saved"] = True


def _reset_names(scope: str) -> None:
    if not auth.allowed("edit_personas", show=False):
        return
    store.clear(scope)
    auth.record("persona_changed", scope=scope, reset=True)
    st.session_state["clusters_names_saved"] = True


def _label(cluster: int, names: pd.Series) -> str:
    return t("cl.cluster_label", n=cluster, name=names[cluster])


def _pct(value: float) -> str:
    return i18n.fmt_pct(value, lang, decimals=1)


def _cards(result: _Clustering, names: pd.DataFrame) -> None:
    profiles = result.profiles
    clusters = list(profiles.index)
    rows = -(-len(clusters) // CARDS_PER_ROW)
    per_row = -(-len(clusters) // rows)
    for start in range(0, len(clusters), per_row):
        cols = st.columns(per_row)
        for col, cluster in zip(cols, clusters[start:start + per_row], strict=False):
            row = profiles.loc[cluster]
            with col.container(border=True, height="stretch"):
                st.caption(t("cl.card.cluster", n=cluster))
                st.markdown(f"**{names.at[cluster, 'name']}**")
                st.metric(t("cl.card.customers"), i18n.fmt_int(row["size"], lang),
                          label_visibility="collapsed")
                revenue = row["revenue_share"] if "revenue_share" in row else float("nan")
                st.caption(t("cl.card.shares", customers=_pct(row["share"]),
                             revenue=_pct(revenue)) + "  \n" + names.at[cluster, "description"])


def _rename_form(scope: str, names: pd.DataFrame, auto: pd.DataFrame) -> None:
    error = st.session_state.pop("clusters_names_error", None)
    if st.session_state.pop("clusters_names_saved", False):
        st.toast(t("cl.rename.saved"), icon=":material/check:")
    clusters = list(names.index)
    if error is None:  # show what is stored; after an error keep what the user typed
        for cluster in clusters:
            st.session_state[f"clusters_name_{cluster}"] = names.at[cluster, "name"]
    with st.expander(t("cl.rename"), icon=":material/edit:", expanded=error is not None):
        if error:
            st.error(error)
        with st.form("clusters_names_form", border=False):
            st.caption(t("cl.rename.help"))
            cols = st.columns(2)
            for i, cluster in enumerate(clusters):
                cols[i % 2].text_input(
                    t("cl.rename.label", n=cluster), key=f"clusters_name_{cluster}",
                    max_chars=MAX_NAME_LENGTH, placeholder=auto.at[cluster, "name"],
                    help=t("cl.rename.auto", name=auto.at[cluster, "name"]))
            b1, b2, _ = st.columns([1, 1, 3])
            can_rename, why_not = auth.permission("edit_personas")
            auto_names = {int(c): str(auto.at[c, "name"]) for c in clusters}
            b1.form_submit_button(t("cl.rename.save"), key="clusters_names_save", type="primary",
                                  on_click=_save_names, args=(scope, clusters, auto_names),
                                  width="stretch", disabled=not can_rename, help=why_not)
            b2.form_submit_button(t("cl.rename.reset"), key="clusters_names_reset",
                                  on_click=_reset_names, args=(scope,), width="stretch",
                                  disabled=not can_rename, help=why_not)


def _profiles_tab(result: _Clustering, names: pd.DataFrame, labels: dict[int, str]) -> None:
    profiles, zscores = result.profiles, result.zscores
    feature_columns = [c for c in profiles.columns
                       if c not in ("size", "share", "revenue", "revenue_share")]
    table = profiles.reset_index()
    table.insert(1, "persona", table["cluster"].map(names["name"]))
    money = [c for c in ("revenue", *MONEY_COLUMNS) if c in table.columns]
    table[money] = table[money].round(0)  # whole yuan reads better on a slide
    config = {
        "cluster": st.column_config.NumberColumn(t("cl.col.cluster"), format="%d", width=60),
        "persona": st.column_config.TextColumn(t("cl.col.persona"), width="medium"),
        "size": st.column_config.NumberColumn(t("cl.col.size"), format="localized"),
        "share": st.column_config.NumberColumn(t("cl.col.share"), format="percent"),
        "revenue": st.column_config.NumberColumn(t("cl.col.revenue"), format="localized"),
        "revenue_share": st.column_config.ProgressColumn(
            t("cl.col.revenue_share"), format="percent", min_value=0.0, max_value=1.0),
    }
    for column in feature_columns:
        config[column] = st.column_config.NumberColumn(
            column_label(column, lang), format=_column_format(column),
            help=t("cl.col.mean_help") if _is_share(column) else t("cl.col.median_help"))
    st.dataframe(table, hide_index=True, key="clusters_profile_table", column_config=config,
                 column_order=["cluster", "persona", "size", "share", "revenue",
                               "revenue_share", *feature_columns])
    st.caption(t("cl.profiles.note"))
    column_labels = {c: column_label(c, lang) for c in zscores.columns}
    st.plotly_chart(charts_clusters.zscore_heatmap(
        zscores, row_labels=labels, column_labels=column_labels, title=t("cl.heatmap.title"),
        colorbar=t("cl.heatmap.colorbar")), key="clusters_heatmap")
    st.caption(t("cl.heatmap.help"))
    left, right = st.columns([3, 2], gap="large")
    with left:
        pick = _pick_cluster(labels)
        st.plotly_chart(charts_clusters.zscore_bars(
            zscores.loc[pick], column_labels=column_labels,
            title=t("cl.bars.title", name=labels[pick]), x_label=t("cl.bars.x")),
            key="clusters_bars")
    with right:
        st.plotly_chart(charts_clusters.customer_revenue_shares(
            profiles, labels=labels, title=t("cl.shares.title"),
            customers_label=t("cl.col.share"), revenue_label=t("cl.col.revenue_share"),
            x_label=t("cl.shares.x")), key="clusters_shares_chart")


def _pick_cluster(labels: dict[int, str]) -> int:
    """The cluster whose bars to show (the first one when k no longer has it)."""
    if st.session_state.get("clusters_profile_pick") not in labels:
        st.session_state["clusters_profile_pick"] = next(iter(labels))
    relabel("clusters_profile_pick")  # new names or language: re-render the option texts
    return st.selectbox(t("cl.bars.pick"), list(labels), key="clusters_profile_pick",
                        format_func=lambda c: labels[c])


def _is_share(column: str) -> bool:
    key = next((k for k, s in FEATURE_GROUPS.items()
                if s.column == column or (s.prefix and column.startswith(s.prefix))), None)
    return key is not None and FEATURE_GROUPS[key].kind in ("share", "category")


def _column_format(column: str) -> str:
    if _is_share(column):
        return "percent"
    if column in MONEY_COLUMNS:
        return "localized"
    if column in ("recency_days", "tenure_days"):
        return "%.0f"
    return "%.1f"


def _tiers() -> tuple[pd.Series, object]:
    settings = current_tier_settings(lang)
    return assign(ctx.scoring_base(), settings).scored["tier"], settings


def _mix_tab(result: _Clustering, labels: dict[int, str]) -> None:
    tiers, settings = _tiers()
    tier_labels = settings.tier_labels(lang)
    mix = cluster_tier_mix(tiers.to_frame("tier"), result.labels)
    long = (mix.rename_axis(index="cluster", columns="tier").stack().rename("share")
            .reset_index())
    long["cluster"] = long["cluster"].astype(str)
    st.plotly_chart(charts.stacked_shares(
        long, by="cluster", series="tier", value="share", order=list(settings.tiers),
        labels=tier_labels, colors=charts.tier_colors(len(settings.tiers)),
        title=t("cl.mix.title"), x_label=t("cl.mix.x"),
        category_labels={str(c): name for c, name in labels.items()}), key="clusters_mix_chart")
    st.caption(t("cl.mix.help"))
    top = cluster_top_branches(view, result.labels, n=3)
    if top.empty:
        return
    st.markdown(f"##### {t('cl.branches')}")
    top.insert(1, "persona", top["cluster"].map(labels))
    top["revenue"] = top["revenue"].round(0)
    st.dataframe(
        top, hide_index=True, key="clusters_branches", height=min(36 * (len(top) + 1) + 2, 1100),
        column_order=["persona", "rank", "branch", "customers", "share", "revenue"],
        column_config={
            "persona": st.column_config.TextColumn(t("cl.col.persona"), width="medium"),
            "rank": st.column_config.NumberColumn(t("cl.col.rank"), format="%d", width=60),
            "branch": t("cl.col.branch"),
            "customers": st.column_config.NumberColumn(t("cl.col.size"), format="localized"),
            "share": st.column_config.NumberColumn(t("cl.col.branch_share"), format="percent"),
            "revenue": st.column_config.NumberColumn(t("cl.col.revenue"), format="localized"),
        })


def _map_tab(result: _Clustering, labels: dict[int, str]) -> None:
    points = result.points.copy()
    if "customer_type" in points.columns:
        points["customer_type"] = points["customer_type"].map(
            lambda v: context.value_label(v, lang))
    ratio = points.attrs.get("explained_variance_ratio", [0.0, 0.0])
    st.plotly_chart(charts_clusters.cluster_map(
        points, labels=labels, title=t("cl.map.title", n=i18n.fmt_int(len(points), lang)),
        x_label=t("cl.map.axis", n=1, pct=_pct(ratio[0])),
        y_label=t("cl.map.axis", n=2, pct=_pct(ratio[1])),
        hover=[("customer_type", t("cl.col.customer_type"), ""),
               ("branch", t("cl.col.branch"), ""),
               ("monetary_total", t("cl.col.spend"), ",.0f"),
               ("shipments_per_year", column_label("shipments_per_year", lang), ".1f")]),
        key="clusters_map")
    st.caption(t("cl.map.help"))


def _k_tab(features: tuple[str, ...], k: int) -> None:
    scores, suggested = _suggestion(features)
    st.markdown(t("cl.k.sentence", k=suggested))
    st.plotly_chart(charts_clusters.silhouette_curve(
        scores, current_k=k, title=t("cl.k.title"), x_label=t("cl.k.x"),
        y_label=t("cl.k.y"), suggested_label=t("cl.k.suggested_mark"),
        current_label=t("cl.k.current_mark", k=k)), key="clusters_silhouette")
    st.caption(t("cl.k.guide"))


def _download_tab(result: _Clustering, names: pd.DataFrame, labels: dict[int, str]) -> None:
    tiers, settings = _tiers()
    tier_labels = settings.tier_labels(lang)
    frame = pd.DataFrame({
        "customer_id": view.index.astype(str),
        "cluster": result.labels.to_numpy(),
        "persona": result.labels.map(names["name"]).to_numpy(),
    })
    if "branch" in view.columns:
        frame["branch"] = view["branch"].to_numpy()
    frame["tier"] = tiers.reindex(view.index).map(tier_labels).astype(object).to_numpy()
    headers = {c: t(f"cl.export.{c}") for c in frame.columns}
    profiles = result.profiles.reset_index()
    profiles.insert(1, "persona", profiles["cluster"].map(names["name"]))
    profiles.insert(2, "description", profiles["cluster"].map(names["description"]))
    profile_headers = {c: column_label(c, lang) for c in profiles.columns}
    profile_headers.update({c: t(f"cl.export.{c}") for c in
                            ("cluster", "persona", "description", "size", "share", "revenue",
                             "revenue_share")})
    st.caption(t("cl.download.caption", n=i18n.fmt_int(len(frame), lang)))
    stem = f"clusters_k{result.model.n_clusters_}_{ctx.as_of}"
    c1, c2, _ = st.columns([1, 1, 2])
    auth.download_button(c1, t("cl.download.csv"), lambda: to_csv_bytes(frame, headers=headers),
                         file_name=f"{stem}.csv", mime="text/csv", key="clusters_download_csv",
                         on_click="ignore", width="stretch", rows=len(frame))
    auth.download_button(
        c2, t("cl.download.xlsx"),
        lambda: to_excel_bytes({t("cl.sheet.customers"): frame.rename(columns=headers),
                                t("cl.sheet.profiles"): profiles.rename(columns=profile_headers)}),
        file_name=f"{stem}.xlsx", mime=XLSX, key="clusters_download_xlsx", on_click="ignore",
        width="stretch", disabled=len(frame) > EXCEL_MAX_ROWS, rows=len(frame),
        help=t("cl.download.too_big", max=i18n.fmt_int(EXCEL_MAX_ROWS, lang))
        if len(frame) > EXCEL_MAX_ROWS else None)
    st.dataframe(frame.head(200), hide_index=True, key="clusters_download_preview",
                 column_config={c: h for c, h in headers.items()})


@st.fragment
def clusters_body() -> None:
    features = _chosen_features()
    known = _settings_row(features)
    k = int(st.session_state["clusters_k"])
    if not features:
        st.info(t("cl.features.none"))
        return
    try:
        with st.spinner(t("cl.running")):
            result = _clustering(ctx.snap.dataset_id, ctx.as_of, ctx.filters, k, features,
                                 view)
    except ClusterError as err:
        st.error(err.message(lang))
        return
    for note in result.model.notes_:
        (st.warning if note.level == "warning" else st.caption)(note.message(lang))

    scope = scope_key(k, features, ctx.filters)
    auto = persona_names(result.profiles, result.zscores, lang)
    names = apply_names(auto, store.names(scope))
    labels = {int(c): _label(c, names["name"]) for c in names.index}

    _cards(result, names)
    _rename_form(scope, names, auto)

    tabs = st.tabs([t("cl.tab.profiles"), t("cl.tab.mix"), t("cl.tab.map"), t("cl.tab.k"),
                    t("cl.tab.download")], key="clusters_tab", on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            _profiles_tab(result, names, labels)
    with tabs[1]:
        if tabs[1].open:
            _mix_tab(result, labels)
    with tabs[2]:
        if tabs[2].open:
            _map_tab(result, labels)
    with tabs[3]:
        if tabs[3].open:
            _k_tab(features, k)
    with tabs[4]:
        if tabs[4].open:
            _download_tab(result, names, labels)
    # filled last: the "Choosing k" tab may have computed the suggestion in this run
    suggested = st.session_state.get("clusters_suggested", {}).get(_silhouette_key(features))
    if suggested is not None:
        known.caption(t("cl.k.known", k=suggested))


clusters_body()
