"""Customer tiering for branch networks: the UI-free library.

The public names are re-exported here; submodules are topical (see DESIGN.md).
"""

from ._lazy import lazy_exports

__all__ = [
    "BetaGeoModel", "ChurnModel", "CustomerClusterer", "DataError", "GammaGammaModel",
    "PresetStore", "Problem", "TierSettings", "Workspace", "assign", "backtest",
    "cluster_assignments", "cluster_profiles", "customer_view", "customer_view_query",
    "data_as_of", "lifecycle_stages", "load_files", "load_sample", "prepare_dataset",
    "prepare_scoring", "prepare_table", "query_sql", "read_any", "read_workbook_tables",
    "score_churn", "score_clv", "score_customers", "suggest_k", "suggest_mapping",
    "view_queries", "warning_list",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".churn": ("ChurnModel", "backtest", "lifecycle_stages", "score_churn", "warning_list"),
    ".cleaning": ("load_files", "prepare_dataset", "prepare_table"),
    ".clusters": ("CustomerClusterer", "cluster_assignments", "cluster_profiles", "suggest_k"),
    ".clv": ("BetaGeoModel", "GammaGammaModel", "score_clv"),
    ".features": (
        "customer_view", "customer_view_query", "data_as_of", "query_sql", "view_queries",
    ),
    ".presets": ("PresetStore",),
    ".schema": ("DataError", "Problem"),
    ".sources": ("read_any", "read_workbook_tables", "suggest_mapping"),
    ".tiers": ("TierSettings", "assign", "prepare_scoring", "score_customers"),
    ".workspace": ("Workspace", "load_sample"),
})
