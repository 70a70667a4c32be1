"""The volume forecast: holiday calendar, weekly panel, methods, backtest, fallback to
seasonal naive, reconciliation, scope, and the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.access import Scope
from segmentation.forecast import (
    SPRING_FESTIVAL,
    ForecastConfig,
    ForecastResult,
    ForecastUnavailable,
    WeeklyPanel,
    event_regressors,
    forecast_panel,
    weekly_panel,
)
from segmentation.forecast.model import harmonic, mase_scale, seasonal_naive
from segmentation.forecast.series import last_complete_week

START = pd.Timestamp("2022-01-03")  # a Monday


# ----------------------------------------------------------------------------- calendar
def test_spring_festival_week_shares_by_hand():
    # 2024: Spring Festival on Saturday 10 Feb; its week runs Mon 5 - Sun 11 Feb
    x = event_regressors(pd.DatetimeIndex(["2024-02-05", "2024-11-11", "2024-07-01"]))
    assert x.loc["2024-02-05", "sf_holiday"] == pytest.approx(2 / 7)   # 10, 11 Feb
    assert x.loc["2024-02-05", "sf_eve"] == pytest.approx(5 / 7)       # 5-9 Feb
    assert x.loc["2024-11-11", "d11"] == pytest.approx(1.0)            # 11-17 Nov in [7, 17]
    assert x.loc["2024-07-01"].sum() == 0                              # nothing in July


def test_spring_festival_moves_with_the_lunar_calendar():
    weeks = pd.date_range("2023-01-02", "2024-12-30", freq="7D")
    x = event_regressors(weeks)
    holiday_weeks = x.index[x["sf_holiday"] > 0.5]
    assert list(holiday_weeks) == [pd.Timestamp("2023-01-23"), pd.Timestamp("2024-02-12")]


def test_table_agrees_with_the_sample_generator():
    from data.generate_sample import SPRING_FESTIVAL as GENERATOR

    assert {y: d for y, d in SPRING_FESTIVAL.items() if y in GENERATOR} == GENERATOR


@pytest.mark.parametrize("lang, words", [("en", "2070"), ("zh", "春节日期")], ids=["en", "zh"])
def test_years_outside_the_table_are_refused(lang, words):
    with pytest.raises(ForecastUnavailable) as err:
        event_regressors(pd.DatetimeIndex(["2070-03-02"]))
    assert err.value.code == "calendar" and words in err.value.message(lang)


# ------------------------------------------------------------------------------- panel
def test_last_complete_week():
    assert last_complete_week(pd.Timestamp("2025-06-29")) == pd.Timestamp("2025-06-23")  # Sun
    assert last_complete_week(pd.Timestamp("2025-06-30")) == pd.Timestamp("2025-06-23")  # Mon
    assert last_complete_week(pd.Timestamp("2025-06-28")) == pd.Timestamp("2025-06-16")  # Sat


def _cube(days: int = 80) -> pd.DataFrame:
    """Two branches, daily; B opens on day 30; A's customers are mostly in region R1."""
    day = pd.date_range("2024-01-03", periods=days, freq="D")  # a Wednesday: week 1 partial
    a = pd.DataFrame({"day": day, "branch": "A", "region": "R1", "shipments": 2.0,
                      "revenue": 20.0})
    a2 = pd.DataFrame({"day": day[:5], "branch": "A", "region": "R2", "shipments": 1.0,
                       "revenue": 5.0})
    b = pd.DataFrame({"day": day[30:], "branch": "B", "region": "R2", "shipments": 1.0,
                      "revenue": 10.0})
    none = pd.DataFrame({"day": day[:3], "branch": pd.NA, "region": "R1", "shipments": 4.0,
                         "revenue": 1.0})
    return pd.concat([a, a2, b, none], ignore_index=True)


