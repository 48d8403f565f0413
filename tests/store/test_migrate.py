"""Schema migrations: applied in order from an empty database, idempotent, refused when the store is newer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parlens.errors import ParlensError
from parlens.store import Store, available_migrations, schema_version
from parlens.store.migrate import apply_migrations, load_migrations, split_statements


def test_empty_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        newest = available_migrations()[-1].version
        assert store.schema_version == newest
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "files", "documents", "blocks", "tasks", "task_criteria", "document_criteria", "changes"} <= tables
    assert schema_version(conn) == newest
    conn.close()
    # opening again applies nothing and keeps the data
    with Store(path) as store:
        assert store.schema_version == newest


def test_later_migrations_apply_in_order_on_an_existing_store(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_base.sql").write_text("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
                                          "CREATE TABLE t (a INTEGER); -- first; with a semicolon in a comment\n")
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    assert apply_migrations(conn, load_migrations(folder)) == 1
    conn.execute("INSERT INTO t VALUES (1)")
    (folder / "0002_add_b.sql").write_text("ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x';\n")
    (folder / "README.txt").write_text("not a migration")
    assert apply_migrations(conn, load_migrations(folder)) == 2
    assert conn.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]
    assert schema_version(conn) == 2


def test_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_base.sql").write_text("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
    (folder / "0002_broken.sql").write_text("CREATE TABLE half (a INTEGER);\nINSERT INTO missing VALUES (1);\n")
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(conn, load_migrations(folder))
    assert schema_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_store_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ParlensError) as err:
        Store(path)
    assert err.value.code == "PARLENS-E021"
    assert "999" in str(err.value)


def test_gap_in_migration_numbers_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="0003_c.sql"):
        load_migrations(tmp_path)


def test_split_statements_keeps_comment_semicolons_inside_statements() -> None:
    sql = "-- header; not a statement\nCREATE TABLE a (x TEXT); -- trailing\nCREATE TABLE b (\n  y TEXT -- y; z\n);\n"
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TABLE b") and statements[1].endswith(");")
    with pytest.raises(ValueError):
        split_statements("CREATE TABLE c (x TEXT")


def test_a_file_that_is_not_a_store_is_e022(tmp_path: Path) -> None:
    path = tmp_path / "parlens.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite " * 200)
    with pytest.raises(ParlensError) as err:
        Store(path)
    assert err.value.code == "PARLENS-E022"


def test_unwritable_data_folder_is_e022(tmp_path: Path) -> None:
    from parlens.settings import Settings
    from parlens.store import open_store

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ParlensError) as err:
        open_store(Settings(data_dir=blocker / "data"))
    assert err.value.code == "PARLENS-E022"
