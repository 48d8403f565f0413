"""Task-list exports across documents (csv, xlsx, ics), built on ``task_extraction.formats``.

Rows are built per document (so a lead and its partners are matched inside their own document) with the
document's label in the "Nguồn" column, then numbered as one list.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from parlens.store import StoredTask
from parlens.task_extraction import formats

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
}


def _label(st: StoredTask) -> str:
    parts = [p for p in (st.document_type, st.document_number) if p]
    return " ".join(parts) or (st.document_title or f"văn bản #{st.document_id}")


def sheet_rows(stored: list[StoredTask]) -> list[list[str]]:
    """Rows under ``formats.HEADERS`` for tasks of any number of documents, numbered 1..n."""
    out: list[list[str]] = []
    for _, group in groupby(stored, key=lambda st: st.document_id):
        items = list(group)
        out.extend(formats.rows([st.task for st in items], _label(items[0])))
    for n, row in enumerate(out, start=1):
        row[0] = str(n)
    return out


def export_tasks(stored: list[StoredTask], fmt: str, header: dict[str, Any] | None = None) -> bytes:
    """Bytes of the task list in ``fmt`` (csv with BOM for Excel, xlsx, or an iCalendar of VTODOs)."""
    if fmt == "ics":
        return formats.render(header or {"title": "Danh sách nhiệm vụ"}, [st.task for st in stored], "ics")
    if fmt == "csv":
        return formats.csv_bytes(sheet_rows(stored))
    if fmt == "xlsx":
        return formats.xlsx_bytes(sheet_rows(stored))
    raise ValueError(f"unknown export format {fmt!r}")
