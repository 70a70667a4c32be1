"""The background job that prepares a dataset's default figures, and what pages read of it.

Right after a load (upload, sample) or a database refresh, and on the first run
that finds the current dataset without stored defaults, :func:`ensure` starts one
thread per dataset (process-wide, de-duplicated under a lock) running
:func:`segmentation.precompute.compute_defaults`: the customer view at the
dataset's last date, the Overview's cubes, the default churn scores with their
backtest and CLV, and the lifecycle stages, each stored beside the dataset as
soon as it is done. A new load cancels the jobs of the datasets it replaces (they
stop before their next step and store nothing more).

The caches of :mod:`ui.context` ask here first (``stored_*``): a stored result is
read, not computed; a result that the running job is about to store is waited for
rather than computed twice. :func:`sidebar_status` shows the job's progress (step
i of n, what is being computed) in the sidebar, refreshing itself until it is done,
and a failure as an error. The job registry is a plain process-wide dict (no Streamlit cache).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from segmentation import precompute as pc
from segmentation.keys import DEFAULT_WINDOW_DAYS, AnalysisKey, ChurnKey
from segmentation.precompute import results
from segmentation.precompute.folders import valid_dataset_id
from ui import source as sources

log = logging.getLogger(__name__)
#: seconds between two looks of the sidebar (and the Overview's at-risk slot) at the job
POLL_S = 2.0


@dataclass
class Job:
    """One dataset's preparation: its key, where it stores, how far it got."""

    dataset_id: str
    key: AnalysisKey
    store: pc.DerivedStore
    step: int = 0
    name: str = "queued"
    done_steps: tuple[str, ...] = ()
    error: BaseException | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def running(self) -> bool:
        return not self.finished.is_set()

    @property
    def n_steps(self) -> int:
        return len(pc.STEPS)

    def _progress(self, i: int, n: int, name: str) -> None:
        with self.changed:
            self.step, self.name = i, name
            self.done_steps = pc.STEPS if name == "done" else pc.STEPS[:i - 1]
            self.changed.notify_all()

    def wait_for(self, step: str, timeout: float | None = None) -> bool:
        """Block until ``step`` is stored or the job ends; ``True`` when it was stored."""
        with self.changed:
            self.changed.wait_for(lambda: step in self.done_steps or not self.running,
                                  timeout=timeout)
            return step in self.done_steps


_JOBS: dict[str, Job] = {}
_COMPLETE: set[str] = set()
_LOCK = threading.Lock()


def store_for(dataset_id: str) -> pc.DerivedStore:
    return pc.DerivedStore(sources.workspace().folder, dataset_id)


def job(dataset_id: str) -> Job | None:
    """The process's job for ``dataset_id`` (running, done or failed), if any."""
    with _LOCK:
        return _JOBS.get(dataset_id)


def start(dataset_id: str, *, obsolete: Iterable[str] = (), retry: bool = False) -> Job | None:
    """Start the job of ``dataset_id`` unless one runs or ran (``retry``: unless one runs or
    succeeded); cancel the jobs of the ``obsolete`` datasets. ``None`` for a dataset
    without dates (nothing to prepare)."""
    if not valid_dataset_id(dataset_id):
        return None
    source = sources.get(dataset_id)
    snap = source.snap
    with _LOCK:
        for other in obsolete:
            if other != dataset_id and other in _JOBS:
                _JOBS[other].cancel.set()
        current = _JOBS.get(dataset_id)
        if current is not None and (current.running or current.error is None or not retry):
            return current
        if not snap.date_max:
            return None
        new = Job(dataset_id, pc.default_key(dataset_id, snap.date_max), store_for(dataset_id))
        _JOBS[dataset_id] = new
    # no lease: the job must not keep a replaced dataset's file (the workspace keeps the
    # last loads' files, so it is there unless two more loads came meanwhile)
    threading.Thread(target=_run, args=(new, source), name=f"precompute-{dataset_id}",
                     daemon=True).start()
    return new


def _gone(source: sources.ActiveSource) -> bool:
    """True when a workspace dataset's file was removed (replaced by later loads)."""
    return not source.is_database and sources.workspace().snapshot(
        source.snap.dataset_id) is None


def _run(job_: Job, source: sources.ActiveSource) -> None:
    try:
        pc.compute_defaults(source.engine, job_.store, job_.key,
                            table_names=source.table_names, progress=job_._progress,
                            cancelled=job_.cancel.is_set)
        with _LOCK:
            _COMPLETE.add(job_.dataset_id)
    except pc.Cancelled:
        job_.name = "cancelled"
    except Exception as exc:  # shown in the sidebar: never swallowed
        if _gone(source):  # its dataset went away under it: nobody reads it any more
            job_.name = "cancelled"
        else:
            log.exception("preparing the defaults of %s failed", job_.dataset_id)
            job_.error = exc
    finally:
        with job_.changed:
            job_.finished.set()
            job_.changed.notify_all()


