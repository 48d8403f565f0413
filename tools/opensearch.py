"""Real OpenSearch nodes for the tests and benchmarks, built from Maven Central jars and run on loopback.

``tools/opensearch_node`` is a small Maven project: OpenSearch 2.19 (the newest that runs on Java 17) with
the plugins parlens needs (HTTP, analysis-common, reindex, and k-NN with the lang-painless it extends;
only k-NN's pure-Java ``lucene`` engine runs, as faiss and nmslib need native libraries Maven Central does
not carry), started by ``ParlensNode``. :func:`build`
resolves it through Maven (cached in ``~/.m2``; nothing is downloaded at run time outside the package
registries) and :class:`OpenSearchNode` runs one node in its own JVM with a bounded heap::

    with OpenSearchNode(tmp_path / "node") as node:      # single node
        ClusterBackend(node.url).count()

    nodes = start_cluster(tmp_path, 2, replicas=1)      # node-1 manages, node-2 holds data only

A node stops when :meth:`OpenSearchNode.stop` is called, when its ``with`` block ends (also on an
error), and when this Python process dies (the JVM exits as soon as its standard input closes).

    python -m parlens.devtools.opensearch build         # what `make test` runs before pytest
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

PROJECT = Path(__file__).resolve().parent / "opensearch_node"
MAIN_CLASS = "org.parlens.node.ParlensNode"
STARTED = "PARLENS-NODE-STARTED"
DEFAULT_HEAP = "512m"
START_TIMEOUT_SECONDS = 120.0
BUILD_TIMEOUT_SECONDS = 900.0


class NodeError(RuntimeError):
    """The node could not be built or started; the message carries the tool's own output."""


def missing_tools() -> str | None:
    """Why a node cannot run here (no ``java`` or no ``mvn`` on PATH), or None when it can."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return (f"{' and '.join(missing)} not on PATH: the real OpenSearch node needs a JDK 17 and Maven "
                "(apt install openjdk-17-jdk-headless maven)")
    return None


def _sources() -> list[Path]:
    return [PROJECT / "pom.xml", *sorted((PROJECT / "src").rglob("*.java"))]


def classpath() -> str:
    """The node's classpath once built (its jar and the resolved dependencies)."""
    target = PROJECT / "target"
    return os.pathsep.join([str(target / "parlens-opensearch-node-1.0.jar"), str(target / "lib" / "*")])


