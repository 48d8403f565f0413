"""Deadline grammar: dates, periods, recurrences and relative limits in Vietnamese administrative text.

The grammar works on a folded copy of the text (lower case, no diacritics, ``đ`` -> ``d``, dashes unified)
that keeps a map back to the original offsets, so NFC/NFD input, both tone placements, ``hằng``/``hàng``
and OCR slips such as ``hàng tuân`` meet the same patterns.  Word lists live in
``nlp/data/deadline_lexicon.json``; the structure of the grammar (numbers, dates, periods) is here.

>>> m = parse_deadline("Trước 30/6/2026")
>>> (m.due.isoformat(), m.text)
('2026-06-30', 'Trước 30/6/2026')
>>> parse_deadline("Quý II/2026").due.isoformat()
'2026-06-30'
>>> parse_deadline("trước ngày 15/12 hằng năm").recurrence
('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15',)
>>> to_gold_code(parse_deadline("trong 05 ngày làm việc"))
'REL/P5D-working'
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from parlens.nlp.normalize import canonical_tones, fold, fold_aligned_table

__all__ = [
    "DECOY_KINDS",
    "DeadlineMention",
    "find_deadlines",
    "from_gold_code",
    "parse_deadline",
    "to_gold_code",
]

DECOY_KINDS = ("cited_document", "period", "evaluated_year", "urgency", "start_date", "event")


@dataclass(frozen=True)
class DeadlineMention:
    """One time expression found in a text, with its span, its resolved value and the rule that fired.

    ``due`` is the last day of the date/month/quarter/half-year/year named; ``recurrence`` holds RFC 5545
    RRULE values; ``within`` an ISO 8601 duration for relative limits; ``decoy`` is None for a real
    deadline, else one of ``DECOY_KINDS`` (then ``due`` is None).
    """

    start: int
    end: int
    text: str
    due: date | None = None
    recurrence: tuple[str, ...] = ()
    within: str | None = None
    working_time: bool = False
    decoy: str | None = None
    rule: str = ""


# --------------------------------------------------------------------------------------------- folding

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _fold_piece(text: str) -> str:
    """Fold a lexicon entry the same way the text is folded (``fold``, dashes as "-", single spaces)."""
    text = fold(text)
    for ch in _DASHES:
        text = text.replace(ch, "-")
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """``fold_aligned_table`` (each precomposed Latin letter to one character), dashes and spaces unified."""
    table = dict(fold_aligned_table())
    for ch in _DASHES:
        table[ord(ch)] = "-"
    for ch in _SPACES:
        table[ord(ch)] = " "
    return table


_COMBINING = re.compile(r"[\u0300-\u036f]")


def _fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text``; return the folded text and a folded->original index map (None when identical)."""
    table = _fold_table()
    if not _COMBINING.search(text):
        folded = text.translate(table)
        if len(folded) == len(text):
            return folded, None
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Mn":
            continue
        piece = table.get(ord(ch), ch)
        if len(piece) != 1 or (not ch.isascii() and ord(ch) not in table):
            piece = _fold_piece(ch) or ch
        for c in piece:
            chars.append(c)
            index.append(i)
    index.append(len(text))
    return "".join(chars), index


# --------------------------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    """Load ``nlp/data/deadline_lexicon.json`` once."""
    raw = resources.files("parlens.nlp").joinpath("data/deadline_lexicon.json").read_text(encoding="utf-8")
    return json.loads(raw)


def _alternation(words: list[str]) -> str:
    """A regex alternation of folded words, longest first, spaces matching any whitespace."""
    folded = sorted({_fold_piece(w) for w in words if w.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in w.split(" ")) for w in folded)


@dataclass(frozen=True)
class _Grammar:
    cores: tuple[tuple[str, re.Pattern[str]], ...]
    qualifier_end: re.Pattern[str]
    start_end: re.Pattern[str]
    period_end: re.Pattern[str]
    period_follow: re.Pattern[str]
    range_join: re.Pattern[str]
    evaluated: re.Pattern[str]
    plan_end: re.Pattern[str]
    cited_end: re.Pattern[str]
    header_end: re.Pattern[str]
    label_end: re.Pattern[str]
    clock_end: re.Pattern[str]
    budget_end: re.Pattern[str]
    cited_clause: re.Pattern[str]
    cited_title: re.Pattern[str]
    basis_clause: re.Pattern[str]
    annual_suffix: re.Pattern[str]
    rec_then_date: re.Pattern[str]
    rec_then_day: re.Pattern[str]
    list_join: re.Pattern[str]
    past_follow: re.Pattern[str]
    future_follow: re.Pattern[str]
    urgency_words: frozenset[str]
    number_words: dict[str, int]
    units: dict[str, str]
    rec_units: dict[str, str]
    rec_items: dict[str, str]


