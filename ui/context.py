"""What a page reads: :class:`Context` (language, dataset, date, filters, who is looking)
and its methods returning the cached results of :mod:`ui.caches`.

The page-facing layer above the caches: :func:`current` builds the run's
context once from the session (``ui.state``, ``ui.identity``, the active source);
each method turns it into one frozen key (:attr:`Context.key`, an
:class:`~segmentation.keys.AnalysisKey`, narrowed to what the result depends on)
and hands the source to the cache as an unhashed argument. Switching pages or
languages therefore recomputes nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from segmentation import bignet, i18n
from segmentation.access import ALL, OPEN_USER, Scope, User
from segmentation.connections import ConnectionError_, classify_error
from segmentation.filters import FILTER_COLUMNS, normalize_filters
from segmentation.keys import (
    DEFAULT_WINDOW_DAYS,
    AnalysisKey,
    CampaignKey,
    ChurnKey,
    ForecastKey,
)
from segmentation.sql import max_customer_rows
from segmentation.textsafe import md
from segmentation.tiers import ScoringBase, TierSettings
from segmentation.workspace import Snapshot
from ui import connect, identity
from ui import source as sources
from ui.caches import campaigns as campaign_cache
from ui.caches import churn as churn_cache
from ui.caches import clusters as cluster_cache
from ui.caches import database as db_cache
from ui.caches import forecast as forecast_cache
from ui.caches import satisfaction as sat_cache
from ui.caches import views
from ui.state import state

#: the window (days) of "recent" figures on every page
PERIOD_DAYS = DEFAULT_WINDOW_DAYS

def workspace():
    """The process's workspace (kept by the session's :func:`ui.source.workspace`)."""
    return sources.workspace()


def snapshot() -> Snapshot:
    """The session's dataset: the workspace's (the bundled sample on first use) or the
    connected database's."""
    return connect.active().snap


@dataclass(frozen=True)
class CurrentChurn:
    """Churn scores of the scope's filtered customers and the definition they follow."""

    scores: pd.DataFrame
    horizon: int
    lost_after: int


