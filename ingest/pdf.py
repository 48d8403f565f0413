"""PDF reader (pdfplumber): lines in reading order, ruled tables, running headers and page numbers dropped.

Pages with no text layer, or one too garbled to read, go to OCR (``parlens.ingest.ocr``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from parlens.errors import ParlensError
from parlens.ingest import progress
from parlens.ingest.columns import Segment, order_lines
from parlens.ingest.draft import Draft
from parlens.ingest.pdfium_lock import PDFIUM_LOCK
from parlens.ingest.readers import register
from parlens.ingest.repair import decode_legacy, encoding_of_font, repair_text
from parlens.ingest.structure import DocumentBuilder, classify_line, is_all_caps, starts_new_item
from parlens.ingest.syllables import joins_across_break, text_quality
from parlens.model import PageInfo
from parlens.settings import Settings

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*/\s*\d{1,4})?$", re.I)
_MARGIN_SHARE = 0.12
_SIGNING_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.", "T/M", "K/T", "T/L")
_ARCHIVED = re.compile(r"lưu\s*:?\s*\w")  # 'Lưu: VT' closes a 'Nơi nhận' list


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    segments: list[Segment]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass
class _Item:
    kind: str  # "para" | "table"
    page: int
    text: str = ""
    grid: list[list[object]] = field(default_factory=list)
    texts: dict[object, str] = field(default_factory=dict)
    band: bool = False
    last_page: int = 0  # a table joined across pages ends here
    open_end: bool = False  # the last line ran to the right margin with no closing punctuation


def _open(data: bytes, name: str):
    """The pdfium document; E003 for truncated/corrupt files, E005 for password-protected ones."""
    import pypdfium2

    if b"%%EOF" not in data[-4096:]:
        raise ParlensError("PARLENS-E003", f"{name}: the file ends before the PDF trailer (truncated)")
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParlensError("PARLENS-E005", f"{name}: {exc}") from exc
        raise ParlensError("PARLENS-E003", f"{name}: {exc}") from exc
    if len(pdf) == 0:
        pdf.close()
        raise ParlensError("PARLENS-E003", f"{name}: no pages")
    return pdf


def _font_name(textpage, x: float, y: float) -> str | None:
    """Font of the character at (x, y), for legacy-font detection (.VnTime, VNI-Times)."""
    import ctypes

    import pypdfium2.raw as raw

    index = textpage.get_index(x, y, 2, 2)
    if index is None or index < 0:
        return None
    size = raw.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
    if not size:
        return None
    buf = ctypes.create_string_buffer(size)
    raw.FPDFText_GetFontInfo(textpage.raw, index, buf, size, None)
    return buf.value.decode("utf-8", "replace")


def _page_segments(page) -> list[tuple[float, float, float, float, str]]:
    """Text runs of a page as (x0, top, x1, bottom, text), top measured from the top edge."""
    height = page.get_height()
    textpage = page.get_textpage()
    out = []
    try:
        for k in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(k)
            text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", " ").replace("\n", " ")
            text = text.replace("\ufffe", "").replace("\x02", "-").strip()
            if not text:
                continue
            encoding, capital = encoding_of_font(_font_name(textpage, left + 0.5, (top + bottom) / 2))
            if encoding:
                text = decode_legacy(text, encoding, uppercase=capital)
            out.append((left, height - top, right, height - bottom, text))
    finally:
        textpage.close()
    return out


def _has_rules(page) -> bool:
    """Whether a page draws lines or boxes (a ruled table may be there)."""
    import pypdfium2.raw as raw

    count = 0
    for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        count += 1
        if count >= 2:
            return True
    return False


def _page_edges(page) -> list[dict]:
    """Straight ruling edges of a page in pdfplumber's form (top measured from the top edge).

    Read from pypdfium2 path objects (lines and rectangles, matrices applied), so finding ruled tables
    does not need a second full parse of the page.
    """
    import ctypes

    import pypdfium2.raw as raw

    height = page.get_height()
    edges: list[dict] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        a, b, c, d, e, f = obj.get_matrix().get()
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None

        def add(p0: tuple[float, float], p1: tuple[float, float]) -> None:
            (x0, y0), (x1, y1) = p0, p1
            if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
                lo, hi = sorted((x0, x1))
                edges.append({"x0": lo, "x1": hi, "top": height - y0, "bottom": height - y0, "width": hi - lo,
                              "height": 0, "orientation": "h", "object_type": "line"})
            elif abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 1:
                lo, hi = sorted((height - y0, height - y1))
                edges.append({"x0": x0, "x1": x0, "top": lo, "bottom": hi, "width": 0, "height": hi - lo,
                              "orientation": "v", "object_type": "line"})

        for k in range(raw.FPDFPath_CountSegments(obj.raw)):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == raw.FPDF_SEGMENT_LINETO and points:
                add(points[-1], point)
            points.append(point)
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                add(point, start)
    return edges


@dataclass
class _Frozen:
    """A table's box, rows of cell boxes and extracted cell texts, kept after its page is closed."""

    bbox: tuple[float, float, float, float]
    rows: list
    values: list[list[str | None]]

    def extract(self) -> list[list[str | None]]:
        return self.values


