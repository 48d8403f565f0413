"""The SQLite store, the system of record: documents, blocks, original bytes, tasks, criteria links, changes.

Every write that changes a document is one transaction that also appends a ``changes`` row, so the search
index can catch up from ``changes_since(seq)`` and a failure or a kill mid-write leaves nothing behind.

>>> store = Store(":memory:")
>>> store.last_change_seq()
0
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from parlens.errors import ParlensError
from parlens.model import (
    Block,
    CriterionLink,
    Deadline,
    Document,
    DocumentMetadata,
    PageInfo,
    TableCell,
    Task,
)
from parlens.nlp.agencies import canonical_agency_name
from parlens.nlp.normalize import fold
from parlens.store import duplicates
from parlens.store.migrate import apply_migrations
from parlens.tracking.status import DEFAULT_STATUS, current_occurrence, timeliness


@dataclass
class StoredDocument:
    """A document as kept in the store, with its id, ingest time and document-level criteria."""

    id: int
    document: Document
    ingested_at: str
    criteria: list[CriterionLink]
    task_count: int
    duplicate_of: int | None = None  # the primary this document is a probable copy of (its tasks do not count)
    duplicate_reason: str | None = None  # "number", "text" or "person"


@dataclass
class DocumentSummary:
    """One row of ``list_documents``: enough to list and pick a document."""

    id: int
    doc_type: str | None
    number: str | None
    issued_on: date | None
    title: str | None
    subject: str | None
    issuer: str | None
    source_name: str
    media_type: str
    ingested_at: str
    task_count: int
    duplicate_of: int | None = None


@dataclass
class StoredTask:
    """A stored task with its id and the title/number/date of the document it came from."""

    id: int
    document_id: int
    task: Task
    document_title: str | None
    document_number: str | None
    document_issued_on: date | None
    document_type: str | None = None
    document_issuer: str | None = None
    document_province: str | None = None
    status: str = DEFAULT_STATUS
    completed_on: date | None = None
    assignee: str | None = None
    note: str | None = None
    origin: str = "machine"  # "machine" | "human"
    edited: bool = False  # a person corrected agency, role, task, deadline or criteria
    due: date | None = None  # the due date shown: the task's own, or the current occurrence of a recurring duty
    timeliness: str | None = None  # on the reference date the query used (tracking.status.TIMELINESS)
    updated_at: str | None = None

    @property
    def recurring(self) -> bool:
        return bool(self.task.deadline and self.task.deadline.recurrence)


@dataclass
class ReplaceOutcome:
    """What re-extraction did to one document's tasks."""

    kept: int = 0  # rows a person touched (edited, added, deleted, given a status or evidence): left as they are
    updated: int = 0  # untouched machine rows extracted again: refreshed in place, same id
    added: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.kept + self.updated + self.added


@dataclass
class Change:
    """One entry of the change log: a document was upserted or deleted."""

    seq: int
    document_id: int
    op: str  # "upsert" | "delete"
    at: str


