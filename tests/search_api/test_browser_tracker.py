"""The tracker end to end in headless Chromium: mark a task done, correct a task and read its history, add a
task by selecting its passage, attach evidence, the Excel round trip through the page, and the dashboard.

The app runs key-less on 127.0.0.1, so the browser is the local admin and sees the editor's controls.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

from .conftest import PLAN_PDF, SAMPLES
from .test_browser import CHROMIUM, browser, server, shot  # noqa: F401  (fixtures shared with the other browser tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(scripts/install-system-deps.sh installs it)"),
]


@pytest.fixture(scope="module")
def plan(server) -> dict:
    """The plan PDF uploaded once: its id, text and tasks as the API gives them."""
    answer = httpx.post(server + "/documents", files=[("files", (PLAN_PDF, (SAMPLES / PLAN_PDF).read_bytes()))], timeout=120)
    doc_id = answer.json()["files"][0]["document_id"]
    doc = httpx.get(f"{server}/documents/{doc_id}", timeout=30).json()
    tasks = httpx.get(f"{server}/tasks", params={"document": doc_id, "limit": 5000}, timeout=30).json()["tasks"]
    return {"id": doc_id, "doc": doc, "tasks": tasks}


@pytest.fixture
def watched(browser, server):
    """A tab that accepts confirmations (recording them) and records every script error and failed request
    the console reports; a test ends by checking there were none."""
    context = browser.new_context(base_url=server, accept_downloads=True, viewport={"width": 1280, "height": 900},
                                  locale="vi-VN")
    tab = context.new_page()
    tab.errors, tab.dialogs = [], []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda msg: tab.errors.append(msg.text)
           if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    tab.on("response", lambda answer: tab.errors.append(f"{answer.status} {answer.url}")
           if answer.status >= 400 and not answer.url.endswith("/favicon.ico") else None)
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.accept()))
    yield tab
    context.close()


def _task(server: str, task_id: int) -> dict:
    return httpx.get(f"{server}/tasks/{task_id}", timeout=30).json()


def _one_off(plan: dict, skip: int = 0) -> dict:
    """A task with a single due date that is not done yet."""
    found = [t for t in plan["tasks"] if t["deadline"] and t["deadline"]["due"] and not t["deadline"]["recurrence"]]
    return found[skip]


def test_mark_a_task_done_from_the_list(watched, server, plan) -> None:
    page = watched
    task = _one_off(plan, 0)
    page.goto(f"/nhiem-vu?document={plan['id']}")
    row = page.locator(f"#task-{task['id']}")
    assert "Chưa thực hiện" in row.locator("td.status").inner_text()
    row.locator("button.mark-done").click()
    row.locator(".done-mark").wait_for()
    assert "Hoàn thành" in row.locator("td.status").inner_text()
    assert date.today().strftime("%d/%m/%Y") in row.locator("td.status").inner_text()
    assert "Đã đánh dấu hoàn thành" in page.locator("#task-message").inner_text()
    assert _task(server, task["id"])["tracking"]["status"] == "hoan_thanh"
    shot(page, "nhiem-vu-danh-dau")
    page.reload()
    assert "Hoàn thành" in page.locator(f"#task-{task['id']} td.status").inner_text()
    page.goto(f"/nhiem-vu?document={plan['id']}&status=hoan_thanh")
    assert page.locator(f"#task-{task['id']}").count() == 1
    assert page.errors == []


def test_correct_a_task_and_read_its_history(watched, server, plan) -> None:
    page = watched
    task = _one_off(plan, 1)
    page.goto(f"/nhiem-vu/{task['id']}")
    form = page.locator("#edit-form")
    form.locator("input[name=agency]").fill("Sở Tư pháp")
    form.locator("select[name=role]").select_option("support")
    form.locator("input[name=deadline]").fill("31/12/2026")
    form.locator("input[name=criteria]").fill("PAR.2.1, PAR.7")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**thong_bao=sua")
    assert "Đã lưu chỉnh sửa." in page.locator("#notice").inner_text()
    info = page.locator("#task-info").inner_text()
    assert "Sở Tư pháp" in info and "Phối hợp" in info and "31/12/2026" in info and "PAR.2.1" in info
    status = page.locator("#status-form")
    status.locator("select[name=status]").select_option("dang_thuc_hien")
    status.locator("input[name=assignee]").fill("Phòng Cải cách hành chính")
    status.locator("textarea[name=note]").fill("Đang lấy ý kiến các sở")
    status.locator("button[type=submit]").click()
    page.wait_for_url("**thong_bao=trang-thai")
    history = page.locator("#history").inner_text()
    for words in ("Sở Tư pháp", "Chủ trì", "Phối hợp", "31/12/2026", "PAR.2.1", "Đang thực hiện",
                  "Phòng Cải cách hành chính", "Máy cục bộ", "Cập nhật"):
        assert words in history, words
    shot(page, "nhiem-vu-chi-tiet")
    stored = _task(server, task["id"])
    assert stored["agency_id"] == "so-tu-phap" and stored["role"] == "support" and stored["tracking"]["edited"]
    assert stored["deadline"]["due"] == "2026-12-31" and {c["code"] for c in stored["criteria"]} == {"PAR.2.1", "PAR.7"}
    page.goto(f"/nhiem-vu?document={plan['id']}")
    assert "Phòng Cải cách hành chính" in page.locator(f"#task-{task['id']} td.assignee").inner_text()
    assert page.errors == []


def test_attach_evidence_to_a_task(watched, server, plan, tmp_path) -> None:
    page = watched
    task = _one_off(plan, 2)
    report = tmp_path / "bao-cao-quy-3.pdf"
    report.write_bytes(b"%PDF-1.4 bao cao quy 3")
    page.goto(f"/nhiem-vu/{task['id']}")
    form = page.locator("form.evidence-form")
    form.locator("input[name=file]").set_input_files(str(report))
    form.locator("input[name=note]").fill("Báo cáo quý III")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**thong_bao=minh-chung")
    item = page.locator(".evidence-list li.evidence")
    assert item.count() == 1 and "bao-cao-quy-3.pdf" in item.inner_text() and "Báo cáo quý III" in item.inner_text()
    form = page.locator("form.evidence-form")
    form.locator("input[name=kind][value=document]").check()
    form.locator("select[name=document_id]").select_option(str(plan["id"]))
    with page.expect_navigation():  # the address already ends in thong_bao=minh-chung: wait for the reload itself
        form.locator("button[type=submit]").click()
    assert page.locator(".evidence-list li.evidence").count() == 2
    assert len(_task(server, task["id"])["evidence"]) == 2
    assert page.errors == []


def test_add_a_task_by_selecting_its_passage(watched, server, plan) -> None:
    page = watched
    block = next(b for b in plan["doc"]["blocks"] if b["kind"] == "paragraph" and len(b["text"]) > 80)
    page.goto(f"/van-ban/{plan['id']}")
    # select characters 10..70 of the paragraph, across whatever highlight spans it holds
    page.evaluate("""([start, from, to]) => {
        const holder = document.querySelector(`.doctext [data-start="${start}"]`);
        const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let seen = 0, node;
        while ((node = walker.nextNode())) {
            const length = node.data.length;
            if (seen <= from && from < seen + length) range.setStart(node, from - seen);
            if (seen < to && to <= seen + length) { range.setEnd(node, to - seen); break; }
            seen += length;
        }
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        holder.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    }""", [block["start"], 10, 70])
    page.locator("#selection-bar").wait_for()
    form = page.locator("#add-task-form")
    chosen = plan["doc"]["text"][block["start"] + 10:block["start"] + 70]
    lead = len(chosen) - len(chosen.lstrip())
    trail = len(chosen) - len(chosen.rstrip())
    start, end = block["start"] + 10 + lead, block["start"] + 70 - trail
    assert form.locator("input[name=start]").input_value() == str(start)
    assert form.locator("input[name=end]").input_value() == str(end)
    assert form.locator("textarea[name=task]").input_value() == " ".join(chosen.split())
    shot(page, "van-ban-chon-doan")
    form.locator("input[name=agency]").fill("Sở Nội vụ")
    form.locator("input[name=deadline]").fill("30/11/2026")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/nhiem-vu/\d+\?thong_bao=them$"))
    new_id = int(re.search(r"/nhiem-vu/(\d+)", page.url).group(1))
    stored = _task(server, new_id)
    assert (stored["source"]["start"], stored["source"]["end"]) == (start, end)
    assert stored["tracking"]["origin"] == "human" and stored["agency_id"] == "so-noi-vu"
    page.locator("#task-source").click()
    page.wait_for_url("**#doan")
    assert page.locator(".hl.hit").first.is_visible()
    # and a wrong task goes away again, after the confirmation
    page.goto(f"/nhiem-vu/{new_id}")
    page.click("#delete-task")
    page.wait_for_url(f"**/van-ban/{plan['id']}?thong_bao=xoa")
    assert page.dialogs and f"#{new_id}" in page.dialogs[-1]
    assert "Đã xóa nhiệm vụ." in page.locator("#notice").inner_text()
    assert httpx.get(f"{server}/tasks/{new_id}", timeout=30).status_code == 404
    assert page.errors == []


def _fill_tracker(xlsx: bytes, rows: dict[int, tuple[str, date | str | None]]) -> bytes:
    """The exported tracker with Tình trạng / Ngày hoàn thành set on the rows of the given task ids."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Nhiệm vụ"] if "Nhiệm vụ" in book.sheetnames else book.active
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in ("Mã", "Tình trạng", "Ngày hoàn thành")}
    for r in range(2, sheet.max_row + 1):
        task_id = sheet.cell(r, col["Mã"]).value
        if task_id in rows:
            status, done_on = rows[task_id]
            sheet.cell(r, col["Tình trạng"]).value = status
            sheet.cell(r, col["Ngày hoàn thành"]).value = done_on
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(page, path: Path) -> str:
    page.locator("#import-box summary").click()
    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")
    page.locator("#import-summary").wait_for()
    return page.locator("#import-summary").inner_text()


