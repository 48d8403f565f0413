"""The scorer on a tiny synthetic gold with known precision and recall, and the CLI around it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parlens.model import Deadline, Task
from parlens.task_extraction.evaluate import evaluate, score_document, task_overlap
from parlens.search_api.cli import app


def _gold(agency, task, role="lead", deadline=None, note=None):
    return {"doc": "a.txt", "agency": agency, "agency_norm": agency, "agency_role": role, "task": task,
            "deadline_text": None, "deadline": deadline, "criteria": [], "note": note}


def test_known_precision_recall_role_and_deadline():
    gold = [
        _gold("Sở Nội vụ", "tổng hợp kết quả chấm điểm chỉ số cải cách hành chính", deadline="2025-12-15"),
        _gold("Sở Tài chính", "bố trí kinh phí thực hiện kế hoạch", role="support"),
        _gold("Sở Tư pháp", "rà soát văn bản quy phạm pháp luật"),
        _gold("Sở Y tế", "triển khai bệnh án điện tử", note="BORDERLINE: excluded"),
    ]
    preds = [
        Task("Sở Nội vụ", "lead", "Chủ trì tổng hợp kết quả chấm điểm chỉ số cải cách hành chính", 0, 10,
             deadline=Deadline("trước ngày 15/12/2025", due=__import__("datetime").date(2025, 12, 15))),
        Task("Sở Tài chính", "lead", "bố trí kinh phí thực hiện kế hoạch", 20, 30),  # wrong role
        Task("Sở Tư pháp", "lead", "tuyên truyền phổ biến giáo dục", 40, 50),  # wrong task: FP and a miss
    ]
    s = score_document("a.txt", preds, gold)
    assert (s.gold, s.predicted, s.matched) == (3, 3, 2)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)
    assert s.summary()["role_accuracy"] == 0.5 and s.summary()["deadline_exact"] == 1.0


def test_agency_surface_containment_matches_and_other_agency_does_not():
    gold = [_gold("Giám đốc các sở, Thủ trưởng các ban, ngành", "rà soát quy trình nội bộ")]
    hit = score_document("a", [Task("Giám đốc các sở", "lead", "rà soát quy trình nội bộ", 0, 5)], gold)
    miss = score_document("a", [Task("Công an tỉnh", "lead", "rà soát quy trình nội bộ", 0, 5)], gold)
    assert hit.matched == 1 and miss.matched == 0


def test_task_overlap_is_token_based():
    cont, dice = task_overlap("Chủ trì rà soát văn bản", "rà soát văn bản")
    assert cont == 1.0 and 0.5 < dice < 1.0
    assert task_overlap("abc", "") == (0.0, 0.0)


def test_evaluate_matches_files_by_stem_and_counts_docs_without_gold(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("source: test\ndate: 2025-03-01\n---\nUBND tỉnh giao Sở Nội vụ chủ trì rà soát quy trình nội bộ.\n", "utf-8")
    (docs / "b.txt").write_text("date: 2025-03-01\n---\nUBND tỉnh giao Sở Y tế chủ trì triển khai bệnh án điện tử.\n", "utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(_gold("Sở Nội vụ", "rà soát quy trình nội bộ"), ensure_ascii=False) + "\n", "utf-8")
    scores, total = evaluate(gold, docs, ref_date_from_header=True)
    assert [s.doc for s in scores] == ["a.txt", "b.txt"]
    assert (total.gold, total.predicted, total.matched) == (1, 2, 1)  # b.txt has no gold: its task is a FP
    result = CliRunner().invoke(app, ["eval", str(gold), str(docs), "--ref-date-from-header", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"]["precision"] == 0.5


def test_strict_view_counts_exact_surfaces_and_task_tokens_on_matched_pairs():
    gold = [
        _gold("Viện Nghiên cứu phát triển tỉnh", "tổng hợp kết quả khảo sát", role="support"),
        _gold("Sở Nội vụ", "rà soát quy trình nội bộ giải quyết thủ tục"),
    ]
    preds = [
        # agency cut short (still matched leniently by containment), task with leaked words
        Task("Viện Nghiên cứu", "support", "phát triển tỉnh tổng hợp kết quả khảo sát", 0, 5),
        # same agency and task up to case and punctuation: exact
        Task("Sở  nội vụ", "lead", "Rà soát quy trình nội bộ giải quyết thủ tục.", 10, 20),
    ]
    s = score_document("a", preds, gold)
    d = s.summary()
    assert s.matched == 2 and d["f1"] == 1.0  # the lenient score hides the boundary error
    assert d["agency_exact"] == 0.5 and d["task_exact"] == 0.5 and d["pair_exact"] == 0.5
    # pooled tokens: common 6 + 10 of predicted 9 + 10 (gold 6 + 10)
    assert d["task_token_recall"] == 1.0
    assert d["task_token_precision"] == round(16 / 19, 4)
    [edge] = s.boundary_errors
    assert edge["gold_agency"] == "Viện Nghiên cứu phát triển tỉnh" and not edge["agency_exact"]


def test_strict_totals_add_up_and_cli_shows_strict_columns(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("date: 2025-03-01\n---\nUBND tỉnh giao Sở Nội vụ rà soát quy trình nội bộ, hoàn thành "
                                "trước ngày 15/4/2025.\n", "utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(_gold("Sở Nội vụ", "rà soát quy trình nội bộ"), ensure_ascii=False) + "\n", "utf-8")
    result = CliRunner().invoke(app, ["eval", str(gold), str(docs), "--format", "json", "--strict", "--errors"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["total"]["agency_exact"] == 1.0 and payload["total"]["task_exact"] == 1.0
    assert payload["errors"]["a.txt"]["boundary_errors"] == []
    table = CliRunner().invoke(app, ["eval", str(gold), str(docs), "--strict"])
    assert table.exit_code == 0 and "tokP" in table.output
