"""Each rule family and each non-task filter of the task extractor, on texts written for these tests."""

from __future__ import annotations

from datetime import date

from parlens.model import Block, Document, TableCell
from parlens.task_extraction.extract import extract_tasks
from parlens.task_extraction.textdoc import document_from_text


def _pairs(text: str, **kw) -> list[tuple[str, str]]:
    return [(t.agency, t.role) for t in extract_tasks(document_from_text(text), **kw)]


def test_assigner_verb_gives_lead_with_deadline_and_span():
    text = "UBND tỉnh giao Sở Nội vụ chủ trì tổng hợp kết quả chấm điểm, báo cáo trước ngày 15/12/2025."
    doc = document_from_text(text)
    [task] = extract_tasks(doc)
    assert (task.agency, task.role) == ("Sở Nội vụ", "lead")
    assert task.deadline.due == date(2025, 12, 15)
    assert doc.text[task.start:task.end] == task.task
    assert task.rule == "assigner"


def test_lead_with_partners_gives_support_records_for_same_task():
    text = ("VI. TỔ CHỨC THỰC HIỆN\n1. Sở Tư pháp\n"
            "a) Chủ trì, phối hợp với Sở Nội vụ và các cơ quan, đơn vị có liên quan rà soát văn bản quy phạm pháp luật.")
    tasks = extract_tasks(document_from_text(text))
    roles = {(t.agency, t.role) for t in tasks}
    assert roles == {("Sở Tư pháp", "lead"), ("Sở Nội vụ", "support"), ("các cơ quan, đơn vị có liên quan", "support")}
    assert len({t.task for t in tasks}) == 1 and tasks[0].task.startswith("rà soát")


def test_agency_heading_items_inherit_subject_and_own_subject_wins():
    text = ("VI. TỔ CHỨC THỰC HIỆN\n2. Sở Tài chính\n"
            "a) Bố trí kinh phí thực hiện kế hoạch.\n"
            "b) Phối hợp với Sở Xây dựng trong việc thẩm định dự án.\n"
            "3. Công an tỉnh\nBảo đảm an ninh mạng. UBND cấp xã chú trọng cập nhật dữ liệu dân cư.")
    got = _pairs(text)
    assert got == [("Sở Tài chính", "lead"), ("Sở Tài chính", "support"), ("Công an tỉnh", "lead"), ("UBND cấp xã", "lead")]


def test_heading_naming_several_bodies_gives_one_record_each_and_collectives_stay_whole():
    text = ("VI. TỔ CHỨC THỰC HIỆN\n4. Liên đoàn Lao động tỉnh, Hội Nông dân tỉnh\nVận động hội viên dùng dịch vụ công trực tuyến.\n"
            "5. Các sở, ban, ngành, UBND các xã, phường\nCông bố dữ liệu mở của ngành.")
    assert _pairs(text) == [("Liên đoàn Lao động tỉnh", "lead"), ("Hội Nông dân tỉnh", "lead"),
                            ("Các sở, ban, ngành, UBND các xã, phường", "lead")]


def test_leadin_addressees_pass_to_subjectless_items():
    text = ("Chủ tịch UBND tỉnh yêu cầu Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh tập trung thực hiện các nội dung sau:\n"
            "1. Rà soát quy trình nội bộ giải quyết thủ tục hành chính.\n2. Nâng cao tỷ lệ hồ sơ trực tuyến toàn trình.")
    tasks = extract_tasks(document_from_text(text))
    assert [t.rule for t in tasks] == ["leadin", "leadin"]
    assert {t.agency for t in tasks} == {"Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh"}


def test_verbless_area_list_gives_one_lead_per_agency():
    text = ("UBND tỉnh giao nhiệm vụ cho từng sở theo lĩnh vực. Cụ thể, Sở Nội vụ về cải cách tổ chức bộ máy; "
            "Sở Tư pháp (lĩnh vực xây dựng văn bản quy phạm pháp luật); Sở Tài chính, Văn phòng UBND tỉnh về cải cách tài chính công.")
    tasks = extract_tasks(document_from_text(text))
    assert [(t.agency, t.task) for t in tasks] == [
        ("Sở Nội vụ", "cải cách tổ chức bộ máy"),
        ("Sở Tư pháp", "lĩnh vực xây dựng văn bản quy phạm pháp luật"),  # the area keeps its noun
        ("Sở Tài chính", "cải cách tài chính công"),
        ("Văn phòng UBND tỉnh", "cải cách tài chính công"),
    ]


def test_execution_clause_expands_elliptical_list_and_skips_proposer():
    text = ("Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 10/TTr-SNV,\nQUYẾT ĐỊNH:\n"
            "Điều 2. Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Nội vụ, Tài chính; Chủ tịch UBND các xã chịu trách nhiệm thi hành Quyết định này./.")
    got = _pairs(text)
    assert got == [("Chánh Văn phòng UBND tỉnh", "lead"), ("Nội vụ", "lead"), ("Tài chính", "lead"), ("Chủ tịch UBND các xã", "lead")]


