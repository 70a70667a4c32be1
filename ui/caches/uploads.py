"""Caches of uploaded files: each read once per content (refusals are cached too)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import streamlit as st

from segmentation.schema import DataError
from segmentation.sources import read_any, read_excel_sheets


@dataclass(frozen=True)
class UploadKey:
    """An uploaded file: the digest of its bytes and its name (which decides the reader)."""

    digest: str
    name: str


def _named(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@st.cache_data(show_spinner=False, max_entries=8)
def read_upload(key: UploadKey, encoding: str | None, _data: bytes):
    """A CSV / Parquet upload read once per content: ``(raw frame or None, problems)``."""
    try:
        return read_any(_named(_data, key.name), filename=key.name, encoding=encoding), []
    except DataError as err:
        return None, err.problems


@st.cache_data(show_spinner=False, max_entries=4)
def read_upload_sheets(key: UploadKey, _data: bytes):
    """Every sheet of a workbook upload, read once per content: the sheet list, the chosen
    sheet and the one-sheet-per-table mode all come from this one read."""
    try:
        return read_excel_sheets(_named(_data, key.name)), []
    except DataError as err:
        return None, err.problems