class _Table:
    """A ruled table found from page edges: its bounding box and pdfplumber-style rows of cell boxes."""

    def __init__(self, cells: list[tuple[float, float, float, float]], textpage, height: float) -> None:
        from pdfplumber.table import Table

        self._table = Table(None, cells)  # rows/columns only need the cell boxes
        self.bbox = self._table.bbox
        self.rows = self._table.rows
        self._textpage, self._height = textpage, height

    def extract(self) -> list[list[str | None]]:
        out = []
        chars: list[tuple[float, float, float, float, str]] | None = None
        for row in self.rows:
            values: list[str | None] = []
            for box in row.cells:
                if box is None:
                    values.append(None)
                    continue
                x0, top, x1, bottom = box
                text = self._textpage.get_text_bounded(x0 + 0.5, self._height - bottom + 0.5, x1 - 0.5, self._height - top - 0.5)
                lines = [ln.split() for ln in text.replace("\ufffe", "").replace("\r", "").split("\n")]
                if any(joins_across_break(a, b) for ln in lines for a, b in zip(ln, ln[1:])):
                    # a break pdfium reported as a space ('1. 1'): rebuild the cell's lines from its characters
                    if chars is None:
                        chars = _page_chars(self._textpage, self._height)
                    lines = _lines_in_box(chars, box) or lines
                values.append(join_cell_lines(lines))
            out.append(values)
        return out


def join_cell_lines(lines: list[list[str]]) -> str:
    """A table cell's wrapped lines as one text: a word cut by the narrow column ('ST' / 'T') is rejoined.

    >>> join_cell_lines([["S"], ["T"], ["T"]]), join_cell_lines([["1."], ["1"]]), join_cell_lines([["Sở", "Tư"], ["pháp"]])
    ('STT', '1.1', 'Sở Tư pháp')
    >>> join_cell_lines([["Kế", "hoạch", "số", "12/KH-"], ["UBND"]])
    'Kế hoạch số 12/KH-UBND'
    """
    words: list[str] = []
    for ln in lines:
        for k, w in enumerate(ln):
            if k == 0 and words and (joins_across_break(words[-1], w) or (_ATTACHED_HYPHEN.search(words[-1]) and w[:1].isalnum())):
                words[-1] += w
            else:
                words.append(w)
    return " ".join(words)


def _page_chars(textpage, height: float) -> list[tuple[float, float, float, float, str]]:
    """Every visible character of a page as (x0, top, x1, bottom, char), top measured from the top edge."""
    out = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch in "\r\n\ufffe":
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        out.append((left, height - top, right, height - bottom, ch))
    return out


