"""Text repair: NFC, stray combining marks, TCVN3/VNI detection and exact conversion."""

from __future__ import annotations

import io
import unicodedata

import pytest

from parlens.ingest import read_bytes
from parlens.ingest.repair import decode_legacy, detect_legacy, encoding_of_font, reattach_marks, repair_lines, repair_text

from .conftest import legacy_encode

# Written for these tests: ordinary administrative prose, lower case plus the capitals TCVN3 can store.
SAMPLE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành rà soát thủ tục hành chính, "
          "nâng cao chỉ số hài lòng của người dân và doanh nghiệp; Độc lập - Tự do - Hạnh phúc.")
# TCVN3 stores no accented capitals except Ă Â Ê Ô Ơ Ư Đ, so its sample starts with "Ban".
SAMPLE_TCVN3 = ("Ban chỉ đạo tỉnh yêu cầu các sở, ban, ngành rà soát thủ tục hành chính, "
                "nâng cao chỉ số hài lòng của người dân và doanh nghiệp; Độc lập - Tự do - Hạnh phúc.")


def test_nfc_and_decomposed_sequences():
    decomposed = unicodedata.normalize("NFD", "Chỉ số cải cách hành chính")
    assert repair_text(decomposed) == "Chỉ số cải cách hành chính"


def test_stray_marks_reattached_after_space_or_line_break():
    assert repair_text("ca \u0301ch ha\u0300nh chi\n\u0301nh") == "cách hành chính"
    assert reattach_marks(" \u0301bad") == " bad"


def test_tone_placement_canonical():
    assert repair_text("hoà thuỷ") == "hòa thủy"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_round_trip_is_exact(encoding):
    text = SAMPLE_TCVN3 if encoding == "tcvn3" else SAMPLE
    legacy = legacy_encode(text, encoding)
    assert legacy != text
    assert detect_legacy(legacy) == encoding
    assert repair_text(legacy, detect=True) == repair_text(text)


def test_unicode_and_foreign_text_left_alone():
    assert detect_legacy(SAMPLE) is None
    assert detect_legacy("Señor Müller, façade à la carte") is None
    assert repair_text("Señor Müller", detect=True) == "Señor Müller"


def test_tcvn3_capital_font_lines_are_upper_cased():
    lower = legacy_encode("cộng hòa xã hội chủ nghĩa việt nam", "tcvn3")
    legacy = "".join(c.upper() if c.isascii() else c for c in lower)  # how a .VnTimeH line is stored
    assert decode_legacy(legacy, "tcvn3") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_mixed_file_detected_paragraph_by_paragraph():
    mixed = "\n".join([legacy_encode("triển khai kế hoạch năm nay", "tcvn3"), "Sở Nội vụ chủ trì",
                       legacy_encode("phối hợp với các đơn vị liên quan", "vni")])
    assert repair_lines(mixed).split("\n") == ["triển khai kế hoạch năm nay", "Sở Nội vụ chủ trì",
                                               "phối hợp với các đơn vị liên quan"]


def test_font_names():
    assert encoding_of_font("ABCDEF+.VnTime") == ("tcvn3", False)
    assert encoding_of_font(".VnTimeH") == ("tcvn3", True)
    assert encoding_of_font("VNI-Helve") == ("vni", False)
    assert encoding_of_font("Times New Roman") == (None, False)


def test_docx_runs_converted_by_font():
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Sở Nội vụ ").font.name = "Times New Roman"
    p.add_run(legacy_encode("chủ trì triển khai", "tcvn3")).font.name = ".VnTime"
    p.add_run(" ")
    p.add_run(legacy_encode("phối hợp thực hiện", "vni")).font.name = "VNI-Times"
    title = d.add_paragraph()
    title.add_run(legacy_encode("kế hoạch", "tcvn3")).font.name = ".VnTimeH"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes(buf.getvalue(), "legacy.docx")
    assert [b.text for b in doc.blocks] == ["Sở Nội vụ chủ trì triển khai phối hợp thực hiện", "KẾ HOẠCH"]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_file_in_8bit_bytes(encoding):
    text = SAMPLE_TCVN3 if encoding == "tcvn3" else SAMPLE
    data = legacy_encode(text, encoding).encode("latin-1")
    doc = read_bytes(data, f"{encoding}.txt")
    assert doc.text == repair_text(text)
    assert doc.pages[0].quality == 1.0
