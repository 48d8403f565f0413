"""The json and table formats of a task list, and render() over the registry for tasks just extracted."""

from __future__ import annotations

import json
from datetime import date

import pytest

from parlens.model import Deadline, DocumentMetadata, Task
from parlens.reports.formats import render


@pytest.fixture()
def tasks() -> list[Task]:
    return [
        Task("Sở Nội vụ", "lead", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2,
             deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))),
        Task("Sở Tài chính", "support", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, page=2,
             deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))),
        Task("VP UBND tỉnh", "lead", "Báo cáo kết quả kiểm soát TTHC", 50, 80, agency_name="Văn phòng UBND tỉnh",
             deadline=Deadline("định kỳ hằng quý", recurrence=["FREQ=MONTHLY;INTERVAL=3"])),
    ]


def test_json_contract(tasks):
    meta = DocumentMetadata(title="Kế hoạch CCHC", doc_type="Kế hoạch", number="12/KH-UBND", issued_on=date(2025, 1, 2))
    payload = json.loads(render(meta, tasks, "json"))
    assert payload["document"] == {"title": "Kế hoạch CCHC", "doc_type": "Kế hoạch", "number": "12/KH-UBND",
                                   "issued_on": "2025-01-02", "issuer": None}
    first = payload["tasks"][0]
    # Tasks not stored yet keep the stable contract exactly (no id, no tracking fields).
    assert set(first) == {"agency", "agency_id", "agency_name", "role", "task", "deadline", "criteria", "source"}
    assert first["deadline"]["due"] == "2025-12-15" and first["source"] == {"start": 10, "end": 40, "page": 2}


def test_table_shows_canonical_agency_and_role(tasks):
    out = render(None, tasks, "table").decode("utf-8")
    assert "Văn phòng UBND tỉnh" in out and "Phối hợp" in out and "Nhiệm vụ (3)" in out


def test_unknown_format_names_the_choices(tasks):
    with pytest.raises(ValueError, match="csv, ics, json, table, xlsx"):
        render(None, tasks, "pdf")
