"""Satisfaction surveys (满意度调查) and complaint handling (投诉处理).

Definitions (the satisfaction page shows these; tests check each on hand-made data):

* **Scale.** A survey scale is a row of :data:`SCALES`: ``1-5`` and ``1-7``
  give a **CSAT**, the share of "satisfied" answers (the top two boxes:
  4-5, 6-7); ``0-10`` gives an **NPS**, the share of promoters (9-10) minus the
  share of detractors (0-6), a number in [-1, 1] shown as -100..+100;
  ``0-100`` gives a CSAT with satisfied from 80. :func:`detect_scale` picks the
  smallest scale that holds every score; the user can override it.
* **Uncertainty band** of a period's figure, at ``confidence`` (default 95 %):
  the Wilson score interval for a CSAT share; the normal approximation
  ``NPS ± z·sqrt((p_promoter + p_detractor - NPS²) / n)`` (clipped to
  [-1, 1]) for an NPS; Student's t interval ``mean ± t·s/sqrt(n)`` for a mean
  score. No band with fewer than two responses.
* **Alert** (:func:`score_alerts`): a group (a branch, a tier, a region, a
  customer type) whose CSAT / NPS in the current period ``(as_of - P, as_of]``
  fell below its baseline, the ``baseline_periods`` periods before it, by more
  than the noise allows:

  ``adj_now - adj_base < -z · sqrt(v_now + v_base)``

  where ``adj`` is the figure with one "good" and one "bad" pseudo-answer
  added (Agresti-Caffo: a CSAT share ``(good + 1) / (n + 2)``, an NPS with one
  promoter and one detractor more) and ``v`` its variance (``p(1-p)/(n+2)``;
  ``(p_prom + p_det - NPS²) / (n + 2)`` for an NPS). This is a one-sided
  two-sample test of the drop at about 2.5 % for ``z = 1.96``; the pseudo
  answers keep a 5-out-of-5 branch from having zero variance. Both periods
  need at least ``min_responses`` answers.
* **Key drivers** (:func:`key_drivers`): importance of a dimension = its
  standardised coefficient in a least-squares regression of the overall score
  on all dimensions (so that a dimension that merely moves with the others
  gets little credit); performance = the dimension's mean score. The quadrant
  splits at the medians of the dimensions shown (importance-performance
  analysis): ``fix`` (important, weak), ``keep`` (important, strong),
  ``overkill`` (less important, strong), ``low_priority`` (less important, weak).
* **Complaints.** A complaint counts from its ``date``; it is *open* at
  ``as_of`` when its ``resolved_date`` is after ``as_of``, or when it has no
  resolved date and its ``status`` is missing or ``open`` (the customer view
  uses the same rule). Resolution time = ``resolved_date - date`` in days;
  age of an open complaint = ``as_of - date``; an open complaint is *past the
  SLA* when its age exceeds ``sla_days``. A *shipment* is a transaction with
  ``amount >= 0`` (as on the overview); rates are complaints per 1,000
  shipments of the same customers in the same period.
* **Voice of the customer** (:func:`top_terms`): the share of comments that
  mention a term. Chinese has no spaces, so CJK runs are cut into character
  n-grams (2..``max_n``) that neither start nor end with a function character
  (的, 了, 吗 …); English is cut into words (stop words dropped) and two-word
  phrases. A term is dropped when a longer term containing it occurs in at
  least 80 % of its comments (so "快递太慢" is kept, its fragment "递太" is
  not). No dictionary, no model, nothing downloaded.

* **Whose answers.** Surveys and complaints inherit the attributes (branch,
  region, customer type, urban/rural, tier) of their customer: from the
  customer view, or from the customers table for a customer without any
  shipment up to ``as_of`` (who then has no tier). With no filter and no tier
  chosen every row counts, also rows without a customer id; with any, only
  the rows of matching customers.

Typical use (the satisfaction page does this)::

    attrs = customer_attributes(view, customers=read_table(engine, "customers"))
    ships = shipment_counts(engine, shipment_windows(as_of))
    data = prepare(read_table(engine, "surveys", as_of=as_of),
                   read_table(engine, "complaints", as_of=as_of), attrs, ships, as_of=as_of)
    data = data.select(filters).with_tiers(tiers).select(tiers=["vip"])
    headline(data); survey_trend(data); score_alerts(data); key_drivers(data, by="tier")
    complaint_trend(data); sla_breaches(data, sla_days=7); top_terms(comments)

Nothing here imports Streamlit or reads the clock: ``as_of`` is an argument.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "CURRENT",
    "DRIVER_QUADRANTS",
    "GROUP_COLUMNS",
    "PREVIOUS",
    "SCALES",
    "Scale",
    "SatisfactionData",
    "SatisfactionError",
    "churn_groups",
    "COMPLAINT_TEXT_COLUMNS",
    "complaint_breakdown",
    "complaint_mix",
    "complaint_texts",
    "complaint_trend",
    "compare_groups",
    "customer_attributes",
    "detect_scale",
    "dimension_trend",
    "get_scale",
    "scale_mismatch",
    "headline",
    "index_estimates",
    "key_drivers",
    "label",
    "low_score_comments",
    "mean_interval",
    "month_windows",
    "load",
    "prepare",
    "prepare_complaints",
    "read_table",
    "repeat_complainers",
    "resolution_summary",
    "score_alerts",
    "segment_summary",
    "shipment_counts",
    "shipment_windows",
    "sla_breaches",
    "survey_dimensions",
    "survey_trend",
    "tokenize",
    "top_terms",
    "wilson_interval",
    "ComplaintRanking",
    "Kpi",
    "complaint_options",
    "complaint_ranking",
    "display_points",
    "driver_highlights",
    "headline_cards",
    "low_score_choices",
    "top_tier_groups",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".complaints": (
        "complaint_breakdown", "complaint_mix", "complaint_trend", "repeat_complainers",
        "resolution_summary", "sla_breaches",
    ),
    ".data": (
        "SatisfactionData", "customer_attributes", "load", "month_windows", "prepare",
        "prepare_complaints", "read_table", "shipment_counts", "shipment_windows",
    ),
    ".drivers": ("key_drivers",),
    ".indices": ("index_estimates", "mean_interval", "wilson_interval",),
    ".report": (
        "ComplaintRanking", "Kpi", "complaint_options", "complaint_ranking", "display_points",
        "driver_highlights", "headline_cards", "low_score_choices", "top_tier_groups",
    ),
    ".scales": (
        "COMPLAINT_TEXT_COLUMNS", "CURRENT", "DRIVER_QUADRANTS", "GROUP_COLUMNS", "PREVIOUS",
        "SCALES", "SatisfactionError", "Scale", "detect_scale", "get_scale", "label",
        "survey_dimensions", "scale_mismatch",
    ),
    ".segments": ("churn_groups", "segment_summary",),
    ".trends": ("compare_groups", "dimension_trend", "headline", "score_alerts", "survey_trend",),
    ".voice": ("complaint_texts", "low_score_comments", "tokenize", "top_terms",),
})
