"""The reader seam: one :class:`Reader` per file kind (pdf, docx, html, text, image), chosen by sniffed content.

``read_bytes`` sniffs the bytes (``parlens.ingest.sniff``), takes the reader registered for that kind and
hands its :class:`~parlens.ingest.draft.Draft` on to metadata extraction. Every reader passes the one
conformance suite in ``tests/ingest/test_readers.py``: block offsets slice the text exactly, warnings start
with a catalogue code, damaged input raises only the reader's own ``ParlensError`` codes. The built-in
readers register themselves when their modules load; those load on the first :func:`get` or :func:`kinds`
(never at import time, so ``import parlens.ingest`` stays cheap).

>>> kinds()
['docx', 'html', 'image', 'pdf', 'text']
>>> get("pdf").media_type, get("pdf").error_codes[0]
('application/pdf', 'PARLENS-E003')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from parlens.ingest.draft import Draft
    from parlens.settings import Settings

__all__ = ["BUILTIN_MODULES", "Reader", "get", "kinds", "register", "unregister"]

# Modules whose import registers the built-in readers.
BUILTIN_MODULES = ("parlens.ingest.pdf", "parlens.ingest.docx", "parlens.ingest.html", "parlens.ingest.text",
                   "parlens.ingest.ocr")


@runtime_checkable
class Reader(Protocol):
    """Reads the bytes of one file kind into a :class:`Draft` (blocks with exact offsets, pages, warnings).

    ``kind`` is the sniffed kind it reads ("pdf", "docx", "html", "text", "image"); ``media_type`` the
    media type stored with the document; ``error_codes`` the catalogue codes ``read`` may raise, the one
    for damaged input first. A warning a reader adds starts with its catalogue code
    ("PARLENS-W003 page 3: no readable text").
    """

    kind: str
    media_type: str
    error_codes: tuple[str, ...]

    def read(self, data: bytes, name: str, settings: Settings) -> Draft:
        """The draft of ``data`` (``name`` is for messages only); ``ParlensError`` with one of ``error_codes``."""


_READERS: dict[str, Reader] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def register(reader: Reader) -> Reader:
    """Add (or replace) the reader for ``reader.kind``; returns it."""
    _READERS[reader.kind] = reader
    return reader


def unregister(kind: str) -> None:
    """Remove the reader of ``kind`` (tests and plug-ins that add one temporarily); unknown kinds are ignored."""
    _READERS.pop(kind, None)


def get(kind: str) -> Reader:
    """The reader registered for ``kind``; KeyError naming the choices when there is none."""
    _load_builtins()
    try:
        return _READERS[kind]
    except KeyError:
        raise KeyError(f"no reader for {kind!r}; readers exist for {', '.join(kinds())}") from None


def kinds() -> list[str]:
    """Every kind a reader is registered for, sorted."""
    _load_builtins()
    return sorted(_READERS)
