"""The ingest pipeline: hash -> read -> extract tasks -> link criteria -> one store transaction -> index sync.

A failing file never stops a batch and never leaves anything in the store; a failing index sync never loses
a stored document (the index catches up later from the store's change log).

>>> from parlens.store import Store
>>> outcome = ingest_path("/khong-co/ke-hoach.pdf", Store(":memory:"))
>>> (outcome.status, outcome.error_code)
('failed', 'PARLENS-E010')
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from parlens.errors import CATALOGUE, ParlensError
from parlens.model import CriterionLink, Document, Task
from parlens.settings import get_settings
from parlens.store import ReplaceOutcome, Store, duplicates

log = logging.getLogger(__name__)

Status = Literal["ingested", "duplicate", "failed"]


@dataclass
class IngestOutcome:
    """What happened to one file of a batch."""

    path: Path
    status: Status
    doc_id: int | None = None
    error_code: str | None = None
    message: str = ""  # what the CLI prints: the error's title and detail, or what happened
    detail: str = ""  # a failure's detail alone (the API shows it beside the title)
    tasks: int = 0
    seconds: float = 0.0
    hint: str = ""
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: read, extract, link, store, index
    warnings: list[str] = field(default_factory=list)  # the stored document's warnings, each starting with its code
    duplicate_of: dict[str, Any] | None = None  # {id, title, tasks}: the stored document these bytes or this text repeat


@dataclass(frozen=True)
class Stages:
    """The stage callables the pipeline runs; ``None`` means the stage is skipped.

    ``read_bytes(data, name) -> Document``; ``extract(doc, ref_date=...) -> [Task]``;
    ``link_tasks(tasks, doc)`` fills ``task.criteria``; ``link_document(doc, tasks) -> [CriterionLink]``;
    ``sync_index(store)`` catches the search index up with the store.
    """

    read_bytes: Callable[[bytes, str], Document] | None
    extract: Callable[..., list[Task]] | None = None
    link_tasks: Callable[[list[Task], Document], Any] | None = None
    link_document: Callable[[Document, list[Task]], list[CriterionLink]] | None = None
    sync_index: Callable[[Store], Any] | None = None


@lru_cache(maxsize=1)
def resolve_stages() -> Stages:
    """The project's stages, imported once (the heavy objects behind them load lazily on first use)."""
    from parlens.ingest import read_bytes
    from parlens.search_index import sync
    from parlens.task_extraction.criteria.linker import link_document, link_tasks
    from parlens.task_extraction.extract import extract_tasks

    return Stages(
        read_bytes=read_bytes,
        extract=extract_tasks,
        link_tasks=link_tasks,
        link_document=link_document,
        sync_index=sync,
    )


def expand_paths(paths: Iterable[str | Path], recursive: bool = False, skipped_dirs: list[Path] | None = None) -> list[Path]:
    """Files named by ``paths``: files as given, folders expanded (sorted, hidden entries skipped).

    Without ``recursive`` only a folder's own files are taken; its sub-folders are appended to
    ``skipped_dirs`` when given. Paths that do not exist are kept, so the batch reports them.
    """
    files: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve() if path.exists() else path.absolute()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            add(path)
            continue
        entries = path.rglob("*") if recursive else path.iterdir()
        for entry in sorted(entries):
            relative = entry.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if entry.is_file():
                add(entry)
            elif entry.is_dir() and not recursive and skipped_dirs is not None:
                skipped_dirs.append(entry)
    return files


def _read_original(path: Path) -> bytes:
    settings = get_settings()
    try:
        if not path.is_file():
            raise ParlensError("PARLENS-E010", f"{path}: no such file")
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise ParlensError("PARLENS-E004", f"{path.name} has {size:,} bytes, the limit is {settings.max_file_bytes:,}")
        return path.read_bytes()
    except OSError as exc:
        raise ParlensError("PARLENS-E010", f"{path}: {exc.strerror or exc}") from exc


