"""The Clusters page's controls: k, the features and the suggested k; the persona cards
and the form that renames them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.clusters import K_MAX, K_MIN, Clustering, feature_label
from segmentation.personas_store import (
    MAX_NAME_LENGTH,
    PersonaError,
    PersonaStore,
    clean_renames,
)
from segmentation.textsafe import md
from ui import auth, context
from ui.state import bind, state

CARDS_PER_ROW = 5


def suggestion(ctx: context.Context, features: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Silhouettes (cached); the suggestion is remembered for the settings row."""
    with st.spinner(ctx.t("cl.k.running")):
        scores, k = ctx.silhouettes(features)
    state().clusters.suggested[ctx.silhouette_key(features)] = k
    return scores, k


def settings_row(ctx: context.Context, options: list[str], features: tuple[str, ...]):
    """k, the features and the suggestion button; returns a slot for the suggested k."""
    t, chosen = ctx.t, state().clusters
    left, right = st.columns([1, 3], gap="large")
    with left:
        # the slider is drawn above the button but created after it, so that a
        # click's suggestion is what the slider shows in the same run
        slider_slot = st.container()
        if st.button(t("cl.use_suggested"), key="clusters_use_suggested",
                     help=t("cl.use_suggested.help"), disabled=not features, width="stretch",
                     icon=":material/auto_awesome:"):
            chosen.k = suggestion(ctx, features)[1]
        known = st.empty()
        with slider_slot:
            st.slider(t("cl.k"), K_MIN, K_MAX, help=t("cl.k.help"),
                      **bind(chosen, "k", key="clusters_k"))
    with right:
        st.pills(t("cl.features"), options, selection_mode="multi", wrap=True,
                 format_func=lambda k: feature_label(k, ctx.lang), help=t("cl.features.help"),
                 **bind(chosen, "features", key="clusters_features"))
    return known


def show_suggested(ctx: context.Context, slot, features: tuple[str, ...]) -> None:
    """The suggested k under the slider, once known (filled last: the "Choosing k" tab may
    have computed it in this run)."""
    suggested = state().clusters.suggested.get(ctx.silhouette_key(features))
    if suggested is not None:
        slot.caption(ctx.t("cl.k.known", k=suggested))


def _save_names(store: PersonaStore, scope: str, clusters: list[int], auto: dict[int, str],
                lang: str) -> None:
    """Form callback: keep the typed names that differ from the automatic ones."""
    if not auth.allowed("edit_personas", show=False):
        return
    edited = {c: st.session_state.get(f"clusters_name_{c}", "") for c in clusters}
    try:
        renames = clean_renames(edited, auto)
    except PersonaError as err:
        state().clusters.names_error = err.message(lang)
        return
    store.save(scope, renames)
    store.prune(keep=context.workspace().dataset_ids())  # of datasets no longer kept
    auth.record("persona_changed", scope=scope, renamed=len(renames))
    state().clusters.names_saved = True


def _reset_names(store: PersonaStore, scope: str) -> None:
    if not auth.allowed("edit_personas", show=False):
        return
    store.clear(scope)
    auth.record("persona_changed", scope=scope, reset=True)
    state().clusters.names_saved = True


def cards(ctx: context.Context, result: Clustering, names: pd.DataFrame) -> None:
    """One card per cluster: its name, customers, shares and description."""
    t, lang = ctx.t, ctx.lang
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
                st.markdown(f"**{md(names.at[cluster, 'name'])}**")
                st.metric(t("cl.card.customers"), i18n.fmt_int(row["size"], lang),
                          label_visibility="collapsed")
                revenue = row["revenue_share"] if "revenue_share" in row else float("nan")
                st.caption(t("cl.card.shares", customers=pct(row["share"], lang),
                             revenue=pct(revenue, lang)) + "  \n"
                           + md(names.at[cluster, "description"]))


def pct(value: float, lang: str) -> str:
    return i18n.fmt_pct(value, lang, decimals=1)


def rename_form(ctx: context.Context, store: PersonaStore, scope: str, names: pd.DataFrame,
                auto: pd.DataFrame) -> None:
    """The rename expander: one box per cluster, save and reset (``edit_personas``)."""
    t, chosen = ctx.t, state().clusters
    error, chosen.names_error = chosen.names_error, None
    if chosen.names_saved:
        chosen.names_saved = False
        st.toast(t("cl.rename.saved"), icon=":material/check:")
    clusters = list(names.index)
    if error is None:  # show what is stored; after an error keep what the user typed
        for cluster in clusters:
            st.session_state[f"clusters_name_{cluster}"] = names.at[cluster, "name"]
    with st.expander(t("cl.rename"), icon=":material/edit:", expanded=error is not None):
        if error:
            st.error(md(error))
        with st.form("clusters_names_form", border=False):
            st.caption(t("cl.rename.help"))
            cols = st.columns(2)
            for i, cluster in enumerate(clusters):
                cols[i % 2].text_input(
                    t("cl.rename.label", n=cluster), key=f"clusters_name_{cluster}",
                    max_chars=MAX_NAME_LENGTH, placeholder=auto.at[cluster, "name"],
                    help=t("cl.rename.auto", name=md(auto.at[cluster, "name"])))
            b1, b2, _ = st.columns([1, 1, 3])
            can_rename, why_not = auth.permission("edit_personas")
            auto_names = {int(c): str(auto.at[c, "name"]) for c in clusters}
            b1.form_submit_button(t("cl.rename.save"), key="clusters_names_save", type="primary",
                                  on_click=_save_names,
                                  args=(store, scope, clusters, auto_names, ctx.lang),
                                  width="stretch", disabled=not can_rename, help=why_not)
            b2.form_submit_button(t("cl.rename.reset"), key="clusters_names_reset",
                                  on_click=_reset_names, args=(store, scope), width="stretch",
                                  disabled=not can_rename, help=why_not)
