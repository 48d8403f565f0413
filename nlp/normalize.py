"""Vietnamese text normalisation used by every stage: NFC, one tone-mark placement, case and folding.

>>> normalize_text("Hoà   bình, thuỷ lợi")
'Hòa bình, thủy lợi'
>>> fold("Đề án Chuyển đổi số")
'de an chuyen doi so'
"""

from __future__ import annotations

import re
import unicodedata

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


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ to d ('Đề án' -> 'de an')."""
    text = unicodedata.normalize("NFD", canonical_tones(unicodedata.normalize("NFC", text)).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d")


def match_key(text: str) -> str:
    """A key for gazetteer and keyword matching: normalised, lower-case, single-spaced (accents kept)."""
    return " ".join(normalize_text(text).lower().split())
