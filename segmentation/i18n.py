"""Bilingual (English / Simplified Chinese) strings.

Numbers, amounts, percents and dates are formatted by :mod:`segmentation.formatting`.

Every user-facing string goes through :func:`t`. Modules register their own
message tables at import time with :func:`register`, so the catalogue grows with
the library without one file that everybody edits.

Nobody imports a catalogue just to register it: :data:`CATALOGUES` says which
modules register the messages of each *domain* (a key's first part, ``cli`` in
``cli.users.none``), and the first lookup of a key that is not registered yet
imports its domain's modules. So a process loads the texts it uses and nothing
else (``python -m segmentation --help`` loads none). A package that brings its
own catalogues (``ui``) adds them with :func:`add_catalogues`; ``test_i18n``
checks that every :func:`register` call is listed.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
DEFAULT_LANG: Lang = "en"

_CATALOGUE: dict[str, dict[str, str]] = {}

#: domain (a key's first part) -> the modules that register its messages
CATALOGUES: dict[str, tuple[str, ...]] = {
    "audit": ("segmentation.audit",),
    "campaign": ("segmentation.campaigns.messages",),
    "churn": ("segmentation.churn.messages",),
    "cli": ("segmentation.cli.messages",),
    "cluster": ("segmentation.clusters.messages",),
    "conn": ("segmentation.connections.messages", "segmentation.database.messages"),
    "fc": ("segmentation.forecast.messages",),
    "freq_class": ("segmentation.tiers.messages",),
    "persona": ("segmentation.personas_store",),
    "playbook": ("segmentation.tiers.messages",),
    "problem": ("segmentation.schema", "segmentation.cleaning.messages",
                "segmentation.features.messages", "segmentation.sources.messages"),
    "report": ("segmentation.report.messages",),
    "sat": ("segmentation.satisfaction.messages",),
    "scope": ("segmentation.scope_names",),
    "segment": ("segmentation.tiers.messages",),
    "table": ("segmentation.schema", "segmentation.sources.messages"),
    "tier": ("segmentation.tiers.messages",),
    "tiers": ("segmentation.tiers.messages", "segmentation.presets"),
    "users": ("segmentation.users",),
    "writeback": ("segmentation.writeback",),
}
_LOADED: set[str] = set()  # domains whose modules are all imported


def add_catalogues(catalogues: Mapping[str, tuple[str, ...]]) -> None:
    """Declare more modules that register messages of a domain (loaded on first lookup)."""
    for domain, modules in catalogues.items():
        known = CATALOGUES.get(domain, ())
        CATALOGUES[domain] = known + tuple(m for m in modules if m not in known)
        _LOADED.discard(domain)


def _load(key: str) -> None:
    """Import the modules of ``key``'s domain (once; thread-safe through the import lock)."""
    domain = key.split(".", 1)[0]
    if domain in _LOADED:
        return
    for module in CATALOGUES.get(domain, ()):
        importlib.import_module(module)
    _LOADED.add(domain)


def load_all() -> None:
    """Import every declared catalogue (for :func:`keys` and checks of completeness)."""
    for domain in list(CATALOGUES):
        _load(domain)


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add ``{key: {"en": ..., "zh": ...}}`` entries; both languages are required."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        # a later registration wins (a module reloaded by streamlit's file watcher)
        _CATALOGUE[key] = dict(texts)


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``params``.

    Unknown keys raise ``KeyError`` (a missing translation is a bug, not a
    fallback); unknown languages fall back to English.
    """
    texts = _CATALOGUE.get(key)
    if texts is None:
        _load(key)
        texts = _CATALOGUE[key]
    template = texts.get(lang) or texts[DEFAULT_LANG]
    return template.format(**params) if params else template


def has(key: str) -> bool:
    if key not in _CATALOGUE:
        _load(key)
    return key in _CATALOGUE


def keys() -> list[str]:
    load_all()
    return sorted(_CATALOGUE)


class LocalizedError(ValueError):
    """An error whose message exists in every language.

    Subclasses set :attr:`prefix`; ``code`` names the message ``<prefix>.<code>``
    and ``params`` fill it. ``str(err)`` is English; :meth:`message` either language.
    """

    prefix = "error"

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The one-line message in ``lang``."""
        return t(f"{self.prefix}.{self.code}", lang, **self.params)
