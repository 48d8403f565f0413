"""Accepted uploads survive a crash, and a waited-for upload whose client leaves is stopped (real server)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from parlens.ingest.ocr import tesseract_available

from .test_jobs import blank_pdf
from .test_serve import clean_env, free_port, running_server

PARLENS_BIN = Path(sys.executable).with_name("parlens")


def _directive(n: int) -> bytes:
    return (f"CHỈ THỊ số {n}/CT-UBND\nVề tăng cường kỷ luật hành chính\n"
            f"{n}. Sở Nội vụ chủ trì rà soát thủ tục hành chính nhóm {n}, hoàn thành trước ngày 30/6/2026.\n").encode()


def _server(tmp_path: Path, port: int, **env: str):
    data = tmp_path / "data"
    return running_server([str(PARLENS_BIN), "serve", "--port", str(port)],
                          clean_env(PARLENS_DATA_DIR=str(data), **env), port, tmp_path / f"serve-{uuid.uuid4().hex[:6]}.log")


def test_accepted_jobs_survive_sigkill_and_finish_after_restart(tmp_path: Path) -> None:
    """Before: a 202 job lived in memory only; after SIGKILL 11 of 240 accepted files were silently lost."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    accepted: dict[str, int] = {}
    with _server(tmp_path, port) as proc:
        for batch in range(4):
            files = [("files", (f"ct-{batch}-{n}.txt", _directive(batch * 10 + n))) for n in range(5)]
            answer = httpx.post(f"{base}/documents", files=files, params={"background": "true"}, timeout=30)
            assert answer.status_code == 202
            accepted[answer.json()["id"]] = 5
        os.killpg(proc.pid, signal.SIGKILL)  # no shutdown: whatever was not processed is only on disk
        proc.wait(timeout=10)
    with _server(tmp_path, port):
        deadline = time.monotonic() + 120
        jobs = {}
        while time.monotonic() < deadline:
            jobs = {job_id: httpx.get(f"{base}/jobs/{job_id}", timeout=10).json() for job_id in accepted}
            if all(j.get("status") == "done" for j in jobs.values()):
                break
            time.sleep(0.2)
        assert all(j["status"] == "done" and j["total"] == 5 and j["done"] == 5 for j in jobs.values()), jobs
        statuses = [f["status"] for j in jobs.values() for f in j["files"]]
        assert set(statuses) <= {"ingested", "duplicate"}  # a file stored just before the kill is a duplicate on replay
        assert httpx.get(f"{base}/documents", params={"limit": 100}, timeout=10).json()["total"] == 20
        assert httpx.get(f"{base}/health", timeout=10).json()["index_lag"] == 0
    assert not [p for p in (tmp_path / "data" / "spool").rglob("*") if p.is_file()]


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed (scripts/install-system-deps.sh installs it)")
def test_a_client_that_leaves_cancels_its_upload_and_its_ocr(tmp_path: Path) -> None:
    """Before: a 5,000-page blank PDF kept tesseract busy for minutes after the client had gone."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _server(tmp_path, port, PARLENS_OCR_PAGES_PER_REQUEST="1000", PARLENS_OCR_PAGES_PER_USER_HOUR="1000"):
        httpx.post(f"{base}/documents", files=[("files", ("khoi-dong.txt", _directive(1)))], timeout=120)  # warm worker
        body, boundary = _multipart("trang-trang.pdf", blank_pdf(400))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"POST /documents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; "
                         f"boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            seen = time.monotonic() + 90  # the worker reads the 400 pages' text layer first; slow on a loaded machine
            while not _tesseract_running() and time.monotonic() < seen:  # the worker OCRs page after page
                time.sleep(0.05)
            assert _tesseract_running()
        deadline = time.monotonic() + 20
        job = None
        while time.monotonic() < deadline:
            job = httpx.get(f"{base}/jobs", timeout=10).json()["jobs"][0]
            if job["status"] == "cancelled" and not _tesseract_running():
                break
            time.sleep(0.2)
        assert job["status"] == "cancelled" and job["files"][0]["error"]["code"] == "PARLENS-E025"
        assert not _tesseract_running()
        after = httpx.post(f"{base}/documents", files=[("files", ("sau.txt", _directive(2)))], timeout=120)
        assert after.status_code == 201


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


def _tesseract_running() -> bool:
    return subprocess.run(["pgrep", "-x", "tesseract"], capture_output=True).returncode == 0
