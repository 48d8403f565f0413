"""The tracker's web pages: one task (/nhiem-vu/{id}) with its status, corrections, history and evidence, and
the Tổng quan dashboard (/tong-quan) with charts drawn on the server.

Pages only read; every change goes through the JSON API (PATCH/DELETE /tasks/{id}, POST …/evidence) from
the page's own script, so a reader sees the same pages without the write controls. History reads in
Vietnamese:

>>> change_rows({"status": "chua_thuc_hien", "due": "2025-10-15"}, {"status": "hoan_thanh", "due": "2025-10-15"})
[{'field': 'Tình trạng', 'before': 'Chưa thực hiện', 'after': 'Hoàn thành'}]
>>> actor_vi("local"), actor_vi("key:3")
('Máy cục bộ', 'Khóa API #3')
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from parlens.search_api.http.deps import Reader, StoreDep
from parlens.search_api.http.validation import id_path, parse_day, text_query

router = APIRouter(include_in_schema=False)
VIETNAM = timezone(timedelta(hours=7), "ICT")

ACTION_VI = {"edit": "Cập nhật", "add": "Thêm nhiệm vụ", "delete": "Xóa", "import": "Nhập từ Excel",
             "evidence": "Minh chứng"}
FIELD_VI = {
    "status": "Tình trạng", "completed_on": "Ngày hoàn thành", "assignee": "Người thực hiện", "note": "Ghi chú",
    "agency": "Cơ quan", "agency_id": "Mã cơ quan", "agency_name": "Tên chuẩn của cơ quan",
    "role": "Vai trò", "task": "Nhiệm vụ", "deadline": "Thời hạn", "due": "Hạn", "recurrence": "Lặp lại",
    "criteria": "Tiêu chí", "occurrence": "Kỳ", "evidence": "Minh chứng", "document_id": "Văn bản",
    "file_name": "Tệp",
}
# Fields that say nothing to staff (ids, offsets, internal flags); the readable fields change beside them.
_QUIET = ("agency_id", "deadline_start", "deadline_end", "within", "working_time", "edited", "updated_at")


def _vn_day(value: Any) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def when_vi(stamp: str | None, zone: tzinfo | None = None) -> str:
    """A stored UTC time as staff read it, ``dd/mm/yyyy HH:MM``, in ``zone`` (the server's own zone when None,
    the same clock that says what "today" is).

    >>> when_vi("2025-10-15T02:30:00+00:00", VIETNAM)
    '15/10/2025 09:30'
    """
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%d/%m/%Y %H:%M")


def actor_vi(actor: str | None) -> str:
    """Who made a change, in words: the local machine or an API key by its number."""
    if not actor or actor == "local":
        return "Máy cục bộ"
    if actor.startswith("key:"):
        return f"Khóa API #{actor[4:]}"
    return actor


def value_vi(field: str, value: Any) -> str:
    """One recorded value in words (status and role labels, dates dd/mm/yyyy, lists joined, empty as —).

    >>> value_vi("role", "support"), value_vi("completed_on", "2025-10-16"), value_vi("criteria", ["PAR.7", "PAR.2"])
    ('Phối hợp', '16/10/2025', 'PAR.7, PAR.2')
    """
    from parlens.tracking.status import STATUS_VI

    if value is None or value == "" or value == []:
        return "—"
    if field == "status":
        return STATUS_VI.get(value, str(value))
    if field == "role":
        return {"lead": "Chủ trì", "support": "Phối hợp"}.get(value, str(value))
    if field in ("completed_on", "due"):
        return _vn_day(value)
    if field == "recurrence":
        from parlens.reports.tracker_sheet import recurrence_vi

        return recurrence_vi(value) or "—"
    if field == "occurrence" and isinstance(value, dict):
        parts = [f"kỳ hạn {_vn_day(value.get('due'))}"]
        if "status" in value:
            parts.append(STATUS_VI.get(value["status"], str(value["status"])))
        if value.get("completed_on"):
            parts.append(f"xong {_vn_day(value['completed_on'])}")
        return ", ".join(parts)
    if field == "evidence":
        return f"#{value}"
    if field == "document_id":
        return f"Văn bản #{value}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def change_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """The fields a change touched, each ``{field, before, after}`` in words; unchanged fields are left out."""
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new or key in _QUIET:
            continue
        if key == "agency_name" and (old, new) == (before.get("agency"), after.get("agency")):
            continue  # the canonical name reads as written: one row says it
        rows.append({"field": FIELD_VI.get(key, key), "before": value_vi(key, old), "after": value_vi(key, new)})
    return rows


def history_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A task's history newest first, as the page shows it: when, who, what, and the fields before/after."""
    out = []
    for entry in reversed(history):
        action = entry["action"]
        if action in ("add", "delete"):
            changes = []  # a whole snapshot: the task itself is on the page
        else:
            changes = change_rows(entry.get("before") or {}, entry.get("after") or {})
        out.append({"at": when_vi(entry.get("at")), "actor": actor_vi(entry.get("actor")),
                    "action": ACTION_VI.get(action, action), "changes": changes})
    return out


# -- one task -----------------------------------------------------------------------------------------


