"""Churn warning: signals, reasons, a time-shifted model, an honest backtest, lifecycle stages.

Definitions (the page lets the user choose ``H`` and the lost cutoff):

* **Churn within H days.** A customer scored at ``as_of`` *churns* when they
  make no purchase (transaction with ``amount >= 0``, see
  :func:`segmentation.sql.is_purchase`) in the days ``(as_of, as_of + H]``.
  ``H`` is one of :data:`HORIZON_OPTIONS`; :func:`default_horizon` derives a
  default from the data's purchase cycle and the history available.
* **Lost.** A customer whose last purchase is more than ``lost_after_days``
  before ``as_of`` is *lost*: shown as lost, never as a warning, and left out
  of training and of the backtest (:func:`default_lost_after`).
* **Status.** ``"lost"`` as above; ``"warning"`` when ``churn_risk`` is at
  least the model's ``warning_threshold`` (0.5: churn is more likely than
  not); ``"ok"`` otherwise.

The model uses a *time-shifted design* so that it never learns from the
future it is judged on. For a model applied at ``as_of``:

* features are computed at the cutoff ``as_of - H`` from
  :func:`segmentation.features.customer_view` (which reads nothing dated after
  its ``as_of``), the explainable signals of :func:`churn_signals` and BG/NBD
  quantities (``p_alive``, expected purchases, CLV) fitted on that view only;
* labels are read with one separate query: who purchased in
  ``(as_of - H, as_of]``;
* the fitted model is then applied to the same features computed at ``as_of``.

:func:`backtest` shifts everything back once more: it trains with features at
``as_of - 2H`` and labels in ``(as_of - 2H, as_of - H]``, then scores at
``as_of - H`` and compares with what happened in ``(as_of - H, as_of]``, which
the model never saw. The baseline it must beat is the plain "days since the
last shipment".

Which score ranks is decided by evidence (:func:`score_churn`): the
:data:`CANDIDATES` are the time-shifted gradient boosting (:class:`ChurnModel`,
with BTYD quantities among its features), the BG/NBD probability of no
purchase in the next H days (needs no shifted labels), the recency rule and a
blend of ranks. :func:`backtest` judges every candidate that the history
allows on the latest window, ``(as_of - H, as_of]``; the chosen one beats the
recency rule on ROC-AUC without trailing it in the top 10 %, or the recency
rule ranks. The chosen score is calibrated on that backtest (isotonic, Platt
on small data). Too short a history for any check falls back to BG/NBD (or,
without repeat buyers, the recency rank) and says so; below
:data:`MIN_HISTORY_DAYS` days or :data:`MIN_CUSTOMERS` customers,
:class:`ChurnUnavailable` says what is missing.

Reasons per customer (:func:`reason_codes`) name the two or three signals
that stand out most on the risky side (or, for low-risk customers, the
reassuring side) against the whole customer base; :func:`render_reasons`
words the codes and their values in English or Chinese at the edge, so that
scoring never depends on the language.

Lifecycle stages (:func:`lifecycle_stages`) classify every customer at each
month end (new, active, at risk, lapsed, reactivated) and count the flows
between consecutive months.

Honest limits, as the backtest shows them:

* The calibration is learnt on the latest window, ``(as_of - H, as_of]``, and
  applied to the next one. When churn moves between windows (seasonality, a
  wave of departures) the probabilities are off by about as much; the ranking
  is not. The reliability curve of :class:`Backtest` is cross-fitted (each half
  calibrated on the other), so it shows the calibration's own noise, not the
  drift to the next window.
* The BG/NBD probability treats a customer without a repeat purchase as alive
  (its blind spot); only the rate term ranks those customers, which is why it
  competes on the backtest rather than being trusted by default.
* The reasons are the signals where a customer stands out most (population
  percentiles), not the model's internal attributions; they are guaranteed
  never to contradict the signal values or the customer's risk level.

Scale: the customer views and the label / same-season / lifecycle queries run
inside the database; BG/NBD and the classifier are fitted on seeded samples
(``sample_size``, 200,000 by default), the backtest judges a sample of that
size, and every customer is scored. The backtest's window is the final
model's training window, so its features and labels are computed once
(``bench/bench_churn.py`` times the whole :func:`score_churn` at 1,000,000
customers).

Nothing here imports Streamlit or reads the clock: ``as_of`` is an argument.

The modules, one concept each: :mod:`.defaults` (horizon, lost cutoff, enough
data), :mod:`.signals`, :mod:`.features` and :mod:`.labels` (what the model
knows and what happened), :mod:`.model` (:class:`ChurnModel`), :mod:`.scores`
(the scores frame), :mod:`.metrics`, :mod:`.calibration`, :mod:`.backtesting`,
:mod:`.reasoning`, :mod:`.pipeline` (:func:`score_churn`), :mod:`.calls` (the call
list and its summary figures), :mod:`.lifecycle`, :mod:`.messages` (the texts).
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "CANDIDATES",
    "DEFAULT_CALLS_PER_BRANCH",
    "FEATURE_COLUMNS",
    "MIN_CUSTOMERS",
    "MIN_HISTORY_DAYS",
    "HORIZON_OPTIONS",
    "NOT_YET",
    "REASON_RULES",
    "RISK_CODES",
    "SHEET_FORMATS",
    "SIGNAL_COLUMNS",
    "STAGES",
    "STATUSES",
    "Backtest",
    "Calibration",
    "CallList",
    "CallSheet",
    "ChurnConfig",
    "ChurnModel",
    "ChurnResult",
    "ChurnSummary",
    "ChurnUnavailable",
    "Lifecycle",
    "ViewCache",
    "backtest",
    "call_list",
    "call_sheet",
    "check_enough_data",
    "churn_features",
    "churn_labels",
    "churn_signals",
    "default_horizon",
    "default_lost_after",
    "history_days",
    "is_lost",
    "lifecycle_stages",
    "Ranking",
    "choose",
    "paired_differences",
    "window_cutoffs",
    "lost_customers",
    "ranking_metrics",
    "reason_candidates",
    "reason_codes",
    "reason_labels",
    "reasons",
    "render_main_reason",
    "render_reasons",
    "score_churn",
    "summarize",
    "thin_evidence",
    "top_share_metrics",
    "training_set",
    "typical_interval",
    "warning_list",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".backtesting": ("CANDIDATES", "Backtest", "backtest", "window_cutoffs",),
    ".calibration": ("Calibration",),
    ".calls": (
        "DEFAULT_CALLS_PER_BRANCH", "CallList", "CallSheet", "ChurnSummary", "call_list",
        "call_sheet", "summarize", "warning_list", "SHEET_FORMATS", "thin_evidence",
    ),
    ".choice": ("choose", "paired_differences",),
    ".config": ("ChurnConfig",),
    ".defaults": (
        "HORIZON_OPTIONS", "MIN_CUSTOMERS", "MIN_HISTORY_DAYS", "ChurnUnavailable",
        "check_enough_data", "default_horizon", "default_lost_after", "history_days",
        "typical_interval",
    ),
    ".explain": ("Ranking",),
    ".features": ("ViewCache", "churn_features",),
    ".labels": ("churn_labels", "training_set",),
    ".lifecycle": (
        "NOT_YET", "STAGES", "Lifecycle", "lifecycle_stages", "is_lost", "lost_customers",
    ),
    ".metrics": ("ranking_metrics", "top_share_metrics",),
    ".model": ("FEATURE_COLUMNS", "ChurnModel",),
    ".pipeline": ("ChurnResult", "score_churn",),
    ".reasoning": (
        "REASON_RULES", "reason_candidates", "reason_codes", "reasons", "render_reasons",
        "RISK_CODES", "render_main_reason", "reason_labels",
    ),
    ".scores": ("STATUSES",),
    ".signals": ("SIGNAL_COLUMNS", "churn_signals",),
})
