"""The campaign planted in the bundled sample (``data/sample/campaign*.parquet``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import Campaign
from .store import CampaignStore

__all__ = ["register_sample_campaign", "sample_campaign"]


def sample_campaign(folder: str | Path) -> Campaign | None:
    """The sample's campaign (its list and definition), ``None`` when the folder has none."""
    import pandas as pd

    folder = Path(folder)
    lists, defs = folder / "campaign.parquet", folder / "campaign_truth.parquet"
    if not lists.exists() or not defs.exists():
        return None
    listed = pd.read_parquet(lists)
    row = pd.read_parquet(defs)
    if listed.empty or row.empty:
        return None
    row = row.iloc[0]
    held = listed["group"].astype(str) == "holdout"
    return Campaign(campaign_id=str(row["campaign_id"]), name=str(row["name"]),
                    start=pd.Timestamp(row["start"]).date(), end=pd.Timestamp(row["end"]).date(),
                    cost_per_contact=float(row["cost_per_contact"]),
                    targets=tuple(listed.loc[~held, "customer_id"].astype(str)),
                    holdout=tuple(listed.loc[held, "customer_id"].astype(str)),
                    created_by="sample", source="sample")


def register_sample_campaign(workspace: Any, folder: str | Path) -> bool:
    """Keep the sample's campaign in ``workspace`` unless it is there already."""
    campaign = sample_campaign(folder)
    if campaign is None:
        return False
    return CampaignStore.for_workspace(workspace).add_if_missing(campaign)
