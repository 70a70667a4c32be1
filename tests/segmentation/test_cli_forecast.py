"""``python -m segmentation forecast`` on sample files and on bad input (a real subprocess)."""

from __future__ import annotations

import pandas as pd
import pytest

from .test_cli import SAMPLE, run_cli

COLUMNS = ["level", "region", "branch", "week",
           "shipments", "shipments_lower_80", "shipments_upper_80", "shipments_lower_95",
           "shipments_upper_95", "shipments_method",
           "revenue", "revenue_lower_80", "revenue_upper_80", "revenue_lower_95",
           "revenue_upper_95", "revenue_method"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fc") / "forecast.csv"
    proc = run_cli("forecast", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--customers", str(SAMPLE / "customers.parquet"),
                   "--as-of", "2024-10-13", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(out, encoding="utf-8-sig"), proc


def test_one_row_per_series_and_week_with_both_intervals(run):
    frame, proc = run
    customers = pd.read_parquet(SAMPLE / "customers.parquet")
    n_branches, n_regions = customers["branch"].nunique(), customers["region"].nunique()
    assert list(frame.columns) == COLUMNS
    assert len(frame) == (n_branches + n_regions + 1) * 13
    assert frame.groupby(["level", "region", "branch"], dropna=False).size().eq(13).all()
    weeks = pd.to_datetime(frame["week"])
    assert weeks.min() == pd.Timestamp("2024-10-14") and (weeks.dt.day_of_week == 0).all()
    assert (frame["shipments_lower_95"] <= frame["shipments_lower_80"]).all()
    assert (frame["shipments_upper_80"] <= frame["shipments_upper_95"]).all()
    # the network is the sum of its branches, week by week (bottom-up reconciliation)
    by = frame.groupby(["week", "level"])["revenue"].sum().unstack("level")
    assert by["network"].to_numpy() == pytest.approx(by["branch"].to_numpy())
    assert "backtest Shipments branch: MASE" in proc.stderr
    assert "forecast: " in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["--out", "x.txt"], "use a .csv, .xlsx or .parquet"),
    (["--as-of", "someday", "--out", "x.csv"], "is not a date"),
    (["--customers", "c.csv", "--out", "x.csv"], "--transactions"),
], ids=["suffix", "as-of", "no-transactions"])
def test_bad_arguments_get_one_line(args, message):
    proc = run_cli("forecast", *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("lang, words", [("en", "complete weeks"), ("zh", "完整周")],
                         ids=["en", "zh"])
def test_too_short_a_history_is_refused_in_the_language_asked(tmp_path, lang, words):
    tx = pd.DataFrame({"customer_id": ["c1", "c2", "c1"],
                       "date": ["2025-01-06", "2025-01-08", "2025-01-20"],
                       "amount": [10.0, 20.0, 5.0], "branch": ["A", "A", "B"]})
    path = tmp_path / "tx.csv"
    tx.to_csv(path, index=False)
    out = tmp_path / "fc.csv"
    proc = run_cli("forecast", "--transactions", str(path), "--lang", lang, "--out", str(out))
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert not out.exists()
