"""Shipment-volume forecast (业务量预测): weekly shipments and revenue per branch, region and
the network, 13 weeks ahead with 80 % / 95 % intervals, Chinese shipping events as known
events, a rolling-origin backtest against seasonal naive, bottom-up reconciliation.

See :mod:`.model` (the methods), :mod:`.engine` (backtest, choice, reconciliation),
:mod:`.calendar` (Spring Festival, 618, Double 11) and :mod:`.pipeline` (the result).
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "EVENTS",
    "ForecastConfig",
    "ForecastResult",
    "ForecastUnavailable",
    "LEVELS",
    "METHODS",
    "METRICS",
    "SPRING_FESTIVAL",
    "WeeklyPanel",
    "capacity_notes",
    "event_regressors",
    "forecast_from_engine",
    "forecast_network",
    "forecast_panel",
    "method_note",
    "output_frame",
    "spring_festival",
    "usual_week",
    "weekly_panel",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".calendar": ("EVENTS", "SPRING_FESTIVAL", "event_regressors", "spring_festival"),
    ".errors": ("ForecastUnavailable",),
    ".model": ("ForecastConfig",),
    ".engine": ("METHODS",),
    ".series": ("METRICS", "WeeklyPanel", "weekly_panel"),
    ".pipeline": ("LEVELS", "ForecastResult", "forecast_network", "forecast_panel",
                  "forecast_from_engine", "output_frame", "usual_week"),
    ".notes": ("capacity_notes", "method_note"),
})
