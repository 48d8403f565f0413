"""PDF reader: reading order, headings/lists, ruled tables, running headers, metadata, OCR, bad PDFs."""

from __future__ import annotations

import io
from datetime import date

import pytest

from parlens.errors import ParlensError
from parlens.ingest import ocr, read_bytes, read_document
from parlens.settings import Settings

from .conftest import FONT, make_official_pdf


@pytest.fixture(scope="module")
def doc(official_pdf):
    return read_bytes(official_pdf, "ke-hoach.pdf")


def test_offsets_hold_for_every_block_and_cell(doc):
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for row in b.rows or []:
            for cell in row:
                assert doc.text[cell.start:cell.end] == cell.text


def test_header_columns_read_left_then_right(doc):
    texts = [b.text for b in doc.blocks[:6]]
    assert texts == ["UBND TỈNH THANH HÓA", "VĂN PHÒNG", "Số: 1234/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Thanh Hóa, ngày 15 tháng 9 năm 2021"]


def test_headings_and_list_items(doc):
    by_text = {b.text[:12]: b for b in doc.blocks}
    assert (by_text["I. MỤC ĐÍCH,"].kind, by_text["I. MỤC ĐÍCH,"].numbering) == ("heading", "I.")
    assert (by_text["a) Rà soát q"].kind, by_text["a) Rà soát q"].level) == ("list_item", 4)
    assert by_text["- Công khai "].numbering == "-"
    wrapped = next(b for b in doc.blocks if b.text.startswith("2. Sở Nội vụ"))
    assert wrapped.text.endswith("trước ngày 15 tháng 12 năm 2026.")  # two printed lines, one block


def test_ruled_table_with_merged_cell(doc):
    table = next(b for b in doc.blocks if b.kind == "table")
    assert [c.text for c in table.rows[0]] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]
    merged = table.rows[1][3]
    assert merged.text == "Quý II/2026" and table.rows[2][3] is merged and merged.row_span == 2
    assert table.rows[3][2].text == "Sở Nội vụ"


def test_running_header_and_page_numbers_dropped(doc):
    assert doc.headers == ["Kế hoạch cải cách hành chính - Văn phòng UBND tỉnh"]
    assert "Văn phòng UBND tỉnh\n" not in doc.text
    assert not any(b.text.strip().isdigit() for b in doc.blocks)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert all(p.quality > 0.9 and not p.ocr for p in doc.pages)
    assert {b.page for b in doc.blocks} == {1, 2, 3}


