"""Table cells are formatted in the browser by Streamlit's own number formatter: the column
formats of segmentation.formatting must print there what the formatting layer prints."""

from __future__ import annotations

import glob
import os

import pytest

from segmentation import formatting

pytestmark = pytest.mark.browser

# Known differences, left out: ties (x.5 at the last digit) round half away from zero in
# the browser, a negative amount is written ¥-1,234, zero with a sign +0, a small negative
# number that rounds to zero -0, a positive one with a sign +0.
CASES = [7, 12457, 887743.49, 1121532.13, 23432370.61, 4.2666, 0.0991, 0.30889, -2.713,
         -1234.21]


def _expected(kind: str, value: float, lang: str) -> str:
    return {
        "int": lambda: formatting.number(value, lang),
        "decimal": lambda: formatting.decimal(value, lang),
        "decimal1": lambda: formatting.decimal(value, lang, 1),
        "signed": lambda: formatting.decimal(value, lang, signed=True),
        "signed1": lambda: formatting.decimal(value, lang, 1, signed=True),
        "signed0": lambda: formatting.number(value, lang, signed=True),
        "money": lambda: formatting.money(value, lang),
        "money2": lambda: formatting.money(value, lang, 2),
        "percent": lambda: formatting.percent(value, lang),
    }[kind]()


def test_column_formats_print_what_the_formatting_layer_prints(server, page):
    import streamlit

    static = os.path.join(os.path.dirname(streamlit.__file__), "static", "static", "js")
    module = os.path.basename(glob.glob(os.path.join(static, "formatNumber.*.js"))[0])
    page.goto(server)
    calls, expected = [], []
    for kind, column in formatting.COLUMN_FORMATS.items():
        # the decimals NumberColumn passes with its step (Streamlit's countDecimals)
        decimals = len(repr(column["step"]).split(".")[1]) if "step" in column else None
        for value in CASES:
            if kind in ("money", "money2"):
                value = abs(value)
            text = _expected(kind, value, "zh")
            if kind.startswith("signed") and not text.strip("0.%"):
                continue  # rounds to zero: the browser writes +0
            calls.append([value, column["format"], decimals])
            expected.append(text)
    # the module's formatNumber(value, format) is exported as "n" (a minified name)
    got = page.evaluate("""async ([module, calls]) => {
        const m = await import('/static/js/' + module);
        const works = g => { try { return g(1234.5, '%,.1f') === '1,234.5'; }
                             catch (e) { return false; } };
        const f = Object.values(m).find(g => typeof g === 'function' && works(g));
        return calls.map(([v, fmt, decimals]) => f(v, fmt, decimals ?? undefined)); }""",
                        [module, calls])
    assert got == expected
