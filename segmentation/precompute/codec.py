"""Plain data to JSON and back, with the few types the stored results hold.

Dates, timestamps, tuples, numpy scalars and NaN survive the round trip (JSON
has none of them): each is written as a one-key object (``{"__ts__": ...}``)
and read back as itself. Nothing else is accepted: what cannot be encoded
raises ``TypeError`` rather than being pickled.

>>> import pandas as pd
>>> loads(dumps({"at": pd.Timestamp("2024-06-30"), "pair": ("a", 1), "x": float("nan")}))
{'at': Timestamp('2024-06-30 00:00:00'), 'pair': ('a', 1), 'x': nan}
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd


def _encode(value):
    if isinstance(value, pd.Timestamp | datetime):
        return {"__ts__": pd.Timestamp(value).isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str | int) for k in value):
            raise TypeError(f"cannot store a mapping with keys {list(value)[:3]!r}")
        # integer keys (e.g. horizons) kept as integers
        if any(isinstance(k, int) for k in value):
            return {"__intkeys__": {str(k): _encode(v) for k, v in value.items()}}
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def _decode(obj: dict):
    if len(obj) == 1:
        (tag, value), = obj.items()
        if tag == "__ts__":
            return pd.Timestamp(value)
        if tag == "__date__":
            return date.fromisoformat(value)
        if tag == "__tuple__":
            return tuple(value)
        if tag == "__float__":
            return float(value)
        if tag == "__intkeys__":
            return {int(k): v for k, v in value.items()}
    return obj


def dumps(value) -> str:
    """``value`` (dicts, lists, tuples, scalars, dates, timestamps) as JSON text."""
    return json.dumps(_encode(value), ensure_ascii=False, sort_keys=True, allow_nan=False)


def loads(text: str):
    """The value :func:`dumps` wrote."""
    return json.loads(text, object_hook=_decode)
