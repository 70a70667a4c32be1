"""The batch CLI on the sample and on bad input (run as a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
REQUIRED = ["customer_id", "recency_days", "frequency", "monetary_total", "tier", "rfm_segment",
            "churn_risk", "p_alive", "clv_12m", "risk_reasons", "cluster", "persona"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segmentation", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("cli") / "scores.csv"
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--customers", str(SAMPLE / "customers.parquet"),
                   "--surveys", str(SAMPLE / "surveys.parquet"),
                   "--complaints", str(SAMPLE / "complaints.parquet"),
                   "--as-of", "2025-03-31", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "scored" in proc.stdout
    return pd.read_csv(out, encoding="utf-8-sig", dtype={"customer_id": str})


def test_cli_scores_every_customer_of_the_sample(scored):
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    active = tx.loc[(tx["date"] <= "2025-03-31"), "customer_id"].nunique()
    assert list(scored.columns[: len(REQUIRED)]) == REQUIRED
    assert len(scored) == active and scored["customer_id"].is_unique
    shares = scored["tier"].value_counts(normalize=True)
    assert shares["vip"] == pytest.approx(0.10, abs=0.01)
    assert shares["low"] == pytest.approx(0.40, abs=0.02)
    assert scored["rfm_segment"].nunique() == 11
    assert scored["recency_days"].min() >= 0


def test_cli_fills_churn_columns(scored):
    assert scored["churn_risk"].between(0, 1).all()
    assert scored["p_alive"].between(0, 1).all()
    assert (scored["clv_12m"] >= 0).all()
    assert scored["risk_reasons"].fillna("").str.len().gt(0).all()
    assert set(scored["status"]) <= {"ok", "warning", "lost"}
    high = scored[scored["churn_risk"] >= scored["churn_risk"].quantile(0.9)]
    risky = "no shipment|down|fell|complaint|rarely|only one shipment|new customer"
    assert high["risk_reasons"].str.contains(risky).all()


def test_cli_assigns_clusters_and_personas(scored):
    assert sorted(scored["cluster"].unique()) == list(range(6))
    names = scored.groupby("cluster")["persona"].unique()
    assert names.map(len).eq(1).all() and names.map(lambda n: n[0]).is_unique
    spend = scored.groupby("cluster")["monetary_total"].median()
    assert spend.idxmax() == 0  # clusters are numbered by value


def test_cli_frequency_matches_the_raw_file(scored):
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    tx = tx[(tx["date"] <= "2025-03-31") & (tx["amount"] > 0)]
    expected = tx.groupby("customer_id")["date"].nunique()
    got = scored.set_index("customer_id")["frequency"]
    assert (got.reindex(expected.index) == expected).all()


def test_cli_preset_changes_tier_shares(tmp_path):
    preset = tmp_path / "preset.json"
    preset.write_text(json.dumps({"tiers": ["gold", "rest"], "shares": [0.25, 0.75]}))
    out = tmp_path / "scores.parquet"
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--preset", str(preset), "--no-churn", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    tiers = pd.read_parquet(out)["tier"].value_counts(normalize=True)
    assert set(tiers.index) == {"gold", "rest"}
    assert tiers["gold"] == pytest.approx(0.25, abs=0.01)


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("client,when\nA,2024-01-01\n", [], "required column 'customer_id' was not found"),
        ("customer_id,date,amount\n", [], "no data rows"),
        (None, [], "file not found"),
        ("customer_id,date,amount\nA,2024-01-01,3\n", ["--as-of", "someday"],
         "--as-of 'someday' is not a date"),
    ],
    ids=["wrong-columns", "empty", "missing-file", "bad-as-of"],
)
def test_cli_bad_input_exits_nonzero_with_one_line(tmp_path, content, extra, message):
    path = tmp_path / "tx.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run_cli("score", "--transactions", str(path), "--out", str(tmp_path / "o.csv"),
                   *extra)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_cli_messages_in_chinese(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("client,when\nA,2024-01-01\n", encoding="utf-8")
    proc = run_cli("score", "--transactions", str(path), "--out", str(tmp_path / "o.csv"),
                   "--lang", "zh")
    assert proc.returncode == 2 and "客户编号" in proc.stderr


def test_cli_churn_equals_what_the_page_computes(scored, tmp_path):
    """The page calls score_churn on the workspace holding the same (validated) data."""
    from segmentation.churn import score_churn
    from segmentation.workspace import Workspace, load_sample

    ws = Workspace(tmp_path / "ws")
    load_sample(ws)
    page = score_churn(ws.engine(), as_of=pd.Timestamp("2025-03-31")).scores
    cli = scored.set_index("customer_id")
    assert set(page.index) == set(cli.index)
    diff = (page["churn_risk"] - cli.loc[page.index, "churn_risk"]).abs()
    assert diff.max() < 1e-9
    assert (page["risk_reasons"] == cli.loc[page.index, "risk_reasons"]).all()
