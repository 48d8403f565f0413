"""Routes of the ``documents`` resource: upload (sync or as a job), list, show, original file, delete; jobs."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Admin, Editor, Reader, ServiceDep, StoreDep
from parlens.search_api.http.errors import error_response
from parlens.search_api.http.jobs import SpooledFile
from parlens.search_api.http.serialize import document_json, failure_json, summary_json
from parlens.search_api.http.validation import MAX_QUERY_CHARS, DocumentId, Offset, text_query
from parlens.store import duplicates

router = APIRouter(tags=["documents"])

# Uploads above these go to a background job (202 + job id); below, the answer carries the results.
BACKGROUND_BYTES = 2 * 1024 * 1024
BACKGROUND_FILES = 5
MAX_FILES_PER_REQUEST = 200


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Vietnamese file name (RFC 6266 ``filename*``) with an ASCII fallback.

    >>> content_disposition("kế hoạch.pdf")
    'attachment; filename="k hoch.pdf"; filename*=UTF-8\\'\\'k%E1%BA%BF%20ho%E1%BA%A1ch.pdf'
    """
    ascii_name = "".join(c for c in filename if 32 <= ord(c) < 127 and c not in '"\\') or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _spool_all(service: Any, job_id: str, files: list[UploadFile]) -> tuple[list[SpooledFile], list[dict[str, Any]]]:
    """Stream every upload to the spool (never whole in memory); files over the limit are refused with E004."""
    spooled: list[SpooledFile] = []
    refused: list[dict[str, Any]] = []
    for seq, upload in enumerate(files):
        name = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255] or "upload"
        try:
            spooled.append(service.jobs.spool(job_id, seq, name, upload.file))
        except ParlensError as exc:
            refused.append({**failure_json(name, exc.code, exc.detail, exc.hint), "seq": seq})
    return spooled, refused


def _owner(caller: Any) -> str:
    return f"key:{caller.key_id}" if caller.key_id is not None else "local"


@router.post(
    "/documents",
    status_code=201,
    summary="Upload one or more files (PDF, DOCX, HTML, text)",
    responses={200: {"description": "Nothing new: every file was a duplicate (their existing ids are given)"},
               202: {"description": "Large upload accepted as a background job (stored durably); poll GET /jobs/{id}"},
               413: {"description": "PARLENS-E004: the (only) file is too large; PARLENS-E054: the request is too large"},
               422: {"description": "The (only) file could not be read; its PARLENS code says why"},
               499: {"description": "PARLENS-E025: the client went away; its files were not stored"}},
)
async def upload_documents(
    request: Request,
    service: ServiceDep,
    caller: Editor,
    files: Annotated[list[UploadFile], File(description="One or many files, field name `files`.")],
    background: Annotated[bool | None, Query(description="Force (true) or avoid (false) a background job; default: by size.")] = None,
) -> Response:
    """Run every file through the same pipeline as `parlens ingest`, in a worker process; duplicates report the existing id.

    The files are spooled to disk and the job committed before any answer, so an accepted upload (202)
    survives a restart. A waited-for upload whose client disconnects is cancelled.
    """
    if not files:
        raise ParlensError("PARLENS-E052", "no file in the `files` field")
    if len(files) > MAX_FILES_PER_REQUEST:
        raise ParlensError("PARLENS-E052", f"{len(files)} files in one request; send at most {MAX_FILES_PER_REQUEST}")
    jobs = service.jobs
    job_id = jobs.new_job_id()
    spooled, refused = await run_in_threadpool(_spool_all, service, job_id, files)
    total = sum(f.size for f in spooled)
    as_job = background if background is not None else (total > BACKGROUND_BYTES or len(files) > BACKGROUND_FILES)
    job = await run_in_threadpool(jobs.submit, job_id, _owner(caller), spooled, refused, background=as_job)
    if as_job:
        return JSONResponse(job, status_code=202, headers={"Location": f"/jobs/{job['id']}"})

    done = jobs.completion(job_id)
    while not done.done():
        await asyncio.wait({done}, timeout=0.25)
        if not done.done() and await request.is_disconnected():
            jobs.cancel(job_id)
            await done
    job = await run_in_threadpool(jobs.get, job_id)
    by_seq = {r["seq"]: r for r in job["refused"]}
    results = iter(job["files"])
    outcomes = [by_seq.get(seq) or next(results) for seq in range(len(files))]
    for outcome in outcomes:
        outcome.pop("seq", None)
    if all(r["status"] == "failed" for r in outcomes):
        first = outcomes[0]["error"]
        error = ParlensError(first["code"], first["detail"], hint=first["hint"])
        return error_response(error, extra={"files": outcomes})
    status = 201 if any(r["status"] == "ingested" for r in outcomes) else 200
    return JSONResponse({"files": outcomes}, status_code=status)


