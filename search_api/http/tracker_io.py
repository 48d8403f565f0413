"""Routes of the tracker sheet coming back and of the calendar going out.

- ``POST /tasks/import`` (editor): the filled-in "Nhiệm vụ" sheet (multipart field ``file``); every row is
  applied in one transaction, or none when any row has an error (HTTP 422 with the same per-row answer).
- ``GET /lich/{agency}.ics``: one agency's tasks as a calendar a calendar app subscribes to. Calendar apps
  cannot send headers, so besides the usual key or session the feed takes ``?token=<key>`` (checked like the
  ``X-API-Key`` header; no cookie is ever set). Use a dedicated reader key for calendars.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Caller, Editor, StoreDep, check_host, require
from parlens.search_api.http.keys import verify_key
from parlens.search_api.http.tasks import actor
from parlens.settings import get_settings
from parlens.store import Store

router = APIRouter(tags=["tasks"])


def import_tracker(store: Store, data: bytes, who: str, on: date | None = None) -> dict[str, Any]:
    """Read a tracker sheet and apply it: the per-row answer (see ``reports.tracker_import.apply_tracker``)."""
    from parlens.reports.tracker_import import apply_tracker, read_tracker

    return apply_tracker(store, read_tracker(data), who, on=on)


@router.post(
    "/tasks/import",
    summary="Import the filled-in tracker sheet (xlsx): status, completion date, assignee, note (editor)",
    responses={422: {"description": "A row has an error (nothing applied, per-row reasons), or the file is not a "
                                    "tracker workbook (PARLENS-E013)."}},
)
async def import_tasks(
    store: StoreDep,
    caller: Editor,
    file: Annotated[UploadFile, File(description="The .xlsx tracker exported by GET /tasks?format=xlsx, field `file`.")],
) -> Any:
    limit = get_settings().max_file_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ParlensError("PARLENS-E004", f"{file.filename or 'tracker'}: more than {limit} bytes")
    answer = await run_in_threadpool(import_tracker, store, data, actor(caller))
    return JSONResponse(answer, status_code=422 if answer["errors"] else 200)


async def feed_caller(
    request: Request,
    token: Annotated[str | None, Query(max_length=200, description="An API key, for calendar apps that cannot send "
                                                                   "headers (use a dedicated reader key).")] = None,
) -> Caller:
    """The caller of a calendar feed: ``?token=`` checked like ``X-API-Key``, else the usual key or session."""
    if not token:
        return await require("reader")(request)
    store: Store = request.app.state.service.store
    check_host(request, keyed=True)
    key = verify_key(store, token.strip())
    if key is None:
        raise ParlensError("PARLENS-E050", "the calendar token is unknown or revoked",
                           hint="Create a reader key for calendars (parlens keys create --role reader) and use it as ?token=.")
    return Caller(key.role, key.id)


FeedCaller = Annotated[Caller, Depends(feed_caller)]


def agency_calendar(store: Store, agency: str, on: date | None = None) -> bytes:
    """The ics of every task of ``agency`` (lead or support); PARLENS-E032 for an agency holding no task."""
    from parlens.reports.exports import sibling_tasks
    from parlens.reports.registry import get
    from parlens.reports.tasklist import from_stored

    names = {agency_id: name for agency_id, name, _ in store.agency_task_counts()}
    if agency not in names:
        raise ParlensError("PARLENS-E032", f"no agency {agency!r} holds tasks")
    stored = store.get_tasks(agency_id=agency, on=on)
    report = from_stored(stored, on=on, title=f"Nhiệm vụ – {names[agency]}", context=sibling_tasks(store, stored))
    return get("ics").render(report)


@router.get(
    "/lich/{agency}.ics",
    summary="One agency's tasks as a calendar to subscribe to (?token= for calendar apps)",
    responses={200: {"content": {"text/calendar": {}}}},
)
def agency_feed(
    store: StoreDep,
    caller: FeedCaller,
    agency: Annotated[str, Path(max_length=120, pattern=r"^[a-z0-9:_-]+$", description="Agency id, as in GET /agencies.")],
) -> Response:
    return Response(agency_calendar(store, agency), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="lich-{agency.replace(":", "-")}.ics"',
                             "Cache-Control": "private, max-age=300"})
