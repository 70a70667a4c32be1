"""The signed-in user of this browser session.

The user lives under a session-state key that no widget uses, so the browser
cannot set it; only the sign-in code (``ui/auth.py``) calls :func:`sign_in`.
With no users configured the app runs open: :func:`current_user` is the
open-mode HQ user and every page shows a banner saying so.
"""

from __future__ import annotations

import streamlit as st

from segmentation.access import OPEN_USER, User

_KEY = "_signed_in_user"


def current_user() -> User:
    """The signed-in user, or the open-mode user when the app runs open.

    Anything in session state that is not a :class:`User` (a tampered value) is
    discarded and the session is treated as signed out. When sign-in is required
    and nobody is signed in (a page run outside the ``app.py`` gate), the run
    stops here: no page draws data for nobody.
    """
    user = st.session_state.get(_KEY)
    if isinstance(user, User):
        return user
    if user is not None:
        st.session_state.pop(_KEY, None)
    from ui import auth  # late: auth builds on this module

    if auth.required():  # fail closed: nobody signed in while sign-in is required
        st.stop()
    return OPEN_USER


def sign_in(user: User) -> None:
    st.session_state[_KEY] = user


def sign_out() -> None:
    st.session_state.pop(_KEY, None)


def is_signed_in() -> bool:
    return isinstance(st.session_state.get(_KEY), User)
