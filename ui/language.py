"""The English / 简体中文 switch at the top of the sidebar (the sign-in page's too)."""

from __future__ import annotations

import streamlit as st

from segmentation import i18n
from ui.state import bind, state


def language_switch() -> str:
    """The English / 简体中文 switch; returns the session's language."""
    side = state().sidebar
    st.sidebar.radio(
        i18n.t("app.language", "en"), options=list(i18n.LANGS), horizontal=True,
        format_func=lambda code: {"en": "English", "zh": "简体中文"}[code],
        **bind(side, "lang", key="lang"),
    )
    return side.lang
