"""Rules added after held-out batch 3: member lines of a board, closing contact lines, leading
"Kết thúc …," clauses. Texts written for these tests."""

from __future__ import annotations

from datetime import date

from parlens.task_extraction.extract import extract_tasks
from parlens.task_extraction.textdoc import document_from_text


def _tasks(text: str):
    return extract_tasks(document_from_text(text), ref_date=date(2026, 3, 1))


def test_member_line_gives_the_title_as_agency_and_the_duties_as_task():
    text = ("Điều 1. Phân công nhiệm vụ thành viên Tổ công tác như sau:\n"
            "1. Đồng chí Hà Văn Bình, Giám đốc Sở Xây dựng – Ủy viên: phụ trách cải cách thủ tục "
            "cấp phép xây dựng; phối hợp với Sở Tài chính rà soát phí, lệ phí.\n"
            "2. Bà Đỗ Thị Mai, Phó Chủ tịch UBND tỉnh – Tổ trưởng: chỉ đạo chung hoạt động của Tổ.\n")
    got = {(t.agency, t.role, t.task) for t in _tasks(text)}
    assert ("Giám đốc Sở Xây dựng", "lead", "phụ trách cải cách thủ tục cấp phép xây dựng") in got
    assert any(a == "Giám đốc Sở Xây dựng" and r == "support" and "rà soát phí" in task for a, r, task in got)
    assert ("Phó Chủ tịch UBND tỉnh", "lead", "chỉ đạo chung hoạt động của Tổ") in got
    assert not any("Đồng chí" in a or "Ủy viên" in a or "Đồng chí" in task for a, _, task in got)


def test_person_quoted_with_title_but_no_colon_is_not_a_member_line():
    text = "Ông Hà Văn Bình, Giám đốc Sở Xây dựng, cho biết sở đã rà soát 40 thủ tục."
    assert _tasks(text) == []


def test_closing_contact_line_is_not_a_task():
    text = ("Kính gửi: UBND các xã, phường.\n"
            "Sở Nội vụ đề nghị UBND các xã, phường thực hiện các nội dung sau:\n"
            "1. Rà soát danh sách công chức một cửa, gửi Sở Nội vụ trước ngày 20/3/2026.\n"
            "Mọi chi tiết xin liên hệ Phòng Cải cách hành chính, Sở Nội vụ, số điện thoại 0200.3800.111.\n")
    tasks = _tasks(text)
    assert all("liên hệ" not in t.task for t in tasks)
    assert any(t.task.startswith("Rà soát danh sách") for t in tasks)


def test_subject_after_a_leading_ket_thuc_clause():
    text = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "1. Kết thúc mỗi đợt kiểm tra, Sở Nội vụ ban hành thông báo kết quả kiểm tra.\n")
    got = [(t.agency, t.task) for t in _tasks(text)]
    assert got == [("Sở Nội vụ", "ban hành thông báo kết quả kiểm tra")]


def test_article_number_before_a_subject_and_accountability_is_no_task():
    text = ("Điều 2. Các thành viên Tổ công tác chịu trách nhiệm trước Tổ trưởng về phần việc được giao; "
            "định kỳ hằng quý gửi báo cáo tiến độ về Sở Tài chính.\n")
    got = [(t.agency, t.task, t.deadline.recurrence if t.deadline else None) for t in _tasks(text)]
    assert len(got) == 1
    agency, task, rec = got[0]
    assert agency == "Các thành viên Tổ công tác"
    assert "gửi báo cáo tiến độ" in task and "chịu trách nhiệm" not in task
    assert rec


def test_a_new_article_ends_the_lead_in_of_the_previous_one():
    text = ("Điều 1. Phân công nhiệm vụ các thành viên Tổ công tác như sau:\n"
            "1. Đồng chí Hà Văn Bình, Giám đốc Sở Xây dựng – Tổ trưởng: chỉ đạo chung hoạt động của Tổ.\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n")
    assert all("hiệu lực" not in t.task for t in _tasks(text))


def test_late_request_or_team_words_do_not_make_a_duty_a_finding():
    text = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "2. Sở Tư pháp, Sở Y tế phối hợp với Sở Nội vụ, cử công chức tham gia Đoàn kiểm tra theo đề nghị "
            "của Sở Nội vụ.\n")
    got = {(t.agency, t.role) for t in _tasks(text)}
    assert got == {("Sở Tư pháp", "support"), ("Sở Y tế", "support")}


def test_proposer_at_the_start_still_gives_no_task():
    text = "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 02/3/2026."
    assert _tasks(text) == []


def test_partner_name_ends_before_a_budget_verb():
    text = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "Sở Tài chính phối hợp với Sở Nội vụ cân đối kinh phí mua sắm thiết bị cho các trung tâm.\n")
    got = [(t.agency, t.role, t.task) for t in _tasks(text)]
    assert got == [("Sở Tài chính", "support", "cân đối kinh phí mua sắm thiết bị cho các trung tâm")]


def test_rieng_names_one_addressee_and_skips_a_where_apposition():
    text = ("Sở Nội vụ đề nghị UBND các xã, phường thực hiện các nội dung sau:\n"
            "1. Rà soát danh sách công chức một cửa.\n"
            "2. Riêng UBND xã Tân Lập, nơi có nhiều hồ sơ quá hạn nhất, báo cáo bổ sung nguyên nhân.\n")
    got = [(t.agency, t.task) for t in _tasks(text)]
    assert ("UBND xã Tân Lập", "báo cáo bổ sung nguyên nhân") in got
    assert not any(task.startswith("Riêng") for _, task in got)


def test_notice_period_is_no_deadline_and_does_not_split_the_item():
    text = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Nội vụ chủ trì tổ chức các đợt kiểm tra; thông báo lịch đến đơn vị được kiểm tra trước ít nhất "
            "03 ngày làm việc.\n")
    tasks = _tasks(text)
    assert len(tasks) == 1
    t = tasks[0]
    assert "tổ chức các đợt kiểm tra" in t.task and t.task.endswith("thông báo lịch đến đơn vị được kiểm tra")
    assert t.deadline is not None and t.deadline.text == "trước ít nhất 03 ngày làm việc"
    assert t.deadline.due is None and t.deadline.within is None
