"""The two scale-out engines behind one backend: which one a URL serves, and what differs between them.

The query DSL, mappings, bulk actions and alias moves are shared (:mod:`parlens.search_index.cluster`
sends them body-style, which both official clients accept). What differs is kept here:

- the client: ``elasticsearch`` refuses a server that does not say it is Elasticsearch, and
  ``opensearch-py`` is the official client for OpenSearch;
- vectors: Elasticsearch maps ``dense_vector`` and searches with a top-level ``knn``; OpenSearch maps
  ``knn_vector`` (with ``index.knn``) and searches with a ``knn`` query, and only with its k-NN plugin.

>>> engine_for_root({"version": {"distribution": "opensearch", "number": "2.19.6"}}, {}).describe()
'OpenSearch 2.19.6'
>>> engine_for_root({"version": {"number": "9.2.0", "build_flavor": "default"}}, {"X-Elastic-Product": "Elasticsearch"}).name
'elasticsearch'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

from parlens.errors import ParlensError

ENGINES: tuple[str, ...] = ("elasticsearch", "opensearch")
AUTO = "auto"
DETECT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Engine:
    """One engine as found at a URL: its name, version, and whether it can store and search vectors."""

    name: str  # one of ENGINES
    version: str = ""

    def describe(self) -> str:
        return f"{'OpenSearch' if self.name == 'opensearch' else 'Elasticsearch'} {self.version}".strip()

    # -- the client ------------------------------------------------------------------------------
    def client(self, url: str, *, timeout: float = 60) -> Any:
        """The engine's official Python client for ``url``."""
        if self.name == "opensearch":
            from opensearchpy import OpenSearch

            return OpenSearch(url, timeout=timeout)
        from elasticsearch import Elasticsearch

        return Elasticsearch(url, request_timeout=timeout)

    def streaming_bulk(self, client: Any, actions: Iterable[dict[str, Any]], **options: Any) -> Iterator[tuple[bool, Any]]:
        """The client's own streaming bulk helper: ``(ok, info)`` per action."""
        if self.name == "opensearch":
            from opensearchpy import helpers
        else:
            from elasticsearch import helpers  # type: ignore[no-redef]
        return helpers.streaming_bulk(client, actions, **options)

    # -- vectors ---------------------------------------------------------------------------------
    def vector_support(self, client: Any) -> str | None:
        """None when the engine can store and search vectors, else the reason it cannot."""
        if self.name == "elasticsearch":
            return None  # dense_vector and kNN search are in every Elasticsearch from 8.0
        try:
            plugins = client.cat.plugins(format="json")
        except Exception as exc:  # an engine that cannot list its plugins cannot be trusted with knn_vector
            return f"{self.describe()} did not list its plugins ({exc})"
        if any("knn" in str(p.get("component", "")).lower() for p in plugins or []):
            return None
        return f"{self.describe()} has no k-NN plugin (opensearch-knn), so it cannot store or search vectors"

    def vector_index_settings(self) -> dict[str, Any]:
        """Index settings a vector field needs."""
        return {"knn": True} if self.name == "opensearch" else {}

    def vector_mapping(self, dims: int) -> dict[str, Any]:
        """The mapping of the ``embedding`` field (cosine similarity, HNSW)."""
        if self.name == "opensearch":
            return {"type": "knn_vector", "dimension": dims,
                    "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}
        return {"type": "dense_vector", "dims": dims, "index": True, "similarity": "cosine"}

    def knn_body(self, vector: list[float], k: int, filters: list[dict[str, Any]], *, excludes: list[str]) -> dict[str, Any]:
        """A search body for the ``k`` passages nearest ``vector`` that pass ``filters``."""
        source = {"excludes": excludes}
        if self.name == "opensearch":
            knn: dict[str, Any] = {"vector": vector, "k": k}
            if filters:
                knn["filter"] = {"bool": {"filter": filters}}
            return {"size": k, "query": {"knn": {"embedding": knn}}, "_source": source}
        top: dict[str, Any] = {"field": "embedding", "query_vector": vector, "k": k, "num_candidates": 4 * k}
        if filters:
            top["filter"] = filters
        return {"knn": top, "size": k, "_source": source}


def engine_for_root(root: Mapping[str, Any], headers: Mapping[str, str]) -> Engine:
    """The engine that answered ``GET /`` with ``root`` (JSON) and ``headers``; PARLENS-E040 for anything else.

    OpenSearch says so in ``version.distribution``; Elasticsearch has no distribution and sends
    ``X-Elastic-Product: Elasticsearch`` (from 7.14) or its tagline.
    """
    version = root.get("version") if isinstance(root, Mapping) else None
    if not isinstance(version, Mapping):
        raise ParlensError("PARLENS-E040", "the server's GET / has no version: not Elasticsearch or OpenSearch")
    number = str(version.get("number", ""))
    if str(version.get("distribution", "")).lower() == "opensearch":
        return Engine("opensearch", number)
    product = {k.lower(): v for k, v in headers.items()}.get("x-elastic-product", "")
    if product == "Elasticsearch" or "for search" in str(root.get("tagline", "")).lower():
        return Engine("elasticsearch", number)
    raise ParlensError("PARLENS-E040", f"the server's GET / names no known engine (version {number or '?'})")


def detect_engine(url: str, *, timeout: float = DETECT_TIMEOUT_SECONDS,
                  get: Callable[[str, float], tuple[int, dict[str, str], bytes]] | None = None) -> Engine:
    """Ask ``url`` which engine it runs (``GET /``); PARLENS-E040 when it cannot be reached or is neither."""
    try:
        status, headers, body = (get or _http_get)(url, timeout)
    except Exception as exc:  # refused, timed out, TLS
        raise ParlensError("PARLENS-E040", f"{_safe(url)}: {exc}") from exc
    if status != 200:
        raise ParlensError("PARLENS-E040", f"{_safe(url)} answered GET / with HTTP {status}")
    try:
        root = json.loads(body)
    except ValueError as exc:
        raise ParlensError("PARLENS-E040", f"{_safe(url)} answered GET / with something other than JSON") from exc
    return engine_for_root(root, headers)


def resolve_engine(setting: str, url: str, *, get: Callable | None = None) -> Engine:
    """The engine for ``PARLENS_SEARCH_BACKEND`` (``elasticsearch``, ``opensearch`` or ``auto``) at ``url``.

    A named engine must be what the server runs: a mismatch is PARLENS-E040, never a client talking to the
    wrong engine.
    """
    found = detect_engine(url, get=get)
    if setting in ENGINES and found.name != setting:
        raise ParlensError(
            "PARLENS-E040",
            f"PARLENS_SEARCH_BACKEND={setting} but {_safe(url)} runs {found.describe()}; "
            f"set PARLENS_SEARCH_BACKEND={found.name} or {AUTO}",
        )
    return found


def _http_get(url: str, timeout: float) -> tuple[int, dict[str, str], bytes]:
    import urllib3

    parsed = urllib3.util.parse_url(url)
    headers = urllib3.util.make_headers(basic_auth=parsed.auth) if parsed.auth else {}
    plain = parsed._replace(auth=None).url.rstrip("/") + "/"
    response = urllib3.request("GET", plain, headers=headers, timeout=timeout, retries=False)
    return response.status, dict(response.headers), response.data


def _safe(url: str) -> str:
    """``url`` without a password, for messages."""
    import urllib3

    parsed = urllib3.util.parse_url(url)
    return parsed._replace(auth=None).url if parsed.auth else url
