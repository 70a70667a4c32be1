"""Reports for headquarters: an editable deck, a one-file HTML report and a workbook.

:func:`gather_inputs` computes (or the app hands over) the library's results for one
user's scope; :func:`build_report` turns them into a :class:`Report` of sections, each
with the sentence the page shows, its charts and tables; :func:`write_deck`,
:func:`write_html` and :func:`write_workbook` write the three files from it (or
:func:`write_report` by format), every number through :mod:`segmentation.formatting`.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "FORMATS",
    "SECTION_KEYS",
    "Chart",
    "Personas",
    "Report",
    "ReportInputs",
    "Section",
    "Table",
    "build_report",
    "gather_inputs",
    "report_bytes",
    "scope_label",
    "source_text",
    "worded_scores",
    "write_deck",
    "write_html",
    "write_report",
    "write_workbook",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".content": ("SECTION_KEYS", "build_report", "scope_label", "source_text"),
    ".deck": ("write_deck",),
    ".files": ("FORMATS", "report_bytes", "write_report"),
    ".html": ("write_html",),
    ".inputs": ("Personas", "ReportInputs", "gather_inputs", "worded_scores"),
    ".model": ("Chart", "Report", "Section", "Table"),
    ".workbook": ("write_workbook",),
})
