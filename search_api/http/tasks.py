"""Routes of the ``tasks`` resource: filtered task lists as JSON or exports (csv, xlsx, ics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Reader, StoreDep
from parlens.search_api.http.exports import MEDIA_TYPES, export_tasks
from parlens.search_api.http.serialize import stored_task_json
from parlens.search_api.http.validation import Offset, day_query, id_query, text_query
from parlens.store import Store, StoredTask

router = APIRouter(tags=["tasks"])


class TaskFormat(str, Enum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"


class Role(str, Enum):
    lead = "lead"
    support = "support"


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

    def store_kwargs(self) -> dict[str, Any]:
        """Arguments of ``Store.get_tasks``: overdue on D means a due date before D."""
        due_before = self.due_before
        if self.overdue_on is not None:
            try:
                limit = self.overdue_on - timedelta(days=1)
            except OverflowError as exc:  # the routes bound dates; a caller building filters may not
                raise ParlensError("PARLENS-E052", f"overdue_on {self.overdue_on} is out of range") from exc
            due_before = min(due_before, limit) if due_before else limit
        return {"document_id": self.document, "agency_id": self.agency or None,
                "role": self.role.value if self.role else None, "criterion": self.criterion or None,
                "due_before": due_before, "due_after": self.due_after, "recurring": self.recurring}

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for export links and paging)."""
        items = []
        for name in ("agency", "role", "criterion", "document", "due_before", "due_after", "recurring", "overdue_on"):
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
    agency: Annotated[str | None, text_query("Agency id, e.g. so-noi-vu (see GET /agencies).")] = None,
    role: Annotated[Role | None, Query(description="lead (chủ trì) or support (phối hợp).")] = None,
    criterion: Annotated[str | None, text_query("Criterion code; sub-criteria included (PAR.7 finds PAR.7.2).")] = None,
    document: Annotated[int | None, id_query("Document id.")] = None,
    due_before: Annotated[date | None, day_query("Due on or before YYYY-MM-DD")] = None,
    due_after: Annotated[date | None, day_query("Due on or after YYYY-MM-DD")] = None,
    recurring: Annotated[bool | None, Query(description="Only recurring (true) or one-off (false) deadlines.")] = None,
    overdue_on: Annotated[date | None, day_query("Tasks whose due date is before YYYY-MM-DD")] = None,
) -> TaskFilters:
    return TaskFilters(agency, role, criterion, document, due_before, due_after, recurring, overdue_on)


TaskFiltersDep = Annotated[TaskFilters, Depends(task_filters)]


def agency_options(store: Store) -> list[dict[str, Any]]:
    """Agencies holding at least one task: ``[{agency_id, name, tasks}]``, most tasks first."""
    return [{"agency_id": aid, "name": name, "tasks": n} for aid, name, n in store.agency_task_counts()]


def query_tasks(store: Store, filters: TaskFilters, limit: int | None = None, offset: int = 0) -> tuple[int, list[StoredTask]]:
    kwargs = filters.store_kwargs()
    return store.count_tasks(**kwargs), store.get_tasks(**kwargs, limit=limit, offset=offset)


@router.get(
    "/tasks",
    summary="Tasks across documents with filters; ?format=csv|xlsx|ics exports every match",
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/calendar": {},
                                 MEDIA_TYPES["xlsx"]: {}}}},
)
def list_tasks(
    store: StoreDep,
    caller: Reader,
    filters: TaskFiltersDep,
    format: Annotated[TaskFormat, Query(description="json (paged) or an export of all matches.")] = TaskFormat.json,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    offset: Offset = 0,
) -> Any:
    if format != TaskFormat.json:
        _, stored = query_tasks(store, filters)
        data = export_tasks(stored, format.value)
        name = f"nhiem-vu-{date.today().isoformat()}.{format.value}"
        return Response(data, media_type=MEDIA_TYPES[format.value],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    total, stored = query_tasks(store, filters, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "tasks": [stored_task_json(st) for st in stored]}


@router.get("/agencies", summary="Agencies holding tasks (for filters)")
def list_agencies(store: StoreDep, caller: Reader) -> dict[str, Any]:
    return {"agencies": agency_options(store)}
