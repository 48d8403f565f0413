"""Highlights computed once in Python for every backend, so offsets always point into the document text.

Only what matched the query is marked, as whole terms (never part of a syllable):

- a typed term with diacritics marks the same syllable only ("Sở" marks "Sở", "SỞ", not "số" or "so",
  although search finds all of them: they fold alike); a term typed without diacritics marks every
  syllable that folds to it. In a passage written without any diacritics the fold decides;
- terms of a multi-term query mark where they stand together as in the query ("Sở Nội vụ"); a term is
  marked alone ("vụ" in "Phục vụ") only when the passage never has it beside its query neighbours;
- the other spelling of an abbreviation the query names is marked whole ("SNV" for "Sở Nội vụ",
  "thủ tục hành chính" for "TTHC");
- in ``syllable`` mode a term marks only the syllable exactly as typed (that is how it matched).

>>> marks = query_marks(analyze_query("thủ tục"))
>>> spans, snippet = highlight("Cải cách thủ tục hành chính; thu phí", 100, marks)
>>> spans
[(109, 112), (113, 116)]
>>> snippet
'Cải cách <mark>thủ</mark> <mark>tục</mark> hành chính; thu phí'
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from parlens.nlp.normalize import fold_aligned, fold_token
from parlens.search_index.analysis import AnalyzedQuery, abbreviation_spellings, analyze_query, has_diacritics, term_spans

SNIPPET_CHARS = 280

# A query term: its fold, and the lower-cased spelling a syllable must have (None: any that folds alike).
Term = tuple[str, str | None]


@dataclass(frozen=True)
class QueryMarks:
    """What a hit may mark for one query: the typed terms in order and the other spellings of each group."""

    typed: tuple[Term, ...]
    group_of: tuple[int, ...]  # the group index of each typed term
    alternatives: tuple[tuple[int, tuple[Term, ...]], ...]  # (group index, another spelling of the group)


def query_marks(aq: AnalyzedQuery, *, exact: bool = False) -> QueryMarks:
    """The marks of an analysed query; ``exact`` (syllable mode) matches terms only as typed.

    >>> query_marks(analyze_query("Sở nội vu")).typed
    (('so', 'sở'), ('noi', 'nội'), ('vu', None))
    """
    typed: list[Term] = []
    group_of: list[int] = []
    alternatives: list[tuple[int, tuple[Term, ...]]] = []
    spellings = abbreviation_spellings()
    groups = aq.groups if not exact else []
    if exact or not groups:
        for i, (f, o) in enumerate(zip(aq.folded, aq.original)):
            typed.append((f, o if exact or has_diacritics(o) else None))
            group_of.append(i)
        return QueryMarks(tuple(typed), tuple(group_of), ())
    for g, group in enumerate(groups):
        for f, o in zip(group.alternatives[0], group.original):
            typed.append((f, o if has_diacritics(o) else None))
            group_of.append(g)
        for alt in group.alternatives[1:]:
            spelled = spellings.get(alt)
            terms = tuple((f, s if spelled and has_diacritics(s) else None) for f, s in zip(alt, spelled or alt))
            alternatives.append((g, terms))
    return QueryMarks(tuple(typed), tuple(group_of), tuple(alternatives))


@lru_cache(maxsize=4096)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def matched_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """``(start, end)`` in ``text`` of every term whose fold is in ``terms`` (no accent or phrase rule).

    One regular-expression pass over the letter-by-letter fold (``fold_aligned``); text that is not NFC
    (it should not occur: documents are normalised) is split into terms and each is folded.
    """
    if not terms:
        return []
    if unicodedata.is_normalized("NFC", text):
        return [m.span() for m in _terms_pattern(terms).finditer(fold_aligned(text))]
    return [(s, e) for s, e, term in term_spans(text) if fold_token(term) in terms]


_WORD_CHAR = re.compile(r"[^\W_]")


def _candidates(text: str, folds: frozenset[str]) -> tuple[list[tuple[int, int, str]], bool]:
    """``(start, end, fold)`` of every term of ``text`` whose fold is in ``folds``, in order, and whether
    ``text`` has any diacritic (or đ) at all."""
    lowered = text.lower()
    if unicodedata.is_normalized("NFC", text):
        aligned = fold_aligned(text)
        found = [(m.start(), m.end(), m.group()) for m in _terms_pattern(folds).finditer(aligned)]
        return found, aligned != lowered
    found = [(s, e, fold_token(t)) for s, e, t in term_spans(text) if fold_token(t) in folds]
    return found, fold_aligned(lowered) != lowered


def query_spans(text: str, marks: QueryMarks) -> list[tuple[int, int]]:
    """``(start, end)`` in ``text`` of every term to mark for this query (rules in the module docstring).

    Only the terms whose fold is a query fold are looked at (one regular-expression pass over the
    letter-by-letter fold); two of them are neighbours when nothing but spaces and punctuation parts them.
    """
    folds = frozenset({f for f, _ in marks.typed} | {f for _, alt in marks.alternatives for f, _ in alt})
    if not folds:
        return []
    found, accented_text = _candidates(text, folds)
    if not found:
        return []

    def fits(k: int, term: Term) -> bool:
        s, e, f = found[k]
        if f != term[0]:
            return False
        spelled = term[1]
        return spelled is None or not accented_text or unicodedata.normalize("NFC", text[s:e]).lower() == spelled

    n = len(found)
    beside = [k + 1 < n and not _WORD_CHAR.search(text, found[k][1], found[k + 1][0]) for k in range(n)]
    hits = [{j for j, term in enumerate(marks.typed) if fits(k, term)} for k in range(n)]  # typed positions each term fits
    marked: set[int] = set()
    covered: set[int] = set()  # typed positions marked beside a query neighbour
    for k in range(n):
        for j in hits[k]:
            if (beside[k] and j + 1 in hits[k + 1]) or (k > 0 and beside[k - 1] and j - 1 in hits[k - 1]):
                marked.add(k)
                covered.add(j)
    groups_spelled_otherwise: set[int] = set()
    for g, alt in marks.alternatives:
        size = len(alt)
        for k in range(n - size + 1):
            if all(fits(k + i, alt[i]) for i in range(size)) and all(beside[k + i] for i in range(size - 1)):
                marked.update(range(k, k + size))
                groups_spelled_otherwise.add(g)
    # a term alone: when its position never stands beside a query neighbour, and its group (if the term is
    # only part of it, as "thủ" of "thủ tục hành chính") is not written here in its other spelling ("TTHC")
    size_of = {g: marks.group_of.count(g) for g in set(marks.group_of)}
    for k in range(n):
        if any(j not in covered and (size_of[marks.group_of[j]] == 1 or marks.group_of[j] not in groups_spelled_otherwise)
               for j in hits[k]):
            marked.add(k)
    return [(found[k][0], found[k][1]) for k in sorted(marked)]


def highlight(text: str, offset: int, marks: QueryMarks | frozenset[str], *, width: int = SNIPPET_CHARS) -> tuple[list[tuple[int, int]], str]:
    """Matched spans (document offsets = ``offset`` + position in ``text``) and an HTML snippet with <mark> tags.

    ``marks`` are a query's (:func:`query_marks`), or a plain set of folded terms to mark wherever they occur.
    """
    local = query_spans(text, marks) if isinstance(marks, QueryMarks) else matched_spans(text, marks)
    if len(text) <= width:
        lo, hi = 0, len(text)
    else:
        best, lo = -1, 0
        starts, ends = [a for a, _ in local], [b for _, b in local]
        for s in starts or [0]:
            start = max(0, s - width // 4)
            count = bisect_right(ends, start + width) - bisect_left(starts, start)  # spans inside the window
            if count > best:
                best, lo = count, start
        if lo > 0:  # start on a word
            space = text.find(" ", lo)
            lo = space + 1 if 0 <= space < lo + 20 else lo
        hi = min(len(text), lo + width)
        if hi < len(text):
            space = text.rfind(" ", lo, hi)
            hi = space if space > lo + width // 2 else hi
    parts, pos = [], lo
    for s, e in local:
        if s < lo or e > hi:
            continue
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:hi]))
    snippet = ("…" if lo > 0 else "") + "".join(parts) + ("…" if hi < len(text) else "")
    return [(offset + s, offset + e) for s, e in local], snippet
