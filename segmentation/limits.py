"""How many customer rows may travel from a database into the app.

A network of 100 M customers is narrowed to a branch or a region first (the scope, the
sidebar's region or branch), or scored where it lives (``python -m segmentation score
--database NAME --write-table TABLE``); the Overview and the sidebar of a larger scope are
computed in the database (:mod:`segmentation.bignet`).
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_MAX_ROWS", "MAX_ROWS_ENV", "max_customer_rows"]

#: At most this many customer rows of one query travel into the app unless set
DEFAULT_MAX_ROWS = 2_000_000
#: Environment variable that sets the bound (a whole number of customer rows; ``_`` may
#: group digits): lower it to try a "network too large to fetch" on small data, raise it
#: for a server with the memory for more.
MAX_ROWS_ENV = "SEG_MAX_CUSTOMER_ROWS"


def max_customer_rows() -> int:
    """The bound: ``SEG_MAX_CUSTOMER_ROWS``, else :data:`DEFAULT_MAX_ROWS`.

    Raises ``ValueError`` for a value that is not a whole number of at least 1.
    """
    raw = os.environ.get(MAX_ROWS_ENV, "").strip().replace("_", "")
    if not raw:
        return DEFAULT_MAX_ROWS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{MAX_ROWS_ENV} must be a whole number of rows (1 or more), "
                         f"got {raw!r}")
    return int(raw)
