"""Plain-text reader: UTF-8 (BOM or not), UTF-16 (BOM or heuristic), cp1258 and legacy TCVN3/VNI bytes.

>>> decode_text("Kế hoạch".encode("utf-16"))[1]
'utf-16'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import TYPE_CHECKING

from parlens.errors import ParlensError
from parlens.ingest.columns import Segment, order_lines
from parlens.ingest.draft import Draft
from parlens.ingest.readers import register
from parlens.ingest.repair import repair_lines, repair_text
from parlens.ingest.structure import DocumentBuilder, starts_new_item
from parlens.ingest.syllables import text_quality

if TYPE_CHECKING:
    from parlens.settings import Settings

_GAP = re.compile(r" {3,}|\t+|\s*\|\s*")  # wide gaps, tabs and "|" separate columns of a laid-out line
_EMPHASIS = re.compile(r"\*\*|__|^\*(?=\S)|(?<=\S)\*$")  # Markdown bold/italic markers around header lines
_WRAPS_NUMBER = re.compile(r"(?:ngày|tháng|năm|số|khoản|điều|Điều)$")
_MIN_QUALITY = 0.3


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding name); raises PARLENS-E008 when no encoding yields readable text."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:2000]
    if len(sample) >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.3 * len(sample) / 2 and even < odd / 10:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even > 0.3 * len(sample) / 2 and odd < even / 10:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    try:
        text = data.decode("cp1258")
        candidates.append((text_quality(unicodedata.normalize("NFC", text)), text, "cp1258"))
    except UnicodeDecodeError:
        pass
    latin = data.decode("latin-1")
    candidates.append((text_quality(repair_lines(latin)), latin, "legacy-8bit"))
    quality, text, encoding = max(candidates, key=lambda c: c[0])
    if quality < _MIN_QUALITY:
        raise ParlensError("PARLENS-E008", f"{name or 'text'}: not UTF-8, UTF-16, cp1258, TCVN3 or VNI (best reading {quality:.0%} Vietnamese)")
    return text, encoding


def _segments(line: str) -> list[Segment]:
    line = _EMPHASIS.sub("", line.expandtabs(8)).rstrip()
    out = []
    pos = 0
    for part in _GAP.split(line):
        idx = line.find(part, pos) if part else pos
        if part.strip():
            lead = len(part) - len(part.lstrip())
            text = _EMPHASIS.sub("", part.strip()).strip()
            if text:
                out.append(Segment(idx + lead, idx + len(part.rstrip()), text))
        pos = idx + len(part)
    return out


def build_text_blocks(builder: DocumentBuilder, raw: str, *, page: int | None = None, detect_legacy: bool = True) -> None:
    """Add the paragraphs of a raw multi-line text to ``builder`` (wrapped lines joined, bands unrolled)."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    groups: list[list[list[Segment]]] = [[]]
    for line in raw.split("\n"):
        segs = _segments(line)
        if segs:
            groups[-1].append(segs)
        elif groups[-1]:
            groups.append([])
    prefer = _file_encoding(raw) if detect_legacy else None
    for group in groups:
        paragraphs: list[list[str]] = []  # lines of each paragraph, joined once at the end (not line by line)
        for text, segs, band in order_lines(group):
            text = repair_text(text, detect=detect_legacy, prefer=prefer)
            if not text:
                continue
            if paragraphs and not band and _continues(paragraphs[-1], text, len(group) > 1):
                paragraphs[-1].append(text)
            else:
                paragraphs.append([text])
        for lines in paragraphs:
            builder.add_paragraph(" ".join(lines), page=page)


def _file_encoding(raw: str) -> str | None:
    """The legacy encoding the whole text reads best in (None for Unicode)."""
    from parlens.ingest.repair import detect_legacy

    return detect_legacy(raw[:20000])


def _continues(previous: list[str], line: str, single: bool) -> bool:
    """A hard-wrapped line: the paragraph so far (its lines) is unfinished and this one starts lower-case
    (or with the number a 'ngày'/'năm' at the end of the previous line is waiting for)."""
    last = previous[-1].rstrip()
    if not single or last.endswith((".", ":", ";", "!", "?")) or starts_new_item(line):
        return False
    if line[:1].islower():
        return True
    return line[:1].isdigit() and _WRAPS_NUMBER.search(last) is not None


def read_text(data: bytes, name: str, settings: Settings | None = None) -> Draft:
    """Decode and split plain text into blocks; text not in Unicode gets PARLENS-W004 naming its encoding.

    >>> read_text("Kế hoạch".encode("cp1258", errors="ignore") + b" c\\xf4ng t\\xe1c", "kh.txt").warnings
    ['PARLENS-W004 decoded as cp1258']
    """
    text, encoding = decode_text(data, name)
    draft = Draft(builder=DocumentBuilder(), media_type="text/plain")
    build_text_blocks(draft.builder, text)
    if encoding in _LEGACY:
        draft.warnings.append(f"PARLENS-W004 decoded as {_LEGACY[encoding]}")
    return draft


# Encodings decode_text may fall back to that are not Unicode, as a warning names them.
_LEGACY = {"cp1258": "cp1258", "legacy-8bit": "TCVN3/VNI (8-bit)"}


class TextReader:
    """The plain-text :class:`~parlens.ingest.readers.Reader` (UTF-8, UTF-16, cp1258, TCVN3, VNI).

    >>> [b.text for b in TextReader().read("KẾ HOẠCH\\nRà soát".encode(), "kh.txt", None).builder.blocks]
    ['KẾ HOẠCH', 'Rà soát']
    """

    kind = "text"
    media_type = "text/plain"
    error_codes = ("PARLENS-E008",)  # no encoding yields readable text

    def read(self, data: bytes, name: str, settings: Settings | None) -> Draft:
        return read_text(data, name, settings)


register(TextReader())
