"""BG/NBD and Gamma-Gamma against the published CDNOW figures, plus the view helpers.

Reference figures:

- Fader, Hardie & Lee (2005), "Counting your customers the easy way": BG/NBD on
  the CDNOW 1/10 sample, r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
  LL = -9582.4; a customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226
  purchases in the next 39 weeks.
- Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": on the 946
  repeat buyers, p = 6.25, q = 3.74, gamma = 15.44.
- The ``lifetimes`` documentation (quickstart) on the same files: conditional
  expected average profit and the discounted CLV of the first customers.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from segmentation.clv import (
    BTYD_COLUMNS,
    CLV_COLUMNS,
    BetaGeoModel,
    CLVWarning,
    GammaGammaModel,
    btyd_summary,
    clv,
    score_clv,
)


def _shared_data() -> Path:
    """``$SEG_SHARED_DATA``, else ``shared/data`` beside the checkout, else the workplace's copy
    (a clean clone made elsewhere, as CI does, still finds the published reference data)."""
    candidates = [os.environ.get("SEG_SHARED_DATA"),
                  Path(__file__).resolve().parents[3] / "shared" / "data",
                  "/work/shared/data"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "cdnow_customers_summary.csv").exists():
            return Path(candidate)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


DATA = _shared_data()
SUMMARY = DATA / "cdnow_customers_summary.csv"
WITH_MONEY = DATA / "cdnow_customers_summary_with_transactions.csv"

needs_cdnow = pytest.mark.skipif(
    not (SUMMARY.exists() and WITH_MONEY.exists()),
    reason=f"CDNOW reference data not found in {DATA} (the shared data folder is absent)",
)

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(SUMMARY, index_col="ID")


@pytest.fixture(scope="module")
def cdnow_money() -> pd.DataFrame:
    return pd.read_csv(WITH_MONEY, index_col="ID")


@pytest.fixture(scope="module")
def bgnbd(cdnow: pd.DataFrame) -> BetaGeoModel:
    return BetaGeoModel().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def gg(cdnow_money: pd.DataFrame) -> GammaGammaModel:
    return GammaGammaModel().fit(cdnow_money["x"], cdnow_money["zbar"])


def _simulate(n: int, rng: np.random.Generator, *, r=0.5, alpha=20.0, a=0.8, b=2.5,
              p=6.0, q=4.0, v=15.0, t_max=730.0) -> pd.DataFrame:
    """BG/NBD purchases and Gamma-Gamma spend for ``n`` customers (time in days)."""
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    big_t = np.floor(rng.uniform(1, t_max + 1, n))
    x = np.zeros(n)
    tx = np.zeros(n)
    now = np.zeros(n)
    active = np.arange(n)
    while len(active):
        now[active] += rng.exponential(1 / lam[active])
        bought = now[active] <= big_t[active]
        buyers = active[bought]
        x[buyers] += 1
        tx[buyers] = now[buyers]
        # dropout only right after a repeat purchase (BG/NBD)
        active = buyers[rng.random(len(buyers)) >= drop[buyers]]
    nu = rng.gamma(q, 1 / v, n)
    mean_spend = rng.gamma(p * (x + 1), 1 / (nu * (x + 1)))
    return pd.DataFrame({"x": x, "t_x": tx, "T": big_t, "zbar": mean_spend})


def _view(sim: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """A customer view (the columns btyd_summary reads) from a simulation in days."""
    first = as_of - pd.to_timedelta(sim["T"].to_numpy(), unit="D")
    last = first + pd.to_timedelta(np.floor(sim["t_x"].to_numpy()), unit="D")
    frequency = sim["x"].to_numpy().astype("int64") + 1
    return pd.DataFrame({
        "first_date": first, "last_date": last, "frequency": frequency,
        "monetary_total": sim["zbar"].to_numpy() * frequency,
    }, index=pd.Index([f"C{i:05d}" for i in range(len(sim))], name="customer_id"))


# ---------------------------------------------------------------------------
# published figures


@needs_cdnow
def test_bgnbd_reproduces_fader_hardie_lee(bgnbd: BetaGeoModel) -> None:
    # this implementation: r 0.24259, alpha 4.41351, a 0.79291, b 2.42591, LL -9582.4256
    for name, published in PUBLISHED_BGNBD.items():
        assert bgnbd.params_[name] == pytest.approx(published, rel=0.01), name
    assert bgnbd.log_likelihood_ == pytest.approx(PUBLISHED_BGNBD_LL, rel=0.01)
    # and the lifetimes figures to their printed precision
    assert bgnbd.params_ == pytest.approx(
        {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}, abs=1e-3)
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.43, abs=0.01)
    assert bgnbd.n_fit_ == 2357


@needs_cdnow
def test_gamma_gamma_reproduces_fader_hardie(gg: GammaGammaModel) -> None:
    # this implementation: p 6.2488, q 3.7446, v 15.4477 on 946 repeat buyers
    for name, published in PUBLISHED_GG.items():
        assert gg.params_[name] == pytest.approx(published, rel=0.01), name
    assert gg.n_fit_ == 946


@needs_cdnow
def test_expected_purchases_of_the_paper_customer(bgnbd: BetaGeoModel) -> None:
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 in the next 39 weeks
    assert bgnbd.expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226,
                                                                                   abs=5e-4)


@needs_cdnow
def test_expected_purchases_matches_the_untransformed_formula(bgnbd: BetaGeoModel) -> None:
    from scipy.special import hyp2f1

    r, alpha, a, b = (bgnbd.params_[k] for k in ("r", "alpha", "a", "b"))
    x = np.array([0, 1, 2, 5, 20, 100, 400])
    tx = np.array([0, 10.0, 30.43, 20.0, 35.0, 38.0, 38.5])
    big_t = np.full(len(x), 38.86)
    t = 52.0
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    tail = ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x,
                                                                       a + b + x - 1, z)
    odds = np.where(x > 0, a / (b + x - 1) * ((alpha + big_t) / (alpha + tx)) ** (r + x), 0)
    expected = head * (1 - tail) / (1 + odds)
    np.testing.assert_allclose(bgnbd.expected_purchases(t, x, tx, big_t), expected, rtol=1e-9)


@needs_cdnow
def test_large_frequencies_stay_finite(bgnbd: BetaGeoModel) -> None:
    # the untransformed 2F1 overflows here (NaN); the bound is E[lambda | alive] * t
    x, tx, big_t, t = np.array([2000.0, 5000.0]), np.array([99.0, 365.0]), np.array(
        [100.0, 365.0]), 52.0
    got = bgnbd.expected_purchases(t, x, tx, big_t)
    bound = (bgnbd.r_ + x) / (bgnbd.alpha_ + big_t) * t
    assert np.all(np.isfinite(got))
    assert np.all((got >= 0) & (got <= bound))
    assert np.all(np.isfinite(bgnbd.p_alive(x, tx, big_t)))


@needs_cdnow
def test_lifetimes_quickstart_figures(cdnow_money: pd.DataFrame, gg: GammaGammaModel) -> None:
    head = cdnow_money.loc[1:10]
    spend = gg.conditional_expected_average_profit(head["x"], head["zbar"])
    np.testing.assert_allclose(spend[:6], [24.658619, 18.911489, 35.170981, 35.170981,
                                           35.170981, 71.462843], rtol=1e-5)
    assert gg.conditional_expected_average_profit(cdnow_money["x"], cdnow_money["zbar"]).mean(
    ) == pytest.approx(35.2529588256, rel=1e-5)
    # lifetimes' customer_lifetime_value(time=12, discount_rate=0.01) with its default
    # freq="D" steps 30 time units per "month": here 30 weeks, 12 steps
    bg = BetaGeoModel().fit(cdnow_money["x"], cdnow_money["t_x"], cdnow_money["T"])
    value = clv(bg, gg, head["x"], head["t_x"], head["T"], head["zbar"], horizon=360,
                discount_rate=0.01, periods_per_step=30)
    np.testing.assert_allclose(value, [140.096211, 18.943467, 38.180574, 38.180574, 38.180574,
                                       1003.868107, 28.109683, 38.180574, 167.418216,
                                       38.180574], rtol=1e-4)


# ---------------------------------------------------------------------------
# model behaviour


@needs_cdnow
def test_p_alive_blind_spot_no_repeat_purchase_is_always_alive(bgnbd: BetaGeoModel) -> None:
    # a one-time buyer from two years ago is "alive" with certainty: never show p_alive alone
    p = bgnbd.p_alive([0, 0, 0], [0, 0, 0], [0.1, 52, 104])
    np.testing.assert_array_equal(p, [1.0, 1.0, 1.0])
    # ... while the expected purchases do fall with the time since that one purchase
    e = bgnbd.expected_purchases(52, [0, 0, 0], [0, 0, 0], [0.1, 52, 104])
    assert e[0] > e[1] > e[2] > 0


@needs_cdnow
def test_more_recent_last_purchase_means_more_alive(bgnbd: BetaGeoModel) -> None:
    recency = np.array([1.0, 10.0, 20.0, 30.0, 38.0])
    x, big_t = np.full(5, 3), np.full(5, 38.86)
    p = bgnbd.p_alive(x, recency, big_t)
    e = bgnbd.expected_purchases(39, x, recency, big_t)
    assert np.all(np.diff(p) > 0) and np.all((p > 0) & (p <= 1))
    assert np.all(np.diff(e) > 0)
    # longer silence since the last purchase (same history, larger T): less alive
    assert np.all(np.diff(bgnbd.p_alive([3] * 3, [10.0] * 3, [20.0, 40.0, 80.0])) < 0)
    # expected purchases grow with the horizon
    assert np.all(np.diff(bgnbd.expected_purchases([13, 26, 52], [3] * 3, [30.0] * 3,
                                                   [38.86] * 3)) > 0)


@needs_cdnow
def test_expected_purchases_new_is_the_conditional_at_zero(bgnbd: BetaGeoModel) -> None:
    t = np.array([0.0, 13.0, 39.0, 78.0])
    new = bgnbd.expected_purchases_new(t)
    np.testing.assert_allclose(new, bgnbd.expected_purchases(t, np.zeros(4), np.zeros(4),
                                                             np.full(4, 1e-12)), atol=1e-9)
    assert new[0] == pytest.approx(0.0, abs=1e-12) and np.all(np.diff(new) > 0)


@needs_cdnow
def test_gamma_gamma_conditional_expectation_formula(gg: GammaGammaModel) -> None:
    p, q, v = gg.p_, gg.q_, gg.v_
    population = p * v / (q - 1)
    assert gg.population_mean_ == pytest.approx(population)
    x = np.array([0, 1, 3, 10])
    zbar = np.array([np.nan, 20.0, 50.0, 12.0])  # zbar is not read where x = 0
    expected = ((q - 1) / (p * x + q - 1) * population
                + p * x / (p * x + q - 1) * np.nan_to_num(zbar))
    got = gg.conditional_expected_average_profit(x, zbar)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[0] == pytest.approx(population)


@needs_cdnow
def test_clv_is_purchases_times_spend_and_discounting_lowers_it(
        cdnow_money: pd.DataFrame, bgnbd: BetaGeoModel, gg: GammaGammaModel) -> None:
    d = cdnow_money.loc[1:50]
    args = (d["x"], d["t_x"], d["T"], d["zbar"])
    plain = clv(bgnbd, gg, *args, horizon=52)
    expected = (bgnbd.expected_purchases(52, d["x"], d["t_x"], d["T"])
                * gg.conditional_expected_average_profit(d["x"], d["zbar"]))
    np.testing.assert_allclose(plain, expected, rtol=1e-12)
    monthly = clv(bgnbd, gg, *args, horizon=52, discount_rate=0.01, periods_per_step=4.345)
    assert np.all(monthly < plain) and np.all(monthly > plain / 1.01 ** 12)
    # a step longer than the horizon: one step, discounted once at the horizon
    once = clv(bgnbd, gg, *args, horizon=52, discount_rate=0.1, periods_per_step=104)
    np.testing.assert_allclose(once, plain / 1.1 ** 0.5, rtol=1e-12)


def test_bgnbd_recovers_simulated_parameters() -> None:
    sim = _simulate(20_000, np.random.default_rng(7))
    model = BetaGeoModel().fit(sim["x"], sim["t_x"], sim["T"])
    got = model.params_
    assert got["r"] == pytest.approx(0.5, rel=0.15)
    assert got["alpha"] == pytest.approx(20.0, rel=0.25)
    assert got["a"] == pytest.approx(0.8, rel=0.25)
    assert got["b"] == pytest.approx(2.5, rel=0.35)


# ---------------------------------------------------------------------------
# fitted-object contract


@needs_cdnow
def test_fit_keeps_no_data_and_returns_self(cdnow: pd.DataFrame) -> None:
    model = BetaGeoModel()
    assert model.fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]) is model
    assert model.get_params() == {"penalizer": 0.0, "max_iter": 1000}
    for name, value in vars(model).items():
        assert np.ndim(value) == 0, f"{name} holds data"
    money = pd.read_csv(WITH_MONEY)
    gg = GammaGammaModel().fit(money["x"], money["zbar"])
    for name, value in vars(gg).items():
        assert np.ndim(value) == 0, f"{name} holds data"


@needs_cdnow
def test_sampling_is_reproducible(cdnow: pd.DataFrame) -> None:
    args = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
    one = BetaGeoModel().fit(*args, sample_size=1000, random_state=3)
    two = BetaGeoModel().fit(*args, sample_size=1000, random_state=3)
    other = BetaGeoModel().fit(*args, sample_size=1000, random_state=4)
    assert one.n_fit_ == 1000
    assert one.params_ == two.params_ and one.log_likelihood_ == two.log_likelihood_
    assert one.params_ != other.params_
    # a sample as large as the data is the data
    full = BetaGeoModel().fit(*args, sample_size=10_000)
    assert full.n_fit_ == len(cdnow)


def test_penalizer_shrinks_parameters() -> None:
    sim = _simulate(3000, np.random.default_rng(1), alpha=5.0, t_max=100)
    free = BetaGeoModel().fit(sim["x"], sim["t_x"], sim["T"])
    tied = BetaGeoModel(penalizer=0.1).fit(sim["x"], sim["t_x"], sim["T"])
    assert sum(v**2 for v in tied.params_.values()) < sum(v**2 for v in free.params_.values())
    assert tied.log_likelihood_ < free.log_likelihood_


BAD_BTYD = [
    pytest.param([-1, 0], [0, 0], [1, 1], "frequency must be >= 0", id="negative-frequency"),
    pytest.param([1.5, 0], [1, 0], [2, 1], "whole numbers", id="fractional-frequency"),
    pytest.param([1, 0], [3, 0], [2, 1], "recency must be <= T", id="recency-after-T"),
    pytest.param([1, 0], [-1, 0], [2, 1], "recency must be >= 0", id="negative-recency"),
    pytest.param([0, 0], [0, 0], [0, 1], "T must be > 0", id="zero-T"),
    pytest.param([1, np.nan], [1, 0], [2, 1], "frequency has 1 missing", id="missing"),
    pytest.param([1, 0], [1, 0], [2, 1, 3], "differ in length", id="lengths"),
    pytest.param([[1, 0]], [[1, 0]], [[2, 1]], "one-dimensional", id="two-dimensional"),
    pytest.param(["a", "b"], [1, 0], [2, 1], "frequency must be numeric", id="text"),
]


@pytest.mark.parametrize(("frequency", "recency", "T", "message"), BAD_BTYD)
def test_bgnbd_rejects_bad_inputs(frequency, recency, T, message) -> None:
    with pytest.raises(ValueError, match=message):
        BetaGeoModel().fit(frequency, recency, T)


def test_other_errors() -> None:
    with pytest.raises(ValueError, match="at least one customer"):
        BetaGeoModel().fit([], [], [])
    with pytest.raises(ValueError, match="penalizer must be >= 0"):
        BetaGeoModel(penalizer=-1).fit([1], [1], [2])
    with pytest.raises(NotFittedError):
        BetaGeoModel().p_alive([1], [1], [2])
    with pytest.raises(ValueError, match="there are none"):
        GammaGammaModel().fit([0, 0], [10.0, 20.0])
    with pytest.raises(ValueError, match="finite and > 0 for customers with frequency > 0"):
        GammaGammaModel().fit([1, 2, 0], [10.0, 0.0, np.nan])


@needs_cdnow
def test_prediction_and_clv_errors(bgnbd: BetaGeoModel, gg: GammaGammaModel) -> None:
    with pytest.raises(ValueError, match="recency must be <= T"):
        bgnbd.expected_purchases(10, [1], [5], [4])
    with pytest.raises(ValueError, match="t must be finite and >= 0"):
        bgnbd.expected_purchases(-1, [1], [1], [4])
    with pytest.raises(ValueError, match="discounting needs periods_per_step"):
        clv(bgnbd, gg, [1], [1], [4], [10.0], horizon=52, discount_rate=0.01)
    with pytest.raises(ValueError, match="horizon must be finite and >= 0"):
        clv(bgnbd, gg, [1], [1], [4], [10.0], horizon=-1)


# ---------------------------------------------------------------------------
# from the customer view

AS_OF = pd.Timestamp("2024-03-31")


def _hand_view(**extra: list) -> pd.DataFrame:
    return pd.DataFrame({
        "first_date": pd.to_datetime(["2024-01-01", "2024-03-03", "2024-03-31",
                                      "2024-02-01", "2024-03-01"]),
        "last_date": pd.to_datetime(["2024-03-25", "2024-03-03", "2024-03-31",
                                     "2024-02-10", "2024-03-15"]),
        "frequency": np.array([5, 1, 1, 0, 2], dtype="int64"),
        "monetary_total": [500.0, 40.0, 12.5, -30.0, -5.0],
        **extra,
    }, index=pd.Index(["A", "B", "C", "D", "E"], name="customer_id"))


def test_btyd_summary_exact() -> None:
    got = btyd_summary(_hand_view(), as_of=AS_OF, unit_days=7.0)
    expected = pd.DataFrame({
        # A: 4 repeat days, 84 days from first to last, 90 days observed
        # B: one-time buyer; C: first purchase on as_of (half a day observed)
        # D: refunds only (frequency 0, no spend); E: net refunds, spend clipped to 0.01
        "frequency_btyd": np.array([4, 0, 0, 0, 1], dtype="int64"),
        "recency_btyd": [12.0, 0.0, 0.0, 0.0, 2.0],
        "T_btyd": [90 / 7, 4.0, 0.5 / 7, 59 / 7, 30 / 7],
        "monetary_btyd": [100.0, 40.0, 12.5, np.nan, 0.01],
    }, index=pd.Index(["A", "B", "C", "D", "E"], name="customer_id"))
    pd.testing.assert_frame_equal(got, expected)
    assert tuple(got.columns) == BTYD_COLUMNS


def test_btyd_summary_prefers_purchase_dates() -> None:
    # A refunded something after its last purchase, E refunded before its first
    view = _hand_view(
        first_purchase_date=pd.to_datetime(["2024-01-01", "2024-03-03", "2024-03-31", None,
                                            "2024-03-08"]),
        last_purchase_date=pd.to_datetime(["2024-03-18", "2024-03-03", "2024-03-31", None,
                                           "2024-03-15"]),
    )
    got = btyd_summary(view, as_of=AS_OF, unit_days=1.0)
    np.testing.assert_allclose(got["recency_btyd"], [77.0, 0.0, 0.0, 0.0, 7.0])
    np.testing.assert_allclose(got["T_btyd"], [90.0, 28.0, 0.5, 59.0, 23.0])


@pytest.mark.parametrize(("change", "message"), [
    pytest.param(lambda v: v.drop(columns="monetary_total"), r"lacks the column\(s\) "
                 r"\['monetary_total'\]", id="missing-column"),
    pytest.param(lambda v: v.assign(last_date=v["last_date"] + pd.Timedelta(days=10)),
                 "after as_of", id="after-as-of"),
    pytest.param(lambda v: v.assign(last_date=v["first_date"] - pd.Timedelta(days=1)),
                 "last_date is before first_date", id="dates-reversed"),
    pytest.param(lambda v: v.assign(frequency=-1), "frequency must be a count", id="negative"),
], )
def test_btyd_summary_rejects_bad_views(change, message) -> None:
    with pytest.raises(ValueError, match=message):
        btyd_summary(change(_hand_view()), as_of=AS_OF)


def test_btyd_summary_rejects_bad_unit() -> None:
    with pytest.raises(ValueError, match="unit_days must be > 0"):
        btyd_summary(_hand_view(), as_of=AS_OF, unit_days=0)


@pytest.fixture(scope="module")
def synthetic_view() -> pd.DataFrame:
    return _view(_simulate(3000, np.random.default_rng(7)), AS_OF)


def test_score_clv_on_a_synthetic_view(synthetic_view: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = score_clv(synthetic_view, as_of=AS_OF)
    assert tuple(scores.columns) == CLV_COLUMNS
    pd.testing.assert_index_equal(scores.index, synthetic_view.index)
    assert (scores.dtypes == "float64").all() and scores.notna().all().all()
    assert scores["p_alive"].between(0, 1, inclusive="right").all()
    assert (scores["expected_purchases_12m"] >= 0).all()
    assert (scores["expected_spend"] > 0).all()
    np.testing.assert_allclose(scores["clv_12m"],
                               scores["expected_purchases_12m"] * scores["expected_spend"])
    no_repeat = synthetic_view["frequency"] == 1
    assert (scores.loc[no_repeat, "p_alive"] == 1).all()  # the blind spot again
    assert scores.loc[no_repeat, "expected_spend"].nunique() == 1  # population mean
    assert scores.attrs["horizon_days"] == 365 and set(scores.attrs["bgnbd"]) == {
        "r", "alpha", "a", "b"}
    # a customer buying weekly until recently beats one silent for a year
    assert scores["clv_12m"].max() > 10 * scores["clv_12m"].median()


def test_score_clv_gamma_gamma_counts_the_first_purchase_day() -> None:
    # monetary_btyd averages frequency_btyd + 1 days; Gamma-Gamma must be told so
    view = _view(_simulate(20_000, np.random.default_rng(3)), AS_OF)
    scores = score_clv(view, as_of=AS_OF)
    summary = btyd_summary(view, as_of=AS_OF)
    rep = summary["frequency_btyd"] > 0
    gg = GammaGammaModel().fit(summary.loc[rep, "frequency_btyd"] + 1,
                               summary.loc[rep, "monetary_btyd"])
    assert scores.attrs["gamma_gamma"] == pytest.approx(gg.params_, rel=1e-9)
    # and so recovers the simulated p = 6, q = 4, v = 15
    assert scores.attrs["gamma_gamma"] == pytest.approx({"p": 6.0, "q": 4.0, "v": 15.0},
                                                        rel=0.2)
    np.testing.assert_allclose(
        scores.loc[rep, "expected_spend"],
        gg.conditional_expected_average_profit(summary.loc[rep, "frequency_btyd"] + 1,
                                               summary.loc[rep, "monetary_btyd"]))
    np.testing.assert_allclose(scores.loc[~rep, "expected_spend"], gg.population_mean_)


def test_score_clv_sampling_is_reproducible(synthetic_view: pd.DataFrame) -> None:
    one = score_clv(synthetic_view, as_of=AS_OF, sample_size=1500, random_state=1)
    two = score_clv(synthetic_view, as_of=AS_OF, sample_size=1500, random_state=1)
    pd.testing.assert_frame_equal(one, two)


def test_score_clv_without_repeat_buyers_is_nan_with_a_warning() -> None:
    view = _hand_view().assign(frequency=[1, 1, 1, 0, 1])
    with pytest.warns(CLVWarning, match="no customer has a repeat purchase day"):
        scores = score_clv(view, as_of=AS_OF)
    assert tuple(scores.columns) == CLV_COLUMNS and scores.isna().all().all()
    pd.testing.assert_index_equal(scores.index, view.index)


def test_score_clv_with_few_repeat_buyers_falls_back(synthetic_view: pd.DataFrame) -> None:
    view = synthetic_view.iloc[:300].copy()
    repeat = np.flatnonzero(view["frequency"] > 1)
    view.iloc[repeat[5:], view.columns.get_loc("frequency")] = 1
    view["last_date"] = view["last_date"].where(view["frequency"] > 1, view["first_date"])
    with pytest.warns(CLVWarning) as record:
        scores = score_clv(view, as_of=AS_OF)
    messages = " ".join(str(w.message) for w in record)
    assert "only 5 customers have repeat purchase days" in messages
    assert "Gamma-Gamma not used" in messages
    assert scores.notna().all().all()
    buyers = view["frequency"] > 1
    summary = btyd_summary(view, as_of=AS_OF)
    np.testing.assert_allclose(scores.loc[buyers, "expected_spend"],
                               summary.loc[buyers, "monetary_btyd"])
    assert scores.attrs["gamma_gamma"] is None


def test_score_clv_with_constant_spend_skips_gamma_gamma(synthetic_view: pd.DataFrame) -> None:
    view = synthetic_view.assign(monetary_total=synthetic_view["frequency"] * 25.0)
    with pytest.warns(CLVWarning, match="every repeat buyer has the same mean spend"):
        scores = score_clv(view, as_of=AS_OF)
    np.testing.assert_allclose(scores["expected_spend"], 25.0)


def test_score_clv_on_an_empty_view() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = score_clv(_hand_view().iloc[:0], as_of=AS_OF)
    assert scores.empty and tuple(scores.columns) == CLV_COLUMNS


def test_likelihoods_per_distinct_frequency_equal_the_plain_ones():
    """The fits evaluate the special functions of the frequency once per distinct value
    (``groups``): the log-likelihoods and gradients must be the very same numbers."""
    from segmentation.clv.bgnbd import _bgnbd_loglik
    from segmentation.clv.gamma_gamma import _gg_loglik

    rng = np.random.default_rng(3)
    x = rng.poisson(2.5, 5_000).astype("float64")
    big_t = rng.uniform(5, 120, len(x))
    tx = np.where(x > 0, big_t * rng.uniform(0, 1, len(x)), 0.0)
    groups = np.unique(x, return_inverse=True)
    params = np.array([0.7, 4.2, 0.9, 2.6])
    plain, grouped = _bgnbd_loglik(params, x, tx, big_t), _bgnbd_loglik(
        params, x, tx, big_t, groups=groups)
    np.testing.assert_array_equal(plain[0], grouped[0])
    np.testing.assert_array_equal(plain[1], grouped[1])
    rep = x > 0
    zbar = rng.gamma(3.0, 15.0, int(rep.sum()))
    g_params = np.array([1.3, 6.0, 120.0])
    plain = _gg_loglik(g_params, x[rep], zbar)
    grouped = _gg_loglik(g_params, x[rep], zbar, groups=np.unique(x[rep], return_inverse=True))
    np.testing.assert_array_equal(plain[0], grouped[0])
    np.testing.assert_array_equal(plain[1], grouped[1])