def test_weekly_panel_complete_weeks_starts_and_regions():
    panel = weekly_panel(_cube(), as_of=pd.Timestamp("2024-03-20"))
    assert panel.weeks[0] == pd.Timestamp("2024-01-08")   # first full week
    assert panel.weeks[-1] == pd.Timestamp("2024-03-11")  # last full week up to as_of
    assert panel.branches["branch"].tolist() == ["A", "B"]
    assert panel.branches["region"].tolist() == ["R1", "R2"]  # A: mostly R1
    ship = panel.values["shipments"]
    assert ship[0, 0] == 14.0 and np.isnan(ship[0, 1])       # B not open yet
    b_start = panel.starts[1]
    assert panel.weeks[b_start] == pd.Timestamp("2024-01-29")  # B opens Fri 2 Feb
    assert ship[b_start, 1] == 3.0 and ship[b_start + 1, 1] == 7.0
    assert panel.unassigned == 12.0


@pytest.mark.parametrize("lang, words", [("en", "Only 3 complete weeks"), ("zh", "3 个完整周")],
                         ids=["en", "zh"])
def test_too_little_history_says_what_is_missing(lang, words):
    with pytest.raises(ForecastUnavailable) as err:
        weekly_panel(_cube(days=30), as_of=pd.Timestamp("2024-02-01"))
    assert err.value.code == "history" and words in err.value.message(lang)


# ------------------------------------------------------------------------------ methods
def test_mase_scale_and_seasonal_naive_by_hand():
    values = np.arange(60, dtype=float)[:, None] * np.array([[1.0, 0.0]])  # trend; constant
    scale = mase_scale(values)
    assert scale[0] == pytest.approx(52.0)   # y_t - y_{t-52} = 52 for a unit trend
    assert np.isnan(scale[1])                # a constant series has no scale
    short = mase_scale(np.array([[1.0], [3.0], [2.0]]))
    assert short[0] == pytest.approx(1.5)    # below a year: naive lag 1
    block = seasonal_naive(values, 3, (80,))
    assert block.mean[:, 0].tolist() == [8.0, 9.0, 10.0]      # the weeks a year before
    half = 52.0 * 1.2815516
    assert block.upper[80][0, 0] == pytest.approx(8.0 + half, rel=1e-6)
    assert block.lower[80][0, 0] == 0.0                        # clipped at zero


