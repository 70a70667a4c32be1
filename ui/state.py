"""Session state that survives page switches."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def persisted(key: str, *, on_change: Callable | None = None, args: tuple = ()) -> dict:
    """Widget kwargs that keep ``st.session_state[key]`` across pages and reruns.

    Streamlit drops a widget's state when the widget is not rendered in a run
    (another page is open). The value therefore lives under the plain ``key``;
    the widget (key ``_w_<key>``) is seeded from it on every run and copies
    changes back before ``on_change(*args)`` runs.
    """
    widget_key = f"_w_{key}"
    st.session_state[widget_key] = st.session_state.get(key)

    def _copy_back() -> None:
        st.session_state[key] = st.session_state[widget_key]
        if on_change is not None:
            on_change(*args)

    return {"key": widget_key, "on_change": _copy_back}


def relabel(*keys: str) -> None:
    """Re-set keyed choice widgets so that their option labels follow a language switch.

    Streamlit 1.67 keeps a keyed widget's formatted option labels from the run
    that created it; writing the current value back makes it re-render them.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
