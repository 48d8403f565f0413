"""Embedded index or cluster: the embedded backend (tantivy) and a real OpenSearch node, side by side.

The corpus and queries are bench/search.py's (synthetic Vietnamese administrative passages). For each size
and engine: indexing through the backend's ``rebuild`` (what ``parlens reindex`` runs), p50/p95 query
latency through the backend's ``search`` without and with facets (the same queries, warm-up first,
sequential from one client), and disk. The node is one OpenSearch 2.19 JVM on loopback
(parlens.devtools.opensearch, built from Maven Central jars), one shard, no replica (the defaults).

    .venv/bin/python bench/engines.py --passages 10000                    # a quick check
    .venv/bin/python bench/engines.py --passages 100000 1000000 --opensearch-heap 2g

Disk: the embedded index folder; for OpenSearch ``_cat/indices?bytes=b`` store.size after a flush (the
Lucene files of the index; the node's whole data folder, with translog and cluster state, is in the JSON).
The numbers are printed as a table and written as JSON (``--json``, default bench/out/engines-<UTC time>.json).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import dir_size, make_passages, make_queries, passage_objects, percentile  # noqa: E402

from parlens.search_index.embedded import EmbeddedBackend  # noqa: E402
from parlens.search_index.protocol import SearchQuery, SearchResult  # noqa: E402

ENGINES = ("embedded", "opensearch")
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def time_searches(search: Callable[[SearchQuery], SearchResult], queries: list[str], facets: bool, warmup: int) -> dict[str, Any]:
    """Latency of ``search`` over ``queries`` (after ``warmup`` of them), one at a time; totals for a sanity check."""
    for q in queries[:warmup]:
        search(SearchQuery(q, limit=10, facets=facets))
    times, totals, top = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        result = search(SearchQuery(q, limit=10, facets=facets))
        times.append((time.perf_counter() - t0) * 1000)
        totals.append(result.total)
        top.append([h.passage_id for h in result.hits])
    return {
        "p50_ms": round(percentile(times, 50), 3), "p95_ms": round(percentile(times, 95), 3),
        "p99_ms": round(percentile(times, 99), 3), "mean_ms": round(sum(times) / len(times), 3),
        "max_ms": round(max(times), 3), "hits_total": sum(totals), "zero_hit_queries": sum(1 for t in totals if t == 0),
        "_top": top,
    }


def measure(engine: str, index: Callable[[], int], search: Callable[[SearchQuery], SearchResult], disk: Callable[[], dict],
            n: int, queries: list[str], warmup: int, settle: Callable[[], float] | None = None) -> dict[str, Any]:
    """One engine at one size: index, let it settle, query without then with facets, measure disk."""
    row: dict[str, Any] = {"engine": engine, "passages": n, "load_start": loadavg()}
    gc.collect()
    t0 = time.perf_counter()
    indexed = index()
    row["index_s"] = round(time.perf_counter() - t0, 2)
    row["indexed"] = indexed
    row["passages_per_s"] = round(n / row["index_s"])
    if settle is not None:
        row["settle_s"] = round(settle(), 2)
    gc.collect()
    row["no_facets"] = time_searches(search, queries, False, warmup)
    row["facets"] = time_searches(search, queries, True, warmup)
    row.update(disk())
    row["load_end"] = loadavg()
    print(json.dumps({k: v for k, v in row.items() if k not in ("no_facets", "facets")}, ensure_ascii=False), flush=True)
    for mode in ("no_facets", "facets"):
        print(f"  {mode}: " + json.dumps({k: v for k, v in row[mode].items() if k != "_top"}), flush=True)
    return row


def bench_embedded(texts: list[str], queries: list[str], workdir: Path, heap_mb: int, threads: int, warmup: int) -> dict[str, Any]:
    path = workdir / f"embedded-{len(texts)}"
    backend = EmbeddedBackend(path, heap_size=heap_mb * 1_000_000, threads=threads)
    try:
        row = measure("embedded", lambda: backend.rebuild(passage_objects(texts), 1), backend.search,
                      lambda: {"disk_bytes": dir_size(path), "disk_source": "index folder"}, len(texts), queries, warmup)
        row["settings"] = {"heap_size_mb": heap_mb, "threads": threads or "auto"}
        return row
    finally:
        del backend
        gc.collect()
        shutil.rmtree(path, ignore_errors=True)


def _merges(node) -> int:
    stats = node.get("/_nodes/stats/indices/merge")
    return sum(n["indices"]["merges"]["current"] for n in stats["nodes"].values())


def _jvm(node) -> dict[str, Any]:
    stats = node.get("/_nodes/stats/jvm")
    jvm = next(iter(stats["nodes"].values()))["jvm"]["mem"]
    out = {"heap_used_bytes": jvm["heap_used_in_bytes"], "heap_max_bytes": jvm["heap_max_in_bytes"]}
    try:
        for line in Path(f"/proc/{node.process.pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM", "VmRSS")):
                out[line.split(":")[0].lower() + "_kb"] = int(line.split()[1])
    except OSError:
        pass
    return out


def bench_opensearch(node, texts: list[str], queries: list[str], warmup: int) -> dict[str, Any]:
    from parlens.search_index.cluster import ClusterBackend

    alias = f"bench-{len(texts)}"
    backend = ClusterBackend(node.url, alias=alias)
    data_dir = node.home / "data"

    def settle(timeout: float = 600.0) -> float:
        """Flush, then wait for background merges to end (queries should not race them)."""
        t0 = time.perf_counter()
        backend.es.indices.flush(index=alias, wait_if_ongoing=True)
        while _merges(node) and time.perf_counter() - t0 < timeout:
            time.sleep(0.5)
        return time.perf_counter() - t0

    def disk() -> dict[str, Any]:
        backend.es.indices.flush(index=alias, wait_if_ongoing=True)
        index = backend._current()
        cat = node.get(f"/_cat/indices/{index}?bytes=b&format=json&h=index,docs.count,store.size,pri.store.size")[0]
        segments = node.get(f"/_cat/segments/{index}?format=json&h=segment")
        return {"disk_bytes": int(cat["store.size"]), "disk_source": "_cat/indices store.size after _flush",
                "data_dir_bytes": dir_size(data_dir), "docs_count": int(cat["docs.count"]), "segments": len(segments),
                "jvm": _jvm(node)}

    try:
        row = measure("opensearch", lambda: backend.rebuild(passage_objects(texts), 1), backend.search, disk,
                      len(texts), queries, warmup, settle)
        row["settings"] = {"heap": node.heap, "shards": backend.shards, "replicas": backend.replicas,
                           "version": node.get("/")["version"]["number"]}
        return row
    finally:
        backend.drop()


def overlap(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean share of the embedded top 10 also in OpenSearch's top 10 (queries with hits in either)."""
    shares = [len(set(x) & set(y)) / max(len(x), len(y)) for x, y in zip(a, b) if x or y]
    return round(sum(shares) / len(shares), 3) if shares else 1.0