def test_metadata_from_pdf(doc):
    m = doc.metadata
    assert (m.issuer, m.issuer_parent, m.number, m.doc_type, m.issuer_code) == (
        "VĂN PHÒNG", "UBND TỈNH THANH HÓA", "1234/KH-UBND", "Kế hoạch", "UBND")
    assert (m.place, m.issued_on, m.title) == ("Thanh Hóa", date(2021, 9, 15), "Kế hoạch Cải cách hành chính năm 2026")
    assert (m.signer, m.signer_title, m.recipients) == ("Lê Văn Minh", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", ["Sở Nội vụ", "Sở Tư pháp"])
    assert m.province == "Thanh Hóa"
    assert doc.media_type == "application/pdf"


def test_encrypted_pdf_e005():
    with pytest.raises(ParlensError) as err:
        read_bytes(make_official_pdf(filler_pages=0, encrypt="mat-khau"), "locked.pdf")
    assert err.value.code == "PARLENS-E005"


def test_truncated_pdf_e003(official_pdf):
    with pytest.raises(ParlensError) as err:
        read_bytes(official_pdf[: len(official_pdf) // 2], "cut.pdf")
    assert err.value.code == "PARLENS-E003"


def test_corrupt_pdf_e003():
    with pytest.raises(ParlensError) as err:
        read_bytes(b"%PDF-1.4\n garbage garbage \n%%EOF\n", "bad.pdf")
    assert err.value.code == "PARLENS-E003"


def _scanned_pdf(lines: list[str]) -> bytes:
    """A PDF whose only page is a picture of text (no text layer), like a scan."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1240, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * 90), line, font=font, fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.drawImage(ImageReader(image), 20, 250, width=A5[0] - 40, height=(A5[0] - 40) * 600 / 1240)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(not ocr.tesseract_available(), reason="tesseract not installed")
def test_scanned_page_is_ocred(tmp_path):
    data = _scanned_pdf(["KẾ HOẠCH", "Cải cách hành chính năm 2026", "Sở Nội vụ chủ trì thực hiện"])
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    doc = read_document(path, settings=Settings(ocr_dpi=200))
    assert doc.pages[0].ocr and doc.pages[0].quality > 0.6
    assert "Cải cách hành chính" in doc.text and "Sở Nội vụ" in doc.text
    assert doc.metadata.doc_type == "Kế hoạch"


def test_scan_without_tesseract_is_flagged_not_silent(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    data = _scanned_pdf(["KẾ HOẠCH"])
    with pytest.raises(ParlensError) as err:
        read_bytes(data, "scan.pdf")
    assert err.value.code == "PARLENS-E009" and "tesseract is not installed" in str(err.value)


def _text_then_blank_pdf() -> bytes:
    """Page 1 has a text layer; page 2 only a white picture (a scan of nothing)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from .conftest import _pdf_fonts

    _pdf_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.setFont("VN", 12)
    c.drawString(40, 500, "Sở Nội vụ chủ trì triển khai kế hoạch cải cách hành chính.")
    c.showPage()
    c.drawImage(ImageReader(Image.new("L", (200, 100), 255)), 40, 300, width=200, height=100)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_mixed_pdf_keeps_text_pages_and_warns_for_the_scan(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    doc = read_bytes(_text_then_blank_pdf(), "mixed.pdf")
    assert doc.text == "Sở Nội vụ chủ trì triển khai kế hoạch cải cách hành chính."
    assert [(p.number, p.ocr, p.quality) for p in doc.pages] == [(1, False, 1.0), (2, False, 0.0)]
    assert any(w.startswith("PARLENS-W001 page 2:") and "tesseract" in w for w in doc.warnings)
    assert doc.warnings[-1] == "PARLENS-W003 page 2: no readable text"


def test_pages_beyond_the_ocr_limit_warn_w001(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    doc = read_bytes(_text_then_blank_pdf(), "mixed.pdf", settings=Settings(ocr_enabled=True, ocr_max_pages=0))
    assert doc.warnings == ["PARLENS-W001 page 2: no text layer; not OCRed, the document already had 0 pages OCRed "
                            "(PARLENS_OCR_MAX_PAGES)", "PARLENS-W003 page 2: no readable text"]


def test_failed_ocr_warns_w002(monkeypatch):
    def broken(image, settings):
        raise RuntimeError("tesseract timed out")

    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_image", broken)
    doc = read_bytes(_text_then_blank_pdf(), "mixed.pdf", settings=Settings(ocr_enabled=True, ocr_dpi=72))
    assert doc.warnings[0] == "PARLENS-W002 page 2: OCR failed (RuntimeError: tesseract timed out)"


def test_progress_reports_every_page_in_order(official_pdf):
    from parlens.ingest import progress

    seen: list[tuple[str, int, int]] = []
    with progress.reporting(lambda stage, done, total: seen.append((stage, done, total))):
        doc = read_bytes(official_pdf, "ke-hoach.pdf")
    assert len(doc.pages) >= 3
    assert seen == [("read", p.number, len(doc.pages)) for p in doc.pages]


def test_progress_says_ocr_just_before_a_page_is_ocred(monkeypatch):
    from parlens.ingest import progress

    seen: list[tuple[str, int, int]] = []

    def fake_tesseract(image, settings):
        seen.append(("tesseract", 0, 0))
        return "Phòng Nội vụ theo dõi, tổng hợp kết quả thực hiện."

    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_image", fake_tesseract)
    with progress.reporting(lambda stage, done, total: seen.append((stage, done, total))):
        doc = read_bytes(_text_then_blank_pdf(), "mixed.pdf", settings=Settings(ocr_enabled=True, ocr_dpi=72))
    assert seen == [("read", 1, 2), ("ocr", 2, 2), ("tesseract", 0, 0)]
    assert doc.pages[1].ocr and "Phòng Nội vụ theo dõi" in doc.text

    seen.clear()
    with progress.reporting(lambda stage, done, total: seen.append((stage, done, total))):
        read_bytes(_text_then_blank_pdf(), "mixed.pdf", settings=Settings(ocr_enabled=False))
    assert seen == [("read", 1, 2), ("read", 2, 2)]  # a page that is not OCRed is only read


def test_tcvn3_text_layer_converted_by_content():
    from reportlab.pdfgen import canvas

    from .conftest import _pdf_fonts, legacy_encode

    _pdf_fonts()
    line = "các sở, ban, ngành rà soát thủ tục hành chính và báo cáo kết quả"
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("VN", 11)
    c.drawString(60, 700, legacy_encode(line, "tcvn3"))
    c.showPage()
    c.save()
    doc = read_bytes(buf.getvalue(), "legacy.pdf")
    assert doc.text == line
    assert doc.pages[0].quality == 1.0


def test_hanging_indent_items_and_paragraph_across_page_break():
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from .conftest import _pdf_fonts

    _pdf_fonts()
    item = ParagraphStyle("i", fontName="VN", fontSize=9, leading=12, leftIndent=14, spaceAfter=3)
    body = ParagraphStyle("b", fontName="VN", fontSize=9, leading=12, firstLineIndent=14, spaceAfter=3)
    bullets = [f"- Chỉ tiêu {k}: tỷ lệ hồ sơ giải quyết đúng hạn của các cơ quan chuyên môn đạt trên 9{k}%." for k in range(3)]
    story = [Paragraph(b, item) for b in bullets]
    story += [Paragraph("Các cơ quan, đơn vị rà soát thủ tục hành chính thuộc thẩm quyền " * 6 + "đúng quy định.", body)
              for _ in range(4)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A6, leftMargin=20, rightMargin=20, topMargin=20, bottomMargin=20).build(story)
    doc = read_bytes(buf.getvalue(), "a6.pdf")
    assert [b.text for b in doc.blocks[:3]] == bullets
    assert all(b.kind == "list_item" and b.numbering == "-" for b in doc.blocks[:3])
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    assert len(doc.pages) > 1 and len(paragraphs) == 4
    assert all(p.text.endswith("đúng quy định.") for p in paragraphs)


def test_table_continued_over_pages_is_one_table():
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A6
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from .conftest import _pdf_fonts

    _pdf_fonts()
    rows = [["STT", "Nhiệm vụ", "Chủ trì"]] + [[str(k), f"Nhiệm vụ số {k}", "Sở Nội vụ"] for k in range(1, 71)]
    table = Table(rows, colWidths=[30, 120, 90])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "VN", 8)]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A6, topMargin=20, bottomMargin=20).build([table])
    doc = read_bytes(buf.getvalue(), "annex.pdf")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(doc.pages) >= 3 and len(tables) == 1
    assert [r[0].text for r in tables[0].rows] == [r[0] for r in rows]


def _signature_pdf(*, break_after: int) -> bytes:
    """A plan whose 'Nơi nhận' list (left) and signing column (right, set tight beside it) run over a page break."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .conftest import _pdf_fonts

    _pdf_fonts()
    left = ["Nơi nhận: - Bộ Nội vụ; - Thường trực", "Tỉnh ủy; - Thường trực HĐND tỉnh; - Các", "sở, ban, ngành;",
            "- UBND các xã, phường; - Lưu: VT, NC."]
    right = ["TM. ỦY BAN", "NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ", "TỊCH Lê Văn Tâm"]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("VN", 12)
    y = 780
    for k in range(40 - 3 * break_after):
        c.drawString(60, y, f"Dòng {k + 1} của phần nội dung kế hoạch cải cách hành chính năm 2026.")
        y -= 17
    rows = max(len(left), len(right))
    for k in range(rows):
        if k == break_after:
            c.showPage()
            c.setFont("VN", 12)
            y = 780
        if k < len(left):
            c.drawString(60, y, left[k])
        if k < len(right):
            c.drawString(60 + max(c.stringWidth(t, "VN", 12) for t in left) + 9, y, right[k])  # a 9 pt gap only
        y -= 17
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("break_after", [1, 3, 99])
def test_signature_band_beside_recipients_even_over_a_page_break(break_after):
    doc = read_bytes(_signature_pdf(break_after=break_after), "sig.pdf")
    meta = doc.metadata
    assert meta.signer == "Lê Văn Tâm"
    assert meta.signer_title == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert meta.recipients == ["Bộ Nội vụ", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "Các sở, ban, ngành",
                               "UBND các xã, phường"]


def _narrow_cell_table_pdf(*pages: list[list[list[str]]]) -> bytes:
    """Ruled tables drawn line by line, one per page: each cell is a list of the lines printed in it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .conftest import _pdf_fonts

    _pdf_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for number, cells in enumerate(pages):
        c.setFont("VN", 11)
        if number == 0:
            c.drawString(60, 780, "Phụ lục: phân công nhiệm vụ cải cách hành chính năm 2026.")
        xs = [60, 84, 300, 420]
        y = 760
        for row in cells:
            height = 14 * max(len(cell) for cell in row) + 6
            for k, cell in enumerate(row):
                for n, line in enumerate(cell):
                    c.drawString(xs[k] + 3, y - 14 * (n + 1), line)
            c.line(xs[0], y, xs[-1], y)
            for x in xs:
                c.line(x, y, x, y - height)
            y -= height
        c.line(xs[0], y, xs[-1], y)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_words_wrapped_inside_narrow_cells_are_rejoined():
    cells = [
        [["S", "T", "T"], ["Nhiệm vụ"], ["Cơ quan chủ", "trì"]],
        [["V", "II"], ["Cải cách thủ tục hành chính"], [""]],
        [["1.", "1"], ["Rà soát quy trình nội bộ"], ["UBND", "tỉnh"]],
        [["2"], ["Số hóa hồ sơ, kết quả giải", "quyết thủ tục hành chính"], ["Sở Tư", "pháp"]],
    ]
    doc = read_bytes(_narrow_cell_table_pdf(cells), "narrow.pdf")
    table = next(b for b in doc.blocks if b.kind == "table")
    got = [[cell.text for cell in row] for row in table.rows]
    assert got == [
        ["STT", "Nhiệm vụ", "Cơ quan chủ trì"],
        ["VII", "Cải cách thủ tục hành chính", ""],
        ["1.1", "Rà soát quy trình nội bộ", "UBND tỉnh"],
        ["2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Sở Tư pháp"],
    ]


def test_cell_lines_rebuilt_from_characters_when_the_break_reads_as_a_space():
    from parlens.ingest.pdf import _lines_in_box, join_cell_lines

    # '1.' on one line, '1' on the next; the text layer gives '1. 1' (a space generated at the line end)
    chars = [(91.7, 106.0, 96.5, 115.6, "1"), (99.6, 114.0, 101.3, 115.6, "."), (102.5, 115.6, 102.5, 115.6, " "),
             (91.7, 121.0, 96.5, 130.6, "1"), (200.0, 106.0, 205.0, 115.6, "x")]
    lines = _lines_in_box(chars, (84.6, 103.0, 108.1, 140.0))
    assert lines == [["1."], ["1"]]
    assert join_cell_lines(lines) == "1.1"


def test_header_row_repeated_on_each_page_is_dropped():
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from .conftest import _pdf_fonts

    _pdf_fonts()
    style = ParagraphStyle("c", fontName="VN", fontSize=8, leading=10)
    long_task = "Rà soát, đơn giản hóa thủ tục hành chính " * 14 + "xong trong quý IV."
    rows = [["STT", "Nhiệm vụ", "Chủ trì"]] + [[str(k), Paragraph(f"Nhiệm vụ số {k}", style), "Sở Nội vụ"] for k in range(1, 9)]
    rows.append(["9", Paragraph(long_task, style), "Sở Tư pháp"])
    rows += [[str(k), Paragraph(f"Nhiệm vụ số {k}", style), "Sở Nội vụ"] for k in range(10, 30)]
    table = Table(rows, colWidths=[30, 140, 70], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "VN", 8)]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A6, topMargin=20, bottomMargin=20).build([table])
    doc = read_bytes(buf.getvalue(), "annex.pdf")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(doc.pages) >= 2 and len(tables) == 1
    first = [r[0].text for r in tables[0].rows]
    assert first == ["STT"] + [str(k) for k in range(1, 30)]
    nine = tables[0].rows[9]
    assert " ".join(nine[1].text.split()) == " ".join(long_task.split())


