"""The cluster backend runs the shared conformance suite against the emulator, with both official clients.

Against a real cluster when ``PARLENS_ES_URL`` is set (``docker compose up elasticsearch`` then
``PARLENS_ES_URL=http://localhost:9200 pytest tests/search_index/test_cluster_emulator.py``: the engine is
read from its ``GET /``); otherwise against osmem-server (an in-memory OpenSearch-compatible server from
PyPI), once through the ``elasticsearch`` client and once through ``opensearch-py``. That proves the client
code, the mapping, the bulk/alias/_meta calls and the query DSL are accepted and behave, but not an
engine's own analyzers, scoring or replication: ``test_opensearch.py`` runs the suite on a real node.
"""

from __future__ import annotations

import os
import uuid

import pytest
from elastic_transport import Urllib3HttpNode

from parlens.search_index.analysis import analyze_query
from parlens.search_index.conformance import ClusterBackendConformance
from parlens.search_index.cluster import INDEX_SETTINGS, ClusterBackend, mappings
from parlens.search_index.engines import Engine


class PlainJsonNode(Urllib3HttpNode):
    """osmem-server refuses the client's ``application/vnd.elasticsearch+json; compatible-with=9``; send plain JSON."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        plain = {
            k: (v.replace("vnd.elasticsearch+", "").split(";")[0] if k.lower() in ("accept", "content-type") else v)
            for k, v in (headers or {}).items()
        }
        return super().perform_request(method, target, body=body, headers=plain, **kwargs)


@pytest.fixture(scope="module")
def emulator_url():
    """The real cluster at PARLENS_ES_URL, else a module osmem-server."""
    url = os.environ.get("PARLENS_ES_URL")
    if url:
        yield url
        return
    try:
        from osmem_server import OsmemServer
    except ImportError:
        pytest.skip("set PARLENS_ES_URL (or pip install osmem-server) to run the cluster suite")
    server = OsmemServer.start(japanese=False)
    yield server.url
    server.close()


@pytest.fixture(scope="module", params=["elasticsearch", "opensearch"])
def engine_client(request, emulator_url):
    """``(engine, client)``: each official client in turn (on a real cluster only the one its engine needs)."""
    if os.environ.get("PARLENS_ES_URL"):
        from parlens.search_index.engines import detect_engine

        engine = detect_engine(emulator_url)
        if engine.name != request.param:
            pytest.skip(f"the cluster at PARLENS_ES_URL runs {engine.describe()}")
        return engine, engine.client(emulator_url)
    if request.param == "elasticsearch":
        from elasticsearch import Elasticsearch

        return Engine("elasticsearch"), Elasticsearch(emulator_url, node_class=PlainJsonNode, request_timeout=60)
    return Engine("opensearch"), Engine("opensearch").client(emulator_url)


def make_backend(engine_client, **options) -> ClusterBackend:
    engine, client = engine_client
    return ClusterBackend(client=client, engine=engine, alias=f"parlens-test-{uuid.uuid4().hex[:8]}", **options)


class TestClusterConformance(ClusterBackendConformance):
    @pytest.fixture
    def backend(self, engine_client):
        backend = make_backend(engine_client)
        yield backend
        backend.drop()


def test_mapping_is_vietnamese_aware():
    assert INDEX_SETTINGS["analysis"]["filter"]["vi_folding"] == {"type": "asciifolding", "preserve_original": True}
    props = mappings(384)["properties"]
    assert props["text"]["fields"]["folded"]["analyzer"] == "vi_folded"
    assert props["embedding"]["dims"] == 384 and props["embedding"]["type"] == "dense_vector"
    assert mappings(384, Engine("opensearch"))["properties"]["embedding"]["type"] == "knn_vector"
    assert "embedding" not in mappings()["properties"]


def test_query_expands_abbreviations_and_rescores_phrases():
    aq = analyze_query("cải cách TTHC")
    q = ClusterBackend.build_query(ClusterBackend.__new__(ClusterBackend), aq)
    must = q["bool"]["must"]
    assert must[:2] == [{"term": {"text.folded": "cai"}}, {"term": {"text.folded": "cach"}}]
    assert {"match_phrase": {"text.folded": "thu tuc hanh chinh"}} in must[2]["bool"]["should"]
    assert {"term": {"text": {"value": "cải", "boost": 0.6}}} in q["bool"]["should"]
    rescore = ClusterBackend.rescore(aq)
    weighted = rescore["query"]["rescore_query"]["function_score"]
    phrases = [c["match_phrase"]["text.folded"] for c in weighted["query"]["bool"]["should"]]
    assert phrases[0] == {"query": "cai cach tthc", "boost": 2.0} and phrases[1]["slop"] == 4
    assert ClusterBackend.rescore(analyze_query("TTHC")) is None


def test_boilerplate_sections_weigh_the_score_and_its_phrase_bonus():
    from parlens.search_index.cluster import weighted
    from parlens.search_index.fusion import SECTION_WEIGHTS

    query = {"match_all": {}}
    scored = weighted(query)["function_score"]
    assert scored["query"] is query and scored["boost_mode"] == "multiply"
    by_section = {s: f["weight"] for f in scored["functions"] for s in f["filter"]["terms"]["section"]}
    assert by_section == {s: w for s, w in SECTION_WEIGHTS.items() if w != 1.0} and "body" not in by_section
    assert mappings()["properties"]["section"] == {"type": "keyword"}


def test_an_old_index_is_deleted_only_once_its_searches_are_done():
    """After the alias moves, searches that resolved it before the swap finish on the old index first."""
    calls: list[str] = []
    in_flight = [2, 1, 0]

    class Indices:
        def stats(self, index, metric):
            calls.append("stats")
            return {"_all": {"total": {"search": {"query_current": in_flight.pop(0), "fetch_current": 0}}}}

        def delete(self, index, ignore_unavailable):
            calls.append(f"delete {index}")

    backend = ClusterBackend.__new__(ClusterBackend)
    backend.es = type("Client", (), {"indices": Indices()})()
    backend._retire("parlens-passages-v3")
    assert calls == ["stats", "stats", "stats", "delete parlens-passages-v3"]

