"""Reason codes per customer (which signals stand out) and their wording in either language."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import i18n
from .metrics import TOP_SHARE
from .signals import SCORE_SCALES, SIGNAL_COLUMNS

#: Reason rules: a reason ``code`` is a candidate for a customer when
#: ``signal <op> threshold`` holds (``op`` ">=" or "<="); ``side`` says whether
#: it raises the risk ("risk") or reassures ("safe"). ``rank_by`` is the signal
#: whose population percentile orders the candidates; ``direction`` +1 when a
#: higher value is riskier (or, for a safe reason, safer). Text keys are
#: ``churn.reason.<code>``. Edit the thresholds here, not in code. Satisfaction
#: thresholds are on a 1-5 scale (other scales are mapped onto it).
REASON_RULES = pd.DataFrame(
    [
        ("overdue", "overdue_ratio", ">=", 1.5, "risk", "overdue_ratio", 1),
        ("infrequent", "interval_to_horizon", ">=", 1.0, "risk", "interval_to_horizon", 1),
        ("single_overdue", "overdue_ratio", ">=", 1.5, "risk", "overdue_ratio", 1),
        ("frequency_down", "frequency_change", "<=", -0.3, "risk", "frequency_change", -1),
        ("spend_down", "spend_change", "<=", -0.3, "risk", "spend_change", -1),
        ("ticket_down", "ticket_change", "<=", -0.2, "risk", "ticket_change", -1),
        ("satisfaction_down", "satisfaction_drop", ">=", 1.0, "risk", "satisfaction_drop", 1),
        ("satisfaction_low", "satisfaction_last", "<=", 2.0, "risk", "satisfaction_last", -1),
        ("complaints_open", "complaints_open", ">=", 1, "risk", "complaints_open", 1),
        ("complaints_recent", "complaints_recent", ">=", 1, "risk", "complaints_recent", 1),
        ("new_customer", "tenure_days", "<=", 90, "risk", "tenure_days", -1),
        ("recent", "overdue_ratio", "<=", 0.5, "safe", "overdue_ratio", -1),
        ("frequency_up", "frequency_change", ">=", 0.2, "safe", "frequency_change", 1),
        ("spend_up", "spend_change", ">=", 0.2, "safe", "spend_change", 1),
        ("satisfied", "satisfaction_last", ">=", 4.5, "safe", "satisfaction_last", 1),
        ("loyal", "tenure_days", ">=", 730, "safe", "tenure_days", 1),
    ],
    columns=["code", "signal", "op", "threshold", "side", "rank_by", "direction"],
)
#: Satisfaction thresholds in :data:`REASON_RULES` are on a 1-5 scale; scores
#: on 0-10 or 0-100 (see ``segmentation.cleaning.SCORE_SCALES``) are mapped onto it.
_SATISFACTION_SIGNALS = {"satisfaction_last": "level", "satisfaction_drop": "difference"}


#: Extra condition per code on ``frequency`` (repeat vs one-time buyers).
_REPEAT_ONLY = {"overdue": True, "single_overdue": False}
#: A code listed here is dropped when the other one is already a candidate.
_SUPERSEDED_BY = {"complaints_recent": "complaints_open", "spend_down": "frequency_down",
                  "spend_up": "frequency_up"}
#: The reasons shown for a warned customer without any risky candidate: "no shipment
#: for N days" once they are past their usual interval (``overdue_ratio >= 1``),
#: else "no single sign stands out" (the model's overall reading); and the neutral
#: one for any other customer without a candidate.
_FALLBACK_CODE = "quiet"
_PATTERN_CODE = "pattern"
_NEUTRAL_CODE = "pace"

#: Every code that raises a customer's risk: the only reasons a warning shows, and the
#: categories the call list can be filtered by.
RISK_CODES: frozenset[str] = frozenset(
    REASON_RULES.loc[REASON_RULES["side"] == "risk", "code"]) | {_FALLBACK_CODE,
                                                                   _PATTERN_CODE}

MAX_REASONS = 3


def _five_point(values: np.ndarray, signal: str, scale: tuple[float, float]) -> np.ndarray:
    """Satisfaction values mapped onto the 1-5 scale the rules are written for."""
    lo, hi = scale
    if _SATISFACTION_SIGNALS[signal] == "level":
        return 1.0 + 4.0 * (values - lo) / (hi - lo)
    return 4.0 * values / (hi - lo)


def _rule_holds(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return values >= threshold if op == ">=" else values <= threshold


def _average_ranks(values: np.ndarray, population: np.ndarray) -> tuple[np.ndarray, int]:
    """Average ranks (1-based, ascending) of ``values`` within ``population`` (NaN for
    missing values and rows outside it), and how many values were ranked."""
    out = np.full(len(values), np.nan)
    ranked = pd.Series(values[population])
    out[population] = ranked.rank(method="average").to_numpy(dtype="float64")
    return out, int(ranked.count())


def _directed(ranks: tuple[np.ndarray, int], direction: int) -> np.ndarray:
    """Percentiles of :func:`_average_ranks` in ``direction``: the average rank of ``-x``
    is ``n + 1`` minus that of ``x`` (exactly: average ranks are halves), so one sort
    serves both directions, with the very values ``rank(pct=True)`` of ``-x`` gives."""
    average, n = ranks
    return (average if direction > 0 else (n + 1) - average) / max(n, 1)


def reason_candidates(signals: pd.DataFrame, *,
                      population: np.ndarray | None = None) -> pd.DataFrame:
    """Which reason codes apply to each customer, with their strength.

    Parameters
    ----------
    signals : :func:`churn_signals` output.
    population : bool mask of the customers to rank against (default all);
        rows outside it get no candidates (the lost customers, for instance).

    Returns
    -------
    DataFrame indexed like ``signals``, one float column per code of
    :data:`REASON_RULES`: the customer's percentile (0..1) within the
    population on the risky side of the rule's signal (the safe side for safe
    reasons) when the rule holds, NaN when it does not.
    """
    population = (np.ones(len(signals), dtype=bool) if population is None
                  else np.asarray(population, dtype=bool))
    out = {}
    scale = signals.attrs.get("satisfaction_scale", (1.0, 5.0))
    freq = signals["frequency"].to_numpy(dtype="float64")
    ranks: dict[str, tuple[np.ndarray, int]] = {}
    for rule in REASON_RULES.itertuples(index=False):
        values = pd.to_numeric(signals[rule.signal]).to_numpy(dtype="float64",
                                                              na_value=np.nan)
        if rule.signal in _SATISFACTION_SIGNALS:
            values = _five_point(values, rule.signal, scale)
        holds = _rule_holds(values, rule.op, rule.threshold)
        if rule.code in _REPEAT_ONLY:
            holds &= (freq >= 2) if _REPEAT_ONLY[rule.code] else (freq < 2)
        if rule.rank_by not in ranks:  # one sort per signal, for both directions
            ranks[rule.rank_by] = _average_ranks(pd.to_numeric(signals[rule.rank_by]).to_numpy(
                dtype="float64", na_value=np.nan), population)
        out[rule.code] = np.where(holds, _directed(ranks[rule.rank_by], int(rule.direction)),
                                  np.nan)
    frame = pd.DataFrame(out, index=signals.index)
    for code, stronger in _SUPERSEDED_BY.items():
        frame.loc[frame[stronger].notna().to_numpy(), code] = np.nan
    return frame


#: The ``str`` dtype of the worded reasons (pyarrow-backed, missing = NaN).
_STR = pd.StringDtype(na_value=np.nan)


def _str_series(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow text as a ``str`` Series (RangeIndex) without a trip through Python objects."""
    chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return chunked.to_pandas(types_mapper=lambda kind: _STR if kind in (
        pa.string(), pa.large_string()) else None)


