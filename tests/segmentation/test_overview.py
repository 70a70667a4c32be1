"""Overview cubes, headline figures, trends and breakdowns on hand-written data."""

import numpy as np
import pandas as pd
import pytest

from segmentation.filters import apply_filters, filter_options, normalize_filters
from segmentation.overview import activity_cube, breakdown, headline, monthly_trend, survey_cube
from segmentation.workspace import Workspace

AS_OF = pd.Timestamp("2024-06-30")


@pytest.fixture
def engine(tmp_path):
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "a"],
        "date": pd.to_datetime(["2024-06-30", "2024-06-01", "2024-03-15", "2024-06-10",
                                "2024-06-10", "2024-07-05"]),
        "amount": [100.0, 50.0, 30.0, 20.0, -5.0, 999.0],
        "branch": ["x", "y", "y", "x", "x", "x"],
    })
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "branch": ["x", "y", "x"],
                              "region": ["north", "south", "north"],
                              "customer_type": ["enterprise", "individual", "individual"]})
    surveys = pd.DataFrame({"customer_id": ["a", "b", "c"],
                            "date": pd.to_datetime(["2024-06-02", "2024-03-20", "2024-01-05"]),
                            "score": [5.0, 3.0, 1.0]})
    ws = Workspace(tmp_path)
    ws.replace({"transactions": tx, "customers": customers, "surveys": surveys}, source="test")
    return ws.engine()


def test_activity_cube_uses_customer_attributes_and_ignores_later_rows(engine):
    cube = activity_cube(engine, as_of=AS_OF).sort_values(["day", "branch"])
    assert cube["day"].max() == AS_OF  # the 2024-07-05 row is after as_of
    # a's 2024-06-01 shipment was at branch y, but a's home branch (customers) is x
    june1 = cube[cube["day"] == "2024-06-01"].iloc[0]
    assert (june1["branch"], june1["region"], june1["shipments"]) == ("x", "north", 1)
    june10 = cube[cube["day"] == "2024-06-10"].iloc[0]
    assert (june10["shipments"], june10["revenue"]) == (1, 15.0)  # refund not a shipment
    assert cube["revenue"].sum() == pytest.approx(195.0)


def test_headline_current_vs_previous(engine):
    act = activity_cube(engine, as_of=AS_OF)
    sv = survey_cube(engine, as_of=AS_OF)
    view = pd.DataFrame({
        "region": ["north", "south", "north"], "branch": ["x", "y", "x"],
        "frequency_recent": [2, 0, 1], "frequency_prior": [0, 1, 0],
        "tenure_days": [29, 107, 20], "frequency": [2, 1, 1],
    }, index=pd.Index(["a", "b", "c"], name="customer_id"))
    h = headline(view, act, sv, as_of=AS_OF, period_days=90)
    assert h.loc["revenue", "current"] == pytest.approx(165.0)   # 100 + 50 + 20 - 5
    assert h.loc["revenue", "previous"] == pytest.approx(30.0)   # b on 2024-03-15
    assert h.loc["revenue", "change"] == pytest.approx(165 / 30 - 1)
    assert h.loc["shipments", "current"] == 3
    assert h.loc["active_customers", ["current", "previous"]].tolist() == [2, 1]
    assert h.loc["customers", ["current", "previous"]].tolist() == [3, 1]
    assert h.loc["avg_satisfaction", "current"] == pytest.approx(5.0)
    assert h.loc["avg_satisfaction", "previous"] == pytest.approx(2.0)  # 3 (b) and 1 (c)
    north = headline(view, act, sv, as_of=AS_OF, period_days=90, filters={"region": ["north"]})
    assert north.loc["revenue", "current"] == pytest.approx(165.0)
    assert north.loc["revenue", "previous"] == 0 and np.isnan(north.loc["revenue", "change"])
    assert north.loc["customers", "current"] == 2


