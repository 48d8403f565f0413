"""Hostile and damaged input: ``read_bytes`` returns a Document or raises a catalogued ParlensError, fast.

Every case is generated here, deterministically (seeded mutations of documents written by the test
helpers, hand-built zips and markup). Any other exception is a bug (the pipeline would report it as
PARLENS-E019), and so is a case that runs for more than a few seconds.
"""

from __future__ import annotations

import codecs
import io
import random
import signal
import time
import zipfile
from pathlib import Path

import pytest

from parlens.errors import ParlensError
from parlens.ingest import read_bytes
from parlens.settings import Settings

from .conftest import make_official_docx, make_official_pdf

# The ingest codes a reader may answer bad input with (E001 .. E012, E014 for a page with no document content).
INGEST_CODES = {f"PARLENS-E{n:03d}" for n in range(1, 13)} | {"PARLENS-E014"}
CASE_SECONDS = 8.0  # a hang guard, not a speed target: every case takes under 2 s alone, more on a loaded machine
SETTINGS = Settings(ocr_enabled=False, max_file_bytes=20 * 1024 * 1024, max_unzipped_bytes=50 * 1024 * 1024)
HOSTNAME = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else ""
VN = "Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ báo cáo kết quả cải cách hành chính trước ngày 15/12/2026."


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only runs on a hang
    raise _Timeout()


