"""Upload jobs: durable, processed in worker processes, bounded in OCR and time, cancellable.

Every upload becomes a job. Its files are streamed to ``PARLENS_DATA_DIR/spool`` and fsynced, and the job is
committed to the store, *before* the client gets an answer: a 202 is a promise that survives a crash
(``resume`` picks up unfinished jobs at start). Dispatcher threads hand one file at a time to a worker
process (:mod:`parlens.search_api.http.workers`), record its result, and catch the index up. A small upload
is answered when its job is done; if that client goes away first, the job is cancelled and the worker
stopped. OCR is bounded per request and per user (pages and CPU seconds in any hour); a file over
``PARLENS_INGEST_TIMEOUT_SECONDS`` is stopped with PARLENS-E024. While a file is read, GET /jobs/{id} shows
its ``progress`` (the file, the stage "read" or "ocr", the page and the page count) as the worker reports it;
progress lives in memory only (a resumed job reads its file again).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import queue
import shutil
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from parlens.errors import ParlensError
from parlens.search_api.http.serialize import failure_json
from parlens.search_api.http.workers import IngestRequest, Stopped, Worker, spawn_context
from parlens.store import jobs as job_table

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
KEPT_JOBS = 500
HOUR = 3600.0


@dataclass
class SpooledFile:
    """An uploaded file on disk in the spool, with its position in the request."""

    seq: int
    name: str
    path: Path
    size: int


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WorkerPool:
    """Worker processes shared by every app in this process, started on first use."""

    def __init__(self) -> None:
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = 0
        self._context = None

    def checkout(self, size: int) -> Worker:
        with self._lock:
            if self._idle.empty() and self._started < size:
                self._context = self._context or spawn_context()
                self._started += 1
                return Worker(self._context)
        return self._idle.get()

    def checkin(self, worker: Worker) -> None:
        self._idle.put(worker)


POOL = WorkerPool()


class UsageLedger:
    """OCR used per user (API key or the local user) over the last hour."""

    def __init__(self) -> None:
        self._entries: dict[str, deque[tuple[float, int, float]]] = defaultdict(deque)
        self._lock = threading.Lock()

    def used(self, owner: str) -> tuple[int, float]:
        with self._lock:
            entries = self._entries[owner]
            while entries and entries[0][0] < time.monotonic() - HOUR:
                entries.popleft()
            return sum(e[1] for e in entries), sum(e[2] for e in entries)

    def add(self, owner: str, pages: int, seconds: float) -> None:
        if pages or seconds:
            with self._lock:
                self._entries[owner].append((time.monotonic(), pages, seconds))


class JobManager:
    """Durable upload jobs for one app: spooling, dispatch to workers, results, cancellation, resume."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.settings = service.settings
        self.spool_dir = Path(self.settings.data_dir) / "spool"
        self.usage = UsageLedger()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._cancel: dict[str, threading.Event] = {}
        self._waiters: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = defaultdict(list)
        self._progress: dict[str, dict[str, Any]] = {}  # job id -> the file being read: seq, file, stage, page, pages
        self._lock = threading.Lock()
        self._shutdown = threading.Event()
        self._threads = [threading.Thread(target=self._dispatch, name=f"parlens-jobs-{n}", daemon=True)
                         for n in range(self.settings.ingest_workers)]
        for thread in self._threads:
            thread.start()

    # -- intake (called from request handlers, in the thread pool) -------------------------------------

    def spool(self, job_id: str, seq: int, name: str, source: BinaryIO) -> SpooledFile:
        """Copy an upload to the spool in chunks (never whole in memory); PARLENS-E004 past the file limit."""
        folder = self.spool_dir / job_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{seq:04d}"
        limit = self.settings.max_file_bytes
        size = 0
        try:
            with open(path, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise ParlensError("PARLENS-E004", f"{name} is larger than the limit of {limit:,} bytes")
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise ParlensError("PARLENS-E023", f"{name}: no space left in {self.spool_dir}") from exc
            raise
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return SpooledFile(seq, name, path, size)

    def new_job_id(self) -> str:
        return uuid.uuid4().hex[:16]

    def submit(self, job_id: str, owner: str, files: list[SpooledFile], refused: list[dict[str, Any]], *,
               background: bool) -> dict[str, Any]:
        """Commit the job (files already fsynced in the spool), then queue it; returns its status."""
        if (self.spool_dir / job_id).exists():
            _fsync_dir(self.spool_dir / job_id)  # the files' names
            _fsync_dir(self.spool_dir)  # the job folder's name
        with self._lock:
            self._cancel[job_id] = threading.Event()
        job_table.create_job(self.service.store, job_id, owner=owner, background=background,
                             files=[(f.seq, f.name, str(f.path.relative_to(self.spool_dir)), f.size) for f in files],
                             refused=refused)
        self._queue.put(job_id)
        return self.get(job_id)

    def get(self, job_id: str) -> dict[str, Any]:
        """The job's status, per-file results and the progress of the file being read; PARLENS-E053 when unknown."""
        job = job_table.get_job(self.service.store, job_id)
        if job is None:
            raise ParlensError("PARLENS-E053", f"no job {job_id!r}")
        with self._lock:
            current = self._progress.get(job_id)
            job["progress"] = dict(current) if current is not None and job["status"] == "running" else None
        return job

    def _report(self, job_id: str, file: dict[str, Any], stage: str | None, page: int | None, pages: int | None) -> None:
        """Record the file being read and, once the reader reports, its stage and page (None: no longer read)."""
        with self._lock:
            if stage == "done":
                self._progress.pop(job_id, None)
            else:
                self._progress[job_id] = {"seq": file["seq"], "file": file["name"], "stage": stage, "page": page,
                                          "pages": pages}

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest jobs, newest first."""
        return [self.get(job_id) for job_id in job_table.recent_job_ids(self.service.store, limit)]

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Stop a job: its running file's worker is killed, its queued files are not read (nothing half-stored)."""
        job = self.get(job_id)
        if job["status"] in ("queued", "running"):
            with self._lock:
                event = self._cancel.setdefault(job_id, threading.Event())
            event.set()
        return job

    def completion(self, job_id: str) -> asyncio.Future:
        """A future (on the running event loop) resolved when the job is done or cancelled."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._waiters[job_id].append((loop, future))
        if self.get(job_id)["status"] in ("done", "cancelled"):
            self._notify(job_id)
        return future

    def resume(self) -> int:
        """Queue the jobs a previous run left unfinished; waited-for uploads whose client is gone are cancelled."""
        count = 0
        for job in job_table.unfinished_jobs(self.service.store):
            if job["background"]:
                with self._lock:
                    self._cancel[job["id"]] = threading.Event()
                self._queue.put(job["id"])
                count += 1
            else:
                self._finish_cancelled(job["id"], "the service restarted before the upload was answered")
        return count

    # -- dispatch (dispatcher threads) -----------------------------------------------------------------

    def _dispatch(self) -> None:
        while not self._shutdown.is_set():
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception:  # a job's failure must not stop the dispatcher; the job stays resumable
                log.exception("upload job %s failed", job_id)

    def _run(self, job_id: str) -> None:
        store = self.service.store
        job = job_table.get_job(store, job_id)
        if job is None or job["status"] in ("done", "cancelled"):
            self._notify(job_id)
            return
        owner = job_table.job_owner(store, job_id)
        job_table.set_status(store, job_id, "running")
        with self._lock:
            cancelled = self._cancel.setdefault(job_id, threading.Event())
        request_pages = request_seconds = 0.0
        for file in job_table.queued_files(store, job_id):
            if self._shutdown.is_set():
                return  # the job stays 'running' with its queued files: resumed at the next start
            if cancelled.is_set():
                self._finish_cancelled(job_id, "cancelled")
                return
            user_pages, user_seconds = self.usage.used(owner)
            pages_left = max(0, min(self.settings.ocr_pages_per_request - int(request_pages),
                                    self.settings.ocr_pages_per_user_hour - user_pages))
            seconds_left = max(0.0, min(self.settings.ocr_seconds_per_request - request_seconds,
                                        self.settings.ocr_seconds_per_user_hour - user_seconds))
            result = self._process(job_id, file, pages_left, seconds_left, cancelled)
            if result is None:  # shutting down, or cancelled mid-file
                if cancelled.is_set():
                    self._finish_cancelled(job_id, "cancelled")
                return
            ocr_pages, ocr_seconds = result.get("ocr_pages", 0), result.pop("ocr_seconds", 0.0)
            request_pages += ocr_pages
            request_seconds += ocr_seconds
            self.usage.add(owner, ocr_pages, ocr_seconds)
            job_table.record_result(store, job_id, file["seq"], result)
            self._report(job_id, file, "done", None, None)
            (self.spool_dir / file["spool"]).unlink(missing_ok=True)
            if result["status"] == "ingested":
                self.service.sync()
        job_table.set_status(store, job_id, "done")
        self._cleanup(job_id)

    def _process(self, job_id: str, file: dict[str, Any], pages_left: int, seconds_left: float,
                 cancelled: threading.Event) -> dict[str, Any] | None:
        name = file["name"]
        path = self.spool_dir / file["spool"]
        if not path.exists():
            return failure_json(name, "PARLENS-E010", f"{name}: the spooled copy is missing")
        request = IngestRequest(str(path), name, self.settings, pages_left, seconds_left)
        stop = _AnyEvent(cancelled, self._shutdown)
        began = time.monotonic()
        self._report(job_id, file, None, None, None)
        worker = POOL.checkout(self.settings.ingest_workers)
        try:
            answer = worker.run(request, timeout=self.settings.ingest_timeout_seconds, cancelled=stop,
                                on_progress=lambda stage, done, total: self._report(job_id, file, stage, done, total))
        except Stopped as exc:
            if exc.reason == "cancelled":
                return None
            seconds = time.monotonic() - began
            if exc.reason == "timeout":
                return failure_json(name, "PARLENS-E024", f"{name}: processing took {exc.detail} "
                               f"(PARLENS_INGEST_TIMEOUT_SECONDS={self.settings.ingest_timeout_seconds:g}); nothing was stored",
                               seconds=seconds)
            return failure_json(name, "PARLENS-E019", f"{name}: {exc.detail}", seconds=seconds)
        finally:
            POOL.checkin(worker)
        return answer

    def _finish_cancelled(self, job_id: str, why: str) -> None:
        store = self.service.store
        for file in job_table.queued_files(store, job_id):
            job_table.record_result(store, job_id, file["seq"], failure_json(file["name"], "PARLENS-E025", f"{file['name']}: {why}"))
        job_table.set_status(store, job_id, "cancelled")
        self._cleanup(job_id)

    def _cleanup(self, job_id: str) -> None:
        shutil.rmtree(self.spool_dir / job_id, ignore_errors=True)
        with self._lock:
            self._cancel.pop(job_id, None)
            self._progress.pop(job_id, None)
        job_table.forget_finished(self.service.store, KEPT_JOBS)
        self._notify(job_id)

    def _notify(self, job_id: str) -> None:
        with self._lock:
            waiters = self._waiters.pop(job_id, [])
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve, future)

    def shutdown(self) -> None:
        """Stop dispatching: a file being read is abandoned (its job resumes at the next start)."""
        self._shutdown.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=15)


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


class _AnyEvent:
    """Set when any of the given events is set (what Worker.run polls)."""

    def __init__(self, *events: threading.Event) -> None:
        self._events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)
