"""Line classification, the offset-keeping builder and two-column reading order."""

from __future__ import annotations

import pytest

from parlens.ingest.columns import Segment, order_lines
from parlens.ingest.structure import DocumentBuilder, classify_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [("III. TỔ CHỨC THỰC HIỆN", ("heading", 1, "III.")), ("2.3. Rà soát văn bản", ("list_item", 3, "2.3.")),
     ("đ) Công khai;", ("list_item", 4, "đ)")), ("Chương II", ("heading", 1, "Chương II")),
     ("• Số hóa hồ sơ", ("list_item", 5, "•")), ("-----------", ("paragraph", 0, None)),
     ("15/9/2021 là ngày ban hành", ("paragraph", 0, None)), ("1.000 hồ sơ được giải quyết", ("paragraph", 0, None)),
     ("NHIỆM VỤ TRỌNG TÂM", ("heading", 0, None))],
)
def test_classify_line(line, expected):
    assert classify_line(line) == expected


def test_builder_table_offsets_and_merged_cells():
    b = DocumentBuilder()
    b.add_paragraph("Phụ lục")
    grid = [["h1", "h2"], ["a", "m"], ["b", "m"]]
    texts = {"h1": "Nhiệm vụ", "h2": "Thời gian", "a": "Rà soát", "b": "Số hóa", "m": "Quý I"}
    table = b.add_table(grid, texts)
    text = b.text
    assert table.text == "Nhiệm vụ | Thời gian\nRà soát | Quý I\nSố hóa"
    assert text[table.start:table.end] == table.text
    merged = table.rows[1][1]
    assert table.rows[2][1] is merged and (merged.row_span, merged.col_span) == (2, 1)
    for row in table.rows:
        for cell in row:
            assert text[cell.start:cell.end] == cell.text


def test_separator_lines_are_dropped():
    b = DocumentBuilder()
    assert b.add_paragraph("--------") is None and b.text == ""


def test_signature_band_unrolled_with_page_centre():
    lines = [[Segment(60, 110, "Nơi nhận:")], [Segment(360, 450, "KT. CHỦ TỊCH")],
             [Segment(60, 130, "- Sở Nội vụ;")], [Segment(360, 450, "PHÓ CHỦ TỊCH")],
             [Segment(60, 540, "Một dòng văn bản trải rộng hết trang giấy")]]
    ordered = order_lines(lines, mid=297)
    assert [t for t, _, _ in ordered] == ["Nơi nhận:", "- Sở Nội vụ;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                          "Một dòng văn bản trải rộng hết trang giấy"]
    assert [band for _, _, band in ordered] == [True, True, True, True, False]


def test_words_that_start_like_outline_markers_are_not_numbering():
    assert classify_line("Chương trình tổng thể cải cách hành chính") == ("paragraph", 0, None)
    assert classify_line("Mục tiêu của kế hoạch") == ("paragraph", 0, None)
    assert classify_line("Chương III. TỔ CHỨC THỰC HIỆN")[2] == "Chương III."
