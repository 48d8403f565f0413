"""PDFium is not thread-safe: concurrent reads of distinct PDFs all succeed and leave the reader working."""

from __future__ import annotations

import io
import threading

from parlens.ingest import read_bytes
from parlens.settings import REPO_ROOT

SAMPLE_PDF = REPO_ROOT / "corpora" / "samples" / "kh_cchc_2026_nghean.pdf"


def _plan_pdf(number: int) -> bytes:
    """A distinct 3-page text PDF (reportlab), so no two threads read the same bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for page in range(3):
        sheet.drawString(72, 770, f"KE HOACH so {number}/KH-UBND, trang {page + 1}")
        for line in range(18):
            sheet.drawString(72, 720 - 22 * line, f"{line + 1}. So Noi vu chu tri thuc hien nhiem vu {number}-{page}-{line}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def test_four_threads_reading_distinct_pdfs_never_fail_and_a_sample_reads_afterwards() -> None:
    pdfs = [_plan_pdf(n) for n in range(24)]
    failures: list[str] = []
    pages_read: list[int] = []

    def read_many(thread: int) -> None:
        for n in range(60):  # before the lock: 'Failed to load page' after a few hundred reads, or an abort
            try:
                doc = read_bytes(pdfs[(n * 5 + thread) % len(pdfs)], f"ke-hoach-{thread}-{n}.pdf")
                pages_read.append(len(doc.pages))
            except Exception as exc:  # any failure here is the bug
                failures.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=read_many, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures, failures[:3]
    assert len(pages_read) == 240 and set(pages_read) == {3}
    sample = read_bytes(SAMPLE_PDF.read_bytes(), SAMPLE_PDF.name)
    assert sample.metadata.doc_type == "Kế hoạch" and sample.text.strip()
