"""Rules added for documents outside the development set: press openers, conclusions, reports,
narrowed addressees, glued table cells, leaders' "chỉ đạo", policy measures. Texts written for these tests."""

from __future__ import annotations

from datetime import date

from parlens.task_extraction.extract import extract_tasks
from parlens.task_extraction.tables import unglue
from parlens.task_extraction.addressees import split_members
from parlens.task_extraction.textdoc import document_from_text


def _tasks(text: str):
    return extract_tasks(document_from_text(text), ref_date=date(2026, 3, 1))


def test_earlier_assignments_reported_as_done_are_not_tasks():
    text = ("Trước đó, tháng 1/2026, UBND tỉnh đã giao Sở Xây dựng lập danh mục công trình.\n"
            "Sở Tư pháp được giao rà soát 20 thủ tục và đã hoàn thành trước ngày 10/2/2026.")
    assert _tasks(text) == []


def test_recommendation_section_of_a_report_gives_no_tasks():
    text = ("III. ĐỀ XUẤT, KIẾN NGHỊ\n"
            "Đề nghị Bộ Nội vụ sớm hướng dẫn cách chấm điểm đối với chính quyền hai cấp.")
    assert _tasks(text) == []


def test_subject_after_a_leading_adverbial_clause():
    text = ("Kết luận buổi làm việc, Sở Y tế cần chủ trì, phối hợp với Công an tỉnh rà soát hồ sơ "
            "cấp phép hành nghề trong quý II/2026.")
    got = {(t.agency, t.role, t.deadline.due if t.deadline else None) for t in _tasks(text)}
    assert got == {("Sở Y tế", "lead", date(2026, 6, 30)), ("Công an tỉnh", "support", date(2026, 6, 30))}


def test_apposition_after_a_person_is_not_a_subject():
    text = "Theo ông Trần Văn B, Giám đốc Sở Nội vụ, sở sẽ đưa chỉ tiêu này vào đánh giá cuối năm."
    assert _tasks(text) == []


def test_conclusion_lead_in_opens_items_with_their_own_subjects():
    text = ("Phó Chủ tịch UBND tỉnh kết luận như sau:\n"
            "1. Văn phòng UBND tỉnh theo dõi, tổng hợp kết quả, báo cáo định kỳ hằng tháng.\n"
            "2. Tại cuộc họp, Giám đốc Sở Xây dựng cam kết hoàn thành trong tháng 5.")
    [task] = _tasks(text)
    assert task.agency == "Văn phòng UBND tỉnh" and task.deadline.recurrence == ["FREQ=MONTHLY"]


def test_doi_voi_narrows_the_lead_in_to_one_addressee():
    text = ("Sở Nội vụ đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:\n"
            "1. Đối với UBND các xã, phường: bố trí đủ công chức tại bộ phận một cửa.")
    [task] = _tasks(text)
    assert task.agency == "UBND các xã, phường" and task.task.startswith("bố trí")


def test_leader_chi_dao_assigns_but_a_body_directing_its_unit_does_not():
    led = _tasks("Chủ tịch UBND tỉnh chỉ đạo các sở, ngành rà soát hồ sơ trễ hạn trong tháng 3/2026.")
    assert [(t.agency, t.deadline.due) for t in led] == [("các sở, ngành", date(2026, 3, 31))]
    unit = _tasks("Giao Chủ tịch UBND các xã chỉ đạo công chức niêm yết thủ tục hành chính.")
    assert [t.agency for t in unit] == ["Chủ tịch UBND các xã"] and unit[0].task.startswith("chỉ đạo công chức")


def test_policy_measure_is_not_an_assignment():
    text = ("III. GIẢI PHÁP\n1. Xây dựng cơ chế, chính sách khuyến khích doanh nghiệp đầu tư vào hạ tầng số.\n"
            "2. Khuyến khích Hội Nông dân tỉnh tham gia tuyên truyền.")
    assert [t.agency for t in _tasks(text)] == ["Hội Nông dân tỉnh"]


def test_closing_courtesy_is_not_a_task():
    text = "Sở Nội vụ đề nghị các cơ quan, đơn vị, địa phương quan tâm, phối hợp thực hiện./."
    assert _tasks(text) == []


def test_press_paraphrase_of_an_assignment_is_kept_once():
    from parlens.model import Document, DocumentMetadata

    base = document_from_text(
        "Chủ tịch UBND thành phố chỉ đạo các sở, ngành xử lý dứt điểm hồ sơ trễ hạn trong tháng 3.\n"
        "Chủ tịch UBND thành phố chỉ đạo các sở, ngành rà soát, xử lý dứt điểm hồ sơ trễ hạn, "
        "hoàn thành trong tháng 3/2026.")
    meta = DocumentMetadata(doc_type="Bài báo", issued_on=date(2026, 3, 2))
    doc = Document(text=base.text, blocks=base.blocks, metadata=meta, source_name="x.html",
                   media_type="text/html")
    tasks = extract_tasks(doc)
    assert len(tasks) == 1 and "rà soát" in tasks[0].task


