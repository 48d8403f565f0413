"""Renderers: the JSON contract, csv/xlsx hand-out rows (read back with openpyxl) and ics (parsed back)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from parlens.model import Deadline, DocumentMetadata, Task
from parlens.task_extraction.formats import HEADERS, render


@pytest.fixture()
def tasks() -> list[Task]:
    return [
        Task("Sở Nội vụ", "lead", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2,
             deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))),
        Task("Sở Tài chính", "support", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2,
             deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))),
        Task("Văn phòng UBND tỉnh", "lead", "Báo cáo kết quả kiểm soát TTHC", 50, 80,
             deadline=Deadline("định kỳ hằng quý", recurrence=["FREQ=MONTHLY;INTERVAL=3"])),
        Task("Sở Tư pháp", "lead", "Rà soát văn bản", 90, 105),
    ]


def test_json_contract(tasks):
    meta = DocumentMetadata(title="Kế hoạch CCHC", doc_type="Kế hoạch", number="12/KH-UBND", issued_on=date(2025, 1, 2))
    payload = json.loads(render(meta, tasks, "json"))
    assert payload["document"] == {"title": "Kế hoạch CCHC", "doc_type": "Kế hoạch", "number": "12/KH-UBND",
                                   "issued_on": "2025-01-02", "issuer": None}
    first = payload["tasks"][0]
    assert set(first) == {"agency", "agency_id", "agency_name", "role", "task", "deadline", "criteria", "source"}
    assert first["deadline"]["due"] == "2025-12-15" and first["source"] == {"start": 10, "end": 40, "page": 2}


def test_xlsx_rows_group_partners(tasks):
    wb = load_workbook(io.BytesIO(render(None, tasks, "xlsx")))
    rows = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1][1:5] == ["Sở Nội vụ", "Sở Tài chính", "Tổ chức chấm điểm chỉ số CCHC", "15/12/2025"]
    # The support record keeps a row of its own, naming the lead.
    assert rows[2][1:3] == ["Sở Nội vụ", "Sở Tài chính"]
    assert rows[3][4] == "định kỳ hằng quý" and rows[4][4] is None
    assert len(rows) == 5


def test_csv_has_bom_and_same_rows(tasks):
    data = render(None, tasks, "csv").decode("utf-8")
    assert data.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert parsed[0] == HEADERS and len(parsed) == 5


def test_ics_one_todo_per_deadline_with_rrule(tasks):
    cal = Calendar.from_ical(render(None, tasks, "ics"))
    todos = [c for c in cal.walk() if c.name == "VTODO"]
    assert len(todos) == 3  # the task without a deadline has no VTODO
    assert todos[0].decoded("due") == date(2025, 12, 15)
    assert "Chủ trì" in str(todos[0]["summary"]) and "Sở Nội vụ" in str(todos[0]["summary"])
    rrule = todos[2]["rrule"]
    assert rrule["FREQ"] == ["MONTHLY"] and rrule["INTERVAL"] == [3]


def test_table_and_unknown_format(tasks):
    out = render(None, tasks, "table").decode("utf-8")
    assert "Văn phòng UBND tỉnh" in out and "Phối hợp" in out
    with pytest.raises(ValueError):
        render(None, tasks, "pdf")
