"""Raw headers -> canonical columns: the mapping used, and the hints when it is wrong
(suggestions for a missing column, competing headers, formulas without values)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from .. import sources
from ..schema import (
    ALIASES,
    COLUMN_KINDS,
    TABLES,
    DataError,
    Problem,
    canonical_name,
    columns_of,
    normalize_header,
)
from .dates import parse_dates
from .numbers import parse_amounts
from .text import TEXT_DTYPE

#: A header pandas or a spreadsheet de-duplicated (``amount.1``, ``amount_2``).
_DEDUPED_HEADER = re.compile(r"^(.*?)[ ._]?\(?[0-9]{1,2}\)?$")


def resolve_mapping(headers: Sequence[str], table: str,
                     mapping: Mapping[str, str | None] | None) -> tuple[dict[str, str],
                                                                        list[Problem]]:
    """The header mapping to use, with fatal mapping problems.

    Explicit entries win: a header mapped explicitly keeps that target (or is
    ignored when the target is empty), and no other header is mapped to a
    target chosen explicitly. Explicit entries for headers not in the table
    are ignored, so one mapping can serve several files.
    """
    valid = columns_of(table)
    present = set(headers)
    explicit = {h: (c or None) for h, c in (mapping or {}).items() if h in present}
    problems: list[Problem] = []
    for header, target in explicit.items():
        if target is not None and target not in valid:
            problems.append(Problem(table, "unknown_target", "error", column=target,
                                    params={"header": header,
                                            "valid": ", ".join(valid)}))
    taken = {c for c in explicit.values() if c in valid}
    resolved: dict[str, str] = {}
    for header in headers:
        if header in explicit:
            if explicit[header] in valid:
                resolved[header] = explicit[header]
            continue
        target = canonical_name(header, table)
        if target is not None and target not in taken:
            resolved[header] = target
            taken.add(target)
    by_target: dict[str, list[str]] = {}
    for header, target in resolved.items():
        by_target.setdefault(target, []).append(header)
    for target, group in by_target.items():
        if len(group) > 1:
            problems.append(Problem(table, "duplicate_mapping", "error", column=target,
                                    params={"headers": ", ".join(f"'{h}'" for h in group)}))
    return resolved, problems


def check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")


def select_columns(raw: pd.DataFrame, table: str, resolved: Mapping[str, str]) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(columns_of(table))}
    pairs = sorted(resolved.items(), key=lambda item: order[item[1]])
    positions = [list(raw.columns).index(h) for h, _ in pairs]
    frame = raw.iloc[:, positions]
    return frame.set_axis([c for _, c in pairs], axis=1)


def apply_mapping(raw: pd.DataFrame, table: str,
                  mapping: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Rename raw headers to canonical columns and keep only those.

    Parameters
    ----------
    raw : the table as read.
    table : canonical table name.
    mapping : ``{raw header: canonical column}`` overriding the alias
        suggestions of :func:`segmentation.sources.suggest_mapping`; a target
        of ``""`` or ``None`` ignores that header.

    Returns
    -------
    DataFrame with the mapped canonical columns of ``table`` in the order of
    :func:`segmentation.schema.columns_of`; values unchanged.

    Raises
    ------
    DataError
        ``duplicate_mapping`` when two headers map to one column,
        ``unknown_target`` for a target that is not a column of ``table``.
    """
    check_table(table)
    resolved, problems = resolve_mapping([str(c) for c in raw.columns], table, mapping)
    if problems:
        raise DataError(problems)
    return select_columns(raw.set_axis([str(c) for c in raw.columns], axis=1), table, resolved)


def zh_name(column: str) -> str:
    return next((a for a in ALIASES.get(column, ()) if re.search(r"[\u4e00-\u9fff]", a)),
                column)


def suggestions(column: str, raw: pd.DataFrame, unmapped: Sequence[str]) -> str:
    """Unmapped headers most like ``column``: by name, else by content, else all of them."""
    names = [normalize_header(v) for v in (column, *ALIASES.get(column, ()))]
    scored = []
    for header in unmapped:
        key = normalize_header(header)
        ratio = max(difflib.SequenceMatcher(None, key, name).ratio() for name in names)
        if ratio >= 0.6:
            scored.append((ratio, header))
    picks = [h for _, h in sorted(scored, key=lambda item: -item[0])][:3]
    kind = COLUMN_KINDS.get(column)
    if not picks and kind in ("date", "number"):
        parse = parse_dates if kind == "date" else parse_amounts
        for header in unmapped:
            sample = raw.iloc[:, list(raw.columns).index(header)].dropna().head(50)
            if len(sample):
                parsed, _ = parse(sample)
                if parsed.notna().mean() >= 0.8:
                    picks.append(header)
        picks = picks[:3]
    if not picks:
        picks = list(unmapped)[:6]
    return ", ".join(f"'{h}'" for h in picks) if picks else "–"


def competing_columns(raw: pd.DataFrame, table: str, resolved: Mapping[str, str],
               by_column: Mapping[str, str]) -> list[Problem]:
    """Headers left unmapped that fit a column another header was mapped to, with other values."""
    problems: list[Problem] = []
    others: dict[str, list[str]] = {}
    for header in raw.columns:
        if header in resolved:
            continue
        target = canonical_name(header, table)
        if target is None:
            match = _DEDUPED_HEADER.match(str(header))
            target = canonical_name(match.group(1), table) if match else None
        if target is None or target not in by_column:
            continue
        used = raw[by_column[target]]
        other = raw[header]
        if used.astype(TEXT_DTYPE).fillna("").equals(other.astype(TEXT_DTYPE).fillna("")):
            continue  # an exact copy changes nothing
        others.setdefault(target, []).append(str(header))
    for target, headers in others.items():
        problems.append(Problem(table, "competing_columns", "warning", column=target,
                                params={"used": f"'{by_column[target]}'",
                                        "others": ", ".join(f"'{h}'" for h in headers)}))
    return problems


def formula_problems(raw: pd.DataFrame, table: str,
                      by_column: Mapping[str, str]) -> list[Problem]:
    """Mapped columns whose Excel cells hold formulas never calculated (see sources)."""
    cells = raw.attrs.get(sources.FORMULA_CELLS_ATTR) or {}
    problems = []
    for column, header in by_column.items():
        if header in cells:
            count, refs = cells[header]
            problems.append(Problem(table, "formula_without_values", "error", column=column,
                                    rows=int(count), examples=tuple(refs),
                                    params={"col": f"'{header}'"}))
    return problems
