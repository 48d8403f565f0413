"""The app factory: one FastAPI app serving the JSON API and the Vietnamese web UI.

>>> app = create_app()
>>> sorted(set(app.openapi()["paths"]) & {"/documents", "/search", "/tasks", "/health"})
['/documents', '/health', '/search', '/tasks']
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from parlens.search_api.http import criteria, documents, search, system, tasks
from parlens.search_api.http.errors import install_error_handlers
from parlens.search_api.http.jobs import JobManager
from parlens.search_api.http.service import Service
from parlens.settings import Settings, get_settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

DESCRIPTION = """Đọc văn bản cải cách hành chính: ai phải làm gì, đến khi nào, gắn với tiêu chí PAR INDEX.

Every error is `{"error": {"code", "title", "detail", "hint"}}` with a stable `PARLENS-Exxx` code.
Send the API key in the `X-API-Key` header (roles: reader < editor < admin). With no key configured the
service only listens on 127.0.0.1 and local callers are admin.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store opens and the index catches up with it when the app starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service = Service.open(settings)
        service.jobs = JobManager()
        app.state.service = service
        problem = service.sync()
        last, applied = service.index_lag()
        log.info("store %s: last change %s, index applied %s%s", settings.store_path, last, applied,
                 f" ({problem})" if problem else "")
        try:
            yield
        finally:
            service.close()

    app = FastAPI(title="parlens", version=_version(), description=DESCRIPTION, lifespan=lifespan,
                  openapi_tags=[{"name": n} for n in ("documents", "jobs", "search", "tasks", "criteria", "system", "keys")])
    app.state.settings = settings
    install_error_handlers(app)
    for module in (documents, search, tasks, criteria, system):
        app.include_router(module.router)
    from parlens.search_api.web import pages

    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("parlens")
    except Exception:
        return "0"
