"""The ingest pipeline: batches go on after failures, duplicates are not re-read, nothing is half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from parlens import pipeline
from parlens.errors import ParlensError
from parlens.model import CriterionLink
from parlens.pipeline import Stages, expand_paths, ingest_path, ingest_paths, resolve_stages, sync_index
from parlens.store import Store



GOOD = "Kế hoạch cải cách hành chính\nSở Nội vụ chủ trì rà soát thủ tục.\nSở Tư pháp chủ trì số hóa hồ sơ.\n"


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(GOOD + "Thanh Hóa, ngày 06/5/2024\n", encoding="utf-8")
    (folder / "b-copy.txt").write_text(GOOD + "Thanh Hóa, ngày 06/5/2024\n", encoding="utf-8")
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-garbage.pdf").write_bytes(b"\xff\xfe\x00\xc3\x28" * 50)
    return folder


def test_batch_goes_on_after_failures_and_stores_only_good_files(fake_stages, store: Store, batch: Path) -> None:
    fake = fake_stages
    outcomes = ingest_paths([batch, batch / "missing.txt"], store, stages=fake.stages())
    summary = [(o.path.name, o.status, o.error_code) for o in outcomes]
    assert summary == [
        ("a-good.txt", "ingested", None),
        ("b-copy.txt", "duplicate", None),
        ("c-empty.txt", "failed", "PARLENS-E001"),
        ("d-garbage.pdf", "failed", "PARLENS-E008"),
        ("missing.txt", "failed", "PARLENS-E010"),
    ]
    good_id = outcomes[0].doc_id
    assert outcomes[1].doc_id == good_id and outcomes[1].message == f"duplicate of #{good_id}"
    assert outcomes[0].tasks == 2 and outcomes[0].pages == 1
    assert set(outcomes[0].timings) == {"read", "extract", "link", "store"}
    assert all(0 <= v <= outcomes[0].seconds for v in outcomes[0].timings.values())
    assert "empty file" in outcomes[2].message and outcomes[2].hint
    assert store.list_documents()[0] == 1
    assert [c.op for c in store.changes_since(0)] == ["upsert"]
    stored = store.get_tasks(document_id=good_id)
    assert [t.task.agency for t in stored] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert [c.code for c in stored[0].task.criteria] == ["PAR.2"]
    assert [c.code for c in store.get_document(good_id).criteria] == ["PAR.2"]
    assert fake.synced == [1]  # one index sync for the batch, after the commit


def test_duplicate_is_never_read_again(fake_stages, store: Store, batch: Path) -> None:
    fake = fake_stages
    first = ingest_path(batch / "a-good.txt", store, stages=fake.stages())
    again = ingest_path(batch / "a-good.txt", store, stages=fake.stages())
    assert (first.status, again.status, again.doc_id) == ("ingested", "duplicate", first.doc_id)
    assert fake.reads == ["a-good.txt"]


def test_ref_date_comes_from_metadata_unless_given(fake_stages, store: Store, tmp_path: Path) -> None:
    fake = fake_stages
    dated = tmp_path / "dated.txt"
    dated.write_text(GOOD + "Thanh Hóa, ngày 06/5/2024\n", encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text(GOOD + "không ghi ngày\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(GOOD + "Thanh Hóa, ngày 06/5/2024, bản khác\n", encoding="utf-8")
    ingest_path(dated, store, stages=fake.stages())
    ingest_path(undated, store, stages=fake.stages())
    ingest_path(other, store, stages=fake.stages(), ref_date=date(2025, 1, 1))
    assert fake.ref_dates == [date(2024, 5, 6), None, date(2025, 1, 1)]


def test_failing_stage_stores_nothing_and_batch_goes_on(fake_stages, store: Store, tmp_path: Path) -> None:
    fake = fake_stages
    boom = tmp_path / "a-boom.txt"
    boom.write_text("BOOM\nSở Nội vụ chủ trì.\n", encoding="utf-8")
    fine = tmp_path / "b-fine.txt"
    fine.write_text(GOOD, encoding="utf-8")

    def exploding_linker(tasks, doc):
        if doc.text.startswith("BOOM"):
            raise KeyError("no such criterion")

    outcomes = ingest_paths([boom, fine], store, stages=fake.stages(link_tasks=exploding_linker))
    assert [(o.status, o.error_code) for o in outcomes] == [("failed", "PARLENS-E019"), ("ingested", None)]
    assert "KeyError" in outcomes[0].message and "report it" in outcomes[0].hint
    assert [r.source_name for r in store.list_documents()[1]] == ["b-fine.txt"]


def test_index_failure_never_loses_the_stored_document(fake_stages, store: Store, tmp_path: Path) -> None:
    fake = fake_stages
    path = tmp_path / "plan.txt"
    path.write_text(GOOD, encoding="utf-8")

    def broken_index(store: Store) -> None:
        raise ConnectionError("index offline")

    outcome = ingest_path(path, store, stages=fake.stages(sync_index=broken_index))
    assert outcome.status == "ingested"
    assert store.get_document(outcome.doc_id).document.text == GOOD
    # the change is still in the log, so a later sync catches up
    assert [c.document_id for c in store.changes_since(0)] == [outcome.doc_id]
    assert sync_index(store, fake.stages(sync_index=broken_index)) == "index offline"
    assert sync_index(store, fake.stages()) is None and fake.synced == [1]


def test_size_limit_refuses_before_reading(fake_stages, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parlens.settings import get_settings

    monkeypatch.setenv("PARLENS_MAX_FILE_BYTES", "10")
    get_settings.cache_clear()
    fake = fake_stages
    path = tmp_path / "big.txt"
    path.write_text(GOOD, encoding="utf-8")
    outcome = ingest_path(path, store, stages=fake.stages())
    assert (outcome.status, outcome.error_code) == ("failed", "PARLENS-E004")
    assert fake.reads == [] and store.list_documents()[0] == 0


def test_expand_paths_skips_hidden_and_recurses_on_request(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("b.txt", "a.pdf", ".hidden.txt", "sub/c.docx", "sub/deeper/d.html", ".git/config", "sub/.x"):
        (tmp_path / name).write_text("x")
    skipped: list[Path] = []
    flat = expand_paths([tmp_path], skipped_dirs=skipped)
    assert [p.name for p in flat] == ["a.pdf", "b.txt"]
    assert [p.name for p in skipped] == ["sub"]  # hidden folders are not even mentioned
    deep = expand_paths([tmp_path, tmp_path / "b.txt", tmp_path / "nope.txt"], recursive=True)
    assert [p.relative_to(tmp_path).as_posix() for p in deep] == [
        "a.pdf", "b.txt", "sub/c.docx", "sub/deeper/d.html", "nope.txt"]


def test_resolve_stages_wires_the_project_stages():
    from parlens import ingest, search_index
    from parlens.task_extraction import extract
    from parlens.task_extraction.criteria import linker

    stages = resolve_stages()
    assert stages.read_bytes is ingest.read_bytes and stages.extract is extract.extract_tasks
    assert stages.link_tasks is linker.link_tasks and stages.link_document is linker.link_document
    assert stages.sync_index is search_index.sync


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from parlens.pipeline import ingest_paths, Stages
    from parlens.store import Store

    sys.path.insert(0, sys.argv[3])
    from conftest import FakeStages as Recorder

    marker = Path(sys.argv[2])
    real = Store._insert_tasks

    def slow_insert(self, conn, doc_id, tasks):
        real(self, conn, doc_id, tasks)
        if doc_id > 1:  # the second document: its rows are written, the transaction is open
            marker.write_text(str(doc_id))
            time.sleep(60)

    Store._insert_tasks = slow_insert
    store = Store(sys.argv[1])
    ingest_paths([sys.argv[4]], store, stages=Recorder().stages())
    """
)


