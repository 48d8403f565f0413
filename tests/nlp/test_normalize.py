"""Normalisation: NFC, tone placement, folding with đ -> d."""

from __future__ import annotations

import unicodedata

from parlens.nlp.normalize import fold, match_key, normalize_text


def test_tone_placement_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà bình, thuỷ lợi, quý")
    assert normalize_text(decomposed) == "Hòa bình, thủy lợi, quý"


def test_fold_maps_d_bar_and_strips_marks() -> None:
    assert fold("Đề án Chuyển đổi số") == "de an chuyen doi so"
    assert match_key("  Sở   NỘI vụ ") == "sở nội vụ"
