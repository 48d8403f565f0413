"""Looking criteria up by staff words: codes, accents, abbreviations, specificity, and what staff may read."""

from __future__ import annotations

import re

import pytest

from parlens.task_extraction.criteria.taxonomy import load_taxonomy, parse_taxonomy


@pytest.mark.parametrize(("query", "code"), [
    ("PAR.7.2", "PAR.7.2"), ("par 7.2", "PAR.7.2"), ("par7.2", "PAR.7.2"), ("PAR 7 2", "PAR.7.2"),
    ("PAR INDEX", "PAR"), ("sipas 3", "SIPAS.3"), ("PAR.99", "PAR.99"), ("ABC.1", "ABC.1"),
    ("một cửa", None), ("ai 3", None), ("xyz", None),
])
def test_code_in_reads_codes_as_typed(query, code):
    assert load_taxonomy().code_in(query) == code


def test_match_folds_accents_expands_abbreviations_and_ignores_question_words():
    tax = load_taxonomy()
    assert tax.match("dich vu cong truc tuyen")[0].code == tax.match("dịch vụ công trực tuyến")[0].code == "PAR.7.2"
    assert tax.match("DVCTT")[0].code == "PAR.7.2"  # the abbreviation of dịch vụ công trực tuyến
    # "của" folds to the same letters as "cửa": question words are dropped with their accents, not after folding
    assert tax.match("cơ quan nào phụ trách một cửa")[0].code == "PAR.3.3"
    assert tax.match("ai chịu trách nhiệm tinh giản biên chế")[0].code == "PAR.4.2"


def test_match_prefers_the_most_specific_wording_but_not_a_child_that_only_mentions_the_words():
    tax = load_taxonomy()
    assert tax.match("thu hút đầu tư")[0].code == "PAR.8.2.1"  # a sub-criterion named so, over its criterion
    assert tax.match("chính quyền điện tử")[0].code == "PAR.7"  # the field itself, not a criterion naming it in passing
    assert tax.match("cải cách thể chế")[0].code == "PAR.2"


def test_match_is_empty_for_words_no_criterion_is_about():
    tax = load_taxonomy()
    for query in ("thời tiết hôm nay", "xyz không tồn tại", "ai", "phòng cháy chữa cháy", "", "   "):
        assert tax.match(query) == [], query
    assert tax.match("PAR.99") == []


def test_match_works_on_any_taxonomy_in_the_schema():
    tax = parse_taxonomy("""
items:
- code: X
  name: Chỉ số thử nghiệm
  status: verified
  children:
  - code: X.1
    name: Quản lý chất thải rắn
    status: inferred
    keywords: [thu gom rác thải]
  - code: X.2
    name: Cấp nước sạch nông thôn
    status: verified
""")
    assert tax.match("thu gom rác")[0].code == "X.1"
    assert tax.match("nước sạch")[0].code == "X.2"
    assert tax.match("giá vàng") == []
    assert tax.status_note("X.1") == "Tên tiêu chí được dựng lại, chưa đối chiếu với văn bản gốc."
    assert tax.status_note("X.2") is None


ENGLISH_NOTE = re.compile(r"\b(possibly|merged|see|TODO|FIXME|unclear|maybe|L\d+(\.\d+)*)\b", re.I)


def test_names_staff_read_hold_no_internal_notes():
    """Only ``name`` (and the status sentence) reach the pages; English remarks belong in ``note`` or comments."""
    tax = load_taxonomy()
    leaks = [(item.code, item.name) for item in tax if ENGLISH_NOTE.search(item.name)]
    assert not leaks
    for item in tax:
        note = tax.status_note(item.code)
        assert note is None or ("chưa đối chiếu" in note or "đối chiếu được một phần" in note), item.code
