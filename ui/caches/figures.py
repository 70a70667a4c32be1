"""Built charts: a Plotly figure built and escaped once per what it draws.

Building a Plotly figure (validation, the template copied in) and escaping its
texts cost tens of milliseconds each, the same at any data size; a page that draws
a few of them on every rerun spends most of its rerun there. A chart drawn from
cached results is therefore cached too, under a :class:`FigureKey` that names the
chart, the key of the results it draws, the language and anything else the page
passes to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from segmentation.keys import AnalysisKey, ChurnKey, DatasetKey


@dataclass(frozen=True)
class FigureKey:
    """One chart: its name (the page's widget key), the key of the data it draws, the
    language of its texts and any other value that changes it (hashable)."""

    chart: str
    of: AnalysisKey | ChurnKey | DatasetKey
    lang: str
    extra: tuple = ()


@st.cache_resource(show_spinner=False, max_entries=64)
def safe_figure(key: FigureKey, _build: Callable[[], Any]) -> Any:
    """``_build()``'s figure with every text escaped
    (:func:`segmentation.textsafe.safe_figure`); read-only, shared by every session."""
    from segmentation.textsafe import safe_figure as escaped

    return escaped(_build())
