"""Route of the search: ``GET /search`` with the parameters and JSON shape of ``parlens search --format json``."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Reader, ServiceDep
from parlens.search_api.http.validation import MAX_FILTERS, MAX_QUERY_CHARS
from parlens.search_index.protocol import Mode

router = APIRouter(tags=["search"])

CATCH_UP_EVERY_SECONDS = 1.0


def catch_up(service: Any) -> None:
    """Apply store changes made by other processes (e.g. `parlens ingest`), checked at most once a second."""
    now = time.monotonic()
    if now - getattr(service, "_last_catch_up", 0.0) < CATCH_UP_EVERY_SECONDS:
        return
    service._last_catch_up = now
    from parlens.search_index.sync import catch_up as catch_up_index

    behind, applied = catch_up_index(service.store, service.backend, start=service.request_sync)
    if not behind:
        service.index_seq = applied  # another process may have synced: cached results keyed on the old seq expire


def index_generation(service: Any) -> int:
    """The index's applied change sequence as last seen: re-read after every sync and by ``catch_up``.

    Reading it from the index folder on every request would cost a file read; a change made by another
    process is noticed within CATCH_UP_EVERY_SECONDS, one made by this process at once.
    """
    seq = service.index_seq
    if seq is None:
        seq = service.index_seq = service.backend.last_applied_seq()
    return seq


class ResultCache:
    """The newest search results, keyed by query and the index's applied change sequence.

    A sync moves the sequence on, so a cached result is never served for an index that changed since.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _cache(service: Any, name: str = "search") -> ResultCache:
    cache = service.cache.get(name)
    if cache is None:
        cache = service.cache[name] = ResultCache(service.settings.search_cache_size)
    return cache


def _key(service: Any, q: str, parsed: dict, limit: int, offset: int, mode: str) -> tuple:
    return (q, tuple(sorted((k, tuple(v)) for k, v in parsed.items())), limit, offset, mode, index_generation(service))


def run_search(service: Any, q: str, *, limit: int = 10, offset: int = 0, filters: list[str] | None = None,
               mode: str = "folded") -> Any:
    """The SearchResult for a query and ``field=value`` filters; PARLENS-E040 when the backend is down."""
    from parlens.search_index import parse_filters, search

    if service.backend is None:
        raise ParlensError("PARLENS-E040", service.backend_error or "no search backend")
    parsed = parse_filters(filters)
    catch_up(service)
    cache = _cache(service)
    key = None
    if cache.size > 0:
        key = _key(service, q, parsed, limit, offset, mode)
        found = cache.get(key)
        if found is not None:
            return found
    result = search(q, limit=limit, offset=offset, filters=parsed, mode=mode, backend=service.backend)
    if key is not None:
        cache.put(key, result)
    return result


@router.get("/search", summary="Ranked passages with highlights, positions and facets", response_class=JSONResponse)
async def search_passages(
    service: ServiceDep,
    caller: Reader,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Accents optional; TTHC, DVCTT understood; \"quotes\" for a phrase.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10000)] = 0,
    filter: Annotated[list[str] | None, Query(max_length=MAX_FILTERS, description=f"field=value, repeatable (at most {MAX_FILTERS}); fields: doc_type, issuer, province, year, agency, criterion, has_deadline.")] = None,
    mode: Annotated[Mode, Query(description="Ranking: syllable BM25, folded (default), folded plus word segmentation, hybrid.")] = "folded",
) -> dict[str, Any]:
    """``{"total", "hits": [{"document_id", "title", "doc_type", "issued_on", "passage", "highlight", "score",
    "section", "source": {"start", "end", "page"}}], "facets": {field: {value: count}}}``.

    Runs on the event loop: an embedded search takes about a millisecond, less than a thread-pool hop.
    The encoded body is cached with the result, so a repeated query costs a dictionary lookup.
    """
    from parlens.search_index import parse_filters

    if service.backend is None:
        return JSONResponse(run_search(service, q, limit=limit, offset=offset, filters=filter, mode=mode).to_contract())
    parsed = parse_filters(filter)
    bodies = _cache(service, "search_json")
    key = None
    if bodies.size > 0:
        catch_up(service)
        key = _key(service, q, parsed, limit, offset, mode)
        body = bodies.get(key)
        if body is not None:
            return Response(body, media_type="application/json")
    body = JSONResponse(run_search(service, q, limit=limit, offset=offset, filters=filter, mode=mode).to_contract()).body
    if key is not None:
        bodies.put(key, body)
    return Response(body, media_type="application/json")
