"""Task status and timeliness, as the Government Office's task tracking counts them.

A task is ``chua_thuc_hien`` (the default), ``dang_thuc_hien`` or ``hoan_thanh``. Its timeliness on a
reference date follows from its due date, status and completion date:

- done on or before the due date: ``dung_han``; done after it: ``hoan_thanh_qua_han``;
- not done and the due date has passed (due < reference date): ``qua_han``;
- not done and due on the reference date or later: ``chua_den_han``;
- no due date: None (done without a due date counts as ``dung_han``).

A recurring duty ("trước ngày 15 hằng tháng", "hằng quý") has one occurrence per period; a period without a
named day is due on its last day. :func:`current_occurrence` picks the one a task shows.

>>> timeliness(date(2025, 10, 15), "chua_thuc_hien", None, date(2025, 10, 15))
'chua_den_han'
>>> timeliness(date(2025, 10, 15), "chua_thuc_hien", None, date(2025, 10, 16))
'qua_han'
>>> timeliness(date(2025, 10, 15), "hoan_thanh", date(2025, 10, 16), date(2025, 10, 1))
'hoan_thanh_qua_han'
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from parlens.nlp.normalize import fold

STATUSES = ("chua_thuc_hien", "dang_thuc_hien", "hoan_thanh")
DEFAULT_STATUS = "chua_thuc_hien"
STATUS_VI = {"chua_thuc_hien": "Chưa thực hiện", "dang_thuc_hien": "Đang thực hiện", "hoan_thanh": "Hoàn thành"}
TIMELINESS = ("dung_han", "qua_han", "hoan_thanh_qua_han", "chua_den_han")
TIMELINESS_VI = {"dung_han": "Đúng hạn", "qua_han": "Quá hạn", "hoan_thanh_qua_han": "Hoàn thành quá hạn",
                 "chua_den_han": "Chưa đến hạn"}
ROLES = ("lead", "support")

# Occurrences are listed this far back from the reference date at most (a 2019 monthly duty is not 80 rows).
_LOOKBACK_DAYS = 366


def parse_status(text: str) -> str:
    """A status code from its code or its Vietnamese label, in any case, with or without accents.

    >>> [parse_status(t) for t in ("hoan_thanh", "Hoàn thành", "dang thuc hien", " CHƯA THỰC HIỆN ")]
    ['hoan_thanh', 'hoan_thanh', 'dang_thuc_hien', 'chua_thuc_hien']
    """
    key = "_".join(fold(str(text)).replace("_", " ").split())
    if key in STATUSES:
        return key
    raise ValueError(f"trạng thái không hợp lệ: {text!r} (chọn: {', '.join(STATUS_VI.values())})")


def timeliness(due: date | None, status: str, completed_on: date | None, on: date) -> str | None:
    """The timeliness code of a task (or an occurrence) on the reference date ``on``; None without a due date."""
    if status == "hoan_thanh":
        if due is None or completed_on is None or completed_on <= due:
            return "dung_han"
        return "hoan_thanh_qua_han"
    if due is None:
        return None
    return "qua_han" if due < on else "chua_den_han"


def period_rule(rule: str) -> str:
    """An RRULE value made explicit about its day: a period without a named day is due on its last day.

    Monthly: the month's last day; every 3 or 6 months: the last day of each quarter or half-year; yearly
    without a month: 31 December; yearly with a month but no day: that month's last day. The tracker counts
    occurrences with it and the calendar export writes it, so both fall on the same days.

    >>> period_rule("FREQ=MONTHLY;INTERVAL=3")
    'FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1'
    >>> period_rule("FREQ=MONTHLY;BYMONTHDAY=15")
    'FREQ=MONTHLY;BYMONTHDAY=15'
    """
    parts = {k: v for k, v in (p.split("=", 1) for p in rule.upper().split(";") if "=" in p) if k != "DTSTART"}
    freq = parts.get("FREQ")
    interval = parts.get("INTERVAL", "1") or "1"
    if freq == "MONTHLY" and "BYMONTHDAY" not in parts and "BYDAY" not in parts:
        if interval in ("3", "6") and "BYMONTH" not in parts:
            parts.pop("INTERVAL")
            parts.update(FREQ="YEARLY", BYMONTH="3,6,9,12" if interval == "3" else "6,12")
        parts["BYMONTHDAY"] = "-1"
    elif freq == "YEARLY" and "BYMONTH" not in parts and "BYYEARDAY" not in parts:
        parts.update(BYMONTH="12", BYMONTHDAY="31")
    elif freq == "YEARLY" and "BYMONTHDAY" not in parts:
        parts["BYMONTHDAY"] = "-1"
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _rule_set(rule: str, anchor: date):
    """A dateutil rrule for one RRULE value, from ``anchor``."""
    from dateutil.rrule import rrulestr

    return rrulestr(period_rule(rule), dtstart=datetime.combine(anchor, datetime.min.time()))


def occurrences(recurrence: list[str] | tuple[str, ...], anchor: date, until: date) -> list[date]:
    """Due dates of a recurring duty from ``anchor`` (the document date) to ``until``, inclusive, sorted.

    >>> occurrences(["FREQ=MONTHLY;INTERVAL=3"], date(2025, 2, 10), date(2025, 12, 31))
    [datetime.date(2025, 3, 31), datetime.date(2025, 6, 30), datetime.date(2025, 9, 30), datetime.date(2025, 12, 31)]
    >>> occurrences(["FREQ=MONTHLY;BYMONTHDAY=15"], date(2025, 10, 20), date(2026, 1, 1))
    [datetime.date(2025, 11, 15), datetime.date(2025, 12, 15)]
    """
    found: set[date] = set()
    start = datetime.combine(anchor, datetime.min.time())
    end = datetime.combine(until, datetime.min.time())
    for rule in recurrence:
        try:
            rule_set = _rule_set(rule, anchor)
        except (ValueError, TypeError):
            continue
        found.update(d.date() for d in rule_set.between(start, end, inc=True))
    return sorted(found)


def occurrence_window(recurrence: list[str] | tuple[str, ...], anchor: date, on: date) -> list[date]:
    """The occurrences worth showing on ``on``: the past year's (at most) and the next one due."""
    return list(_window(tuple(recurrence), anchor, on))


