"""Roles without the PII right: the cluster map holds counts per cell, not customers, and
comments are read with phones, e-mail addresses and names masked; HQ sees both in full."""

from __future__ import annotations

import base64
import json
import os

import numpy as np
import pandas as pd
import pytest

from segmentation.access import Role, User

from .conftest import APP, app_state

PHONE, EMAIL = "13812345678", "li.wei@example.com"


@pytest.fixture(scope="module")
def comment_data(tmp_path_factory, sample_workspace):
    """The sample's first 1,500 customers; every low score says who to call back."""
    from segmentation.cleaning import prepare_dataset
    from segmentation.workspace import SAMPLE_FOLDER, Workspace

    tables = {name: pd.read_parquet(SAMPLE_FOLDER / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    keep = set(tables["customers"]["customer_id"].iloc[:1500])
    tables = {n: f[f["customer_id"].isin(keep)].reset_index(drop=True) for n, f in tables.items()}
    name = str(tables["customers"]["name"].iloc[0])
    surveys = tables["surveys"]
    surveys.loc[surveys["score"] <= 2, "comment"] = (
        f"送件太慢，请{name}回电 {PHONE}，王先生，邮件 {EMAIL}")
    folder = tmp_path_factory.mktemp("pii-ws")
    old = os.environ["SEG_WORKSPACE"]
    os.environ["SEG_WORKSPACE"] = str(folder)
    snap = Workspace(folder).replace(prepare_dataset(tables).tables, source="upload",
                                     label="comments.csv")
    yield snap, name
    os.environ["SEG_WORKSPACE"] = old


def _app(user: User | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        app_state(at).auth.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def _array(value) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed array (``{"dtype", "bdata"}``)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def _map(at) -> dict:
    at.switch_page("pages/clusters.py").run()
    at.session_state["clusters_tab"] = "Map"
    at.run()
    assert not at.exception, at.exception
    charts = [c for c in at.get("plotly_chart") if c.proto.id and "clusters_map" in c.proto.id]
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_viewer_map_holds_counts_not_customers(comment_data):
    spec = _map(_app(User("zhao", Role.VIEWER)))
    text = json.dumps(spec, ensure_ascii=False)
    snap, _ = comment_data
    from segmentation.workspace import Workspace

    ids = set(Workspace().read("customers", snap)["customer_id"].astype(str))
    assert not [i for i in ids if i in text][:3]
    # the hover's counts, written by the formatting layer ("1,234")
    counts = [np.array([float(str(v).replace(",", "")) for v in np.ravel(_array(t["customdata"]))])
              for t in spec["data"]]
    cells = sum(len(c) for c in counts)
    assert 0 < cells < sum(c.sum() for c in counts) / 3  # each cell holds several customers
    assert all((c >= 3).all() for c in counts)


def test_hq_map_still_shows_customers(comment_data):
    spec = _map(_app(None))
    text = json.dumps(spec, ensure_ascii=False)
    assert any(trace["type"] == "scattergl" for trace in spec["data"])
    assert "C00" in text  # customer ids on hover


def _voice(at) -> str:
    at.switch_page("pages/satisfaction.py").run()
    assert not at.exception, at.exception
    parts = [d.value.to_csv() for d in at.dataframe]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def test_viewer_reads_comments_masked(comment_data):
    _, name = comment_data
    text = _voice(_app(User("zhao", Role.VIEWER)))
    assert "送件太慢" in text  # the comment is there ...
    for secret in (PHONE, EMAIL, name, "王先生"):  # ... without who wrote it
        assert secret not in text
    assert "*********78" in text and "*先生" in text


def test_hq_reads_comments_in_full(comment_data):
    _, name = comment_data
    text = _voice(_app(None))
    assert PHONE in text and EMAIL in text and name in text
