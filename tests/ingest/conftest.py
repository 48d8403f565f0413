"""Test documents written here (reportlab PDFs, python-docx DOCX), never copied from elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER_LEFT = ["UBND TỈNH THANH HÓA", "VĂN PHÒNG"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
NUMBER = "Số: 1234/KH-UBND"
DATE_LINE = "Thanh Hóa, ngày 15 tháng 9 năm 2021"
BODY = [
    "Thực hiện chương trình cải cách hành chính của tỉnh, Văn phòng xây dựng kế hoạch với các nội dung sau đây "
    "nhằm nâng cao hiệu quả phục vụ người dân và doanh nghiệp trên địa bàn.",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Nâng cao chất lượng giải quyết thủ tục hành chính tại bộ phận một cửa các cấp.",
    "a) Rà soát quy trình nội bộ giải quyết thủ tục hành chính;",
    "- Công khai kết quả đánh giá trên cổng thông tin điện tử của tỉnh.",
    "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    "2. Sở Nội vụ chủ trì, phối hợp với các sở, ngành theo dõi Chỉ số cải cách hành chính, báo cáo kết quả "
    "trước ngày 15 tháng 12 năm 2026.",
]


def _pdf_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "VNB" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("VN", FONT))
        pdfmetrics.registerFont(TTFont("VNB", FONT_BOLD))


def make_official_pdf(*, filler_pages: int = 2, encrypt: str | None = None) -> bytes:
    """A Kế hoạch laid out like Nghị định 30: two-column header, title, body, ruled table, signature."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _pdf_fonts()
    body = ParagraphStyle("body", fontName="VN", fontSize=11, leading=15, firstLineIndent=24, spaceAfter=4)
    center = ParagraphStyle("center", parent=body, alignment=TA_CENTER, firstLineIndent=0)
    bold_center = ParagraphStyle("bc", parent=center, fontName="VNB")
    small = ParagraphStyle("small", parent=body, fontSize=9, firstLineIndent=0, leading=11)

    def header_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("VN", 8)
        canvas.drawString(60, A4[1] - 30, "Kế hoạch cải cách hành chính - Văn phòng UBND tỉnh")
        canvas.drawCentredString(A4[0] / 2, 25, str(doc.page))
        canvas.restoreState()

    story = []
    head = Table(
        [[Paragraph(HEADER_LEFT[0], bold_center), Paragraph(HEADER_RIGHT[0], bold_center)],
         [Paragraph(HEADER_LEFT[1], bold_center), Paragraph(HEADER_RIGHT[1], bold_center)],
         [Paragraph(NUMBER, center), Paragraph(f"<i>{DATE_LINE}</i>", center)]],
        colWidths=[180, 300],
    )
    story += [head, Spacer(1, 18), Paragraph("KẾ HOẠCH", bold_center),
              Paragraph("Cải cách hành chính năm 2026", bold_center), Spacer(1, 12)]
    for text in BODY:
        story.append(Paragraph(text, body))
    table = Table(
        [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian"],
         ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Quý II/2026"],
         ["2", "Số hóa hồ sơ một cửa", "Sở Khoa học và Công nghệ", ""],
         ["3", "Khảo sát sự hài lòng", "Sở Nội vụ", "Tháng 10/2026"]],
        colWidths=[30, 200, 150, 90],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "VN", 9),
                               ("SPAN", (3, 1), (3, 2))]))
    story += [Spacer(1, 8), table]
    for page in range(filler_pages):
        story.append(PageBreak())
        for k in range(6):
            story.append(Paragraph(f"{k + 1}. Các cơ quan, đơn vị tiếp tục triển khai nhiệm vụ số {page * 10 + k} về cải cách "
                                   "thủ tục hành chính, bảo đảm công khai, minh bạch và đúng thời hạn quy định.", body))
    sign = Table(
        [[Paragraph("<b>Nơi nhận:</b>", small), Paragraph("KT. CHỦ TỊCH", bold_center)],
         [Paragraph("- Sở Nội vụ;<br/>- Sở Tư pháp;<br/>- Lưu: VT.", small), Paragraph("PHÓ CHỦ TỊCH", bold_center)],
         ["", Paragraph("Lê Văn Minh", bold_center)]],
        colWidths=[200, 280],
    )
    story += [Spacer(1, 16), sign]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=60, rightMargin=50, topMargin=50, bottomMargin=50,
                            encrypt=encrypt)
    doc.build(story, onFirstPage=header_footer, onLaterPages=header_footer)
    return buf.getvalue()


