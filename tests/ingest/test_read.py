"""read_document/read_bytes entry points: type sniffing by content and every bad-input code."""

from __future__ import annotations

import pytest

from parlens.errors import CATALOGUE, ParlensError
from parlens.ingest import read_bytes, read_document
from parlens.ingest.sniff import sniff
from parlens.settings import Settings

HTML = "<!doctype html><html><head><title>Thông báo</title></head><body><article><h1>Thông báo lịch tiếp công dân</h1><p>Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND xã trong tháng 10 năm 2025 tại trụ sở.</p></article></body></html>"


def _code(call) -> str:
    with pytest.raises(ParlensError) as err:
        call()
    assert err.value.code in CATALOGUE
    assert err.value.hint  # every error says what to do
    return err.value.code


def test_empty_and_blank_files_e001(write):
    assert _code(lambda: read_document(write("empty.pdf", b""))) == "PARLENS-E001"
    assert _code(lambda: read_bytes(b"  \r\n\t ", "blank.txt")) == "PARLENS-E001"


def test_too_large_e004_before_reading(write):
    path = write("big.txt", "Kế hoạch ".encode() * 200)
    settings = Settings(max_file_bytes=1000)
    assert _code(lambda: read_document(path, settings=settings)) == "PARLENS-E004"
    assert _code(lambda: read_bytes(path.read_bytes(), "big.txt", settings=settings)) == "PARLENS-E004"


def test_missing_path_or_folder_e010(tmp_path):
    assert _code(lambda: read_document(tmp_path / "khong-co.pdf")) == "PARLENS-E010"
    assert _code(lambda: read_document(tmp_path)) == "PARLENS-E010"


def test_unknown_binary_e002():
    assert _code(lambda: read_bytes(b"\x00\x01\x02\x03\xfe\xfd" * 100, "data.bin")) == "PARLENS-E002"
    assert _code(lambda: read_bytes(b"{\\rtf1\\ansi Ke hoach}", "kh")) == "PARLENS-E002"


def test_unreadable_content_under_another_name_e011():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "Kế hoạch")
    assert _code(lambda: read_bytes(buf.getvalue(), "ke-hoach.pdf")) == "PARLENS-E011"
    assert _code(lambda: read_bytes(b"{\\rtf1\\ansi Ke hoach}", "kh.txt")) == "PARLENS-E011"
    assert _code(lambda: read_bytes(bytes(range(256)) * 4, "ke-hoach.pdf")) == "PARLENS-E003"


def test_legacy_ole_doc_e012():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert _code(lambda: read_bytes(data, "cong-van.doc")) == "PARLENS-E012"


def test_pdf_that_is_html_is_read_as_html_with_a_warning():
    doc = read_bytes(HTML.encode(), "thong-bao.pdf")
    assert doc.media_type == "text/html"
    assert "Thông báo lịch tiếp công dân" in doc.text
    assert doc.warnings and doc.warnings[0].startswith("PARLENS-E011")


def test_docx_named_txt_is_read_as_docx(official_docx):
    doc = read_bytes(official_docx, "cong-van.txt")
    assert doc.media_type.endswith("wordprocessingml.document")
    assert doc.metadata.number == "45/VP-KSTTHC"
    assert "PARLENS-E011" in doc.warnings[0]


def test_correctly_named_files_have_no_mislabel_warning(official_pdf):
    assert not any("E011" in w for w in read_bytes(official_pdf, "kh.pdf").warnings)


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n", "pdf"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"\x89PNG\r\n\x1a\n....", "image"),
     ("<html><body>x</body></html>".encode(), "html"), ("Kế hoạch".encode("utf-16"), "text"),
     ("Số: 12/KH-UBND".encode(), "text"), (b"PK\x03\x04broken", "zip")],
)
def test_sniff_by_content(data, kind):
    assert sniff(data) == kind


def test_read_document_path_roundtrip(write):
    path = write("kh.txt", "KẾ HOẠCH\nCải cách hành chính".encode())
    doc = read_document(path)
    assert doc.source_name == "kh.txt" and doc.size == path.stat().st_size
    assert doc.metadata.title == "Kế hoạch Cải cách hành chính"


def _png(text: str) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    from .conftest import FONT

    image = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(image).text((20, 30), text, font=ImageFont.truetype(FONT, 40), fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_image_file_is_ocred():
    from parlens.ingest import ocr

    if not ocr.tesseract_available():
        pytest.skip("tesseract not installed")
    doc = read_bytes(_png("Sở Nội vụ chủ trì thực hiện"), "anh-chup.png")
    assert "Sở Nội vụ" in doc.text and doc.pages[0].ocr and doc.media_type == "image/*"


def test_image_without_tesseract_e009(monkeypatch):
    from parlens.ingest import ocr

    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    with pytest.raises(ParlensError) as err:
        read_bytes(_png("Sở Nội vụ"), "anh.png")
    assert err.value.code == "PARLENS-E009" and "tesseract" in str(err.value)
    assert "PARLENS-W001 image: OCR unavailable" in err.value.detail


def test_image_progress_is_one_ocr_page(monkeypatch):
    from parlens.ingest import ocr, progress

    seen: list[tuple[str, int, int]] = []
    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_image", lambda image, settings: "Phòng Nội vụ chủ trì thực hiện")
    with progress.reporting(lambda stage, done, total: seen.append((stage, done, total))):
        doc = read_bytes(_png("Phòng Nội vụ"), "anh.png", settings=Settings(ocr_enabled=True))
    assert seen == [("ocr", 1, 1)] and doc.pages[0].ocr

    seen.clear()
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    with progress.reporting(lambda stage, done, total: seen.append((stage, done, total))), pytest.raises(ParlensError):
        read_bytes(_png("Phòng Nội vụ"), "anh.png")
    assert seen == [("read", 1, 1)]


def test_image_ocr_failure_warns_w002(monkeypatch):
    import pytesseract

    from parlens.ingest import ocr

    def broken(image, settings):
        raise pytesseract.TesseractError(1, "lỗi đọc ảnh")

    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_image", broken)
    with pytest.raises(ParlensError) as err:
        read_bytes(_png("Phòng Nội vụ"), "anh.png", settings=Settings(ocr_enabled=True))
    assert err.value.code == "PARLENS-E009" and "PARLENS-W002 image: OCR failed" in err.value.detail
