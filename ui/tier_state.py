"""The tiers page's settings in session state: one :class:`TierSettings` on ``state().tiers``.

``state().tiers.settings`` holds the last VALID settings, whole. The page's
widgets edit a draft of it (the ``TierSettings.to_dict`` form): each change goes
through :func:`submit`, which keeps the draft as the new settings when it is
valid and otherwise keeps it aside with its error (``state().tiers.draft`` /
``.error``) while every other page goes on with the last valid settings and
says so (:func:`current_tier_settings`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import streamlit as st

from segmentation import i18n
from segmentation.textsafe import md
from segmentation.tiers import SettingsError, Threshold, TierSettings
from ui import source as sources
from ui.state import TiersState, state

__all__ = ["change_tier_count", "current_tier_settings", "draft", "edit", "field",
           "invalid_notice", "load", "page_settings", "submit", "tiers_state",
           "use_suggested_thresholds"]


def tiers_state() -> TiersState:
    return state().tiers


def load(settings: TierSettings) -> None:
    """Replace the settings (defaults, a preset, a new tier count); drop any draft."""
    tiers = tiers_state()
    tiers.settings, tiers.draft, tiers.error = settings, None, None
    tiers.rules_version += 1


def page_settings(default: Callable[[], TierSettings]) -> TierSettings:
    """The last valid settings, first loading ``default()`` when there are none yet."""
    if tiers_state().settings is None:
        load(default())
    return tiers_state().settings


def draft() -> dict[str, Any]:
    """A fresh copy of what the widgets describe (the draft, else the settings as a dict)."""
    tiers = tiers_state()
    return copy.deepcopy(tiers.draft) if tiers.draft is not None else tiers.settings.to_dict()


def submit(data: dict[str, Any]) -> None:
    """Keep ``data`` as the settings when valid, else as the draft with its error."""
    tiers = tiers_state()
    try:
        tiers.settings, tiers.draft, tiers.error = TierSettings.from_dict(data), None, None
    except SettingsError as err:
        tiers.draft, tiers.error = data, err


def edit(change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to a copy of the draft and :func:`submit` it."""
    data = draft()
    change(data)
    submit(data)


def field(key: str, get: Callable[[dict], Any], put: Callable[[dict, Any], None]) -> dict:
    """Widget kwargs for one value of the draft: seeded by ``get(draft)``, a change is
    ``put(draft, value)`` and submitted. The widget's own key is ``_w_<key>``."""
    widget = f"_w_{key}"
    st.session_state[widget] = get(draft())

    def _changed() -> None:
        edit(lambda data: put(data, st.session_state[widget]))

    return {"key": widget, "on_change": _changed}


def change_tier_count(widget: str) -> None:
    """After the tier count changes: keep weights, mode, classes and rules; reset the rest."""
    n = int(st.session_state[widget])
    old = draft()
    if len(old["tiers"]) == n:
        return
    new = TierSettings.default(n).to_dict()
    kept = ("weights", "mode", "rfm_rules", "frequency_classes")
    try:
        settings = TierSettings.from_dict({**new, **{k: old[k] for k in kept}})
    except SettingsError:  # the draft's own values are invalid: take the last valid ones
        valid = tiers_state().settings.to_dict()
        settings = TierSettings.from_dict({**new, **{k: valid[k] for k in kept}})
    load(settings)


def use_suggested_thresholds(suggest, base) -> None:
    """Fill the thresholds with values matching the current shares."""
    tiers = tiers_state()
    try:
        settings = TierSettings.from_dict(draft())
    except SettingsError:
        settings = tiers.settings
    rules = [Threshold(r.min_spend or None, r.min_shipments or None).to_dict()
             for r in suggest(base, settings)]
    edit(lambda data: data.update(thresholds=rules))


def invalid_notice(lang: str) -> None:
    """Say that the Tiers page's settings are invalid and the last valid ones apply."""
    error = tiers_state().error
    if error is not None:
        message = error.message(lang) if hasattr(error, "message") else str(error)
        st.warning(i18n.t("tp.last_valid", lang, message=md(message)), icon=":material/history:")


def current_tier_settings(lang: str) -> TierSettings:
    """The tier settings other pages use: the tiers page's last valid ones (with a notice
    while its widgets describe invalid settings), else the default preset of the
    workspace, else the built-in default."""
    settings = tiers_state().settings
    if settings is not None:
        invalid_notice(lang)
        return settings
    from segmentation.presets import PresetStore
    return PresetStore.for_workspace(sources.workspace()).default_settings() or TierSettings()
