"""Passage search over the store: an embedded tantivy index by default, Elasticsearch or OpenSearch for a national deployment.

>>> from parlens.search_index import search  # doctest: +SKIP
>>> search("cai cach TTHC", limit=5, filters={"doc_type": ["Kế hoạch"]}).hits[0].highlight  # doctest: +SKIP
'… đẩy mạnh <mark>cải</mark> <mark>cách</mark> <mark>thủ</mark> <mark>tục</mark> …'
"""

from __future__ import annotations

from typing import Any, Mapping

from parlens.errors import ParlensError
from parlens.search_index.backends import get_backend, open_backend
from parlens.search_index.protocol import FILTER_FIELDS, Hit, Passage, SearchBackend, SearchQuery, SearchResult
from parlens.search_index.sync import reindex, sync

__all__ = [
    "FILTER_FIELDS", "Hit", "Passage", "SearchBackend", "SearchQuery", "SearchResult",
    "get_backend", "open_backend", "parse_filters", "reindex", "search", "sync",
]

MAX_FILTERS = 20  # field=value filters in one search
MAX_FILTER_CHARS = 200  # one filter value
MAX_YEAR = 9999  # a year filter has at most four digits (the index stores years as 64-bit integers)


def parse_filters(items: list[str] | None) -> dict[str, list[str]]:
    """``["doc_type=Kế hoạch", "year=2025"]`` -> ``{"doc_type": ["Kế hoạch"], "year": ["2025"]}``; PARLENS-E041 if malformed.

    At most MAX_FILTERS filters of MAX_FILTER_CHARS characters each; a year has one to four digits.

    >>> parse_filters(["year=2025", "year=2024", "agency=so-noi-vu"])
    {'year': ['2025', '2024'], 'agency': ['so-noi-vu']}
    """
    filters: dict[str, list[str]] = {}
    if items and len(items) > MAX_FILTERS:
        raise ParlensError("PARLENS-E041", f"{len(items)} filters; use at most {MAX_FILTERS}")
    for item in items or []:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ParlensError("PARLENS-E041", f"{item!r} is not field=value")
        if name not in FILTER_FIELDS:
            raise ParlensError("PARLENS-E041", f"unknown filter field {name!r}; use one of {', '.join(FILTER_FIELDS)}")
        if len(value) > MAX_FILTER_CHARS:
            raise ParlensError("PARLENS-E041", f"the {name} filter is longer than {MAX_FILTER_CHARS} characters")
        if name == "year" and not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_YEAR))):
            raise ParlensError("PARLENS-E041", f"year must be a number from 0 to {MAX_YEAR}, not {value[:20]!r}")
        filters.setdefault(name, []).append(value)
    return filters


def search(
    query: str,
    *,
    limit: int = 10,
    offset: int = 0,
    filters: Mapping[str, Any] | None = None,
    facets: bool = True,
    mode: str = "folded",
    backend: SearchBackend | None = None,
) -> SearchResult:
    """Ranked passages for a staff query (accents optional, abbreviations expanded), with facets.

    ``filters`` maps a field of ``FILTER_FIELDS`` to a value or a list of values.
    """
    if limit < 1 or limit > 1000 or offset < 0:
        raise ParlensError("PARLENS-E041", f"limit must be 1..1000 and offset >= 0 (got {limit}, {offset})")
    normalised: dict[str, list[Any]] = {}
    for name, value in (filters or {}).items():
        if name not in FILTER_FIELDS:
            raise ParlensError("PARLENS-E041", f"unknown filter field {name!r}; use one of {', '.join(FILTER_FIELDS)}")
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
        if name == "year":
            try:
                values = [int(v) for v in values]
            except (TypeError, ValueError) as exc:
                raise ParlensError("PARLENS-E041", f"year must be a number, not {value!r}") from exc
            if any(not 0 <= v <= MAX_YEAR for v in values):
                raise ParlensError("PARLENS-E041", f"year must be a number from 0 to {MAX_YEAR}, not {value!r}")
        normalised[name] = values
    backend = backend or get_backend()
    return backend.search(SearchQuery(text=query, limit=limit, offset=offset, filters=normalised, facets=facets, mode=mode))
