"""Fault checks on loopback: concurrent uploads with corrupt files, and SIGKILL of `parlens ingest` mid-batch.

    .venv/bin/python bench/faults.py --uploads 20 --kill-files 120

1. ``--uploads`` concurrent POST /documents (corpus samples, generated plans, and corrupt files: a truncated
   PDF, a broken DOCX zip, random bytes, an empty file, a legacy .xls) against `parlens serve`: counts
   statuses (no 5xx allowed) and checks the store has no half-written document (every document has its
   original, blocks and a change; no original without a document; SQLite integrity and foreign keys ok;
   no corrupt file's hash stored).
2. ``parlens ingest`` of ``--kill-files`` generated plans is killed with SIGKILL once documents start
   landing; the store is checked as above, then `parlens serve` starts, catches the index up, and every
   stored document is found by a search on its own text. Exit status 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import PARLENS, SAMPLES, make_plan_pdf, served  # noqa: E402

AGENCY_LINES = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Văn phòng UBND tỉnh", "Công an tỉnh"]


def corrupt_files() -> list[tuple[str, bytes]]:
    """Files every reader must refuse with a PARLENS code."""
    pdf = (SAMPLES / "kh_cchc_2026_nghean.pdf").read_bytes()
    broken_zip = io.BytesIO()
    with zipfile.ZipFile(broken_zip, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>")
    return [
        ("cat-ngang.pdf", pdf[: len(pdf) // 3]),
        ("hong.docx", broken_zip.getvalue()[:-30]),
        ("rac.pdf", os.urandom(4096)),
        ("rong.txt", b""),
        ("bang-cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048)),
    ]


def plan_text(i: int) -> str:
    """A short generated plan (unique per ``i``) with two assignments and deadlines."""
    a, b = AGENCY_LINES[i % 5], AGENCY_LINES[(i + 2) % 5]
    return (f"ỦY BAN NHÂN DÂN TỈNH BẮC NAM\nSố: {i}/KH-UBND\nKẾ HOẠCH\nKiểm tra cải cách hành chính đợt {i}\n"
            f"1. {a} chủ trì kiểm tra công tác cải cách hành chính tại đơn vị số {i}, hoàn thành trước ngày 30/9/2026.\n"
            f"2. {b} phối hợp tổng hợp kết quả kiểm tra đợt {i}, báo cáo trước ngày 15/10/2026.\n")


def store_problems(db: Path, refused_hashes: set[str] = frozenset()) -> list[str]:
    """Half-written or inconsistent rows in the store (empty list when consistent)."""
    conn = sqlite3.connect(db)
    try:
        problems = []
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign key violations")
        checks = {
            "documents without their original": "SELECT count(*) FROM documents d LEFT JOIN files f ON f.sha256 = d.sha256 WHERE f.sha256 IS NULL",
            "originals without a document": "SELECT count(*) FROM files f LEFT JOIN documents d ON d.sha256 = f.sha256 WHERE d.id IS NULL",
            "documents without blocks": "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.document_id = d.id)",
            "documents without a change record": "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.document_id = d.id)",
            "tasks of missing documents": "SELECT count(*) FROM tasks t LEFT JOIN documents d ON d.id = t.document_id WHERE d.id IS NULL",
        }
        for label, sql in checks.items():
            n = conn.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{n} {label}")
        stored = {r[0] for r in conn.execute("SELECT sha256 FROM files")}
        if stored & set(refused_hashes):
            problems.append("a refused file's bytes were stored")
        return problems
    finally:
        conn.close()


async def concurrent_uploads(base: str, n: int) -> dict:
    bad = corrupt_files()
    good = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.iterdir()) if p.suffix in (".txt", ".html", ".docx")]
    items: list[tuple[str, bytes]] = []
    for i in range(n):
        if i % 4 == 1:
            items.append(bad[(i // 4) % len(bad)])
        elif i % 4 == 3:
            items.append((f"ke-hoach-{i}.txt", plan_text(1000 + i).encode("utf-8")))
        else:
            items.append(good[i % len(good)])
    statuses: dict[int, int] = {}
    outcomes: dict[str, int] = {}

    async def one(http: httpx.AsyncClient, name: str, data: bytes) -> None:
        answer = await http.post("/documents", files=[("files", (name, data))], params={"background": "false"})
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        body = answer.json()
        for f in body.get("files", []):
            key = f["status"] if f["status"] != "failed" else f["error"]["code"]
            outcomes[key] = outcomes.get(key, 0) + 1

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        await asyncio.gather(*(one(http, name, data) for name, data in items))
    return {"uploads": n, "seconds": round(time.perf_counter() - began, 2), "statuses": statuses, "outcomes": outcomes,
            "5xx": sum(v for k, v in statuses.items() if k >= 500),
            "refused_hashes": {hashlib.sha256(d).hexdigest() for _, d in bad}}


def kill_during_ingest(data_dir: Path, files: int) -> dict:
    """SIGKILL `parlens ingest` once documents land; returns how many were stored before the kill."""
    folder = data_dir.parent / "batch"
    folder.mkdir()
    for i in range(files):
        (folder / f"ke-hoach-{i:04d}.txt").write_text(plan_text(i), "utf-8")
    (folder / "ke-hoach-lon.pdf").write_bytes(make_plan_pdf(10, seed=7))
    env = {**os.environ, "PARLENS_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([str(PARLENS), "ingest", str(folder)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = data_dir / "parlens.sqlite3"
    stored = 0
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= max(3, files // 4):
                break
    finished_before_kill = proc.poll() is not None
    if not finished_before_kill:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    return {"files": files + 1, "stored_before_kill": stored, "killed": not finished_before_kill,
            "returncode": proc.returncode}


def index_catches_up(data_dir: Path) -> dict:
    """Start the service over a store written by a killed ingest: lag 0 and every document found by search."""
    conn = sqlite3.connect(data_dir / "parlens.sqlite3")
    docs = conn.execute("SELECT id, text FROM documents ORDER BY id").fetchall()
    last_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
    conn.close()
    from parlens.search_index import open_backend
    from parlens.settings import Settings

    applied_before = open_backend(Settings(data_dir=data_dir)).last_applied_seq()
    with served(data_dir, log=data_dir.parent / "serve-after-kill.log") as base:
        health = httpx.get(base + "/health").json()
        missing = []
        for doc_id, text in docs:
            line = next(l for l in text.splitlines() if "chủ trì" in l or len(l) > 40)
            hits = httpx.get(base + "/search", params={"q": f'"{line[:60].rsplit(" ", 1)[0]}"', "limit": 50}).json()
            if doc_id not in {h["document_id"] for h in hits["hits"]}:
                missing.append(doc_id)
    return {"documents": len(docs), "index_lag_before_start": last_seq - applied_before,
            "index_lag_after_start": health["index_lag"], "not_found_by_search": missing}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--kill-files", type=int, default=120)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="parlens-faults-") as tmp:
        data = Path(tmp) / "uploads"
        with served(data, log=Path(tmp) / "serve.log") as base:
            result = asyncio.run(concurrent_uploads(base, args.uploads))
        problems = store_problems(data / "parlens.sqlite3", result.pop("refused_hashes"))
        print("concurrent uploads:", result)
        print("  store after uploads:", problems or "consistent")
        failed |= bool(result["5xx"] or problems)

        data = Path(tmp) / "killed" / "data"
        data.mkdir(parents=True)
        killed = kill_during_ingest(data, args.kill_files)
        problems = store_problems(data / "parlens.sqlite3")
        print("kill during ingest:", killed)
        print("  store after SIGKILL:", problems or "consistent")
        caught = index_catches_up(data)
        print("  after restart:", caught)
        failed |= bool(problems or caught["index_lag_after_start"] or caught["not_found_by_search"])
    print("FAILED" if failed else "all fault checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