def check(data: bytes, name: str, settings: Settings = SETTINGS):
    """Read ``data``; returns the Document or the ParlensError; fails on any other exception or a hang."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS * 2)
    began = time.perf_counter()
    try:
        doc = read_bytes(data, name, settings=settings)
    except ParlensError as exc:
        assert exc.code in INGEST_CODES, f"{name}: {exc}"
        result: object = exc
    except _Timeout:
        pytest.fail(f"{name}: still reading after {CASE_SECONDS * 2:.0f} s")
    else:
        for b in doc.blocks:
            assert doc.text[b.start:b.end] == b.text
        assert "\x00" not in doc.text
        result = doc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - began
    assert elapsed < CASE_SECONDS, f"{name}: {elapsed:.1f} s"
    return result


def code_of(result) -> str | None:
    return result.code if isinstance(result, ParlensError) else None


# ---------------------------------------------------------------------------------------------- builders


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _docx_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _with_document_xml(docx: bytes, xml: bytes) -> bytes:
    parts = _docx_parts(docx)
    parts["word/document.xml"] = xml
    return _zip(parts)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _body(inner: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f'<w:document {W_NS}><w:body><w:p><w:r><w:t>{inner}</w:t></w:r></w:p></w:body></w:document>').encode()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_official_pdf(filler_pages=1)


@pytest.fixture(scope="module")
def docx() -> bytes:
    return make_official_docx()


# ---------------------------------------------------------------------------------------------- PDF


def test_pdf_truncated_at_many_offsets(pdf):
    rng = random.Random(1)
    offsets = sorted({1, 4, 8, 16, 100, len(pdf) // 2, len(pdf) - 1, len(pdf) - 7}
                     | {rng.randrange(1, len(pdf)) for _ in range(24)})
    codes = {code_of(check(pdf[:n], "ke-hoach.pdf")) for n in offsets}
    assert codes <= {"PARLENS-E003", "PARLENS-E001", None}
    assert "PARLENS-E003" in codes


def test_pdf_random_byte_flips(pdf):
    rng = random.Random(2)
    outcomes = []
    for _ in range(40):
        data = bytearray(pdf)
        for _ in range(rng.choice([1, 4, 32, 256])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        outcomes.append(code_of(check(bytes(data), "ke-hoach.pdf")))
    assert None in outcomes  # light damage still reads


def test_pdf_garbage_after_header_and_fake_trailer():
    for n, body in enumerate([b"", b"\x00" * 500, bytes(range(256)) * 8, b"1 0 obj << /Type /Catalog >> endobj"]):
        result = check(b"%PDF-1.7\n" + body + b"\n%%EOF\n", f"r{n}.pdf")
        assert code_of(result) == "PARLENS-E003"


def test_pdf_with_huge_page_count_claim_and_self_reference():
    data = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [2 0 R 2 0 R] /Count 999999999 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")
    assert code_of(check(data, "loop.pdf")) in {"PARLENS-E003", "PARLENS-E009"}


def test_pdf_encrypted_is_e005():
    assert code_of(check(make_official_pdf(filler_pages=0, encrypt="mat-khau"), "mat.pdf")) == "PARLENS-E005"


# ---------------------------------------------------------------------------------------------- DOCX


def test_docx_without_document_xml(docx):
    parts = _docx_parts(docx)
    del parts["word/document.xml"]
    assert code_of(check(_zip(parts), "cv.docx")) == "PARLENS-E006"


def test_docx_broken_xml_parts(docx):
    rng = random.Random(3)
    parts = _docx_parts(docx)
    for part in ["word/document.xml", "word/styles.xml", "word/numbering.xml", "[Content_Types].xml",
                 "_rels/.rels", "word/_rels/document.xml.rels", "word/header1.xml", "word/settings.xml"]:
        if part not in parts:
            continue
        for cut in (0, 10, len(parts[part]) // 2):
            broken = dict(parts)
            broken[part] = parts[part][:cut] + b"<<&&"
            check(_zip(broken), f"{part}-{cut}.docx")
        flipped = bytearray(parts[part])
        for _ in range(8):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        broken = dict(parts)
        broken[part] = bytes(flipped)
        check(_zip(broken), f"{part}-flip.docx")


def test_docx_zip_with_unsupported_version_or_method(docx):
    """zipfile raises NotImplementedError for an unknown 'version needed' or compression method."""
    data = bytearray(docx)
    pos = data.find(b"PK\x01\x02")
    data[pos + 6] = 172  # version needed to extract: 17.2
    assert code_of(check(bytes(data), "version.docx")) == "PARLENS-E006"
    data = bytearray(docx)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 10] = 99  # compression method 99 (AES) in the central directory
        pos = data.find(b"PK\x01\x02", pos + 4)
    assert code_of(check(bytes(data), "aes.docx")) == "PARLENS-E006"


def test_docx_zip_byte_flips_and_truncation(docx):
    rng = random.Random(4)
    for k in range(30):
        data = bytearray(docx)
        for _ in range(rng.choice([1, 3, 20])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        check(bytes(data), f"flip{k}.docx")
    for n in sorted({rng.randrange(4, len(docx)) for _ in range(12)}):
        assert code_of(check(docx[:n], "cut.docx")) in {"PARLENS-E006", "PARLENS-E002", "PARLENS-E011"}


def test_docx_huge_declared_size_is_e007():
    payload = b"\x00" * (60 * 1024 * 1024)  # packs to ~60 KB, expands past max_unzipped_bytes
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": _body("x"), "word/media/big.bin": payload})
    assert code_of(check(data, "bomb.docx")) == "PARLENS-E007"


def test_docx_lying_size_header_is_refused(docx):
    """A central directory that understates a member's size must not let it expand unbounded."""
    parts = _docx_parts(docx)
    parts["word/document.xml"] = _body("a" * 10) + b" " * (8 * 1024 * 1024)
    data = bytearray(_zip(parts))
    # patch the declared uncompressed size of word/document.xml in both headers to 100 bytes
    name = b"word/document.xml"
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(sig)
        while pos >= 0:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                data[pos + size_at:pos + size_at + 4] = (100).to_bytes(4, "little")
            pos = data.find(sig, pos + 4)
    assert code_of(check(bytes(data), "liar.docx", Settings(ocr_enabled=False, max_unzipped_bytes=1024 * 1024))) in {
        "PARLENS-E006", "PARLENS-E007"}


def test_docx_nested_zips(docx):
    inner = _zip({"word/document.xml": _body("inner")})
    for depth in range(3):
        inner = _zip({"nested.zip": inner, "word/document.xml": b"not xml"})
    check(inner, "nested.docx")
    parts = _docx_parts(docx)
    parts["word/embeddings/package.docx"] = docx
    assert code_of(check(_zip(parts), "embedded.docx")) is None


def test_docx_billion_laughs_never_expands(docx):
    ents = '<!ENTITY a0 "lol lol lol lol lol lol lol lol lol lol">' + "".join(
        f'<!ENTITY a{k} "{"".join(f"&a{k - 1};" for _ in range(10))}">' for k in range(1, 10))
    data = _with_document_xml(docx, _body("&a9;", f"<!DOCTYPE w:document [{ents}]>"))
    result = check(data, "laughs.docx")
    if not isinstance(result, ParlensError):
        assert result.text.count("lol") < 1000


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> tuple[str, str]:
    """A local file with a unique marker, as (file URL, marker): XML readers must never fetch it."""
    path = tmp_path_factory.mktemp("xxe") / "secret.txt"
    marker = "BIMAT4242XXE"
    path.write_text(marker)
    return path.as_uri(), marker


