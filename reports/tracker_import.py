"""Read a filled-in tracker sheet back: per row, the task id ("Mã") and what staff changed, or why not.

The sheet and its header row are found by their column names, in any order, in any case, with or without
accents ("Mã", "Tình trạng", "Ngày hoàn thành", "Người thực hiện", "Ghi chú"; "Thời hạn" names the occurrence
a row of a recurring duty was exported for). Only those four columns are read; the others are for people.

An empty cell means "no change" (a value cannot be cleared by import; use the task page or
``parlens task set``). A row without any of the columns filled is skipped. A row error has a Vietnamese
reason: a missing or invalid Mã, the same Mã twice, an unknown status label, a date that is not a date, or a
completion date on a task whose status is not "Hoàn thành". A completion date in the future is allowed.

:func:`apply_tracker` applies a sheet to the store all-or-nothing: when any row has an error, nothing is
written and every row says why or that it waits for the others.

>>> from openpyxl import Workbook
>>> wb = Workbook()
>>> wb.active.append(["STT", "MÃ", "tinh trang", "Ngày hoàn thành"])
>>> wb.active.append([1, 12, "Hoàn thành", "15/10/2025"])
>>> wb.active.append([2, "x", "xong", None])
>>> sheet = read_tracker(_xlsx_bytes(wb))
>>> sheet.rows[0].task_id, sheet.rows[0].changes
(12, {'status': 'hoan_thanh', 'completed_on': datetime.date(2025, 10, 15)})
>>> sheet.rows[1].error
'Mã "x" không phải là số nhiệm vụ; Tình trạng "xong" không hợp lệ (chọn: Chưa thực hiện, Đang thực hiện, Hoàn thành)'
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from parlens.errors import ParlensError
from parlens.store.tracker import parse_day

if TYPE_CHECKING:
    from parlens.store import Store

# Folded header -> field. "thoi han" is read only to know which occurrence a recurring row was exported for.
COLUMN_FIELDS = {"ma": "task_id", "tinh trang": "status", "ngay hoan thanh": "completed_on",
                 "nguoi thuc hien": "assignee", "ghi chu": "note", "thoi han": "due"}
CHANGE_FIELDS = ("status", "completed_on", "assignee", "note")
HEADER_SEARCH_ROWS = 20  # the header is one of the first rows of a sheet
MAX_ROWS = 50_000
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # a tracker of 50,000 rows is far below this
MAX_ZIP_ENTRIES = 2_000
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
NOT_APPLIED = "chưa áp dụng: sửa các dòng lỗi rồi nhập lại cả tệp"


@dataclass(frozen=True)
class TrackerRow:
    """One data row: its Excel row number, the task id, the changes read, or the reason it cannot be read."""

    row: int
    task_id: int | None
    changes: dict[str, Any] = field(default_factory=dict)
    due: date | None = None  # the row's "Thời hạn" date: for a recurring duty, the occurrence it was exported for
    error: str | None = None


@dataclass(frozen=True)
class TrackerSheet:
    """The rows of a tracker sheet, with the sheet's name and header row."""

    sheet: str
    header_row: int
    rows: list[TrackerRow]

    @property
    def errors(self) -> list[TrackerRow]:
        return [r for r in self.rows if r.error]


def _fail(detail: str, hint: str | None = None) -> ParlensError:
    return ParlensError("PARLENS-E013", detail, hint=hint)


def _header_key(value: Any) -> str:
    from parlens.nlp.normalize import fold

    return " ".join(fold(str(value)).replace("_", " ").split()) if value is not None else ""