def _lines_in_box(chars, box) -> list[list[str]]:
    """Words per visual line of the characters inside a cell box (a new line where the baseline drops)."""
    x0, top, x1, bottom = box
    inside = [c for c in chars if x0 - 0.5 <= (c[0] + c[2]) / 2 <= x1 + 0.5 and top - 0.5 <= (c[1] + c[3]) / 2 <= bottom + 0.5]
    lines: list[list[tuple]] = []
    for c in inside:
        if c[4].isspace():  # spaces (pdfium also generates them at line ends) separate words
            if lines:
                lines[-1].append(c)
            continue
        glyphs = [g for g in lines[-1] if not g[4].isspace()] if lines else []
        if glyphs and abs(glyphs[-1][3] - c[3]) <= 0.5 * max(1.0, c[3] - c[1]) and c[0] >= glyphs[-1][0] - 0.5:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [("".join(c[4] for c in ln)).split() for ln in lines]


def _find_tables(page, textpage) -> list[_Table]:
    """Ruled tables of a page (pdfplumber's lattice algorithm on edges read with pypdfium2)."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    edges = [e for e in merge_edges(_page_edges(page), 3, 3, 3, 3) if (e["width"] if e["orientation"] == "h" else e["height"]) >= 3]
    if len(edges) < 4:
        return []
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    height = page.get_height()
    return [_Table(group, textpage, height) for group in cells_to_tables(cells) if len(group) >= 2]


def _lines_from_runs(runs: list[tuple[float, float, float, float, str]], mid: float | None = None,
                     state: dict | None = None) -> list[_Line]:
    """Group text runs into lines by vertical position; runs far apart on a line stay separate segments.

    Right of the page centre (``mid``) the signing column set beside 'Nơi nhận' often starts only a word
    or two of space after the recipients' text: a run opening with a signing prefix (TM., KT., ...) starts
    a segment there, and so do runs on the next lines that start at that column's left edge (``state``
    carries that edge to the next page, where the block may go on).
    """
    state = {} if state is None else state
    runs = sorted(runs, key=lambda r: (round(r[1]), r[0]))
    rows: list[list[tuple[float, float, float, float, str]]] = []
    extent = (0.0, 0.0)
    for r in runs:
        centre = (r[1] + r[3]) / 2
        if rows and (abs(rows[-1][0][1] - r[1]) <= max(2.0, 0.35 * (r[3] - r[1])) or extent[0] < centre < extent[1]):
            rows[-1].append(r)
            extent = (min(extent[0], r[1]), max(extent[1], r[3]))
        else:
            rows.append([r])
            extent = (r[1], r[3])
    out = []
    column: float | None = state.get("column")  # left edge of a signing column found on an earlier line
    for rs in rows:
        rs.sort(key=lambda r: r[0])
        size = max(r[3] - r[1] for r in rs) or 10.0
        segments: list[Segment] = []
        for r in rs:
            gap = r[0] - segments[-1].x1 if segments else 0.0
            signing = (mid is not None and segments and r[0] > mid and gap > 0.5 * size
                       and (r[4].startswith(_SIGNING_PREFIXES) or (column is not None and abs(r[0] - column) < 3)))
            if signing and r[4].startswith(_SIGNING_PREFIXES):
                column = r[0]
            if segments and gap <= 2.5 * size and not signing:
                last = segments[-1]
                segments[-1] = Segment(last.x0, r[2], f"{last.text} {r[4]}")
            else:
                segments.append(Segment(r[0], r[2], r[4]))
        out.append(_Line(min(r[1] for r in rs), max(r[3] for r in rs), rs[0][0], rs[-1][2], size, segments))
    state["column"] = column
    return out


def _table_grid(table, page_number: int) -> tuple[list[list[object]], dict[object, str]]:
    """A grid of cell keys with merged cells repeated, from pdfplumber's cell boxes."""
    values = table.extract()
    rows = table.rows
    grid: list[list[object]] = []
    texts: dict[object, str] = {}
    boxes: dict[object, tuple[float, float, float, float]] = {}
    col_x0: dict[int, float] = {}
    for row in rows:
        for c, box in enumerate(row.cells):
            if box is not None:
                col_x0[c] = min(col_x0.get(c, box[0]), box[0])
    for r, row in enumerate(rows):
        out_row: list[object] = []
        for c, box in enumerate(row.cells):
            if box is not None:
                key = (page_number, r, c)
                value = values[r][c] if r < len(values) and c < len(values[r]) else ""
                texts[key] = repair_text((value or "").replace("\n", " "), detect=True)
                boxes[key] = box
            else:
                key = None
                if out_row and out_row[-1] in boxes and boxes[out_row[-1]][2] > col_x0.get(c, 0) + 1:
                    key = out_row[-1]
                elif grid and c < len(grid[-1]) and grid[-1][c] in boxes and boxes[grid[-1][c]][3] > (row.bbox[1] + 1):
                    key = grid[-1][c]
                if key is None:
                    key = (page_number, r, c)
                    texts[key] = ""
            out_row.append(key)
        grid.append(out_row)
    return grid, texts