def _page_of_lines(pages: list[list[tuple[str, bool, float]]]) -> bytes:
    """Pages of left-aligned lines: (text, justified to the full measure?, space above in points)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .conftest import _pdf_fonts

    _pdf_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in pages:
        c.setFont("VN", 11)
        y = 780.0
        for text, justified, space in lines:
            y -= 17 + space
            if not justified:
                c.drawString(72, y, text)
                continue
            words = text.split()
            gap = (430 - sum(c.stringWidth(w, "VN", 11) for w in words)) / (len(words) - 1)
            x = 72.0
            for w in words:
                c.drawString(x, y, w)
                x += c.stringWidth(w, "VN", 11) + gap
        c.showPage()
    c.save()
    return buf.getvalue()


FULL = "Các cơ quan, đơn vị rà soát thủ tục hành chính thuộc thẩm quyền giải quyết"


def test_paragraph_ends_where_the_next_word_would_have_fitted_or_spacing_widens():
    lines = [(FULL, True, 0), (FULL, True, 0), ("và báo cáo kết quả.", False, 0),
             ("2. Hạ tầng số", False, 9), ("Phát triển hạ tầng số nhanh, đồng bộ, hiện đại, an toàn và bền vững tại các", True, 9),
             ("xã.", False, 0),
             ("15. Liên đoàn Lao động tỉnh, Hội Nông dân tỉnh, Liên minh Hợp tác xã tỉnh", True, 9),
             ("Xây dựng kế hoạch hành động của ngành và tổ chức thực hiện.", False, 9)]
    doc = read_bytes(_page_of_lines([lines]), "p.pdf")
    assert [b.text for b in doc.blocks] == [
        f"{FULL} {FULL} và báo cáo kết quả.", "2. Hạ tầng số",
        "Phát triển hạ tầng số nhanh, đồng bộ, hiện đại, an toàn và bền vững tại các xã.",
        "15. Liên đoàn Lao động tỉnh, Hội Nông dân tỉnh, Liên minh Hợp tác xã tỉnh",
        "Xây dựng kế hoạch hành động của ngành và tổ chức thực hiện."]


def test_wrapped_dash_and_title_lines_stay_in_their_paragraph():
    lines = [("PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ TRÊN ĐỊA BÀN TỈNH HÀ NAM GIAI", True, 0),
             ("ĐOẠN 2026 - 2030", False, 0),
             ("Kết nối dữ liệu giáo dục liên thông, thống nhất từ gia đình, học sinh, giáo viên", True, 9),
             ("- nhà trường đến cơ quan quản lý.", False, 0),
             ("- Công khai kết quả trên cổng thông tin điện tử của tỉnh.", False, 0)]
    doc = read_bytes(_page_of_lines([lines]), "p.pdf")
    assert [b.text for b in doc.blocks] == [
        "PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ TRÊN ĐỊA BÀN TỈNH HÀ NAM GIAI ĐOẠN 2026 - 2030",
        "Kết nối dữ liệu giáo dục liên thông, thống nhất từ gia đình, học sinh, giáo viên - nhà trường đến cơ quan quản lý.",
        "- Công khai kết quả trên cổng thông tin điện tử của tỉnh."]


def test_paragraph_cut_by_a_page_break_before_a_capital_is_joined():
    page1 = [(FULL, True, 0)] * 3 + [("Đoàn thanh niên tham gia mạng lưới hỗ trợ chuyển đổi số do Sở Khoa học và", True, 0)]
    page2 = [("Công nghệ điều phối.", False, 0), ("Thực hiện chế độ báo cáo định kỳ theo quy định hiện hành.", False, 9)]
    doc = read_bytes(_page_of_lines([page1, page2]), "p.pdf")
    texts = [b.text for b in doc.blocks]
    assert texts[-2].endswith("do Sở Khoa học và Công nghệ điều phối.")
    assert texts[-1] == "Thực hiện chế độ báo cáo định kỳ theo quy định hiện hành."
    assert len(texts) == 2


def test_row_cut_by_a_page_break_under_a_repeated_header_is_one_row():
    header = [["TT"], ["Nhiệm vụ"], ["Chủ trì"]]
    page1 = [header, [["1"], ["Rà soát thủ tục hành chính"], ["Sở Tư pháp"]],
             [["2"], ["Số hóa hồ sơ, kết quả giải quyết", "thủ tục hành chính tại bộ phận"], ["Văn phòng", "UBND tỉnh"]]]
    page2 = [header, [[""], ["một cửa các cấp"], [""]], [["3"], ["Khảo sát mức độ hài lòng"], ["Sở Nội vụ"]]]
    doc = read_bytes(_narrow_cell_table_pdf(page1, page2), "annex.pdf")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert [[cell.text for cell in row] for row in tables[0].rows] == [
        ["TT", "Nhiệm vụ", "Chủ trì"],
        ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp"],
        ["2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận một cửa các cấp", "Văn phòng UBND tỉnh"],
        ["3", "Khảo sát mức độ hài lòng", "Sở Nội vụ"],
    ]


def test_hyphen_attached_at_a_line_end_joins_tight():
    lines = [("Thực hiện Kế hoạch số 469-KH/TU của Tỉnh ủy và Kế hoạch số 15/KH-", True, 0),
             ("UBND của Ủy ban nhân dân tỉnh về phát triển kinh tế - xã hội.", False, 0)]
    doc = read_bytes(_page_of_lines([lines]), "p.pdf")
    assert [b.text for b in doc.blocks] == [
        "Thực hiện Kế hoạch số 469-KH/TU của Tỉnh ủy và Kế hoạch số 15/KH-UBND của Ủy ban nhân dân tỉnh về phát "
        "triển kinh tế - xã hội."]
