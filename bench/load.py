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

Search while uploading (the goal: search p95 within 2x of its idle value while 10 uploads run):

    .venv/bin/python bench/load.py --uploads 10 --skip-upload [--clients 10 --seconds 20] [--json OUT]

serves with PARLENS_SEARCH_CACHE_SIZE=0 (every search runs) and runs the search load twice: alone, then
while ``--uploads`` clients (in another process) keep uploading distinct documents (plan PDFs of
``--upload-pages`` pages from ``make_plan_pdf`` with new seeds, every fourth a text plan), each waiting for
its answer. Prints both rows (p50/p95/p99/max, the server's and the workers' CPU), the ratio of the p95s,
uploads completed and their latency, the peak RSS (VmHWM) of the server and its ingest workers, and the
server's RSS while ``--large`` files of ``--large-mb`` MB (a 1-page PDF padded with a random stream) are
sent at once: they are streamed to the spool, so the server grows by a few MB, not by what was sent.
Every loop is bounded in time and count; all traffic goes to 127.0.0.1.
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
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

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
def served_process(data_dir: Path, *, log: Path | None = None,
                   env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`parlens serve` on 127.0.0.1 over ``data_dir``; yields (base URL, the server process) once /health answers."""
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
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


@contextmanager
def served(data_dir: Path, *, log: Path | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """`parlens serve` on 127.0.0.1 over ``data_dir``; yields the base URL once /health answers."""
    with served_process(data_dir, log=log, env=env) as (base, _proc):
        yield base


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
            "max_ms": round(1000 * latencies[-1], 1) if latencies else float("nan"),
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
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"max_us\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d, \\"mean_us\\": %%d, \\"non_2xx_3xx\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"timeout\\": %%d}\\n",
    summary.requests, latency.max, latency:percentile(50), latency:percentile(95), latency:percentile(99), math.floor(latency.mean),
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
            "p99_ms": r["p99_us"] / 1000, "max_ms": r["max_us"] / 1000, "mean_ms": r["mean_us"] / 1000, "non_2xx": r["non_2xx_3xx"],
            "5xx": r["non_2xx_3xx"], "transport_errors": errors}


# -- search while uploading (--uploads N) --------------------------------------------------------------------

MB = 1024 * 1024


def make_plan_text(seed: int, items: int = 40) -> bytes:
    """A plain-text plan like ``make_plan_pdf``'s, distinct for each ``seed``."""
    lines = ["ỦY BAN NHÂN DÂN TỈNH BẮC NAM", f"Số: {5000 + seed}/KH-UBND", "KẾ HOẠCH",
             f"Cải cách hành chính năm 2026 (bản thử tải, văn bản {seed})"]
    for n in range(1, items + 1):
        agency = AGENCIES[(n + seed) % len(AGENCIES)]
        partner = AGENCIES[(n + seed + 3) % len(AGENCIES)]
        lines.append(f"{n}. {agency} chủ trì, phối hợp với {partner} {ACTIONS[(n + seed) % len(ACTIONS)]}; "
                     f"hoàn thành trước ngày {1 + n % 28:02d}/{1 + n % 12:02d}/2026.")
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_padded_pdf(path: Path, size: int, seed: int) -> int:
    """Write a valid 1-page plan PDF of about ``size`` bytes to ``path``; returns its size.

    An incremental update appends one unreferenced stream of random bytes (distinct files, nothing a reader
    decodes), so the file is large on the wire and on disk but cheap to read.
    """
    import re

    base = make_plan_pdf(1, seed=seed)
    root = re.search(rb"/Root (\d+ \d+ R)", base).group(1).decode()
    info = re.search(rb"/Info (\d+ \d+ R)", base)
    number = int(re.search(rb"/Size (\d+)", base).group(1))
    prev = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    if not base.endswith(b"\n"):
        base += b"\n"
    length = max(0, size - len(base) - 300)
    with open(path, "wb") as out:
        out.write(base)
        offset = out.tell()
        out.write(f"{number} 0 obj\n<< /Length {length} >>\nstream\n".encode())
        left = length
        while left:
            chunk = os.urandom(min(MB, left))
            out.write(chunk)
            left -= len(chunk)
        out.write(b"\nendstream\nendobj\n")
        xref = out.tell()
        trailer = f"/Size {number + 1} /Root {root} /Prev {prev}" + (f" /Info {info.group(1).decode()}" if info else "")
        out.write(f"xref\n{number} 1\n{offset:010d} 00000 n \ntrailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
        return out.tell()


def build_upload_docs(folder: Path, count: int, pages: int) -> list[tuple[str, str]]:
    """``count`` distinct small documents on disk: plan PDFs of ``pages`` pages, every fourth a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(count):
        seed = 1000 + i
        if i % 4 == 3:
            name, data = f"ke-hoach-{seed}.txt", make_plan_text(seed)
        else:
            name, data = f"ke-hoach-{seed}.pdf", make_plan_pdf(pages, seed=seed)
        (folder / name).write_bytes(data)
        docs.append((name, str(folder / name)))
    return docs


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in kB (empty when it is gone)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1])
    except (OSError, ValueError):
        return {}
    return out


def _proc_cpu(pid: int, tid: int | None = None) -> float | None:
    """User + system CPU seconds of a process, or of one of its threads (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _reset_hwm(pid: int) -> bool:
    """Reset a process's VmHWM to its current RSS (``echo 5 > clear_refs``, Linux >= 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    """Every living descendant of ``pid`` (ingest workers, multiprocessing's helper, tesseract runs)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class ProcWatch:
    """Peak memory of the server and its descendants, sampled in a thread (VmRSS) and read from VmHWM.

    Descendants are looked up once a second and sampled every ``interval`` seconds; a worker that is
    replaced keeps the peak last seen. ``mark()`` starts a new phase: peaks (and the kernel's VmHWM) reset.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak: dict[int, int] = {}
        self.hwm: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.known: list[int] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="bench-procwatch", daemon=True)

    def __enter__(self) -> ProcWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        last_scan = 0.0
        while not self._stop.is_set():
            if time.monotonic() - last_scan >= 1.0:
                known = _descendants(self.pid)
                for pid in known:
                    if pid not in self.names:
                        try:
                            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                        except OSError:
                            cmd = "?"
                        self.names[pid] = "ingest worker" if "multiprocessing.spawn" in cmd else (
                            "resource tracker" if "resource_tracker" in cmd else cmd[:40])
                self.known = known
                last_scan = time.monotonic()
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        with self._lock:
            for pid in [self.pid, *self.known]:
                status = _proc_status(pid)
                if status:
                    self.peak[pid] = max(self.peak.get(pid, 0), status.get("VmRSS", 0))
                    self.hwm[pid] = max(self.hwm.get(pid, 0), status.get("VmHWM", 0))

    def mark(self) -> dict[str, Any]:
        """Start a new phase: the peaks so far are returned and reset, VmHWM reset where the kernel allows."""
        with self._lock:
            before = self.report()
            self.peak.clear()
            self.hwm.clear()
            for pid in [self.pid, *self.known]:
                _reset_hwm(pid)
        self.sample()
        return before

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of the server and of its living ingest workers."""
        workers = [p for p in self.known if self.names.get(p) == "ingest worker"]
        loop = _proc_cpu(self.pid, self.pid) or 0.0  # the main thread runs uvicorn's event loop
        server = _proc_cpu(self.pid) or 0.0
        return {"server": server, "server_event_loop": loop, "server_other_threads": max(0.0, server - loop),
                "workers": sum(_proc_cpu(p) or 0.0 for p in workers)}

    def report(self) -> dict[str, Any]:
        """Peaks since the last mark, in MB: the server, each ingest worker, and their sum."""
        def mb(kb: int) -> float:
            return round(kb / 1024, 1)

        workers = sorted((p for p in self.peak if self.names.get(p) == "ingest worker"), key=lambda p: -self.hwm.get(p, 0))
        server = {"rss_mb": mb(_proc_status(self.pid).get("VmRSS", 0)), "peak_rss_mb": mb(self.peak.get(self.pid, 0)),
                  "hwm_mb": mb(self.hwm.get(self.pid, 0))}
        return {"server": server,
                "workers": [{"pid": p, "peak_rss_mb": mb(self.peak[p]), "hwm_mb": mb(self.hwm.get(p, 0))} for p in workers],
                "server_plus_workers_hwm_mb": mb(self.hwm.get(self.pid, 0) + sum(self.hwm.get(p, 0) for p in workers))}


def wait_settled(base: str, timeout: float = 300.0) -> dict[str, Any]:
    """Wait (at most ``timeout`` s) until no upload job is queued or running and the index has caught up."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = httpx.get(base + "/jobs", params={"limit": 200}, timeout=30).json()["jobs"]
        busy = sum(1 for j in jobs if j["status"] in ("queued", "running"))
        lag = httpx.get(base + "/health", timeout=30).json().get("index_lag")
        if (not busy and lag == 0) or time.monotonic() > deadline:
            return {"busy_jobs": busy, "index_lag": lag}
        time.sleep(0.5)


async def _upload_load(base: str, docs: list[tuple[str, str]], clients: int, start_at: float, stop_at: float,
                       timeout: float) -> dict[str, Any]:
    payloads = [(name, Path(path).read_bytes()) for name, path in docs]
    records: list[dict[str, Any]] = []
    taken = 0

    async def client(idx: int, http: httpx.AsyncClient) -> None:
        nonlocal taken
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + 0.05 * idx)
        while time.monotonic() < stop_at and taken < len(payloads):
            name, data = payloads[taken]
            taken += 1
            began = time.monotonic()
            record: dict[str, Any] = {"start": began}
            try:
                answer = await asyncio.wait_for(http.post("/documents", files=[("files", (name, data))]), timeout)
                record["http"] = answer.status_code
                record["status"] = (answer.json().get("files") or [{}])[0].get("status")
            except (httpx.HTTPError, asyncio.TimeoutError, ValueError) as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"[:120]
            record["end"] = time.monotonic()
            records.append(record)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return {"records": records, "pool_exhausted": taken >= len(payloads)}


def _upload_load_part(args: tuple) -> dict[str, Any]:
    return asyncio.run(_upload_load(*args))


def upload_summary(part: dict[str, Any], clients: int, window: tuple[float, float]) -> dict[str, Any]:
    """Uploads completed, their latency, and how many were in flight on average while the search load ran."""
    records = part["records"]
    done = sorted(r["end"] - r["start"] for r in records if r.get("http") in (200, 201))
    statuses: dict[str, int] = {}
    for r in records:
        key = r.get("status") or r.get("error", "?").split(":")[0]
        statuses[key] = statuses.get(key, 0) + 1
    lo, hi = window
    overlap = sum(max(0.0, min(r["end"], hi) - max(r["start"], lo)) for r in records)

    def pct(p: float) -> float | None:
        return round(done[min(len(done) - 1, int(p * len(done)))], 2) if done else None

    return {"clients": clients, "sent": len(records), "completed": len(done),
            "completed_in_window": sum(1 for r in records if r.get("http") in (200, 201) and lo <= r["end"] <= hi),
            "in_flight_mean": round(overlap / (hi - lo), 1) if hi > lo else None,
            "p50_s": pct(0.50), "p95_s": pct(0.95), "max_s": round(done[-1], 2) if done else None,
            "statuses": statuses, "pool_exhausted": part["pool_exhausted"]}


def measure_search(base: str, args: argparse.Namespace, queries: list[str]) -> dict:
    if args.client == "wrk":
        return search_load_wrk(base, args.clients, args.seconds, queries)
    if args.procs > 1:
        return search_load_procs(base, args.clients, args.seconds, queries, args.procs)
    return asyncio.run(search_load(base, args.clients, args.seconds, queries))


def search_during_uploads(base: str, args: argparse.Namespace, queries: list[str], docs: list[tuple[str, str]],
                          watch: ProcWatch) -> tuple[dict, dict]:
    """The search load while ``args.uploads`` clients keep uploading distinct small documents (another process)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        start_at = time.monotonic() + 3.0  # the spawned process imports httpx meanwhile
        search_from = start_at + args.upload_warmup
        stop_at = search_from + args.seconds
        pending = pool.apply_async(_upload_load_part, ((base, docs, args.uploads, start_at, stop_at, args.upload_timeout),))
        time.sleep(max(0.0, search_from - time.monotonic()))
        cpu0, began = watch.cpu(), time.monotonic()
        result = measure_search(base, args, queries)
        result["cpu"] = _cpu_share(watch, cpu0, time.monotonic() - began)
        part = pending.get(timeout=max(0.0, stop_at - time.monotonic()) + args.upload_timeout + 60)
    return result, upload_summary(part, args.uploads, (search_from, search_from + args.seconds))


def _cpu_share(watch: ProcWatch, cpu0: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used by the server and its workers since ``cpu0`` (1.0 = one core busy)."""
    cpu1 = watch.cpu()
    return {k: round(max(0.0, cpu1[k] - cpu0[k]) / seconds, 2) for k in cpu1}


def large_uploads(base: str, folder: Path, watch: ProcWatch, count: int, size_mb: float, timeout: float) -> dict[str, Any]:
    """RSS of the server while ``count`` files of ``size_mb`` MB are sent at once (each its own request, a 202 job)."""
    from concurrent.futures import ThreadPoolExecutor

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"ke-hoach-lon-{i}.pdf" for i in range(count)]
    sizes = [make_padded_pdf(p, int(size_mb * MB), seed=9000 + i) for i, p in enumerate(paths)]
    watch.mark()
    rss_before = watch.report()["server"]["rss_mb"]

    def send(path: Path) -> dict[str, Any]:
        began = time.monotonic()
        try:
            with open(path, "rb") as fh:  # streamed by httpx, not read whole here either
                answer = httpx.post(base + "/documents", files=[("files", (path.name, fh, "application/pdf"))], timeout=timeout)
            body = answer.json()
            return {"http": answer.status_code, "job": body.get("id"), "seconds": round(time.monotonic() - began, 2),
                    "error": (body.get("error") or {}).get("code")}
        except (httpx.HTTPError, ValueError) as exc:
            return {"http": None, "error": f"{type(exc).__name__}: {exc}"[:120], "seconds": round(time.monotonic() - began, 2)}

    began = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(send, paths))
    sent_s = time.monotonic() - began
    watch.sample()
    received = watch.report()
    # the jobs are read by the workers afterwards; wait for them (bounded), cancel what is left
    jobs = [a["job"] for a in answers if a.get("job")]
    deadline = time.monotonic() + timeout
    finished: dict[str, dict] = {}
    while len(finished) < len(jobs) and time.monotonic() < deadline:
        for job_id in jobs:
            if job_id not in finished:
                job = httpx.get(f"{base}/jobs/{job_id}", timeout=30).json()
                if job["status"] in ("done", "cancelled"):
                    finished[job_id] = job
        time.sleep(0.5)
    for job_id in set(jobs) - set(finished):
        httpx.delete(f"{base}/jobs/{job_id}", timeout=30)
    processed_s = time.monotonic() - began
    watch.sample()
    after = watch.report()
    outcomes: dict[str, int] = {}
    for job in finished.values():
        for f in job.get("files", []):
            key = f.get("status") or "?"
            if f.get("error"):
                key += " " + f["error"]["code"]
            outcomes[key] = outcomes.get(key, 0) + 1
    if len(finished) < len(jobs):
        outcomes["unfinished (cancelled)"] = len(jobs) - len(finished)
    for p in paths:
        p.unlink(missing_ok=True)
    server = received["server"]
    return {"files": count, "mb_each": round(sum(sizes) / count / MB, 1), "mb_sent": round(sum(sizes) / MB, 1),
            "http": sorted({str(a["http"]) for a in answers}), "errors": [a["error"] for a in answers if a.get("error")],
            "send_seconds": round(sent_s, 2), "server_rss_before_mb": rss_before,
            "server_peak_rss_mb": server["peak_rss_mb"], "server_hwm_mb": server["hwm_mb"],
            "server_growth_mb": round(max(server["hwm_mb"], server["peak_rss_mb"]) - rss_before, 1),
            "server_rss_after_mb": after["server"]["rss_mb"],
            "workers_hwm_mb": max((w["hwm_mb"] for w in after["workers"]), default=None),
            "jobs_seconds": round(processed_s, 1), "outcomes": outcomes}


def _row(label: str, r: dict, extra: str = "") -> str:
    cpu = r.get("cpu", {})
    return (f"{label:<24}{r['requests']:>9}{r['rps']:>8}{r['p50_ms']:>8}{r['p95_ms']:>8}{r['p99_ms']:>8}{r['max_ms']:>8}"
            f"{r['5xx']:>5}{r['transport_errors']:>5}{cpu.get('server', ''):>7}{cpu.get('workers', ''):>7}{extra}")


def run_upload_mode(base: str, proc: subprocess.Popen, args: argparse.Namespace, docs: list[tuple[str, str]],
                    work: Path, loadavg_before: str) -> dict[str, Any]:
    """Search alone, then search while ``args.uploads`` clients upload; peak RSS; RSS while large files arrive."""
    queries = load_queries()
    settled = wait_settled(base)
    summary: dict[str, Any] = {"clients": args.clients, "seconds": args.seconds, "uploads": args.uploads,
                               "upload_pages": args.upload_pages, "search_cache": 0, "client": args.client,
                               "procs": args.procs, "loadavg_before": loadavg_before, "settled_before": settled}
    with ProcWatch(proc.pid) as watch:
        time.sleep(1.2)  # the first look-up of the server's descendants
        watch.mark()
        cpu0, began = watch.cpu(), time.monotonic()
        idle = measure_search(base, args, queries)
        idle["cpu"] = _cpu_share(watch, cpu0, time.monotonic() - began)
        summary["rss_idle"] = watch.mark()
        during, uploads = search_during_uploads(base, args, queries, docs, watch)
        summary["rss_during"] = watch.report()
        summary["settled_after"] = wait_settled(base, timeout=args.upload_timeout)
        summary.update(idle=idle, during=during, upload_load=uploads)
        summary["p95_ratio"] = round(during["p95_ms"] / idle["p95_ms"], 2) if idle["p95_ms"] else None
        if args.idle_after:
            cpu0, began = watch.cpu(), time.monotonic()
            summary["idle_after"] = measure_search(base, args, queries)
            summary["idle_after"]["cpu"] = _cpu_share(watch, cpu0, time.monotonic() - began)
        if args.large:
            summary["large"] = large_uploads(base, work / "large", watch, args.large, args.large_mb, args.large_timeout)
    summary["loadavg_after"] = _uptime()
    health = httpx.get(base + "/health", timeout=30).json()
    summary["health"] = {"status": health["status"], "index_lag": health["index_lag"],
                         "documents": health["store"].get("documents")}

    head = f"{'search (' + str(args.clients) + ' clients, ' + format(args.seconds, 'g') + ' s)':<24}{'reqs':>9}{'req/s':>8}" \
           f"{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'5xx':>5}{'err':>5}{'srvCPU':>7}{'wrkCPU':>7}"
    print(head + "   (ms; CPU in cores)")
    print(_row("idle", idle))
    print(_row(f"+ {args.uploads} upload clients", during))
    if args.idle_after:
        print(_row("idle again", summary["idle_after"]))
    u = uploads
    print(f"p95 during/idle: {summary['p95_ratio']}x (goal <= 2x)")
    print(f"uploads: {u['completed']} completed ({u['completed_in_window']} within the search window), "
          f"{u['in_flight_mean']} in flight on average; latency p50 {u['p50_s']} s, p95 {u['p95_s']} s, "
          f"max {u['max_s']} s; {u['statuses']}" + ("; document pool exhausted" if u["pool_exhausted"] else ""))
    for name, rss in (("idle", summary["rss_idle"]), ("uploads", summary["rss_during"])):
        workers = ", ".join(f"{w['hwm_mb']}" for w in rss["workers"]) or "-"
        print(f"peak RSS ({name}, VmHWM MB): server {rss['server']['hwm_mb']}, ingest workers [{workers}], "
              f"together {rss['server_plus_workers_hwm_mb']}")
    if args.large:
        g = summary["large"]
        print(f"{g['files']} x {g['mb_each']} MB uploads at once ({g['mb_sent']} MB, HTTP {'/'.join(g['http'])}, "
              f"sent in {g['send_seconds']} s): server RSS {g['server_rss_before_mb']} -> peak {g['server_hwm_mb']} MB "
              f"(+{g['server_growth_mb']} MB); workers peak {g['workers_hwm_mb']} MB; "
              f"jobs {g['outcomes']} after {g['jobs_seconds']} s")
    print(f"load average: before {loadavg_before}, after {summary['loadavg_after']}; health {summary['health']}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=None, help="Search clients (default 50; 10 with --uploads).")
    parser.add_argument("--seconds", type=float, default=None, help="Seconds of search load (default 30; 20 with --uploads).")
    parser.add_argument("--pages", type=int, default=20, help="Pages of the generated PDF whose upload is timed.")
    parser.add_argument("--no-cache", action="store_true", help="Serve with PARLENS_SEARCH_CACHE_SIZE=0 (every search runs).")
    parser.add_argument("--client", choices=["httpx", "wrk"], default="httpx", help="Load generator (wrk: apt-get install wrk).")
    parser.add_argument("--procs", type=int, default=1, help="httpx client processes the clients are split over.")
    parser.add_argument("--skip-upload", action="store_true", help="Skip the timed 20-page PDF upload.")
    group = parser.add_argument_group("search while uploading (uncached searches: PARLENS_SEARCH_CACHE_SIZE=0)")
    group.add_argument("--uploads", type=int, default=0, metavar="N",
                       help="Measure search alone, then while N clients keep uploading distinct small documents.")
    group.add_argument("--upload-pages", type=int, default=3, help="Pages of each generated upload PDF (every 4th upload is text).")
    group.add_argument("--upload-docs", type=int, default=400, help="Distinct documents generated for the upload clients (at most sent).")
    group.add_argument("--upload-warmup", type=float, default=2.0, help="Seconds uploads run before the search load starts.")
    group.add_argument("--upload-timeout", type=float, default=180.0, help="Seconds an upload may take before it is abandoned.")
    group.add_argument("--idle-after", action="store_true", help="Run the search load alone once more after the uploads.")
    group.add_argument("--large", type=int, default=8, help="Large files sent at once to measure the server's RSS (0: skip).")
    group.add_argument("--large-mb", type=float, default=45.0, help="Size of each large file (under PARLENS_MAX_FILE_BYTES).")
    group.add_argument("--large-timeout", type=float, default=600.0, help="Seconds to wait for the large files' jobs, then cancel.")
    group.add_argument("--workers", type=int, default=None, help="PARLENS_INGEST_WORKERS for the server (default: its own, 1).")
    group.add_argument("--json", type=Path, default=None, metavar="OUT", help="Write the summary as JSON to OUT.")
    args = parser.parse_args()
    args.clients = args.clients or (10 if args.uploads else 50)
    args.seconds = args.seconds or (20.0 if args.uploads else 30.0)
    env = {"PARLENS_SEARCH_CACHE_SIZE": "0"} if args.no_cache or args.uploads else {}
    if args.workers:
        env["PARLENS_INGEST_WORKERS"] = str(args.workers)
    loadavg_before = _uptime()
    with tempfile.TemporaryDirectory(prefix="parlens-load-") as tmp:
        docs = build_upload_docs(Path(tmp) / "uploads", args.upload_docs, args.upload_pages) if args.uploads else []
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        with served_process(data_dir, log=Path(tmp) / "serve.log", env=env) as (base, proc):
            corpus = upload_samples(base)
            counts: dict[str, int] = {}
            for f in corpus.get("files", []):
                counts[f["status"]] = counts.get(f["status"], 0) + 1
            print(f"corpus: {counts} ({sum(counts.values())} files)")
            if not args.skip_upload:
                httpx.post(base + "/documents", files=[("files", ("warm.pdf", make_plan_pdf(1, seed=99)))], timeout=120)
                print("upload:", json.dumps(time_pdf_upload(base, args.pages)))
            if args.uploads:
                summary = run_upload_mode(base, proc, args, docs, Path(tmp), loadavg_before)
                if args.json:
                    args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
                bad = any(summary[k]["5xx"] or summary[k]["transport_errors"] for k in ("idle", "during"))
                sys.exit(1 if bad else 0)
            queries = load_queries()
            print("uptime:", _uptime())
            result = measure_search(base, args, queries)
            print("search:", json.dumps(result))
            print("uptime:", _uptime())
            health = httpx.get(base + "/health").json()
            print(f"health: {health['status']}, index lag {health['index_lag']}")
            if args.json:
                args.json.write_text(json.dumps({"search": result, "health": health}, indent=2, ensure_ascii=False) + "\n")
    sys.exit(1 if result["5xx"] or result["transport_errors"] else 0)

if __name__ == "__main__":
    main()
