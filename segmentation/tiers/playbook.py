"""The service playbook and the customer list for export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from .notes import segment_label
from .settings import TierSettings


def playbook_frame(settings: TierSettings, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The service playbook as a table: ``tier``, ``label``, ``step`` (1..), ``action``."""
    rows = [(tier, settings.label(tier, lang), i, action)
            for tier in settings.tiers
            for i, action in enumerate(settings.actions(tier, lang), start=1)]
    return pd.DataFrame(rows, columns=["tier", "label", "step", "action"])


#: Columns of :func:`customer_list` (those the scored view has), no personal data.
CUSTOMER_LIST_COLUMNS: tuple[str, ...] = (
    "branch", "region", "customer_type", "area_type", "tier", "tier_label", "rfm_segment",
    "segment_label", "frequency_class", "value_score", "recency_days", "frequency",
    "monetary_total", "annual_spend", "actions",
)


def customer_list(scored: pd.DataFrame, settings: TierSettings, *,
                  lang: str = i18n.DEFAULT_LANG, tiers: Sequence[str] | None = None,
                  columns: Sequence[str] = CUSTOMER_LIST_COLUMNS) -> pd.DataFrame:
    """Customers with their tier, segment and the tier's recommended actions, for export.

    Parameters
    ----------
    scored : from :func:`assign`.
    settings : labels and playbook.
    lang : language of labels and actions.
    tiers : keep these tiers only (``None``: all).
    columns : output columns (those present); ``tier_label``, ``segment_label``
        and ``actions`` (joined with "; ") are derived. Personal columns (name,
        phone) are left to the caller, who knows the user's role.

    Returns
    -------
    DataFrame with ``customer_id`` as first column, best tier first, then by
    descending value score.
    """
    frame = scored
    if tiers is not None:
        frame = frame[frame["tier"].isin(list(tiers))]
    codes = frame["tier"].cat.codes.to_numpy()
    cats = list(frame["tier"].cat.categories)
    sep = i18n.t("tiers.actions_sep", lang)
    labels = np.array([settings.label(t, lang) for t in cats] + [""], dtype=object)
    actions = np.array([sep.join(settings.actions(t, lang)) for t in cats] + [""], dtype=object)
    derived: dict[str, Any] = {"tier_label": labels[codes], "actions": actions[codes]}
    if "rfm_segment" in frame.columns:
        derived["segment_label"] = frame["rfm_segment"].map(
            lambda s: segment_label(s, lang)).astype(object)
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        if col in derived:
            out[col] = derived[col]
        elif col in frame.columns:
            out[col] = frame[col]
    order = np.lexsort((-frame["value_score"].to_numpy(), np.where(codes < 0, 99, codes)))
    out = out.iloc[order]
    return out.reset_index()

