"""Tables of numbers in the formats of :mod:`segmentation.formatting`.

A column's kind (``"int"``, ``"money"``, ``"percent"`` …) picks its Streamlit
format from :data:`segmentation.formatting.COLUMN_FORMATS`, so that a table reads
like the figures and charts around it ("9.9%" next to "30.9%", never "30.89%";
"¥1,121,532" next to "¥887,744"). Cells are formatted in the browser: tables of any
length sort on their numbers. Shares stay ratios.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from segmentation import formatting


def number(label: str, kind: str = "int", **kwargs: Any) -> Any:
    """A ``NumberColumn`` of ``kind`` (:data:`segmentation.formatting.COLUMN_FORMATS`)."""
    return st.column_config.NumberColumn(label, **formatting.column_format(kind), **kwargs)


def percent(label: str, **kwargs: Any) -> Any:
    """A column of shares (ratios), shown as percentages with one decimal."""
    return number(label, "percent", **kwargs)


def share_bar(label: str, **kwargs: Any) -> Any:
    """A share (ratio 0..1) as a bar with its percentage."""
    return st.column_config.ProgressColumn(label, **formatting.column_format("percent"),
                                           min_value=0.0, max_value=1.0, **kwargs)
