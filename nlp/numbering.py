"""The numbering grammar of Vietnamese administrative text: list and heading labels that open a line.

One grammar for every stage: ingest's outline (block kind, level and numbering), sentence segmentation,
the task extractor's heading scopes, the criteria linker's section headings and task tables' section rows.
Each style is one row of ``RULES``: the label, what must follow it, its outline level and an example.
Styles rank from the top of an outline down (``rank``): Phần/Chương and I. above Điều and 1., above 1.1.,
above a) and (1), above the "-" bullet, above the "+" bullet.

>>> m = match_numbering("1.2. Rà soát thủ tục hành chính")
>>> (m.label, m.style, m.level, m.end, m.body)
('1.2.', 'arabic_nested', 3, 4, 5)
>>> [numbering_style(x) for x in ("II.", "Điều 3.", "đ)", "+", "2025")]
['roman', 'article', 'letter', 'sub_bullet', None]
>>> rank("roman") < rank("arabic") < rank("arabic_nested") < rank("letter") < rank("bullet")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# Roman numerals I to XXXIX: "L", "C" alone are capital letters (the sections A., B., C.), not 50 and 100.
ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})(?![IVXLC])"

# What follows most labels: whitespace or the end of the text (a bare "2." alone on its line).
_SPACE_OR_END = r"(?=\s|$)"
# A bullet is followed by its text, not by another rule character ("- - -", "----" are rules, not bullets).
_BULLET_TEXT = r"[^\s\-–—_=*.·]"


@dataclass(frozen=True)
class NumberingRule:
    """One way of writing a numbering label: its pattern, what must follow it, its outline level and rank."""

    style: str
    label: str  # regular expression of the label as written
    after: str  # lookahead: what must follow the label
    level: int  # absolute outline level (1 = Phần/Chương/I., 6 = "+"); nested arabic adds one per number
    rank: int  # outline order of the style: smaller is higher (see ``rank``)
    examples: tuple[str, ...]
    bare: str | None = None  # the label without its closing period, as a table's STT column writes it


# Tried in this order; the first rule whose label and follower match wins ("I." is roman before it could be
# a capital letter, "1.2." nested before "1." simple, "(i)" roman before it could be a letter).
RULES: tuple[NumberingRule, ...] = (
    NumberingRule("part", rf"(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)[ \t]+(?:\d{{1,3}}|{ROMAN}|[A-Z])\b\.?",
                  _SPACE_OR_END, 1, 0, ("Phần I", "Chương II.", "Mục 2", "PHẦN A")),
    NumberingRule("article", r"(?:ĐIỀU|Điều)[ \t]+\d{1,3}[a-zđ]?[ \t]*[.:]", "", 2, 2, ("Điều 3.", "Điều 12a:")),
    NumberingRule("roman", rf"{ROMAN}[ \t]*[.)/-]", _SPACE_OR_END, 1, 1, ("I.", "IV)", "II/", "III -"), ROMAN),
    NumberingRule("upper_letter", r"[A-ZĐ]\.", _SPACE_OR_END, 1, 0, ("A.", "Đ."), r"[A-ZĐ]"),
    NumberingRule("arabic_nested", r"\d{1,2}(?:\.\d{1,2}){1,2}(?:[.)]|(?![.\d]))", r"(?=\s+(?!\d)|$)", 3, 3,
                  ("1.1.", "2.3", "1.2.3.", "1.2)"), r"\d{1,2}(?:\.\d{1,2}){1,2}(?![.\d])"),
    NumberingRule("arabic", r"\d{1,3}[.)]", _SPACE_OR_END, 2, 2, ("1.", "12)"), r"\d{1,3}(?![.\d])"),
    NumberingRule("letter", r"[a-zđ]\)", "", 4, 4, ("a)", "đ)")),
    NumberingRule("letter", r"[a-zđ]\.", r"(?=[ \t]+\S)", 4, 4, ("b.",)),
    NumberingRule("paren_arabic", r"\(\d{1,3}\)", _SPACE_OR_END, 4, 4, ("(1)", "(12)")),
    NumberingRule("paren_roman", r"\((?:iv|ix|v?i{1,3}|v|x)\)", _SPACE_OR_END, 4, 4, ("(i)", "(iv)")),
    NumberingRule("paren_letter", r"\([a-zđ]\)", _SPACE_OR_END, 4, 4, ("(a)", "(đ)")),
    NumberingRule("bullet", r"[-–—•·▪●○◦➢✓]", rf"(?=[ \t]*{_BULLET_TEXT})", 5, 5, ("-", "•", "–")),
    NumberingRule("bullet", r"\*", rf"(?=[ \t]+{_BULLET_TEXT})", 5, 5, ("*",)),  # "*word*" is emphasis
    NumberingRule("sub_bullet", r"\+", r"(?=[ \t]*\S)", 6, 6, ("+",)),
)

STYLES: tuple[str, ...] = tuple(dict.fromkeys(r.style for r in RULES))
_RANKS: dict[str, int] = {r.style: r.rank for r in RULES}
_LEVELS: dict[str, int] = {r.style: r.level for r in RULES}


def rank(style: str) -> int:
    """Outline rank of a style: smaller is higher (I. < 1. < 1.1. < a) < - < +).

    Phần/Chương/Mục and the capital sections "A." rank 0, roman "I." 1, "Điều 3." and "1." 2, "1.1." 3,
    "a)", "(1)", "(i)", "(a)" 4, the "-" bullet 5, the "+" bullet 6. A new item whose rank is not below
    the open heading's closes that heading's scope.

    >>> sorted(["bullet", "letter", "roman", "arabic"], key=rank)
    ['roman', 'arabic', 'letter', 'bullet']
    """
    return _RANKS[style]


class NumberingMatch(NamedTuple):
    """A numbering label found at a line start, with offsets into the text it was found in."""

    label: str  # as written, without surrounding spaces or emphasis ("1.2.", "a)", "Điều 3.", "-")
    style: str  # a key of ``RULES`` ("roman", "arabic", "arabic_nested", "letter", "bullet", ...)
    level: int  # the absolute outline level (1.1.1. is 4, 1.1. is 3)
    start: int  # where the label starts
    end: int  # where the label ends
    body: int  # where the text after the label starts (spaces and closing emphasis skipped)

    @property
    def rank(self) -> int:
        """``rank(self.style)``."""
        return rank(self.style)


_EMPHASIS = r"[*_]{0,3}"  # Markdown emphasis opening a line: "**II. NHIỆM VỤ**", "**1. Sở Nội vụ**"


@lru_cache(maxsize=64)
def _pattern(styles: frozenset[str] | None, emphasis: bool, bare: bool) -> re.Pattern[str]:
    """The chosen rules as one alternation; group ``r<i>`` holds the label of ``RULES[i]``."""
    if styles is not None and not styles <= set(STYLES):
        raise ValueError(f"unknown numbering styles {sorted(styles - set(STYLES))}; known: {', '.join(STYLES)}")
    alternatives = []
    for i, r in enumerate(RULES):
        if styles is None or r.style in styles:
            alternatives.append(rf"(?P<r{i}>{r.label}){r.after}")
            if bare and r.bare:
                alternatives.append(rf"(?P<b{i}>{r.bare}){_SPACE_OR_END}")
    lead, tail = (rf"[ \t]*{_EMPHASIS}", rf"[ \t]*{_EMPHASIS}[ \t]*") if emphasis else (r"[ \t]*", r"[ \t]*")
    return re.compile(rf"{lead}(?:{'|'.join(alternatives)}){tail}")


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    """Every label alone, for a label already cut out (a table's STT cell, ``Block.numbering``)."""
    return re.compile("|".join(rf"(?P<r{i}>{r.label})" for i, r in enumerate(RULES)))


def _frozen(styles: Iterable[str] | None) -> frozenset[str] | None:
    return styles if styles is None or isinstance(styles, frozenset) else frozenset(styles)


def _level(style: str, label: str) -> int:
    if style == "arabic_nested":
        return 1 + len(re.findall(r"\d+", label))  # 1.1. is 3, 1.1.1. is 4
    return _LEVELS[style]


def match_numbering(text: str, pos: int = 0, endpos: int | None = None, *, styles: Iterable[str] | None = None,
                    emphasis: bool = True, bare: bool = False) -> NumberingMatch | None:
    """The numbering label that opens ``text[pos:endpos]`` (after spaces and tabs), or None.

    ``styles`` limits the grammar to some styles (ingest's outline does not read "(1)" or "A." as
    numbering); ``emphasis`` (default True) skips Markdown emphasis before the label ("**1. Sở Nội vụ**");
    ``bare`` also accepts labels without their closing period ("I Cải cách thể chế", "1 Sở Nội vụ"),
    as a table's STT column and a flattened table write them.

    >>> match_numbering("a) Sở Nội vụ chủ trì").label
    'a)'
    >>> match_numbering("1.000 hồ sơ được giải quyết") is None
    True
    >>> match_numbering("IV Cải cách tài chính công", bare=True).style
    'roman'
    """
    m = _pattern(_frozen(styles), emphasis, bare).match(text, pos, len(text) if endpos is None else endpos)
    if m is None:
        return None
    group = m.lastgroup
    assert group is not None
    style = RULES[int(group[1:])].style
    start, end = m.span(group)
    label = text[start:end].rstrip(" \t")
    return NumberingMatch(label, style, _level(style, label), start, start + len(label), m.end())


def is_numbered(text: str, pos: int = 0, *, styles: Iterable[str] | None = None) -> bool:
    """Whether ``text`` opens with a numbering label or a bullet ('- Tuyên truyền' yes, '1.000 hồ sơ' no)."""
    return _pattern(_frozen(styles), True, False).match(text, pos) is not None


def is_only_numbering(text: str) -> bool:
    """Whether a line holds nothing but a label ("2." or "II." alone: its title is on the next line).

    >>> is_only_numbering("2."), is_only_numbering("2. Nhiệm vụ")
    (True, False)
    """
    m = match_numbering(text)
    return m is not None and not text[m.body:].strip(" \t\r\n*_")


@lru_cache(maxsize=4096)
def numbering_style(label: str) -> str | None:
    """The style of a label standing alone ('II.' roman, '1.2' arabic_nested, 'a)' letter), or None.

    A table's STT cell writes labels without their period: "I", "A" and "3" are roman, upper_letter and
    arabic too.

    >>> [numbering_style(x) for x in ("I", "B", "3", "1.1.", "(2)", "-", "Sở")]
    ['roman', 'upper_letter', 'arabic', 'arabic_nested', 'paren_arabic', 'bullet', None]
    """
    label = label.strip()
    for candidate in (label, label + "."):
        m = _label_pattern().fullmatch(candidate) if candidate else None
        if m is not None and m.lastgroup is not None:
            return RULES[int(m.lastgroup[1:])].style
    return None


def numbering_level(label: str) -> int | None:
    """The absolute outline level of a label standing alone ('I.' 1, '1.' 2, '1.1.' 3, 'a)' 4, '-' 5).

    >>> [numbering_level(x) for x in ("II.", "3.", "1.2.", "1.2.3.", "a)", "-", "+")]
    [1, 2, 3, 4, 4, 5, 6]
    """
    style = numbering_style(label)
    return _level(style, label) if style else None


__all__ = ["RULES", "ROMAN", "STYLES", "NumberingMatch", "NumberingRule", "is_numbered", "is_only_numbering",
           "match_numbering", "numbering_level", "numbering_style", "rank"]