def _repeat(text: str, n: int) -> pd.Series:
    return _str_series(pa.repeat(pa.scalar(text, pa.large_string()), n))


def _num(values: np.ndarray, decimals: int = 0) -> pd.Series:
    """Numbers as text, vectorised in Arrow (``decimals=0``: whole numbers)."""
    v = np.nan_to_num(np.asarray(values, dtype="float64"))
    if decimals == 0:
        return _str_series(pa.array(np.rint(v).astype("int64")).cast(pa.large_string()))
    scaled = np.rint(np.abs(v) * 10**decimals).astype("int64")
    whole = pa.array(scaled // 10**decimals).cast(pa.large_string())
    frac = pc.utf8_lpad(pa.array(scaled % 10**decimals).cast(pa.large_string()), decimals,
                        "0")
    sign = pc.if_else(pa.array((v < 0) & (scaled > 0)), pa.scalar("-", pa.large_string()),
                      pa.scalar("", pa.large_string()))
    point, none = pa.scalar(".", pa.large_string()), pa.scalar("", pa.large_string())
    return _str_series(pc.binary_join_element_wise(sign, whole, point, frac, none))


def _format(template: str, fields: Mapping[str, pd.Series], n: int) -> pd.Series:
    """``template.format(**row)`` for every row, as vectorised string concatenation."""
    out = _repeat("", n)
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            out = out + fields[name]
    return out


def _template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _category_text(categories: pd.Series, lang: str) -> pd.Series:
    """Known complaint categories translated, others as stored."""
    words = {value: i18n.t(f"churn.category.{value}", lang)
             for value in categories.dropna().unique()
             if i18n.has(f"churn.category.{value}")}
    return categories.map(lambda v: words.get(v, v)).astype("str") if words else \
        categories.astype("str")


#: How each template field is computed from the signals of the customers concerned.
_FIELDS: dict[str, object] = {
    "days": lambda s, ctx: _num(s("recency_days")),
    "interval": lambda s, ctx: _num(np.where(s("frequency") >= 2, s("usual_interval_days"),
                                             ctx["typical"])),
    "window": lambda s, ctx: _repeat(str(ctx["window"]), ctx["n"]),
    "before": lambda s, ctx: _num(s("satisfaction_from"), 1),
    "last": lambda s, ctx: _num(s("satisfaction_last"), 1),
    "tenure": lambda s, ctx: _num(s("tenure_days")),
    "top": lambda s, ctx: _repeat(f"{ctx['scale'][1]:g}", ctx["n"]),
    "years": lambda s, ctx: _num(s("tenure_days") / 365.25, 1),
}
#: Per reason code, fields that depend on the code: (signal, kind).
_CODE_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "frequency_down": {"pct": ("frequency_change", "pct")},
    "frequency_up": {"pct": ("frequency_change", "pct")},
    "spend_down": {"pct": ("spend_change", "pct")},
    "spend_up": {"pct": ("spend_change", "pct")},
    "ticket_down": {"pct": ("ticket_change", "pct")},
    "complaints_open": {"n": ("complaints_open", "count"),
                        "complaints": ("complaints_open", "noun")},
    "complaints_recent": {"n": ("complaints_recent", "count"),
                          "complaints": ("complaints_recent", "noun")},
}


