"""Lead-ins, qualified collectives, continuation sentences and trailing "Phối hợp" paragraphs.
Texts written for these tests."""

from __future__ import annotations

from datetime import date

from parlens.task_extraction.extract import extract_tasks
from parlens.task_extraction.textdoc import document_from_text


def _tasks(text: str):
    return extract_tasks(document_from_text(text), ref_date=date(2026, 3, 1))


def test_leadin_ending_with_a_full_stop_is_no_task():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "Các nhiệm vụ khác ghi tại Phụ lục. Ngoài ra, các cơ quan, đơn vị triển khai các nội dung sau.\n"
            "1. Sở Y tế:\n"
            "a) Rà soát danh mục thủ tục hành chính lĩnh vực dược trước ngày 30/6/2026.\n")
    got = [(t.agency, t.task) for t in _tasks(text)]
    assert got == [("Sở Y tế", "Rà soát danh mục thủ tục hành chính lĩnh vực dược")]


def test_leadin_ending_with_a_full_stop_hands_its_subject_to_the_items():
    text = ("II. NHIỆM VỤ\n"
            "Ngoài ra, UBND các xã, phường thực hiện các nhiệm vụ sau.\n"
            "a) Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa.\n"
            "b) Báo cáo kết quả về Sở Nội vụ trước ngày 15/11/2026.\n")
    got = [(t.agency, t.task[:20]) for t in _tasks(text)]
    assert got == [("UBND các xã, phường", "Niêm yết công khai t"), ("UBND các xã, phường", "Báo cáo kết quả về S")]


def test_collective_keeps_its_qualifying_clause():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "1. Các cơ quan, đơn vị được giao nhiệm vụ tại Kế hoạch này chủ động bố trí nguồn lực thực hiện.\n"
            "2. Các cơ quan quản lý nhà nước về đất đai tăng cường kiểm tra việc cấp giấy chứng nhận.\n")
    got = [(t.agency, t.agency_id, t.task) for t in _tasks(text)]
    assert got == [
        ("Các cơ quan, đơn vị được giao nhiệm vụ tại Kế hoạch này", "collective:co-quan-don-vi",
         "chủ động bố trí nguồn lực thực hiện"),
        ("Các cơ quan quản lý nhà nước về đất đai", "collective:co-quan", "tăng cường kiểm tra việc cấp giấy chứng nhận"),
    ]


def test_passive_assignment_as_predicate_is_not_a_qualifier():
    got = [t.agency for t in _tasks("Các sở, ngành được giao nhiệm vụ rà soát quy trình nội bộ trong quý II/2026.")]
    assert got == ["Các sở, ngành"]


def test_dong_thoi_inside_an_item_continues_the_same_duty():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "a) Các doanh nghiệp bưu chính mở rộng điểm tiếp nhận hồ sơ thủ tục hành chính tại xã. "
            "Đồng thời, cùng các xã hướng dẫn người cao tuổi nộp hồ sơ trực tuyến.\n")
    got = [(t.agency, t.task) for t in _tasks(text)]
    assert got == [("Các doanh nghiệp bưu chính",
                    "mở rộng điểm tiếp nhận hồ sơ thủ tục hành chính tại xã. "
                    "Đồng thời, cùng các xã hướng dẫn người cao tuổi nộp hồ sơ trực tuyến")]


def test_dong_thoi_does_not_reach_back_past_a_sentence_without_subject():
    text = ("II. NHIỆM VỤ\n"
            "1. Các doanh nghiệp công nghệ cần đầu tư hạ tầng dữ liệu trên địa bàn.\n"
            "2. Phát triển văn hóa số\n"
            "a) Số hóa hiện vật của bảo tàng tỉnh. Đồng thời, huy động thanh niên làm nòng cốt lan tỏa văn hóa số.\n")
    got = [(t.agency, t.task[:25]) for t in _tasks(text)]
    assert got == [("Các doanh nghiệp công nghệ", "đầu tư hạ tầng dữ liệu tr")]


def test_subject_after_a_grounds_clause():
    text = ("2. Sở Tài chính\n"
            "a) Trên cơ sở đề xuất của các cơ quan, đơn vị được giao nhiệm vụ và ý kiến của Sở Nội vụ, "
            "Sở Tài chính tổng hợp nhu cầu kinh phí, trình UBND tỉnh bố trí dự toán.\n")
    got = [(t.agency, t.role, t.task) for t in _tasks(text)]
    assert got == [("Sở Tài chính", "lead", "tổng hợp nhu cầu kinh phí, trình UBND tỉnh bố trí dự toán")]


def test_subjectless_phoi_hop_paragraph_after_an_item_keeps_its_subject():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "5. Các trường cao đẳng nghề mở thêm lớp đào tạo kỹ năng số cho lao động nông thôn.\n"
            "Phối hợp với các doanh nghiệp công nghệ xây dựng chương trình thực tập cho sinh viên.\n"
            "6. Các xã, phường rà soát nhu cầu học nghề của người dân.\n")
    got = [(t.agency, t.role, t.task[:22]) for t in _tasks(text)]
    assert got == [
        ("Các trường cao đẳng nghề", "lead", "mở thêm lớp đào tạo kỹ"),
        ("Các trường cao đẳng nghề", "support", "xây dựng chương trình "),
        ("Các xã, phường", "lead", "rà soát nhu cầu học ng"),
    ]


def test_phoi_hop_paragraph_without_a_preceding_subject_gives_nothing():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "Kinh phí thực hiện từ nguồn ngân sách tỉnh.\n"
            "Phối hợp với các doanh nghiệp công nghệ xây dựng chương trình thực tập cho sinh viên.\n")
    assert _tasks(text) == []


def test_funding_statement_under_a_heading_is_no_task():
    text = ("Điều 2. Nhiệm vụ của Ban Chỉ đạo:\n"
            "1. Kiểm tra công tác chuyển đổi số tại các xã trước ngày 30/9/2026.\n"
            "2. Kinh phí hoạt động của Ban Chỉ đạo được bố trí trong dự toán của Sở Khoa học và Công nghệ.\n")
    got = [t.task for t in _tasks(text)]
    assert got == ["Kiểm tra công tác chuyển đổi số tại các xã"]


def test_subject_after_a_leading_condition():
    text = ("Sở Nội vụ đề nghị các cơ quan, đơn vị thực hiện các nội dung sau:\n"
            "1. Khi Tổ thẩm định có yêu cầu, các đơn vị cung cấp hồ sơ, tài liệu trong 02 ngày làm việc.\n")
    got = [(t.agency, t.task, t.deadline.within if t.deadline else None) for t in _tasks(text)]
    assert got == [("các đơn vị", "cung cấp hồ sơ, tài liệu", "P2D")]


def test_deadline_word_beats_a_bare_year_naming_the_object():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Tư pháp:\n"
            "a) Theo dõi thi hành pháp luật về đất đai; tham mưu ban hành Kế hoạch tự kiểm tra, rà soát văn bản quy phạm pháp luật năm 2026 "
            "trong Quý I/2026.\n")
    tasks = extract_tasks(document_from_text(text), ref_date=date(2026, 1, 15))  # a plan of the year it names
    got = [(t.task[-35:], t.deadline.due if t.deadline else None) for t in tasks]
    assert got[-1] == ("văn bản quy phạm pháp luật năm 2026", date(2026, 3, 31))
