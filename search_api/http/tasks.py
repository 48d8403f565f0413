"""Routes of the ``tasks`` resource: filtered task lists (JSON or exports), status, corrections and history.

Readers read; editors change status, correct, add and delete tasks (a deletion leaves a tombstone, so
re-extraction does not bring the task back). Every change is recorded with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Caller, Editor, Reader, StoreDep
from parlens.reports import registry
from parlens.reports.exports import export_file_name, export_format, export_tasks
from parlens.search_api.http.serialize import stored_task_json
from parlens.search_api.http.validation import (
    FIRST_DAY, INT64_MAX, LAST_DAY, DocumentId, Offset, day_query, id_path, id_query, text_query,
)
from parlens.settings import Settings, get_settings
from parlens.store import Store, StoredTask, tracker
from parlens.tracking import edits
from parlens.tracking.status import STATUSES, TIMELINESS

router = APIRouter(tags=["tasks"])


class Role(str, Enum):
    lead = "lead"
    support = "support"


Status = Enum("Status", {code: code for code in STATUSES}, type=str)  # type: ignore[misc]
Timeliness = Enum("Timeliness", {code: code for code in TIMELINESS}, type=str)  # type: ignore[misc]
TaskId = Annotated[int, id_path("Task id.")]


@dataclass
class TaskFilters:
    """The filters of GET /tasks and of the Nhiệm vụ page (one definition for both)."""

    agency: str | None = None
    role: Role | None = None
    criterion: str | None = None
    document: int | None = None
    due_before: date | None = None
    due_after: date | None = None
    recurring: bool | None = None
    overdue_on: date | None = None
    status: Status | None = None
    timeliness: Timeliness | None = None
    on: date | None = None
    province: str | None = None
    issuer: str | None = None
    year: int | None = None

    NAMES = ("agency", "role", "criterion", "document", "due_before", "due_after", "recurring", "overdue_on", "status",
             "timeliness", "on", "province", "issuer", "year")

    @property
    def reference_date(self) -> date:
        """The day timeliness is judged on: ``overdue_on``, else ``on``, else today."""
        return self.overdue_on or self.on or date.today()

    def store_kwargs(self) -> dict[str, Any]:
        """Arguments of ``Store.get_tasks``: overdue on D means not done and due before D (timeliness qua_han)."""
        timeliness = self.timeliness.value if self.timeliness else None
        if self.overdue_on is not None:
            if timeliness not in (None, "qua_han"):
                raise ParlensError("PARLENS-E052", "overdue_on means timeliness=qua_han; give one of the two")
            timeliness = "qua_han"
        return {"document_id": self.document, "agency_id": self.agency or None,
                "role": self.role.value if self.role else None, "criterion": self.criterion or None,
                "due_before": self.due_before, "due_after": self.due_after, "recurring": self.recurring,
                "status": self.status.value if self.status else None, "timeliness": timeliness,
                "on": self.reference_date, "province": self.province or None, "issuer": self.issuer or None,
                "year": self.year}

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for export links and paging); an empty scope is kept (= all)."""
        items = []
        for name in self.NAMES:
            value = getattr(self, name)
            if name in ("province", "issuer") and value == "":
                items.append((name, ""))
                continue
            value = getattr(self, name)
            if value is None or value == "":
                continue
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, bool):
                value = "true" if value else "false"
            items.append((name, str(value)))
        return items