def _is_margin(line: _Line, height: float) -> bool:
    return line.bottom < height * _MARGIN_SHARE or line.top > height * (1 - _MARGIN_SHARE)


def _isolated(lines: list[_Line], k: int) -> bool:
    """A margin line stands apart from the body: more than a line height from its neighbour."""
    ln = lines[k]
    if k <= 1 and k + 1 < len(lines):
        return lines[k + 1].top - ln.bottom > ln.size
    if k >= len(lines) - 2 and k > 0:
        return ln.top - lines[k - 1].bottom > ln.size
    return True


def _running_keys(pages_lines: list[list[_Line]], heights: list[float]) -> set[str]:
    """Header/footer lines: margin lines whose digit-blind text repeats on half the pages or more."""
    if len(pages_lines) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines, height in zip(pages_lines, heights):
        picks = [k for k in {0, 1, len(lines) - 2, len(lines) - 1} if 0 <= k < len(lines)]
        keys = {re.sub(r"\d+", "#", lines[k].text) for k in picks if _is_margin(lines[k], height) and _isolated(lines, k)}
        counts.update(keys)
    need = max(2, (len(pages_lines) + 1) // 2)
    return {k for k, n in counts.items() if n >= need}


def read_pdf(data: bytes, name: str, settings: Settings) -> Draft:
    """Read a PDF into a Draft (blocks, pages with quality, running headers, warnings).

    Text runs and ruling lines come from pypdfium2 (fast); ruled tables are found with pdfplumber's
    lattice algorithm (edges -> intersections -> cells -> tables) on those lines. Progress is reported
    once per page (``parlens.ingest.progress``): "ocr" just before a page is OCRed, "read" otherwise.
    """
    from parlens.ingest import ocr

    with PDFIUM_LOCK:  # PDFium is not thread-safe: open, read every page and close under the lock
        pdf = _open(data, name)
        try:
            raw_pages = _read_pages(pdf, name)
        finally:
            pdf.close()
    draft = Draft(builder=DocumentBuilder(), media_type="application/pdf")
    running = _running_keys([p[3] for p in raw_pages], [p[2] for p in raw_pages])
    ocr_budget = settings.ocr_max_pages
    items: list[_Item] = []
    headers: list[str] = []
    carry: list[_Line] = []
    for pi, (number, width, height, lines, tables) in enumerate(raw_pages):
        kept = list(carry)
        carry = []
        for k, ln in enumerate(lines):
            text = ln.text.strip()
            if _is_margin(ln, height) and _isolated(lines, k) and (_PAGE_NUMBER.match(text) or re.sub(r"\d+", "#", text) in running):
                if not _PAGE_NUMBER.match(text) and repair_text(text) not in headers:
                    headers.append(repair_text(text))
                continue
            kept.append(ln)
        if pi + 1 < len(raw_pages):
            kept, carry = _split_open_signature(kept, tables, height)
        page_items = _page_items(kept, tables, number, width)
        page_text = "\n".join(it.text if it.kind == "para" else "\n".join(it.texts.values()) for it in page_items)
        quality = text_quality(page_text)
        info = PageInfo(number=number, quality=round(quality, 3), ocr=False, chars=len(page_text))
        if not page_text.strip() or quality < settings.min_text_quality:
            reason = "no text layer" if not page_text.strip() else f"text quality {quality:.2f}"
            refusal = ocr.ocr_refusal(settings)
            if ocr_budget > 0 and not refusal:
                ocr_budget -= 1
                progress.report("ocr", number, len(raw_pages))
                ocr_text = ocr.ocr_pdf_page(data, number - 1, settings, draft.warnings, reason=reason)
            else:  # hundreds of blank pages in a small file would keep tesseract busy for hours
                ocr_text = None
                progress.report("read", number, len(raw_pages))
                refusal = refusal or (f"not OCRed, the document already had {settings.ocr_max_pages} pages OCRed "
                                      "(PARLENS_OCR_MAX_PAGES)")
                draft.warnings.append(f"PARLENS-W001 page {number}: {reason}; {refusal}")
            if ocr_text is not None and text_quality(ocr_text) > quality:
                page_items = [_Item("para", number, text=t, band=True) for t in _paragraphs(ocr_text)]
                info = PageInfo(number=number, quality=round(text_quality(ocr_text), 3), ocr=True, chars=len(ocr_text))
            elif not page_text.strip():
                draft.warnings.append(f"PARLENS-W003 page {number}: no readable text")
        else:
            progress.report("read", number, len(raw_pages))
        draft.pages.append(info)
        items.extend(page_items)
    draft.headers = headers
    _emit(_join_tables(items), draft.builder)
    return draft


def _read_pages(pdf, name: str) -> list[tuple]:
    """Every page's (number, width, height, lines, tables) read from pdfium (call with PDFIUM_LOCK held)."""
    raw_pages = []
    line_state: dict = {}
    for index in range(len(pdf)):
        page = None
        try:
            page = pdf[index]
            width, height = page.get_width(), page.get_height()
            runs = _page_segments(page)
            tables = []
            if runs and _has_rules(page):
                textpage = page.get_textpage()
                try:
                    tables = [_Frozen(t.bbox, t.rows, t.extract()) for t in _find_tables(page, textpage)]
                finally:
                    textpage.close()
        except ParlensError:
            raise
        except Exception as exc:
            raise ParlensError("PARLENS-E003", f"{name}: page {index + 1}: {type(exc).__name__}: {exc}") from exc
        finally:
            if page is not None:
                page.close()
        bboxes = [t.bbox for t in tables]
        free = [r for r in runs if not any(b[0] - 1 <= (r[0] + r[2]) / 2 <= b[2] + 1 and b[1] - 1 <= (r[1] + r[3]) / 2 <= b[3] + 1 for b in bboxes)]
        raw_pages.append((index + 1, width, height, _lines_from_runs(free, width / 2, line_state), tables))
    return raw_pages


def _split_open_signature(lines: list[_Line], tables, height: float) -> tuple[list[_Line], list[_Line]]:
    """Lines of a 'Nơi nhận' / signer band still open at the page's end, to read with the next page's top.

    A page break inside the band would otherwise unroll its two columns separately on each page, interleaving
    the recipients with the signing title. The carried lines move above the next page (tops shifted up).
    """
    start = next((k for k in range(len(lines) - 1, -1, -1) if lines[k].segments[0].text.lower().startswith("nơi nhận")), None)
    if start is None or any(t.bbox[1] > lines[start].top for t in tables):
        return lines, []
    if any(_ARCHIVED.search(seg.text.lower()) for ln in lines[start:] for seg in ln.segments):
        return lines, []
    moved = [_Line(ln.top - height, ln.bottom - height, ln.x0, ln.x1, ln.size, ln.segments) for ln in lines[start:]]
    return lines[:start], moved


def _paragraphs(text: str) -> list[str]:
    """OCR output to paragraphs (blank lines separate; wrapped lines joined)."""
    from parlens.ingest.text import build_text_blocks

    b = DocumentBuilder()
    build_text_blocks(b, text, detect_legacy=False)
    return [blk.text for blk in b.blocks]


def _page_items(lines: list[_Line], tables, number: int, width: float) -> list[_Item]:
    """Paragraphs and tables of one page, ordered top to bottom, wrapped lines merged."""
    events: list[tuple[float, int, object]] = [(ln.top, 0, ln) for ln in lines]
    events += [(t.bbox[1], 1, t) for t in tables]
    events.sort(key=lambda e: (e[0], e[1]))
    items: list[_Item] = []
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if 0.8 * a.size <= b.top - a.top <= 2.2 * a.size)
    pitch = steps[len(steps) // 2] if len(steps) >= 4 else None  # the usual distance between wrapped lines
    left_margin = min((ln.x0 for ln in lines), default=0.0)
    right_margin = max((ln.x1 for ln in lines), default=width)
    run: list[_Line] = []

    def flush() -> None:
        if not run:
            return
        for seg in run:
            for s in seg.segments:
                s.info = seg
        ordered = order_lines([ln.segments for ln in run], mid=width / 2)
        prev: _Line | None = None
        recipients_x0 = -1e9
        for text, segs, band in ordered:
            line = segs[0].info
            text = repair_text(text, detect=True)
            if not text:
                continue
            if (items and items[-1].kind == "para" and not band and not items[-1].band and prev is not None
                    and _continues(prev, line, text, items[-1].text, left_margin, right_margin, width, pitch)):
                items[-1].text = _join_wrapped(items[-1].text, text)
            elif (band and items and items[-1].band and items[-1].text.lower().startswith("nơi nhận") and prev is not None
                  and abs(segs[0].x0 - recipients_x0) < 12 and not _ARCHIVED.search(items[-1].text.lower())):
                items[-1].text += " " + text  # the recipients list flows on in the left column
            else:
                items.append(_Item("para", number, text=text, band=band))
                if text.lower().startswith("nơi nhận"):
                    recipients_x0 = segs[0].x0
            prev = line
            if items and items[-1].kind == "para":
                items[-1].open_end = (not band and right_margin - line.x1 < 2 * line.size / 1.15
                                      and items[-1].text[-1:].isalnum())
        run.clear()

    for _, kind, obj in events:
        if kind == 0:
            run.append(obj)  # type: ignore[arg-type]
        else:
            flush()
            grid, texts = _table_grid(obj, number)
            items.append(_Item("table", number, grid=grid, texts=texts))
    flush()
    return items


def _centered(line: _Line, left: float, width: float) -> bool:
    return abs((line.x0 + line.x1) / 2 - width / 2) < 20 and line.x0 > left + 30


_ATTACHED_HYPHEN = re.compile(r"[\w/]-$")


def _join_wrapped(so_far: str, text: str) -> str:
    """A wrapped line appended to its paragraph; a hyphen attached to the last word ('469-' / 'KH/TU') joins tight.

    >>> _join_wrapped("Kế hoạch 469-", "KH/TU ngày 10"), _join_wrapped("kinh tế -", "xã hội")
    ('Kế hoạch 469-KH/TU ngày 10', 'kinh tế - xã hội')
    """
    return f"{so_far}{text}" if _ATTACHED_HYPHEN.search(so_far) and text[:1].isalnum() else f"{so_far} {text}"


def _upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters)


