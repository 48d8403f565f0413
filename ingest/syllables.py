"""Vietnamese syllable validator and the text-quality score built on it.

The grammar (onsets, rhymes, spelling and tone rules) is data in ``data/syllables.yaml``.

>>> is_valid_syllable("nghiệp"), is_valid_syllable("Céng")
(True, False)
>>> round(text_quality("Cải cách hành chính năm 2026"), 2)
1.0
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_WORD = re.compile(r"[^\W\d_]+")
_ACRONYM = re.compile(r"[A-ZĐ]{2,}")


@dataclass(frozen=True)
class _Grammar:
    onsets: tuple[str, ...]
    rhymes: frozenset[str]
    front: frozenset[str]
    front_only: frozenset[str]
    never_front: frozenset[str]
    qu_forbidden: tuple[str, ...]
    stop_codas: tuple[str, ...]
    stop_tones: frozenset[str]
    tones: dict[str, str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    raw = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/syllables.yaml").read_text("utf-8"))
    rhymes = frozenset(r for group in raw["rhymes"].values() for r in group)
    if not all(isinstance(r, str) for r in rhymes):  # YAML 1.1 reads a bare 'on' as true: quote it
        raise ValueError("syllables.yaml: every rhyme must be a string")
    return _Grammar(
        onsets=tuple(sorted(raw["onsets"], key=len, reverse=True)),
        rhymes=rhymes,
        front=frozenset(raw["front_vowels"]),
        front_only=frozenset(raw["front_only"]),
        never_front=frozenset(raw["never_front"]),
        qu_forbidden=tuple(raw["qu_forbidden_starts"]),
        stop_codas=tuple(sorted(raw["stop_codas"], key=len, reverse=True)),
        stop_tones=frozenset(raw["stop_tones"]),
        tones=dict(raw["tones"]),
    )


def _split_tone(word: str) -> tuple[str, str | None, bool]:
    """Strip the tone mark: (toneless NFC word, tone name or None, more than one tone?)."""
    g = _grammar()
    tone = None
    several = False
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        name = g.tones.get(ch)
        if name is None:
            kept.append(ch)
        elif tone is None:
            tone = name
        else:
            several = True
    return unicodedata.normalize("NFC", "".join(kept)), tone, several


def _rhyme_ok(onset: str, rhyme: str, tone: str | None) -> bool:
    g = _grammar()
    if rhyme not in g.rhymes:
        return False
    first = rhyme[0]
    if onset in g.front_only and first not in g.front:
        return False
    if onset in g.never_front and first in g.front and onset != "g":
        return False
    if onset == "g" and first in ("e", "ê"):
        return False
    if onset == "qu" and rhyme.startswith(g.qu_forbidden):
        return False
    if rhyme.endswith(g.stop_codas) and tone not in g.stop_tones:
        return False
    return True


@lru_cache(maxsize=65536)
def is_valid_syllable(word: str) -> bool:
    """Whether ``word`` is one well-formed Vietnamese syllable (onset, rhyme, tone rules).

    >>> is_valid_syllable("quyết"), is_valid_syllable("gì"), is_valid_syllable("kan")
    (True, True, False)
    """
    base, tone, several = _split_tone(word.lower())
    if several or not base:
        return False
    if _rhyme_ok("", base, tone):
        return True
    for onset in _grammar().onsets:
        if base.startswith(onset) and len(base) > len(onset):
            rest = base[len(onset):]
            if _rhyme_ok(onset, rest, tone):
                return True
            if onset == "gi" and _rhyme_ok("gi", "i" + rest, tone):  # giêng, giếng: gi + iêng
                return True
        elif onset == "gi" and base == "gi":  # "gì", "gỉ"
            return True
    return False


def syllable_counts(text: str) -> tuple[int, int]:
    """(valid syllables, counted words) in ``text``; all-capital ASCII acronyms (UBND) are not counted.

    >>> syllable_counts("UBND tỉnh Thanh Hóa xyz")
    (3, 4)
    """
    valid = counted = 0
    for word in _WORD.findall(text):
        ok = is_valid_syllable(word)
        if not ok and _ACRONYM.fullmatch(word):
            continue
        counted += 1
        valid += ok
    return valid, counted


def text_quality(text: str) -> float:
    """Share of words in ``text`` that are valid Vietnamese syllables (0.0 when there are none)."""
    valid, counted = syllable_counts(text)
    return valid / counted if counted else 0.0


_NUMBERING_PIECE = re.compile(r"^\d+(?:\.\d+)*\.$")
_ROMAN = re.compile(r"^[IVXLC]+$")


def joins_across_break(left: str, right: str) -> bool:
    """Whether ``left`` (ending a line) and ``right`` (opening the next) are one word cut by a narrow column.

    Two valid syllables stay two words; numbering ('1.' + '1'), Roman numerals ('V' + 'II'), a syllable cut
    inside ('ng' + 'ười') and single capitals of an acronym ('S' + 'T') are joined.

    >>> joins_across_break("1.", "1"), joins_across_break("V", "II"), joins_across_break("ST", "T")
    (True, True, True)
    >>> joins_across_break("Sở", "Tư"), joins_across_break("UBND", "tỉnh"), joins_across_break("2026", "2030")
    (False, False, False)
    """
    if not left or not right:
        return False
    if _NUMBERING_PIECE.match(left) and right[:1].isdigit() and re.match(r"^\d+(?:\.\d+)*\.?$", right):
        return True
    a, b = left.strip(".,;:()"), right.strip(".,;:()")
    if not a or not b or a != left or not b.isalpha() or not a.isalpha():
        return False
    if _ROMAN.match(a) and _ROMAN.match(a + b):
        return True
    if is_valid_syllable(a) and is_valid_syllable(b):
        return False
    if is_valid_syllable(a + b):
        return True
    return a.isupper() and b.isupper() and min(len(a), len(b)) == 1 and len(a + b) <= 5
