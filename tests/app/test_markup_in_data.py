"""Markup in the data is shown as text on every page, never rendered.

The dataset (:func:`tests.hostile.markup_workspace`) carries a markdown image, a
markdown link, an HTML image and bold in every text a page shows: customer ids,
names, branches, regions, channels, services, comments and complaint categories,
the uploaded file's name, the default preset's tier names and actions, and a
persona name typed into the rename form. Every element that Streamlit renders as
markdown (bodies, labels, help texts, radio options, tab and expander labels) must
hold them escaped; every Plotly figure must hold no ``<img`` / ``<a`` tag.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from segmentation import textsafe
from tests.hostile import MARKUP_HOST, markup_payload, markup_workspace

from .conftest import APP, app_state

PAGES = ["pages/overview.py", "pages/tiers.py", "pages/clusters.py", "pages/satisfaction.py",
         "pages/churn.py", "pages/data.py", "pages/forecast.py"]
CLUSTER_TABS = ["Profiles", "Tier mix & branches", "Map", "Choosing k", "Download"]
#: proto fields Streamlit's frontend renders as markdown
MARKDOWN_FIELDS = {"body", "label", "help", "captions"}
#: the raw payload's pieces: none may reach a markdown field unescaped (a backslash before
#: a character makes markdown show it as it is)
RAW = re.compile(r"127\.0\.0\.1:9|(?<!\\)<img|(?<!\\)\*(?<!\\)\*bold|(?<!\\)!(?<!\\)\[|"
                 r"(?<!\\)\](?<!\\)\(")


@pytest.fixture(scope="module")
def markup_data(tmp_path_factory, sample_workspace):
    folder = tmp_path_factory.mktemp("markup-ws")
    old = os.environ["SEG_WORKSPACE"]
    os.environ["SEG_WORKSPACE"] = str(folder)
    snap = markup_workspace(folder)
    yield snap
    os.environ["SEG_WORKSPACE"] = old


def _markdown_texts(proto, kind: str = "") -> list[tuple[str, str]]:
    """``(where, text)`` of every markdown-rendered string field of ``proto``."""
    out: list[tuple[str, str]] = []
    for field, value in proto.ListFields():
        where = f"{kind or type(proto).__name__}.{field.name}"
        repeated = field.is_repeated
        if field.type == field.TYPE_MESSAGE:
            items = value if repeated else [value]
            for item in items:
                if hasattr(item, "ListFields"):
                    out += _markdown_texts(item, where)
        elif field.type == field.TYPE_STRING and (
                field.name in MARKDOWN_FIELDS
                or (field.name == "options" and type(proto).__name__ == "Radio")):
            values = value if repeated else [value]
            out += [(where, v) for v in values]
    return out


def _walk(node, found: list) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None:
        if type(proto).__name__ == "PlotlyChart":
            found.append(("plotly", proto.spec))
        else:
            found += _markdown_texts(proto)
    for child in getattr(node, "children", {}).values():
        _walk(child, found)


def _unsafe(at) -> tuple[list[tuple[str, str]], list[str]]:
    """The rendered texts holding raw markup, and every markdown text (for coverage)."""
    found: list[tuple[str, str]] = []
    _walk(at._tree, found)
    bad, texts = [], []
    for where, text in found:
        if where == "plotly":
            strings = json.dumps(json.loads(text), ensure_ascii=False)
            if "<img" in strings or "<a " in strings:
                bad.append((where, strings[strings.find("<"):][:200]))
            continue
        texts.append(text)
        if RAW.search(text):
            bad.append((where, text[:200]))
    return bad, texts


def _app(user=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        app_state(at).auth.user = user
    return at


def _check(at, where: str) -> list[str]:
    assert not at.exception, (where, at.exception)
    bad, texts = _unsafe(at)
    assert not bad, (where, bad[:8])
    return texts


def _rename_a_persona(at) -> None:
    """Type markup into the first persona name box and save (as an HQ analyst would)."""
    at.switch_page("pages/clusters.py").run()
    _check(at, "clusters")
    at.text_input(key="clusters_name_0").set_value(
        f"![x](http://{MARKUP_HOST}/p.png)<img src=x>**bold**")
    at.button(key="clusters_names_save").click().run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_markup_in_data_is_shown_as_text(markup_data, page):
    at = _app()
    at.run()
    texts = _check(at, "first run")
    # the sidebar names the upload: escaped, so shown as it is
    assert any(textsafe.md(markup_data.label) in t for t in texts)
    if page == "pages/clusters.py":
        _rename_a_persona(at)
    at.switch_page(page).run()
    texts = _check(at, page)
    if page == "pages/tiers.py":  # the preset's tier name and action, escaped
        assert any(textsafe.md(markup_payload()) in t for t in texts)
        at.button(key="tiers_history_run").click().run()
        _check(at, "tiers history")
    if page == "pages/clusters.py":
        assert any(textsafe.md(f"![x](http://{MARKUP_HOST}/p.png)<img src=x>**bold**") in t
                   for t in texts)
        for tab in CLUSTER_TABS:
            at.session_state["clusters_tab"] = tab
            at.run()
            _check(at, f"clusters {tab}")
    if page == "pages/churn.py":  # the detail of a customer whose id carries markup
        assert at.selectbox(key="_w_churn_detail").value.endswith(markup_payload())
        assert any(textsafe.md(at.selectbox(key="_w_churn_detail").value) in t for t in texts)
