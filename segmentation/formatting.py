"""One formatting layer for every number, amount, percent and date a person reads.

Built on Babel (the Unicode CLDR data), so that grouping, compact units (K / M in
English, 万 / 亿 in Chinese), percent signs and month names follow each locale's
published rules instead of hand-written ``f"{x:,.2f}"`` strings. Pages, chart axes
and hover texts, messages, the deck, the HTML report and the workbook all format
through these functions; ``lang`` is the app's ``"en"`` or ``"zh"`` (anything else
falls back to English).

The currency is always CNY. CLDR writes it ``CN¥`` in English (to tell it from the
yen); this product has one currency, so both languages show the narrow ``¥``.

Babel is imported on first use, not with this module: ``python -m segmentation
--help`` must stay light.

>>> number(1234567.4, "en"), number(1234567.4, "zh")
('1,234,567', '1,234,567')
>>> money(62123, "en"), compact(306123, "en", money=True), compact(2523456, "en", money=True)
('¥62,123', '¥306K', '¥2.52M')
>>> compact(2_500_000, "zh"), compact(252_345_678, "zh", money=True)
('250万', '¥2.52亿')
>>> percent(0.099, "en"), percent(0.3089, "zh", signed=True)
('9.9%', '+30.9%')
>>> import datetime
>>> month(datetime.date(2023, 7, 1), "en"), month(datetime.date(2023, 7, 1), "zh")
('Jul 2023', '2023年7月')
>>> day(datetime.date(2024, 6, 30), "zh"), decimal(float("nan"), "en")
('2024年6月30日', '–')
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import functools
import math
from collections.abc import Sequence
from typing import Any, Literal

MISSING = "–"
CURRENCY_SYMBOL = "¥"
#: app language -> CLDR locale
LOCALES: dict[str, str] = {"en": "en_US", "zh": "zh_Hans_CN"}
#: significant digits of a compact figure (¥306K, ¥2.52M, 2.52亿)
COMPACT_DIGITS = 3

TickKind = Literal["number", "money", "percent"]

#: openpyxl ``number_format`` per kind (Excel renders them in the reader's locale)
EXCEL_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "decimal": "#,##0.00",
    "money": '"¥"#,##0.00;-"¥"#,##0.00',
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}


@functools.cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, LOCALES["en"]))


def _numbers() -> Any:
    from babel import numbers

    return numbers


def _missing(value: object) -> bool:
    """None, NaN, NaT or ``pd.NA`` (without importing pandas)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except TypeError:  # pd.NA refuses a truth value
        return True


def _frac(digits: int) -> str:
    return "." + "0" * digits if digits > 0 else ""


def _finite(value: object) -> float | None:
    if _missing(value):
        return None
    v = float(value)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A count or measure with grouping, always: ``1,234,567``.

    >>> number(12457, "en"), number(-0.4, "en"), number(1234.567, "zh", 1)
    ('12,457', '0', '1,234.6')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    v = _no_negative_zero(v, digits)
    return _numbers().format_decimal(v, format="#,##0" + _frac(digits), locale=_locale(lang))


def decimal(value: float | int | None, lang: str, digits: int = 2) -> str:
    """A measure with a fixed number of decimals: ``4.27`` (grouped when large).

    >>> decimal(4.2666, "en"), decimal(887743.5, "zh")
    ('4.27', '887,743.50')
    """
    return number(value, lang, digits)


def money(value: float | int | None, lang: str, digits: int = 0) -> str:
    """An amount in yuan: ``¥1,234,568`` (``-¥1,234`` below zero).

    >>> money(1234567.5, "en"), money(-1234.5, "zh", 2)
    ('¥1,234,568', '-¥1,234.50')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    v = _no_negative_zero(v, digits)
    return _numbers().format_decimal(v, format=_money_pattern(lang, digits),
                                     locale=_locale(lang))


_money = money  # ``compact`` has a ``money`` flag


@functools.cache
def _money_pattern(lang: str, digits: int) -> str:
    """The locale's currency pattern with the narrow ``¥`` and ``digits`` decimals."""
    standard = _locale(lang).currency_formats["standard"].pattern  # '¤#,##0.00'
    body = "#,##0" + _frac(digits)
    parts = [p.replace("¤", CURRENCY_SYMBOL) for p in standard.split(";")]
    return ";".join(_replace_number(p, body) for p in parts)


def _replace_number(pattern: str, body: str) -> str:
    start = min(i for i, c in enumerate(pattern) if c in "#0")
    end = max(i for i, c in enumerate(pattern) if c in "#0") + 1
    return pattern[:start] + body + pattern[end:]


