"""The tracker sheet "Nhiệm vụ" (xlsx and csv): one row per task record, ready to hand out and to fill in.

A lead record and each support record are rows of their own, so every body finds its duties by filtering one
column; "Cơ quan chủ trì" is always filled (a support row names the lead(s) of the same task) and a lead row
lists its partners in "Cơ quan phối hợp". Staff fill in "Tình trạng", "Ngày hoàn thành", "Người thực hiện"
and "Ghi chú" and import the sheet back (``reports.tracker_import``); "Mã" (the task id) is the key.

>>> recurrence_vi(["FREQ=MONTHLY;BYMONTHDAY=15"]), recurrence_vi(["FREQ=MONTHLY;INTERVAL=3"])
('hằng tháng, ngày 15', 'hằng quý')
>>> recurrence_vi(["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"]), recurrence_vi(["FREQ=WEEKLY;BYDAY=MO"])
('hằng năm, ngày 15/12', 'hằng tuần, thứ Hai')
>>> source_label(SourceDocument(doc_type="Kế hoạch", number="123/KH-UBND", issuer="UBND TỈNH QUẢNG NINH",
...                             issued_on=date(2025, 3, 12)))
'Kế hoạch 123/KH-UBND – Ủy ban nhân dân tỉnh Quảng Ninh – 12/03/2025'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from parlens.reports.formats import ROLE_VI, agency_vi, csv_row, save_xlsx
from parlens.reports.registry import Format, register
from parlens.reports.tasklist import ReportTask, SourceDocument, TaskReport

SHEET_TITLE = "Nhiệm vụ"
# (header, width); the order is the sheet's. "Mã" is the import key; the last column is hidden.
COLUMNS: list[tuple[str, int]] = [
    ("Mã", 8), ("STT", 6), ("Cơ quan chủ trì", 28), ("Cơ quan phối hợp", 28), ("Vai trò", 10), ("Nhiệm vụ", 60),
    ("Thời hạn", 12), ("Lặp lại", 18), ("Tiêu chí PAR", 26), ("Nguồn", 36), ("Tình trạng", 16),
    ("Ngày hoàn thành", 14), ("Người thực hiện", 20), ("Ghi chú", 30), ("Tiến độ", 18), ("Vị trí trong văn bản", 28),
]
HEADERS = [name for name, _ in COLUMNS]
DATE_FORMAT = "DD/MM/YYYY"
# Tiến độ colours (fill, font): late red-ish, done late amber, on time green.
TIMELINESS_COLOURS = {"qua_han": ("FFC7CE", "9C0006"), "hoan_thanh_qua_han": ("FFEB9C", "9C5700"),
                      "dung_han": ("C6EFCE", "006100")}

_FREQ_VI = {"DAILY": ("hằng ngày", "ngày"), "WEEKLY": ("hằng tuần", "tuần"), "MONTHLY": ("hằng tháng", "tháng"),
            "YEARLY": ("hằng năm", "năm")}
_DAY_VI = {"MO": "thứ Hai", "TU": "thứ Ba", "WE": "thứ Tư", "TH": "thứ Năm", "FR": "thứ Sáu", "SA": "thứ Bảy",
           "SU": "Chủ nhật"}


def _rule_vi(rule: str) -> str:
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    if freq == "MONTHLY" and interval == 3:
        head = "hằng quý"
    elif freq == "MONTHLY" and interval == 6:
        head = "6 tháng một lần"
    elif freq in _FREQ_VI:
        every, unit = _FREQ_VI[freq]
        head = every if interval == 1 else f"{interval} {unit} một lần"
    else:
        return rule
    days = [d for d in parts.get("BYMONTHDAY", "").split(",") if d]
    months = [m for m in parts.get("BYMONTH", "").split(",") if m]
    weekdays = [_DAY_VI.get(d[-2:], d) for d in parts.get("BYDAY", "").split(",") if d]
    detail = []
    if len(days) == 1 and months and days[0] != "-1":
        detail.append("ngày " + ", ".join(f"{int(days[0])}/{int(m)}" for m in months))
    else:
        if days:
            detail.append(", ".join("ngày cuối tháng" if d == "-1" else f"ngày {int(d)}" for d in days))
        if months:
            detail.append("tháng " + ", ".join(str(int(m)) for m in months))
    if weekdays:
        detail.append(", ".join(weekdays))
    return ", ".join([head, *detail])


def recurrence_vi(rules: Iterable[str]) -> str:
    """A recurrence (RRULE values) said in Vietnamese: "hằng tháng, ngày 15", "hằng quý"; "" for none."""
    out = []
    for rule in rules:
        try:
            out.append(_rule_vi(rule))
        except ValueError:
            out.append(rule)
    return "; ".join(out)


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@lru_cache(maxsize=1024)
def issuer_vi(issuer: str | None) -> str:
    """An issuer as staff write it: the canonical name when it is one known agency, capitals lowered otherwise.

    >>> issuer_vi("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"), issuer_vi("VĂN PHÒNG")
    ('Ủy ban nhân dân tỉnh Nghệ An', 'Văn phòng')
    """
    if not issuer:
        return ""
    from parlens.nlp.agencies import find_agencies

    text = " ".join(issuer.split())
    mentions = find_agencies(text)
    if len(mentions) == 1 and mentions[0].text == text and mentions[0].name:
        return mentions[0].name
    return text[:1] + text[1:].lower() if text.isupper() else text


def source_label(doc: SourceDocument) -> str:
    """The "Nguồn" of a task: document type and number, issuer, date ("Kế hoạch 123/KH-UBND – … – 12/03/2025")."""
    name = " ".join(p for p in (doc.doc_type, doc.number) if p) or doc.title or doc.source_name
    if not name and doc.id is not None:
        name = f"văn bản #{doc.id}"
    return " – ".join(p for p in (name, issuer_vi(doc.issuer), _day(doc.issued_on)) if p)


def position_label(item: ReportTask) -> str:
    """Where the task was read (hidden column): document id, character offsets, page."""
    doc = item.document
    where = f"văn bản #{doc.id}" if doc.id is not None else (doc.source_name or "văn bản")
    page = f"; trang {item.task.page}" if item.task.page else ""
    return f"{where}; ký tự {item.task.start}–{item.task.end}{page}"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def lead_and_partners(listed: list[ReportTask], context: list[ReportTask] = ()) -> list[tuple[str, str]]:
    """("Cơ quan chủ trì", "Cơ quan phối hợp") of each listed record.

    A lead row: the agency itself and the support agencies of the same span. A support row: the lead(s) of
    the same span in the same document, else of a span that overlaps it, else the issuer of the document
    (the body that assigned the duty answers for it), and the agency itself as partner. ``context`` records
    (same documents, not listed) count as leads and partners too.
    """
    items = [*listed, *context]
    by_doc: dict[Any, list[int]] = {}
    for i, item in enumerate(items):
        key = item.document.id if item.document.id is not None else (item.document.source_name, item.document.number)
        by_doc.setdefault(key, []).append(i)
    out: list[tuple[str, str]] = [("", "")] * len(items)
    for indexes in by_doc.values():
        for i in indexes:
            if i >= len(listed):
                continue
            t = items[i].task
            same = [items[j].task for j in indexes if (items[j].task.start, items[j].task.end) == (t.start, t.end)]
            if t.role == "lead":
                partners = _unique(agency_vi(o) for o in same if o.role == "support")
                out[i] = (agency_vi(t), "; ".join(partners))
                continue
            leads = _unique(agency_vi(o) for o in same if o.role == "lead")
            if not leads:
                leads = _unique(agency_vi(items[j].task) for j in indexes if items[j].task.role == "lead"
                                and items[j].task.start < t.end and t.start < items[j].task.end)
            if not leads and items[i].document.issuer:
                leads = [issuer_vi(items[i].document.issuer)]
            out[i] = ("; ".join(leads), agency_vi(t))
    return out[:len(listed)]


def tracker_rows(report: TaskReport) -> list[list[Any]]:
    """The sheet rows under :data:`HEADERS`, typed: ids and numbers as int, dates as ``date``, the rest text."""
    from parlens.tracking.status import STATUS_VI, TIMELINESS_VI

    rows = []
    roles = lead_and_partners(report.items, report.context)
    for n, (item, (lead, partners)) in enumerate(zip(report.items, roles), start=1):
        t, d = item.task, item.task.deadline
        deadline: Any = item.due or (d.text if d else "")
        rows.append([
            item.id, n, lead, partners, ROLE_VI.get(t.role, t.role), t.task, deadline,
            recurrence_vi(d.recurrence) if d else "",
            "; ".join(f"{c.code} {c.name}".strip() for c in t.criteria), source_label(item.document),
            STATUS_VI.get(item.status, item.status), item.completed_on, item.assignee or "", item.note or "",
            TIMELINESS_VI.get(item.timeliness, "") if item.timeliness else "", position_label(item),
        ])
    return rows


def tracker_csv(report: TaskReport) -> bytes:
    """The sheet as csv (UTF-8 with a BOM so Excel reads Vietnamese right): the same columns, dates dd/mm/yyyy."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(csv_row(HEADERS))
    for row in tracker_rows(report):
        writer.writerow(csv_row(_day(v) if isinstance(v, date) else "" if v is None else str(v) for v in row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def tracker_xlsx(report: TaskReport) -> bytes:
    """The sheet as xlsx: real date cells, a list of the three statuses, Tiến độ coloured, offsets hidden."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from parlens.tracking.status import STATUS_VI, TIMELINESS_VI

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(HEADERS)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rows = tracker_rows(report)
    for row in rows:
        ws.append(row)
    letter = {name: get_column_letter(i) for i, name in enumerate(HEADERS, start=1)}
    last = max(len(rows) + 1, 2)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for name, width in COLUMNS:
        ws.column_dimensions[letter[name]].width = width
    ws.column_dimensions[letter["Vị trí trong văn bản"]].hidden = True

    status = letter["Tình trạng"]
    labels = ",".join(STATUS_VI.values())
    check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=True,
                           errorTitle="Tình trạng", error=f"Chọn một trong: {labels}")
    check.add(f"{status}2:{status}{last}")
    ws.add_data_validation(check)
    done = letter["Ngày hoàn thành"]
    day_check = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                               showErrorMessage=True, errorTitle="Ngày hoàn thành", error="Nhập ngày dạng dd/mm/yyyy")
    day_check.add(f"{done}2:{done}{last}")
    ws.add_data_validation(day_check)

    progress = letter["Tiến độ"]
    for code, (fill, font) in TIMELINESS_COLOURS.items():
        ws.conditional_formatting.add(
            f"{progress}2:{progress}{last}",
            CellIsRule(operator="equal", formula=[f'"{TIMELINESS_VI[code]}"'],
                       fill=PatternFill("solid", fgColor=fill, bgColor=fill), font=Font(color=font)))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{last}"
    return save_xlsx(wb)


register(Format("csv", "text/csv; charset=utf-8", "csv", False, tracker_csv))
register(Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", True, tracker_xlsx))