def _simulate(n_weeks: int, k: int, *, seed: int = 7, d11: float = 2.5, noise: float = 0.1,
              level: float = 200.0) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """``k`` weekly series with a yearly wave, a planted Double 11 multiplier and
    lognormal noise."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(START, periods=n_weeks, freq="7D")
    x = event_regressors(weeks)
    yearly = 0.2 * np.sin(2 * np.pi * weeks.day_of_year.to_numpy() / 365.25)
    log_mean = np.log(level) + yearly + np.log(d11) * x["d11"].to_numpy()
    values = np.exp(log_mean[:, None] + rng.normal(0, noise, (n_weeks, k)))
    return weeks, values


def test_harmonic_model_recovers_the_planted_double_11_peak():
    weeks, values = _simulate(160, 50)
    train_end = int(np.flatnonzero(weeks == pd.Timestamp("2024-10-21"))[0])
    block = harmonic(values[:train_end], weeks[:train_end], 13, ForecastConfig())
    ahead = pd.date_range(weeks[train_end], periods=13, freq="7D")
    peak = int(np.flatnonzero(ahead == pd.Timestamp("2024-11-11"))[0])
    ratio = block.mean[peak] / block.mean[0]   # the Nov 11 week against late October
    assert np.median(ratio) == pytest.approx(2.5, rel=0.15)
    # the intervals hold about as often as they say on fresh data from the same process
    actual = values[train_end:train_end + 13]
    inside80 = ((actual >= block.lower[80]) & (actual <= block.upper[80])).mean()
    inside95 = ((actual >= block.lower[95]) & (actual <= block.upper[95])).mean()
    assert 0.70 <= inside80 <= 0.90 and 0.88 <= inside95 <= 0.99


# ------------------------------------------------------------------- pipeline, backtest
def _panel(values: np.ndarray, weeks: pd.DatetimeIndex, regions: list[str],
           starts: list[int] | None = None) -> WeeklyPanel:
    k = values.shape[1]
    starts_arr = np.array(starts or [0] * k)
    ship = values.copy()
    ship[np.arange(len(weeks))[:, None] < starts_arr[None, :]] = np.nan
    return WeeklyPanel(weeks, pd.DataFrame({
        "branch": pd.array([f"B{i}" for i in range(k)], dtype="string"),
        "region": pd.array(regions, dtype="string")}),
        {"shipments": ship, "revenue": ship * 10}, starts_arr)


@pytest.fixture(scope="module")
def mixed() -> ForecastResult:
    """B0, B1: smooth seasonal series with Double 11 (the model's kind); B2: a random
    pattern repeated every 52 weeks (seasonal naive's kind); B3: 40 weeks of history;
    B4: 66 weeks (the model fits at the end, but no backtest origin had 60 weeks)."""
    weeks, smooth = _simulate(156, 2, seed=3)
    rng = np.random.default_rng(11)
    pattern = rng.uniform(50, 400, 52)
    repeated = np.tile(pattern, 3) * np.exp(rng.normal(0, 0.01, 156))
    _, young = _simulate(156, 2, seed=5)
    values = np.column_stack([smooth, repeated, young])
    return forecast_panel(_panel(values, weeks, ["N", "N", "S", "S", "S"],
                                 starts=[0, 0, 0, 116, 90]))


def test_fallback_to_seasonal_naive_where_the_model_does_not_beat_it(mixed):
    bt = mixed.backtest[(mixed.backtest["level"] == "branch")
                        & (mixed.backtest["metric"] == "shipments")].set_index("branch")
    assert bt.loc["B0", "method"] == "model" and bt.loc["B0", "reason"] == "beats"
    assert bt.loc["B0", "mase_model"] < bt.loc["B0", "mase_snaive"]
    assert bt.loc["B2", "method"] == "snaive" and bt.loc["B2", "reason"] == "no_better"
    assert bt.loc["B2", "mase_model"] >= bt.loc["B2", "mase_snaive"]
    assert bt.loc["B3", "method"] == "recent" and bt.loc["B3", "reason"] == "short"
    assert bt.loc["B4", "method"] == "snaive" and bt.loc["B4", "reason"] == "untested"
    # B2's shipped forecast is the same weeks a year earlier
    fc = mixed.forecast
    b2 = fc[(fc["branch"] == "B2") & (fc["metric"] == "shipments")].sort_values("week")
    hist = mixed.history
    year_ago = hist[(hist["branch"] == "B2") & (hist["metric"] == "shipments")
                    & hist["week"].isin(b2["week"] - pd.Timedelta(weeks=52))]
    assert b2["point"].to_numpy() == pytest.approx(year_ago.sort_values("week")["value"])


def test_reconciled_points_add_up_and_intervals_are_ordered(mixed):
    fc = mixed.forecast
    for metric in ("shipments", "revenue"):
        m = fc[fc["metric"] == metric]
        branches = m[m["level"] == "branch"].groupby("week")["point"].sum()
        network = m[m["level"] == "network"].set_index("week")["point"]
        regions = m[m["level"] == "region"].groupby("week")["point"].sum()
        assert network.to_numpy() == pytest.approx(branches.to_numpy())
        assert regions.to_numpy() == pytest.approx(branches.to_numpy())
        north = m[(m["level"] == "branch") & (m["region"] == "N")].groupby("week")["point"].sum()
        region_n = m[(m["level"] == "region") & (m["region"] == "N")].set_index("week")["point"]
        assert region_n.to_numpy() == pytest.approx(north.to_numpy())
    assert (fc["lower_95"] <= fc["lower_80"] + 1e-9).all()
    assert (fc["lower_80"] <= fc["point"] + 1e-9).all()
    assert (fc["point"] <= fc["upper_80"] + 1e-9).all()
    assert (fc["upper_80"] <= fc["upper_95"] + 1e-9).all()
    assert len(fc) == (5 + 2 + 1) * 13 * 2


def test_backtest_scores_are_in_range_and_counted(mixed):
    bt = mixed.backtest
    b0 = bt[(bt["branch"] == "B0") & (bt["metric"] == "shipments")].iloc[0]
    assert b0["points"] == 52      # four origins of 13 weeks over the last year
    assert 0 <= b0["coverage_80"] <= b0["coverage_95"] <= 1
    b3 = bt[(bt["branch"] == "B3") & (bt["metric"] == "shipments")].iloc[0]
    assert b3["points"] == 0       # no model, no seasonal naive: nothing judged


def test_accuracy_pools_coverage_over_backtest_weeks():
    bt = pd.DataFrame({
        "level": ["branch", "branch", "region"], "region": ["R", "R", "R"],
        "branch": ["a", "b", None], "metric": "shipments",
        "method": ["model", "snaive", "bottom_up"], "reason": ["beats", "no_better", ""],
        "mase": [0.5, 1.0, 0.4], "mase_model": [0.5, 1.2, 0.3],
        "mase_snaive": [0.9, 1.0, 0.8], "coverage_80": [1.0, 0.5, 0.75],
        "coverage_95": [1.0, 1.0, 1.0], "points": [10, 30, 40]})
    empty = pd.DataFrame()
    result = ForecastResult(empty, empty, bt, pd.Timestamp("2025-01-05").date(),
                            pd.Timestamp("2024-12-30"))
    acc = result.accuracy().set_index("level")
    assert acc.loc["branch", "coverage_80"] == pytest.approx((10 * 1.0 + 30 * 0.5) / 40)
    assert acc.loc["branch", "mase"] == pytest.approx(0.75)
    assert acc.loc["branch", "model_share"] == pytest.approx(0.5)
    assert acc.loc["region", "coverage_80"] == pytest.approx(0.75)


def test_scope_cuts_rows_out_of_the_networks_forecast(mixed):
    one = mixed.scoped(Scope(branches=("B1",)))
    assert set(one.forecast["level"]) == {"branch"} and set(one.forecast["branch"]) == {"B1"}
    region = mixed.scoped(Scope(regions=("S",)))
    assert set(region.forecast["level"]) == {"branch", "region"}
    assert set(region.forecast["branch"].dropna()) == {"B2", "B3", "B4"}
    assert set(region.backtest["region"]) == {"S"}
    b1 = mixed.forecast[mixed.forecast["branch"] == "B1"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.forecast, b1)   # the same numbers as HQ's
    assert mixed.scoped(Scope()) is mixed


def test_capacity_notes_name_the_double_11_week():
    from segmentation.forecast import capacity_notes

    weeks, values = _simulate(146, 3, noise=0.05)  # ends late October 2024
    assert weeks[-1] == pd.Timestamp("2024-10-14")
    result = forecast_panel(_panel(values, weeks, ["N", "N", "S"]))
    notes = capacity_notes(result, "en")
    assert notes[0].startswith("Week of 2024-11-11: 2.") and "Double 11" in notes[0]
    assert "双11" in capacity_notes(result, "zh")[0]


def test_every_forecast_text_has_both_languages_and_the_same_placeholders():
    import string

    import ui  # noqa: F401 - declares the page's catalogue
    from segmentation import i18n

    keys = [k for k in i18n.keys() if k.startswith(("fc.", "fp.")) or k == "nav.forecast"]
    assert len(keys) > 60
    for key in keys:
        texts = i18n._CATALOGUE[key]
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
                  for lang in ("en", "zh")}
        assert texts["en"] and texts["zh"] and fields["en"] == fields["zh"], key