@router.get("/jobs", tags=["jobs"], summary="The newest upload jobs (newest first), with their per-file results")
def list_jobs(service: ServiceDep, caller: Reader,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    return {"jobs": service.jobs.recent(limit)}


@router.get("/jobs/{job_id}", tags=["jobs"], summary="Status and per-file results of an upload job (kept across restarts)")
def get_job(job_id: Annotated[str, Path(max_length=64)], service: ServiceDep, caller: Reader) -> dict[str, Any]:
    return service.jobs.get(job_id)


@router.delete("/jobs/{job_id}", tags=["jobs"], summary="Cancel an upload job (editor): files not yet read are not stored")
def cancel_job(job_id: Annotated[str, Path(max_length=64)], service: ServiceDep, caller: Editor) -> dict[str, Any]:
    return service.jobs.cancel(job_id)


@router.get("/documents", summary="List stored documents (filters, paging)")
def list_documents(
    store: StoreDep,
    caller: Reader,
    doc_type: Annotated[str | None, text_query("Document type, accents optional: Kế hoạch, ke hoach.")] = None,
    issuer: Annotated[str | None, text_query("Part of the issuing body's name.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="Year of issue.")] = None,
    q: Annotated[str | None, text_query("Part of the title, number, subject or file name.", MAX_QUERY_CHARS)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    total, rows = store.list_documents(doc_type=doc_type, issuer=issuer, year=year, query=q, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "documents": [summary_json(r) for r in rows]}


@router.get("/documents/{doc_id}", summary="One document: metadata, text, blocks, tasks and criteria")
def get_document(doc_id: DocumentId, store: StoreDep, caller: Reader,
                 text: Annotated[bool, Query(description="Include the full normalised text.")] = True) -> dict[str, Any]:
    stored = store.get_document(doc_id)
    group = duplicates.group_of(store, doc_id)
    return document_json(stored, store.get_tasks(document_id=doc_id), with_text=text,
                         copies=group if len(group) > 1 else None)


@router.get("/duplicates", summary="Documents stored more than once from different files, each group primary first")
def list_duplicates(store: StoreDep, caller: Reader) -> dict[str, Any]:
    groups = duplicates.duplicate_groups(store)
    return {"total": len(groups), "groups": groups}


@router.post("/documents/{doc_id}/keep", summary="Make this copy the one that counts (editor); the others point at it")
def keep_copy(doc_id: DocumentId, service: ServiceDep, caller: Editor) -> dict[str, Any]:
    group = duplicates.keep(service.store, doc_id)
    problem = service.sync()
    return {"copies": group, "index_synced": problem is None, "index_problem": problem}


@router.post("/documents/{doc_id}/separate", summary="Say this document is not a copy of another (editor)")
def separate_copy(doc_id: DocumentId, service: ServiceDep, caller: Editor) -> dict[str, Any]:
    duplicates.separate(service.store, doc_id)
    problem = service.sync()
    return {"copies": duplicates.group_of(service.store, doc_id), "index_synced": problem is None,
            "index_problem": problem}


@router.get("/documents/{doc_id}/file", summary="The original file as uploaded",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def get_document_file(doc_id: DocumentId, store: StoreDep, caller: Reader) -> Response:
    data, media_type, name = store.get_original(doc_id)
    headers = {"Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox"}
    return Response(data, media_type=media_type or "application/octet-stream", headers=headers)


@router.delete("/documents/{doc_id}", summary="Delete a document from the store and the index (admin)")
def delete_document(doc_id: DocumentId, service: ServiceDep, caller: Admin) -> dict[str, Any]:
    service.store.delete_document(doc_id)
    problem = service.sync()
    return {"deleted": doc_id, "index_synced": problem is None, "index_problem": problem}