def _continues(prev: _Line, line: _Line, text: str, so_far: str, left: float, right: float, width: float,
               pitch: float | None = None) -> bool:
    """Whether ``line`` wraps the paragraph that ``prev`` ended."""
    font = max(prev.size, line.size) / 1.15
    gap_ok = line.top - prev.bottom <= 0.9 * max(prev.size, line.size)
    if pitch and line.top - prev.top > 1.3 * pitch:
        return False  # spacing between paragraphs wider than the page's usual line pitch
    full = right - prev.x1 < 2 * font  # the previous line ran to the right margin
    if gap_ok and full and _upper(text) and _upper(so_far) and abs(line.x0 - prev.x0) < 8:
        return True  # an upper-case title wrapped onto a second line
    if (gap_ok and full and so_far[-1:].isalnum() and abs(line.x0 - prev.x0) < 8
            and re.match(r"^(?:[-–+]\s+[a-zà-ỹđ]|\([^\W\d]{2,})", text)):
        return True  # '- nhà trường ...', '(Big Data) ...': a dash or bracket that only wraps the sentence
    if starts_new_item(text):
        return False
    if line.top - prev.bottom > 0.9 * max(prev.size, line.size):
        return False
    prev_centered, centered = _centered(prev, left, width), _centered(line, left, width)
    if prev_centered != centered:
        return False
    if classify_line(so_far)[0] == "heading" and not _upper(text):
        return False
    if not centered:
        words = text.split()
        if words and right - prev.x1 > 0.6 * font * len(words[0]) + 1.5 * font:
            return False  # the next line's first word would have fitted: the previous line ended its paragraph
        if line.x0 > prev.x0 + 8 and line.x0 > left + 12:  # a first-line indent opens a paragraph
            return False
        if prev.x1 < right - 40 and so_far.rstrip().endswith((".", ":", ";", "!", "?")):
            return False
    return True


