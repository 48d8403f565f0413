"""Bounds on request parameters, shared by the JSON API and the web pages.

Every number that reaches SQLite fits its 64-bit INTEGER, offsets and pages stay in a range a store can
hold, dates leave room for day arithmetic, and free text is capped; so bad input answers 4xx with a
PARLENS code (E052, E041 for search filters) instead of failing deep in the store or the index.

>>> parse_day("2026-06-30", "due_before")
datetime.date(2026, 6, 30)
>>> parse_day("0001-01-01", "overdue_on")
Traceback (most recent call last):
...
parlens.errors.ParlensError: [PARLENS-E052] invalid request: overdue_on: expected a date from 1900-01-01 to 2100-12-31, got '0001-01-01'. See the API documentation at /docs.
>>> parse_ids("3, 4, 3")
[3, 4]
>>> max_page(50)
20000001
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query

from parlens.errors import ParlensError

INT64_MAX = 2**63 - 1  # SQLite's INTEGER: a larger id can name no row
MAX_OFFSET = 1_000_000_000  # rows skipped by paging, far beyond any store
MAX_QUERY_CHARS = 500  # a search or list query (API and pages)
MAX_TEXT_CHARS = 200  # a filter value: agency id, issuer, type, criterion code
MAX_IDS = 50  # documents in one coverage view
MAX_FILTERS = 20  # field=value search filters (search_index.MAX_FILTERS)
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)



def id_path(description: str) -> Any:
    """A path parameter holding a row id (1 … 2^63-1)."""
    return Path(ge=1, le=INT64_MAX, description=description)


DocumentId = Annotated[int, id_path("Document id.")]
CriterionCode = Annotated[str, Path(max_length=MAX_TEXT_CHARS, description="A criterion code (PAR.7) or a phrase.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Matches to skip.")]


def id_query(description: str) -> Any:
    """A query parameter holding a row id (1 … 2^63-1)."""
    return Query(ge=1, le=INT64_MAX, description=description)


def day_query(description: str) -> Any:
    """A query parameter holding a date between FIRST_DAY and LAST_DAY."""
    return Query(ge=FIRST_DAY, le=LAST_DAY, description=f"{description} ({FIRST_DAY.year}–{LAST_DAY.year}).")


def text_query(description: str = "", max_length: int = MAX_TEXT_CHARS) -> Any:
    """A free-text query parameter capped at ``max_length`` characters."""
    return Query(max_length=max_length, description=description or None)


def max_page(per_page: int) -> int:
    """The last page number whose offset stays within MAX_OFFSET."""
    return MAX_OFFSET // per_page + 1


def page_query(per_page: int) -> Any:
    """The ``trang`` (page number) parameter of a page listing ``per_page`` rows."""
    return Query(ge=1, le=max_page(per_page))


def parse_day(value: str, label: str) -> date | None:
    """``YYYY-MM-DD`` between FIRST_DAY and LAST_DAY (None for an empty value); PARLENS-E052 otherwise."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ParlensError("PARLENS-E052", f"{label}: expected a date from {FIRST_DAY} to {LAST_DAY}, got {value!r}")
    return day


def parse_ids(raw: str) -> list[int]:
    """``"1,2, 3"`` -> ``[1, 2, 3]`` (at most MAX_IDS ids, each 1 … 2^63-1); PARLENS-E052 otherwise."""
    try:
        ids = [int(part) for part in raw.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise ParlensError("PARLENS-E052", f"documents must be ids separated by commas, not {raw[:100]!r}") from exc
    if not ids:
        raise ParlensError("PARLENS-E052", "give at least one document id, e.g. ?documents=1,2")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_IDS:
        raise ParlensError("PARLENS-E052", f"{len(ids)} documents; compare at most {MAX_IDS} at once")
    bad = [i for i in ids if not 1 <= i <= INT64_MAX]
    if bad:
        raise ParlensError("PARLENS-E052", f"document ids run from 1 to {INT64_MAX}, not {bad[0]}")
    return ids
