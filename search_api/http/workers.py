"""Ingest worker processes: uploads are read, extracted and stored outside the server process.

Reading a PDF, OCR and extraction are CPU-bound Python and C: in the server's threads they would hold the
GIL and PDFium's lock while searches wait. Each worker is a spawned process at low CPU priority (nice 10)
in its own process group, reading one file at a time from the upload spool and writing it to the store
(SQLite WAL takes writers from several processes). The parent only waits on a pipe, so it can stop a file
whose client went away or whose time ran out by killing the worker's process group (tesseract included)
and starting a fresh worker. While a file is read, the worker sends a :class:`PageProgress` over the same
pipe for every page the reader reports (:mod:`parlens.ingest.progress`), before the file's answer.

>>> request = IngestRequest(path="/tmp/x.pdf", name="kh.pdf", settings=None, ocr_pages=0, ocr_seconds=0.0)
>>> request.name
'kh.pdf'
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
START_SECONDS = 180.0  # a new worker loads the readers and models, then says READY, within this
READY = "ready"


@dataclass(frozen=True)
class IngestRequest:
    """One file for a worker: where it is spooled, its upload name, the app's settings and the OCR budget left."""

    path: str
    name: str
    settings: Any  # parlens.settings.Settings (picklable)
    ocr_pages: int
    ocr_seconds: float


@dataclass(frozen=True)
class PageProgress:
    """A worker's message while it reads a file: page ``done`` of ``total`` is at ``stage`` ("read" or "ocr")."""

    stage: str
    done: int
    total: int


ProgressListener = Callable[[str, int, int], None]


class Stopped(Exception):
    """The worker was stopped before it answered: ``reason`` is 'cancelled', 'timeout' or 'crashed'."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _worker_main(conn: Any) -> None:
    """The worker loop: receive an IngestRequest, answer its outcome as a dict; exit when the parent is gone."""
    try:
        os.setpgid(0, 0)  # its own group: killing it also kills its tesseract children
    except OSError:
        pass
    try:
        os.nice(10)  # searches in the server come first
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal reaches the server, which stops us
    threading.Thread(target=_die_with_parent, args=(os.getppid(),), name="parlens-watchdog", daemon=True).start()
    _warm_up()
    try:
        conn.send(READY)
    except (EOFError, OSError, BrokenPipeError):
        return
    stores: dict[str, Any] = {}
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            answer = _ingest(request, stores, _progress_sender(conn))
        except BaseException as exc:  # answered, never fatal: the parent records it as the file's failure
            from parlens.search_api.http.serialize import failure_json

            answer = failure_json(request.name, "PARLENS-E019", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (EOFError, OSError, BrokenPipeError):
            return


def _progress_sender(conn: Any) -> ProgressListener:
    """A progress listener that sends each page report to the parent (a broken pipe only loses the report)."""
    def send(stage: str, done: int, total: int) -> None:
        try:
            conn.send(PageProgress(stage, done, total))
        except (EOFError, OSError, BrokenPipeError):
            pass

    return send


def _die_with_parent(parent: int) -> None:
    """End this worker and its tesseract children as soon as the server process is gone (even SIGKILLed)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    try:
        if os.getpgid(0) == os.getpid():  # our own group: this worker and its tesseract runs
            os.killpg(0, signal.SIGKILL)
    finally:
        os._exit(1)


def _warm_up() -> None:
    """Load the readers, the extractor and the linker once, so a file's time limit measures the file alone."""
    try:
        from parlens import pipeline

        stages = pipeline.resolve_stages()
        doc = stages.read_bytes("KẾ HOẠCH\nSở Nội vụ chủ trì rà soát thủ tục hành chính.\n".encode(), "khoi-dong.txt")
        pipeline.extract_and_link(doc, stages)
    except Exception:  # a broken stage shows up on the first real file, with its own error
        log.debug("worker warm-up failed", exc_info=True)


