"""The task list every format renders: tasks with their id, tracking state and source document.

Stored tasks (:func:`from_stored`) carry their id, status and due date from the store; tasks just read
from a file (:func:`from_extracted`, ``parlens tasks FILE``) have no id yet and are "Chưa thực hiện", with
the due date of a recurring duty worked out the same way the store does (its current occurrence).

>>> from parlens.model import Deadline, DocumentMetadata, Task
>>> meta = DocumentMetadata(doc_type="Kế hoạch", number="12/KH-UBND", issued_on=date(2025, 1, 2))
>>> task = Task("Sở Nội vụ", "lead", "Báo cáo tình hình", 0, 20,
...             deadline=Deadline("trước ngày 15 hằng tháng", recurrence=["FREQ=MONTHLY;BYMONTHDAY=15"]))
>>> report = from_extracted(meta, [task], on=date(2025, 3, 20))
>>> report.items[0].due, report.items[0].timeliness
(datetime.date(2025, 3, 15), 'qua_han')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from parlens.model import Document, DocumentMetadata, Task

if TYPE_CHECKING:
    from parlens.store import StoredTask


@dataclass(frozen=True)
class SourceDocument:
    """The document a task was read from, as exports name it."""

    id: int | None = None
    title: str | None = None
    doc_type: str | None = None
    number: str | None = None
    issued_on: date | None = None
    issuer: str | None = None
    source_name: str = ""

    def header(self) -> dict[str, Any]:
        """The ``document`` object of the JSON contract."""
        return {"title": self.title, "doc_type": self.doc_type, "number": self.number,
                "issued_on": self.issued_on.isoformat() if self.issued_on else None, "issuer": self.issuer}


@dataclass(frozen=True)
class ReportTask:
    """One task record (a lead or a support record) with what the tracker sheet shows about it."""

    task: Task
    document: SourceDocument
    id: int | None = None
    status: str = "chua_thuc_hien"
    completed_on: date | None = None
    assignee: str | None = None
    note: str | None = None
    due: date | None = None  # the task's due date, or the current occurrence of a recurring duty
    timeliness: str | None = None  # tracking.status.TIMELINESS code on the report's reference date


@dataclass(frozen=True)
class TaskReport:
    """What a renderer gets: the records in order, the one document they come from (if one), the date of the report.

    ``context`` holds other records of the same documents that are not listed (a list filtered by agency or
    role): they only name the lead and the partners of the records listed.
    """

    items: list[ReportTask]
    document: SourceDocument | None = None
    on: date = field(default_factory=date.today)
    title: str = "Danh sách nhiệm vụ"
    context: list[ReportTask] = field(default_factory=list)


def source_document(doc: Document | DocumentMetadata | dict | None) -> SourceDocument:
    """A :class:`SourceDocument` from a document, its metadata or a ``document`` header dictionary."""
    meta = doc.metadata if isinstance(doc, Document) else doc
    name = doc.source_name if isinstance(doc, Document) else ""
    if meta is None:
        return SourceDocument(source_name=name)
    get = meta.get if isinstance(meta, dict) else (lambda k: getattr(meta, k, None))
    issued = get("issued_on")
    if isinstance(issued, str):
        issued = date.fromisoformat(issued)
    return SourceDocument(title=get("title"), doc_type=get("doc_type"), number=get("number"), issued_on=issued,
                          issuer=get("issuer"), source_name=name or "")


def from_extracted(doc: Document | DocumentMetadata | dict | None, tasks: list[Task], *, on: date | None = None) -> TaskReport:
    """The report of tasks just extracted from ``doc`` (no ids, status "chua_thuc_hien")."""
    from parlens.tracking.status import DEFAULT_STATUS, current_occurrence, timeliness

    on = on or date.today()
    source = source_document(doc)
    names = canonical_names(tasks)
    items = []
    for t in tasks:
        d = t.deadline
        due = d.due if d else None
        if due is None and d is not None and d.recurrence:
            due = current_occurrence(d.recurrence, source.issued_on or on, on)
        items.append(ReportTask(with_canonical_agency(t, names), source, status=DEFAULT_STATUS, due=due,
                                timeliness=timeliness(due, DEFAULT_STATUS, None, on)))
    return TaskReport(items, source, on)


def canonical_names(tasks: Iterable[Task]) -> dict[str, str]:
    """The one name every format shows for each agency id among ``tasks`` (``nlp.agencies.canonical_agency_names``)."""
    from parlens.nlp.agencies import canonical_agency_names

    return canonical_agency_names((t.agency_id, t.agency_name or t.agency) for t in tasks)


def with_canonical_agency(task: Task, names: dict[str, str]) -> Task:
    """``task`` with the canonical name of its body as ``agency_name``; ``agency`` keeps the words as written.

    >>> t = Task("Giám đốc Sở Nội vụ", "lead", "Rà soát", 0, 9, agency_id="so-noi-vu", agency_name="Sở Nội vụ tỉnh Nghệ An")
    >>> with_canonical_agency(t, canonical_names([t])).agency_name
    'Sở Nội vụ'
    """
    name = names.get(task.agency_id) if task.agency_id else None
    return task if name is None or name == task.agency_name else replace(task, agency_name=name)


def _stored_item(st: StoredTask, names: dict[str, str]) -> ReportTask:
    source = SourceDocument(id=st.document_id, title=st.document_title, doc_type=st.document_type,
                            number=st.document_number, issued_on=st.document_issued_on, issuer=st.document_issuer)
    return ReportTask(with_canonical_agency(st.task, names), source, id=st.id, status=st.status,
                      completed_on=st.completed_on, assignee=st.assignee, note=st.note, due=st.due,
                      timeliness=st.timeliness)


def from_stored(stored: list[StoredTask], *, on: date | None = None, document: SourceDocument | None = None,
                title: str = "Danh sách nhiệm vụ", context: list[StoredTask] = ()) -> TaskReport:
    """The report of stored tasks (any number of documents), with their ids and tracking state.

    ``context``: other stored tasks of the same documents (those already listed are skipped). Every task
    names its body by the one canonical name of its agency id (a store written before names were canonical
    still shows one name per body); the words as written stay in ``task.agency``.
    """
    listed = {st.id for st in stored}
    names = canonical_names(st.task for st in [*stored, *context])
    extra = [_stored_item(st, names) for st in context if st.id not in listed]
    return TaskReport([_stored_item(st, names) for st in stored], document, on or date.today(), title, extra)
