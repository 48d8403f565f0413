"""Dependencies as ``Annotated`` aliases: the service, its store, and the caller's role.

A key comes in the ``X-API-Key`` header, or the web UI's sign-in session (an HttpOnly cookie holding a
random session id; the key itself never sits in a cookie). With no active key at all, only this machine
is served, and as admin: the peer must be a loopback address *and* the Host header a loopback name
(``127.0.0.1``, ``localhost``, ``[::1]``), so a web page that rebinds its own domain to 127.0.0.1 (DNS
rebinding) is refused (PARLENS-E055). Once a key exists every request needs one. Writes from a browser
must come from the app's own pages (Origin check).

>>> host_name("[::1]:8000"), host_name("LocalHost."), host_name("evil.example:8000")
('::1', 'localhost', 'evil.example')
>>> is_loopback_host("127.0.0.1:8000"), is_loopback_host("evil.example"), is_loopback_peer("127.0.0.5")
(True, False, True)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from parlens.errors import ParlensError
from parlens.search_api.http.keys import has_active_keys, role_allows, session_key, verify_key
from parlens.search_api.http.service import Service
from parlens.store import Store

KEY_HEADER = "X-API-Key"
SESSION_COOKIE = "parlens_session"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
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


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-cased, without port, brackets or a trailing dot."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_loopback_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def is_loopback_host(host_header: str) -> bool:
    """Whether a Host header names this machine (127.0.0.0/8, ::1 or localhost), with any port."""
    name = host_name(host_header)
    return name in LOOPBACK_NAMES or _is_loopback_ip(name)


def is_loopback_peer(address: str | None) -> bool:
    """Whether the TCP peer is on this machine (only an IP address counts, never a name)."""
    return bool(address) and _is_loopback_ip(address)


def _allowed_hosts(request: Request) -> frozenset[str]:
    raw = request.app.state.settings.allowed_hosts
    return frozenset(h.strip().lower().rstrip(".") for h in raw.split(",") if h.strip())


def check_host(request: Request, keyed: bool) -> None:
    """PARLENS-E055 unless the Host header is acceptable: loopback always; configured names once keys exist."""
    host = request.headers.get("host", "")
    if is_loopback_host(host):
        return
    allowed = _allowed_hosts(request)
    if keyed and (not allowed or host_name(host) in allowed):
        return
    if keyed:
        raise ParlensError("PARLENS-E055", f"host {host_name(host)!r} is not in PARLENS_ALLOWED_HOSTS")
    raise ParlensError("PARLENS-E055", f"host {host_name(host)!r} is not this machine, and no API key is configured",
                       hint="Open http://127.0.0.1:PORT/ on the server itself, or create a key (parlens keys create --role admin).")


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
    """The caller's role from its key or session; E050 when a key is needed and missing or wrong, E055 for a foreign Host."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    store: Store = request.app.state.service.store
    keyed = has_active_keys(store)
    check_host(request, keyed)
    secret = request.headers.get(KEY_HEADER)
    session = request.cookies.get(SESSION_COOKIE)
    if secret:
        key = verify_key(store, secret.strip())
        if key is None:
            raise ParlensError("PARLENS-E050", "the key is unknown or revoked")
        caller = Caller(key.role, key.id)
    elif session and (key := session_key(store, session)) is not None:
        caller = Caller(key.role, key.id)
    elif keyed:
        raise ParlensError("PARLENS-E050", "this service requires an API key" + (" (the sign-in has expired)" if session else ""))
    elif request.client is not None and is_loopback_peer(request.client.host):
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
