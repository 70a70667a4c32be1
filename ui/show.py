"""Drawing values that come from data or from users: charts whose texts show data
literally (:func:`segmentation.textsafe.safe_figure`), and the markdown escapes of
:mod:`segmentation.textsafe` under short names for page code.

Every Plotly figure of the app goes through :func:`chart` (``tests/test_layout.py``
checks that no other module calls ``st.plotly_chart``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from segmentation.textsafe import md, md_label, plot
from ui.caches.figures import FigureKey
from ui.caches.figures import safe_figure as cached_figure

__all__ = ["FigureKey", "chart", "md", "md_label", "plot", "with_context"]


def chart(figure: Any, *, cached_as: FigureKey | None = None, context: str | None = None,
          **kwargs: Any) -> Any:
    """``st.plotly_chart`` of ``figure`` with every text escaped (tags of the chart code
    kept: line breaks, bold, hover boxes), carrying its context as a subtitle (``context``,
    by default the page's scope, filters and analysis date: a chart downloaded as a
    picture says what it shows).

    With ``cached_as``, ``figure`` is a function building the figure, called only
    when no figure is cached under that key and context (a rerun then builds nothing).
    """
    line = context if context is not None else _page_context()
    if cached_as is not None:
        build = figure
        return st.plotly_chart(
            cached_figure(replace(cached_as, extra=(*cached_as.extra, line)),
                          lambda: with_context(build(), line)), **kwargs)
    from segmentation.textsafe import safe_figure

    return st.plotly_chart(safe_figure(with_context(figure, line)), **kwargs)


def _page_context() -> str:
    from ui import context

    return context.current().chart_context


def with_context(figure: Any, line: str) -> Any:
    """``figure`` with ``line`` as its title's subtitle (small, grey), room made for it."""
    if not line:
        return figure
    figure.update_layout(title_subtitle_text=line, title_subtitle_font_size=11,
                         title_subtitle_font_color="#6b7280")
    top = figure.layout.margin.t
    if top is not None and top < 72:
        figure.update_layout(margin_t=72)
    return figure