def compact(value: float | int | None, lang: str, *, money: bool = False) -> str:
    """A large figure in short form with 3 significant digits.

    English uses K / M / B, Chinese 万 / 亿; figures below the first unit
    (1,000 in English, 10,000 in Chinese) are written in full.

    >>> compact(999_999, "en"), compact(12_345, "zh"), compact(1234, "zh", money=True)
    ('1M', '1.23万', '¥1,234')
    >>> compact(-62_123, "en", money=True)
    '-¥62.1K'
    """
    v = _finite(value)
    if v is None:
        return MISSING
    rounded = _significant(v, COMPACT_DIGITS)
    if _compact_unit(rounded, lang) == 1:
        return _money(v, lang) if money else number(v, lang)
    return _compact_text(rounded, lang, fraction_digits=COMPACT_DIGITS - 1, money=money)


def _compact_text(value: float, lang: str, *, fraction_digits: int, money: bool) -> str:
    text = _numbers().format_compact_decimal(abs(value), locale=_locale(lang),
                                             fraction_digits=fraction_digits)
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return sign + (CURRENCY_SYMBOL if money else "") + text


def _significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _compact_unit(value: float, lang: str) -> int:
    """The divisor CLDR's short compact pattern applies to ``value`` (1: written in full).

    This reads the same table as Babel's ``format_compact_decimal`` (UTS #35,
    Compact Number Formats): the pattern of the largest magnitude <= |value|, whose
    count of zeros says how many digits stay before the unit.
    """
    patterns = _locale(lang).compact_decimal_formats["short"]["other"]
    for magnitude in sorted((int(m) for m in patterns), reverse=True):
        if abs(value) >= magnitude:
            pattern = _numbers().parse_pattern(patterns[str(magnitude)]).pattern
            zeros = pattern.count("0")
            return 1 if pattern == "0" else magnitude // 10 ** (zeros - 1)
    return 1


