"""A ``Document`` from plain text without the ingest stage: one block per non-empty line.

Used by ``parlens eval`` for devset text files (whose header block ends with a ``---`` line) when
``parlens.ingest`` is not installed, and by tests that write their own small documents.

>>> [b.text for b in document_from_text("Kế hoạch\\n\\n1. Sở Nội vụ").blocks]
['Kế hoạch', '1. Sở Nội vụ']
"""

from __future__ import annotations

import re
from datetime import date

from parlens.model import Block, Document, DocumentMetadata
from parlens.nlp.normalize import normalize_text

_NUM = re.compile(r"^\s*([IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|[-+•])\s")


def document_from_text(text: str, name: str = "text.txt", *, issued_on: date | None = None) -> Document:
    """Split ``text`` into paragraph/list_item blocks with offsets; tables are not recognised."""
    text = normalize_text(text)
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        m = _NUM.match(stripped)
        kind = "list_item" if m and not m.group(1).endswith(".") or (m and m.group(1)[0] in "-+•") else "paragraph"
        blocks.append(Block(kind=kind, text=stripped, start=start + lead, end=end - trail,
                            numbering=m.group(1) if m else None))
    return Document(text=text, blocks=blocks, metadata=DocumentMetadata(issued_on=issued_on), source_name=name)


def split_devset_header(raw: str) -> tuple[dict[str, str], str]:
    """The ``key: value`` header of a devset file (ending with a ``---`` line) and the body after it."""
    lines = raw.split("\n")
    for i, line in enumerate(lines[:40]):
        if line.strip() == "---":
            header = {}
            for h in lines[:i]:
                if ":" in h:
                    k, v = h.split(":", 1)
                    header[k.strip()] = v.strip()
            return header, "\n".join(lines[i + 1:])
    return {}, raw


def header_date(header: dict[str, str]) -> date | None:
    """The reference date of a devset header ("2021-08 (approx. …)" gives the month's first day)."""
    value = header.get("date", "")
    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        m2 = re.match(r"(\d{4})", value)
        return date(int(m2.group(1)), 1, 1) if m2 else None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