@dataclass(frozen=True)
class Context:
    """What a page needs: language, dataset, analysis date, filters, and who is looking.

    ``scope`` is the signed-in user's data scope; ``filters`` are the sidebar
    filters narrowed to it (``Scope.restrict``), so nothing a page or the browser
    sets can widen it. Every method returning rows returns only the scope's
    customers (names and phones masked when the user lacks ``see_pii``), and every
    cache behind them is keyed by :attr:`key` (dataset, date, window, filters,
    scope, PII right) or the part of it the result depends on.
    """

    lang: str
    snap: Snapshot
    as_of: date
    filters: tuple
    scope: Scope = ALL
    user: User = OPEN_USER
    #: where the data is read (engine and mapped tables); resolved once per run
    active: sources.ActiveSource | None = None

    def t(self, key: str, /, **params) -> str:
        return i18n.t(key, self.lang, **params)

    @property
    def chart_context(self) -> str:
        """The line every chart carries: whose customers (scope and filters) and the
        analysis date, so that a chart saved as a picture still says what it shows."""
        from segmentation.report import scope_label
        from segmentation.report.model import context_line

        return context_line(scope_label(self.user, self.filters, self.lang), self.as_of,
                            self.lang)

    @property
    def pii(self) -> bool:
        """Whether the user may see names and phones."""
        return self.user.can("see_pii")

    @property
    def see_customers(self) -> bool:
        """Whether the user may see customer-level rows (tables, lists, downloads)."""
        return self.user.can("see_customers")

    @property
    def key(self) -> AnalysisKey:
        """The frozen key of what this viewer sees: dataset, date, window, filters,
        scope and PII right."""
        return AnalysisKey(self.snap.dataset_id, self.as_of, PERIOD_DAYS, self.filters,
                           self.scope, self.pii)

    def churn_key(self, horizon: int, lost_after: int) -> ChurnKey:
        return ChurnKey(self.key, horizon, lost_after)

    @property
    def source(self) -> sources.ActiveSource:
        """Engine, mapped tables and connection of the dataset."""
        return self.active if self.active is not None else sources.get(self.snap.dataset_id)

    def guarded(self, fn, *args):
        """``fn(*args)``; on a connected database, a failure becomes a message and stops
        the page (the caches keep nothing of it, so the next run tries again)."""
        try:
            return fn(*args)
        except Exception as exc:
            source = self.source
            if not source.is_database or not isinstance(
                    exc, sa.exc.SQLAlchemyError | ConnectionError_ | OSError):
                raise
            show_database_error(classify_error(exc, source.spec), self.lang)
            st.stop()

    # ------------------------------------------------ a network too large to fetch

    def groups(self, scope: Scope | None = None) -> pd.DataFrame | None:
        """Customers of ``scope`` (default: the user's) per combination of the filter
        columns, counted in the connected database (cached per dataset, date and scope);
        ``None`` for files, which the app reads whole anyway."""
        if not self.source.is_database:
            return None
        key = self.key.with_(filters=(), pii=True, scope=self.scope if scope is None else scope)
        with st.spinner(self.t("common.loading")):
            return self.guarded(views.customer_groups, key, self.source)

    def too_large(self) -> bool:
        """Whether the user's scope holds more customers than may travel into the app
        (:func:`~segmentation.sql.max_customer_rows`): then the sidebar and the Overview are
        computed in the database and the sidebar filters narrow what other pages fetch."""
        groups = self.groups()
        return groups is not None and bignet.size_of(groups) > max_customer_rows()

    def network_fits(self) -> bool:
        """Whether every customer of the network may travel into the app (the churn model
        and the network-wide ranks need them all)."""
        groups = self.groups(ALL)
        return groups is None or bignet.size_of(groups) <= max_customer_rows()

    def fetch_scope(self) -> Scope:
        """The scope the customer view is read for: the user's, narrowed by the sidebar's
        region or branch when the user's scope is too large to fetch."""
        if not self.too_large():
            return self.scope
        return bignet.fetch_scope(self.scope, self.filters, self._network_groups())

    def _network_groups(self) -> pd.DataFrame | None:
        """The network's :meth:`groups` when the user's scope is limited (a branch picked
        by a regional lead is read alone when wholly inside the region)."""
        return None if self.scope.is_all else self.groups(ALL)

    def fetch_size(self) -> int | None:
        """Customers the page's customer view would read (``None`` for files)."""
        groups = self.groups()
        if groups is None:
            return None
        return bignet.fetch_size(groups, self.scope, self.filters, self._network_groups())

    def require_rows(self) -> None:
        """Stop the page with the bilingual notice when the customers it would read are
        more than may travel into the app."""
        if not self.too_large():
            return
        n = self.fetch_size()
        if n is not None and n > max_customer_rows():
            from ui import bignet_view

            bignet_view.too_large_notice(self, n)
            st.stop()

    def require_network(self) -> None:
        """Stop the page with the bilingual notice when what it computes needs every
        customer of the network (the churn model) and they may not travel."""
        if not self.network_fits():
            from ui import bignet_view

            bignet_view.churn_notice(self, bignet.size_of(self.groups(ALL)))
            st.stop()

    def scores_table_setting(self) -> str | None:
        """What HQ wrote as ``scores_table`` in this connection's ``[connections.NAME]``
        block of secrets.toml, unchecked (never shown); ``None`` when nothing is."""
        source = self.source
        if not source.is_database or source.origin != "secrets":
            return None
        name = sources.secrets_connections().get(source.name, {}).get("scores_table")
        return str(name) if name else None

    def scores_table(self) -> str | None:
        """The scores table HQ named for this connection (:meth:`scores_table_setting`),
        checked as a plain identifier; ``None`` when none is named (or the name is not a
        plain identifier)."""
        name = self.scores_table_setting()
        if name is None:
            return None
        from segmentation.connections import validate_identifier

        try:
            return validate_identifier(str(name), "table")
        except ConnectionError_:
            return None

    def stored_scores(self, table: str, calls_per_branch: int):
        """The written-back scores' day and this viewer's calls
        (:func:`segmentation.scores_table.stored_scores`, cached per dataset, scope,
        sidebar filters, table and capacity)."""
        key = self.key.with_(pii=True)
        with st.spinner(self.t("common.loading")):
            return self.guarded(views.stored_scores, key, table, int(calls_per_branch),
                                self.source)

    def customer_count(self, *, filtered: bool = True) -> int:
        """Customers of the scope (and of the sidebar filters with ``filtered``), counted
        in the database for a connected one."""
        groups = self.groups()
        if groups is not None:
            return bignet.size_of(groups, self.filters if filtered else None)
        return len(self.view() if filtered else self.full_view())

    def attributes(self) -> pd.DataFrame:
        """Rows carrying the scope's branches and regions: the customer view, or the
        database's customer counts per filter columns for a scope too large to fetch."""
        return self.groups() if self.too_large() else self.full_view()

    @property
    def data_key(self) -> AnalysisKey:
        """:attr:`key` with the scope that is read (:meth:`fetch_scope`)."""
        return self.key.with_(scope=self.fetch_scope())

    # ------------------------------------------------------------------ customer rows

    def full_view(self) -> pd.DataFrame:
        """Every customer of the scope, without the sidebar filters (for filter choices
        and totals); of the selected regions or branches when the scope is too large."""
        self.require_rows()
        with st.spinner(self.t("common.loading")):
            return self.guarded(views.filtered_view, self.data_key.unfiltered(), self.source)

    def filter_options(self, selected: dict) -> dict[str, list[str]]:
        """The choices per sidebar filter among the scope's customers given the
        ``selected`` values (:func:`~segmentation.filters.filter_options`, cached)."""
        from segmentation.filters import filter_options

        regions = {"region": selected.get("region") or []}
        if self.too_large():  # from the database's counts: no customer row travels
            return filter_options(self.groups(), regions)
        return self.guarded(views.filter_choices, self.key.with_(filters=regions), self.source)

    def view(self) -> pd.DataFrame:
        """The customers of the scope that match the sidebar filters."""
        self.require_rows()
        with st.spinner(self.t("common.loading")):
            return self.guarded(views.filtered_view, self.key, self.source)

    def mask_text(self, texts: pd.Series) -> pd.Series:
        """Free texts (comments) as the user may read them: phones, e-mail addresses and
        names masked for users without ``see_pii``, as they are for the others."""
        if self.pii:
            return texts
        masker = self.guarded(views.text_masker, self.key.dataset, self.source)
        return texts.map(masker.mask)

    def cubes(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """The daily activity and survey cubes of the scope."""
        return self.guarded(views.cubes, self.key.with_(filters=(), pii=True), self.source)

    def overview(self, period_days: int):
        """The Overview's headline, trend and breakdowns of the filtered customers
        (:func:`segmentation.overview.overview_figures`, cached per key); computed in the
        database for a scope too large to fetch."""
        with st.spinner(self.t("common.loading")):
            if self.too_large():
                return self.guarded(views.engine_overview, self.key.with_(pii=True),
                                    period_days, self.source)
            return self.guarded(views.overview, self.key.with_(pii=True), period_days,
                                self.source)

    def scoring_base(self) -> ScoringBase:
        """Ranks of the filtered customers among the whole network (computed once; slider
        moves only re-assign), holding only the scope's customers."""
        self.require_rows()
        with st.spinner(self.t("common.loading")):
            if self.ranked_within_selection():
                return self.guarded(views.selection_scoring, self.key, self.source)
            return self.guarded(views.scoring_base, self.key, self.source)

    def network_of_filters_fits(self) -> bool:
        """Whether the network's customers of the sidebar filters may travel (the ranks
        of :meth:`scoring_base` are among them)."""
        groups = self.groups(ALL)
        return groups is None or bignet.size_of(groups, self.filters) <= max_customer_rows()

    def ranked_within_selection(self) -> bool:
        """Whether :meth:`scoring_base` ranks within the selection, not the network."""
        return not self.network_fits() and not self.network_of_filters_fits()

    def tiers(self, settings: TierSettings):
        """The scoring base's tiers under ``settings`` (a
        :class:`~segmentation.tiers.TierResult`, cached per key and settings)."""
        return views.tier_result(self.key, settings.to_json(), self.scoring_base())

    def pareto(self) -> pd.DataFrame:
        return self.guarded(views.pareto_table, self.key.with_(pii=True), self.source)

    def forecast(self):
        """The weekly volume forecast (network-wide, reconciled) cut to the user's scope:
        a :class:`~segmentation.forecast.ForecastResult`."""
        key = ForecastKey(self.snap.dataset_id, self.as_of)
        return self.guarded(forecast_cache.scoped_forecast, key, self.scope, self.source)

    def churn_defaults(self) -> tuple[int, dict[int, int]]:
        """The default horizon and, per horizon, the default lost cutoff (network-wide)."""
        self.require_network()
        return self.guarded(churn_cache.defaults, self.key.network(), self.source)

    def churn(self, horizon: int, lost_after: int):
        """The fitted churn model and its backtest (all customers: never shown row by row)."""
        self.require_network()
        return self.guarded(churn_cache.model, self.churn_key(horizon, lost_after).network(),
                            self.source)

    def churn_scores(self, horizon: int, lost_after: int) -> pd.DataFrame:
        """Churn scores (network-wide) of the scope's customers that match the sidebar
        filters, reasons in the user's language (cut and masked once per key)."""
        return self.guarded(churn_cache.scores, self.churn_key(horizon, lost_after),
                            self.lang, self.source)

    def call_sheet(self, horizon: int, lost_after: int, settings: TierSettings):
        """The :class:`~segmentation.churn.CallSheet` of :meth:`churn_scores` with the
        tiers of ``settings`` (cached per key, language and settings)."""
        return self.guarded(churn_cache.call_sheet, self.churn_key(horizon, lost_after),
                            self.lang, settings.to_json(), self.source)

    def call_list(self, horizon: int, lost_after: int, settings: TierSettings, *,
                  pick_tiers, min_risk: float, pick_reasons, calls_per_branch: int):
        """:meth:`call_sheet`'s :meth:`~segmentation.churn.CallSheet.calls` under the
        page's list filters (cached per filters too: a rerun cuts nothing again)."""
        return self.guarded(churn_cache.call_list, self.churn_key(horizon, lost_after),
                            self.lang, settings.to_json(), tuple(pick_tiers or ()),
                            float(min_risk), tuple(pick_reasons or ()), int(calls_per_branch),
                            self.source)

    def churn_definition(self) -> tuple[int, int]:
        """The session's churn definition ``(horizon, lost_after)``: the Churn page's choice,
        the dataset's defaults until the user changes them."""
        default_h, default_lost = self.churn_defaults()
        chosen = state().churn
        horizon = chosen.horizon or default_h
        return horizon, chosen.lost_after.get(horizon, default_lost[horizon])

    def current_churn(self) -> CurrentChurn | None:
        """The churn scores under the session's definition, for any page (the Overview's
        customers at risk, the satisfaction links); ``None`` when the data cannot be scored
        (the Churn page says why)."""
        from segmentation.churn import ChurnUnavailable

        if not self.network_fits():  # the model needs every customer of the network
            return None
        horizon, lost_after = self.churn_definition()
        try:
            scores = self.churn_scores(horizon, lost_after)
        except ChurnUnavailable:  # a bug is not "too little data": let it show
            return None
        return CurrentChurn(scores, horizon, lost_after)

    def lifecycle(self, lost_after: int):
        """Lifecycle stages (network-wide) counted for the scope's customers."""
        return self.guarded(churn_cache.lifecycle, self.key.with_(filters=(), pii=True),
                            lost_after, self.source)

    def tier_history(self, settings: TierSettings):
        """Tiers at past month ends, graded network-wide, of the scope's customers, with who
        is lost at each month end under the session's churn definition."""
        return self.guarded(views.tier_history, self.key.with_(pii=True), settings.to_json(),
                            self.churn_definition()[1], self.source)

    def satisfaction(self, with_surveys: bool = True):
        """Surveys, complaints and shipments of the scope's customers (all filters off; the
        selected regions or branches when the scope is too large to fetch)."""
        self.require_rows()
        return self.guarded(sat_cache.data, self.data_key.with_(filters=(), pii=True),
                            with_surveys, self.source)

    def satisfaction_graded(self, settings: TierSettings, with_surveys: bool = True):
        """:meth:`satisfaction` of the sidebar filters, graded as on the Tiers and Churn
        pages (the current ``settings``, ranked within the filters)."""
        from segmentation.tiers import assign

        return sat_cache.graded(self.key.with_(pii=True), with_surveys, settings.to_json(),
                                self.satisfaction(with_surveys),
                                assign(self.scoring_base(), settings).scored["tier"])

    def satisfaction_summary(self, graded, settings: TierSettings, scale_key: str,
                             with_surveys: bool, name: str, groups: pd.Series, order: tuple,
                             *parts):
        """:func:`~segmentation.satisfaction.segment_summary` of ``groups`` (named ``name``,
        built from ``parts``) over ``graded`` (:meth:`satisfaction_graded`) read on
        ``scale_key``; cached by dataset, date, filters, scope, grading and scale."""
        return sat_cache.summary(
            self.key.with_(pii=True), with_surveys, settings.to_json(), scale_key, name,
            tuple(parts), tuple(order),
            graded.with_scale(None if scale_key == "auto" else scale_key), groups)

    def clustering(self, k: int, features: tuple[str, ...]):
        """The clustering (:class:`segmentation.clusters.Clustering`) of the scope's filtered
        customers with ``k`` clusters on ``features``, as this viewer may see them."""
        return cluster_cache.clustering(self.key, k, features, self.view())

    def silhouette_key(self, features: tuple[str, ...]) -> tuple:
        """What the silhouettes of the filtered view depend on (their cache key)."""
        return (self.key.with_(pii=True), features)

    def silhouettes(self, features: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
        """Silhouette scores per k of the filtered customers, and the suggested k."""
        return cluster_cache.silhouettes(self.key.with_(pii=True), features, self.view())

    def campaign_result(self, campaign, method: str, settings: TierSettings):
        """The campaign's :class:`~segmentation.campaigns.CampaignResult` for the scope's
        customers (all sidebar filters off), graded with ``settings`` at its start."""
        key = CampaignKey(self.key.with_(filters=(), pii=True,
                                         as_of=pd.Timestamp(self.snap.date_max).date()),
                          campaign.campaign_id, campaign_cache.digest(campaign), method,
                          settings.to_json())
        ids = tuple(self.full_view().index.astype(str)) if not self.scope.is_all else None
        return self.guarded(campaign_cache.result, key, campaign, ids, self.source)

    def view_sql(self) -> dict[str, str]:
        """The SQL the customer view runs in the connected database, per query."""
        return self.guarded(db_cache.view_sql, self.key.network(), self.source)

    def customer_history(self, customer_id: str) -> dict[str, pd.DataFrame] | None:
        """One customer's records, or ``None`` for a customer outside the scope."""
        if not self.see_customers or str(customer_id) not in self.full_view().index:
            return None
        return self.guarded(views.customer_history, self.key.network(), str(customer_id),
                            self.source)


def show_database_error(err: ConnectionError_, lang_: str) -> None:
    """A database problem: the message in the user's language, the database's own words
    (password scrubbed) behind a details expander."""
    st.error(md(err.message(lang_)), icon=":material/database:")
    detail = getattr(err, "driver_message", "")
    if detail:
        with st.expander(i18n.t("db.details", lang_)):
            st.code(detail, language=None, wrap_lines=True)


def lang() -> str:
    return state().sidebar.lang


def _require_frame() -> None:
    """Run pages only inside the ``app.py`` frame.

    Before ``st.navigation`` has run once in a server process, Streamlit treats
    the ``pages/`` folder as a legacy multipage app and serves a deep link such
    as ``/tiers`` by running the page file alone, without the sidebar, language
    or page config. Detect that, switch the server to ``app.py``'s navigation
    and rerun, which then runs the frame and the requested page.
    """
    if st.session_state.get("_frame_run_id") is not None:
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def current() -> Context:
    """The context of this run, from the sidebar state set up in ``app.py``.

    The scope comes from the signed-in user (:func:`ui.identity.current_user`), never
    from session state a widget, URL or the browser can set; the sidebar filters
    only narrow it.
    """
    _require_frame()
    user = identity.current_user()  # stops the run: sign-in required, nobody signed in
    active = connect.active()
    snap = active.snap
    side = state().sidebar
    as_of = side.as_of or pd.Timestamp(snap.date_max).date()
    scope = user.scope
    filters = scope.restrict(normalize_filters(
        {c: _selection(side.filters.get(c)) for c in FILTER_COLUMNS}))
    return Context(lang=lang(), snap=snap, as_of=as_of, filters=filters, scope=scope,
                   user=user, active=active)


def _selection(value: object) -> list[str]:
    """A filter's selection from session state: a list of texts (anything else: none)."""
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        return [value]
    return []


def value_label(value: object, lang_: str) -> str:
    """Display text for a categorical value (customer type, area type) in ``lang_``."""
    key = f"value.{value}"
    return i18n.t(key, lang_) if i18n.has(key) else str(value)
