"""Background ingest jobs: large uploads are answered at once with a job id and processed one job at a time.

Jobs live in memory: after a restart their status is gone, but every file a job finished is in the store
(each file is one store transaction), so nothing is half-written.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable

from parlens.errors import ParlensError

MAX_KEPT_JOBS = 500


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class JobManager:
    """Runs ingest jobs on one worker thread and keeps their status (the newest ``MAX_KEPT_JOBS``)."""

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parlens-job")
        self._jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, files: list[tuple[str, bytes]], ingest_one: Callable[[bytes, str], dict[str, Any]],
               after: Callable[[], Any] | None = None) -> dict[str, Any]:
        """Queue ``files`` (name, bytes); ``ingest_one`` returns each file's result, ``after`` runs at the end."""
        job_id = uuid.uuid4().hex[:16]
        job = {"id": job_id, "status": "queued", "created_at": _now(), "finished_at": None,
               "total": len(files), "done": 0, "files": []}
        with self._lock:
            self._jobs[job_id] = job
            while len(self._jobs) > MAX_KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, files, ingest_one, after)
        return self.get(job_id)

    def _run(self, job: dict[str, Any], files: list[tuple[str, bytes]], ingest_one: Callable, after: Callable | None) -> None:
        with self._lock:
            job["status"] = "running"
        for name, data in files:
            result = ingest_one(data, name)
            with self._lock:
                job["files"].append(result)
                job["done"] += 1
        if after is not None:
            try:
                after()
            except Exception:  # the index catches up at the next sync
                pass
        with self._lock:
            job["status"] = "done"
            job["finished_at"] = _now()

    def get(self, job_id: str) -> dict[str, Any]:
        """A copy of the job's status; PARLENS-E053 when unknown."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise ParlensError("PARLENS-E053", f"no job {job_id!r}")
            return {**job, "files": list(job["files"])}

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
