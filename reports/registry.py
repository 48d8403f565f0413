"""The format registry: every task-list format (json, table, csv, xlsx, ics) is one :class:`Format` entry.

The CLI (``parlens tasks --format``) and the API (``GET /tasks?format=``) take their choices from here, so a
new format is one ``register(Format(...))`` call and nothing else. The built-in formats register themselves
when their modules load; those load on the first :func:`get` or :func:`names` (never at import time).

>>> names()
['csv', 'ics', 'json', 'table', 'xlsx']
>>> get("xlsx").extension, get("xlsx").binary
('xlsx', True)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parlens.reports.tasklist import TaskReport

# Modules whose import registers the built-in formats.
BUILTIN_MODULES = ("parlens.reports.formats", "parlens.reports.tracker_sheet", "parlens.reports.ical")


@dataclass(frozen=True)
class Format:
    """One output format of a task list: its name, HTTP media type, file extension and renderer."""

    name: str
    media_type: str
    extension: str
    binary: bool  # True when the bytes must not go to a terminal (xlsx)
    render: Callable[[TaskReport], bytes]


_FORMATS: dict[str, Format] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def register(fmt: Format) -> Format:
    """Add (or replace) a format; returns it."""
    _FORMATS[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    """Remove a format (tests and plug-ins that add one temporarily); unknown names are ignored."""
    _FORMATS.pop(name, None)


def get(name: str) -> Format:
    """The format called ``name``; ValueError naming the choices when there is none."""
    _load_builtins()
    try:
        return _FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(names())}") from None


def names() -> list[str]:
    """Every registered format name, sorted."""
    _load_builtins()
    return sorted(_FORMATS)
