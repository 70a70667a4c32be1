"""The tiers page's settings in session state: plain keys <-> :class:`TierSettings`.

The widgets on the page edit plain session keys (``tiers_*``, kept across page
switches by :func:`ui.state.persisted`); :func:`settings_from_state` turns them
into a validated :class:`TierSettings`, :func:`load_into_state` does the reverse
(defaults, presets, a changed tier count).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.tiers import SettingsError, Threshold, TierSettings
from ui.state import persisted

__all__ = ["actions_editor", "change_tier_count", "current_tier_settings", "load_into_state",
           "persisted",
           "rules_editor", "settings_from_state", "use_suggested_thresholds"]


def load_into_state(settings: TierSettings, lang: str) -> None:
    """Write ``settings`` into the plain session keys the page's widgets read."""
    state = st.session_state
    state["tiers_keys"] = list(settings.tiers)
    state["tiers_n"] = len(settings.tiers)
    state["tiers_mode"] = settings.mode
    for key in ("r", "f", "m", "t"):
        state[f"tiers_w_{key}"] = float(settings.weights.get(key, 0.0))
    for i, share in enumerate(settings.shares[:-1]):
        state[f"tiers_share_{i}"] = max(1, round(share * 100))
    for i, rule in enumerate(settings.thresholds):
        state[f"tiers_spend_{i}"] = float(rule.min_spend or 0.0)
        state[f"tiers_ships_{i}"] = float(rule.min_shipments or 0.0)
    state["tiers_freq_high"] = float(settings.frequency_classes["high"])
    state["tiers_freq_medium"] = float(settings.frequency_classes["medium"])
    state["tiers_annualize"] = settings.annualize_min_days
    for tier in settings.tiers:
        for code in i18n.LANGS:
            state[f"tiers_label_{tier}_{code}"] = settings.label(tier, code)
        state[f"tiers_actions_{tier}"] = (list(settings.playbook[tier])
                                          if tier in settings.playbook else None)
    state["tiers_rules"] = [dict(r) for r in settings.rfm_rules]
    state["tiers_rules_version"] = state.get("tiers_rules_version", 0) + 1


def settings_from_state(lang: str, *, strict: bool = True) -> TierSettings:
    """The settings the widgets describe.

    Raises :class:`SettingsError` when they are inconsistent (e.g. shares over
    100 %); with ``strict=False`` falls back to the tier structure alone, so the
    widgets can still be drawn.
    """
    state = st.session_state
    tiers = tuple(state["tiers_keys"])
    n = len(tiers)
    labels = {}
    for tier in tiers:
        names = {}
        for code in i18n.LANGS:
            text = (state.get(f"tiers_label_{tier}_{code}") or "").strip()
            default = i18n.t(f"tier.{tier}", code) if i18n.has(f"tier.{tier}") else tier
            if text and text != default:
                names[code] = text
        if names:
            labels[tier] = names
    shares = [state[f"tiers_share_{i}"] / 100 for i in range(n - 1)]
    shares.append(round(1 - sum(shares), 6))
    data = {
        "tiers": list(tiers), "mode": state["tiers_mode"], "labels": labels,
        "weights": {k: float(state[f"tiers_w_{k}"]) for k in ("r", "f", "m", "t")},
        "shares": shares,
        "thresholds": [Threshold(state[f"tiers_spend_{i}"] or None,
                                 state[f"tiers_ships_{i}"] or None).to_dict()
                       for i in range(n - 1)],
        "annualize_min_days": state["tiers_annualize"],
        "frequency_classes": {"high": float(state["tiers_freq_high"]),
                              "medium": float(state["tiers_freq_medium"])},
        "rfm_rules": state["tiers_rules"],
        "playbook": {tier: state[f"tiers_actions_{tier}"] for tier in tiers
                     if state.get(f"tiers_actions_{tier}") is not None},
    }
    try:
        return TierSettings.from_dict(data)
    except SettingsError:
        if strict:
            raise
        return TierSettings.default(n)


def change_tier_count(lang: str) -> None:
    """After the tier count changes: keep weights and rules, reset the per-tier parts."""
    state = st.session_state
    n = int(state["tiers_n"])
    old = settings_from_state(lang, strict=False)
    if len(old.tiers) == n:
        return
    new = TierSettings.default(n)
    kept = TierSettings.from_dict({**new.to_dict(), "weights": dict(old.weights),
                                   "mode": old.mode, "rfm_rules": [dict(r) for r in
                                                                   old.rfm_rules],
                                   "frequency_classes": dict(old.frequency_classes)})
    load_into_state(kept, lang)


def use_suggested_thresholds(suggest, base, lang: str) -> None:
    """Fill the threshold inputs with values matching the current shares."""
    settings = settings_from_state(lang, strict=False)
    for i, rule in enumerate(suggest(base, settings)):
        st.session_state[f"tiers_spend_{i}"] = float(rule.min_spend or 0.0)
        st.session_state[f"tiers_ships_{i}"] = float(rule.min_shipments or 0.0)


def actions_editor(tier: str, settings: TierSettings, lang: str, label: str) -> None:
    """A text area of the tier's actions; an edit becomes an override for every language."""
    key = f"tiers_actions_{tier}"
    widget = f"_w_{key}_{lang}"
    st.session_state[widget] = "\n".join(settings.actions(tier, lang))

    def _store() -> None:
        lines = [line.strip() for line in st.session_state[widget].splitlines()]
        st.session_state[key] = [line for line in lines if line][:8]

    st.text_area(label, key=widget, on_change=_store, height=140)


def rules_editor(settings: TierSettings, lang: str, t) -> None:
    """The RFM rules table; invalid edits are reported and not used."""
    frame = pd.DataFrame(st.session_state["tiers_rules"])
    frame.insert(1, "label", [i18n.t(f"segment.{s}", lang) if i18n.has(f"segment.{s}") else s
                              for s in frame["segment"]])
    score = {"min_value": 1, "max_value": 5, "step": 1, "required": True}
    edited = st.data_editor(
        frame, hide_index=True, disabled=["segment", "label"],
        key=f"tiers_rules_editor_{st.session_state['tiers_rules_version']}_{lang}",
        column_order=["label", "r_min", "r_max", "f_min", "f_max"],
        column_config={
            "label": t("tp.rfm.segment"),
            "r_min": st.column_config.NumberColumn("R min", **score),
            "r_max": st.column_config.NumberColumn("R max", **score),
            "f_min": st.column_config.NumberColumn("F min", **score),
            "f_max": st.column_config.NumberColumn("F max", **score),
        },
    )
    records = edited.drop(columns=["label"]).to_dict("records")
    records = [{k: (int(v) if k != "segment" else v) for k, v in r.items()} for r in records]
    if records == st.session_state["tiers_rules"]:
        return
    try:
        TierSettings.from_dict({**settings.to_dict(), "rfm_rules": records})
    except SettingsError as err:
        st.error(t("tp.rfm.invalid", message=err.message(lang)))
        return
    st.session_state["tiers_rules"] = records


def current_tier_settings(lang: str) -> TierSettings:
    """The tier settings other pages use: the tiers page's current ones, else the default
    preset of the workspace, else the built-in default."""
    if "tiers_keys" in st.session_state:
        return settings_from_state(lang, strict=False)
    from segmentation.presets import PresetStore
    from ui import context

    return PresetStore.for_workspace(context.workspace()).default_settings() or TierSettings()
