"""The numbering grammar over golden cases in tests/nlp/cases/numbering.jsonl, and its outline ranks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parlens.nlp.numbering import (
    RULES, STYLES, is_numbered, is_only_numbering, match_numbering, numbering_level, numbering_style, rank,
)

CASES = [json.loads(x) for x in (Path(__file__).parent / "cases" / "numbering.jsonl").read_text(encoding="utf-8").splitlines()]
MATCHES = [c for c in CASES if c["kind"] == "match"]
LABELS = [c for c in CASES if c["kind"] == "style"]


@pytest.mark.parametrize("case", MATCHES, ids=[f"{c['family']}-{c['text'][:24]}" for c in MATCHES])
def test_match_numbering_golden(case: dict) -> None:
    m = match_numbering(case["text"], **case.get("options", {}))
    if case["label"] is None:
        assert m is None, m
        return
    assert m is not None
    assert (m.label, m.style, m.level) == (case["label"], case["style"], case["level"])
    assert case["text"][m.start:m.end] == m.label
    assert m.end <= m.body <= len(case["text"])


@pytest.mark.parametrize("case", LABELS, ids=[f"{c['family']}-{c['label']}" for c in LABELS])
def test_numbering_style_golden(case: dict) -> None:
    assert numbering_style(case["label"]) == case["style"]


def test_every_rule_matches_its_own_examples() -> None:
    for rule in RULES:
        for example in rule.examples:
            m = match_numbering(example + " Nội dung")
            assert m is not None and m.style == rule.style and m.label == example, (rule.style, example, m)


def test_ranks_order_the_outline() -> None:
    assert rank("part") < rank("roman") < rank("arabic") < rank("arabic_nested") < rank("letter") < rank("bullet") < rank("sub_bullet")
    assert rank("article") == rank("arabic") and rank("upper_letter") == rank("part")
    assert {s for s in STYLES} == {r.style for r in RULES}
    assert match_numbering("a) Ý").rank == rank("letter")


def test_body_skips_spaces_and_emphasis() -> None:
    text = "**II. NHIỆM VỤ**"
    m = match_numbering(text)
    assert text[m.body:] == "NHIỆM VỤ**"


def test_offsets_inside_a_longer_text() -> None:
    text = "Mở đầu.\n  b) Sở Tư pháp phối hợp."
    m = match_numbering(text, 8)
    assert (text[m.start:m.end], m.body) == ("b)", 13)
    assert match_numbering(text, 8, 12) is not None and match_numbering(text, 8, 11) is None and match_numbering(text, 0) is None


def test_only_numbering_and_is_numbered() -> None:
    assert is_only_numbering("2.") and is_only_numbering("**II. **") and not is_only_numbering("2. Nhiệm vụ")
    assert not is_only_numbering("1.104")  # a number, not a label
    assert is_numbered("- Tuyên truyền") and not is_numbered("1.000 hồ sơ")
    assert not is_numbered("(1) Ban hành", styles=("arabic",))


def test_levels_of_labels() -> None:
    assert [numbering_level(x) for x in ("Phần I", "II.", "Điều 3.", "3.", "1.2.", "1.2.3.", "a)", "-", "+", "Sở")] == [
        1, 1, 2, 2, 3, 4, 4, 5, 6, None]


def test_unknown_style_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown numbering styles"):
        match_numbering("1. A", styles=("arabic", "decimal"))


def test_docstring_examples() -> None:
    import doctest

    from parlens.nlp import numbering

    result = doctest.testmod(numbering)
    assert result.attempted > 0 and result.failed == 0
