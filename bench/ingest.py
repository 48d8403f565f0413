"""Ingest throughput: text PDF pages/s, DOCX documents/s, OCR pages/s, peak memory.

Generates its inputs (or takes --pdf/--docx files), reads them through ``parlens.ingest.read_document``
and, when ``parlens.store`` is importable, also stores them in a temporary store (end to end).

    .venv/bin/python bench/ingest.py --pages 60 --docx 100 --ocr-pages 2
    .venv/bin/python bench/ingest.py --agree DOCX_DIR PDF_DIR   # same documents in two formats, read alike?
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PARAGRAPH = ("{n}. Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các xã, phường rà soát, "
             "đơn giản hóa thủ tục hành chính, công khai kết quả giải quyết hồ sơ trên Cổng dịch vụ công, "
             "báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2026.")


def make_pdf(pages: int, table_share: float = 0.25) -> bytes:
    """A text PDF of ``pages`` pages: numbered paragraphs, then an annex of ruled tables (``table_share``)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("VN", FONT))
    style = ParagraphStyle("b", fontName="VN", fontSize=12, leading=17, firstLineIndent=24, spaceAfter=4)
    story = []
    annex_from = pages - max(1, int(pages * table_share))
    for p in range(pages):
        if p < annex_from:
            for k in range(9):
                story.append(Paragraph(PARAGRAPH.format(n=p * 9 + k + 1), style))
        else:  # Phụ lục: one ruled task table per page
            rows = [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]]
            rows += [[str(k + 1), Paragraph("Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền", style),
                      "Sở Nội vụ", "Quý II/2026"] for k in range(12)]
            t = Table(rows, colWidths=[30, 250, 110, 70])
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "VN", 10)]))
            story.append(t)
        story.append(PageBreak())

    def number(canvas, doc):
        canvas.setFont("VN", 9)
        canvas.drawCentredString(A4[0] / 2, 20, str(doc.page))

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story, onFirstPage=number, onLaterPages=number)
    return buf.getvalue()


