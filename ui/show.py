"""Drawing values that come from data or from users: charts whose texts show data
literally (:func:`segmentation.textsafe.safe_figure`), and the markdown escapes of
:mod:`segmentation.textsafe` under short names for page code.

Every Plotly figure of the app goes through :func:`chart` (``tests/test_layout.py``
checks that no other module calls ``st.plotly_chart``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from segmentation.textsafe import md, md_label, plot
from ui.caches.figures import FigureKey
from ui.caches.figures import safe_figure as cached_figure

__all__ = ["FigureKey", "chart", "md", "md_label", "plot"]


def chart(figure: Any, *, cached_as: FigureKey | None = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` of ``figure`` with every text escaped (tags of the chart code
    kept: line breaks, bold, hover boxes).

    With ``cached_as``, ``figure`` is a function building the figure, called only
    when no figure is cached under that key (a rerun then builds nothing).
    """
    if cached_as is not None:
        return st.plotly_chart(cached_figure(cached_as, figure), **kwargs)
    from segmentation.textsafe import safe_figure

    return st.plotly_chart(safe_figure(figure), **kwargs)
