"""All tables of a dataset at once, with the checks across tables, and the batch loader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import sources
from ..schema import (
    TABLES,
    DataError,
    Problem,
)
from .checks import MAX_EXAMPLES
from .tables import PreparedTable, prepare_table


@dataclass(frozen=True)
class Dataset:
    """Clean canonical tables by name, every warning found while loading them, and the
    header mapping used per table (``{table: {raw header: canonical column}}``)."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)


def _prepare_all(raws: Mapping[str, pd.DataFrame],
                 mappings: Mapping[str, Mapping[str, str | None]] | None,
                 as_of: pd.Timestamp | str | None,
                 today: pd.Timestamp | str | None = None,
                 day_first: bool | None = None, *,
                 release: bool = False) -> tuple[dict[str, PreparedTable], list[Problem]]:
    """Prepare each table; with ``release`` (``raws`` is the caller's own dict) each raw
    frame is dropped from ``raws`` as soon as it is prepared (lower peak memory)."""
    prepared: dict[str, PreparedTable] = {}
    fatal: list[Problem] = []
    for table in TABLES:
        raw = raws.pop(table, None) if release else raws.get(table)
        if raw is None:
            continue
        try:
            prepared[table] = prepare_table(raw, table, mapping=(mappings or {}).get(table),
                                            as_of=as_of, today=today, day_first=day_first)
        except DataError as err:
            fatal.extend(err.problems)
    return prepared, fatal


def _isin(columns: Mapping[str, pd.Series], known: pa.Array) -> dict[str, pd.Series]:
    """``values.isin(known)`` for each id column of ``columns``, in pyarrow: pandas'
    ``isin`` on pyarrow-backed text first turns the known ids into a Python list (~10 s for
    a million ids). The text columns are looked up in one call (each call builds the hash
    set of ``known`` again: as costly as the lookup)."""
    found: dict[str, pd.Series] = {}
    chunks: list[pa.Array] = []
    texts: dict[str, pd.Series] = {}
    for name, values in columns.items():
        array = pa.array(values, from_pandas=True)
        if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
            found[name] = values.isin(known.to_pandas())
            continue
        array = array.cast(known.type)
        chunks.extend(array.chunks if isinstance(array, pa.ChunkedArray) else [array])
        texts[name] = values
    if texts:
        hits = pc.is_in(pa.chunked_array(chunks, type=known.type), value_set=known,
                        skip_nulls=True).fill_null(False).to_numpy(zero_copy_only=False)
        start = 0
        for name, values in texts.items():
            found[name] = pd.Series(hits[start:start + len(values)].astype(bool),
                                    index=values.index)
            start += len(values)
    return found


