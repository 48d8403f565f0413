"""A registry of named plug-ins of one kind (file readers, output formats), filled by built-in modules on first use.

A plug-in registers itself when its module loads; the registry imports the built-in modules on the first
lookup (never at import time), so importing the seam stays cheap.

>>> shapes = Registry("key", (), lambda name, choices: KeyError(f"no shape {name!r}; choose one of {choices}"))
>>> from types import SimpleNamespace
>>> square = shapes.register(SimpleNamespace(key="square"))
>>> shapes.names(), shapes.get("square") is square
(['square'], True)
>>> shapes.get("circle")
Traceback (most recent call last):
KeyError: "no shape 'circle'; choose one of square"
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Plug-ins keyed by their attribute ``key``; ``missing(name, choices)`` is the exception for an unknown name."""

    def __init__(self, key: str, builtin_modules: Sequence[str], missing: Callable[[str, str], Exception]) -> None:
        self._key = key
        self._builtin_modules = tuple(builtin_modules)
        self._missing = missing
        self._items: dict[str, T] = {}
        self._builtins_loaded = False

    def _load_builtins(self) -> None:
        if not self._builtins_loaded:
            self._builtins_loaded = True
            for module in self._builtin_modules:
                importlib.import_module(module)

    def register(self, item: T) -> T:
        """Add (or replace) the plug-in under its key; returns it."""
        self._items[getattr(item, self._key)] = item
        return item

    def unregister(self, name: str) -> None:
        """Remove a plug-in (tests and plug-ins that add one temporarily); unknown names are ignored."""
        self._items.pop(name, None)

    def get(self, name: str) -> T:
        """The plug-in registered under ``name``; the registry's ``missing`` exception naming the choices."""
        self._load_builtins()
        try:
            return self._items[name]
        except KeyError:
            raise self._missing(name, ", ".join(self.names())) from None

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        self._load_builtins()
        return sorted(self._items)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Registry({self._key!r}, {self.names()!r})"