def loaded(dataset_id: str) -> Job | None:
    """A load made ``dataset_id`` the workspace's dataset: prepare it, cancel the jobs of
    the workspace datasets it replaces."""
    with _LOCK:
        others = [d for d in _JOBS if not d.startswith("db-")]
    return start(dataset_id, obsolete=others, retry=True)


def refreshed(old_id: str, new_id: str) -> Job | None:
    """A database refresh replaced ``old_id`` by ``new_id``: prepare the new one, cancel and
    remove the old one's."""
    new = start(new_id, obsolete=[old_id], retry=True)
    if old_id != new_id and valid_dataset_id(old_id):
        store_for(old_id).remove()
    return new


def ensure(dataset_id: str) -> Job | None:
    """The job of a dataset without stored defaults (started on first use); ``None`` when
    they are stored."""
    with _LOCK:
        if dataset_id in _COMPLETE:
            return None
    if not valid_dataset_id(dataset_id):
        return None
    if store_for(dataset_id).complete:
        with _LOCK:
            _COMPLETE.add(dataset_id)
        return None
    return start(dataset_id)


# ------------------------------------------------------------------ what the caches read


def _default(dataset_id: str, as_of: date, window_days: int = DEFAULT_WINDOW_DAYS
             ) -> tuple[AnalysisKey, Job | None] | None:
    """The network key asked for, and the running job that will store it (if any);
    ``None`` for a dataset id that has no stored results."""
    if not valid_dataset_id(dataset_id):
        return None
    key = AnalysisKey(dataset_id, as_of, window_days=window_days)
    running = job(dataset_id)
    if running is not None and (not running.running or running.key != key):
        running = None
    return key, running


def stored_view(dataset_id: str, as_of: date, window_days: int):
    """The stored network customer view (waiting for the running job's), or ``None``."""
    found = _default(dataset_id, as_of, window_days)
    if found is None:
        return None
    key, running = found
    if running is not None:
        running.wait_for("view")
    return results.get_view(store_for(dataset_id), key)


def stored_cubes(dataset_id: str, as_of: date):
    """The stored network cubes ``(activity, surveys)`` (waiting for the job's), or ``None``."""
    found = _default(dataset_id, as_of)
    if found is None:
        return None
    key, running = found
    if running is not None:
        running.wait_for("cubes")
    return results.get_cubes(store_for(dataset_id), key)


def stored_churn_defaults(dataset_id: str, as_of: date) -> tuple[int, dict[int, int]] | None:
    """The stored default churn definition at ``as_of``, or ``None``."""
    found = _default(dataset_id, as_of)
    return None if found is None else pc.stored_churn_defaults(store_for(dataset_id), found[0])


def churn_pending(dataset_id: str, as_of: date) -> Job | None:
    """The running job that is still preparing the churn scores at ``as_of``, if any."""
    found = _default(dataset_id, as_of)
    if found is None or found[1] is None or "churn" in found[1].done_steps:
        return None
    return found[1]


def stored_churn(dataset_id: str, as_of: date, horizon: int, lost_after: int):
    """The stored network churn result (waiting for the running job's), or ``None``."""
    found = _default(dataset_id, as_of)
    if found is None:
        return None
    key, running = found
    if running is not None:
        running.wait_for("churn")
    return results.get_churn(store_for(dataset_id), ChurnKey(key, horizon, lost_after))


def stored_words(dataset_id: str, as_of: date, horizon: int, lost_after: int,
                 scores, lang: str):
    """The stored reasons in words (``(risk_reasons, main_reason)`` in ``lang``, in the rows
    of the stored ``scores``), or ``None``."""
    found = _default(dataset_id, as_of)
    if found is None:
        return None
    return results.get_words(store_for(dataset_id), ChurnKey(found[0], horizon, lost_after),
                             scores, lang)


def stored_warnings(dataset_id: str, as_of: date, horizon: int, lost_after: int
                    ) -> int | None:
    """The network's stored count of churn warnings under that definition, or ``None``."""
    found = _default(dataset_id, as_of)
    if found is None:
        return None
    return pc.stored_warnings(store_for(dataset_id), ChurnKey(found[0], horizon, lost_after))


def stored_lifecycle(dataset_id: str, as_of: date, lost_after: int):
    """The stored network lifecycle stages (waiting for the running job's), or ``None``."""
    found = _default(dataset_id, as_of)
    if found is None:
        return None
    key, running = found
    if running is not None:
        running.wait_for("lifecycle")
    return results.get_lifecycle(store_for(dataset_id), key, lost_after)
