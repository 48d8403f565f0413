"""OCR for pages with no usable text layer and for image files: pypdfium2 renders, tesseract (pytesseract) reads.

When tesseract is missing the page is flagged with a warning (PARLENS-W001), never silently empty.
"""

from __future__ import annotations

import os
import resource
import shutil
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from parlens.errors import ParlensError
from parlens.ingest import progress
from parlens.ingest.draft import Draft
from parlens.ingest.readers import register
from parlens.model import PageInfo
from parlens.settings import Settings


_PAGE_TIMEOUT = 180  # seconds; a page that takes longer gets a warning instead of blocking the batch


@dataclass
class OcrBudget:
    """How much OCR the current request may still do: pages and CPU seconds (None: unbounded).

    The service gives each upload the smaller of the request's and the user's remaining budget; pages
    beyond it get a warning instead of a tesseract run, so a 5,000-page blank PDF cannot hold a core.

    >>> budget = OcrBudget(pages=1, seconds=None)
    >>> budget.exhausted(), budget.charge(pages=1, seconds=2.5), budget.exhausted() is not None
    (None, None, True)
    """

    pages: int | None = None
    seconds: float | None = None
    used_pages: int = 0
    used_seconds: float = 0.0

    def exhausted(self) -> str | None:
        """Why no more OCR may run, or None."""
        if self.pages is not None and self.used_pages >= self.pages:
            return f"OCR budget used up ({self.pages} pages per request or per user and hour)"
        if self.seconds is not None and self.used_seconds >= self.seconds:
            return f"OCR budget used up ({self.seconds:g} CPU seconds per request or per user and hour)"
        return None

    def charge(self, *, pages: int, seconds: float) -> None:
        self.used_pages += pages
        self.used_seconds += seconds


_BUDGET: ContextVar[OcrBudget | None] = ContextVar("parlens_ocr_budget", default=None)


@contextmanager
def ocr_budget(pages: int | None, seconds: float | None) -> Iterator[OcrBudget]:
    """Bound the OCR done inside the block; the yielded budget tells what was used."""
    budget = OcrBudget(pages, seconds)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (tesseract runs as a child process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _budget_refusal() -> str | None:
    budget = _BUDGET.get()
    return budget.exhausted() if budget is not None else None


def _charge(began: float) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.charge(pages=1, seconds=_cpu_seconds() - began)


@lru_cache(maxsize=1)
def tesseract_available() -> bool:
    """Whether the tesseract binary can be run."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception:  # pragma: no cover - depends on the machine
        return False
    return True


def ocr_image(image, settings: Settings) -> str:
    """Text of a PIL image, read with tesseract in ``settings.ocr_languages``.

    tesseract runs single-threaded unless OMP_THREAD_LIMIT says otherwise: on a small shared machine its
    OpenMP threads fight each other (measured 7.9 s -> 1.7 s per A4 page at 300 dpi on 2 busy cores).
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    return pytesseract.image_to_string(image, lang=settings.ocr_languages, config="--psm 4", timeout=_PAGE_TIMEOUT)


_MAX_RENDER_PIXELS = 40_000_000  # an A3 page at 300 dpi is ~17 M; a page declaring 200 x 200 inches is not rendered at full size


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """pdfium's render scale for ``dpi``, lowered so the image stays under 40 M pixels.

    >>> render_scale(595, 842, 300) == 300 / 72, round(render_scale(14400, 14400, 300), 3)
    (True, 0.439)
    """
    scale = dpi / 72
    area = max(1.0, width_pt * height_pt)
    return min(scale, (_MAX_RENDER_PIXELS / area) ** 0.5)


def render_pdf_page(data: bytes, index: int, dpi: int):
    """Page ``index`` (0-based) of a PDF as a PIL image at ``dpi`` (less for a page too large to render so)."""
    import pypdfium2

    from parlens.ingest.pdfium_lock import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe
        pdf = pypdfium2.PdfDocument(data)
        try:
            page = pdf[index]
            try:
                return page.render(scale=render_scale(page.get_width(), page.get_height(), dpi)).to_pil()
            finally:
                page.close()
        finally:
            pdf.close()


def ocr_refusal(settings: Settings) -> str | None:
    """Why no page may be OCRed now (OCR off, tesseract missing, the request's budget used up), or None."""
    if not settings.ocr_enabled:
        return "OCR is disabled (PARLENS_OCR_ENABLED)"
    if not tesseract_available():
        return "tesseract is not installed, page not OCRed (apt install tesseract-ocr tesseract-ocr-vie)"
    refusal = _budget_refusal()
    return f"not OCRed: {refusal}" if refusal else None


def ocr_pdf_page(data: bytes, index: int, settings: Settings, warnings: list[str], *, reason: str) -> str | None:
    """OCR text of one PDF page, or None with a warning saying why (PARLENS-W001 not OCRed, W002 OCR failed)."""
    page = index + 1
    refusal = ocr_refusal(settings)
    if refusal:
        warnings.append(f"PARLENS-W001 page {page}: {reason}; {refusal}")
        return None
    began = _cpu_seconds()
    try:
        text = ocr_image(render_pdf_page(data, index, settings.ocr_dpi), settings)
    except Exception as exc:
        warnings.append(f"PARLENS-W002 page {page}: OCR failed ({type(exc).__name__}: {exc})")
        return None
    finally:
        _charge(began)
    return text


_MAX_IMAGE_PIXELS = 120_000_000  # an A4 page at 1200 dpi is ~140 M; beyond this a small file is a pixel bomb
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)  # what PIL raises on damage


