"""The candidate scorer: shape-only features, the JSON model, what the shipped model keeps, training and its command."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from parlens.model import Task
from parlens.search_api.cli import app
from parlens.task_extraction import scorer
from parlens.task_extraction.extract import extract_candidates
from parlens.task_extraction.scorer import ScorerModel, candidate_features, keep
from parlens.task_extraction.textdoc import document_from_text
from parlens.task_extraction.train import fit, label_tasks

PLAN = """ỦY BAN NHÂN DÂN
TỈNH AN BÌNH
Số: 41/KH-UBND
KẾ HOẠCH
Cải cách hành chính năm 2026
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao chất lượng phục vụ người dân và doanh nghiệp.
II. TỔ CHỨC THỰC HIỆN
1. Giao Sở Nội vụ chủ trì {duty}, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2026.
"""


def _plan(duty: str):
    doc = document_from_text(PLAN.format(duty=duty), "kh.txt")
    cands = extract_candidates(doc)
    assert [c.agency for c in cands] == ["Sở Nội vụ"]
    return doc, cands[0]


def test_features_describe_the_shape_of_a_candidate_not_its_words():
    doc_a, a = _plan("tổng hợp kết quả cải cách hành chính của các sở")
    doc_b, b = _plan("kiểm tra việc niêm yết thủ tục hành chính tại xã")
    fa, fb = candidate_features(a, doc_a, None), candidate_features(b, doc_b, None)
    assert fa.keys() == fb.keys()  # same shape, different duty: the same features fire
    assert fa["in_operative"] == 1.0 and fa["section=operative"] == 1.0
    assert fa["agency_resolved"] == 1.0 and fa["deadline"] == 1.0 and fa["deadline_due"] == 1.0
    assert fa["task_verb_start"] == 1.0 and fa["doc_numbered"] == 1.0
    assert f"rule={a.rule}" in fa and f"family={scorer.rule_family(a.rule)}" in fa
    assert not any(w in name for name in fa for w in ("tong hop", "tổng hợp", "niêm yết", "cai cach"))


def test_unknown_rules_and_context_keys_are_features_not_errors():
    doc, c = _plan("tổng hợp kết quả cải cách hành chính")
    odd = replace(c, rule="newgen_partner", context={"in_operative": False, "in_annex": True, "note": "x"})
    f = candidate_features(odd, doc, None)
    assert f["rule=newgen_partner"] == f["family=newgen"] == f["rule_tail=partner"] == 1.0
    assert f["ctx.in_annex"] == 1.0 and not any(k.startswith("ctx.note") for k in f)
    assert f["sent_none"] == 1.0 and f["section=none"] == 1.0
    assert 0.0 <= scorer.score(replace(c, context={}), doc, None) <= 1.0


def test_model_json_round_trips(tmp_path):
    model = ScorerModel({"rule=subject": 1.5, "task_colon_end": -2.25}, 0.1, 0.4, {"date": "2026-01-01"})
    path = tmp_path / "scorer.json"
    path.write_text(model.to_json(), "utf-8")
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == scorer.FORMAT and data["threshold"] == 0.4
    again = scorer.load_model(str(path))
    assert again == model
    assert again.probability({"rule=subject": 1.0, "unseen": 1.0}) == pytest.approx(1 / (1 + math.exp(-1.6)))
    assert again.contributions({"rule=subject": 1.0, "task_colon_end": 1.0})[0] == ("task_colon_end", -2.25)
    assert scorer.load_model(str(tmp_path / "absent.json")) is None
    with pytest.raises(ValueError):
        ScorerModel.from_json(json.dumps({"format": "other", "weights": {}, "intercept": 0}))


def test_shipped_model_keeps_a_clear_assignment_and_drops_label_and_fragment():
    model = scorer.load_model()
    assert model is not None and 0 < model.threshold < 1 and model.training["counts"]
    doc, good = _plan("tổng hợp kết quả cải cách hành chính")
    label = replace(good, task="Cơ quan thực hiện:", deadline=None, context=dict(good.context))
    fragment = replace(good, agency="Cơ quan", task="thực hiện", deadline=None, context=dict(good.context))
    kept = keep([good, label, fragment], doc, None)
    assert kept == [good]
    assert good.context["score"] >= model.threshold > label.context["score"]
    assert fragment.context["score"] < model.threshold
    top = scorer.explain(label, doc, None, top=20)
    assert any(name in ("task_field_label", "task_colon_end") and weight < 0 for name, weight in top)


def test_keep_keeps_everything_without_a_model(monkeypatch):
    doc, good = _plan("tổng hợp kết quả cải cách hành chính")
    monkeypatch.setattr(scorer, "load_model", lambda path=None: None)
    label = replace(good, task="Cơ quan thực hiện:")
    assert keep([good, label], doc, None) == [good, label]


def test_training_learns_the_obvious_direction():
    rows = [{"good": 1.0, "noise": (i % 3) / 2} for i in range(30)] + [{"bad": 1.0, "noise": (i % 3) / 2} for i in range(30)]
    model = fit(rows, [1] * 30 + [0] * 30, C=1.0, threshold=0.5)
    assert model.weights["good"] > 0 > model.weights["bad"]
    assert model.probability({"good": 1.0}) > 0.5 > model.probability({"bad": 1.0})
    only_positive = fit(rows[:30], [1] * 30)
    assert only_positive.weights == {} and only_positive.probability({"bad": 1.0}) > 0.5


def test_labels_follow_the_evaluation_matching():
    def task(agency, text):
        return Task(agency=agency, role="lead", task=text, start=0, end=len(text))

    gold = [{"agency": "Sở Nội vụ", "task": "tổng hợp kết quả cải cách hành chính của tỉnh"},
            {"agency": "Sở Tư pháp", "task": "rà soát văn bản quy phạm pháp luật", "note": "BORDERLINE: unclear"}]
    tasks = [task("Sở Nội vụ", "tổng hợp kết quả cải cách hành chính của tỉnh, báo cáo"),
             task("Sở Y tế", "tổng hợp kết quả cải cách hành chính của tỉnh"),
             task("Sở Tư pháp", "rà soát văn bản quy phạm pháp luật")]
    labels, pairs, n_gold = label_tasks(tasks, gold)
    assert labels == [1, 0, None] and n_gold == 1 and [(i, j) for _, i, j in pairs] == [(0, 0)]


CORPUS_DOC = """ỦY BAN NHÂN DÂN
TỈNH AN BÌNH
Số: {n}/KH-UBND
KẾ HOẠCH
Kiểm tra công tác cải cách hành chính năm 2027
II. TỔ CHỨC THỰC HIỆN
1. Giao Sở Nội vụ chủ trì xây dựng lịch kiểm tra, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2027.
2. Giao Sở Tư pháp chủ trì rà soát quy định về thủ tục hành chính trước ngày 30/6/2027.
"""


def test_train_extractor_command_on_a_tiny_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "samples").mkdir(parents=True)
    gold = []
    for n in (7, 8):
        (corpus / "samples" / f"kh_{n}.txt").write_text(CORPUS_DOC.format(n=n), "utf-8")
        gold.append({"doc": f"kh_{n}.txt", "agency": "Sở Nội vụ", "agency_norm": "Sở Nội vụ", "agency_role": "lead",
                     "task": "xây dựng lịch kiểm tra, báo cáo Ủy ban nhân dân tỉnh", "deadline": "2027-12-15"})
    # The second assignment of kh_8 is left out of the gold: its candidate is the negative example.
    gold.append({"doc": "kh_7.txt", "agency": "Sở Tư pháp", "agency_norm": "Sở Tư pháp", "agency_role": "lead",
                 "task": "rà soát quy định về thủ tục hành chính", "deadline": "2027-06-30"})
    (corpus / "gold.jsonl").write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold) + "\n", "utf-8")
    out, report = tmp_path / "scorer.json", tmp_path / "report.json"
    result = CliRunner().invoke(app, ["train-extractor", "--corpus", str(corpus), "--devset", str(tmp_path / "none"),
                                      "--out", str(out), "--loo", "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "own corpus only" in result.output
    model = scorer.load_model(str(out))
    counts = model.training["counts"]["own corpus"]
    assert counts["documents"] == 2 and counts["positive"] == 3 and counts["negative"] == 1
    assert model.weights and 0 < model.threshold < 1
    data = json.loads(report.read_text("utf-8"))
    assert data["baseline"]["own corpus"]["gold"] == 3 and "loo" in data


def test_train_extractor_without_corpus_fails_with_a_code(tmp_path):
    result = CliRunner().invoke(app, ["train-extractor", "--corpus", str(tmp_path), "--devset", str(tmp_path),
                                      "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 2 and "PARLENS-E010" in result.output


def test_a_model_write_that_fails_leaves_the_old_model_whole(tmp_path, monkeypatch):
    from parlens.task_extraction import train

    target = tmp_path / "scorer.json"
    target.write_text('{"old": true}', "utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(train.os, "replace", broken_replace)
    with pytest.raises(OSError):
        train.write_model(target, '{"new": true}')
    assert target.read_text("utf-8") == '{"old": true}'
    monkeypatch.undo()
    train.write_model(target, '{"new": true}')
    assert target.read_text("utf-8") == '{"new": true}'
