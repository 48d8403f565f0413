"""The SQLite store: round-trip of every field, dedupe, filters, change log, deletion, atomicity."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import date

import pytest

from parlens.errors import ParlensError
from parlens.model import (
    Block,
    CriterionLink,
    Deadline,
    Document,
    DocumentMetadata,
    PageInfo,
    TableCell,
    Task,
)
from parlens.store import Store, open_store


def build_document(number: str = "12/KH-UBND", issued: date = date(2024, 3, 5), title: str = "Kế hoạch cải cách hành chính năm 2024") -> Document:
    """A small plan: heading, numbered item, table with a merged cell, paragraph; offsets index the text."""
    parts: list[tuple[str, str]] = []
    heading = title
    item = "1. Sở Nội vụ chủ trì rà soát thủ tục hành chính."
    row1 = ["STT", "Nội dung", "Chủ trì"]
    row2 = ["1", "Số hóa hồ sơ", "Sở Tư pháp"]
    table = "\n".join(" | ".join(r) for r in (row1, row2))
    para = "Đề nghị các đơn vị triển khai thực hiện đúng hạn."
    parts = [heading, item, table, para]
    text = "\n".join(parts)
    offsets = []
    pos = 0
    for part in parts:
        offsets.append((pos, pos + len(part)))
        pos += len(part) + 1

    def cells(row_text_start: int, row: list[str]) -> list[TableCell]:
        out, cur = [], row_text_start
        for value in row:
            out.append(TableCell(value, cur, cur + len(value)))
            cur += len(value) + 3
        return out

    t_start = offsets[2][0]
    r1 = cells(t_start, row1)
    r2 = cells(t_start + len(" | ".join(row1)) + 1, row2)
    r2[2] = TableCell(r2[2].text, r2[2].start, r2[2].end, row_span=2, col_span=1)
    blocks = [
        Block("heading", heading, *offsets[0], page=1, level=1, style="Title"),
        Block("list_item", item, *offsets[1], page=1, level=2, numbering="1."),
        Block("table", table, *offsets[2], page=2, rows=[r1, r2]),
        Block("paragraph", para, *offsets[3], page=2),
    ]
    metadata = DocumentMetadata(
        title=title, doc_type="Kế hoạch", number=number, issuer="ỦY BAN NHÂN DÂN", issuer_parent="UBND TỈNH THANH HÓA",
        issuer_code="UBND", place="Thanh Hóa", issued_on=issued, subject="Về cải cách hành chính",
        recipients=["Sở Nội vụ", "Lưu: VT"], signer="Nguyễn Văn A", signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        publisher=None, source_url=None, province="Thanh Hóa",
    )
    return Document(
        text=text, blocks=blocks, metadata=metadata, source_name="ke-hoach.txt", media_type="text/plain",
        pages=[PageInfo(1, 0.98, False, 80), PageInfo(2, 0.41, True, 90)], headers=["Trang 1"], warnings=["page 2 OCRed"],
    )


def build_tasks(doc: Document) -> list[Task]:
    item = doc.blocks[1]
    return [
        Task(
            agency="Sở Nội vụ", role="lead", task="rà soát thủ tục hành chính", start=item.start + 3, end=item.end,
            page=1, agency_id="so-noi-vu", agency_name="Sở Nội vụ",
            deadline=Deadline("trước ngày 15/12 hằng năm", due=date(2024, 12, 15),
                              recurrence=["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"], within=None, working_time=False,
                              start=item.end - 5, end=item.end),
            criteria=[CriterionLink("PAR.2.1", "Rà soát TTHC", 0.82, "rà soát thủ tục"),
                      CriterionLink("PAR.2", "Cải cách TTHC", 0.5, "")],
            rule="numbered-item",
        ),
        Task(
            agency="Sở Tư pháp", role="support", task="Số hóa hồ sơ", start=doc.blocks[2].start, end=doc.blocks[2].end,
            page=2, agency_id="so-tu-phap", agency_name="Sở Tư pháp",
            deadline=Deadline("trong 05 ngày làm việc", within="P5D", working_time=True),
            rule="table-row",
        ),
        Task(agency="các đơn vị", role="lead", task="triển khai thực hiện", start=doc.blocks[3].start,
             end=doc.blocks[3].end, page=None, rule="paragraph"),
    ]


ORIGINAL = "Kế hoạch 12/KH-UBND".encode()


def test_round_trip_keeps_every_field(store: Store) -> None:
    doc = build_document()
    tasks = build_tasks(doc)
    links = [CriterionLink("PAR.2", "Cải cách thủ tục hành chính", 0.7, "tài liệu về TTHC")]
    doc_id, created = store.add_document(doc, ORIGINAL, tasks, links)
    assert created

    stored = store.get_document(doc_id)
    got = stored.document
    assert got.text == doc.text
    assert got.blocks == doc.blocks
    assert got.blocks[2].rows[1][2].row_span == 2
    for block in got.blocks:
        assert got.text[block.start:block.end] == block.text
    assert got.metadata == doc.metadata
    assert got.metadata.issued_on == date(2024, 3, 5)
    assert got.pages == doc.pages and got.headers == ["Trang 1"] and got.warnings == ["page 2 OCRed"]
    assert got.sha256 == hashlib.sha256(ORIGINAL).hexdigest() and got.size == len(ORIGINAL)
    assert (got.source_name, got.media_type) == ("ke-hoach.txt", "text/plain")
    assert stored.criteria == links and stored.task_count == 3
    assert stored.ingested_at[:4].isdigit()

    got_tasks = [t.task for t in store.get_tasks(document_id=doc_id)]
    # criteria come back best score first; the tasks otherwise equal what went in
    assert got_tasks == tasks
    assert got_tasks[0].deadline.recurrence == ["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"]
    assert got_tasks[1].deadline.within == "P5D" and got_tasks[1].deadline.working_time is True
    assert got_tasks[2].deadline is None and got_tasks[2].page is None
    first = store.get_tasks(document_id=doc_id)[0]
    assert (first.document_title, first.document_number, first.document_issued_on) == (
        doc.metadata.title, "12/KH-UBND", date(2024, 3, 5))


def test_same_bytes_again_is_a_noop_returning_the_existing_id(store: Store) -> None:
    doc_id, created = store.add_document(build_document(), ORIGINAL, build_tasks(build_document()))
    seq = store.last_change_seq()
    again, created_again = store.add_document(build_document(number="99/KH-UBND"), ORIGINAL, [])
    assert (again, created, created_again) == (doc_id, True, False)
    assert store.last_change_seq() == seq
    assert store.list_documents()[0] == 1
    assert store.get_document(doc_id).document.metadata.number == "12/KH-UBND"
    assert len(store.get_tasks()) == 3
    assert store.find_by_sha256(hashlib.sha256(ORIGINAL).hexdigest()) == doc_id


def test_original_bytes_come_back(store: Store) -> None:
    data = bytes(range(256)) * 3
    doc_id, _ = store.add_document(build_document(), data)
    assert store.get_original(doc_id) == (data, "text/plain", "ke-hoach.txt")


def test_list_documents_filters_fold_case_and_accents(store: Store) -> None:
    a, _ = store.add_document(build_document("1/KH-UBND", date(2023, 1, 2), "Kế hoạch chuyển đổi số"), b"a")
    plan = build_document("2/CT-UBND", date(2024, 6, 1), "Chỉ thị về kỷ luật, kỷ cương hành chính")
    plan.metadata.doc_type = "Chỉ thị"
    b, _ = store.add_document(plan, b"b")
    c, _ = store.add_document(build_document("3/KH-UBND", date(2024, 9, 9), "Kế hoạch đào tạo"), b"c")

    total, rows = store.list_documents()
    assert total == 3 and [r.id for r in rows] == [c, b, a]  # newest issue date first
    assert [r.id for r in store.list_documents(doc_type="ke hoach")[1]] == [c, a]
    assert [r.id for r in store.list_documents(year=2024)[1]] == [c, b]
    assert [r.id for r in store.list_documents(query="DAO TAO")[1]] == [c]
    assert [r.id for r in store.list_documents(query="2/ct-ubnd")[1]] == [b]
    assert store.list_documents(issuer="thanh hoa")[0] == 3
    assert store.list_documents(issuer="Hà Nội")[0] == 0
    total, page = store.list_documents(limit=1, offset=1)
    assert total == 3 and [r.id for r in page] == [b]


def test_get_tasks_filters(store: Store) -> None:
    doc = build_document()
    doc_id, _ = store.add_document(doc, ORIGINAL, build_tasks(doc))
    other = build_document("5/KH-UBND")
    other_tasks = build_tasks(other)[:1]
    other_tasks[0].deadline.due = date(2025, 1, 31)
    other_tasks[0].deadline.recurrence = []
    other_tasks[0].criteria = [CriterionLink("SIPAS.2", "Tiếp cận dịch vụ", 0.6)]
    other_id, _ = store.add_document(other, b"other", other_tasks)

    def agencies(**filters) -> list[tuple[int, str]]:
        return [(t.document_id, t.task.agency_id) for t in store.get_tasks(**filters)]

    assert agencies(agency_id="so-tu-phap") == [(doc_id, "so-tu-phap")]
    assert agencies(role="support") == [(doc_id, "so-tu-phap")]
    assert agencies(criterion="PAR.2") == [(doc_id, "so-noi-vu")]  # PAR.2 and its sub-code PAR.2.1
    assert agencies(criterion="PAR.2.1") == [(doc_id, "so-noi-vu")]
    assert agencies(criterion="PAR.21") == []
    assert agencies(criterion="SIPAS.2") == [(other_id, "so-noi-vu")]
    # Due filters match the due date shown: a recurring duty's current occurrence on the reference date.
    assert agencies(due_before=date(2024, 12, 31), on=date(2024, 12, 1)) == [(doc_id, "so-noi-vu")]
    assert agencies(due_after=date(2025, 1, 1), on=date(2024, 12, 1)) == [(other_id, "so-noi-vu")]
    # On 2025-06-01 the 15/12/2024 occurrence is not done: the duty still shows it (late), not 15/12/2025.
    assert agencies(due_after=date(2025, 1, 1), on=date(2025, 6, 1)) == [(other_id, "so-noi-vu")]
    assert agencies(recurring=False, document_id=doc_id) == [(doc_id, "so-tu-phap"), (doc_id, None)]
    assert agencies(recurring=True) == [(doc_id, "so-noi-vu")]
    assert len(store.get_tasks(limit=2)) == 2
    assert [t.id for t in store.get_tasks(limit=2, offset=2)] == [t.id for t in store.get_tasks()][2:4]
    assert store.count_tasks() == 4 and store.count_tasks(criterion="PAR.2", role="lead") == 1
    assert store.count_tasks(recurring=True) == len(agencies(recurring=True))


def test_replace_tasks_records_a_change(store: Store) -> None:
    doc = build_document()
    doc_id, _ = store.add_document(doc, ORIGINAL, build_tasks(doc))
    before = store.last_change_seq()
    new = build_tasks(doc)[1:2]
    store.replace_tasks(doc_id, new, [CriterionLink("PAR.6", "Chính quyền số", 0.4)])
    assert [t.task.agency_id for t in store.get_tasks(document_id=doc_id)] == ["so-tu-phap"]
    assert [c.code for c in store.get_document(doc_id).criteria] == ["PAR.6"]
    assert [(c.document_id, c.op) for c in store.changes_since(before)] == [(doc_id, "upsert")]
    with pytest.raises(ParlensError) as err:
        store.replace_tasks(12345, new)
    assert err.value.code == "PARLENS-E020"


def test_change_sequence_and_delete_cascade(store: Store) -> None:
    assert store.last_change_seq() == 0
    doc = build_document()
    first, _ = store.add_document(doc, ORIGINAL, build_tasks(doc), [CriterionLink("PAR.2", "x", 0.5)])
    second, _ = store.add_document(build_document("7/KH-UBND"), b"second")
    store.delete_document(first)
    changes = store.changes_since(0)
    assert [(c.document_id, c.op) for c in changes] == [(first, "upsert"), (second, "upsert"), (first, "delete")]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes) and store.last_change_seq() == changes[-1].seq
    assert [c.op for c in store.changes_since(changes[1].seq)] == ["delete"]

    with pytest.raises(ParlensError) as err:
        store.get_document(first)
    assert err.value.code == "PARLENS-E020"
    with pytest.raises(ParlensError):
        store.get_original(first)
    with pytest.raises(ParlensError):
        store.delete_document(first)
    conn = sqlite3.connect(store.path)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "blocks", "tasks", "task_criteria", "document_criteria", "files")}
    conn.close()
    assert counts == {"documents": 1, "blocks": 4, "tasks": 0, "task_criteria": 0, "document_criteria": 0, "files": 1}
    # the same bytes can be ingested again after deletion, as a new document
    again, created = store.add_document(build_document(), ORIGINAL)
    assert created and again not in (first, second)
    stats = store.stats()
    assert (stats["documents"], stats["tasks"], stats["original_bytes"]) == (2, 0, len(b"second") + len(ORIGINAL))
    assert stats["last_change_seq"] == store.last_change_seq() == 4 and stats["schema_version"] >= 1


def test_failure_after_blocks_written_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = build_document()
    written: list[str] = []
    real_insert_blocks = Store._insert_blocks

    def insert_blocks_then_note(self, conn, doc_id, blocks):
        real_insert_blocks(self, conn, doc_id, blocks)
        written.append(str(conn.execute("SELECT count(*) FROM blocks").fetchone()[0]))

    def failing_tasks(self, conn, doc_id, tasks):
        raise RuntimeError("extraction stage exploded")

    monkeypatch.setattr(Store, "_insert_blocks", insert_blocks_then_note)
    monkeypatch.setattr(Store, "_insert_tasks", failing_tasks)
    with pytest.raises(RuntimeError):
        store.add_document(doc, ORIGINAL, build_tasks(doc))
    assert written == ["4"]  # the blocks were in the transaction before it failed
    monkeypatch.undo()
    assert store.list_documents()[0] == 0 and store.last_change_seq() == 0
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT (SELECT count(*) FROM files) + (SELECT count(*) FROM blocks)").fetchone()[0] == 0
    conn.close()
    # the store is still usable
    assert store.add_document(doc, ORIGINAL, build_tasks(doc))[1]


def test_invalid_task_rolls_back_the_whole_document(store: Store) -> None:
    doc = build_document()
    bad = build_tasks(doc)
    bad[2].role = "observer"  # violates the CHECK constraint after document and blocks were inserted
    with pytest.raises(sqlite3.IntegrityError):
        store.add_document(doc, ORIGINAL, bad)
    assert store.list_documents()[0] == 0 and store.get_tasks() == [] and store.changes_since(0) == []


def test_open_store_creates_the_data_folder_and_uses_wal(tmp_path) -> None:
    from parlens.settings import Settings

    settings = Settings(data_dir=tmp_path / "nested" / "tinh")
    with open_store(settings) as store:
        assert store.path == settings.store_path and settings.store_path.exists()
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_store_is_usable_from_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            doc = build_document(f"{i}/KH-UBND")
            store.add_document(doc, f"doc {i}".encode(), build_tasks(doc))
            store.list_documents()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.list_documents()[0] == 8 and len(store.get_tasks()) == 24


def test_two_processes_adding_the_same_bytes_store_it_once(store: Store) -> None:
    """Separate connections (as separate processes have) racing on one file: one creates, the other sees it."""
    other = Store(store.path)
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []

    def add(target: Store) -> None:
        barrier.wait()
        results.append(target.add_document(build_document(), ORIGINAL, build_tasks(build_document())))

    threads = [threading.Thread(target=add, args=(s,)) for s in (store, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert sorted(created for _, created in results) == [False, True]
    assert len({doc_id for doc_id, _ in results}) == 1
    assert store.list_documents()[0] == 1 and store.count_tasks() == 3


def test_agency_and_criterion_counts_aggregate_in_the_store(tmp_path) -> None:
    from parlens.model import CriterionLink, Document, Task
    from parlens.store import Store

    store = Store(tmp_path / "s.sqlite3")

    def task(agency_id, name, codes, n):
        return Task(agency=name, role="lead", task=f"nhiệm vụ {n}", start=0, end=1, agency_id=agency_id, agency_name=name,
                    criteria=[CriterionLink(code=c, name=c, score=0.9) for c in codes])

    tasks = [task("so-noi-vu", "Sở Nội vụ", ["PAR.7.1", "PAR.7.2"], 1), task("so-noi-vu", "Sở Nội vụ", ["PAR.3"], 2),
             task("so-tu-phap", "Sở Tư pháp", ["PAR.2.1"], 3), task(None, "các đơn vị", [], 4)]
    store.add_document(Document(text="x", blocks=[], source_name="a.txt", sha256="a" * 64), b"x", tasks)
    assert store.agency_task_counts() == [("so-noi-vu", "Sở Nội vụ", 2), ("so-tu-phap", "Sở Tư pháp", 1)]
    counts = store.criterion_task_counts()
    assert counts["PAR.7"] == 1 and counts["PAR.7.1"] == 1 and counts["PAR.7.2"] == 1  # one task, counted once under PAR.7
    assert counts["PAR"] == 3 and counts["PAR.3"] == 1 and "PAR.1" not in counts


def test_a_full_disk_is_e023_with_nothing_written_and_the_store_works_afterwards(store: Store) -> None:
    """Before: 'cannot rollback - no transaction is active' (SQLite had rolled back by itself) as a 500."""
    doc = build_document()
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the database file may not grow: SQLITE_FULL
    with pytest.raises(ParlensError) as error:
        store.add_document(doc, b"%PDF-1.7 " + b"x" * 300_000, build_tasks(doc))
    assert error.value.code == "PARLENS-E023"
    assert store.document_ids() == [] and store.last_change_seq() == 0
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    doc_id, created = store.add_document(doc, b"%PDF-1.7 small", build_tasks(doc))
    assert created and store.document_ids() == [doc_id]


def test_commits_are_durable_on_power_loss(store: Store) -> None:
    """synchronous=FULL: an acknowledged write is on disk (NORMAL in WAL mode can lose the last commits)."""
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2
