"""Deadlines for tasks: a thin layer over ``parlens.nlp.deadlines`` (the one deadline grammar).

``find`` and ``parse_cell`` return ``DeadlineMention`` values; ``merge`` joins stacked mentions of one
phrase; ``to_deadline`` makes the model ``Deadline``; ``to_gold_code`` writes the devset encoding.

>>> to_gold_code(parse_cell("Quý IV/2025"))
'2025-12-31'
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from parlens.model import Deadline
from parlens.nlp.deadlines import DeadlineMention, find_deadlines, parse_deadline

__all__ = ["DeadlineMention", "find", "merge", "parse_cell", "to_deadline", "to_gold_code"]


_LEAD_TIME = re.compile(r"trước\s+(?:ít nhất|tối thiểu)\s", re.I)


def find(text: str, ref_date: date | None) -> list[DeadlineMention]:
    """Deadline mentions in ``text`` (decoys included, flagged), sorted by position.

    A notice period ("thông báo … trước ít nhất 05 ngày làm việc") is a lead time before each event, not a
    limit counted from the document: it is flagged as the decoy ``lead_time``.
    """
    found = [replace(m, decoy="lead_time", due=None, within=None) if m.decoy is None and _LEAD_TIME.match(m.text) else m
             for m in find_deadlines(text, ref_date=ref_date)]
    return sorted(found, key=lambda m: m.start)


def parse_cell(text: str, ref_date: date | None = None) -> DeadlineMention | None:
    """One table cell or labelled field read as a deadline ("2026 - 2030" gives 2030-12-31).

    A cell the whole-cell reader does not take is searched for mentions: the real ones merge,
    else the first decoy is kept (its text stays, its value is null).
    """
    t = text.strip()
    found = parse_deadline(t, ref_date=ref_date)
    if found is not None:
        return found
    mentions = find(t, ref_date)
    real = [m for m in mentions if m.decoy is None]
    if real:
        return merge(real, t)
    return mentions[0] if mentions else None


def merge(mentions: list[DeadlineMention], text: str) -> DeadlineMention:
    """One mention spanning ``mentions`` (in ``text``): the first due date, every recurrence once."""
    recurrence: list[str] = []
    due = None
    for m in mentions:
        recurrence.extend(r for r in m.recurrence if r not in recurrence)
        due = due or m.due
    return DeadlineMention(mentions[0].start, mentions[-1].end, text[mentions[0].start:mentions[-1].end],
                           due=due, recurrence=tuple(recurrence), within=mentions[0].within,
                           working_time=mentions[0].working_time, rule="merged")


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
