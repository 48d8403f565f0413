"""Metadata from the Nghị định 30 header layout: one golden case per layout, every field checked."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from parlens.ingest import read_bytes
from parlens.ingest.metadata import metadata_from_lines, parse_number

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "metadata_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_header(case):
    meta = metadata_from_lines(case["lines"])
    for field, expected in case["expect"].items():
        got = getattr(meta, field)
        if isinstance(expected, date):
            assert got == expected, field
        else:
            assert got == expected, f"{field}: {got!r}"


@pytest.mark.parametrize(
    ("number", "doc_type", "code"),
    [("1234/KH-UBND", "Kế hoạch", "UBND"), ("05/2021/QĐ-UBND", "Quyết định", "UBND"), ("12/CT-UBND", "Chỉ thị", "UBND"),
     ("45/UBND-KSTTHC", "Công văn", "UBND"), ("7/TTr-SNV", "Tờ trình", "SNV"), ("1707-CV/TU", "Công văn", "TU"),
     ("30/TB-VP", "Thông báo", "VP"), ("3/HD-SNV", "Hướng dẫn", "SNV")],
)
def test_number_symbol_gives_type_and_issuer_code(number, doc_type, code):
    assert parse_number(number) == (doc_type, code)


def test_unknown_fields_stay_none():
    meta = metadata_from_lines(["Ghi chép cuộc họp về chuyển đổi số", "Các đơn vị trao đổi kinh nghiệm."])
    assert (meta.number, meta.doc_type, meta.issuer, meta.issued_on, meta.signer, meta.province) == (None,) * 6
    assert meta.recipients == []


def test_cited_dates_in_the_body_are_not_the_issue_date():
    lines = ["UBND TỈNH HÀ TĨNH", "Số: 9/KH-UBND", "KẾ HOẠCH", "Cải cách hành chính",
             "Căn cứ Quyết định số 1/QĐ-UBND, ngày 02 tháng 01 năm 2020 của UBND tỉnh"]
    assert metadata_from_lines(lines).issued_on is None


def test_metadata_from_a_header_table_in_text():
    text = ("UBND TỈNH QUẢNG NINH        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "SỞ NỘI VỤ                    Độc lập - Tự do - Hạnh phúc\n"
            "Số: 77/HD-SNV               Quảng Ninh, ngày 8 tháng 8 năm 2024\n\n"
            "HƯỚNG DẪN\nTự đánh giá Chỉ số cải cách hành chính\n")
    meta = read_bytes(text.encode(), "hd.txt").metadata
    assert (meta.issuer, meta.issuer_parent, meta.doc_type, meta.issued_on) == (
        "SỞ NỘI VỤ", "UBND TỈNH QUẢNG NINH", "Hướng dẫn", date(2024, 8, 8))
    assert meta.title == "Hướng dẫn Tự đánh giá Chỉ số cải cách hành chính"
    assert meta.province == "Quảng Ninh"


# ---------------------------------------------------------------- headers whose lines wrap in narrow columns

LAYOUTS = yaml.safe_load((Path(__file__).parent / "fixtures" / "header_layouts.yaml").read_text("utf-8"))
RULE = "---"


def _pdf(layout: dict, *, tight: bool = False) -> bytes:
    """The layout drawn line by line as a word processor prints it: two centred columns, rules as strokes.

    ``tight`` sets the columns a word's space apart: a reader cannot tell them apart on a line.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    from tests.ingest.conftest import _pdf_fonts

    _pdf_fonts()
    width, height = A4
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    widest = [max(stringWidth(t, "VNB", 11) for t in col if t != RULE) for col in (layout["left"], layout["right"])]
    centres = (150, 150 + widest[0] / 2 + 12 + widest[1] / 2 if tight else 400)
    for column, x in zip((layout["left"], layout["right"]), centres):
        y = height - 60
        for k, line in enumerate(column):
            if line == RULE:
                c.line(x - 30, y + 8, x + 30, y + 8)
            else:
                c.setFont("VNB" if k < 2 else "VN", 11)
                c.drawCentredString(x, y, line)
            y -= 15
    y = height - 60 - 15 * (max(len(layout["left"]), len(layout["right"])) + 1)
    centred = True
    for line in layout["after"]:
        if line == RULE:
            c.line(width / 2 - 40, y + 8, width / 2 + 40, y + 8)
            y -= 8
            continue
        centred = centred and not line.startswith(("Căn cứ", "Thực hiện", "Kính gửi"))
        c.setFont("VNB" if centred else "VN", 11)
        for piece in simpleSplit(line, "VNB" if centred else "VN", 11, width - 140):
            if centred:
                c.drawCentredString(width / 2, y, piece)
            else:
                c.drawString(70, y, piece)
            y -= 15
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx(layout: dict) -> bytes:
    """The header as a borderless two-column table: a paragraph per line, a wrapped date as a line break."""
    import docx

    d = docx.Document()
    table = d.add_table(rows=1, cols=2)
    for cell, column in zip(table.rows[0].cells, (layout["left"], layout["right"])):
        lines = ["-------" if ln == RULE else ln for ln in column]
        if _DATE_START.search(lines[-2]):  # '..., ngày 14 tháng 3' / 'năm 2025': one paragraph, a manual break
            lines = lines[:-2] + [lines[-2] + "\n" + lines[-1]]
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            p = cell.add_paragraph()
            for k, part in enumerate(line.split("\n")):
                if k:
                    p.add_run().add_break()
                p.add_run(part)
    for line in layout["after"]:
        d.add_paragraph("-------" if line == RULE else line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


_DATE_START = re.compile(r",\s*ngày\s")


def _text_columns(layout: dict) -> bytes:
    """The two columns side by side, set apart with spaces."""
    left, right = layout["left"], layout["right"]
    rows = []
    for k in range(max(len(left), len(right))):
        a = left[k] if k < len(left) else ""
        b = right[k] if k < len(right) else ""
        a, b = ("-------" if x == RULE else x for x in (a, b))
        rows.append(f"{a:<44}{b}".rstrip() if a else " " * 44 + b)
    after = ["-------" if ln == RULE else ln for ln in layout["after"]]
    return ("\n".join(rows) + "\n\n" + "\n".join(after) + "\n").encode()


def _text_sequential(layout: dict) -> bytes:
    """The left column, then the right column, then the rest: a header copied out of a table."""
    lines = [*layout["left"], *layout["right"], "", *layout["after"]]
    return ("\n".join("-------" if ln == RULE else ln for ln in lines) + "\n").encode()


RENDERERS = {
    "pdf": (_pdf, "qd.pdf"),
    "pdf-tight": (lambda layout: _pdf(layout, tight=True), "qd.pdf"),
    "docx": (_docx, "qd.docx"),
    "txt-columns": (_text_columns, "qd.txt"),
    "txt-sequential": (_text_sequential, "qd.txt"),
}


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize("layout", LAYOUTS, ids=[c["name"] for c in LAYOUTS])
def test_wrapped_header_reads_the_same_in_every_format(layout, fmt):
    render, name = RENDERERS[fmt]
    meta = read_bytes(render(layout), name).metadata
    for field, expected in layout["expect"].items():
        assert getattr(meta, field) == expected, f"{fmt} {field}: {getattr(meta, field)!r}"


def test_header_in_one_row_of_a_ruled_table():
    """A header set in one ruled PDF table row: each column is one cell, the date wrapped inside its cell."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    from tests.ingest.conftest import _pdf_fonts

    _pdf_fonts()
    style = ParagraphStyle("c", fontName="VN", fontSize=11, leading=14, alignment=1)
    cells = [["ỦY BAN NHÂN DÂN<br/>TỈNH QUẢNG NGÃI<br/>Số: 58/CT-UBND",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc<br/>Quảng Ngãi, ngày 09 tháng 5<br/>năm 2025"]]
    table = Table([[Paragraph(t, style) for t in row] for row in cells], colWidths=[180, 230])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [table, Paragraph("CHỈ THỊ", style), Paragraph("Về tăng cường kỷ luật, kỷ cương hành chính", style),
         Paragraph("Thời gian qua, công tác cải cách hành chính của tỉnh đạt nhiều kết quả.", style)])
    meta = read_bytes(buf.getvalue(), "ct.pdf").metadata
    assert (meta.issuer, meta.number, meta.issued_on, meta.doc_type) == (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "58/CT-UBND", date(2025, 5, 9), "Chỉ thị")
    assert meta.title == "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính"
    assert meta.place == "Quảng Ngãi"


@pytest.mark.parametrize(
    ("lines", "field", "expected"),
    [
        # a date cut after 'ngày', after the day, after 'tháng', after the month
        (["UBND TỈNH AN GIANG", "Số: 7/KH-UBND", "An Giang, ngày", "05 tháng 6 năm 2025", "KẾ HOẠCH", "Số hóa hồ sơ"],
         "issued_on", date(2025, 6, 5)),
        (["UBND TỈNH AN GIANG", "Số: 7/KH-UBND", "An Giang, ngày 05", "tháng 6 năm 2025", "KẾ HOẠCH", "Số hóa hồ sơ"],
         "issued_on", date(2025, 6, 5)),
        # the place wrapped before the comma, and the place alone above the date
        (["UBND TỈNH AN GIANG", "Số: 7/KH-UBND", "Thành phố Long", "Xuyên, ngày 05 tháng 6 năm 2025", "KẾ HOẠCH", "Số hóa"],
         "place", "Thành phố Long Xuyên"),
        (["UBND TỈNH AN GIANG", "Số: 7/KH-UBND", "An Giang,", "ngày 05 tháng 6 năm 2025", "KẾ HOẠCH", "Số hóa"],
         "place", "An Giang"),
        # the issuer's second line and the place-and-date line read as one line (columns set close together)
        (["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "THÀNH PHỐ HẢI PHÒNG Hải Phòng, ngày 05 tháng 6 năm 2025", "Số: 7/KH-UBND", "KẾ HOẠCH", "Số hóa hồ sơ"],
         "issuer", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
        (["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "THÀNH PHỐ HẢI PHÒNG Hải Phòng, ngày 05 tháng 6 năm 2025", "Số: 7/KH-UBND", "KẾ HOẠCH", "Số hóa hồ sơ"],
         "place", "Hải Phòng"),
        # a table cell read as one line: the issuer with the number, the motto with the date
        (["ỦY BAN NHÂN DÂN TỈNH AN GIANG Số: 7/KH-UBND",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc An Giang, ngày 05 tháng 6 năm 2025",
          "KẾ HOẠCH", "Số hóa hồ sơ"], "issuer", "ỦY BAN NHÂN DÂN TỈNH AN GIANG"),
        (["ỦY BAN NHÂN DÂN TỈNH AN GIANG Số: 7/KH-UBND",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc An Giang, ngày 05 tháng 6 năm 2025",
          "KẾ HOẠCH", "Số hóa hồ sơ"], "place", "An Giang"),
        # the motto wrapped mid-phrase is not a piece of the issuer; the issuer's name wrapped after one word
        (["THỦ", "TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ", "HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1/CĐ-TTg", "Hà Nội, ngày 2 tháng 6 năm 2025",
          "CÔNG ĐIỆN", "Về ứng phó mưa lũ"], "issuer", "THỦ TƯỚNG CHÍNH PHỦ"),
        (["THỦ", "TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ", "HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1/CĐ-TTg", "Hà Nội, ngày 2 tháng 6 năm 2025",
          "CÔNG ĐIỆN", "Về ứng phó mưa lũ"], "issuer_parent", None),
        # a date in the body under the title is not the issue date when the header has one
        (["VĂN PHÒNG CHÍNH", "PHỦ", "Số: 9/TB-VPCP", "Hà Nội, ngày 22 tháng 6 năm 2025", "THÔNG BÁO",
          "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG TẠI BUỔI LÀM VIỆC VỚI TỈNH", "Từ ngày 08 đến ngày 09 tháng 6 năm 2025 tại tỉnh"],
         "issued_on", date(2025, 6, 22)),
    ],
)
def test_header_pieces_wrapped_or_run_together(lines, field, expected):
    assert getattr(metadata_from_lines(lines), field) == expected


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a long trích yếu set on one line, closed by the rule and the authority line of a decision
        (["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "Số: 3/QĐ-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "QUYẾT ĐỊNH",
          "Về việc phê duyệt danh mục thủ tục hành chính được thực hiện không phụ thuộc vào địa giới hành chính "
          "trong phạm vi tỉnh thuộc thẩm quyền giải quyết của các sở, ban, ngành và Ủy ban nhân dân cấp xã",
          "-------", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Căn cứ Luật Tổ chức chính quyền địa phương;"],
         "Quyết định về việc phê duyệt danh mục thủ tục hành chính được thực hiện không phụ thuộc vào địa giới hành "
         "chính trong phạm vi tỉnh thuộc thẩm quyền giải quyết của các sở, ban, ngành và Ủy ban nhân dân cấp xã"),
        # the issuer's own name under the trích yếu is the authority of the decision, not more trích yếu
        (["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "Số: 3/QĐ-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "QUYẾT ĐỊNH",
          "QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ CỦA TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
          "Căn cứ Luật Tổ chức chính quyền địa phương;"],
         "Quyết định QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ CỦA TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH"),
        # a first word wrapped alone, and a period of years on a line of its own
        (["UBND TỈNH LÀO CAI", "Số: 4/KH-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "KẾ HOẠCH", "PHÁT",
          "TRIỂN CHÍNH QUYỀN SỐ TỈNH LÀO CAI GIAI ĐOẠN", "2026 - 2030", "Thực hiện Nghị quyết của Tỉnh ủy,"],
         "Kế hoạch PHÁT TRIỂN CHÍNH QUYỀN SỐ TỈNH LÀO CAI GIAI ĐOẠN 2026 - 2030"),
        # a trích yếu opening with 'Thực hiện', closed by the rule under it
        (["UBND TỈNH LÀO CAI", "Số: 5/KH-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "KẾ HOẠCH",
          "Thực hiện Chỉ thị số 05-CT/TU của Ban Thường vụ Tỉnh ủy", "năm 2025", "-------",
          "Thực hiện Chỉ thị số 05-CT/TU ngày 10/01/2025, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:"],
         "Kế hoạch Thực hiện Chỉ thị số 05-CT/TU của Ban Thường vụ Tỉnh ủy năm 2025"),
        # a body paragraph with no opening word is no trích yếu, even when 'Nhằm ...' follows it
        (["UBND TỈNH LÀO CAI", "Số: 7/CT-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "CHỈ THỊ",
          "Về đẩy mạnh thanh toán trực tuyến trong giải quyết", "thủ tục hành chính",
          "Sau khi sắp xếp đơn vị hành chính, tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh chưa đạt chỉ tiêu được giao.",
          "Nhằm khắc phục hạn chế trên, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:"],
         "Chỉ thị về đẩy mạnh thanh toán trực tuyến trong giải quyết thủ tục hành chính"),
        (["UBND TỈNH LÀO CAI", "Số: 8/CT-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "CHỈ THỊ",
          "Sau khi sắp xếp đơn vị hành chính, tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh chưa đạt chỉ tiêu được giao.",
          "Nhằm khắc phục hạn chế trên, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:"],
         "Chỉ thị"),
        # without a closing line only what plainly wraps the first line counts
        (["UBND TỈNH LÀO CAI", "Số: 6/KH-UBND", "Lào Cai, ngày 2 tháng 6 năm 2025", "KẾ HOẠCH",
          "Cải cách hành chính năm 2025", "Ủy ban nhân dân tỉnh ban hành kế hoạch với các nội dung sau.",
          "Nơi nhận:", "- Lưu: VT."],
         "Kế hoạch Cải cách hành chính năm 2025"),
    ],
)
def test_trich_yeu_up_to_the_first_body_line(lines, title):
    assert metadata_from_lines(lines).title == title


def test_v_v_subject_wrapped_in_the_left_column():
    lines = ["UBND TỈNH LÀO CAI", "SỞ NỘI VỤ", "Số: 77/SNV-CCHC", "V/v triển khai Kế hoạch cải cách hành chính của",
             "Ủy ban nhân dân tỉnh năm 2025", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lào Cai, ngày 2 tháng 6 năm 2025",
             "Kính gửi: Các phòng thuộc Sở"]
    meta = metadata_from_lines(lines)
    assert meta.subject == "V/v triển khai Kế hoạch cải cách hành chính của Ủy ban nhân dân tỉnh năm 2025"
    assert meta.title == "Công văn V/v triển khai Kế hoạch cải cách hành chính của Ủy ban nhân dân tỉnh năm 2025"


def test_a_deadline_in_a_sentence_is_no_issue_date():
    """A press page: the sentence under its heading names a deadline, not the date the text was issued."""
    lines = ["TIN CẢI CÁCH HÀNH CHÍNH",
             "Thủ tướng yêu cầu các bộ, ngành hoàn thành số hóa hồ sơ thủ tục hành chính trước ngày 31/8/2025",
             "Theo thông báo, các địa phương báo cáo kết quả hằng tháng."]
    assert metadata_from_lines(lines).issued_on is None
