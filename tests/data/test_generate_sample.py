"""Tests of the seeded sample network generator (data/generate_sample.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.generate_sample import (
    ARCHETYPE_NAMES,
    DEFAULT_OUT,
    REGIONS,
    SCORE_WEIGHTS,
    SPRING_FESTIVAL,
    generate,
)
from segmentation.schema import TABLES, columns_of

SAMPLE = Path(DEFAULT_OUT)


@pytest.fixture(scope="module")
def default() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def per_customer(default) -> pd.DataFrame:
    """Shipments, spend and activity window per customer, joined with the truth."""
    tx = default["transactions"]
    truth = default["truth"].set_index("customer_id")
    cust = default["customers"].set_index("customer_id")
    end = tx["date"].max()
    agg = tx.groupby("customer_id").agg(n=("amount", "size"), total=("amount", "sum"),
                                        spend=("amount", "median"))
    out = truth.join(cust[["signup_date", "customer_type", "area_type"]]).join(agg)
    out["n"] = out["n"].fillna(0)
    active_from = out["signup_date"].clip(lower=pd.Timestamp("2023-01-01"))
    active_to = out["stop_date"].clip(upper=end).fillna(end)
    out["months"] = (active_to - active_from).dt.days.clip(lower=15) / 30.44
    out["freq"] = out["n"] / out["months"]
    return out


def test_same_seed_same_data_other_seed_other_data():
    a = generate(2_000, seed=11)
    b = generate(2_000, seed=11)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = generate(2_000, seed=12)
    assert not a["transactions"]["amount"].equals(c["transactions"]["amount"])


def test_without_text_only_names_and_comments_change():
    a = generate(2_000, seed=5)
    b = generate(2_000, seed=5, with_text=False)
    assert b["customers"]["name"].isna().all()
    assert b["surveys"]["comment"].isna().all()
    for name in a:
        keep = [c for c in a[name].columns if c not in ("name", "comment")]
        pd.testing.assert_frame_equal(a[name][keep], b[name][keep])


def test_canonical_columns_and_dtypes(default):
    for table in TABLES:
        assert set(default[table].columns) == set(columns_of(table)), table
    assert list(default["truth"].columns) == ["customer_id", "archetype", "decliner",
                                              "stop_date"]
    for table, cols in {"transactions": ["date"], "customers": ["signup_date"],
                        "surveys": ["date"], "complaints": ["date", "resolved_date"],
                        "truth": ["stop_date"]}.items():
        for col in cols:
            s = default[table][col]
            assert pd.api.types.is_datetime64_any_dtype(s), (table, col)
            assert (s.dropna() == s.dropna().dt.normalize()).all(), (table, col)
    tx = default["transactions"]
    assert pd.api.types.is_float_dtype(tx["amount"])
    assert pd.api.types.is_integer_dtype(tx["quantity"]) and (tx["quantity"] >= 1).all()
    assert pd.api.types.is_float_dtype(tx["weight_kg"]) and (tx["weight_kg"] > 0).all()
    assert (tx["amount"].round(2) == tx["amount"]).all()
    assert set(tx["service"]) == {"standard", "express", "parcel", "international", "cod"}
    assert set(tx["channel"]) == {"counter", "app", "mini_program", "pickup"}
    for table in TABLES:
        for col in default[table].columns:
            s = default[table][col]
            if col.endswith("_id") or col in ("branch", "comment", "name", "category"):
                assert pd.api.types.is_string_dtype(s), (table, col)
    assert tx["customer_id"].str.fullmatch(r"C\d{6}").all()
    cust = default["customers"]
    assert cust["customer_id"].is_unique
    assert cust["phone"].str.fullmatch(r"1[3-9]\d{9}").all()
    assert set(cust["customer_type"]) == {"enterprise", "individual"}
    assert set(cust["area_type"]) == {"urban", "rural"}
    enterprise = cust["customer_type"] == "enterprise"
    assert cust.loc[enterprise, "account_manager"].notna().all()
    assert cust.loc[~enterprise, "account_manager"].isna().all()
    sv = default["surveys"]
    for col in ("score", "speed", "attitude", "accuracy", "price", "convenience"):
        assert pd.api.types.is_integer_dtype(sv[col]) and sv[col].between(1, 5).all(), col
    assert set(sv["channel"]) == {"sms", "app", "phone"}
    cp = default["complaints"]
    assert cp["complaint_id"].is_unique
    assert set(cp["category"]) == {"delay", "damage", "loss", "attitude", "billing"}


def test_network_five_regions_of_eight_branches(default):
    cust = default["customers"]
    assert sorted(cust["region"].unique()) == sorted(REGIONS)
    per_region = cust.groupby("region")["branch"].nunique()
    assert (per_region == 8).all()
    assert cust["branch"].nunique() == 40
    assert cust["branch"].str.split("-").str[0].eq(cust["region"]).all()
    tx = default["transactions"].merge(cust[["customer_id", "branch"]], on="customer_id",
                                       suffixes=("", "_home"))
    assert 0.9 < (tx["branch"] == tx["branch_home"]).mean() < 1.0


def test_refunds_present(default):
    share = (default["transactions"]["amount"] < 0).mean()
    assert 0.002 < share < 0.01


def test_about_ten_transactions_per_customer(default):
    assert 8.5 < len(default["transactions"]) / len(default["customers"]) < 12


def test_no_transaction_before_signup(default):
    tx = default["transactions"].merge(default["customers"][["customer_id", "signup_date"]],
                                       on="customer_id")
    assert (tx["date"] >= tx["signup_date"]).all()
    cust = default["customers"]
    new = cust["signup_date"] >= pd.Timestamp("2023-01-01")
    assert 0.4 < new.mean() < 0.7                      # customers keep signing up
    by_half = cust.loc[new, "signup_date"].dt.to_period("Q").value_counts()
    assert len(by_half) >= 9


def test_archetype_shares(default):
    shares = default["truth"]["archetype"].value_counts(normalize=True)
    assert set(shares.index) == set(ARCHETYPE_NAMES)
    assert 0.03 < shares["ecommerce"] < 0.07
    assert 0.25 < shares["regular"] < 0.40
    assert shares["cross_border"] < 0.05


def test_archetypes_differ_in_frequency_spend_and_mix(default, per_customer):
    med = per_customer.groupby("archetype")[["freq", "spend", "total"]].median()
    order = ["ecommerce", "small_business", "regular", "occasional"]
    assert med.loc[order, "freq"].is_monotonic_decreasing
    assert med.loc[order, "total"].is_monotonic_decreasing
    assert med.loc[["cross_border", "ecommerce", "small_business", "regular"],
                   "spend"].is_monotonic_decreasing
    assert med.loc["ecommerce", "freq"] > 5 * med.loc["regular", "freq"]
    tx = default["transactions"].merge(default["truth"][["customer_id", "archetype"]],
                                       on="customer_id")
    service = pd.crosstab(tx["archetype"], tx["service"], normalize="index")
    channel = pd.crosstab(tx["archetype"], tx["channel"], normalize="index")
    assert service.loc["cross_border", "international"] > 0.7
    assert service.loc["ecommerce", ["express", "parcel"]].sum() > 0.7
    assert service.loc["occasional", "standard"] > 0.5
    assert channel.loc["ecommerce", "app"] > 0.4
    assert channel.loc["occasional", "counter"] > 0.6
    urban = per_customer.groupby("archetype")["area_type"].apply(lambda s: (s == "urban").mean())
    assert urban["ecommerce"] > 0.85 > 0.5 > urban["occasional"]


def test_seasonal_senders_concentrate_around_nov_and_spring_festival(default):
    tx = default["transactions"].merge(default["truth"][["customer_id", "archetype"]],
                                       on="customer_id")
    month = tx["date"].dt.month
    peak = month.isin([11, 12, 1, 2])
    seasonal = peak[tx["archetype"] == "seasonal"].mean()
    regular = peak[tx["archetype"] == "regular"].mean()
    assert seasonal > 0.6 > regular


def test_november_peak_and_spring_festival_dip(default):
    tx = default["transactions"]
    monthly = tx.groupby(tx["date"].dt.to_period("M")).size()
    for year in (2023, 2024):
        months = monthly[monthly.index.year == year]
        mean = months.mean()
        assert months[pd.Period(f"{year}-11", "M")] > 1.2 * mean
        sf_month = pd.Period(SPRING_FESTIVAL[year][:7], "M")
        assert months[sf_month] < mean
    weekday = tx.groupby(tx["date"].dt.day_of_week).size()
    assert weekday.loc[:4].mean() > weekday.loc[5:].mean()


def test_decliners_fade_before_they_stop(default, per_customer):
    truth = default["truth"]
    assert 0.14 < truth["decliner"].mean() < 0.21
    assert truth.loc[~truth["decliner"], "stop_date"].isna().all()
    end = default["transactions"]["date"].max()
    stop = truth["stop_date"].dropna()
    assert (stop > end).mean() > 0.1                                  # after the data ends
    assert (stop.between(end - pd.Timedelta(days=182), end)).mean() > 0.2
    assert (stop < end - pd.Timedelta(days=365)).mean() > 0.15       # spread over the period

    pc = per_customer
    d = pc[pc["decliner"] & (pc["stop_date"] <= end)
           & (pc["stop_date"] - pc["signup_date"] > pd.Timedelta(days=400))]
    tx = default["transactions"].merge(d[["stop_date"]].reset_index(), on="customer_id")
    before = (tx["stop_date"] - tx["date"]).dt.days
    assert (before > 0).all()                                        # nothing after the stop
    recent = (before <= 90).sum() / 90
    earlier = ((before > 185) & (before <= 365)).sum() / 180
    assert recent < 0.7 * earlier
    spend_recent = tx.loc[before <= 60, "amount"].median()
    spend_earlier = tx.loc[before > 185, "amount"].median()
    assert spend_recent < spend_earlier

    sv = default["surveys"].merge(truth, on="customer_id")
    late = sv["decliner"] & ((sv["stop_date"] - sv["date"]).dt.days.between(0, 60))
    assert sv.loc[late, "score"].mean() < sv.loc[~sv["decliner"], "score"].mean() - 0.5
    cp = default["complaints"].merge(truth, on="customer_id")
    per_decliner = cp["decliner"].sum() / truth["decliner"].sum()
    per_other = (~cp["decliner"]).sum() / (~truth["decliner"]).sum()
    assert per_decliner > 4 * per_other


def test_survey_key_drivers_recoverable(default):
    sv = default["surveys"]
    dims = list(SCORE_WEIGHTS)
    x = np.column_stack([np.ones(len(sv))] + [sv[d].to_numpy(float) for d in dims])
    beta = dict(zip(dims, np.linalg.lstsq(x, sv["score"].to_numpy(float), rcond=None)[0][1:],
                    strict=True))
    assert beta["speed"] > beta["accuracy"] > beta["attitude"] > max(beta["price"],
                                                                      beta["convenience"])
    low = sv.loc[sv["score"] <= 2, "comment"].dropna()
    high = sv.loc[sv["score"] >= 4, "comment"].dropna()
    assert low.str.contains("慢|破损|态度|late|slow|damaged|贵|丢").mean() > 0.4
    assert not high.str.contains("慢|破损|态度差|late").any()
    assert 0.5 < sv["comment"].isna().mean() < 0.9
    assert sv["comment"].dropna().str.contains("[a-z]").any()         # some English, too


def test_complaints_status_and_resolution(default):
    cp = default["complaints"]
    end = default["transactions"]["date"].max()
    is_open = cp["status"] == "open"
    assert set(cp["status"]) == {"open", "resolved"}
    assert cp.loc[is_open, "resolved_date"].isna().all()
    assert cp.loc[~is_open, "resolved_date"].notna().all()
    assert (cp.loc[~is_open, "resolved_date"] >= cp.loc[~is_open, "date"]).all()
    assert (cp.loc[~is_open, "resolved_date"] <= end).all()
    assert (cp.loc[is_open, "date"] > end - pd.Timedelta(days=42)).mean() > 0.5


def test_surveys_are_monthly_samples(default):
    sv = default["surveys"]
    per_month = sv.groupby(sv["date"].dt.to_period("M"))["customer_id"]
    assert per_month.size().min() > 50
    assert (per_month.size() == per_month.nunique()).all()           # one answer per month
    assert sv["customer_id"].nunique() < 0.5 * len(default["customers"])


@pytest.mark.skipif(not (SAMPLE / "transactions.parquet").exists(),
                    reason="bundled sample not generated")
def test_bundled_sample_matches_generator(default):
    for name, frame in default.items():
        bundled = pd.read_parquet(SAMPLE / f"{name}.parquet")
        assert bundled.shape == frame.shape, name
        assert list(bundled.columns) == list(frame.columns), name
        for col in frame.columns:
            s, b = frame[col], bundled[col]
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                assert b.sum() == pytest.approx(s.sum()), (name, col)
            elif pd.api.types.is_datetime64_any_dtype(s):
                assert b.min() == s.min() and b.max() == s.max(), (name, col)
                assert b.isna().sum() == s.isna().sum(), (name, col)
            else:
                assert (b.astype(object).fillna("") == s.astype(object).fillna("")).all(), (
                    name, col)
    assert (SAMPLE / "README.md").exists()


def test_planted_campaign(default):
    from data.generate_sample import CAMPAIGN_EFFECT_DAYS, CAMPAIGN_EXTRA, CAMPAIGN_HOLDOUT

    listed, truth = default["campaign"], default["campaign_truth"].iloc[0]
    assert listed["customer_id"].is_unique
    held = listed["group"] == "holdout"
    assert abs(held.mean() - CAMPAIGN_HOLDOUT) < 0.05
    assert truth["n_contacted"] == (~held).sum() and truth["n_holdout"] == held.sum()
    assert truth["start"].day_name() == "Monday"
    # the extra rows are the last ones: contacted customers, express via the mini program,
    # inside the effect window
    tx = default["transactions"]
    extra = tx.tail(int(truth["extra_shipments"]))
    assert set(extra["customer_id"]) <= set(listed.loc[~held, "customer_id"])
    assert (extra["channel"] == "mini_program").all()
    assert extra["date"].between(truth["start"], truth["start"] + pd.Timedelta(
        days=CAMPAIGN_EFFECT_DAYS - 1)).all()
    assert extra["amount"].sum() == pytest.approx(truth["extra_revenue"])
    per_customer = truth["extra_shipments"] / truth["n_contacted"]
    assert 0.8 * CAMPAIGN_EXTRA < per_customer <= CAMPAIGN_EXTRA * 1.1


def test_campaign_stream_leaves_the_other_rows_alone():
    from data import generate_sample as gen

    a = gen.generate(3_000, seed=4)
    n_extra = int(a["campaign_truth"].iloc[0]["extra_shipments"])
    original = gen.CAMPAIGN_EXTRA
    try:
        gen.CAMPAIGN_EXTRA = 0.0  # no campaign rows: the rest must not move
        b = gen.generate(3_000, seed=4)
    finally:
        gen.CAMPAIGN_EXTRA = original
    assert n_extra > 0 and len(a["transactions"]) == len(b["transactions"]) + n_extra
    pd.testing.assert_frame_equal(a["transactions"].head(len(b["transactions"])),
                                  b["transactions"])
    for name in ("customers", "surveys", "complaints", "truth"):
        pd.testing.assert_frame_equal(a[name], b[name])
