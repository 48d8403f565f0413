"""One body, one name: tasks of one body stored under different names group into one row everywhere.

A store written before names were canonical holds, for one agency id, the names as the resolver then gave them
("Ủy ban nhân dân phường, xã, đặc khu", "Ủy ban nhân dân các xã, phường", "Sở Nội vụ tỉnh Quảng Trị"). The
agency facet, ``who``, the dashboard's chart and the exports show one row, one bar, one name per body, with
the combined count; the words as written stay in ``agency``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.reports.charts import Bar, bar_chart
from parlens.reports.dashboard import build_dashboard
from parlens.reports.exports import export_tasks
from parlens.reports.responsibility import who
from parlens.store import Store

ON = date(2026, 9, 1)
COMMUNES = "Ủy ban nhân dân cấp xã"

# (agency as written, agency_id, agency_name as an older store kept it)
WRITTEN = [
    ("UBND phường, xã, đặc khu", "ubnd-cap-xa", "Ủy ban nhân dân phường, xã, đặc khu"),
    ("Chủ tịch UBND các xã, phường", "ubnd-cap-xa", "Ủy ban nhân dân các xã, phường"),
    ("UBND xã, phường, đặc khu", "ubnd-cap-xa", "Ủy ban nhân dân xã, phường, đặc khu"),
    ("Giám đốc Sở Nội vụ tỉnh Quảng Trị", "so-noi-vu", "Sở Nội vụ tỉnh Quảng Trị"),
    ("Sở Nội vụ", "so-noi-vu", "Sở Nội vụ"),
    ("Tổ công tác", None, None),
]


def _document(number: str, lines: list[str]) -> Document:
    blocks, pos = [], 0
    for line in lines:
        blocks.append(Block("paragraph", line, pos, pos + len(line)))
        pos += len(line) + 1
    meta = DocumentMetadata(title=f"Kế hoạch {number}", doc_type="Kế hoạch", number=number,
                            issuer="UBND tỉnh Quảng Trị", issued_on=date(2026, 1, 12), province="Quảng Trị")
    return Document(text="\n".join(lines), blocks=blocks, metadata=meta, source_name=f"{number}.txt",
                    media_type="text/plain")


@pytest.fixture
def grouped(store: Store) -> Store:
    """Two documents, every task overdue on ``ON`` and linked to PAR.3.1, one body written several ways."""
    halves = (WRITTEN[:3], WRITTEN[3:])
    for n, rows in enumerate(halves, start=1):
        lines = [f"{agency} rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/6/2026." for agency, _, _ in rows]
        doc = _document(f"{n}/KH-UBND", lines)
        tasks = [Task(agency=agency, role="lead", task=block.text, start=block.start, end=block.end, agency_id=aid,
                      agency_name=name, deadline=Deadline("trước ngày 30/6/2026", due=date(2026, 6, 30)),
                      criteria=[CriterionLink("PAR.3.1", "PAR.3.1", 0.9, "test")])
                 for (agency, aid, name), block in zip(rows, doc.blocks)]
        store.add_document(doc, f"ke hoach {n}".encode(), tasks)
    return store


def test_the_agency_facet_has_one_row_per_body_with_its_one_name(grouped: Store) -> None:
    assert grouped.agency_task_counts() == [("ubnd-cap-xa", COMMUNES, 3), ("so-noi-vu", "Sở Nội vụ", 2)]


def test_who_lists_one_row_per_body_with_the_combined_count(grouped: Store) -> None:
    rows = who(grouped, "PAR.3.1", today=ON)["agencies"]
    assert [(r["agency"], r["agency_id"], r["tasks"]) for r in rows] == [
        (COMMUNES, "ubnd-cap-xa", 3), ("Sở Nội vụ", "so-noi-vu", 2), ("Tổ công tác", None, 1)]


def test_the_dashboard_chart_draws_one_bar_per_body(grouped: Store) -> None:
    counts = build_dashboard(grouped, on=ON).overdue_by_agency
    assert [(c.key, c.label, c.value) for c in counts] == [
        ("ubnd-cap-xa", COMMUNES, 3), ("so-noi-vu", "Sở Nội vụ", 2), (None, "Tổ công tác", 1)]
    svg = bar_chart("Nhiệm vụ quá hạn theo cơ quan", [Bar(c.label, c.value) for c in counts], chart_id="agencies")
    assert svg.count('class="bar') == 3 and f"{COMMUNES}: 3 nhiệm vụ" in svg
    assert "phường, xã, đặc khu" not in svg and "tỉnh Quảng Trị" not in svg


def test_exports_name_the_body_canonically_and_keep_the_words_as_written(grouped: Store) -> None:
    stored = grouped.get_tasks(on=ON)
    rows = list(csv.DictReader(io.StringIO(export_tasks(stored, "csv", store=grouped, on=ON).decode("utf-8-sig"))))
    assert [r["Cơ quan chủ trì"] for r in rows] == [COMMUNES] * 3 + ["Sở Nội vụ", "Sở Nội vụ", "Tổ công tác"]
    tasks = json.loads(export_tasks(stored, "json", on=ON))["tasks"]
    assert [t["agency_name"] for t in tasks] == [COMMUNES] * 3 + ["Sở Nội vụ", "Sở Nội vụ", None]
    assert [t["agency"] for t in tasks] == [agency for agency, _, _ in WRITTEN]
