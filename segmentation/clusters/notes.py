"""What clustering reports: :class:`ClusterError` (input that cannot be clustered),
:class:`ClusterNote` (an explained adjustment) and :class:`ClusterWarning`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import formatting, i18n
from .specs import FEATURE_GROUPS, column_label, feature_label, join_labels


class ClusterError(i18n.LocalizedError):
    """Input that cannot be clustered; ``code`` names the message ``cluster.error.<code>``."""

    prefix = "cluster.error"

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        params = dict(self.params)
        if "features" in params:
            params["features"] = join_labels((feature_label(k, lang) if k in FEATURE_GROUPS
                                              else k for k in params["features"]), lang)
        return i18n.t(f"cluster.error.{self.code}", lang, **params)


@dataclass(frozen=True)
class ClusterNote:
    """An explained adjustment made while clustering (feature left out, fewer clusters, sample).

    Attributes
    ----------
    code : ``missing_features``, ``constant_columns``, ``fewer_customers`` or
        ``sampled``; the message is ``cluster.note.<code>``.
    level : ``"warning"`` (also raised as :class:`ClusterWarning`) or ``"info"``.
    params : the raw values behind the message (feature keys, columns, counts).
    """

    code: str
    level: Literal["info", "warning"]
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        params: dict[str, Any] = dict(self.params)
        if "features" in params:
            params["features"] = join_labels((feature_label(k, lang)
                                              for k in params["features"]), lang)
        if "columns" in params:
            params["columns"] = join_labels((column_label(c, lang) for c in params["columns"]),
                                            lang)
        for name in ("n", "n_fit"):
            if name in params:
                params[name] = formatting.number(params[name], lang)
        return i18n.t(f"cluster.note.{self.code}", lang, **params)


class ClusterWarning(UserWarning):
    """A degenerate input was adjusted; ``.note`` holds the :class:`ClusterNote`."""

    def __init__(self, note: ClusterNote):
        self.note = note
        super().__init__(note.message("en"))
