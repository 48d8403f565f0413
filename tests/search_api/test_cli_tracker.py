"""``parlens tasks-import FILE.xlsx``: the CLI twin of POST /tasks/import (per-row answer, exit codes, all or nothing)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parlens.model import Deadline, Document, DocumentMetadata, Task
from parlens.reports.exports import export_tasks
from parlens.reports.tracker_sheet import HEADERS
from parlens.search_api.cli import app


@pytest.fixture
def ids(store) -> list[int]:
    doc = Document(text="Kế hoạch\nNội dung kế hoạch cải cách hành chính.", blocks=[],
                   metadata=DocumentMetadata(doc_type="Kế hoạch", number="7/KH-UBND", issued_on=date(2026, 1, 5)))
    tasks = [Task("Sở Nội vụ", "lead", "Rà soát thủ tục", 0, 10, agency_id="so-noi-vu",
                  deadline=Deadline("trước ngày 30/6/2026", due=date(2026, 6, 30))),
             Task("Sở Tư pháp", "support", "Rà soát thủ tục", 0, 10, agency_id="so-tu-phap")]
    store.add_document(doc, b"plan", tasks, [])
    return [st.id for st in store.get_tasks()]


def _sheet(store, tmp_path, edit) -> str:
    wb = load_workbook(io.BytesIO(export_tasks(store.get_tasks(), "xlsx")))
    edit(wb["Nhiệm vụ"])
    path = tmp_path / "theo-doi.xlsx"
    wb.save(path)
    return str(path)


def _cell(ws, row: int, name: str):
    return ws.cell(row, HEADERS.index(name) + 1)


def _tracking(store) -> list[tuple]:
    return [(st.status, st.completed_on, st.assignee, st.note) for st in store.get_tasks()]


def test_import_updates_and_prints_each_row(store, ids, tmp_path):
    def edit(ws):
        _cell(ws, 2, "Tình trạng").value = "Hoàn thành"
        _cell(ws, 2, "Ngày hoàn thành").value = "25/06/2026"
        _cell(ws, 2, "Người thực hiện").value = "Chị Lan"

    result = CliRunner().invoke(app, ["tasks-import", _sheet(store, tmp_path, edit)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"dòng 2 · Mã {ids[0]}: updated" and lines[1] == f"dòng 3 · Mã {ids[1]}: unchanged"
    assert lines[-1] == "1 đã cập nhật, 1 không đổi, 0 lỗi"
    assert _tracking(store)[0] == ("hoan_thanh", date(2026, 6, 25), "Chị Lan", None)
    history = store._query("SELECT actor, action FROM task_history WHERE task_id = ?", (ids[0],))
    assert [(h["action"], h["actor"].startswith("cli")) for h in history] == [("import", True)]


def test_a_row_error_exits_1_and_changes_nothing(store, ids, tmp_path):
    before = _tracking(store)

    def edit(ws):
        _cell(ws, 2, "Ghi chú").value = "đã xong phần 1"
        _cell(ws, 3, "Tình trạng").value = "gần xong"

    result = CliRunner().invoke(app, ["tasks-import", _sheet(store, tmp_path, edit), "--format", "json"])
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert (answer["updated"], answer["unchanged"], answer["errors"]) == (0, 1, 1)
    assert answer["rows"][1]["result"] == "error" and "gần xong" in answer["rows"][1]["reason"]
    assert _tracking(store) == before


def test_a_bad_workbook_exits_2_and_changes_nothing(store, ids, tmp_path):
    before = _tracking(store)
    path = tmp_path / "theo-doi.xlsx"
    path.write_bytes(b"not a workbook")
    result = CliRunner().invoke(app, ["tasks-import", str(path)])
    assert result.exit_code == 2 and "PARLENS-E013" in result.output
    assert _tracking(store) == before
    missing = CliRunner().invoke(app, ["tasks-import", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2 and "PARLENS-E010" in missing.output