def _reason_text(code: str, signals: pd.DataFrame, rows: np.ndarray, lang: str) -> pd.Series:
    """The sentence of reason ``code`` for the customers at positions ``rows``."""
    def col(name: str) -> np.ndarray:  # only the columns a sentence reads, only its rows
        return pd.to_numeric(signals[name]).to_numpy(dtype="float64", na_value=np.nan)[rows]

    ctx = {"n": len(rows), "window": int(signals.attrs.get("window_days", 90)),
           "typical": float(signals.attrs.get("typical_interval_days", math.nan)),
           "scale": signals.attrs.get("satisfaction_scale", SCORE_SCALES[0])}
    templates = {"main": i18n.t(f"churn.reason.{code}", lang)}
    if code == "recent":
        templates["alt"] = i18n.t("churn.reason.recent_today", lang)
    if code in ("complaints_open", "complaints_recent"):
        templates["alt"] = i18n.t(f"churn.reason.{code}_nocat", lang)
    fields: dict[str, pd.Series] = {}
    for name in {f for t in templates.values() for f in _template_fields(t)}:
        if name in _CODE_FIELDS.get(code, {}):
            signal, kind = _CODE_FIELDS[code][name]
            values = col(signal)
            if kind == "pct":
                fields[name] = _num(np.abs(values) * 100)
            elif kind == "count":
                fields[name] = _num(values)
            else:  # the English noun agreeing with the count; Chinese has no plural
                fields[name] = pd.Series(
                    np.where(values == 1, "complaint", "complaints") if lang != "zh"
                    else np.full(len(rows), ""), dtype="str")
        elif name == "category":
            categories = signals["complaint_category"].iloc[rows].reset_index(drop=True)
            fields[name] = _category_text(categories, lang)
        else:
            fields[name] = _FIELDS[name](col, ctx)
    text = _format(templates["main"], fields, len(rows))
    if code == "recent":  # "shipped today" rather than "0 days ago"
        text = text.where(np.rint(col("recency_days")) != 0,
                          _format(templates["alt"], fields, len(rows)))
    if "alt" in templates and code != "recent":  # no category known
        category = signals["complaint_category"].iloc[rows].to_numpy(dtype=object)
        known = pd.notna(category) & (category != "")
        text = text.where(known, _format(templates["alt"], fields, len(rows)))
    return text


