"""The three report files by format name: ``pptx`` (deck), ``html`` (one page), ``xlsx``."""

from __future__ import annotations

import io
from pathlib import Path

from .model import Report

#: format -> (file extension, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml."
                      "presentation"),
    "html": (".html", "text/html"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def write_report(report: Report, format_: str, target: str | Path | io.BytesIO) -> None:
    """Write ``report`` in ``format_`` (a key of :data:`FORMATS`) to a path or buffer."""
    if format_ == "pptx":
        from .deck import write_deck

        write_deck(report, target)
    elif format_ == "xlsx":
        from .workbook import write_workbook

        write_workbook(report, target)
    elif format_ == "html":
        from .html import html_text

        text = html_text(report)
        if isinstance(target, io.BytesIO):
            target.write(text.encode("utf-8"))
        else:
            Path(target).write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"unknown report format {format_!r}; use one of {sorted(FORMATS)}")


def report_bytes(report: Report, format_: str) -> bytes:
    """The file of ``report`` in ``format_`` as bytes (a download button's data)."""
    buffer = io.BytesIO()
    write_report(report, format_, buffer)
    return buffer.getvalue()