@lru_cache(maxsize=4096)
def _window(recurrence: tuple[str, ...], anchor: date, on: date) -> tuple[date, ...]:
    # Tasks of one document share their rules and anchor: a task list computes each window once.
    begin = max(anchor, on - timedelta(days=_LOOKBACK_DAYS))
    past = occurrences(recurrence, begin, on - timedelta(days=1)) if on > begin else []
    upcoming = occurrences(recurrence, max(anchor, on), on + timedelta(days=_LOOKBACK_DAYS))
    return tuple(past + upcoming[:1])


def current_occurrence(
    recurrence: list[str] | tuple[str, ...], anchor: date, on: date, done: set[date] | frozenset[date] = frozenset()
) -> date | None:
    """The occurrence a recurring task shows on ``on``.

    The latest past occurrence when it is not done (that period's report is late), else the next one due.
    Older missed periods stay listed with their own status but do not hold the task back forever.

    >>> rule = ["FREQ=MONTHLY;BYMONTHDAY=15"]
    >>> current_occurrence(rule, date(2025, 1, 1), date(2025, 10, 20))
    datetime.date(2025, 10, 15)
    >>> current_occurrence(rule, date(2025, 1, 1), date(2025, 10, 20), {date(2025, 10, 15)})
    datetime.date(2025, 11, 15)
    """
    window = occurrence_window(recurrence, anchor, on)
    past = [d for d in window if d < on]
    if past and past[-1] not in done:
        return past[-1]
    upcoming = [d for d in window if d >= on]
    return upcoming[0] if upcoming else (past[-1] if past else None)