def task_filters(
    request: Request,
    agency: Annotated[str | None, text_query("Agency id, e.g. so-noi-vu (see GET /agencies).")] = None,
    role: Annotated[Role | None, Query(description="lead (chủ trì) or support (phối hợp).")] = None,
    criterion: Annotated[str | None, text_query("Criterion code; sub-criteria included (PAR.7 finds PAR.7.2).")] = None,
    document: Annotated[int | None, id_query("Document id.")] = None,
    due_before: Annotated[date | None, day_query("Due on or before YYYY-MM-DD")] = None,
    due_after: Annotated[date | None, day_query("Due on or after YYYY-MM-DD")] = None,
    recurring: Annotated[bool | None, Query(description="Only recurring (true) or one-off (false) deadlines.")] = None,
    overdue_on: Annotated[date | None, day_query("Tasks not done whose due date is before YYYY-MM-DD "
                                                 "(= timeliness=qua_han&on=YYYY-MM-DD)")] = None,
    status: Annotated[Status | None, Query(description="chua_thuc_hien, dang_thuc_hien or hoan_thanh.")] = None,
    timeliness: Annotated[Timeliness | None, Query(
        description="qua_han, dung_han, chua_den_han or hoan_thanh_qua_han, judged on `on`.")] = None,
    on: Annotated[date | None, day_query("Reference date for timeliness and recurring occurrences; today if absent")] = None,
    province: Annotated[str | None, text_query(
        "Province of the issuing document (part of the name, accents ignored). Absent: PARLENS_SCOPE_PROVINCE; "
        "empty: every province.")] = None,
    issuer: Annotated[str | None, text_query(
        "Issuer of the document (part of the name). Absent: PARLENS_SCOPE_ISSUER; empty: every issuer.")] = None,
    year: Annotated[int | None, Query(ge=FIRST_DAY.year, le=LAST_DAY.year, description="Year of the document's date.")] = None,
) -> TaskFilters:
    return scoped(TaskFilters(agency, role, criterion, document, due_before, due_after, recurring, overdue_on, status,
                              timeliness, on, province, issuer, year), request.app.state.settings)


def scoped(filters: TaskFilters, settings: Settings | None = None) -> TaskFilters:
    """Fill an absent province/issuer with the office's default scope (settings); an empty value means all."""
    settings = settings or get_settings()
    if filters.province is None:
        filters.province = settings.scope_province
    if filters.issuer is None:
        filters.issuer = settings.scope_issuer
    return filters


TaskFiltersDep = Annotated[TaskFilters, Depends(task_filters)]


def agency_options(store: Store) -> list[dict[str, Any]]:
    """Agencies holding at least one task: ``[{agency_id, name, tasks}]``, most tasks first."""
    return [{"agency_id": aid, "name": name, "tasks": n} for aid, name, n in store.agency_task_counts()]


def query_tasks(store: Store, filters: TaskFilters, limit: int | None = None, offset: int = 0) -> tuple[int, list[StoredTask]]:
    kwargs = filters.store_kwargs()
    return store.find_tasks(**kwargs, limit=limit, offset=offset)


