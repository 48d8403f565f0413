"""Highlights computed once in Python for every backend, so offsets always point into the document text.

>>> spans, snippet = highlight("Cải cách thủ tục hành chính", 100, frozenset({"thu", "tuc"}))
>>> spans
[(109, 112), (113, 116)]
>>> snippet
'Cải cách <mark>thủ</mark> <mark>tục</mark> hành chính'
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from html import escape

from parlens.nlp.normalize import fold_aligned, fold_token
from parlens.search_index.analysis import term_spans

SNIPPET_CHARS = 280


@lru_cache(maxsize=4096)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def matched_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """``(start, end)`` in ``text`` of every term whose fold is in ``terms``.

    One regular-expression pass over the letter-by-letter fold (``fold_aligned``); text that is not NFC
    (it should not occur: documents are normalised) is split into terms and each is folded.
    """
    if not terms:
        return []
    if unicodedata.is_normalized("NFC", text):
        return [m.span() for m in _terms_pattern(terms).finditer(fold_aligned(text))]
    return [(s, e) for s, e, term in term_spans(text) if fold_token(term) in terms]


def highlight(text: str, offset: int, terms: frozenset[str], *, width: int = SNIPPET_CHARS) -> tuple[list[tuple[int, int]], str]:
    """Matched spans (document offsets = ``offset`` + position in ``text``) and an HTML snippet with <mark> tags."""
    local = matched_spans(text, terms)
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
