"""Tracking writes in the store: status and corrections of tasks, their history, tombstones and evidence.

Every write is one transaction. A change a person makes is recorded in ``task_history`` (who, when, the
fields before and after); a correction of the extracted content (agency, role, task, deadline, criteria)
marks the row ``edited`` and records a document change so the search index follows. A deleted task stays as
a tombstone so re-extraction does not bring it back. Values arrive normalised (see
:mod:`parlens.tracking.edits` for reading what a person typed); status, dates and free text are checked here.

>>> from parlens.store import Store
>>> store = Store(":memory:")
>>> get_task(store, 1)
Traceback (most recent call last):
...
parlens.errors.ParlensError: [PARLENS-E026] task not found: no task #1. List tasks with GET /tasks or on the Nhiệm vụ page; a deleted task stays deleted.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from parlens.errors import ParlensError
from parlens.model import CriterionLink, Deadline, Task
from parlens.store.sqlite import Store, StoredTask, drop_unused_file
from parlens.tracking.status import DEFAULT_STATUS, ROLES, STATUSES, parse_status

TRACK_FIELDS = ("status", "completed_on", "assignee", "note")
EDIT_FIELDS = ("agency", "agency_id", "agency_name", "role", "task", "deadline", "criteria")
FIELDS = TRACK_FIELDS + EDIT_FIELDS + ("occurrence",)
_TEXT_LIMIT = 4000


@dataclass
class Evidence:
    """A tài liệu kiểm chứng: a stored document or an uploaded file, attached to a task or a criterion."""

    id: int
    task_id: int | None
    criterion: str | None
    document_id: int | None
    file_name: str | None
    media_type: str | None
    note: str | None
    added_at: str
    added_by: str
    document_label: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["links"] = {"file": f"/evidence/{self.id}/file"} if self.document_id is None else {
            "document": f"/documents/{self.document_id}", "page": f"/van-ban/{self.document_id}"}
        return out


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _fail(detail: str) -> ParlensError:
    return ParlensError("PARLENS-E027", detail)


def parse_day(value: Any, field: str) -> date | None:
    """A date from a date, ``YYYY-MM-DD`` or ``dd/mm/yyyy`` (also with ``-`` or ``.``); None for None or empty text.

    >>> parse_day("5.3.2025", "completed_on"), parse_day(" ", "completed_on")
    (datetime.date(2025, 3, 5), None)
    """
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _fail(f"{field}: {text!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)")


def _text(value: Any, field: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _fail(f"{field} cannot be empty")
        return None
    if not isinstance(value, str):
        raise _fail(f"{field} must be text")
    text = " ".join(value.split())
    if len(text) > _TEXT_LIMIT:
        raise _fail(f"{field} is longer than {_TEXT_LIMIT} characters")
    if required and not text:
        raise _fail(f"{field} cannot be empty")
    return text or None


# -- reads ------------------------------------------------------------------------------------------


def get_task(store: Store, task_id: int, on: date | None = None) -> StoredTask:
    """One task with its tracking state on ``on``; PARLENS-E026 when unknown or deleted."""
    found = store.get_tasks(task_ids=[task_id], on=on)
    if not found:
        raise ParlensError("PARLENS-E026", f"no task #{task_id}")
    return found[0]


def task_history(store: Store, task_id: int) -> list[dict[str, Any]]:
    """Every recorded change of a task, oldest first: ``{at, actor, action, before, after}``."""
    rows = store._query("SELECT * FROM task_history WHERE task_id = ? ORDER BY id", (task_id,))
    if not rows and not store._query("SELECT 1 FROM tasks WHERE id = ?", (task_id,)):
        raise ParlensError("PARLENS-E026", f"no task #{task_id}")
    return [{"at": r["at"], "actor": r["actor"], "action": r["action"], "before": json.loads(r["before"]),
             "after": json.loads(r["after"])} for r in rows]


def reviewed_documents(store: Store) -> list[int]:
    """Documents with at least one change a person made to their tasks, ascending."""
    return [r["document_id"] for r in store._query("SELECT DISTINCT document_id FROM task_history ORDER BY document_id")]


def occurrence_states(store: Store, task_id: int) -> dict[date, dict[str, Any]]:
    """The occurrences of a recurring task someone gave a status: due date → ``{status, completed_on, note}``."""
    return {
        date.fromisoformat(r["due"]): {"status": r["status"], "completed_on": r["completed_on"], "note": r["note"]}
        for r in store._query("SELECT * FROM task_occurrences WHERE task_id = ? ORDER BY due", (task_id,))
    }


# -- changes ----------------------------------------------------------------------------------------


def _snapshot(row: sqlite3.Row, criteria: list[str]) -> dict[str, Any]:
    """The fields of a task row as history records them."""
    return {
        "status": row["status"], "completed_on": row["completed_on"], "assignee": row["assignee"], "note": row["note"],
        "agency": row["agency"], "agency_id": row["agency_id"], "agency_name": row["agency_name"], "role": row["role"],
        "task": row["task"], "deadline": row["deadline_text"], "due": row["due"],
        "recurrence": json.loads(row["recurrence"]), "criteria": criteria,
    }


def _live_row(conn: sqlite3.Connection, task_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM tasks WHERE id = ? AND deleted_at IS NULL", (task_id,)).fetchone()
    if row is None:
        raise ParlensError("PARLENS-E026", f"no task #{task_id}")
    return row


def _codes(conn: sqlite3.Connection, task_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT code FROM task_criteria WHERE task_id = ? ORDER BY code", (task_id,))]


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the simple values of a change (status, dates, text, role)."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise _fail(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    out = dict(changes)
    if "status" in out:
        try:
            out["status"] = parse_status(out["status"]) if out["status"] is not None else DEFAULT_STATUS
        except ValueError as exc:
            raise _fail(str(exc)) from exc
    for field in ("completed_on", "occurrence"):
        if field in out:
            out[field] = parse_day(out[field], field)
    for field in ("assignee", "note", "agency_id", "agency_name"):
        if field in out:
            out[field] = _text(out[field], field)
    for field in ("agency", "task"):
        if field in out:
            out[field] = _text(out[field], field, required=True)
    if "role" in out and out["role"] not in ROLES:
        raise _fail(f"role {out['role']!r}: choose lead or support")
    if "deadline" in out and out["deadline"] is not None and not isinstance(out["deadline"], Deadline):
        raise _fail("deadline must be read first (tracking.edits.read_deadline)")
    if "criteria" in out and not all(isinstance(c, CriterionLink) for c in out["criteria"] or []):
        raise _fail("criteria must be resolved links")
    return out


def _tracking_values(changes: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Status and completion date made consistent: a completion date means done; undone clears the date."""
    out = {k: changes[k] for k in ("status", "completed_on", "note") if k in changes}
    if "completed_on" in out and out["completed_on"] is not None and "status" not in out:
        out["status"] = "hoan_thanh"
    status = out.get("status", current["status"])
    if status == "hoan_thanh" and "completed_on" not in out and current.get("completed_on") is None:
        out["completed_on"] = date.today()
    if status != "hoan_thanh" and "status" in out:
        if out.get("completed_on") is not None:
            raise _fail("completed_on is only for a task whose status is hoan_thanh")
        out["completed_on"] = None
    if "completed_on" in out and out["completed_on"] is not None:
        out["completed_on"] = out["completed_on"].isoformat()
    return out


