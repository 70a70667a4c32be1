"""Heavy work once per dataset: the default results computed after a load and stored beside it.

:func:`compute_defaults` computes, at the dataset's last date with the default
window, the customer view, the Overview's cubes, the default churn scores (with
the backtest and the customers' value, CLV) and the lifecycle stages, and stores
each in a :class:`DerivedStore` (``<workspace>/derived/<dataset_id>/``, Parquet
and a JSON manifest, written atomically under the workspace's locks, removed with
the dataset). Readers (``get_view``, ``get_cubes``, ``get_churn``,
``get_lifecycle``) take the frozen key of what they ask for
(:class:`segmentation.keys.AnalysisKey`, :class:`segmentation.keys.ChurnKey`), so a
new process finds what an earlier one stored and computes nothing.

No Streamlit here: the app runs :func:`compute_defaults` in a background thread
(``ui/background.py``); the batch CLI may call it directly.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "STEPS",
    "Cancelled",
    "DerivedStore",
    "churn_defaults",
    "collect_derived",
    "compute_defaults",
    "default_key",
    "derived_folder",
    "get_churn",
    "get_cubes",
    "get_lifecycle",
    "get_view",
    "remove_derived",
    "stored_churn_defaults",
    "stored_warnings",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".defaults": (
        "STEPS", "Cancelled", "churn_defaults", "compute_defaults", "default_key",
        "stored_churn_defaults", "stored_warnings",
    ),
    ".folders": ("collect_derived", "derived_folder", "remove_derived"),
    ".results": ("get_churn", "get_cubes", "get_lifecycle", "get_view"),
    ".store": ("DerivedStore",),
})