def make_docx(i: int) -> bytes:
    """A two-page-ish DOCX: header table, numbered paragraphs, a task table."""
    import docx

    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text, head.cell(0, 1).text = "UBND TỈNH THANH HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(1, 0).text, head.cell(1, 1).text = f"Số: {i + 1}/KH-UBND", "Thanh Hóa, ngày 15 tháng 9 năm 2026"
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Cải cách hành chính năm 2026")
    for k in range(12):
        d.add_paragraph(PARAGRAPH.format(n=k + 1))
    t = d.add_table(rows=6, cols=4)
    t.style = "Table Grid"
    for r in range(6):
        for c, v in enumerate([str(r), "Rà soát thủ tục hành chính", "Sở Tư pháp", "Quý II/2026"]):
            t.cell(r, c).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_scan(pages: int) -> bytes:
    """An image-only PDF (no text layer) of ``pages`` A4 pages of printed text."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = ImageFont.truetype(FONT, 30)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for p in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for line in range(40):
            draw.text((120, 120 + line * 52), f"{line + 1}. Sở Nội vụ chủ trì rà soát thủ tục hành chính năm 2026.", font=font, fill=0)
        c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return buf.getvalue()


def _store():
    try:
        from parlens.settings import Settings
        from parlens.store import open_store
    except ImportError:
        return None, None
    tmp = tempfile.mkdtemp(prefix="parlens-bench-")
    return open_store(Settings(data_dir=tmp)), tmp


def _timed(label: str, unit: str, count: int, paths: list[Path], store) -> None:
    from parlens.ingest import read_document

    start = time.perf_counter()
    for path in paths:
        doc = read_document(path)
        if store is not None:
            store.add_document(doc, path.read_bytes())
    elapsed = time.perf_counter() - start
    where = "read+store" if store is not None else "read"
    print(f"{label:10s} {count:5d} {unit:6s} in {elapsed:6.2f} s  -> {count / elapsed:7.1f} {unit}/s ({where})")


def agreement(docx_dir: Path, pdf_dir: Path) -> None:
    """Block, table-row and cell agreement between the DOCX and PDF forms of the same documents (by stem).

    Paragraph blocks and table rows are aligned in order (difflib); a block or row agrees when its
    whitespace-normalised text is identical. Prints the agreeing share per document and in total.
    """
    import difflib

    from parlens.ingest import read_document

    def norm(s: str) -> str:
        return " ".join(s.split())

    totals = [0, 0, 0, 0, 0, 0]
    for docx_path in sorted(docx_dir.glob("*.docx")):
        pdf_path = pdf_dir / f"{docx_path.stem}.pdf"
        if not pdf_path.exists():
            continue
        a, b = read_document(docx_path), read_document(pdf_path)
        counts = []
        for pick in (lambda d: [norm(x.text) for x in d.blocks if x.kind != "table"],
                     lambda d: [" | ".join(norm(c.text) for c in r) for x in d.blocks if x.kind == "table" for r in x.rows],
                     lambda d: [norm(c.text) for x in d.blocks if x.kind == "table" for r in x.rows for c in r]):
            xa, xb = pick(a), pick(b)
            same = sum(m.size for m in difflib.SequenceMatcher(None, xa, xb, autojunk=False).get_matching_blocks())
            counts += [same, max(len(xa), len(xb))]
        totals = [t + c for t, c in zip(totals, counts)]
        print(f"{docx_path.stem[:40]:40}  blocks {counts[0]}/{counts[1]}  rows {counts[2]}/{counts[3]}  cells {counts[4]}/{counts[5]}")
    shares = [totals[k] / totals[k + 1] if totals[k + 1] else 1.0 for k in (0, 2, 4)]
    print(f"{'TOTAL':40}  blocks {shares[0]:.3f}  rows {shares[1]:.3f}  cells {shares[2]:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=60, help="pages of the generated text PDF")
    ap.add_argument("--docx", type=int, default=100, help="number of generated DOCX files")
    ap.add_argument("--ocr-pages", type=int, default=2, help="pages of the generated scan (0 = skip OCR)")
    ap.add_argument("--table-share", type=float, default=0.25, help="share of generated pages that hold a ruled table")
    ap.add_argument("--pdf-file", type=Path, help="use this PDF instead of a generated one")
    ap.add_argument("--no-store", action="store_true", help="read only, do not store")
    ap.add_argument("--agree", nargs=2, type=Path, metavar=("DOCX_DIR", "PDF_DIR"),
                    help="only compare how the DOCX and PDF forms of the same documents read")
    args = ap.parse_args(argv)
    if args.agree:
        agreement(*args.agree)
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    work = Path(tempfile.mkdtemp(prefix="parlens-bench-in-"))
    pdf_path = args.pdf_file or work / "plan.pdf"
    if not args.pdf_file:
        pdf_path.write_bytes(make_pdf(args.pages, args.table_share))
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        n_pages = len(pdf.pages)
    docx_paths = []
    for i in range(args.docx):
        p = work / f"doc-{i}.docx"
        p.write_bytes(make_docx(i))
        docx_paths.append(p)

    store, _ = (None, None) if args.no_store else _store()
    from parlens.ingest import read_document

    read_document(docx_paths[0] if docx_paths else pdf_path)  # warm imports and data files
    _timed("text PDF", "pages", n_pages, [pdf_path], store)
    if docx_paths:
        _timed("DOCX", "docs", len(docx_paths), docx_paths, store)
    if args.ocr_pages:
        from parlens.ingest.ocr import tesseract_available

        if tesseract_available():
            scan = work / "scan.pdf"
            scan.write_bytes(make_scan(args.ocr_pages))
            _timed("OCR PDF", "pages", args.ocr_pages, [scan], None)
        else:
            print("OCR        skipped: tesseract not installed")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()  # separate pass: tracing slows reading down, so it is not timed
    read_document(pdf_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory reading the {n_pages}-page PDF: {peak / 2**20:.1f} MiB; max RSS of the run {rss:.0f} MiB")
    if store is not None:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
