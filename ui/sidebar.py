"""The sidebar every page shares: data source, analysis date, filters, language."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime

import pandas as pd
import streamlit as st

from segmentation import formatting, i18n
from segmentation.connections import ConnectionError_
from segmentation.filters import FILTER_COLUMNS, fixed_filters
from segmentation.textsafe import md
from ui import auth, connect, context, identity, scoping
from ui import source as sources
from ui.language import language_switch
from ui.state import bind, state

__all__ = ["clock", "language_switch", "render"]


def _source_label(snap, lang: str, *, markdown: bool = False) -> str:
    """The dataset's name (an upload's file names, a database's): escaped for a markdown
    element with ``markdown``, plain for a select box."""
    if snap.source == "sample":
        return i18n.t("side.source.sample", lang)
    text = md if markdown else str
    key = f"side.source.{snap.source}"
    if i18n.has(key):
        return i18n.t(key, lang, label=text(snap.label))
    return text(snap.label or snap.source)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clock(iso: str, timezone: str | None) -> str:
    """``HH:MM`` of an ISO time in the browser's time zone (a known IANA name), else UTC."""
    when = datetime.fromisoformat(iso)
    if timezone in _zones():
        return when.astimezone(zoneinfo.ZoneInfo(timezone)).strftime("%H:%M")
    return when.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%H:%M UTC")


def _reset_for_new_dataset(snap) -> None:
    """A new dataset brings a new date range and new filter values: start fresh.

    A database refresh (same connection and mapping, newer rows) keeps the
    filters and moves the analysis date to the newest day.
    """
    side = state().sidebar
    if side.dataset != snap.dataset_id:
        family = snap.dataset_id.rsplit("-", 1)[0] if snap.source == "database" else None
        side.dataset = snap.dataset_id
        side.as_of = pd.Timestamp(snap.date_max).date()
        if family is None or side.family != family:
            _clear_filters()
        side.family = family


def _source_options() -> list[str]:
    """The sidebar's source choices: the workspace, secrets and saved connections, and
    the connection in use when it was entered for this session only."""
    options = ["workspace"] + [f"secrets:{n}" for n in sources.secrets_connections()]
    options += [f"saved:{n}" for n in sources.store().names()]
    ref = sources.current_ref()
    if ref and ref.get("origin") == "session":
        options.append("session")
    return options


def _current_option() -> str:
    ref = sources.current_ref()
    if not ref or sources.connected_id() is None:
        return "workspace"
    return "session" if ref["origin"] == "session" else f"{ref['origin']}:{ref['name']}"


def _switch_source() -> None:
    """Callback of the source picker: connect the chosen connection, or go back."""
    choice = st.session_state.get("side_source", "workspace")
    state().sidebar.source_error = None
    if choice == "workspace":
        sources.deactivate()
        return
    if choice == "session":
        return
    origin, _, name = choice.partition(":")
    try:
        source = connect.connect_named(origin, name)
        sources.activate(source)
        auth.record("connect", target=source.spec.safe_label(), name=name, origin=origin,
                    via="sidebar")
    except ConnectionError_ as err:
        state().sidebar.source_error = err
        st.session_state["side_source"] = _current_option()


def _source_picker(snap, lang: str) -> None:
    options = _source_options()
    if len(options) == 1:
        return
    st.session_state["side_source"] = _current_option()
    workspace_snap = sources.workspace().current()
    labels = {"workspace": i18n.t("side.source.workspace", lang, label=_source_label(
        workspace_snap, lang) if workspace_snap else "—"),
              "session": snap.label}

    def label(option: str) -> str:
        if option in labels:
            return labels[option]
        origin, _, name = option.partition(":")
        return i18n.t(f"db.connection.{origin}", lang, name=name)

    st.sidebar.selectbox(i18n.t("side.source.pick", lang), options, key="side_source",
                         format_func=label, on_change=_switch_source)
    err = state().sidebar.source_error
    if err is not None:
        st.sidebar.error(err.message(lang))


