"""Who holds the tasks of a criterion, and which criteria a set of documents covers (plain data + renderers).

``who(store, "PAR.7")`` and ``coverage(store, [3, 4])`` return dictionaries the CLI and the HTTP API both
serve; ``render(result, fmt)`` turns either into table / json / csv / xlsx bytes with Vietnamese headers.

>>> from parlens.store import Store
>>> who(Store(":memory:"), "PAR.7")["criteria"][0]["code"]
'PAR.7'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

from parlens.errors import ParlensError
from parlens.model import Task

from parlens.reports.formats import ROLE_VI, csv_row, save_xlsx
from parlens.task_extraction.criteria.taxonomy import Taxonomy, load_taxonomy

Format = Literal["table", "json", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("table", "json", "csv", "xlsx")

# Column headers staff read (Vietnamese), keyed by the field names of the plain data.
AGENCY_HEADERS = {
    "agency": "Cơ quan",
    "agency_id": "Mã cơ quan",
    "lead": "Chủ trì",
    "support": "Phối hợp",
    "tasks": "Số nhiệm vụ",
    "nearest_deadline": "Hạn gần nhất",
}
TASK_HEADERS = {
    "code": "Tiêu chí",
    "agency": "Cơ quan",
    "role": "Vai trò",
    "task": "Nhiệm vụ",
    "deadline": "Thời hạn",
    "due": "Hạn (ngày)",
    "document": "Văn bản",
    "issued_on": "Ngày ban hành",
    "document_id": "Mã văn bản",
    "score": "Điểm liên kết",
}
COVERAGE_HEADERS = {
    "code": "Mã tiêu chí",
    "name": "Tên tiêu chí",
    "level": "Cấp",
    "tasks": "Số nhiệm vụ",
    "lead": "Chủ trì",
    "support": "Phối hợp",
    "agencies": "Số cơ quan",
    "with_deadline": "Có thời hạn",
    "nearest_deadline": "Hạn gần nhất",
    "covered": "Đã có nhiệm vụ",
    "status_note": "Ghi chú về tên tiêu chí",
}
LEVEL_VI = {0: "Chỉ số", 1: "Lĩnh vực", 2: "Tiêu chí", 3: "Tiêu chí thành phần"}
# What one level is called in each index (SIPAS has factors, PAPI content dimensions).
LEVEL_VI_BY_ROOT = {"SIPAS": {1: "Yếu tố", 2: "Tiêu chí"}, "PAPI": {1: "Chỉ số nội dung", 2: "Chỉ số thành phần"}}


def level_name(code: str, level: int) -> str:
    """The Vietnamese name of a level ("PAR.7" -> "Lĩnh vực", "SIPAS.2" -> "Yếu tố")."""
    return LEVEL_VI_BY_ROOT.get(code.split(".")[0], {}).get(level) or LEVEL_VI.get(level, str(level))


NOT_FOUND_VI = "Không tìm thấy tiêu chí phù hợp"
MAX_ALTERNATIVES = 4


def find_criterion(query: str, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The one criterion a query names, the other candidates and the broader items above it.

    A code ("PAR.7.2", "par 7.2") resolves exactly (PARLENS-E030 when the tree has no such code). Words
    resolve to the most specific criterion whose wording covers them (``Taxonomy.match``); below the
    threshold PARLENS-E033 ("không tìm thấy tiêu chí phù hợp"). Returns ``{"code", "name", "by": "code" |
    "words", "score", "alternatives": [{code, name, score}], "broader": [{code, name}]}``.

    >>> found = find_criterion("một cửa")
    >>> found["code"], [b["code"] for b in found["broader"]]
    ('PAR.3.3', ['PAR.3'])
    """
    taxonomy = taxonomy or load_taxonomy()
    text = query.strip()
    code = taxonomy.code_in(text)
    if code is not None and code not in taxonomy:
        raise ParlensError("PARLENS-E030", query)
    matches = taxonomy.match(text)
    if not matches:
        raise ParlensError("PARLENS-E033", f"{NOT_FOUND_VI.lower()} với “{text}”")
    best = matches[0]
    broader = [a for a in taxonomy.ancestors(best.code) if taxonomy.parent(a.code) is not None]
    above = {a.code for a in broader}
    others = [m for m in matches[1:] if m.code not in above][:MAX_ALTERNATIVES]
    return {
        "code": best.code,
        "name": best.name,
        "by": "code" if code is not None else "words",
        "score": best.score,
        "alternatives": [{"code": m.code, "name": m.name, "score": m.score} for m in others],
        "broader": [{"code": a.code, "name": a.name} for a in broader],
    }


