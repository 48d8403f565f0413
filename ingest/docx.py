"""DOCX reader (python-docx + the raw WordprocessingML): numbering, merged table cells, legacy fonts.

- list numbering from ``w:numPr`` (rendered like Word: "1.", "a)", "-") or literal numbers in the text;
- tables cell by cell, ``gridSpan``/``vMerge`` cells repeated into every position they cover;
- two-column layout tables (header, signature) unrolled column by column, as read on paper;
- runs in ``.VnTime``/``VNI-Times`` fonts converted from TCVN3/VNI per run;
- page headers/footers kept apart in ``Document.headers``;
- text boxes (``w:txbxContent``, drawn once even when Word stores a VML fallback copy) kept out of the
  paragraph they are anchored in and emitted as their own blocks right after it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from parlens.errors import ParlensError
from parlens.ingest.draft import Draft
from parlens.ingest.readers import register
from parlens.ingest.repair import decode_legacy, encoding_of_font, repair_text
from parlens.ingest.sniff import MEDIA_TYPES, ZIP_ERRORS
from parlens.ingest.structure import DocumentBuilder, classify_line
from parlens.nlp.normalize import fold
from parlens.settings import Settings

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MAX_RATIO = 200  # uncompressed / compressed beyond this, over 10 MB, is a bomb
_MAX_COLUMNS = 63  # Word's own limit on table columns; bounds gridSpan/gridBefore from a hostile file
_MAX_LEVEL = 8  # list levels 0..8
_MAX_START = 100_000  # a list starting beyond this is damage, not numbering
_LAYOUT_MARKERS = ("cong hoa xa hoi chu nghia", "doc lap - tu do", "noi nhan", "dang cong san viet nam",
                   "tm.", "kt.", "so:")
_BULLET_GLYPHS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "•", "\uf076": "•", "o": "◦", "": "•", "\uf02d": "-"}


def check_zip(data: bytes, name: str, settings: Settings) -> None:
    """Refuse a DOCX that is not a zip (E006) or expands too far (E007), before extracting anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except ZIP_ERRORS as exc:
        raise ParlensError("PARLENS-E006", f"{name}: {type(exc).__name__}: {exc}") from exc
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ParlensError("PARLENS-E006", f"{name}: no word/document.xml")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > settings.max_unzipped_bytes:
        raise ParlensError("PARLENS-E007", f"{name}: expands to {total} bytes > {settings.max_unzipped_bytes}")
    if total > 10 * 1024 * 1024 and total / packed > _MAX_RATIO:
        raise ParlensError("PARLENS-E007", f"{name}: compression ratio {total / packed:.0f}:1")


@dataclass
class _Numbering:
    """Word list numbering: numId -> level formats, with running counters."""

    levels: dict[str, dict[int, tuple[str, str, int]]] = field(default_factory=dict)  # numId -> ilvl -> (fmt, text, start)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document) -> "_Numbering":
        self = cls()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return self
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(W + "abstractNum"):
            lv = {}
            for lvl in an.iter(W + "lvl"):
                ilvl = _int(lvl.get(W + "ilvl"), 0, 0, _MAX_LEVEL)
                fmt = _val(lvl.find(W + "numFmt")) or "decimal"
                text = _val(lvl.find(W + "lvlText")) or ""
                start = _int(_val(lvl.find(W + "start")), 1, 0, _MAX_START)
                lv[ilvl] = (fmt, text, start)
            abstract[an.get(W + "abstractNumId")] = lv
        for num in root.iter(W + "num"):
            ref = _val(num.find(W + "abstractNumId"))
            self.levels[num.get(W + "numId")] = dict(abstract.get(ref, {}))
        return self

    def label(self, num_id: str, ilvl: int) -> str | None:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return _BULLET_GLYPHS.get(text, text if text.isprintable() and len(text) == 1 else "•")
        if fmt == "none":
            return None

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f = levels.get(k, ("decimal", "", 1))[0]
            n = counters.get(k, levels.get(k, ("", "", 1))[2])
            return _format_number(n, f)

        return re.sub(r"%(\d)", render, text).strip() or None