def _leaked(result, markers) -> bool:
    if isinstance(result, ParlensError):
        return False
    seen = result.text + "\n".join(result.headers) + str(result.metadata)
    return any(m and m in seen for m in markers)


def test_docx_external_entity_never_read(docx, secret):
    url, marker = secret
    markers = (marker, HOSTNAME if len(HOSTNAME) > 3 else "", "root:x:0")
    for target in (url, url.removeprefix("file://"), "file:///etc/hostname", "file:///etc/passwd"):
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
        result = check(_with_document_xml(docx, _body("Tên máy: &xxe; hết", doctype)), "xxe.docx")
        assert not _leaked(result, markers), target
    # a parameter entity pulling a local file into the DTD
    doctype = f'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "{url}"> %p;]>'
    assert not _leaked(check(_with_document_xml(docx, _body("Tên máy", doctype)), "xxe-param.docx"), markers)


def test_docx_external_entities_in_every_part_and_in_html(docx, secret):
    """Styles, numbering, headers and the package relationships are parsed too: none may pull in a local file."""
    url, marker = secret
    parts = _docx_parts(docx)
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{url}">]>'.encode()
    poisoned_parts = [p for p in parts if p.endswith((".xml", ".rels")) and p != "word/document.xml"]
    assert "word/header1.xml" in poisoned_parts or any("header" in p for p in poisoned_parts)
    for part in poisoned_parts:
        head, sep, rest = parts[part].partition(b"?>")
        if b"<w:t>" in rest:  # inside a run's text, where a reader would show it
            rest = rest.replace(b"<w:t>", b"<w:t>&xxe;", 1)
        poisoned = dict(parts)
        poisoned[part] = head + sep + doctype + rest
        assert not _leaked(check(_zip(poisoned), f"xxe-{part.replace('/', '-')}.docx"), (marker,)), part
    page = (f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{url}">]><html><head><title>Tin</title></head>'
            f'<body><article><p>{VN} &xxe;</p><p>{VN}</p></article></body></html>').encode()
    result = check(page, "xxe.html")
    assert VN in result.text and not _leaked(result, (marker,))


def test_docx_deep_nesting_and_huge_numbering(docx):
    deep = "".join("<w:tbl><w:tr><w:tc>" for _ in range(3000)) + "<w:p><w:r><w:t>sâu</w:t></w:r></w:p>" + "".join(
        "</w:tc></w:tr></w:tbl>" for _ in range(3000))
    xml = f'<?xml version="1.0"?><w:document {W_NS}><w:body>{deep}</w:body></w:document>'.encode()
    check(_with_document_xml(docx, xml), "deep.docx")
    parts = _docx_parts(docx)
    numbering = parts.get("word/numbering.xml", b"")
    if numbering:
        parts["word/numbering.xml"] = numbering.replace(b'w:val="1"/>', b'w:val="99999999999999999999"/>').replace(
            b'w:ilvl="0"', b'w:ilvl="x"')
        check(_zip(parts), "numbering.docx")
    for bad in ('<w:gridSpan w:val="1000000000"/>', '<w:gridSpan w:val="-3"/>', '<w:gridSpan w:val="two"/>'):
        xml = (f'<?xml version="1.0"?><w:document {W_NS}><w:body><w:tbl><w:tr><w:tc><w:tcPr>{bad}</w:tcPr>'
               f'<w:p><w:r><w:t>{VN}</w:t></w:r></w:p></w:tc></w:tr>'
               '<w:trPr><w:gridBefore w:val="999999999"/></w:trPr></w:tbl></w:body></w:document>').encode()
        check(_with_document_xml(docx, xml), "span.docx")


# ---------------------------------------------------------------------------------------------- HTML


def _html(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}<title>Tin</title></head><body>{body}</body></html>".encode()


ARTICLE = f"<article><h1>Cải cách hành chính</h1><p>{VN}</p><p>{VN}</p></article>"


