"""Golden cases for the extractor's general mechanisms, as data (``cases/mechanisms.jsonl``).

Each case: a text written for the project, the reference date 2026-03-01, the tasks it must yield
(agency, role, the opening words of the task, the devset deadline code) and phrases no task may contain.
With ``"exact": true`` no other task may be extracted.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parlens.nlp.normalize import fold
from parlens.task_extraction import timing
from parlens.task_extraction.extract import extract_tasks
from parlens.task_extraction.textdoc import document_from_text

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "mechanisms.jsonl").read_text("utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_mechanism_case(case):
    tasks = extract_tasks(document_from_text(case["text"]), ref_date=date(2026, 3, 1))
    got = [(t.agency, t.role, fold(t.task), timing.to_gold_code(t.deadline)) for t in tasks]
    for agency, role, opening, deadline in case["expect"]:
        hits = [g for g in got if g[0] == agency and g[1] == role and g[2].startswith(fold(opening))]
        assert hits, f"{case['id']}: no task {agency!r}/{role} starting {opening!r} in {got}"
        assert hits[0][3] == deadline, f"{case['id']}: deadline {hits[0][3]!r} != {deadline!r}"
    for phrase in case.get("forbid", []):
        assert not [g for g in got if fold(phrase) in g[2]], f"{case['id']}: {phrase!r} became a task: {got}"
    if case.get("exact"):
        assert len(got) == len(case["expect"]), f"{case['id']}: extra tasks {got}"


def test_members_of_an_elliptical_list_resolve_at_the_level_of_their_list():
    text = ("II. TỔ CHỨC THỰC HIỆN\n1. Các Bộ: Tài chính, Y tế khẩn trương khắc phục các bất cập của hệ thống, "
            "hoàn thành trong tháng 11 năm 2026.\n2. Giám đốc các Sở: Nội vụ, Tư pháp rà soát thủ tục hành chính.\n")
    got = {(t.agency, t.agency_id) for t in extract_tasks(document_from_text(text), ref_date=date(2026, 3, 1))}
    assert got == {("Tài chính", "bo-tai-chinh"), ("Y tế", "bo-y-te"), ("Nội vụ", "so-noi-vu"), ("Tư pháp", "so-tu-phap")}
