"""The output files: the scores in the contract's column order and the call list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

OUTPUT_COLUMNS = (
    "customer_id", "recency_days", "frequency", "monetary_total", "tier", "rfm_segment",
    "churn_risk", "p_alive", "clv_12m", "risk_reasons", "cluster", "persona",
)


#: churn columns copied into the output (after the contract's columns)
CHURN_COLUMNS = ("churn_risk", "p_alive", "clv_12m", "risk_reasons", "status",
                 "value_at_risk", "reason_codes")


def calls_path(out: Path) -> Path:
    """Where ``--calls-per-branch`` writes the call list: ``scores.csv`` -> ``scores.calls.csv``."""
    return out.with_name(f"{out.stem}.calls{out.suffix}")


#: Columns of the call list file, in order (those present).
CALL_COLUMNS = ("customer_id", "branch", "call_this_week", "branch_rank", "tier",
                "churn_risk", "value_at_risk", "clv_12m", "recency_days", "risk_reasons")


def calls_frame(scored: pd.DataFrame, churn: pd.DataFrame | None,
                 calls_per_branch: int) -> pd.DataFrame:
    """The call list of the Churn page (warnings only, capped per branch, the rest below)."""
    from ..churn import call_list

    if churn is None or "status" not in scored.columns:
        return pd.DataFrame(columns=list(CALL_COLUMNS))
    warned = scored[scored["status"] == "warning"]
    if "branch" not in warned.columns and "branch" in churn.columns:
        warned = warned.join(churn["branch"])
    listed = call_list(warned, calls_per_branch=calls_per_branch).reset_index()
    return listed[[c for c in CALL_COLUMNS if c in listed.columns]]


def output_frame(scored: pd.DataFrame) -> pd.DataFrame:
    out = scored.reset_index()
    out.attrs = {}  # run metadata (e.g. as_of) is not part of the file format
    for col in OUTPUT_COLUMNS:
        if col not in out.columns:
            out[col] = "" if col == "risk_reasons" else float("nan")
    rest = [c for c in out.columns if c not in OUTPUT_COLUMNS]
    out = out[list(OUTPUT_COLUMNS) + rest]
    for col in ("tier", "rfm_segment"):
        out[col] = out[col].astype(str)
    return out


def write_output(frame: pd.DataFrame, path: Path) -> None:
    """The formula-safe writer of the app's downloads, atomically (no partial file)."""
    from ..export import write_file

    write_file(frame, path)
