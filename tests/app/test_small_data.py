"""Small data, honest figures: 25 customers get no personas and no grade for the churn
ranking, but a notice saying what is missing (both languages)."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import APP, SAMPLE, app_state


@pytest.fixture
def twenty_five(sample_workspace):
    """The workspace holding 25 customers of the sample (their whole history)."""
    from segmentation.workspace import Workspace, load_sample

    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    ids = tables["transactions"]["customer_id"].drop_duplicates().sort_values().head(25)
    Workspace().replace({k: v[v["customer_id"].isin(ids)] for k, v in tables.items()},
                        source="upload", label="25.csv")
    yield
    load_sample(Workspace())


def _page(page: str, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    app_state(at).sidebar.lang = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("lang", "notice"), [
    ("en", "Too few customers for personas: 25 customers are selected"),
    ("zh", "客户太少，无法形成客户画像：当前选中 25 位客户"),
])
def test_25_customers_get_no_personas(twenty_five, lang, notice):
    at = _page("pages/clusters.py", lang)
    assert any(notice in i.value for i in at.info)
    assert not at.dataframe and not at.get("plotly_chart")


@pytest.mark.parametrize(("lang", "notice"), [
    ("en", "Small data: the check of this ranking rests on"),
    ("zh", "数据量小：对该排序的检验仅基于"),
])
def test_25_customers_get_no_grade_for_the_churn_ranking(twenty_five, lang, notice):
    at = _page("pages/churn.py", lang)
    assert not at.success  # no green "best of 4 rankings" verdict
    assert any(notice in w.value for w in at.warning)
