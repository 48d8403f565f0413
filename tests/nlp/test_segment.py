"""Sentence and clause segmentation over golden cases in tests/nlp/cases/segment.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parlens.nlp.segment import numbering_of, split_clauses, split_sentences

CASES = [json.loads(x) for x in (Path(__file__).parent / "cases" / "segment.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{c['family']}" for c in CASES])
def test_segmentation_golden(case: dict) -> None:
    text = case["text"]
    got = split_sentences(text) if case["kind"] == "sentences" else split_clauses(text)
    assert [list(s) for s in got] == case["spans"], [text[s:e] for s, e in got]


def test_clauses_inside_a_sentence_use_absolute_offsets() -> None:
    text = "Mở đầu. Sở Nội vụ tổng hợp; Sở Tài chính thẩm định."
    (s1, e1), (s2, e2) = split_sentences(text)
    clauses = split_clauses(text, s2, e2)
    assert [text[s:e] for s, e in clauses] == ["Sở Nội vụ tổng hợp", "Sở Tài chính thẩm định."]
    assert clauses[0][0] == s2


def test_numbering_of() -> None:
    text = "1.2. Nội dung\na) Ý\n- Gạch"
    assert [numbering_of(text, s, e) for s, e in split_sentences(text)] == ["1.2.", "a)", "-"]


def test_empty_and_whitespace_text() -> None:
    assert split_sentences("") == [] and split_sentences(" \n\n ") == []
    assert split_clauses("   ") == []


def test_colon_ends_option_keeps_a_list_broken_after_its_colon():
    text = "Giám đốc các Sở:\nNội vụ, Tư pháp rà soát quy trình.\nSở Y tế báo cáo."
    default = [text[s:e] for s, e in split_sentences(text)]
    assert default[0] == "Giám đốc các Sở:"
    joined = [text[s:e] for s, e in split_sentences(text, colon_ends=False)]
    assert joined == ["Giám đốc các Sở:\nNội vụ, Tư pháp rà soát quy trình.", "Sở Y tế báo cáo."]
