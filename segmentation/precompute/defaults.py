"""Compute a dataset's default results once and store them (:func:`compute_defaults`).

What does not depend on a session is computed once per dataset, right after a load
or a database refresh, at the dataset's last date with the default window:

1. ``view``: the customer view (every customer);
2. ``cubes``: the Overview's daily activity and survey cubes;
3. ``churn``: the default churn definition (horizon and, per horizon, lost cutoff)
   and the churn scores under it, with the backtest and the customers' value
   (``p_alive``, ``expected_purchases_12m``, ``clv_12m``: the CLV), and the
   warnings' reasons in words in English and Chinese;
4. ``lifecycle``: the lifecycle stages at the default lost cutoff.

Each step is stored as soon as it is done (a page can read the view while the
churn model is still being fitted); a step already stored is not computed again,
so a second process, or a restart, computes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd
import sqlalchemy as sa

from ..keys import DEFAULT_WINDOW_DAYS, AnalysisKey, ChurnKey
from . import results
from .store import DerivedStore

STEPS: tuple[str, ...] = ("view", "cubes", "churn", "lifecycle")
#: horizons whose default lost cutoff is recorded (the Churn page's choices)
HORIZONS: tuple[int, ...] = (30, 60, 90, 180)

Progress = Callable[[int, int, str], None]


class Cancelled(Exception):  # noqa: N818 - a state, not an error
    """The job was cancelled (a newer load made its dataset obsolete)."""


def default_key(dataset_id: str, date_max: str | date) -> AnalysisKey:
    """The network key of a dataset's defaults: its last date, the default window."""
    day = date.fromisoformat(date_max) if isinstance(date_max, str) else date_max
    return AnalysisKey(dataset_id, day, window_days=DEFAULT_WINDOW_DAYS)


def churn_defaults(view: pd.DataFrame) -> tuple[int, dict[int, int]]:
    """The default horizon of ``view`` and, per horizon of :data:`HORIZONS`, the default
    lost cutoff."""
    from ..churn import default_horizon, default_lost_after, history_days

    horizon = default_horizon(view, history=history_days(view))
    return horizon, {h: default_lost_after(view, h) for h in HORIZONS}


def stored_churn_defaults(store: DerivedStore, key: AnalysisKey
                          ) -> tuple[int, dict[int, int]] | None:
    """The stored default definition of ``key``'s date and window, or ``None``."""
    defaults = store.defaults()
    if not defaults or "horizon" not in defaults or defaults["key"] != _key_json(key):
        return None
    return defaults["horizon"], dict(defaults["lost_after"])


def stored_warnings(store: DerivedStore, key: ChurnKey) -> int | None:
    """The network's count of churn warnings under ``key`` (the stored default), or
    ``None`` when ``key`` is not the stored default definition."""
    defaults = store.defaults()
    if not defaults or defaults.get("warnings") is None \
            or defaults["key"] != _key_json(key.analysis):
        return None
    horizon = defaults["horizon"]
    if (key.horizon_days, key.lost_after_days) != (horizon, defaults["lost_after"][horizon]):
        return None
    return int(defaults["warnings"])


def _key_json(key: AnalysisKey) -> dict:
    return {"as_of": key.as_of, "window_days": key.window_days}


def compute_defaults(bind: sa.Engine, store: DerivedStore, key: AnalysisKey, *,
                     table_names: Mapping[str, str] | None = None,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> dict:
    """Compute and store the default results of ``key`` (a network key), step by step.

    Parameters
    ----------
    bind : the engine holding the dataset's canonical tables.
    store : where the results go (the dataset's :class:`DerivedStore`).
    key : the dataset's default key (:func:`default_key`).
    table_names : canonical table -> actual name (a connected database).
    progress : called as ``progress(i, n, step)`` before step ``i`` of ``n``
        (:data:`STEPS`), and as ``progress(n, n, "done")`` at the end.
    cancelled : polled between steps and before each write; when it returns True,
        :class:`Cancelled` is raised and nothing more is stored.

    Returns
    -------
    The stored defaults record (:meth:`DerivedStore.defaults`).
    """
    from ..churn import ChurnUnavailable, lifecycle_stages, score_churn
    from ..features import customer_view
    from ..overview import activity_cube, survey_cube

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(key.dataset_id)

    def step(i: int, name: str) -> None:
        check()
        if progress is not None:
            progress(i, len(STEPS), name)

    record = dict(store.defaults() or {})
    if record.get("key") != _key_json(key):
        record = {"key": _key_json(key), "steps": [], "complete": False}
    done = set(record["steps"])

    def finish(name: str, **fields) -> None:
        check()
        record.update(fields)
        record["steps"] = [s for s in STEPS if s in done | {name}]
        done.add(name)
        record["complete"] = done >= set(STEPS)
        store.set_defaults(record)

    step(1, "view")
    view = results.get_view(store, key)
    if view is None:
        view = customer_view(bind, as_of=key.as_of, window_days=key.window_days,
                             table_names=table_names)
        check()
        results.put_view(store, key, view)
    if "view" not in done:
        finish("view")

    step(2, "cubes")
    if results.get_cubes(store, key) is None:
        cubes = (activity_cube(bind, as_of=key.as_of, table_names=table_names),
                 survey_cube(bind, as_of=key.as_of, table_names=table_names))
        check()
        results.put_cubes(store, key, *cubes)
    if "cubes" not in done:
        finish("cubes")

    step(3, "churn")
    horizon, lost_after = churn_defaults(view)
    churn_key = ChurnKey(key, horizon, lost_after[horizon])
    if "churn" not in done:
        try:
            result = score_churn(bind, as_of=pd.Timestamp(key.as_of), horizon_days=horizon,
                                 lost_after_days=lost_after[horizon], lang=None,
                                 table_names=table_names, view=view)
        except ChurnUnavailable:  # too little data: the pages say why when asked
            result = None
        check()
        if result is not None:
            results.put_churn(store, churn_key, result)
            words = results.worded(result.scores)  # both languages: no page words them
            check()
            results.put_words(store, churn_key, words)
        # the network's count of warnings: the Overview's at-risk figure without any read
        warnings = None if result is None else int(
            (result.scores["status"] == "warning").sum())
        finish("churn", horizon=horizon, lost_after=lost_after,
               churn_stored=result is not None, warnings=warnings)

    step(4, "lifecycle")
    if "lifecycle" not in done:
        life = lifecycle_stages(bind, as_of=pd.Timestamp(key.as_of),
                                lost_after_days=lost_after[horizon], table_names=table_names)
        check()
        results.put_lifecycle(store, key, lost_after[horizon], life)
        finish("lifecycle")
    if progress is not None:
        progress(len(STEPS), len(STEPS), "done")
    return store.defaults()
