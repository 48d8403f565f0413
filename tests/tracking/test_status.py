"""Status, timeliness on boundary dates, and the occurrences of recurring duties."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from parlens.tracking import edits, gold, status
from parlens.tracking.status import current_occurrence, occurrence_window, occurrences, parse_status, timeliness

DUE = date(2025, 10, 15)


@pytest.mark.parametrize(
    ("state", "completed", "on", "expected"),
    [
        ("chua_thuc_hien", None, date(2025, 10, 14), "chua_den_han"),
        ("chua_thuc_hien", None, DUE, "chua_den_han"),  # due today is not late yet
        ("chua_thuc_hien", None, date(2025, 10, 16), "qua_han"),
        ("dang_thuc_hien", None, date(2025, 10, 16), "qua_han"),
        ("hoan_thanh", DUE, date(2026, 1, 1), "dung_han"),  # done on the due date
        ("hoan_thanh", date(2025, 10, 16), date(2025, 10, 16), "hoan_thanh_qua_han"),
        ("hoan_thanh", date(2025, 10, 1), date(2025, 9, 1), "dung_han"),
    ],
)
def test_timeliness_on_boundary_dates(state: str, completed: date | None, on: date, expected: str) -> None:
    assert timeliness(DUE, state, completed, on) == expected


def test_no_due_date_has_no_timeliness_unless_done() -> None:
    assert timeliness(None, "chua_thuc_hien", None, DUE) is None
    assert timeliness(None, "hoan_thanh", DUE, DUE) == "dung_han"


def test_parse_status_reads_codes_and_labels() -> None:
    assert parse_status("ĐANG THỰC HIỆN") == "dang_thuc_hien"
    assert parse_status("chua-thuc-hien".replace("-", " ")) == "chua_thuc_hien"
    with pytest.raises(ValueError, match="Hoàn thành"):
        parse_status("xong")


def test_periods_without_a_day_are_due_on_their_last_day() -> None:
    year = (date(2025, 1, 1), date(2025, 12, 31))
    assert occurrences(["FREQ=MONTHLY;INTERVAL=6"], *year) == [date(2025, 6, 30), date(2025, 12, 31)]
    assert occurrences(["FREQ=YEARLY"], *year) == [date(2025, 12, 31)]
    assert occurrences(["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"], *year) == [date(2025, 12, 15)]
    monthly = occurrences(["FREQ=MONTHLY"], date(2025, 1, 1), date(2025, 3, 31))
    assert monthly == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    both = occurrences(["FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;INTERVAL=6"], *year)
    assert both == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]  # one per day
    assert occurrences(["FREQ=NONSENSE"], *year) == []


def test_occurrence_window_is_bounded_and_ends_with_the_next_one() -> None:
    window = occurrence_window(["FREQ=MONTHLY;BYMONTHDAY=15"], date(2019, 1, 1), date(2025, 10, 20))
    assert window[-1] == date(2025, 11, 15)
    assert len(window) == 13  # a year back, not six years of monthly reports
    assert all(d < date(2025, 10, 20) for d in window[:-1])


def test_current_occurrence_shows_the_late_period_then_the_next() -> None:
    quarterly = ["FREQ=MONTHLY;INTERVAL=3"]
    anchor = date(2025, 2, 1)
    assert current_occurrence(quarterly, anchor, date(2025, 3, 31)) == date(2025, 3, 31)  # due today
    assert current_occurrence(quarterly, anchor, date(2025, 4, 2)) == date(2025, 3, 31)  # late
    assert current_occurrence(quarterly, anchor, date(2025, 4, 2), {date(2025, 3, 31)}) == date(2025, 6, 30)
    assert current_occurrence(quarterly, date(2025, 12, 1), date(2025, 11, 1)) == date(2025, 12, 31)  # before start


@pytest.mark.parametrize("module", [status, edits, gold])
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
