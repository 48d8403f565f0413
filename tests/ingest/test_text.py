"""Plain-text reader: encodings, paragraphs, numbering and levels, offsets."""

from __future__ import annotations

import codecs

import pytest

from parlens.errors import ParlensError
from parlens.ingest import read_bytes
from parlens.ingest.text import decode_text

PLAN = ("KẾ HOẠCH\nThực hiện nhiệm vụ cải cách hành chính năm 2026\n\n"
        "I. MỤC TIÊU\n1. Nâng cao chỉ số hài lòng.\n1.1. Khảo sát định kỳ.\n"
        "a) Sở Nội vụ chủ trì;\n- Lập phiếu khảo sát;\n+ In phiếu.\nĐiều 2. Tổ chức thực hiện\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
def test_encodings_decode_to_the_same_text(encoding):
    data = _cp1258(PLAN) if encoding == "cp1258" else PLAN.encode(encoding)
    doc = read_bytes(data, "kh.txt")
    assert doc.blocks[0].text == "KẾ HOẠCH"
    assert "Thực hiện nhiệm vụ cải cách hành chính năm 2026" in doc.text


def _cp1258(text: str) -> bytes:
    """Vietnamese Windows code page: precomposed base letter (Ê, Ơ, ...) plus a combining tone byte."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_utf16_without_bom_is_recognised():
    text, encoding = decode_text(PLAN.encode("utf-16-le"))
    assert encoding == "utf-16-le" and text.startswith("KẾ HOẠCH")


def test_undecodable_bytes_raise_e008():
    data = bytes(range(0x80, 0x100)) * 4  # no UTF-8, undefined in cp1258, no Vietnamese under TCVN3/VNI
    with pytest.raises(ParlensError) as err:
        read_bytes(data, "broken.txt")
    assert err.value.code == "PARLENS-E008"


def test_blocks_numbering_levels_and_offsets():
    doc = read_bytes(PLAN.encode(), "kh.txt")
    got = [(b.kind, b.level, b.numbering) for b in doc.blocks]
    assert got == [
        ("heading", 0, None), ("paragraph", 0, None), ("heading", 1, "I."), ("list_item", 2, "1."),
        ("list_item", 3, "1.1."), ("list_item", 4, "a)"), ("list_item", 5, "-"), ("list_item", 6, "+"),
        ("heading", 2, "Điều 2."),
    ]
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
    assert doc.media_type == "text/plain" and doc.size == len(PLAN.encode())
    assert len(doc.sha256) == 64


def test_hard_wrapped_lines_are_joined():
    text = ("Các sở, ban, ngành tiếp tục rà soát, đơn giản hóa thủ tục hành chính và\n"
            "công khai kết quả trên cổng dịch vụ công.\nSở Nội vụ tổng hợp.")
    doc = read_bytes(text.encode(), "a.txt")
    assert [b.text for b in doc.blocks] == [
        "Các sở, ban, ngành tiếp tục rà soát, đơn giản hóa thủ tục hành chính và công khai kết quả trên cổng dịch vụ công.",
        "Sở Nội vụ tổng hợp."]


def test_bom_is_not_in_text():
    doc = read_bytes(codecs.BOM_UTF8 + "Kế hoạch".encode(), "a.txt")
    assert doc.text == "Kế hoạch"


def test_pipe_laid_header_and_markdown_emphasis_are_columns():
    text = ("**UBND TỈNH CAO BẰNG** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |\n"
            "SỞ NỘI VỤ | Độc lập - Tự do - Hạnh phúc |\n"
            "Số: 31/TB-SNV | *Cao Bằng, ngày 7\ntháng 5 năm 2025* |\n\nTHÔNG BÁO\nKết luận của Giám đốc Sở\n")
    doc = read_bytes(text.encode(), "tb.txt")
    assert [b.text for b in doc.blocks[:3]] == ["UBND TỈNH CAO BẰNG", "SỞ NỘI VỤ", "Số: 31/TB-SNV"]
    assert "Cao Bằng, ngày 7 tháng 5 năm 2025" in doc.text and "*" not in doc.text
    m = doc.metadata
    assert (m.issuer, m.issuer_parent, m.number, m.doc_type) == ("SỞ NỘI VỤ", "UBND TỈNH CAO BẰNG", "31/TB-SNV", "Thông báo")
    assert m.issued_on.isoformat() == "2025-05-07" and m.province == "Cao Bằng"


def test_legacy_encodings_warn_w004_unicode_does_not():
    assert read_bytes(_cp1258(PLAN), "kh.txt").warnings == ["PARLENS-W004 decoded as cp1258"]
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le"):
        assert read_bytes(PLAN.encode(encoding), "kh.txt").warnings == [], encoding
