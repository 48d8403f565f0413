"""Reading a filled-in tracker sheet: columns found by name, per-row changes or Vietnamese reasons, bad files refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from parlens.errors import ParlensError
from parlens.model import Deadline, Task
from parlens.reports import registry
from parlens.reports.tasklist import ReportTask, SourceDocument, TaskReport
from parlens.reports.tracker_import import MAX_UNZIPPED_BYTES, read_tracker


def _xlsx(rows: list[list], *, title: str = "Nhiệm vụ", before: list[list] = (), extra_sheet: bool = False) -> bytes:
    wb = Workbook()
    if extra_sheet:
        wb.active.title = "Hướng dẫn"
        wb.active.append(["Ghi chú", "Điền cột Tình trạng"])
        ws = wb.create_sheet(title)
    else:
        ws = wb.active
        ws.title = title
    for row in [*before, *rows]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _code(data: bytes) -> str:
    with pytest.raises(ParlensError) as info:
        read_tracker(data)
    return info.value.code


def test_reads_the_exported_sheet_back():
    """The sheet parlens writes is the sheet it reads: ids, status labels and date cells."""
    doc = SourceDocument(id=1, doc_type="Kế hoạch", number="1/KH-UBND", issued_on=date(2025, 1, 2))
    items = [ReportTask(Task("Sở Nội vụ", "lead", "Rà soát", 0, 10, deadline=Deadline("x", due=date(2025, 6, 30))),
                        doc, id=41, status="hoan_thanh", completed_on=date(2025, 6, 1), assignee="Chị Lan",
                        due=date(2025, 6, 30)),
             ReportTask(Task("Sở Tư pháp", "support", "Rà soát", 0, 10), doc, id=42)]
    data = registry.get("xlsx").render(TaskReport(items, None, date(2025, 7, 1)))
    sheet = read_tracker(data)
    assert (sheet.sheet, sheet.header_row) == ("Nhiệm vụ", 1)
    first, second = sheet.rows
    assert (first.row, first.task_id, first.due) == (2, 41, date(2025, 6, 30))
    assert first.changes == {"status": "hoan_thanh", "completed_on": date(2025, 6, 1), "assignee": "Chị Lan"}
    assert (second.task_id, second.changes, second.error) == (42, {"status": "chua_thuc_hien"}, None)


def test_columns_found_by_name_in_any_order_case_and_accents():
    data = _xlsx([["ghi chu", "NGUOI THUC HIEN", "Tình Trạng", "ngày hoàn thành", "ma"],
                  ["gửi bản giấy", "Anh Minh", "dang thuc hien", None, 7.0],
                  [None, None, "HOÀN THÀNH", "2025-10-03", "8"]],
                 before=[["KẾ HOẠCH THEO DÕI"], []], extra_sheet=True)
    sheet = read_tracker(data)
    assert sheet.header_row == 3 and sheet.sheet == "Nhiệm vụ"
    assert [(r.row, r.task_id) for r in sheet.rows] == [(4, 7), (5, 8)]
    assert sheet.rows[0].changes == {"status": "dang_thuc_hien", "assignee": "Anh Minh", "note": "gửi bản giấy"}
    assert sheet.rows[1].changes == {"status": "hoan_thanh", "completed_on": date(2025, 10, 3)}


def test_empty_cells_mean_no_change_and_empty_rows_are_skipped():
    data = _xlsx([["Mã", "Tình trạng", "Ngày hoàn thành", "Người thực hiện", "Ghi chú", "Nhiệm vụ"],
                  [5, None, "  ", None, None, "Rà soát"],
                  [None, None, None, None, None, "a row of notes only"],
                  [],
                  [6, None, datetime(2099, 1, 1), None, None, None]])  # a future completion date is allowed
    rows = read_tracker(data).rows
    assert [(r.task_id, r.changes, r.error) for r in rows] == [
        (5, {}, None), (6, {"completed_on": date(2099, 1, 1)}, None)]


@pytest.mark.parametrize(("row", "reason"), [
    ([None, "Hoàn thành", None], "thiếu Mã (mã nhiệm vụ)"),
    (["12a", None, None], 'Mã "12a" không phải là số nhiệm vụ'),
    ([0, None, None], 'Mã "0" không phải là số nhiệm vụ'),
    ([3, "Xong rồi", None], 'Tình trạng "Xong rồi" không hợp lệ (chọn: Chưa thực hiện, Đang thực hiện, Hoàn thành)'),
    ([3, None, "31/02/2025"], 'Ngày hoàn thành "31/02/2025" không phải là ngày (dd/mm/yyyy)'),
    ([3, None, "tuần sau"], 'Ngày hoàn thành "tuần sau" không phải là ngày (dd/mm/yyyy)'),
    ([3, "Đang thực hiện", "01/10/2025"],
     'có Ngày hoàn thành nhưng Tình trạng là "Đang thực hiện": chọn Hoàn thành hoặc xoá ngày'),
])
def test_row_errors_say_why_in_vietnamese(row, reason):
    [parsed] = read_tracker(_xlsx([["Mã", "Tình trạng", "Ngày hoàn thành"], row])).rows
    assert parsed.error == reason and parsed.row == 2


def test_the_same_id_twice_is_an_error_on_the_second_row():
    rows = read_tracker(_xlsx([["Mã", "Ghi chú"], [9, "a"], [9, "b"]])).rows
    assert rows[0].error is None and rows[1].error == "Mã 9 đã có ở dòng 2"


def test_text_dates_in_both_shapes():
    rows = read_tracker(_xlsx([["Mã", "Ngày hoàn thành"], [1, "5/9/2025"], [2, "2025-09-05"], [3, "05.09.2025"]])).rows
    assert {r.changes["completed_on"] for r in rows} == {date(2025, 9, 5)}


def test_a_workbook_without_a_ma_column_is_refused():
    assert _code(_xlsx([["STT", "Tình trạng"], [1, "Hoàn thành"]])) == "PARLENS-E013"


@pytest.mark.parametrize(("data", "code"), [
    (b"", "PARLENS-E001"),
    (b"Ma,Tinh trang\n1,Hoan thanh\n", "PARLENS-E013"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "PARLENS-E012"),
    (b"PK\x03\x04 broken zip", "PARLENS-E013"),
])
def test_files_that_are_not_xlsx_are_refused_with_a_code(data, code):
    assert _code(data) == code


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_a_docx_or_other_zip_is_not_a_workbook():
    assert _code(_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"})) == "PARLENS-E013"


def test_a_zip_bomb_is_refused_before_reading():
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (MAX_UNZIPPED_BYTES + 1)})
    assert len(bomb) < 200_000
    with pytest.raises(ParlensError) as info:
        read_tracker(bomb)
    assert info.value.code == "PARLENS-E013" and "expands to" in info.value.detail


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("PARLENS_MAX_FILE_BYTES", "1000")
    from parlens.settings import get_settings

    get_settings.cache_clear()
    assert _code(_xlsx([["Mã"], [1]])) == "PARLENS-E004"


def test_entity_expansion_in_a_sheet_is_refused():
    """A billion-laughs sheet: the XML parser refuses it; the import says the sheet cannot be read."""
    data = _xlsx([["Mã", "Ghi chú"], [1, "x"]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet = sheet.replace("<worksheet", f"<!DOCTYPE worksheet [{laughs}]><worksheet", 1).replace(">x<", ">&l9;<")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    assert _code(_zip(parts)) == "PARLENS-E013"
