"""End-to-end in headless Debian Chromium (Playwright, no browser download) against the app served by uvicorn.

Screenshots of every page go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from parlens.settings import REPO_ROOT, Settings

from .conftest import PLAN_PDF, SAMPLES, SCRIPT_TXT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(scripts/install-system-deps.sh installs it)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app on 127.0.0.1:<free port> in a background thread, over a fresh data folder."""
    import uvicorn

    from parlens.search_api.http import create_app

    data = tmp_path_factory.mktemp("parlens-browser")
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(data_dir=data)), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    else:
        pytest.fail("the app did not start")
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, accept_downloads=True, viewport={"width": 1280, "height": 900},
                                  locale="vi-VN")
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _ensure_plan(server: str) -> int:
    """Upload the plan PDF through the API (a duplicate answers with the existing id)."""
    answer = httpx.post(server + "/documents", files=[("files", (PLAN_PDF, (SAMPLES / PLAN_PDF).read_bytes()))], timeout=60)
    return answer.json()["files"][0]["document_id"]


def test_upload_a_corpus_file_and_see_its_tasks(page) -> None:
    page.goto("/tai-len")
    page.set_input_files("#files", str(SAMPLES / PLAN_PDF))
    page.click("#upload-form button[type=submit]")
    row = page.locator("#results tr.result").first
    row.wait_for(timeout=30_000)
    assert "Đã đọc" in row.inner_text() or "Đã có" in row.inner_text()
    shot(page, "tai-len")
    row.locator("td:nth-child(2) a").click()
    page.wait_for_url("**/van-ban/*")
    tasks = page.locator("table.tasks tbody tr")
    assert tasks.count() > 5
    assert page.locator(".doctext .hl.deadline").count() > 0 and page.locator(".doctext .hl.agency").count() > 0
    shot(page, "van-ban")


def test_search_without_diacritics_and_open_the_hit(page, server) -> None:
    _ensure_plan(server)
    page.goto("/tim-kiem")
    page.fill("input[name=q]", "cai cach thu tuc hanh chinh")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("article.hit")
    assert page.locator("article.hit mark").count() > 0
    shot(page, "tim-kiem")
    page.locator("article.hit h2 a").first.click()
    page.wait_for_url("**/van-ban/*#doan")
    anchor = page.locator("#doan")
    assert anchor.count() == 1
    assert page.locator(".hl.hit").first.is_visible()
    shot(page, "van-ban-doan")


def test_export_the_task_list(page, server) -> None:
    from openpyxl import load_workbook

    _ensure_plan(server)
    page.goto("/nhiem-vu")
    shot(page, "nhiem-vu")
    total = int(page.locator("h1 small").inner_text().split()[0])
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet.max_row == total + 1 and sheet["C1"].value == "Cơ quan chủ trì"
    with page.expect_download() as info:
        page.click("#export-ics")
    assert b"BEGIN:VEVENT" in Path(info.value.path()).read_bytes()


def test_open_a_criterion_and_its_responsible_agencies(page, server) -> None:
    _ensure_plan(server)
    page.goto("/tieu-chi")
    shot(page, "tieu-chi")
    page.locator(".criteria-tree li.depth-1:has(> span.count) > a:not(.code)").first.click()
    page.wait_for_url("**/tieu-chi/PAR*")
    assert "Ai chịu trách nhiệm" in page.locator("h1").inner_text()
    assert page.locator("#agencies tbody tr").count() >= 1
    assert "Chưa có cơ quan" not in page.locator("#agencies").inner_text()
    shot(page, "ai-chiu-trach-nhiem")
    page.goto("/tieu-chi")
    page.locator(".picklist input[type=checkbox]").first.check()
    page.click(".coverage-pick button")
    page.wait_for_url("**/bao-phu*")
    assert page.locator("td.heat").count() > 10 and page.locator(".gap-mark").count() > 0
    shot(page, "bao-phu")


def test_script_document_renders_as_text(page, server) -> None:
    answer = httpx.post(server + "/documents", files=[("files", ("thu-script.txt", SCRIPT_TXT.encode("utf-8")))], timeout=60)
    doc_id = answer.json()["files"][0]["document_id"]
    page.goto(f"/van-ban/{doc_id}")
    assert "<script>alert('parlens')</script>" in page.locator(".doctext").inner_text()
    assert page.evaluate("document.querySelectorAll('.doctext script, .doctext b').length") == 0
    page.goto("/tim-kiem?q=thu+nghiem+hien+thi")
    page.wait_for_selector("article.hit")
    assert page.dialogs == []
    shot(page, "script-as-text")


def test_api_docs_render_offline(page) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 12
    shot(page, "docs")
