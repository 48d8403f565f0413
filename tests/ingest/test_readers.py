"""The behaviour every reader must show, as one base class, and the registry ``read_bytes`` picks readers from.

Each reader's test class subclasses :class:`ReaderConformance` and supplies one fixture, ``sample``: a sound
file of its kind, the same kind damaged, and (when the reader can warn) a file that makes it warn::

    class TestPdf(ReaderConformance):
        kind = "pdf"

        @pytest.fixture(scope="class")
        def sample(self):
            return Sample(data=make_official_pdf(), contains="Cải cách hành chính", damaged=..., code="PARLENS-E003")

A reader added to the registry without such a class fails ``test_every_reader_has_a_conformance_class``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import get_args

import pytest

from parlens.errors import CATALOGUE, ParlensError, split_warning
from parlens.ingest import read_bytes, readers
from parlens.ingest.draft import Draft
from parlens.ingest.sniff import sniff
from parlens.ingest.structure import DocumentBuilder
from parlens.model import BlockKind
from parlens.settings import Settings

from .conftest import FONT, _pdf_fonts, make_official_docx, make_official_pdf

NO_OCR = Settings(ocr_enabled=False)


@dataclass(frozen=True)
class Sample:
    """What one reader's conformance class reads."""

    data: bytes  # a sound file of the reader's kind
    contains: str | None  # a phrase the text of ``data`` must contain (None: cannot be promised, e.g. no OCR here)
    damaged: bytes  # the same kind, damaged: ``read`` raises ``code``
    code: str
    warned: bytes | None = None  # a file that makes the reader warn (None: the reader has no warnings)
    settings: Settings = field(default_factory=lambda: NO_OCR)


def check_draft(draft: Draft, reader) -> str:
    """Assert what holds for every draft; returns its text."""
    assert isinstance(draft, Draft)
    text = draft.builder.text
    previous_end = 0
    for block in draft.builder.blocks:
        assert block.kind in get_args(BlockKind)
        assert block.text and text[block.start:block.end] == block.text
        assert block.start >= previous_end  # in order, never overlapping
        previous_end = block.end
        for row in block.rows or []:
            for cell in row:
                assert text[cell.start:cell.end] == cell.text
                assert block.start <= cell.start <= cell.end <= block.end
    numbers = [p.number for p in draft.pages]
    assert numbers == list(range(1, len(numbers) + 1))
    for block in draft.builder.blocks:
        assert block.page is None if not numbers else block.page in numbers
    for warning in draft.warnings:
        code, rest = split_warning(warning)
        assert code is not None and rest, f"a warning without its catalogue code: {warning!r}"
    assert draft.media_type == reader.media_type
    return text