_Y = r"(?:19|20)\d{2}"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_QNUM = r"(?:iv|iii|ii|i|0?[1-4])"


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    """Compile the grammar from the lexicon once."""
    lex = _lexicon()
    nums = {_fold_piece(k): v for k, v in lex["number_words"].items()}
    num_alt = r"\d{1,3}|" + _alternation(list(nums))
    units = {_fold_piece(k): v for k, v in lex["duration_units"].items()}
    rec_units = {_fold_piece(k): v for k, v in lex["recurrence_units"].items()}
    rec_items = {_fold_piece(k): v for k, v in lex["recurrence_list_items"].items()}
    not_quarter = _alternation(lex["quy_not_quarter"])
    quy = rf"quy(?!\s+(?:{not_quarter})\b)"
    unit_alt = r"ngay|tuan|thang|nam|" + quy
    item_alt = "|".join(
        r"\s+".join(re.escape(p) for p in k.split(" ")) if k != "quy" else quy
        for k in sorted(rec_items, key=len, reverse=True)
    )
    connectors = _alternation(lex["list_connectors"])
    rec_prefix = _alternation(lex["recurrence_prefixes"])
    dur_qual = _alternation(lex["duration_qualifiers"])
    anchors = _alternation(lex["duration_anchors"])
    ws = r"\s+"
    sep = r"\s*[/.\-]\s*"
    # Numeric date: 15/10/2021, 15-10-2021, 15.10.2021, 15/10 (year filled later); 2-digit years allowed.
    date_num = (
        rf"(?<![\w/.\-])(?P<ngay>ngay{ws})?(?P<d>{_DAY})(?P<s1>{sep})(?P<m>{_MON})"
        rf"(?:(?P<s2>\s*[/.\-]\s*)(?P<y>{_Y}|\d{{2}}))?(?![\w/]|[.\-]\d|,\d)"
    )
    date_text = (
        rf"\bngay{ws}(?P<d>{_DAY}){ws}thang{ws}(?P<m>{_MON})(?:{ws}nam{ws}(?P<y>{_Y}))?\b"
    )
    list_sep = r"\s*(?:,|-|&|va)\s*"
    month = (
        rf"\bthang{ws}(?:{_MON}{list_sep}(?:thang{ws})?)*(?P<m>{_MON})"
        rf"(?:(?:\s*[/.\-]\s*|{ws}nam{ws})(?P<y>{_Y}))?(?![\w/]|[.\-]\d)"
    )
    quarter = (
        rf"(?:\bq\.?\s*(?P<qa>iv|iii|ii|i|[1-4])\s*[/\-]\s*(?P<ya>{_Y})(?![\w/])|"
        rf"\bquy{ws}(?:{_QNUM}{list_sep}(?:quy{ws})?)*(?P<q>{_QNUM})"
        rf"(?:(?:\s*[/.\-]\s*|{ws}nam{ws}|{ws})(?P<y>{_Y}))?(?![\w/]))"
    )
    half = rf"\b(?:(?:0?6|sau){ws}thang|nua{ws}nam){ws}(?P<h>dau|cuoi){ws}nam(?:{ws}(?P<y>{_Y}))?\b"
    year_range = rf"(?<![\w/.\-])(?:nam{ws})?(?P<y1>{_Y})\s*-\s*(?:nam{ws})?(?P<y2>{_Y})(?![\w/])"
    year = rf"\bnam{ws}(?P<y>{_Y})(?![\w/]|[.\-]\d)"
    year_end = rf"\b(?:cuoi|het){ws}nam\b(?!\s*\d)"
    bare_year = rf"(?m)(?:^|(?<=\|))[ \t*_]*(?P<y>{_Y})[ \t*_]*(?=$|\|)"
    duration = (
        rf"\b(?:{dur_qual}){ws}(?P<n>{num_alt}){ws}(?P<u>ngay|gio|tuan|thang|nam)\b(?!{ws}(?:dau|cuoi){ws}nam)"
        rf"(?!(?<=gio)\s*(?:\d{{2}}|,?\s*(?:ngay|thu|sang|chieu|toi)\b))"
        rf"(?P<w>{ws}lam{ws}viec)?(?:{ws}(?:{anchors})(?:{ws}[^\W\d_]+){{0,4}})?"
    )
    rec_first = (
        rf"\b(?:(?:{rec_prefix}){ws}(?:{unit_alt})\b"
        rf"|dinh{ws}ky{ws}(?:\d{{1,2}}|{num_alt}){ws}(?:thang|nam|tuan|ngay)\b"
        rf"|dinh{ws}ky{ws}(?:{unit_alt})\b(?!\s*\d))"
    )
    recurrence = rf"{rec_first}(?:\s*(?:{connectors})\s*(?:(?:{rec_prefix}){ws})?(?:{item_alt})\b(?!\s*[\d/]))*"
    times = (
        rf"\b(?:dinh{ws}ky{ws})?(?P<n>\d{{1,2}}|{num_alt}){ws}(?P<u>thang|nam|tuan|ngay)"
        rf"\s*(?:/\s*|{ws}(?:mot|1|01){ws})lan\b"
    )
    season = rf"\b(?:(?:dip|mua|ky\s+nghi|nghi){ws})(?P<season>he)\b(?:{ws}nam{ws}(?P<y>{_Y}))?"
    period_day = (
        rf"\bngay{ws}(?P<d>{_DAY}){ws}(?:cua{ws})?thang{ws}(?:dau|cuoi|cuoi{ws}cung|thu{ws}\w+){ws}"
        rf"(?:cua{ws})?(?:(?:moi|hang){ws})?(?P<p>quy|nam|ky)(?:{ws}(?:tiep{ws}theo|sau|ke{ws}tiep))?\b"
    )
    monthly_day = rf"\b(?:ngay{ws})?(?P<d>{_DAY}){ws}(?:cua{ws})?(?:hang|moi){ws}thang\b"
    urgency = _alternation(lex["urgency"])
    event = _alternation(lex["events"])
    cores = (
        ("date_text", re.compile(date_text)),
        ("date", re.compile(date_num)),
        ("monthly_day", re.compile(monthly_day)),
        ("period_day", re.compile(period_day)),
        ("season", re.compile(season)),
        ("month", re.compile(month)),
        ("quarter", re.compile(quarter)),
        ("half_year", re.compile(half)),
        ("year_range", re.compile(year_range)),
        ("year", re.compile(year)),
        ("year_end", re.compile(year_end)),
        ("year", re.compile(rf"(?:(?<=den )|(?<=toi )|(?<=truoc )|(?<=het )|(?<=nam ))(?P<y>{_Y})(?![\w/]|[.\-]\d)")),
        ("bare_year", re.compile(bare_year)),
        ("duration", re.compile(duration)),
        ("recurrence", re.compile(recurrence)),
        ("recurrence_times", re.compile(times)),
        ("event", re.compile(rf"(?<!\w)(?:{event})(?!\w)")),
        ("urgency", re.compile(rf"(?<!\w)(?:{urgency})(?!\w)")),
    )
    quals = _alternation(lex["qualifiers"])
    starts = _alternation(lex["start_markers"])
    periods = _alternation(lex["period_markers"])
    doc_types = _alternation(lex["document_types"])
    issued = _alternation(lex["issued_markers"])
    return _Grammar(
        cores=cores,
        qualifier_end=re.compile(rf"(?<!\w)(?:{quals})\s*$"),
        start_end=re.compile(rf"(?<![\w/\-])(?:{starts})(?:{ws}ngay)?\s*$"),
        period_end=re.compile(rf"(?<!\w)(?:{periods})(?:{ws}(?:tu|den))?\s*$"),
        period_follow=re.compile(rf"\s*(?:,\s*)?(?:{_alternation(lex['period_followers'])})\b"),
        range_join=re.compile(rf"^\s*(?:,\s*)?(?:{_alternation(lex['range_connectors'])})\s*$"),
        evaluated=re.compile(rf"(?<!\w)(?:{_alternation(lex['evaluated_markers'])})(?!\w)"),
        plan_end=re.compile(rf"(?<!\w)(?:{_alternation(lex['plan_markers'])})(?:\s+[^\W\d_]+){{0,6}}\s*$"),
        cited_end=re.compile(
            rf"(?:(?<!\w)(?:{doc_types})(?:{ws}so)?(?:{ws}[\w./\-]*\d[\w./\-]*|{ws}\.\.\.|{ws}…)?"
            rf"|(?<!\w)so{ws}[\w./\-]*\d[\w./\-]*|(?<![\w/])\d+[a-z]*(?:\s?[/\-]\s?[a-z0-9.\-]*[a-z][a-z0-9.\-]*)+)"
            rf"(?:\s*\([^()]{{0,40}}\))?(?:{ws}(?:cua|do){ws}[^.;:|]{{1,60}}?)?(?:\s*,)?"
            rf"(?:{ws}(?:{issued}))?\s*$"
        ),
        clock_end=re.compile(
            rf"(?<!\w)(?:(?:\d{{1,2}}\s*(?:h|gio|:)\s*(?:\d{{2}})?(?:\s*phut)?(?:{ws}(?:sang|chieu|toi))?|"
            rf"thu{ws}(?:hai|ba|tu|nam|sau|bay|[2-7])|chu{ws}nhat)\s*,?\s*)+$"
        ),
        label_end=re.compile(rf"(?<!\w)(?:{_alternation(lex['labels'])})\s*:\s*$"),
        budget_end=re.compile(rf"(?<!\w)(?:{_alternation(lex['budget_markers'])})(?:{ws}[^\W\d_]+){{0,3}}\s*$"),
        header_end=re.compile(r"(?:^|[\n|])[\s*_#]*[^\W\d_][^\n,;:|]{1,40},\s*$"),
        cited_clause=re.compile(rf"^\W*(?:can{ws}cu|thuc{ws}hien|trien{ws}khai|theo)\b"),
        cited_title=re.compile(rf"(?<!\w)(?:{_alternation(lex['cited_titles'])})(?!\w)"),
        basis_clause=re.compile(rf"^\W*can{ws}cu\b"),
        annual_suffix=re.compile(rf"\s*,?\s*(?:cua{ws})?(?:hang|moi){ws}nam\b"),
        rec_then_date=re.compile(rf"\s*[,(:\-]?\s*(?:(?:{quals})\s+)?(?=ngay{ws}|\d)"),
        rec_then_day=re.compile(
            rf"\s*[,(:\-]?\s*(?:(?:{quals})\s+)?ngay{ws}(?P<d>{_DAY})\b(?!\s*[/.\-]\s*\d|{ws}thang)"
        ),
        list_join=re.compile(rf"^\s*(?:,|;|va|hoac)\s*$"),
        past_follow=re.compile(rf"\s*(?:{_alternation(lex['past_followers'])})\b"),
        future_follow=re.compile(rf"{ws}(?:{_alternation(lex['future_followers'])})\b"),
        urgency_words=frozenset(canonical_tones(unicodedata.normalize("NFC", w)).lower() for w in lex["urgency"]),
        number_words=nums,
        units=units,
        rec_units=rec_units,
        rec_items=rec_items,
    )


