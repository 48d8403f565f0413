"""The syllable validator and the per-page quality score that decides OCR."""

from __future__ import annotations

import pytest

from parlens.ingest.syllables import is_valid_syllable, syllable_counts, text_quality


@pytest.mark.parametrize("word", ["nghiệp", "quyết", "gì", "giữ", "người", "được", "thủy", "hóa", "khỏe", "Việt",
                                  "khuỷu", "ngoằn", "xoong", "ĐỘC", "yêu", "uyên", "kế", "ghế", "của"])
def test_valid_syllables(word):
    assert is_valid_syllable(word)


@pytest.mark.parametrize("word", ["Céng", "hoµ", "kan", "ghà", "ngi", "cé", "tráp̀", "bắc̀", "xyz", "online", "tráp"[0:3] + "c̀"])
def test_invalid_syllables(word):
    assert not is_valid_syllable(word)


def test_stop_coda_takes_only_sac_or_nang():
    assert is_valid_syllable("học") and is_valid_syllable("cấp")
    assert not is_valid_syllable("hòc") and not is_valid_syllable("cấp".replace("ấ", "ầ"))


def test_acronyms_are_not_counted():
    assert syllable_counts("UBND và HĐND tỉnh") == (2, 2)


def test_quality_separates_unicode_from_legacy_garbage():
    good = "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành triển khai kế hoạch cải cách hành chính"
    garbage = "Uû ban nh©n d©n tØnh yªu cÇu c¸c së, ban, ngµnh triÓn khai kÕ ho¹ch c¶i c¸ch hµnh chÝnh"
    assert text_quality(good) == 1.0
    assert text_quality(garbage) < 0.6
    assert text_quality("") == 0.0


def test_rhyme_on_is_a_rhyme_not_a_yaml_boolean():
    from parlens.ingest.repair import repair_text

    assert all(is_valid_syllable(w) for w in ["con", "còn", "đón", "bón", "hỏn"])
    assert repair_text("đón sinh viên vào thực tập", detect=True) == "đón sinh viên vào thực tập"
