"""What a reader (``parlens.ingest.readers.Reader``) hands back before metadata and hashing: blocks, pages, headers, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from parlens.ingest.structure import DocumentBuilder
from parlens.model import DocumentMetadata, PageInfo


@dataclass
class Draft:
    """A read document in the making; ``read_bytes`` turns it into a ``Document``."""

    builder: DocumentBuilder
    media_type: str = "text/plain"
    pages: list[PageInfo] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # each starts with its catalogue code ("PARLENS-W003 page 2: ...")
    metadata: DocumentMetadata | None = None  # set by readers that know it (press articles)
