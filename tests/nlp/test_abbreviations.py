"""The abbreviation dictionary: data-driven expansion with offsets, and variants both ways."""

from __future__ import annotations

from parlens.nlp import abbreviations
from parlens.nlp.abbreviations import abbreviation_variants, expand, expand_with_offsets, folded_variants


def test_dictionary_holds_reference_and_agency_abbreviations() -> None:
    table = abbreviations.ABBREVIATIONS
    for abbr in ("CCHC", "TTHC", "CBCCVC", "NDTC", "DVCTT", "KT-XH", "TT&TT", "KH&ĐT", "UBND", "HĐND", "BCĐ", "MTTQ"):
        assert abbr in table, abbr
    assert table["NDTC"] == "người dân, tổ chức"


def test_expand_keeps_an_offset_map() -> None:
    text = "UBND tỉnh đẩy mạnh CCHC."
    new, spans = expand_with_offsets(text)
    assert new == "Ủy ban nhân dân tỉnh đẩy mạnh cải cách hành chính."
    for sp in spans:
        assert text[sp.start : sp.end] == sp.abbr and new[sp.new_start : sp.new_end] == sp.full


def test_expand_leaves_longer_words_and_codes_alone() -> None:
    assert expand("CCHCX và 12/KH-UBND") == "CCHCX và 12/KH-UBND"
    assert expand("Sở KH&ĐT") == "Sở Kế hoạch và Đầu tư"


def test_variants_both_ways() -> None:
    assert abbreviation_variants("CCHC") == {"CCHC", "cải cách hành chính"}
    assert "TTHC" in abbreviation_variants("Thủ tục hành chính")
    assert "de an ve cchc" not in folded_variants("cải cách hành chính")
    assert "cchc" in folded_variants("cải cách hành chính")