def test_excel_round_trip_through_the_page(watched, server, plan, tmp_path) -> None:
    page = watched
    first, second = _one_off(plan, 3), _one_off(plan, 4)
    page.goto(f"/nhiem-vu?document={plan['id']}")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    exported = Path(info.value.path()).read_bytes()

    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(_fill_tracker(exported, {first["id"]: ("Hoàn thành", date(2026, 3, 1)), second["id"]: ("xong rồi", None)}))
    summary = _import(page, bad)
    assert "1 dòng lỗi" in summary and "chưa cập nhật" in summary
    error_row = page.locator("#import-result tr.import-row.error")
    assert error_row.count() == 1 and "xong rồi" in error_row.inner_text() and re.match(r"\d+", error_row.inner_text())
    assert _task(server, first["id"])["tracking"]["status"] == "chua_thuc_hien"  # nothing applied
    shot(page, "nhap-excel-loi")
    assert [e for e in page.errors if "/tasks/import" in e] == page.errors and len(page.errors) == 1  # the refused sheet
    page.errors.clear()

    good = tmp_path / "dung.xlsx"
    good.write_bytes(_fill_tracker(exported, {first["id"]: ("Hoàn thành", date(2026, 3, 1)),
                                              second["id"]: ("Hoàn thành", date(2026, 3, 2))}))
    page.goto(f"/nhiem-vu?document={plan['id']}")
    summary = _import(page, good)
    assert "2 nhiệm vụ được cập nhật" in summary
    assert page.locator("#import-result tr.import-row.updated").count() == 2
    shot(page, "nhap-excel")
    with page.expect_navigation():
        page.click("#import-refresh")
    for task, day in ((first, "01/03/2026"), (second, "02/03/2026")):
        cell = page.locator(f"#task-{task['id']} td.status").inner_text()
        assert "Hoàn thành" in cell and day in cell
    assert _task(server, first["id"])["tracking"]["completed_on"] == "2026-03-01"
    history = httpx.get(f"{server}/tasks/{first['id']}/history", timeout=30).json()["history"]
    assert history[-1]["action"] == "import"
    assert page.errors == []


