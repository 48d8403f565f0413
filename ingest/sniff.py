"""File type from content, not from the name: PDF, DOCX, HTML, images, legacy OLE, plain text.

>>> sniff(b"%PDF-1.7 ...")
'pdf'
>>> sniff(b"<!DOCTYPE html><html><body>Tin</body></html>")
'html'
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import PurePath

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "text": "text/plain",
    "image": "image/*",
}
_EXTENSIONS = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text", ".md": "text", ".csv": "text",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".doc": "ole", ".xls": "ole",
}
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<article[\s>]", re.I)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# What zipfile raises on a damaged archive: a bad directory, an unknown "version needed" or compression
# method (NotImplementedError), an encrypted member (RuntimeError), broken deflate data (zlib.error).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
              RuntimeError, zlib.error, struct.error)


def kind_from_name(name: str) -> str | None:
    """The kind a file name claims ('plan.pdf' -> 'pdf'), or None."""
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def _looks_utf16(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:2000]
    if len(sample) < 8:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if not (max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half):
        return False
    codec = "utf-16-le" if odd > even else "utf-16-be"
    return printable_share(sample[: len(sample) // 2 * 2].decode(codec, errors="replace")) > 0.95


def printable_share(text: str) -> float:
    """Share of characters that are printable or ordinary whitespace."""
    if not text:
        return 1.0
    return sum(1 for c in text if c.isprintable() or c in "\n\r\t\f") / len(text)


def _looks_text(head: bytes) -> bool:
    """Few control bytes (a stray NUL or two included: readers drop them), as text and markup have."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= max(2, len(head) // 200)


def sniff(data: bytes) -> str:
    """One of pdf | docx | zip | ole | html | image | rtf | text | unknown."""
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except ZIP_ERRORS:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if head.startswith(_IMAGE):
        return "image"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _looks_utf16(head):
        return "text"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _looks_text(head) and _HTML.search(stripped[:2048]) and stripped.startswith(b"<"):
        return "html"
    if _looks_text(head):
        return "text"
    return "unknown"
