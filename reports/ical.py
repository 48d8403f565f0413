"""The task calendar (ics): one all-day VEVENT per task with a due date, an RRULE for a recurring duty.

A one-off task is an event on its due date (``DTSTART;VALUE=DATE``, ``DTEND`` the next day). A recurring
duty starts on its first occurrence on or after the document date and repeats by its RRULE, written the way
``tracking.status`` counts occurrences (a period without a named day is due on its last day), so a calendar
app shows the same days as the tracker. The UID ``parlens-task-{id}@parlens`` stays the same across exports,
so a subscribed calendar (``GET /lich/{agency}.ics``) updates events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

from parlens.reports.formats import ROLE_VI, agency_vi
from parlens.reports.registry import Format, register
from parlens.reports.tasklist import ReportTask, TaskReport
from parlens.reports.tracker_sheet import lead_and_partners, recurrence_vi, source_label
from parlens.tracking.status import period_rule

PRODID = "-//parlens//nhiem vu//VI"


def event_uid(item: ReportTask) -> str:
    """``parlens-task-{id}@parlens``; a task not stored yet gets one from its document and span."""
    if item.id is not None:
        return f"parlens-task-{item.id}@parlens"
    t, doc = item.task, item.document
    key = "|".join(str(x) for x in (doc.doc_type, doc.number, doc.issued_on, doc.source_name, t.start, t.end,
                                    t.role, t.agency))
    return f"parlens-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}@parlens"


def first_day(item: ReportTask, on: date) -> date | None:
    """The day the event starts: the due date, or a recurring duty's first occurrence from the document date."""
    d = item.task.deadline
    if d is None:
        return None
    if not d.recurrence:
        return d.due or item.due
    from parlens.tracking.status import occurrences

    anchor = item.document.issued_on or item.due or on
    found = occurrences(d.recurrence, anchor, anchor + timedelta(days=400))
    return found[0] if found else (item.due or anchor)


def tasks_ics(report: TaskReport) -> bytes:
    """An iCalendar (VEVENTs) of the report's tasks that have a due date or a recurrence."""
    from icalendar import Calendar, Event, vRecur

    from parlens.tracking.status import STATUS_VI

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", report.title)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for item, (lead, _) in zip(report.items, lead_and_partners(report.items, report.context)):
        start = first_day(item, report.on)
        if start is None:
            continue
        t, d = item.task, item.task.deadline
        role = ROLE_VI.get(t.role, t.role)
        event = Event()
        event.add("uid", event_uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(days=1))
        event.add("summary", f"[{role}] {agency_vi(t)}: {t.task[:120]}")
        lines = [f"Nhiệm vụ: {t.task}", f"Cơ quan: {agency_vi(t)} ({role})"]
        if t.role != "lead" and lead:
            lines.append(f"Cơ quan chủ trì: {lead}")
        lines.append(f"Thời hạn: {d.text}")
        if d.recurrence:
            lines.append(f"Lặp lại: {recurrence_vi(d.recurrence)}")
        lines.append(f"Nguồn: {source_label(item.document) or 'văn bản'}")
        lines.append(f"Tình trạng: {STATUS_VI.get(item.status, item.status)}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        for rule in d.recurrence:
            try:
                event.add("rrule", vRecur.from_ical(period_rule(rule)))
            except ValueError:
                continue
        cal.add_component(event)
    return cal.to_ical()


register(Format("ics", "text/calendar; charset=utf-8", "ics", False, tasks_ics))
