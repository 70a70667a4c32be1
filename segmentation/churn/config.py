"""Every setting of the churn warning in one frozen object (:class:`ChurnConfig`)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class ChurnConfig:
    """The settings of :func:`score_churn`, :func:`backtest` and :class:`ChurnModel`.

    One object, passed down whole, so that a default lives in one place.

    Attributes
    ----------
    window_days : W of the customer view's recent / prior windows (the trend signals).
    warning_threshold : ``churn_risk`` from which a customer's status is "warning".
    sample_size : BG/NBD, Gamma-Gamma and the gradient boosting are fitted on a
        seeded sample of at most this many customers (``None``: all); every
        customer is scored.
    backtest_sample : above this many customers at ``as_of`` the backtest reads a
        seeded sample of about this many, drawn once in the database (a hash of
        ``customer_id``, see :func:`segmentation.churn.features.sampled_tables`): the
        same customers in every window for the views, the outcomes, the time-shifted
        models' training, the judging (every sampled customer not lost) and the final
        model's training; every customer is then scored. Where the database has no
        known hash function, every customer is read and each window judges a seeded
        sample of at most this many customers not lost (``None``: all, always). At
        100,000 the standard error of a ROC-AUC is about 0.002 and of a top-10 % share
        about 0.005, well inside the differences the choice acts on.
    max_windows : rolling backtest origins judged at most (the latest first).
    min_windows_all : a model that beats the recency rule on every window is
        chosen only from this many windows on (fewer windows are judged by the
        bootstrap interval alone).
    n_boot : paired bootstrap replicates of every difference to the recency rule.
    boot_customers : a larger window is resampled from a seeded subsample of this many,
        the replicates' deviations scaled by ``sqrt(m / n)`` (see
        :func:`segmentation.churn.choice.paired_differences`).
    confidence : two-sided level of the bootstrap intervals.
    few_customers, few_churners : below these (in the smallest window) the
        figures are called uncertain, with their interval.
    calls_per_branch : the call-list capacity the backtest reports the share
        churned for (per branch; the whole list without a branch column).
    calibration : "isotonic" or "sigmoid", the probability calibration of a
        :class:`ChurnModel` used on its own
        (:class:`sklearn.calibration.CalibratedClassifierCV`), or "none" (the
        boosting's own probabilities, one model on every training customer).
        :func:`score_churn` fits its models with "none": it calibrates the score that
        ranks on the backtest's latest window, out of time, so a calibration inside
        the model would only hold out customers and add ties to the ranking.
    calibration_folds : k-fold cross-calibration (an ensemble of k models), ``None``
        (one model on three quarters, calibrated on the held-out quarter) or
        ``"auto"`` (3 folds below 50,000 training customers, ``None`` above).
    max_iter, learning_rate, max_leaf_nodes : passed to
        :class:`sklearn.ensemble.HistGradientBoostingClassifier`.
    n_threads : OpenMP threads of the gradient boosting (``None``: all cores). 1 by
        default: on a small shared machine OpenMP's busy-waiting threads make two
        threads many times slower than one.
    predict_threads : OpenMP threads of the gradient boosting's predictions (``None``: all
        cores): one parallel loop over the customers, with none of the fitting's many
        small steps that busy-waiting threads slow down (1.16 s against 1.85 s for
        800,000 customers on two cores with one of them busy; the probabilities are the
        same to the bit, whatever the threads).
    random_state : seed of every random step.
    """

    window_days: int = 90
    warning_threshold: float = 0.5
    sample_size: int | None = 200_000
    backtest_sample: int | None = 100_000
    max_windows: int = 3
    min_windows_all: int = 3
    n_boot: int = 200
    boot_customers: int | None = 20_000
    confidence: float = 0.9
    few_customers: int = 1000
    few_churners: int = 100
    calls_per_branch: int = 20
    calibration: str = "isotonic"
    calibration_folds: int | str | None = "auto"
    max_iter: int = 50
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    n_threads: int | None = 1
    predict_threads: int | None = None
    random_state: int = 7

    def __post_init__(self):
        if self.calibration not in ("isotonic", "sigmoid", "none"):
            raise ValueError(f"calibration must be 'isotonic', 'sigmoid' or 'none', got "
                             f"{self.calibration!r}")
        if int(self.max_windows) < 1 or int(self.n_boot) < 1:
            raise ValueError("max_windows and n_boot must be at least 1")
        if not 0 < float(self.confidence) < 1:
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence!r}")

    def with_(self, **changes) -> ChurnConfig:
        """A copy with ``changes`` (unknown names raise ``TypeError``)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown churn setting(s) {sorted(unknown)}")
        return replace(self, **changes)


DEFAULT_CONFIG = ChurnConfig()