def _clear_filters() -> None:
    filters = state().sidebar.filters  # emptied in place: the filter widgets edit this dict
    filters.clear()
    filters.update({column: [] for column in FILTER_COLUMNS})


def render() -> None:
    """Draw the shared sidebar below the navigation (after :func:`language_switch`)."""
    lang = context.lang()
    snap = context.snapshot()
    _reset_for_new_dataset(snap)
    bar = st.sidebar
    bar.subheader(i18n.t("side.source", lang))
    lost = sources.lost_source()
    if lost:
        bar.warning(i18n.t("db.lost", lang, name=md(lost)))
    if sources.replaced_by() == snap.dataset_id:  # another session's load
        bar.info(i18n.t("side.replaced", lang, time=clock(snap.loaded_at, st.context.timezone),
                        label=_source_label(snap, lang, markdown=True),
                        customers=formatting.number(
                            snap.n_customers if identity.current_user().scope.is_all
                            else context.current().customer_count(filtered=False), lang)),
                 icon=":material/sync:")
    with st.spinner(i18n.t("db.connecting", lang)):
        _source_picker(snap, lang)
    if identity.current_user().scope.is_all:
        summary = i18n.t("side.source.summary", lang,
                         customers=formatting.number(snap.n_customers, lang),
                         rows=formatting.number(snap.rows.get("transactions", 0), lang),
                         start=formatting.day(snap.date_min, lang),
                         end=formatting.day(snap.date_max, lang))
    else:  # a limited scope: its own customers, no network totals
        summary = i18n.t("side.source.summary.scoped", lang,
                         customers=formatting.number(
                             context.current().customer_count(filtered=False), lang),
                         start=formatting.day(snap.date_min, lang),
                         end=formatting.day(snap.date_max, lang))
    bar.markdown(f"**{_source_label(snap, lang, markdown=True)}**  \n" + summary)
    lo, hi = pd.Timestamp(snap.date_min).date(), pd.Timestamp(snap.date_max).date()
    side = state().sidebar
    if side.as_of is None or not lo <= side.as_of <= hi:
        side.as_of = hi
    bar.date_input(i18n.t("side.as_of", lang), min_value=lo, max_value=hi,
                   help=i18n.t("side.as_of.help", lang), format="YYYY-MM-DD",
                   **bind(side, "as_of", key="as_of"))

    ctx = context.current()  # counts and choices from the database when the scope is large
    if scoping.scope_absent(ctx):  # said on every page, not "widen the filters"
        bar.warning(scoping.absent_message(ctx.scope, lang), icon=":material/location_off:")
    bar.subheader(i18n.t("side.filters", lang), help=i18n.t("side.filters.help", lang))
    filters = side.filters
    selected = {c: filters.get(c) or [] for c in FILTER_COLUMNS}
    options = ctx.filter_options(selected)
    fixed = fixed_filters(ctx.scope, ctx.attributes())
    for column in FILTER_COLUMNS:
        if column in fixed:  # set by the role: shown with its value, not as an empty "All"
            filters[column] = []
            st.session_state[f"_w_flt_{column}"] = fixed[column]
            bar.multiselect(i18n.t(f"filter.{column}", lang), options=fixed[column],
                            format_func=lambda v: context.value_label(v, lang), disabled=True,
                            help=i18n.t("side.filters.fixed", lang), key=f"_w_flt_{column}")
            continue
        if column not in options:
            filters[column] = []
            continue
        # drop selections that the data (or the region choice) no longer offers
        filters[column] = [v for v in selected[column] if v in options[column]]
        bar.multiselect(
            i18n.t(f"filter.{column}", lang), options=options[column],
            format_func=lambda v: context.value_label(v, lang),
            placeholder=i18n.t("filter.all", lang),
            **bind(filters, column, key=f"flt_{column}"),
        )
    ctx = context.current()
    if ctx.filters:
        bar.caption(i18n.t("side.filters.active", lang,
                           n=formatting.number(ctx.customer_count(), lang),
                           total=formatting.number(ctx.customer_count(filtered=False), lang)))
        bar.button(i18n.t("side.filters.clear", lang), on_click=_clear_filters,
                   key="side_clear_filters")