def test_monthly_trend_marks_partial_month(engine):
    act = activity_cube(engine, as_of="2024-06-15")
    trend = monthly_trend(act, as_of="2024-06-15", months=6)
    assert trend["month"].dt.strftime("%Y-%m").tolist() == ["2024-03", "2024-04", "2024-05",
                                                           "2024-06"]
    assert trend["shipments"].tolist() == [1, 0, 0, 2]
    assert trend["partial"].tolist() == [False, False, False, True]
    full = monthly_trend(activity_cube(engine, as_of=AS_OF), as_of=AS_OF, months=6)
    assert not full["partial"].any()


def test_breakdown_by_region(engine):
    act = activity_cube(engine, as_of=AS_OF)
    view = pd.DataFrame({"region": ["north", "south", "north"], "frequency": [2, 1, 1],
                         "frequency_recent": [2, 0, 1], "satisfaction_avg": [5.0, 3.0, 1.0]},
                        index=pd.Index(["a", "b", "c"], name="customer_id"))
    out = breakdown(view, act, by="region", as_of=AS_OF, period_days=90)
    assert out.index.tolist() == ["north", "south"]
    assert out.loc["north", ["customers", "active_customers", "revenue"]].tolist() == [2, 2, 165]
    assert out.loc["south", "revenue_previous"] == 30
    assert out.loc["north", "avg_satisfaction"] == 3.0
    assert breakdown(view, act, by="channel", as_of=AS_OF).empty


def test_filters():
    frame = pd.DataFrame({"region": ["n", "s", "n"], "branch": ["x", "y", "z"]})
    assert normalize_filters({"branch": ["y", "x"], "region": [], "bogus": ["q"]}) == (
        ("branch", ("x", "y")),)
    assert apply_filters(frame, {"region": ["n"]})["branch"].tolist() == ["x", "z"]
    assert apply_filters(frame, {"customer_type": ["enterprise"]}).shape[0] == 3  # absent col
    assert filter_options(frame, {"region": ["s"]}) == {"region": ["n", "s"], "branch": ["y"]}


def test_customer_history(engine):
    from segmentation.customer import customer_history

    hist = customer_history(engine, "a", as_of=AS_OF)
    assert hist["transactions"]["amount"].tolist() == [50.0, 100.0]  # 07-05 is after as_of
    assert hist["surveys"]["score"].tolist() == [5.0]
    assert "complaints" not in hist
    assert customer_history(engine, "zzz", as_of=AS_OF)["transactions"].empty


def test_a_zero_amount_order_is_a_shipment_and_a_refund_is_not(tmp_path):
    from segmentation.satisfaction import shipment_counts

    tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
                       "date": pd.to_datetime(["2024-06-01", "2024-06-02", "2024-06-03"]),
                       "amount": [0.0, -10.0, 25.0]})
    ws = Workspace(tmp_path)
    ws.replace({"transactions": tx}, source="test")
    cube = activity_cube(ws.engine(), as_of=AS_OF)
    assert cube.groupby("day")["shipments"].sum().tolist() == [1, 0, 1]
    counts = shipment_counts(ws.engine(), {"june": (pd.Timestamp("2024-06-01"),
                                                   pd.Timestamp("2024-07-01"))})
    assert counts["june"].to_dict() == {"a": 1, "b": 1}


def test_fixed_filters_of_a_scope():
    from segmentation.access import ALL, Scope
    from segmentation.filters import fixed_filters

    frame = pd.DataFrame({"region": ["n", "n", None], "branch": ["x", "x", "x"]})
    assert fixed_filters(Scope(branches=("x",)), frame) == {"branch": ["x"], "region": ["n"]}
    assert fixed_filters(Scope(regions=("n",)), frame) == {"region": ["n"]}
    assert fixed_filters(Scope(branches=("x",)), frame.iloc[:0]) == {"branch": ["x"]}
    assert fixed_filters(Scope(branches=("\x00none",)), frame) == {}
    assert fixed_filters(ALL, frame) == {}