@router.get("/nhiem-vu/{task_id}", response_class=HTMLResponse)
def task_page(
    request: Request,
    store: StoreDep,
    caller: Reader,
    task_id: Annotated[int, id_path("Task id.")],
    on: Annotated[str, text_query()] = "",
) -> HTMLResponse:
    """A task with its source, status (and occurrences), correction form, history and evidence."""
    from parlens.reports.tracker_sheet import recurrence_vi
    from parlens.search_api.http.tasks import task_detail
    from parlens.search_api.web.pages import render
    from parlens.store import tracker

    day = parse_day(on, "on")
    st = tracker.get_task(store, task_id, on=day)
    detail = task_detail(store, task_id, day)
    history = history_rows(tracker.task_history(store, task_id))
    t = st.task
    source = f"/van-ban/{st.document_id}"
    if t.end > t.start:
        source += f"?tu={t.start}&den={t.end}#doan"
    occurrences = list(reversed(detail.get("occurrences", [])))  # the one due next first
    _, documents = store.list_documents(limit=500)
    return render(
        request, "task.html", st=st, t=t, detail=detail, source=source, history=history, occurrences=occurrences,
        recurrence=recurrence_vi(t.deadline.recurrence) if t.deadline and t.deadline.recurrence else "",
        evidence=detail["evidence"], documents=documents,
        criteria_codes=", ".join(c.code for c in t.criteria), api=f"/tasks/{task_id}",
        today=date.today().isoformat(),
    )


# -- Tổng quan ----------------------------------------------------------------------------------------


def _list_link(scope: dict[str, Any], **filters: Any) -> str:
    """A link to the Nhiệm vụ list with the dashboard's scope and reference date plus ``filters``."""
    items = [(k, v) for k, v in scope.items() if v is not None]
    items += [(k, v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v is not None]
    return "/nhiem-vu?" + urlencode(items)


@router.get("/tong-quan", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    store: StoreDep,
    caller: Reader,
    province: Annotated[str | None, text_query()] = None,
    issuer: Annotated[str | None, text_query()] = None,
    year: Annotated[str, text_query()] = "",
    on: Annotated[str, text_query()] = "",
) -> HTMLResponse:
    """Counts by status and timeliness, overdue by agency, due in 30 days, criteria gaps: charts and tables."""
    from parlens.reports.charts import Bar, bar_chart
    from parlens.reports.dashboard import build_dashboard
    from parlens.search_api.http.tasks import TaskFilters, scoped
    from parlens.search_api.web.pages import parse_year, render

    filters = scoped(TaskFilters(province=province, issuer=issuer, year=parse_year(year), on=parse_day(on, "on")),
                     request.app.state.settings)
    board = build_dashboard(store, on=filters.reference_date, province=filters.province, issuer=filters.issuer,
                            year=filters.year)
    scope = {"province": filters.province, "issuer": filters.issuer, "year": filters.year,
             "on": board.on.isoformat()}
    status_rows = [{"label": c.label, "value": c.value, "key": c.key, "href": _list_link(scope, status=c.key)}
                   for c in board.by_status]
    timeliness_rows = [{"label": c.label, "value": c.value, "key": c.key or "khong_han",
                        "href": _list_link(scope, timeliness=c.key) if c.key else None} for c in board.by_timeliness]
    agency_rows = [{"label": c.label, "value": c.value,
                    "href": _list_link(scope, agency=c.key, timeliness="qua_han") if c.key else None}
                   for c in board.overdue_by_agency]
    with_tasks = len(board.criteria) - len(board.criteria_without_tasks)
    with_evidence = len(board.criteria) - len(board.criteria_without_evidence)
    criteria_rows = [{"label": "Có nhiệm vụ", "value": with_tasks, "key": "co"},
                     {"label": "Chưa có nhiệm vụ", "value": len(board.criteria_without_tasks), "key": "chua_co"},
                     {"label": "Có minh chứng", "value": with_evidence, "key": "co"},
                     {"label": "Chưa có minh chứng", "value": len(board.criteria_without_evidence), "key": "chua_co"}]

    def chart(title: str, rows: list[dict[str, Any]], chart_id: str, unit: str = "nhiệm vụ") -> Markup:
        # Every text in the SVG is escaped by reports.charts; nothing else goes in.
        return Markup(bar_chart(title, [Bar(r["label"], r["value"], r.get("key") or "") for r in rows],
                                chart_id=chart_id, unit=unit))

    charts = {
        "status": chart("Nhiệm vụ theo tình trạng", status_rows, "chart-status"),
        "timeliness": chart("Nhiệm vụ theo tiến độ", timeliness_rows, "chart-timeliness"),
        "agencies": chart("Nhiệm vụ quá hạn theo cơ quan", agency_rows, "chart-agencies"),
        "criteria": chart("Tiêu chí PAR INDEX: nhiệm vụ và minh chứng", criteria_rows, "chart-criteria", "tiêu chí"),
    }
    due_soon_link = _list_link(scope, timeliness="chua_den_han", due_after=board.on, due_before=board.horizon)
    api = "/tasks?" + urlencode([*[(k, v) for k, v in scope.items() if v is not None]])
    return render(request, "dashboard.html", board=board, f=filters, charts=charts, status_rows=status_rows,
                  timeliness_rows=timeliness_rows, agency_rows=agency_rows, criteria_rows=criteria_rows,
                  due_soon_link=due_soon_link, overdue_link=_list_link(scope, timeliness="qua_han"),
                  all_link=_list_link(scope), api=api)
