"""Render tasks as json (the stable contract), a terminal table, csv, xlsx or ics.

The csv/xlsx sheet has one row per task, ready to hand out: a lead row names its partners in
"Cơ quan phối hợp" (the bodies with a support record for the same task), and each support record
stays a row of its own so every body finds its duties by filtering one column.

Every csv and xlsx writer of the project goes through :func:`csv_cell` and :func:`save_xlsx`, so a cell
text that starts like a formula (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a tab or a carriage return) stays
text in Excel and LibreOffice (CSV/formula injection).

>>> render({"title": None}, [], "json")
b'{"document": {"title": null, "doc_type": null, "number": null, "issued_on": null, "issuer": null}, "tasks": []}'
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timezone
from typing import Any

from parlens.model import Document, DocumentMetadata, Task

FORMATS = ("json", "table", "csv", "xlsx", "ics")
HEADERS = ["STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Nhiệm vụ", "Thời hạn", "Tiêu chí PAR", "Nguồn"]
ROLE_VI = {"lead": "Chủ trì", "support": "Phối hợp"}

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula; a plain number such as ``-5`` or ``-1,5`` is not.

    >>> [formula_like(v) for v in ("=1+1", "-5", "-1+2", "@SUM(A1)", chr(9) + "x", "Sở Nội vụ", -5)]
    [True, False, True, True, True, False, False]
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """A csv cell that stays text: formula-like text gets a leading ``'`` (OWASP); other values unchanged.

    >>> [csv_cell("=HYPERLINK(A1)"), csv_cell("-5"), csv_cell(3), csv_cell("Sở Nội vụ")]
    ["'=HYPERLINK(A1)", '-5', 3, 'Sở Nội vụ']
    """
    return "'" + value if formula_like(value) else value


def csv_row(values: Any) -> list[Any]:
    """:func:`csv_cell` over one row."""
    return [csv_cell(v) for v in values]


def save_xlsx(wb: Any) -> bytes:
    """The bytes of an openpyxl workbook in which no cell is a formula.

    openpyxl turns any string starting with ``=`` into a formula (``<f>``); such cells, and every other
    formula-like text, are written back as text cells with Excel's quote prefix (the text is kept as is,
    and editing the cell in Excel keeps it text). Numbers stay numbers.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or formula_like(cell.value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def document_header(doc: Document | DocumentMetadata | dict | None) -> dict[str, Any]:
    """The ``document`` object of the JSON contract."""
    meta = doc.metadata if isinstance(doc, Document) else doc
    if isinstance(meta, dict):
        get = meta.get
    else:
        get = lambda k: getattr(meta, k, None) if meta is not None else None  # noqa: E731
    issued = get("issued_on")
    return {"title": get("title"), "doc_type": get("doc_type"), "number": get("number"),
            "issued_on": issued.isoformat() if isinstance(issued, date) else issued, "issuer": get("issuer")}


def deadline_vi(task: Task) -> str:
    """The deadline as staff read it: the date (dd/mm/yyyy), the recurrence or the text."""
    d = task.deadline
    if d is None:
        return ""
    if d.due:
        return d.due.strftime("%d/%m/%Y")
    return d.text


def _partners(tasks: list[Task]) -> dict[int, list[str]]:
    by_span: dict[tuple[int, int], list[Task]] = {}
    for t in tasks:
        by_span.setdefault((t.start, t.end), []).append(t)
    out = {}
    for i, t in enumerate(tasks):
        if t.role == "lead":
            out[i] = [o.agency for o in by_span[(t.start, t.end)] if o.role == "support"]
    return out


def rows(tasks: list[Task], source_name: str = "") -> list[list[str]]:
    """Sheet rows under ``HEADERS``: lead rows list partners; support rows name their lead(s)."""
    partners = _partners(tasks)
    by_span: dict[tuple[int, int], list[Task]] = {}
    for t in tasks:
        by_span.setdefault((t.start, t.end), []).append(t)
    out = []
    for n, (i, t) in enumerate(enumerate(tasks), start=1):
        if t.role == "lead":
            lead, support = t.agency, "; ".join(partners.get(i, []))
        else:
            leads = [o.agency for o in by_span[(t.start, t.end)] if o.role == "lead"]
            lead, support = "; ".join(leads), t.agency
        page = f", trang {t.page}" if t.page else ""
        source = f"{source_name} [{t.start}-{t.end}{page}]".strip()
        crit = "; ".join(f"{c.code} {c.name}".strip() for c in t.criteria)
        out.append([str(n), lead, support, t.task, deadline_vi(t), crit, source])
    return out


def render(doc: Document | DocumentMetadata | dict | None, tasks: list[Task], fmt: str) -> bytes:
    """Bytes of ``tasks`` in ``fmt`` (json | table | csv | xlsx | ics)."""
    source = doc.source_name if isinstance(doc, Document) else ""
    if fmt == "json":
        payload = {"document": document_header(doc), "tasks": [t.to_contract() for t in tasks]}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(rows(tasks, source))
    if fmt == "xlsx":
        return xlsx_bytes(rows(tasks, source))
    if fmt == "ics":
        return _ics(tasks, document_header(doc))
    if fmt == "table":
        return _table(tasks, source)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _table(tasks: list[Task], source: str) -> bytes:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Nhiệm vụ ({len(tasks)})", show_lines=True)
    for h in ["STT", "Cơ quan", "Vai trò", "Nhiệm vụ", "Thời hạn", "Tiêu chí PAR"]:
        table.add_column(h, overflow="fold")
    for n, t in enumerate(tasks, start=1):
        table.add_row(str(n), t.agency, ROLE_VI.get(t.role, t.role), t.task, deadline_vi(t),
                      ", ".join(c.code for c in t.criteria))
    console = Console(file=io.StringIO(), width=140, color_system=None)
    console.print(table)
    return console.file.getvalue().encode("utf-8")


def csv_bytes(sheet_rows: list[list[str]]) -> bytes:
    """CSV under ``HEADERS``, with a BOM so Excel opens Vietnamese text right."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(csv_row(HEADERS))
    writer.writerows(csv_row(row) for row in sheet_rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(sheet_rows: list[list[str]]) -> bytes:
    """An Excel sheet "Nhiệm vụ" under ``HEADERS``: bold header, wrapped cells, frozen header, filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in sheet_rows:
        ws.append(row)
    for col, width in zip("ABCDEFG", [6, 30, 30, 70, 14, 24, 30]):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    return save_xlsx(wb)


def _ics(tasks: list[Task], header: dict) -> bytes:
    from icalendar import Calendar, Todo, vRecur

    cal = Calendar()
    cal.add("prodid", "-//parlens//nhiem vu//VI")
    cal.add("version", "2.0")
    stamp = datetime.now(timezone.utc)
    doc_label = " ".join(x for x in (header.get("doc_type"), header.get("number")) if x) or "văn bản"
    for n, t in enumerate(tasks, start=1):
        d = t.deadline
        if d is None or not (d.due or d.recurrence):
            continue
        todo = Todo()
        todo.add("uid", f"parlens-{t.start}-{t.end}-{n}@parlens")
        todo.add("dtstamp", stamp)
        todo.add("summary", f"[{ROLE_VI.get(t.role, t.role)}] {t.agency}: {t.task[:120]}")
        todo.add("description", f"Nhiệm vụ: {t.task}\nCơ quan: {t.agency} ({ROLE_VI.get(t.role, t.role)})\n"
                                f"Thời hạn: {d.text}\nNguồn: {doc_label}")
        if d.due:
            todo.add("due", d.due)
        if d.recurrence:
            # RFC 5545 anchors a recurrence on DTSTART: the document date, else today.
            issued = header.get("issued_on")
            todo.add("dtstart", date.fromisoformat(issued) if issued else date.today())
        for rule in d.recurrence:
            todo.add("rrule", vRecur.from_ical(rule))
        cal.add_component(todo)
    return cal.to_ical()
