"""Deadlines for tasks: calls ``parlens.nlp.deadlines`` and falls back to a small grammar of its own.

The fallback knows the forms plans use most (15/10/2021, "Quý IV/2025", "Tháng 12/2025", "năm 2026",
"2026 - 2030" in a time column, "hằng năm", "định kỳ 06 tháng", "trước ngày 15/11 hằng năm",
"trong 05 ngày làm việc") and flags decoys (dates of cited documents, programme periods).

>>> to_gold_code(parse_cell("Quý IV/2025"))
'2025-12-31'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from parlens.model import Deadline


@dataclass
class Mention:
    """A deadline found in text (the fallback's twin of ``parlens.nlp.deadlines.DeadlineMention``)."""

    start: int
    end: int
    text: str
    due: date | None = None
    recurrence: tuple[str, ...] = field(default_factory=tuple)
    within: str | None = None
    working_time: bool = False
    decoy: str | None = None
    rule: str = "fallback"


def _nlp():
    try:
        from parlens.nlp import deadlines
    except ImportError:
        return None
    return deadlines


def find(text: str, ref_date: date | None) -> list:
    """Deadline mentions in ``text`` (decoys included, flagged), sorted by position."""
    mod = _nlp()
    if mod is not None:
        try:
            return sorted(mod.find_deadlines(text, ref_date=ref_date), key=lambda m: m.start)
        except Exception:
            pass
    return _fallback_find(text, ref_date)


def parse_cell(text: str, ref_date: date | None = None):
    """One table cell or labelled field read as a deadline; a year range gives its last year."""
    t = text.strip()
    m = re.fullmatch(r"(?:(?:giai đoạn|từ năm|năm)\s*)?((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\.?", t, re.I)
    if m:
        return Mention(0, len(t), t, due=date(int(m.group(2)), 12, 31), rule="year_range_cell")
    m = re.fullmatch(r"(?:năm\s*)?((?:19|20)\d\d)\.?", t, re.I)
    if m:
        return Mention(0, len(t), t, due=date(int(m.group(1)), 12, 31), rule="year_cell")
    mod = _nlp()
    if mod is not None:
        try:
            found = mod.parse_deadline(t, ref_date=ref_date)
            if found is not None:
                return found
        except Exception:
            pass
    found = [x for x in _fallback_find(t, ref_date)]
    real = [x for x in found if x.decoy is None]
    if real:
        return _merge(real, t)
    if found:
        return found[0]
    return None


def _merge(mentions: list, text: str) -> Mention:
    recurrence: list[str] = []
    due = None
    for m in mentions:
        recurrence.extend(r for r in m.recurrence if r not in recurrence)
        due = due or m.due
    return Mention(mentions[0].start, mentions[-1].end, text[mentions[0].start:mentions[-1].end], due=due,
                   recurrence=tuple(recurrence), within=mentions[0].within, working_time=mentions[0].working_time)


def to_deadline(mention, offset: int = 0) -> Deadline | None:
    """The model ``Deadline`` for a mention; ``None`` for a decoy with nothing resolved."""
    if mention is None:
        return None
    return Deadline(text=mention.text, due=mention.due if mention.decoy is None else None,
                    recurrence=list(mention.recurrence) if mention.decoy is None else [],
                    within=mention.within if mention.decoy is None else None,
                    working_time=bool(mention.working_time) if mention.decoy is None else False,
                    start=mention.start + offset, end=mention.end + offset)


_RRULE_CODES = [
    (re.compile(r"^FREQ=YEARLY;BYMONTH=(\d+);BYMONTHDAY=(\d+)$"), lambda m: f"R/annual--{int(m[1]):02d}-{int(m[2]):02d}"),
    (re.compile(r"^FREQ=YEARLY$"), lambda m: "R/annual"),
    (re.compile(r"^FREQ=MONTHLY;INTERVAL=6$"), lambda m: "R/semiannual"),
    (re.compile(r"^FREQ=MONTHLY;INTERVAL=3$"), lambda m: "R/quarterly"),
    (re.compile(r"^FREQ=MONTHLY;BYMONTHDAY=(\d+)$"), lambda m: f"R/monthly---{int(m[1]):02d}"),
    (re.compile(r"^FREQ=MONTHLY$"), lambda m: "R/monthly"),
    (re.compile(r"^FREQ=WEEKLY$"), lambda m: "R/weekly"),
    (re.compile(r"^FREQ=DAILY$"), lambda m: "R/daily"),
]


def to_gold_code(deadline) -> str | None:
    """The devset encoding of a deadline (``2025-12-31``, ``R/annual--11-15``, ``REL/P5D-working``)."""
    if deadline is None:
        return None
    recurrence = list(getattr(deadline, "recurrence", []) or [])
    if recurrence:
        codes = []
        for rule in recurrence:
            for pattern, make in _RRULE_CODES:
                m = pattern.match(rule)
                if m:
                    codes.append(make(m))
                    break
            else:
                codes.append("R/" + rule)
        return ";".join(codes)
    if getattr(deadline, "within", None):
        return "REL/" + deadline.within + ("-working" if deadline.working_time else "")
    due = getattr(deadline, "due", None)
    return due.isoformat() if due else None


# ---------------------------------------------------------------- fallback grammar
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_D = r"(\d{1,2})[/\-.](\d{1,2})"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("annual_date", re.compile(rf"trước ngày {_D}\s+(?:hằng|hàng) năm", re.I)),
    ("monthly_day", re.compile(r"trước ngày (\d{1,2}) (?:hằng|hàng) tháng", re.I)),
    ("semiannual", re.compile(r"(?:định kỳ\s+)?0?6 tháng(?: một lần)?(?!\s+(?:đầu|cuối))", re.I)),
    ("recurring", re.compile(r"(?:định kỳ\s+|định kǶ\s+)?(?:hằng|hàng)\s+(năm|quý|tháng|tuần|tuân|ngày)", re.I)),
    ("date", re.compile(rf"(?:ngày\s+)?{_D}[/\-.]((?:19|20)\d\d)", re.I)),
    ("date_words", re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d\d)", re.I)),
    ("quarter", re.compile(r"quý\s+(IV|III|II|I|[1-4])\s*(?:/|năm)\s*((?:19|20)\d\d)", re.I)),
    ("month", re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*((?:19|20)\d\d)", re.I)),
    ("period", re.compile(r"giai đoạn\s*((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)|năm ((?:19|20)\d\d) và (?:những|các) năm tiếp theo", re.I)),
    ("year", re.compile(r"(?:đến|trước|trong|hoàn thành(?: trong)?)\s+năm\s+((?:19|20)\d\d)", re.I)),
    ("within", re.compile(r"(?:trong(?: thời hạn)?|không (?:muộn|quá) hơn|không quá)\s+(\d+)\s+(ngày|giờ)( làm việc)?", re.I)),
    ("short_date", re.compile(r"(?:trước|chậm nhất|trước ngày|hoàn thành trước)(?: ngày)?\s+(\d{1,2})[/\-](\d{1,2})(?![/\-\d])", re.I)),
]
_FREQ = {"năm": "FREQ=YEARLY", "quý": "FREQ=MONTHLY;INTERVAL=3", "tháng": "FREQ=MONTHLY",
         "tuần": "FREQ=WEEKLY", "tuân": "FREQ=WEEKLY", "ngày": "FREQ=DAILY"}


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _fallback_find(text: str, ref_date: date | None) -> list[Mention]:
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            mention = _read(rule, m, text, ref_date)
            if mention is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(mention)
    # Stacked recurrences ("hàng ngày, hàng tuần") merge into one mention.
    out.sort(key=lambda x: x.start)
    merged: list[Mention] = []
    for m in out:
        prev = merged[-1] if merged else None
        if prev and prev.recurrence and m.recurrence and re.fullmatch(r"[\s,;và]*", text[prev.end:m.start]):
            merged[-1] = Mention(prev.start, m.end, text[prev.start:m.end],
                                 recurrence=prev.recurrence + tuple(r for r in m.recurrence if r not in prev.recurrence))
        else:
            merged.append(m)
    return merged


def _read(rule: str, m: re.Match[str], text: str, ref_date: date | None) -> Mention | None:
    s, e, t = m.start(), m.end(), m.group(0)
    if rule == "annual_date":
        return Mention(s, e, t, recurrence=(f"FREQ=YEARLY;BYMONTH={int(m[2])};BYMONTHDAY={int(m[1])}",), rule=rule)
    if rule == "monthly_day":
        return Mention(s, e, t, recurrence=(f"FREQ=MONTHLY;BYMONTHDAY={int(m[1])}",), rule=rule)
    if rule == "semiannual":
        return Mention(s, e, t, recurrence=("FREQ=MONTHLY;INTERVAL=6",), rule=rule)
    if rule == "recurring":
        before = text[max(0, s - 30):s].lower()
        if re.search(r"(chi thường xuyên|kinh phí|ngân sách|dự toán)\s*$", before):
            return Mention(s, e, t, decoy="period", rule=rule)
        return Mention(s, e, t, recurrence=(_FREQ[m[1].lower()],), rule=rule)
    if rule in ("date", "date_words"):
        d = _safe_date(int(m[3]), int(m[2]), int(m[1]))
        if d is None:
            return None
        before = text[max(0, s - 60):s]
        cited = re.search(r"(số|/[A-ZĐ\-]+|NQ/TW|QĐ-\w+|KH-\w+|CV/TU)\S*\s*$", before) or re.search(
            r"(Nghị quyết|Quyết định|Kế hoạch|Công văn|Chỉ thị|Thông tư|Luật|Nghị định|Tờ trình)\b[^.;]{0,40}$", before)
        return Mention(s, e, t, due=d, decoy="cited_document" if cited else None, rule=rule)
    if rule == "quarter":
        q = _ROMAN.get(m[1].lower()) or int(m[1])
        return Mention(s, e, t, due=_last_day(int(m[2]), q * 3), rule=rule)
    if rule == "month":
        mo = int(m[1])
        return Mention(s, e, t, due=_last_day(int(m[2]), mo), rule=rule) if 1 <= mo <= 12 else None
    if rule == "period":
        return Mention(s, e, t, decoy="period", rule=rule)
    if rule == "year":
        return Mention(s, e, t, due=date(int(m[1]), 12, 31), rule=rule)
    if rule == "within":
        unit = "D" if m[2].lower() == "ngày" else "H"
        within = f"P{int(m[1])}D" if unit == "D" else f"PT{int(m[1])}H"
        return Mention(s, e, t, within=within, working_time=bool(m[3]), rule=rule)
    if rule == "short_date":
        if ref_date is None:
            return Mention(s, e, t, rule=rule)
        d = _safe_date(ref_date.year, int(m[2]), int(m[1]))
        return Mention(s, e, t, due=d, rule=rule) if d else None
    return None
