"""Task tables: columns found by header meaning, one lead record per body in the lead cell and one
support record per body or collective in the phối hợp cell; section rows are skipped.

A table without a time column takes its deadline from a title such as "… ĐẾN NĂM 2030".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parlens.model import Block, Document, TableCell
from parlens.nlp.normalize import fold
from parlens.nlp.numbering import numbering_style
from parlens.task_extraction import timing
from parlens.task_extraction.addressees import Member, head_at, phrase_end, resolve, split_members
from parlens.task_extraction.lexicon import lexicon


@dataclass
class TableRecord:
    """One (body, role, task) read from a table row, with offsets into ``Document.text``."""

    agency: str
    agency_start: int
    role: str
    task: str
    start: int
    end: int
    deadline: object | None
    deadline_offset: int
    rule: str


def header_columns(row: list[TableCell]) -> dict[str, int]:
    """Column index per meaning (stt, task, lead, support, time, product) for a header row."""
    headers = lexicon()["table_headers"]
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = fold(re.sub(r"[\s\n]+", " ", cell.text)).strip(" .:")
        if not key or len(key) > 60:
            continue  # a header cell is a short label, not a task description
        best, best_len = None, 0
        for meaning, words in headers.items():
            for w in words:
                fw = fold(w)
                if (key == fw or key.startswith(fw + " ") or key.endswith(" " + fw) or key.startswith(fw + ",")
                        or (len(key) <= 40 and f" {fw} " in f" {key} ")) and len(fw) > best_len:
                    best, best_len = meaning, len(fw)
        if best and best not in found:
            found[best] = i
    return found


def _is_header(found: dict[str, int]) -> bool:
    return "task" in found and ("lead" in found or "support" in found)


def _section_row(cells: list[str], cols: dict[str, int]) -> bool:
    lead = cells[cols["lead"]].strip() if "lead" in cols and cols["lead"] < len(cells) else ""
    stt = cells[cols["stt"]].strip() if "stt" in cols and cols["stt"] < len(cells) else ""
    if not lead:
        return True
    if numbering_style(stt) in ("roman", "upper_letter"):
        return True
    # A merged section row repeats one text across every cell.
    return len({c.strip() for c in cells if c.strip()}) == 1


def _title_deadline(doc: Document, index: int, ref_date: date | None):
    for block in reversed(doc.blocks[max(0, index - 4):index]):
        m = re.search(r"(?:ĐẾN|đến)\s+(?:NĂM|năm)\s+((?:19|20)\d\d)", block.text)
        if m and block.kind != "table":
            return timing.DeadlineMention(m.start(), m.end(), m.group(0), due=date(int(m.group(1)), 12, 31), rule="table_title"), block.start
    return None, 0


def table_records(doc: Document, index: int, ref_date: date | None,
                  carried: dict | None = None) -> list[TableRecord]:
    """Records from the table block ``doc.blocks[index]`` (empty when it is not a task table).

    ``carried`` holds the columns of the previous task table; a table split across PDF pages has no
    header row on its later pages and continues with the same columns when its width matches.
    """
    block: Block = doc.blocks[index]
    rows = block.rows or []
    out: list[TableRecord] = []
    cols: dict[str, int] | None = None
    title_dl, title_off = None, 0
    width = max((len(r) for r in rows), default=0)
    if carried is not None and carried.get("width") == width and not any(
            _is_header(header_columns(r)) for r in rows[:2]):
        cols = carried["cols"]
        title_dl, title_off = carried.get("title", (None, 0))
    for row in rows:
        found = header_columns(row)
        if _is_header(found):
            cols = found
            if "time" not in cols and title_dl is None:
                title_dl, title_off = _title_deadline(doc, index, ref_date)
            if carried is not None:
                carried.update(width=width, cols=cols, title=(title_dl, title_off))
            continue
        if cols is None:
            continue
        texts = [c.text for c in row]
        if "task" not in cols or cols["task"] >= len(row) or _section_row(texts, cols):
            continue
        task_cell = row[cols["task"]]
        task_text = task_cell.text.strip().rstrip(".;")
        if not task_text:
            continue
        deadline, dl_off = title_dl, title_off
        if "time" in cols and cols["time"] < len(row):
            tcell = row[cols["time"]]
            if tcell.text.strip():
                deadline, dl_off = timing.parse_cell(tcell.text, ref_date), tcell.start
                if deadline is None:
                    deadline = timing.DeadlineMention(0, len(tcell.text.strip()), tcell.text.strip(), decoy="event")
        if "lead" in cols and cols["lead"] < len(row):
            out.extend(_lead_cell(row[cols["lead"]], task_cell, task_text, deadline, dl_off, ref_date))
        if "support" in cols and cols["support"] < len(row):
            cell = row[cols["support"]]
            for m in _cell_members(cell.text):
                out.append(TableRecord(m.text, cell.start + m.start, "support", task_text, task_cell.start,
                                       task_cell.start + len(task_cell.text.rstrip()), deadline, dl_off, "table_support"))
    return out


def _cell_members(text: str):
    body = text.strip().rstrip(".;,")
    members = []
    for m in unglue(split_members(body, keep_collectives_whole=False)):
        if fold(m.text) in {"", "-", "x"}:
            continue
        members.append(m)
    return members


def unglue(members: list[Member]) -> list[Member]:
    """Split bodies a lost line break glued together ("Sở Tài chính Sở Khoa học và Công nghệ").

    A cut goes before a capitalised agency head when both sides resolve to known bodies on their own,
    so "Văn phòng UBND tỉnh" or "Giám đốc Sở Nội vụ" stay whole.

    >>> [m.text for m in unglue(split_members("Sở Khoa học và Công nghệ Công an tỉnh"))]
    ['Sở Khoa học và Công nghệ', 'Công an tỉnh']
    """
    out: list[Member] = []
    for m in members:
        text, base, cut_from = m.text, m.start, 0
        for w in re.finditer(r"(?<=\s)(?=[A-ZĐÀ-Ỹ])", text):
            pos = w.start()
            if pos <= cut_from or not head_at(text, pos):
                continue
            before = text[cut_from:pos].strip()
            after = text[pos:]
            if resolve(before)[0] and resolve(after)[0] and not re.search(r"(?:của|thuộc|và)\s*$", before):
                out.append(Member(before, base + cut_from, base + cut_from + len(before), m.collective))
                cut_from = pos
        rest = text[cut_from:]
        out.append(Member(rest, base + cut_from, base + m.end - m.start, m.collective) if cut_from else m)
    return out


def _lead_cell(cell: TableCell, task_cell: TableCell, task_text: str, deadline, dl_off: int, ref_date):
    """A lead cell may hold bodies only, or "A chủ trì …; B, C thực hiện <own task>" clauses."""
    out = []
    task_end = task_cell.start + len(task_cell.text.rstrip())
    pos = 0
    text = cell.text
    for clause in re.split(r";\s*", text):
        offset = text.find(clause, pos)
        pos = offset + len(clause)
        clause_body = clause.strip().rstrip(".")
        if not clause_body:
            continue
        if head_at(clause_body, 0):
            end = phrase_end(clause_body, 0)
        else:
            end = len(clause_body)
        agencies, rest = clause_body[:end], clause_body[end:].strip(" ,")
        own_task = bool(rest) and re.match(r"(?:thực hiện|triển khai|tổ chức thực hiện)\s", rest, re.I) is not None
        members = unglue(split_members(agencies, keep_collectives_whole=False)) if agencies else []
        for m in members:
            if own_task:
                found = [d for d in timing.find(rest, ref_date) if d.decoy is None]
                own_dl = timing.merge(found, rest) if found else None
                rest_start = cell.start + offset + clause.find(rest)
                out.append(TableRecord(m.text, cell.start + offset + m.start, "lead", rest, rest_start,
                                       rest_start + len(rest), own_dl, rest_start, "table_lead_clause"))
            else:
                out.append(TableRecord(m.text, cell.start + offset + m.start, "lead", task_text, task_cell.start,
                                       task_end, deadline, dl_off, "table_lead"))
    return out