def build(*, force: bool = False, quiet: bool = True) -> str:
    """Build the node with Maven unless it is up to date; returns its classpath. NodeError with Maven's output."""
    reason = missing_tools()
    if reason:
        raise NodeError(reason)
    jar = PROJECT / "target" / "parlens-opensearch-node-1.0.jar"
    stamp = PROJECT / "target" / "lib" / ".complete"
    newest = max(p.stat().st_mtime for p in _sources())
    if not force and jar.exists() and stamp.exists() and stamp.stat().st_mtime >= newest and jar.stat().st_mtime >= newest:
        return classpath()
    shutil.rmtree(PROJECT / "target" / "lib", ignore_errors=True)
    command = ["mvn", "-B", *(["-q"] if quiet else []), "-f", str(PROJECT / "pom.xml"), "package"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise NodeError(f"mvn package took over {BUILD_TIMEOUT_SECONDS:.0f} s") from exc
    if done.returncode != 0:
        raise NodeError(f"mvn package failed ({done.returncode}):\n{(done.stdout + done.stderr)[-4000:]}")
    stamp.touch()
    return classpath()


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OpenSearchNode:
    """One OpenSearch node in its own JVM, on loopback, with its data under ``home``."""

    def __init__(
        self,
        home: Path,
        *,
        name: str = "node-1",
        cluster: str = "parlens-test",
        heap: str = DEFAULT_HEAP,
        http_port: int | None = None,
        transport_port: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.home = Path(home)
        self.name = name
        self.cluster = cluster
        self.heap = heap
        self.http_port = http_port or free_port()
        self.transport_port = transport_port or free_port()
        # single node unless the caller sets discovery up
        self.settings = settings if settings is not None else {"discovery.type": "single-node"}
        self.process: subprocess.Popen | None = None
        self.log_path = self.home / "node.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def transport_address(self) -> str:
        return f"127.0.0.1:{self.transport_port}"

    def command(self, cp: str) -> list[str]:
        settings = {
            "path.home": str(self.home / "home"),
            "path.data": str(self.home / "data"),
            "path.logs": str(self.home / "logs"),
            "cluster.name": self.cluster,
            "node.name": self.name,
            "network.host": "127.0.0.1",
            "http.port": str(self.http_port),
            "transport.port": str(self.transport_port),
            "cluster.routing.allocation.disk.threshold_enabled": "false",  # a nearly full test disk is not a reason to stop
            **self.settings,
        }
        return [
            "java", f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-Xss1m",
            "-Dlog4j2.disable.jmx=true", "-Dopensearch.set.netty.runtime.available.processors=false",
            "-Djava.awt.headless=true", "-cp", cp, MAIN_CLASS, *[f"{k}={v}" for k, v in settings.items()],
        ]

    def launch(self) -> OpenSearchNode:
        """Start the JVM without waiting for it (see :meth:`wait`)."""
        if self.process is not None and self.process.poll() is None:
            return self
        cp = build()
        self.home.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(cp), stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    def wait(self, timeout: float = START_TIMEOUT_SECONDS) -> OpenSearchNode:
        """Wait until the node answers ``GET /``; NodeError with the end of its log if it dies or is too slow."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise NodeError(f"{self.name} exited ({self.process and self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise NodeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> OpenSearchNode:
        return self.launch().wait(timeout)

    def stop(self, timeout: float = 60.0) -> None:
        """Close the node (its stdin, then SIGTERM, then SIGKILL) and wait for the JVM to exit."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=timeout / 2)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=timeout / 2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def get(self, path: str) -> dict:
        """``GET path`` on this node as JSON."""
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read())

    def __enter__(self) -> OpenSearchNode:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def cluster_nodes(base: Path, count: int = 2, *, heap: str = DEFAULT_HEAP, cluster: str = "parlens-cluster") -> list[OpenSearchNode]:
    """``count`` nodes that form one cluster: node-1 is the only cluster manager, the others hold data only.

    One manager keeps the cluster up whichever data node stops (two manager-eligible nodes would lose
    their quorum with one of them gone).
    """
    transports = [free_port() for _ in range(count)]
    seeds = ",".join(f"127.0.0.1:{p}" for p in transports)
    nodes = []
    for i in range(count):
        name = f"node-{i + 1}"
        settings = {"discovery.seed_hosts": seeds, "node.roles": "cluster_manager,data,ingest" if i == 0 else "data,ingest"}
        if i == 0:
            settings["cluster.initial_cluster_manager_nodes"] = name
        nodes.append(OpenSearchNode(base / name, name=name, cluster=cluster, heap=heap, transport_port=transports[i], settings=settings))
    return nodes


def start_cluster(base: Path, count: int = 2, *, heap: str = DEFAULT_HEAP, timeout: float = START_TIMEOUT_SECONDS) -> list[OpenSearchNode]:
    """Start :func:`cluster_nodes` and wait until all of them have joined; stops them all if one fails."""
    nodes = cluster_nodes(base, count, heap=heap)
    try:
        for node in nodes:
            node.launch()
        for node in nodes:
            node.wait(timeout)
        wait_for_nodes(nodes[0], count, timeout)
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    return nodes


def wait_for_nodes(node: OpenSearchNode, count: int, timeout: float = START_TIMEOUT_SECONDS, status: str = "yellow") -> dict:
    """Cluster health from ``node`` once ``count`` nodes have joined and health is at least ``status``."""
    return node.get(f"/_cluster/health?wait_for_nodes={count}&wait_for_status={status}&timeout={int(timeout)}s")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["build"]:
        print("usage: python -m parlens.devtools.opensearch build", file=sys.stderr)
        return 2
    reason = missing_tools()
    if reason:
        print(f"OpenSearch node not built: {reason}; `pytest -m opensearch` will skip", file=sys.stderr)
        return 0
    try:
        build(quiet=True)
    except NodeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"OpenSearch node built: {PROJECT / 'target'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
