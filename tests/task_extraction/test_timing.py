"""Deadline cells and the devset deadline codes."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.model import Deadline
from parlens.task_extraction.timing import parse_cell, to_gold_code


@pytest.mark.parametrize("cell, due", [
    ("2026 - 2030", date(2030, 12, 31)),
    ("2026", date(2026, 12, 31)),
    ("Quý IV/2025", date(2025, 12, 31)),
    ("Tháng 12/2025", date(2025, 12, 31)),
])
def test_time_cells(cell, due):
    assert parse_cell(cell).due == due


@pytest.mark.parametrize("deadline, code", [
    (Deadline("x", due=date(2025, 12, 31)), "2025-12-31"),
    (Deadline("x", recurrence=["FREQ=YEARLY"]), "R/annual"),
    (Deadline("x", recurrence=["FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"]), "R/annual--11-15"),
    (Deadline("x", recurrence=["FREQ=MONTHLY;INTERVAL=6"]), "R/semiannual"),
    (Deadline("x", recurrence=["FREQ=DAILY", "FREQ=WEEKLY"]), "R/daily;R/weekly"),
    (Deadline("x", recurrence=["FREQ=MONTHLY;BYMONTHDAY=20"]), "R/monthly---20"),
    (Deadline("x", within="PT8H", working_time=True), "REL/PT8H-working"),
    (None, None),
])
def test_gold_codes(deadline, code):
    assert to_gold_code(deadline) == code


def test_cells_go_through_the_one_grammar():
    """Cells are read by parlens.nlp.deadlines: starts and events keep their text with no value."""
    from parlens.nlp.deadlines import DeadlineMention

    start = parse_cell("Từ 01/7/2025")
    assert isinstance(start, DeadlineMention) and start.decoy == "start_date" and start.due is None
    assert to_gold_code(parse_cell("Hằng quý")) == "R/quarterly"
    assert parse_cell("2026 - 2027").due == date(2027, 12, 31)


def test_merge_joins_stacked_recurrences():
    from parlens.task_extraction.timing import find, merge

    text = "báo cáo định kỳ hằng quý, 6 tháng và hằng năm"
    real = [m for m in find(text, date(2026, 1, 1)) if m.decoy is None]
    merged = merge(real, text)
    assert to_gold_code(merged) == "R/quarterly;R/semiannual;R/annual"
    assert text[merged.start:merged.end] == merged.text


def test_notice_period_is_flagged_as_a_lead_time():
    from datetime import date as _date

    from parlens.task_extraction import timing as _timing
    found = _timing.find("gửi giấy mời trước ít nhất 05 ngày làm việc; hoàn thành trong 10 ngày làm việc", _date(2026, 3, 1))
    assert [(m.decoy, m.within) for m in found] == [("lead_time", None), (None, "P10D")]