def percent(value: float | None, lang: str, digits: int = 1, *, signed: bool = False) -> str:
    """A ratio as a percentage: ``0.099`` -> ``9.9%`` (``+9.9%`` when ``signed``).

    >>> percent(0.30889, "en"), percent(-0.00004, "en", signed=True), percent(None, "zh")
    ('30.9%', '0.0%', '–')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    v = _no_negative_zero(v, digits + 2)
    body = "#,##0" + _frac(digits) + "%"
    fmt = f"+{body};-{body}" if signed and v != 0 else body
    return _numbers().format_percent(v, format=fmt, locale=_locale(lang))


def _no_negative_zero(value: float, digits: int) -> float:
    """0.0 for a value that rounds to zero (no ``-0`` on screen)."""
    return 0.0 if round(value, digits) == 0 else value


def _as_date(value: object) -> _dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])  # str, numpy.datetime64


def day(d: object, lang: str) -> str:
    """A date: ``2024-06-30`` in English, ``2024年6月30日`` in Chinese.

    >>> day("2024-06-30T12:00", "en"), day(None, "en")
    ('2024-06-30', '–')
    """
    value = _as_date(d)
    if value is None:
        return MISSING
    if lang == "zh":
        from babel import dates

        return dates.format_date(value, "long", locale=_locale(lang))
    return value.isoformat()


def month(d: object, lang: str) -> str:
    """A month: ``Jul 2023`` / ``2023年7月`` (CLDR skeleton ``yMMM``)."""
    value = _as_date(d)
    if value is None:
        return MISSING
    from babel import dates

    return dates.format_skeleton("yMMM", value, locale=_locale(lang))


def excel_format(kind: str) -> str:
    """The openpyxl ``number_format`` of a column kind.

    ``"int"``, ``"decimal"`` (2 decimals), ``"money"`` (yuan, 2 decimals),
    ``"percent"`` (a ratio, 1 decimal) or ``"date"``.

    >>> excel_format("percent")
    '0.0%'
    """
    try:
        return EXCEL_FORMATS[kind]
    except KeyError:
        raise ValueError(f"unknown number kind {kind!r}; expected one of "
                         f"{sorted(EXCEL_FORMATS)}") from None


def format_value(value: object, lang: str, kind: str) -> str:
    """Dispatch on a column kind (``int``, ``decimal``, ``money``, ``percent``, ``date``,
    ``compact``, ``compact_money``, ``month``)."""
    match kind:
        case "int":
            return number(value, lang)  # type: ignore[arg-type]
        case "decimal":
            return decimal(value, lang)  # type: ignore[arg-type]
        case "money":
            return money(value, lang)  # type: ignore[arg-type]
        case "percent":
            return percent(value, lang)  # type: ignore[arg-type]
        case "date":
            return day(value, lang)
        case "month":
            return month(value, lang)
        case "compact":
            return compact(value, lang)  # type: ignore[arg-type]
        case "compact_money":
            return compact(value, lang, money=True)  # type: ignore[arg-type]
    raise ValueError(f"unknown number kind {kind!r}")


# --- axes -------------------------------------------------------------------------------

def _nice_step(span: float, n: int, smallest: float) -> float:
    """d3-array's ``tickIncrement``: 1, 2 or 5 times a power of ten, near ``span / n``."""
    raw = span / max(n, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    error = raw / power
    factor = 10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else \
        2 if error >= math.sqrt(2) else 1
    return max(factor * power, smallest)


def _decimals(x: float, most: int) -> int:
    """Decimals needed to write ``x`` exactly (at most ``most``)."""
    for k in range(most + 1):
        if abs(round(x, k) - x) <= 1e-9 * max(1.0, abs(x)):
            return k
    return most


def axis_ticks(lo: float, hi: float, lang: str, *, kind: TickKind = "number",
               n: int = 6) -> tuple[list[float], list[str]]:
    """Nice tick values covering ``[lo, hi]`` and their texts, for a plotly axis.

    About ``n`` ticks at 1, 2 or 5 times a power of ten; every text on one axis
    has the same style: grouped numbers, or compact from 10K (en) / 10万 (zh) on,
    at most two decimals (``kind="percent"`` reads ratios).

    >>> axis_ticks(0.7, 8.3, "en")
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], ['1', '2', '3', '4', '5', '6', '7', '8'])
    >>> axis_ticks(0.7, 2.5, "en", n=4)[1]
    ['1.0', '1.5', '2.0', '2.5']
    >>> axis_ticks(0, 2_400_000, "zh", kind="money")[1]
    ['¥0', '¥50万', '¥100万', '¥150万', '¥200万']
    >>> axis_ticks(0, 0.31, "en", kind="percent")[1]
    ['0%', '5%', '10%', '15%', '20%', '25%', '30%']
    """
    a, b = _finite(lo), _finite(hi)
    if a is None or b is None:
        return [], []
    a, b = min(a, b), max(a, b)
    smallest = 0.0001 if kind == "percent" else 0.01
    if b - a < smallest:
        values = [a]
    else:
        step = _nice_step(b - a, n, smallest)
        first = math.ceil(a / step - 1e-9)
        last = math.floor(b / step + 1e-9)
        values = [_clean(i * step) for i in range(first, last + 1)]
    return values, tick_texts(values, lang, kind=kind)


def tick_texts(values: Sequence[float], lang: str, *, kind: TickKind = "number") -> list[str]:
    """Texts for given tick values, in one style and with the decimals they need."""
    values = [float(v) for v in values]
    if not values:
        return []
    if kind == "percent":
        digits = max(_decimals(v * 100, 2) for v in values)
        return [percent(v, lang, digits) for v in values]
    is_money = kind == "money"
    top = max(abs(v) for v in values)
    if top >= 10 * _first_unit(lang):  # en 10K+, zh 10万+
        digits = max(_decimals(v / _compact_unit(v, lang), 3) for v in values)
        if digits <= 2:  # else 1,002,000 and 1,004,000 would both read "1M"
            return [_compact_text(v, lang, fraction_digits=digits, money=is_money)
                    if _compact_unit(v, lang) > 1
                    else (money(v, lang) if is_money else number(v, lang)) for v in values]
    digits = max(_decimals(v, 2) for v in values)
    return [money(v, lang, digits) if is_money else number(v, lang, digits) for v in values]


@functools.cache
def _first_unit(lang: str) -> int:
    """The smallest magnitude the locale writes in compact form (en 1,000, zh 10,000)."""
    patterns = _locale(lang).compact_decimal_formats["short"]["other"]
    return min(int(m) for m in patterns
               if _numbers().parse_pattern(patterns[m]).pattern != "0")


def _clean(x: float) -> float:
    """Drop float noise from ``i * step`` (0.30000000000000004 -> 0.3)."""
    return float(_decimal.Decimal(repr(x)).quantize(_decimal.Decimal("1e-10")).normalize()) + 0.0
