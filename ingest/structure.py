"""Block structure from the start of a line: numbering, list level, headings.

Levels are absolute ranks of the usual Vietnamese outline: "Phần/Chương/I." 1, "Điều 1." and "1." 2,
"1.1." 3, "1.1.1." 4, "a)" 4, "-" 5, "+" 6 (the grammar is ``nlp.numbering``). All-capital lines are
headings at level 0.

>>> classify_line("II. NHIỆM VỤ VÀ GIẢI PHÁP")
('heading', 1, 'II.')
>>> classify_line("a) Rà soát thủ tục hành chính;")
('list_item', 4, 'a)')
>>> classify_line("Điều 1. Ban hành kèm theo Quyết định này")
('heading', 2, 'Điều 1.')
"""

from __future__ import annotations

import re

from parlens.model import Block, BlockKind
from parlens.nlp.numbering import match_numbering

# The styles of the outline (``nlp.numbering``): "(1)", "(a)" and "A." stay inside their paragraph.
_OUTLINE_STYLES = frozenset({"part", "article", "roman", "arabic_nested", "arabic", "letter", "bullet", "sub_bullet"})
_KIND_OF_STYLE: dict[str, BlockKind | None] = {"part": "heading", "article": "heading", "roman": None}  # None: heading when short
# A Roman or Arabic label alone on its line ("II.", "2.1.") stays a paragraph; its title is the next block.
_NEEDS_TEXT = frozenset({"roman", "arabic", "arabic_nested"})
_MAX_HEADING_CHARS = 200
_SEPARATOR = re.compile(r"^[\s\-_=*.…·—–~]+$")  # decorative rules under header lines


def is_all_caps(text: str) -> bool:
    """At least four letters and no lower-case letter ('KẾ HOẠCH', not 'Kế hoạch')."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)


def classify_line(text: str) -> tuple[BlockKind, int, str | None]:
    """(kind, level, numbering) for a paragraph from its first characters."""
    stripped = text.strip()
    m = match_numbering(stripped, styles=_OUTLINE_STYLES, emphasis=False)
    if m is not None and m.style in _NEEDS_TEXT and m.body == len(stripped):
        m = None
    if m is not None:
        rest = stripped[m.body:]
        kind = _KIND_OF_STYLE.get(m.style, "list_item")
        if kind is None:  # roman numbering: a heading when it reads like a title
            kind = "heading" if len(stripped) <= _MAX_HEADING_CHARS and not rest.rstrip().endswith((";", ",")) else "list_item"
        if kind == "list_item" and is_all_caps(rest) and len(stripped) <= _MAX_HEADING_CHARS:
            kind = "heading"
        return kind, m.level, m.label
    if is_all_caps(stripped) and len(stripped) <= _MAX_HEADING_CHARS:
        return "heading", 0, None
    return "paragraph", 0, None


def starts_new_item(text: str) -> bool:
    """Whether a line opens a numbered/bulleted item or heading (so it is not a wrapped continuation)."""
    kind, _, numbering = classify_line(text)
    return numbering is not None or kind == "heading"


class DocumentBuilder:
    """Accumulates blocks into one text with exact offsets (blocks separated by a newline)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []

    def _append(self, text: str) -> int:
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start

    def add_paragraph(self, text: str, *, page: int | None = None, style: str | None = None,
                      kind: BlockKind | None = None, level: int | None = None, numbering: str | None = None) -> Block | None:
        """Add a text block; kind/level/numbering come from the line start unless given."""
        text = text.strip()
        if not text or _SEPARATOR.match(text):
            return None
        auto_kind, auto_level, auto_numbering = classify_line(text)
        start = self._append(text)
        block = Block(
            kind=kind or auto_kind, text=text, start=start, end=start + len(text), page=page,
            level=auto_level if level is None else level,
            numbering=numbering if numbering is not None else auto_numbering, style=style,
        )
        self.blocks.append(block)
        return block

    def add_table(self, grid: list[list[object]], texts: dict[object, str], *, page: int | None = None,
                  style: str | None = None) -> Block | None:
        """Add a table from a grid of cell keys (a merged cell's key repeats) and each key's text.

        Each distinct cell is written once, at its first grid position; repeats share its offsets.
        """
        from parlens.model import TableCell

        texts = {k: _clean_cell(v) for k, v in texts.items()}
        rows_text: list[str] = []
        seen: set[object] = set()
        for row in grid:
            cells = []
            for key in row:
                if key in seen:
                    continue
                seen.add(key)
                cells.append(key)
            rows_text.append(" | ".join(texts[k] for k in cells))
        # drop rows that are entirely repeats of merged cells from the text, but keep them in rows
        if not any(t.strip(" |") for t in rows_text):
            return None
        table_text = "\n".join(rows_text)
        start = self._append(table_text)
        offsets: dict[object, tuple[int, int]] = {}
        pos = start
        seen.clear()
        for row in grid:
            first = True
            for key in row:
                if key in seen:
                    continue
                seen.add(key)
                if not first:
                    pos += 3
                first = False
                cell_text = texts[key]
                offsets[key] = (pos, pos + len(cell_text))
                pos += len(cell_text)
            pos += 1  # the newline between rows
        positions: dict[object, tuple[set[int], set[int]]] = {}
        for r, row in enumerate(grid):
            for c, key in enumerate(row):
                rs_, cs_ = positions.setdefault(key, (set(), set()))
                rs_.add(r)
                cs_.add(c)
        rows: list[list[TableCell]] = []
        cells_by_key: dict[object, TableCell] = {}
        for row in grid:
            out_row = []
            for key in row:
                cell = cells_by_key.get(key)
                if cell is None:
                    s, e = offsets[key]
                    cell = TableCell(text=texts[key], start=s, end=e,
                                     row_span=len(positions[key][0]), col_span=len(positions[key][1]))
                    cells_by_key[key] = cell
                out_row.append(cell)
            rows.append(out_row)
        block = Block(kind="table", text=table_text, start=start, end=start + len(table_text), page=page, rows=rows, style=style)
        self.blocks.append(block)
        return block

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _clean_cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())
