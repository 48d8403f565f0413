"""The section classifier: header, title, preamble, recipients and signature lines are told from body text."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.model import Block, Document, DocumentMetadata
from parlens.search_index.conformance import DECISION, decision_document
from parlens.search_index.passages import build_passages, passage_spans
from parlens.search_index.sections import document_sections, section_annotations

# Our own letter from a department, laid out as a DOCX reader gives it (one block per line).
LETTER = """UBND TỈNH HÀ NAM
SỞ NỘI VỤ
Số: 1207/SNV-CCHC
V/v báo cáo kết quả thực hiện
Chỉ số cải cách hành chính năm 2025
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nam, ngày 03 tháng 11 năm 2025
HỎA TỐC
Kính gửi:
- Các sở, ban, ngành tỉnh;
- UBND các xã, phường.
Căn cứ Kế hoạch số 12/KH-UBND ngày 15/01/2025 của UBND tỉnh, Sở Nội vụ đề nghị các cơ quan, đơn vị báo cáo kết quả tự đánh giá trước ngày 20/11/2025.
1. Tự chấm điểm các tiêu chí thuộc lĩnh vực được giao.
Lưu ý: gửi kèm tài liệu kiểm chứng bản điện tử.
Căn cứ kết quả tự chấm điểm, Sở Nội vụ tổng hợp, tham mưu UBND tỉnh.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Đỗ Thị Hồng Vân
Nơi nhận:
- Như trên;
- Giám đốc Sở;
- Lưu: VT, CCHC."""


def _lines(text: str) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.section) for s in section_annotations(text)]


def test_a_decision_is_read_part_by_part():
    got = dict(_lines(DECISION))
    assert [got[line] for line in ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG BÌNH", "Số: 215/QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                   "Độc lập - Tự do - Hạnh phúc", "Quảng Bình, ngày 12 tháng 3 năm 2026")] == ["header"] * 6
    assert got["QUYẾT ĐỊNH"] == got["Về việc kiện toàn Tổ kiểm tra công vụ tỉnh năm 2026"] == "title"
    assert got["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH"] == "preamble"
    assert got["Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;"] == "preamble"
    assert got["Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 02/3/2026."] == "preamble"
    assert got["QUYẾT ĐỊNH:"] == "preamble"
    assert all(section == "body" for line, section in got.items() if line.startswith("Điều"))
    assert [got[line] for line in ("Nơi nhận:", "- Như Điều 3;", "- Sở Nội vụ;", "- Lưu: VT, NC.")] == ["recipients"] * 4
    assert [got[line] for line in ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình")] == ["signature"] * 3


def test_a_letter_keeps_its_first_sentence_and_notes_in_the_body():
    got = dict(_lines(LETTER))
    assert [got[line] for line in ("UBND TỈNH HÀ NAM", "SỞ NỘI VỤ", "Số: 1207/SNV-CCHC", "HỎA TỐC", "Kính gửi:",
                                   "- Các sở, ban, ngành tỉnh;", "- UBND các xã, phường.")] == ["header"] * 7
    assert got["V/v báo cáo kết quả thực hiện"] == got["Chỉ số cải cách hành chính năm 2025"] == "title"
    # "Căn cứ …, Sở Nội vụ đề nghị …" is the letter's request, not a legal ground
    assert got[LETTER.splitlines()[12]] == "body"
    assert got["1. Tự chấm điểm các tiêu chí thuộc lĩnh vực được giao."] == "body"
    assert got["Lưu ý: gửi kèm tài liệu kiểm chứng bản điện tử."] == "body"  # not the archive line "Lưu: VT"
    assert got["Căn cứ kết quả tự chấm điểm, Sở Nội vụ tổng hợp, tham mưu UBND tỉnh."] == "body"  # after the header region
    assert [got[line] for line in ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đỗ Thị Hồng Vân")] == ["signature"] * 3
    assert [got[line] for line in ("Nơi nhận:", "- Như trên;", "- Giám đốc Sở;", "- Lưu: VT, CCHC.")] == ["recipients"] * 4


def test_an_attached_plan_after_the_signature_is_body_again():
    text = DECISION + "\nKẾ HOẠCH\nKiểm tra công vụ năm 2026\n(Kèm theo Quyết định số 215/QĐ-UBND)\nI. MỤC ĐÍCH\nPhát hiện, chấn chỉnh kịp thời vi phạm kỷ luật, kỷ cương hành chính."
    got = _lines(text)
    tail = got[-5:]
    assert [s for _, s in tail] == ["title", "title", "title", "body", "body"]


@pytest.mark.parametrize(
    "lines, expected",
    [
        # a two-column header in a table, one row per line
        (["ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 88/KH-UBND | Nam Định, ngày 4 tháng 2 năm 2026"],
         ["header", "header"]),
        # OCR specks and a motto read wrongly still make a header
        (["_UBND TỈNH PHÚ YÊN .", "Số: 31/UBND-NC _", "Độc cilập - Tự do - Hạnh phúc", "—"], ["header", "header", "header", "header"]),
        # the motto wrapped over two lines
        (["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM"], ["header", "header", "header"]),
        # a "Căn cứ" ground wrapped over two lines, then the first heading
        (["KẾ HOẠCH", "Chuyển đổi số năm 2026", "Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án",
          "phát triển ứng dụng dữ liệu về dân cư;", "I. MỤC TIÊU"], ["title", "title", "preamble", "preamble", "body"]),
        # recipients and signature side by side in one flattened line, then the signer
        (["Nơi nhận: - Như trên; - Lưu: VT. KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Thanh"], ["recipients", "signature", "signature"]),
        # "(Đã ký)" beside a signature, a seal line
        (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Đã ký)", "Lê Văn Hải"], ["signature"] * 4),
        # an article right under the title ends the header region: a later "Căn cứ" is body text
        (["QUY CHẾ", "Làm việc của Tổ công tác cải cách hành chính", "Điều 1. Phạm vi điều chỉnh",
          "Căn cứ kết quả kiểm tra, Tổ trưởng quyết định việc công khai;"], ["title", "title", "body", "body"]),
        # a document that starts with its body (a press article)
        (["Thừa Thiên Huế đẩy mạnh chuyển đổi số trong cải cách hành chính", "Sáng 12/3, Sở Nội vụ tổ chức hội nghị giao ban."],
         ["body", "body"]),
    ],
)
def test_layouts(lines, expected):
    assert [s for _, s in _lines("\n".join(lines))] == expected


def test_sections_follow_blocks_and_pages():
    text = "Nơi nhận:\n- Bộ Nội vụ;\nPhụ lục số liệu theo từng xã"
    blocks = [Block("paragraph", "Nơi nhận:", 0, 9, page=1), Block("list_item", "- Bộ Nội vụ;", 10, 22, page=1),
              Block("paragraph", "Phụ lục số liệu theo từng xã", 23, len(text), page=2)]
    doc = Document(text=text, blocks=blocks)
    assert [(s.section, s.rule) for s in document_sections(doc)] == [
        ("recipients", "recipients"), ("recipients", "recipient item"), ("body", "body")]  # a new page ends the list


def test_each_passage_has_one_section_and_boilerplate_is_never_joined_to_body():
    doc = decision_document()
    spans = passage_spans(doc)
    by_line = {s.start: s.section for s in document_sections(doc)}
    for start, end, _, section in spans:
        line_sections = {sec for pos, sec in by_line.items() if start <= pos < end}
        assert line_sections == {section}
    passages = build_passages(40, doc)
    assert [p.section for p in passages] == [s.section for s in spans]
    grounds = next(p for p in passages if "Xét đề nghị" in p.text)
    assert grounds.section == "preamble" and "Điều 1" not in grounds.text
    assert {p.section for p in passages} == {"header", "title", "preamble", "body", "recipients", "signature"}
    assert all(doc.text[p.start:p.end] == p.text for p in passages)


def test_a_block_holding_two_sections_is_cut_between_them():
    text = "Xét đề nghị của Giám đốc Sở Tư pháp.\nI. NHIỆM VỤ\nSở Tư pháp rà soát văn bản quy phạm pháp luật trong quý I."
    doc = Document(text="KẾ HOẠCH\n" + text, blocks=[Block("paragraph", "KẾ HOẠCH", 0, 8),
                                                     Block("paragraph", text, 9, 9 + len(text))],
                   metadata=DocumentMetadata(title="KH", doc_type="Kế hoạch", issued_on=date(2026, 1, 5)))
    got = [(doc.text[s:e], section) for s, e, _, section in passage_spans(doc)]
    assert got[1] == ("Xét đề nghị của Giám đốc Sở Tư pháp.", "preamble")
    assert got[2][1] == "body" and got[2][0].startswith("I. NHIỆM VỤ\nSở Tư pháp")