# --------------------------------------------------------------------------------------------- values

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _year(raw: str | None, ref: date | None) -> int | None:
    if raw:
        y = int(raw)
        return y + 2000 if y < 100 else y
    return ref.year if ref else None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int | None, m: int, d: int) -> date | None:
    if y is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass
class _Cand:
    """A core match before qualifiers and decoy checks (folded offsets)."""

    kind: str
    start: int
    end: int
    groups: dict[str, str | None]
    due: date | None = None
    recurrence: tuple[str, ...] = ()
    within: str | None = None
    working: bool = False
    decoy: str | None = None
    rule: str = ""
    yearless: bool = False
    valid: bool = True


def _number(raw: str, g: _Grammar) -> int | None:
    if raw.isdigit():
        return int(raw)
    return g.number_words.get(" ".join(raw.split()))


def _resolve(c: _Cand, folded: str, ref: date | None, g: _Grammar) -> None:
    """Fill the value of a candidate from its groups."""
    gr = c.groups
    c.rule = c.kind
    if c.kind in ("date", "date_text"):
        y = _year(gr.get("y"), ref)
        c.yearless = not gr.get("y")
        if c.yearless and "." in (gr.get("s1") or "") and not gr.get("ngay"):
            c.valid = False  # '3.1' is a section number, not 3 January
            return
        c.due = _safe_date(y, int(gr["m"]), int(gr["d"]))
        if c.due is None and y is not None:
            c.valid = False
    elif c.kind == "month":
        m = int(gr["m"])
        y = _year(gr.get("y"), ref)
        c.yearless = not gr.get("y")
        c.due = _month_end(y, m) if y else None
    elif c.kind == "quarter":
        if gr.get("qa"):
            gr = {**gr, "q": gr["qa"], "y": gr["ya"]}
        q = gr["q"]
        n = _ROMAN.get(q) or int(q)
        y = _year(gr.get("y"), ref)
        c.yearless = not gr.get("y")
        c.due = _month_end(y, 3 * n) if y else None
    elif c.kind == "half_year":
        y = _year(gr.get("y"), ref)
        c.yearless = not gr.get("y")
        c.due = (date(y, 6, 30) if gr["h"] == "dau" else date(y, 12, 31)) if y else None
    elif c.kind in ("year", "bare_year"):
        c.due = date(int(gr["y"]), 12, 31)
    elif c.kind == "year_end":
        c.yearless = True
        c.due = date(ref.year, 12, 31) if ref else None
    elif c.kind == "year_range":
        y1, y2 = int(gr["y1"]), int(gr["y2"])
        if y2 <= y1:
            c.valid = False
        c.due = date(y2, 12, 31)
    elif c.kind == "duration":
        n = _number(gr["n"], g)
        unit = g.units.get(gr["u"], "D")
        if not n:
            c.valid = False
            return
        c.within = f"PT{n}H" if unit == "H" else f"P{n}{unit}"
        c.working = bool(gr.get("w"))
    elif c.kind == "recurrence_times":
        n = _number(gr["n"], g)
        if not n:
            c.valid = False
            return
        freq = g.rec_units[gr["u"]]
        c.recurrence = (freq if n == 1 else f"{freq};INTERVAL={n}",)
        c.kind = c.rule = "recurrence"
    elif c.kind == "period_day":
        freq = {"quy": "FREQ=MONTHLY;INTERVAL=3", "nam": "FREQ=YEARLY", "ky": "FREQ=MONTHLY"}[gr["p"]]
        day = int(gr["d"])
        which = folded[c.start : c.end]
        if gr["p"] == "nam" and re.search(r"thang\s+(?:dau|cuoi)", which):
            month = 1 if re.search(r"thang\s+dau", which) else 12
            c.recurrence = (f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}",)
        else:
            c.recurrence = (f"{freq};BYMONTHDAY={day}" if gr["p"] != "ky" else freq,)
        c.kind = c.rule = "recurrence"
    elif c.kind == "season":
        y = _year(gr.get("y"), ref)
        c.yearless = not gr.get("y")
        c.due = date(y, 8, 31) if y else None  # the summer break ends with August
    elif c.kind == "monthly_day":
        c.recurrence = (f"FREQ=MONTHLY;BYMONTHDAY={int(gr['d'])}",)
    elif c.kind == "recurrence":
        c.recurrence = _recurrences(folded[c.start : c.end], g)
        if not c.recurrence:
            c.valid = False
    elif c.kind in ("urgency", "event"):
        c.decoy = c.kind