def ingest_path(
    path: str | Path,
    store: Store,
    *,
    ref_date: date | None = None,
    stages: Stages | None = None,
    sync: bool = True,
) -> IngestOutcome:
    """Ingest one file; never raises for bad input (the outcome says ``failed`` with a PARLENS code).

    The original is hashed first: bytes already stored are reported as a duplicate without being read again.
    Tasks are extracted with ``ref_date`` or, when not given, the document's issue date.
    """
    path = Path(path)
    began = time.perf_counter()
    try:
        data = _read_original(path)
    except ParlensError as exc:
        return _failed(path, exc, began)
    return _ingest(data, path, store, ref_date=ref_date, stages=stages, sync=sync, began=began)


def ingest_bytes(
    data: bytes,
    name: str,
    store: Store,
    *,
    ref_date: date | None = None,
    stages: Stages | None = None,
    sync: bool = True,
) -> IngestOutcome:
    """Ingest uploaded content ``data`` under the file name ``name``, exactly as ``ingest_path`` does a file.

    Only the last component of ``name`` is kept ("../x/ke-hoach.pdf" is stored as "ke-hoach.pdf").
    """
    began = time.perf_counter()
    path = Path(Path(name.replace("\\", "/")).name or "upload")
    limit = get_settings().max_file_bytes
    if len(data) > limit:
        return _failed(path, ParlensError("PARLENS-E004", f"{path.name} has {len(data):,} bytes, the limit is {limit:,}"), began)
    return _ingest(data, path, store, ref_date=ref_date, stages=stages, sync=sync, began=began)


def _failed(path: Path, exc: ParlensError, began: float) -> IngestOutcome:
    message = f"{exc.title}: {exc.detail}" if exc.detail else exc.title
    return IngestOutcome(path, "failed", error_code=exc.code, message=message, detail=exc.detail, hint=exc.hint,
                         seconds=time.perf_counter() - began)


def _ingest(
    data: bytes, path: Path, store: Store, *, ref_date: date | None, stages: Stages | None, sync: bool, began: float
) -> IngestOutcome:
    def outcome(status: Status, **kw: Any) -> IngestOutcome:
        return IngestOutcome(path, status, seconds=time.perf_counter() - began, **kw)

    stages = stages or resolve_stages()
    try:
        existing = store.find_by_sha256(hashlib.sha256(data).hexdigest())
        if existing is not None:
            return _already_stored(store, existing, outcome)
        timings: dict[str, float] = {}
        doc_id, created, n_tasks, n_pages, warnings = _process(data, path, store, stages, ref_date, timings)
    except ParlensError as exc:
        return _failed(path, exc, began)
    except Exception as exc:  # a bug in a stage must not stop the batch; nothing was stored
        log.debug("unexpected failure on %s", path, exc_info=True)
        internal = CATALOGUE["PARLENS-E019"]
        detail = f"{type(exc).__name__}: {exc}"
        return outcome("failed", error_code=internal.code, message=detail, detail=detail, hint=internal.hint)
    if not created:  # the same bytes were stored meanwhile by another process
        return _already_stored(store, doc_id, outcome)
    copy = duplicates.copy_of(store, doc_id)
    if copy is not None:  # stored, but another file of a stored document: said at once, in every intake view
        warnings = [duplicates.warning_for(copy["id"], copy["reason"], copy["score"]), *warnings]
    if sync:
        clock = time.perf_counter()
        sync_index(store, stages)
        timings["index"] = time.perf_counter() - clock
    return outcome("ingested", doc_id=doc_id, tasks=n_tasks, pages=n_pages, timings=timings, message=f"ingested #{doc_id}",
                   warnings=warnings, duplicate_of=copy)


def _already_stored(store: Store, doc_id: int, outcome: Callable[..., IngestOutcome]) -> IngestOutcome:
    """The answer for bytes stored before: the stored document with its real task count."""
    existing = duplicates.brief(store, doc_id)
    return outcome("duplicate", doc_id=doc_id, tasks=existing["tasks"], duplicate_of=existing,
                   message=f"duplicate of #{doc_id}")


