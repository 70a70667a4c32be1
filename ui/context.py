"""Streamlit glue shared by every page: the workspace, cached results, the current settings.

Heavy results are cached with ``st.cache_resource`` (no copy per hit; callers
treat the frames as read-only) and keyed by what truly changes: the dataset id,
the analysis date and, for filtered results, the normalised filters. Switching
pages or languages therefore recomputes nothing heavy.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from segmentation import i18n
from segmentation.access import ALL, OPEN_USER, Scope, User, mask_frame
from segmentation.connections import ConnectionError_, ConnectionSpec, classify_error, role_risks
from segmentation.customer import known_names
from segmentation.features import customer_view
from segmentation.filters import FILTER_COLUMNS, apply_filters, normalize_filters
from segmentation.overview import activity_cube, survey_cube
from segmentation.schema import DataError
from segmentation.sources import read_any, read_excel_sheets
from segmentation.textmask import TextMasker
from segmentation.textsafe import md
from segmentation.tiers import (
    ScoringBase,
    TierSettings,
    pareto,
    prepare_scoring,
    restrict_scoring,
    tier_history,
)
from segmentation.workspace import Snapshot, Workspace
from ui import background, identity
from ui import source as sources
from ui.state import state

PERIOD_DAYS = 90
#: months of survey / complaint trends read for the satisfaction page
SATISFACTION_MONTHS = 24


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """The process's workspace (one per server; :func:`ui.source.workspace` reads it)."""
    return Workspace()


def snapshot() -> Snapshot:
    """The session's dataset: the workspace's (the bundled sample on first use) or the
    connected database's."""
    return sources.active().snap


def _bind(dataset_id: str) -> tuple:
    """Engine and mapped tables of a dataset id, for the library's ``table_names``."""
    source = sources.get(dataset_id)
    return source.engine, source.table_names


def _scope(scope_key: tuple) -> Scope:
    """The :class:`Scope` of a cache key made by ``Scope.key()``."""
    fields = dict(zip(scope_key[::2], scope_key[1::2], strict=True))
    return Scope(regions=fields["regions"], branches=fields["branches"])


ALL_KEY = ALL.key()


def _view(dataset_id: str, as_of: date, window_days: int,
          scope_key: tuple = ALL_KEY) -> pd.DataFrame:
    """The customer view of a scope, narrowed inside the database (``ALL_KEY``: everyone,
    for network-wide ranks and models that are never shown as they are)."""
    if scope_key == ALL_KEY:
        return _network_view(dataset_id, as_of, window_days)
    return _scoped_view(dataset_id, as_of, window_days, scope_key)


# two caches: the many scopes of signed-in users never push out the network's view,
# which the tiers and the churn model of every user need
@st.cache_resource(show_spinner=False, max_entries=4)
def _network_view(dataset_id: str, as_of: date, window_days: int) -> pd.DataFrame:
    stored = background.stored_view(dataset_id, as_of, window_days)  # computed once per dataset
    if stored is not None:
        return stored
    engine, names = _bind(dataset_id)
    return customer_view(engine, as_of=as_of, window_days=window_days, table_names=names)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scoped_view(dataset_id: str, as_of: date, window_days: int,
                 scope_key: tuple) -> pd.DataFrame:
    engine, names = _bind(dataset_id)
    return customer_view(engine, as_of=as_of, window_days=window_days, table_names=names,
                         scope=_scope(scope_key))


