"""A long upload shows its progress by page and says when OCR runs (issue 12, item 9).

The reader reports each page (``parlens.ingest.progress``); the worker process sends the reports to the
parent over its pipe before the file's answer; the job keeps the file being read, its stage and page; GET
/jobs/{id} returns them while the job runs and the upload page shows "Đang nhận dạng chữ (OCR) trang 3/6".
"""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
from typing import Any

import pytest

from parlens import pipeline
from parlens.ingest.progress import report
from parlens.search_api.http import jobs as jobs_module
from parlens.search_api.http import workers
from parlens.search_api.http.workers import IngestRequest, PageProgress, Worker
from parlens.settings import get_settings

from .conftest import upload

PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 41/KH-UBND\nHà Tĩnh, ngày 12 tháng 3 năm 2026\nKẾ HOẠCH\n"
        "Số hóa hồ sơ thủ tục hành chính năm 2026\n1. Sở Nội vụ chủ trì rà soát quy trình nội bộ, hoàn thành trước ngày 30/6/2026.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n")


def test_the_worker_sends_every_page_report_and_its_answer_carries_the_warnings(fake_stages, monkeypatch, tmp_path) -> None:
    def scanning_reader(data: bytes, name: str):
        for page in range(1, 4):
            report("ocr", page, 3)
        doc = fake_stages.read_bytes(data, name)
        doc.warnings.append("PARLENS-W003 page 2: no readable text")
        return doc

    monkeypatch.setattr(pipeline, "resolve_stages", lambda: fake_stages.stages(read_bytes=scanning_reader))
    spooled = tmp_path / "0000"
    spooled.write_text(PLAN, encoding="utf-8")
    heard: list[tuple[str, int, int]] = []
    answer = workers._ingest(IngestRequest(str(spooled), "ban-quet.pdf", get_settings(), 0, 0.0), {},
                             lambda *args: heard.append(args))
    assert heard == [("ocr", 1, 3), ("ocr", 2, 3), ("ocr", 3, 3)]
    assert answer["status"] == "ingested"
    assert answer["warnings"] == [{"code": "PARLENS-W003", "title": "page without readable text",
                                   "title_vi": "Trang không có chữ đọc được", "text": "PARLENS-W003 page 2: no readable text"}]


class _AliveProcess:
    exitcode = None

    def is_alive(self) -> bool:
        return True


def test_the_parent_hands_page_reports_to_its_listener_and_returns_the_answer() -> None:
    """The pipe carries PageProgress messages before the answer; the parent passes them on, then returns the answer."""
    parent, child = multiprocessing.Pipe()
    worker = object.__new__(Worker)  # the parent side only: the 'worker' is a thread on the other end of the pipe
    worker.conn, worker.process, worker.ready = parent, _AliveProcess(), True

    def fake_worker() -> None:
        request = child.recv()
        send = workers._progress_sender(child)
        for page in (1, 2):
            send("read", page, 6)
        send("ocr", 3, 6)
        child.send({"file": request.name, "status": "ingested"})

    thread = threading.Thread(target=fake_worker)
    thread.start()
    heard: list[tuple[str, int, int]] = []
    answer = worker.run(IngestRequest("/tmp/x", "ke-hoach.pdf", None, 0, 0.0), timeout=10,
                        on_progress=lambda *args: heard.append(args))
    thread.join(5)
    assert answer == {"file": "ke-hoach.pdf", "status": "ingested"}
    assert heard == [("read", 1, 6), ("read", 2, 6), ("ocr", 3, 6)]
    assert PageProgress("ocr", 3, 6).stage == "ocr"


class _HeldWorker:
    """A worker that reports page 3 of 6 in OCR, then waits until the test lets the file finish."""

    def __init__(self) -> None:
        self.reported = threading.Event()
        self.release = threading.Event()

    def run(self, request: IngestRequest, *, timeout: float, cancelled: Any = None, on_progress: Any = None) -> dict:
        on_progress("read", 1, 6)
        on_progress("ocr", 3, 6)
        self.reported.set()
        self.release.wait(20)
        return {"file": request.name, "status": "ingested", "document_id": None, "tasks": 0, "seconds": 0.0,
                "error": None, "ocr_pages": 6, "ocr_seconds": 0.0, "warnings": []}


