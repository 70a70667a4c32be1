"""Clusters: the kinds of customers a branch network has, as named personas."""

from __future__ import annotations

import streamlit as st

from segmentation.clusters import (
    K_MIN,
    MIN_PERSONA_SIZE,
    ClusterError,
    available_features,
    named_personas,
    ordered_features,
    persona_limit,
    small_clusters,
    starting_features,
)
from segmentation.personas_store import PersonaStore, scope_key
from segmentation.textsafe import md
from ui import clusters_settings as settings
from ui import clusters_tabs as tabs
from ui import context
from ui.scoping import no_customers, scope_caption
from ui.state import state

ctx = context.current()
t = ctx.t

st.title(t("cl.title"))
st.caption(t("cl.caption", as_of=ctx.as_of.isoformat()))
scope_caption(ctx)

view = ctx.view()
if view.empty:
    no_customers(ctx)
    st.stop()
if persona_limit(len(view)) < K_MIN:  # a handful of customers: no personas to find
    st.info(t("cl.too_few", n=len(view), min=MIN_PERSONA_SIZE, need=K_MIN * MIN_PERSONA_SIZE),
            icon=":material/group_off:")
    st.stop()
OPTIONS = available_features(view)
if not OPTIONS:
    st.error(t("cl.no_features_in_data"))
    st.stop()
store = PersonaStore.for_workspace(context.workspace(), ctx.snap.dataset_id)
chosen = state().clusters
chosen.features = starting_features(chosen.features, OPTIONS)


@st.fragment
def clusters_body() -> None:
    features = ordered_features(chosen.features)
    known = settings.settings_row(ctx, OPTIONS, features)
    k = int(chosen.k)
    if not features:
        st.info(t("cl.features.none"))
        return
    try:
        with st.spinner(t("cl.running")):
            result = ctx.clustering(k, features)
    except ClusterError as err:
        st.error(md(err.message(ctx.lang)))
        return
    for note in result.model.notes_:
        (st.warning if note.level == "warning" else st.caption)(md(note.message(ctx.lang)))
    small = small_clusters(result.profiles)
    if small:  # too small to describe a kind of customer
        st.warning(t("cl.small", clusters=", ".join(map(str, small)), min=MIN_PERSONA_SIZE,
                     k=max(persona_limit(len(view)), K_MIN)))

    scope = scope_key(k, features, ctx.filters)
    names, auto = named_personas(result, ctx.lang, store.names(scope))
    labels = {int(c): t("cl.cluster_label", n=c, name=names.at[c, "name"]) for c in names.index}

    settings.cards(ctx, result, names)
    settings.rename_form(ctx, store, scope, names, auto)

    tab = st.tabs([t("cl.tab.profiles"), t("cl.tab.mix"), t("cl.tab.map"), t("cl.tab.k"),
                   t("cl.tab.download")], key="clusters_tab", on_change="rerun")
    with tab[0]:
        if tab[0].open:
            tabs.profiles_tab(ctx, result, names, labels)
    with tab[1]:
        if tab[1].open:
            tabs.mix_tab(ctx, view, result, labels)
    with tab[2]:
        if tab[2].open:
            tabs.map_tab(ctx, result, labels)
    with tab[3]:
        if tab[3].open:
            tabs.k_tab(ctx, features, k)
    with tab[4]:
        if tab[4].open:
            tabs.download_tab(ctx, view, result, names)
    settings.show_suggested(ctx, known, features)


clusters_body()