def _join_tables(items: list[_Item]) -> list[_Item]:
    """A table continued on the next page (same column count, nothing in between) becomes one table;
    a paragraph cut by the page break ('... chính quyền' / 'địa phương hai cấp.') becomes one paragraph."""
    out: list[_Item] = []
    for it in items:
        if (it.kind == "para" and out and out[-1].kind == "para" and it.page == out[-1].page + 1 and not it.band
                and not out[-1].band and (it.text[:1].islower() or out[-1].open_end) and not starts_new_item(it.text)
                and not out[-1].text.rstrip().endswith((".", ":", ";", "!", "?"))):
            out[-1].text = _join_wrapped(out[-1].text, it.text)
            continue
        if (it.kind == "table" and out and out[-1].kind == "table" and it.page == max(out[-1].page, out[-1].last_page) + 1
                and it.grid and out[-1].grid and len(it.grid[0]) == len(out[-1].grid[0])):
            prev = out[-1]
            if len(it.grid) > 1 and _row_texts(it.grid[0], it.texts) == _row_texts(prev.grid[0], prev.texts) and any(_row_texts(it.grid[0], it.texts)):
                # the header row repeated at the top of each page
                it.grid = it.grid[1:]
            first = it.grid[0]
            if not it.texts.get(first[0], "").strip() and any(it.texts.get(k, "").strip() for k in first):
                # a row cut by the page break: its cells continue the previous part's last row
                done: set[object] = set()
                for c, key in enumerate(first):
                    target = prev.grid[-1][c]
                    extra = it.texts.get(key, "").strip()
                    if extra and target not in done:
                        prev.texts[target] = f"{prev.texts[target]} {extra}".strip()
                        done.add(target)
                rest = it.grid[1:]
            else:
                rest = it.grid
            prev.grid.extend(rest)
            prev.texts.update({k: v for k, v in it.texts.items() if any(k in row for row in rest)})
            prev.last_page = it.page
            continue
        out.append(it)
    return out


def _row_texts(row: list[object], texts: dict[object, str]) -> list[str]:
    return [" ".join(texts.get(k, "").split()) for k in row]


def _emit(items: list[_Item], builder: DocumentBuilder) -> None:
    for it in items:
        if it.kind == "table":
            builder.add_table(it.grid, it.texts, page=it.page)
        else:
            builder.add_paragraph(it.text, page=it.page)


class PdfReader:
    """The PDF :class:`~parlens.ingest.readers.Reader`: the text layer, OCR for pages without a usable one.

    >>> PdfReader().kind, PdfReader().error_codes
    ('pdf', ('PARLENS-E003', 'PARLENS-E005'))
    """

    kind = "pdf"
    media_type = "application/pdf"
    error_codes = ("PARLENS-E003", "PARLENS-E005")  # corrupt or truncated; encrypted

    def read(self, data: bytes, name: str, settings: Settings) -> Draft:
        return read_pdf(data, name, settings)


register(PdfReader())
