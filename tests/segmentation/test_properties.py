"""Property-based tests (hypothesis): parsers, share cut-offs, the preset JSON round trip.

Each property holds for every input hypothesis generates; the examples it finds
first are the small, hostile ones (empty strings, NUL, ties, one customer ...).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from segmentation import sources
from segmentation.cleaning import (
    ambiguous_date_order,
    parse_amounts,
    parse_dates,
    prepare_table,
)
from segmentation.presets import PresetStore
from segmentation.schema import DataError
from segmentation.tiers import (
    MAX_TIERS,
    MIN_TIERS,
    SettingsError,
    TierSettings,
    assign_tiers_by_share,
)

STR = pd.StringDtype(na_value=np.nan)
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _text(values) -> pd.Series:
    return pd.Series(list(values), dtype=STR)


# --------------------------------------------------------------------------- dates

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
DATE_FORMATS = {
    "iso": lambda d: d.isoformat(),
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dots": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "compact": lambda d: d.strftime("%Y%m%d"),
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "with-time": lambda d: f"{d.isoformat()} 14:05:33",
    "iso-t-offset": lambda d: f"{d.isoformat()}T08:00:00+08:00",
    "full-width": lambda d: f"{d.year}年{d.month}月{d.day}日".translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
}


@FAST
@given(st.lists(dates, min_size=1, max_size=20), st.sampled_from(sorted(DATE_FORMATS)))
def test_dates_written_any_common_way_parse_back(values, form):
    parsed, failed = parse_dates(_text(DATE_FORMATS[form](d) for d in values))
    assert not failed.any()
    assert parsed.dt.date.tolist() == values


@FAST
@given(st.lists(dates, min_size=1, max_size=20))
def test_excel_serial_numbers_parse_back(values):
    serials = pd.Series([(pd.Timestamp(d) - pd.Timestamp("1899-12-30")).days for d in values])
    parsed, failed = parse_dates(serials)
    assert not failed.any() and parsed.dt.date.tolist() == values
    parsed, failed = parse_dates(_text(str(s) for s in serials))  # as text, too
    assert not failed.any() and parsed.dt.date.tolist() == values


@FAST
@given(st.lists(dates, min_size=1, max_size=20), st.booleans())
def test_year_last_dates_take_one_order_per_column(values, day_first):
    text = _text((f"{d.day:02d}/{d.month:02d}/{d.year}" if day_first
                  else f"{d.month:02d}/{d.day:02d}/{d.year}") for d in values)
    parsed, failed = parse_dates(text)
    assert not failed.any()
    settled = any(d.day > 12 for d in values)
    ambiguous = ambiguous_date_order(text)
    if settled:  # a day above 12 decides the order: every date is read as written
        assert parsed.dt.date.tolist() == values
        assert not ambiguous.any()
    else:  # nothing decides: month/day, and every date whose reading depends on it is flagged
        assert ambiguous.tolist() == [d.day != d.month for d in values]
        if not day_first:
            assert parsed.dt.date.tolist() == values


@FAST
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=15))
@example(["\x00", "2024-13-45", "9999-12-31", "0000-00-00", "٢٠٢٤-٠١-٠١"])
def test_date_parser_never_raises_and_flags_only_present_values(values):
    series = pd.Series(values, dtype=STR)
    parsed, failed = parse_dates(series)
    assert len(parsed) == len(series) and parsed.dtype == "datetime64[ns]"
    present = series.str.strip().replace("", None).notna().to_numpy()
    assert not (failed.to_numpy() & ~present).any()
    assert (parsed.isna() | ~failed).all()
    ok = parsed.dropna()
    assert ((ok >= pd.Timestamp("1900-01-01")) & (ok < pd.Timestamp("2200-01-01"))).all()


# --------------------------------------------------------------------------- amounts

cents = st.integers(min_value=-10**12, max_value=10**12)
AMOUNT_FORMATS = {
    "plain": lambda v: f"{v:.2f}",
    "grouped": lambda v: f"{v:,.2f}",
    "yuan-sign": lambda v: f"¥{v:,.2f}" if v >= 0 else f"-¥{-v:,.2f}",
    "full-width-sign": lambda v: f"￥{v:,.2f}" if v >= 0 else f"-￥{-v:,.2f}",
    "yuan-word": lambda v: f"{v:.2f}元",
    "rmb": lambda v: f"RMB {v:,.2f}",
    "accounting": lambda v: f"({-v:,.2f})" if v < 0 else f"{v:,.2f}",
    "unicode-minus": lambda v: f"−{-v:.2f}" if v < 0 else f"{v:.2f}",
    "space-groups": lambda v: f"{v:,.2f}".replace(",", " "),
}


@FAST
@given(st.lists(cents, min_size=1, max_size=20), st.sampled_from(sorted(AMOUNT_FORMATS)))
def test_amounts_written_as_people_write_them_parse_back(values, form):
    numbers = [c / 100 for c in values]
    parsed, failed = parse_amounts(_text(AMOUNT_FORMATS[form](v) for v in numbers))
    assert not failed.any()
    np.testing.assert_allclose(parsed.to_numpy(), numbers, rtol=0, atol=1e-6)


@FAST
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=15))
@example(["1.234,50", "12,50", "(", "¥", "--", "1e400", "nan", "inf", "\x00"])
def test_amount_parser_never_raises_and_returns_finite_numbers(values):
    series = pd.Series(values, dtype=STR)
    parsed, failed = parse_amounts(series)
    assert len(parsed) == len(series) and parsed.dtype == "float64"
    assert np.isfinite(parsed.dropna()).all()
    assert (parsed.isna() | ~failed).all()


@FAST
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_decimal_commas_are_refused_not_misread(whole, frac):
    """``12,50`` is not twelve hundred and fifty: a group after a comma must have 3 digits."""
    parsed, failed = parse_amounts(_text([f"{whole},{frac:02d}"]))
    assert failed.tolist() == [True] and parsed.isna().all()


# --------------------------------------------------------------------------- ids

id_text = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Lo"),
                                max_codepoint=0x9FFF), min_size=1, max_size=10)
controls = st.sampled_from(["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\u200b", "\ufeff"])


@FAST
@given(st.lists(id_text, min_size=1, max_size=8, unique=True), st.data())
def test_ids_that_differ_only_by_control_characters_are_one_id(ids, data):
    dirty = []
    for value in ids:
        spot = data.draw(st.integers(min_value=0, max_value=len(value)))
        dirty.append(value[:spot] + data.draw(controls) + value[spot:])
    raw = pd.DataFrame({"customer_id": _text(ids + dirty),
                        "date": _text(["2024-01-01"] * 2 * len(ids)),
                        "amount": _text([str(i + 1) for i in range(2 * len(ids))])})
    prepared = prepare_table(raw, "transactions")
    expected = [i.strip() for i in ids]
    assert sorted(prepared.frame["customer_id"].unique()) == sorted(set(expected))
    problem = next(p for p in prepared.problems if p.code == "control_characters")
    assert problem.rows == len(ids) and problem.params["chars"] == len(ids)


@FAST
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=99999),
       st.integers(min_value=5, max_value=20))
def test_scientific_notation_ids_are_always_refused(lead, digits, exponent):
    value = f"{lead}.{digits}E+{exponent}"
    raw = pd.DataFrame({"customer_id": _text(["100", value, "200"] * 4),
                        "date": _text(["2024-01-01"] * 12), "amount": _text(["1"] * 12)})
    with pytest.raises(DataError) as err:
        prepare_table(raw, "transactions")
    assert [p.code for p in err.value.problems] == ["scientific_ids"]


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10**14), min_size=1, max_size=10))
def test_numeric_ids_keep_their_digits(numbers):
    """Whole-number ids from Excel or Parquet floats lose only the ``.0``."""
    raw = pd.DataFrame({"customer_id": pd.Series(numbers, dtype="float64"),
                        "date": _text(["2024-01-01"] * len(numbers)),
                        "amount": _text([str(i + 1) for i in range(len(numbers))])})
    prepared = prepare_table(raw, "transactions")
    assert set(prepared.frame["customer_id"]) == {str(n) for n in numbers}


# --------------------------------------------------------------------------- encodings

cell = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Lo", "Zs", "Po"),
                             max_codepoint=0x9FFF, blacklist_characters="\"'"),
               min_size=1, max_size=8).map(str.strip).filter(
    lambda s: s and s not in sources.NULL_TOKENS)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]


@FAST
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=8), st.sampled_from(ENCODINGS))
def test_csv_in_any_supported_encoding_reads_back(rows, encoding):
    frame = pd.DataFrame(rows, columns=["customer_id", "name"])
    text = frame.to_csv(index=False)
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: detected from the NUL bytes,
        ascii_share = sum(ch.isascii() for ch in text) / len(text)  # which need ASCII text
        assume(ascii_share >= 0.7)
    if encoding == "gb18030":
        assume(not text.isascii())  # pure ASCII is UTF-8 as well
    back = sources.read_any(data, filename="x.csv")
    assert back.columns.tolist() == ["customer_id", "name"]
    assert back.astype(object).values.tolist() == [list(r) for r in rows]


@FAST
@given(st.binary(max_size=300))
@example(b"\xff\xfe")
@example(b"PK\x03\x04")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
@example(b'a,b\n"1,2\n')
def test_any_bytes_give_a_table_or_a_data_error(data):
    for name in ("x.csv", "x.xlsx", "x.xls", "x.parquet"):
        try:
            frame = sources.read_any(data, filename=name)
        except DataError as err:
            assert err.problems and all(p.message("zh") for p in err.problems)
        else:
            assert isinstance(frame, pd.DataFrame) and len(frame.columns)


# --------------------------------------------------------------------------- share cut-offs

shares_st = st.integers(min_value=MIN_TIERS, max_value=MAX_TIERS).flatmap(
    lambda k: st.lists(st.integers(min_value=1, max_value=100), min_size=k, max_size=k))
values_st = st.lists(st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.none(),
                               st.sampled_from([0.0, 1.0, 1.0, 2.0])), min_size=0, max_size=80)


def _tiers(values, weights):
    keys = [f"t{i}" for i in range(len(weights))]
    shares = [w / sum(weights) for w in weights]
    series = pd.Series(values, dtype="float64")
    return series, assign_tiers_by_share(series, keys, shares).cat.codes.to_numpy(), shares


@FAST
@given(values_st, shares_st)
def test_better_values_never_get_a_worse_tier(values, weights):
    series, codes, _ = _tiers(values, weights)
    v = np.where(series.isna(), -np.inf, series.to_numpy())
    order = np.argsort(-v, kind="stable")
    assert (np.diff(codes[order]) >= 0).all()  # codes grow (worse tiers) as value falls
    for value in np.unique(v):  # ties share a tier
        assert len(set(codes[v == value])) == 1


@FAST
@given(st.integers(min_value=5, max_value=400), shares_st, st.randoms(use_true_random=False))
def test_distinct_values_fill_every_tier_close_to_its_share(n, weights, rnd):
    assume(n >= len(weights))
    values = list(range(n))
    rnd.shuffle(values)
    _, codes, shares = _tiers(values, weights)
    counts = np.bincount(codes, minlength=len(weights))
    assert counts.sum() == n and (counts > 0).all()
    targets = np.floor(np.cumsum(shares) * n + 0.5)
    assert (np.abs(np.cumsum(counts) - targets) <= len(weights)).all()


@FAST
@given(values_st, shares_st, st.randoms(use_true_random=False))
def test_tiers_do_not_depend_on_the_row_order(values, weights, rnd):
    series, codes, _ = _tiers(values, weights)
    order = list(range(len(values)))
    rnd.shuffle(order)
    _, shuffled, _ = _tiers([values[i] for i in order], weights)
    assert shuffled.tolist() == codes[order].tolist()


# --------------------------------------------------------------------------- presets

label = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).filter(
    lambda s: "\n" not in s)


@st.composite
def tier_settings(draw) -> TierSettings:
    k = draw(st.integers(min_value=MIN_TIERS, max_value=MAX_TIERS))
    tiers = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,9}", fullmatch=True), min_size=k,
                          max_size=k, unique=True))
    parts = draw(st.lists(st.integers(min_value=1, max_value=1000), min_size=k, max_size=k))
    shares = [p / sum(parts) for p in parts]
    shares[-1] = 1 - sum(shares[:-1])
    weights = draw(st.fixed_dictionaries({m: st.floats(0, 10) for m in "rfmt"}))
    assume(sum(weights.values()) > 0)
    money = st.one_of(st.none(), st.floats(0, 1e7))
    thresholds = [{"min_spend": draw(money), "min_shipments": draw(money)}
                  for _ in range(k - 1)]
    medium = draw(st.floats(0, 100))
    labels = {t: draw(st.fixed_dictionaries({}, optional={"en": label, "zh": label}))
              for t in draw(st.lists(st.sampled_from(tiers), unique=True))}
    playbook = {t: draw(st.lists(label, max_size=3))
                for t in draw(st.lists(st.sampled_from(tiers), unique=True))}
    return TierSettings(
        weights=weights, tiers=tiers, shares=shares, thresholds=thresholds, labels=labels,
        mode=draw(st.sampled_from(["share", "threshold"])),
        annualize_min_days=draw(st.integers(1, 365)),
        frequency_classes={"medium": medium, "high": medium + draw(st.floats(0, 100))},
        playbook=playbook)


@FAST
@given(tier_settings())
def test_settings_survive_the_json_round_trip(settings_):
    text = settings_.to_json()
    back = TierSettings.from_json(text)
    assert back == settings_ and back.to_json() == text
    assert TierSettings.from_json(text.encode("utf-8-sig")) == settings_  # a BOM from Excel


@FAST
@given(tier_settings())
def test_settings_survive_a_preset_file(tmp_path_factory, settings_):
    store = PresetStore(tmp_path_factory.mktemp("presets"))
    store.save("round trip", settings_)
    assert store.load("round trip") == settings_


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


@FAST
@given(st.one_of(json_values.map(json.dumps), st.text(max_size=60),
                 st.dictionaries(st.sampled_from(["weights", "tiers", "shares", "labels",
                                                  "mode", "thresholds", "playbook",
                                                  "frequency_classes", "version"]),
                                 json_values, max_size=4).map(json.dumps)))
def test_hostile_preset_json_is_a_settings_error_or_valid_settings(text):
    try:
        settings_ = TierSettings.from_json(text)
    except SettingsError as err:
        assert err.message("en") and err.message("zh")
    else:
        assert TierSettings.from_json(settings_.to_json()) == settings_



# --------------------------------------------------------------------------- exports

export_text = st.one_of(st.none(), st.text(max_size=10),
                        st.sampled_from(["=1+1", "@A1", "+86", "-3", "\tx", "\rx", "\x00=x"]))


@FAST
@given(st.lists(export_text, min_size=1, max_size=30))
def test_safe_frame_matches_neutralize_cell_by_cell(values):
    from segmentation.export import ILLEGAL_CHARACTERS, neutralize, safe_frame

    for column in (pd.Series(values, dtype=object), pd.Series(values, dtype="string"),
                   pd.Series(values, dtype=STR)):
        out = safe_frame(pd.DataFrame({"v": column}))["v"].tolist()
        expected = [None if v is None else neutralize(v) for v in values]
        assert [None if pd.isna(v) else v for v in out] == expected
        for cell in out:
            assert pd.isna(cell) or (not ILLEGAL_CHARACTERS.search(cell)
                                     and not cell.startswith(("=", "+", "-", "@", "\t", "\r")))
