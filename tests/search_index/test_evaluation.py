"""Search evaluation metrics, fusion, and the quality floor on the project query set."""

from __future__ import annotations

import json

import pytest

from parlens.model import Block, Document
from parlens.search_index.evaluation import evaluate, load_queries, reciprocal_rank
from parlens.search_index.fusion import reciprocal_rank_fusion
from parlens.settings import REPO_ROOT

QUERIES = REPO_ROOT / "corpora" / "queries.jsonl"
SAMPLES = REPO_ROOT / "corpora" / "samples"


def _doc(text: str) -> Document:
    return Document(text=text, blocks=[Block("paragraph", text, 0, len(text))])


def test_reciprocal_rank_and_fusion():
    assert reciprocal_rank([False, True]) == 0.5
    assert reciprocal_rank([False] * 3) == 0.0
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]])
    assert [item for item, _ in fused] == ["b", "a", "c"]  # b is in both lists
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_fusion_weighs_each_item_by_its_section():
    from parlens.search_index.fusion import SECTION_WEIGHTS, section_weight, weight_classes

    weights = {"b": section_weight("preamble")}
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]], weights=weights))
    assert fused["b"] == pytest.approx((1 / 62 + 1 / 61) * SECTION_WEIGHTS["preamble"]) and fused["b"] < fused["a"]
    assert section_weight("body") == section_weight(None) == section_weight("unknown") == 1.0
    classes = weight_classes()
    assert classes[0] == (1.0, ("body",)) and sorted(s for _, group in classes for s in group) == sorted(SECTION_WEIGHTS)
    assert all(SECTION_WEIGHTS[s] == w < 1.0 for w, group in classes[1:] for s in group)


def test_evaluate_scores_each_mode(tmp_path):
    documents = [
        ("kh_a", _doc("Tăng cường kỷ luật, kỷ cương hành chính trong thực thi công vụ.")),
        ("kh_b", _doc("Kỷ niệm ngày thành lập ngành; tổ chức hội thao của công đoàn.")),
        ("kh_c", _doc("Rà soát TTHC nội bộ giữa các cơ quan hành chính nhà nước.")),
    ]
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"query": "ky luat ky cuong", "relevant": [{"doc": "kh_a", "quote": "kỷ luật, kỷ cương"}]},
        {"query": "kỷ cương hành chính", "relevant": [{"doc": "kh_a", "quote": "kỷ cương hành chính"}]},
        {"query": "thủ tục hành chính nội bộ", "relevant": [{"doc": "kh_c", "quote": "TTHC nội bộ"}]},
    ]), encoding="utf-8")
    assert len(load_queries(queries)) == 3
    scores = {s.mode: s for s in evaluate(queries, tmp_path, modes=("syllable", "folded"), documents=documents)}
    assert scores["folded"].mrr10 == 1.0 and scores["folded"].recall20 == 1.0
    assert scores["folded"].mrr10_folded == 1.0 and scores["folded"].mrr10_accented == 1.0
    # syllable BM25 misses the folded query; "thủ tục" is only found via "hành chính nội bộ" (any-term fallback)
    assert scores["syllable"].mrr10_folded == 0.0
    assert scores["syllable"].mrr10 == pytest.approx(2 / 3)


def test_a_quote_matches_across_punctuation_and_line_breaks():
    from parlens.search_index.evaluation import is_relevant
    from parlens.search_index.protocol import Hit

    hit = Hit(1, "1:0", None, None, None, "hồ sơ tiếp nhận không phụ thuộc địa - giới\nhành chính", "", 1.0, {})
    assert is_relevant(hit, {1: "cv"}, {"doc": "cv", "quote": "không phụ thuộc địa giới hành chính"})
    assert not is_relevant(hit, {1: "cv"}, {"doc": "cv", "quote": "phụ thuộc địa giới hành chính cấp"})
    assert not is_relevant(hit, {1: "other"}, {"doc": "cv", "quote": "địa giới"})
    assert not is_relevant(hit, {1: "cv"}, {"doc": "cv", "quote": "sơ tiếp nh"})  # whole terms only


def _project_queries_ready() -> bool:
    return QUERIES.is_file() and len(load_queries(QUERIES)) >= 40 and SAMPLES.is_dir() and any(SAMPLES.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(not _project_queries_ready(), reason="corpora/queries.jsonl (>= 40 judged queries) not written yet")
def test_quality_floor_on_the_project_query_set():
    folded = next(s for s in evaluate(QUERIES, SAMPLES, modes=("folded",)) if s.mode == "folded")
    # measured on 48 queries (judged over the 2026-11 corpus): MRR@10 1.0, Recall@20 0.93, accent gap 0.0
    assert folded.mrr10 >= 0.9
    assert folded.recall20 >= 0.85
    assert folded.mrr10_folded >= folded.mrr10_accented - 0.03
