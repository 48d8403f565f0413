"""The embedded tantivy backend runs the shared conformance suite, plus checks of its own analysis."""

from __future__ import annotations

import pytest

from parlens.search_index.analysis import fold_terms
from parlens.search_index.conformance import SearchBackendConformance, suite_passages
from parlens.search_index.embedded import EmbeddedBackend, _analyzers
from parlens.search_index.protocol import SearchQuery


class TestEmbeddedConformance(SearchBackendConformance):
    @pytest.fixture
    def backend(self, tmp_path):
        return EmbeddedBackend(tmp_path / "index", heap_size=15_000_000, threads=1)


def test_tantivy_folding_equals_the_python_analysis():
    text = "Đẩy mạnh CĐS, Quý I/2025: thủy lợi, khỏe mạnh; Ủy ban nhân dân xã Đông Sơn — 1234/KH-UBND"
    tokens = _analyzers()["vi_fold"].analyze(text)
    assert tokens == fold_terms(text)


def test_index_survives_reopening_and_sees_other_writers(tmp_path):
    first = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    reader = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    first.index(suite_passages())
    first.set_applied_seq(9)
    assert reader.count() == len(suite_passages())  # reloads after another writer's commit
    assert reader.last_applied_seq() == 9
    assert reader.search(SearchQuery("dvctt")).total == 2


def test_or_fallback_when_no_passage_has_every_term(tmp_path):
    backend = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    backend.index(suite_passages())
    result = backend.search(SearchQuery("đội ngũ xyzzy"))
    assert result.total >= 1 and result.hits[0].document_id == 3


def _passage(document_id: int, text: str):
    from parlens.search_index.protocol import Passage

    return Passage(passage_id=f"{document_id}:0", document_id=document_id, ordinal=0, text=text, start=0, end=len(text))


def test_passages_holding_most_terms_follow_those_holding_all(tmp_path):
    backend = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    backend.index([
        _passage(1, "Rà soát thủ tục hành chính đủ điều kiện cung cấp trực tuyến toàn trình."),
        _passage(2, "Cung cấp dịch vụ công trực tuyến toàn trình cho các thủ tục đủ điều kiện."),
        _passage(3, "Tổ chức hội nghị tổng kết công tác thi đua."),
        _passage(4, "Dịch vụ bưu chính công ích."),  # 2 of 5 terms: below the partial-match bar
    ])
    result = backend.search(SearchQuery("dịch vụ công trực tuyến toàn trình", facets=False))
    assert [h.document_id for h in result.hits] == [2, 1]
    assert result.total == 2
    # with a filter, partial matches obey it too
    assert backend.search(SearchQuery("dịch vụ công trực tuyến toàn trình", filters={"year": [2020]})).total == 0


def test_facets_from_the_pool_equal_facets_from_the_index(tmp_path, monkeypatch):
    import parlens.search_index.embedded as embedded

    backend = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    backend.index(suite_passages())
    queries = ["toàn trình", "thủ tục hành chính", "hồ sơ", "tthc"]
    in_pool = [backend.search(SearchQuery(q, limit=1)) for q in queries]  # few matches: counted over the pool
    monkeypatch.setattr(embedded, "RERANK_POOL", 1)  # now most results hold more matches than the pool
    from_index = [backend.search(SearchQuery(q, limit=1)) for q in queries]
    assert any(r.total > 1 for r in from_index)
    for a, b in zip(in_pool, from_index):
        assert a.total == b.total and a.facets == b.facets and a.facets


def test_a_body_passage_under_many_stronger_boilerplate_ones_is_weighed_exactly(tmp_path):
    """More weighted-down passages outscore it than the plain ranking reads: the per-group ranking takes over."""
    from parlens.search_index.embedded import RANK_DEPTH, RERANK_POOL
    from parlens.search_index.protocol import Passage

    backend = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    grounds = [Passage(f"{n}:0", n, 0, t, 0, len(t), section="preamble")
               for n in range(1, RANK_DEPTH * RERANK_POOL + 21) for t in [f"Xét đề nghị của Giám đốc Sở Nội vụ số {n}."]]
    body = "Giao Sở Nội vụ chủ trì kiểm tra công vụ tại các xã, phường trong quý II."
    backend.index([*grounds, Passage("999:0", 999, 0, body, 0, len(body))])
    plain = backend.search(SearchQuery("Sở Nội vụ", limit=len(grounds) + 1, facets=False))
    assert plain.total == len(grounds) + 1
    assert plain.hits[0].document_id == 999 and plain.hits[0].section == "body"
    scores = [h.score for h in plain.hits]
    assert scores == sorted(scores, reverse=True)
    assert backend.search(SearchQuery("Sở Nội vụ", limit=1)).hits[0].document_id == 999


def test_an_index_of_an_older_schema_is_started_again_and_refilled_by_the_next_sync(tmp_path):
    import json

    from parlens.model import Block, Document, DocumentMetadata
    from parlens.search_index.embedded import MARKER_FILE, SCHEMA_VERSION
    from parlens.search_index.sync import sync
    from parlens.store import Store

    store = Store(tmp_path / "store.sqlite3")
    text = "Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/6/2026."
    store.add_document(Document(text=text, blocks=[Block("paragraph", text, 0, len(text))],
                                metadata=DocumentMetadata(number="7/KH-UBND")), b"x")
    old = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    sync(store, old)
    assert old.search(SearchQuery("rà soát")).total == 1
    (tmp_path / "ix" / MARKER_FILE).write_text(json.dumps({"version": SCHEMA_VERSION - 1}))  # as an older parlens left it

    upgraded = EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1)
    assert upgraded.last_applied_seq() == 0  # nothing applied yet: the whole change log is replayed
    sync(store, upgraded)
    assert upgraded.search(SearchQuery("rà soát")).total == 1
    assert json.loads((tmp_path / "ix" / MARKER_FILE).read_text())["version"] == SCHEMA_VERSION


def test_an_index_of_a_newer_schema_is_refused(tmp_path):
    import json

    from parlens.errors import ParlensError
    from parlens.search_index.embedded import MARKER_FILE, SCHEMA_VERSION

    EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1).index(suite_passages())
    (tmp_path / "ix" / MARKER_FILE).write_text(json.dumps({"version": SCHEMA_VERSION + 1}))
    with pytest.raises(ParlensError) as caught:
        EmbeddedBackend(tmp_path / "ix", heap_size=15_000_000, threads=1).count()
    assert caught.value.code == "PARLENS-E042"