def test_html_deeply_nested_markup_keeps_its_text():
    """libxml2 stops at depth 256 (2048 with huge_tree) without raising: the text deeper down must not vanish."""
    for name, page in {
        "deep.html": _html("<div>" * 100_000 + VN + "</div>" * 100_000),
        "unclosed.html": _html("<div>" * 100_000 + VN),
        "lists.html": _html("<ul><li>" * 20_000 + VN),
        "tables.html": _html("<table><tr><td>" * 5_000 + VN + "<script>var bi_mat = 1;</script>"),
        "deep300.html": _html("<div>" * 300 + VN + "</div>" * 300),
    }.items():
        doc = check(page, name)
        assert VN in doc.text, name
        assert "bi_mat" not in doc.text


def test_html_huge_attributes_and_broken_markup():
    for size in (3_000_000, 12_000_000):  # over 10 MB libxml2 used to drop the rest of the page
        doc = check(_html(f'<div class="{"x" * size}">{ARTICLE}</div>'), f"attr{size}.html")
        assert VN in doc.text and "xxxx" not in doc.text
    assert VN in check(_html(f'<p title="{VN * 20_000}">{VN}</p>'), "attr2.html").text
    check(_html('<table><tr><td colspan="99999999999">' + VN + "</td></tr></table>"), "colspan.html")
    check(b"<html><body><<<<>>>><p " + VN.encode() + b"</p", "broken.html")


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed where the code page has them, tone marks combining."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
            out += (base + "".join(c for c in d if c in tones)).encode("cp1258")
    return bytes(out)


def test_html_invalid_utf8_charset_lies_and_nul_bytes():
    check(_html(ARTICLE).replace(b"h\xc3\xa0nh", b"h\xff\xfenh"), "bad-utf8.html")
    check(_html(ARTICLE, '<meta charset="utf-16">'), "lie16.html")
    check(_html(ARTICLE, '<meta charset="x-no-such-codec">'), "lie.html")
    doc = check(_cp1258(_html(ARTICLE, '<meta charset="utf-8">').decode()), "cp.html")  # the meta tag lies
    assert VN in doc.text
    assert VN in check(_html(ARTICLE).replace(b"<p>", b"<p>\x00"), "nul.html").text  # a stray NUL is no binary file
    assert VN in check(_html(ARTICLE.replace("</p>", "\x00</p>")), "nul2.html").text
    many = check(_html(ARTICLE.replace(" ", "\x00")), "nul3.html")  # more NULs than text has: binary
    assert code_of(many) == "PARLENS-E002"


def test_html_iframe_srcdoc_and_script_are_not_read():
    secret = "MẬT KHẨU BÍ MẬT"
    page = _html(f'{ARTICLE}<iframe srcdoc="<p>{secret}</p>"></iframe><script>var s = "{secret}";</script>')
    result = check(page, "iframe.html")
    assert not isinstance(result, ParlensError) and secret not in result.text
    check(_html(f'<iframe srcdoc="{"&lt;iframe srcdoc=&quot;" * 2000}x"></iframe>'), "srcdoc.html")


