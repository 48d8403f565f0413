"""The tracker round trip over HTTP (export xlsx, fill in, POST /tasks/import) and the per-agency calendar feed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from parlens.search_api.http.keys import create_key
from parlens.reports.tracker_sheet import HEADERS

from .conftest import upload

PLAN = (
    "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
    "1. Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/6/2026.\n"
    "2. Văn phòng UBND tỉnh báo cáo kết quả kiểm soát thủ tục hành chính trước ngày 15 hằng tháng.\n"
    "3. Sở Tài chính chủ trì bố trí kinh phí thực hiện kế hoạch.\n"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _col(name: str) -> int:
    return HEADERS.index(name) + 1


@pytest.fixture
def plan(client) -> dict[str, int]:
    """The plan stored; task ids by agency id."""
    answer = upload(client, ("ke-hoach.txt", PLAN.encode("utf-8")))
    assert answer.status_code == 201, answer.text
    tasks = client.get("/tasks").json()["tasks"]
    return {t["agency_id"]: t["id"] for t in tasks}


def _sheet(client):
    answer = client.get("/tasks", params={"format": "xlsx"})
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(answer.content))
    return wb, wb["Nhiệm vụ"]


def _row_of(ws, task_id: int) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == task_id)


def _bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _post(client, data: bytes, **kw):
    return client.post("/tasks/import", files={"file": ("theo-doi.xlsx", data, XLSX)}, **kw)


def _state(client) -> dict[int, tuple]:
    tasks = client.get("/tasks").json()["tasks"]
    return {t["id"]: tuple(t["tracking"][k] for k in ("status", "completed_on", "assignee", "note")) for t in tasks}


def test_import_applies_changes_and_says_what_changed(client, plan):
    wb, ws = _sheet(client)
    lead = _row_of(ws, plan["so-noi-vu"])
    ws.cell(lead, _col("Tình trạng")).value = "Hoàn thành"
    ws.cell(lead, _col("Ngày hoàn thành")).value = date(2026, 6, 20)
    ws.cell(lead, _col("Người thực hiện")).value = "Chị Lan"
    partner = _row_of(ws, plan["so-tu-phap"])
    ws.cell(partner, _col("Ghi chú")).value = "đã gửi ý kiến"
    answer = _post(client, _bytes(wb))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["updated"], body["unchanged"], body["errors"]) == (2, len(plan) - 2, 0)
    by_id = {r["task_id"]: r for r in body["rows"]}
    assert by_id[plan["so-noi-vu"]] == {"row": lead, "task_id": plan["so-noi-vu"], "result": "updated", "reason": None}
    assert by_id[plan["so-tai-chinh"]]["result"] == "unchanged"
    state = _state(client)
    assert state[plan["so-noi-vu"]] == ("hoan_thanh", "2026-06-20", "Chị Lan", None)
    assert state[plan["so-tu-phap"]][3] == "đã gửi ý kiến"
    # The same sheet again changes nothing.
    again = _post(client, _bytes(wb)).json()
    assert (again["updated"], again["errors"]) == (0, 0)


def test_a_recurring_row_marks_the_occurrence_it_was_exported_for(client, plan):
    wb, ws = _sheet(client)
    row = _row_of(ws, plan["van-phong-ubnd-tinh"])
    due = ws.cell(row, _col("Thời hạn")).value.date()
    assert ws.cell(row, _col("Lặp lại")).value == "hằng tháng, ngày 15"
    ws.cell(row, _col("Tình trạng")).value = "Hoàn thành"
    answer = _post(client, _bytes(wb))
    assert answer.status_code == 200 and answer.json()["updated"] == 1
    detail = client.get(f"/tasks/{plan['van-phong-ubnd-tinh']}").json()
    done = [o for o in detail.get("occurrences", []) if o["status"] == "hoan_thanh"]
    assert [o["due"] for o in done] == [due.isoformat()]


def test_any_row_error_applies_nothing(client, plan):
    before = _state(client)
    wb, ws = _sheet(client)
    ws.cell(_row_of(ws, plan["so-noi-vu"]), _col("Người thực hiện")).value = "Anh Minh"
    ws.cell(_row_of(ws, plan["so-tai-chinh"]), _col("Tình trạng")).value = "xong"
    bad_date = _row_of(ws, plan["so-tu-phap"])
    ws.cell(bad_date, _col("Ngày hoàn thành")).value = "31/02/2026"
    ws.cell(ws.max_row + 1, 1).value = 999_999  # a task that does not exist
    ws.cell(ws.max_row, _col("Ghi chú")).value = "?"
    answer = _post(client, _bytes(wb))
    assert answer.status_code == 422
    body = answer.json()
    assert body["errors"] == 3 and body["updated"] == 0 and body["unchanged"] == len(body["rows"]) - 3
    reasons = {r["task_id"]: r["reason"] for r in body["rows"] if r["result"] == "error"}
    assert reasons[plan["so-tai-chinh"]].startswith('Tình trạng "xong" không hợp lệ')
    assert reasons[plan["so-tu-phap"]] == 'Ngày hoàn thành "31/02/2026" không phải là ngày (dd/mm/yyyy)'
    assert reasons[999_999] == "không có nhiệm vụ Mã 999999 (đã xoá hoặc chưa từng có)"
    waiting = next(r for r in body["rows"] if r["task_id"] == plan["so-noi-vu"])
    assert waiting["result"] == "unchanged" and waiting["reason"].startswith("chưa áp dụng")
    assert _state(client) == before


@pytest.mark.parametrize(("data", "code"), [
    (b"Ma;Tinh trang\n1;Hoan thanh\n", "PARLENS-E013"),
    (b"", "PARLENS-E001"),
])
def test_a_bad_workbook_changes_nothing(client, plan, data, code):
    before = _state(client)
    answer = _post(client, data)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    assert _state(client) == before


def test_import_needs_the_editor_role(client, plan):
    store = client.app.state.service.store
    reader, editor = (create_key(store, role).secret for role in ("reader", "editor"))
    wb, _ = _sheet_with(client, editor)
    assert _post(client, _bytes(wb)).status_code == 401
    denied = _post(client, _bytes(wb), headers={"X-API-Key": reader})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "PARLENS-E051"
    assert _post(client, _bytes(wb), headers={"X-API-Key": editor}).status_code == 200


def _sheet_with(client, key: str):
    answer = client.get("/tasks", params={"format": "xlsx"}, headers={"X-API-Key": key})
    wb = load_workbook(io.BytesIO(answer.content))
    return wb, wb["Nhiệm vụ"]


# -- the calendar feed --------------------------------------------------------------------------------


def test_agency_feed_lists_its_tasks_as_events(client, plan):
    answer = client.get("/lich/so-tu-phap.ics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert "set-cookie" not in answer.headers
    cal = Calendar.from_ical(answer.content)
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == f"parlens-task-{plan['so-tu-phap']}@parlens"
    assert event.decoded("dtstart") == date(2026, 6, 30)
    assert "[Phối hợp] Sở Tư pháp" in str(event["summary"])
    assert "Cơ quan chủ trì: Sở Nội vụ" in str(event["description"])  # the lead, though the feed lists Sở Tư pháp only
    assert "Sở Tư pháp" in str(cal["x-wr-calname"])
    recurring = Calendar.from_ical(client.get("/lich/van-phong-ubnd-tinh.ics").content).walk("VEVENT")[0]
    assert recurring["rrule"]["FREQ"] == ["MONTHLY"] and recurring["rrule"]["BYMONTHDAY"] == [15]


def test_unknown_agency_is_404_with_the_error_shape(client, plan):
    answer = client.get("/lich/so-khong-co.ics")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "PARLENS-E032"


def test_feed_takes_a_token_when_keys_exist(client, plan):
    store = client.app.state.service.store
    reader = create_key(store, "reader", label="lịch").secret
    assert client.get("/lich/so-noi-vu.ics").status_code == 401
    wrong = client.get("/lich/so-noi-vu.ics", params={"token": "plk_deadbeef_not-a-key"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "PARLENS-E050"
    ok = client.get("/lich/so-noi-vu.ics", params={"token": reader})
    assert ok.status_code == 200 and b"BEGIN:VEVENT" in ok.content and "set-cookie" not in ok.headers
    assert client.get("/lich/so-noi-vu.ics", headers={"X-API-Key": reader}).status_code == 200
    # The token opens the feed only, never another route.
    assert client.get("/tasks", params={"token": reader}).status_code == 401


def test_a_revoked_token_stops_the_feed(client, plan):
    from parlens.search_api.http.keys import revoke_key

    store = client.app.state.service.store
    created = create_key(store, "reader")
    assert client.get("/lich/so-noi-vu.ics", params={"token": created.secret}).status_code == 200
    revoke_key(store, created.key.id)
    assert client.get("/lich/so-noi-vu.ics", params={"token": created.secret}).status_code == 401
