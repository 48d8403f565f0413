"""Tests of the deadline grammar: golden cases (tests/nlp/cases/deadlines.jsonl), offsets, gold codes."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from parlens.nlp.deadlines import (
    DECOY_KINDS,
    DeadlineMention,
    find_deadlines,
    from_gold_code,
    parse_deadline,
    to_gold_code,
)

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "deadlines.jsonl").read_text("utf-8").splitlines() if line.strip()]
CELL_CASES = [c for c in CASES if c["mode"] == "cell"]
FIND_CASES = [c for c in CASES if c["mode"] == "find"]


def test_enough_golden_cases() -> None:
    assert len(CASES) >= 120


@pytest.mark.parametrize("case", CELL_CASES, ids=[c["input"][:40] or "<empty>" for c in CELL_CASES])
def test_cell_case(case: dict) -> None:
    ref = date.fromisoformat(case["ref_date"])
    m = parse_deadline(case["input"], ref_date=ref)
    if case["code"] is None and case["decoy"] is None:
        assert m is None or (m.decoy is None and to_gold_code(m) is None), m
        return
    assert m is not None
    assert to_gold_code(m) == case["code"]
    assert m.decoy == case["decoy"]
    assert case["input"][m.start : m.end] == m.text
    if case["text"] is not None:
        assert m.text == case["text"]
    if m.decoy:
        assert m.decoy in DECOY_KINDS and m.due is None and not m.recurrence and m.within is None


@pytest.mark.parametrize("case", FIND_CASES, ids=[c["input"][:40] for c in FIND_CASES])
def test_find_case(case: dict) -> None:
    text = case["input"]
    found = find_deadlines(text, ref_date=date.fromisoformat(case["ref_date"]))
    got = [(m.text, to_gold_code(m), m.decoy) for m in found]
    want = [(m["text"], m["code"], m["decoy"]) for m in case["mentions"]]
    assert got == want
    for m in found:
        assert text[m.start : m.end] == m.text


def test_offsets_point_into_multi_sentence_text() -> None:
    text = (
        "I. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì rà soát, hoàn thành trước ngày 31/3/2026.\n"
        "2. Các sở, ban, ngành báo cáo định kỳ hằng quý; UBND các xã thực hiện trong 05 ngày làm việc.\n"
        "3. Văn phòng UBND tỉnh tổng hợp trong Quý III/2026."
    )
    found = find_deadlines(text, ref_date=date(2026, 1, 10))
    assert [m.text for m in found] == [
        "hoàn thành trước ngày 31/3/2026",
        "định kỳ hằng quý",
        "trong 05 ngày làm việc",
        "trong Quý III/2026",
    ]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert found[0].start == text.index("hoàn thành")
    assert found[3].due == date(2026, 9, 30)
    assert found[2].working_time and found[2].within == "P5D"


def test_nfd_input_keeps_original_offsets() -> None:
    nfc = "Sở Tư pháp hoàn thành trước ngày 15/12/2026, báo cáo hằng năm."
    nfd = unicodedata.normalize("NFD", nfc)
    a = find_deadlines(nfc)
    b = find_deadlines(nfd)
    assert [to_gold_code(m) for m in a] == [to_gold_code(m) for m in b] == ["2026-12-15", "R/annual"]
    for m in b:
        assert nfd[m.start : m.end] == m.text
        assert unicodedata.normalize("NFC", m.text) == a[b.index(m)].text


def test_missing_year_without_ref_date_gives_no_due() -> None:
    m = parse_deadline("trước ngày 15/10")
    assert m is not None and m.decoy is None and m.due is None
    assert parse_deadline("trước ngày 15/10", ref_date=date(2030, 5, 1)).due == date(2030, 10, 15)


def test_rrules_follow_design_conventions() -> None:
    assert parse_deadline("hằng quý").recurrence == ("FREQ=MONTHLY;INTERVAL=3",)
    assert parse_deadline("Định kỳ 06 tháng").recurrence == ("FREQ=MONTHLY;INTERVAL=6",)
    assert parse_deadline("trước ngày 20 hằng tháng").recurrence == ("FREQ=MONTHLY;BYMONTHDAY=20",)
    assert parse_deadline("trước ngày 15/12 hằng năm").recurrence == ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",)
    assert parse_deadline("hằng tuần").recurrence == ("FREQ=WEEKLY",)


def test_mention_is_frozen_and_shaped_as_contract() -> None:
    m = parse_deadline("Quý II/2026")
    assert [f.name for f in dataclasses.fields(DeadlineMention)] == [
        "start", "end", "text", "due", "recurrence", "within", "working_time", "decoy", "rule",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.due = None  # type: ignore[misc]
    assert m.rule == "quarter"


@pytest.mark.parametrize(
    "code",
    [
        "2021-10-15", "R/quarterly", "R/semiannual", "R/annual", "R/annual--12-15", "R/monthly", "R/monthly---20",
        "R/daily;R/weekly", "REL/P5D-working", "REL/PT8H-working", "REL/P10D", "R/annual--06-01;R/annual--11-15",
    ],
)
def test_gold_code_round_trip(code: str) -> None:
    m = from_gold_code(code)
    assert m is not None and m.decoy is None
    assert to_gold_code(m) == code


def test_from_gold_code_values() -> None:
    assert from_gold_code(None) is None
    assert from_gold_code("2030-12-31").due == date(2030, 12, 31)
    m = from_gold_code("REL/PT8H-working")
    assert (m.within, m.working_time) == ("PT8H", True)
    assert from_gold_code("R/monthly---20").recurrence == ("FREQ=MONTHLY;BYMONTHDAY=20",)
    with pytest.raises(ValueError):
        from_gold_code("R/annual;X/unknown")


def test_decoys_never_yield_gold_codes() -> None:
    for text in ("Thường xuyên", "Khi có phát sinh", "Từ 01/7/2025", "Đề án giai đoạn 2021 - 2025"):
        m = parse_deadline(text)
        assert m is not None and m.decoy is not None
        assert to_gold_code(m) is None


def test_period_in_a_time_cell_ends_the_period_but_in_prose_is_a_decoy() -> None:
    assert to_gold_code(parse_deadline("Giai đoạn 2026 - 2030")) == "2030-12-31"
    (m,) = find_deadlines("Triển khai Đề án giai đoạn 2026 - 2030 trên địa bàn tỉnh.")
    assert m.decoy == "period" and m.text == "giai đoạn 2026 - 2030"
    # a flattened table row keeps the time column as a deadline
    (cell,) = find_deadlines("Sở Nội vụ | Rà soát thủ tục | 2026 - 2030")
    assert cell.decoy is None and cell.due == date(2030, 12, 31)


def test_budget_cycle_is_not_a_deadline() -> None:
    found = find_deadlines("Bố trí dự toán ngân sách hằng năm; Ban Chỉ đạo họp hằng năm.")
    assert [(m.decoy, to_gold_code(m)) for m in found] == [("period", None), (None, "R/annual")]


def test_labels_mark_a_deadline_without_joining_its_span() -> None:
    (m,) = find_deadlines("Thời hạn hoàn thành: 30/6/2026.")
    assert (m.text, m.due) == ("30/6/2026", date(2026, 6, 30))


def test_docstring_examples_hold() -> None:
    import doctest

    import parlens.nlp.deadlines as module

    result = doctest.testmod(module)
    assert result.attempted >= 6 and result.failed == 0
