"""DOCX reader: layout tables, numbering, merged cells, headers/footers, zip checks."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from parlens.errors import ParlensError
from parlens.ingest import read_bytes
from parlens.settings import Settings


@pytest.fixture(scope="module")
def doc(official_docx):
    return read_bytes(official_docx, "cong-van.docx")


def test_offsets(doc):
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for row in b.rows or []:
            for cell in row:
                assert doc.text[cell.start:cell.end] == cell.text


def test_layout_header_table_unrolled_by_column(doc):
    assert [b.text for b in doc.blocks[:4]] == ["UBND TỈNH THANH HÓA", "VĂN PHÒNG", "Số: 45/VP-KSTTHC",
                                                "V/v triển khai Chỉ số cải cách hành chính"]
    assert not any(b.kind == "table" and "CỘNG HÒA" in b.text for b in doc.blocks)


def test_word_numbering_rendered_with_levels(doc):
    items = [(b.numbering, b.text) for b in doc.blocks if b.kind == "list_item"]
    assert ("1.", "1. Rà soát thủ tục hành chính thuộc thẩm quyền.") in items
    assert ("2.", "2. Công khai kết quả giải quyết hồ sơ.") in items
    assert any(n == "•" and t.startswith("• Báo cáo Sở Nội vụ") for n, t in items)
    assert ("a)", "a) Nội dung báo cáo theo mẫu.") in items  # literal numbering in the text


def test_vertical_and_horizontal_merges(doc):
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 2
    tasks, annex = tables
    assert tasks.rows[2][2] is tasks.rows[1][2] and tasks.rows[1][2].text == "Quý I" and tasks.rows[1][2].row_span == 2
    assert tasks.text == "STT | Nhiệm vụ | Thời gian\n1 | Rà soát quy trình | Quý I\n2 | Số hóa hồ sơ"
    assert annex.rows[0][0] is annex.rows[0][2] and annex.rows[0][0].col_span == 3
    assert [c.text for c in annex.rows[1]] == ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính"]


def test_headers_and_footers_kept_apart(doc):
    assert doc.headers == ["VĂN PHÒNG UBND TỈNH THANH HÓA", "Trang 1"]
    assert "Trang 1" not in doc.text


def test_metadata_from_docx(doc):
    m = doc.metadata
    assert (m.doc_type, m.number, m.issuer_code, m.issuer, m.issuer_parent) == (
        "Công văn", "45/VP-KSTTHC", "VP", "VĂN PHÒNG", "UBND TỈNH THANH HÓA")
    assert (m.issued_on, m.place, m.subject) == (date(2025, 3, 5), "Thanh Hóa", "V/v triển khai Chỉ số cải cách hành chính")
    assert m.recipients == ["Các sở, ban, ngành cấp tỉnh", "Chủ tịch UBND tỉnh"]
    assert (m.signer, m.signer_title) == ("Nguyễn Thị Hoa", "CHÁNH VĂN PHÒNG")


def test_not_a_zip_docx_e006():
    with pytest.raises(ParlensError) as err:
        read_bytes(bytes(range(256)) * 8, "cong-van.docx")
    assert err.value.code == "PARLENS-E006"


def test_zip_without_document_xml_e006():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/zip")
    with pytest.raises(ParlensError) as err:
        read_bytes(buf.getvalue(), "fake.docx")
    assert err.value.code == "PARLENS-E006"


def test_zip_bomb_refused_before_extraction(official_docx):
    src = zipfile.ZipFile(io.BytesIO(official_docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item.filename))
        zf.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 100_000
    with pytest.raises(ParlensError) as err:
        read_bytes(data, "bomb.docx", settings=Settings(max_unzipped_bytes=2 * 1024 * 1024))
    assert err.value.code == "PARLENS-E007"
    assert read_bytes(data, "ok.docx", settings=Settings(max_unzipped_bytes=8 * 1024 * 1024)).blocks


def _with_text_box(anchor_text: str, box_lines: list[str], *, fallback: bool) -> bytes:
    """A DOCX whose second paragraph anchors a text box (DrawingML, optionally with Word's VML fallback copy)."""
    import docx
    from docx.oxml import parse_xml

    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    content = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in box_lines)
    drawing = (f'<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{content}'
               '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')
    pict = f"<w:pict><v:shape><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict>"
    inner = f"<mc:AlternateContent><mc:Choice Requires=\"wps\">{drawing}</mc:Choice><mc:Fallback>{pict}</mc:Fallback></mc:AlternateContent>" if fallback else drawing
    d = docx.Document()
    d.add_paragraph("Kế hoạch cải cách hành chính năm 2026 của tỉnh.")
    p = d.add_paragraph()
    p._p.append(parse_xml(f"<w:r {ns}><w:t xml:space=\"preserve\">{anchor_text[:20]}</w:t></w:r>"))
    p._p.append(parse_xml(f"<w:r {ns}>{inner}</w:r>"))
    p._p.append(parse_xml(f"<w:r {ns}><w:t xml:space=\"preserve\">{anchor_text[20:]}</w:t></w:r>"))
    d.add_paragraph("Các sở, ngành triển khai thực hiện.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("fallback", [False, True])
def test_text_box_is_its_own_blocks_after_its_anchor_paragraph(fallback):
    anchor = "Sở Nội vụ chủ trì theo dõi Chỉ số cải cách hành chính, báo cáo hằng quý."
    box = ["DỰ THẢO", "Lần 2"]
    doc = read_bytes(_with_text_box(anchor, box, fallback=fallback), "kh.docx")
    assert [b.text for b in doc.blocks] == ["Kế hoạch cải cách hành chính năm 2026 của tỉnh.", anchor, *box,
                                            "Các sở, ngành triển khai thực hiện."]


def test_table_wrapping_a_page_reads_its_prose_as_paragraphs_and_keeps_its_data_rows():
    """A converter that wraps a whole document in a table: the long prose cell becomes paragraphs (its
    items become blocks the extractor reads), the short rows around it stay a table."""
    import docx

    from parlens.task_extraction.extract import extract_tasks

    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Số hiệu:", "15/CĐ-UBND"
    body = t.cell(1, 0).merge(t.cell(1, 1))
    lines = ["Để bảo đảm tiến độ cải cách thủ tục hành chính năm 2026, Chủ tịch UBND tỉnh yêu cầu các cơ quan "
             "thực hiện ngay các nhiệm vụ sau đây."] + [
        f"{i}. Sở {name} rà soát các thủ tục hành chính thuộc lĩnh vực quản lý, cắt giảm giấy tờ không cần "
        f"thiết và báo cáo kết quả về Sở Nội vụ trước ngày {i + 10}/6/2026." for i, name in
        enumerate(["Tư pháp", "Tài chính", "Xây dựng", "Y tế", "Công Thương", "Nội vụ", "Giáo dục và Đào tạo",
                   "Khoa học và Công nghệ", "Văn hóa, Thể thao và Du lịch", "Nông nghiệp và Môi trường"], 1)]
    body.text = lines[0]
    for line in lines[1:]:
        body.add_paragraph(line)
    t.cell(2, 0).text, t.cell(2, 1).text = "Người ký:", "Nguyễn Văn A"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes(buf.getvalue(), "cong-dien.docx")
    assert [b.kind for b in doc.blocks].count("table") == 2  # the rows before and after the prose
    assert lines[3] in [b.text for b in doc.blocks]  # a paragraph of its own, not a cell
    tasks = extract_tasks(doc)
    assert {t.agency for t in tasks} >= {"Sở Tư pháp", "Sở Y tế", "Sở Nông nghiệp và Môi trường"}