def resolve_criteria(query: str, taxonomy: Taxonomy | None = None) -> list[str]:
    """The code a query names, as a one-item list: E030 for an unknown code, E033 when no wording matches."""
    return [find_criterion(query, taxonomy)["code"]]


def _deadline_text(task: Task) -> str | None:
    d = task.deadline
    if d is None:
        return None
    return d.text


def _due(task: Task) -> date | None:
    return task.deadline.due if task.deadline else None


def _nearest(dues: Iterable[date | None], today: date) -> date | None:
    """The earliest due date not before ``today``; when every one is past, the latest past one."""
    dues = [d for d in dues if d is not None]
    upcoming = [d for d in dues if d >= today]
    if upcoming:
        return min(upcoming)
    return max(dues) if dues else None


def _agency_key(task: Task) -> tuple[str, str]:
    """``(key, name)`` a task is grouped under: its agency id and the body's canonical name (one row per body
    however the name was stored); a task with no id groups by its own name."""
    from parlens.nlp.agencies import canonical_agency_name

    name = task.agency_name or task.agency
    return (task.agency_id or name, canonical_agency_name(task.agency_id, [name]) or name)


def _tasks_for(store: Any, codes: Sequence[str]) -> list[Any]:
    seen: dict[int, Any] = {}
    for code in codes:
        for stored in store.get_tasks(criterion=code):
            seen.setdefault(stored.id, stored)
    return list(seen.values())


def _best_link(task: Task, codes: Sequence[str]) -> tuple[str, float]:
    best = ("", 0.0)
    for link in task.criteria:
        if any(link.code == c or link.code.startswith(c + ".") for c in codes) and link.score > best[1]:
            best = (link.code, link.score)
    return best