@st.cache_resource(show_spinner=False, max_entries=16)
def _filtered_view(dataset_id: str, as_of: date, window_days: int, filters: tuple,
                   scope_key: tuple = ALL_KEY, pii: bool = True) -> pd.DataFrame:
    """The customers of a scope and the filters; names and phones masked unless ``pii``."""
    view = apply_filters(_view(dataset_id, as_of, window_days, scope_key), dict(filters))
    return view if pii else mask_frame(view, None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _text_masker(dataset_id: str) -> TextMasker:
    """The free-text masker of a dataset: phones, e-mail addresses and every customer name
    of its customers table (compiled once per dataset)."""
    engine, names = _bind(dataset_id)
    return TextMasker(known_names(engine, names))


@st.cache_resource(show_spinner=False, max_entries=16)
def _cubes(dataset_id: str, as_of: date, scope_key: tuple = ALL_KEY
           ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    stored = background.stored_cubes(dataset_id, as_of) if scope_key == ALL_KEY else None
    if stored is not None:
        return stored
    engine, names = _bind(dataset_id)
    scope = _scope(scope_key)
    return (activity_cube(engine, as_of=as_of, table_names=names, scope=scope),
            survey_cube(engine, as_of=as_of, table_names=names, scope=scope))


def _scoring_base(dataset_id: str, as_of: date, window_days: int, filters: tuple,
                  scope_key: tuple = ALL_KEY, pii: bool = True) -> ScoringBase:
    """Ranks among every customer of the filters (network-wide); a limited scope (or
    masked names) shows its customers with those ranks, nothing re-ranked."""
    if scope_key == ALL_KEY and pii:
        return _network_scoring(dataset_id, as_of, window_days, filters)
    return _restricted_scoring(dataset_id, as_of, window_days, filters, scope_key, pii)


@st.cache_resource(show_spinner=False, max_entries=4)
def _network_scoring(dataset_id: str, as_of: date, window_days: int,
                     filters: tuple) -> ScoringBase:
    return prepare_scoring(_filtered_view(dataset_id, as_of, window_days, filters))


@st.cache_resource(show_spinner=False, max_entries=16)
def _restricted_scoring(dataset_id: str, as_of: date, window_days: int, filters: tuple,
                        scope_key: tuple, pii: bool) -> ScoringBase:
    network = _network_scoring(dataset_id, as_of, window_days, filters)
    return restrict_scoring(network, _filtered_view(dataset_id, as_of, window_days, filters,
                                                    scope_key, pii))


@st.cache_resource(show_spinner=False, max_entries=16)
def _pareto(dataset_id: str, as_of: date, window_days: int, filters: tuple,
            scope_key: tuple = ALL_KEY) -> pd.DataFrame:
    return pareto(_filtered_view(dataset_id, as_of, window_days, filters, scope_key))


@st.cache_resource(show_spinner=False, max_entries=8)
def _tier_history(dataset_id: str, as_of: date, window_days: int, filters: tuple,
                  settings_json: str, scope_key: tuple = ALL_KEY,
                  lost_after: int | None = None):
    engine, names = _bind(dataset_id)

    def view_fn(bind, **kwargs):
        return apply_filters(customer_view(bind, window_days=window_days, table_names=names,
                                           **kwargs), dict(filters))

    return tier_history(engine, as_of=pd.Timestamp(as_of),
                        settings=TierSettings.from_json(settings_json), view_fn=view_fn,
                        scope=_scope(scope_key), lost_after_days=lost_after)


@st.cache_resource(show_spinner=False, max_entries=16)
def _satisfaction(dataset_id: str, as_of: date, with_surveys: bool,
                  scope_key: tuple = ALL_KEY):
    """Surveys, complaints, attributes and shipments of a scope at ``as_of``."""
    from segmentation import satisfaction as sat
    from segmentation.database import guard_raw_rows

    source = sources.get(dataset_id)
    check = (lambda table: guard_raw_rows(source.snap.rows, table)) if source.is_database \
        else None
    return sat.load(source.engine, _view(dataset_id, as_of, PERIOD_DAYS, scope_key),
                    as_of=as_of, period_days=PERIOD_DAYS, months=SATISFACTION_MONTHS,
                    with_surveys=with_surveys, table_names=source.table_names,
                    check_rows=check, scope=_scope(scope_key))


# ---------------------------------------------------------------- satisfaction page caches


@st.cache_resource(show_spinner=False, max_entries=8)
def _satisfaction_graded(dataset_id: str, as_of: date, with_surveys: bool, filters: tuple,
                         settings_json: str, scope_key: tuple, _all, _tiers: pd.Series):
    """The customers of the sidebar filters (within the user's scope, which ``_all``
    already is), with the tiers of the current grading."""
    return _all.select(dict(filters)).with_tiers(_tiers)


@st.cache_resource(show_spinner=False, max_entries=8)
def _satisfaction_summary(*key, _data, _groups: pd.Series, order: tuple) -> pd.DataFrame:
    """Segment summaries do not depend on the page's tier choice or deadline: cache them."""
    from segmentation.satisfaction import segment_summary

    return segment_summary(_data, _groups, period_days=PERIOD_DAYS, order=list(order))


@st.cache_resource(show_spinner=False, max_entries=4)
def _churn(dataset_id: str, as_of: date, horizon: int, lost_after: int):
    """Backtest, choose, fit and score once per dataset, date and definition (all customers);
    the scores carry reason codes and values, no words."""
    from segmentation.churn import score_churn

    stored = background.stored_churn(dataset_id, as_of, horizon, lost_after)
    if stored is not None:
        return stored
    engine, names = _bind(dataset_id)
    return score_churn(engine, as_of=pd.Timestamp(as_of), horizon_days=horizon,
                       lost_after_days=lost_after, lang=None, table_names=names,
                       view=_view(dataset_id, as_of, PERIOD_DAYS))


@st.cache_resource(show_spinner=False, max_entries=8)
def _churn_scores(dataset_id: str, as_of: date, horizon: int, lost_after: int,
                  lang: str) -> pd.DataFrame:
    """The scores with reasons worded in ``lang``: rendering only, nothing is scored again.

    Only the customers with a warning get words (the lists show no one else; the
    others keep their ``reason_codes``): a language switch at a million customers
    then words a third of them.
    """
    from segmentation.churn import render_main_reason, render_reasons

    scores = _churn(dataset_id, as_of, horizon, lost_after).scores
    stored = background.stored_words(dataset_id, as_of, horizon, lost_after, scores, lang)
    if stored is not None:  # worded once per dataset, in the background
        out = scores.assign(risk_reasons=stored[0], main_reason=stored[1])
        out.attrs.update(scores.attrs)
        return out
    warned = (scores["status"] == "warning").to_numpy()
    words = pd.Series("", index=scores.index, dtype="str")
    main = words.copy()
    subset = scores[warned]
    subset.attrs.update(scores.attrs)  # the wording reads the window and the typical interval
    words[warned] = render_reasons(subset, lang)
    main[warned] = render_main_reason(subset, lang)
    out = scores.assign(risk_reasons=words, main_reason=main)
    out.attrs.update(scores.attrs)
    return out


@st.cache_resource(show_spinner=False, max_entries=16)
def _lifecycle(dataset_id: str, as_of: date, lost_after: int, scope_key: tuple = ALL_KEY):
    """Lifecycle stages (network-wide), counted for the customers of the scope."""
    from segmentation.churn import lifecycle_stages

    stored = background.stored_lifecycle(dataset_id, as_of, lost_after) \
        if scope_key == ALL_KEY else None
    if stored is not None:
        return stored
    engine, names = _bind(dataset_id)
    shown = None if scope_key == ALL_KEY else _view(dataset_id, as_of, PERIOD_DAYS,
                                                    scope_key).index
    return lifecycle_stages(engine, as_of=pd.Timestamp(as_of), lost_after_days=lost_after,
                            table_names=names, customers=shown)


@st.cache_resource(show_spinner=False, max_entries=4)
def _churn_defaults(dataset_id: str, as_of: date) -> tuple[int, dict[int, int]]:
    from segmentation.precompute import churn_defaults

    stored = background.stored_churn_defaults(dataset_id, as_of)
    return stored if stored is not None else churn_defaults(_view(dataset_id, as_of, PERIOD_DAYS))


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
    cache behind them is keyed by the scope.
    """

    lang: str
    snap: Snapshot
    as_of: date
    filters: tuple
    scope: Scope = ALL
    user: User = OPEN_USER

    def t(self, key: str, /, **params) -> str:
        return i18n.t(key, self.lang, **params)

    @property
    def scope_key(self) -> tuple:
        return self.scope.key()

    @property
    def pii(self) -> bool:
        """Whether the user may see names and phones."""
        return self.user.can("see_pii")

    @property
    def see_customers(self) -> bool:
        """Whether the user may see customer-level rows (tables, lists, downloads)."""
        return self.user.can("see_customers")

    @property
    def cache_filters(self) -> tuple:
        """The filters plus the scope: the part of a page's own cache keys that decides
        which customers a result holds (equal to ``filters`` for an unlimited scope)."""
        if self.scope.is_all:
            return self.filters
        return (*self.filters, ("\x00scope", self.scope_key))

    @property
    def source(self) -> sources.ActiveSource:
        """Engine, mapped tables and connection of the dataset."""
        return sources.get(self.snap.dataset_id)

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

    def full_view(self) -> pd.DataFrame:
        """Every customer of the scope, without the sidebar filters (for filter choices
        and totals)."""
        with st.spinner(self.t("common.loading")):
            return self.guarded(_filtered_view, self.snap.dataset_id, self.as_of, PERIOD_DAYS,
                                (), self.scope_key, self.pii)

    def view(self) -> pd.DataFrame:
        """The customers of the scope that match the sidebar filters."""
        with st.spinner(self.t("common.loading")):
            return self.guarded(_filtered_view, self.snap.dataset_id, self.as_of, PERIOD_DAYS,
                                self.filters, self.scope_key, self.pii)

    def mask_text(self, texts: pd.Series) -> pd.Series:
        """Free texts (comments) as the user may read them: phones, e-mail addresses and
        names masked for users without ``see_pii``, as they are for the others."""
        if self.pii:
            return texts
        masker = self.guarded(_text_masker, self.snap.dataset_id)
        return texts.map(masker.mask)

    def cubes(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """The daily activity and survey cubes of the scope."""
        return self.guarded(_cubes, self.snap.dataset_id, self.as_of, self.scope_key)

    def scoring_base(self) -> ScoringBase:
        """Ranks of the filtered customers among the whole network (computed once; slider
        moves only re-assign), holding only the scope's customers."""
        with st.spinner(self.t("common.loading")):
            return self.guarded(_scoring_base, self.snap.dataset_id, self.as_of, PERIOD_DAYS,
                                self.filters, self.scope_key, self.pii)

    def pareto(self) -> pd.DataFrame:
        return self.guarded(_pareto, self.snap.dataset_id, self.as_of, PERIOD_DAYS,
                            self.filters, self.scope_key)

    def churn_defaults(self) -> tuple[int, dict[int, int]]:
        """The default horizon and, per horizon, the default lost cutoff (network-wide)."""
        return self.guarded(_churn_defaults, self.snap.dataset_id, self.as_of)

    def churn(self, horizon: int, lost_after: int):
        """The fitted churn model and its backtest (all customers: never shown row by row)."""
        return self.guarded(_churn, self.snap.dataset_id, self.as_of, horizon, lost_after)

    def churn_scores(self, horizon: int, lost_after: int) -> pd.DataFrame:
        """Churn scores (network-wide) of the scope's customers that match the sidebar
        filters, reasons in the user's language."""
        scores = self.guarded(_churn_scores, self.snap.dataset_id, self.as_of, horizon,
                              lost_after, self.lang)
        if not self.filters and self.scope.is_all and self.pii:
            return scores  # every customer: nothing to narrow (read-only, like every cache)
        out = scores.loc[scores.index.intersection(self.view().index)]
        if not self.pii:
            out = mask_frame(out, None)
        out.attrs.update(scores.attrs)  # the wording reads the window and typical interval
        return out

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

        horizon, lost_after = self.churn_definition()
        try:
            scores = self.churn_scores(horizon, lost_after)
        except ChurnUnavailable:  # a bug is not "too little data": let it show
            return None
        return CurrentChurn(scores, horizon, lost_after)

    def lifecycle(self, lost_after: int):
        """Lifecycle stages (network-wide) counted for the scope's customers."""
        return self.guarded(_lifecycle, self.snap.dataset_id, self.as_of, lost_after,
                            self.scope_key)

    def tier_history(self, settings: TierSettings):
        """Tiers at past month ends, graded network-wide, of the scope's customers, with who
        is lost at each month end under the session's churn definition."""
        return self.guarded(_tier_history, self.snap.dataset_id, self.as_of, PERIOD_DAYS,
                            self.filters, settings.to_json(), self.scope_key,
                            self.churn_definition()[1])

    def satisfaction(self, with_surveys: bool = True):
        """Surveys, complaints and shipments of the scope's customers (all filters off)."""
        return self.guarded(_satisfaction, self.snap.dataset_id, self.as_of, with_surveys,
                            self.scope_key)

    def satisfaction_graded(self, settings: TierSettings, with_surveys: bool = True):
        """:meth:`satisfaction` of the sidebar filters, graded as on the Tiers and Churn
        pages (the current ``settings``, ranked within the filters)."""
        from segmentation.tiers import assign

        return _satisfaction_graded(
            self.snap.dataset_id, self.as_of, with_surveys, self.filters, settings.to_json(),
            self.scope_key, self.satisfaction(with_surveys),
            assign(self.scoring_base(), settings).scored["tier"])

    def satisfaction_summary(self, graded, settings: TierSettings, scale_key: str,
                             with_surveys: bool, name: str, groups: pd.Series, order: tuple,
                             *source):
        """:func:`~segmentation.satisfaction.segment_summary` of ``groups`` (named ``name``,
        built from ``source``) over ``graded`` (:meth:`satisfaction_graded`) read on
        ``scale_key``; cached by dataset, date, filters, scope, grading and scale."""
        return _satisfaction_summary(
            self.snap.dataset_id, self.as_of, with_surveys, self.filters, self.scope_key,
            settings.to_json(), scale_key, name, *source,
            _data=graded.with_scale(None if scale_key == "auto" else scale_key),
            _groups=groups, order=tuple(order))

    def customer_history(self, customer_id: str) -> dict[str, pd.DataFrame] | None:
        """One customer's records, or ``None`` for a customer outside the scope."""
        if not self.see_customers or str(customer_id) not in self.full_view().index:
            return None
        from segmentation.customer import customer_history

        source = self.source
        return self.guarded(lambda: customer_history(
            source.engine, str(customer_id), as_of=self.as_of, table_names=source.table_names))


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
    snap = snapshot()
    side = state().sidebar
    as_of = side.as_of or pd.Timestamp(snap.date_max).date()
    scope = user.scope
    filters = scope.restrict(normalize_filters(
        {c: _selection(side.filters.get(c)) for c in FILTER_COLUMNS}))
    return Context(lang=lang(), snap=snap, as_of=as_of, filters=filters, scope=scope,
                   user=user)


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


# --------------------------------------------------------------------------- data sources
# The connected databases' engines and role checks, and the reads of uploaded files.


@st.cache_resource(show_spinner=False, max_entries=16)
def db_engine(key: str, _spec: ConnectionSpec) -> sa.Engine:
    """One pooled read-only engine per connection and login (``key``: the keyed hash of
    the settings and the password made by :mod:`ui.source`, never shown)."""
    return sources.open_source_engine(_spec)


@st.cache_data(show_spinner=False, ttl=600, max_entries=32)
def db_risks(key: str, _spec: ConnectionSpec) -> tuple[str, ...]:
    """``"superuser"`` / ``"can_write"`` when the login may do more than read."""
    return role_risks(sources.engine_for(_spec))


def _named(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@st.cache_data(show_spinner=False, max_entries=8)
def read_upload(digest: str, name: str, _data: bytes, encoding: str | None):
    """A CSV / Parquet upload read once per content (refusals are cached too):
    ``(raw frame or None, problems)``."""
    try:
        return read_any(_named(_data, name), filename=name, encoding=encoding), []
    except DataError as err:
        return None, err.problems


@st.cache_data(show_spinner=False, max_entries=4)
def read_upload_sheets(digest: str, name: str, _data: bytes):
    """Every sheet of a workbook upload, read once per content: the sheet list, the chosen
    sheet and the one-sheet-per-table mode all come from this one read."""
    try:
        return read_excel_sheets(_named(_data, name)), []
    except DataError as err:
        return None, err.problems


# --------------------------------------------------------------------------- clusters


@st.cache_resource(show_spinner=False, max_entries=16)
def _clustering(dataset_id: str, as_of: date, filters: tuple, k: int,
                features: tuple[str, ...], _view: pd.DataFrame):
    """Fit on (a seeded sample of) the view, assign everyone, profile: once per key."""
    from segmentation.clusters import cluster_view

    return cluster_view(_view, k, features)


@st.cache_resource(show_spinner=False, max_entries=8)
def _silhouettes(dataset_id: str, as_of: date, filters: tuple, features: tuple[str, ...],
                 _view: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Silhouette score per k on a sample, and the suggested k."""
    from segmentation.clusters import K_MAX, K_MIN, suggest_k

    return suggest_k(_view, features, k_range=range(K_MIN, K_MAX + 1))


def silhouette_key(ctx: Context, features: tuple[str, ...]) -> tuple:
    """What the silhouettes of the filtered view depend on (their cache key)."""
    return (ctx.snap.dataset_id, ctx.as_of, ctx.cache_filters, features)


def clustering(ctx: Context, k: int, features: tuple[str, ...]):
    """The clustering (:class:`segmentation.clusters.Clustering`) of the scope's filtered
    customers with ``k`` clusters on ``features``."""
    return _clustering(ctx.snap.dataset_id, ctx.as_of, ctx.cache_filters, k, features,
                       ctx.view())


def silhouettes(ctx: Context, features: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Silhouette scores per k of the filtered customers, and the suggested k."""
    return _silhouettes(*silhouette_key(ctx, features), ctx.view())


# --------------------------------------------------------------------------- the database form
# (ui/db_page.py)


@st.cache_data(show_spinner=False, ttl=300, max_entries=32)
def database_sample(login_key: str, table: str | None, query: str | None, _spec):
    """First rows of a table or SELECT (cached for five minutes per connection and login:
    ``login_key`` is :func:`ui.source.sample_key`, so a different password never reads
    another session's cached rows)."""
    from segmentation.database import TableChoice, source_columns

    choice = TableChoice(table=table) if table is not None else TableChoice(query=query)
    return source_columns(sources.engine_for(_spec), choice, _spec, rows=50)


@st.cache_data(show_spinner=False, max_entries=8)
def database_sql(dataset_id: str, as_of) -> dict[str, str]:
    """The SQL the customer view runs in the connected database, per query."""
    from segmentation.features import query_sql, view_queries

    source = sources.get(dataset_id)
    queries = view_queries(source.engine, as_of=as_of, table_names=source.table_names)
    return {name: query_sql(query, source.engine) for name, query in queries.items()}
