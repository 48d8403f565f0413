"""What the app holds for its lifetime: settings, the store, the search backend, the ingest pipeline and jobs."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from parlens.settings import Settings
from parlens.store import Store, open_store

log = logging.getLogger(__name__)


@dataclass
class Service:
    """The shared state of one running app (one per process)."""

    settings: Settings
    store: Store
    backend: Any = None
    backend_error: str | None = None
    sync_lock: threading.Lock = field(default_factory=threading.Lock)
    jobs: Any = None
    cache: dict[str, Any] = field(default_factory=dict)  # small derived data keyed by store change seq
    index_seq: int | None = None  # the index's applied change seq as last seen (None: read it again)

    @classmethod
    def open(cls, settings: Settings) -> Service:
        """Open the store and the search backend (a backend that cannot open is reported, not fatal)."""
        store = open_store(settings)
        service = cls(settings=settings, store=store)
        try:
            from parlens.search_index import get_backend

            service.backend = get_backend(settings)
        except Exception as exc:  # the store still serves documents and tasks
            service.backend_error = str(exc) or type(exc).__name__
            log.warning("search backend unavailable: %s", service.backend_error)
        return service

    def sync(self) -> str | None:
        """Catch the index up with the store, one sync at a time; the problem as text, or None."""
        if self.backend is None:
            return self.backend_error or "no search backend"
        from parlens.search_index import sync

        with self.sync_lock:
            try:
                sync(self.store, self.backend)
            except Exception as exc:
                self.index_seq = None
                log.warning("search index not updated (it catches up at the next sync): %s", exc)
                return str(exc) or type(exc).__name__
            self.index_seq = None  # cached search results keyed on the old seq are not served again
        return None

    def request_sync(self) -> None:
        """Catch the index up in a background thread unless a sync is already running (never blocks a request)."""
        if self.backend is None or self.sync_lock.locked():
            return
        threading.Thread(target=self.sync, name="parlens-sync", daemon=True).start()

    def index_lag(self) -> tuple[int, int | None]:
        """``(last store change seq, last applied seq or None when the index is unreachable)``."""
        from parlens.search_index.sync import index_lag

        return index_lag(self.store, self.backend)

    def close(self) -> None:
        if self.jobs is not None:
            self.jobs.shutdown()
        self.store.close()
