"""who / coverage on a store populated in the test, their renderings, and the CLI commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parlens.errors import ParlensError
from parlens.model import CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.reports.responsibility import coverage, find_criterion, render, resolve_criteria, who
from parlens.search_api.cli import app

TODAY = date(2026, 3, 1)


def _link(code, score=0.8):
    return CriterionLink(code, code, score, "test")


def _task(agency_id, name, role, text, codes, due=None, start=0):
    return Task(
        agency=name, role=role, task=text, start=start, end=start + len(text), agency_id=agency_id, agency_name=name,
        deadline=Deadline(text=f"trước ngày {due:%d/%m/%Y}", due=due) if due else None,
        criteria=[_link(c) for c in codes],
    )


def _doc(title, number, issued_on):
    text = f"{title}\nNội dung kế hoạch."
    return Document(text=text, blocks=[], metadata=DocumentMetadata(title=title, number=number, doc_type="Kế hoạch", issued_on=issued_on))


@pytest.fixture
def populated(store):
    old = _doc("Kế hoạch chuyển đổi số năm 2025", "10/KH-UBND", date(2025, 1, 10))
    new = _doc("Kế hoạch cải cách hành chính năm 2026", "20/KH-UBND", date(2026, 1, 5))
    old_id, _ = store.add_document(old, b"old plan", [
        _task("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "lead", "Nâng cấp hạ tầng số của tỉnh", ["PAR.7.1"], date(2025, 12, 31)),
        _task("van-phong-ubnd-tinh", "Văn phòng UBND tỉnh", "support", "Phối hợp tích hợp dịch vụ công trực tuyến", ["PAR.7.2", "PAR.3"], start=40),
    ], [_link("PAR.7", 0.9)])
    new_id, _ = store.add_document(new, b"new plan", [
        _task("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "lead", "Cung cấp dịch vụ công trực tuyến toàn trình", ["PAR.7.2"], date(2026, 6, 30)),
        _task("so-noi-vu", "Sở Nội vụ", "lead", "Tinh giản biên chế theo lộ trình", ["PAR.4.2"], date(2026, 12, 31), start=60),
        _task("so-tu-phap", "Sở Tư pháp", "lead", "Tổ chức thực hiện kế hoạch", [], start=90),
    ], [_link("PAR.1", 0.7)])
    return store, old_id, new_id


def test_who_by_code_counts_agencies_and_lists_tasks_newest_first(populated):
    store, old_id, new_id = populated
    result = who(store, "PAR.7", today=TODAY)
    assert result["criteria"][0]["code"] == "PAR.7"
    rows = {r["agency_id"]: r for r in result["agencies"]}
    science = rows["so-khoa-hoc-va-cong-nghe"]
    assert (science["lead"], science["support"], science["tasks"]) == (2, 0, 2)
    assert science["nearest_deadline"] == "2026-06-30"  # the 2025 one is past
    assert (rows["van-phong-ubnd-tinh"]["lead"], rows["van-phong-ubnd-tinh"]["support"]) == (0, 1)
    assert rows["van-phong-ubnd-tinh"]["nearest_deadline"] is None
    assert result["agencies"][0]["agency"] == "Sở Khoa học và Công nghệ"
    assert [t["document_id"] for t in result["tasks"]] == [new_id, old_id, old_id]
    first = result["tasks"][0]
    assert first["code"] == "PAR.7.2" and first["document"].startswith("Kế hoạch 20/KH-UBND")
    assert first["source"]["document_id"] == new_id and first["source"]["end"] > first["source"]["start"]
    assert "so-noi-vu" not in rows


def test_who_by_phrase_and_unknown_criterion(populated):
    store, *_ = populated
    assert resolve_criteria("tinh giản biên chế") == ["PAR.4.2"]
    result = who(store, "tinh giản biên chế", today=TODAY)
    assert [r["agency_id"] for r in result["agencies"]] == ["so-noi-vu"]
    assert who(store, "par 3", today=TODAY)["agencies"][0]["agency_id"] == "van-phong-ubnd-tinh"
    with pytest.raises(ParlensError) as err:
        who(store, "zzzz qqqq")
    assert err.value.code == "PARLENS-E033"  # words no criterion covers
    with pytest.raises(ParlensError) as err:
        who(store, "PAR.99")
    assert err.value.code == "PARLENS-E030"  # a code the tree does not have


def _cases(name):
    path = Path(__file__).parent / "cases" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _answer(query):
    try:
        return resolve_criteria(query)[0]
    except ParlensError as exc:
        assert exc.code in ("PARLENS-E033", "PARLENS-E030"), exc
        return None


@pytest.mark.parametrize("name", ["who_queries.jsonl", "who_queries_heldout.jsonl"])
def test_who_resolves_staff_queries_to_the_expected_criterion(name):
    """Realistic staff queries (PAR, SIPAS, PAPI, codes, no accents, off-topic): accuracy over a floor.

    Measured: 58/58 and 25/25 (the shipped resolver before issue 12 answered 28/58 and 10/25: fields instead
    of criteria, and a confident answer for every off-topic query).
    """
    cases = _cases(name)
    misses = [(c["query"], c["expected"], got) for c in cases if (got := _answer(c["query"])) != c["expected"]]
    accuracy = 1 - len(misses) / len(cases)
    not_found = [c for c in cases if c["expected"] is None]
    assert len(not_found) >= 5 and len(cases) - len(not_found) >= 20
    assert accuracy >= 0.9, misses
    assert not [m for m in misses if m[1] is None], "an off-topic query got a criterion"


def test_the_issue_queries_prefer_the_specific_criterion_and_say_not_found(populated):
    store, *_ = populated
    online = find_criterion("dịch vụ công trực tuyến")
    assert online["code"] == "PAR.7.2" and online["by"] == "words"
    assert [b["code"] for b in online["broader"]] == ["PAR.7"]  # the whole field is offered, not chosen
    assert "PAPI.8" in [a["code"] for a in online["alternatives"]]  # another index's dimension with those words
    assert all(a["name"] for a in online["alternatives"])
    assert find_criterion("một cửa")["code"] == "PAR.3.3"
    assert find_criterion("PAR.7")["code"] == "PAR.7" and find_criterion("par 7.2")["by"] == "code"
    for query in ("thời tiết hôm nay", "xyz không tồn tại"):
        with pytest.raises(ParlensError) as err:
            find_criterion(query)
        assert err.value.code == "PARLENS-E033"
    result = who(store, "dịch vụ công trực tuyến", today=TODAY)
    assert [c["code"] for c in result["criteria"]] == ["PAR.7.2"]
    assert {t["code"] for t in result["tasks"]} == {"PAR.7.2"}  # not every e-government task of PAR.7
    assert result["broader"][0]["code"] == "PAR.7" and result["alternatives"]
    shown = render(result, "table").decode("utf-8")
    assert "Thuộc: PAR.7" in shown and "PAPI.8" in shown


def test_who_and_coverage_say_plainly_that_a_name_is_reconstructed(populated):
    store, old_id, new_id = populated
    result = who(store, "PAR.7.2", today=TODAY)
    note = result["criteria"][0]["status_note"]
    assert note == "Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV."
    assert note in render(result, "table").decode("utf-8")
    assert who(store, "PAR.7", today=TODAY)["criteria"][0]["status_note"] is None  # a verified field
    cov = coverage(store, [new_id], today=TODAY)
    table = list(csv.reader(io.StringIO(render(cov, "csv").decode("utf-8-sig"))))
    header = table[1]
    assert "Ghi chú về tên tiêu chí" in header
    first = table[2 : table.index([])]  # the coverage section; the gaps follow after a blank row
    rows = {row[0]: row for row in first}
    assert rows["PAR.7.2"][header.index("Ghi chú về tên tiêu chí")] == note
    assert rows["SIPAS.2.1"][header.index("Ghi chú về tên tiêu chí")].endswith("Quyết định 2640/QĐ-BNV.")
    assert rows["PAR.7"][header.index("Ghi chú về tên tiêu chí")] == ""
    cells = {cell for row in table for cell in row}
    assert not cells & {"inferred", "partial", "working_label", "tạm đặt tên"}


def test_coverage_counts_criteria_and_lists_gaps(populated):
    store, old_id, new_id = populated
    result = coverage(store, [new_id], today=TODAY)
    rows = {r["code"]: r for r in result["rows"]}
    assert result["task_count"] == 3 and result["linked_task_count"] == 2
    assert rows["PAR.7"]["tasks"] == 1 and rows["PAR.7.2"]["tasks"] == 1 and rows["PAR.7.1"]["tasks"] == 0
    assert rows["PAR.4"]["agencies"] == 1 and rows["PAR.4"]["with_deadline"] == 1
    assert rows["PAR.4"]["nearest_deadline"] == "2026-12-31"
    gaps = {g["code"] for g in result["gaps"]}
    assert {"PAR.2", "PAR.3", "PAR.6", "SIPAS", "PAPI", "PAR.7.1"} <= gaps
    assert "PAR.7" not in gaps and "PAR.4.2" not in gaps
    assert result["documents"][0]["criteria"][0]["code"] == "PAR.1"
    both = coverage(store, [old_id, new_id], today=TODAY)
    both_rows = {r["code"]: r for r in both["rows"]}
    assert both_rows["PAR.7"]["tasks"] == 3 and both_rows["PAR.7"]["agencies"] == 2
    assert both_rows["PAR.7"]["support"] == 1 and "PAR.3" not in {g["code"] for g in both["gaps"]}
    fields_only = {r["code"] for r in coverage(store, [new_id], max_level=1)["rows"]}
    assert {"PAR", "PAR.7", "SIPAS.5", "PAPI.8"} <= fields_only and "PAR.7.1" not in fields_only


def test_coverage_of_an_unknown_document_is_e020(store):
    with pytest.raises(ParlensError) as err:
        coverage(store, [404])
    assert err.value.code == "PARLENS-E020"


def test_renderings_have_vietnamese_headers(populated):
    store, old_id, new_id = populated
    result = who(store, "PAR.7", today=TODAY)
    assert json.loads(render(result, "json"))["agencies"][0]["lead"] == 2
    text = render(result, "csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Cơ quan"] and table[1][:4] == ["Cơ quan", "Mã cơ quan", "Chủ trì", "Phối hợp"]
    assert "Phối hợp" in [cell for row in table for cell in row[2:3]]  # the role column is in Vietnamese
    wb = load_workbook(io.BytesIO(render(result, "xlsx")))
    assert wb.sheetnames == ["Cơ quan", "Nhiệm vụ"]
    assert wb["Nhiệm vụ"]["D1"].value == "Nhiệm vụ" and wb["Nhiệm vụ"].max_row == 4
    shown = render(result, "table").decode("utf-8")
    assert "Sở Khoa học và Công nghệ" in shown and "Hạn gần nhất" in shown
    cov = coverage(store, [new_id], today=TODAY)
    cov_wb = load_workbook(io.BytesIO(render(cov, "xlsx")))
    assert cov_wb.sheetnames == ["Bao phủ tiêu chí", "Tiêu chí chưa có nhiệm vụ"]
    assert cov_wb["Bao phủ tiêu chí"]["A1"].value == "Mã tiêu chí"
    levels = {row[0].value: row[2].value for row in cov_wb["Tiêu chí chưa có nhiệm vụ"].iter_rows(min_row=2)}
    assert levels["PAR.2"] == "Lĩnh vực" and levels["SIPAS.1"] == "Yếu tố" and levels["PAPI.3"] == "Chỉ số nội dung"
    with pytest.raises(ValueError):
        render(result, "pdf")


def test_cli_criteria_who_coverage(populated, tmp_path):
    store, old_id, new_id = populated
    store.close()
    runner = CliRunner()
    tree = runner.invoke(app, ["criteria", "--depth", "1"])
    assert tree.exit_code == 0 and "PAR.7" in tree.output and "SIPAS.5" in tree.output and "PAR.7.1" not in tree.output
    sub = runner.invoke(app, ["criteria", "PAR.3", "--format", "json"])
    assert json.loads(sub.output)[0]["children"][0]["code"] == "PAR.3.1"
    out = runner.invoke(app, ["who", "PAR.7", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["agencies"][0]["agency_id"] == "so-khoa-hoc-va-cong-nghe"
    target = tmp_path / "who.xlsx"
    assert runner.invoke(app, ["who", "dịch vụ công trực tuyến", "-f", "xlsx", "-o", str(target)]).exit_code == 0
    assert load_workbook(target).sheetnames[0] == "Cơ quan"
    piped = runner.invoke(app, ["who", "PAR.7", "-f", "xlsx"])  # not a terminal: the workbook is written to stdout
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK")
    cov = runner.invoke(app, ["coverage", str(new_id), "--format", "csv"])
    assert cov.exit_code == 0 and "Mã tiêu chí" in cov.output
    missing = runner.invoke(app, ["coverage", "999"])
    assert missing.exit_code == 2 and "PARLENS-E020" in missing.output
    bad = runner.invoke(app, ["who", "PAR.99"])
    assert bad.exit_code == 2 and "PARLENS-E030" in bad.output


@pytest.mark.parametrize("query", ["thời tiết hôm nay", "xyz không tồn tại"])
def test_cli_who_says_not_found_and_exits_1(populated, query):
    populated[0].close()
    out = CliRunner().invoke(app, ["who", query])
    assert out.exit_code == 1
    assert "Không tìm thấy tiêu chí phù hợp" in out.output and "PARLENS-E033" in out.output
    assert "PAR.1" not in out.output and "PAR.3" not in out.output.replace("PAR.7.2", "")


def test_cli_who_shows_the_specific_criterion_its_field_and_alternatives(populated):
    populated[0].close()
    out = CliRunner().invoke(app, ["who", "dịch vụ công trực tuyến"])
    assert out.exit_code == 0, out.output
    assert "Tiêu chí: PAR.7.2 Cung cấp dịch vụ công trực tuyến" in out.output
    assert "Thuộc: PAR.7" in out.output and "PAPI.8" in out.output
    assert "chưa đối chiếu với Quyết định 876/QĐ-BNV" in out.output


def test_cli_criteria_tree_says_plainly_which_names_are_reconstructed():
    out = CliRunner().invoke(app, ["criteria"])
    assert out.exit_code == 0
    assert "tạm đặt tên" not in out.output and "possibly" not in out.output and "merged" not in out.output
    assert "Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV" in out.output
    line = next(l for l in out.output.splitlines() if l.strip().startswith("PAR.3.6 "))
    assert line.endswith("(tên dựng lại, chưa đối chiếu)")


def test_cli_eval_criteria(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"task": "Đẩy nhanh giải ngân vốn đầu tư công", "agency_norm": "Sở Tài chính", "criteria": ["public finance"]}, ensure_ascii=False))
    out = CliRunner().invoke(app, ["eval-criteria", str(gold)])
    assert out.exit_code == 0 and json.loads(out.output)["field_any_hit"] == 1.0
