"""The Tiers page's settings panel: widgets that edit ``state().tiers`` (see ui/tier_state.py).

Every widget is seeded from the draft of the settings and writes a change back
through :func:`ui.tier_state.field`; nothing is kept under a raw session key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from segmentation import formatting
from segmentation.presets import PresetStore
from segmentation.textsafe import md
from segmentation.tiers import (
    SettingsError,
    TierSettings,
    default_tier_label,
    segment_label,
    suggest_thresholds,
)
from ui import auth
from ui.tier_state import (
    change_tier_count,
    draft,
    edit,
    field,
    load,
    tiers_state,
    use_suggested_thresholds,
)

__all__ = ["error_text", "settings_panel"]

MAX_ACTION_LINES = 8


def error_text(err: Exception, lang: str) -> str:
    return err.message(lang) if hasattr(err, "message") else str(err)


def _setter(*path: str) -> Callable[[dict, Any], None]:
    """``put(data, value)`` writing ``value`` at ``data[path[0]][path[1]]...``."""
    def put(data: dict, value) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return put


def _put_share(i: int):
    def put(data: dict, value: int) -> None:
        shares = list(data["shares"])
        shares[i] = value / 100
        shares[-1] = round(1 - sum(shares[:-1]), 6)  # the last tier takes the rest
        data["shares"] = shares
    return put


def _put_threshold(i: int, name: str):
    def put(data: dict, value: float) -> None:
        data["thresholds"][i][name] = value or None  # 0 = no condition
    return put


def _label(tier: str, lang: str):
    def get(data: dict) -> str:
        return data["labels"].get(tier, {}).get(lang) or default_tier_label(tier, lang)

    def put(data: dict, text: str) -> None:
        text = (text or "").strip()
        names = dict(data["labels"].get(tier, {}))
        if text and text != default_tier_label(tier, lang):
            names[lang] = text
        else:
            names.pop(lang, None)
        if names:
            data["labels"][tier] = names
        else:
            data["labels"].pop(tier, None)
    return get, put


def _actions(tier: str, lang: str):
    """An edit of the actions becomes an override for every language."""
    def get(data: dict) -> str:
        if tier in data["playbook"]:
            return "\n".join(data["playbook"][tier])
        return "\n".join(tiers_state().settings.actions(tier, lang))

    def put(data: dict, text: str) -> None:
        lines = [line.strip() for line in text.splitlines()]
        data["playbook"][tier] = [line for line in lines if line][:MAX_ACTION_LINES]
    return get, put


def settings_panel(ctx, base, store: PresetStore) -> None:
    """The tabs of widgets that edit the settings."""
    t, lang = ctx.t, ctx.lang
    data = draft()
    current = tiers_state().settings  # same tiers as the draft; valid labels
    tiers = tuple(data["tiers"])
    # names from presets and users: every use below is a widget label or a markdown text
    labels = {k: md(v) for k, v in current.tier_labels(lang).items()}
    tab_score, tab_cuts, tab_names, tab_rfm, tab_presets = st.tabs(
        [t("tp.tab.score"), t("tp.tab.cuts"), t("tp.tab.names"), t("tp.tab.rfm"),
         t("tp.tab.presets")])
    with tab_score:
        st.caption(t("tp.weights.help"))
        for col, key in zip(st.columns(4), ("r", "f", "m", "t"), strict=True):
            col.slider(t(f"tp.w.{key}"), 0.0, 1.0, step=0.05, **field(
                f"tiers_w_{key}", lambda d, k=key: float(d["weights"].get(k, 0.0)),
                lambda d, v, k=key: d["weights"].update({k: float(v)})))
    with tab_cuts:
        c1, c2 = st.columns([1, 2])
        st.session_state["_w_tiers_n"] = len(tiers)
        c1.segmented_control(t("tp.n_tiers"), [3, 4, 5], required=True, key="_w_tiers_n",
                             on_change=change_tier_count, args=("_w_tiers_n",))
        c2.radio(t("tp.mode"), ["share", "threshold"], horizontal=True,
                 format_func=lambda m: t(f"tp.mode.{m}"), help=t("tp.mode.help"),
                 **field("tiers_mode", lambda d: d["mode"], _setter("mode")))
        if data["mode"] == "share":
            _share_sliders(t, lang, data, tiers, labels)
        else:
            _threshold_inputs(t, data, tiers, labels, base)
        st.markdown(f"**{t('tp.freq_classes')}**")
        f1, f2 = st.columns(2)
        for col, name, low in ((f1, "high", 1.0), (f2, "medium", 0.0)):
            col.number_input(t(f"tp.freq.{name}"), min_value=low, step=1.0, format="%.0f",
                             **field(f"tiers_freq_{name}",
                                     lambda d, n=name: float(d["frequency_classes"][n]),
                                     _setter("frequency_classes", name)))
    with tab_names:
        for i, (col, tier) in enumerate(zip(st.columns(len(tiers)), tiers, strict=True)):
            with col:
                st.text_input(t("tp.label", n=i + 1), max_chars=24,
                              **field(f"tiers_label_{tier}_{lang}", *_label(tier, lang)))
                st.text_area(t("tp.actions", tier=labels[tier]), height=140,
                             **field(f"tiers_actions_{tier}_{lang}", *_actions(tier, lang)))
    with tab_rfm:
        st.caption(t("tp.rfm.help"))
        _rules_editor(t, lang, data["rfm_rules"])
    with tab_presets:
        _presets_panel(t, lang, store)


def _share_sliders(t, lang: str, data: dict, tiers: tuple, labels: dict) -> None:
    for i, col in enumerate(st.columns(len(tiers) - 1)):
        col.slider(t("tp.share", tier=labels[tiers[i]]), 1, 80, help=t("tp.share.help"),
                   **field(f"tiers_share_{i}", lambda d, i=i: max(1, round(d["shares"][i] * 100)),
                           _put_share(i)))
    used = sum(data["shares"][:-1])
    if 1 - used < 0.01 - 1e-9:
        st.error(t("tp.share.too_much", pct=formatting.percent(used, lang, 0),
                   tier=labels[tiers[-1]]))
    else:
        st.caption(t("tp.share.rest", tier=labels[tiers[-1]],
                     pct=formatting.percent(1 - used, lang, 0)))


def _threshold_inputs(t, data: dict, tiers: tuple, labels: dict, base) -> None:
    st.caption(t("tp.threshold.help", days=data["annualize_min_days"]))
    for i, col in enumerate(st.columns(len(tiers) - 1)):
        for name, short, label, step in (("min_spend", "spend", "tp.min_spend", 500.0),
                                         ("min_shipments", "ships", "tp.min_ships", 1.0)):
            col.number_input(t(label, tier=labels[tiers[i]]), min_value=0.0, step=step,
                             format="%.0f", **field(
                                 f"tiers_{short}_{i}",
                                 lambda d, i=i, n=name: float(d["thresholds"][i][n] or 0.0),
                                 _put_threshold(i, name)))
    st.button(t("tp.suggest"), key="tiers_suggest", on_click=use_suggested_thresholds,
              args=(suggest_thresholds, base))


def _rules_editor(t, lang: str, rules: list[dict]) -> None:
    """The RFM rules table; invalid edits are reported and not used."""
    frame = pd.DataFrame(rules)
    frame.insert(1, "label", [segment_label(s, lang) for s in frame["segment"]])
    score = {"min_value": 1, "max_value": 5, "step": 1, "required": True}
    edited = st.data_editor(
        frame, hide_index=True, disabled=["segment", "label"],
        key=f"tiers_rules_editor_{tiers_state().rules_version}_{lang}",
        column_order=["label", "r_min", "r_max", "f_min", "f_max"],
        column_config={"label": t("tp.rfm.segment"), **{  # "R min" ... "F max"
            col: st.column_config.NumberColumn(f"{col[0].upper()} {col[2:]}", **score)
            for col in ("r_min", "r_max", "f_min", "f_max")}},
    )
    records = edited.drop(columns=["label"]).to_dict("records")
    records = [{k: (int(v) if k != "segment" else v) for k, v in r.items()} for r in records]
    if records == rules:
        return
    try:  # the rules alone, on the last valid settings
        TierSettings.from_dict({**tiers_state().settings.to_dict(), "rfm_rules": records})
    except SettingsError as err:
        st.error(t("tp.rfm.invalid", message=md(err.message(lang))))
        return
    edit(lambda data: data.update(rfm_rules=records))


def _presets_panel(t, lang: str, store: PresetStore) -> None:
    tiers = tiers_state()
    names, default = store.list(), store.default()
    c1, c2 = st.columns(2)
    with c1:
        name = st.text_input(t("tp.preset.name"), key="tiers_preset_name", max_chars=40)
        if st.button(t("tp.preset.save"), key="tiers_preset_save", disabled=not name.strip()) \
                and auth.may_overwrite_preset(name, default):
            try:
                store.save(name.strip(), TierSettings.from_dict(draft()))
                auth.record("preset_saved", name=name.strip())
                st.success(t("tp.preset.saved", name=md(name.strip())))
                names = store.list()
            except (SettingsError, ValueError) as err:
                st.error(t("tp.preset.error", message=md(error_text(err, lang))))
        can_import, why_not = auth.permission("import_preset")
        upload = st.file_uploader(t("tp.preset.import"), type=["json"], key="tiers_preset_file",
                                  disabled=not can_import, help=why_not,
                                  max_upload_size=1)  # MB; the JSON itself is checked to 64 KB
        stem = upload.name.rsplit(".", 1)[0] if upload is not None else ""
        if upload is not None and tiers.imported != upload.file_id \
                and auth.allowed("import_preset") and auth.may_overwrite_preset(stem, default):
            try:
                imported = store.import_json(upload.getvalue(), name=stem)
                tiers.imported = upload.file_id
                auth.record("preset_saved", name=imported, imported=True)
                st.success(t("tp.preset.imported", name=md(imported)))
                names = store.list()
            except (SettingsError, ValueError) as err:
                st.error(t("tp.preset.error", message=md(error_text(err, lang))))
    with c2:
        if not names:
            st.info(t("tp.preset.none"))
            return
        _preset_actions(t, store, names, default)


def _preset_actions(t, store: PresetStore, names: list[str], default: str | None) -> None:
    tiers = tiers_state()
    chosen = st.selectbox(t("tp.preset.choose"), names, key="tiers_preset_pick")
    b1, b2, b3 = st.columns(3)
    can_default, why_not = auth.permission("save_default_preset")
    if b1.button(t("tp.preset.load"), key="tiers_preset_load"):
        load(store.load(chosen))
        tiers.loaded = chosen
        st.rerun()
    if b2.button(t("tp.preset.default"), key="tiers_preset_default", disabled=not can_default,
                 help=why_not) and auth.allowed("save_default_preset"):
        store.set_default(chosen)
        auth.record("preset_saved", name=chosen, default=True)
        default = chosen
    if b3.button(t("tp.preset.delete"), key="tiers_preset_delete", disabled=not can_default,
                 help=why_not) and auth.allowed("save_default_preset"):
        store.delete(chosen)
        st.rerun()
    auth.download_button(st, t("tp.preset.export"), store.export_json(chosen),
                         file_name=f"{chosen}.json", mime="application/json",
                         key="tiers_preset_export", on_click="ignore")
    if tiers.loaded:
        tiers.loaded = None
        st.success(t("tp.preset.loaded", name=md(chosen)))
    if default:
        st.caption(t("tp.preset.is_default", name=md(default)))
