"""Vietnamese text repair at ingest: NFC, stray combining marks, legacy TCVN3/VNI fonts to Unicode.

Legacy conversion uses viparse's tables (``viparse.normalize``); detection is by font name when the
format carries one (a DOCX run in ``.VnTime`` or ``VNI-Times``) and otherwise by content: each
paragraph is decoded every way and the reading with the most valid Vietnamese syllables wins.

>>> repair_text("Ho\u0300a bi\u0300nh")
'Hòa bình'
>>> repair_text("C\u00e9ng hoµ x· héi", encoding="tcvn3")
'Cộng hòa xã hội'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parlens.ingest.syllables import syllable_counts
from parlens.nlp.normalize import normalize_text

TCVN3 = "tcvn3"
VNI = "vni"
LEGACY_ENCODINGS = (TCVN3, VNI)

# A combining mark separated from its letter by spaces or a line break ("Ho a", "ca\n\u0301ch").
_STRAY_MARK = re.compile(r"(?<=[^\W\d_])[ \t\r\n]+(?=[\u0300-\u036f])")
# A combining mark at the very start of a word (nothing to attach to) after whitespace.
_LEADING_MARK = re.compile(r"(?<![^\W\d_])(?<![\u0300-\u036f])[\u0300-\u036f]+")
# Legacy glyph characters: anything in Latin-1 above 0xA0 that is not already Vietnamese.
_VIET_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_LEGACY_HINT = re.compile(r"[\u00a1-\u00ff]")


@lru_cache(maxsize=1)
def _charmaps() -> dict[str, object]:
    from viparse.normalize.encodings import get_charmap

    return {name: get_charmap(name) for name in LEGACY_ENCODINGS}


def reattach_marks(text: str) -> str:
    """Join combining tone marks to the letter they belong to and drop orphaned ones."""
    text = _STRAY_MARK.sub("", text)
    return _LEADING_MARK.sub("", text)


def decode_legacy(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert text typed in a legacy font (``tcvn3`` or ``vni``) to Unicode NFC.

    ``uppercase`` is for TCVN3 capital fonts (``.VnTimeH``) whose letters are stored lower-case.
    """
    from viparse.normalize.tables import convert

    out = convert(text, _charmaps()[encoding])
    if uppercase:
        return out.upper()
    if encoding == TCVN3:
        out = _restore_tcvn3_capitals(out)
    return out


_TOKEN = re.compile(r"[^\W\d_]+")


def _restore_tcvn3_capitals(text: str) -> str:
    """Upper-case lines typed in a TCVN3 capital font: 'CéNG HßA' converts to 'CộNG HòA', meant 'CỘNG HÒA'.

    TCVN3 has no accented capitals; a line counts as capital-font when most of its words have
    capital letters and no lower-case ASCII letter.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        words = [w for w in _TOKEN.findall(line) if len(w) > 1]
        capital = [w for w in words if _capital_font_word(w)]
        if capital and (len(capital) * 10 >= len(words) * 6) and (len(words) > 1 or sum(c.isupper() for c in words[0]) > 1):
            lines[i] = _TOKEN.sub(lambda m: m.group(0).upper() if _capital_font_word(m.group(0)) else m.group(0), line)
    return "\n".join(lines)


def _capital_font_word(word: str) -> bool:
    return any(c.isupper() for c in word) and not any(c.islower() and c.isascii() for c in word)


def detect_legacy(text: str, prefer: str | None = None) -> str | None:
    """The legacy encoding under which ``text`` reads best as Vietnamese, or None if it is Unicode.

    A decoding must produce strictly more valid syllables than the text as it is, except ``prefer``
    (the verdict for the whole file), which wins ties: VNI 'Soá' is also a valid Unicode spelling.
    """
    if not _LEGACY_HINT.search(text):
        return None
    best_valid, counted = syllable_counts(unicodedata.normalize("NFC", text))
    if best_valid == counted and prefer is None:
        return None
    best = None
    if prefer is not None:
        valid = syllable_counts(decode_legacy(text, prefer))[0]
        if valid >= best_valid and decode_legacy(text, prefer) != unicodedata.normalize("NFC", text):
            best, best_valid = prefer, valid
    for encoding in LEGACY_ENCODINGS:
        if encoding == prefer:
            continue
        valid = syllable_counts(decode_legacy(text, encoding))[0]
        if valid > best_valid:
            best, best_valid = encoding, valid
    return best


def repair_text(text: str, *, encoding: str | None = None, uppercase: bool = False, detect: bool = False,
                prefer: str | None = None) -> str:
    """Repair one run or paragraph: legacy decoding (given or detected), marks re-attached, normalised.

    ``detect`` turns on content detection of TCVN3/VNI for text with no font signal; ``prefer`` is the
    whole file's verdict, used when a short line reads equally well both ways.
    """
    if encoding is None and detect:
        encoding = detect_legacy(text, prefer)
    if encoding is not None:
        text = decode_legacy(text, encoding, uppercase=uppercase)
    text = _CONTROLS.sub("", text)  # after legacy decoding: TCVN3 keeps some capitals in C0 slots
    text = reattach_marks(unicodedata.normalize("NFD", text)) if _has_marks(text) else text
    return normalize_text(text)


_MARK = re.compile(r"[\u0300-\u036f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # control characters no reader should pass on (\t\n\v\f\r stay)


def _has_marks(text: str) -> bool:
    return _MARK.search(text) is not None


def repair_lines(text: str, *, detect: bool = True) -> str:
    """Repair a multi-line text paragraph by paragraph (one file may mix fonts)."""
    text = unicodedata.normalize("NFC", reattach_marks(text))
    return "\n".join(repair_text(line, detect=detect) for line in text.split("\n"))


def encoding_of_font(font: str | None) -> tuple[str | None, bool]:
    """(legacy encoding, capital font?) for a font name: '.VnTimeH' -> ('tcvn3', True).

    >>> encoding_of_font("VNI-Times"), encoding_of_font("Times New Roman")
    (('vni', False), (None, False))
    """
    if not font:
        return None, False
    name = re.sub(r"^[A-Z]{6}\+", "", font.strip())
    upper = name.upper()
    if upper.startswith(".VN"):
        return TCVN3, name.endswith("H") or upper.endswith("H BOLD")
    if upper.startswith("VNI"):
        return VNI, False
    return None, False