_REC_PIECE = re.compile(r"(\d{1,2}|[a-z]+(?:\s+muoi(?:\s+[a-z]+)?)?)\s+(thang|nam|tuan|ngay)\b|(ngay|tuan|thang|quy|nam)\b")


def _recurrences(span: str, g: _Grammar) -> tuple[str, ...]:
    """RRULEs of a (possibly stacked) recurrence phrase such as 'hàng quý, 6 tháng, một năm'."""
    out: list[str] = []
    body = re.sub(r"\bdinh\s+ky\b|\bthuong\s+ky\b", " ", span)
    for piece in re.split(r"\s*(?:,|;|/|\bva\b|\bhoac\b)\s*", body):
        words = piece.split()
        if not words:
            continue
        if words[0] in ("hang", "moi"):
            words = words[1:]
        if not words:
            continue
        key = " ".join(words)
        rule = g.rec_items.get(key) or g.rec_units.get(key)
        if rule is None and len(words) >= 2 and words[-1] in ("thang", "nam", "tuan", "ngay"):
            n = _number(" ".join(words[:-1]), g)
            if n:
                unit_rule = g.rec_units[words[-1]]
                freq = unit_rule.split(";")[0]
                rule = freq if n == 1 else f"{freq};INTERVAL={n}"
        if rule and rule not in out:
            out.append(rule)
    return tuple(out)


