"""Abbreviations of Vietnamese administration (UBND, CCHC, KH&ĐT, ...) as data, both ways.

``ABBREVIATIONS`` (abbreviation -> expansion) loads lazily from ``nlp/data/abbreviations.json``.

>>> expand("UBND tỉnh đẩy mạnh CCHC")
'Ủy ban nhân dân tỉnh đẩy mạnh cải cách hành chính'
>>> sorted(abbreviation_variants("cải cách hành chính"))
['CCHC', 'cải cách hành chính']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parlens.nlp.normalize import fold, match_key

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def load_abbreviations() -> dict[str, str]:
    """Abbreviation -> expansion, read once from nlp/data/abbreviations.json."""
    data = json.loads((DATA / "abbreviations.json").read_text(encoding="utf-8"))
    return {row["abbr"]: row["full"] for row in data["abbreviations"]}


def __getattr__(name: str) -> dict[str, str]:
    if name == "ABBREVIATIONS":
        return load_abbreviations()
    raise AttributeError(name)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    keys = sorted(load_abbreviations(), key=len, reverse=True)
    # Whole tokens only: not inside a longer word, a document number ("QĐ-UBND") or a code.
    return re.compile(r"(?<![\w&/-])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w&/-])")


@lru_cache(maxsize=1)
def _by_expansion() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for abbr, full in load_abbreviations().items():
        out.setdefault(match_key(full), []).append(abbr)
    return out


@dataclass(frozen=True)
class Expansion:
    """One abbreviation replaced: offsets in the original text and in the expanded text."""

    start: int
    end: int
    abbr: str
    full: str
    new_start: int
    new_end: int


def expand_with_offsets(text: str) -> tuple[str, list[Expansion]]:
    """Expand every known abbreviation; return the new text and where each replacement sits."""
    table = load_abbreviations()
    parts: list[str] = []
    spans: list[Expansion] = []
    last = 0
    shift = 0
    for m in _pattern().finditer(text):
        abbr = m.group(1)
        full = table[abbr]
        parts.append(text[last : m.start()])
        new_start = m.start() + shift
        parts.append(full)
        spans.append(Expansion(m.start(), m.end(), abbr, full, new_start, new_start + len(full)))
        shift += len(full) - len(abbr)
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), spans


def expand(text: str) -> str:
    """Replace every known abbreviation with its expansion (case as in the dictionary)."""
    return expand_with_offsets(text)[0]


def abbreviation_variants(term: str) -> set[str]:
    """The term plus its abbreviation or expansion, both ways, for search ('CCHC' <-> 'cải cách hành chính').

    Also expands abbreviations inside a longer term ("Sở KH&ĐT" -> "Sở Kế hoạch và Đầu tư").
    """
    term = term.strip()
    out = {term}
    table = load_abbreviations()
    if term in table:
        out.add(table[term])
    upper = {k.upper(): v for k, v in table.items()}
    if term.upper() in upper and term not in table:
        out.add(upper[term.upper()])
    out.update(_by_expansion().get(match_key(term), []))
    expanded = expand(term)
    if expanded != term:
        out.add(expanded)
    key = match_key(term)
    for full, abbrs in _by_expansion().items():
        if len(full) > 6 and full in key and full != key:
            for ab in abbrs:
                out.add(re.sub(re.escape(full), ab, key, flags=re.I))
    return out


def folded_variants(term: str) -> set[str]:
    """abbreviation_variants, folded (lower-case, no diacritics), for accent-insensitive indexes."""
    return {fold(v) for v in abbreviation_variants(term)}


__all__ = ["ABBREVIATIONS", "Expansion", "abbreviation_variants", "expand", "expand_with_offsets",
           "folded_variants", "load_abbreviations"]
