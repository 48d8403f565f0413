"""Forward-only schema migrations: ``migrations/NNNN_name.sql`` applied in order, version in ``meta``.

>>> [m.version for m in available_migrations()][:1]
[1]
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parlens.errors import ParlensError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, file name and SQL statements."""

    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(sql: str) -> list[str]:
    """Split a SQL script into complete statements (comments with ';' are handled by SQLite's tokenizer)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer.strip()[:80]!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def load_migrations(directory: Path) -> tuple[Migration, ...]:
    """Read every ``NNNN_*.sql`` file of ``directory`` in version order; versions must run 1, 2, 3…"""
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            continue
        found.append(Migration(int(match.group(1)), path.name, tuple(split_statements(path.read_text("utf-8")))))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise ValueError(f"migration {migration.name} breaks the sequence: expected version {expected}")
    return tuple(found)


@lru_cache(maxsize=1)
def available_migrations() -> tuple[Migration, ...]:
    """The migrations shipped with this program, read once."""
    return load_migrations(MIGRATIONS_DIR)


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in ``meta`` (0 for an empty database)."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def apply_migrations(conn: sqlite3.Connection, migrations: tuple[Migration, ...] | None = None) -> int:
    """Bring the database up to the newest migration, each step in its own transaction; return the version.

    A database recorded at a version newer than the newest migration raises PARLENS-E021. The connection
    must be in autocommit mode (``isolation_level=None``); concurrent openers are serialised by
    ``BEGIN IMMEDIATE`` and re-check the version inside the transaction.
    """
    migrations = available_migrations() if migrations is None else migrations
    newest = migrations[-1].version if migrations else 0
    current = schema_version(conn)
    if current > newest:
        raise ParlensError("PARLENS-E021", f"store schema version {current}, this program knows up to {newest}")
    for migration in migrations:
        if migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)  # another process may have migrated meanwhile
            if migration.version <= current:
                conn.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(migration.version),),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = migration.version
    return current
