"""The Campaigns page: the sample's planted campaign measured for HQ and, in English and
Chinese, within a branch manager's scope; creating a campaign is for HQ only."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from segmentation.access import Role, User

from .conftest import APP, SAMPLE, app_state, page_text, shown

ID = re.compile(r"(?<![A-Za-z0-9])C\d{6}(?!\d)")


def _app(user: User | None, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        app_state(at).auth.user = user
    app_state(at).sidebar.lang = lang
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def truth() -> pd.Series:
    return pd.read_parquet(SAMPLE / "campaign_truth.parquet").iloc[0]


@pytest.fixture(scope="module")
def listed() -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / "campaign.parquet")


def test_hq_sees_the_planted_campaign_measured(sample_workspace, truth):
    lang = "en"
    at = _app(User("wang", Role.HQ), lang)
    assert [t.label for t in at.tabs] == ["Results", "New campaign"]
    text = page_text(at)
    assert "春季客户召回" in text
    metrics = {m.label: m.value for m in at.metric}
    label = "Extra active customers" if lang == "en" else "多留住的活跃客户"
    kept = float(re.sub(r"[^\d.]", "", metrics[label]))
    # the planted effect kept some 220 customers active; the estimate is near it
    assert 0.5 * truth["extra_retained"] < kept < 1.6 * truth["extra_retained"]
    sentence = next(m.value for m in at.markdown if ("To read out" in m.value
                                                     or "汇报口径" in m.value))
    assert ("more customers active than the held-out customers" in sentence if lang == "en"
            else "比对照组客户多留住了" in sentence)
    assert len(at.get("plotly_chart")) == 1
    assert len(at.dataframe) >= 2


def test_matched_comparison_and_its_check(sample_workspace):
    at = _app(User("wang", Role.HQ))
    picked = at.session_state["campaigns_pick"]
    at.session_state[f"campaigns_method_{picked}"] = "matched"
    at.run()
    assert not at.exception, at.exception
    assert any("Parallel-trend check" in m.value for m in [*at.success, *at.warning])
    assert any("comparable customers" in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_branch_manager_sees_own_branch_only_and_cannot_create(sample_workspace, listed, lang):
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    view = customer_view(Workspace().engine(), as_of=pd.Timestamp(sample_workspace.date_max))
    ids = set(listed["customer_id"])
    counts = view.loc[view.index.isin(ids), "branch"].value_counts()
    branch = str(counts.index[0])
    mine = set(view.index[view["branch"] == branch])
    at = _app(User("li", Role.BRANCH, branch=branch), lang)
    assert not at.tabs  # no "New campaign" tab
    text = page_text(at)
    assert set(ID.findall(text)) <= mine
    others = {b for b in view["branch"].dropna().unique() if b != branch}
    assert not any(b in text for b in others)
    label = "Extra active customers" if lang == "en" else "多留住的活跃客户"
    assert label in {m.label for m in at.metric}
    assert branch in "".join(str(d.value) for d in at.dataframe)
    sentence = next(m.value for m in at.markdown if ("To read out" in m.value
                                                     or "汇报口径" in m.value))
    assert ("than the held-out customers" in sentence if lang == "en"
            else "比对照组客户" in sentence)


def test_branch_without_campaign_customers_sees_none(sample_workspace):
    # a branch that is not in the data: no customer of it was listed
    at = _app(User("li", Role.BRANCH, branch="不存在网点"))
    assert any("No campaign within your scope" in shown(m.value) for m in at.info)
    assert not ID.findall(page_text(at))


def test_hq_creates_a_campaign_from_a_tier(sample_workspace):
    at = _app(User("wang", Role.HQ))
    at.text_input(key="campaigns_name").input("Gold thank-you")
    at.run()
    tiers = at.multiselect(key="campaigns_tier")
    tiers.select(tiers.options[0]).run()
    assert not at.exception, at.exception
    at.button(key="campaigns_save").click().run()
    assert not at.exception, at.exception
    assert any("Gold thank-you" in s.value for s in at.success)
    from segmentation.campaigns import CampaignStore
    from segmentation.workspace import Workspace

    saved = [c for c in CampaignStore.for_workspace(Workspace()).list()
             if c.name == "Gold thank-you"]
    assert saved and saved[0].created_by == "wang" and saved[0].holdout
    CampaignStore.for_workspace(Workspace()).delete(saved[0].campaign_id)


def test_empty_name_is_refused_in_chinese(sample_workspace):
    # (the English message is the library's, tested there)
    at = _app(User("wang", Role.HQ), "zh")
    assert [t.label for t in at.tabs] == ["效果", "新建活动"]
    tiers = at.multiselect(key="campaigns_tier")
    tiers.select(tiers.options[0]).run()
    at.button(key="campaigns_save").click().run()
    assert any("请填写活动名称。" in shown(e.value) for e in at.error)


@pytest.mark.parametrize("source,key", [("persona", "campaigns_persona"),
                                        ("segment", "campaigns_rfm_segment")])
def test_targets_from_a_persona_or_a_segment(sample_workspace, source, key):
    at = _app(User("wang", Role.HQ))
    at.radio(key="campaigns_source").set_value(source).run()
    assert not at.exception, at.exception
    picker = at.multiselect(key=key)
    assert picker.options
    picker.select(picker.options[0]).run()
    counts = [c.value for c in at.caption if "to contact" in c.value]
    assert counts and not counts[0].startswith("0 to contact")


@pytest.mark.parametrize("lang,says", [
    ("en", "2 of the 3 customer ids in list.csv are not customers of the data in use"),
    ("zh", "list.csv 中的 3 个客户编号里有 2 个不是当前数据"),
])
def test_an_uploaded_list_with_unknown_ids_is_flagged(sample_workspace, listed, lang, says):
    """A file whose ids are not the data's (a wrong column, another system's numbers) is
    flagged before the campaign is saved; a list of known ids is not."""
    at = _app(User("wang", Role.HQ), lang)
    at.radio(key="campaigns_source").set_value("file").run()
    known = str(listed["customer_id"].iloc[0])
    bad = f"customer_id\n{known}\nX-00001\nX-00002\n".encode()
    at.file_uploader(key="campaigns_file").set_value(("list.csv", bad, "text/csv")).run()
    assert not at.exception, at.exception
    assert any(says in shown(w.value) for w in at.warning), [w.value for w in at.warning]
    good = f"customer_id\n{known}\n".encode()
    at.file_uploader(key="campaigns_file").set_value(("list.csv", good, "text/csv")).run()
    assert not any("list.csv" in shown(w.value) for w in at.warning)
