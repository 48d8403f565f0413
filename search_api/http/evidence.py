"""Routes of tài liệu kiểm chứng (evidence): a stored document or an uploaded file attached to a task or a
criterion, for the PAR Index self-assessment.

Attach with a multipart form: ``file`` (an upload) or ``document_id`` (a stored document), and an optional
``note``. A criterion's evidence answer also lists which of its tasks have none yet.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Editor, Reader, StoreDep
from parlens.search_api.http.documents import content_disposition
from parlens.search_api.http.serialize import stored_task_json
from parlens.search_api.http.tasks import TaskId, actor
from parlens.search_api.http.validation import INT64_MAX, CriterionCode, id_path
from parlens.settings import get_settings
from parlens.store import Store, tracker

router = APIRouter(tags=["evidence"])
EvidenceId = Annotated[int, id_path("Evidence id.")]


def criterion_code(code: str) -> str:
    """The taxonomy's code for ``code`` (PARLENS-E030 when unknown)."""
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    return load_taxonomy().get(code).code


async def _read_upload(file: UploadFile | None) -> tuple[bytes, str, str] | None:
    if file is None:
        return None
    limit = get_settings().max_file_bytes
    data = await file.read(limit + 1)
    name = (file.filename or "minh-chung").replace("\\", "/").rsplit("/", 1)[-1]
    if len(data) > limit:
        raise ParlensError("PARLENS-E004", f"{name}: more than {limit} bytes")
    if not data:
        raise ParlensError("PARLENS-E001", name)
    return data, name, file.content_type or "application/octet-stream"


async def _attach(store: Store, who: str, *, task_id: int | None, criterion: str | None, file: UploadFile | None,
                  document_id: int | None, note: str | None) -> dict[str, Any]:
    if (file is None) == (document_id is None):
        raise ParlensError("PARLENS-E027", "send one file (field `file`) or one stored document (field `document_id`)")
    upload = await _read_upload(file)
    data, name, media_type = upload if upload else (None, None, None)
    evidence_id = await run_in_threadpool(
        tracker.add_evidence, store, actor=who, task_id=task_id, criterion=criterion, document_id=document_id,
        file_name=name, data=data, media_type=media_type, note=note,
    )
    return next(e.to_json() for e in tracker.list_evidence(store, task_id=task_id, criterion=criterion)
                if e.id == evidence_id)


DocumentField = Annotated[int | None, Form(ge=1, le=INT64_MAX, description="A stored document as evidence.")]
FileField = Annotated[UploadFile | None, File(description="An uploaded file as evidence.")]
NoteField = Annotated[str | None, Form(max_length=2000)]


@router.post("/tasks/{task_id}/evidence", status_code=201, summary="Attach evidence to a task (editor)")
async def attach_to_task(store: StoreDep, caller: Editor, task_id: TaskId, file: FileField = None,
                         document_id: DocumentField = None, note: NoteField = None) -> dict[str, Any]:
    return await _attach(store, actor(caller), task_id=task_id, criterion=None, file=file, document_id=document_id,
                         note=note)


@router.get("/tasks/{task_id}/evidence", summary="A task's evidence")
def task_evidence(store: StoreDep, caller: Reader, task_id: TaskId) -> dict[str, Any]:
    tracker.get_task(store, task_id)
    return {"task_id": task_id, "evidence": [e.to_json() for e in tracker.list_evidence(store, task_id=task_id)]}


@router.post("/criteria/{code}/evidence", status_code=201, summary="Attach evidence to a criterion (editor)")
async def attach_to_criterion(store: StoreDep, caller: Editor, code: CriterionCode, file: FileField = None,
                              document_id: DocumentField = None, note: NoteField = None) -> dict[str, Any]:
    return await _attach(store, actor(caller), task_id=None, criterion=criterion_code(code), file=file,
                         document_id=document_id, note=note)


def criterion_evidence(store: Store, code: str) -> dict[str, Any]:
    """A criterion's own evidence, its tasks' evidence, and its tasks (sub-criteria included) that have none."""
    code = criterion_code(code)
    tasks = store.get_tasks(criterion=code)
    with_evidence = tracker.tasks_with_evidence(store)
    return {
        "criterion": code,
        "evidence": [e.to_json() for e in tracker.list_evidence(store, criterion=code)],
        "task_evidence": [e.to_json() for e in tracker.list_evidence(store, task_ids=[t.id for t in tasks])],
        "tasks_without_evidence": [stored_task_json(t) for t in tasks if t.id not in with_evidence],
    }


@router.get("/criteria/{code}/evidence", summary="A criterion's evidence and its tasks without any")
def get_criterion_evidence(store: StoreDep, caller: Reader, code: CriterionCode) -> dict[str, Any]:
    return criterion_evidence(store, code)


@router.get("/evidence/{evidence_id}/file", summary="The evidence file (or the stored document's original)",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def get_evidence_file(store: StoreDep, caller: Reader, evidence_id: EvidenceId) -> Response:
    data, media_type, name = tracker.evidence_file(store, evidence_id)
    headers = {"Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox"}
    return Response(data, media_type=media_type or "application/octet-stream", headers=headers)


@router.delete("/evidence/{evidence_id}", status_code=204, summary="Detach evidence (editor)")
def delete_evidence(store: StoreDep, caller: Editor, evidence_id: EvidenceId) -> Response:
    tracker.delete_evidence(store, evidence_id, actor(caller))
    return Response(status_code=204)