def _apply(conn: sqlite3.Connection, store: Store, task_id: int, changes: dict[str, Any], actor: str,
           action: str, on: date | None) -> str:
    """Apply one checked change inside a transaction; ``updated`` or ``unchanged``."""
    row = _live_row(conn, task_id)
    completed = changes.get("completed_on")
    if completed is not None:
        issued = _parse_iso(conn.execute("SELECT issued_on FROM documents WHERE id = ?", (row["document_id"],)).fetchone()[0])
        if issued is not None and completed < issued:
            raise _fail(f"task #{task_id}: completed_on {completed:%d/%m/%Y} is before the document's date {issued:%d/%m/%Y}")
    before = _snapshot(row, _codes(conn, task_id))
    recurring = row["recurrence"] != "[]" and not ("deadline" in changes)
    columns: dict[str, Any] = {}
    occurrence_change: dict[str, Any] | None = None
    history_before: dict[str, Any] = {}
    history_after: dict[str, Any] = {}

    tracking = {k: changes[k] for k in ("status", "completed_on", "note") if k in changes}
    if tracking and recurring:
        due = changes.get("occurrence")
        if due is None:
            current = get_task(store, task_id, on=on)
            due = current.due
        if due is None:
            raise _fail("this recurring task has no occurrence to mark; give occurrence=YYYY-MM-DD")
        occ = conn.execute("SELECT * FROM task_occurrences WHERE task_id = ? AND due = ?",
                           (task_id, due.isoformat())).fetchone()
        now = {"status": occ["status"] if occ else DEFAULT_STATUS, "completed_on": occ["completed_on"] if occ else None,
               "note": occ["note"] if occ else None}
        values = _tracking_values(changes, {**now, "completed_on": _parse_iso(now["completed_on"])})
        new = {**now, **values}
        if new != now:
            occurrence_change = {"due": due.isoformat(), **new}
            history_before["occurrence"] = {"due": due.isoformat(), **now}
            history_after["occurrence"] = occurrence_change
    elif tracking:
        values = _tracking_values(changes, {"status": row["status"], "completed_on": _parse_iso(row["completed_on"])})
        columns.update(values)
    if "assignee" in changes:
        columns["assignee"] = changes["assignee"]
    if "occurrence" in changes and not recurring:
        raise _fail("occurrence is only for a recurring task")

    edits = {k: changes[k] for k in EDIT_FIELDS if k in changes}
    new_criteria: list[CriterionLink] | None = None
    if edits:
        for key in ("agency", "agency_id", "agency_name", "role", "task"):
            if key in edits:
                columns[key] = edits[key]
        if "deadline" in edits:
            d = edits["deadline"]
            columns.update(
                deadline_text=d.text if d else None, due=d.due.isoformat() if d and d.due else None,
                recurrence=json.dumps(list(d.recurrence) if d else []), within=d.within if d else None,
                working_time=int(bool(d and d.working_time)), deadline_start=d.start if d else None,
                deadline_end=d.end if d else None,
            )
        if "criteria" in edits:
            new_criteria = list(edits["criteria"] or [])

    changed = {k: v for k, v in columns.items() if row[k] != v}
    criteria_changed = new_criteria is not None and sorted({c.code for c in new_criteria}) != before["criteria"]
    if not changed and not criteria_changed and occurrence_change is None:
        return "unchanged"
    for key, value in changed.items():
        name = "deadline" if key == "deadline_text" else key
        history_before[name] = json.loads(row[key]) if key == "recurrence" else row[key]
        history_after[name] = json.loads(value) if key == "recurrence" else value
    if criteria_changed:
        history_before["criteria"] = before["criteria"]
        history_after["criteria"] = sorted({c.code for c in new_criteria or []})
    corrected = bool(set(changed) - {"status", "completed_on", "assignee", "note"}) or criteria_changed
    if changed or corrected:
        sets = dict(changed)
        sets["updated_at"] = _now()
        if corrected:
            sets["edited"] = 1
        conn.execute(f"UPDATE tasks SET {', '.join(f'{chr(34)}{k}{chr(34)} = ?' for k in sets)} WHERE id = ?",
                     (*sets.values(), task_id))
    if criteria_changed:
        conn.execute("DELETE FROM task_criteria WHERE task_id = ?", (task_id,))
        store._insert_task_criteria(conn, task_id, new_criteria or [])
    if occurrence_change is not None:
        conn.execute(
            "INSERT INTO task_occurrences (task_id, due, status, completed_on, note) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (task_id, due) DO UPDATE SET status = excluded.status, completed_on = excluded.completed_on, "
            "note = excluded.note",
            (task_id, occurrence_change["due"], occurrence_change["status"], occurrence_change["completed_on"],
             occurrence_change["note"]),
        )
        conn.execute("UPDATE tasks SET updated_at = ? WHERE id = ?", (_now(), task_id))
    _history(conn, task_id, row["document_id"], actor, action, history_before, history_after)
    if corrected:
        store._record_change(conn, row["document_id"], "upsert")
    return "updated"


