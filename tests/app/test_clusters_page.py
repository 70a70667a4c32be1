"""The clusters page: k and features, profiles checked against pandas, renames kept."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from segmentation import i18n
from tests.app.conftest import app_state

FRAME_COLUMNS = ["cluster", "persona", "size", "share", "revenue", "revenue_share"]


@pytest.fixture
def clusters(app):
    app.switch_page("pages/clusters.py").run()
    assert not app.exception, app.exception
    return app


@pytest.fixture(scope="module")
def view(sample_workspace):
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    return customer_view(Workspace().engine(), window_days=90)


@pytest.fixture(scope="module")
def labels(view) -> pd.Series:
    """The page's default clustering (k = 6, default features, seed 7), fitted independently."""
    from segmentation.clusters import DEFAULT_FEATURES, CustomerClusterer

    return CustomerClusterer(6, DEFAULT_FEATURES).fit(view).predict(view)


def _profile(app) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if list(d.value.columns[:6]) == FRAME_COLUMNS)


def _card_names(app) -> list[str]:
    return [m.value.strip("*") for m in app.markdown if re.fullmatch(r"\*\*.+\*\*", m.value)]


def _length(array) -> int:
    """Points in a plotly array (a list, or a typed array ``{"dtype", "bdata"}``)."""
    if isinstance(array, dict):
        return len(base64.b64decode(array["bdata"])) // np.dtype(array["dtype"]).itemsize
    return len(array)


