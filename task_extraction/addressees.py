"""Addressee phrases for the task extractor: the names it has always called, over ``parlens.nlp.agencies``.

``parlens.nlp.agencies`` is the one agency recogniser: its vocabulary (nlp/data/agency_phrases.yaml) and
its phrase functions decide where an agency phrase starts (``agency_head_at``), where it ends
(``agency_phrase_end``) and how it splits into bodies (``split_agency_phrase``); ``find_agencies`` (the
UI's highlighting, ``who``) uses the same vocabulary. This module only keeps the extractor's names and
signatures; nothing is decided here.

>>> [m.text for m in split_members("Liên đoàn Lao động, Hội Nông dân, Liên minh Hợp tác xã")]
['Liên đoàn Lao động', 'Hội Nông dân', 'Liên minh Hợp tác xã']
"""

from __future__ import annotations

import re
from functools import lru_cache

from parlens.nlp.agencies import (
    PhraseMember,
    agency_head_at,
    agency_phrase_end,
    canonical_agency_name,
    is_collective_name,
    resolve_agency,
    split_agency_phrase,
)

Member = PhraseMember  # one body in an addressee phrase: text, start, end (relative to the phrase), collective


def head_at(text: str, pos: int) -> re.Match[str] | None:
    """The agency head starting exactly at ``pos``, if any (``nlp.agencies.agency_head_at``)."""
    return agency_head_at(text, pos)


def phrase_end(text: str, pos: int, limit: int | None = None) -> int:
    """Where the agency phrase starting at ``pos`` ends (``nlp.agencies.agency_phrase_end``)."""
    return agency_phrase_end(text, pos, limit)


def is_collective(member: str) -> bool:
    """True for addressees that name a group rather than one body (``nlp.agencies.is_collective_name``)."""
    return is_collective_name(member)


def split_members(phrase: str, *, keep_collectives_whole: bool = True) -> list[Member]:
    """Split an addressee phrase into bodies (``nlp.agencies.split_agency_phrase``).

    >>> [m.text for m in split_members("Giám đốc các Sở: Nội vụ, Tư pháp; Thủ trưởng các cơ quan có liên quan")]
    ['Nội vụ', 'Tư pháp', 'Thủ trưởng các cơ quan có liên quan']
    """
    return split_agency_phrase(phrase, keep_collectives_whole=keep_collectives_whole)


@lru_cache(maxsize=8192)
def resolve(surface: str, *, on=None, level: str | None = None) -> tuple[str | None, str | None]:
    """Canonical ``(agency_id, agency_name)`` for a body as written, on the document's date.

    The name is the body's one name (``nlp.agencies.canonical_agency_name``), whatever the title, the
    place or the order of levels written: the words as written stay the task's ``agency``. ``level``
    ("central" or "province") is the document's, for a bare sector name ("Nội vụ", "ngành Nội vụ").

    >>> resolve("Sở Nội vụ"), resolve("Giám đốc Sở Nội vụ tỉnh Nghệ An")
    (('so-noi-vu', 'Sở Nội vụ'), ('so-noi-vu', 'Sở Nội vụ'))
    >>> resolve("UBND phường, xã, đặc khu") == resolve("Chủ tịch UBND các xã, phường") == ("ubnd-cap-xa", "Ủy ban nhân dân cấp xã")
    True
    """
    mention = resolve_agency(surface, on=on, level=level)
    if mention is None:
        return None, None
    return mention.agency_id, canonical_agency_name(mention.agency_id, [mention.name]) or mention.name


__all__ = ["Member", "head_at", "is_collective", "phrase_end", "resolve", "split_members"]
