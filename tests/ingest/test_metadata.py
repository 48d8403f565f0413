"""Metadata from the Nghị định 30 header layout: one golden case per layout, every field checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from parlens.ingest import read_bytes
from parlens.ingest.metadata import metadata_from_lines, parse_number

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "metadata_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_header(case):
    meta = metadata_from_lines(case["lines"])
    for field, expected in case["expect"].items():
        got = getattr(meta, field)
        if isinstance(expected, date):
            assert got == expected, field
        else:
            assert got == expected, f"{field}: {got!r}"


@pytest.mark.parametrize(
    ("number", "doc_type", "code"),
    [("1234/KH-UBND", "Kế hoạch", "UBND"), ("05/2021/QĐ-UBND", "Quyết định", "UBND"), ("12/CT-UBND", "Chỉ thị", "UBND"),
     ("45/UBND-KSTTHC", "Công văn", "UBND"), ("7/TTr-SNV", "Tờ trình", "SNV"), ("1707-CV/TU", "Công văn", "TU"),
     ("30/TB-VP", "Thông báo", "VP"), ("3/HD-SNV", "Hướng dẫn", "SNV")],
)
def test_number_symbol_gives_type_and_issuer_code(number, doc_type, code):
    assert parse_number(number) == (doc_type, code)


def test_unknown_fields_stay_none():
    meta = metadata_from_lines(["Ghi chép cuộc họp về chuyển đổi số", "Các đơn vị trao đổi kinh nghiệm."])
    assert (meta.number, meta.doc_type, meta.issuer, meta.issued_on, meta.signer, meta.province) == (None,) * 6
    assert meta.recipients == []


def test_cited_dates_in_the_body_are_not_the_issue_date():
    lines = ["UBND TỈNH HÀ TĨNH", "Số: 9/KH-UBND", "KẾ HOẠCH", "Cải cách hành chính",
             "Căn cứ Quyết định số 1/QĐ-UBND, ngày 02 tháng 01 năm 2020 của UBND tỉnh"]
    assert metadata_from_lines(lines).issued_on is None


def test_metadata_from_a_header_table_in_text():
    text = ("UBND TỈNH QUẢNG NINH        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "SỞ NỘI VỤ                    Độc lập - Tự do - Hạnh phúc\n"
            "Số: 77/HD-SNV               Quảng Ninh, ngày 8 tháng 8 năm 2024\n\n"
            "HƯỚNG DẪN\nTự đánh giá Chỉ số cải cách hành chính\n")
    meta = read_bytes(text.encode(), "hd.txt").metadata
    assert (meta.issuer, meta.issuer_parent, meta.doc_type, meta.issued_on) == (
        "SỞ NỘI VỤ", "UBND TỈNH QUẢNG NINH", "Hướng dẫn", date(2024, 8, 8))
    assert meta.title == "Hướng dẫn Tự đánh giá Chỉ số cải cách hành chính"
    assert meta.province == "Quảng Ninh"
