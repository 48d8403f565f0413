"""The calendar (ics): all-day VEVENTs with stable UIDs; recurring duties fall on the days the tracker counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from parlens.model import Deadline, Task
from parlens.reports import registry
from parlens.reports.formats import render
from parlens.reports.tasklist import ReportTask, SourceDocument, TaskReport
from parlens.tracking.status import occurrences, period_rule

DOC = SourceDocument(id=3, doc_type="Kế hoạch", number="12/KH-UBND", issuer="UBND tỉnh Nghệ An",
                     issued_on=date(2025, 1, 2))


def _events(report: TaskReport) -> list:
    return Calendar.from_ical(registry.get("ics").render(report)).walk("VEVENT")


@pytest.fixture()
def report() -> TaskReport:
    items = [
        ReportTask(Task("Sở Nội vụ", "lead", "Tổ chức chấm điểm chỉ số CCHC", 10, 40,
                        deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))), DOC, id=21,
                   due=date(2025, 12, 15)),
        ReportTask(Task("Sở TC", "support", "Tổ chức chấm điểm chỉ số CCHC", 10, 40, agency_name="Sở Tài chính",
                        deadline=Deadline("trước ngày 15/12/2025", due=date(2025, 12, 15))), DOC, id=22,
                   due=date(2025, 12, 15)),
        ReportTask(Task("Văn phòng UBND tỉnh", "lead", "Báo cáo kết quả kiểm soát TTHC", 50, 80,
                        deadline=Deadline("định kỳ hằng quý", recurrence=["FREQ=MONTHLY;INTERVAL=3"])), DOC, id=23,
                   due=date(2025, 12, 31)),
        ReportTask(Task("Sở Tư pháp", "lead", "Rà soát văn bản", 90, 105), DOC, id=24),
    ]
    return TaskReport(items, DOC, date(2025, 11, 1))


def test_one_all_day_event_per_dated_task(report):
    events = _events(report)
    assert len(events) == 3  # the task without a deadline has no event
    first = events[0]
    assert str(first["uid"]) == "parlens-task-21@parlens"
    assert first.decoded("dtstart") == date(2025, 12, 15) and first.decoded("dtend") == date(2025, 12, 16)
    assert b"DTSTART;VALUE=DATE:20251215" in registry.get("ics").render(report)
    assert "Chủ trì" in str(first["summary"]) and "Sở Nội vụ" in str(first["summary"])
    description = str(first["description"])
    assert "Nguồn: Kế hoạch 12/KH-UBND – Ủy ban nhân dân tỉnh Nghệ An – 02/01/2025" in description
    support = events[1]
    assert "[Phối hợp] Sở Tài chính" in str(support["summary"])
    assert "Cơ quan chủ trì: Sở Nội vụ" in str(support["description"])


def test_recurring_duty_has_rrule_from_its_first_occurrence(report):
    quarterly = _events(report)[2]
    assert str(quarterly["uid"]) == "parlens-task-23@parlens"
    rule = quarterly["rrule"]
    assert rule["FREQ"] == ["YEARLY"] and rule["BYMONTH"] == [3, 6, 9, 12] and rule["BYMONTHDAY"] == [-1]
    assert quarterly.decoded("dtstart") == date(2025, 3, 31)  # the first quarter end after the document date
    assert "Lặp lại: hằng quý" in str(quarterly["description"])


def test_no_vtodo_and_calendar_name(report):
    data = registry.get("ics").render(report)
    assert b"BEGIN:VTODO" not in data and b"X-WR-CALNAME:Danh s" in data


@pytest.mark.parametrize("rule", [
    "FREQ=MONTHLY", "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;INTERVAL=6",
    "FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", "FREQ=WEEKLY", "FREQ=DAILY",
])
def test_calendar_days_are_the_trackers_days(rule):
    """A calendar app expanding DTSTART + RRULE lists exactly the occurrences tracking.status counts."""
    anchor, until = date(2025, 1, 10), date(2026, 12, 31)
    expected = occurrences([rule], anchor, until)
    start = datetime.combine(expected[0], datetime.min.time())
    expanded = rrulestr(period_rule(rule), dtstart=start).between(start, datetime.combine(until, datetime.min.time()), inc=True)
    assert [d.date() for d in expanded] == expected


def test_extracted_tasks_get_stable_uids_without_ids():
    tasks = [Task("Sở Nội vụ", "lead", "Báo cáo", 0, 10, deadline=Deadline("trước ngày 1/7/2026", due=date(2026, 7, 1)))]
    first = Calendar.from_ical(render(DOC.header(), tasks, "ics")).walk("VEVENT")[0]
    again = Calendar.from_ical(render(DOC.header(), tasks, "ics")).walk("VEVENT")[0]
    assert str(first["uid"]) == str(again["uid"]) and str(first["uid"]).endswith("@parlens")
    assert first.decoded("dtend") - first.decoded("dtstart") == timedelta(days=1)
