"""Page-by-page progress of the file being read, for whoever listens (an upload job, a CLI line).

Readers call ``report`` once per page; a caller that wants to know wraps the read in ``reporting``.
Nothing listens by default, so a reader pays nothing for it.

>>> seen = []
>>> with reporting(lambda stage, done, total: seen.append((stage, done, total))):
...     report("ocr", 1, 6)
>>> seen
[('ocr', 1, 6)]
>>> report("read", 2, 6)  # nobody listens: nothing happens
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["STAGES", "report", "reporting"]

# "read": a page was read from its text layer; "ocr": a page is being OCRed (slow: seconds per page).
STAGES = ("read", "ocr")

Listener = Callable[[str, int, int], None]
_listener: ContextVar[Listener | None] = ContextVar("parlens_ingest_progress", default=None)


def report(stage: str, done: int, total: int) -> None:
    """Tell the listener, if any, that page ``done`` of ``total`` is at ``stage`` ("read" or "ocr")."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    """Send every ``report`` made inside the block to ``listener(stage, done, total)``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
