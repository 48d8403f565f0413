"""Render the project's sample corpus from ``corpora/src/*.yaml`` into ``corpora/samples/``.

One YAML file describes one document (header fields, body blocks, task tables, and the
hand annotations of its assignments). This script writes, deterministically:

- ``corpora/samples/<stem>.<ext>``: the document as PDF, DOCX, HTML or TXT (plus the legacy
  forms: a TCVN3 DOCX, a VNI text file, a scanned PDF without a text layer);
- ``corpora/expected_metadata.jsonl``: the metadata a correct reader must produce;
- ``corpora/gold.jsonl``: the assignments, in the devset gold format;
- ``corpora/queries.jsonl``: the search query set with judged passages (from ``src/queries.yaml``).

Run ``python corpora/render.py`` (``make corpus``); ``--check`` renders into a temporary folder
and reports files that would change.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import random
import re
import sys
import tempfile
import unicodedata
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
SAMPLES = ROOT / "samples"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
EXTENSIONS = {
    "pdf": ".pdf", "pdf-scan": ".pdf", "docx": ".docx", "docx-tcvn3": ".docx",
    "txt": ".txt", "txt-vni": ".txt", "html": ".html",
}
TABLE_HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                "Thời gian hoàn thành", "Sản phẩm"]
TYPE_CODES = {"KH", "CT", "QĐ", "TB", "BC", "HD", "TTr", "NQ", "KL", "QC", "CĐ"}
CRITERIA = {"direction & management", "legal documents", "administrative procedure reform",
            "organisation", "civil service", "public finance", "e-government",
            "socio-economic impact", "SIPAS", "PAPI"}


# --------------------------------------------------------------------------- loading

def load_sources(src_dir: Path = SRC) -> list[dict]:
    """Load every document source (``*.yaml`` except ``queries.yaml``), sorted by stem."""
    docs = []
    for path in sorted(src_dir.glob("*.yaml")):
        if path.name == "queries.yaml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc.setdefault("stem", path.stem)
        docs.append(doc)
    return docs


def file_name(doc: dict) -> str:
    """The sample's file name, e.g. ``kh_cchc_2026_nghean.pdf``."""
    return doc["stem"] + EXTENSIONS[doc["format"]]


def squash(text: str) -> str:
    """NFC and every run of whitespace collapsed to one space (line breaks inside names vanish)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def agency_written(item) -> str:
    """The agency as written in a cell: a plain string or the first element of ``[written, norm]``."""
    return item[0] if isinstance(item, list) else item


def agency_norm(item) -> str:
    """The canonical agency name: the second element of ``[written, norm]`` or the string itself."""
    return squash(item[1] if isinstance(item, list) else item)


def cell_agencies(items, sep: str) -> str:
    """Join the agencies of a table cell as they are printed."""
    if items is None:
        return ""
    return sep.join(agency_written(i) for i in items)


def date_line(header: dict) -> str:
    """'Nghệ An, ngày 15 tháng 01 năm 2026' from the header's place and date."""
    d: date = header["date"]
    day = f"{d.day:02d}" if header.get("pad_day", True) else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)  # NĐ 30: months 1 and 2 padded
    return f"{header['place']}, ngày {day} tháng {month} năm {d.year}"


# --------------------------------------------------------------------------- table rows

def resolved_rows(table: dict) -> list[dict]:
    """Table rows with ``lead: "^"`` (a cell merged with the row above) resolved to the real list."""
    rows, previous = [], None
    for row in table.get("rows", []):
        row = dict(row)
        if "section" not in row:
            row["merged_lead"] = row.get("lead") == "^"
            if row["merged_lead"]:
                row["lead"] = previous["lead"]
                row["lead_sep"] = previous.get("lead_sep", ", ")
            previous = row
        rows.append(row)
    return rows


def row_cells(row: dict) -> list[str]:
    """The six printed cells of a task row."""
    return [str(row.get("stt", "")), row["task"], cell_agencies(row["lead"], row.get("lead_sep", ", ")),
            cell_agencies(row.get("support"), row.get("support_sep", ", ")), row.get("time") or "",
            row.get("product") or ""]


# --------------------------------------------------------------------------- plain text

def header_lines(doc: dict) -> list[str]:
    """The header of an official document, one item per printed line (top-left block first)."""
    h = doc["header"]
    lines = list(h["issuer_lines"])
    lines.append(f"Số: {h['number']}")
    if h.get("cv_subject"):
        lines.append(h["cv_subject"])
    lines += [QUOC_HIEU, TIEU_NGU, date_line(h)]
    if h.get("type_line"):
        lines.append(h["type_line"])
    lines += h.get("subject_lines", [])
    return lines