def print_table(rows: list[dict[str, Any]], raw: dict[int, int]) -> None:
    print()
    print(f"{'engine':11} {'passages':>10} {'passages/s':>11} {'p50 ms':>7} {'p95 ms':>7} {'p50 fac':>8} {'p95 fac':>8} "
          f"{'disk MB':>8} {'disk/raw':>8}  settings")
    for r in rows:
        settings = ", ".join(f"{k}={v}" for k, v in r["settings"].items())
        print(f"{r['engine']:11} {r['passages']:>10,} {r['passages_per_s']:>11,} {r['no_facets']['p50_ms']:>7.1f} "
              f"{r['no_facets']['p95_ms']:>7.1f} {r['facets']['p50_ms']:>8.1f} {r['facets']['p95_ms']:>8.1f} "
              f"{r['disk_bytes'] / 1e6:>8.1f} {r['disk_bytes'] / raw[r['passages']]:>7.2f}x  {settings}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=50, help="queries run before timing, in each mode")
    parser.add_argument("--skip", nargs="*", default=[], choices=ENGINES)
    parser.add_argument("--opensearch-heap", default="2g", help="the node's -Xms/-Xmx")
    parser.add_argument("--embedded-heap-mb", type=int, default=200, help="tantivy writer memory (200: what parlens reindex uses)")
    parser.add_argument("--threads", type=int, default=0, help="tantivy indexing threads (0: tantivy decides, as parlens reindex)")
    parser.add_argument("--workdir", type=Path, default=None, help="where indexes and the node's data go (removed afterwards)")
    parser.add_argument("--json", type=Path, default=None, help="write the results here (default bench/out/engines-<UTC time>.json)")
    args = parser.parse_args(argv)

    started = datetime.now(timezone.utc)
    out = args.json or DEFAULT_OUT / f"engines-{started:%Y%m%dT%H%M%SZ}.json"
    result: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"), "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "load_start": loadavg(), "queries": args.queries, "warmup": args.warmup, "rows": [], "overlap_top10": {},
    }
    print(f"cpus={os.cpu_count()} load={result['load_start']} sizes={args.passages} queries={args.queries}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="parlens-engines-", dir=args.workdir))
    node = None
    raw: dict[int, int] = {}
    try:
        if "opensearch" not in args.skip:
            from parlens.devtools.opensearch import OpenSearchNode

            node = OpenSearchNode(workdir / "opensearch", heap=args.opensearch_heap).start()
            print(f"OpenSearch node at {node.url}, heap {node.heap}", flush=True)
        largest = make_passages(max(args.passages))  # the same seed: a smaller corpus is a prefix of this one
        for n in sorted(args.passages):
            texts = largest[:n]
            queries = make_queries(texts, args.queries)
            raw[n] = sum(len(t.encode("utf-8")) for t in texts)
            print(f"\n{n:,} passages, {raw[n] / 1e6:.1f} MB UTF-8; load {loadavg()}", flush=True)
            tops = {}
            if "embedded" not in args.skip:
                row = bench_embedded(texts, queries, workdir, args.embedded_heap_mb, args.threads, args.warmup)
                tops["embedded"] = row["no_facets"]["_top"]
                result["rows"].append(row)
            if node is not None:
                row = bench_opensearch(node, texts, queries, args.warmup)
                tops["opensearch"] = row["no_facets"]["_top"]
                result["rows"].append(row)
            for row in result["rows"]:
                row["raw_bytes"] = raw[row["passages"]]
            if len(tops) == 2:
                result["overlap_top10"][str(n)] = overlap(tops["embedded"], tops["opensearch"])
                print(f"top-10 overlap embedded/opensearch: {result['overlap_top10'][str(n)]}", flush=True)
    finally:
        if node is not None:
            node.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        result["load_end"] = loadavg()
        result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for row in result["rows"]:
            for mode in ("no_facets", "facets"):
                row[mode].pop("_top", None)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")

    print_table(result["rows"], raw)
    print(f"\nload average {result['load_start']} -> {result['load_end']}; JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