def test_unglue_splits_cells_whose_line_break_was_lost():
    assert [m.text for m in unglue(split_members("Sở Tài chính Sở Khoa học và Công nghệ"))] == [
        "Sở Tài chính", "Sở Khoa học và Công nghệ"]
    for whole in ("Văn phòng UBND tỉnh", "Giám đốc Sở Nội vụ", "Chủ tịch UBND xã Đại Từ"):
        assert [m.text for m in unglue(split_members(whole))] == [whole]


def test_dated_report_after_a_whole_document_duty_is_its_own_task():
    text = ("Yêu cầu Thủ trưởng các sở, ban, ngành nghiêm túc thực hiện Kế hoạch này; báo cáo kết quả về "
            "UBND tỉnh trước ngày 20/11/2026.")
    got = sorted((t.task, t.deadline.due if t.deadline else None) for t in _tasks(text))
    assert got == [("báo cáo kết quả về UBND tỉnh", date(2026, 11, 20)),  # the date is the deadline slot
                   ("nghiêm túc thực hiện Kế hoạch này", None)]


def test_dated_report_on_a_specific_task_stays_in_it():
    text = "Giao Sở Xây dựng rà soát quy trình cấp phép xây dựng; báo cáo UBND tỉnh trước ngày 20/11/2026."
    [task] = _tasks(text)
    assert task.task.startswith("rà soát") and task.deadline.due == date(2026, 11, 20)


def test_passive_giao_chu_tri_keeps_partners():
    text = "Sở Công Thương được giao chủ trì, phối hợp với Sở Tài chính xây dựng đề án chợ số."
    assert {(t.agency, t.role) for t in _tasks(text)} == {("Sở Công Thương", "lead"), ("Sở Tài chính", "support")}


def test_doi_voi_addressee_before_the_assigning_authority():
    text = "Đối với UBND các xã, phường, Chủ tịch UBND tỉnh yêu cầu niêm yết số điện thoại đường dây nóng."
    [task] = _tasks(text)
    assert task.agency == "UBND các xã, phường" and task.task.startswith("niêm yết")


def test_numbered_items_of_a_letter_with_own_subjects_are_tasks():
    text = ("Kính gửi: Các sở, ban, ngành tỉnh.\n"
            "1. Sở Y tế thống kê số hồ sơ tồn đọng trước ngày 10/4/2026.\n"
            "2. Sở Xây dựng công khai quy trình cấp phép.")
    assert [t.agency for t in _tasks(text)] == ["Sở Y tế", "Sở Xây dựng"]


def test_adverb_after_the_subject_ends_the_agency_and_stays_in_the_task():
    got = _tasks("Yêu cầu Chủ tịch UBND các xã, phường trực tiếp ký số kết quả giải quyết hồ sơ, không ủy quyền cho cấp phó.")
    assert [(t.agency, t.task) for t in got] == [
        ("Chủ tịch UBND các xã, phường", "trực tiếp ký số kết quả giải quyết hồ sơ, không ủy quyền cho cấp phó")]
    got = _tasks("Yêu cầu Thủ trưởng các cơ quan, đơn vị còn lại tự kiểm tra, chấn chỉnh việc tiếp nhận hồ sơ.")
    assert [(t.agency, t.task) for t in got] == [
        ("Thủ trưởng các cơ quan, đơn vị còn lại", "tự kiểm tra, chấn chỉnh việc tiếp nhận hồ sơ")]


def test_institution_subject_keeps_its_full_name_and_the_task_starts_after_it():
    got = _tasks("Giao Quỹ Hỗ trợ phát triển hợp tác xã tỉnh chủ trì, phối hợp với Sở Tài chính rà soát danh mục "
                 "dự án vay vốn, hoàn thành trước ngày 30/9/2026.")
    assert [(t.agency, t.role, t.task) for t in got] == [
        ("Quỹ Hỗ trợ phát triển hợp tác xã tỉnh", "lead", "rà soát danh mục dự án vay vốn"),
        ("Sở Tài chính", "support", "rà soát danh mục dự án vay vốn")]
    assert all(t.deadline.due == date(2026, 9, 30) for t in got)


def test_standing_body_apposition_is_neither_agency_nor_task():
    got = _tasks("II. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ là cơ quan thường trực của Ban Chỉ đạo xây dựng kế hoạch "
                 "kiểm tra công vụ năm 2026.")
    assert [(t.agency, t.task) for t in got] == [("Sở Nội vụ", "xây dựng kế hoạch kiểm tra công vụ năm 2026")]


def test_trong_viec_after_a_collective_ends_the_agency():
    from parlens.task_extraction.addressees import phrase_end

    text = "các sở, ngành từ tỉnh đến cơ sở trong việc nâng cao chất lượng phục vụ"
    assert text[:phrase_end(text, 0)] == "các sở, ngành từ tỉnh đến cơ sở"


