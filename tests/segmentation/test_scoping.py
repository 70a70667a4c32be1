"""A user's scope inside the library's queries: a branch manager reads 0 rows of another branch.

Seven hand-written customers on every backend (DuckDB, SQLite, PostgreSQL, MariaDB):

====  ===============  ================  ===============================  =========
id    customers.branch customers.region  transactions (branch: amount)    home
====  ===============  ================  ===============================  =========
c1    A                N                 A: 100, 50                       A / N
c2    B                N                 B: 200                           B / N
c3    C                S                 C: 300, -20                      C / S
c4    (no row)                           A: 40, 60; B: 10                 A (most)
c5    (no row)                           B: 70, 80; A: 5                  B (most)
c6    (missing)        S                 A: 90                            A / S
c7    A                N                 C: 30                            A / N
====  ===============  ================  ===============================  =========
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.access import ALL, Scope
from segmentation.features import customer_view, query_sql, view_queries
from segmentation.overview import activity_cube, survey_cube
from segmentation.scoping import candidates
from tests.conftest import write_tables

D = pd.Timestamp


def tables() -> dict[str, pd.DataFrame]:
    rows = [("c1", "2025-01-10", 100, "A"), ("c1", "2025-03-01", 50, "A"),
            ("c2", "2025-02-01", 200, "B"),
            ("c3", "2025-02-15", 300, "C"), ("c3", "2025-03-10", -20, "C"),
            ("c4", "2025-01-05", 40, "A"), ("c4", "2025-02-05", 60, "A"),
            ("c4", "2025-03-05", 10, "B"),
            ("c5", "2025-01-20", 70, "B"), ("c5", "2025-02-20", 80, "B"),
            ("c5", "2025-03-20", 5, "A"),
            ("c6", "2025-03-25", 90, "A"),
            ("c7", "2025-03-28", 30, "C")]
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "branch"])
    tx["date"] = pd.to_datetime(tx["date"])
    tx["amount"] = tx["amount"].astype("float64")
    customers = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c6", "c7"],
        "name": ["张伟", "李娜", "王芳", "Jones", "欧阳娜娜"],
        "phone": ["13812341234", "13900001111", "13700002222", "13600003333", "13500004444"],
        "branch": ["A", "B", "C", None, "A"],
        "region": ["N", "N", "S", "S", "N"],
    })
    surveys = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c6", None],
        "date": pd.to_datetime(["2025-03-02", "2025-02-03", "2025-03-01", "2025-02-06",
                                "2025-03-26", "2025-03-01"]),
        "score": [4.0, 5.0, 2.0, 4.0, 3.0, 1.0],
    })
    complaints = pd.DataFrame({
        "customer_id": ["c1", "c3", "c5"],
        "date": pd.to_datetime(["2025-03-03", "2025-03-11", "2025-02-21"]),
        "category": ["delay", "damage", "delay"],
        "status": ["open", "resolved", "open"],
    })
    return {"transactions": tx, "customers": customers, "surveys": surveys,
            "complaints": complaints}


AS_OF = D("2025-03-31")
EXPECTED = {
    "A": {"c1", "c4", "c6", "c7"},
    "B": {"c2", "c5"},
    "C": {"c3"},
}
SCOPES = [
    (Scope(branches=("A",)), {"c1", "c4", "c6", "c7"}),
    (Scope(branches=("B",)), {"c2", "c5"}),
    (Scope(branches=("C",)), {"c3"}),
    (Scope(regions=("N",)), {"c1", "c2", "c7"}),
    (Scope(regions=("S",)), {"c3", "c6"}),
    (Scope(branches=("A", "C")), {"c1", "c3", "c4", "c6", "c7"}),
    (Scope(branches=("nowhere",)), set()),
]
SCOPE_IDS = ["branch-A", "branch-B", "branch-C", "region-N", "region-S", "branches-A-C",
             "unknown-branch"]


@pytest.fixture
def engine(db_engine):
    write_tables(db_engine, tables())
    return db_engine


@pytest.mark.parametrize(("scope", "expected"), SCOPES, ids=SCOPE_IDS)
def test_view_of_a_scope_is_the_network_view_cut_to_it(engine, scope, expected):
    full = customer_view(engine, as_of=AS_OF)
    scoped = customer_view(engine, as_of=AS_OF, scope=scope)
    assert set(scoped.index) == expected
    # every measure is the one of the unscoped view: the scope only chooses rows
    pd.testing.assert_frame_equal(scoped, full.loc[sorted(expected)], check_index_type=False)


def test_every_customer_appears_for_exactly_one_branch(engine):
    full = customer_view(engine, as_of=AS_OF)
    seen = [set(customer_view(engine, as_of=AS_OF, scope=Scope(branches=(b,))).index)
            for b in "ABC"]
    assert [s == EXPECTED[b] for s, b in zip(seen, "ABC", strict=True)] == [True] * 3
    assert set.union(*seen) == set(full.index)
    assert sum(map(len, seen)) == len(full)


def test_the_scope_is_a_where_inside_every_query(engine):
    """The queries themselves read no row of c2 or c3 (branch B / C customers who never
    shipped at A): the scope is applied in the database, not after fetching."""
    scope = Scope(branches=("A",))
    queries = view_queries(engine, as_of=AS_OF, scope=scope)
    assert set(queries) == {"transactions", "branches", "customers", "surveys", "complaints"}
    with engine.connect() as conn:
        for name, query in queries.items():
            ids = {str(r.customer_id) for r in conn.execute(query)}
            # candidates: customers.branch A (c1, c7) or a transaction at A (c1, c4, c5, c6)
            assert ids <= {"c1", "c4", "c5", "c6", "c7"}, name
            assert not ids & {"c2", "c3"}, name
    sql = query_sql(queries["transactions"], engine)
    assert "transactions_scoped" in sql and "'A'" in sql


def test_unlimited_scope_changes_nothing(engine):
    full = customer_view(engine, as_of=AS_OF)
    pd.testing.assert_frame_equal(customer_view(engine, as_of=AS_OF, scope=ALL), full)
    assert query_sql(view_queries(engine, as_of=AS_OF, scope=ALL)["transactions"], engine) \
        == query_sql(view_queries(engine, as_of=AS_OF)["transactions"], engine)


def test_a_limited_scope_never_falls_back_to_everyone(duckdb_engine):
    """Without a branch or region column nobody is in a limited scope (not everybody)."""
    tx = tables()["transactions"].drop(columns="branch")
    write_tables(duckdb_engine, {"transactions": tx})
    assert len(customer_view(duckdb_engine, as_of=AS_OF)) == 7
    assert customer_view(duckdb_engine, as_of=AS_OF, scope=Scope(branches=("A",))).empty
    assert customer_view(duckdb_engine, as_of=AS_OF, scope=Scope(regions=("N",))).empty
    with duckdb_engine.connect() as conn:
        tx_table = sa.table("transactions", sa.column("customer_id"))
        assert conn.execute(candidates({"transactions": tx_table},
                                       Scope(branches=("A",)))).all() == []


def _sorted(cube: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in cube.columns if c in ("day", "region", "branch")]
    return cube.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize(("scope", "column", "value"), [
    (Scope(branches=("A",)), "branch", "A"),
    (Scope(regions=("N",)), "region", "N"),
], ids=["branch-A", "region-N"])
def test_overview_cubes_of_a_scope(engine, scope, column, value):
    full = activity_cube(engine, as_of=AS_OF)
    scoped = activity_cube(engine, as_of=AS_OF, scope=scope)
    assert set(scoped[column]) == {value}
    expected = full[full[column] == value]
    pd.testing.assert_frame_equal(_sorted(scoped), _sorted(expected))
    if column == "branch":  # c1 150 + c4 100 (its B row is B's) + c5 5 + c6 90 + c7 30
        assert scoped["revenue"].sum() == 375.0
    surveys = survey_cube(engine, as_of=AS_OF, scope=scope)
    all_surveys = survey_cube(engine, as_of=AS_OF)
    pd.testing.assert_frame_equal(_sorted(surveys),
                                  _sorted(all_surveys[all_surveys[column] == value]))
    assert surveys["responses"].sum() == (1 if column == "branch" else 2)  # c1 (and c2)


def test_satisfaction_reads_only_the_scope(engine):
    from segmentation import satisfaction as sat

    scope = Scope(branches=("A",))
    view = customer_view(engine, as_of=AS_OF, scope=scope)
    data = sat.load(engine, view, as_of=AS_OF, scope=scope, months=3)
    assert set(data.surveys["customer_id"]) == {"c1", "c4", "c6"}   # the answer without an id
    assert set(data.complaints["customer_id"]) == {"c1"}            # is in no branch
    assert set(data.shipments.index) <= EXPECTED["A"]
    assert set(data.attributes.index) == EXPECTED["A"]
    # the shipments of the scope's customers are complete (c4's shipment at B included)
    assert int(data.shipments.loc["c4"].sum()) > 0
    everyone = sat.load(engine, customer_view(engine, as_of=AS_OF), as_of=AS_OF, months=3)
    assert {"c2", "c3"} <= set(everyone.surveys["customer_id"])


def test_tier_history_ranks_network_wide_and_shows_the_scope(engine):
    from segmentation.tiers import TierSettings, tier_history

    settings = TierSettings.default(3)
    full = tier_history(engine, as_of=AS_OF, settings=settings, months=3)
    scoped = tier_history(engine, as_of=AS_OF, settings=settings, months=3,
                          scope=Scope(branches=("B",)))
    assert set(scoped.tiers.index) == {"c2", "c5"}
    pd.testing.assert_frame_equal(scoped.tiers, full.tiers.loc[["c2", "c5"]])


def test_lifecycle_counts_only_the_given_customers(engine):
    from segmentation.churn import lifecycle_stages

    full = lifecycle_stages(engine, as_of=AS_OF, months=3, lost_after_days=60)
    part = lifecycle_stages(engine, as_of=AS_OF, months=3, lost_after_days=60,
                            customers=["c2", "c5"])
    assert set(part.current.index) == {"c2", "c5"}
    pd.testing.assert_series_equal(part.current, full.current.loc[["c2", "c5"]])
    assert int(part.counts.iloc[-1].sum()) == 2
    assert int(part.flows[part.flows["month_end"] == part.flows["month_end"].max()]
               ["customers"].sum()) == 2
    assert part.typical_interval_days == full.typical_interval_days


# --------------------------------------------------------------------------- network-wide tiers

SAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_view(tmp_path_factory):
    from segmentation.workspace import Workspace, load_sample

    ws = Workspace(tmp_path_factory.mktemp("ws"))
    load_sample(ws)
    view = customer_view(ws.engine())
    ws.engine().dispose()
    return view


@pytest.mark.parametrize("mode", ["share", "threshold"])
def test_restricted_scoring_keeps_the_network_tiers(sample_view, mode):
    from segmentation.tiers import TierSettings, assign, prepare_scoring, restrict_scoring

    settings = TierSettings.default(4)
    if mode == "threshold":
        settings = TierSettings.from_dict({**settings.to_dict(), "mode": "threshold"})
    network = prepare_scoring(sample_view)
    branch = sample_view["branch"].value_counts().index[-1]  # a small branch
    mine = Scope(branches=(branch,)).apply(sample_view)
    restricted = restrict_scoring(network, mine)
    shown = assign(restricted, settings).scored
    everyone = assign(network, settings).scored
    assert shown.index.equals(mine.index) and 0 < len(shown) < len(sample_view) / 10
    for column in ("r_score", "f_score", "m_score", "value_score", "tier", "rfm_segment"):
        pd.testing.assert_series_equal(shown[column], everyone.loc[mine.index, column])
    if mode == "share":  # graded within the branch alone, tiers would differ: they must not
        alone = assign(prepare_scoring(mine), settings).scored["tier"]
        assert (alone != shown["tier"]).any()


def test_restricting_needs_known_customers(sample_view):
    from segmentation.tiers import prepare_scoring, restrict_scoring

    network = prepare_scoring(sample_view.iloc[:100])
    with pytest.raises(ValueError, match="customers that the scoring base lacks"):
        restrict_scoring(network, sample_view.iloc[50:150])
