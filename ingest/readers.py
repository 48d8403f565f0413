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

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from parlens.registry import Registry

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


_REGISTRY: Registry[Reader] = Registry(
    "kind", BUILTIN_MODULES, lambda kind, choices: KeyError(f"no reader for {kind!r}; readers exist for {choices}"))

register = _REGISTRY.register  # add (or replace) the reader for ``reader.kind``; returns it
unregister = _REGISTRY.unregister  # remove the reader of a kind; unknown kinds are ignored
get = _REGISTRY.get  # the reader registered for a kind; KeyError naming the choices when there is none
kinds = _REGISTRY.names  # every kind a reader is registered for, sorted
