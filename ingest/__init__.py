"""Read PDF, DOCX, HTML, plain-text and image files into one ``Document``: repaired text, blocks, metadata.

The content decides the kind (``sniff``); the reader registered for that kind (``parlens.ingest.readers``)
reads it into a draft, and metadata extraction and hashing finish the document.

>>> doc = read_bytes("KẾ HOẠCH\\nCải cách hành chính năm 2026".encode(), "kh.txt")
>>> [b.kind for b in doc.blocks], doc.metadata.doc_type
(['heading', 'paragraph'], 'Kế hoạch')
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from parlens.errors import ParlensError
from parlens.model import Document, PageInfo
from parlens.settings import Settings, get_settings

__all__ = ["read_document", "read_bytes"]

_KIND_NAMES = {"pdf": "PDF", "docx": "DOCX", "html": "HTML", "text": "plain text", "image": "image"}


def read_document(path: str | Path, *, settings: Settings | None = None) -> Document:
    """Read the file at ``path``; raises ``ParlensError`` (E010 missing, E004 too large, ...)."""
    settings = settings or get_settings()
    path = Path(path)
    try:
        if not path.is_file():
            raise ParlensError("PARLENS-E010", str(path))
        size = path.stat().st_size
    except OSError as exc:
        raise ParlensError("PARLENS-E010", f"{path}: {exc.strerror or exc}") from exc
    if size > settings.max_file_bytes:
        raise ParlensError("PARLENS-E004", f"{path.name}: {size} bytes > {settings.max_file_bytes}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParlensError("PARLENS-E010", f"{path}: {exc.strerror or exc}") from exc
    return read_bytes(data, path.name, settings=settings)


def read_bytes(data: bytes, name: str, *, settings: Settings | None = None) -> Document:
    """Read file content ``data`` (``name`` is used for messages and the mislabel check only).

    Every warning starts with its catalogue code (PARLENS-E011 mislabelled, PARLENS-W001..W005); a page
    with no document content (an HTML error page) raises PARLENS-E014.
    """
    from parlens.ingest import readers
    from parlens.ingest.metadata import extract_metadata
    from parlens.ingest.sniff import kind_from_name, sniff
    from parlens.ingest.syllables import text_quality

    settings = settings or get_settings()
    if len(data) > settings.max_file_bytes:
        raise ParlensError("PARLENS-E004", f"{name}: {len(data)} bytes > {settings.max_file_bytes}")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ParlensError("PARLENS-E001", name)
    kind = sniff(data)
    claimed = kind_from_name(name)
    if kind == "ole":
        raise ParlensError("PARLENS-E012", name)
    if kind in ("zip", "unknown", "rtf"):
        if claimed == "docx":
            raise ParlensError("PARLENS-E006", f"{name}: not a DOCX package")
        what = {"rtf": "an RTF document", "zip": "a zip archive"}.get(kind, "an unrecognised binary format")
        if kind in ("zip", "rtf") and claimed is not None:  # a known format under another name, not readable
            raise ParlensError("PARLENS-E011", f"{name}: named as {_KIND_NAMES.get(claimed, claimed)} but contains {what}")
        if claimed == "pdf":
            raise ParlensError("PARLENS-E003", f"{name}: no PDF header")
        raise ParlensError("PARLENS-E002", f"{name}: content is {what}")
    warnings: list[str] = []
    if claimed and claimed != kind and not (claimed == "text" and kind == "text"):
        warnings.append(f"PARLENS-E011 mislabelled file: {name} is named as {_KIND_NAMES.get(claimed, claimed)} but contains {_KIND_NAMES[kind]}; read as {_KIND_NAMES[kind]}")

    draft = readers.get(kind).read(data, name, settings)
    draft.warnings[:0] = warnings
    builder = draft.builder
    text = builder.text
    if not text.strip():
        raise ParlensError("PARLENS-E009", f"{name}: " + ("; ".join(draft.warnings) or "no text"))
    pages = draft.pages or [PageInfo(number=1, quality=round(text_quality(text), 3), chars=len(text))]
    metadata = extract_metadata(builder.blocks, text)
    if draft.metadata is not None:  # press article; an official text published as HTML keeps its header facts
        press = draft.metadata
        if metadata.number is None:
            metadata = press
        else:
            for field_name in ("publisher", "source_url"):
                setattr(metadata, field_name, getattr(press, field_name))
    return Document(
        text=text, blocks=builder.blocks, metadata=metadata, source_name=name,
        media_type=draft.media_type,
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), pages=pages,
        headers=draft.headers, warnings=draft.warnings,
    )
