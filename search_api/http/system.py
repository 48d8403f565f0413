"""Routes of the service itself: health (store, index, lag) and API keys (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Admin, ServiceDep
from parlens.search_api.http.keys import create_key, list_keys, revoke_key
from parlens.search_api.http.validation import id_path

router = APIRouter()


def health_report(service: Any) -> tuple[bool, dict[str, Any]]:
    """``(healthy, report)``: the store answers, the index answers, and how far the index is behind."""
    report: dict[str, Any] = {"store": {"ok": False}, "index": {"ok": False, "backend": service.settings.search_backend}}
    last = None
    try:
        stats = service.store.stats()
        last = stats["last_change_seq"]
        report["store"] = {"ok": True, "documents": stats["documents"], "tasks": stats["tasks"],
                           "schema_version": stats["schema_version"], "last_change_seq": last}
    except Exception as exc:
        report["store"]["problem"] = str(exc) or type(exc).__name__
    applied = None
    if service.backend is None:
        report["index"]["problem"] = service.backend_error or "no search backend"
    else:
        try:
            applied = int(service.backend.last_applied_seq())
            report["index"].update(ok=True, passages=int(service.backend.count()), applied_seq=applied)
            engine = getattr(service.backend, "engine", None)  # the cluster backend: which engine answered
            if engine is not None:
                report["index"].update(engine=engine.describe(), hybrid=service.backend.hybrid_unavailable is None)
        except Exception as exc:
            report["index"]["problem"] = str(exc) or type(exc).__name__
            if isinstance(exc, ParlensError):  # PARLENS-E042: damaged, `parlens reindex` rebuilds it
                report["index"]["code"] = exc.code
    report["index_lag"] = (last - applied) if last is not None and applied is not None else None
    healthy = report["store"]["ok"] and report["index"]["ok"]
    report["status"] = "ok" if healthy else "degraded"
    return healthy, report


@router.get("/health", tags=["system"], summary="Store and index reachable; index lag in store changes")
def health(service: ServiceDep) -> JSONResponse:
    """Open to everyone (no key): 200 when store and index answer, 503 otherwise."""
    healthy, report = health_report(service)
    return JSONResponse(report, status_code=200 if healthy else 503)


class NewKey(BaseModel):
    role: str = Field(pattern="^(reader|editor|admin)$")
    label: str = Field("", max_length=200)


@router.get("/keys", tags=["keys"], summary="List API keys (admin; never the secrets)")
def get_keys(service: ServiceDep, caller: Admin) -> dict[str, Any]:
    return {"keys": [k.to_contract() for k in list_keys(service.store)]}


@router.post("/keys", tags=["keys"], status_code=201, summary="Create an API key (admin); the key is shown once")
def post_key(body: NewKey, service: ServiceDep, caller: Admin) -> dict[str, Any]:
    created = create_key(service.store, body.role, label=body.label)
    return {**created.key.to_contract(), "key": created.secret}


@router.delete("/keys/{key_id}", tags=["keys"], summary="Revoke an API key (admin)")
def delete_key(key_id: Annotated[int, id_path("Key id (see GET /keys).")], service: ServiceDep, caller: Admin) -> dict[str, Any]:
    return revoke_key(service.store, key_id).to_contract()
