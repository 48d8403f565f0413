"""The highlighter marks only what matched the query: whole syllables, accents as typed, terms where they stand together."""

from __future__ import annotations

import pytest

from parlens.search_index.analysis import analyze_query
from parlens.search_index.highlight import highlight, query_marks, query_spans


def marked(text: str, query: str, *, exact: bool = False) -> list[str]:
    return [text[s:e] for s, e in query_spans(text, query_marks(analyze_query(query, expand=not exact), exact=exact))]


GROUNDS = "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 87/TTr-SNV; Chỉ số cải cách tăng so với năm trước."


def test_an_accented_term_marks_that_syllable_only():
    assert marked(GROUNDS, "Sở Nội vụ") == ["Sở", "Nội", "vụ", "SNV"]  # not "số", "so" (they only fold alike)
    assert marked("SỞ NỘI VỤ TỈNH", "sở nội vụ") == ["SỞ", "NỘI", "VỤ"]  # case does not matter


def test_unrelated_syllables_that_fold_alike_are_not_marked():
    text = "Đẩy mạnh tuyên truyền, tái cấu trúc quy trình; Cộng hòa; cung cấp dịch vụ công trực tuyến toàn trình."
    assert marked(text, "dịch vụ công trực tuyến") == ["dịch", "vụ", "công", "trực", "tuyến"]
    assert marked(text, "dịch vụ công trực tuyến toàn trình")[-2:] == ["toàn", "trình"]


def test_a_term_typed_without_accents_marks_every_fold_but_prefers_the_phrase():
    assert marked(GROUNDS, "so noi vu") == ["Sở", "Nội", "vụ", "SNV"]  # "số", "so" stand alone: the phrase is here
    assert marked("Chỉ số cải cách hành chính", "chi so") == ["Chỉ", "số"]
    assert marked("Báo cáo số liệu; sổ sách", "so") == ["số", "sổ"]


def test_a_term_alone_is_marked_only_when_it_never_stands_with_its_neighbours():
    text = "Sở Tư pháp phối hợp với Sở Nội vụ; Trung tâm Phục vụ hành chính công."
    assert marked(text, "Sở Nội vụ") == ["Sở", "Nội", "vụ"]  # not the "Sở" of Sở Tư pháp, not "Phục vụ"
    scattered = "Hồ sơ tiếp nhận trực tuyến; giải quyết toàn trình tại xã."
    assert marked(scattered, "hồ sơ trực tuyến toàn trình") == ["Hồ", "sơ", "trực", "tuyến", "toàn", "trình"]
    assert marked("Giao Sở Tài chính; Bộ Nội vụ hướng dẫn.", "Sở Nội vụ") == ["Sở", "Nội", "vụ"]  # none together: each alone


def test_abbreviations_mark_their_other_spelling_whole():
    text = "Rà soát TTHC; đơn giản hóa thủ tục hành chính nội bộ; thủ quỹ làm thủ tục."
    assert marked(text, "TTHC") == ["TTHC", "thủ", "tục", "hành", "chính"]  # not "thủ quỹ", "thủ tục" alone
    # typed out, two of its terms together ("thủ tục") are marked too, a lone one ("thủ quỹ") is not
    assert marked(text, "thủ tục hành chính") == ["TTHC", "thủ", "tục", "hành", "chính", "thủ", "tục"]


def test_never_part_of_a_syllable():
    text = "Đề án danh mục; an toàn thông tin; bản án"
    assert marked(text, "an") == ["án", "an", "án"]  # not inside "danh"
    assert marked(text, "án") == ["án", "án"]


def test_a_passage_written_without_diacritics_is_marked_by_the_fold():
    text = "So Noi vu tinh Ha Nam tong hop bao cao so lieu"
    assert marked(text, "Sở Nội vụ") == ["So", "Noi", "vu"]


def test_syllable_mode_marks_terms_exactly_as_typed():
    text = "Sở Nội vụ; so sánh số liệu"
    assert marked(text, "Sở", exact=True) == ["Sở"]
    assert marked(text, "so", exact=True) == ["so"]


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_an_empty_query_marks_nothing(query):
    assert marked(GROUNDS, query) == []


def test_snippet_marks_and_offsets_agree():
    text = "Cải cách thủ tục hành chính; thu phí, tục lệ."
    spans, snippet = highlight(text, 100, query_marks(analyze_query("thủ tục")))
    assert [text[s - 100:e - 100] for s, e in spans] == ["thủ", "tục"]
    assert snippet == "Cải cách <mark>thủ</mark> <mark>tục</mark> hành chính; thu phí, tục lệ."