def _check_package(data: bytes) -> None:
    """Refuse what is not a reasonable xlsx before openpyxl reads it (size, legacy format, zip bomb)."""
    from parlens.settings import get_settings

    settings = get_settings()
    if not data:
        raise ParlensError("PARLENS-E001", "the tracker file is empty")
    if len(data) > settings.max_file_bytes:
        raise ParlensError("PARLENS-E004", f"the tracker file is {len(data)} bytes > {settings.max_file_bytes}")
    if data.startswith(_OLE2):
        raise ParlensError("PARLENS-E012", "the tracker is an old .xls workbook",
                           hint="Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), then import again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _fail(f"not an .xlsx workbook ({exc.__class__.__name__})") from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise _fail("the zip file is not an Excel workbook (no xl/workbook.xml)")
    limit = min(settings.max_unzipped_bytes, MAX_UNZIPPED_BYTES)
    total = sum(e.file_size for e in entries)
    if len(entries) > MAX_ZIP_ENTRIES or total > limit:
        raise _fail(f"the workbook expands to {total} bytes in {len(entries)} parts (at most {limit} bytes, "
                    f"{MAX_ZIP_ENTRIES} parts)", hint="Import the tracker sheet exported by parlens, not a larger workbook.")


def _day(value: Any) -> date | None:
    """A date cell, or text dd/mm/yyyy or yyyy-mm-dd (``store.tracker.parse_day``); ValueError otherwise."""
    try:
        return parse_day(value, "date")
    except ParlensError as exc:
        raise ValueError(value) from exc


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _task_id(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(value)
        number = int(text)
    if number < 1:
        raise ValueError(value)
    return number


def _read_row(number: int, values: dict[str, Any], seen: dict[int, int]) -> TrackerRow | None:
    """A data row from its values by field; None for a row with nothing in the columns read."""
    from parlens.tracking.status import STATUS_VI, parse_status

    if all(_blank(values.get(f)) for f in ("task_id", *CHANGE_FIELDS)):
        return None
    reasons: list[str] = []
    task_id = None
    raw_id = values.get("task_id")
    if _blank(raw_id):
        reasons.append("thiếu Mã (mã nhiệm vụ)")
    else:
        try:
            task_id = _task_id(raw_id)
        except ValueError:
            reasons.append(f'Mã "{_text(raw_id)}" không phải là số nhiệm vụ')
        else:
            if task_id in seen:
                reasons.append(f"Mã {task_id} đã có ở dòng {seen[task_id]}")
            else:
                seen[task_id] = number
    changes: dict[str, Any] = {}
    if not _blank(values.get("status")):
        try:
            changes["status"] = parse_status(_text(values["status"]))
        except ValueError:
            reasons.append(f'Tình trạng "{_text(values["status"])}" không hợp lệ (chọn: {", ".join(STATUS_VI.values())})')
    if not _blank(values.get("completed_on")):
        try:
            changes["completed_on"] = _day(values["completed_on"])
        except ValueError:
            reasons.append(f'Ngày hoàn thành "{_text(values["completed_on"])}" không phải là ngày (dd/mm/yyyy)')
    for name in ("assignee", "note"):
        if not _blank(values.get(name)):
            changes[name] = _text(values[name])
    if changes.get("completed_on") and changes.get("status", "hoan_thanh") != "hoan_thanh":
        reasons.append(f"có Ngày hoàn thành nhưng Tình trạng là \"{STATUS_VI[changes['status']]}\": "
                       "chọn Hoàn thành hoặc xoá ngày")
    due = None
    if not _blank(values.get("due")):
        try:
            due = _day(values["due"])
        except ValueError:
            due = None  # the deadline as written ("hằng quý"): not a date, and not needed
    return TrackerRow(number, task_id, changes, due, "; ".join(reasons) or None)


def read_tracker(data: bytes) -> TrackerSheet:
    """The rows of the tracker sheet in ``data`` (xlsx bytes); PARLENS-E013 when it is not such a sheet.

    Also PARLENS-E001 (empty), E004 (larger than ``PARLENS_MAX_FILE_BYTES``), E012 (legacy .xls).
    """
    _check_package(data)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise _fail(f"the workbook cannot be read ({exc.__class__.__name__})") from None
    try:
        sheets = sorted(wb.worksheets, key=lambda ws: _header_key(ws.title) != "nhiem vu")
        for ws in sheets:
            try:
                found = _read_sheet(ws)
            except ParlensError:
                raise
            except Exception as exc:  # a damaged sheet part
                raise _fail(f"sheet {ws.title!r} cannot be read ({exc.__class__.__name__})") from None
            if found is not None:
                return found
    finally:
        wb.close()
    raise _fail('no sheet has a "Mã" column', hint="Import the tracker exported by GET /tasks?format=xlsx or "
                "`parlens task list`, with its header row and its Mã column kept.")


def _read_sheet(ws: Any) -> TrackerSheet | None:
    rows = ws.iter_rows(values_only=True)
    columns: dict[int, str] | None = None
    header_row = 0
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            return None
        keys = {i: COLUMN_FIELDS[k] for i, k in ((i, _header_key(v)) for i, v in enumerate(values)) if k in COLUMN_FIELDS}
        if "task_id" in keys.values():
            header_row = number
            first = {}
            for i, name in keys.items():
                first.setdefault(name, i)  # a column named twice: the first one counts
            columns = {i: name for name, i in first.items()}
            break
    if columns is None:
        return None
    out: list[TrackerRow] = []
    seen: dict[int, int] = {}
    for number, values in enumerate(rows, start=header_row + 1):
        if number - header_row > MAX_ROWS:
            raise _fail(f"the sheet has more than {MAX_ROWS} rows", hint="Split the tracker and import each part.")
        by_field = {name: values[i] for i, name in columns.items() if i < len(values)}
        row = _read_row(number, by_field, seen)
        if row is not None:
            out.append(row)
    return TrackerSheet(ws.title, header_row, out)


def _xlsx_bytes(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- applying a sheet ------------------------------------------------------------------------------


def apply_tracker(store: Store, sheet: TrackerSheet, actor: str, *, on: date | None = None) -> dict[str, Any]:
    """Apply every row of ``sheet`` in one transaction, or nothing when any row has an error.

    Returns ``{"rows": [{"row", "task_id", "result", "reason"}], "updated", "unchanged", "errors"}``; result is
    ``updated``, ``unchanged`` or ``error``. A row of a recurring duty marks the occurrence its "Thời hạn"
    names (the one it was exported for).
    """
    from parlens.store import tracker

    results: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for row in sheet.rows:
        reason, changes = row.error, None
        if reason is None:
            reason, changes = _changes_for(store, tracker, row, on)
        results.append({"row": row.row, "task_id": row.task_id, "result": "error" if reason else None, "reason": reason})
        if changes is not None:
            updates.append((row.task_id, changes))
    errors = sum(r["result"] == "error" for r in results)
    if errors:
        for r in results:
            if r["result"] is None:
                r.update(result="unchanged", reason=NOT_APPLIED)
        return {"rows": results, "updated": 0, "unchanged": len(results) - errors, "errors": errors}
    outcomes = iter(tracker.update_tasks(store, updates, actor, action="import", on=on) if updates else [])
    for r in results:
        r["result"] = next(outcomes)
    updated = sum(r["result"] == "updated" for r in results)
    return {"rows": results, "updated": updated, "unchanged": len(results) - updated, "errors": 0}


def _changes_for(store: Store, tracker: Any, row: TrackerRow, on: date | None) -> tuple[str | None, dict[str, Any] | None]:
    """``(None, changes for update_tasks)``, or ``(why the store would refuse the row, None)`` in Vietnamese."""
    try:
        stored = tracker.get_task(store, row.task_id, on=on)
    except ParlensError as exc:
        if exc.code == "PARLENS-E026":
            return f"không có nhiệm vụ Mã {row.task_id} (đã xoá hoặc chưa từng có)", None
        raise
    try:
        tracker.check_changes(row.changes)
    except ParlensError as exc:
        return f"giá trị không hợp lệ: {exc.detail}", None
    changes = dict(row.changes)
    if stored.recurring and set(changes) & {"status", "completed_on", "note"}:
        if row.due is not None:
            changes["occurrence"] = row.due  # the occurrence the row was exported for
        elif stored.due is None:
            return "nhiệm vụ lặp lại không có kỳ nào để đánh dấu: ghi ngày của kỳ vào cột Thời hạn", None
    return None, changes
