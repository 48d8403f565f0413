"""Reading order of two-column header bands (ingest.columns)."""

from __future__ import annotations

import pytest

from parlens.ingest.columns import Segment, order_lines


def _band(tail: list[str]) -> list[list[Segment]]:
    """A công văn header: number and 'V/v' under the issuer, the date's last line beside the 'V/v' line, then ``tail``."""
    lines = [[Segment(0, 20, "SỞ NỘI VỤ"), Segment(40, 75, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
             [Segment(0, 18, "Số: 77/SNV-CCHC"), Segment(42, 70, "Lào Cai, ngày 2 tháng 6")],
             [Segment(0, 36, "V/v triển khai Kế hoạch cải cách"), Segment(50, 60, "năm 2025")]]
    return lines + [[Segment(0, len(t), t)] for t in tail]


@pytest.mark.parametrize("mid", [None, 38.0])
@pytest.mark.parametrize("wrapped", ["hành chính năm 2025 của tỉnh", "Ủy ban nhân dân tỉnh năm 2025"])
def test_v_v_subject_wrapping_below_the_right_column_stays_in_the_left_column(wrapped, mid):
    texts = [text for text, _, _ in order_lines(_band([wrapped, "Kính gửi: Các phòng thuộc Sở"]), mid=mid)]
    assert texts.index(wrapped) == texts.index("V/v triển khai Kế hoạch cải cách") + 1
    assert texts[-1] == "Kính gửi: Các phòng thuộc Sở"


def test_a_line_after_a_finished_subject_is_not_part_of_the_band():
    lines = _band(["Kính gửi: Các phòng thuộc Sở"])
    lines[2][0] = Segment(0, 37, "V/v triển khai Kế hoạch cải cách.")
    texts = [(text, band) for text, _, band in order_lines(lines)]
    assert texts[-1] == ("Kính gửi: Các phòng thuộc Sở", False)
