"""Formula-safe cells for every csv/xlsx writer, and the json and table formats of a task list.

The tracker sheet (csv, xlsx) lives in ``reports.tracker_sheet`` and the calendar (ics) in ``reports.ical``;
each format is one entry of ``reports.registry``, and :func:`render` renders tasks just extracted from a
document in any of them.

Every csv and xlsx writer of the project goes through :func:`csv_cell` and :func:`save_xlsx`, so a cell
text that starts like a formula (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a tab or a carriage return) stays
text in Excel and LibreOffice (CSV/formula injection).

>>> render({"title": None}, [], "json")
b'{"document": {"title": null, "doc_type": null, "number": null, "issued_on": null, "issuer": null}, "tasks": []}'
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from parlens.model import Document, DocumentMetadata, Task
from parlens.reports.registry import Format, register

if TYPE_CHECKING:
    from parlens.reports.tasklist import TaskReport

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


def deadline_vi(task: Task) -> str:
    """The deadline as staff read it: the date (dd/mm/yyyy), the recurrence or the text."""
    d = task.deadline
    if d is None:
        return ""
    if d.due:
        return d.due.strftime("%d/%m/%Y")
    return d.text


def agency_vi(task: Task) -> str:
    """The agency as exports show it: its canonical name when resolved, else as written."""
    return task.agency_name or task.agency


def render(doc: Document | DocumentMetadata | dict | None, tasks: list[Task], fmt: str, *, on: date | None = None) -> bytes:
    """Bytes of tasks just extracted from ``doc`` in any registered format (``registry.names()``)."""
    from parlens.reports import registry
    from parlens.reports.tasklist import from_extracted

    return registry.get(fmt).render(from_extracted(doc, tasks, on=on))


def _json(report: TaskReport) -> bytes:
    """The JSON contract: ``{"document", "tasks"}``; stored tasks add their id and tracking state."""
    tasks = []
    for item in report.items:
        entry = item.task.to_contract()
        if item.id is not None:  # the shape of GET /tasks
            entry = {"id": item.id, "document_id": item.document.id, **entry, "tracking": {
                "status": item.status, "completed_on": _iso(item.completed_on), "assignee": item.assignee,
                "note": item.note, "due": _iso(item.due), "timeliness": item.timeliness}}
        tasks.append(entry)
    header = report.document.header() if report.document else None
    return json.dumps({"document": header, "tasks": tasks}, ensure_ascii=False).encode("utf-8")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _table(report: TaskReport) -> bytes:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Nhiệm vụ ({len(report.items)})", show_lines=True)
    for h in ["STT", "Cơ quan", "Vai trò", "Nhiệm vụ", "Thời hạn", "Tiêu chí PAR"]:
        table.add_column(h, overflow="fold")
    for n, item in enumerate(report.items, start=1):
        t = item.task
        table.add_row(str(n), agency_vi(t), ROLE_VI.get(t.role, t.role), t.task, deadline_vi(t),
                      ", ".join(c.code for c in t.criteria))
    console = Console(file=io.StringIO(), width=140, color_system=None)
    console.print(table)
    return console.file.getvalue().encode("utf-8")


register(Format("json", "application/json", "json", False, _json))
register(Format("table", "text/plain; charset=utf-8", "txt", False, _table))
