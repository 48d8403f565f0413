"""Load check of the served app on loopback: upload latency of a 20-page text PDF, then N concurrent searches.

    .venv/bin/python bench/load.py --clients 50 --seconds 30 [--no-cache] [--client wrk | --procs 2]

Starts `parlens serve` on 127.0.0.1 (a free port, a temporary data folder), uploads corpora/samples, times
"upload a generated 20-page plan PDF -> its tasks listed by GET /tasks", then runs ``--clients`` concurrent
clients searching the project's query set (48 queries, so repeats hit the service's result cache unless
``--no-cache``) for ``--seconds``. Prints p50/p95/p99, throughput, errors.

The load generator shares the machine with the server. The default async httpx client costs about as
much CPU per request as the server does, so on 2 cores it measures itself too: ``--procs 2`` splits the
clients over two processes, and ``--client wrk`` uses wrk (C, a few % of a core; optional, for the bench
only: ``apt-get install wrk``) with a Lua script cycling through the same queries.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
PARLENS = ROOT / ".venv" / "bin" / "parlens"
FONT_DIRS = [ROOT / "corpora" / "fonts", Path("/usr/share/fonts/truetype/dejavu")]

AGENCIES = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ",
            "Công an tỉnh", "Sở Xây dựng", "Sở Y tế"]
ACTIONS = ["rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý",
           "tổ chức tập huấn nghiệp vụ cải cách hành chính cho công chức cấp xã",
           "công khai kết quả giải quyết hồ sơ trên Cổng dịch vụ công của tỉnh",
           "kiểm tra việc thực hiện cơ chế một cửa, một cửa liên thông",
           "tổng hợp, báo cáo kết quả thực hiện Chỉ số cải cách hành chính"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(data_dir: Path, *, log: Path | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """`parlens serve` on 127.0.0.1 over ``data_dir``; yields the base URL once /health answers."""
    port = free_port()
    env = {**os.environ, **(env or {}), "PARLENS_DATA_DIR": str(data_dir)}
    out = open(log or os.devnull, "ab")
    proc = subprocess.Popen([str(PARLENS), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"parlens serve exited with {proc.returncode}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("parlens serve did not answer /health in 120 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


def make_plan_pdf(pages: int = 20, seed: int = 0) -> bytes:
    """A generated text PDF plan of about ``pages`` pages: numbered assignments with agencies and deadlines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    font = next((d / "DejaVuSerif.ttf" for d in FONT_DIRS if (d / "DejaVuSerif.ttf").exists()), None)
    if font is None:
        raise SystemExit("DejaVuSerif.ttf not found (apt install fonts-dejavu-core)")
    pdfmetrics.registerFont(TTFont("BenchSerif", str(font)))
    style = ParagraphStyle("b", fontName="BenchSerif", fontSize=11, leading=15, spaceAfter=5)
    story = [Paragraph("ỦY BAN NHÂN DÂN TỈNH BẮC NAM", style), Paragraph(f"Số: {100 + seed}/KH-UBND", style),
             Paragraph("KẾ HOẠCH", style), Paragraph("Cải cách hành chính năm 2026 (bản thử tải)", style)]
    n = 0
    for page in range(pages):
        for _ in range(9):
            n += 1
            agency = AGENCIES[(n + seed) % len(AGENCIES)]
            partner = AGENCIES[(n + seed + 3) % len(AGENCIES)]
            action = ACTIONS[n % len(ACTIONS)]
            story.append(Paragraph(
                f"{n}. {agency} chủ trì, phối hợp với {partner} {action}; hoàn thành trước ngày "
                f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026.", style))
        if page < pages - 1:
            story.append(PageBreak())
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def upload_samples(base: str) -> dict:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLES.iterdir()) if p.is_file()]
    answer = httpx.post(base + "/documents", files=files, params={"background": "false"}, timeout=600)
    return answer.json()


def time_pdf_upload(base: str, pages: int) -> dict:
    """Seconds from sending a ``pages``-page PDF to its tasks being listed by GET /tasks."""
    data = make_plan_pdf(pages)
    began = time.perf_counter()
    answer = httpx.post(base + "/documents", files=[("files", (f"ke-hoach-{pages}-trang.pdf", data))], timeout=120)
    result = answer.json()["files"][0]
    tasks = httpx.get(base + "/tasks", params={"document": result["document_id"], "limit": 1}, timeout=30).json()
    return {"pages": pages, "bytes": len(data), "status": answer.status_code, "tasks": tasks["total"],
            "seconds": round(time.perf_counter() - began, 3), "server_seconds": result["seconds"]}


