"""Task text boundaries: a closing deadline and filler words leave the task, recurrences stay."""

from __future__ import annotations

import pytest

from parlens.task_extraction.boundaries import trim_task


def _trim(text: str) -> str:
    s, e = trim_task(text)
    return text[s:e]


@pytest.mark.parametrize("text, task", [
    ("lập danh mục hồ sơ cần số hóa, hoàn thành trước ngày 30/9/2026.", "lập danh mục hồ sơ cần số hóa"),
    ("gửi báo cáo tự đánh giá về Sở Nội vụ trong 05 ngày làm việc", "gửi báo cáo tự đánh giá về Sở Nội vụ"),
    ("nâng cấp phần mềm một cửa; thời gian hoàn thành trong Quý III/2026", "nâng cấp phần mềm một cửa"),
    ("báo cáo kết quả về UBND tỉnh (qua Văn phòng UBND tỉnh) trước ngày 05/12/2026 để tổng hợp, trình Chủ tịch",
     "báo cáo kết quả về UBND tỉnh"),
    ("khẩn trương cập nhật quy trình điện tử", "cập nhật quy trình điện tử"),
    ("thường xuyên kiểm tra việc niêm yết thủ tục", "kiểm tra việc niêm yết thủ tục"),
    ("phải công khai tiến độ hồ sơ (chậm nhất ngày 15/10/2026)", "công khai tiến độ hồ sơ"),
])
def test_closing_deadline_channel_purpose_and_fillers_leave(text, task):
    assert _trim(text) == task


@pytest.mark.parametrize("text", [
    "tổng hợp, báo cáo kết quả thực hiện định kỳ hằng quý",  # a recurrence stays in the task
    "đưa tin về cải cách hành chính trên sóng phát thanh (định kỳ hằng tháng)",
    "tham mưu ban hành Kế hoạch kiểm tra công vụ năm 2027",  # a period naming the object
    "tổng hợp vào báo cáo cải cách hành chính quý III/2026",
    "thực hiện Công văn số 15/UBND-KSTT ngày 10/3/2026 của UBND tỉnh",  # a cited document
    "hoàn thành trước ngày 30/6/2026",  # nothing would be left: keep it whole
    "trước ngày 15 hằng tháng, gửi số liệu về Sở Nội vụ",  # the deadline opens the task, it does not close it
])
def test_what_stays(text):
    assert _trim(text) == text.rstrip(" .")


def test_offsets_point_into_the_given_span():
    text = "Sở Y tế: triển khai bệnh án điện tử trước ngày 31/12/2026."
    s, e = trim_task(text, 9)
    assert text[s:e] == "triển khai bệnh án điện tử"


def test_urgency_word_alone_is_not_stripped_to_nothing():
    assert _trim("khẩn trương") == "khẩn trương"


@pytest.mark.parametrize("text, task", [
    ("xử lý hồ sơ trực tuyến không muộn hơn 8 giờ làm việc kể từ khi tiếp nhận", "xử lý hồ sơ trực tuyến"),
    ("niêm yết công khai thủ tục trong 05 ngày làm việc kể từ ngày nhận được hồ sơ", "niêm yết công khai thủ tục"),
    ("gửi báo cáo về Sở Nội vụ trước ngày 20 hằng tháng", "gửi báo cáo về Sở Nội vụ"),  # a dated recurrence closes it
])
def test_relative_limit_with_its_anchor_and_dated_recurrence_leave(text, task):
    assert _trim(text) == task


def test_closing_purpose_clause_leaves_but_not_a_short_task_or_one_before_another_clause():
    assert _trim("rà soát quy trình nội bộ, nhằm rút ngắn thời gian giải quyết hồ sơ") == "rà soát quy trình nội bộ"
    assert _trim("rà soát quy trình… nhằm rút ngắn thời gian") == "rà soát quy trình"
    kept = "rà soát quy trình nhằm rút ngắn thời gian; công khai kết quả"
    assert _trim(kept) == kept
    assert _trim("nhằm rút ngắn thời gian giải quyết") == "nhằm rút ngắn thời gian giải quyết"
