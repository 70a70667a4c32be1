"""The Data page's upper half: the dataset in use, the outcome of the last load, the
way back to the sample."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import formatting
from segmentation.schema import TABLES, Problem
from segmentation.scope_names import missing_scope
from segmentation.textsafe import md
from segmentation.workspace import load_sample
from ui import auth, background, context, db_page, identity
from ui import source as sources
from ui.context import Context
from ui.state import relabel, state


def bullets(problems: list[Problem], lang: str) -> str:
    """The problems' messages as a markdown list."""
    return "\n".join(f"- {md(p.message(lang))}" for p in problems)


def table_name(ctx: Context, table: str) -> str:
    return ctx.t(f"table.{table}")


def _figures(ctx: Context) -> tuple[int, int, int]:
    """Customers, shipments and branches: the network's, or a limited scope's own."""
    snap = ctx.snap
    if ctx.scope.is_all:
        return snap.n_customers, snap.rows.get("transactions", 0), snap.n_branches
    mine = ctx.attributes()  # the database's counts when the scope is too large to fetch
    return (ctx.customer_count(filtered=False), int(ctx.cubes()[0]["shipments"].sum()),
            int(mine["branch"].nunique()) if "branch" in mine else 0)


def render_current(ctx: Context) -> None:
    """The dataset in use: its figures and, per table, rows, status and what it unlocks."""
    lang, t, snap = ctx.lang, ctx.t, ctx.snap
    st.subheader(t("data.current"))
    n_customers, n_shipments, n_branches = _figures(ctx)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 2.3])
    c1.metric(t("data.summary.customers"), formatting.number(n_customers, lang), border=True)
    c2.metric(t("data.summary.shipments"), formatting.number(n_shipments, lang), border=True)
    c3.metric(t("data.summary.branches"), formatting.number(n_branches, lang), border=True)
    c4.metric(t("data.summary.range"), f"{formatting.day(snap.date_min, lang)} – "
              f"{formatting.day(snap.date_max, lang)}", border=True)
    st.caption(t("data.loaded_at", when=snap.loaded_at.replace("T", " ").removesuffix("+00:00")))
    loaded = t("db.status.mapped") if ctx.source.is_database else t("data.loaded")
    st.dataframe(
        pd.DataFrame({
            "table": [table_name(ctx, tb) for tb in TABLES],
            "rows": [formatting.number(snap.rows[tb], lang) if tb in snap.rows and ctx.scope.is_all
                     else "–" for tb in TABLES],
            "status": [loaded if tb in snap.rows else t("data.missing") for tb in TABLES],
            "unlocks": [t(f"data.unlock.{tb}") for tb in TABLES],
        }),
        hide_index=True, key="data_tables",
        column_config={
            "table": t("data.table"), "status": t("data.status"), "unlocks": t("data.unlocks"),
            "rows": t("data.rows"),
        },
    )


def render_outcome(ctx: Context, can_load: bool, why_not: str | None) -> None:
    """The last load's or connect's outcome for the dataset in use; the database in use,
    or the button back to the sample."""
    t, snap, data = ctx.t, ctx.snap, state().data
    result = data.result
    if result and result.get("dataset_id") == snap.dataset_id:
        st.success(t("data.success"))
        if result["problems"]:
            with st.expander(t("data.warnings", n=len(result["problems"])), expanded=True):
                st.markdown(bullets(result["problems"], ctx.lang))
        if result.get("restored"):
            st.info(t("data.restored"))
    db_result = data.db_result
    if db_result and db_result.get("dataset_id") == snap.dataset_id:
        st.success(t("db.in_use", name=md(ctx.source.name)))
        if db_result.get("saved"):
            st.caption(t("db.saved", name=md(db_result["saved"])))
    if ctx.source.is_database:
        db_page.render_current(ctx)
    elif snap.source != "sample":
        if st.button(t("data.restore_sample"), key="data_restore_sample", disabled=not can_load,
                     help=why_not) and auth.allowed("load_data"):
            new = load_sample(context.workspace())
            auth.record("load", source="sample", rows=sum(new.rows.values()),
                        customers=new.n_customers)
            sources.loaded_here(new)
            background.loaded(new.dataset_id)  # its default figures, in the background
            data.result = {"dataset_id": new.dataset_id, "problems": [], "restored": True}
            st.rerun()


def choose_mode(ctx: Context) -> str:
    """The way new data comes in: files, one workbook or the company database."""
    relabel("data_mode")
    if "data_mode" not in st.session_state and ctx.source.is_database:
        st.session_state["data_mode"] = "database"  # back on this page: stay with the database
    return st.radio(ctx.t("data.mode"), ["files", "workbook", "database"], key="data_mode",
                    horizontal=True, format_func=lambda m: ctx.t(f"data.mode.{m}"))


def render_users_missing(ctx: Context) -> None:
    """For HQ: the users whose branch or region holds no customer in the data in use."""
    user = identity.current_user()
    if user.open_mode or not user.can("see_audit") or not ctx.scope.is_all:
        return
    view = ctx.attributes()
    known = {c: frozenset(view[c].dropna().astype(str)) if c in view.columns else frozenset()
             for c in ("branch", "region")}
    label = ctx.snap.label or ctx.snap.source
    lines = []
    for record in identity.users().list():
        if record.disabled:
            continue
        scope = record.to_user().scope
        branch = next((b for b in scope.branches if b[:1] != "\x00"), None)
        region = next((r for r in scope.regions if r[:1] != "\x00"), None)
        problem = missing_scope(branch=branch, region=region, known=known)
        if problem is not None:
            lines.append(f"- **{md(record.name)}**: "
                         + md(problem.message(ctx.lang, label)))
    if lines:
        st.warning(ctx.t("auth.scope_missing") + "\n" + "\n".join(lines),
                   icon=":material/person_alert:")