# --------------------------------------------------------------------------------------------- engine


def _is_urgency_word(s: int, e: int, original: str, omap: list[int] | None, g: _Grammar) -> bool:
    """'ngày' folds to 'ngay', but only the accentless word (and the listed ones) means 'at once'."""
    os_, oe = _orig(s, e, omap, original)
    surface = " ".join(canonical_tones(unicodedata.normalize("NFC", original[os_:oe])).lower().split())
    return surface in g.urgency_words


def _candidates(
    folded: str, ref: date | None, cell: bool, g: _Grammar, original: str, omap: list[int] | None
) -> list[_Cand]:
    """All core matches, overlaps resolved (longest first, then earliest)."""
    found: list[_Cand] = []
    for kind, pattern in g.cores:
        for m in pattern.finditer(folded):
            s, e = m.span("y") if kind == "bare_year" else m.span()
            if kind == "urgency" and not _is_urgency_word(s, e, original, omap, g):
                continue
            found.append(_Cand(kind, s, e, m.groupdict()))
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: list[_Cand] = []
    for c in found:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    for c in taken:
        _resolve(c, folded, ref, g)
    return [c for c in taken if c.valid]


def _merge_annual_lists(cands: list[_Cand], folded: str, g: _Grammar) -> list[_Cand]:
    """'trước ngày 01/6 và ngày 15/11 hằng năm' -> one candidate with one yearly RRULE per date."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if c.kind == "recurrence" and c.recurrence in (("FREQ=YEARLY",), ("FREQ=MONTHLY",)):
            # 'hằng năm (trước ngày 15/12)', 'hằng tháng, trước ngày 20': the date pins the recurrence
            nxt = cands[i + 1] if i + 1 < len(cands) else None
            gap = g.rec_then_date.match(folded, c.end)
            if (
                c.recurrence == ("FREQ=YEARLY",)
                and nxt is not None
                and nxt.kind in ("date", "date_text")
                and nxt.yearless
                and gap
                and gap.end() >= nxt.start
                and nxt.start - c.end < 40
            ):
                rule = f"FREQ=YEARLY;BYMONTH={int(nxt.groups['m'])};BYMONTHDAY={int(nxt.groups['d'])}"
                out.append(_Cand("annual_date", c.start, nxt.end, c.groups, recurrence=(rule,), rule="annual_date"))
                i += 2
                continue
            day = g.rec_then_day.match(folded, c.end)
            if c.recurrence == ("FREQ=MONTHLY",) and day and (nxt is None or nxt.start >= day.end()):
                rule = f"FREQ=MONTHLY;BYMONTHDAY={int(day['d'])}"
                out.append(_Cand("monthly_day", c.start, day.end(), c.groups, recurrence=(rule,), rule="monthly_day"))
                i += 1
                continue
        if c.kind in ("date", "date_text", "month") and c.yearless:
            kinds = ("month",) if c.kind == "month" else ("date", "date_text")
            group = [c]
            j = i + 1
            while j < len(cands) and cands[j].kind in kinds and cands[j].yearless and g.list_join.match(
                folded[group[-1].end : cands[j].start]
            ):
                group.append(cands[j])
                j += 1
            suffix = g.annual_suffix.match(folded, group[-1].end)
            if suffix:
                rules = tuple(
                    f"FREQ=YEARLY;BYMONTH={int(x.groups['m'])}"
                    + (f";BYMONTHDAY={int(x.groups['d'])}" if x.groups.get("d") else "")
                    for x in group
                )
                end = suffix.end()
                # a plain recurrence candidate swallowed by the suffix is dropped
                while j < len(cands) and cands[j].start < end:
                    j += 1
                out.append(_Cand("annual_date", c.start, end, c.groups, recurrence=rules, rule="annual_date"))
                i = j
                continue
        out.append(c)
        i += 1
    return out


_POINT_KINDS = {"date", "date_text", "month", "quarter", "half_year", "year", "year_range", "bare_year", "season"}


def _merge_ranges(cands: list[_Cand], folded: str, g: _Grammar) -> list[_Cand]:
    """'từ 01/7/2025 đến 31/12/2025': one candidate whose due is the end; start marker kept in the span."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if (
            c.kind in _POINT_KINDS
            and i + 1 < len(cands)
            and cands[i + 1].kind in _POINT_KINDS
            and g.range_join.match(folded[c.end : cands[i + 1].start])
            and (sm := g.start_end.search(folded, max(0, c.start - 20), c.start))
        ):
            nxt = cands[i + 1]
            merged = _Cand("range", sm.start(), nxt.end, nxt.groups, due=nxt.due, rule="range", yearless=nxt.yearless)
            out.append(merged)
            i += 2
            continue
        out.append(c)
        i += 1
    return out