def load_image(data: bytes, name: str):
    """The decoded PIL image of an image file; E002 when it is damaged, E004 when it declares too many pixels."""
    import io

    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > _MAX_IMAGE_PIXELS:
            raise ParlensError("PARLENS-E004", f"{name}: image of {width}x{height} pixels")
        image.load()
    except Image.DecompressionBombError as exc:
        raise ParlensError("PARLENS-E004", f"{name}: {exc}") from exc
    except _IMAGE_ERRORS as exc:
        raise ParlensError("PARLENS-E002", f"{name}: damaged image ({type(exc).__name__}: {exc})",
                           hint="The file starts like an image but cannot be decoded; re-export or re-scan it.") from exc
    return image


def ocr_image_bytes(data: bytes, name: str, settings: Settings, warnings: list[str]) -> str | None:
    """OCR text of an image file (PNG, JPEG, TIFF), or None with a warning; a damaged image raises (see load_image).

    Reports progress ("ocr", 1, 1) just before tesseract runs, ("read", 1, 1) when it does not.
    """
    image = load_image(data, name)
    if not settings.ocr_enabled or not tesseract_available():
        image.close()
        warnings.append("PARLENS-W001 image: OCR unavailable (tesseract not installed or OCR disabled)")
        progress.report("read", 1, 1)
        return None
    import pytesseract

    refusal = _budget_refusal()
    if refusal:
        image.close()
        warnings.append(f"PARLENS-W001 image: not OCRed: {refusal}")
        progress.report("read", 1, 1)
        return None
    progress.report("ocr", 1, 1)
    began = _cpu_seconds()
    try:
        return ocr_image(image.convert("RGB"), settings)
    except (pytesseract.TesseractError, RuntimeError, OSError) as exc:  # RuntimeError: tesseract timed out
        warnings.append(f"PARLENS-W002 image: OCR failed ({type(exc).__name__}: {exc})")
        return None
    finally:
        _charge(began)
        image.close()


class ImageReader:
    """The image :class:`~parlens.ingest.readers.Reader` (PNG, JPEG, TIFF): one page, read by OCR.

    >>> ImageReader().kind, ImageReader().error_codes
    ('image', ('PARLENS-E002', 'PARLENS-E004'))
    """

    kind = "image"
    media_type = "image/*"
    error_codes = ("PARLENS-E002", "PARLENS-E004")  # damaged image; too many pixels

    def read(self, data: bytes, name: str, settings: Settings) -> Draft:
        from parlens.ingest.structure import DocumentBuilder
        from parlens.ingest.syllables import text_quality
        from parlens.ingest.text import build_text_blocks

        draft = Draft(builder=DocumentBuilder(), media_type=self.media_type)
        text = ocr_image_bytes(data, name, settings, draft.warnings) or ""
        if text:
            build_text_blocks(draft.builder, text, page=1, detect_legacy=False)
        draft.pages = [PageInfo(number=1, quality=round(text_quality(text), 3), ocr=bool(text), chars=len(text))]
        return draft


register(ImageReader())