def test_statement_or_accountability_after_a_headed_duty_is_not_merged_into_it():
    text = ("II. TỔ CHỨC THỰC HIỆN\n3. Hội Liên hiệp Phụ nữ tỉnh: Tổ chức tập huấn kỹ năng số cho hội viên. "
            "Đưa kỹ năng số đến từng chi hội, từng gia đình là nền tảng để thu hẹp khoảng cách số. "
            "Chịu trách nhiệm về chất lượng tài liệu tập huấn.")
    got = _tasks(text)
    assert [(t.agency, t.task) for t in got] == [("Hội Liên hiệp Phụ nữ tỉnh", "Tổ chức tập huấn kỹ năng số cho hội viên")]


def test_following_instructions_of_a_heading_still_merge():
    text = ("II. TỔ CHỨC THỰC HIỆN\n3. Hội Liên hiệp Phụ nữ tỉnh: Tổ chức tập huấn kỹ năng số cho hội viên. "
            "Biên soạn tài liệu hướng dẫn bằng hình ảnh.")
    got = _tasks(text)
    assert [t.task for t in got] == ["Tổ chức tập huấn kỹ năng số cho hội viên. Biên soạn tài liệu hướng dẫn bằng hình ảnh"]


def test_bracketed_note_after_the_subject_is_skipped_and_partners_still_read():
    text = ("II. TỔ CHỨC THỰC HIỆN\n1. Sở Khoa học và Công nghệ (cơ quan tiếp nhận nhiệm vụ của Sở Thông tin và "
            "Truyền thông (cũ)) chủ trì, phối hợp với Văn phỏng UBND tỉnh cấu hình lại quy trình điện tử.")
    got = _tasks(text)
    assert [(t.agency, t.role, t.task) for t in got] == [
        ("Sở Khoa học và Công nghệ", "lead", "cấu hình lại quy trình điện tử"),
        ("Văn phỏng UBND tỉnh", "support", "cấu hình lại quy trình điện tử")]


def test_clauses_with_deadlines_of_their_own_are_separate_duties():
    text = ("II. TỔ CHỨC THỰC HIỆN\n1. Tổ công tác kiểm tra tại chỗ, thông báo kết luận trong 10 ngày làm "
            "việc; tổng hợp kết quả, báo cáo UBND tỉnh trước ngày 15/11/2026.")
    got = _tasks(text)
    assert [(t.task, t.deadline.text) for t in got] == [
        ("kiểm tra tại chỗ, thông báo kết luận", "trong 10 ngày làm việc"),
        ("tổng hợp kết quả, báo cáo UBND tỉnh", "trước ngày 15/11/2026")]


def test_institution_subjects_and_partners_keep_whole_names():
    text = ("II. TỔ CHỨC THỰC HIỆN\n"
            "1. Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch tỉnh chủ trì, phối hợp với Ban Quản lý các khu công "
            "nghiệp tỉnh tổ chức hội nghị đối thoại doanh nghiệp, hoàn thành trong Quý III/2026.\n"
            "2. Tổng công ty Điện lực miền Trung phối hợp với Sở Công Thương cung cấp dịch vụ điện trực tuyến.\n"
            "3. Trung tâm Phục vụ hành chính công tỉnh hỗ trợ người dân nộp hồ sơ trực tuyến.\n"
            "4. Viện Nghiên cứu phát triển kinh tế - xã hội tỉnh phối hợp với Sở Nội vụ phân tích kết quả khảo sát.")
    got = [(t.agency, t.role, t.task) for t in _tasks(text)]
    assert got == [
        ("Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch tỉnh", "lead", "tổ chức hội nghị đối thoại doanh nghiệp"),
        ("Ban Quản lý các khu công nghiệp tỉnh", "support", "tổ chức hội nghị đối thoại doanh nghiệp"),
        ("Tổng công ty Điện lực miền Trung", "support", "cung cấp dịch vụ điện trực tuyến"),
        ("Trung tâm Phục vụ hành chính công tỉnh", "lead", "hỗ trợ người dân nộp hồ sơ trực tuyến"),
        ("Viện Nghiên cứu phát triển kinh tế - xã hội tỉnh", "support", "phân tích kết quả khảo sát"),
    ]


def test_verb_like_noun_inside_a_list_of_bodies_does_not_end_the_phrase():
    from parlens.task_extraction.addressees import phrase_end

    text = "Các doanh nghiệp, tổ chức, cơ sở giáo dục tự chủ tài chính xây dựng lộ trình chuyển đổi số"
    assert text[:phrase_end(text, 0)] == "Các doanh nghiệp, tổ chức, cơ sở giáo dục tự chủ tài chính"
    duty = "Sở Nội vụ rà soát, sắp xếp, kiện toàn tổ chức bộ máy"
    assert duty[:phrase_end(duty, 0)] == "Sở Nội vụ"
