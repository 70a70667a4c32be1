"""The column-mapping editor shared by files and database tables: one choice per field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.schema import REQUIRED, columns_of
from ui.strings import COLUMN_LABELS

IGNORE = "__ignore__"


def examples(frame: pd.DataFrame) -> dict[str, str]:
    """The first non-empty value of each column, as text (shown next to the header)."""
    return {str(c): next((str(v) for v in frame[c].head(50) if pd.notna(v) and str(v).strip()),
                         "") for c in frame.columns}


def column_choices(table: str, headers: Sequence[str], example: Mapping[str, str],
                   guess: Mapping[str, str], *, key: str, lang: str, title: str,
                   none_label: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Draw one select per canonical field of ``table``, pre-filled from ``guess``.

    Returns ``({field: header}, clashes)``; a clash is ``(header, first field,
    second field)`` when one header is chosen for two fields.
    """
    required = REQUIRED[table]
    st.markdown(f"**{title}**",
                help=i18n.t("data.mapping.help", lang,
                            required=", ".join(COLUMN_LABELS[c][lang] for c in required)))
    options = [IGNORE, *headers]

    def label(header: str) -> str:
        if header == IGNORE:
            return none_label
        text = example.get(header, "")
        return f"{header}  ·  {text[:24]}" if text else header

    chosen: dict[str, str] = {}
    owner: dict[str, str] = {}
    clashes: list[tuple[str, str, str]] = []
    cols = st.columns(3)
    for i, field in enumerate(columns_of(table)):
        widget = f"{key}_{field}"
        if widget not in st.session_state or st.session_state[widget] not in options:
            st.session_state[widget] = guess.get(field, IGNORE) if guess.get(field) in headers \
                else IGNORE
        name = COLUMN_LABELS[field][lang]
        with cols[i % 3]:
            header = st.selectbox(
                i18n.t("data.mapping.field_required", lang, field=name) if field in required
                else name, options, format_func=label, key=widget)
        if header == IGNORE:
            continue
        if header in owner:
            clashes.append((header, owner[header], field))
            continue
        owner[header] = field
        chosen[field] = header
    return chosen, clashes