_META_COLUMNS = (
    "title", "doc_type", "number", "issuer", "issuer_parent", "issuer_code", "place", "issued_on", "subject",
    "recipients", "signer", "signer_title", "publisher", "source_url", "province",
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _is_disk_full(exc: BaseException) -> bool:
    """Whether SQLite (or the OS) said the disk or the database is full."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "disk is full" in str(exc) or "No space left" in str(exc)


def _fold(value: str | None) -> str:
    return fold(value) if value else ""


class Store:
    """SQLite in WAL mode; safe to share between threads (one connection guarded by a lock).

    ``add_document`` is idempotent on the original's SHA-256: the same bytes again return the existing id.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self._lock = threading.RLock()
        self._signatures_backfilled = False
        try:
            self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30.0)
        except sqlite3.Error as exc:
            raise ParlensError("PARLENS-E022", f"{path}: {exc}") from exc
        try:
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA busy_timeout = 30000")
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk when it returns (NORMAL in WAL mode may lose the last commits on
            # power loss), so an upload the service acknowledged is never lost.
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.create_function("pl_fold", 1, _fold, deterministic=True)
            self.schema_version = apply_migrations(self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise ParlensError("PARLENS-E022", f"{path}: {exc}") from exc
        except BaseException:
            self._conn.close()
            raise

    # -- plumbing -----------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); rolled back on any exception.

        A full disk raises PARLENS-E023 with nothing written (SQLite may already have rolled back by itself,
        so the rollback here only runs while a transaction is still open).
        """
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                if _is_disk_full(exc):
                    raise ParlensError("PARLENS-E023", f"{self.path or 'store'}: {exc}") from exc
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- writes -------------------------------------------------------------------------------------

    def find_by_sha256(self, sha256: str) -> int | None:
        """The id of the document whose original has this hash, if stored."""
        rows = self._query("SELECT id FROM documents WHERE sha256 = ?", (sha256,))
        return rows[0]["id"] if rows else None

    def add_document(
        self,
        doc: Document,
        original: bytes,
        tasks: Iterable[Task] = (),
        doc_criteria: Iterable[CriterionLink] = (),
    ) -> tuple[int, bool]:
        """Store a document with its original bytes, tasks and criteria in one transaction.

        Returns ``(doc_id, True)``, or ``(existing_id, False)`` without writing when the same bytes are stored.
        A probable copy of a stored document (other bytes, same document: see :mod:`parlens.store.duplicates`)
        is stored pointing at its primary, and its tasks are left out of every count and list.
        """
        sha256 = hashlib.sha256(original).hexdigest()
        doc.sha256 = sha256
        doc.size = len(original)
        tasks = list(tasks)
        doc_criteria = list(doc_criteria)
        signature = duplicates.text_signature(doc.text)
        if not self._signatures_backfilled:
            duplicates.backfill_signatures(self)
            self._signatures_backfilled = True
        with self.transaction() as conn:
            existing = conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if existing:
                return existing["id"], False
            conn.execute(
                "INSERT INTO files (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                (sha256, len(original), original),
            )
            match = duplicates.find_duplicate(conn, doc, signature)
            doc_id = self._insert_document(conn, doc)
            duplicates.write_signature(conn, doc_id, signature)
            if match is not None:
                conn.execute("UPDATE documents SET duplicate_of = ?, duplicate_reason = ?, duplicate_score = ? WHERE id = ?",
                             (match.document_id, match.reason, match.score, doc_id))
            self._insert_blocks(conn, doc_id, doc.blocks)
            self._insert_tasks(conn, doc_id, tasks)
            self._insert_doc_criteria(conn, doc_id, doc_criteria)
            self._record_change(conn, doc_id, "upsert")
        return doc_id, True

    def replace_tasks(
        self, doc_id: int, tasks: Iterable[Task], doc_criteria: Iterable[CriterionLink] = ()
    ) -> ReplaceOutcome:
        """Re-extraction: refresh the machine's tasks of a document, keeping every row a person touched.

        A row a person added, corrected, deleted (its tombstone), gave a status, assignee, note, occurrence or
        evidence is kept as it is, and a newly extracted task with the same machine key (span, role and
        agency as first extracted) is not added beside it. Untouched machine rows found again keep their id
        and are refreshed; the others are removed. The document's criteria links are replaced. One
        transaction, one change recorded.
        """
        tasks = list(tasks)
        doc_criteria = list(doc_criteria)
        outcome = ReplaceOutcome()
        with self.transaction() as conn:
            self._require(conn, doc_id)
            touched_keys: set[str] = set()
            untouched: dict[str, list[int]] = {}
            for row in conn.execute(
                f"SELECT t.id, t.machine_key, {_TOUCHED} AS touched FROM tasks t WHERE t.document_id = ? ORDER BY t.seq",
                (doc_id,),
            ).fetchall():
                if row["touched"]:
                    outcome.kept += 1
                    if row["machine_key"]:
                        touched_keys.add(row["machine_key"])
                else:
                    untouched.setdefault(row["machine_key"] or "", []).append(row["id"])
            next_seq = 1_000_000 + len(tasks)  # temporary, above any seq in use; renumbered below
            for t in tasks:
                key = machine_key(t)
                if key in touched_keys:
                    continue
                same = untouched.get(key)
                if same:
                    self._refresh_task(conn, same.pop(0), t)
                    outcome.updated += 1
                else:
                    self._insert_task(conn, doc_id, next_seq, t)
                    next_seq += 1
                    outcome.added += 1
            stale = [task_id for ids in untouched.values() for task_id in ids]
            conn.executemany("DELETE FROM tasks WHERE id = ?", [(task_id,) for task_id in stale])
            outcome.removed = len(stale)
            self._renumber(conn, doc_id)
            conn.execute("DELETE FROM document_criteria WHERE document_id = ?", (doc_id,))
            self._insert_doc_criteria(conn, doc_id, doc_criteria)
            self._record_change(conn, doc_id, "upsert")
        return outcome

    def _renumber(self, conn: sqlite3.Connection, doc_id: int) -> None:
        """Give a document's tasks seq 0..n-1 in reading order (rows without a source span last)."""
        ids = [r["id"] for r in conn.execute(
            'SELECT id FROM tasks WHERE document_id = ? ORDER BY start = "end", start, seq, id', (doc_id,)
        )]
        conn.execute("UPDATE tasks SET seq = -1 - seq WHERE document_id = ?", (doc_id,))
        conn.executemany("UPDATE tasks SET seq = ? WHERE id = ?", [(n, task_id) for n, task_id in enumerate(ids)])

    def delete_document(self, doc_id: int) -> None:
        """Delete a document with its blocks, tasks and links; drop its original when no other document uses it."""
        with self.transaction() as conn:
            sha256 = self._require(conn, doc_id)["sha256"]
            evidence_files = [r[0] for r in conn.execute(
                "SELECT DISTINCT e.file_sha256 FROM evidence e JOIN tasks t ON t.id = e.task_id "
                "WHERE t.document_id = ? AND e.file_sha256 IS NOT NULL", (doc_id,))]
            heir = duplicates.promote_copies(conn, doc_id)
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            if heir is not None:  # the first copy counts now: the index takes it in
                self._record_change(conn, heir, "upsert")
            for digest in [sha256, *evidence_files]:
                drop_unused_file(conn, digest)
            self._record_change(conn, doc_id, "delete")

    def _require(self, conn: sqlite3.Connection, doc_id: int) -> sqlite3.Row:
        row = conn.execute("SELECT id, sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise ParlensError("PARLENS-E020", f"no document #{doc_id}")
        return row

    def _insert_document(self, conn: sqlite3.Connection, doc: Document) -> int:
        meta = doc.metadata
        values: dict[str, Any] = {name: getattr(meta, name) for name in _META_COLUMNS}
        values["issued_on"] = _iso(meta.issued_on)
        values["recipients"] = json.dumps(list(meta.recipients), ensure_ascii=False)
        values.update(
            sha256=doc.sha256,
            source_name=doc.source_name,
            media_type=doc.media_type,
            text=doc.text,
            pages=json.dumps([asdict(p) for p in doc.pages], ensure_ascii=False),
            headers=json.dumps(list(doc.headers), ensure_ascii=False),
            warnings=json.dumps(list(doc.warnings), ensure_ascii=False),
            ingested_at=_now(),
        )
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = conn.execute(f"INSERT INTO documents ({columns}) VALUES ({marks})", tuple(values.values()))
        return int(cursor.lastrowid)

    def _insert_blocks(self, conn: sqlite3.Connection, doc_id: int, blocks: Sequence[Block]) -> None:
        conn.executemany(
            'INSERT INTO blocks (document_id, seq, kind, text, start, "end", page, level, numbering, rows, style) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id, seq, b.kind, b.text, b.start, b.end, b.page, b.level, b.numbering,
                    json.dumps([[asdict(c) for c in row] for row in b.rows], ensure_ascii=False)
                    if b.rows is not None else None,
                    b.style,
                )
                for seq, b in enumerate(blocks)
            ],
        )

    def _insert_tasks(self, conn: sqlite3.Connection, doc_id: int, tasks: Sequence[Task]) -> None:
        for seq, t in enumerate(tasks):
            self._insert_task(conn, doc_id, seq, t)

    def _insert_task(self, conn: sqlite3.Connection, doc_id: int, seq: int, t: Task, origin: str = "machine") -> int:
        """Insert one task row with its criteria links; a machine row records its machine key."""
        values = _task_values(t)
        columns = ", ".join(f'"{c}"' for c in values)
        cursor = conn.execute(
            f'INSERT INTO tasks (document_id, seq, origin, machine_key, updated_at, {columns}) '
            f"VALUES (?, ?, ?, ?, ?, {', '.join('?' for _ in values)})",
            (doc_id, seq, origin, machine_key(t) if origin == "machine" else None, _now(), *values.values()),
        )
        task_id = int(cursor.lastrowid)
        self._insert_task_criteria(conn, task_id, t.criteria)
        return task_id

    def _refresh_task(self, conn: sqlite3.Connection, task_id: int, t: Task) -> None:
        """Overwrite an untouched machine row with a new extraction of the same task (same id)."""
        values = _task_values(t)
        sets = ", ".join(f'"{c}" = ?' for c in values)
        conn.execute(f"UPDATE tasks SET {sets} WHERE id = ?", (*values.values(), task_id))
        conn.execute("DELETE FROM task_criteria WHERE task_id = ?", (task_id,))
        self._insert_task_criteria(conn, task_id, t.criteria)

    def _insert_task_criteria(self, conn: sqlite3.Connection, task_id: int, links: Iterable[CriterionLink]) -> None:
        conn.executemany(
            "INSERT INTO task_criteria (task_id, code, name, score, explanation) VALUES (?, ?, ?, ?, ?)",
            [(task_id, c.code, c.name, float(c.score), c.explanation) for c in _unique_codes(links)],
        )

    def _insert_doc_criteria(self, conn: sqlite3.Connection, doc_id: int, links: Sequence[CriterionLink]) -> None:
        conn.executemany(
            "INSERT INTO document_criteria (document_id, code, name, score, explanation) VALUES (?, ?, ?, ?, ?)",
            [(doc_id, c.code, c.name, float(c.score), c.explanation) for c in _unique_codes(links)],
        )

    def _record_change(self, conn: sqlite3.Connection, doc_id: int, op: str) -> None:
        conn.execute("INSERT INTO changes (document_id, op, at) VALUES (?, ?, ?)", (doc_id, op, _now()))

    # -- reads --------------------------------------------------------------------------------------

    def get_document(self, doc_id: int) -> StoredDocument:
        """The stored document with metadata, blocks and pages; PARLENS-E020 when the id is unknown."""
        with self._lock:
            row = self._conn.execute(
                "SELECT d.*, f.size AS file_size, (SELECT count(*) FROM tasks t WHERE t.document_id = d.id "
                "AND t.deleted_at IS NULL) AS n_tasks FROM documents d LEFT JOIN files f ON f.sha256 = d.sha256 WHERE d.id = ?",
                (doc_id,),
            ).fetchone()
            if row is None:
                raise ParlensError("PARLENS-E020", f"no document #{doc_id}")
            block_rows = self._conn.execute(
                "SELECT * FROM blocks WHERE document_id = ? ORDER BY seq", (doc_id,)
            ).fetchall()
            crit_rows = self._conn.execute(
                "SELECT code, name, score, explanation FROM document_criteria WHERE document_id = ? "
                "ORDER BY score DESC, code",
                (doc_id,),
            ).fetchall()
        metadata = DocumentMetadata(
            **{name: row[name] for name in _META_COLUMNS if name not in ("issued_on", "recipients")},
            issued_on=_date(row["issued_on"]),
            recipients=json.loads(row["recipients"]),
        )
        document = Document(
            text=row["text"],
            blocks=[_block(b) for b in block_rows],
            metadata=metadata,
            source_name=row["source_name"],
            media_type=row["media_type"],
            sha256=row["sha256"],
            size=row["file_size"] or 0,
            pages=[PageInfo(**p) for p in json.loads(row["pages"])],
            headers=json.loads(row["headers"]),
            warnings=json.loads(row["warnings"]),
        )
        if row["duplicate_of"] is not None:
            document.warnings.insert(0, duplicates.warning_for(row["duplicate_of"], row["duplicate_reason"],
                                                               row["duplicate_score"]))
        return StoredDocument(
            id=row["id"],
            document=document,
            ingested_at=row["ingested_at"],
            criteria=[CriterionLink(c["code"], c["name"], c["score"], c["explanation"]) for c in crit_rows],
            task_count=row["n_tasks"],
            duplicate_of=row["duplicate_of"],
            duplicate_reason=row["duplicate_reason"],
        )

    def list_documents(
        self,
        *,
        doc_type: str | None = None,
        issuer: str | None = None,
        year: int | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[DocumentSummary]]:
        """Documents matching the filters, newest issue date first: ``(total, rows)``.

        ``doc_type`` matches the type ignoring case and accents; ``issuer`` and ``query`` (on title, number
        and subject) match a part of the field ignoring case and accents ("ke hoach" finds "Kế hoạch").
        """
        where: list[str] = []
        params: list[Any] = []
        if doc_type:
            where.append("pl_fold(d.doc_type) = pl_fold(?)")
            params.append(doc_type)
        if issuer:
            where.append("(instr(pl_fold(d.issuer), pl_fold(?)) > 0 OR instr(pl_fold(d.issuer_parent), pl_fold(?)) > 0)")
            params += [issuer, issuer]
        if year is not None:
            where.append("substr(d.issued_on, 1, 4) = ?")
            params.append(f"{int(year):04d}")
        if query:
            where.append(
                "instr(pl_fold(coalesce(d.title, '') || ' ' || coalesce(d.number, '') || ' ' || coalesce(d.subject, '')"
                " || ' ' || d.source_name), pl_fold(?)) > 0"
            )
            params.append(query)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            total = self._conn.execute(f"SELECT count(*) FROM documents d {clause}", params).fetchone()[0]
            rows = self._conn.execute(
                "SELECT d.id, d.doc_type, d.number, d.issued_on, d.title, d.subject, d.issuer, d.source_name, "
                "d.media_type, d.ingested_at, d.duplicate_of, (SELECT count(*) FROM tasks t WHERE t.document_id = d.id "
                "AND t.deleted_at IS NULL) AS n_tasks "
                f"FROM documents d {clause} ORDER BY d.issued_on IS NULL, d.issued_on DESC, d.id DESC "
                "LIMIT ? OFFSET ?",
                [*params, int(limit), int(offset)],
            ).fetchall()
        return total, [
            DocumentSummary(
                id=r["id"], doc_type=r["doc_type"], number=r["number"], issued_on=_date(r["issued_on"]),
                title=r["title"], subject=r["subject"], issuer=r["issuer"], source_name=r["source_name"],
                media_type=r["media_type"], ingested_at=r["ingested_at"], task_count=r["n_tasks"],
                duplicate_of=r["duplicate_of"],
            )
            for r in rows
        ]

    def get_tasks(
        self,
        document_id: int | None = None,
        agency_id: str | None = None,
        role: str | None = None,
        criterion: str | None = None,
        due_before: date | None = None,
        due_after: date | None = None,
        recurring: bool | None = None,
        *,
        status: str | None = None,
        timeliness: str | None = None,
        on: date | None = None,
        province: str | None = None,
        issuer: str | None = None,
        year: int | None = None,
        task_ids: Sequence[int] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredTask]:
        """Tasks matching every given filter, in document then reading order, with criteria links and tracking.

        ``criterion`` matches a code and its sub-codes ("PAR.7" also finds "PAR.7.2"); ``due_before`` and
        ``due_after`` are inclusive and match the due date shown (a recurring duty's current occurrence);
        ``recurring`` selects tasks whose deadline repeats (or not); ``status`` and ``timeliness`` are codes of
        :mod:`parlens.tracking.status`, judged on ``on`` (today by default); ``province``, ``issuer`` (parts of
        the names, ignoring case and accents) and ``year`` (of the document's date) scope by the document.
        Deleted tasks never appear.
        """
        return self._select_tasks(
            _TaskQuery(document_id, agency_id, role, criterion, due_before, due_after, recurring, status, timeliness,
                       on, province, issuer, year, task_ids),
            limit, offset,
        )[1]

    def find_tasks(self, *args: Any, limit: int | None = None, offset: int = 0, **kwargs: Any) -> tuple[int, list[StoredTask]]:
        """``(total, page)`` for the filters of ``get_tasks`` in one pass (a list page and its count)."""
        query = _TaskQuery(*args, **kwargs)
        if query.needs_tracking:
            return self._select_tasks(query, limit, offset)
        return self.count_tasks(*args, **kwargs), self._select_tasks(query, limit, offset)[1]

    def count_tasks(self, *args: Any, **kwargs: Any) -> int:
        """How many tasks ``get_tasks`` would return for these filters without a limit."""
        kwargs.pop("limit", None)
        kwargs.pop("offset", None)
        query = _TaskQuery(*args, **kwargs)
        if query.needs_tracking:
            return self._select_tasks(query, None, 0)[0]
        clause, params = query.where()
        return self._query(f"SELECT count(*) AS n FROM tasks t JOIN documents d ON d.id = t.document_id {clause}",
                           params)[0]["n"]

    def _select_tasks(self, query: _TaskQuery, limit: int | None, offset: int) -> tuple[int, list[StoredTask]]:
        """``(total, page)``: SQL filters and paging; with tracking filters, a light pass over the tracking
        columns picks the matching ids first, and only the page is read in full."""
        clause, params = query.where()
        on = query.on or date.today()
        if query.needs_tracking:
            with self._lock:
                light = self._conn.execute(
                    "SELECT t.id, t.recurrence, t.due, t.status, t.completed_on, t.note, d.issued_on AS d_issued_on, "
                    f"d.ingested_at AS d_ingested_at FROM tasks t JOIN documents d ON d.id = t.document_id {clause} "
                    "ORDER BY t.document_id, t.seq",
                    params,
                ).fetchall()
                occurrences = self._occurrences_for([r["id"] for r in light if r["recurrence"] != "[]"])
            matching = [r["id"] for r in light if query.keeps(_tracking_state(r, occurrences.get(r["id"], {}), on))]
            page = matching if limit is None else matching[int(offset): int(offset) + int(limit)]
            if not page:
                return len(matching), []
            return len(matching), self._select_tasks(_TaskQuery(task_ids=page, on=on), None, 0)[1]
        paging = ""
        if limit is not None:
            paging = " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        with self._lock:
            rows = self._conn.execute(
                "SELECT t.*, d.title AS d_title, d.number AS d_number, d.issued_on AS d_issued_on, d.doc_type AS d_type, "
                "d.issuer AS d_issuer, d.province AS d_province, d.ingested_at AS d_ingested_at "
                f"FROM tasks t JOIN documents d ON d.id = t.document_id {clause} ORDER BY t.document_id, t.seq{paging}",
                params,
            ).fetchall()
            ids = [r["id"] for r in rows]
            links = self._criteria_for(ids)
            occurrences = self._occurrences_for([r["id"] for r in rows if r["recurrence"] != "[]"])
        stored = [_stored_task(r, links.get(r["id"], []), occurrences.get(r["id"], {}), on) for r in rows]
        return len(stored), stored

    def _occurrences_for(self, task_ids: list[int]) -> dict[int, dict[date, sqlite3.Row]]:
        found: dict[int, dict[date, sqlite3.Row]] = {}
        for i in range(0, len(task_ids), 500):
            chunk = task_ids[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            for r in self._conn.execute(f"SELECT * FROM task_occurrences WHERE task_id IN ({marks})", chunk):
                found.setdefault(r["task_id"], {})[date.fromisoformat(r["due"])] = r
        return found

    def agency_task_counts(self) -> list[tuple[str, str, int]]:
        """``(agency_id, name, tasks)`` for every resolved agency holding tasks, most tasks first.

        One row per agency id under its canonical name (``nlp.agencies.canonical_agency_names``), however its
        tasks' names were stored ("Ủy ban nhân dân phường, xã, đặc khu", "… các xã, phường": one row).
        """
        from parlens.nlp.agencies import canonical_agency_names

        rows = self._query(
            "SELECT agency_id, COALESCE(agency_name, agency) AS name, count(*) AS n FROM tasks "
            "WHERE agency_id IS NOT NULL AND deleted_at IS NULL AND document_id NOT IN "
            "(SELECT id FROM documents WHERE duplicate_of IS NOT NULL) GROUP BY agency_id, name"
        )
        names = canonical_agency_names((r["agency_id"], r["name"]) for r in rows for _ in range(r["n"]))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["agency_id"]] = counts.get(r["agency_id"], 0) + r["n"]
        return sorted(((aid, names[aid], n) for aid, n in counts.items()), key=lambda row: (-row[2], row[1]))

    def criterion_task_counts(self) -> dict[str, int]:
        """Tasks per criterion code, a task counted once under each code it links to and each ancestor."""
        codes_by_task: dict[int, set[str]] = {}
        for r in self._query("SELECT c.task_id, c.code FROM task_criteria c JOIN tasks t ON t.id = c.task_id "
                             "JOIN documents d ON d.id = t.document_id WHERE t.deleted_at IS NULL AND d.duplicate_of IS NULL"):
            parts = r["code"].split(".")
            codes_by_task.setdefault(r["task_id"], set()).update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        counts: dict[str, int] = {}
        for codes in codes_by_task.values():
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
        return counts

    def _criteria_for(self, task_ids: list[int]) -> dict[int, list[CriterionLink]]:
        found: dict[int, list[CriterionLink]] = {}
        for i in range(0, len(task_ids), 500):
            chunk = task_ids[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            for c in self._conn.execute(
                f"SELECT task_id, code, name, score, explanation FROM task_criteria WHERE task_id IN ({marks}) "
                "ORDER BY task_id, score DESC, code",
                chunk,
            ):
                found.setdefault(c["task_id"], []).append(CriterionLink(c["code"], c["name"], c["score"], c["explanation"]))
        return found

    def get_original(self, doc_id: int) -> tuple[bytes, str, str]:
        """The original file: ``(bytes, media_type, source_name)``; PARLENS-E020 when the id is unknown."""
        rows = self._query(
            "SELECT f.data, d.media_type, d.source_name FROM documents d JOIN files f ON f.sha256 = d.sha256 WHERE d.id = ?",
            (doc_id,),
        )
        if not rows:
            raise ParlensError("PARLENS-E020", f"no document #{doc_id}")
        return bytes(rows[0]["data"]), rows[0]["media_type"], rows[0]["source_name"]

    def document_ids(self) -> list[int]:
        """Every stored document id in ascending order (for rebuilding projections)."""
        return [r["id"] for r in self._query("SELECT id FROM documents ORDER BY id")]

    def changes_since(self, seq: int, limit: int | None = None) -> list[Change]:
        """Changes with a sequence number above ``seq``, oldest first."""
        sql = "SELECT seq, document_id, op, at FROM changes WHERE seq > ? ORDER BY seq"
        params: list[Any] = [seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [Change(r["seq"], r["document_id"], r["op"], r["at"]) for r in self._query(sql, params)]

    def stats(self) -> dict[str, Any]:
        """Counts for a status page: documents, tasks, originals' bytes, schema version, last change."""
        row = self._query(
            "SELECT (SELECT count(*) FROM documents) AS documents, "
            "(SELECT count(*) FROM tasks t JOIN documents d ON d.id = t.document_id "
            "WHERE t.deleted_at IS NULL AND d.duplicate_of IS NULL) AS tasks, "
            "(SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL) AS duplicates, "
            "(SELECT coalesce(sum(size), 0) FROM files) AS original_bytes, "
            "(SELECT coalesce(max(seq), 0) FROM changes) AS last_change_seq"
        )[0]
        return {**dict(row), "schema_version": self.schema_version, "path": str(self.path) if self.path else ":memory:"}

    def last_change_seq(self) -> int:
        """The newest change sequence number (0 when nothing was ever written)."""
        return self._query("SELECT coalesce(max(seq), 0) AS s FROM changes")[0]["s"]


# A row a person has touched: re-extraction leaves it as it is.
_TOUCHED = (
    "(t.origin = 'human' OR t.edited = 1 OR t.deleted_at IS NOT NULL OR t.status != 'chua_thuc_hien' "
    "OR t.completed_on IS NOT NULL OR t.assignee IS NOT NULL OR t.note IS NOT NULL "
    "OR EXISTS (SELECT 1 FROM task_occurrences o WHERE o.task_id = t.id) "
    "OR EXISTS (SELECT 1 FROM evidence e WHERE e.task_id = t.id))"
)


def machine_key(t: Task) -> str:
    """What identifies a machine-extracted task across re-extractions: span, role and agency as written."""
    return f"{t.start}:{t.end}:{t.role}:{t.agency}"


def _task_values(t: Task) -> dict[str, Any]:
    """The ``tasks`` columns holding a Task's extracted content (not its tracking state)."""
    d = t.deadline
    return {
        "agency": t.agency, "agency_id": t.agency_id, "agency_name": t.agency_name, "role": t.role, "task": t.task,
        "deadline_text": d.text if d else None, "due": _iso(d.due) if d else None,
        "recurrence": json.dumps(list(d.recurrence) if d else []), "within": d.within if d else None,
        "working_time": int(bool(d and d.working_time)), "deadline_start": d.start if d else None,
        "deadline_end": d.end if d else None, "start": t.start, "end": t.end, "page": t.page, "rule": t.rule,
    }


def drop_unused_file(conn: sqlite3.Connection, sha256: str) -> None:
    """Delete an original/evidence file no document and no evidence refers to any more."""
    conn.execute(
        "DELETE FROM files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?) "
        "AND NOT EXISTS (SELECT 1 FROM evidence WHERE file_sha256 = ?)",
        (sha256, sha256, sha256),
    )


@dataclass
class _TaskQuery:
    """The filters of ``get_tasks``/``count_tasks``: SQL for the stored columns, Python for tracking."""

    document_id: int | None = None
    agency_id: str | None = None
    role: str | None = None
    criterion: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    recurring: bool | None = None
    status: str | None = None
    timeliness: str | None = None
    on: date | None = None
    province: str | None = None
    issuer: str | None = None
    year: int | None = None
    task_ids: Sequence[int] | None = None

    @property
    def needs_tracking(self) -> bool:
        """Filters on the shown due date, status or timeliness depend on occurrences: judged after the query."""
        return any(v is not None for v in (self.due_before, self.due_after, self.status, self.timeliness))

    def keeps(self, st: StoredTask | _Tracking) -> bool:
        if self.status is not None and st.status != self.status:
            return False
        if self.timeliness is not None and st.timeliness != self.timeliness:
            return False
        if self.due_before is not None and (st.due is None or st.due > self.due_before):
            return False
        if self.due_after is not None and (st.due is None or st.due < self.due_after):
            return False
        return True

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause (on ``tasks t`` joined with ``documents d``) and its parameters."""
        where: list[str] = ["t.deleted_at IS NULL"]
        params: list[Any] = []
        if self.document_id is None and self.task_ids is None:  # a copy's tasks are counted once, under the primary
            where.append("d.duplicate_of IS NULL")
        if self.document_id is not None:
            where.append("t.document_id = ?")
            params.append(self.document_id)
        if self.task_ids is not None:
            where.append(f"t.id IN ({', '.join('?' for _ in self.task_ids) or 'NULL'})")
            params += [int(i) for i in self.task_ids]
        if self.agency_id:
            where.append("t.agency_id = ?")
            params.append(self.agency_id)
        if self.role:
            where.append("t.role = ?")
            params.append(self.role)
        if self.criterion:
            where.append(
                "EXISTS (SELECT 1 FROM task_criteria c WHERE c.task_id = t.id AND (c.code = ? OR c.code LIKE ? ESCAPE '\\'))"
            )
            escaped = self.criterion.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += [self.criterion, escaped + ".%"]
        if self.recurring is not None:
            where.append("t.recurrence != '[]'" if self.recurring else "t.recurrence = '[]'")
        if self.province:
            where.append("instr(pl_fold(d.province), pl_fold(?)) > 0")
            params.append(self.province)
        if self.issuer:
            where.append("(instr(pl_fold(d.issuer), pl_fold(?)) > 0 OR instr(pl_fold(d.issuer_parent), pl_fold(?)) > 0)")
            params += [self.issuer, self.issuer]
        if self.year is not None:
            where.append("substr(d.issued_on, 1, 4) = ?")
            params.append(f"{int(self.year):04d}")
        return "WHERE " + " AND ".join(where), params


def _unique_codes(links: Iterable[CriterionLink]) -> list[CriterionLink]:
    """Keep the best-scoring link per code (the tables key on code)."""
    best: dict[str, CriterionLink] = {}
    for link in links:
        if link.code not in best or link.score > best[link.code].score:
            best[link.code] = link
    return list(best.values())


def _block(row: sqlite3.Row) -> Block:
    rows = None
    if row["rows"] is not None:
        rows = [[TableCell(**cell) for cell in r] for r in json.loads(row["rows"])]
    return Block(
        kind=row["kind"], text=row["text"], start=row["start"], end=row["end"], page=row["page"],
        level=row["level"], numbering=row["numbering"], rows=rows, style=row["style"],
    )


@lru_cache(maxsize=65536)
def _canonical_name(agency_id: str | None, stored: str | None) -> str | None:
    """A stored task's body name as every list shows it (looked up once per id and stored name)."""
    return canonical_agency_name(agency_id, [stored]) or stored


def _task(row: sqlite3.Row, criteria: list[CriterionLink]) -> Task:
    deadline = None
    if row["deadline_text"] is not None:
        deadline = Deadline(
            text=row["deadline_text"], due=_date(row["due"]), recurrence=json.loads(row["recurrence"]),
            within=row["within"], working_time=bool(row["working_time"]),
            start=row["deadline_start"], end=row["deadline_end"],
        )
    return Task(
        agency=row["agency"], role=row["role"], task=row["task"], start=row["start"], end=row["end"],
        page=row["page"], agency_id=row["agency_id"], deadline=deadline, criteria=criteria, rule=row["rule"],
        # One body, one name, also for rows stored before the resolver named collectives canonically.
        agency_name=_canonical_name(row["agency_id"], row["agency_name"]),
    )


def _anchor(row: sqlite3.Row) -> date:
    """Where a recurring duty starts: the document's date, else the day it was taken in."""
    return _date(row["d_issued_on"]) or date.fromisoformat(row["d_ingested_at"][:10])


@dataclass(frozen=True)
class _Tracking:
    """A task's tracking state on a day: what ``_TaskQuery.keeps`` judges and a StoredTask shows."""

    status: str
    completed_on: date | None
    note: str | None
    due: date | None
    timeliness: str | None


def _tracking_state(row: sqlite3.Row, occurrences: dict[date, sqlite3.Row], on: date) -> _Tracking:
    """Status, completion, note, due date shown and timeliness on ``on``; a recurring duty shows its current
    occurrence (with that occurrence's status)."""
    status, completed_on, note, due = row["status"], _date(row["completed_on"]), row["note"], _date(row["due"])
    if row["recurrence"] != "[]":
        done = {d for d, occ in occurrences.items() if occ["status"] == "hoan_thanh"}
        due = current_occurrence(json.loads(row["recurrence"]), _anchor(row), on, done)
        occ = occurrences.get(due) if due else None
        status = occ["status"] if occ else DEFAULT_STATUS
        completed_on = _date(occ["completed_on"]) if occ else None
        note = (occ["note"] if occ and occ["note"] else None) or note
    return _Tracking(status, completed_on, note, due, timeliness(due, status, completed_on, on))


def _stored_task(row: sqlite3.Row, links: list[CriterionLink], occurrences: dict[date, sqlite3.Row], on: date) -> StoredTask:
    """A StoredTask with its tracking state on ``on``."""
    task = _task(row, links)
    state = _tracking_state(row, occurrences, on)
    status, completed_on, note, due = state.status, state.completed_on, state.note, state.due
    return StoredTask(
        id=row["id"], document_id=row["document_id"], task=task,
        document_title=row["d_title"], document_number=row["d_number"], document_issued_on=_date(row["d_issued_on"]),
        document_type=row["d_type"], document_issuer=row["d_issuer"], document_province=row["d_province"],
        status=status, completed_on=completed_on, assignee=row["assignee"], note=note, origin=row["origin"],
        edited=bool(row["edited"]), due=due, timeliness=state.timeliness,
        updated_at=row["updated_at"],
    )
