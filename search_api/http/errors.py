"""JSON errors everywhere: ``{"error": {"code", "title", "detail", "hint", "title_vi", "hint_vi"}}`` with the stable PARLENS codes.

Web pages get the same error as an HTML page in Vietnamese (``title_vi``, ``hint_vi``; the English detail
under "Chi tiết kỹ thuật").

>>> http_status("PARLENS-E020"), http_status("PARLENS-E004"), http_status("PARLENS-E003")
(404, 413, 422)
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parlens.errors import CATALOGUE, ParlensError

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "PARLENS-E004": 413,
    "PARLENS-E010": 400,
    "PARLENS-E019": 500,
    "PARLENS-E020": 404,
    "PARLENS-E021": 503,
    "PARLENS-E022": 503,
    "PARLENS-E026": 404,
    "PARLENS-E027": 422,
    "PARLENS-E028": 404,
    "PARLENS-E030": 404,
    "PARLENS-E031": 500,
    "PARLENS-E032": 404,
    "PARLENS-E033": 404,
    "PARLENS-E040": 503,
    "PARLENS-E042": 503,
    "PARLENS-E041": 400,
    "PARLENS-E043": 501,
    "PARLENS-E050": 401,
    "PARLENS-E051": 403,
    "PARLENS-E052": 400,
    "PARLENS-E053": 404,
    "PARLENS-E054": 413,
    "PARLENS-E055": 421,
    "PARLENS-E023": 507,
    "PARLENS-E024": 422,
    "PARLENS-E025": 499,
}


def http_status(code: str) -> int:
    """The HTTP status for a PARLENS code; unreadable input (E001–E012) is 422."""
    return STATUS_BY_CODE.get(code, 422)


def error_body(error: ParlensError) -> dict[str, Any]:
    return {"error": error.to_dict()}


def error_response(error: ParlensError, *, status: int | None = None, extra: dict[str, Any] | None = None) -> JSONResponse:
    """The JSON error response for ``error`` (``extra`` keys are added beside ``error``)."""
    headers = {"WWW-Authenticate": "X-API-Key"} if error.code == "PARLENS-E050" else None
    return JSONResponse({**error_body(error), **(extra or {})}, status_code=status or http_status(error.code), headers=headers)


def _wants_html(request: Request) -> bool:
    from parlens.search_api.web.pages import is_page_path

    return is_page_path(request.url.path)


def _render(request: Request, error: ParlensError, status: int):
    if _wants_html(request):
        from parlens.search_api.web.pages import render_error

        return render_error(request, error, status)
    return error_response(error, status=status)


def install_error_handlers(app: FastAPI) -> None:
    """Map ParlensError, validation errors, unknown routes and crashes to the JSON error shape."""

    @app.exception_handler(ParlensError)
    async def on_parlens_error(request: Request, exc: ParlensError):
        return _render(request, exc, http_status(exc.code))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'body', 'path'))}: {e.get('msg')}"
            for e in exc.errors()
        )
        return _render(request, ParlensError("PARLENS-E052", problems), 422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        hint_vi = None
        if exc.status_code == 404:
            detail = f"no route {request.method} {request.url.path}"
            hint_vi = "Không có trang này; chọn một mục trên thanh trình đơn."
        if exc.status_code == 413:
            limit = request.app.state.settings.max_request_bytes
            return _render(request, ParlensError("PARLENS-E054", f"the request body is over {limit:,} bytes"), 413)
        return _render(request, ParlensError("PARLENS-E052", detail, hint_vi=hint_vi), exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        entry = CATALOGUE["PARLENS-E019"]
        error = ParlensError("PARLENS-E019", f"{type(exc).__name__}", hint=entry.hint.replace("the batch went on", "the service goes on"),
                             hint_vi="Chưa có gì được lưu; thử lại, nếu vẫn lỗi thì báo quản trị viên kèm đường dẫn trang và thời điểm.")
        return _render(request, error, 500)