def _parse_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _history(conn: sqlite3.Connection, task_id: int, document_id: int, actor: str, action: str,
             before: dict[str, Any], after: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO task_history (task_id, document_id, at, actor, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (task_id, document_id, _now(), actor, action, json.dumps(before, ensure_ascii=False, default=str),
         json.dumps(after, ensure_ascii=False, default=str)),
    )


def update_task(store: Store, task_id: int, changes: dict[str, Any], actor: str, *, on: date | None = None) -> StoredTask:
    """Change one task (tracking fields and/or corrections) and record it; the task as it now is."""
    checked = check_changes(changes)
    with store.transaction() as conn:
        _apply(conn, store, task_id, checked, actor, "edit", on)
    return get_task(store, task_id, on=on)


def update_tasks(store: Store, updates: list[tuple[int, dict[str, Any]]], actor: str, *, action: str = "import",
                 on: date | None = None) -> list[str]:
    """Apply many changes in one transaction: each ``updated`` or ``unchanged``; any invalid one writes nothing."""
    checked = [(task_id, check_changes(changes)) for task_id, changes in updates]
    with store.transaction() as conn:
        return [_apply(conn, store, task_id, changes, actor, action, on) for task_id, changes in checked]


def delete_task(store: Store, task_id: int, actor: str) -> None:
    """Delete a task: it disappears everywhere but stays as a tombstone, so re-extraction does not bring it back."""
    with store.transaction() as conn:
        row = _live_row(conn, task_id)
        conn.execute("UPDATE tasks SET deleted_at = ?, updated_at = ? WHERE id = ?", (_now(), _now(), task_id))
        _history(conn, task_id, row["document_id"], actor, "delete", _snapshot(row, _codes(conn, task_id)), {})
        store._record_change(conn, row["document_id"], "upsert")


def add_task(store: Store, document_id: int, task: Task, actor: str) -> int:
    """Add a task a person found (with its source span when chosen from the text); its new id."""
    with store.transaction() as conn:
        store._require(conn, document_id)
        length = conn.execute("SELECT length(text) FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
        if not (0 <= task.start <= task.end <= length):
            raise _fail(f"source span {task.start}-{task.end} is outside the document (0-{length})")
        if task.role not in ROLES:
            raise _fail(f"role {task.role!r}: choose lead or support")
        seq = conn.execute("SELECT coalesce(max(seq), -1) + 1000001 FROM tasks WHERE document_id = ?",
                           (document_id,)).fetchone()[0]
        task_id = store._insert_task(conn, document_id, seq, task, origin="human")
        store._renumber(conn, document_id)
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        _history(conn, task_id, document_id, actor, "add", {}, _snapshot(row, _codes(conn, task_id)))
        store._record_change(conn, document_id, "upsert")
    return task_id


# -- evidence ---------------------------------------------------------------------------------------


def add_evidence(
    store: Store, *, actor: str, task_id: int | None = None, criterion: str | None = None,
    document_id: int | None = None, file_name: str | None = None, data: bytes | None = None,
    media_type: str | None = None, note: str | None = None,
) -> int:
    """Attach a stored document or an uploaded file to a task or a criterion (code already checked)."""
    if (task_id is None) == (criterion is None):
        raise _fail("attach evidence to one task or one criterion")
    if (document_id is None) == (data is None):
        raise _fail("evidence is one stored document or one file")
    if data is not None and not data:
        raise ParlensError("PARLENS-E001", file_name or "evidence")
    note = _text(note, "note")
    with store.transaction() as conn:
        row = _live_row(conn, task_id) if task_id is not None else None
        if document_id is not None:
            store._require(conn, document_id)
        digest = None
        if data is not None:
            digest = hashlib.sha256(data).hexdigest()
            conn.execute("INSERT INTO files (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                         (digest, len(data), data))
        cursor = conn.execute(
            "INSERT INTO evidence (task_id, criterion, document_id, file_sha256, file_name, media_type, note, added_at, "
            "added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (task_id, criterion, document_id, digest, _text(file_name, "file_name"), media_type, note, _now(), actor),
        )
        evidence_id = int(cursor.lastrowid)
        if row is not None:
            _history(conn, task_id, row["document_id"], actor, "evidence", {},
                     {"evidence": evidence_id, "document_id": document_id, "file_name": file_name})
    return evidence_id


def list_evidence(store: Store, *, task_id: int | None = None, criterion: str | None = None,
                  task_ids: list[int] | None = None) -> list[Evidence]:
    """Evidence of a task, of a criterion (exactly that code), or of any of ``task_ids``, oldest first."""
    where, params = [], []
    if task_id is not None:
        where.append("e.task_id = ?")
        params.append(task_id)
    if criterion is not None:
        where.append("e.criterion = ?")
        params.append(criterion)
    if task_ids is not None:
        where.append(f"e.task_id IN ({', '.join('?' for _ in task_ids) or 'NULL'})")
        params += list(task_ids)
    rows = store._query(
        "SELECT e.*, d.doc_type AS d_type, d.number AS d_number, d.title AS d_title FROM evidence e "
        f"LEFT JOIN documents d ON d.id = e.document_id WHERE {' AND '.join(where) or '1'} ORDER BY e.id", params)
    return [
        Evidence(
            id=r["id"], task_id=r["task_id"], criterion=r["criterion"], document_id=r["document_id"],
            file_name=r["file_name"], media_type=r["media_type"], note=r["note"], added_at=r["added_at"],
            added_by=r["added_by"],
            document_label=(" ".join(x for x in (r["d_type"], r["d_number"]) if x) or r["d_title"])
            if r["document_id"] is not None else None,
        )
        for r in rows
    ]


def tasks_with_evidence(store: Store) -> set[int]:
    """Ids of the tasks that have at least one piece of evidence."""
    return {r[0] for r in store._query("SELECT DISTINCT task_id FROM evidence WHERE task_id IS NOT NULL")}


def evidence_file(store: Store, evidence_id: int) -> tuple[bytes, str, str]:
    """An uploaded evidence file: ``(bytes, media_type, name)``; a document's evidence is its original."""
    rows = store._query("SELECT e.*, f.data FROM evidence e LEFT JOIN files f ON f.sha256 = e.file_sha256 WHERE e.id = ?",
                        (evidence_id,))
    if not rows:
        raise ParlensError("PARLENS-E028", f"no evidence #{evidence_id}")
    r = rows[0]
    if r["document_id"] is not None:
        return store.get_original(r["document_id"])
    return bytes(r["data"]), r["media_type"] or "application/octet-stream", r["file_name"] or f"minh-chung-{evidence_id}"


def delete_evidence(store: Store, evidence_id: int, actor: str) -> None:
    """Detach a piece of evidence (its uploaded file goes when nothing else uses it)."""
    with store.transaction() as conn:
        r = conn.execute("SELECT * FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if r is None:
            raise ParlensError("PARLENS-E028", f"no evidence #{evidence_id}")
        conn.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
        if r["file_sha256"]:
            drop_unused_file(conn, r["file_sha256"])
        if r["task_id"] is not None:
            doc = conn.execute("SELECT document_id FROM tasks WHERE id = ?", (r["task_id"],)).fetchone()
            _history(conn, r["task_id"], doc[0], actor, "evidence", {"evidence": evidence_id}, {})


__all__ = [
    "EDIT_FIELDS", "Evidence", "check_changes", "FIELDS", "STATUSES", "TRACK_FIELDS", "add_evidence", "add_task", "delete_evidence",
    "delete_task", "evidence_file", "reviewed_documents", "get_task", "list_evidence", "occurrence_states", "parse_day", "task_history",
    "tasks_with_evidence", "update_task", "update_tasks",
]