def test_kill_mid_batch_leaves_a_consistent_store(fake_stages, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"Văn bản {i}\nSở Nội vụ chủ trì việc {i}.\n", encoding="utf-8")
    db, marker = tmp_path / "store.sqlite3", tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db), str(marker), str(Path(__file__).parent), str(folder)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, "the batch ended before reaching the second document"
            assert time.monotonic() < deadline, "the batch never reached the second document"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM files), (SELECT count(*) FROM tasks), "
        "(SELECT count(*) FROM changes), (SELECT count(DISTINCT document_id) FROM blocks)"
    ).fetchone()
    conn.close()
    assert counts == (1, 1, 1, 1, 1)

    with Store(db) as store:  # a rerun completes the batch: the first file is a duplicate, the rest go in
        outcomes = ingest_paths([folder], store, stages=fake_stages.stages())
        assert [o.status for o in outcomes] == ["duplicate", "ingested", "ingested"]
        assert store.list_documents()[0] == 3


def test_reextract_replaces_tasks_and_records_changes(fake_stages, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(GOOD, encoding="utf-8")
    doc_id = ingest_path(path, store, stages=fake_stages.stages()).doc_id
    before = store.last_change_seq()

    def only_first(doc, *, ref_date=None):
        return fake_stages.extract(doc, ref_date=ref_date)[:1]

    counts = pipeline.reextract(store, stages=fake_stages.stages(extract=only_first), ref_date=date(2026, 1, 1))
    assert counts[doc_id].total == 1 and counts[doc_id].updated == 1 and counts[doc_id].removed >= 1
    assert [t.task.agency for t in store.get_tasks(document_id=doc_id)] == ["Sở Nội vụ"]
    assert [c.op for c in store.changes_since(before)] == ["upsert"]
    assert fake_stages.ref_dates[-1] == date(2026, 1, 1) and fake_stages.synced[-1] == store.last_change_seq()
    with pytest.raises(ParlensError) as err:
        pipeline.reextract(store, [doc_id, 404], stages=fake_stages.stages(extract=lambda d, ref_date=None: []))
    assert err.value.code == "PARLENS-E020" and "#404" in str(err.value)
    assert store.count_tasks(document_id=doc_id) == 1  # nothing replaced when an id is unknown


def test_ingest_bytes_behaves_like_a_file(fake_stages, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = pipeline.ingest_bytes(GOOD.encode(), "C:\\Users\\vt\\ke-hoach.txt", store, stages=fake_stages.stages())
    assert (first.status, first.path.name) == ("ingested", "ke-hoach.txt")
    assert store.get_document(first.doc_id).document.source_name == "ke-hoach.txt"  # no client path kept
    path = tmp_path / "same.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert ingest_path(path, store, stages=fake_stages.stages()).doc_id == first.doc_id
    empty = pipeline.ingest_bytes(b"  ", "x.txt", store, stages=fake_stages.stages())
    assert (empty.status, empty.error_code) == ("failed", "PARLENS-E001")
    from parlens.settings import get_settings

    monkeypatch.setenv("PARLENS_MAX_FILE_BYTES", "5")
    get_settings.cache_clear()
    big = pipeline.ingest_bytes(b"123456", "big.txt", store, stages=fake_stages.stages())
    assert big.error_code == "PARLENS-E004" and fake_stages.reads == ["ke-hoach.txt", "x.txt"]


def test_hostile_files_get_ingest_codes_and_leave_the_store_unchanged(
    fake_stages, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real reader on damaged input: each file fails with an E001-E012 code (never E019), the rest is stored."""
    import io
    import zipfile

    import docx
    from reportlab.pdfgen import canvas

    from parlens.ingest import read_bytes
    from parlens.settings import get_settings

    monkeypatch.setenv("PARLENS_OCR_ENABLED", "0")
    monkeypatch.setenv("PARLENS_MAX_UNZIPPED_BYTES", str(10 * 1024 * 1024))
    get_settings.cache_clear()
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, "Ke hoach cai cach hanh chinh")
    page.save()
    pdf = buf.getvalue()
    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}

    def zipped(entries: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries.items():
                zf.writestr(name, data)
        return out.getvalue()

    hostile = {
        "a-truncated.pdf": pdf[: len(pdf) // 2],
        "b-no-pages.pdf": b"%PDF-1.7\n" + b"\x00" * 300 + b"\n%%EOF\n",
        "c-bomb.docx": zipped({**parts, "word/media/x.bin": b"\x00" * (20 * 1024 * 1024)}),
        "d-no-body.docx": zipped({k: v for k, v in parts.items() if k != "word/document.xml"}),
        "e-not-png.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "f-binary.txt": bytes(range(256)) * 16,
        "g-bom-only.txt": b"\xef\xbb\xbf",
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    (folder / "z-good.html").write_text(
        "<!doctype html><html><head><title>Tin</title></head><body>" + "<div>" * 5000
        + "<p>Sở Nội vụ chủ trì rà soát thủ tục hành chính của tỉnh trong năm 2026.</p></body></html>", encoding="utf-8")
    outcomes = ingest_paths([folder], store, stages=fake_stages.stages(read_bytes=read_bytes))
    by_name = {o.path.name: o for o in outcomes}
    for name in hostile:
        o = by_name[name]
        assert o.status == "failed" and o.error_code in {f"PARLENS-E{n:03d}" for n in range(1, 13)}, (name, o.error_code, o.message)
    assert by_name["c-bomb.docx"].error_code == "PARLENS-E007"
    assert by_name["z-good.html"].status == "ingested" and by_name["z-good.html"].tasks == 1  # text under 5,000 divs read
    total, rows = store.list_documents()
    assert total == 1 and [r.source_name for r in rows] == ["z-good.html"]
    assert [c.op for c in store.changes_since(0)] == ["upsert"]