def block_text(block: dict) -> str:
    """The printed text of a body block (a table gives one line per row, cells joined by ' | ')."""
    if "table" in block:
        t = block["table"]
        out = list(t.get("title_lines", []))
        out.append(" | ".join(t.get("columns", TABLE_HEADER)))
        out += [" | ".join(r) for r in t.get("plain_rows", [])]
        for row in resolved_rows(t):
            if "section" in row:
                out.append(row["section"])
            else:
                out.append(" | ".join(row_cells(row)))
        return "\n".join(out)
    for key in ("h", "p", "li", "center"):
        if key in block:
            return block[key]
    return ""


def closing_lines(doc: dict) -> list[str]:
    """Signature block and Nơi nhận."""
    sig = doc.get("signature") or {}
    lines = [x for x in (sig.get("authority"), sig.get("title"), sig.get("name")) if x]
    if doc.get("recipients"):
        lines.append("Nơi nhận:")
        lines += [f"- {r}" for r in doc["recipients"]]
    return lines


def document_text(doc: dict) -> str:
    """The document's full printed text in reading order (the reference text for gold and queries)."""
    if doc["kind"] == "press":
        p = doc["press"]
        parts = [p["title"], p.get("sapo", "")] + [b.get("p", b.get("h", "")) for b in doc["body"]]
        return "\n".join(x for x in parts if x)
    parts = header_lines(doc) + doc.get("preamble", []) + [block_text(b) for b in doc["body"]]
    annex = [block_text(b) for b in doc.get("annex", [])]
    return "\n".join(parts + closing_lines(doc) + annex)


def render_txt(doc: dict) -> str:
    """A plain-text rendering laid out as staff paste them: header in two columns, body below."""
    h = doc["header"]
    left = list(h["issuer_lines"]) + [f"Số: {h['number']}"] + ([h["cv_subject"]] if h.get("cv_subject") else [])
    right = [QUOC_HIEU, TIEU_NGU, "", date_line(h)]
    out = []
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        out.append((a.center(34) + "    " + b).rstrip() if b else a.center(34).rstrip())
    out.append("")
    if h.get("type_line"):
        out.append(h["type_line"].center(80).rstrip())
    out += [s.center(80).rstrip() for s in h.get("subject_lines", [])]
    out.append("")
    for line in doc.get("preamble", []):
        out.append(line)
    if doc.get("preamble"):
        out.append("")
    out += [block_text(block) for block in doc["body"]]
    out.append("")
    sig = doc.get("signature") or {}
    for x in (sig.get("authority"), sig.get("title")):
        if x:
            out.append(" " * 48 + x)
    out += ["", "", " " * 48 + sig.get("name", "")] if sig else []
    if doc.get("recipients"):
        out.append("Nơi nhận:")
        out += [f"- {r}" for r in doc["recipients"]]
    if doc.get("annex"):
        out += ["", ""] + [block_text(block) for block in doc["annex"]]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- PDF