class ReaderConformance:
    """Behaviour every reader shares; subclasses set ``kind`` and provide the ``sample`` fixture."""

    kind: str = ""

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:  # pragma: no cover - replaced by each subclass
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def reader(cls):
        return readers.get(cls.kind)

    def test_is_registered_for_its_kind(self, reader):
        assert isinstance(reader, readers.Reader)
        assert reader.kind == self.kind and self.kind in readers.kinds()
        assert isinstance(reader.media_type, str) and "/" in reader.media_type
        assert reader.error_codes and all(c in CATALOGUE and c.startswith("PARLENS-E") for c in reader.error_codes)

    def test_sample_is_sniffed_as_its_kind(self, sample):
        assert sniff(sample.data) == self.kind == sniff(sample.damaged)

    def test_block_offsets_slice_the_text(self, reader, sample):
        text = check_draft(reader.read(sample.data, f"mau.{self.kind}", sample.settings), reader)
        assert text.strip()
        if sample.contains:
            assert sample.contains in text

    def test_warnings_start_with_a_catalogue_code(self, reader, sample):
        if sample.warned is None:
            pytest.skip(f"the {self.kind} reader has no warnings")
        draft = reader.read(sample.warned, f"canh-bao.{self.kind}", sample.settings)
        check_draft(draft, reader)
        assert draft.warnings
        assert all(split_warning(w)[0].startswith("PARLENS-W") for w in draft.warnings)

    def test_damaged_input_raises_its_own_code(self, reader, sample):
        assert sample.code in reader.error_codes
        with pytest.raises(ParlensError) as err:
            reader.read(sample.damaged, f"hong.{self.kind}", sample.settings)
        assert err.value.code == sample.code

    def test_truncated_input_reads_or_raises_only_its_codes(self, reader, sample):
        data = sample.data
        for cut in sorted({1, 16, len(data) // 10, len(data) // 3, len(data) // 2, len(data) * 9 // 10, len(data) - 1}):
            try:
                draft = reader.read(data[:cut], f"cat-{cut}.{self.kind}", sample.settings)
            except ParlensError as exc:
                assert exc.code in reader.error_codes, (cut, exc)
            else:
                check_draft(draft, reader)

    @pytest.mark.parametrize("blank", [b"", b" \r\n\t \n"])
    def test_empty_and_blank_input(self, reader, sample, blank):
        try:
            draft = reader.read(blank, f"trong.{self.kind}", sample.settings)
        except ParlensError as exc:
            assert exc.code in reader.error_codes
        else:
            assert not check_draft(draft, reader).strip()

    def test_read_is_deterministic(self, reader, sample):
        first, second = (reader.read(sample.data, f"mau.{self.kind}", sample.settings) for _ in range(2))
        assert first.builder.text == second.builder.text
        assert first.builder.blocks == second.builder.blocks
        assert (first.pages, first.headers, first.warnings, first.metadata) == (
            second.pages, second.headers, second.warnings, second.metadata)


# ---------------------------------------------------------------------------------------------- one class per reader


def _pdf_with_blank_page() -> bytes:
    """Page 1 has a text layer, page 2 only a white image: with OCR off it cannot be read (W001, W003)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _pdf_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.setFont("VN", 12)
    c.drawString(40, 500, "Ủy ban nhân dân xã giao Văn phòng rà soát hồ sơ một cửa.")
    c.showPage()
    c.drawImage(ImageReader(Image.new("L", (200, 100), 255)), 40, 300, width=200, height=100)
    c.showPage()
    c.save()
    return buf.getvalue()


class TestPdfReader(ReaderConformance):
    kind = "pdf"

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:
        data = make_official_pdf(filler_pages=1)
        return Sample(data=data, contains="Cải cách hành chính năm 2026", damaged=data[: len(data) // 2],
                      code="PARLENS-E003", warned=_pdf_with_blank_page())


class TestDocxReader(ReaderConformance):
    kind = "docx"

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:
        import zipfile

        data = make_official_docx()
        parts = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as broken:
            for info in parts.infolist():  # the same package, its main part cut off mid-element
                body = parts.read(info)
                broken.writestr(info.filename, body[:200] if info.filename == "word/document.xml" else body)
        return Sample(data=data, contains="Rà soát thủ tục hành chính thuộc thẩm quyền.", damaged=buf.getvalue(),
                      code="PARLENS-E006")


ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Xã Tân Lập số hóa hồ sơ một cửa - Báo Miền Tây</title>
<meta property="og:site_name" content="Báo Miền Tây"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a> <a href="/kinh-te">Kinh tế</a></nav>
<article><h1>Xã Tân Lập số hóa hồ sơ một cửa</h1>
<p>Ngày 4/3, Ủy ban nhân dân xã Tân Lập cho biết đã số hóa toàn bộ hồ sơ thủ tục hành chính tiếp nhận tại Bộ phận
Một cửa trong năm 2025, bảo đảm người dân tra cứu được kết quả trên Cổng Dịch vụ công.</p>
<p>Chủ tịch UBND xã giao Văn phòng HĐND và UBND xã tiếp tục rà soát quy trình nội bộ, báo cáo kết quả trước ngày 30/6.</p>
</article><footer>Bản quyền thuộc Báo Miền Tây</footer></body></html>"""

NOT_FOUND = """<!doctype html><html><head><meta charset="utf-8"><title>404 - Trang không tồn tại | Cổng thông tin xã Tân Lập</title>
</head><body><header class="site-header"><a href="/">Trang chủ</a> <a href="/gioi-thieu">Giới thiệu</a></header>
<div class="content"><h1>Không tìm thấy trang</h1><p>Đường dẫn bạn truy cập không tồn tại hoặc đã bị xóa.</p>
<p><a href="/">Quay về trang chủ</a></p></div><footer>Cổng thông tin điện tử xã Tân Lập</footer></body></html>"""


class TestHtmlReader(ReaderConformance):
    kind = "html"

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:
        too_deep = ARTICLE.replace("<article>", "<div>" * 3000 + "<article>")  # read tag by tag: PARLENS-W005
        return Sample(data=ARTICLE.encode(), contains="Chủ tịch UBND xã giao Văn phòng HĐND và UBND xã",
                      damaged=NOT_FOUND.encode(), code="PARLENS-E014", warned=too_deep.encode())


PLAN = ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP\nSố: 21/KH-UBND\nTân Lập, ngày 02 tháng 3 năm 2026\n\nKẾ HOẠCH\n"
        "Số hóa hồ sơ thủ tục hành chính năm 2026\n\n1. Văn phòng HĐND và UBND xã chủ trì rà soát hồ sơ.\n"
        "2. Công chức Tư pháp - Hộ tịch phối hợp thực hiện.\n\nNơi nhận:\n- UBND huyện;\n- Lưu: VT.\n")


class TestTextReader(ReaderConformance):
    kind = "text"

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:
        from .test_text import _cp1258

        undecodable = bytes(range(0x80, 0x100)) * 4  # no UTF-8, undefined in cp1258, no Vietnamese in TCVN3/VNI
        return Sample(data=PLAN.encode(), contains="Số hóa hồ sơ thủ tục hành chính năm 2026", damaged=undecodable,
                      code="PARLENS-E008", warned=_cp1258(PLAN))


def _png(text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1000, 120), 255)
    ImageDraw.Draw(image).text((20, 30), text, font=ImageFont.truetype(FONT, 40), fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


class TestImageReader(ReaderConformance):
    kind = "image"

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Sample:
        from parlens.ingest import ocr

        data = _png("Sở Nội vụ chủ trì thực hiện")
        damaged = data[:40]  # the header promises pixels that never come
        if ocr.tesseract_available():
            return Sample(data=data, contains="Sở Nội vụ", damaged=damaged, code="PARLENS-E002", warned=data,
                          settings=Settings(ocr_enabled=True))
        return Sample(data=data, contains=None, damaged=damaged, code="PARLENS-E002", warned=data)

    def test_block_offsets_slice_the_text(self, reader, sample):
        if sample.contains is None:
            pytest.skip("tesseract not installed: an image has no text here")
        super().test_block_offsets_slice_the_text(reader, sample)

    def test_warnings_start_with_a_catalogue_code(self, reader, sample):
        """Warned whether OCR runs or not: read with OCR off, the image gets PARLENS-W001."""
        draft = reader.read(sample.data, "anh.png", NO_OCR)
        check_draft(draft, reader)
        assert [split_warning(w)[0] for w in draft.warnings] == ["PARLENS-W001"]


# ---------------------------------------------------------------------------------------------- the registry


def test_every_reader_has_a_conformance_class():
    assert {cls.kind for cls in ReaderConformance.__subclasses__()} == set(readers.kinds())


def test_every_readable_sniffed_kind_has_a_reader():
    from parlens.ingest.sniff import MEDIA_TYPES

    assert set(MEDIA_TYPES) == set(readers.kinds())
    with pytest.raises(KeyError, match="docx, html, image, pdf, text"):
        readers.get("zip")


class _EchoReader:
    """A stand-in text reader: one block saying which reader read the file."""

    kind = "text"
    media_type = "text/plain"
    error_codes = ("PARLENS-E008",)

    def read(self, data: bytes, name: str, settings: Settings) -> Draft:
        builder = DocumentBuilder()
        builder.add_paragraph(f"Đọc bởi trình đọc thử: {name}")
        return Draft(builder=builder, media_type=self.media_type, warnings=["PARLENS-W004 decoded as thử"])


def test_read_bytes_takes_the_reader_from_the_registry():
    original = readers.get("text")
    readers.register(_EchoReader())
    try:
        doc = read_bytes(PLAN.encode(), "kh.txt")
    finally:
        readers.register(original)
    assert doc.text == "Đọc bởi trình đọc thử: kh.txt" and doc.warnings == ["PARLENS-W004 decoded as thử"]
    assert read_bytes(PLAN.encode(), "kh.txt").text.startswith("ỦY BAN NHÂN DÂN XÃ TÂN LẬP")


def test_a_mislabelled_file_is_read_by_the_reader_of_its_content():
    doc = read_bytes(PLAN.encode(), "ke-hoach.pdf")
    assert doc.media_type == readers.get("text").media_type
    assert [split_warning(w)[0] for w in doc.warnings] == ["PARLENS-E011"]
