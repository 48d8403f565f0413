"""The Tổng quan numbers: by status, by timeliness, overdue by agency, due soon, criteria gaps; scope and date."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.reports.dashboard import NO_DUE_LABEL, build_dashboard
from parlens.store import Store, tracker

ON = date(2025, 10, 1)


def _document(province: str, number: str, lines: list[str]) -> Document:
    text = "\n".join(lines)
    blocks, pos = [], 0
    for line in lines:
        blocks.append(Block("paragraph", line, pos, pos + len(line)))
        pos += len(line) + 1
    meta = DocumentMetadata(title=f"Kế hoạch {number}", doc_type="Kế hoạch", number=number, issuer=f"UBND tỉnh {province}",
                            issued_on=date(2025, 1, 10), province=province)
    return Document(text=text, blocks=blocks, metadata=meta, source_name=f"{number}.txt", media_type="text/plain")


def _task(doc: Document, i: int, agency: str, agency_id: str | None, due: date | None, codes: tuple[str, ...] = ()) -> Task:
    block = doc.blocks[i]
    return Task(agency=agency, role="lead", task=block.text, start=block.start, end=block.end, agency_id=agency_id,
                agency_name=agency if agency_id else None,
                deadline=Deadline(due.strftime("%d/%m/%Y"), due=due) if due else None,
                criteria=[CriterionLink(c, c, 1.0) for c in codes])


@pytest.fixture
def filled(store: Store) -> Store:
    lines = [f"Nhiệm vụ số {n}" for n in range(1, 7)]
    doc = _document("Thanh Hóa", "1/KH-UBND", lines)
    tasks = [
        _task(doc, 0, "Sở Nội vụ", "so-noi-vu", date(2025, 9, 1), ("PAR.2.1",)),  # overdue
        _task(doc, 1, "UBND các huyện", None, date(2025, 9, 15)),  # overdue, agency not recognised
        _task(doc, 2, "Sở Nội vụ", "so-noi-vu", date(2025, 10, 20), ("PAR.1.1",)),  # due soon, in progress
        _task(doc, 3, "Sở Tư pháp", "so-tu-phap", date(2025, 12, 1)),  # not due yet, beyond 30 days
        _task(doc, 4, "Sở Tư pháp", "so-tu-phap", date(2025, 9, 1), ("PAR.2.1",)),  # done on time
        _task(doc, 5, "Sở Tư pháp", "so-tu-phap", None),  # no deadline
    ]
    doc_id, _ = store.add_document(doc, b"thanh hoa", tasks)
    other = _document("Hà Tĩnh", "2/KH-UBND", ["Nhiệm vụ khác"])
    store.add_document(other, b"ha tinh", [_task(other, 0, "Sở Nội vụ", "so-noi-vu", date(2025, 9, 1), ("PAR.4.1",))])
    ids = [st.id for st in store.get_tasks(document_id=doc_id)]
    tracker.update_task(store, ids[2], {"status": "dang_thuc_hien"}, "test")
    tracker.update_task(store, ids[4], {"status": "hoan_thanh", "completed_on": date(2025, 8, 30)}, "test")
    tracker.add_evidence(store, actor="test", task_id=ids[0], document_id=doc_id)
    tracker.add_evidence(store, actor="test", criterion="PAR.3.1", data=b"bao cao", file_name="bc.pdf")
    store.ids = ids
    return store


def test_counts_by_status_and_timeliness_add_up(filled: Store) -> None:
    board = build_dashboard(filled, on=ON)
    assert board.total == 7 and board.on == ON and board.horizon == date(2025, 10, 31)
    assert {c.key: c.value for c in board.by_status} == {"chua_thuc_hien": 5, "dang_thuc_hien": 1, "hoan_thanh": 1}
    assert [(c.key, c.value) for c in board.by_timeliness] == [
        ("qua_han", 3), ("chua_den_han", 2), ("dung_han", 1), ("hoan_thanh_qua_han", 0), (None, 1)]
    assert board.by_timeliness[-1].label == NO_DUE_LABEL and board.by_status[2].label == "Hoàn thành"
    assert sum(c.value for c in board.by_status) == sum(c.value for c in board.by_timeliness) == board.total
    assert board.overdue == 3


def test_overdue_by_agency_uses_the_canonical_name_and_keeps_the_id(filled: Store) -> None:
    board = build_dashboard(filled, on=ON)
    assert [(c.key, c.label, c.value) for c in board.overdue_by_agency] == [
        ("so-noi-vu", "Sở Nội vụ", 2), (None, "UBND các huyện", 1)]


def test_due_soon_is_not_done_and_within_thirty_days(filled: Store) -> None:
    board = build_dashboard(filled, on=ON)
    assert [st.id for st in board.due_soon] == [filled.ids[2]]
    assert [st.id for st in build_dashboard(filled, on=ON, days=90).due_soon] == [filled.ids[2], filled.ids[3]]
    # the list's own filter gives the same tasks: timeliness chua_den_han, due from ON to the horizon
    listed = filled.get_tasks(on=ON, timeliness="chua_den_han", due_after=ON, due_before=board.horizon)
    assert [st.id for st in listed] == [st.id for st in board.due_soon]


def test_scope_and_reference_date(filled: Store) -> None:
    scoped = build_dashboard(filled, on=ON, province="thanh hoa")
    assert scoped.total == 6 and scoped.overdue == 2
    assert build_dashboard(filled, on=ON, issuer="Hà Tĩnh").total == 1
    assert build_dashboard(filled, on=ON, year=2024).total == 0
    early = build_dashboard(filled, on=date(2025, 8, 1))
    assert early.overdue == 0 and {c.key: c.value for c in early.by_timeliness}["chua_den_han"] == 5


def test_criteria_without_tasks_or_evidence(filled: Store) -> None:
    board = build_dashboard(filled, on=ON)
    states = {c.code: c for c in board.criteria}
    assert len(states) == 37 and all(code.count(".") == 2 for code in states)
    assert (states["PAR.2.1"].tasks, states["PAR.2.1"].evidence) == (2, 1)
    assert (states["PAR.1.1"].tasks, states["PAR.1.1"].evidence) == (1, 0)
    assert (states["PAR.3.1"].tasks, states["PAR.3.1"].evidence) == (0, 1)
    without_tasks = {c.code for c in board.criteria_without_tasks}
    without_evidence = {c.code for c in board.criteria_without_evidence}
    assert "PAR.2.1" not in without_tasks and "PAR.3.1" in without_tasks and "PAR.4.1" not in without_tasks
    assert "PAR.1.1" in without_evidence and "PAR.2.1" not in without_evidence and "PAR.3.1" not in without_evidence
    # the Hà Tĩnh task is out of scope: its criterion has no task there
    assert "PAR.4.1" in {c.code for c in build_dashboard(filled, on=ON, province="Thanh Hóa").criteria_without_tasks}


def test_docstring_examples() -> None:
    import doctest

    import parlens.reports.dashboard as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