def who(store: Any, query: str, *, today: date | None = None, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """Agencies holding tasks for a criterion (and its descendants), with the tasks as evidence, newest first.

    ``query`` is a code or words (see ``find_criterion``: E030 for an unknown code, E033 when nothing matches).
    Returns ``{"query", "criteria": [{code, name, status_note}], "match": {by, score}, "alternatives": [{code,
    name, score}], "broader": [{code, name}], "agencies": [{agency, agency_id, lead, support, tasks,
    nearest_deadline}], "tasks": [{code, agency, role, task, deadline, due, document, document_id, issued_on,
    score, source}]}``.
    """
    taxonomy = taxonomy or load_taxonomy()
    today = today or date.today()
    found = find_criterion(query, taxonomy)
    codes = [found["code"]]
    stored = _tasks_for(store, codes)
    agencies: dict[str, dict[str, Any]] = {}
    dues: dict[str, list[date | None]] = {}
    for st in stored:
        key, name = _agency_key(st.task)
        row = agencies.setdefault(key, {"agency": name, "agency_id": st.task.agency_id, "lead": 0, "support": 0, "tasks": 0})
        row[st.task.role] += 1
        row["tasks"] += 1
        dues.setdefault(key, []).append(_due(st.task))
    for key, row in agencies.items():
        nearest = _nearest(dues[key], today)
        row["nearest_deadline"] = nearest.isoformat() if nearest else None
    agency_rows = sorted(agencies.values(), key=lambda r: (-r["tasks"], -r["lead"], r["agency"]))
    stored.sort(key=lambda st: (st.document_issued_on or date.min, st.document_id, -st.task.start), reverse=True)
    task_rows = []
    for st in stored:
        code, score = _best_link(st.task, codes)
        due = _due(st.task)
        task_rows.append({
            "code": code,
            "agency": st.task.agency_name or st.task.agency,
            "agency_as_written": st.task.agency,
            "role": st.task.role,
            "task": st.task.task,
            "deadline": _deadline_text(st.task),
            "due": due.isoformat() if due else None,
            "document": " ".join(p for p in (st.document_type, st.document_number, st.document_title) if p) or f"#{st.document_id}",
            "document_id": st.document_id,
            "issued_on": st.document_issued_on.isoformat() if st.document_issued_on else None,
            "score": round(score, 3),
            "source": {"document_id": st.document_id, "start": st.task.start, "end": st.task.end, "page": st.task.page},
        })
    return {
        "query": query,
        "criteria": [{"code": c, "name": taxonomy.get(c).name, "status_note": taxonomy.status_note(c)} for c in codes],
        "match": {"by": found["by"], "score": found["score"]},
        "alternatives": found["alternatives"],
        "broader": found["broader"],
        "agencies": agency_rows,
        "tasks": task_rows,
    }


def coverage(
    store: Any, doc_ids: Sequence[int], *, today: date | None = None, taxonomy: Taxonomy | None = None, max_level: int = 2
) -> dict[str, Any]:
    """Criteria × (tasks, agencies, deadlines) over the given documents, and the criteria no task addresses.

    Rows cover every item down to ``max_level`` (1 = fields, 2 = criteria) of PAR, SIPAS and PAPI; a task counts
    for the code it is linked to and every ancestor. Unknown document ids raise PARLENS-E020. A probable copy of
    another document (``parlens duplicates``) stands for its primary, and a document chosen twice counts once.
    """
    taxonomy = taxonomy or load_taxonomy()
    today = today or date.today()
    documents = []
    tasks: list[Any] = []
    seen: set[int] = set()
    for chosen in doc_ids:
        stored_doc = store.get_document(chosen)  # PARLENS-E020 when unknown
        doc_id = getattr(stored_doc, "duplicate_of", None) or chosen  # a copy stands for its primary: counted once
        if doc_id in seen:
            continue
        seen.add(doc_id)
        if doc_id != chosen:
            stored_doc = store.get_document(doc_id)
        meta = stored_doc.document.metadata
        documents.append({"document_id": doc_id, "number": meta.number, "title": meta.title, "doc_type": meta.doc_type,
                          "criteria": [{"code": c.code, "score": round(c.score, 3)} for c in stored_doc.criteria],
                          **({"chosen_copy": chosen} if doc_id != chosen else {})})
        tasks.extend(store.get_tasks(document_id=doc_id))
    per_code: dict[str, list[Any]] = {}
    for st in tasks:
        codes: set[str] = set()
        for link in st.task.criteria:
            if link.code not in taxonomy:
                continue
            codes.add(link.code)
            codes.update(a.code for a in taxonomy.ancestors(link.code))
        for code in codes:
            per_code.setdefault(code, []).append(st)
    rows = []
    for item in taxonomy:
        level = taxonomy.depth(item.code)
        if level > max_level:
            continue
        linked = per_code.get(item.code, [])
        nearest = _nearest((_due(st.task) for st in linked), today)
        rows.append({
            "code": item.code,
            "name": item.name,
            "level": level,
            "status": item.status,
            "status_note": taxonomy.status_note(item.code),
            "tasks": len(linked),
            "lead": sum(st.task.role == "lead" for st in linked),
            "support": sum(st.task.role == "support" for st in linked),
            "agencies": len({_agency_key(st.task)[0] for st in linked}),
            "with_deadline": sum(st.task.deadline is not None and bool(st.task.deadline.due or st.task.deadline.recurrence or st.task.deadline.within) for st in linked),
            "nearest_deadline": nearest.isoformat() if nearest else None,
            "covered": bool(linked),
        })
    # Gaps: linkable items (PAR fields and below, SIPAS, PAPI and theirs) that no task addresses.
    gaps = [{"code": r["code"], "name": r["name"], "level": r["level"]} for r in rows if not r["covered"] and taxonomy.label_of(r["code"])]
    return {
        "documents": documents,
        "task_count": len(tasks),
        "linked_task_count": sum(bool(st.task.criteria) for st in tasks),
        "rows": rows,
        "gaps": gaps,
    }


# -- rendering ---------------------------------------------------------------------------------------


def _sheets(result: dict[str, Any]) -> list[tuple[str, dict[str, str], list[dict[str, Any]]]]:
    """(sheet title, headers, rows) for a who or coverage result."""
    if "rows" in result:
        rows = [{**r, "level": level_name(r["code"], r["level"]), "covered": "Có" if r["covered"] else "Chưa"} for r in result["rows"]]
        gaps = [{"code": g["code"], "name": g["name"], "level": level_name(g["code"], g["level"])} for g in result["gaps"]]
        return [("Bao phủ tiêu chí", COVERAGE_HEADERS, rows),
                ("Tiêu chí chưa có nhiệm vụ", {"code": "Mã tiêu chí", "name": "Tên tiêu chí", "level": "Cấp"}, gaps)]
    tasks = [{**t, "role": ROLE_VI.get(t["role"], t["role"])} for t in result["tasks"]]
    return [("Cơ quan", AGENCY_HEADERS, result["agencies"]), ("Nhiệm vụ", TASK_HEADERS, tasks)]


def render(result: dict[str, Any], fmt: str = "table") -> bytes:
    """A who/coverage result as ``table`` (text), ``json``, ``csv`` (UTF-8 with BOM, sections one after another) or ``xlsx``."""
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8")
    sheets = _sheets(result)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for i, (title, headers, rows) in enumerate(sheets):
            if i:
                writer.writerow([])
            writer.writerow(csv_row([title]))
            writer.writerow(csv_row(headers.values()))
            for row in rows:
                writer.writerow(csv_row("" if row.get(k) is None else row.get(k) for k in headers))
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        wb.remove(wb.active)
        for title, headers, rows in sheets:
            ws = wb.create_sheet(title[:31])
            ws.append(list(headers.values()))
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for row in rows:
                ws.append([row.get(k) for k in headers])
            for col, key in zip(ws.columns, headers):
                ws.column_dimensions[col[0].column_letter].width = 60 if key in ("task", "name", "document") else 16
        return save_xlsx(wb)
    if fmt == "table":
        return _render_table(result, sheets).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _render_table(result: dict[str, Any], sheets: list[tuple[str, dict[str, str], list[dict[str, Any]]]]) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=160, file=io.StringIO(), highlight=False)
    if "criteria" in result:
        for c in result["criteria"]:
            console.print(f"Tiêu chí: {c['code']} {c['name']}")
            if c.get("status_note"):
                console.print(f"  Lưu ý: {c['status_note']}")
        if result.get("broader"):
            console.print("Thuộc: " + "; ".join(f"{b['code']} {b['name']}" for b in result["broader"]))
        if result.get("alternatives"):
            console.print("Tiêu chí khác cũng gần với từ khóa: " + "; ".join(f"{a['code']} {a['name']}" for a in result["alternatives"]))
    if "documents" in result:
        console.print("Văn bản: " + "; ".join(f"#{d['document_id']} {d['number'] or ''} {d['title'] or ''}".strip() for d in result["documents"]))
        console.print(f"Số nhiệm vụ: {result['task_count']} (có liên kết tiêu chí: {result['linked_task_count']})")
    for title, headers, rows in sheets:
        if "rows" in result and title == sheets[0][0]:
            rows = [r for r in rows if r["tasks"]]  # the table shows covered criteria; gaps follow
        table = Table(title=title, show_lines=False)
        keys = [k for k in headers if k not in ("document_id", "agency_id")]
        for key in keys:
            width = 60 if key in ("task", "name", "document") else 40 if key == "agency" else 14
            table.add_column(headers[key], overflow="fold", max_width=width, no_wrap=key == "agency")
        for row in rows:
            table.add_row(*["" if row.get(k) is None else str(row.get(k)) for k in keys])
        console.print(table)
    return console.export_text()
