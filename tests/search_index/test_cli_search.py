"""`parlens search`, `reindex` and `eval-search` end to end on a temporary store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parlens.search_api.cli import app
from parlens.search_index.backends import _BACKENDS
from parlens.search_index.conformance import TEXTS, make_document
from parlens.settings import get_settings


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLENS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARLENS_SEARCH_BACKEND", "embedded")
    get_settings.cache_clear()
    _BACKENDS.clear()
    from parlens.store import open_store

    with open_store() as store:
        for n in (1, 2, 5, 6):
            doc, tasks = make_document(n)
            store.add_document(doc, TEXTS[n].encode(), tasks)
    yield tmp_path / "data"
    _BACKENDS.clear()
    get_settings.cache_clear()


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_search_json_contract_after_catching_up_with_the_store(data_dir):
    result = run("search", "dich vu cong truc tuyen", "--format", "json", "--filter", "year=2023")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"total", "hits", "facets"}
    assert data["total"] == 2
    hit = data["hits"][0]
    assert set(hit) == {"document_id", "title", "doc_type", "issued_on", "passage", "highlight", "score", "section", "source"}
    assert set(hit["source"]) == {"start", "end", "page"}
    assert hit["doc_type"] in {"Kế hoạch", "Quyết định"} and "<mark>" in hit["highlight"]
    assert data["facets"]["province"] == {"Hà Tĩnh": 2}


def test_search_table_lists_passages(data_dir):
    result = run("search", "TTHC", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "đoạn văn khớp" in result.stdout and "Loại văn bản" in result.stdout


@pytest.mark.parametrize("bad", ["doc_type", "colour=red", "year=hai"])
def test_bad_filter_is_e041(data_dir, bad):
    result = run("search", "cải cách", "--filter", bad)
    assert result.exit_code == 2
    assert "PARLENS-E041" in result.stderr


def test_reindex_rebuilds_from_the_store(data_dir):
    result = run("reindex")
    assert result.exit_code == 0, result.output
    assert "Indexed 4 passages" in result.stdout


def test_eval_search_scores_modes(tmp_path, data_dir):
    try:
        from parlens.ingest import read_bytes

        read_bytes("KẾ HOẠCH\nThử.".encode(), "x.txt")
    except ModuleNotFoundError as exc:  # the ingest stage is still being assembled
        pytest.skip(f"ingest not importable yet: {exc}")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kh_mot_cua.txt").write_text("KẾ HOẠCH\nĐẩy mạnh cải cách thủ tục hành chính tại Bộ phận Một cửa.\n", encoding="utf-8")
    (docs / "cv_dich_vu.txt").write_text("CÔNG VĂN\nTriển khai dịch vụ công trực tuyến toàn trình trong năm.\n", encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        "\n".join(
            json.dumps(q, ensure_ascii=False)
            for q in [
                {"query": "bo phan mot cua", "relevant": [{"doc": "kh_mot_cua", "quote": "Bộ phận Một cửa"}]},
                {"query": "dvctt toàn trình", "relevant": [{"doc": "cv_dich_vu", "quote": "dịch vụ công trực tuyến"}]},
            ]
        ),
        encoding="utf-8",
    )
    result = run("eval-search", str(queries), "--docs", str(docs), "--format", "json")
    assert result.exit_code == 0, result.output
    scores = {s["mode"]: s for s in json.loads(result.stdout)}
    assert set(scores) == {"syllable", "folded", "segmented"}
    assert scores["folded"]["mrr@10"] == 1.0 and scores["folded"]["recall@20"] == 1.0
    # plain syllable BM25 neither folds "bo phan mot cua" nor expands "dvctt"
    assert scores["syllable"]["mrr@10"] < 1.0


def test_search_modes_and_hybrid_refused_on_the_embedded_index(data_dir):
    folded = json.loads(run("search", "dich vu cong", "--format", "json").stdout)
    syllable = json.loads(run("search", "dich vu cong", "--format", "json", "--mode", "syllable").stdout)
    assert folded["total"] >= 1 and syllable["total"] == 0  # syllable BM25 takes the unaccented words as typed
    refused = run("search", "dịch vụ công", "--mode", "hybrid")
    assert refused.exit_code != 0 and "PARLENS-E043" in refused.output