def _clause_left(folded: str, start: int, limit: int = 120) -> str:
    """The text before ``start`` back to the previous sentence break (at most ``limit`` characters)."""
    lo = max(0, start - limit)
    window = folded[lo:start]
    cut = max(window.rfind(". "), window.rfind(";"), window.rfind("\n\n"), window.rfind("|"))
    return window[cut + 1 :] if cut >= 0 else window


def _classify(
    c: _Cand, folded: str, original: str, omap: list[int] | None, cell: bool, g: _Grammar, listed: bool = False
) -> _Cand | None:
    """Extend the span over qualifiers and decide whether the candidate is a decoy; None drops it."""
    if c.kind in ("urgency", "event"):
        return c
    # period: 'giai đoạn 2021 - 2025', 'tầm nhìn đến năm 2045'
    pm = g.period_end.search(folded, max(0, c.start - 40), c.start)
    if pm and c.kind in _POINT_KINDS | {"range"}:
        c.start = pm.start()
        prefix = folded[: c.start]
        qm = g.qualifier_end.search(prefix)
        bare_prefix = not prefix.strip() or (qm is not None and not prefix[: qm.start()].strip())
        if cell and c.kind in ("year_range", "range") and bare_prefix and not folded[c.end :].strip(" .;"):
            c.rule = "period_cell"  # a time column holding 'Giai đoạn 2026 - 2030' ends with the period
            return c
        c.decoy, c.rule = "period", "period"
        return c
    follow = g.period_follow.match(folded, c.end)
    if follow and c.kind in ("year", "year_range", "bare_year"):
        c.end = follow.end()
        c.decoy, c.rule = "period", "period"
        return c
    # qualifiers: 'trước ngày', 'chậm nhất là', 'hoàn thành trong', 'đến hết' ...
    qualified = c.kind == "duration" or bool(g.label_end.search(folded, max(0, c.start - 40), c.start))
    while True:
        qm = g.qualifier_end.search(folded, max(0, c.start - 40), c.start)
        if not qm or qm.start() == qm.end():
            # 'trước 17 giờ 00, thứ Sáu, ngày 15/3': a clock time or weekday between qualifier and date
            tm = g.clock_end.search(folded, max(0, c.start - 40), c.start) if c.kind in ("date", "date_text") else None
            if tm and tm.start() < c.start and g.qualifier_end.search(folded, max(0, tm.start() - 40), tm.start()):
                c.start = tm.start()
                continue
            break
        c.start = qm.start()
        qualified = True
    if c.kind in ("date", "date_text", "month") and c.yearless and g.past_follow.match(folded, c.end):
        return None
    fut = g.future_follow.match(folded, c.end)
    if fut and c.kind in ("month", "quarter") and c.yearless:
        c.end = fut.end()
    clause = _clause_left(folded, c.start, limit=400)
    if c.kind in _POINT_KINDS | {"range", "year_end"} and g.basis_clause.search(clause):
        # 'Căn cứ Luật … ngày 19 tháng 6 năm 2015; Chiến lược … đến năm 2030': the basis cites, it does not assign
        c.decoy, c.rule = "cited_document", "legal_basis"
        return c
    if c.kind == "recurrence" and g.budget_end.search(folded, max(0, c.start - 40), c.start):
        c.decoy, c.rule = "period", "budget_cycle"  # 'dự toán ngân sách hằng năm' describes money, not a deadline
        return c
    if c.kind in ("recurrence", "monthly_day", "annual_date", "duration", "range"):
        return c
    whole_cell = cell or _is_cell(folded, c.start, c.end)
    if not qualified:
        left = _clause_left(folded, c.start)
        if c.kind in ("date", "date_text") and folded.startswith("ngay", c.start):
            if g.header_end.search(folded, max(0, c.start - 60), c.start) and not c.yearless:
                c.decoy, c.rule = "cited_document", "header_date"
                return c
            if g.cited_end.search(left) or g.cited_clause.search(left) or _cites_title(left, c.start, g, original, omap):
                c.decoy, c.rule = "cited_document", "cited_document"
                return c
        sm = g.start_end.search(folded, max(0, c.start - 20), c.start)
        if sm:
            c.start = sm.start()
            c.decoy, c.rule, c.due = "start_date", "start_date", None
            return c
        if c.kind in ("year", "quarter", "half_year", "month") and not whole_cell:
            right = re.split(r"[.;:|\n]", folded[c.end : c.end + 40], maxsplit=1)[0]
            if g.evaluated.search(left[-50:]) or (c.kind == "year" and g.evaluated.search(right)):
                c.decoy, c.rule = "evaluated_year", "evaluated_year"
                return c
        if c.kind == "year" and not whole_cell and g.plan_end.search(left):
            c.decoy, c.rule = "period", "plan_year"
            return c
        if c.kind == "year_range" and not whole_cell:
            c.decoy, c.rule = "period", "period"
            return c
        if c.yearless and c.kind in ("date", "month") and not (whole_cell or listed or folded.startswith("ngay", c.start)):
            return None
    return c