@lru_cache(maxsize=1)
def _pdf_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, fname in (("Serif", "DejaVuSerif.ttf"), ("Serif-Bold", "DejaVuSerif-Bold.ttf"),
                        ("Serif-Italic", "DejaVuSerif-Italic.ttf"),
                        ("Serif-BoldItalic", "DejaVuSerif-BoldItalic.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fname)))
    addMapping("Serif", 0, 0, "Serif")
    addMapping("Serif", 1, 0, "Serif-Bold")
    addMapping("Serif", 0, 1, "Serif-Italic")
    addMapping("Serif", 1, 1, "Serif-BoldItalic")


def _pdf_styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName="Serif", fontSize=11, leading=14.5, alignment=TA_JUSTIFY,
                          spaceAfter=4, firstLineIndent=22)
    return {
        "body": base,
        "li": ParagraphStyle("li", parent=base, firstLineIndent=0, leftIndent=14),
        "h": ParagraphStyle("h", parent=base, fontName="Serif-Bold", firstLineIndent=0, spaceBefore=4),
        "center": ParagraphStyle("c", parent=base, alignment=TA_CENTER, firstLineIndent=0),
        "centerb": ParagraphStyle("cb", parent=base, alignment=TA_CENTER, firstLineIndent=0,
                                  fontName="Serif-Bold", spaceAfter=1),
        "centeri": ParagraphStyle("ci", parent=base, alignment=TA_CENTER, firstLineIndent=0,
                                  fontName="Serif-Italic"),
        "cell": ParagraphStyle("cell", fontName="Serif", fontSize=8.5, leading=10.5, alignment=TA_LEFT),
        "cellb": ParagraphStyle("cellb", fontName="Serif-Bold", fontSize=9, leading=11, alignment=TA_CENTER),
        "small": ParagraphStyle("s", fontName="Serif", fontSize=9, leading=11),
        "smallbi": ParagraphStyle("sbi", fontName="Serif-BoldItalic", fontSize=10, leading=12),
    }


def _esc(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br/>")


def pdf_flowables(doc: dict, width: float) -> list:
    """The reportlab flowables of an official document (header, body, task tables, signature)."""
    from reportlab.lib import colors
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

    st = _pdf_styles()
    h = doc["header"]
    lines = h["issuer_lines"]
    left = [Paragraph(_esc(line), st["centerb"] if i == len(lines) - 1 else st["center"])
            for i, line in enumerate(lines)]
    left.append(Paragraph(_esc(f"Số: {h['number']}"), st["center"]))
    if h.get("cv_subject"):
        left.append(Paragraph(_esc(h["cv_subject"]), ParagraphStyle_small_center()))
    from reportlab.lib.styles import ParagraphStyle

    qh = ParagraphStyle("qh", parent=st["centerb"], fontSize=10)
    right = [Paragraph(QUOC_HIEU, qh), Paragraph(TIEU_NGU, st["centerb"]), Spacer(1, 6),
             Paragraph(_esc(date_line(h)), st["centeri"])]
    head = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out: list = [head, Spacer(1, 14)]
    if h.get("type_line"):
        out.append(Paragraph(_esc(h["type_line"]), st["centerb"]))
    for s in h.get("subject_lines", []):
        out.append(Paragraph(_esc(s), st["centerb"]))
    out.append(Spacer(1, 8))
    for line in doc.get("preamble", []):
        out.append(Paragraph(_esc(line), st["body"]))
    def blocks(items: list[dict]) -> None:
        for block in items:
            if block.get("page_break"):
                out.append(PageBreak())
            elif "table" in block:
                out.extend(_pdf_table(block["table"], width, st, colors, Paragraph, Table, TableStyle, Spacer))
            elif "h" in block:
                out.append(Paragraph(_esc(block["h"]), st["h"]))
            elif "li" in block:
                out.append(Paragraph(_esc(block["li"]), st["li"]))
            elif "center" in block:
                out.append(Paragraph(_esc(block["center"]), st["centerb"]))
            else:
                out.append(Paragraph(_esc(block["p"]), st["body"]))

    blocks(doc["body"])
    out.append(Spacer(1, 10))
    sig = doc.get("signature") or {}
    sig_cells = [Paragraph(_esc(x), st["centerb"]) for x in (sig.get("authority"), sig.get("title")) if x]
    sig_cells += [Spacer(1, 40), Paragraph(_esc(sig.get("name", "")), st["centerb"])]
    rec = [Paragraph("Nơi nhận:", st["smallbi"])] + [Paragraph(_esc(f"- {r}"), st["small"])
                                                       for r in doc.get("recipients", [])]
    tail = Table([[rec, sig_cells]], colWidths=[width * 0.5, width * 0.5])
    tail.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out.append(tail)
    if doc.get("annex"):  # the Phụ lục follows the signature on a new page
        out.append(PageBreak())
        blocks(doc["annex"])
    return out


def ParagraphStyle_small_center():  # noqa: N802 - tiny style factory kept next to its one use
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("cvs", fontName="Serif", fontSize=10, leading=12, alignment=TA_CENTER)


def _pdf_table(t, width, st, colors, Paragraph, Table, TableStyle, Spacer) -> list:  # noqa: N803
    out = [Paragraph(_esc(x), st["centerb"]) for x in t.get("title_lines", [])]
    out.append(Spacer(1, 6))
    data = [[Paragraph(_esc(c), st["cellb"]) for c in t.get("columns", TABLE_HEADER)]]
    style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]
    for plain in t.get("plain_rows", []):
        data.append([Paragraph(_esc(c), st["cell"]) for c in plain])
    span_start = None
    for row in resolved_rows(t):
        r = len(data)
        if "section" in row:
            data.append([Paragraph(_esc(row["section"]), st["cellb"] if False else st["h"]), "", "", "", "", ""])
            style.append(("SPAN", (0, r), (-1, r)))
            span_start = None
            continue
        cells = row_cells(row)
        if row["merged_lead"]:
            cells[2] = ""
            style.append(("SPAN", (2, span_start), (2, r)))
        else:
            span_start = r
        data.append([Paragraph(_esc(c), st["cell"]) for c in cells])
    widths = [0.07, 0.30, 0.17, 0.19, 0.15, 0.12] if "rows" in t else [1 / len(data[0])] * len(data[0])
    table = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    out.append(table)
    out.append(Spacer(1, 8))
    return out


def _page_number(canvas, pdf_doc) -> None:
    from reportlab.lib.pagesizes import A4

    canvas.saveState()
    canvas.setFont("Serif", 10)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 1.2 * 28.35, str(pdf_doc.page))
    canvas.restoreState()


