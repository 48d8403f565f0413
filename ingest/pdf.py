"""PDF reader (pdfplumber): lines in reading order, ruled tables, running headers and page numbers dropped.

Pages with no text layer, or one too garbled to read, go to OCR (``parlens.ingest.ocr``).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from parlens.errors import ParlensError
from parlens.ingest.columns import Segment, order_lines
from parlens.ingest.draft import Draft
from parlens.ingest.repair import decode_legacy, encoding_of_font, repair_text
from parlens.ingest.structure import DocumentBuilder, classify_line, is_all_caps, starts_new_item
from parlens.ingest.syllables import text_quality
from parlens.model import PageInfo
from parlens.settings import Settings

log = logging.getLogger(__name__)

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*/\s*\d{1,4})?$", re.I)
_MARGIN_SHARE = 0.12


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


def _open(data: bytes, name: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%%EOF" not in data[-4096:]:
        raise ParlensError("PARLENS-E003", f"{name}: the file ends before the PDF trailer (truncated)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ParlensError("PARLENS-E005", f"{name}: {type(exc).__name__}") from exc
    except Exception as exc:  # pdfminer raises many types on broken files (pdfplumber wraps them)
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(exc).lower():
            raise ParlensError("PARLENS-E005", name) from exc
        raise ParlensError("PARLENS-E003", f"{name}: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise ParlensError("PARLENS-E003", f"{name}: no pages")
    return pdf, pages


def _word_text(word: dict) -> str:
    encoding, capital = encoding_of_font(word.get("fontname"))
    if encoding:
        return decode_legacy(word["text"], encoding, uppercase=capital)
    return word["text"]


def _lines_from_words(words: list[dict]) -> list[_Line]:
    """Group words into lines by vertical position and split each line where the gap is wide."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= max(2.0, 0.35 * (w["bottom"] - w["top"])):
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w["x0"])
        size = max(w["bottom"] - w["top"] for w in ws) or 10.0
        segments: list[Segment] = []
        current: list[dict] = [ws[0]]
        for prev, w in zip(ws, ws[1:]):
            if w["x0"] - prev["x1"] > 2.5 * size:
                segments.append(_segment(current))
                current = [w]
            else:
                current.append(w)
        segments.append(_segment(current))
        out.append(_Line(min(w["top"] for w in ws), max(w["bottom"] for w in ws), ws[0]["x0"], ws[-1]["x1"], size, segments))
    return out


def _segment(words: list[dict]) -> Segment:
    return Segment(words[0]["x0"], words[-1]["x1"], " ".join(_word_text(w) for w in words))


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
    """Read a PDF into a Draft (blocks, pages with quality, running headers, warnings)."""
    from parlens.ingest import ocr

    pdf, pages = _open(data, name)
    draft = Draft(builder=DocumentBuilder(), media_type="application/pdf")
    try:
        raw_pages = []
        for page in pages:
            try:
                words = page.extract_words(extra_attrs=["fontname"], keep_blank_chars=False)
                tables = page.find_tables() if (len(page.lines) + len(page.rects)) >= 2 else []
            except Exception as exc:
                raise ParlensError("PARLENS-E003", f"{name}: page {page.page_number}: {type(exc).__name__}") from exc
            bboxes = [t.bbox for t in tables]
            free = [w for w in words if not any(b[0] - 1 <= w["x0"] and w["x1"] <= b[2] + 1 and b[1] - 1 <= w["top"] and w["bottom"] <= b[3] + 1 for b in bboxes)]
            raw_pages.append((page, _lines_from_words(free), tables))
        running = _running_keys([lines for _, lines, _ in raw_pages], [p.height for p, _, _ in raw_pages])
        items: list[_Item] = []
        headers: list[str] = []
        for page, lines, tables in raw_pages:
            number = page.page_number
            kept = []
            for k, ln in enumerate(lines):
                text = ln.text.strip()
                if _is_margin(ln, page.height) and _isolated(lines, k) and (_PAGE_NUMBER.match(text) or re.sub(r"\d+", "#", text) in running):
                    if not _PAGE_NUMBER.match(text) and text not in headers:
                        headers.append(repair_text(text))
                    continue
                kept.append(ln)
            page_items = _page_items(kept, tables, number, page.width)
            page_text = "\n".join(it.text if it.kind == "para" else "\n".join(it.texts.values()) for it in page_items)
            quality = text_quality(page_text)
            info = PageInfo(number=number, quality=round(quality, 3), ocr=False, chars=len(page_text))
            if not page_text.strip() or quality < settings.min_text_quality:
                ocr_text = ocr.ocr_pdf_page(data, number - 1, settings, draft.warnings, reason="no text layer" if not page_text.strip() else f"text quality {quality:.2f}")
                if ocr_text is not None and text_quality(ocr_text) > quality:
                    page_items = [_Item("para", number, text=t, band=True) for t in _paragraphs(ocr_text)]
                    info = PageInfo(number=number, quality=round(text_quality(ocr_text), 3), ocr=True, chars=len(ocr_text))
                elif not page_text.strip():
                    draft.warnings.append(f"page {number}: no readable text")
            draft.pages.append(info)
            items.extend(page_items)
        draft.headers = headers
        _emit(_join_tables(items), draft.builder)
    finally:
        pdf.close()
    return draft


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
        for text, segs, band in ordered:
            line = segs[0].info
            text = repair_text(text, detect=True)
            if not text:
                continue
            if (items and items[-1].kind == "para" and not band and not items[-1].band and prev is not None
                    and _continues(prev, line, text, items[-1].text, left_margin, right_margin, width)):
                items[-1].text += " " + text
            else:
                items.append(_Item("para", number, text=text, band=band))
            prev = line
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


def _continues(prev: _Line, line: _Line, text: str, so_far: str, left: float, right: float, width: float) -> bool:
    """Whether ``line`` wraps the paragraph that ``prev`` ended."""
    if starts_new_item(text):
        return False
    if line.top - prev.bottom > 0.9 * max(prev.size, line.size):
        return False
    prev_centered, centered = _centered(prev, left, width), _centered(line, left, width)
    if prev_centered != centered:
        return False
    if classify_line(so_far)[0] == "heading" and not is_all_caps(text):
        return False
    if not centered:
        if line.x0 > left + 12:  # first-line indent opens a paragraph
            return False
        if prev.x1 < right - 40 and so_far.rstrip().endswith((".", ":", ";", "!", "?")):
            return False
    return True


def _join_tables(items: list[_Item]) -> list[_Item]:
    """A table continued on the next page (same column count, nothing in between) becomes one table."""
    out: list[_Item] = []
    for it in items:
        if (it.kind == "table" and out and out[-1].kind == "table" and it.page == out[-1].page + 1
                and it.grid and out[-1].grid and len(it.grid[0]) == len(out[-1].grid[0])):
            out[-1].grid.extend(it.grid)
            out[-1].texts.update(it.texts)
            continue
        out.append(it)
    return out


def _emit(items: list[_Item], builder: DocumentBuilder) -> None:
    for it in items:
        if it.kind == "table":
            builder.add_table(it.grid, it.texts, page=it.page)
        else:
            builder.add_paragraph(it.text, page=it.page)
