"""``parlens task …`` and ``parlens export-gold``: status and corrections from the command line, and reviewed
tasks written as gold that ``parlens eval`` reads back."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parlens.search_api.cli import app
from parlens.task_extraction.evaluate import load_gold

from .conftest import DIRECTIVE_TXT, PLAN_PDF, SAMPLES

runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, list(args))


def ingest() -> None:
    for name in (PLAN_PDF, DIRECTIVE_TXT):
        assert run("ingest", str(SAMPLES / name)).exit_code == 0


def listed(*args: str) -> list[dict]:
    result = run("task", "list", "--format", "json", "--limit", "5000", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["tasks"]


def test_set_status_correct_and_history() -> None:
    ingest()
    task = next(t for t in listed() if t["tracking"]["due"])
    result = run("task", "set", str(task["id"]), "--status", "Hoàn thành", "--completed-on", task["tracking"]["due"],
                 "--assignee", "Phòng CCHC")
    assert result.exit_code == 0 and "Hoàn thành" in result.output and "Đúng hạn" in result.output
    assert run("task", "set", str(task["id"]), "--agency", "Sở Tư pháp", "--criteria", "PAR.2").exit_code == 0
    shown = json.loads(run("task", "show", str(task["id"])).output)
    assert (shown["agency_id"], [c["code"] for c in shown["criteria"]]) == ("so-tu-phap", ["PAR.2"])
    assert shown["tracking"]["assignee"] == "Phòng CCHC" and shown["tracking"]["edited"] is True
    history = [json.loads(line) for line in run("task", "history", str(task["id"])).output.splitlines()]
    assert [h["after"].get("status") for h in history] == ["hoan_thanh", None]
    assert history[0]["actor"].startswith("cli")
    assert [t["id"] for t in listed("--status", "hoan_thanh")] == [task["id"]]
    bad = run("task", "set", str(task["id"]), "--status", "xong")
    assert bad.exit_code == 2 and "PARLENS-E027" in bad.output
    assert run("task", "set", "999999", "--status", "hoan_thanh").exit_code == 2
    assert run("task", "set", str(task["id"])).exit_code == 2  # nothing to set


def test_reextract_reports_what_it_kept() -> None:
    ingest()
    first, second = listed()[:2]
    run("task", "delete", str(second["id"]))
    run("task", "set", str(first["id"]), "--note", "kiểm tra lại")
    result = run("reextract", "--all")
    assert result.exit_code == 0 and "2 tasks a person touched were kept" in result.output
    assert second["id"] not in {t["id"] for t in listed()}


def test_export_gold_round_trips_through_eval(tmp_path: Path) -> None:
    ingest()
    empty = run("export-gold", str(tmp_path / "none.jsonl"))
    assert empty.exit_code == 0 and "0 gold records" in empty.output
    tasks = listed("--document", "1")
    run("task", "delete", str(tasks[0]["id"]))
    run("task", "set", str(tasks[1]["id"]), "--deadline", "2026-12-31")
    added = run("task", "add", "1", "--agency", "Sở Xây dựng", "--task", "Rà soát quy hoạch chung", "--role", "lead")
    assert added.exit_code == 0, added.output
    out, originals = tmp_path / "reviewed.jsonl", tmp_path / "originals"
    result = run("export-gold", str(out), "--originals", str(originals))
    assert result.exit_code == 0 and f"{len(tasks)} gold records from 1 documents" in result.output
    gold = load_gold(out)
    (name,) = gold
    records = gold[name]
    assert len(records) == len(tasks)  # one deleted, one added
    assert {r["agency_role"] for r in records} <= {"lead", "support"}
    assert next(r for r in records if r["task"] == tasks[1]["task"] and r["agency"] == tasks[1]["agency"])["deadline"] == "2026-12-31"
    assert any(r["agency"] == "Sở Xây dựng" and "added by staff" in r["note"] for r in records)
    assert not any(r["task"] == tasks[0]["task"] and r["agency"] == tasks[0]["agency"] for r in records)
    assert (originals / f"{name}.pdf").read_bytes() == (SAMPLES / PLAN_PDF).read_bytes()
    scored = run("eval", str(out), str(originals), "--format", "json")
    assert scored.exit_code == 0, scored.output
    total = json.loads(scored.output)["total"]
    assert total["gold"] == len(tasks) and total["predicted"] == len(tasks)  # the extractor as it is today
    assert 0 < total["f1"] < 1  # the staff's changes are what it misses
    unknown = run("export-gold", str(tmp_path / "x.jsonl"), "--documents", "404")
    assert unknown.exit_code == 2 and "PARLENS-E020" in unknown.output and not (tmp_path / "x.jsonl").exists()
