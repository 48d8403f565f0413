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
from parlens.nlp.normalize import fold
from parlens.store.migrate import apply_migrations


@dataclass
class StoredDocument:
    """A document as kept in the store, with its id, ingest time and document-level criteria."""

    id: int
    document: Document
    ingested_at: str
    criteria: list[CriterionLink]
    task_count: int


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
        """
        sha256 = hashlib.sha256(original).hexdigest()
        doc.sha256 = sha256
        doc.size = len(original)
        tasks = list(tasks)
        doc_criteria = list(doc_criteria)
        with self.transaction() as conn:
            existing = conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if existing:
                return existing["id"], False
            conn.execute(
                "INSERT INTO files (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                (sha256, len(original), original),
            )
            doc_id = self._insert_document(conn, doc)
            self._insert_blocks(conn, doc_id, doc.blocks)
            self._insert_tasks(conn, doc_id, tasks)
            self._insert_doc_criteria(conn, doc_id, doc_criteria)
            self._record_change(conn, doc_id, "upsert")
        return doc_id, True

    def replace_tasks(self, doc_id: int, tasks: Iterable[Task], doc_criteria: Iterable[CriterionLink] = ()) -> None:
        """Replace a document's tasks and criteria links (re-extraction) and record the change."""
        tasks = list(tasks)
        doc_criteria = list(doc_criteria)
        with self.transaction() as conn:
            self._require(conn, doc_id)
            conn.execute("DELETE FROM tasks WHERE document_id = ?", (doc_id,))
            conn.execute("DELETE FROM document_criteria WHERE document_id = ?", (doc_id,))
            self._insert_tasks(conn, doc_id, tasks)
            self._insert_doc_criteria(conn, doc_id, doc_criteria)
            self._record_change(conn, doc_id, "upsert")

    def delete_document(self, doc_id: int) -> None:
        """Delete a document with its blocks, tasks and links; drop its original when no other document uses it."""
        with self.transaction() as conn:
            sha256 = self._require(conn, doc_id)["sha256"]
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            conn.execute(
                "DELETE FROM files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?)",
                (sha256, sha256),
            )
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
            d = t.deadline
            cursor = conn.execute(
                "INSERT INTO tasks (document_id, seq, agency, agency_id, agency_name, role, task, deadline_text, due, "
                'recurrence, within, working_time, deadline_start, deadline_end, start, "end", page, rule) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id, seq, t.agency, t.agency_id, t.agency_name, t.role, t.task,
                    d.text if d else None, _iso(d.due) if d else None,
                    json.dumps(list(d.recurrence) if d else []), d.within if d else None,
                    int(bool(d and d.working_time)), d.start if d else None, d.end if d else None,
                    t.start, t.end, t.page, t.rule,
                ),
            )
            task_id = cursor.lastrowid
            conn.executemany(
                "INSERT INTO task_criteria (task_id, code, name, score, explanation) VALUES (?, ?, ?, ?, ?)",
                [(task_id, c.code, c.name, float(c.score), c.explanation) for c in _unique_codes(t.criteria)],
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
                "SELECT d.*, f.size AS file_size, (SELECT count(*) FROM tasks t WHERE t.document_id = d.id) AS n_tasks "
                "FROM documents d LEFT JOIN files f ON f.sha256 = d.sha256 WHERE d.id = ?",
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
        return StoredDocument(
            id=row["id"],
            document=document,
            ingested_at=row["ingested_at"],
            criteria=[CriterionLink(c["code"], c["name"], c["score"], c["explanation"]) for c in crit_rows],
            task_count=row["n_tasks"],
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
                "d.media_type, d.ingested_at, (SELECT count(*) FROM tasks t WHERE t.document_id = d.id) AS n_tasks "
                f"FROM documents d {clause} ORDER BY d.issued_on IS NULL, d.issued_on DESC, d.id DESC "
                "LIMIT ? OFFSET ?",
                [*params, int(limit), int(offset)],
            ).fetchall()
        return total, [
            DocumentSummary(
                id=r["id"], doc_type=r["doc_type"], number=r["number"], issued_on=_date(r["issued_on"]),
                title=r["title"], subject=r["subject"], issuer=r["issuer"], source_name=r["source_name"],
                media_type=r["media_type"], ingested_at=r["ingested_at"], task_count=r["n_tasks"],
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
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredTask]:
        """Tasks matching every given filter, in document then reading order, with their criteria links.

        ``criterion`` matches a code and its sub-codes ("PAR.7" also finds "PAR.7.2"); ``due_before`` and
        ``due_after`` are inclusive and only match tasks with a resolved due date; ``recurring`` selects tasks
        whose deadline repeats (or not).
        """
        clause, params = _task_filters(
            document_id, agency_id, role, criterion, due_before, due_after, recurring
        )
        paging = ""
        if limit is not None:
            paging = " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        with self._lock:
            rows = self._conn.execute(
                "SELECT t.*, d.title AS d_title, d.number AS d_number, d.issued_on AS d_issued_on, d.doc_type AS d_type "
                f"FROM tasks t JOIN documents d ON d.id = t.document_id {clause} ORDER BY t.document_id, t.seq{paging}",
                params,
            ).fetchall()
            links = self._criteria_for([r["id"] for r in rows])
        return [
            StoredTask(
                id=r["id"], document_id=r["document_id"], task=_task(r, links.get(r["id"], [])),
                document_title=r["d_title"], document_number=r["d_number"],
                document_issued_on=_date(r["d_issued_on"]), document_type=r["d_type"],
            )
            for r in rows
        ]

    def count_tasks(
        self,
        document_id: int | None = None,
        agency_id: str | None = None,
        role: str | None = None,
        criterion: str | None = None,
        due_before: date | None = None,
        due_after: date | None = None,
        recurring: bool | None = None,
    ) -> int:
        """How many tasks ``get_tasks`` would return for these filters without a limit."""
        clause, params = _task_filters(document_id, agency_id, role, criterion, due_before, due_after, recurring)
        return self._query(f"SELECT count(*) AS n FROM tasks t {clause}", params)[0]["n"]

    def agency_task_counts(self) -> list[tuple[str, str, int]]:
        """``(agency_id, name, tasks)`` for every resolved agency holding tasks, most tasks first."""
        rows = self._query(
            "SELECT agency_id, COALESCE(MAX(agency_name), MAX(agency)) AS name, count(*) AS n FROM tasks "
            "WHERE agency_id IS NOT NULL GROUP BY agency_id ORDER BY n DESC, name"
        )
        return [(r["agency_id"], r["name"], r["n"]) for r in rows]

    def criterion_task_counts(self) -> dict[str, int]:
        """Tasks per criterion code, a task counted once under each code it links to and each ancestor."""
        codes_by_task: dict[int, set[str]] = {}
        for r in self._query("SELECT task_id, code FROM task_criteria"):
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
            "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM tasks) AS tasks, "
            "(SELECT coalesce(sum(size), 0) FROM files) AS original_bytes, "
            "(SELECT coalesce(max(seq), 0) FROM changes) AS last_change_seq"
        )[0]
        return {**dict(row), "schema_version": self.schema_version, "path": str(self.path) if self.path else ":memory:"}

    def last_change_seq(self) -> int:
        """The newest change sequence number (0 when nothing was ever written)."""
        return self._query("SELECT coalesce(max(seq), 0) AS s FROM changes")[0]["s"]


def _task_filters(
    document_id: int | None,
    agency_id: str | None,
    role: str | None,
    criterion: str | None,
    due_before: date | None,
    due_after: date | None,
    recurring: bool | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (on ``tasks t``) and parameters shared by ``get_tasks`` and ``count_tasks``."""
    where: list[str] = []
    params: list[Any] = []
    if document_id is not None:
        where.append("t.document_id = ?")
        params.append(document_id)
    if agency_id:
        where.append("t.agency_id = ?")
        params.append(agency_id)
    if role:
        where.append("t.role = ?")
        params.append(role)
    if criterion:
        where.append(
            "EXISTS (SELECT 1 FROM task_criteria c WHERE c.task_id = t.id AND (c.code = ? OR c.code LIKE ? ESCAPE '\\'))"
        )
        params += [criterion, criterion.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"]
    if due_before:
        where.append("t.due IS NOT NULL AND t.due <= ?")
        params.append(due_before.isoformat())
    if due_after:
        where.append("t.due IS NOT NULL AND t.due >= ?")
        params.append(due_after.isoformat())
    if recurring is not None:
        where.append("t.recurrence != '[]'" if recurring else "t.recurrence = '[]'")
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


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
        page=row["page"], agency_id=row["agency_id"], agency_name=row["agency_name"], deadline=deadline,
        criteria=criteria, rule=row["rule"],
    )