def _cross_checks(tables: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Surveys and complaints whose customers have no transactions."""
    problems: list[Problem] = []
    if "transactions" not in tables:
        return problems
    ids = pa.array(tables["transactions"]["customer_id"], from_pandas=True)
    # the distinct ids first, then one type for them (casting ten million ids copies them)
    known = pc.unique(ids).drop_null()
    if not pa.types.is_large_string(known.type):
        known = known.cast(pa.large_string())
    checked = {t: tables[t]["customer_id"] for t in ("customers", "surveys", "complaints")
               if tables.get(t) is not None and "customer_id" in tables[t]}
    found = _isin(checked, known)
    customers = tables.get("customers")
    if customers is not None and len(customers) and not found["customers"].any():
        distinct = customers["customer_id"].dropna().drop_duplicates()
        problems.append(Problem("customers", "customers_unmatched", "warning",
                                column="customer_id", rows=len(customers),
                                examples=tuple(distinct.head(MAX_EXAMPLES)),
                                params={"customers": len(distinct)}))
    for table in ("surveys", "complaints"):
        if table not in checked:
            continue
        ids = checked[table]
        unknown = ids.notna() & ~found[table]
        if unknown.any():
            distinct = ids[unknown].drop_duplicates()
            problems.append(Problem(table, "unknown_customers", "warning",
                                    column="customer_id", rows=int(unknown.sum()),
                                    examples=tuple(distinct.head(MAX_EXAMPLES)),
                                    params={"customers": len(distinct)}))
    return problems


def _finish(prepared: Mapping[str, PreparedTable], warnings: list[Problem]) -> Dataset:
    tables = {t: p.frame for t, p in prepared.items()}
    problems = [p for t in prepared for p in prepared[t].problems]
    return Dataset(tables, [*warnings, *problems, *_cross_checks(tables)],
                   {t: p.mapping for t, p in prepared.items()})


def prepare_dataset(raws: Mapping[str, pd.DataFrame], *,
                    mappings: Mapping[str, Mapping[str, str | None]] | None = None,
                    as_of: pd.Timestamp | str | None = None,
                    today: pd.Timestamp | str | None = None,
                    day_first: bool | None = None) -> Dataset:
    """Prepare every table of a dataset and check them against each other.

    Parameters
    ----------
    raws : ``{table: raw frame}``; ``transactions`` is required, the others optional.
    mappings : ``{table: {raw header: canonical column}}`` explicit mappings.
    as_of : analysis date for the ``future_dates`` check; ``None`` skips it.
    today : the real date, for the ``implausible_dates`` check (see :func:`prepare_table`).
    day_first : order of ``01/03/2024``-style dates in every table (``None``: per column).

    Returns
    -------
    Dataset
        ``tables`` with the clean frames (see :func:`prepare_table`),
        ``problems`` with all warnings (per table, then ``unknown_customers``
        for surveys and complaints whose customers have no transactions), and
        ``mappings`` with the header mapping used per table.

    Raises
    ------
    DataError
        One error listing the fatal problems of all tables (``no_transactions``
        when that table is absent).
    """
    unknown = set(raws) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    prepared, fatal = _prepare_all(raws, mappings, as_of, today, day_first)
    if raws.get("transactions") is None:
        fatal.insert(0, Problem("transactions", "no_transactions", "error"))
    if fatal:
        raise DataError(fatal)
    return _finish(prepared, [])


def _with_table(problems: Sequence[Problem], table: str) -> list[Problem]:
    """File problems re-labelled with the table the file was given for."""
    return [replace(p, table=table) if p.table == sources.FILE_TABLE else p for p in problems]


def load_files(paths: Mapping[str, str | Path], *, encoding: str | None = None,
               as_of: pd.Timestamp | str | None = None,
               mappings: Mapping[str, Mapping[str, str | None]] | None = None,
               today: pd.Timestamp | str | None = None,
               day_first: bool | None = None) -> Dataset:
    """Read and prepare the files of a dataset (the batch CLI's loader).

    Parameters
    ----------
    paths : ``{table: path}``; ``transactions`` is required. An Excel workbook
        given for ``transactions`` whose sheets are recognised as several tables
        (:func:`segmentation.sources.read_workbook_tables`) supplies all of them,
        except tables that have a path of their own; sheets it cannot place
        give an ``ignored_sheets`` warning.
    encoding : CSV text encoding for every file; detected when ``None``.
    as_of, mappings, today, day_first : as for :func:`prepare_dataset`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        One error listing every file that could not be read and every fatal
        problem of the files that could.
    """
    paths = {t: p for t, p in paths.items() if p}
    unknown = set(paths) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    raws: dict[str, pd.DataFrame] = {}
    fatal: list[Problem] = []
    warnings: list[Problem] = []
    for table in TABLES:
        if table not in paths:
            continue
        path = Path(paths[table])
        try:
            if table == "transactions" and path.suffix.lower() in sources.EXCEL_SUFFIXES:
                found, unplaced = sources.read_workbook_tables(path)
                if "transactions" in found and len(found) > 1:
                    # Tables with a path of their own are read from that path below.
                    raws.update({t: f for t, f in found.items() if t not in paths or
                                 t == "transactions"})
                    if unplaced:
                        warnings.append(Problem(
                            sources.FILE_TABLE, "ignored_sheets", "warning",
                            params={"file": path.name,
                                    "sheets": ", ".join(f"'{s}'" for s in unplaced)}))
                    continue
            raws[table] = sources.read_any(path, encoding=encoding)
        except DataError as err:
            fatal.extend(_with_table(err.problems, table))
    prepared, table_fatal = _prepare_all(raws, mappings, as_of, today, day_first,
                                         release=True)
    fatal.extend(table_fatal)
    if "transactions" not in paths:
        fatal.insert(0, Problem("transactions", "no_transactions", "error"))
    if fatal:
        raise DataError(fatal)
    return _finish(prepared, warnings)
