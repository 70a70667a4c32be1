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


@pytest.fixture(scope="module")
def scored_run(tmp_path_factory) -> tuple[pd.DataFrame, subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("cli") / "scores.csv"
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--customers", str(SAMPLE / "customers.parquet"),
                   "--surveys", str(SAMPLE / "surveys.parquet"),
                   "--complaints", str(SAMPLE / "complaints.parquet"),
                   "--as-of", "2025-03-31", "--calls-per-branch", "5", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(out, encoding="utf-8-sig", dtype={"customer_id": str}), proc, out


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segmentation", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scored(scored_run) -> pd.DataFrame:
    return scored_run[0]


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
    tx = tx[(tx["date"] <= "2025-03-31") & (tx["amount"] >= 0)]  # amount 0 is an order too
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


def test_cli_names_the_ranking_and_writes_the_call_list(scored_run):
    scored, proc, out = scored_run
    churn_lines = [line for line in proc.stderr.splitlines() if line.startswith("churn: ")]
    assert len(churn_lines) == 1
    assert churn_lines[0].startswith("churn: Ranked by the ")
    assert "ROC-AUC" in churn_lines[0]
    calls = pd.read_csv(out.with_name("scores.calls.csv"), encoding="utf-8-sig",
                        dtype={"customer_id": str})
    warned = scored[scored["status"] == "warning"]
    assert set(calls["customer_id"]) == set(warned["customer_id"])
    week = calls[calls["call_this_week"]]
    assert week.groupby("branch").size().max() == 5
    assert calls["call_this_week"].is_monotonic_decreasing  # this week's calls first
    assert week["value_at_risk"].is_monotonic_decreasing
    # each branch's calls are its 5 highest values at risk (ties: risk, then customer id)
    top = warned.sort_values(["value_at_risk", "churn_risk", "customer_id"],
                             ascending=[False, False, True]).groupby("branch").head(5)
    assert set(week["customer_id"]) == set(top["customer_id"])
    assert f"call list: {len(week):,} calls this week (up to 5 per branch)" in proc.stdout


def test_cli_takes_the_capacity_from_the_preset(tmp_path):
    preset = tmp_path / "preset.json"
    preset.write_text(json.dumps({"tiers": ["gold", "rest"], "shares": [0.25, 0.75],
                                  "churn": {"calls_per_branch": 3}}))
    out = tmp_path / "scores.parquet"
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--customers", str(SAMPLE / "customers.parquet"), "--preset", str(preset),
                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    calls = pd.read_parquet(tmp_path / "scores.calls.parquet")
    assert calls.loc[calls["call_this_week"]].groupby("branch").size().max() == 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"churn": {"calls_per_branch": 0}}))
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--preset", str(bad), "--out", str(tmp_path / "x.csv"))
    assert proc.returncode == 2 and "churn.calls_per_branch" in proc.stderr


def _nine_months(folder: Path) -> list[str]:
    args = []
    end = pd.read_parquet(SAMPLE / "transactions.parquet")["date"].max()
    for name in ("transactions", "customers", "surveys", "complaints"):
        frame = pd.read_parquet(SAMPLE / f"{name}.parquet")
        if name != "customers":
            frame = frame[frame["date"] > end - pd.Timedelta(days=270)]
        frame.to_parquet(folder / f"{name}.parquet")
        args += [f"--{name}", str(folder / f"{name}.parquet")]
    return args


def _one_branch(folder: Path) -> list[str]:
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    tx = tx[tx["date"] > tx["date"].max() - pd.Timedelta(days=180)]
    branch = tx["branch"].value_counts().index[0]
    ids = tx.loc[tx["branch"] == branch, "customer_id"].drop_duplicates().head(60)
    tx[tx["customer_id"].isin(ids)].to_csv(folder / "branch.csv", index=False)
    return ["--transactions", str(folder / "branch.csv")]


@pytest.mark.parametrize(("make", "n", "model"), [
    (_nine_months, 14_801, "time-shifted model (gradient boosting)"),
    (_one_branch, 60, "BG/NBD probability of no purchase"),
], ids=["nine-months", "one-branch-60"])
def test_cli_fills_churn_on_short_and_small_data(tmp_path, make, n, model):
    out = tmp_path / "scores.csv"
    proc = run_cli("score", *make(tmp_path), "--calls-per-branch", "20", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "churn columns left empty" not in proc.stderr
    scored = pd.read_csv(out, encoding="utf-8-sig")
    assert len(scored) == n
    assert scored["churn_risk"].notna().all() and scored["churn_risk"].between(0, 1).all()
    assert scored["risk_reasons"].fillna("").str.len().gt(0).all()
    assert f"churn: Ranked by the {model}" in proc.stderr
    assert (tmp_path / "scores.calls.csv").exists()


def test_cli_nine_months_of_slow_shippers_fill_churn(tmp_path):
    """The issue's failure: the cycle asks for H = 180 on 269 days; it used to end with
    "churn columns left empty: only 0 customers to learn from at the cutoff"."""
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    tx = tx[tx["date"] > tx["date"].max() - pd.Timedelta(days=270)]
    tx[tx["date"].dt.day_of_year % 4 == 0].to_parquet(tmp_path / "tx.parquet")
    out = tmp_path / "scores.csv"
    proc = run_cli("score", "--transactions", str(tmp_path / "tx.parquet"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "left empty" not in proc.stderr and "latest 90 days" in proc.stderr
    assert pd.read_csv(out)["churn_risk"].notna().all()


def test_cli_too_little_data_says_what_is_missing(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\n"
                    + "".join(f"C{i % 5},2025-01-{i + 1:02d},10\n" for i in range(20)),
                    encoding="utf-8")
    proc = run_cli("score", "--transactions", str(path), "--out", str(tmp_path / "o.csv"),
                   "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    assert ("warning: churn columns left empty: 流失预警至少需要 20 位有购买记录的客户；"
            "当前数据只有 5 位") in proc.stderr
