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

from parlens.search_api.http import criteria, documents, evidence, search, system, tasks, tracker_io
from parlens.search_api.http.errors import install_error_handlers
from parlens.search_api.http.jobs import JobManager
from parlens.search_api.http.limits import RequestBodyLimit
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
        app.state.service = service
        problem = service.sync()
        service.jobs = JobManager(service)
        resumed = service.jobs.resume()
        if resumed:
            log.info("resumed %d upload job(s) left unfinished", resumed)
        last, applied = service.index_lag()
        log.info("store %s: last change %s, index applied %s%s", settings.store_path, last, applied,
                 f" ({problem})" if problem else "")
        try:
            yield
        finally:
            service.close()

    offline_docs = _swagger_ui_dir()
    app = FastAPI(title="parlens", version=_version(), description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None if offline_docs else "/docs",
                  openapi_tags=[{"name": n} for n in ("documents", "jobs", "search", "tasks", "evidence", "criteria", "system", "keys")])
    if offline_docs:
        _serve_docs_offline(app, offline_docs)
    app.state.settings = settings
    app.add_middleware(RequestBodyLimit, max_bytes=settings.max_request_bytes)
    install_error_handlers(app)
    for module in (documents, search, tracker_io, tasks, evidence, criteria, system):
        app.include_router(module.router)
    from parlens.search_api.web import pages

    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _swagger_ui_dir() -> Path | None:
    """Swagger UI's files from the swagger-ui-bundle-v2 package, so /docs works without internet."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").exists() else None


def _serve_docs_offline(app: FastAPI, assets: Path) -> None:
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-static", StaticFiles(directory=assets), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="parlens API",
                                   swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-static/swagger-ui.css",
                                   swagger_favicon_url="/docs-static/favicon-32x32.png")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("parlens")
    except Exception:
        return "0"
