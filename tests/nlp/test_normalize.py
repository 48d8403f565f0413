"""Normalisation: NFC, tone placement, folding with đ -> d (one table, three readers)."""

from __future__ import annotations

import unicodedata

from parlens.nlp.normalize import fold, fold_aligned, fold_aligned_table, fold_token, match_key, normalize_text


def test_tone_placement_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà bình, thuỷ lợi, quý")
    assert normalize_text(decomposed) == "Hòa bình, thủy lợi, quý"


def test_fold_maps_d_bar_and_strips_marks() -> None:
    assert fold("Đề án Chuyển đổi số") == "de an chuyen doi so"
    assert match_key("  Sở   NỘI vụ ") == "sở nội vụ"


def _fold_by_decomposition(text: str) -> str:
    """The definition folding had before the table: NFC, lower, NFD, no combining marks, đ -> d."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d")


def test_the_fold_table_equals_the_definition_on_every_bmp_character() -> None:
    chars = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    assert [fold(c) for c in chars] == [_fold_by_decomposition(c) for c in chars]
    text = "ĐẨY MẠNH Cải cách thủ tục hành chính, " + unicodedata.normalize("NFD", "khoẻ, quý, Thuỷ") + " ΟΔΟΣ İ"
    assert fold(text) == _fold_by_decomposition(text)


def test_fold_token_and_fold_aligned_read_the_same_table() -> None:
    text = "Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Nội vụ (SNV) — 15/12/2026"
    assert fold_token("Đắk") == fold("Đắk") == "dak"
    aligned = fold_aligned(text)
    assert len(aligned) == len(text) and aligned == fold(text)
    assert fold_aligned("Ω Ж ǅ") == "Ω Ж ǆ"  # Greek and Cyrillic stay as written (as before the table)
    assert fold("Ω Ж") == "ω ж"
    assert all(len(v) == 1 and fold(chr(k)) == v for k, v in fold_aligned_table().items())


def test_the_deadline_grammar_folds_with_the_same_table() -> None:
    from parlens.nlp.deadlines import _fold_table, _fold_with_offsets

    assert {k: v for k, v in _fold_table().items() if v not in "- "} == fold_aligned_table()
    folded, index = _fold_with_offsets(unicodedata.normalize("NFD", "Trước ngày 15/12"))
    assert folded == "truoc ngay 15/12" and index is not None and len(index) == len(folded) + 1


def test_docstring_examples() -> None:
    import doctest

    from parlens.nlp import normalize

    result = doctest.testmod(normalize)
    assert result.attempted > 0 and result.failed == 0