def test_html_random_mutations():
    rng = random.Random(5)
    base = _html(ARTICLE * 3, '<meta charset="utf-8"><meta property="og:title" content="Tin">')
    for k in range(30):
        data = bytearray(base)
        for _ in range(rng.choice([1, 5, 40])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        check(bytes(data), f"m{k}.html")


# ---------------------------------------------------------------------------------------------- text


def test_text_encodings_and_edge_cases():
    vn = VN.encode()
    cases = {
        "mixed.txt": vn + VN.encode("cp1258", errors="replace") + VN.encode("utf-16-le"),
        "bom-only.txt": codecs.BOM_UTF8,
        "bom16-only.txt": codecs.BOM_UTF16_LE,
        "bom16-odd.txt": codecs.BOM_UTF16_LE + b"a",
        "spaces.txt": b" \t\n" * 1000 + "\u3000\u00a0\u200b".encode() * 100,
        "surrogate16.txt": codecs.BOM_UTF16_LE + "Kế hoạch ".encode("utf-16-le") + b"\x00\xd8\x41\x00" * 50,
        "surrogate8.txt": vn + b"\xed\xa0\x80" * 10,
        "overlong.txt": b"\xc0\xaf\xe0\x80\xaf" * 100,
        "controls.txt": bytes(range(1, 32)) * 30 + vn,
        "long-line.txt": vn.replace(b" ", b"") * 20_000,
        "many-lines.txt": b"\n".join([b"a"] * 200_000),
        "wide.txt": (b"x   " * 50_000),
        "pipes.txt": b"|" * 200_000,
        "latin1.txt": bytes(range(128, 256)) * 40,
        "nul-text.txt": vn + b"\x00" + vn,
    }
    for name, data in cases.items():
        result = check(data, name)
        if name in ("nul-text.txt", "wide.txt", "long-line.txt"):
            assert not isinstance(result, ParlensError), name
        if name in ("bom-only.txt", "bom16-only.txt", "spaces.txt"):
            assert code_of(result) in {"PARLENS-E001", "PARLENS-E009"}, name


def test_text_random_bytes():
    rng = random.Random(6)
    for k in range(30):
        data = bytes(rng.randrange(256) for _ in range(rng.choice([1, 2, 50, 3000])))
        check(data, f"r{k}.txt")


# ---------------------------------------------------------------------------------------------- images, tiny files, mislabels


def test_images_that_are_not_images():
    ocr_on = Settings(ocr_enabled=True, max_file_bytes=SETTINGS.max_file_bytes)
    for name, data in {
        "a.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "b.jpg": b"\xff\xd8\xff" + b"\x00garbage" * 50,
        "c.tif": b"II*\x00" + b"\xff" * 300,
        "d.png": b"\x89PNG\r\n\x1a\n",
    }.items():
        for settings in (SETTINGS, ocr_on):
            result = check(data, name, settings)
            assert code_of(result) == "PARLENS-E002", (name, result)  # damaged, whether or not OCR would run
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buf, "PNG", compress_level=0)
    png = buf.getvalue()
    assert code_of(check(png[: len(png) // 2], "cut.png", ocr_on)) == "PARLENS-E002"  # header fine, pixels cut off
    assert code_of(check(png, "blank.png")) == "PARLENS-E009"  # a sound image with OCR off: no text, said so


@pytest.mark.parametrize("ext", [".pdf", ".docx", ".html", ".htm", ".txt", ".png", ".jpg", ".doc", ".bin", ""])
def test_zero_and_one_byte_files(ext):
    assert code_of(check(b"", "f" + ext)) == "PARLENS-E001"
    for b in (b"\x00", b"a", b"<", b"%", b"P", b"\xff", b"\x89", b"{"):
        result = check(b, "f" + ext)
        assert code_of(result) in INGEST_CODES | {None}


def test_content_decides_not_the_extension(pdf, docx):
    assert not isinstance(check(docx, "really-docx.pdf"), ParlensError)
    assert not isinstance(check(pdf, "really-pdf.docx"), ParlensError)
    assert not isinstance(check(_html(ARTICLE), "really-html.pdf"), ParlensError)
    assert not isinstance(check(VN.encode(), "really-text.docx"), ParlensError)
    assert code_of(check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "really-png.txt")) in {"PARLENS-E009", "PARLENS-E002"}
    # a PDF header buried in the first kilobyte of a zip
    assert code_of(check(_zip({"a.txt": b"%PDF-1.4"}, compression=zipfile.ZIP_STORED), "x.docx")) is not None


def test_image_pixel_bomb_is_refused_before_decoding():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buf, "PNG")  # 400 M pixels in a few hundred KB
    assert code_of(check(buf.getvalue(), "bomb.png")) == "PARLENS-E004"


def test_many_blank_pages_are_not_all_ocred():
    """A small PDF of thousands of empty pages must not queue an OCR run per page."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    for _ in range(60):
        page.showPage()
    page.save()
    settings = Settings(ocr_enabled=True, ocr_max_pages=1, ocr_dpi=30)
    result = check(buf.getvalue(), "blank.pdf", settings)
    assert code_of(result) == "PARLENS-E009"
    assert str(result).count("PARLENS_OCR_MAX_PAGES") == 59


def test_a_huge_page_is_rendered_for_ocr_within_a_pixel_bound():
    from reportlab.pdfgen import canvas

    from parlens.ingest.ocr import render_pdf_page

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=(5000, 5000))  # 69 inches square: 434 M pixels at 300 dpi
    page.drawString(100, 100, "Ke hoach")
    page.save()
    image = render_pdf_page(buf.getvalue(), 0, 300)
    assert image.width * image.height <= 40_100_000 and image.width > 5000  # pdfium rounds sizes up
