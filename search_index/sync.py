"""Keep the index a projection of the store: catch up from the last applied change, or rebuild.

The store appends ``(seq, document_id, op)`` to ``changes`` in the same transaction as every write; the
index records the last ``seq`` it applied *after* its own commit. A crash between the two leaves the
index behind, never ahead, and replaying a change is harmless (an upsert rebuilds the document's
passages), so the next :func:`sync` (at service start and after each ingest) brings it level.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from parlens.errors import ParlensError
from parlens.search_index.backends import get_backend
from parlens.search_index.passages import build_passages
from parlens.search_index.protocol import Passage, SearchBackend

BATCH_CHANGES = 500


def document_passages(store: Any, document_id: int, *, segmented: bool = False) -> list[Passage] | None:
    """The passages of one stored document (none for a probable copy of another), or None when it is gone."""
    try:
        stored = store.get_document(document_id)
    except ParlensError as exc:
        if exc.code == "PARLENS-E020":
            return None
        raise
    if getattr(stored, "duplicate_of", None) is not None:  # a probable copy: found through its primary, never twice
        return []
    tasks = [getattr(t, "task", t) for t in store.get_tasks(document_id=document_id)]
    return build_passages(document_id, stored.document, tasks, stored.criteria, segmented=segmented)


def iter_store_passages(store: Any, *, segmented: bool = False) -> Iterator[Passage]:
    """Every passage of every stored document, document by document."""
    for document_id in store.document_ids():
        passages = document_passages(store, document_id, segmented=segmented)
        if passages:
            yield from passages


def sync(store: Any, backend: SearchBackend | None = None, *, segmented: bool = False) -> int:
    """Apply the store changes the index has not seen yet; returns how many documents were touched.

    >>> # after `store.add_document(...)`: sync(store) makes the new passages searchable
    """
    backend = backend or get_backend()
    touched = 0
    seq = backend.last_applied_seq()
    while True:
        changes = store.changes_since(seq, limit=BATCH_CHANGES)
        if not changes:
            return touched
        last_op: dict[int, str] = {}
        for change in changes:
            last_op[change.document_id] = change.op
        passages: list[Passage] = []
        for document_id, op in last_op.items():
            if op == "upsert":
                passages.extend(document_passages(store, document_id, segmented=segmented) or [])
        backend.update(list(last_op), passages)
        seq = changes[-1].seq
        backend.set_applied_seq(seq)
        touched += len(last_op)


def index_lag(store: Any, backend: SearchBackend | None) -> tuple[int, int | None]:
    """``(last store change seq, last applied seq)``; the applied seq is None when the index is unreachable."""
    last = store.last_change_seq()
    if backend is None:
        return last, None
    try:
        return last, int(backend.last_applied_seq())
    except Exception:  # noqa: BLE001 - an index that cannot answer is reported, not raised
        return last, None


def catch_up(store: Any, backend: SearchBackend | None, *, start: Callable[[], Any] | None = None) -> tuple[bool, int | None]:
    """Apply the changes other processes made (e.g. ``parlens ingest``) when the index is behind the store.

    The sync runs at once, or through ``start`` (the HTTP service starts it in a background thread so a
    search never waits for indexing). Returns ``(behind, applied seq)``: whether a sync was needed, and the
    sequence the index was at (None when unreachable). Without ``start``, an index that cannot tell its
    sequence raises its own error (damaged: PARLENS-E042); with it, that is left to the search itself.
    """
    if start is None and backend is not None:  # a caller who waits hears why the index cannot answer (E040/E042)
        last, applied = store.last_change_seq(), int(backend.last_applied_seq())
    else:
        last, applied = index_lag(store, backend)
    behind = applied is not None and applied < last
    if behind:
        if start is not None:
            start()
        else:
            sync(store, backend)
    return behind, applied


def reindex(store: Any, backend: SearchBackend | None = None, *, segmented: bool = False) -> int:
    """Rebuild the index from the whole store; returns the number of passages indexed.

    Works whatever state the index is in: a backend with a ``repair`` method (the embedded one) moves a
    damaged index aside first, or when the damage only shows while writing, and builds it again.
    """
    backend = backend or get_backend()
    seq = store.last_change_seq()  # read first: changes after it are replayed by the next sync
    try:
        return backend.rebuild(iter_store_passages(store, segmented=segmented), seq)
    except ParlensError as exc:
        # damage found only while writing: move the index aside and start again from an empty one
        if exc.code != "PARLENS-E042" or not hasattr(backend, "repair"):
            raise
        backend.repair()
        return backend.rebuild(iter_store_passages(store, segmented=segmented), seq)
