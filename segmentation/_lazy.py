"""Lazy re-exports for package ``__init__`` files (PEP 562 module ``__getattr__``).

A package re-exports the public names of its private-ish submodules (as
``sklearn/cluster/__init__.py`` does), but importing the package must not import
them all: ``python -m segmentation --help`` would pay for scikit-learn, SciPy and
SQLAlchemy. So a package ``__init__`` only declares where each name lives::

    __getattr__, __dir__ = lazy_exports(__name__, {
        ".model": ("ChurnModel", "FEATURE_COLUMNS"),
        ".pipeline": ("score_churn",),
    })

and ``segmentation.churn.score_churn`` (or ``from segmentation.churn import
score_churn``) imports ``segmentation.churn.pipeline`` on first use. The name
is then cached in the package, so later lookups cost a dict access.

A name that is also the name of a submodule (``segmentation.tiers.migration``,
the function, lives in ``tiers/migration.py``) would be hidden by the import
system, which binds a submodule onto its package once it is imported. Those
names become properties of the package's module class, so that they keep
meaning the function whatever was imported first (as with eager imports).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType


def lazy_exports(package: str, exports: Mapping[str, Iterable[str]]
                 ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the package ``package``.

    ``exports`` maps a relative submodule (``".model"``) to the names it provides.
    A name that is neither exported nor defined is looked up as a submodule, so that
    ``import segmentation; segmentation.tiers`` keeps working. The package's
    ``__all__``, when defined, must list only exported names.
    """
    where: dict[str, str] = {}
    for module, names in exports.items():
        for name in names:
            if name in where:
                raise ValueError(f"{package}: {name!r} exported twice")
            where[name] = importlib.util.resolve_name(module, package)
    pkg = sys.modules[package]
    unknown = sorted(set(getattr(pkg, "__all__", ())) - set(where) - set(vars(pkg)))
    if unknown:
        raise ValueError(f"{package}.__all__ names what it does not export: {unknown}")

    def load(name: str) -> object:
        return getattr(importlib.import_module(where[name]), name)

    def __getattr__(name: str) -> object:
        if name in where:
            value = load(name)
            if f"{package}.{name}" != where[name]:
                setattr(pkg, name, value)
            return value
        if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}"):
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(pkg)) | set(where))

    shadowed = [name for name, module in where.items() if module == f"{package}.{name}"]
    if shadowed:
        pkg.__class__ = _shadowing_class(package, shadowed, load)
    return __getattr__, __dir__


def _shadowing_class(package: str, names: list[str], load: Callable[[str], object]) -> type:
    """A module class whose ``names`` are properties: the export, never the submodule."""
    assigned: dict[str, object] = {}

    def prop(name: str) -> property:
        def get(self: ModuleType) -> object:
            if name not in assigned:
                assigned[name] = load(name)
            return assigned[name]

        def set_(self: ModuleType, value: object) -> None:
            # the import system binds the submodule here once it is loaded: keep the export
            if value is not sys.modules.get(f"{package}.{name}"):
                assigned[name] = value  # a test's monkeypatch

        def delete(self: ModuleType) -> None:
            assigned.pop(name, None)

        return property(get, set_, delete)

    return type("LazyPackage", (ModuleType,), {name: prop(name) for name in names})
