"""The tracker in the web UI: the Nhiệm vụ list (status, timeliness, filters, quick action, import form), the
task page, adding a task on the document page, a criterion's evidence and the Tổng quan dashboard; write
controls for editors only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from parlens.search_api.http import create_app
from parlens.search_api.http.keys import create_key
from parlens.settings import Settings

from .conftest import PLAN_PDF, local_client, upload

FAR_FUTURE = "2099-01-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """One app with the plan PDF and two keys: ``site.reader`` and ``site.editor`` are request headers."""
    data = tmp_path_factory.mktemp("parlens-web-tracker")
    with local_client(create_app(Settings(data_dir=data))) as client:
        assert upload(client, PLAN_PDF).status_code == 201
        store = client.app.state.service.store
        client.reader = {"X-API-Key": create_key(store, "reader", label="web reader").secret}
        client.editor = {"X-API-Key": create_key(store, "editor", label="web editor").secret}
        client.doc_id = client.get("/documents", headers=client.editor).json()["documents"][0]["id"]
        client.tasks = client.get("/tasks", params={"document": client.doc_id, "limit": 5000},
                                  headers=client.editor).json()["tasks"]
        yield client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _row(page: str, task_id: int) -> str:
    match = re.search(rf'<tr id="task-{task_id}".*?</tr>', page, re.S)
    assert match, f"no row for task {task_id}"
    return match.group(0)


def _recurring(site) -> dict:
    return next(t for t in site.tasks if t["deadline"] and t["deadline"]["recurrence"])


def test_tasks_page_shows_status_timeliness_due_and_assignee(site) -> None:
    page = site.get("/nhiem-vu", params={"document": site.doc_id, "on": FAR_FUTURE}, headers=site.reader).text
    head = _text(re.search(r"<thead>.*?</thead>", page, re.S).group(0))
    for column in ("Tình trạng", "Tiến độ", "Thời hạn", "Người thực hiện"):
        assert column in head
    dated = next(t for t in site.tasks if t["tracking"]["due"] and t["tracking"]["status"] != "hoan_thanh")
    row = _row(page, dated["id"])
    assert 'class="task-row overdue' in row and "⚠ Quá hạn" in _text(row)  # overdue: a class and a word, not colour only
    recurring = _recurring(site)
    assert "lặp lại" in _text(_row(page, recurring["id"]))
    assert f'href="/nhiem-vu/{dated["id"]}"' in row


def test_write_controls_are_for_editors_only(site) -> None:
    task = site.tasks[0]
    editor = {"list": site.get("/nhiem-vu", headers=site.editor).text,
              "task": site.get(f"/nhiem-vu/{task['id']}", headers=site.editor).text,
              "doc": site.get(f"/van-ban/{site.doc_id}", headers=site.editor).text,
              "criterion": site.get("/tieu-chi/PAR.1", headers=site.editor).text}
    reader = {name: site.get(url, headers=site.reader).text for name, url in (
        ("list", "/nhiem-vu"), ("task", f"/nhiem-vu/{task['id']}"), ("doc", f"/van-ban/{site.doc_id}"),
        ("criterion", "/tieu-chi/PAR.1"))}
    controls = {"list": ('class="small mark-done"', 'id="import-form"'),
                "task": ('id="status-form"', 'id="edit-form"', 'id="delete-task"', 'class="card stack evidence-form"'),
                "doc": ('id="add-task-form"', "data-selectable"),
                "criterion": ('class="card stack evidence-form"',)}
    for name, marks in controls.items():
        for mark in marks:
            assert mark in editor[name], (name, mark)
            assert mark not in reader[name], (name, mark)
    assert "Nhập Excel" in editor["list"] and "Nhập Excel" not in reader["list"]
    assert 'id="history"' in reader["task"] and "Tài liệu kiểm chứng" in reader["task"]


def test_filters_by_status_timeliness_and_scope(site) -> None:
    task = site.tasks[1]
    done = site.patch(f"/tasks/{task['id']}", json={"status": "hoan_thanh", "assignee": "Phòng CCHC"}, headers=site.editor)
    assert done.status_code == 200
    page = site.get("/nhiem-vu", params={"status": "hoan_thanh"}, headers=site.reader).text
    assert "1 nhiệm vụ" in page and "Phòng CCHC" in _row(page, task["id"])
    assert "✓ Xong" not in page  # the reader has no action column
    for params, api in (({"timeliness": "qua_han", "on": FAR_FUTURE}, {"timeliness": "qua_han", "on": FAR_FUTURE}),
                        ({"year": "2026"}, {"year": 2026}), ({"year": "2019"}, {"year": 2019}),
                        ({"province": "Nghệ An"}, {"province": "Nghệ An"}), ({"province": "Cà Mau"}, {"province": "Cà Mau"}),
                        ({"issuer": "Nghệ An"}, {"issuer": "Nghệ An"})):
        total = site.get("/tasks", params=api, headers=site.reader).json()["total"]
        shown = site.get("/nhiem-vu", params=params, headers=site.reader).text
        assert f"<small class=\"muted\">{total} nhiệm vụ</small>" in shown, params
    assert site.get("/tasks", params={"province": "Cà Mau"}, headers=site.reader).json()["total"] == 0
    for bad in ({"status": "xong"}, {"timeliness": "som"}, {"year": "hai nghìn"}, {"on": "mai"}):
        answer = site.get("/nhiem-vu", params=bad, headers=site.reader)
        assert answer.status_code == 400 and "PARLENS-E052" in answer.text, bad


def test_overdue_today_link_keeps_every_other_filter(site) -> None:
    agency = site.get("/agencies", headers=site.reader).json()["agencies"][0]["agency_id"]
    page = site.get("/nhiem-vu", params={"agency": agency, "role": "lead", "year": "2026", "timeliness": "chua_den_han",
                                         "on": "2026-01-01", "criterion": "PAR"}, headers=site.reader).text
    href = unescape(re.search(r'id="overdue-today" href="([^"]+)"', page).group(1))
    query = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", href))
    assert query["agency"] == agency and query["role"] == "lead" and query["year"] == "2026" and query["criterion"] == "PAR"
    assert "timeliness" not in query and "on" not in query and re.fullmatch(r"\d{4}-\d{2}-\d{2}", query["overdue_on"])
    assert site.get(href, headers=site.reader).status_code == 200


def test_task_page_shows_source_status_history_and_occurrences(site) -> None:
    task = site.tasks[2]
    changed = site.patch(f"/tasks/{task['id']}", json={"role": "support", "deadline": "30/9/2026", "criteria": ["PAR.2.1"]},
                         headers=site.editor)
    assert changed.status_code == 200, changed.text
    page = site.get(f"/nhiem-vu/{task['id']}", headers=site.reader).text
    source = unescape(re.search(r'id="task-source" href="([^"]+)"', page).group(1))
    assert source == f"/van-ban/{site.doc_id}?tu={task['source']['start']}&den={task['source']['end']}#doan"
    history = _text(re.search(r'id="history".*?</table>', page, re.S).group(0))
    assert "Khóa API #" in history and "Cập nhật" in history
    assert "Vai trò Chủ trì Phối hợp" in history and "Thời hạn" in history and "30/09/2026" in history
    assert "PAR.2.1" in history
    assert "đã được sửa" in page
    recurring = _recurring(site)
    page = site.get(f"/nhiem-vu/{recurring['id']}", params={"on": "2026-12-31"}, headers=site.editor).text
    assert 'id="occurrences"' in page and 'class="small occurrence-set"' in page and "lặp lại:" in page
    missing = site.get("/nhiem-vu/999999", headers=site.reader)
    assert missing.status_code == 404 and "PARLENS-E026" in missing.text and missing.headers["content-type"].startswith("text/html")


def test_document_page_blocks_carry_offsets_and_tasks_link_to_their_page(site) -> None:
    doc = site.get(f"/documents/{site.doc_id}", headers=site.reader).json()
    page = site.get(f"/van-ban/{site.doc_id}", headers=site.editor).text
    starts = re.findall(r'<(p|h3|td)[^>]* data-start="(\d+)"[^>]*>(.*?)</\1>', page, re.S)
    assert len(starts) > 20
    for _, start, inner in starts:
        text = unescape(re.sub(r"<[^>]+>", "", inner))
        assert doc["text"][int(start):int(start) + len(text)] == text  # a selection's offset is start + its position
    for task in site.tasks[:5]:
        assert f'href="/nhiem-vu/{task["id"]}"' in page


def test_adding_a_task_from_the_text_then_deleting_it(site) -> None:
    doc = site.get(f"/documents/{site.doc_id}", headers=site.reader).json()
    block = next(b for b in doc["blocks"] if b["kind"] == "paragraph" and len(b["text"]) > 40)
    added = site.post(f"/documents/{site.doc_id}/tasks", headers=site.editor,
                      json={"agency": "Sở Nội vụ", "task": block["text"], "start": block["start"], "end": block["end"]})
    assert added.status_code == 201, added.text
    new_id = added.json()["id"]
    page = site.get(f"/nhiem-vu/{new_id}", params={"thong_bao": "them"}, headers=site.reader).text
    assert "Đã thêm nhiệm vụ." in page and "Do người dùng thêm" in page and "Thêm nhiệm vụ" in _text(page)
    assert site.get(f"/nhiem-vu/{new_id}", params={"thong_bao": "<b>x</b>"}, headers=site.reader).text.count("<b>x") == 0
    assert site.delete(f"/tasks/{new_id}", headers=site.editor).status_code == 204
    assert site.get(f"/nhiem-vu/{new_id}", headers=site.reader).status_code == 404


def test_criterion_page_lists_evidence_and_tasks_without_any(site) -> None:
    task = next(t for t in site.tasks if any(c["code"].startswith("PAR.1") for c in t["criteria"]))
    before = site.get("/tieu-chi/PAR.1", headers=site.reader).text
    without = re.search(r'id="tasks-without-evidence".*?</table>', before, re.S).group(0)
    assert f'href="/nhiem-vu/{task["id"]}"' in without
    attached = site.post(f"/tasks/{task['id']}/evidence", headers=site.editor, data={"document_id": str(site.doc_id),
                                                                                      "note": "Kế hoạch đã ban hành"})
    assert attached.status_code == 201, attached.text
    own = site.post("/criteria/PAR.1/evidence", headers=site.editor,
                    files={"file": ("bao-cao <quy>.pdf", b"%PDF-1.4 bao cao", "application/pdf")})
    assert own.status_code == 201, own.text
    after = site.get("/tieu-chi/PAR.1", headers=site.reader).text
    section = re.search(r'id="criterion-evidence".*?</section>', after, re.S).group(0)
    assert "bao-cao &lt;quy&gt;.pdf" in section and f'/evidence/{own.json()["id"]}/file' in section
    assert "Kế hoạch đã ban hành" in section and f'href="/nhiem-vu/{task["id"]}"' in section
    without = re.search(r'id="tasks-without-evidence".*?</table>', after, re.S).group(0)
    assert f'href="/nhiem-vu/{task["id"]}"' not in without
    task_page = site.get(f"/nhiem-vu/{task['id']}", headers=site.editor).text
    assert "Kế hoạch đã ban hành" in task_page and 'class="link remove-evidence"' in task_page


def test_dashboard_charts_and_tables_carry_the_list_numbers(site) -> None:
    page = site.get("/tong-quan", params={"on": "2026-06-01"}, headers=site.reader)
    assert page.status_code == 200
    body = page.text
    assert '<a href="/tong-quan" class="on">Tổng quan</a>' in body
    svgs = re.findall(r"<svg.*?</svg>", body, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.find("{http://www.w3.org/2000/svg}title").text
    for table in ("table-status", "table-timeliness", "table-agencies"):
        rows = re.findall(r'<tr data-key="([^"]*)"><th scope="row">(?:<a href="([^"]+)">)?[^<]*(?:</a>)?</th>'
                          r'<td class="num">(\d+)</td>', re.search(rf'id="{table}".*?</table>', body, re.S).group(0))
        assert rows
        for key, href, value in rows:
            if href:  # the list the number links to has that many tasks
                listed = site.get(unescape(href), headers=site.reader).text
                assert f'<small class="muted">{value} nhiệm vụ</small>' in listed, (table, key)
    total = site.get("/tasks", params={"on": "2026-06-01"}, headers=site.reader).json()["total"]
    assert f'id="kpi-total">{total}<' in body
    overdue = site.get("/tasks", params={"overdue_on": "2026-06-01"}, headers=site.reader).json()["total"]
    assert f'id="kpi-overdue">{overdue}<' in body
    # each chart's description names the same numbers as its table
    status_desc = ET.fromstring(svgs[0]).find("{http://www.w3.org/2000/svg}desc").text
    for label, value in re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a></th><td class="num">(\d+)</td>',
                                   re.search(r'id="table-status".*?</table>', body, re.S).group(0)):
        assert f"{label}: {value} nhiệm vụ" in status_desc
    assert "Tiêu chí chưa có nhiệm vụ" in body and 'id="due-soon"' in body
    empty = site.get("/tong-quan", params={"province": "Cà Mau"}, headers=site.reader).text
    assert 'id="kpi-total">0<' in empty
    assert site.get("/tong-quan", params={"year": "x"}, headers=site.reader).status_code == 400


def test_docstring_examples() -> None:
    import doctest

    import parlens.search_api.web.tracker_pages as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_pages_take_the_office_scope_of_the_app(data_dir) -> None:
    """The scope comes from the settings the app was created with, as the API's does, not from the environment."""
    with local_client(create_app(Settings(data_dir=data_dir, scope_province="Cà Mau"))) as client:
        assert upload(client, PLAN_PDF).status_code == 201  # a Nghệ An plan: outside the office's scope
        assert client.get("/tasks").json()["total"] == 0
        assert "<small class=\"muted\">0 nhiệm vụ</small>" in client.get("/nhiem-vu").text
        everything = client.get("/tasks", params={"province": ""}).json()["total"]
        assert everything > 0
        assert f"<small class=\"muted\">{everything} nhiệm vụ</small>" in client.get("/nhiem-vu?province=").text
        board = _text(client.get("/tong-quan").text)
        assert re.search(r"\b0 nhiệm vụ\b", board), board[:300]
