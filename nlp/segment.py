"""Sentence and clause segmentation for Vietnamese administrative text, with character offsets.

Knows administrative numbering at line starts (I., 1., 1.1., a), đ), -, +, •; the grammar is
``nlp.numbering``), abbreviations that end with a period ("TP. Hồ Chí Minh", "Tr.", "ThS."), document
numbers, decimals and dates (15.10.2021).
A newline inside a sentence (a wrapped line) does not split; a blank line or a numbered line does.

>>> text = "1. Sở Nội vụ chủ trì.\\n2. Giao UBND TP. Hồ Chí Minh\\nthực hiện."
>>> [text[s:e] for s, e in split_sentences(text)]
['1. Sở Nội vụ chủ trì.', '2. Giao UBND TP. Hồ Chí Minh\\nthực hiện.']
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from parlens.nlp.numbering import is_numbered, is_only_numbering, match_numbering

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _abbreviation_stems() -> frozenset[str]:
    """Lower-cased words that end with a period without ending the sentence ('tp', 'tr', 'ths')."""
    data = json.loads((DATA / "segment.json").read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in data["period_abbreviations"])


@lru_cache(maxsize=1)
def _clause_connectors() -> re.Pattern[str]:
    data = json.loads((DATA / "segment.json").read_text(encoding="utf-8"))
    words = sorted(data["clause_connectors"], key=len, reverse=True)
    return re.compile(r"[,;]\s*(?=(?:" + "|".join(re.escape(w) for w in words) + r")\b)", re.I)


_LINE = re.compile(r"[^\n]*(?:\n|$)")
_SENT_END = re.compile(r"[.!?…]+[\"”’»)]*(?=\s+[\"“‘«(\[]?[A-ZÀ-Ỹ0-9Đ])")
_WORD_BEFORE = re.compile(r"([\w./-]+)$")
_LETTER = re.compile(r"[^\W\d_]")


def _is_heading(line: str) -> bool:
    letters = _LETTER.findall(line)
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    m = _WORD_BEFORE.search(text, max(0, dot - 30), dot)
    if not m:
        return False
    word = m.group(1)
    last = re.split(r"[./]", word)[-1] if word else ""
    if word.lower() in _abbreviation_stems() or last.lower() in _abbreviation_stems():
        return True
    return len(word) == 1 and word.isupper()  # an initial: "Nguyễn V. An"


_PARAGRAPH_LINE = 160  # longer lines are whole paragraphs: a line break after one ends the sentence


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int | None:
    """The width hard-wrapped lines reach (90th percentile of line lengths), or None for unwrapped text."""
    lengths = sorted(len(text[a:b].rstrip()) for a, b in lines if text[a:b].strip())
    if len(lengths) < 4:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1]
    return width if 40 <= width <= _PARAGRAPH_LINE else None


def _hard_chunks(text: str, colon_ends: bool = True) -> list[tuple[int, int]]:
    """Split at blank lines, numbered lines, table rows, headings and line-final punctuation.

    With ``colon_ends`` False a line ending with ":" runs on into the next line (an elliptical list
    "Giám đốc các Sở:" / "Nội vụ, Tư pháp …" broken after its colon stays one sentence).
    """
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]
    wrap = _wrap_width(text, lines)
    unwrapped = wrap is None and any(b - a > _PARAGRAPH_LINE for a, b in lines)
    chunks: list[tuple[int, int]] = []
    cur_start: int | None = None
    prev_line = ""
    prev_blank = True
    prev_start = 0
    for ls, le in lines:
        line = text[ls:le].rstrip("\n")
        stripped = line.strip()
        if not stripped:
            if cur_start is not None:
                chunks.append((cur_start, ls))
                cur_start = None
            prev_blank, prev_line = True, ""
            continue
        boundary = prev_blank or cur_start is None
        if not boundary:
            p = prev_line.rstrip()
            if is_only_numbering(p):
                boundary = False  # "2." alone on its line: the heading text follows
            elif unwrapped and not stripped[:1].islower():
                boundary = True
            elif is_numbered(line) or " | " in line or " | " in p:
                boundary = True
            elif p.endswith((";", "!", "?")) or (colon_ends and p.endswith(":")):
                boundary = True
            elif p.endswith(".") and not _ends_with_abbreviation(text, prev_start + len(p) - 1):
                boundary = stripped[:1].isupper() or stripped[:1].isdigit() or stripped[:1] in "\"“("
            elif _is_heading(p) != _is_heading(stripped):
                boundary = True
            elif (len(p) > _PARAGRAPH_LINE and not stripped[:1].islower()) or (
                wrap and len(p) < 0.6 * wrap and (stripped[:1].isupper() or stripped[:1] in "\"“")
            ):
                boundary = True  # one paragraph per line, or a short line (a title) before a capital
        if boundary and cur_start is not None:
            chunks.append((cur_start, ls))
            cur_start = None
        if cur_start is None:
            cur_start = ls
        prev_line, prev_blank, prev_start = line, False, ls
    if cur_start is not None:
        chunks.append((cur_start, len(text)))
    return chunks


def _trim(text: str, start: int, end: int, chars: str = " \t\r\n") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def split_sentences(text: str, *, colon_ends: bool = True) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over ``text``; numbering stays at the start of its sentence.

    ``colon_ends`` (default True): a line ending with ":" ends its sentence (a lead-in before its
    items). The task extractor passes False, so a colon never ends a sentence: "Giám đốc các Sở:
    Nội vụ, Tư pháp" and "Sở Y tế: Chủ trì …" stay whole wherever the line breaks.

    >>> t = "Căn cứ Kế hoạch số 12/KH-UBND ngày 15.10.2021. Giao Sở Tư pháp."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Căn cứ Kế hoạch số 12/KH-UBND ngày 15.10.2021.', 'Giao Sở Tư pháp.']
    """
    out: list[tuple[int, int]] = []
    for cs, ce in _hard_chunks(text, colon_ends):
        start = cs
        lead = match_numbering(text, cs, ce)
        for m in _SENT_END.finditer(text, lead.end if lead else cs, ce):
            dot = m.start()
            if text[dot] == "." and m.end() - m.start() == 1 and _ends_with_abbreviation(text, dot):
                continue
            s, e = _trim(text, start, m.end())
            if e > s:
                out.append((s, e))
            start = m.end()
        s, e = _trim(text, start, ce)
        if e > s:
            out.append((s, e))
    return out


