"""Which engine a URL runs, and what differs between Elasticsearch and OpenSearch (vectors, clients)."""

from __future__ import annotations

import json

import pytest

from parlens.errors import ParlensError
from parlens.search_index.engines import Engine, detect_engine, resolve_engine

ES_ROOT = {"name": "es01", "version": {"number": "9.2.0", "build_flavor": "default"}, "tagline": "You Know, for Search"}
OS_ROOT = {"name": "n1", "version": {"distribution": "opensearch", "number": "2.19.6"},
           "tagline": "The OpenSearch Project: https://opensearch.org/"}


def answering(status: int, body, headers: dict | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda url, timeout: (status, headers or {}, raw)


def test_the_distribution_names_opensearch_and_the_product_header_elasticsearch():
    assert detect_engine("http://x:9200", get=answering(200, OS_ROOT)) == Engine("opensearch", "2.19.6")
    found = detect_engine("http://x:9200", get=answering(200, {**ES_ROOT, "tagline": ""}, {"X-Elastic-Product": "Elasticsearch"}))
    assert found == Engine("elasticsearch", "9.2.0") and found.describe() == "Elasticsearch 9.2.0"
    assert detect_engine("http://x:9200", get=answering(200, ES_ROOT)).name == "elasticsearch"  # older: the tagline


@pytest.mark.parametrize("status, body, says", [
    (200, {"version": {"number": "1.0"}, "tagline": "something else"}, "names no known engine"),
    (200, {"hello": "world"}, "has no version"),
    (200, b"<html>proxy login</html>", "other than JSON"),
    (401, {"error": "unauthorized"}, "HTTP 401"),
])
def test_anything_else_is_e040_with_the_reason(status, body, says):
    with pytest.raises(ParlensError) as caught:
        detect_engine("http://user:secret@x:9200", get=answering(status, body))
    assert caught.value.code == "PARLENS-E040" and says in str(caught.value)
    assert "secret" not in str(caught.value)


def test_an_unreachable_url_is_e040_without_its_password():
    def refused(url, timeout):
        raise ConnectionRefusedError("connection refused")

    with pytest.raises(ParlensError) as caught:
        detect_engine("http://admin:hunter2@127.0.0.1:1", get=refused)
    assert caught.value.code == "PARLENS-E040" and "hunter2" not in str(caught.value) and "refused" in str(caught.value)


def test_a_named_engine_must_be_the_one_the_server_runs():
    assert resolve_engine("auto", "http://x", get=answering(200, OS_ROOT)).name == "opensearch"
    assert resolve_engine("opensearch", "http://x", get=answering(200, OS_ROOT)).name == "opensearch"
    with pytest.raises(ParlensError, match="PARLENS_SEARCH_BACKEND=opensearch or auto"):
        resolve_engine("elasticsearch", "http://x", get=answering(200, OS_ROOT))
    with pytest.raises(ParlensError, match="runs Elasticsearch 9.2.0"):
        resolve_engine("opensearch", "http://x", get=answering(200, ES_ROOT))


def test_vectors_are_translated_per_engine():
    es, os_ = Engine("elasticsearch"), Engine("opensearch")
    assert es.vector_mapping(384) == {"type": "dense_vector", "dims": 384, "index": True, "similarity": "cosine"}
    assert os_.vector_mapping(384)["type"] == "knn_vector" and os_.vector_mapping(384)["dimension"] == 384
    assert os_.vector_mapping(384)["method"]["engine"] == "lucene"  # faiss/nmslib need native libraries
    assert es.vector_index_settings() == {} and os_.vector_index_settings() == {"knn": True}
    filters = [{"terms": {"doc_type": ["Kế hoạch"]}}]
    top = es.knn_body([0.1, 0.2], 5, filters, excludes=["embedding"])
    assert top["knn"]["query_vector"] == [0.1, 0.2] and top["knn"]["filter"] == filters and "query" not in top
    query = os_.knn_body([0.1, 0.2], 5, filters, excludes=["embedding"])
    assert query["query"]["knn"]["embedding"] == {"vector": [0.1, 0.2], "k": 5, "filter": {"bool": {"filter": filters}}}
    assert "knn" not in query and query["size"] == 5 and query["_source"] == {"excludes": ["embedding"]}
    assert "filter" not in os_.knn_body([0.1], 5, [], excludes=[])["query"]["knn"]["embedding"]


def test_opensearch_without_its_knn_plugin_cannot_hold_vectors():
    class Cat:
        def __init__(self, plugins):
            self._plugins = plugins

        def plugins(self, format):
            return self._plugins

    def client(plugins):
        return type("Client", (), {"cat": Cat(plugins)})()

    opensearch = Engine("opensearch", "2.19.6")
    assert "no k-NN plugin" in opensearch.vector_support(client([{"component": "analysis-common"}]))
    assert opensearch.vector_support(client([{"component": "opensearch-knn"}])) is None
    assert opensearch.vector_support(client([{"component": "org.opensearch.knn.plugin.KNNPlugin"}])) is None
    assert Engine("elasticsearch").vector_support(None) is None


def test_each_engine_gets_its_official_client():
    assert type(Engine("opensearch").client("http://127.0.0.1:1")).__module__.startswith("opensearchpy")
    assert type(Engine("elasticsearch").client("http://127.0.0.1:1")).__module__.startswith("elasticsearch")