def _open_tab(app, label: str):
    app.session_state["clusters_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def test_renders_on_the_sample(clusters, view):
    assert clusters.title[0].value == "Customer clusters and personas"
    assert clusters.slider(key="_w_clusters_k").value == 6
    table = _profile(clusters)
    assert table["cluster"].tolist() == list(range(6))
    assert table["size"].sum() == len(view)
    assert table["revenue_share"].sum() == pytest.approx(1.0)
    # numbered by value: cluster 0 has the highest median spend
    assert table["monetary_total"].is_monotonic_decreasing
    # one card per cluster, with its size and a unique persona name
    assert [int(m.value.replace(",", "")) for m in clusters.metric] == table["size"].tolist()
    names = _card_names(clusters)
    assert names == table["persona"].tolist() and len(set(names)) == 6


@pytest.mark.parametrize("k", [3, 8], ids=["k3", "k8"])
def test_changing_k_changes_the_number_of_clusters(clusters, view, k):
    clusters.slider(key="_w_clusters_k").set_value(k).run()
    assert not clusters.exception, clusters.exception
    table = _profile(clusters)
    assert table["cluster"].tolist() == list(range(k))
    assert table["size"].sum() == len(view)
    assert len(clusters.metric) == k
    assert clusters.session_state["_app_state"].clusters.k == k


def test_changing_features_changes_the_columns(clusters, view):
    default = list(_profile(clusters).columns[6:])
    assert "service_share_express" in default and "customer_type_enterprise" in default
    clusters.button_group(key="_w_clusters_features").set_value(
        ["spend", "recency", "frequency"]).run()
    assert not clusters.exception, clusters.exception
    table = _profile(clusters)
    # display order of the features, whatever the order they were ticked in
    assert list(table.columns[6:]) == ["recency_days", "shipments_per_year", "monetary_total"]
    assert table["size"].sum() == len(view)
    clusters.button_group(key="_w_clusters_features").set_value([]).run()
    assert not clusters.exception
    assert "Choose at least one feature" in clusters.info[0].value
    assert not [d for d in clusters.dataframe if "persona" in d.value.columns]


def test_profile_medians_equal_pandas(clusters, view, labels):
    table = _profile(clusters).set_index("cluster")
    assert table["size"].tolist() == labels.value_counts().sort_index().tolist()
    per_year = view["frequency"] * 365 / np.maximum(view["tenure_days"] + 1, 90)
    pieces = view["quantity_total"] / view["n_transactions"]
    for cluster in (0, 3, 5):
        members = view[labels == cluster]
        row = table.loc[cluster]
        # amounts in whole yuan
        assert row["monetary_total"] == round(members["monetary_total"].median())
        assert row["monetary_avg"] == round(members["monetary_avg"].median())
        assert row["shipments_per_year"] == pytest.approx(per_year[labels == cluster].median())
        assert row["pieces_per_shipment"] == pytest.approx(pieces[labels == cluster].median())
        # shares and one-hot columns are averages
        assert row["service_share_express"] == pytest.approx(
            members["service_share_express"].mean())
        assert row["customer_type_enterprise"] == pytest.approx(
            (members["customer_type"] == "enterprise").mean())
        assert row["revenue"] == round(members["monetary_total"].sum())


def test_use_suggested_k(clusters, view):
    from segmentation.clusters import DEFAULT_FEATURES, suggest_k

    _, expected = suggest_k(view, DEFAULT_FEATURES)
    clusters.button(key="clusters_use_suggested").click().run()
    assert not clusters.exception, clusters.exception
    assert clusters.session_state["_app_state"].clusters.k == expected
    assert len(_profile(clusters)) == expected
    assert (f"Suggested by the silhouette score against structureless data: {expected} "
            "clusters.") in [c.value for c in clusters.caption]


def test_choosing_k_tab_shows_the_silhouette_chart(clusters):
    _open_tab(clusters, "Choosing k")
    # six overlapping archetypes: not the coarse two-way split the raw silhouette prefers
    sentence = next(m.value for m in clusters.markdown if "suggests **" in m.value)
    assert sentence.startswith("The silhouette score, against that of structureless data, "
                               "suggests **")
    assert int(sentence.split("**")[1].split()[0]) > 2
    assert clusters.get("plotly_chart")
    assert any("higher is better separated" in c.value for c in clusters.caption)


def test_tier_mix_and_branches_tab(clusters, view, labels):
    _open_tab(clusters, "Tier mix & branches")
    top = next(d.value for d in clusters.dataframe if "rank" in d.value.columns)
    assert top.groupby("cluster")["rank"].apply(list).tolist() == [[1, 2, 3]] * 6
    first = top[(top["cluster"] == 0) & (top["rank"] == 1)].iloc[0]
    counts = view.loc[labels == 0, "branch"].value_counts()
    assert first["customers"] == counts.max()
    assert first["branch"] == sorted(counts[counts == counts.max()].index)[0]


def test_map_tab(clusters):
    _open_tab(clusters, "Map")
    spec = json.loads(clusters.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "Customer map (3,000 customers sampled)"
    names = _card_names(clusters)
    assert [trace["name"] for trace in spec["data"]] == [f"{i} · {n}" for i, n in enumerate(names)]
    assert sum(_length(trace["x"]) for trace in spec["data"]) == 3000
    assert any("customers close together behave alike" in c.value for c in clusters.caption)


def test_download_tab_lists_every_customer(clusters, view, labels):
    _open_tab(clusters, "Download")
    assert i18n.fmt_int(len(view), "en") in next(
        c.value for c in clusters.caption if "Cluster and persona of each" in c.value)
    preview = next(d.value for d in clusters.dataframe if "customer_id" in d.value.columns)
    assert list(preview.columns) == ["customer_id", "cluster", "persona", "branch", "tier"]
    names = _profile_names(clusters)
    ids = preview["customer_id"].astype(str)
    assert preview["cluster"].tolist() == labels.loc[ids].tolist()
    assert preview["persona"].tolist() == [names[c] for c in preview["cluster"]]
    assert set(preview["tier"]) <= {"VIP", "High", "Medium", "Low"}
    assert len(clusters.get("download_button")) == 2


def _profile_names(app) -> dict[int, str]:
    """Persona names as the cards show them (cluster order)."""
    return dict(enumerate(_card_names(app)))


def test_both_languages(clusters, view):
    from segmentation.clusters import (
        DEFAULT_FEATURES,
        CustomerClusterer,
        cluster_profiles,
        cluster_zscores,
        persona_names,
    )

    app_state(clusters).sidebar.lang = "zh"
    clusters.run()
    assert not clusters.exception, clusters.exception
    assert clusters.title[0].value == "客户聚类与画像"
    assert clusters.slider(key="_w_clusters_k").label == "客群数量"
    assert [t.label for t in clusters.tabs] == ["客群画像", "等级构成与网点", "客户分布图",
                                               "如何选择客群数", "下载"]
    model = CustomerClusterer(6, DEFAULT_FEATURES).fit(view)
    lab = model.predict(view)
    expected = persona_names(cluster_profiles(view, lab, model.features_),
                             cluster_zscores(view, lab, model.features_), "zh")["name"].tolist()
    assert _card_names(clusters) == expected
    assert _profile(clusters)["persona"].tolist() == expected
    # every caption is in Chinese
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert all(cjk.search(c.value) for c in clusters.caption), [c.value for c in clusters.caption]
    for tab in ("等级构成与网点", "客户分布图", "如何选择客群数", "下载"):
        _open_tab(clusters, tab)
        assert all(cjk.search(c.value) for c in clusters.caption)


def test_branch_filter_reduces_sizes(clusters, view):
    branch = view["branch"].value_counts().index[0]
    app_state(clusters).sidebar.filters["branch"] = [branch]
    clusters.run()
    assert not clusters.exception, clusters.exception
    table = _profile(clusters)
    n = int((view["branch"] == branch).sum())
    assert table["size"].sum() == n < len(view)
    assert len(table) == 6


def test_renaming_persists_and_stays_with_the_dataset(clusters, view):
    from streamlit.testing.v1 import AppTest

    from segmentation.personas_store import PersonaStore
    from segmentation.workspace import Workspace, load_sample

    from .conftest import APP

    ws = Workspace()
    dataset_id = ws.current().dataset_id
    auto = _card_names(clusters)
    clusters.text_input(key="clusters_name_2").input("农村包裹客户")
    clusters.button(key="clusters_names_save").click().run()
    assert not clusters.exception, clusters.exception
    assert _card_names(clusters) == [*auto[:2], "农村包裹客户", *auto[3:]]
    store = PersonaStore.for_workspace(ws, dataset_id)
    assert store.path == ws.folder / "personas" / f"{dataset_id}.json"
    assert list(store.names(store.scopes()[0]).items()) == [(2, "农村包裹客户")]
    try:
        # a new session (a restart reads the same file): the name is still there,
        # in both languages, in the cards and in the profile table
        again = AppTest.from_file(APP, default_timeout=120)
        again.run()
        again.switch_page("pages/clusters.py").run()
        assert _card_names(again)[2] == "农村包裹客户"
        assert _profile(again)["persona"].tolist()[2] == "农村包裹客户"
        app_state(again).sidebar.lang = "zh"
        again.run()
        assert _card_names(again)[2] == "农村包裹客户"
        # clusters learned on one branch are another clustering: automatic names there
        app_state(again).sidebar.lang = "en"
        app_state(again).sidebar.filters["branch"] = [view["branch"].value_counts().index[0]]
        again.run()
        assert "农村包裹客户" not in _card_names(again)
        # two clusters may not share a name: refused, nothing stored
        clusters.text_input(key="clusters_name_3").input("农村包裹客户")
        clusters.button(key="clusters_names_save").click().run()
        assert "cannot have the same name" in clusters.error[0].value
        assert store.names(store.scopes()[0]) == {2: "农村包裹客户"}
    finally:
        # a newly loaded dataset (another id) starts with the automatic names
        load_sample(ws)
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.run()
    fresh.switch_page("pages/clusters.py").run()
    assert not fresh.exception, fresh.exception
    assert _card_names(fresh) == auto
    assert PersonaStore.for_workspace(ws, ws.current().dataset_id).scopes() == []



def test_a_viewer_never_shares_the_clustering_of_a_user_who_sees_names(sample_workspace):
    """The clustering cache is keyed by the PII right: an HQ analyst and a viewer with the
    same (unlimited) scope and filters get separate results, each fitted on the view that
    user may see (the viewer's with masked names)."""
    from segmentation.access import ALL, Role, User
    from segmentation.clusters import DEFAULT_FEATURES
    from segmentation.workspace import Workspace
    from ui.context import Context
    from ui.source import ActiveSource

    ws = Workspace()
    snap = ws.current()
    active = ActiveSource(snap, ws.engine(snap))
    as_of = pd.Timestamp(snap.date_max).date()

    def context(user: User) -> Context:
        return Context(lang="en", snap=snap, as_of=as_of, filters=(), scope=user.scope,
                       user=user, active=active)

    hq, viewer = context(User("ana", Role.HQ)), context(User("vic", Role.VIEWER))
    assert hq.scope == viewer.scope == ALL and hq.filters == viewer.filters
    features = tuple(DEFAULT_FEATURES)
    seen_by_hq = hq.clustering(5, features)
    seen_by_viewer = viewer.clustering(5, features)
    assert seen_by_viewer is not seen_by_hq
    assert viewer.clustering(5, features) is seen_by_viewer  # still cached per key