def _val(el) -> str | None:
    return None if el is None else el.get(W + "val")


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    """An integer attribute clamped to [lo, hi]; ``default`` when absent or not a number.

    >>> _int("3", 1, 1, 63), _int("x", 1, 1, 63), _int("999999999", 1, 1, 63), _int(None, 0, 0, 8)
    (3, 1, 63, 0)
    """
    try:
        return max(lo, min(hi, int(value))) if value is not None else default
    except ValueError:
        return default


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26]
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.lower() if fmt == "lowerRoman" else s
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


class _Fonts:
    """Resolves the font of a run: run properties, character style, paragraph style chain, defaults."""

    def __init__(self, document) -> None:
        self.elements: dict[str, object] = {}
        self.cache: dict[str, tuple[str | None, str | None, str | None, str | None]] = {}
        self.default: str | None = None
        try:
            root = document.styles.element
        except Exception:
            return
        for st in root.iterchildren(W + "style"):
            self.elements[st.get(W + "styleId")] = st
        rfonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        if rfonts is not None:
            self.default = rfonts.get(W + "ascii") or rfonts.get(W + "hAnsi")

    def style(self, style_id: str | None) -> tuple[str | None, str | None, str | None, str | None]:
        """(font, basedOn, name, numId) of a style, read on first use."""
        if not style_id:
            return (None, None, None, None)
        found = self.cache.get(style_id)
        if found is None:
            st = self.elements.get(style_id)
            if st is None:
                found = (None, None, None, None)
            else:
                rfonts = st.find(f"{W}rPr/{W}rFonts")
                font = None if rfonts is None else (rfonts.get(W + "ascii") or rfonts.get(W + "hAnsi"))
                num = st.find(f"{W}pPr/{W}numPr/{W}numId")
                found = (font, _val(st.find(W + "basedOn")), _val(st.find(W + "name")), _val(num))
            self.cache[style_id] = found
        return found

    def style_font(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            font, based, _, _ = self.style(style_id)
            if font:
                return font
            style_id = based
        return None

    def style_name(self, style_id: str | None) -> str | None:
        return self.style(style_id)[2]


def _run_text(r) -> str:
    out = []
    for el in r:
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "softHyphen":
            out.append("\xad")  # TCVN3 stores ư in the soft-hyphen slot
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


class _Reader:
    def __init__(self, document, settings: Settings) -> None:
        self.fonts = _Fonts(document)
        self.numbering = _Numbering.from_document(document)
        self.settings = settings

    def paragraph(self, p) -> tuple[str, str | None, str | None, int | None]:
        """(repaired text with its numbering label, numbering label, style name, heading level)."""
        ppr = p.find(W + "pPr")
        style_id = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        para_font = self.fonts.style_font(style_id) or self.fonts.default
        pieces: list[str] = []
        legacy_seen = False
        boxed = p.find(".//" + W + "txbxContent") is not None
        for r in p.iter(W + "r"):
            if r.getparent() is not None and r.getparent().tag in (W + "del", W + "moveFrom"):
                continue
            if boxed and _in_text_box(r, p):
                continue
            raw = _run_text(r)
            if not raw:
                continue
            rpr = r.find(W + "rPr")
            font = None
            if rpr is not None:
                rf = rpr.find(W + "rFonts")
                if rf is not None:
                    font = rf.get(W + "ascii") or rf.get(W + "hAnsi")
                if font is None:
                    font = self.fonts.style_font(_val(rpr.find(W + "rStyle")))
            encoding, capital = encoding_of_font(font or para_font)
            if encoding:
                legacy_seen = True
                raw = decode_legacy(raw, encoding, uppercase=capital)
            else:
                raw = raw.replace("\xad", "")
            pieces.append(raw)
        joined = "".join(pieces).replace("\t", " ")
        text = "\n".join(t for t in (repair_text(part, detect=not legacy_seen) for part in joined.split("\n")) if t)
        style_name = self.fonts.style_name(style_id)
        label = None
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        num_id = _val(num_pr.find(W + "numId")) if num_pr is not None else None
        ilvl = _int(_val(num_pr.find(W + "ilvl")), 0, 0, _MAX_LEVEL) if num_pr is not None else 0
        if num_id is None and style_id:
            num_id = self.fonts.style(style_id)[3]
        if num_id and num_id != "0" and text:
            label = self.numbering.label(num_id, ilvl)
        heading_level = None
        if style_name:
            m = re.match(r"(?i)heading\s*(\d)", style_name)
            if m:
                heading_level = int(m.group(1))
            elif style_name.lower() in ("title",):
                heading_level = 0
        if label and text:
            text = f"{label} {text}"
        return text, label, style_name, heading_level

    def text_boxes(self, p) -> list[object]:
        """Paragraphs of the text boxes anchored in ``p`` (the VML fallback copy of a box skipped)."""
        out = []
        for box in p.iter(W + "txbxContent"):
            if any(a.tag == MC + "Fallback" or (a.tag == W + "txbxContent") for a in _ancestors(box, p)):
                continue
            out.extend(box.iter(W + "p"))
        return out

    def cell_text(self, tc) -> str:
        parts = []
        for el in tc.iter(W + "p"):
            # nested tables' paragraphs are reached by iter(); keep document order
            t = self.paragraph(el)[0].replace("\n", " ")
            if t:
                parts.append(t)
        return " ".join(parts)

    def table(self, tbl) -> tuple[list[list[object]], dict[object, str]]:
        grid: list[list[object]] = []
        texts: dict[object, str] = {}
        for tr in tbl.iterchildren(W + "tr"):
            row: list[object] = []
            trpr = tr.find(W + "trPr")
            before = trpr.find(W + "gridBefore") if trpr is not None else None
            for _ in range(_int(_val(before), 0, 0, _MAX_COLUMNS)):
                key = object()
                texts[key] = ""
                row.append(key)
            for tc in _cells(tr):
                tcpr = tc.find(W + "tcPr")
                span = _int(_val(tcpr.find(W + "gridSpan")), 1, 1, _MAX_COLUMNS) if tcpr is not None else 1
                vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
                col = len(row)
                if vmerge is not None and (_val(vmerge) in (None, "continue")) and grid and col < len(grid[-1]):
                    key = grid[-1][col]
                else:
                    key = tc
                    texts[key] = self.cell_text(tc)
                row.extend([key] * span)
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        for r in grid:  # ragged rows padded with empty cells
            while len(r) < width:
                key = object()
                texts[key] = ""
                r.append(key)
        return grid, texts


def _ancestors(el, stop):
    """Ancestors of ``el`` up to (not including) ``stop``."""
    a = el.getparent()
    while a is not None and a is not stop:
        yield a
        a = a.getparent()


def _in_text_box(r, p) -> bool:
    """Whether run ``r`` sits inside a text box (or its fallback copy) rather than in paragraph ``p`` itself."""
    return any(a.tag in (W + "txbxContent", MC + "Fallback") for a in _ancestors(r, p))


def _cells(tr):
    for child in tr.iterchildren():
        if child.tag == W + "tc":
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from (c for c in content.iterchildren(W + "tc"))


def _is_layout_table(grid: list[list[object]], texts: dict[object, str]) -> bool:
    """A borderless header or signature table: few rows, two or three columns, official markers."""
    if not grid or len(grid) > 5 or len(grid[0]) > 3 or len(grid[0]) < 2:
        return False
    joined = fold(" ".join(texts.values()))
    return any(m in joined for m in _LAYOUT_MARKERS)


def _body_elements(body):
    for child in body.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_elements(content)


def read_docx(data: bytes, name: str, settings: Settings) -> Draft:
    """Read a DOCX into a Draft; E006 for a broken package, E007 for a zip bomb."""
    import docx

    check_zip(data, name, settings)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ParlensError("PARLENS-E006", f"{name}: {type(exc).__name__}: {exc}") from exc
    reader = _Reader(document, settings)
    draft = Draft(builder=DocumentBuilder(), media_type=MEDIA_TYPES["docx"])
    builder = draft.builder
    for el in _body_elements(document.element.body):
        if el.tag == W + "p":
            text, label, style, heading = reader.paragraph(el)
            _add(builder, text.replace("\n", " "), label, style, heading)
            for box_p in reader.text_boxes(el):  # a text box reads as its own blocks after its anchor
                text, label, style, heading = reader.paragraph(box_p)
                _add(builder, text.replace("\n", " "), label, style, heading)
        else:
            grid, texts = reader.table(el)
            if _is_layout_table(grid, texts):
                for c in range(len(grid[0])):
                    seen = set()
                    for row in grid:
                        key = row[c] if c < len(row) else None
                        if key is None or key in seen or not hasattr(key, "tag"):
                            continue
                        seen.add(key)
                        for p in key.iter(W + "p"):
                            text, label, style, heading = reader.paragraph(p)
                            for line in text.split("\n"):  # a line break in a header cell is a new line
                                _add(builder, line, label, style, heading)
            elif _has_prose_cells(grid, texts):
                _add_mixed_table(builder, reader, grid, texts)
            else:
                builder.add_table(grid, texts, style="table")
    draft.headers = _headers(document, reader)
    return draft


_PROSE_CELL_CHARS = 1500


def _is_prose_cell(key: object, texts: dict[object, str]) -> bool:
    """A cell holding running text (a page a converter wrapped in a table), not a table value."""
    text = texts.get(key, "")
    return len(text) >= _PROSE_CELL_CHARS and text.count(". ") >= 3


def _has_prose_cells(grid: list[list[object]], texts: dict[object, str]) -> bool:
    return any(_is_prose_cell(key, texts) for row in grid for key in row)


def _add_mixed_table(builder: DocumentBuilder, reader: _Reader, grid: list[list[object]], texts: dict[object, str]) -> None:
    """A table that wraps a document's body: rows with prose cells become paragraphs, the rows between stay tables."""
    pending: list[list[object]] = []
    seen: set[int] = set()

    def flush() -> None:
        if pending:
            builder.add_table([list(r) for r in pending], texts, style="table")
            pending.clear()

    for row in grid:
        if not any(_is_prose_cell(key, texts) for key in row):
            pending.append(row)
            continue
        flush()
        for key in row:
            if id(key) in seen or not hasattr(key, "tag"):
                continue
            seen.add(id(key))
            for p in key.iter(W + "p"):
                text, label, style, heading = reader.paragraph(p)
                for line in text.split("\n"):
                    _add(builder, line, label, style, heading)
    flush()


def _add(builder: DocumentBuilder, text: str, label: str | None, style: str | None, heading: int | None) -> None:
    if not text:
        return
    if heading is not None:
        kind, level, numbering = classify_line(text)
        builder.add_paragraph(text, style=style, kind="heading", level=heading, numbering=numbering)
    elif label:
        kind, level, numbering = classify_line(text)
        builder.add_paragraph(text, style=style, kind="list_item" if kind != "heading" else kind, level=level or 1, numbering=label)
    else:
        builder.add_paragraph(text, style=style)


def _headers(document, reader: _Reader) -> list[str]:
    out: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            try:
                if part.is_linked_to_previous:  # no definition of its own
                    continue
                element = part._element
            except Exception:
                continue
            for p in element.iter(W + "p"):
                text = reader.paragraph(p)[0].replace("\n", " ")
                if text and text not in out:
                    out.append(text)
    return out


class DocxReader:
    """The DOCX :class:`~parlens.ingest.readers.Reader` (checked for zip bombs before anything is extracted).

    >>> DocxReader().kind, DocxReader().error_codes
    ('docx', ('PARLENS-E006', 'PARLENS-E007'))
    """

    kind = "docx"
    media_type = MEDIA_TYPES["docx"]
    error_codes = ("PARLENS-E006", "PARLENS-E007")  # corrupt package; expands too far

    def read(self, data: bytes, name: str, settings: Settings) -> Draft:
        return read_docx(data, name, settings)


register(DocxReader())