def make_official_docx() -> bytes:
    """A Công văn-like DOCX: header as a borderless table, numbered list, merged-cell table, header/footer."""
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "VĂN PHÒNG UBND TỈNH THANH HÓA"
    d.sections[0].footer.paragraphs[0].text = "Trang 1"
    head = d.add_table(rows=3, cols=2)
    cells = [("UBND TỈNH THANH HÓA\nVĂN PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
             ("Số: 45/VP-KSTTHC", "Thanh Hóa, ngày 05/3/2025"),
             ("V/v triển khai Chỉ số cải cách hành chính", "")]
    for r, (left, right) in enumerate(cells):
        for c, value in enumerate((left, right)):
            cell = head.cell(r, c)
            lines = value.split("\n")
            cell.paragraphs[0].text = lines[0]
            for extra in lines[1:]:
                cell.add_paragraph(extra)
    d.add_paragraph("Kính gửi: Các sở, ban, ngành cấp tỉnh")
    d.add_paragraph("Văn phòng đề nghị các cơ quan thực hiện các nội dung sau:")
    d.add_paragraph("Rà soát thủ tục hành chính thuộc thẩm quyền.", style="List Number")
    d.add_paragraph("Công khai kết quả giải quyết hồ sơ.", style="List Number")
    d.add_paragraph("Báo cáo Sở Nội vụ trước ngày 20 hằng tháng.", style="List Bullet")
    d.add_paragraph("a) Nội dung báo cáo theo mẫu.")
    t = d.add_table(rows=3, cols=3)
    t.style = "Table Grid"
    data = [["STT", "Nhiệm vụ", "Thời gian"], ["1", "Rà soát quy trình", "Quý I"], ["2", "Số hóa hồ sơ", ""]]
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    t.cell(1, 2).merge(t.cell(2, 2))  # vertical merge: "Quý I" covers two rows
    wide = d.add_table(rows=2, cols=3)
    wide.style = "Table Grid"
    wide.cell(0, 0).merge(wide.cell(0, 2)).text = "Phụ lục nhiệm vụ"
    for c, value in enumerate(["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính"]):
        wide.cell(1, c).text = value
    sign = d.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:"
    for line in ["- Như trên;", "- Chủ tịch UBND tỉnh;", "- Lưu: VT."]:
        sign.cell(0, 0).add_paragraph(line)
    sign.cell(0, 1).text = "CHÁNH VĂN PHÒNG"
    sign.cell(0, 1).add_paragraph("Nguyễn Thị Hoa")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def official_pdf() -> bytes:
    return make_official_pdf()


@pytest.fixture(scope="session")
def official_docx() -> bytes:
    return make_official_docx()


def legacy_encode(text: str, encoding: str) -> str:
    """Encode Unicode text into TCVN3 or VNI surface characters with the reverse of viparse's table."""
    import unicodedata

    from viparse.normalize.encodings import get_charmap

    reverse: dict[str, str] = {}
    for legacy, uni in get_charmap(encoding).pairs:
        reverse.setdefault(unicodedata.normalize("NFC", uni), legacy)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in reverse:
            out.append(reverse[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            raise ValueError(f"{ch!r} has no {encoding} form")
    return "".join(out)


@pytest.fixture()
def write(tmp_path: Path):
    """Write bytes to a file under tmp_path and return its path."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write
