"""Explained special cases of a tier assignment (:class:`Note`) and small text helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import formatting, i18n


@dataclass(frozen=True)
class Note:
    """An explained special case of a tier assignment (ties, empty tiers, constant data).

    Attributes
    ----------
    code : stable identifier (the message is ``tiers.note.<code>``).
    level : ``"warning"`` when the result may surprise (constant measure,
        empty tier), ``"info"`` for an explained adjustment (a tie at a cut).
    texts : the message in every language, ``{"en": ..., "zh": ...}``.
    params : the raw numbers behind the message (tier keys, counts, shares).
    """

    code: str
    level: Literal["info", "warning"]
    texts: Mapping[str, str]
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return self.texts.get(lang) or self.texts[i18n.DEFAULT_LANG]


def make_note(code: str, level: Literal["info", "warning"], fmt: Callable[[str], dict],
              **params: Any) -> Note:
    texts = {lang: i18n.t(f"tiers.note.{code}", lang, **fmt(lang)) for lang in i18n.LANGS}
    return Note(code, level, texts, params)


def count_text(n: int, lang: str) -> str:
    """``"1 customer"`` / ``"1,234 customers"`` / ``"1,234 位客户"``."""
    key = "tiers.count.one" if n == 1 else "tiers.count.many"
    return i18n.t(key, lang, n=formatting.number(n, lang))


def join_labels(items: Iterable[str], lang: str) -> str:
    return i18n.t("tiers.list_sep", lang).join(items)


def segment_label(segment: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """Display name of an RFM segment (``segment.<key>`` if known, else the key itself)."""
    key = f"segment.{segment}"
    return i18n.t(key, lang) if i18n.has(key) else str(segment)


# --------------------------------------------------------------------------- settings