def _cites_title(left: str, start: int, g: _Grammar, original: str, omap: list[int] | None) -> bool:
    """A capitalised document title shortly before the date: 'Luật Tổ chức chính quyền địa phương ngày …'."""
    base = start - len(left)
    for m in g.cited_title.finditer(left, max(0, len(left) - 90)):
        os_, _ = _orig(base + m.start(), base + m.end(), omap, original)
        if original[os_].isupper():
            return True
    return False


def _is_cell(folded: str, start: int, end: int) -> bool:
    """True when the span fills its line or table cell (a flattened time column such as '2026 - 2030')."""
    lo = max(folded.rfind("\n", 0, start), folded.rfind("|", 0, start)) + 1
    hi_candidates = [i for i in (folded.find("\n", end), folded.find("|", end)) if i >= 0]
    hi = min(hi_candidates) if hi_candidates else len(folded)
    return not folded[lo:start].strip(" \t*_-+.") and not folded[end:hi].strip(" \t*_.,;")


def _orig(s: int, e: int, omap: list[int] | None, original: str) -> tuple[int, int]:
    """Map folded offsets back to the original text (combining marks after the end are kept)."""
    if omap is None:
        return s, e
    os_, oe = omap[s], (omap[e - 1] + 1 if e > 0 else 0)
    while oe < len(original) and unicodedata.category(original[oe]) == "Mn":
        oe += 1
    return os_, oe


def _shift_future(c: _Cand, folded: str, ref: date | None) -> None:
    """'tháng 3 tới' written in November means next year's March."""
    if ref and c.due and c.yearless and c.kind in ("month", "quarter") and c.due < ref:
        if re.search(r"\b(?:toi|sap\s+toi|tiep\s+theo)\s*$", folded[c.start : c.end]):
            c.due = date(c.due.year + 1, c.due.month, calendar.monthrange(c.due.year + 1, c.due.month)[1])


def _scan(text: str, ref_date: date | None, cell: bool) -> list[DeadlineMention]:
    if not text:
        return []
    g = _grammar()
    folded, omap = _fold_with_offsets(text)
    cands = _candidates(folded, ref_date, cell, g, text, omap)
    cands = _merge_annual_lists(cands, folded, g)
    cands = _merge_ranges(cands, folded, g)
    out: list[DeadlineMention] = []
    prev: _Cand | None = None
    for c in cands:
        listed = (
            prev is not None
            and prev.decoy is None
            and prev.kind in ("date", "date_text", "month")
            and bool(g.list_join.match(folded[prev.end : c.start]))
        )
        k = _classify(c, folded, text, omap, cell, g, listed)
        if k is None:
            continue
        prev = k
        _shift_future(k, folded, ref_date)
        if k.end < len(folded) and folded[k.end] == ")" and folded.count("(", k.start, k.end) > folded.count(")", k.start, k.end):
            k.end += 1
        s, e = _orig(k.start, k.end, omap, text)
        while s < e and text[s].isspace():
            s += 1
        decoy = k.decoy
        out.append(
            DeadlineMention(
                start=s,
                end=e,
                text=text[s:e],
                due=None if decoy else k.due,
                recurrence=() if decoy else k.recurrence,
                within=None if decoy else k.within,
                working_time=False if decoy else k.working,
                decoy=decoy,
                rule=k.rule,
            )
        )
    # spans grown by qualifiers never overlap: keep the first of two that touch
    cleaned: list[DeadlineMention] = []
    for m in out:
        if cleaned and m.start < cleaned[-1].end:
            prev = cleaned[-1]
            if prev.decoy and not m.decoy:
                cleaned[-1] = m
            continue
        cleaned.append(m)
    return cleaned


def find_deadlines(text: str, *, ref_date: date | None = None) -> list[DeadlineMention]:
    """Every deadline and decoy in running text, in order, offsets into ``text``.

    >>> [m.text for m in find_deadlines("Sở Nội vụ báo cáo trước ngày 15/10/2021.")]
    ['trước ngày 15/10/2021']
    """
    return _scan(text, ref_date, cell=False)


