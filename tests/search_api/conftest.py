"""Fixtures for the HTTP API and web UI: apps over temporary data folders, with the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from parlens.search_api.http import create_app
from parlens.settings import REPO_ROOT, Settings

SAMPLES = REPO_ROOT / "corpora" / "samples"
PLAN_PDF = "kh_cchc_2026_nghean.pdf"
DIRECTIVE_TXT = "ct_kyluat_2024_hatinh.txt"
SCRIPT_TXT = (
    "KẾ HOẠCH\nThử nghiệm hiển thị <script>alert('parlens')</script> trong văn bản\n"
    "Sở Nội vụ chủ trì rà soát thủ tục hành chính <b>nội bộ</b>, hoàn thành trước ngày 30/6/2026.\n"
)


LOCAL = {"base_url": "http://127.0.0.1:8000", "client": ("127.0.0.1", 50000)}


def local_client(app, **kw) -> TestClient:
    """A test client that looks like a browser on this machine (loopback peer, Host 127.0.0.1:8000)."""
    return TestClient(app, **{**LOCAL, **kw})


def upload(client: TestClient, *names: str, headers: dict | None = None, **params) -> object:
    """POST /documents with corpus samples by name (or (name, bytes) pairs)."""
    files = []
    for item in names:
        if isinstance(item, tuple):
            files.append(("files", item))
        else:
            files.append(("files", (item, (SAMPLES / item).read_bytes())))
    return client.post("/documents", files=files, headers=headers or {}, params=params)


@pytest.fixture
def client(data_dir: Path):
    """A fresh app over the test's own data folder (key-less local mode: the test client is admin)."""
    with local_client(create_app(Settings(data_dir=data_dir))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory: pytest.TempPathFactory):
    """One app per module with three samples ingested (a plan PDF, a directive, and a document with <script>)."""
    data = tmp_path_factory.mktemp("parlens-corpus")
    with local_client(create_app(Settings(data_dir=data))) as test_client:
        answer = upload(test_client, PLAN_PDF, DIRECTIVE_TXT, ("thu-script.txt", SCRIPT_TXT.encode("utf-8")))
        assert answer.status_code == 201, answer.text
        test_client.ids = {f["file"]: f["document_id"] for f in answer.json()["files"]}
        yield test_client
