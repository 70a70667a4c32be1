"""Raw tables -> canonical tables: column mapping, parsing and validation.

:func:`prepare_table` maps a raw table's headers to canonical columns, parses
dates and numbers, and checks the rows. It returns the clean table with the
warnings beside it, or raises one :class:`~segmentation.schema.DataError` that
lists every fatal problem. :func:`prepare_dataset` does the same for all tables
at once and adds checks across tables.

Problem codes (messages ``problem.<code>`` in English and Chinese):

=========================  ========  ===========================================
code                       severity  what happens to the rows
=========================  ========  ===========================================
``missing_columns``        fatal     a required column is absent
``duplicate_mapping``      fatal     two headers are mapped to one column
``unknown_target``         fatal     a header is mapped to a column the table lacks
``empty_table``            fatal     no data rows
``no_transactions``        fatal     the dataset has no transactions table
``bad_dates``              *         unreadable required date: row skipped
``bad_numbers``            *         non-numeric required number: row skipped
``missing_ids``            *         empty customer_id: row skipped
``missing_values``         *         empty required date / number / text: row skipped
``bad_optional_dates``     warning   unreadable optional date: value left empty
``bad_optional_numbers``   warning   non-numeric optional number: value left empty
``duplicate_rows``         warning   exact copy of an earlier row: removed
``duplicate_customers``    warning   customers table repeats an id: first row kept
``scientific_ids``         fatal     ids a spreadsheet wrote as ``1.2E+10``
``formula_without_values`` fatal     Excel formulas never calculated (no saved values)
``control_characters``     warning   NUL, ``\x01``, ``\x0b`` … in an id or text:
                                     removed (ids: zero-width spaces too)
``competing_columns``      warning   a second header fits a mapped column: ignored
``implausible_dates``      *         date after ``today`` or far after the other
                                     rows: row set aside
``ambiguous_date_order``   warning   ``01/03/2024``-style dates, order undecidable:
                                     read month/day, stated
``future_dates``           warning   date after ``as_of``: kept (analysis ignores it)
``refunds``                warning   negative amount: kept as a refund
``score_out_of_range``     warning   score off the scale the others use: kept
``resolved_before_opened`` warning   complaint resolved before it was opened: kept
``unknown_customers``      warning   survey / complaint for a customer without
                                     transactions: kept
``customers_unmatched``    warning   no id of the customers table has transactions
=========================  ========  ===========================================

\\* fatal when more than :data:`FATAL_SHARE` of the table's rows are affected,
else a warning.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "BULK_MIN_ROWS",
    "DATE_MAX",
    "DATE_MIN",
    "EXCEL_EPOCH",
    "FATAL_SHARE",
    "MAX_EXAMPLES",
    "SCORE_SCALES",
    "SERIAL_MAX",
    "SERIAL_MIN",
    "TEXT_DTYPE",
    "VALUE_SYNONYMS",
    "Dataset",
    "PreparedTable",
    "ambiguous_date_order",
    "apply_mapping",
    "implausible_dates",
    "load_files",
    "parse_amounts",
    "parse_dates",
    "prepare_dataset",
    "prepare_table",
    "zh_name",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".checks": ("FATAL_SHARE", "MAX_EXAMPLES", "SCORE_SCALES"),
    ".dataset": ("Dataset", "load_files", "prepare_dataset"),
    ".dates": (
        "BULK_MIN_ROWS", "DATE_MAX", "DATE_MIN", "EXCEL_EPOCH", "SERIAL_MAX", "SERIAL_MIN",
        "ambiguous_date_order", "implausible_dates", "parse_dates",
    ),
    ".mapping": ("apply_mapping", "zh_name"),
    ".numbers": ("parse_amounts",),
    ".tables": ("PreparedTable", "prepare_table"),
    ".text": ("TEXT_DTYPE", "VALUE_SYNONYMS"),
})
