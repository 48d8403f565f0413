"""The cluster backend on a real OpenSearch node: the shared conformance suite, engine detection, vectors.

The node is built from Maven Central jars (``parlens.devtools.opensearch``) and started once for this
module on loopback with a 512 MB heap; it is stopped at the end, also when a test fails. Run only these
with ``pytest -m opensearch``. Without ``java`` or ``mvn`` the tests skip and say why; a failed build or
a node that does not start fails them.
"""

from __future__ import annotations

import uuid

import pytest

from parlens.errors import ParlensError
from parlens.search_index.cluster import ClusterBackend
from parlens.search_index.conformance import ClusterBackendConformance, suite_passages
from parlens.search_index.engines import detect_engine, resolve_engine
from parlens.search_index.protocol import SearchQuery

pytestmark = pytest.mark.opensearch


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    from parlens.devtools.opensearch import OpenSearchNode, missing_tools

    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    with OpenSearchNode(tmp_path_factory.mktemp("opensearch"), name="conformance") as running:
        yield running


def new_backend(node, **options) -> ClusterBackend:
    return ClusterBackend(node.url, alias=f"parlens-test-{uuid.uuid4().hex[:8]}", **options)


class TestOpenSearchConformance(ClusterBackendConformance):
    @pytest.fixture
    def backend(self, node):
        backend = new_backend(node)
        yield backend
        backend.drop()


def test_the_engine_is_read_from_the_node(node):
    engine = detect_engine(node.url)
    assert (engine.name, engine.version) == ("opensearch", "2.19.6")
    backend = new_backend(node)
    try:
        assert backend.name == "opensearch" and type(backend.es).__module__.startswith("opensearchpy")
    finally:
        backend.drop()
    with pytest.raises(ParlensError) as caught:
        resolve_engine("elasticsearch", node.url)
    assert caught.value.code == "PARLENS-E040" and "PARLENS_SEARCH_BACKEND=opensearch" in str(caught.value)


def test_the_node_folds_vietnamese_with_its_own_analyzer(node):
    backend = new_backend(node)
    try:
        tokens = backend.es.indices.analyze(index=backend.alias, body={"analyzer": "vi_folded", "text": "Đẩy mạnh"})
        assert {t["token"] for t in tokens["tokens"]} == {"đẩy", "day", "mạnh", "manh"}
    finally:
        backend.drop()


# A fake encoder: one dimension per topic, so nearness is known without a model (none ships with parlens).
TOPICS = (("một cửa", "tiếp nhận", "trả kết quả"), ("trực tuyến", "dvctt", "internet", "mạng"),
          ("cán bộ", "công chức", "cbccvc", "bồi dưỡng"))


def fake_embed(model_path, texts):
    import numpy as np

    rows = []
    for text in texts:
        low = text.lower()
        row = [0.05] + [float(sum(low.count(w) for w in words)) for words in TOPICS]
        rows.append(np.asarray(row, dtype="float32") / np.linalg.norm(row))
    return np.vstack(rows)


def test_hybrid_search_finds_what_only_the_vectors_match(node, tmp_path, monkeypatch):
    """The node's k-NN plugin stores knn_vector and answers the knn query, with parlens' filters applied."""
    import parlens.search_index.cluster as cluster

    monkeypatch.setattr(cluster, "embed", fake_embed)
    backend = new_backend(node, embedding_model=tmp_path / "model")
    try:
        assert backend.hybrid_unavailable is None
        mapping = next(iter(backend.es.indices.get_mapping(index=backend.alias).values()))["mappings"]["properties"]
        assert mapping["embedding"]["type"] == "knn_vector" and mapping["embedding"]["method"]["engine"] == "lucene"
        backend.index(suite_passages())
        assert backend.search(SearchQuery("internet")).total == 0  # no passage holds the word
        found = backend.search(SearchQuery("internet", mode="hybrid", limit=3))
        assert [h.document_id for h in found.hits[:2]] in ([5, 6], [6, 5]) and found.total >= 2
        decisions = backend.search(SearchQuery("internet", mode="hybrid", filters={"doc_type": ["Quyết định"]}))
        assert {h.document_id for h in decisions.hits} == {6}
        both = backend.search(SearchQuery("một cửa", mode="hybrid", limit=3))
        assert both.hits[0].document_id == 1  # lexical and vector agree
    finally:
        backend.drop()


def test_hybrid_search_is_refused_without_an_embedding_model(node):
    """E043 instead of ranking lexically under the name hybrid."""
    backend = new_backend(node)
    try:
        assert "PARLENS_EMBEDDING_MODEL" in backend.hybrid_unavailable
        backend.index(suite_passages())
        assert backend.search(SearchQuery("một cửa")).total >= 1  # lexical search is unaffected
        with pytest.raises(ParlensError) as caught:
            backend.search(SearchQuery("một cửa", mode="hybrid"))
        assert caught.value.code == "PARLENS-E043" and "OpenSearch 2.19.6" in str(caught.value)
        props = backend.es.indices.get_mapping(index=backend.alias)
        assert "embedding" not in next(iter(props.values()))["mappings"]["properties"]
    finally:
        backend.drop()