def _process(
    data: bytes, path: Path, store: Store, stages: Stages, ref_date: date | None, timings: dict[str, float]
) -> tuple[int, bool, int, int, list[str]]:
    if stages.read_bytes is None:
        raise RuntimeError("no reader: parlens.ingest.read_bytes is not available")
    clock = time.perf_counter()
    doc = stages.read_bytes(data, path.name)
    timings["read"] = time.perf_counter() - clock
    if not doc.source_name:
        doc.source_name = path.name
    tasks, doc_criteria = extract_and_link(doc, stages, ref_date, timings)
    clock = time.perf_counter()
    doc_id, created = store.add_document(doc, data, tasks, doc_criteria)
    timings["store"] = time.perf_counter() - clock
    return doc_id, created, len(tasks), len(doc.pages) or 1, list(doc.warnings)


def extract_and_link(
    doc: Document, stages: Stages, ref_date: date | None = None, timings: dict[str, float] | None = None
) -> tuple[list[Task], list[CriterionLink]]:
    """Run the extractor and the criteria linker on a read document (skipping absent stages)."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    tasks: list[Task] = []
    if stages.extract is not None:
        tasks = list(stages.extract(doc, ref_date=ref_date or doc.metadata.issued_on))
    timings["extract"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if stages.link_tasks is not None and tasks:
        stages.link_tasks(tasks, doc)
    doc_criteria: list[CriterionLink] = []
    if stages.link_document is not None:
        doc_criteria = list(stages.link_document(doc, tasks) or [])
    timings["link"] = time.perf_counter() - clock
    return tasks, doc_criteria


def reextract(
    store: Store,
    doc_ids: Iterable[int] | None = None,
    *,
    ref_date: date | None = None,
    stages: Stages | None = None,
    sync: bool = True,
) -> dict[int, ReplaceOutcome]:
    """Re-run extraction and linking on stored documents (all when ``doc_ids`` is None); id -> what changed.

    Each document's machine tasks and criteria are refreshed in one transaction with a change recorded, so the
    index follows; rows a person touched (corrected, added, deleted, given a status or evidence) are kept and
    counted in ``kept``. An unknown id raises PARLENS-E020 before anything is replaced.
    """
    stages = stages or resolve_stages()
    known = store.document_ids()
    ids = known if doc_ids is None else list(doc_ids)
    missing = sorted(set(ids) - set(known))
    if missing:
        raise ParlensError("PARLENS-E020", "no document " + ", ".join(f"#{i}" for i in missing))
    counts: dict[int, ReplaceOutcome] = {}
    for doc_id in ids:
        doc = store.get_document(doc_id).document
        tasks, doc_criteria = extract_and_link(doc, stages, ref_date)
        counts[doc_id] = store.replace_tasks(doc_id, tasks, doc_criteria)
    if sync and counts:
        sync_index(store, stages)
    return counts


def sync_index(store: Store, stages: Stages | None = None) -> str | None:
    """Catch the search index up with the store; return the problem as text instead of raising.

    A failure here loses nothing: the store keeps the document and its change, and the next sync applies it.
    """
    stages = stages or resolve_stages()
    if stages.sync_index is None:
        return None
    try:
        stages.sync_index(store)
    except Exception as exc:
        log.warning("search index not updated (it will catch up from the change log): %s", exc)
        return str(exc) or type(exc).__name__
    return None


def iter_ingest(
    files: Sequence[Path], store: Store, *, ref_date: date | None = None, stages: Stages | None = None
) -> Iterator[IngestOutcome]:
    """Ingest files one by one, yielding each outcome; the index is not synced here."""
    stages = stages or resolve_stages()
    for path in files:
        yield ingest_path(path, store, ref_date=ref_date, stages=stages, sync=False)


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    recursive: bool = False,
    ref_date: date | None = None,
    stages: Stages | None = None,
    sync: bool = True,
) -> list[IngestOutcome]:
    """Ingest files and folders, going on after failures; sync the index once at the end.

    >>> from parlens.store import Store
    >>> [o.status for o in ingest_paths([], Store(":memory:"))]
    []
    """
    stages = stages or resolve_stages()
    outcomes = list(iter_ingest(expand_paths(paths, recursive), store, ref_date=ref_date, stages=stages))
    if sync and any(o.status == "ingested" for o in outcomes):
        sync_index(store, stages)
    return outcomes
