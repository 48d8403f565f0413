"""Dependencies as ``Annotated`` aliases: the service, its store, and the caller's role.

A key comes in the ``X-API-Key`` header (or the ``parlens_key`` cookie the web UI sets at /dang-nhap).
With no active key at all, requests from the local machine are admin and others are refused; once a key
exists every request needs one. Writes from a browser must come from the app's own pages (Origin check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from parlens.errors import ParlensError
from parlens.search_api.http.keys import has_active_keys, role_allows, verify_key
from parlens.search_api.http.service import Service
from parlens.store import Store

KEY_HEADER = "X-API-Key"
KEY_COOKIE = "parlens_key"
LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})  # "testclient": Starlette's TestClient
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """Who is calling: the role granted and the key id (None for the key-less local mode)."""

    role: str
    key_id: int | None = None
    local: bool = False


# Dependencies are ``async def``: they only read app state or run a tiny indexed query, and FastAPI would
# otherwise send each one through the thread pool (three thread hops per request under load).


async def get_service(request: Request) -> Service:
    return request.app.state.service


async def get_store(request: Request) -> Store:
    return request.app.state.service.store


ServiceDep = Annotated[Service, Depends(get_service)]
StoreDep = Annotated[Store, Depends(get_store)]


def _check_origin(request: Request) -> None:
    """Refuse a write a browser sends from another site (CSRF): Origin must match the Host when present."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        raise ParlensError("PARLENS-E051", "cross-site write refused")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise ParlensError("PARLENS-E051", f"write from origin {origin} refused")
    if origin == "null":
        raise ParlensError("PARLENS-E051", "write from an opaque origin refused")


def identify(request: Request) -> Caller:
    """The caller's role from its key; PARLENS-E050 when a key is needed and missing or wrong."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    store: Store = request.app.state.service.store
    secret = request.headers.get(KEY_HEADER) or request.cookies.get(KEY_COOKIE)
    if secret:
        key = verify_key(store, secret.strip())
        if key is None:
            raise ParlensError("PARLENS-E050", "the key is unknown or revoked")
        caller = Caller(key.role, key.id)
    elif has_active_keys(store):
        raise ParlensError("PARLENS-E050", "this service requires an API key")
    elif request.client is not None and request.client.host in LOCAL_HOSTS:
        caller = Caller("admin", None, local=True)
    else:
        raise ParlensError("PARLENS-E050", "no API key is configured, so only local requests are served",
                           hint="Create one with `parlens keys create --role reader`.")
    request.state.caller = caller
    return caller


def require(role: str):
    """A dependency granting access to callers with at least ``role``."""

    async def check(request: Request) -> Caller:
        _check_origin(request)
        caller = identify(request)
        if not role_allows(caller.role, role):
            raise ParlensError("PARLENS-E051", f"{request.method} {request.url.path} needs the {role} role, the key has {caller.role}")
        return caller

    check.__name__ = f"require_{role}"
    return check


Reader = Annotated[Caller, Depends(require("reader"))]
Editor = Annotated[Caller, Depends(require("editor"))]
Admin = Annotated[Caller, Depends(require("admin"))]
