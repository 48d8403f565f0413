"""The OpenSearch node launcher: when it can run, how a node is started, how a cluster is laid out."""

from __future__ import annotations

import pytest

from parlens.devtools import opensearch
from parlens.devtools.opensearch import NodeError, OpenSearchNode, cluster_nodes, missing_tools


def test_without_java_or_maven_the_reason_names_what_is_missing(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    reason = missing_tools()
    assert "java and mvn not on PATH" in reason
    with pytest.raises(NodeError, match="java and mvn"):
        opensearch.build()


def test_a_node_runs_on_loopback_with_a_bounded_heap(tmp_path):
    node = OpenSearchNode(tmp_path / "n", heap="256m", http_port=9299, transport_port=9399)
    command = node.command("CP")
    assert command[:3] == ["java", "-Xms256m", "-Xmx256m"]
    settings = dict(arg.split("=", 1) for arg in command[command.index(opensearch.MAIN_CLASS) + 1:])
    assert settings["network.host"] == "127.0.0.1" and settings["http.port"] == "9299"
    assert settings["discovery.type"] == "single-node" and settings["path.data"] == str(tmp_path / "n" / "data")
    assert node.url == "http://127.0.0.1:9299"


def test_a_cluster_has_one_manager_and_data_nodes_that_find_it(tmp_path):
    nodes = cluster_nodes(tmp_path, 3)
    roles = [n.settings["node.roles"] for n in nodes]
    assert roles == ["cluster_manager,data,ingest", "data,ingest", "data,ingest"]
    seeds = {n.settings["discovery.seed_hosts"] for n in nodes}
    assert seeds == {",".join(n.transport_address for n in nodes)}
    assert nodes[0].settings["cluster.initial_cluster_manager_nodes"] == "node-1"
    assert all("discovery.type" not in n.settings for n in nodes)
    assert len({n.http_port for n in nodes}) == 3


def test_build_is_skipped_when_nothing_changed(monkeypatch, tmp_path):
    if missing_tools():
        pytest.skip(missing_tools())
    opensearch.build()  # up to date or built now
    ran = []
    monkeypatch.setattr(opensearch.subprocess, "run", lambda *a, **k: ran.append(a))
    assert opensearch.build().endswith("*") and ran == []