def test_support_only_sentence_and_placeholder_partner():
    text = ("VI. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế\n- Phối hợp với Sở Khoa học và Công nghệ triển khai bệnh án điện tử.\n"
            "- Phối hợp với các đơn vị liên quan triển khai sổ sức khỏe điện tử.")
    tasks = extract_tasks(document_from_text(text))
    assert [(t.agency, t.role) for t in tasks] == [("Sở Y tế", "support"), ("Sở Y tế", "lead"), ("các đơn vị liên quan", "support")]


def test_labelled_fields_apply_to_every_bullet():
    text = ("III. NHIỆM VỤ\n1. Số hóa hồ sơ\n- Số hóa hồ sơ thủ tục hành chính còn hiệu lực.\n- Cập nhật kho dữ liệu dùng chung.\n"
            "- Đơn vị chủ trì: Sở Khoa học và Công nghệ.\n- Đơn vị phối hợp: Các sở, ban, ngành; UBND các xã.\n"
            "- Thời gian thực hiện: Quý IV/2026.")
    tasks = extract_tasks(document_from_text(text))
    assert {(t.agency, t.role) for t in tasks} == {("Sở Khoa học và Công nghệ", "lead"), ("Các sở, ban, ngành", "support"), ("UBND các xã", "support")}
    assert len(tasks) == 6 and all(t.deadline.due == date(2026, 12, 31) for t in tasks)


def _table_doc(rows: list[list[str]], title: str = "") -> Document:
    parts, cells_rows, pos = [], [], 0
    text = ""
    if title:
        text = title + "\n"
    blocks = [Block("heading", title, 0, len(title))] if title else []
    start = len(text)
    for r, row in enumerate(rows):
        if r:
            text += "\n"
        cells = []
        for c, value in enumerate(row):
            if c:
                text += " | "
            cells.append(TableCell(value, len(text), len(text) + len(value)))
            text += value
        cells_rows.append(cells)
    blocks.append(Block("table", text[start:], start, len(text), rows=cells_rows))
    return Document(text=text, blocks=blocks)


def test_task_table_columns_by_header_meaning_section_rows_and_cells():
    doc = _table_doc([
        ["STT", "Nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"],
        ["I", "HẠ TẦNG SỐ", "", "", "", ""],
        ["1.1", "Nâng cấp trung tâm dữ liệu tỉnh", "Sở Khoa học và Công nghệ, Công an tỉnh", "Các sở, ban, ngành; UBND các xã", "2026 - 2030", "Trung tâm dữ liệu"],
        ["1.2", "Rà soát quy chế quản lý dữ liệu", "Sở Tư pháp", "", "Thường xuyên", "Quy chế"],
    ])
    tasks = extract_tasks(doc)
    got = [(t.agency, t.role, t.deadline.due if t.deadline else None) for t in tasks]
    assert got == [
        ("Sở Khoa học và Công nghệ", "lead", date(2030, 12, 31)),
        ("Công an tỉnh", "lead", date(2030, 12, 31)),
        ("Các sở, ban, ngành", "support", date(2030, 12, 31)),
        ("UBND các xã", "support", date(2030, 12, 31)),
        ("Sở Tư pháp", "lead", None),
    ]
    assert doc.text[tasks[0].start:tasks[0].end] == "Nâng cấp trung tâm dữ liệu tỉnh"


def test_table_without_time_column_takes_title_year():
    doc = _table_doc([["TT", "Chỉ tiêu", "Chủ trì"], ["1", "Tỷ lệ hồ sơ trực tuyến đạt 80%", "Văn phòng UBND tỉnh"]],
                     title="PHÂN CÔNG THỰC HIỆN CÁC CHỈ TIÊU ĐẾN NĂM 2030")
    [task] = extract_tasks(doc)
    assert task.deadline.due == date(2030, 12, 31)


def test_non_tasks_are_filtered():
    text = ("Năm qua, Sở Nội vụ đã tổ chức kiểm tra tại 10 xã.\n"
            "Qua kiểm tra, đoàn kiến nghị đơn vị hữu quan tiếp tục quán triệt văn bản.\n"
            "Thứ trưởng mong muốn các địa phương tiếp tục nâng cao chỉ số.\n"
            "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc các cơ quan phản ánh về Sở Nội vụ để tổng hợp.\n"
            "Nơi nhận:\n- Sở Nội vụ;\n- Các sở, ban, ngành.")
    assert extract_tasks(document_from_text(text)) == []


def test_press_repeat_yields_one_record():
    text = ("UBND tỉnh yêu cầu Sở Y tế triển khai bệnh án điện tử.\n"
            "Theo kế hoạch, UBND tỉnh yêu cầu Sở Y tế triển khai bệnh án điện tử.")
    assert len(extract_tasks(document_from_text(text))) == 1


