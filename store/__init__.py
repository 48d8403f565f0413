"""The store: SQLite (WAL) system of record for documents, originals, tasks, criteria links and changes.

>>> from parlens.settings import Settings
>>> import tempfile
>>> with open_store(Settings(data_dir=tempfile.mkdtemp())) as store:
...     store.list_documents()
(0, [])
"""

from __future__ import annotations

from parlens.errors import ParlensError
from parlens.settings import Settings, get_settings
from parlens.store.migrate import apply_migrations, available_migrations, schema_version
from parlens.store.sqlite import Change, DocumentSummary, ReplaceOutcome, Store, StoredDocument, StoredTask

__all__ = [
    "Change", "DocumentSummary", "ReplaceOutcome", "Store", "StoredDocument", "StoredTask",
    "apply_migrations", "available_migrations", "open_store", "schema_version",
]


def open_store(settings: Settings | None = None) -> Store:
    """Open (and create or migrate) the store at ``settings.store_path``, creating the data folder."""
    settings = settings or get_settings()
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParlensError("PARLENS-E022", f"data folder {settings.data_dir}: {exc.strerror or exc}") from exc
    return Store(settings.store_path)
