"""Uploads under attack and under load: worker processes, OCR and time budgets, request size, cancellation.

These go through the real app and its worker processes (spawned once per test session).
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest

from parlens.ingest.ocr import tesseract_available
from parlens.search_api.http import create_app
from parlens.settings import Settings

from .conftest import PLAN_PDF, local_client, upload

needs_tesseract = pytest.mark.skipif(not tesseract_available(),
                                     reason="tesseract is not installed (scripts/install-system-deps.sh installs it)")


def plan_pdf(number: int, pages: int = 3) -> bytes:
    """A distinct text PDF (reportlab) with an assignment on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        sheet.drawString(72, 770, f"KE HOACH so {number}/KH-UBND, trang {page + 1}")
        for line in range(12):
            sheet.drawString(72, 720 - 22 * line, f"{line + 1}. So Noi vu chu tri ra soat thu tuc {number}-{page}-{line}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def blank_pdf(pages: int) -> bytes:
    """A small PDF of blank pages: no text layer, so every page would go to OCR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _wait_job(client, job_id: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "cancelled"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} not finished in {seconds} s")


def test_concurrent_pdf_uploads_all_succeed_and_a_normal_upload_works_afterwards(client) -> None:
    """Before: 20 clients uploading PDFs broke PDFium for the life of the process (E003 for every PDF after)."""
    answers: list[tuple[int, str]] = []

    def send(thread: int) -> None:
        for n in range(5):
            number = thread * 100 + n
            answer = upload(client, (f"ke-hoach-{number}.pdf", plan_pdf(number)))
            answers.append((answer.status_code, answer.json()["files"][0]["status"]))

    threads = [threading.Thread(target=send, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert answers == [(201, "ingested")] * 30
    sample = upload(client, PLAN_PDF)
    assert sample.status_code == 201 and sample.json()["files"][0]["tasks"] > 0
    assert client.get("/documents").json()["total"] == 31


def test_a_request_over_the_size_limit_is_refused_before_anything_is_stored(data_dir: Path) -> None:
    with local_client(create_app(Settings(data_dir=data_dir, max_request_bytes=4096))) as small:
        answer = upload(small, ("lon.txt", "Sở Nội vụ chủ trì rà soát thủ tục.\n".encode() * 400))
        assert answer.status_code == 413 and answer.json()["error"]["code"] == "PARLENS-E054"
        assert small.get("/documents").json()["total"] == 0 and small.get("/jobs").json()["jobs"] == []
        assert upload(small, ("nho.txt", "Sở Nội vụ chủ trì rà soát thủ tục.\n".encode())).status_code == 201


def test_a_file_over_the_file_limit_is_refused_and_the_others_go_on(data_dir: Path) -> None:
    with local_client(create_app(Settings(data_dir=data_dir, max_file_bytes=2000))) as small:
        answer = upload(small, ("lon.txt", b"a" * 5000), ("nho.txt", "Sở Nội vụ chủ trì rà soát thủ tục.\n".encode()))
        files = answer.json()["files"]
        assert answer.status_code == 201 and [f["status"] for f in files] == ["failed", "ingested"]
        assert files[0]["error"]["code"] == "PARLENS-E004"
        assert not any((data_dir / "spool").rglob("*.*")) and not [p for p in (data_dir / "spool").rglob("*") if p.is_file()]


def test_a_background_job_is_durable_listed_and_its_spool_removed(client, data_dir: Path) -> None:
    answer = upload(client, ("a.pdf", plan_pdf(1)), ("b.pdf", plan_pdf(2)), background="true")
    assert answer.status_code == 202
    job = _wait_job(client, answer.json()["id"])
    assert [f["status"] for f in job["files"]] == ["ingested", "ingested"] and job["done"] == job["total"] == 2
    assert client.get("/jobs").json()["jobs"][0]["id"] == job["id"]
    store = client.app.state.service.store
    assert store._query("SELECT status FROM jobs WHERE id = ?", (job["id"],))[0]["status"] == "done"
    assert not [p for p in (data_dir / "spool").rglob("*") if p.is_file()]


def test_cancelling_a_job_stores_none_of_its_unread_files(client) -> None:
    service = client.app.state.service
    block = threading.Event()
    original = service.jobs._process

    def held(*args, **kwargs):  # hold the dispatcher until the job is cancelled
        block.wait(10)
        return original(*args, **kwargs)

    service.jobs._process = held
    answer = upload(client, ("a.pdf", plan_pdf(11)), ("b.pdf", plan_pdf(12)), background="true")
    job_id = answer.json()["id"]
    assert client.delete(f"/jobs/{job_id}").status_code == 200
    block.set()
    job = _wait_job(client, job_id)
    assert job["status"] == "cancelled"
    assert {f["error"]["code"] for f in job["files"] if f["status"] == "failed"} == {"PARLENS-E025"}
    assert client.get("/documents").json()["total"] == sum(f["status"] == "ingested" for f in job["files"]) <= 1


@needs_tesseract
def test_ocr_is_bounded_per_request_and_per_user(data_dir: Path) -> None:
    """Before: 5,000 blank pages in a 2 MB PDF kept tesseract busy for minutes."""
    settings = Settings(data_dir=data_dir, ocr_pages_per_request=2, ocr_pages_per_user_hour=3, ocr_dpi=100)
    with local_client(create_app(settings)) as bounded:
        began = time.monotonic()
        first = upload(bounded, ("trang-trang.pdf", blank_pdf(300))).json()["files"][0]
        assert first["ocr_pages"] == 2 and first["status"] == "failed" and first["error"]["code"] == "PARLENS-E009"
        assert "OCR budget used up" in first["error"]["detail"]
        second = upload(bounded, ("trang-trang-2.pdf", blank_pdf(5))).json()["files"][0]
        assert second["ocr_pages"] == 1  # the user's hour allows 3 pages in all
        assert time.monotonic() - began < 60


@needs_tesseract
def test_a_file_over_the_time_limit_is_stopped_and_the_next_upload_works(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, ingest_timeout_seconds=1.0, ocr_pages_per_request=1000,
                        ocr_pages_per_user_hour=1000, ocr_dpi=300)
    with local_client(create_app(settings)) as limited:
        upload(limited, ("khoi-dong.txt", "Sở Nội vụ chủ trì rà soát thủ tục.\n".encode()))  # the worker is warm
        began = time.monotonic()
        slow = upload(limited, ("cham.pdf", blank_pdf(200))).json()["files"][0]
        assert slow["status"] == "failed" and slow["error"]["code"] == "PARLENS-E024"
        assert time.monotonic() - began < 30
        assert limited.get("/documents").json()["total"] == 1
        after = upload(limited, ("sau.pdf", plan_pdf(7)))
        assert after.status_code == 201 and after.json()["files"][0]["status"] == "ingested"
