"""Constants of the grading: measures, default weights, tier sets, RFM rules, columns."""

from __future__ import annotations

import re

import pandas as pd

#: Measure key -> (score column, customer-view column, higher value is better).
MEASURES: dict[str, tuple[str, str, bool]] = {
    "r": ("r_score", "recency_days", False),
    "f": ("f_score", "frequency", True),
    "m": ("m_score", "monetary_total", True),
    "t": ("t_score", "tenure_days", True),
}
SCORE_COLUMNS: tuple[str, ...] = tuple(score for score, _, _ in MEASURES.values())
#: View columns :func:`prepare_scoring` needs (``tenure_days`` is optional).
REQUIRED_COLUMNS: tuple[str, ...] = ("recency_days", "frequency", "monetary_total")
#: Columns :func:`assign` adds to the view, in this order.
OUTPUT_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS, "value_score", "tier", "rfm_segment",
                                   "frequency_class", "annual_spend", "annual_shipments")
#: The revenue of a customer in every summary: net spend, refunds included.
REVENUE = "monetary_total"

DEFAULT_WEIGHTS: dict[str, float] = {"r": 0.2, "f": 0.3, "m": 0.5, "t": 0.0}
#: Accepted spellings of the weight keys (JSON presets, older presets).
WEIGHT_ALIASES: dict[str, str] = {
    **{k: k for k in MEASURES},
    **{score: k for k, (score, _, _) in MEASURES.items()},
    "recency": "r", "frequency": "f", "monetary": "m", "tenure": "t",
}

MIN_TIERS, MAX_TIERS = 2, 5
#: Default tier keys and shares by number of tiers (the page offers 3 to 5;
#: two are accepted so that a simple "top / rest" preset works).
TIER_SETS: dict[int, tuple[tuple[str, float], ...]] = {
    2: (("high", 0.2), ("low", 0.8)),
    3: (("high", 0.2), ("medium", 0.3), ("low", 0.5)),
    4: (("vip", 0.1), ("high", 0.2), ("medium", 0.3), ("low", 0.4)),
    5: (("vip", 0.05), ("premium", 0.1), ("high", 0.15), ("medium", 0.3), ("low", 0.4)),
}
#: Default thresholds by position counted from the lowest tier upwards: the
#: tier just above the last one gets the first entry (annual ¥, shipments/year).
THRESHOLD_LADDER: tuple[tuple[float, float], ...] = (
    (500.0, 4.0), (2000.0, 12.0), (10000.0, 24.0), (20000.0, 36.0),
)
FREQUENCY_CLASSES: tuple[str, ...] = ("high", "medium", "low")
DEFAULT_FREQUENCY_CLASSES: dict[str, float] = {"high": 24.0, "medium": 6.0}
DEFAULT_ANNUALIZE_MIN_DAYS = 90

#: The classic R-F grid: every (r, f) cell 1..5 x 1..5 belongs to exactly one segment.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5),
        ("loyal", 3, 4, 4, 5),
        ("potential_loyalists", 4, 5, 2, 3),
        ("new", 5, 5, 1, 1),
        ("promising", 4, 4, 1, 1),
        ("need_attention", 3, 3, 3, 3),
        ("about_to_sleep", 3, 3, 1, 2),
        ("at_risk", 1, 2, 3, 4),
        ("cant_lose", 1, 2, 5, 5),
        ("hibernating", 2, 2, 1, 2),
        ("lost", 1, 1, 1, 2),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max"],
)
RULE_FIELDS: tuple[str, ...] = tuple(RFM_SEGMENT_RULES.columns)

#: Default service playbook: tier key -> i18n keys of the recommended actions.
DEFAULT_PLAYBOOK: dict[str, tuple[str, ...]] = {
    tier: tuple(f"playbook.{tier}.{i}" for i in range(1, n + 1))
    for tier, n in (("vip", 4), ("premium", 3), ("high", 3), ("medium", 3), ("low", 3))
}
MAX_ACTIONS, MAX_ACTION_CHARS = 10, 200

#: Columns a tier mix can be broken down by, when the view has them.
BREAKDOWN_COLUMNS: tuple[str, ...] = ("frequency_class", "customer_type", "area_type",
                                      "region", "branch")
#: Pseudo tiers of flows: a customer not in the earlier / later period.
NEW, GONE = "_new", "_gone"

TIER_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
SHARE_TOLERANCE = 1e-6
FORMAT_VERSION = 1
SETTINGS_FIELDS = ("weights", "tiers", "labels", "mode", "shares", "thresholds",
                    "annualize_min_days", "frequency_classes", "rfm_rules", "playbook")
METADATA_FIELDS = ("version", "name")
