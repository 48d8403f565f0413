"""Vietnamese text analysis for search: syllables, folding, word segmentation and abbreviation expansion.

This module is the single source of truth for how text becomes terms. Backends either call it directly
(Elasticsearch's word-segmented field, every query) or use an analyzer that a test proves equivalent
(tantivy's ``simple + lowercase + ascii_fold`` chain equals :func:`fold_terms`).

>>> fold_terms("Đẩy mạnh cải cách TTHC")
['day', 'manh', 'cai', 'cach', 'tthc']
>>> [g.alternatives for g in analyze_query("dvctt mức 4").groups][0]
(('dvctt',), ('dich', 'vu', 'cong', 'truc', 'tuyen'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from parlens.nlp.normalize import fold, fold_token, normalize_text

# A term is a run of letters/digits (Unicode): the same split as tantivy's `simple` tokenizer.
_TERM = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]+)"')


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """Each term of ``text`` as ``(start, end, term as written)``."""
    return [(m.start(), m.end(), m.group()) for m in _TERM.finditer(text)]


def original_terms(text: str) -> list[str]:
    """Lower-cased syllables with their diacritics ('Đề án' -> ['đề', 'án'])."""
    return [m.group().lower() for m in _TERM.finditer(normalize_text(text))]


def fold_terms(text: str) -> list[str]:
    """Lower-cased syllables without diacritics, đ -> d ('Đề án' -> ['de', 'an'])."""
    return [fold_token(m.group()) for m in _TERM.finditer(normalize_text(text))]


def has_diacritics(term: str) -> bool:
    """True when folding changes the term ('số' yes, 'so' no)."""
    return fold(term) != term.lower()


def segment_words(text: str) -> list[str]:
    """Folded words from underthesea's segmentation, syllables joined by '_' ('thu_tuc hanh_chinh').

    Slow (about 1,200 sentences per second); only indexes built with ``segmented=True`` use it.
    """
    from underthesea import word_tokenize

    words: list[str] = []
    for word in word_tokenize(normalize_text(text)):
        syllables = fold_terms(word)
        if syllables:
            words.append("_".join(syllables))
    return words


def abbreviation_table() -> dict[str, str]:
    """Abbreviation -> expansion: the project dictionary ``parlens.nlp.abbreviations`` (nlp/data/abbreviations.json)."""
    from parlens.nlp.abbreviations import load_abbreviations

    return load_abbreviations()


def _is_syllable(term: str) -> bool:
    from parlens.ingest.syllables import is_valid_syllable

    return is_valid_syllable(term)


@lru_cache(maxsize=1)
def abbreviation_alternatives() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Folded term sequence -> the sequences it may also be written as (both directions)."""
    links: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for short, long in abbreviation_table().items():
        a, b = tuple(fold_terms(short)), tuple(fold_terms(long))
        if len(a) == 1 and _is_syllable(a[0]):
            continue  # "CA" (Công an) folds to the syllable "ca" (cá, cả): expanding it would flood results
        if a and b and a != b:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    # an expansion reached from two abbreviations (KT-XH, KTXH) links both of them
    for key, others in list(links.items()):
        for other in list(others):
            others |= {o for o in links.get(other, ()) if o != key}
    return {k: tuple(sorted(v, key=lambda t: (-len(t), t))) for k, v in links.items()}


@lru_cache(maxsize=1)
def abbreviation_spellings() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    """Folded term sequence of each dictionary form -> its terms as spelled, lower-cased with diacritics.

    None when two dictionary forms fold alike but are spelled differently (then only the fold is known).

    >>> abbreviation_spellings()[("thu", "tuc", "hanh", "chinh")]
    ('thủ', 'tục', 'hành', 'chính')
    """
    out: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    for short, long in abbreviation_table().items():
        for form in (short, long):
            key, spelled = tuple(fold_terms(form)), tuple(original_terms(form))
            out[key] = spelled if out.get(key, spelled) == spelled else None
    return out


@dataclass(frozen=True)
class TermGroup:
    """One unit of a query that must match: a term, or alternative term sequences (an abbreviation and its expansion)."""

    alternatives: tuple[tuple[str, ...], ...]  # folded terms; the first is what the user typed
    original: tuple[str, ...] = ()  # the same terms as typed, lower-cased with diacritics


@dataclass
class AnalyzedQuery:
    """A query broken into folded term groups, explicit phrases and the terms to highlight."""

    text: str
    groups: list[TermGroup] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # "quoted" parts, folded
    folded: tuple[str, ...] = ()
    original: tuple[str, ...] = ()

    @property
    def highlight_terms(self) -> frozenset[str]:
        """Every folded term that a hit may contain because of this query."""
        return frozenset(t for g in self.groups for alt in g.alternatives for t in alt)

    @property
    def accented(self) -> bool:
        """True when the user typed any diacritic."""
        return any(has_diacritics(t) for t in self.original)


def analyze_query(text: str, *, expand: bool = True) -> AnalyzedQuery:
    """Split a staff query into term groups, expanding abbreviations both ways.

    >>> [g.alternatives for g in analyze_query("cai cach thu tuc hanh chinh").groups][2]
    (('thu', 'tuc', 'hanh', 'chinh'), ('tthc',))
    """
    text = normalize_text(text)
    phrases = [tuple(fold_terms(p)) for p in _PHRASE.findall(text)]
    original = tuple(original_terms(text))
    folded = tuple(fold(t) for t in original)
    groups: list[TermGroup] = []
    table = abbreviation_alternatives() if expand else {}
    longest = max((len(k) for k in table), default=0)
    i = 0
    while i < len(folded):
        for size in range(min(longest, len(folded) - i), 0, -1):
            typed = folded[i : i + size]
            if typed in table:
                groups.append(TermGroup((typed, *table[typed]), original[i : i + size]))
                i += size
                break
        else:
            groups.append(TermGroup(((folded[i],),), (original[i],)))
            i += 1
    return AnalyzedQuery(text=text, groups=groups, phrases=[p for p in phrases if p], folded=folded, original=original)


PARTIAL_BELOW = 20  # fewer passages hold every term than this (or than asked for): those holding most follow


def partial_need(groups: int) -> int | None:
    """How many of a query's term groups a partial match must hold (None: no partial matches).

    Vietnamese words are mostly two syllables, so one syllable of a two-term query is no match;
    from three groups on, all but one up to four, then 60%.

    >>> [partial_need(n) for n in (1, 2, 3, 4, 6, 10)]
    [None, None, 2, 3, 4, 6]
    """
    if groups < 3:
        return None
    return groups - 1 if groups <= 4 else max(4, -(-groups * 6 // 10))
