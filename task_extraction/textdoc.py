"""Plain text as a ``Document`` for tests, docstrings and the devset's header-carrying text files.

>>> [b.text for b in document_from_text("Kế hoạch\\n\\n1. Sở Nội vụ").blocks]
['Kế hoạch', '1. Sở Nội vụ']
"""

from __future__ import annotations

import re
from datetime import date

from parlens.model import Document


def document_from_text(text: str, name: str = "text.txt", *, issued_on: date | None = None) -> Document:
    """Read ``text`` with the ingest stage's text reader; ``issued_on`` overrides the header date."""
    from parlens.ingest import read_bytes

    doc = read_bytes(text.encode("utf-8"), name)
    if issued_on is not None:
        doc.metadata.issued_on = issued_on
    return doc


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
