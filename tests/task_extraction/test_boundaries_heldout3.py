"""Task and agency boundaries added after held-out batch 3. Texts written for these tests."""

from __future__ import annotations

from parlens.task_extraction.addressees import phrase_end
from parlens.task_extraction.boundaries import trim_task


def test_leading_future_modal_leaves_the_task():
    text = "sẽ tham mưu điều động công chức về hỗ trợ các xã"
    s, e = trim_task(text)
    assert text[s:e] == "tham mưu điều động công chức về hỗ trợ các xã"


def test_inspection_noun_after_lich_or_dot_stays_in_the_agency():
    text = "Các cơ quan, đơn vị có tên trong lịch kiểm tra xây dựng báo cáo tự kiểm tra"
    assert text[:phrase_end(text, 0)] == "Các cơ quan, đơn vị có tên trong lịch kiểm tra"
    other = "Sở Nội vụ kiểm tra việc niêm yết thủ tục"
    assert other[:phrase_end(other, 0)] == "Sở Nội vụ"


def test_lich_in_a_department_name_still_ends_before_a_verb():
    text = "Sở Văn hóa, Thể thao và Du lịch kiểm tra các điểm du lịch"
    assert text[:phrase_end(text, 0)] == "Sở Văn hóa, Thể thao và Du lịch"
