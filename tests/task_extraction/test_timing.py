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