def render_pdf(doc: dict) -> bytes:
    """A text PDF with embedded DejaVu fonts and ruled task tables (reportlab, invariant mode)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1
    _pdf_fonts()
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(buf, pagesize=A4, leftMargin=3 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=doc["stem"], author="parlens corpus",
                            creator="parlens corpora/render.py", producer="reportlab")
    pdf.build(pdf_flowables(doc, A4[0] - 5 * cm), onLaterPages=_page_number)
    return buf.getvalue()


def render_scan_pdf(doc: dict) -> bytes:
    """One page drawn as a noisy, slightly rotated 200 dpi image, wrapped in a PDF with no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas as rl_canvas

    rl_config.invariant = 1
    dpi = 200
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    size = 32
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), size)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), size)
    x0, y = int(1.1 * dpi), int(0.8 * dpi)
    hd = doc["header"]
    left = list(hd["issuer_lines"]) + [f"Số: {hd['number']}"] + ([hd["cv_subject"]] if hd.get("cv_subject") else [])
    right = [QUOC_HIEU, TIEU_NGU, "", date_line(hd)]
    lh = int(size * 1.45)
    for i in range(max(len(left), len(right))):
        if i < len(left):
            draw.text((x0 + 260 - draw.textlength(left[i], font=bold) / 2, y), left[i], font=bold, fill=0)
        if i < len(right) and right[i]:
            f = bold if i < 2 else font
            draw.text((x0 + 1000 - draw.textlength(right[i], font=f) / 2, y), right[i], font=f, fill=0)
        y += lh
    y += lh
    max_w = w - x0 - int(0.8 * dpi)
    paragraphs = ([hd["type_line"]] if hd.get("type_line") else []) + hd.get("subject_lines", [])
    paragraphs += doc.get("preamble", []) + [block_text(b) for b in doc["body"]] + [""] + closing_lines(doc)
    for para in paragraphs:
        words, line = para.split(), ""
        for word in words:
            trial = (line + " " + word).strip()
            if draw.textlength(trial, font=font) > max_w:
                draw.text((x0, y), line, font=font, fill=0)
                y, line = y + lh, word
            else:
                line = trial
        draw.text((x0, y), line, font=font, fill=0)
        y += lh + 6
    rng = random.Random(20260115)
    pixels = img.load()
    for _ in range(w * h // 400):  # salt-and-pepper specks
        pixels[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 90, 200))
    img = img.rotate(0.7, resample=Image.BICUBIC, fillcolor=255, expand=False)
    jpeg = io.BytesIO()
    img.save(jpeg, format="JPEG", quality=70)
    jpeg.seek(0)
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(doc["stem"])
    c.drawImage(ImageReader(jpeg), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- DOCX

@lru_cache(maxsize=2)
def _reverse_charmap(name: str) -> dict[str, str]:
    """Unicode letter -> legacy surface sequence, built from viparse's own conversion table."""
    from viparse.normalize.encodings import get_charmap

    reverse: dict[str, str] = {}
    for legacy, uni in get_charmap(name).pairs:  # the shortest legacy form wins ("í", not "iù")
        if uni not in reverse or len(legacy) < len(reverse[uni]):
            reverse[uni] = legacy
    return reverse


def encode_tcvn3_runs(text: str, heading: bool = False) -> list[tuple[str, str]]:
    """Split Unicode text into (font, TCVN3 surface text) runs.

    ``.VnTime`` carries lowercase letters and the 7 uppercase base letters; an uppercase toned
    letter has no TCVN3 code, so it goes into a ``.VnTimeH`` run typed with the lowercase code, as
    typists did. A heading is one ``.VnTimeH`` run.
    """
    rev = _reverse_charmap("tcvn3")
    text = unicodedata.normalize("NFC", text)
    runs: list[list[str]] = []

    def add(font: str, chunk: str) -> None:
        if runs and runs[-1][0] == font:
            runs[-1][1] += chunk
        else:
            runs.append([font, chunk])

    for ch in text:
        if heading:
            low = ch.lower()
            add(".VnTimeH", rev.get(low, low.upper() if low.isascii() else low))
        elif ch in rev:
            add(".VnTime", rev[ch])
        elif ch.lower() in rev:  # uppercase toned letter: heading font, lowercase code
            add(".VnTimeH", rev[ch.lower()])
        else:
            add(".VnTime", ch)
    return [(f, t) for f, t in runs]


def decode_tcvn3_runs(runs: list[tuple[str, str]]) -> str:
    """Inverse of :func:`encode_tcvn3_runs` using viparse's converter (for tests and checks)."""
    from viparse.normalize.encodings import get_charmap
    from viparse.normalize.tables import convert

    cm = get_charmap("tcvn3")
    out = []
    for font, chunk in runs:
        uni = convert(chunk, cm)
        out.append(uni.upper() if font.endswith("H") else uni)
    return "".join(out)


def encode_vni(text: str) -> bytes:
    """Unicode text -> VNI Windows bytes (the VNI surface sequences stored as cp1252)."""
    rev = _reverse_charmap("vni")
    text = unicodedata.normalize("NFC", text)
    return "".join(rev.get(ch, ch) for ch in text).encode("cp1252")


def _docx_runs(par, text: str, doc: dict, bold: bool = False, italic: bool = False,
               heading: bool = False, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if doc["format"] == "docx-tcvn3":
        pieces = encode_tcvn3_runs(text, heading=heading)
    else:
        pieces = [("Times New Roman", text)]
    for font, chunk in pieces:
        run = par.add_run(chunk)
        run.bold, run.italic = bold, italic
        run.font.name = font
        run.font.size = Pt(size or 13)
        rpr = run._element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        rfonts.set(qn("w:cs"), font)
        rfonts.set(qn("w:eastAsia"), font)


def _docx_par(container, text: str, doc: dict, *, align=None, bold=False, italic=False, heading=False,
              style: str | None = None, size: float | None = None, indent: bool = False):
    from docx.shared import Pt

    par = container.add_paragraph(style=style) if style else container.add_paragraph()
    if align is not None:
        par.alignment = align
    if indent:
        par.paragraph_format.first_line_indent = Pt(28)
    _docx_runs(par, text, doc, bold=bold, italic=italic, heading=heading, size=size)
    return par


def render_docx(doc: dict) -> bytes:
    """A DOCX with the official header table, body paragraphs and real Word task tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(3), Cm(2), Cm(2), Cm(2)
    cp = d.core_properties
    cp.author = cp.last_modified_by = "parlens corpus"
    cp.created = cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.title = doc["stem"]
    C = WD_ALIGN_PARAGRAPH.CENTER
    h = doc["header"]
    head = d.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left._element.remove(left.paragraphs[0]._element)
    right._element.remove(right.paragraphs[0]._element)
    for i, line in enumerate(h["issuer_lines"]):
        _docx_par(left, line, doc, align=C, bold=i == len(h["issuer_lines"]) - 1, heading=True, size=12)
    _docx_par(left, f"Số: {h['number']}", doc, align=C, size=12)
    if h.get("cv_subject"):
        _docx_par(left, h["cv_subject"], doc, align=C, size=11)
    _docx_par(right, QUOC_HIEU, doc, align=C, bold=True, heading=True, size=12)
    _docx_par(right, TIEU_NGU, doc, align=C, bold=True)
    _docx_par(right, date_line(h), doc, align=C, italic=True)
    if h.get("type_line"):
        _docx_par(d, h["type_line"], doc, align=C, bold=True, heading=True, size=14)
    for s in h.get("subject_lines", []):
        _docx_par(d, s, doc, align=C, bold=True)
    for line in doc.get("preamble", []):
        _docx_par(d, line, doc, italic=True, indent=True)
    _docx_blocks(d, doc["body"], doc)
    sig = doc.get("signature") or {}
    tail = d.add_table(rows=1, cols=2)
    rec, sg = tail.rows[0].cells
    rec._element.remove(rec.paragraphs[0]._element)
    sg._element.remove(sg.paragraphs[0]._element)
    _docx_par(rec, "Nơi nhận:", doc, bold=True, italic=True, size=12)
    for r in doc.get("recipients", []):
        _docx_par(rec, f"- {r}", doc, size=11)
    for x in (sig.get("authority"), sig.get("title")):
        if x:
            _docx_par(sg, x, doc, align=C, bold=True, heading=True)
    _docx_par(sg, "", doc)
    _docx_par(sg, sig.get("name", ""), doc, align=C, bold=True)
    if doc.get("annex"):  # the Phụ lục follows the signature on a new page
        d.add_page_break()
        _docx_blocks(d, doc["annex"], doc)
    buf = io.BytesIO()
    d.save(buf)
    return _normalise_zip(buf.getvalue())


def _docx_blocks(d, blocks: list[dict], doc: dict) -> None:
    """Body blocks as Word paragraphs and tables."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    C = WD_ALIGN_PARAGRAPH.CENTER
    for block in blocks:
        if block.get("page_break"):
            d.add_page_break()
        elif "table" in block:
            t = block["table"]
            for x in t.get("title_lines", []):
                _docx_par(d, x, doc, align=C, bold=True)
            _docx_task_table(d, t, doc, WD_TABLE_ALIGNMENT, Pt)
        elif "h" in block:
            _docx_par(d, block["h"], doc, bold=True)
        elif "li" in block:
            if block.get("auto"):
                _docx_par(d, block["li"], doc, style="List Number")
            else:
                _docx_par(d, block["li"], doc, indent=True)
        elif "center" in block:
            _docx_par(d, block["center"], doc, align=C, bold=True)
        else:
            _docx_par(d, block["p"], doc, indent=True)


def _docx_task_table(d, t: dict, doc: dict, WD_TABLE_ALIGNMENT, Pt) -> None:  # noqa: N803
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = resolved_rows(t)
    plain = t.get("plain_rows", [])
    cols = t.get("columns", TABLE_HEADER)
    table = d.add_table(rows=1 + len(plain) + len(rows), cols=len(cols))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def fill(cell, text, bold=False, align=None):
        par = cell.paragraphs[0]
        if align is not None:
            par.alignment = align
        _docx_runs(par, text, doc, bold=bold, size=11)

    for c, name in enumerate(cols):
        fill(table.rows[0].cells[c], name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, values in enumerate(plain, start=1):
        for c, value in enumerate(values):
            fill(table.rows[r].cells[c], value)
    span_top = None
    for r, row in enumerate(rows, start=1 + len(plain)):
        cells = table.rows[r].cells
        if "section" in row:
            merged = cells[0].merge(cells[-1])
            fill(merged, row["section"], bold=True)
            span_top = None
            continue
        values = row_cells(row)
        for c, value in enumerate(values):
            if c == 2 and row["merged_lead"]:
                continue
            fill(cells[c], value)
        if row["merged_lead"]:
            table.cell(span_top, 2).merge(table.cell(r, 2))
        else:
            span_top = r


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the DOCX is byte-for-byte reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- HTML

def render_html(doc: dict) -> str:
    """A press article inside realistic site chrome (menu, related list, comments, footer)."""
    p = doc["press"]
    e = html.escape
    site = p["publisher"]
    nav = "".join(f'<li><a href="/{i}">{e(x)}</a></li>' for i, x in enumerate(p.get("menu", [
        "Trang chủ", "Thời sự", "Chính trị", "Cải cách hành chính", "Kinh tế", "Xã hội", "Pháp luật"])))
    body = []
    for block in doc["body"]:
        if "h" in block:
            body.append(f"<h2>{e(block['h'])}</h2>")
        else:
            body.append(f"<p>{e(block['p'])}</p>")
    related = "".join(f'<li><a href="/tin/{i + 101}.html">{e(x)}</a></li>' for i, x in enumerate(p["related"]))
    comments = "".join(
        f'<div class="comment"><b>{e(c["name"])}</b> <span class="time">{e(c["time"])}</span>'
        f"<p>{e(c['text'])}</p></div>" for c in p.get("comments", []))
    hostile_head = hostile_tail = ""
    if p.get("hostile"):
        hostile_head = ('<script>window.__track = function(){ document.title = "x"; };'
                        'document.write("<div id=ad>Quảng cáo</div>");</script>')
        hostile_tail = (f'<div class="note-for-bots" style="display:none">{e(p["hostile"])}</div>'
                        '<script src="/static/ads.js"></script>'
                        '<script>fetch("/collect?u=" + encodeURIComponent(location.href));</script>')
    published = p["date"]
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{e(p['title'])} - {e(site)}</title>
<meta property="og:title" content="{e(p['title'])}">
<meta property="og:site_name" content="{e(site)}">
<meta property="article:published_time" content="{published.isoformat()}T{p.get('time', '08:00')}:00+07:00">
<meta name="description" content="{e(p.get('sapo', ''))}">
<link rel="canonical" href="{e(p['url'])}">
{hostile_head}
</head>
<body>
<header class="site-header">
<div class="logo"><a href="/">{e(site)}</a></div>
<nav class="main-menu"><ul>{nav}</ul></nav>
<form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm"><button>Tìm</button></form>
</header>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/cai-cach-hanh-chinh">Cải cách hành chính</a></div>
<main>
<article class="article-detail">
<h1 class="article-title">{e(p['title'])}</h1>
<div class="article-meta"><span class="author">{e(p.get('author', ''))}</span> - <time datetime="{published.isoformat()}">{published.strftime('%d/%m/%Y')} {p.get('time', '08:00')}</time></div>
<p class="sapo"><strong>{e(p.get('sapo', ''))}</strong></p>
<div class="article-content">
{chr(10).join(body)}
</div>
<div class="share">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#">In bài</a></div>
</article>
<section class="related"><h3>Tin cùng chuyên mục</h3><ul>{related}</ul></section>
<section class="comments"><h3>Ý kiến bạn đọc ({len(p.get('comments', []))})</h3>{comments}
<form><textarea placeholder="Nhập ý kiến của bạn"></textarea><button>Gửi</button></form></section>
</main>
<aside class="sidebar"><h3>Đọc nhiều</h3><ul><li><a href="/tin/1.html">Thời tiết cuối tuần: mưa rào ở nhiều nơi</a></li><li><a href="/tin/2.html">Giá xăng dầu điều chỉnh từ 15 giờ chiều nay</a></li></ul></aside>
<footer class="site-footer"><p>{e(site)} - Giấy phép hoạt động báo chí điện tử số 00/GP-BTTTT (nội dung minh họa).</p><p>Địa chỉ: số 1 đường Ví Dụ. Điện thoại: 0000 000 000.</p><p>© Bản quyền thuộc về {e(site)}.</p></footer>
{hostile_tail}
</body>
</html>
"""


# --------------------------------------------------------------------------- metadata and gold

_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ])(?!\w)")
_TONES = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ"}


def _new_tone(match: re.Match) -> str:
    first, second = match.group(1), match.group(2)
    for base, forms in _TONES.items():
        if second.lower() in forms:
            tone = forms.index(second.lower())
            if (first + base).lower() not in {"oa", "oe", "uy"}:
                return match.group(0)
            moved = _TONES[first.lower()][tone]
            return (moved.upper() if first.isupper() else moved) + (base.upper() if second.isupper() else base)
    return match.group(0)


def canonical(text: str | None) -> str | None:
    """NFC with one tone placement ('UỶ' -> 'ỦY', 'hoà' -> 'hòa'), as every reader normalises text."""
    if text is None:
        return None
    return _OLD_TONE.sub(_new_tone, unicodedata.normalize("NFC", text))


def _title_subject(subject: str) -> str:
    """The trích yếu as it reads after the type: a leading preposition 'Về' is lowercased."""
    return "về" + subject[2:] if subject.startswith("Về ") else subject


def addressees(doc: dict) -> list[str]:
    """The 'Kính gửi' addressees of a letter, one per body ('A; B.' on one line or a bullet list)."""
    blocks = doc["body"]
    for i, block in enumerate(blocks):
        text = block.get("p", "")
        if not text.startswith("Kính gửi:"):
            continue
        rest = text[len("Kính gửi:"):].strip()
        items = rest.split(";")
        if not rest:  # the bullet run right after the line
            items = []
            for b in blocks[i + 1:]:
                if "li" not in b or not b["li"].startswith("- "):
                    break
                items.append(b["li"][2:])
        return [re.sub(r"[;.]$", "", x.strip()) for x in items if x.strip()]
    return []


def expected_metadata(doc: dict) -> dict:
    """The metadata a correct reader must produce for this sample."""
    name = file_name(doc)
    if doc["kind"] == "press":
        p = doc["press"]
        return {"doc": name, "doc_type": "Bài báo", "title": p["title"], "issued_on": p["date"].isoformat(),
                "publisher": p["publisher"], "source_url": p["url"]}
    h = doc["header"]
    lines = h["issuer_lines"]
    if h.get("sub_body"):
        issuer, parent = lines[-1], " ".join(lines[:-1])
    else:
        issuer, parent = " ".join(lines), None
    number = h["number"]
    parts = number.split("/", 1)[1].split("-")
    # "125/KH-UBND": type KH, issuer UBND; "412/VP-KSTT" (công văn): issuer VP, drafting unit KSTT
    code = h.get("issuer_code") or (parts[1] if parts[0] in TYPE_CODES and len(parts) > 1 else parts[0])
    sig = doc.get("signature") or {}
    signer_title = " / ".join(x for x in (sig.get("authority"), sig.get("title")) if x) or None
    subject = h.get("cv_subject") or " ".join(h.get("subject_lines", [])) or None
    meta = {
        "doc": name, "title": f"{doc['doc_type']} {_title_subject(subject)}" if subject else doc["doc_type"],
        "doc_type": doc["doc_type"], "number": number, "issuer": issuer, "issuer_parent": parent,
        "issuer_code": code, "place": h["place"], "issued_on": h["date"].isoformat(), "subject": subject,
        "recipients": recipients(doc),
        "signer": sig.get("name"), "signer_title": signer_title, "province": h.get("province"),
    }
    return {k: canonical(v) if isinstance(v, str) and k != "doc" else v for k, v in meta.items()}


def recipients(doc: dict) -> list[str]:
    """Nơi nhận without the 'Lưu' line; 'Như trên' stands for the 'Kính gửi' addressees."""
    out = []
    for r in doc.get("recipients", []):
        r = re.sub(r"[;.]$", "", r).strip()
        if r.startswith("Lưu"):
            continue
        out += addressees(doc) if r == "Như trên" and addressees(doc) else [r]
    return [canonical(r) for r in out]


def _record(doc_name: str, agency, role: str, task: str, dl_text, deadline, criteria, note=None) -> dict:
    if isinstance(deadline, date):
        deadline = deadline.isoformat()
    rec = {"doc": doc_name, "agency": squash(agency_written(agency)), "agency_norm": agency_norm(agency),
           "agency_role": role, "task": squash(task), "deadline_text": dl_text, "deadline": deadline,
           "criteria": list(criteria)}
    if note:
        rec["note"] = note
    return rec


def gold_records(doc: dict) -> list[dict]:
    """The document's assignments: prose annotations in block order, table rows expanded per body."""
    name = file_name(doc)
    out = []
    for block in doc["body"] + doc.get("annex", []):
        for t in block.get("tasks", []):
            agency = [t["agency"], t["norm"]] if "norm" in t else t["agency"]
            out.append(_record(name, agency, t.get("role", "lead"), t["task"], t.get("dl_text"),
                               t.get("deadline"), t.get("criteria", []), t.get("note")))
        if "table" in block:
            for row in resolved_rows(block["table"]):
                if "section" in row:
                    continue
                task = row["task"].rstrip(".")
                dl_text = row.get("time") or None
                note = f"table row {row.get('stt')}" + ("; lead cell merged with the row above"
                                                        if row["merged_lead"] else "")
                if row.get("note"):
                    note += "; " + row["note"]
                for agency in row["lead"]:
                    out.append(_record(name, agency, "lead", task, dl_text, row.get("deadline"),
                                       row.get("criteria", []), note))
                for agency in row.get("support") or []:
                    out.append(_record(name, agency, "support", task, dl_text, row.get("deadline"),
                                       row.get("criteria", []), note))
    return out


def validate(doc: dict) -> list[str]:
    """Problems in one source: gold spans that are not in the text, unknown criteria."""
    problems = []
    text = squash(document_text(doc))
    for rec in gold_records(doc):
        for key in ("agency", "task"):
            if rec[key] not in text:
                problems.append(f"{doc['stem']}: {key} not in text: {rec[key]!r}")
        if rec["deadline_text"] and squash(rec["deadline_text"]) not in text:
            problems.append(f"{doc['stem']}: deadline_text not in text: {rec['deadline_text']!r}")
        if rec.get("note", "").startswith("table row") and not rec["agency"][:1].isupper():
            problems.append(f"{doc['stem']}: table agency looks like a fragment: {rec['agency']!r}")
        bad = set(rec["criteria"]) - CRITERIA
        if bad:
            problems.append(f"{doc['stem']}: unknown criteria {bad}")
    return problems


def passage_units(doc: dict) -> list[str]:
    """The lines of the document text, table rows split into cells: a quote must sit inside one."""
    return [squash(cell) for line in document_text(doc).split("\n") for cell in line.split(" | ")]


def query_records(docs: list[dict], src_dir: Path = SRC) -> list[dict]:
    """The search query set, each quote checked against its document's text."""
    path = src_dir / "queries.yaml"
    if not path.exists():
        return []
    units = {d["stem"]: passage_units(d) for d in docs}
    out = []
    for q in yaml.safe_load(path.read_text(encoding="utf-8")):
        rel = []
        for r in q["relevant"]:
            if not any(squash(r["quote"]) in unit for unit in units.get(r["doc"], [])):
                raise SystemExit(f"query {q['query']!r}: quote not inside one line or cell of "
                                 f"{r['doc']}: {r['quote']!r}")
            rel.append({"doc": r["doc"], "quote": squash(r["quote"])})
        out.append({"query": q["query"], "relevant": rel})
    return out


# --------------------------------------------------------------------------- main

def render_sample(doc: dict) -> bytes:
    """The sample file's bytes."""
    fmt = doc["format"]
    if fmt == "pdf":
        return render_pdf(doc)
    if fmt == "pdf-scan":
        return render_scan_pdf(doc)
    if fmt in ("docx", "docx-tcvn3"):
        return render_docx(doc)
    if fmt == "html":
        return render_html(doc).encode("utf-8")
    if fmt == "txt":
        return render_txt(doc).encode("utf-8")
    if fmt == "txt-vni":
        return encode_vni(render_txt(doc).replace("\n", "\r\n"))
    raise ValueError(f"unknown format {fmt}")


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def build(out_root: Path = ROOT) -> dict[str, bytes]:
    """Render everything; returns {relative path: bytes} after writing it under ``out_root``."""
    docs = load_sources()
    problems = [p for d in docs for p in validate(d)]
    if problems:
        raise SystemExit("corpus source problems:\n" + "\n".join(problems))
    files: dict[str, bytes] = {}
    for doc in docs:
        files[f"samples/{file_name(doc)}"] = render_sample(doc)
    files["expected_metadata.jsonl"] = _jsonl([expected_metadata(d) for d in docs])
    files["gold.jsonl"] = _jsonl([r for d in docs for r in gold_records(d)])
    files["queries.jsonl"] = _jsonl(query_records(docs))
    for rel, data in files.items():
        path = out_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="render to a temp dir and compare")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            files = build(Path(tmp))
            changed = [rel for rel, data in files.items()
                       if not (ROOT / rel).exists() or (ROOT / rel).read_bytes() != data]
        for rel in changed:
            print(f"would change: {rel}")
        return 1 if changed else 0
    files = build()
    gold = files["gold.jsonl"].count(b"\n")
    queries = files["queries.jsonl"].count(b"\n")
    samples = sum(1 for k in files if k.startswith("samples/"))
    print(f"rendered {samples} samples, {gold} gold records, {queries} queries")
    for rel, data in sorted(files.items()):
        print(f"  {rel:55s} {len(data):8d} B  sha256 {hashlib.sha256(data).hexdigest()[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
