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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parlens.registry import Registry

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


_REGISTRY: Registry[Format] = Registry(
    "name", BUILTIN_MODULES, lambda name, choices: ValueError(f"unknown format {name!r}; choose one of {choices}"))

register = _REGISTRY.register  # add (or replace) a format; returns it
unregister = _REGISTRY.unregister  # remove a format; unknown names are ignored
get = _REGISTRY.get  # the format called ``name``; ValueError naming the choices when there is none
names = _REGISTRY.names  # every registered format name, sorted
