"""The Data page's lower half: reading uploaded files (one per table, or one workbook),
the column mapping per table, the date order, and loading into the workspace."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.cleaning import ambiguous_date_order, prepare_dataset
from segmentation.schema import COLUMN_KINDS, TABLES, DataError
from segmentation.sources import (
    MAX_WORKBOOK_MB,
    MAX_WORKBOOK_ROWS,
    pick_sheet,
    suggest_mapping,
    tables_of_sheets,
)
from segmentation.textsafe import md
from ui import auth, context
from ui import source as sources
from ui.caches import uploads
from ui.context import Context
from ui.data_page import bullets, table_name
from ui.mapping import column_choices, examples
from ui.state import state
from ui.strings import COLUMN_LABELS

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "parquet"]


@dataclass
class Uploads:
    """What the upload form holds: raw tables, the mapping chosen per table, and the
    headers chosen for two fields at once (``(table, header, field, field)``)."""

    raws: dict[str, pd.DataFrame] = field(default_factory=dict)
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    clashes: list[tuple[str, str, str, str]] = field(default_factory=list)


def upload_help(ctx: Context) -> str:
    return ctx.t("data.size_limit", mb=int(st.get_option("server.maxUploadSize")),
                 rows=f"{MAX_WORKBOOK_ROWS:,}", wb_mb=MAX_WORKBOOK_MB)


def _digest(upload) -> str:
    """The content digest of an upload, computed once per upload (the cache key of its reads)."""
    digests = state().data.digests
    if upload.file_id not in digests:
        while len(digests) >= 8:  # a few uploads at once at most: forget the oldest
            digests.pop(next(iter(digests)))
        digests[upload.file_id] = hashlib.sha256(upload.getvalue()).hexdigest()
    return digests[upload.file_id]


def _read_error(ctx: Context, problems) -> None:
    st.error(ctx.t("data.read_error", message=md(DataError(problems).message(ctx.lang))))


def _add(ctx: Context, found: Uploads, table: str, raw: pd.DataFrame, key: str) -> None:
    """Preview a table and draw its mapping: one choice per field, which column holds it
    (pre-filled from the aliases); every header not chosen is mapped to ``""`` (ignored),
    so the choices on screen are exactly what is loaded."""
    t = ctx.t
    with st.expander(t("data.preview", table=table_name(ctx, table),
                       rows=i18n.fmt_int(len(raw), ctx.lang)), expanded=False):
        st.dataframe(raw.head(20), key=f"{key}_preview")
    headers = [str(c) for c in raw.columns]
    guess = {fld: header for header, fld in suggest_mapping(headers, table).items()}
    chosen, clashes = column_choices(
        table, headers, examples(raw), guess, key=f"{key}_mapping", lang=ctx.lang,
        title=t("data.mapping", table=table_name(ctx, table)),
        none_label=t("data.mapping.none"))
    found.clashes.extend((table, *c) for c in clashes)
    fields = {header: fld for fld, header in chosen.items()}
    found.raws[table] = raw
    found.mappings[table] = {h: fields.get(h, "") for h in headers}


def _read_one(ctx: Context, table: str, upload):
    """The raw table of one table's upload (a sheet picked for a workbook, an encoding for
    text), with the problems that stopped it."""
    data, digest = upload.getvalue(), _digest(upload)
    suffix = upload.name.lower().rsplit(".", 1)[-1]
    if suffix in ("xlsx", "xlsm") or data.startswith(b"PK\x03\x04"):
        sheets, problems = uploads.read_upload_sheets(uploads.UploadKey(digest, upload.name), data)
        if sheets is None:
            return None, problems
        sheet = st.selectbox(ctx.t("data.sheet"), list(sheets), key=f"data_sheet_{table}")
        try:
            return pick_sheet(sheets, sheet, upload.name), problems
        except DataError as err:
            return None, err.problems
    encoding = None
    if suffix in ("csv", "txt", "tsv"):
        choice = st.selectbox(ctx.t("data.encoding"), ENCODINGS, key=f"data_enc_{table}",
                              format_func=lambda e: ctx.t("data.encoding.auto")
                              if e == "auto" else e.upper())
        encoding = None if choice == "auto" else choice
    return uploads.read_upload(uploads.UploadKey(digest, upload.name), encoding, data)


def read_files(ctx: Context, can_load: bool) -> Uploads:
    """One uploader per table; each upload read, previewed and mapped."""
    found = Uploads()
    for table in TABLES:
        label_key = "data.upload.required" if table == "transactions" else "data.upload"
        upload = st.file_uploader(ctx.t(label_key, table=table_name(ctx, table)),
                                  type=FILE_TYPES, key=f"data_upload_{table}",
                                  help=upload_help(ctx), disabled=not can_load)
        if upload is None:
            continue
        raw, problems = _read_one(ctx, table, upload)
        if problems:
            _read_error(ctx, problems)
            continue
        _add(ctx, found, table, raw, key=f"data_{table}_{upload.file_id}")
    return found


def read_workbook(ctx: Context, can_load: bool) -> Uploads:
    """One workbook holding a table per sheet; the sheets placed, previewed and mapped."""
    found = Uploads()
    upload = st.file_uploader(ctx.t("data.upload.workbook"), type=["xlsx", "xlsm", "xls"],
                              key="data_upload_workbook", help=upload_help(ctx),
                              disabled=not can_load)
    if upload is None:
        return found
    data, key = upload.getvalue(), uploads.UploadKey(_digest(upload), upload.name)
    if upload.name.lower().endswith(".xls") and not data.startswith(b"PK\x03\x04"):
        sheets, problems = uploads.read_upload(key, None, data)
        sheets = {upload.name: sheets} if sheets is not None else None
    else:
        sheets, problems = uploads.read_upload_sheets(key, data)
    tables, unplaced = tables_of_sheets(sheets) if sheets is not None else ({}, [])
    if problems:
        _read_error(ctx, problems)
    if tables:
        st.caption(ctx.t("data.workbook.sheets",
                         found=", ".join(table_name(ctx, tb) for tb in tables)))
    if unplaced:
        st.warning(ctx.t("data.workbook.unplaced", sheets=", ".join(md(s) for s in unplaced)))
    for table, raw in tables.items():
        _add(ctx, found, table, raw, key=f"data_wb_{table}_{upload.file_id}")
    return found


def choose_day_first(ctx: Context, found: Uploads) -> bool | None:
    """The order of ``01/03/2024``-style dates: asked only when a mapped date column has
    dates nothing in it settles."""
    if not any(ambiguous_date_order(raw[header].head(20_000)).any()
               for table, raw in found.raws.items()
               for header, fld in found.mappings[table].items()
               if COLUMN_KINDS.get(fld) == "date" and header in raw):
        return None
    order = st.selectbox(ctx.t("data.date_order"), ["auto", "day", "month"],
                         key="data_date_order", help=ctx.t("data.date_order.help"),
                         format_func=lambda o: ctx.t(f"data.date_order.{o}"))
    return {"auto": None, "day": True, "month": False}[order]


def _uploaded_names() -> str:
    return ", ".join(sorted({getattr(st.session_state.get(k), "name", "")
                             for k in st.session_state.keys()
                             if str(k).startswith("data_upload_")} - {""}))


def _load(ctx: Context, found: Uploads, day_first: bool | None) -> None:
    """Validate the tables, write them to the workspace and switch the session to them."""
    t, raws, data = ctx.t, found.raws, state().data
    with st.status(t("data.status.running"), expanded=True) as status:
        progress = st.progress(0.0)
        status.write(t("data.status.validating",
                       table=("、" if ctx.lang == "zh" else ", ").join(
                           table_name(ctx, tb) for tb in raws)))
        try:
            dataset = prepare_dataset(raws, mappings=found.mappings, day_first=day_first,
                                      today=pd.Timestamp.today().normalize())
        except DataError as err:
            status.update(label=t("data.status.failed"), state="error")
            data.errors = err.problems
            return
        progress.progress(0.6)
        status.write(t("data.status.writing"))
        names = _uploaded_names()
        new = context.workspace().replace(dataset.tables, source="upload",
                                          label=names or "upload")
        sources.loaded_here(new)
        sources.deactivate()  # the new files replace a connected database
        auth.record("load", source="upload", what=names or "upload",
                    rows=sum(new.rows.values()), customers=new.n_customers)
        progress.progress(1.0)
        status.update(label=t("data.status.done"), state="complete")
        data.errors = None
        data.result = {"dataset_id": new.dataset_id, "problems": dataset.problems}
        st.rerun()


def render_load(ctx: Context, found: Uploads, day_first: bool | None, can_load: bool,
                why_not: str | None) -> None:
    """The mapping clashes, the load button and, after a failed load, its problems."""
    t = ctx.t
    for table, header, first, second in found.clashes:
        st.error(t("data.mapping.clash", table=table_name(ctx, table), header=md(header),
                   first=COLUMN_LABELS[first][ctx.lang], second=COLUMN_LABELS[second][ctx.lang]))
    if st.button(t("data.load"), type="primary", key="data_load", help=why_not,
                 disabled=not found.raws or bool(found.clashes) or not can_load
                 ) and auth.allowed("load_data"):
        if "transactions" not in found.raws:
            st.error(t("data.load.need_transactions"))
        else:
            _load(ctx, found, day_first)
    errors = state().data.errors
    if errors:
        st.error(t("data.failed") + "\n\n" + bullets(errors, ctx.lang))