def reason_codes(signals: pd.DataFrame, risk: pd.Series, *, high_risk: float | None = None,
                 warning_threshold: float | None = None, lost: pd.Series | None = None,
                 max_reasons: int = MAX_REASONS) -> pd.DataFrame:
    """The two or three signals that drive each customer's risk, as codes (no language).

    How they are chosen: every rule of :data:`REASON_RULES` that holds for a
    customer is a candidate, ranked by how far out the customer is against all
    customers not lost on that signal (percentile). Customers with risk at
    or above the mean risk get the risk-raising candidates first, the others
    the reassuring ones first. A high-risk customer (``risk >= high_risk``, or
    ``risk >= warning_threshold``: anyone with a warning) gets only
    risk-raising reasons (:data:`RISK_CODES`), at least one, never a
    reassuring fact: when no rule holds, "no shipment for N days" (code
    ``quiet``) if they are past their usual interval, else "no single warning
    sign stands out" (code ``pattern``: the risk is the model's reading of the
    whole history). Lost customers get "lost: no shipment for N days". Anyone
    else without a candidate gets the neutral "last shipment N days ago
    (usually every M)" (code ``pace``).

    The values behind each code are the signal columns themselves:
    :func:`render_reasons` words codes and values in either language.

    Parameters
    ----------
    signals : :func:`churn_signals` output.
    risk : churn probability per customer, indexed like ``signals``.
    high_risk : the threshold of "high risk"; default the 90th percentile of
        ``risk`` among customers not lost.
    warning_threshold : the risk from which a customer has a warning (their
        reasons are risk-raising only, like the high-risk ones); ``None``: only
        ``high_risk`` counts.
    lost : bool per customer; default nobody.
    max_reasons : at most this many reasons per customer.

    Returns
    -------
    DataFrame indexed like ``signals``: ``reason_codes`` (``str``, codes joined
    by ``","``, most important first) and ``n_risk_reasons`` (int, how many
    raise risk).
    """
    n = len(signals)
    r = pd.Series(risk, copy=False).reindex(signals.index).to_numpy(dtype="float64")
    is_lost = (np.zeros(n, bool) if lost is None
               else pd.Series(lost, copy=False).reindex(signals.index).to_numpy(dtype=bool))
    live = ~is_lost
    if high_risk is None:
        high_risk = float(np.quantile(r[live], 1 - TOP_SHARE)) if live.any() else math.inf
    mean_risk = float(np.mean(r[live])) if live.any() else 0.5
    cand = reason_candidates(signals, population=live)
    codes = list(cand.columns)
    side = REASON_RULES.set_index("code")["side"].reindex(codes).to_numpy()
    strength = cand.to_numpy(dtype="float64")  # in (0, 1] or NaN
    risky_first = (r >= mean_risk)[:, None]
    is_risk = (side == "risk")[None, :]
    # risk-raising reasons first for customers above the mean, reassuring ones otherwise
    key = np.where(np.isnan(strength), -np.inf,
                   strength + np.where(is_risk == risky_first, 2.0, 0.0))
    high = r >= high_risk
    if warning_threshold is not None:
        high |= r >= warning_threshold
    high &= live
    key[high[:, None] & ~is_risk] = -np.inf
    key[is_lost] = -np.inf
    order, picked = _top_columns(key, max_reasons)
    # slots: code index per customer and slot, -1 empty; extra pseudo-codes after the rules
    all_codes = codes + [_FALLBACK_CODE, "lost", _NEUTRAL_CODE, _PATTERN_CODE]
    slots = np.where(picked, order, -1)
    no_risk = high & ~(picked & is_risk[0][order]).any(axis=1)
    with np.errstate(invalid="ignore"):
        past_due = pd.to_numeric(signals["overdue_ratio"]).to_numpy(
            dtype="float64", na_value=np.nan) >= 1
    slots[no_risk, 0] = np.where(past_due[no_risk], len(codes), len(codes) + 3)
    slots[no_risk, 1:] = -1
    slots[is_lost, 0] = len(codes) + 1
    slots[is_lost, 1:] = -1
    slots[(slots < 0).all(axis=1), 0] = len(codes) + 2
    # a million customers share a few hundred slot lists: join the codes of those, found
    # by hashing slot after slot (the list number so far and the next slot: no overflow
    # whatever max_reasons is)
    base = len(all_codes) + 1
    which = np.zeros(n, dtype=np.int64)
    for k in range(slots.shape[1]):
        which = pd.factorize(which * base + (slots[:, k] + 1))[0].astype(np.int64)
    lists = slots[np.unique(which, return_index=True)[1]]  # list j: its first row's slots
    texts = np.array([",".join(all_codes[c] for c in row if c >= 0) for row in lists],
                     dtype=object)
    risky = np.isin(np.array(all_codes + [""], dtype=object), [*RISK_CODES, "lost"])
    n_risk = risky[np.where(lists >= 0, lists, len(all_codes))].sum(axis=1)
    return pd.DataFrame({"reason_codes": pd.array(texts[which], dtype="str"),
                         "n_risk_reasons": n_risk[which].astype("int64")},
                        index=signals.index)


