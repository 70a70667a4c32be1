"""Issue 24, item 3 (the app side): what the app computes in the database for a network
too large to fetch (``segmentation.bignet``) equals what it computes from the fetched
customer view, on DuckDB and PostgreSQL (the same engines as ``test_pushdown``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import bignet, sql
from segmentation.access import Scope
from segmentation.features import customer_view
from segmentation.filters import filter_options
from segmentation.overview import activity_cube, overview_figures, survey_cube
from tests.segmentation.test_pushdown import AS_OF, engine, tables  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def view(engine) -> pd.DataFrame:  # noqa: F811
    return customer_view(engine, as_of=AS_OF)


@pytest.fixture(scope="module")
def groups(engine) -> pd.DataFrame:  # noqa: F811
    return bignet.customer_groups(engine, as_of=AS_OF)


def test_counts_and_choices_from_the_database_equal_the_views(engine, view, groups):  # noqa: F811
    assert bignet.size_of(groups) == len(view) > 100
    assert len(groups) < len(view) / 2  # a few rows per branch travel, not one per customer
    region = str(view["region"].value_counts().index[0])
    for filters in ({}, {"region": [region]}, {"customer_type": ["enterprise"]},
                    {"region": [region], "area_type": ["rural"]}):
        expected = view
        for column, values in filters.items():
            expected = expected[expected[column].astype(str).isin(values)]
        assert bignet.size_of(groups, filters) == len(expected), filters
        assert filter_options(groups, filters) == filter_options(view, filters), filters
    per_branch = view.groupby("branch")["frequency_recent"].agg(
        customers="size", active_customers=lambda s: int((s > 0).sum()))
    got = groups.groupby("branch")[["customers", "active_customers"]].sum()
    pd.testing.assert_frame_equal(got.sort_index(), per_branch.sort_index(),
                                  check_dtype=False, check_names=False)
    branch = str(view["branch"].value_counts().index[-1])
    mine = bignet.customer_groups(engine, as_of=AS_OF, scope=Scope(branches=(branch,)))
    assert bignet.size_of(mine) == int((view["branch"] == branch).sum())


@pytest.mark.parametrize("filters", [None, "region"])
def test_the_overview_from_the_database_equals_the_fetched_one(engine, view, groups,  # noqa: F811
                                                                filters):
    if filters == "region":
        filters = {"region": [str(view["region"].value_counts().index[-1])]}
    activity, surveys = activity_cube(engine, as_of=AS_OF), survey_cube(engine, as_of=AS_OF)
    ref = overview_figures(view.loc[view.index.isin(
        view.index if not filters else view.index[view["region"].isin(filters["region"])])],
        activity, surveys, as_of=AS_OF, filters=filters)
    got = bignet.overview_in_engine(engine, groups, activity, surveys, as_of=AS_OF,
                                    filters=filters)
    pd.testing.assert_frame_equal(got.headline, ref.headline, rtol=1e-12)
    pd.testing.assert_frame_equal(got.trend, ref.trend)
    for name in ("regions", "branches"):
        theirs = getattr(ref, name).drop(columns="avg_satisfaction")
        mine = getattr(got, name)
        assert list(mine.index) == list(theirs.index)
        pd.testing.assert_frame_equal(mine[theirs.columns], theirs, check_dtype=False)
        assert (mine["customers"] > 0).all() and np.isclose(
            mine["revenue"].sum(), theirs["revenue"].sum())


def test_the_fetch_is_narrowed_only_within_the_users_scope():
    hq, lead, manager = Scope(), Scope(regions=("East",)), Scope(branches=("B1", "B2"))
    assert bignet.fetch_scope(hq, {"region": ["East"]}) == Scope(regions=("East",))
    assert bignet.fetch_scope(hq, {"region": ["East"], "branch": ["B7"]}) == \
        Scope(branches=("B7",))
    assert bignet.fetch_scope(hq, {"customer_type": ["personal"]}) == hq
    assert bignet.fetch_scope(lead, {"branch": ["B7"]}) == lead  # B7 may lie elsewhere
    assert bignet.fetch_scope(manager, {"branch": ["B2"]}) == Scope(branches=("B2",))
    assert bignet.fetch_scope(manager, {"branch": ["B9"]}) == manager


def test_the_row_bound_is_a_setting(monkeypatch):
    monkeypatch.delenv(sql.MAX_ROWS_ENV, raising=False)
    assert sql.max_customer_rows() == sql.SPARK_MAX_ROWS
    monkeypatch.setenv(sql.MAX_ROWS_ENV, "1_500")
    assert sql.max_customer_rows() == 1500
    for bad in ("0", "-3", "many"):
        monkeypatch.setenv(sql.MAX_ROWS_ENV, bad)
        with pytest.raises(ValueError, match=sql.MAX_ROWS_ENV):
            sql.max_customer_rows()


def test_a_regional_leads_branch_is_read_alone_only_when_wholly_inside_the_region():
    from segmentation.access import Scope
    from segmentation.bignet import fetch_scope

    network = pd.DataFrame({"region": ["East", "East", "West", "West"],
                            "branch": ["E1", "E2", "E2", "W1"], "customers": [5, 3, 1, 4]})
    east = Scope(regions=("East",))
    assert fetch_scope(east, {"branch": ["E1"]}, network) == Scope(branches=("E1",))
    # E2 has a customer in the West: reading it alone would leave the region
    assert fetch_scope(east, {"branch": ["E2"]}, network) == east
    assert fetch_scope(east, {"branch": ["W1"]}, network) == east
    assert fetch_scope(east, {"branch": ["E1"]}) == east  # without the network's counts
    assert fetch_scope(Scope(), {"branch": ["E2"]}, network) == Scope(branches=("E2",))
