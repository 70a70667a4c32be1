"""Value tiers, RFM segments, frequency classes, what-if migration and tier history.

Definitions (the tiers page and the batch CLI share every one of them):

* **Scores.** R, F, M and T (tenure) percentiles in (0, 1] from the customer's
  rank among all customers of the view, higher = better (recency: fewer days
  since the last purchase; tenure: longer history). Tied values share one rank
  (``method="average"``), so equal customers get equal scores. The 1..5 scores
  are ``ceil(5 * percentile)``. A measure that is the same for every customer
  gives percentile 0.5 (score 3) for everyone and a note; a missing value ranks
  lowest (score 1) with a note. Ranks do not depend on the settings, so
  :func:`prepare_scoring` computes them once per view and :func:`assign` only
  combines them (work proportional to customers, no ranking per slider move).
* **Value score.** ``5 x`` the weighted mean of the R, F, M, T percentiles,
  weights from :attr:`TierSettings.weights` (normalised to sum 1): a number in
  (0, 5], continuous so that share cuts are exact except where customers truly
  tie.
* **Tiers by share** (``mode="share"``). Tier *i* nominally takes customers
  down to the cumulative share ``round(n x (s_1 + ... + s_i))`` (half up),
  highest value first, then:

  1. a cut never splits customers with equal value scores: the tied customers
     all join the better tier (the cut moves down to the end of the tie);
  2. a tier whose nominal share holds no customer (``round`` gives nothing, or
     the tier above already took its place through a tie) takes the best
     remaining tied group, so it is not empty;
  3. when the view has at least as many distinct value scores as tiers, a cut
     is raised if needed so that every lower tier keeps at least one customer.
     So **every tier gets at least one customer whenever there are at least
     as many distinct value scores as tiers**; with fewer, ties fill the best
     tiers first and the lowest tiers stay empty (all-equal customers are all
     in the best tier).

  Every deviation from the nominal shares is reported as a :class:`Note`.
* **Tiers by thresholds** (``mode="threshold"``). Each tier except the last
  has a :class:`Threshold`: a minimum annual spend and a minimum number of
  shipments a year (either may be ``None`` = no condition; both must hold). A
  customer gets the best tier whose thresholds they reach, else the last tier.
  Empty tiers are legitimate here and are reported as notes.
* **Annual figures.** ``exposure_days = max(tenure_days + 1, annualize_min_days)``
  (the days from the first transaction up to and including ``as_of``, but not
  fewer than ``annualize_min_days``, default 90, so that a customer first seen
  a few days ago is not extrapolated from those few days);
  ``annual_spend = monetary_total x 365 / exposure_days`` and
  ``annual_shipments = frequency x 365 / exposure_days``. A "shipment" is a
  purchase day (the view's ``frequency``). So for a customer with at least a
  year of history these are the average per year over their whole history.
* **Frequency class** from ``annual_shipments``: ``high`` at or above
  ``frequency_classes["high"]`` (default 24 a year), ``medium`` at or above
  ``frequency_classes["medium"]`` (default 6), else ``low``.
* **RFM segment** from the classic 5 x 5 R x F grid: a rules table
  (:data:`RFM_SEGMENT_RULES`, editable as :attr:`TierSettings.rfm_rules`) of
  rectangles ``r_min..r_max`` x ``f_min..f_max``; every cell must belong to
  exactly one segment (:func:`segment_grid` checks it).

Output columns added to the customer view (:data:`OUTPUT_COLUMNS`):
``r_score``, ``f_score``, ``m_score``, ``t_score`` (int64 1..5), ``value_score``
(float64), ``tier`` (categorical, categories = tier keys best first),
``rfm_segment`` (categorical, categories = segments in rule order),
``frequency_class`` (categorical ``high``, ``medium``, ``low``),
``annual_spend`` and ``annual_shipments`` (float64).

Typical use on a page (the view is not recomputed when a slider moves)::

    base = prepare_scoring(view)           # once per view (cache it)
    result = assign(base, settings)        # per slider move: tens of ms at 1M
    result.summary(); result.mix("branch"); result.grid(); result.messages(lang)
    migration(preset_result.scored["tier"], result.scored["tier"], view["monetary_total"])
"""


from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "BREAKDOWN_COLUMNS",
    "CUSTOMER_LIST_COLUMNS",
    "DEFAULT_ANNUALIZE_MIN_DAYS",
    "DEFAULT_FREQUENCY_CLASSES",
    "DEFAULT_PLAYBOOK",
    "DEFAULT_WEIGHTS",
    "FREQUENCY_CLASSES",
    "GONE",
    "MAX_ACTIONS",
    "MAX_ACTION_CHARS",
    "MAX_TIERS",
    "MEASURES",
    "MIN_TIERS",
    "NEW",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "REVENUE",
    "RFM_SEGMENT_RULES",
    "SCORE_COLUMNS",
    "TIER_SETS",
    "Note",
    "ScoringBase",
    "SettingsError",
    "Threshold",
    "TierHistory",
    "TierResult",
    "TierSettings",
    "assign",
    "assign_tiers_by_share",
    "assign_tiers_by_threshold",
    "available_breakdowns",
    "customer_list",
    "default_tier_label",
    "history_counts",
    "history_flows",
    "migration",
    "migration_flows",
    "migration_sentences",
    "month_ends",
    "moved_customers",
    "movement_summary",
    "pareto",
    "percentile_ranks",
    "playbook_frame",
    "prepare_scoring",
    "restrict_scoring",
    "rfm_grid",
    "rfm_grid_text",
    "rfm_scores",
    "rfm_segments",
    "score_customers",
    "segment_grid",
    "segment_label",
    "suggest_thresholds",
    "tier_history",
    "tier_mix",
    "tier_summary",
    "top_share",
    "value_scores",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".assignment": (
        "TierResult", "assign", "assign_tiers_by_share", "assign_tiers_by_threshold",
        "score_customers", "suggest_thresholds",
    ),
    ".constants": (
        "BREAKDOWN_COLUMNS", "DEFAULT_ANNUALIZE_MIN_DAYS", "DEFAULT_FREQUENCY_CLASSES",
        "DEFAULT_PLAYBOOK", "DEFAULT_WEIGHTS", "FREQUENCY_CLASSES", "GONE", "MAX_ACTION_CHARS",
        "MAX_ACTIONS", "MAX_TIERS", "MEASURES", "MIN_TIERS", "NEW", "OUTPUT_COLUMNS",
        "REQUIRED_COLUMNS", "REVENUE", "RFM_SEGMENT_RULES", "SCORE_COLUMNS", "TIER_SETS",
    ),
    ".history": (
        "TierHistory", "history_counts", "history_flows", "month_ends", "movement_summary",
        "tier_history",
    ),
    ".migration": ("migration", "migration_flows", "migration_sentences", "moved_customers"),
    ".notes": ("Note", "segment_label"),
    ".playbook": ("CUSTOMER_LIST_COLUMNS", "customer_list", "playbook_frame"),
    ".scoring": (
        "ScoringBase", "percentile_ranks", "prepare_scoring", "restrict_scoring", "rfm_scores",
        "rfm_segments", "value_scores",
    ),
    ".settings": (
        "SettingsError", "Threshold", "TierSettings", "default_tier_label", "segment_grid",
    ),
    ".summaries": (
        "available_breakdowns", "pareto", "rfm_grid", "rfm_grid_text", "tier_mix", "tier_summary",
        "top_share",
    ),
})
