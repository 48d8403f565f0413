"""API keys and web sessions in the store: the ``api_keys`` and ``sessions`` tables (hashes only, never secrets).

The rules (roles, key format, hashing, expiry) live in ``search_api.http.keys``; this module only reads and
writes rows, each write in one transaction.

>>> from parlens.store import Store
>>> store = Store(":memory:")
>>> row = insert_key(store, prefix="ab12cd34", key_hash="f" * 64, role="reader", label="Lịch", created_at="2026-01-05T08:00:00+00:00")
>>> has_active_keys(store), key_by_hash(store, "f" * 64)["label"]
(True, 'Lịch')
"""

from __future__ import annotations

from typing import Any


def _dict(row: Any) -> dict[str, Any] | None:
    return dict(row) if row is not None else None


def insert_key(store: Any, *, prefix: str, key_hash: str, role: str, label: str, created_at: str) -> dict[str, Any]:
    """Add a key row; returns it."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO api_keys (prefix, key_hash, role, label, created_at) VALUES (?, ?, ?, ?, ?)",
            (prefix, key_hash, role, label, created_at),
        )
        return dict(conn.execute("SELECT * FROM api_keys WHERE id = ?", (cursor.lastrowid,)).fetchone())


def insert_key_once(store: Any, *, prefix: str, key_hash: str, role: str, label: str,
                    created_at: str) -> tuple[dict[str, Any], bool]:
    """The key row with ``key_hash`` (revoked or not), added when absent: ``(row, created)``.

    One ``BEGIN IMMEDIATE`` transaction, so two services starting at once add it once.
    """
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM api_keys WHERE key_hash = ?", (key_hash,)).fetchone()
        if row is not None:
            return dict(row), False
        cursor = conn.execute(
            "INSERT INTO api_keys (prefix, key_hash, role, label, created_at) VALUES (?, ?, ?, ?, ?)",
            (prefix, key_hash, role, label, created_at),
        )
        return dict(conn.execute("SELECT * FROM api_keys WHERE id = ?", (cursor.lastrowid,)).fetchone()), True


def key_rows(store: Any, *, include_revoked: bool = True) -> list[dict[str, Any]]:
    """Every key row, oldest first."""
    sql = "SELECT * FROM api_keys" + ("" if include_revoked else " WHERE revoked_at IS NULL") + " ORDER BY id"
    return [dict(r) for r in store._query(sql)]


def revoke_key(store: Any, key_id: int, at: str) -> dict[str, Any] | None:
    """Mark a key revoked at ``at`` (kept when already revoked); the row, or None when no key has that id."""
    with store.transaction() as conn:
        conn.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (at, key_id))
        return _dict(conn.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone())


def has_active_keys(store: Any) -> bool:
    """Whether any key row is not revoked."""
    return bool(store._query("SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1"))


def key_by_hash(store: Any, key_hash: str) -> dict[str, Any] | None:
    """The active (not revoked) key row with this hash, or None."""
    rows = store._query("SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", (key_hash,))
    return dict(rows[0]) if rows else None


def insert_session(store: Any, *, id_hash: str, key_id: int, created_at: str, expires_at: str) -> None:
    """Add a session row, dropping sessions expired before ``created_at`` in the same transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (created_at,))
        conn.execute("INSERT INTO sessions (id_hash, key_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                     (id_hash, key_id, created_at, expires_at))


def session_key(store: Any, id_hash: str, now: str) -> dict[str, Any] | None:
    """The active key row behind a live session (not expired at ``now``), or None."""
    rows = store._query(
        "SELECT k.* FROM sessions s JOIN api_keys k ON k.id = s.key_id "
        "WHERE s.id_hash = ? AND s.expires_at > ? AND k.revoked_at IS NULL", (id_hash, now))
    return dict(rows[0]) if rows else None


def delete_session(store: Any, id_hash: str) -> None:
    """Forget a session (unknown hashes are ignored)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