def test_dashboard_numbers_match_the_task_list(watched, server, plan) -> None:
    page = watched
    page.goto("/tim-kiem")
    page.click("nav a[href='/tong-quan']")
    page.wait_for_url("**/tong-quan")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 4
    for i in range(4):
        assert charts.nth(i).locator("title").first.text_content()
    assert charts.nth(0).locator("rect.bar").count() == 3
    shot(page, "tong-quan")
    total = int(page.locator("#kpi-total").inner_text())
    page.goto("/nhiem-vu")
    assert int(page.locator("h1 small").inner_text().split()[0]) == total
    for table in ("#table-status", "#table-timeliness", "#table-agencies"):
        page.goto("/tong-quan")
        links = page.locator(f"{table} tbody th a")
        count = min(links.count(), 3)
        assert count > 0
        for i in range(count):
            page.goto("/tong-quan")
            link = page.locator(f"{table} tbody th a").nth(i)
            number = int(link.locator("xpath=../../td").inner_text())
            link.click()
            page.wait_for_url("**/nhiem-vu?*")
            assert int(page.locator("h1 small").inner_text().split()[0]) == number, (table, i)
    page.goto("/tong-quan")
    soon = int(page.locator("#kpi-due-soon").inner_text())
    assert page.locator("#due-soon tbody tr a").count() == soon
    page.click("#kpi-due-soon")
    page.wait_for_url("**/nhiem-vu?*")
    assert int(page.locator("h1 small").inner_text().split()[0]) == soon
    assert page.errors == []
