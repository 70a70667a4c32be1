"""Each stored result to files and back: the customer view, the Overview's cubes, the churn
result (:class:`~segmentation.churn.ChurnResult`) and the lifecycle stages.

A churn result comes back as the page and the Overview read it: the scores, the
ranking and its explanation, the backtest's tables and figures, the settings. Two
fitted objects are not stored, because nothing that reads a stored result applies
them and pickling arbitrary objects is not safe to read back: ``model`` is ``None``,
and the calibrations keep their candidate and method without the fitted map (calling
one says so, see :class:`~segmentation.churn.Calibration`).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..keys import AnalysisKey, ChurnKey
from .store import DerivedStore, entry_name

_BT_FRAMES = ("windows", "metrics", "comparison", "reliability", "scores")


def _attrs_meta(frame: pd.DataFrame) -> dict:
    return dict(frame.attrs)


# -- the customer view --------------------------------------------------------------------
def put_view(store: DerivedStore, key: AnalysisKey, view: pd.DataFrame) -> None:
    store.put(entry_name("view", key), kind="view", key=key, frames={"view": view},
              meta={"attrs": _attrs_meta(view)})


def get_view(store: DerivedStore, key: AnalysisKey) -> pd.DataFrame | None:
    got = store.get(entry_name("view", key))
    if got is None:
        return None
    frames, meta = got
    view = frames["view"]
    view.attrs.update(meta["attrs"])
    return view


# -- the Overview's cubes --------------------------------------------------------------------
def put_cubes(store: DerivedStore, key: AnalysisKey, activity: pd.DataFrame,
              surveys: pd.DataFrame | None) -> None:
    store.put(entry_name("cubes", key), kind="cubes", key=key,
              frames={"activity": activity, "surveys": surveys})


def get_cubes(store: DerivedStore, key: AnalysisKey
              ) -> tuple[pd.DataFrame, pd.DataFrame | None] | None:
    got = store.get(entry_name("cubes", key))
    if got is None:
        return None
    frames, _ = got
    return frames["activity"], frames["surveys"]


# -- churn ----------------------------------------------------------------------------------------
def _calibration_fields(calibration) -> list[str]:
    return [calibration.candidate, calibration.method]


def _backtest_meta(bt) -> dict:
    out = {}
    for f in dataclasses.fields(bt):
        if f.name in _BT_FRAMES:
            continue
        value = getattr(bt, f.name)
        out[f.name] = _calibration_fields(value) if f.name == "calibration" else value
    return out


def put_churn(store: DerivedStore, key: ChurnKey, result) -> None:
    """Store a :class:`~segmentation.churn.ChurnResult` under ``key``."""
    bt = result.backtest
    ranking = result.ranking
    frames = {"scores": result.scores, "ranking_metrics": ranking.metrics}
    if bt is not None:
        frames.update({f"bt_{name}": getattr(bt, name) for name in _BT_FRAMES})
    meta = {
        "scores_attrs": _attrs_meta(result.scores),
        "ranking": {"chosen": ranking.chosen, "why": ranking.why, "params": dict(ranking.params),
                    "calibration": _calibration_fields(ranking.calibration),
                    "unused": dict(ranking.unused), "uncertain": bool(ranking.uncertain),
                    "confidence": float(ranking.confidence)},
        "backtest": None if bt is None else _backtest_meta(bt),
        "config": dataclasses.asdict(result.config),
        "as_of": result.as_of, "horizon_days": result.horizon_days,
        "lost_after_days": result.lost_after_days, "history_days": result.history_days,
    }
    store.put(entry_name("churn", key), kind="churn", key=key, frames=frames, meta=meta)


def get_churn(store: DerivedStore, key: ChurnKey):
    """The :class:`~segmentation.churn.ChurnResult` stored under ``key`` (no fitted model,
    see the module's notes), or ``None``."""
    from ..churn import Backtest, Calibration, ChurnConfig, ChurnResult, Ranking

    got = store.get(entry_name("churn", key))
    if got is None:
        return None
    frames, meta = got
    scores = frames["scores"]
    scores.attrs.update(meta["scores_attrs"])
    r = meta["ranking"]
    ranking = Ranking(chosen=r["chosen"], why=r["why"], params=r["params"],
                      calibration=Calibration(*r["calibration"]), unused=r["unused"],
                      metrics=frames["ranking_metrics"], uncertain=r["uncertain"],
                      confidence=r["confidence"])
    backtest = None
    if meta["backtest"] is not None:
        fields = dict(meta["backtest"])
        fields["calibration"] = Calibration(*fields["calibration"])
        fields.update({name: frames[f"bt_{name}"] for name in _BT_FRAMES})
        backtest = Backtest(**fields)
    return ChurnResult(scores=scores, ranking=ranking, backtest=backtest, model=None,
                       config=ChurnConfig(**meta["config"]), as_of=meta["as_of"],
                       horizon_days=meta["horizon_days"],
                       lost_after_days=meta["lost_after_days"],
                       history_days=meta["history_days"])


# -- the reasons in words ----------------------------------------------------------------------
def worded(scores: pd.DataFrame, langs: tuple[str, ...] = ("en", "zh")) -> pd.DataFrame:
    """The reasons of the customers with a warning in words, per language, in the rows of
    ``scores`` (``""`` for the others, whose lists show no reason): ``risk_reasons_<lang>``,
    ``main_reason_<lang>``."""
    from ..churn import render_main_reason, render_reasons

    warned = (scores["status"] == "warning").to_numpy()
    subset = scores[warned]
    subset.attrs.update(scores.attrs)  # the wording reads the window and typical interval
    columns = {}
    for lang in langs:
        for name, render in (("risk_reasons", render_reasons),
                             ("main_reason", render_main_reason)):
            words = pd.Series("", index=scores.index, dtype="str")
            words[warned] = render(subset, lang)
            columns[f"{name}_{lang}"] = words
    return pd.DataFrame(columns, index=scores.index)


def put_words(store: DerivedStore, key: ChurnKey, words: pd.DataFrame) -> None:
    store.put(entry_name("words", key), kind="words", key=key, frames={"words": words})


def get_words(store: DerivedStore, key: ChurnKey, scores: pd.DataFrame, lang: str
              ) -> tuple[pd.Series, pd.Series] | None:
    """``(risk_reasons, main_reason)`` in ``lang`` for the rows of ``scores`` (the stored
    scores of ``key``), or ``None``."""
    got = store.get(entry_name("words", key))
    if got is None:
        return None
    words = got[0]["words"]
    if f"risk_reasons_{lang}" not in words.columns or not words.index.equals(scores.index):
        return None
    return words[f"risk_reasons_{lang}"], words[f"main_reason_{lang}"]


# -- lifecycle stages -------------------------------------------------------------------------
def put_lifecycle(store: DerivedStore, key: AnalysisKey, lost_after: int, life) -> None:
    """Store the network's :class:`~segmentation.churn.Lifecycle` at ``lost_after``."""
    store.put(entry_name("lifecycle", key, lost_after), kind="lifecycle", key=key,
              frames={"counts": life.counts, "flows": life.flows,
                      "current": life.current.rename("stage").to_frame()},
              meta={"lost_after_days": life.lost_after_days,
                    "overdue_factor": life.overdue_factor,
                    "typical_interval_days": life.typical_interval_days,
                    "current_name": life.current.name})


def get_lifecycle(store: DerivedStore, key: AnalysisKey, lost_after: int):
    from ..churn import Lifecycle

    got = store.get(entry_name("lifecycle", key, lost_after))
    if got is None:
        return None
    frames, meta = got
    current = frames["current"]["stage"].rename(meta["current_name"])
    return Lifecycle(counts=frames["counts"], flows=frames["flows"], current=current,
                     lost_after_days=meta["lost_after_days"],
                     overdue_factor=meta["overdue_factor"],
                     typical_interval_days=meta["typical_interval_days"])