def parse_deadline(text: str, *, ref_date: date | None = None) -> DeadlineMention | None:
    """Read a whole table cell or field value ('Quý II/2026', 'Thường xuyên', 'Hằng năm') as one mention.

    Several real deadlines in one cell are merged (recurrences joined, the latest due date kept);
    a cell with only decoys returns its first decoy; a cell with no time expression returns None.

    >>> parse_deadline("2026 - 2030").due
    datetime.date(2030, 12, 31)
    """
    found = _scan(text, ref_date, cell=True)
    if not found:
        return None
    real = [m for m in found if m.decoy is None]
    if not real:
        return found[0]
    if len(real) == 1:
        return real[0]
    recurrence: list[str] = []
    for m in real:
        recurrence.extend(r for r in m.recurrence if r not in recurrence)
    dues = [m.due for m in real if m.due]
    within = next((m.within for m in real if m.within), None)
    start, end = real[0].start, real[-1].end
    return DeadlineMention(
        start=start,
        end=end,
        text=text[start:end],
        due=max(dues) if dues and not recurrence else None,
        recurrence=tuple(recurrence),
        within=within,
        working_time=any(m.working_time for m in real),
        decoy=None,
        rule="+".join(dict.fromkeys(m.rule for m in real)),
    )


# --------------------------------------------------------------------------------------------- gold codes

_RRULE_TO_CODE = {
    "FREQ=DAILY": "R/daily",
    "FREQ=WEEKLY": "R/weekly",
    "FREQ=MONTHLY": "R/monthly",
    "FREQ=MONTHLY;INTERVAL=3": "R/quarterly",
    "FREQ=MONTHLY;INTERVAL=6": "R/semiannual",
    "FREQ=YEARLY": "R/annual",
}
_CODE_TO_RRULE = {v: k for k, v in _RRULE_TO_CODE.items()}


def _rrule_code(rule: str) -> str:
    if rule in _RRULE_TO_CODE:
        return _RRULE_TO_CODE[rule]
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") == "YEARLY" and "BYMONTH" in parts and "BYMONTHDAY" in parts:
        return f"R/annual--{int(parts['BYMONTH']):02d}-{int(parts['BYMONTHDAY']):02d}"
    if "INTERVAL" in parts and "BYMONTHDAY" in parts:
        return _rrule_code(";".join(p for p in rule.split(";") if not p.startswith("BYMONTHDAY=")))
    if parts.get("FREQ") == "YEARLY" and set(parts) == {"FREQ", "BYMONTH"}:
        return f"R/annual--{int(parts['BYMONTH']):02d}"
    if parts.get("FREQ") == "MONTHLY" and "BYMONTHDAY" in parts and "INTERVAL" not in parts:
        return f"R/monthly---{int(parts['BYMONTHDAY']):02d}"
    return "R/" + rule


def to_gold_code(mention: DeadlineMention | None) -> str | None:
    """The devset encoding of a mention: ISO date, ``R/...`` recurrences joined by ';', ``REL/<dur>[-working]``.

    >>> to_gold_code(parse_deadline("Hằng quý, 6 tháng"))
    'R/quarterly;R/semiannual'
    """
    if mention is None or mention.decoy:
        return None
    if mention.recurrence:
        return ";".join(_rrule_code(r) for r in mention.recurrence)
    if mention.within:
        return f"REL/{mention.within}" + ("-working" if mention.working_time else "")
    if mention.due:
        return mention.due.isoformat()
    return None


def from_gold_code(code: str | None) -> DeadlineMention | None:
    """The inverse of ``to_gold_code``: a mention (span 0..len(code), rule 'gold') holding the value.

    >>> from_gold_code("R/annual--12-15").recurrence
    ('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15',)
    """
    if not code:
        return None
    code = code.strip()
    base = DeadlineMention(start=0, end=len(code), text=code, rule="gold")
    if code.startswith("REL/"):
        body = code[4:]
        working = body.endswith("-working")
        return replace(base, within=body.removesuffix("-working"), working_time=working)
    if code.startswith("R/"):
        rules: list[str] = []
        for part in code.split(";"):
            part = part.strip()
            if part in _CODE_TO_RRULE:
                rules.append(_CODE_TO_RRULE[part])
            elif m := re.fullmatch(r"R/annual--(\d{2})-(\d{2})", part):
                rules.append(f"FREQ=YEARLY;BYMONTH={int(m[1])};BYMONTHDAY={int(m[2])}")
            elif m := re.fullmatch(r"R/annual--(\d{2})", part):
                rules.append(f"FREQ=YEARLY;BYMONTH={int(m[1])}")
            elif m := re.fullmatch(r"R/monthly---(\d{2})", part):
                rules.append(f"FREQ=MONTHLY;BYMONTHDAY={int(m[1])}")
            elif part.startswith("R/"):
                rules.append(part[2:])
            else:
                raise ValueError(f"not a gold recurrence code: {part!r}")
        return replace(base, recurrence=tuple(rules))
    return replace(base, due=date.fromisoformat(code))
