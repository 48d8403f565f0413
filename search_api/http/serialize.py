"""JSON shapes of the API: stored documents, blocks, tasks and ingest outcomes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from parlens.model import Block, CriterionLink, DocumentMetadata
from parlens.store import DocumentSummary, StoredDocument, StoredTask


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def metadata_json(meta: DocumentMetadata) -> dict[str, Any]:
    data = asdict(meta)
    data["issued_on"] = _iso(meta.issued_on)
    return data


def criterion_json(link: CriterionLink) -> dict[str, Any]:
    return {"code": link.code, "name": link.name, "score": round(float(link.score), 3), "explanation": link.explanation}


def block_json(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": block.kind, "text": block.text, "start": block.start, "end": block.end,
                           "page": block.page, "level": block.level, "numbering": block.numbering}
    if block.rows is not None:
        out["rows"] = [[{"text": c.text, "start": c.start, "end": c.end, "row_span": c.row_span, "col_span": c.col_span}
                        for c in row] for row in block.rows]
    return out


def summary_json(row: DocumentSummary) -> dict[str, Any]:
    return {"id": row.id, "doc_type": row.doc_type, "number": row.number, "issued_on": _iso(row.issued_on),
            "title": row.title, "subject": row.subject, "issuer": row.issuer, "source_name": row.source_name,
            "media_type": row.media_type, "ingested_at": row.ingested_at, "task_count": row.task_count,
            "duplicate_of": row.duplicate_of,
            "links": {"self": f"/documents/{row.id}", "file": f"/documents/{row.id}/file", "page": f"/van-ban/{row.id}"}}


def tracking_json(st: StoredTask) -> dict[str, Any]:
    """A task's tracking state: status, completion, assignee, note, the due date shown and its timeliness."""
    from parlens.tracking.status import STATUS_VI, TIMELINESS_VI

    return {"status": st.status, "status_label": STATUS_VI.get(st.status, st.status),
            "completed_on": _iso(st.completed_on), "assignee": st.assignee, "note": st.note, "due": _iso(st.due),
            "timeliness": st.timeliness, "timeliness_label": TIMELINESS_VI.get(st.timeliness or "", None),
            "origin": st.origin, "edited": st.edited, "updated_at": st.updated_at}


def stored_task_json(st: StoredTask) -> dict[str, Any]:
    """One task of GET /tasks: the stable task contract, its id, tracking state and the document it came from."""
    return {"id": st.id, "document_id": st.document_id, **st.task.to_contract(), "tracking": tracking_json(st),
            "document": {"title": st.document_title, "number": st.document_number, "doc_type": st.document_type,
                         "issued_on": _iso(st.document_issued_on), "issuer": st.document_issuer,
                         "province": st.document_province},
            "links": {"self": f"/tasks/{st.id}", "history": f"/tasks/{st.id}/history",
                      "document": f"/documents/{st.document_id}"}}


def document_json(stored: StoredDocument, tasks: list[StoredTask], *, with_text: bool = True,
                  copies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GET /documents/{id}: metadata, blocks, tasks (with source spans) and document-level criteria.

    ``copies`` is the document's duplicate group (primary first) when it has other copies; ``duplicate_of``
    names the primary when this one is a copy (its tasks are not counted anywhere else).
    """
    doc = stored.document
    out: dict[str, Any] = {
        "id": stored.id,
        "source_name": doc.source_name,
        "media_type": doc.media_type,
        "sha256": doc.sha256,
        "size": doc.size,
        "ingested_at": stored.ingested_at,
        "metadata": metadata_json(doc.metadata),
        "pages": len(doc.pages),
        "warnings": list(doc.warnings),
        "criteria": [criterion_json(c) for c in stored.criteria],
        "task_count": stored.task_count,
        "duplicate_of": stored.duplicate_of,
        "copies": copies or [],
        "tasks": [{"id": st.id, **st.task.to_contract()} for st in tasks],
        "blocks": [block_json(b) for b in doc.blocks],
        "links": {"file": f"/documents/{stored.id}/file", "page": f"/van-ban/{stored.id}"},
    }
    if with_text:
        out["text"] = doc.text
    return out


def failure_json(name: str, code: str, detail: str, hint: str | None = None, seconds: float = 0.0) -> dict[str, Any]:
    """A file's failed result in the shape of POST /documents (also for files stopped before a result)."""
    from parlens.errors import CATALOGUE

    entry = CATALOGUE.get(code)
    return {"file": name, "status": "failed", "document_id": None, "tasks": 0, "seconds": round(seconds, 3),
            "error": {"code": code, "title": entry.title if entry else "", "detail": detail,
                      "hint": hint or (entry.hint if entry else ""),
                      "title_vi": entry.title_vi if entry else "", "hint_vi": entry.hint_vi if entry else ""}}


def outcome_json(outcome: Any) -> dict[str, Any]:
    """One file's result of POST /documents: status, the document id (also for duplicates) or the error; each
    warning as ``{code, title, title_vi, text}`` and the stored document it repeats (``duplicate_of``)."""
    from parlens.errors import describe_warning

    if outcome.status == "failed":
        return failure_json(outcome.path.name, outcome.error_code or "PARLENS-E019", outcome.detail, outcome.hint or None,
                            outcome.seconds)
    return {"file": outcome.path.name, "status": outcome.status, "document_id": outcome.doc_id,
            "tasks": outcome.tasks, "seconds": round(outcome.seconds, 3), "error": None,
            "warnings": [describe_warning(w) for w in outcome.warnings], "duplicate_of": outcome.duplicate_of}