def _protected(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Ranges a clause split must not cut: brackets, quotes and collective addressee lists."""
    spans: list[tuple[int, int]] = []
    depth, open_at = 0, 0
    for i in range(start, end):
        ch = text[i]
        if ch in "([":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                spans.append((open_at, i + 1))
    for m in re.finditer(r"[\"“][^\"”]{0,300}[\"”]", text[start:end]):
        spans.append((start + m.start(), start + m.end()))
    if ";" in text[start:end]:
        from parlens.nlp.agencies import find_agencies

        sub = text[start:end]
        spans += [(start + a.start, start + a.end) for a in find_agencies(sub) if ";" in a.text]
    return spans


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Clause spans inside text[start:end]: split at top-level ";" and at ", đồng thời" and similar.

    A ";" inside brackets, quotes or one addressee list ("các sở, ban, ngành; UBND các huyện") does
    not split. Separators are left out of the spans.

    >>> t = "Sở Nội vụ tổng hợp; đồng thời, báo cáo UBND tỉnh"
    >>> [t[s:e] for s, e in split_clauses(t)]
    ['Sở Nội vụ tổng hợp', 'đồng thời, báo cáo UBND tỉnh']
    """
    end = len(text) if end is None else end
    guard = _protected(text, start, end)
    cuts: list[tuple[int, int]] = []  # (end of previous clause, start of next)
    for m in re.finditer(r";", text[start:end]):
        pos = start + m.start()
        if not any(a <= pos < b for a, b in guard):
            cuts.append((pos, pos + 1))
    for m in _clause_connectors().finditer(text, start, end):
        pos = m.start()
        if not any(a <= pos < b for a, b in guard) and not any(c[0] == pos for c in cuts):
            cuts.append((pos, m.end()))
    cuts.sort()
    out: list[tuple[int, int]] = []
    cur = start
    for a, b in cuts:
        s, e = _trim(text, cur, a, " \t\r\n,;")
        if e > s:
            out.append((s, e))
        cur = b
    s, e = _trim(text, cur, end, " \t\r\n,;")
    if e > s:
        out.append((s, e))
    return out


def numbering_of(text: str, start: int, end: int) -> str | None:
    """The numbering or bullet that opens text[start:end] ('1.1.', 'a)', '-'), or None."""
    m = match_numbering(text, start, end)
    return m.label if m else None


__all__ = ["numbering_of", "split_clauses", "split_sentences"]
