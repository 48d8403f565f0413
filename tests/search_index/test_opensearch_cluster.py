"""Cluster behaviour on two real OpenSearch nodes with one replica: a node stops, restarts, the alias moves.

node-1 manages the cluster and holds data, node-2 holds data only (``parlens.devtools.opensearch``);
parlens talks to node-1. The store holds the sample corpus, less the scanned PDF (OCR would add a
minute and nothing to what is tested here).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import uuid

import pytest

from parlens.search_index.cluster import ClusterBackend
from parlens.search_index.protocol import SearchQuery
from parlens.search_index.sync import reindex, sync

pytestmark = pytest.mark.opensearch

SAMPLES = __import__("pathlib").Path(__file__).resolve().parents[2] / "corpora" / "samples"
HELD_BACK = "qd_phancong_bcd_cchc_2026_vinhlong.txt"  # ingested while node-2 is down
SWAPS = 4
QUERIES = ["dịch vụ công trực tuyến", "Sở Nội vụ", "một cửa", "chuyển đổi số", "cải cách thủ tục hành chính", "chỉ số SIPAS"]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    from parlens.devtools.opensearch import missing_tools, start_cluster

    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    running = start_cluster(tmp_path_factory.mktemp("cluster"), 2)
    try:
        yield running
    finally:
        for node in running:
            node.stop()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from parlens.pipeline import ingest_paths
    from parlens.store import Store

    store = Store(tmp_path_factory.mktemp("store") / "parlens.sqlite3")
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file() and "_scan" not in p.name and p.name != HELD_BACK)
    outcomes = ingest_paths(files, store, sync=False)
    assert sum(o.status == "ingested" for o in outcomes) >= 25
    yield store
    store.close()


def health(node, index: str, **wait: str) -> dict:
    query = urllib.parse.urlencode({"timeout": "90s", **wait})
    return node.get(f"/_cluster/health/{index}?{query}")


def ranked(backend: ClusterBackend) -> dict[str, tuple[int, list[str]]]:
    """Total and ranked passage ids of every query."""
    out = {}
    for q in QUERIES:
        result = backend.search(SearchQuery(q, limit=10, facets=False))
        out[q] = (result.total, [h.passage_id for h in result.hits])
    return out


def test_a_stopped_node_loses_no_hits_and_catches_up_when_it_returns(nodes, store):
    node1, node2 = nodes
    backend = ClusterBackend(node1.url, alias=f"parlens-ha-{uuid.uuid4().hex[:8]}", replicas=1)
    try:
        assert reindex(store, backend) > 100
        index = backend._current()
        # loaded without replicas or refresh, the new version got both back before the alias moved to it
        assert health(node1, index)["status"] == "green"  # asked at once, without waiting
        copies = node1.get(f"/_cat/shards/{index}?format=json")
        assert {c["node"] for c in copies} == {"node-1", "node-2"} and {c["prirep"] for c in copies} == {"p", "r"}
        assert all(c["state"] == "STARTED" for c in copies)
        settings = node1.get(f"/{index}/_settings")[index]["settings"]["index"]
        assert settings["number_of_replicas"] == "1" and "refresh_interval" not in settings
        before = ranked(backend)
        assert all(total > 0 for total, _ in before.values())

        node2.stop()
        assert health(node1, index, wait_for_nodes="1", wait_for_status="yellow")["number_of_nodes"] == 1
        assert ranked(backend) == before  # the copy left on node-1 answers alike

        # the store moves on while node-2 is away; the index follows on the copy that is left
        from parlens.pipeline import ingest_path

        added = ingest_path(SAMPLES / HELD_BACK, store, sync=False)
        assert added.status == "ingested"
        assert backend.last_applied_seq() < store.last_change_seq()
        assert sync(store, backend) == 1
        assert health(node1, index)["status"] == "yellow"  # the replica is unassigned

        node2.start()
        assert health(node1, index, wait_for_nodes="2", wait_for_status="green")["status"] == "green"
        assert store.last_change_seq() - backend.last_applied_seq() == 0
        # node-2's own copy has caught up: asked alone, it holds the document added while it was down
        from opensearchpy import OpenSearch

        alone = OpenSearch(node2.url).search(index=backend.alias, preference="_only_local",
                                             body={"query": {"term": {"document_id": added.doc_id}}, "size": 0})
        assert alone["hits"]["total"]["value"] > 0
        counts = {c["prirep"]: int(c["docs"]) for c in node1.get(f"/_cat/shards/{index}?format=json")}
        assert counts["p"] == counts["r"] == backend.count()
    finally:
        backend.drop()


def test_an_alias_swap_during_reindex_never_shows_an_empty_index(nodes, store):
    node1, node2 = nodes
    alias = f"parlens-swap-{uuid.uuid4().hex[:8]}"
    writer = ClusterBackend(node1.url, alias=alias, replicas=1)
    reader = ClusterBackend(node2.url, alias=alias)  # another process, through the other node
    try:
        reindex(store, writer)
        query = SearchQuery("dịch vụ công trực tuyến", limit=5, facets=False)
        expected = reader.search(query).total
        assert expected > 0
        seen: list[int] = []
        errors: list[BaseException] = []
        done = threading.Event()

        def search_until_done() -> None:
            while not done.is_set():
                try:
                    seen.append(reader.search(query).total)
                except BaseException as exc:  # noqa: BLE001 - every failure is a finding
                    errors.append(exc)

        thread = threading.Thread(target=search_until_done)
        thread.start()
        try:
            versions = []
            for _ in range(SWAPS):
                reindex(store, writer)
                versions.append(writer._current())
                time.sleep(0.2)
        finally:
            done.set()
            thread.join(timeout=60)
        assert len(set(versions)) == SWAPS  # the alias moved every time
        assert errors == []
        assert len(seen) > 20 and set(seen) == {expected}
    finally:
        writer.drop()
