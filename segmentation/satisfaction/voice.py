"""Voice of the customer: the terms comments mention most (no dictionary, no model)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .data import SatisfactionData
from .scales import COMPLAINT_TEXT_COLUMNS

# --------------------------------------------------------------------------- voice of the customer

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDS = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_CLAUSE = re.compile(r"[^a-z'’\-\s]+")
#: Function characters a Chinese term may not start or end with (particles, pronouns).
CJK_EDGE_STOP = frozenset("的了吗呢吧啊呀哦么嘛着地得也都就又是和与及把被给我你他她它们这那个在")
#: English words that are never a term nor part of a two-word phrase.
EN_STOP = frozenset("""
a an the is was were are be been being am it its it's this that these those to of and or
in on at for with as by from but if then than so i my me we our us you your they them their
he she his her him have has had do does did get got just also there here all any some
again still will would can could should really s t ve ll d m re
""".split())
#: English words that are no term alone but start a phrase ("too slow", "not delivered").
EN_MODIFIERS = frozenset({"too", "not", "no", "never", "so", "very"})
_SUBSUMED = 0.8
#: Longest CJK run kept whole as a phrase.
_MAX_PHRASE = 16


def tokenize(text: str | None, *, max_n: int = 6) -> list[str]:
    """The distinct terms of one comment, in order of first appearance.

    Chinese: character n-grams (2..``max_n``) of each CJK run that neither start
    nor end with a character of :data:`CJK_EDGE_STOP`, and a run longer than
    ``max_n`` (up to 16 characters) whole, without such edge characters.
    English (lower-cased): words of 2+ letters that are not in :data:`EN_STOP` or
    :data:`EN_MODIFIERS`, and two-word phrases of consecutive words in one
    clause (the first may be a modifier: "too slow").

    Examples
    --------
    >>> tokenize("物流太慢了")
    ['物流', '流太', '太慢', '物流太', '流太慢', '物流太慢']
    >>> tokenize("Delivery was late, too slow!")
    ['delivery', 'late', 'slow', 'too slow']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    text = str(text)
    terms: dict[str, None] = {}
    for run in _CJK.findall(text):
        for n in range(2, min(max_n, len(run)) + 1):
            for i in range(len(run) - n + 1):
                gram = run[i:i + n]
                if gram[0] in CJK_EDGE_STOP or gram[-1] in CJK_EDGE_STOP:
                    continue
                terms.setdefault(gram)
        # a longer run as a whole too, so that a repeated sentence is one phrase
        whole = run.strip("".join(CJK_EDGE_STOP))
        if max_n < len(whole) <= _MAX_PHRASE:
            terms.setdefault(whole)
    latin = _CJK.sub(" . ", text.lower())
    for clause in _CLAUSE.split(latin):
        words = [w.strip("'’-") for w in _WORDS.findall(clause)]
        ok = [len(w) >= 2 and w not in EN_STOP and w not in EN_MODIFIERS for w in words]
        for w, keep in zip(words, ok, strict=True):
            if keep:
                terms.setdefault(w)
        # phrases only of words that stood next to each other ("too slow" included)
        for i in range(len(words) - 1):
            if (ok[i] or words[i] in EN_MODIFIERS) and ok[i + 1]:
                terms.setdefault(f"{words[i]} {words[i + 1]}")
    return list(terms)


def _parts(term: str) -> Iterable[str]:
    """The shorter terms a term contains: sub-phrases of words, or CJK substrings (2+)."""
    if " " in term or term.isascii():
        words = term.split(" ")
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                yield " ".join(words[i:i + n])
    else:
        for n in range(2, len(term)):
            for i in range(len(term) - n + 1):
                yield term[i:i + n]


