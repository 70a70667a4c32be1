"""Customer tiering for branch networks: the UI-free library.

The public names are re-exported here; submodules are topical (see DESIGN.md).
"""

from .churn import ChurnModel, backtest, lifecycle_stages, score_churn, warning_list
from .cleaning import load_files, prepare_dataset, prepare_table
from .clusters import CustomerClusterer, cluster_assignments, cluster_profiles, suggest_k
from .clv import BetaGeoModel, GammaGammaModel, score_clv
from .features import customer_view, customer_view_query, data_as_of, query_sql, view_queries
from .presets import PresetStore
from .schema import DataError, Problem
from .sources import read_any, read_workbook_tables, suggest_mapping
from .tiers import TierSettings, assign, prepare_scoring, score_customers
from .workspace import Workspace, load_sample

__all__ = [
    "BetaGeoModel", "ChurnModel", "CustomerClusterer", "DataError", "GammaGammaModel",
    "PresetStore", "Problem", "TierSettings", "Workspace", "assign", "backtest",
    "cluster_assignments", "cluster_profiles", "customer_view", "customer_view_query",
    "data_as_of", "lifecycle_stages", "load_files", "load_sample", "prepare_dataset",
    "prepare_scoring", "prepare_table", "query_sql", "read_any", "read_workbook_tables",
    "score_churn", "score_clv", "score_customers", "suggest_k", "suggest_mapping",
    "view_queries", "warning_list",
]
