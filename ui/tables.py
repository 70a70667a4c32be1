"""Tables of numbers in the formats of :mod:`segmentation.formatting`.

A column's kind (``"int"``, ``"money"``, ``"percent"`` …) picks its Streamlit
format from :data:`segmentation.formatting.COLUMN_FORMATS`, so that a table reads
like the figures and charts around it ("9.9%" next to "30.9%", never "30.89%";
"¥1,121,532" next to "¥887,744"). Cells are formatted in the browser: tables of any
length sort on their numbers. Shares are stored as ratios; :func:`dataframe` shows
the columns configured as percent as percentages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from segmentation import formatting

_PERCENT_FORMATS = {formatting.COLUMN_FORMATS["percent"],
                    formatting.COLUMN_FORMATS["signed_percent"]}


def number(label: str, kind: str = "int", **kwargs: Any) -> Any:
    """A ``NumberColumn`` of ``kind`` (:data:`segmentation.formatting.COLUMN_FORMATS`)."""
    return st.column_config.NumberColumn(label, format=formatting.column_format(kind), **kwargs)


def percent(label: str, *, signed: bool = False, **kwargs: Any) -> Any:
    """A column of shares (ratios), shown as percentages with one decimal."""
    return number(label, "signed_percent" if signed else "percent", **kwargs)


def share_bar(label: str, **kwargs: Any) -> Any:
    """A share (ratio 0..1) as a bar with its percentage."""
    return st.column_config.ProgressColumn(label, format=formatting.column_format("percent"),
                                           min_value=0.0, max_value=100.0, **kwargs)


def _is_percent(config: Any) -> bool:
    if not isinstance(config, Mapping):
        return False
    return (config.get("type_config") or {}).get("format") in _PERCENT_FORMATS


def for_display(frame: pd.DataFrame, column_config: Mapping[str, Any]) -> pd.DataFrame:
    """``frame`` with its percent columns (by ``column_config``) as ratio x 100."""
    scaled = [c for c, conf in column_config.items() if c in frame.columns and _is_percent(conf)]
    if not scaled:
        return frame
    out = frame.copy()
    out[scaled] = out[scaled].astype("float64") * 100
    return out


def dataframe(frame: pd.DataFrame, *, column_config: Mapping[str, Any], **kwargs: Any) -> Any:
    """``st.dataframe`` with percent columns scaled for their format."""
    return st.dataframe(for_display(frame, column_config), column_config=dict(column_config),
                        **kwargs)
