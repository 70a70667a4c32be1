"""The session's state: one typed object instead of loose ``st.session_state`` keys.

Everything the app remembers between reruns and page switches lives on one
:class:`AppState` (``state()``), grouped by topic: the sidebar's choices, the
data source, each page's own values. Pages and ``ui`` modules read and write
its attributes; nothing else is kept under a raw session key except the
widgets' own (``_w_*``), which Streamlit owns.

A widget that edits an attribute is bound to it with :func:`bind`: Streamlit
drops a widget's state when the widget is not rendered in a run (another page
is open), so the value lives on the state object; the widget is seeded from it
on every run and copies changes back before ``on_change(*args)`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

from segmentation import i18n

if TYPE_CHECKING:
    from segmentation.tiers import TierSettings

_KEY = "_app_state"


@dataclass
class SidebarState:
    """The language, the analysis date and the filters: shared by every page."""

    lang: str = i18n.DEFAULT_LANG
    as_of: date | None = None
    #: filter column -> chosen values (``[]``: everyone)
    filters: dict[str, list] = field(default_factory=dict)
    #: the dataset and family the date and filters were last reset for
    dataset: str | None = None
    family: str | None = None
    #: why the last pick of the sidebar's source picker failed (shown below it)
    source_error: Any = None


@dataclass
class SourceState:
    """Which data source the session reads (the workspace's dataset or a database)."""

    #: dataset id of the connected database (``None``: the workspace dataset)
    source_id: str | None = None
    #: how to reconnect it after a restart: ``{"origin", "name", "refresh"}``
    ref: dict | None = None
    #: name of a connection that could not be restored (the sidebar warns)
    lost: str | None = None
    #: the workspace dataset another session's load switched this one to, for one run
    #: that the user started (a rerun the background job starts keeps it)
    replaced: str | None = None
    #: the next run is the background job's, not the user's: the notice stays
    quiet_rerun: bool = False
    #: the lease on the workspace dataset read (a ``segmentation.workspace`` lease)
    lease: Any = None
    #: the run (``_frame_run_id``) the lease was last checked in
    lease_run: int | None = None
    #: dataset id of the last load this session made itself (no "replaced" notice)
    own_load: str | None = None


@dataclass
class DataState:
    """The Data page: the last load's outcome and the upload form's working values."""

    #: the last file load: ``{"dataset_id", "problems", "restored"}``
    result: dict | None = None
    #: the last database connect: ``{"dataset_id", "saved"}``
    db_result: dict | None = None
    #: fatal problems of the last failed load
    errors: list | None = None
    #: upload file id -> content digest (a few recent uploads)
    digests: dict[str, str] = field(default_factory=dict)


@dataclass
class DatabaseState:
    """The database form: the saved connection picked, the connection being set up."""

    #: the connection being set up: ``pick``, ``spec`` (with the typed password),
    #: ``tables`` it sees and ``key`` (widget keys, from the settings without the password)
    conn: dict | None = None
    #: the connection error to show once after the rerun
    error: Any = None
    #: the form was last filled for this pick (``new``, ``secrets:<name>``, ``saved:<name>``)
    form_for: str | None = None
    #: empty the form's password field on the next run
    clear_password: bool = False
    #: say "refreshed" once after a refresh of the database in use
    refreshed: bool = False


@dataclass
class AuthState:
    """Sign-in bookkeeping: last activity, the notice and error shown on the sign-in form.

    Nothing here is a widget's value: the browser cannot set any of it. Only the
    sign-in code (``ui/auth.py`` through :mod:`ui.identity`) sets ``user``.
    """

    #: the signed-in :class:`~segmentation.access.User` (anything else counts as signed out)
    user: Any = None
    #: ``time.time()`` of the last run of the signed-in session (for the idle timeout)
    last_seen: float | None = None
    #: why the session was signed out: ``idle``, ``revoked`` or ``signed_out``
    notice: str | None = None
    #: the sign-in form's error: ``{"key": message key}`` or ``{"result": the refusal}``
    error: dict | None = None
    #: a refused identity-provider account was recorded in the audit log already
    oidc_failed: bool = False


@dataclass
class TiersState:
    """The Tiers page: the settings (stored whole) and the page's own choices."""

    #: the last valid grading (``None``: the page not opened yet; the default preset applies)
    settings: TierSettings | None = None
    #: the widgets' values (``TierSettings.to_dict`` form) while they describe invalid
    #: settings; ``None`` when they are :attr:`settings`
    draft: dict | None = None
    #: why :attr:`draft` is invalid
    error: Exception | None = None
    #: bumped when the settings are replaced, so the rules table widget starts afresh
    rules_version: int = 0
    #: the file id of the preset upload already imported
    imported: str | None = None
    #: a preset just loaded (its name, confirmed once)
    loaded: str | None = None
    #: the inputs the tier history was last run for (rerun only on request)
    history_key: tuple | None = None


@dataclass
class ClustersState:
    """The Clusters page: k, the features and the persona names being edited."""

    #: number of clusters (the slider)
    k: int = 6
    #: the ticked feature keys (``None``: not chosen yet, the dataset's defaults)
    features: list[str] | None = None
    #: silhouette cache key -> the suggested k, once computed (for the settings row)
    suggested: dict[tuple, int] = field(default_factory=dict)
    #: why the last rename was refused (shown once, with what the user typed kept)
    names_error: str | None = None
    #: a rename or reset was just saved (a toast, once)
    names_saved: bool = False
    #: the cluster whose z-score bars are shown
    profile_pick: int | None = None


@dataclass
class ChurnState:
    """The Churn page: horizon, lost-after days, call capacity, the customer opened."""

    #: days ahead the warnings look (``None``: the dataset's default)
    horizon: int | None = None
    #: horizon -> days without a purchase after which a customer counts as lost
    lost_after: dict[int, int] = field(default_factory=dict)
    #: calls a branch makes per week (``None``: the default preset's, else the library's)
    calls: int | None = None
    #: the customer whose detail is open
    detail: str | None = None


@dataclass
class SatisfactionState:
    """The Satisfaction page's own choices."""

    #: tiers the page is narrowed to (``[]``: every tier)
    tiers: list[str] = field(default_factory=list)
    #: the survey scale (``"auto"``: the detected one)
    scale: str = "auto"
    #: days within which a complaint should be resolved
    sla: int = 7
    #: the group column the trends tab compares by (``None``: the first available)
    compare_by: str | None = None
    #: the column the complaints are broken down by (``None``: the first available)
    complaints_by: str | None = None
    #: the drivers tab's group (``"_all"`` or a tier)
    driver_group: str = "_all"


@dataclass
class AppState:
    sidebar: SidebarState = field(default_factory=SidebarState)
    source: SourceState = field(default_factory=SourceState)
    data: DataState = field(default_factory=DataState)
    database: DatabaseState = field(default_factory=DatabaseState)
    auth: AuthState = field(default_factory=AuthState)
    tiers: TiersState = field(default_factory=TiersState)
    clusters: ClustersState = field(default_factory=ClustersState)
    churn: ChurnState = field(default_factory=ChurnState)
    satisfaction: SatisfactionState = field(default_factory=SatisfactionState)


def state() -> AppState:
    """This session's :class:`AppState` (created on first use)."""
    current = st.session_state.get(_KEY)
    if not isinstance(current, AppState):
        current = st.session_state[_KEY] = AppState()
    return current


def bind(owner: Any, name: str, *, key: str, on_change: Callable | None = None,
         args: tuple = ()) -> dict:
    """Widget kwargs that edit ``owner.<name>`` (e.g. ``bind(state().churn, "calls",
    key="churn_calls")``), or ``owner[name]`` when ``owner`` is a dict (e.g.
    ``bind(state().sidebar.filters, "branch", key="flt_branch")``); the widget's own key
    is ``_w_<key>``."""
    widget_key = f"_w_{key}"
    is_dict = isinstance(owner, dict)
    st.session_state[widget_key] = owner.get(name) if is_dict else getattr(owner, name)

    def _copy_back() -> None:
        if is_dict:
            owner[name] = st.session_state[widget_key]
        else:
            setattr(owner, name, st.session_state[widget_key])
        if on_change is not None:
            on_change(*args)

    return {"key": widget_key, "on_change": _copy_back}


def relabel(*keys: str) -> None:
    """Re-set keyed choice widgets so that their option labels follow a language switch.

    Streamlit 1.67 keeps a keyed widget's formatted option labels from the run
    that created it; writing the current value back makes it re-render them.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