@router.get(
    "/tasks",
    summary="Tasks across documents with filters; ?format=xlsx|csv|ics|… exports every match",
    responses={200: {"content": {registry.get(n).media_type.split(";")[0]: {} for n in registry.names()}}},
)
def list_tasks(
    store: StoreDep,
    caller: Reader,
    filters: TaskFiltersDep,
    format: Annotated[str, Query(max_length=40, description="json (paged) or a registered format exporting every "
                                 f"match: {', '.join(registry.names())}.")] = "json",
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    offset: Offset = 0,
) -> Any:
    if format != "json":
        chosen = export_format(format)
        _, stored = query_tasks(store, filters)
        data = export_tasks(stored, chosen.name, store=store, on=filters.reference_date)
        return Response(data, media_type=chosen.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{export_file_name(chosen.name)}"'})
    total, stored = query_tasks(store, filters, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "tasks": [stored_task_json(st) for st in stored]}


@router.get("/agencies", summary="Agencies holding tasks (for filters)")
def list_agencies(store: StoreDep, caller: Reader) -> dict[str, Any]:
    return {"agencies": agency_options(store)}


# -- one task: status, corrections, history ------------------------------------------------------------


class TaskPatch(BaseModel):
    """Fields of PATCH /tasks/{id}; a field sent as null clears it (assignee, note, completed_on, deadline)."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = Field(None, description="chua_thuc_hien | dang_thuc_hien | hoan_thanh")
    completed_on: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="Completion date; implies hoan_thanh.")
    assignee: str | None = Field(None, max_length=500, description="Who does it: a person's name or a unit.")
    note: str | None = Field(None, max_length=4000)
    agency: str | None = Field(None, min_length=1, max_length=500, description="The agency as it should read.")
    role: Role | None = None
    task: str | None = Field(None, min_length=1, max_length=4000)
    deadline: str | None = Field(None, max_length=200, description="2025-10-15, 'trước ngày 15/10/2025', 'hằng quý'…")
    criteria: list[str] | None = Field(None, max_length=50, description="Criterion codes, e.g. [\"PAR.7.2\"].")
    occurrence: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY,
                                    description="For a recurring duty: the occurrence (its due date) the status is for.")


class NewTask(BaseModel):
    """A task a person found in the document: agency and task required; start/end the span chosen in the text."""

    model_config = ConfigDict(extra="forbid")

    agency: str = Field(min_length=1, max_length=500)
    task: str = Field(min_length=1, max_length=4000)
    role: Role = Role.lead
    deadline: str | None = Field(None, max_length=200)
    criteria: list[str] | None = Field(None, max_length=50)
    start: int | None = Field(None, ge=0, le=INT64_MAX)
    end: int | None = Field(None, ge=0, le=INT64_MAX)
    assignee: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=4000)


def actor(caller: Caller) -> str:
    """Who made a change, as history records it."""
    return "local" if caller.key_id is None else f"key:{caller.key_id}"


def _plain(model: BaseModel) -> dict[str, Any]:
    raw = model.model_dump(exclude_unset=True)
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in raw.items()}


def task_detail(store: Store, task_id: int, on: date | None) -> dict[str, Any]:
    """GET /tasks/{id}: the task, its occurrences when it recurs, and its evidence."""
    from parlens.tracking.status import occurrence_window, timeliness

    st = tracker.get_task(store, task_id, on=on)
    out = stored_task_json(st)
    if st.recurring and st.task.deadline:
        day = on or date.today()
        anchor = st.document_issued_on or day
        states = tracker.occurrence_states(store, task_id)
        out["occurrences"] = [
            {"due": d.isoformat(), "status": states.get(d, {}).get("status", "chua_thuc_hien"),
             "completed_on": states.get(d, {}).get("completed_on"),
             "timeliness": timeliness(d, states.get(d, {}).get("status", "chua_thuc_hien"),
                                      date.fromisoformat(states[d]["completed_on"]) if states.get(d, {}).get("completed_on") else None,
                                      day)}
            for d in occurrence_window(st.task.deadline.recurrence, anchor, day)
        ]
    out["evidence"] = [e.to_json() for e in tracker.list_evidence(store, task_id=task_id)]
    return out


@router.get("/tasks/{task_id}", summary="One task with its status, occurrences and evidence")
def get_task(
    store: StoreDep, caller: Reader, task_id: TaskId,
    on: Annotated[date | None, day_query("Reference date (today if absent)")] = None,
) -> dict[str, Any]:
    return task_detail(store, task_id, on)


@router.patch("/tasks/{task_id}", summary="Change a task's status or correct it (editor)")
def patch_task(store: StoreDep, caller: Editor, task_id: TaskId, change: Annotated[TaskPatch, Body()]) -> dict[str, Any]:
    raw = _plain(change)
    if not raw:
        raise ParlensError("PARLENS-E027", "send at least one field")
    edits.change_task(store, task_id, raw, actor(caller))
    return task_detail(store, task_id, None)


@router.delete("/tasks/{task_id}", status_code=204, summary="Delete a wrong task (editor); re-extraction keeps it deleted")
def delete_task(store: StoreDep, caller: Editor, task_id: TaskId) -> Response:
    tracker.delete_task(store, task_id, actor(caller))
    return Response(status_code=204)


@router.post("/documents/{doc_id}/tasks", status_code=201, summary="Add a task the extraction missed (editor)")
def add_task(store: StoreDep, caller: Editor, doc_id: DocumentId, body: Annotated[NewTask, Body()]) -> dict[str, Any]:
    task_id = edits.new_task(store, doc_id, _plain(body) | {"role": body.role.value}, actor(caller))
    return task_detail(store, task_id, None)


@router.get("/tasks/{task_id}/history", summary="Every change people made to a task: who, when, before, after")
def task_history(store: StoreDep, caller: Reader, task_id: TaskId) -> dict[str, Any]:
    return {"task_id": task_id, "history": tracker.task_history(store, task_id)}
