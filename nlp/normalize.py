"""Vietnamese text normalisation used by every stage: NFC, one tone-mark placement, case and folding.

Folding has one table (``FOLD_TABLE``) and three readers: ``fold`` (any text), ``fold_token`` (cached, for
token-by-token analyzers) and ``fold_aligned`` (same length, for highlighting and offset maps).

>>> normalize_text("Hoà   bình, thuỷ lợi")
'Hòa bình, thủy lợi'
>>> fold("Đề án Chuyển đổi số")
'de an chuyen doi so'
>>> fold_aligned("Sở Nội vụ"), fold_token("Đắk")
('so noi vu', 'dak')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONED = {
    # base vowel -> the five toned forms (huyền, sắc, hỏi, ngã, nặng)
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ",
}
_TONE_OF: dict[str, tuple[str, int]] = {}
for _base, _forms in _TONED.items():
    for _i, _ch in enumerate(_forms):
        _TONE_OF[_ch] = (_base, _i)
        _TONE_OF[_ch.upper()] = (_base.upper(), _i)


def _toned(base: str, tone: int) -> str:
    forms = _TONED[base.lower()]
    return forms[tone].upper() if base.isupper() else forms[tone]


# oa/oe/uy closing a syllable, with the tone on the second vowel (hoà, khoẻ, thuỷ) -> on the first (hòa, khỏe, thủy).
# "quý"/"quỳ" keep the tone on y: after q the u is part of the consonant.
_OLD_STYLE = re.compile(r"(?<![qQ])([oOuU])([àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ])(?![\w])")


def _move_tone(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    base2, tone = _TONE_OF[second]
    pair = (first + base2).lower()
    if pair not in {"oa", "oe", "uy"}:
        return match.group(0)
    return _toned(first, tone) + base2


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")


def canonical_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to one placement ('hoà' -> 'hòa')."""
    return _OLD_STYLE.sub(_move_tone, text)


def normalize_text(text: str) -> str:
    """NFC, one tone placement, zero-width characters dropped, runs of spaces collapsed (newlines kept)."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return canonical_tones(text)


# ------------------------------------------------------------------------------------------- folding
# The one folding table. Each character maps to its fold: lower-cased, decomposed, combining marks dropped,
# đ -> d ('Ế' -> 'e', 'Đ' -> 'd', a combining acute -> ''). ``fold``, ``fold_token``, ``fold_aligned`` and
# the deadline grammar's offset map all read it; it fills itself on first sight of each character.


def _fold_by_definition(text: str) -> str:
    """What folding means: decompose, drop every combining mark (category Mn), map đ to d."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", "d")


class _FoldTable(dict):
    """``str.translate`` table: code point -> the fold of that character, computed on first lookup."""

    def __missing__(self, code: int) -> str:
        folded = _fold_by_definition(chr(code).lower())
        self[code] = folded
        return folded


FOLD_TABLE: dict[int, str] = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ to d ('Đề án' -> 'de an').

    The result may be shorter than ``text`` (combining marks go); ``fold_aligned`` keeps positions.
    Character by character equals ``_fold_by_definition`` of the whole: NFC has already put the marks in
    canonical order, and the only marks NFD could move are combining marks, which folding drops.
    """
    return unicodedata.normalize("NFC", text).lower().translate(FOLD_TABLE)


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    """``fold`` of one token, cached: Vietnamese has a few thousand syllables, each folded once per process.

    The search analyzer and the agency gazetteer fold text token by token through it.

    >>> fold_token("Nghệ")
    'nghe'
    """
    return fold(token)


# Latin letters (Basic Latin to Latin Extended-B, Latin Extended Additional): all Vietnamese needs.
_ALIGNED_BLOCKS = (range(0x41, 0x250), range(0x1E00, 0x1F00))


@lru_cache(maxsize=1)
def fold_aligned_table() -> dict[int, str]:
    """The Latin letters whose fold is one other character ('Ế' -> 'e'), as a ``str.translate`` table."""
    out: dict[int, str] = {}
    for block in _ALIGNED_BLOCKS:
        for cp in block:
            folded = FOLD_TABLE[cp]
            if len(folded) == 1 and folded != chr(cp):
                out[cp] = folded
    return out


@lru_cache(maxsize=1)
def _aligned_string_table() -> str:
    """``fold_aligned_table`` as a string indexed by code point: ``str.translate`` reads it twice as fast."""
    table = [chr(cp) for cp in range(_ALIGNED_BLOCKS[-1].stop)]
    for cp, folded in fold_aligned_table().items():
        table[cp] = folded
    return "".join(table)


def fold_aligned(text: str) -> str:
    """``text`` folded letter by letter, so position i of the result is position i of ``text``.

    Equal to :func:`fold` on NFC text made of precomposed Latin letters (the normalised document text);
    other characters are left as written.

    >>> fold_aligned("Đề án 06")
    'de an 06'
    """
    return text.translate(_aligned_string_table())


def match_key(text: str) -> str:
    """A key for gazetteer and keyword matching: normalised, lower-case, single-spaced (accents kept)."""
    return " ".join(normalize_text(text).lower().split())
