"""Tracking in the store: status and corrections with history, tombstones, re-extraction keeping human work,
recurring occurrences, all-or-nothing batches and evidence."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.errors import ParlensError
from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.store import Store, tracker

TEXT = ("1. Sở Nội vụ rà soát thủ tục trước ngày 15/10/2025.\n"
        "2. Sở Tư pháp báo cáo trước ngày 15 hằng tháng.\n"
        "3. Sở Y tế số hóa hồ sơ trong quý IV/2025.\n")
ON = date(2025, 10, 20)


def document() -> Document:
    return Document(text=TEXT, blocks=[Block("paragraph", TEXT, 0, len(TEXT))],
                    metadata=DocumentMetadata(issued_on=date(2025, 1, 6), doc_type="Kế hoạch", number="1/KH-UBND",
                                              province="Quảng Ninh", issuer="UBND TỈNH QUẢNG NINH"))


def extracted(version: int = 1) -> list[Task]:
    """What an extractor returns; version 2 words the third task differently and finds a fourth."""
    tasks = [
        Task(agency="Sở Nội vụ", role="lead", task="rà soát thủ tục", start=3, end=51, agency_id="so-noi-vu",
             deadline=Deadline("trước ngày 15/10/2025", due=date(2025, 10, 15)),
             criteria=[CriterionLink("PAR.3", "Cải cách TTHC", 0.7)]),
        Task(agency="Sở Tư pháp", role="lead", task="báo cáo", start=55, end=100, agency_id="so-tu-phap",
             deadline=Deadline("trước ngày 15 hằng tháng", recurrence=["FREQ=MONTHLY;BYMONTHDAY=15"])),
        Task(agency="Sở Y tế", role="lead", task="số hóa hồ sơ" + (" (v2)" if version == 2 else ""), start=104,
             end=145, deadline=Deadline("trong quý IV/2025", due=date(2025, 12, 31))),
    ]
    if version == 2:
        tasks.append(Task(agency="Sở Tài chính", role="support", task="số hóa hồ sơ", start=104, end=145))
    return tasks


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(document(), b"plan", extracted())[0]


def ids(store: Store, **filters) -> list[int]:
    return [st.id for st in store.get_tasks(**filters)]


def test_status_change_is_recorded_and_judged(store: Store, doc_id: int) -> None:
    first = store.get_tasks(on=ON)[0]
    assert (first.status, first.timeliness) == ("chua_thuc_hien", "qua_han")
    done = tracker.update_task(store, first.id, {"status": "Hoàn thành", "completed_on": "16/10/2025"}, "an", on=ON)
    assert (done.status, done.completed_on, done.timeliness) == ("hoan_thanh", date(2025, 10, 16), "hoan_thanh_qua_han")
    assert tracker.update_task(store, first.id, {"status": "hoan_thanh"}, "an", on=ON).completed_on == date(2025, 10, 16)
    history = tracker.task_history(store, first.id)
    assert len(history) == 1  # the repeated status was no change
    assert history[0]["actor"] == "an" and history[0]["before"] == {"status": "chua_thuc_hien", "completed_on": None}
    assert history[0]["after"] == {"status": "hoan_thanh", "completed_on": "2025-10-16"}
    back = tracker.update_task(store, first.id, {"status": "dang_thuc_hien"}, "an", on=ON)
    assert back.completed_on is None and back.timeliness == "qua_han"  # undone clears the completion date


def test_completion_date_alone_means_done_and_bad_values_are_refused(store: Store, doc_id: int) -> None:
    task_id = ids(store)[0]
    assert tracker.update_task(store, task_id, {"completed_on": date(2025, 10, 1)}, "an").status == "hoan_thanh"
    for bad in ({"status": "xong"}, {"completed_on": "31/02/2025"}, {"role": "boss"}, {"colour": "red"},
                {"task": "  "}, {"status": "chua_thuc_hien", "completed_on": "2025-10-01"},
                {"completed_on": "2025-01-05"}):  # the day before the plan was signed
        with pytest.raises(ParlensError) as err:
            tracker.update_task(store, task_id, bad, "an")
        assert err.value.code == "PARLENS-E027", bad
    with pytest.raises(ParlensError) as err:
        tracker.update_task(store, 999, {"status": "hoan_thanh"}, "an")
    assert err.value.code == "PARLENS-E026"


def test_recurring_duty_has_one_status_per_occurrence(store: Store, doc_id: int) -> None:
    monthly = ids(store, recurring=True)[0]
    shown = tracker.get_task(store, monthly, on=ON)
    assert (shown.due, shown.timeliness) == (date(2025, 10, 15), "qua_han")  # October's report is late
    after = tracker.update_task(store, monthly, {"status": "hoan_thanh", "completed_on": "2025-10-18"}, "an", on=ON)
    assert (after.due, after.status, after.timeliness) == (date(2025, 11, 15), "chua_thuc_hien", "chua_den_han")
    tracker.update_task(store, monthly, {"status": "hoan_thanh", "occurrence": "2025-09-15", "completed_on": "2025-09-10"}, "an")
    states = tracker.occurrence_states(store, monthly)
    assert states[date(2025, 10, 15)]["completed_on"] == "2025-10-18" and states[date(2025, 9, 15)]["status"] == "hoan_thanh"
    assert store.get_tasks(task_ids=[monthly], on=date(2025, 11, 16))[0].timeliness == "qua_han"  # November late
    assert ids(store, timeliness="qua_han", on=date(2025, 11, 16)) == ids(store)[:2]  # the third is due 31/12
    with pytest.raises(ParlensError):
        tracker.update_task(store, ids(store)[0], {"occurrence": "2025-09-15"}, "an")  # not a recurring task


def test_reextraction_keeps_human_work_and_refreshes_the_rest(store: Store, doc_id: int) -> None:
    first, monthly, third = ids(store)
    tracker.update_task(store, first, {"agency": "Sở Tư pháp", "agency_id": "so-tu-phap"}, "an")
    tracker.update_task(store, monthly, {"assignee": "Chị Lan"}, "an")
    tracker.delete_task(store, third, "an")
    added = tracker.add_task(store, doc_id, Task(agency="Sở Xây dựng", role="lead", task="bổ sung", start=0, end=0), "an")
    outcome = store.replace_tasks(doc_id, extracted(version=2), [])
    # first (corrected), monthly (assignee), third (tombstone), the added one: kept; v2's "số hóa (v2)" has the
    # same machine key as the deleted third task, so it is not added back; only Sở Tài chính is new.
    assert (outcome.kept, outcome.updated, outcome.added, outcome.removed) == (4, 0, 1, 0)
    live = store.get_tasks(document_id=doc_id)
    assert [st.task.agency for st in live] == ["Sở Tư pháp", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng"]
    assert live[0].edited and live[1].assignee == "Chị Lan" and live[-1].origin == "human"
    assert added in [st.id for st in live] and third not in [st.id for st in live]
    assert store.get_document(doc_id).task_count == 4


def test_untouched_machine_rows_keep_their_ids(store: Store, doc_id: int) -> None:
    before = ids(store)
    outcome = store.replace_tasks(doc_id, extracted(), [])
    assert (outcome.kept, outcome.updated, outcome.added, outcome.removed) == (0, 3, 0, 0)
    assert ids(store) == before
    outcome = store.replace_tasks(doc_id, extracted()[:1], [])
    assert (outcome.updated, outcome.removed) == (1, 2) and ids(store) == before[:1]


def test_corrections_are_edits_and_record_a_change(store: Store, doc_id: int) -> None:
    task_id = ids(store)[0]
    seq = store.last_change_seq()
    tracker.update_task(store, task_id, {"note": "đã nhắc"}, "an")
    assert store.last_change_seq() == seq  # tracking alone does not touch the index
    st = tracker.update_task(store, task_id, {"role": "support", "criteria": [CriterionLink("PAR.7.2", "DVC", 1.0)],
                                              "deadline": Deadline("30/11/2025", due=date(2025, 11, 30))}, "an")
    assert (st.task.role, [c.code for c in st.task.criteria], st.due, st.edited) == ("support", ["PAR.7.2"], date(2025, 11, 30), True)
    assert store.last_change_seq() == seq + 1
    last = tracker.task_history(store, task_id)[-1]
    assert last["before"]["criteria"] == ["PAR.3"] and last["after"]["deadline"] == "30/11/2025"


def test_a_batch_is_all_or_nothing(store: Store, doc_id: int) -> None:
    a, b, c = ids(store)
    with pytest.raises(ParlensError):
        tracker.update_tasks(store, [(a, {"status": "hoan_thanh"}), (b, {"status": "??"})], "excel")
    with pytest.raises(ParlensError):
        tracker.update_tasks(store, [(a, {"status": "hoan_thanh"}), (12345, {"status": "hoan_thanh"})], "excel")
    assert [st.status for st in store.get_tasks()] == ["chua_thuc_hien"] * 3
    assert tracker.task_history(store, a) == []
    results = tracker.update_tasks(store, [(a, {"status": "hoan_thanh"}), (c, {})], "excel")
    assert results == ["updated", "unchanged"] and tracker.task_history(store, a)[0]["action"] == "import"


def test_filters_combine_with_scope(store: Store, doc_id: int) -> None:
    other = document()
    other.metadata.province, other.metadata.issuer, other.metadata.issued_on = "Hà Nội", "SỞ NỘI VỤ", date(2024, 3, 1)
    store.add_document(other, b"other", extracted())
    assert len(ids(store, province="quang ninh")) == 3 and len(ids(store, province="Hà Nội", year=2024)) == 3
    assert ids(store, issuer="so noi vu", year=2025) == []
    assert store.count_tasks(agency_id="so-noi-vu", timeliness="qua_han", on=ON) == 2
    assert store.count_tasks(agency_id="so-noi-vu", timeliness="qua_han", on=ON, province="Quảng Ninh") == 1


def test_evidence_on_tasks_and_criteria(store: Store, doc_id: int) -> None:
    task_id = ids(store)[0]
    proof = store.add_document(document(), b"report", [])[0]
    e1 = tracker.add_evidence(store, actor="an", task_id=task_id, document_id=proof, note="báo cáo kết quả")
    e2 = tracker.add_evidence(store, actor="an", criterion="PAR.7.2", data=b"%PDF-1.4 scan", file_name="bien-ban.pdf",
                              media_type="application/pdf")
    assert [e.id for e in tracker.list_evidence(store, task_id=task_id)] == [e1]
    assert tracker.list_evidence(store, criterion="PAR.7.2")[0].file_name == "bien-ban.pdf"
    assert tracker.tasks_with_evidence(store) == {task_id}
    assert tracker.evidence_file(store, e2)[0] == b"%PDF-1.4 scan"
    assert tracker.evidence_file(store, e1)[0] == b"report"  # a document's evidence is its original
    assert tracker.task_history(store, task_id)[-1]["action"] == "evidence"
    store.replace_tasks(doc_id, extracted(), [])
    assert task_id in ids(store)  # a task with evidence was touched: kept
    tracker.delete_evidence(store, e2, "an")
    assert store._query("SELECT count(*) FROM files WHERE data = ?", (b"%PDF-1.4 scan",))[0][0] == 0
    with pytest.raises(ParlensError) as err:
        tracker.evidence_file(store, e2)
    assert err.value.code == "PARLENS-E028"
    with pytest.raises(ParlensError):
        tracker.add_evidence(store, actor="an", task_id=task_id, criterion="PAR.1", document_id=proof)


def test_deleting_a_document_keeps_evidence_files_others_use(store: Store, doc_id: int) -> None:
    task_id = ids(store)[0]
    tracker.add_evidence(store, actor="an", task_id=task_id, data=b"shared", file_name="a.pdf")
    tracker.add_evidence(store, actor="an", criterion="PAR.1", data=b"shared", file_name="b.pdf")
    tracker.add_evidence(store, actor="an", task_id=task_id, data=b"only-here", file_name="c.pdf")
    store.delete_document(doc_id)
    files = {bytes(r[0]) for r in store._query("SELECT data FROM files")}
    assert b"shared" in files and b"only-here" not in files and b"plan" not in files


def test_find_tasks_pages_after_judging_timeliness(store: Store, doc_id: int) -> None:
    second = document()
    second.metadata.number = "2/KH-UBND"  # another plan (the same number and date would be a copy of the first)
    store.add_document(second, b"second", extracted())
    late = ids(store, timeliness="qua_han", on=ON)
    assert len(late) == 4  # per document: the first task and the monthly one
    total, page = store.find_tasks(timeliness="qua_han", on=ON, limit=2, offset=1)
    assert total == 4 and [st.id for st in page] == late[1:3]
    assert all(st.timeliness == "qua_han" and st.task.task for st in page)  # the page is read in full
    assert store.find_tasks(timeliness="qua_han", on=ON, limit=2, offset=10) == (4, [])
    assert store.find_tasks(limit=2)[0] == 6 and len(store.find_tasks(limit=2)[1]) == 2
