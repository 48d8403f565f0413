"""`parlens ingest/show/list/delete` through Typer's CliRunner with a temporary data folder."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parlens import pipeline
from parlens.model import Block, CriterionLink, Document, DocumentMetadata, TableCell, Task
from parlens.search_api.cli import app
from parlens.store import open_store

runner = CliRunner()


@pytest.fixture
def use_fake_stages(fake_stages, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pipeline, "resolve_stages", lambda: fake_stages.stages())
    return fake_stages


GOOD = "Kế hoạch số hóa hồ sơ\nSở Nội vụ chủ trì rà soát.\nThanh Hóa, ngày 06/5/2024\n"


def test_ingest_batch_reports_each_file_and_exits_1_after_processing_all(use_fake_stages, tmp_path: Path, settings) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "2-same.txt").write_text(GOOD, encoding="utf-8")
    (folder / "3-empty.txt").write_bytes(b"")
    (folder / "4-garbage.docx").write_bytes(bytes([0xFF, 0x00, 0xC3, 0x28, 0x9F]) * 40)
    (folder / "sub").mkdir()

    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "✓" in out and "1-good.txt: ingested #1 (1 tasks)" in out
    assert "2-same.txt: duplicate of #1" in out
    assert "✗" in out and "3-empty.txt: PARLENS-E001" in out and "4-garbage.docx: PARLENS-E008" in out
    assert "skipped folder" in out and "sub" in out
    counts = re.search(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│", out[out.index("Summary"):])
    assert counts.groups() == ("1", "1", "2")  # ingested, duplicate, failed
    assert "Failed files" in out and "empty file" in out
    assert "2 of 4 files failed" in result.stderr
    assert use_fake_stages.synced == [1]

    with open_store(settings) as store:
        total, rows = store.list_documents()
        assert total == 1 and rows[0].source_name == "1-good.txt"
        assert store.get_original(rows[0].id)[0] == GOOD.encode()


def test_ingest_all_good_exits_0_and_passes_ref_date(use_fake_stages, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path), "--ref-date", "2025-02-03"])
    assert result.exit_code == 0, result.output
    assert use_fake_stages.ref_dates == [date(2025, 2, 3)]
    again = runner.invoke(app, ["ingest", str(path)])
    assert again.exit_code == 0 and "duplicate of #1" in again.stdout
    bad = runner.invoke(app, ["ingest", str(path), "--ref-date", "03/02/2025"])
    assert bad.exit_code == 2


def test_ingest_recursive_takes_sub_folders(use_fake_stages, tmp_path: Path, settings) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "top.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a" / "b" / "deep.txt").write_text(GOOD + "khác\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "-r", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    with open_store(settings) as store:
        assert sorted(r.source_name for r in store.list_documents()[1]) == ["deep.txt", "top.txt"]


def test_index_failure_is_a_notice_not_a_failure(fake_stages, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def offline(store):
        raise ConnectionError("index offline")

    monkeypatch.setattr(pipeline, "resolve_stages", lambda: fake_stages.stages(sync_index=offline))
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0
    assert "ingested #1" in result.stdout and "index offline" in result.stderr


def _plan() -> tuple[Document, list[Task]]:
    heading, item = "KẾ HOẠCH Cải cách hành chính năm 2025", "1. Rà soát thủ tục hành chính"
    row1, row2 = ["STT", "Nhiệm vụ", "Chủ trì"], ["1", "Số hóa", "Sở Nội vụ"]
    table = " | ".join(row1) + "\n" + " | ".join(row2)
    para = "Các sở triển khai."
    text = "\n".join([heading, item, table, para])
    t0 = len(heading) + 1 + len(item) + 1

    def cells(start: int, values: list[str]) -> list[TableCell]:
        out = []
        for v in values:
            out.append(TableCell(v, start, start + len(v)))
            start += len(v) + 3
        return out

    blocks = [
        Block("heading", heading, 0, len(heading), page=1, level=0),
        Block("list_item", item, len(heading) + 1, t0 - 1, page=1, level=1, numbering="1."),
        Block("table", table, t0, t0 + len(table), page=2, rows=[cells(t0, row1), cells(t0 + len(" | ".join(row1)) + 1, row2)]),
        Block("paragraph", para, t0 + len(table) + 1, len(text), page=2),
    ]
    meta = DocumentMetadata(title="Kế hoạch Cải cách hành chính năm 2025", doc_type="Kế hoạch", number="45/KH-UBND",
                            issuer="ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", issued_on=date(2025, 1, 10),
                            recipients=["Sở Nội vụ", "Lưu: VT"], signer="Trần Văn B")
    doc = Document(text=text, blocks=blocks, metadata=meta, source_name="kh-45.docx",
                   media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    tasks = [Task("Sở Nội vụ", "lead", "Số hóa", t0, t0 + len(table), page=2, agency_id="so-noi-vu",
                  criteria=[CriterionLink("PAR.6", "Chính quyền số", 0.7)])]
    return doc, tasks


@pytest.fixture
def stored_plan(settings) -> int:
    doc, tasks = _plan()
    with open_store(settings) as store:
        doc_id, _ = store.add_document(doc, b"docx bytes", tasks, [CriterionLink("PAR.2", "TTHC", 0.55)])
    return doc_id


def test_show_prints_metadata_and_outline(stored_plan: int) -> None:
    result = runner.invoke(app, ["show", str(stored_plan)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "45/KH-UBND" in out and "10/01/2025" in out and "Sở Nội vụ; Lưu: VT" in out
    assert "Số nhiệm vụ" in out and "PAR.2 (0.55)" in out
    assert "Bảng 2 dòng × 3 cột" in out and "1. Rà soát thủ tục hành chính" in out
    assert "Các sở triển khai." not in out  # paragraphs are not part of the outline
    lines = out.splitlines()
    assert lines.index(next(l for l in lines if "KẾ HOẠCH" in l)) < lines.index(next(l for l in lines if "Bảng" in l))


def test_show_text_prints_the_normalised_text(stored_plan: int) -> None:
    result = runner.invoke(app, ["show", str(stored_plan), "--text"])
    assert result.exit_code == 0
    assert result.stdout == _plan()[0].text + "\n"


def test_show_json(stored_plan: int) -> None:
    result = runner.invoke(app, ["show", str(stored_plan), "--format", "json", "--text"])
    payload = json.loads(result.stdout)
    assert payload["metadata"]["issued_on"] == "2025-01-10" and payload["task_count"] == 1
    assert [o["kind"] for o in payload["outline"]] == ["heading", "list_item", "table"]
    assert (payload["outline"][2]["rows"], payload["outline"][2]["cols"]) == (2, 3)
    assert payload["text"] == _plan()[0].text and payload["size"] == len(b"docx bytes")


def test_unknown_id_is_e020_with_exit_2(stored_plan: int) -> None:
    for command in (["show", "999"], ["show", "999", "--text"], ["delete", "999"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith("[PARLENS-E020]") and result.stdout == ""


def test_list_and_delete(stored_plan: int, settings) -> None:
    listed = runner.invoke(app, ["list"])
    assert listed.exit_code == 0 and "45/KH-UBND" in listed.stdout and "10/01/2025" in listed.stdout
    as_json = json.loads(runner.invoke(app, ["list", "--format", "json", "--type", "ke hoach"]).stdout)
    assert as_json["total"] == 1 and as_json["documents"][0]["number"] == "45/KH-UBND"
    assert json.loads(runner.invoke(app, ["list", "-f", "json", "--year", "2024"]).stdout)["total"] == 0

    deleted = runner.invoke(app, ["delete", str(stored_plan)])
    assert deleted.exit_code == 0 and f"deleted #{stored_plan}" in deleted.stdout
    assert runner.invoke(app, ["show", str(stored_plan)]).exit_code == 2
    with open_store(settings) as store:
        assert [c.op for c in store.changes_since(0)] == ["upsert", "delete"]


def test_newer_store_is_refused_with_e021(settings) -> None:
    open_store(settings).close()
    conn = sqlite3.connect(settings.store_path)
    conn.execute("UPDATE meta SET value = '42' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2 and result.stderr.startswith("[PARLENS-E021]")


def test_reextract_command(use_fake_stages, tmp_path: Path, settings) -> None:
    path = tmp_path / "a.txt"
    path.write_text(GOOD + "Sở Tư pháp chủ trì phối hợp.\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    with open_store(settings) as store:
        store.replace_tasks(1, [])
    result = runner.invoke(app, ["reextract", "--all"])
    assert result.exit_code == 0, result.output
    assert "#1: 2 tasks" in result.stdout
    with open_store(settings) as store:
        assert store.count_tasks(document_id=1) == 2
    assert runner.invoke(app, ["reextract"]).exit_code == 2
    missing = runner.invoke(app, ["reextract", "7"])
    assert missing.exit_code == 2 and missing.stderr.startswith("[PARLENS-E020]")


def test_real_stages_batch_good_duplicate_empty_garbage(tmp_path: Path, settings) -> None:
    """End to end with the project's own reader, extractor, linker and index: exactly the good file is stored."""
    folder = tmp_path / "batch"
    folder.mkdir()
    plan = ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 7/KH-UBND\nNghệ An, ngày 05 tháng 3 năm 2026\nKẾ HOẠCH\n"
            "Cải cách hành chính năm 2026\n1. Sở Nội vụ chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/6/2026.\n")
    (folder / "a-ke-hoach.txt").write_text(plan, encoding="utf-8")
    (folder / "b-ban-sao.txt").write_text(plan, encoding="utf-8")
    (folder / "c-trong.txt").write_bytes(b"")
    (folder / "d-rac.pdf").write_bytes(bytes(range(256)) * 8)

    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1, result.output
    assert "a-ke-hoach.txt: ingested #1" in result.stdout
    assert "b-ban-sao.txt: duplicate of #1" in result.stdout
    assert "c-trong.txt: PARLENS-E001" in result.stdout
    garbage = next(line for line in result.stdout.splitlines() if "d-rac.pdf:" in line)
    assert re.search(r"PARLENS-E0(0\d|1[0-2])", garbage), garbage  # a reader code, not an internal error
    with open_store(settings) as store:
        total, rows = store.list_documents()
        assert total == 1 and rows[0].number == "7/KH-UBND" and rows[0].issued_on == date(2026, 3, 5)
        assert [c.op for c in store.changes_since(0)] == ["upsert"]
    shown = runner.invoke(app, ["show", "1", "--text"])
    assert shown.exit_code == 0 and "Sở Nội vụ chủ trì rà soát" in shown.stdout
