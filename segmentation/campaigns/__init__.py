"""Marketing campaigns (营销活动) and whether they worked.

- :mod:`.model`: :class:`Campaign` (targets, held-out group, dates, cost) and reading
  a target list from a file;
- :mod:`.store`: campaigns kept in the workspace folder, listed within a user's scope;
- :mod:`.panel`: the weekly shipments and revenue per customer around the start;
- :mod:`.estimate`: the effect with a held-out group, or with a matched comparison
  group and difference-in-differences, with intervals and a parallel-trend check;
- :mod:`.results`: per tier and branch, incremental revenue, cost, ROI, the sentence
  a regional lead reads out;
- :mod:`.measure`: from a dataset to a result (the app's and the report's path).
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "OUTCOMES", "MAX_NAME_LENGTH", "Campaign", "CampaignError", "CampaignPanel",
    "CampaignResult", "CampaignStore", "Effect", "EffectConfig", "Estimate", "ParallelCheck",
    "build_panel", "estimate", "measure", "measure_latest", "naive_difference", "new_campaign_id",
    "post_weeks_for", "read_activity", "read_target_ids", "split_holdout", "uplift_table",
    "visible_campaigns",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".model": ("Campaign", "CampaignError", "MAX_NAME_LENGTH", "new_campaign_id",
               "read_target_ids", "split_holdout"),
    ".store": ("CampaignStore", "visible_campaigns"),
    ".panel": ("CampaignPanel", "build_panel", "read_activity"),
    ".estimate": ("Effect", "EffectConfig", "Estimate", "OUTCOMES", "ParallelCheck",
                  "estimate", "naive_difference"),
    ".results": ("CampaignResult", "uplift_table"),
    ".measure": ("measure", "measure_latest", "post_weeks_for"),
})