def test_settings_open_the_node_through_auto_detection(node, tmp_path):
    from parlens.search_index.backends import open_backend
    from parlens.settings import Settings

    alias = f"parlens-auto-{uuid.uuid4().hex[:8]}"
    backend = open_backend(Settings(search_backend="auto", es_url=node.url, es_index=alias, data_dir=tmp_path))
    try:
        assert isinstance(backend, ClusterBackend) and backend.name == "opensearch" and backend.count() == 0
    finally:
        backend.drop()


def test_the_service_ingests_and_searches_through_the_node(node, tmp_path):
    """The whole app on PARLENS_SEARCH_BACKEND=auto: upload, search, health, hybrid refused over HTTP."""
    from fastapi.testclient import TestClient

    from parlens.search_api.http import create_app
    from parlens.settings import REPO_ROOT, Settings

    alias = f"parlens-app-{uuid.uuid4().hex[:8]}"
    settings = Settings(data_dir=tmp_path, search_backend="auto", es_url=node.url, es_index=alias)
    sample = REPO_ROOT / "corpora" / "samples" / "ct_kyluat_2024_hatinh.txt"
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("127.0.0.1", 50000)) as client:
        try:
            answer = client.post("/documents", files=[("files", (sample.name, sample.read_bytes()))])
            assert answer.status_code == 201, answer.text
            doc_id = answer.json()["files"][0]["document_id"]
            found = client.get("/search", params={"q": "kỷ luật, kỷ cương hành chính", "limit": 5}).json()
            assert found["total"] > 0 and found["hits"][0]["document_id"] == doc_id
            health = client.get("/health").json()
            assert health["index"]["engine"] == "OpenSearch 2.19.6" and health["index"]["hybrid"] is False  # no model
            assert health["index_lag"] == 0 and health["index"]["passages"] >= found["total"]
            refused = client.get("/search", params={"q": "kỷ luật", "mode": "hybrid"})
            assert refused.status_code == 501 and refused.json()["error"]["code"] == "PARLENS-E043"
        finally:
            ClusterBackend(node.url, alias=alias).drop()


def test_the_node_ranks_the_judged_queries_as_well_as_the_embedded_index(node):
    """Same analysis, same DSL: on the project's judged queries the real engine's ranking is no worse."""
    from parlens.search_index.evaluation import evaluate, read_corpus
    from parlens.settings import REPO_ROOT

    queries = REPO_ROOT / "corpora" / "queries.jsonl"
    documents = [(stem, doc) for stem, doc in read_corpus(REPO_ROOT / "corpora" / "samples")]
    modes = ("syllable", "folded")
    embedded = {s.mode: s for s in evaluate(queries, REPO_ROOT, modes=modes, documents=documents)}
    backend = new_backend(node)
    try:
        real = {s.mode: s for s in evaluate(queries, REPO_ROOT, modes=modes, documents=documents, backend=backend)}
    finally:
        backend.drop()
    for mode in modes:
        assert real[mode].queries == embedded[mode].queries >= 40
        assert real[mode].recall20 >= embedded[mode].recall20 - 0.03, mode
        assert real[mode].mrr10 >= embedded[mode].mrr10 - 0.05, mode
    assert real["folded"].mrr10 >= 0.9 and real["folded"].mrr10_folded >= real["folded"].mrr10_accented - 0.03


def test_an_index_built_before_the_model_was_set_asks_for_a_reindex(node, tmp_path, monkeypatch):
    import parlens.search_index.cluster as cluster

    monkeypatch.setattr(cluster, "embed", fake_embed)
    plain = new_backend(node)
    try:
        plain.index(suite_passages())
        with_model = ClusterBackend(node.url, alias=plain.alias, embedding_model=tmp_path / "model")
        assert with_model.hybrid_unavailable == cluster.NO_VECTORS_IN_INDEX
        with pytest.raises(ParlensError, match="parlens reindex"):
            with_model.search(SearchQuery("internet", mode="hybrid"))
        with_model.index(suite_passages()[:2])  # writes into the served index carry no vectors it cannot map
        props = next(iter(with_model.es.indices.get_mapping(index=plain.alias).values()))["mappings"]["properties"]
        assert "embedding" not in props
        with_model.rebuild(suite_passages(), 3)
        assert with_model.hybrid_unavailable is None
        assert {h.document_id for h in with_model.search(SearchQuery("internet", mode="hybrid", limit=2)).hits} == {5, 6}
    finally:
        plain.drop()

