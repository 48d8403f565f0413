"""Durable upload jobs in the store: a job and its spooled files are written before the upload is answered.

A job is ``queued`` → ``running`` → ``done`` (or ``cancelled``); each file is ``queued`` until its outcome
is recorded. After a crash, every job still queued or running is found again by :func:`unfinished_jobs`
and its queued files are processed; files already done are not read twice.

>>> from parlens.store import Store
>>> store = Store(":memory:")
>>> create_job(store, "j1", owner="local", background=True, files=[(0, "kh.pdf", "j1/0", 10)], refused=[])
>>> get_job(store, "j1")["status"], [f["name"] for f in queued_files(store, "j1")]
('queued', ['kh.pdf'])
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def create_job(store: Any, job_id: str, *, owner: str, background: bool,
               files: list[tuple[int, str, str, int]], refused: list[dict[str, Any]]) -> None:
    """Record a job with its files ``(seq, name, spool path, size)`` and the results of files refused up front."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO jobs (id, owner, status, background, created_at, refused) VALUES (?, ?, 'queued', ?, ?, ?)",
                     (job_id, owner, int(background), _now(), json.dumps(refused, ensure_ascii=False)))
        conn.executemany("INSERT INTO job_files (job_id, seq, name, spool, size) VALUES (?, ?, ?, ?, ?)",
                         [(job_id, seq, name, spool, size) for seq, name, spool, size in files])


def set_status(store: Any, job_id: str, status: str) -> None:
    """Move a job to ``status``; ``done`` and ``cancelled`` also set the finishing time."""
    finished = _now() if status in ("done", "cancelled") else None
    with store.transaction() as conn:
        conn.execute("UPDATE jobs SET status = ?, finished_at = COALESCE(?, finished_at) WHERE id = ?",
                     (status, finished, job_id))


def record_result(store: Any, job_id: str, seq: int, result: dict[str, Any]) -> None:
    """Record one file's outcome (the file is then done and its spool copy may go)."""
    with store.transaction() as conn:
        conn.execute("UPDATE job_files SET status = 'done', result = ? WHERE job_id = ? AND seq = ?",
                     (json.dumps(result, ensure_ascii=False), job_id, seq))


def queued_files(store: Any, job_id: str) -> list[dict[str, Any]]:
    """The files of a job not processed yet, in upload order."""
    rows = store._query("SELECT seq, name, spool, size FROM job_files WHERE job_id = ? AND status = 'queued' ORDER BY seq",
                        (job_id,))
    return [dict(r) for r in rows]


def job_owner(store: Any, job_id: str) -> str:
    """Who submitted the job ('key:<id>' or 'local'): the user its OCR is counted against."""
    return store._query("SELECT owner FROM jobs WHERE id = ?", (job_id,))[0]["owner"]


def unfinished_jobs(store: Any) -> list[dict[str, Any]]:
    """Jobs still queued or running (oldest first): what a restarted service resumes."""
    rows = store._query("SELECT id, owner, background FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, rowid")
    return [dict(r) for r in rows]


def recent_job_ids(store: Any, limit: int = 50) -> list[str]:
    """Ids of the newest jobs, newest first."""
    return [r["id"] for r in store._query("SELECT id FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,))]


def get_job(store: Any, job_id: str) -> dict[str, Any] | None:
    """A job as the API shows it: status, times, counts, and per-file results in upload order (None if unknown)."""
    rows = store._query("SELECT * FROM jobs WHERE id = ?", (job_id,))
    if not rows:
        return None
    job = rows[0]
    files = store._query("SELECT seq, name, status, result FROM job_files WHERE job_id = ? ORDER BY seq", (job_id,))
    results = [json.loads(f["result"]) for f in files if f["result"]]
    return {
        "id": job["id"], "status": job["status"], "created_at": job["created_at"], "finished_at": job["finished_at"],
        "background": bool(job["background"]), "total": len(files), "done": len(results),
        "files": results, "refused": json.loads(job["refused"]),
    }


def forget_finished(store: Any, keep: int = 500) -> None:
    """Delete finished jobs beyond the newest ``keep`` (their documents stay; only the job record goes)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM jobs WHERE status IN ('done', 'cancelled') AND id NOT IN "
                     "(SELECT id FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?)", (keep,))
