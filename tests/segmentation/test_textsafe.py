"""The escaping layer: values shown literally in Streamlit markdown and Plotly texts."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from segmentation.textsafe import md, md_label, plot, plot_markup, safe_figure

PAYLOADS = [
    ("md-image", "![x](http://127.0.0.1:9/a.png)"),
    ("md-link", "[x](http://127.0.0.1:9/)"),
    ("html-image", "<img src=http://127.0.0.1:9/b.png>"),
    ("bold", "**bold**"),
    ("color", ":red[alarm] :material/home:"),
    ("latex", "$x^2$"),
    ("heading", "# title"),
    ("list", "- item"),
    ("ordered", "1. item"),
    ("quote", "> quoted"),
    ("table", "a | b"),
    ("code", "`rm -rf`"),
    ("strike", "~~gone~~"),
    ("entity", "&lt;img&gt;"),
    ("autolink", "www.example.com li@example.com http://x.y"),
    ("newline", "a\n# b\n- c"),
]
#: characters with a meaning in Streamlit markdown anywhere in a line
SPECIAL = set("\\`*_{}[]()#!|<>~$:&")


def _unescaped(text: str) -> list[str]:
    """The special characters of ``text`` that no backslash escapes."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in SPECIAL:
            out.append(text[i])
        i += 1
    return out


@pytest.mark.parametrize("text", [p[1] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS])
def test_md_escapes_every_markdown_character(text):
    out = md(text)
    assert "\n" not in out
    assert not _unescaped(out), out
    assert not re.match(r"\s*[-+=]", out)  # no list or heading underline at the start
    # what a reader sees: the text itself, backslashes and word joiners resolved
    shown = re.sub(r"\\(.)", r"\1", out).replace("\u2060", "")
    assert shown == re.sub(r"\s*\n\s*", " ", text)


def test_md_keeps_plain_text_and_missing_values():
    assert md("华东-上海浦东网点") == "华东-上海浦东网点"
    assert md(None) == "" and md(float("nan")) == ""
    assert md_label("") == "–"


def test_plot_escapes_tags_and_entities():
    assert plot("<a href='x'>&</a>") == "&lt;a href='x'&gt;&amp;&lt;/a&gt;"
    assert plot_markup("a<br>b<b>c</b><extra></extra><img src=x>") == (
        "a<br>b<b>c</b><extra></extra>&lt;img src=x&gt;")


def test_safe_figure_escapes_data_in_every_text():
    fig = go.Figure(go.Bar(x=["<img src=x>", "ok"], y=[1, 2], name="<a href='y'>n</a>",
                           hovertemplate="%{x}<br>%{y}<extra></extra>"))
    fig.update_layout(title="<b>T</b> <img src=z>")
    out = safe_figure(fig).to_json()
    assert "<img" not in out.replace("\\u003c", "<") and "<a " not in out.replace(
        "\\u003c", "<")
    shown = safe_figure(fig)
    assert list(shown.data[0].x) == ["&lt;img src=x&gt;", "ok"]
    assert shown.data[0].hovertemplate == "%{x}<br>%{y}<extra></extra>"
    assert shown.layout.title.text == "<b>T</b> &lt;img src=z&gt;"
