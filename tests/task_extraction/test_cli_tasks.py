"""`parlens tasks FILE` on a plain-text file: the JSON contract on stdout and an xlsx file on --output."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from parlens.search_api.cli import app

TEXT = "KẾ HOẠCH\nCải cách hành chính năm 2026\nUBND tỉnh giao Sở Nội vụ chủ trì tổng hợp kết quả, báo cáo trước ngày 15/12.\n"


def test_tasks_json_uses_ref_date_for_yearless_deadline(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text(TEXT, "utf-8")
    result = CliRunner().invoke(app, ["tasks", str(path), "--ref-date", "2026-02-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    [task] = payload["tasks"]
    assert task["agency"] == "Sở Nội vụ" and task["role"] == "lead"
    assert task["deadline"]["due"] == "2026-12-15"


def test_tasks_xlsx_output(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text(TEXT, "utf-8")
    out = tmp_path / "giao-viec.xlsx"
    result = CliRunner().invoke(app, ["tasks", str(path), "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws["C2"].value == "Sở Nội vụ" and ws["E2"].value == "Chủ trì" and ws["A2"].value is None


def test_tasks_missing_file_exits_with_code(tmp_path):
    result = CliRunner().invoke(app, ["tasks", str(tmp_path / "none.pdf")])
    assert result.exit_code == 2 and "PARLENS-E010" in result.output
