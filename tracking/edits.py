"""Read what a person typed (API JSON, CLI options, a web form) into a task change the store can apply.

Agencies are resolved by the same recogniser the extractor uses (canonical id and name), deadlines by the
same deadline grammar (``"2025-10-15"``, ``"trước ngày 15/10/2025"``, ``"hằng quý"``), criteria codes checked
against the taxonomy. ``None`` or an empty text clears a deadline, an assignee or a note.

>>> read_deadline("trước ngày 15 hằng tháng", None).recurrence
['FREQ=MONTHLY;BYMONTHDAY=15']
>>> read_deadline("2025-10-15", None).due
datetime.date(2025, 10, 15)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from parlens.errors import ParlensError
from parlens.model import CriterionLink, Deadline, Task
from parlens.store import Store, StoredTask
from parlens.store import tracker
from parlens.store.tracker import parse_day

ROLE_WORDS = {"lead": "lead", "chu tri": "lead", "chủ trì": "lead", "support": "support", "phoi hop": "support",
              "phối hợp": "support"}


def read_deadline(value: Any, ref_date: date | None) -> Deadline | None:
    """A Deadline from an ISO/Vietnamese date or any deadline phrase; None for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return Deadline(text=value.strftime("%d/%m/%Y"), due=value)
    text = " ".join(str(value).split())
    try:
        day = parse_day(text, "deadline")
    except ParlensError:
        day = None
    if day is not None:
        return Deadline(text=text, due=day)
    from parlens.nlp.deadlines import parse_deadline

    mention = parse_deadline(text, ref_date=ref_date)
    if mention is None or mention.decoy:
        raise ParlensError("PARLENS-E027", f"deadline {text!r}: no date or period found (e.g. 2025-10-15, "
                                           "trước ngày 15/10/2025, hằng quý)")
    return Deadline(text=text, due=mention.due, recurrence=list(mention.recurrence), within=mention.within,
                    working_time=mention.working_time)


def read_criteria(codes: Any) -> list[CriterionLink]:
    """Criterion links for the codes a person chose (score 1, marked as set by hand); PARLENS-E030 if unknown."""
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    if codes is None:
        return []
    if isinstance(codes, str):
        codes = [c for c in codes.replace(";", ",").split(",")]
    if not isinstance(codes, (list, tuple)):
        raise ParlensError("PARLENS-E027", "criteria must be a list of codes such as PAR.7.2")
    taxonomy = load_taxonomy()
    links = []
    for code in codes:
        if not str(code).strip():
            continue
        item = taxonomy.get(str(code))
        links.append(CriterionLink(item.code, item.name, 1.0, "gán thủ công"))
    return links


def read_role(value: Any) -> str:
    role = ROLE_WORDS.get(str(value).strip().lower())
    if role is None:
        raise ParlensError("PARLENS-E027", f"role {value!r}: choose lead (chủ trì) or support (phối hợp)")
    return role


def read_agency(value: Any, on: date | None) -> dict[str, Any]:
    """``agency`` as written plus the canonical ``agency_id``/``agency_name`` when the body is recognised."""
    from parlens.nlp.agencies import resolve_agency

    if not isinstance(value, str) or not value.strip():
        raise ParlensError("PARLENS-E027", "agency cannot be empty")
    text = " ".join(value.split())
    mention = resolve_agency(text, on=on)
    return {"agency": text, "agency_id": mention.agency_id if mention else None,
            "agency_name": mention.name if mention else None}


def read_changes(raw: dict[str, Any], ref_date: date | None) -> dict[str, Any]:
    """Normalise a change as typed: agency resolved, deadline read, criteria checked, role in either language."""
    out = {k: v for k, v in raw.items() if k not in ("agency", "deadline", "criteria", "role")}
    if "agency" in raw:
        out.update(read_agency(raw["agency"], ref_date))
    if "role" in raw:
        out["role"] = read_role(raw["role"])
    if "deadline" in raw:
        out["deadline"] = read_deadline(raw["deadline"], ref_date)
    if "criteria" in raw:
        out["criteria"] = read_criteria(raw["criteria"])
    return out


def change_task(store: Store, task_id: int, raw: dict[str, Any], actor: str, *, on: date | None = None) -> StoredTask:
    """Apply a change as typed to one task; the task as it now is."""
    current = tracker.get_task(store, task_id, on=on)
    return tracker.update_task(store, task_id, read_changes(raw, current.document_issued_on), actor, on=on)


def new_task(store: Store, document_id: int, raw: dict[str, Any], actor: str) -> int:
    """Add a task a person found: ``agency``, ``task`` required; ``role`` (lead), ``deadline``, ``criteria``,
    ``start``/``end`` (the span chosen in the text; without one the task has no source span)."""
    doc = store.get_document(document_id).document  # PARLENS-E020 for an unknown document
    ref = doc.metadata.issued_on
    unknown = sorted(set(raw) - {"agency", "role", "task", "deadline", "criteria", "start", "end", "assignee", "note",
                                 "status", "completed_on"})
    if unknown:
        raise ParlensError("PARLENS-E027", f"unknown field(s) {', '.join(unknown)}")
    agency = read_agency(raw.get("agency"), ref)
    text = raw.get("task")
    if not isinstance(text, str) or not text.strip():
        raise ParlensError("PARLENS-E027", "task cannot be empty")
    start, end = raw.get("start"), raw.get("end")
    if (start is None) != (end is None) or (start is not None and not (isinstance(start, int) and isinstance(end, int))):
        raise ParlensError("PARLENS-E027", "give both start and end (character offsets) or neither")
    page = doc.page_at(start) if start is not None else None
    task = Task(agency=agency["agency"], agency_id=agency["agency_id"], agency_name=agency["agency_name"],
                role=read_role(raw.get("role", "lead")), task=" ".join(text.split()), start=start or 0, end=end or 0,
                page=page, deadline=read_deadline(raw.get("deadline"), ref), criteria=read_criteria(raw.get("criteria")),
                rule="manual")
    tracking = {k: raw[k] for k in ("assignee", "note", "status", "completed_on") if k in raw}
    tracker.check_changes(tracking)  # a bad status or date fails before anything is written
    task_id = tracker.add_task(store, document_id, task, actor)
    if tracking:
        tracker.update_task(store, task_id, tracking, actor)
    return task_id