def _ingest(request: IngestRequest, stores: dict[str, Any], on_progress: ProgressListener | None = None) -> dict[str, Any]:
    """Read, extract and store one spooled file; its result with OCR use and warnings (code, titles, text)."""
    from parlens import pipeline
    from parlens.ingest import ocr
    from parlens.ingest.progress import reporting
    from parlens.search_api.http.serialize import outcome_json
    from parlens.settings import use_settings
    from parlens.store import Store

    settings = request.settings
    use_settings(settings)
    key = str(settings.store_path)
    store = stores.get(key)
    if store is None:
        store = stores[key] = Store(settings.store_path)
    data = Path(request.path).read_bytes()
    with ocr.ocr_budget(request.ocr_pages, request.ocr_seconds) as budget, reporting(on_progress or _ignore):
        outcome = pipeline.ingest_bytes(data, request.name, store, sync=False)
    return {**outcome_json(outcome), "pages": outcome.pages, "ocr_pages": budget.used_pages,
            "ocr_seconds": round(budget.used_seconds, 3)}


def _ignore(stage: str, done: int, total: int) -> None:
    """No one listens (a direct call without a parent)."""


class Worker:
    """One worker process and the pipe to it; used by one dispatcher thread at a time."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self.process = self._context.Process(target=_worker_main, args=(child,), name="parlens-ingest", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.ready = False

    def _wait_ready(self, cancelled: threading.Event | None) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not self.ready:
            try:
                if self.conn.poll(POLL_SECONDS):
                    self.ready = self.conn.recv() == READY
                    continue
            except (EOFError, OSError):
                pass
            if cancelled is not None and cancelled.is_set():
                raise Stopped("cancelled")
            if not self.process.is_alive() or time.monotonic() > deadline:
                code = self.process.exitcode
                self.restart()
                raise Stopped("crashed", f"the worker process did not start (exit code {code})")

    def run(self, request: IngestRequest, *, timeout: float, cancelled: threading.Event | None = None,
            on_progress: ProgressListener | None = None) -> dict[str, Any]:
        """The worker's answer for ``request`` (a POST /documents file result plus OCR use); raises Stopped when cancelled, timed out or crashed (then restarts).

        Page reports that arrive before the answer go to ``on_progress(stage, done, total)``.
        """
        for attempt in (1, 2):
            if not self.process.is_alive():
                self.restart()
            self._wait_ready(cancelled)
            try:
                self.conn.send(request)
                break
            except (OSError, BrokenPipeError):
                if attempt == 2:
                    raise Stopped("crashed", "the worker process does not take requests") from None
                self.restart()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.conn.poll(POLL_SECONDS):
                    message = self.conn.recv()
                    if not isinstance(message, PageProgress):
                        return message
                    if on_progress is not None:
                        on_progress(message.stage, message.done, message.total)
            except (EOFError, OSError):
                code = self.process.exitcode
                self.restart()
                raise Stopped("crashed", f"the worker process ended (exit code {code})")
            if cancelled is not None and cancelled.is_set():
                self.restart()
                raise Stopped("cancelled")
            if time.monotonic() > deadline:
                self.restart()
                raise Stopped("timeout", f"more than {timeout:g} s")
            if not self.process.is_alive():
                code = self.process.exitcode
                self.restart()
                raise Stopped("crashed", f"the worker process ended (exit code {code})")

    def restart(self) -> None:
        self.kill()
        self._start()

    def kill(self) -> None:
        """Stop the worker and everything it started (its process group)."""
        process = getattr(self, "process", None)
        if process is None:
            return
        if process.is_alive() and process.pid:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        process.join(timeout=10)
        try:
            self.conn.close()
        except OSError:
            pass

    def stop(self) -> None:
        """Ask the worker to finish (it exits after its current file), then make sure it is gone."""
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(timeout=5)
        self.kill()


def spawn_context() -> Any:
    """Workers start with 'spawn': forking a server with threads (and PDFium's state) is not safe."""
    return multiprocessing.get_context("spawn")
