"""Highlights computed once in Python for every backend, so offsets always point into the document text.

>>> spans, snippet = highlight("Cải cách thủ tục hành chính", 100, frozenset({"thu", "tuc"}))
>>> spans
[(109, 112), (113, 116)]
>>> snippet
'Cải cách <mark>thủ</mark> <mark>tục</mark> hành chính'
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from parlens.nlp.normalize import fold
from parlens.search_index.analysis import term_spans

# Vietnamese has a few thousand distinct syllables: folding each once per process makes highlighting
# a dictionary lookup per term instead of two Unicode normalisations.
fold_term = lru_cache(maxsize=200_000)(fold)

SNIPPET_CHARS = 280


def highlight(text: str, offset: int, terms: frozenset[str], *, width: int = SNIPPET_CHARS) -> tuple[list[tuple[int, int]], str]:
    """Matched spans (document offsets = ``offset`` + position in ``text``) and an HTML snippet with <mark> tags."""
    local = [(s, e) for s, e, term in term_spans(text) if fold_term(term) in terms]
    if len(text) <= width:
        lo, hi = 0, len(text)
    else:
        best, lo = -1, 0
        for s, _ in local or [(0, 0)]:
            start = max(0, s - width // 4)
            count = sum(1 for a, b in local if a >= start and b <= start + width)
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
