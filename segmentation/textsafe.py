"""Showing values from data or from users literally: the one escaping layer.

Streamlit renders markdown in ``st.markdown``, captions, alerts, metric and widget
labels, tab and expander labels, radio options and help tooltips; Plotly renders a
subset of HTML in titles, axis and tick labels, legend names, annotations and hover
text. A customer id, a branch name, an uploaded file name, a tier name from a preset
or a persona a user renamed is data, not markup: an image in it would make every
browser that opens the page fetch a URL the data names.

- :func:`md` escapes a value for any Streamlit markdown context (and keeps it on
  one line), so it is shown character for character.
- :func:`plot` escapes a value for a Plotly text (``<``, ``>`` and ``&``).
- :func:`plot_markup` escapes a Plotly text that may hold the chart code's own line
  breaks and bold (``<br>``, ``<b>`` …): those few tags stay, every other tag is
  shown as text. :func:`safe_figure` applies it to every string of a figure, the
  data's categories, names and hover values included.

>>> md("![x](http://h/a.png) **b**")
'\\\\!\\\\[x\\\\]\\\\(http\\u2060\\\\://h/a\\\\.png\\\\) \\\\*\\\\*b\\\\*\\\\*'
>>> plot("<img src=x> & co")
'&lt;img src=x&gt; &amp; co'
>>> plot_markup("A<br><b>B</b> <a href='x'>c</a>")
"A<br><b>B</b> &lt;a href='x'&gt;c&lt;/a&gt;"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["md", "md_label", "plot", "plot_markup", "safe_figure"]

#: The ASCII punctuation that CommonMark, GitHub-flavoured markdown or Streamlit's
#: extensions give a meaning anywhere in a line: emphasis, code, links and images,
#: headings, tables, strike-through, raw HTML and entities, ``$`` maths, ``:color[...]``
#: directives and ``:material/...:`` icons, ``www.`` and e-mail autolinks and ordered
#: lists (the ``.``). CommonMark lets a backslash escape any ASCII punctuation.
_MD_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#!|<>~$:&.])""")
#: Bare URLs and e-mail addresses: GitHub-flavoured markdown links them after the
#: escapes are resolved, so an invisible word joiner (U+2060) goes inside them.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=\\?[:.])|(@)")
#: What starts a list, a quote or a heading underline only at the start of a line.
_MD_LEADING = re.compile(r"^(\s*)([-+=])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
#: The tags the chart code itself writes into Plotly texts.
_PLOT_TAGS = re.compile(r"<(/?(?:br|b|i|em|sup|sub|extra))\s*/?>", re.IGNORECASE)


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            if value != value:  # NaN, NaT, pd.NA raise or compare unequal
                return ""
        except (TypeError, ValueError):
            pass
    return str(value)


def md(value: object) -> str:
    """``value`` as markdown that Streamlit shows literally, on one line.

    Missing values (``None``, NaN) give ``""``. Line breaks become a space, so a
    value cannot start a heading, list or quote of its own inside a template; bare
    URLs and e-mail addresses get an invisible word joiner so they are not linked.
    """
    text = _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", _text(value)))
    text = _AUTOLINK.sub(lambda m: m.group(0) + "\u2060", text)
    return _MD_LEADING.sub(r"\1\\\2", text)


def md_label(value: object) -> str:
    """A widget, tab or expander label made of a value: :func:`md`, never empty
    (Streamlit refuses an empty label)."""
    return md(value) or "–"


def plot(value: object) -> str:
    """``value`` as a Plotly text shown literally (no tags, no entities)."""
    return (_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def plot_markup(text: str) -> str:
    """A Plotly text whose only tags are line breaks, bold, italics, sub/superscripts and
    hover boxes' ``<extra>``; any other ``<``/``>`` is escaped."""
    out: list[str] = []
    last = 0
    for match in _PLOT_TAGS.finditer(text):
        out.append(text[last:match.start()].replace("<", "&lt;").replace(">", "&gt;"))
        out.append(f"<{match.group(1).lower()}>")
        last = match.end()
    out.append(text[last:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return plot_markup(value) if "<" in value or ">" in value else value
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([_clean(v) for v in value.ravel().tolist()],
                        dtype=object).reshape(value.shape)
    return value


def safe_figure(figure: Any) -> Any:
    """A copy of a Plotly figure whose every text (titles, tick and legend labels,
    trace names, categories, hover and cell texts, annotations) shows data literally.

    Only the tags of :func:`plot_markup` survive; ``<a href>``, ``<span style>`` and
    anything else that came with the data is shown as text.
    """
    import plotly.graph_objects as go

    return go.Figure(_clean(figure.to_dict()))
