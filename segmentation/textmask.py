"""Masking personal data inside free text (survey comments, complaint notes).

Users without the ``see_pii`` right (see :mod:`segmentation.access`) read comments
with phone numbers, e-mail addresses and names masked:

- phone numbers: Chinese mobiles (``13812345678``, ``138-1234-5678``,
  ``+86 138 1234 5678``), landlines with an area code (``010-12345678``,
  ``(0755) 8765 4321``), international forms (``+44 20 7946 0958``); digits
  keep their separators, all but the last two digits become ``*``;
- e-mail addresses: ``li.wei@example.com`` → ``l***@***``;
- names: the known customer names given to :class:`TextMasker`, honorific forms
  (``王先生`` → ``*先生``, ``李女士``, ``张经理`` …) and self-introductions (``my
  name is Zhang Wei``, ``我叫王小明``): the first character stays, the rest is ``*``.

Dates (``2024-05-01``), amounts (``12.50``, ``¥1,200``), short numbers and order
numbers with letters (``SF1234567890``) are left alone.

>>> mask_free_text("王先生 13812345678, mail li@x.cn")
'*先生 *********78, mail l***@***'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TextMasker", "mask_free_text"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
#: digit runs that look like phone numbers: a mobile, an area code + number, a + form;
#: not inside a longer token of letters or digits (order numbers, amounts, dates)
_PHONE = re.compile(
    r"(?<![A-Za-z0-9.,/:-])"
    r"(?:"
    r"\+\d{1,3}[\s-]?(?:\(\d{1,4}\)[\s-]?)?\d{1,4}(?:[\s-]?\d{2,4}){1,4}"  # +86 138 ..., +44 20 ..
    r"|1[3-9]\d(?:[\s-]?\d{4}){2}"                                    # 13812345678, 138-1234-5678
    r"|\(0\d{2,3}\)[\s-]?\d{3,4}[\s-]?\d{4}"                          # (0755) 8765 4321
    r"|0\d{2,3}-\d{7,8}"                                              # 010-12345678
    r"|0\d{2,3}\s\d{3,4}\s?\d{4}"                                     # 0755 8765 4321
    r")"
    r"(?![\w.,/:-]?\d)")
#: a surname followed by an honorific: 王先生, 李女士, 张经理
_HONORIFIC = re.compile(r"[\u4e00-\u9fff](?=先生|女士|小姐|太太|经理|老师|师傅)")
_INTRO = re.compile(
    r"(?:(?i:my name is|this is|i am|i'm)\s+)([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"|(?:我叫|我是|本人)([\u4e00-\u9fff]{2,3})")


def _stars(text: str) -> str:
    """Every digit but the last two as ``*`` (separators kept)."""
    digits = sum(ch.isdigit() for ch in text)
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 2 else "*")
        else:
            out.append(ch)
    return "".join(out)


def _name(text: str) -> str:
    """The first character of each word kept, the rest ``*`` (spaces kept)."""
    return "".join(ch if ch.isspace() or i == 0 or text[i - 1].isspace() else "*"
                   for i, ch in enumerate(text))


def _email(match: re.Match) -> str:
    return match.group(0)[:1] + "***@***"


def _intro(match: re.Match) -> str:
    group = 1 if match.group(1) else 2
    start, end = match.span(group)
    whole = match.group(0)
    offset = match.start()
    return whole[:start - offset] + _name(match.group(group)) + whole[end - offset:]


class TextMasker:
    """Masks free text; ``names`` are known customer names (two characters or more).

    Build it once per dataset (the names' pattern is compiled once) and call
    :meth:`mask` per text.
    """

    def __init__(self, names: Iterable[object] = ()):
        known = sorted({str(n).strip() for n in names
                        if isinstance(n, str) and len(str(n).strip()) >= 2},
                       key=lambda n: (-len(n), n))
        # a Latin name is a whole word ("Li" is not masked inside "Lily")
        self._names = re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, known))
                                 + r")(?![A-Za-z])") if known else None

    def mask(self, text: object) -> object:
        """``text`` with phones, e-mail addresses and names masked; non-text as it is."""
        if not isinstance(text, str) or not text:
            return text
        out = _EMAIL.sub(_email, text)
        out = _PHONE.sub(lambda m: _stars(m.group(0)), out)
        if self._names is not None:
            out = self._names.sub(lambda m: _name(m.group(0)), out)
        out = _INTRO.sub(_intro, out)
        return _HONORIFIC.sub("*", out)


def mask_free_text(text: object, names: Iterable[object] = ()) -> object:
    """``text`` with phone numbers, e-mail addresses and names masked (see the module).

    Parameters
    ----------
    text : a comment; anything that is not a non-empty string is returned as it is.
    names : known customer names to mask wherever they appear.
    """
    return TextMasker(names).mask(text)