def top_terms(texts: pd.Series | Sequence[str | None], *,
              groups: pd.Series | Sequence[object] | None = None, n: int = 10,
              min_count: int = 2, max_n: int = 6,
              tokenizer: Callable[[str], Iterable[str]] | None = None) -> pd.DataFrame:
    """The terms mentioned by the most comments, overall or per group.

    Parameters
    ----------
    texts : comments (missing or blank ones are skipped).
    groups : a group per comment (e.g. complaint category); ``None`` for one group.
    n : terms per group.
    min_count : a term must occur in at least this many comments.
    max_n : longest Chinese n-gram.
    tokenizer : replaces :func:`tokenize` (e.g. a word segmenter); must return
        the terms of one text.

    Returns
    -------
    DataFrame with ``group`` (when ``groups`` is given), ``term``, ``comments``
    (how many comments mention it), ``share`` (of the group's comments) and
    ``example`` (the group's most frequent comment containing it); per group the
    most mentioned first (ties by term). Subsumed fragments are dropped (see the
    module doc).
    """
    texts = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_list(),
                      dtype="object")
    keys = (pd.Series(["_all"] * len(texts), dtype="object") if groups is None
            else pd.Series(list(groups), dtype="object"))
    blank = texts.isna() | (texts.astype(str).str.strip() == "")
    texts, keys = texts[~blank], keys[~blank]
    split = tokenizer or (lambda t: tokenize(t, max_n=max_n))
    rows = []
    for key in sorted(keys.dropna().unique(), key=str):
        docs = texts[(keys == key).to_numpy()].astype(str)
        rows.extend(_group_terms(docs, split, n, min_count, key))
    cols = ["group", "term", "comments", "share", "example"]
    out = pd.DataFrame(rows, columns=cols)
    out["comments"] = out["comments"].astype("int64")
    return out.drop(columns="group") if groups is None else out


def _group_terms(docs: pd.Series, split, n: int, min_count: int, key) -> list[tuple]:
    counts: Counter[str] = Counter()
    doc_terms = []
    for doc in docs:
        terms = list(dict.fromkeys(split(doc)))
        doc_terms.append(terms)
        counts.update(terms)
    frequent = {t: c for t, c in counts.items() if c >= min_count}
    # the most comments any longer frequent term containing it has
    covered: dict[str, int] = {}
    for term, c in frequent.items():
        for part in _parts(term):
            if part in frequent and c > covered.get(part, 0):
                covered[part] = c
    kept = [t for t, c in frequent.items() if covered.get(t, 0) < _SUBSUMED * c]
    kept.sort(key=lambda t: (-frequent[t], t))
    kept = kept[:n]
    examples: dict[str, Counter[str]] = {t: Counter() for t in kept}
    for doc, terms in zip(docs, doc_terms, strict=True):
        for term in terms:
            if term in examples:
                examples[term][doc.strip()] += 1
    total = len(docs)
    return [(key, term, frequent[term], frequent[term] / total,
             min(examples[term].items(), key=lambda kv: (-kv[1], kv[0]))[0])
            for term in kept]


def low_score_comments(data: SatisfactionData, *, max_score: float | None = None
                       ) -> pd.DataFrame:
    """Non-blank comments of answers scoring at most ``max_score``.

    Parameters
    ----------
    data : the (selected) data.
    max_score : default :attr:`Scale.low_max` (1-2 of 5, detractors of an NPS).

    Returns
    -------
    The answers with a comment and ``weakest``: the dimension with the lowest
    score in that answer (first in dimension order on a tie; missing without
    dimensions).
    """
    if not data.has_surveys or "comment" not in data.surveys.columns:
        return pd.DataFrame(columns=["comment", "score", "weakest"])
    sv = data.surveys
    text = sv["comment"].astype("string").str.strip()
    limit = data.scale.low_max if max_score is None else max_score
    mask = ((sv["score"] <= limit) & text.notna() & (text != "")).fillna(False)
    low = sv[mask.to_numpy()].copy()
    dims = list(data.dimensions)
    if dims and len(low):
        values = low[dims].to_numpy(dtype="float64")
        filled = np.where(np.isnan(values), np.inf, values)
        pos = filled.argmin(axis=1)
        weakest = np.asarray(dims, dtype=object)[pos]
        weakest[np.isinf(filled.min(axis=1))] = None
        low["weakest"] = weakest
    else:
        low["weakest"] = None
    return low


def complaint_texts(data: SatisfactionData) -> pd.DataFrame | None:
    """Complaints with a free-text column (``comment``, ``description`` …), or ``None``."""
    if not data.has_complaints:
        return None
    col = next((c for c in COMPLAINT_TEXT_COLUMNS if c in data.complaints.columns), None)
    if col is None:
        return None
    return data.complaints.rename(columns={col: "text"})