def _top_columns(key: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the columns of the ``k`` largest keys above ``-inf``, largest first, ties
    to the lower column, and whether each slot holds one: what
    ``np.argsort(-key, axis=1, kind="stable")[:, :k]`` gives, without sorting whole rows
    (``k`` passes of argmax, which takes the first of equal maxima)."""
    key = key.copy()
    rows = np.arange(len(key))
    width = min(k, key.shape[1])
    order = np.empty((len(key), width), dtype=np.intp)
    picked = np.empty((len(key), width), dtype=bool)
    for j in range(width):
        order[:, j] = np.argmax(key, axis=1)
        picked[:, j] = key[rows, order[:, j]] > -np.inf
        key[rows, order[:, j]] = -np.inf
    return order, picked


def render_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The reason sentences of ``frame``'s ``reason_codes``, in ``lang``: the one place
    where reasons get words.

    Parameters
    ----------
    frame : rows with ``reason_codes`` and the :data:`SIGNAL_COLUMNS` (the
        scores of :func:`score_churn`, or :func:`churn_signals` joined with
        :func:`reason_codes`); its ``attrs`` ``window_days``,
        ``typical_interval_days`` and ``satisfaction_scale`` fill the wording.
    lang : "en" or "zh".

    Returns
    -------
    Series of ``str`` indexed like ``frame``, named ``risk_reasons``: the
    sentences joined by "; " (English) or "；" (Chinese). Reads no data and
    fits nothing, so a language switch costs only this.
    """
    n = len(frame)
    signals = frame[list(SIGNAL_COLUMNS)]
    signals.attrs.update(frame.attrs)
    # A million customers share a few hundred code lists: split those, not every row.
    which, lists = pd.factorize(frame["reason_codes"].astype("str"))  # missing: -1
    parts = [str(codes).split(",") for codes in lists]
    sep = pa.scalar("；" if lang == "zh" else "; ", pa.large_string())
    empty = pa.scalar("", pa.large_string())
    joined = None
    for k in range(max(map(len, parts), default=0) if n else 0):
        # the code in slot k per distinct list, then per row ("" where there is none)
        names, per_list = pd.factorize(pd.Series(
            [p[k] if k < len(p) else "" for p in parts] + [""], dtype=object))
        slot = names[which]  # which == -1 takes the trailing ""
        # each code's sentences for its rows, put in row order by one take ("" elsewhere)
        texts, where = [], np.full(n, -1, dtype=np.int64)
        done = 0
        for index, code in enumerate(per_list):
            if not code:
                continue
            rows = np.flatnonzero(slot == index)
            text = _reason_text(str(code), signals, rows, lang).array._pa_array
            texts.extend(text.cast(pa.large_string()).chunks)
            where[rows] = np.arange(done, done + len(rows))
            done += len(rows)
        texts.append(pa.array([""], type=pa.large_string()))
        where[where < 0] = done
        piece = pa.chunked_array(texts, type=pa.large_string()).take(pa.array(where))
        if joined is None:
            joined = piece
        else:
            filled = pa.array(slot != names[-1])  # the code of the trailing "" is the empty one
            joined = pc.binary_join_element_wise(joined, pc.if_else(filled, sep, empty), piece,
                                                 empty)
    out = _str_series(joined) if joined is not None else _repeat("", n)
    return pd.Series(out.array, index=frame.index, name="risk_reasons", dtype="str")


def reason_labels(codes: pd.Series, lang: str = "en") -> pd.Series:
    """Each row's reason codes (joined by ``","``, as :func:`reason_codes` writes them) as
    their short labels in ``lang``, joined by "; " (English) or "；" (Chinese).

    For rows without the signals :func:`render_reasons` words (a scores table a batch
    run wrote): the labels need only the codes. A code this version does not know is
    left out; a missing list gives ``""``. Named ``risk_reasons``, indexed like ``codes``.
    """
    sep = "；" if lang == "zh" else "; "
    which, lists = pd.factorize(codes.astype("str"))  # missing: -1
    words = [sep.join(i18n.t(f"churn.reason_label.{code}", lang)
                      for code in str(codes_).split(",")
                      if i18n.has(f"churn.reason_label.{code}"))
             for codes_ in lists]
    text = np.array([*words, ""], dtype=object)[which]
    return pd.Series(text, index=codes.index, name="risk_reasons", dtype="str")


def render_main_reason(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The first (most important) reason of each row of ``frame`` in ``lang``: the call
    list's "main reason" (:func:`render_reasons` of the first code only), named
    ``main_reason``."""
    which, lists = pd.factorize(frame["reason_codes"].astype("str"))  # missing: -1
    firsts = np.array([str(codes).split(",", 1)[0] for codes in lists] + [np.nan],
                      dtype=object)
    first = frame.assign(reason_codes=pd.Series(firsts[which], index=frame.index,
                                                dtype="str"))
    first.attrs.update(frame.attrs)
    return render_reasons(first, lang).rename("main_reason")


def reasons(signals: pd.DataFrame, risk: pd.Series, *, lang: str = "en",
            high_risk: float | None = None, warning_threshold: float | None = None,
            lost: pd.Series | None = None, max_reasons: int = MAX_REASONS) -> pd.DataFrame:
    """:func:`reason_codes` worded by :func:`render_reasons` in ``lang``.

    Returns
    -------
    DataFrame indexed like ``signals``: ``reason_codes``, ``risk_reasons``
    (``str``) and ``n_risk_reasons``.
    """
    codes = reason_codes(signals, risk, high_risk=high_risk,
                         warning_threshold=warning_threshold, lost=lost,
                         max_reasons=max_reasons)
    frame = pd.concat([signals, codes], axis=1)
    frame.attrs.update(signals.attrs)
    text = render_reasons(frame, lang)
    return pd.DataFrame({"reason_codes": codes["reason_codes"].array,
                         "risk_reasons": text.array,
                         "n_risk_reasons": codes["n_risk_reasons"].to_numpy()},
                        index=signals.index)