def test_recurring_and_next_sentence_deadlines():
    text = ("VI. TỔ CHỨC THỰC HIỆN\nCác cơ quan được giao nhiệm vụ có trách nhiệm gửi báo cáo kết quả trước ngày 15/11 hằng năm.\n"
            "Sở Nội vụ chủ trì xây dựng bộ chỉ số đánh giá. Thời gian hoàn thành: tháng 6/2026.")
    tasks = extract_tasks(document_from_text(text))
    assert tasks[0].deadline.recurrence == ["FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"]
    assert tasks[1].agency == "Sở Nội vụ" and tasks[1].deadline.due == date(2026, 6, 30)


def test_plain_text_without_assignment_gives_nothing():
    text = "Chỉ số cải cách hành chính năm 2024 của tỉnh tăng 5 bậc so với năm 2023, đứng thứ 20 cả nước."
    assert extract_tasks(document_from_text(text)) == []


def test_table_continued_on_next_page_keeps_columns():
    first = _table_doc([["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"],
                        ["1", "Xây dựng kho dữ liệu", "Sở Tài chính", "Sở Nội vụ", "2026"]])
    second = _table_doc([["2", "Số hóa hồ sơ lưu trữ", "Sở Nội vụ", "", "Quý II/2027"]])
    shift = len(first.text) + 1
    for row in second.blocks[0].rows:
        for c in row:
            c.start += shift
            c.end += shift
    b2 = second.blocks[0]
    b2.start += shift
    b2.end += shift
    doc = Document(text=first.text + "\n" + second.text, blocks=first.blocks + [b2])
    got = [(t.agency, t.role, t.deadline.due) for t in extract_tasks(doc)]
    assert got == [("Sở Tài chính", "lead", date(2026, 12, 31)), ("Sở Nội vụ", "support", date(2026, 12, 31)),
                   ("Sở Nội vụ", "lead", date(2027, 6, 30))]


def test_colon_line_and_duty_of_article_are_headings():
    text = ("II. NHIỆM VỤ\nUBND các xã, phường:\n- Niêm yết địa chỉ tiếp nhận hồ sơ.\n- Báo cáo số hồ sơ trước ngày 25 hằng tháng.\n"
            "QUYẾT ĐỊNH:\nĐiều 2. Nhiệm vụ của Tổ công tác:\n1. Kiểm tra công tác một cửa tại 20 xã.\n2. Tổng hợp kết quả, báo cáo Chủ tịch UBND tỉnh.")
    got = [(t.agency, t.rule) for t in extract_tasks(document_from_text(text))]
    assert got == [("UBND các xã, phường", "heading")] * 2 + [("Tổ công tác", "heading")] * 2


def test_elliptical_subject_in_numbered_item():
    text = ("Chủ tịch UBND tỉnh yêu cầu:\n"
            "1. Giám đốc các Sở: Nội vụ, Tư pháp, Nông nghiệp và Môi trường rà soát thành phần hồ sơ trước ngày 15/4/2026.")
    tasks = extract_tasks(document_from_text(text))
    assert [t.agency for t in tasks] == ["Nội vụ", "Tư pháp", "Nông nghiệp và Môi trường"]
    assert all(t.deadline.due == date(2026, 4, 15) for t in tasks)


def test_trailing_recurring_clause_splits_but_trailing_date_does_not():
    text = ("VI. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ\n"
            "a) Chủ trì hướng dẫn các cơ quan triển khai Kế hoạch; kiểm tra, tổng hợp, báo cáo UBND tỉnh (định kỳ hằng năm).\n"
            "b) Rà soát vị trí việc làm của các cơ quan; gửi UBND tỉnh trước ngày 15/4/2026.")
    tasks = extract_tasks(document_from_text(text))
    assert [(t.task.split(";")[0][:20], t.deadline and (t.deadline.due, t.deadline.recurrence)) for t in tasks] == [
        ("Chủ trì hướng dẫn cá", None),
        ("kiểm tra, tổng hợp, ", (None, ["FREQ=YEARLY"])),
        ("Rà soát vị trí việc ", (date(2026, 4, 15), [])),
    ]


def test_labelled_task_field_label_is_not_part_of_the_task():
    text = ("III. NHIỆM VỤ\n2. Chuẩn hóa quy trình\n- Nội dung: Chuẩn hóa quy trình nội bộ giải quyết thủ tục đất đai.\n"
            "- Đơn vị chủ trì: Sở Nông nghiệp và Môi trường.\n- Thời gian thực hiện: Quý III/2026.")
    tasks = extract_tasks(document_from_text(text))
    assert [(t.agency, t.task) for t in tasks] == [
        ("Sở Nông nghiệp và Môi trường", "Chuẩn hóa quy trình nội bộ giải quyết thủ tục đất đai")]
    assert text.replace("\n", " ")[tasks[0].start:tasks[0].end] == tasks[0].task
