"""The tracker sheet "Nhiệm vụ": columns, real date cells, lead always named, validation, colours, hidden offsets."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from parlens.model import CriterionLink, Deadline, Task
from parlens.reports import registry
from parlens.reports.tasklist import ReportTask, SourceDocument, TaskReport
from parlens.reports.tracker_sheet import HEADERS, recurrence_vi, tracker_rows

DOC = SourceDocument(id=7, doc_type="Kế hoạch", number="123/KH-UBND", issuer="UBND TỈNH QUẢNG NINH",
                     issued_on=date(2025, 3, 12))
OTHER = SourceDocument(id=8, doc_type="Chỉ thị", number="05/CT-UBND", issuer="UBND tỉnh Quảng Ninh",
                       issued_on=date(2025, 4, 1))
ON = date(2025, 11, 20)


def _item(task: Task, task_id: int, doc: SourceDocument = DOC, **kw) -> ReportTask:
    return ReportTask(task, doc, id=task_id, **kw)


@pytest.fixture()
def report() -> TaskReport:
    due = Deadline("trước ngày 15/10/2025", due=date(2025, 10, 15))
    monthly = Deadline("trước ngày 15 hằng tháng", recurrence=["FREQ=MONTHLY;BYMONTHDAY=15"])
    items = [
        _item(Task("Sở Nội vụ", "lead", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2, agency_name="Sở Nội vụ",
                   deadline=due, criteria=[CriterionLink("PAR.1", "Công tác chỉ đạo, điều hành", 0.9, "t")]),
              11, due=date(2025, 10, 15), timeliness="qua_han"),
        _item(Task("Sở TC", "support", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2, agency_name="Sở Tài chính",
                   deadline=due), 12, status="hoan_thanh", completed_on=date(2025, 10, 20), assignee="Nguyễn Văn A",
              note="đã gửi", due=date(2025, 10, 15), timeliness="hoan_thanh_qua_han"),
        _item(Task("Sở Tư pháp", "support", "Rà soát văn bản", 50, 80), 13),  # no lead anywhere: the issuer answers
        _item(Task("VP UBND tỉnh", "lead", "Báo cáo kết quả kiểm soát TTHC", 90, 120, agency_name="Văn phòng UBND tỉnh",
                   deadline=monthly), 14, due=date(2025, 11, 15), timeliness="qua_han"),
        # Same span as the first lead, but in another document: not its partner.
        _item(Task("Sở Y tế", "support", "Tổ chức chấm điểm chỉ số CCHC", 10, 40), 15, doc=OTHER),
        _item(Task("Sở Xây dựng", "lead", "Kiểm tra", 5, 45), 16, doc=OTHER, status="hoan_thanh",
              completed_on=date(2025, 5, 1), due=date(2025, 6, 1), timeliness="dung_han"),
    ]
    return TaskReport(items, None, ON)


def _sheet(report: TaskReport):
    wb = load_workbook(io.BytesIO(registry.get("xlsx").render(report)))
    return wb["Nhiệm vụ"]


def _col(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(HEADERS.index(name) + 1)


def test_columns_in_order():
    assert HEADERS == ["Mã", "STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Vai trò", "Nhiệm vụ", "Thời hạn",
                       "Lặp lại", "Tiêu chí PAR", "Nguồn", "Tình trạng", "Ngày hoàn thành", "Người thực hiện",
                       "Ghi chú", "Tiến độ", "Vị trí trong văn bản"]


def test_rows_name_lead_partners_and_source(report):
    rows = [dict(zip(HEADERS, r)) for r in tracker_rows(report)]
    assert [r["Mã"] for r in rows] == [11, 12, 13, 14, 15, 16] and [r["STT"] for r in rows] == [1, 2, 3, 4, 5, 6]
    lead, support, orphan, recurring, other_doc, overlapping_lead = rows
    assert (lead["Cơ quan chủ trì"], lead["Cơ quan phối hợp"], lead["Vai trò"]) == ("Sở Nội vụ", "Sở Tài chính", "Chủ trì")
    assert (support["Cơ quan chủ trì"], support["Cơ quan phối hợp"], support["Vai trò"]) == ("Sở Nội vụ", "Sở Tài chính", "Phối hợp")
    assert orphan["Cơ quan chủ trì"] == "Ủy ban nhân dân tỉnh Quảng Ninh" and orphan["Cơ quan phối hợp"] == "Sở Tư pháp"
    assert recurring["Cơ quan chủ trì"] == "Văn phòng UBND tỉnh" and recurring["Cơ quan phối hợp"] == ""
    assert other_doc["Cơ quan chủ trì"] == "Sở Xây dựng"  # a lead whose span overlaps, in its own document
    assert all(r["Cơ quan chủ trì"] for r in rows)
    assert lead["Nguồn"] == "Kế hoạch 123/KH-UBND – Ủy ban nhân dân tỉnh Quảng Ninh – 12/03/2025"
    assert lead["Tiêu chí PAR"] == "PAR.1 Công tác chỉ đạo, điều hành"
    assert recurring["Lặp lại"] == "hằng tháng, ngày 15" and recurring["Thời hạn"] == date(2025, 11, 15)
    assert orphan["Thời hạn"] == "" and orphan["Tình trạng"] == "Chưa thực hiện" and orphan["Tiến độ"] == ""
    assert support["Tình trạng"] == "Hoàn thành" and support["Tiến độ"] == "Hoàn thành quá hạn"
    assert lead["Vị trí trong văn bản"] == "văn bản #7; ký tự 10–40; trang 2"


def test_xlsx_cells_are_typed_dates_and_ids(report):
    ws = _sheet(report)
    assert [c.value for c in ws[1]] == HEADERS
    due, done = ws[f"{_col('Thời hạn')}2"], ws[f"{_col('Ngày hoàn thành')}3"]
    assert due.is_date and due.value.date() == date(2025, 10, 15) and due.number_format == "DD/MM/YYYY"
    assert done.is_date and done.value.date() == date(2025, 10, 20) and done.number_format == "DD/MM/YYYY"
    assert ws["A2"].value == 11 and ws["A2"].data_type == "n"
    assert ws[f"{_col('Người thực hiện')}3"].value == "Nguyễn Văn A" and ws[f"{_col('Ghi chú')}3"].value == "đã gửi"


def test_xlsx_layout_validation_and_colours(report):
    ws = _sheet(report)
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:P7"
    assert ws.column_dimensions["P"].hidden and not ws.column_dimensions["F"].hidden
    assert ws.column_dimensions["F"].width >= 40 and ws["F2"].alignment.wrap_text
    status = _col("Tình trạng")
    [check] = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert check.formula1 == '"Chưa thực hiện,Đang thực hiện,Hoàn thành"' and f"{status}2:{status}7" in str(check.sqref)
    rules = {str(rng.sqref): [r.formula[0] for r in rng.rules] for rng in ws.conditional_formatting}
    progress = _col("Tiến độ")
    assert sorted(rules[f"{progress}2:{progress}7"]) == ['"Hoàn thành quá hạn"', '"Quá hạn"', '"Đúng hạn"']
    fills = {r.formula[0]: r.dxf.fill.fgColor.rgb for rng in ws.conditional_formatting for r in rng.rules}
    assert fills['"Quá hạn"'].endswith("FFC7CE") and fills['"Đúng hạn"'].endswith("C6EFCE")


def test_csv_has_the_same_columns_as_text(report):
    data = registry.get("csv").render(report).decode("utf-8")
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert rows[0] == HEADERS and len(rows) == 7
    second = dict(zip(HEADERS, rows[2]))
    assert second["Mã"] == "12" and second["Thời hạn"] == "15/10/2025" and second["Ngày hoàn thành"] == "20/10/2025"
    assert second["Cơ quan chủ trì"] == "Sở Nội vụ" and second["Tiến độ"] == "Hoàn thành quá hạn"


def test_empty_report_still_has_header_and_validation():
    ws = _sheet(TaskReport([], None, ON))
    assert ws.max_row == 1 and [c.value for c in ws[1]] == HEADERS
    assert ws.data_validations.dataValidation


@pytest.mark.parametrize(("rules", "said"), [
    (["FREQ=DAILY"], "hằng ngày"),
    (["FREQ=WEEKLY"], "hằng tuần"),
    (["FREQ=MONTHLY"], "hằng tháng"),
    (["FREQ=MONTHLY;BYMONTHDAY=-1"], "hằng tháng, ngày cuối tháng"),
    (["FREQ=MONTHLY;INTERVAL=6"], "6 tháng một lần"),
    (["FREQ=MONTHLY;INTERVAL=2"], "2 tháng một lần"),
    (["FREQ=YEARLY"], "hằng năm"),
    (["FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"], "hằng năm, ngày 15/6, 15/12"),
    (["FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"], "hằng tháng, ngày 15; hằng năm, ngày 31/12"),
    ([], ""),
])
def test_recurrence_in_vietnamese(rules, said):
    assert recurrence_vi(rules) == said


def test_lead_and_partner_columns_name_each_body_once_however_it_was_stored():
    from parlens.reports.tasklist import from_stored
    from parlens.store import StoredTask

    def stored(task_id: int, agency: str, role: str, agency_id: str, name: str) -> StoredTask:
        task = Task(agency, role, "Rà soát thủ tục hành chính nội bộ", 10, 40, agency_id=agency_id, agency_name=name)
        return StoredTask(task_id, 7, task, "Kế hoạch kiểm soát thủ tục hành chính", "45/KH-UBND", date(2026, 3, 12))

    report = from_stored([
        stored(1, "UBND phường, xã, đặc khu", "lead", "ubnd-cap-xa", "Ủy ban nhân dân phường, xã, đặc khu"),
        stored(2, "Giám đốc Sở Nội vụ tỉnh Quảng Trị", "support", "so-noi-vu", "Sở Nội vụ tỉnh Quảng Trị"),
    ], on=ON, context=[
        stored(3, "Chủ tịch UBND các xã, phường", "lead", "ubnd-cap-xa", "Ủy ban nhân dân các xã, phường"),
    ])
    rows = [dict(zip(HEADERS, r)) for r in tracker_rows(report)]
    assert [(r["Cơ quan chủ trì"], r["Cơ quan phối hợp"]) for r in rows] == [
        ("Ủy ban nhân dân cấp xã", "Sở Nội vụ"), ("Ủy ban nhân dân cấp xã", "Sở Nội vụ")]
    assert [item.task.agency for item in report.items] == ["UBND phường, xã, đặc khu", "Giám đốc Sở Nội vụ tỉnh Quảng Trị"]