def _wait(client, job_id: str, until) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if until(job):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_id}: condition not met in time")


def test_a_jobs_progress_is_visible_while_its_file_is_read(client, monkeypatch) -> None:
    held = _HeldWorker()
    monkeypatch.setattr(jobs_module.POOL, "checkout", lambda size: held)
    monkeypatch.setattr(jobs_module.POOL, "checkin", lambda worker: None)
    answer = upload(client, ("ban-quet-6-trang.pdf", b"%PDF-1.7 scanned"), background="true")
    assert answer.status_code == 202
    job_id = answer.json()["id"]
    assert held.reported.wait(20)
    running = _wait(client, job_id, lambda job: (job["progress"] or {}).get("stage") == "ocr")
    assert running["status"] == "running" and running["done"] == 0
    assert running["progress"] == {"seq": 0, "file": "ban-quet-6-trang.pdf", "stage": "ocr", "page": 3, "pages": 6}
    held.release.set()
    done = _wait(client, job_id, lambda job: job["status"] == "done")
    assert done["progress"] is None and done["files"][0]["status"] == "ingested"


# -- in Chromium: the upload page while a scan is OCRed -------------------------------------------------

from .test_browser import CHROMIUM, browser, page, server, shot  # noqa: E402,F401  (the shared browser fixtures)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
def test_the_upload_page_says_which_page_is_being_ocred(page, monkeypatch, tmp_path) -> None:
    from playwright.sync_api import expect

    held = _HeldWorker()
    monkeypatch.setattr(jobs_module.POOL, "checkout", lambda size: held)
    monkeypatch.setattr(jobs_module.POOL, "checkin", lambda worker: None)
    scan = tmp_path / "ban-quet-6-trang.pdf"
    scan.write_bytes(b"%PDF-1.7 scanned")
    page.goto("/tai-len")
    page.set_input_files("#files", str(scan))
    page.click("#upload-form button[type=submit]")
    status = page.locator("#upload-status")
    expect(status).to_have_text("Đang nhận dạng chữ (OCR) trang 3/6 · ban-quet-6-trang.pdf (tệp 1/1)…", timeout=20_000)
    shot(page, "tai-len-ocr")
    held.release.set()
    expect(status).to_have_text(re.compile("^Xong 1 tệp"), timeout=20_000)


@pytest.mark.slow
@pytest.mark.skipif(not __import__("parlens.ingest.ocr", fromlist=["x"]).tesseract_available(),
                    reason="tesseract is not installed (scripts/install-system-deps.sh installs it)")
def test_a_real_scan_reports_its_ocr_pages_through_the_worker_process(data_dir) -> None:
    """End to end: the PDF reader in a spawned worker reports each page; GET /jobs/{id} shows them while it runs."""
    from parlens.search_api.http import create_app
    from parlens.settings import Settings

    from .conftest import local_client
    from .test_jobs import blank_pdf

    with local_client(create_app(Settings(data_dir=data_dir, ocr_dpi=200))) as app:
        upload(app, ("khoi-dong.txt", "Sở Nội vụ chủ trì rà soát thủ tục.\n".encode()))  # a warm worker
        job_id = upload(app, ("ban-quet.pdf", blank_pdf(4)), background="true").json()["id"]
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = app.get(f"/jobs/{job_id}").json()
            if job["progress"] and job["progress"] not in seen:
                seen.append(job["progress"])
            if job["status"] == "done":
                break
            time.sleep(0.02)
        assert job["status"] == "done" and job["progress"] is None
        ocr = [p for p in seen if p["stage"] == "ocr"]
        assert ocr and all(p["pages"] == 4 and p["file"] == "ban-quet.pdf" for p in ocr), seen
        assert [p["page"] for p in ocr] == sorted(p["page"] for p in ocr) and len(ocr) >= 2, seen
