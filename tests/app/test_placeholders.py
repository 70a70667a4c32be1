"""No page shows an unfilled ``{name}`` placeholder, in either language.

Every page is rendered (all tabs: Streamlit runs each tab's body; the Clusters tabs
and the Tiers history on request), and the whole element tree is scanned as text:
titles, captions, markdown, metrics, widget labels and options, help texts, tables and
charts.
"""

from __future__ import annotations

import re

import pytest

from segmentation import i18n

from .conftest import APP, app_state

PAGES = ["pages/overview.py", "pages/tiers.py", "pages/clusters.py", "pages/satisfaction.py",
         "pages/churn.py", "pages/data.py", "pages/forecast.py"]
#: ``{days}``, ``{factor:g}``, ``{n:,}`` … as str.format leaves them; not Plotly's
#: ``%{x}`` hover templates, nor JSON (``{"key": …}``).
PLACEHOLDER = re.compile(r"(?<![%$\\])\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}\s]*)?\}")


def _strings(message, out: list[str]) -> None:
    """Every text field of a protobuf message, recursively (bytes, e.g. Arrow tables, are
    left out: the tables are read as tables)."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                out.append(item)
            elif hasattr(item, "ListFields"):
                _strings(item, out)


def _leftovers(at) -> set[str]:
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            _strings(proto, texts)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    texts += [d.value.to_csv() for d in at.dataframe]
    return set(PLACEHOLDER.findall("\n".join(texts)))


def test_the_pattern_finds_what_str_format_leaves():
    text = 'no shipment for more than {factor:g} times · {days} days · %{x} · {"a": 1} · {n:,}'
    assert PLACEHOLDER.findall(text) == ["{factor:g}", "{days}", "{n:,}"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_page_shows_an_unfilled_placeholder(sample_workspace, lang):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    app_state(at).sidebar.lang = lang
    at.run()
    found: dict[str, set[str]] = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found[page] = _leftovers(at)
        if page == "pages/tiers.py":
            at.button(key="tiers_history_run").click().run()
            assert not at.exception, at.exception
            found[page] |= _leftovers(at)
        if page == "pages/clusters.py":
            options = [i18n.t(f"cl.tab.{k}", lang)
                       for k in ("profiles", "mix", "map", "k", "download")]
            for tab in options:
                at.session_state["clusters_tab"] = tab
                at.run()
                assert not at.exception, (tab, at.exception)
                found[page] |= _leftovers(at)
    assert not {p: f for p, f in found.items() if f}