def _uptime() -> str:
    """The load averages, to report what else was running."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def load_queries() -> list[str]:
    path = ROOT / "corpora" / "queries.jsonl"
    queries = [json.loads(line)["query"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return queries or ["cải cách hành chính"]


async def search_load(base: str, clients: int, seconds: float, queries: list[str], raw: bool = False) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(idx: int, http: httpx.AsyncClient) -> None:
        n = idx
        while time.monotonic() < stop_at:
            q = queries[n % len(queries)]
            n += clients
            began = time.perf_counter()
            try:
                answer = await http.get("/search", params={"q": q, "limit": 10})
                latencies.append(time.perf_counter() - began)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:120])

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(client_loop(i, http) for i in range(clients)))
    if raw:
        return {"latencies": latencies, "statuses": statuses, "errors": errors}
    return _summary(clients, seconds, sorted(latencies), statuses, errors)


def _summary(clients: int, seconds: float, latencies: list[float], statuses: dict[int, int], errors: list[str]) -> dict:
    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else float("nan")

    return {"client": "httpx", "clients": clients, "seconds": seconds, "requests": len(latencies),
            "rps": round(len(latencies) / seconds, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
            "statuses": statuses, "5xx": sum(v for k, v in statuses.items() if k >= 500), "transport_errors": len(errors),
            "error_kinds": sorted(set(errors))[:5]}


def _search_load_part(args: tuple) -> dict:
    base, clients, seconds, queries = args
    return asyncio.run(search_load(base, clients, seconds, queries, raw=True))


def search_load_procs(base: str, clients: int, seconds: float, queries: list[str], procs: int) -> dict:
    """``search_load`` with the clients split over ``procs`` processes; latencies merged."""
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        parts = pool.map(_search_load_part, [(base, n, seconds, queries[i::procs] or queries) for i, n in enumerate(shares) if n])
    latencies = sorted(x for p in parts for x in p["latencies"])
    statuses: dict[int, int] = {}
    for p in parts:
        for k, v in p["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    errors = [e for p in parts for e in p["errors"]]
    return _summary(clients, seconds, latencies, statuses, errors)


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d, \\"mean_us\\": %%d, \\"non_2xx_3xx\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"timeout\\": %%d}\\n",
    summary.requests, latency:percentile(50), latency:percentile(95), latency:percentile(99), math.floor(latency.mean),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def search_load_wrk(base: str, clients: int, seconds: float, queries: list[str]) -> dict:
    """The same search mix driven by wrk (one thread, ``clients`` connections) and its Lua ``done`` summary."""
    from urllib.parse import urlencode

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use the default httpx client")
    paths = ", ".join(json.dumps("/search?" + urlencode({"q": q, "limit": 10})) for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    try:
        out = subprocess.run([wrk, "-t1", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "30s", "-s", script.name, base + "/"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    r = json.loads(line[len("WRKJSON "):])
    errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {"client": "wrk", "clients": clients, "seconds": seconds, "requests": r["requests"],
            "rps": round(r["requests"] / seconds, 1), "p50_ms": r["p50_us"] / 1000, "p95_ms": r["p95_us"] / 1000,
            "p99_ms": r["p99_us"] / 1000, "mean_ms": r["mean_us"] / 1000, "non_2xx": r["non_2xx_3xx"],
            "5xx": r["non_2xx_3xx"], "transport_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--pages", type=int, default=20, help="Pages of the generated PDF whose upload is timed.")
    parser.add_argument("--no-cache", action="store_true", help="Serve with PARLENS_SEARCH_CACHE_SIZE=0 (every search runs).")
    parser.add_argument("--client", choices=["httpx", "wrk"], default="httpx", help="Load generator (wrk: apt-get install wrk).")
    parser.add_argument("--procs", type=int, default=1, help="httpx client processes the clients are split over.")
    parser.add_argument("--skip-upload", action="store_true", help="Skip the timed 20-page PDF upload.")
    args = parser.parse_args()
    env = {"PARLENS_SEARCH_CACHE_SIZE": "0"} if args.no_cache else {}
    with tempfile.TemporaryDirectory(prefix="parlens-load-") as tmp:
        with served(Path(tmp), log=Path(tmp) / "serve.log", env=env) as base:
            corpus = upload_samples(base)
            counts: dict[str, int] = {}
            for f in corpus.get("files", []):
                counts[f["status"]] = counts.get(f["status"], 0) + 1
            print(f"corpus: {counts} ({sum(counts.values())} files)")
            if not args.skip_upload:
                httpx.post(base + "/documents", files=[("files", ("warm.pdf", make_plan_pdf(1, seed=99)))], timeout=120)
                print("upload:", json.dumps(time_pdf_upload(base, args.pages)))
            queries = load_queries()
            print("uptime:", _uptime())
            if args.client == "wrk":
                result = search_load_wrk(base, args.clients, args.seconds, queries)
            elif args.procs > 1:
                result = search_load_procs(base, args.clients, args.seconds, queries, args.procs)
            else:
                result = asyncio.run(search_load(base, args.clients, args.seconds, queries))
            print("search:", json.dumps(result))
            print("uptime:", _uptime())
            health = httpx.get(base + "/health").json()
            print(f"health: {health['status']}, index lag {health['index_lag']}")
    sys.exit(1 if result["5xx"] or result["transport_errors"] else 0)


if __name__ == "__main__":
    main()
