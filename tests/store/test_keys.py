"""Key and session rows in the store (``parlens.store.keys``): the SQL the HTTP key rules run on."""

from __future__ import annotations

import doctest

from parlens.store import Store
from parlens.store import keys

AT = "2026-01-05T08:00:00+00:00"


def _add(store: Store, key_hash: str, role: str = "reader") -> dict:
    return keys.insert_key(store, prefix=key_hash[:8], key_hash=key_hash, role=role, label="", created_at=AT)


def test_docstring_examples():
    result = doctest.testmod(keys)
    assert result.attempted > 0 and result.failed == 0


def test_insert_once_revoke_and_list():
    store = Store(":memory:")
    row, created = keys.insert_key_once(store, prefix="aa", key_hash="a" * 64, role="admin", label="env", created_at=AT)
    again, created_again = keys.insert_key_once(store, prefix="aa", key_hash="a" * 64, role="admin", label="env", created_at=AT)
    assert created and not created_again and again["id"] == row["id"]
    other = _add(store, "b" * 64)
    assert [r["id"] for r in keys.key_rows(store)] == [row["id"], other["id"]]
    revoked = keys.revoke_key(store, other["id"], "2026-01-06T00:00:00+00:00")
    assert revoked["revoked_at"] == "2026-01-06T00:00:00+00:00"
    assert keys.revoke_key(store, other["id"], "2026-02-01T00:00:00+00:00")["revoked_at"] == revoked["revoked_at"]
    assert keys.revoke_key(store, 999, AT) is None
    assert keys.key_by_hash(store, "b" * 64) is None and keys.key_by_hash(store, "a" * 64)["role"] == "admin"
    assert [r["id"] for r in keys.key_rows(store, include_revoked=False)] == [row["id"]]


def test_sessions_expire_and_follow_their_key():
    store = Store(":memory:")
    assert not keys.has_active_keys(store)
    key = _add(store, "c" * 64)
    keys.insert_session(store, id_hash="s1", key_id=key["id"], created_at=AT, expires_at="2026-01-05T10:00:00+00:00")
    assert keys.session_key(store, "s1", "2026-01-05T09:00:00+00:00")["id"] == key["id"]
    assert keys.session_key(store, "s1", "2026-01-05T11:00:00+00:00") is None  # expired
    # A new session drops the ones expired before it.
    keys.insert_session(store, id_hash="s2", key_id=key["id"], created_at="2026-01-06T00:00:00+00:00",
                        expires_at="2026-01-07T00:00:00+00:00")
    assert [r["id_hash"] for r in store._query("SELECT id_hash FROM sessions")] == ["s2"]
    keys.revoke_key(store, key["id"], AT)
    assert keys.session_key(store, "s2", "2026-01-06T01:00:00+00:00") is None  # its key is revoked
    keys.delete_session(store, "s2")
    assert not store._query("SELECT 1 FROM sessions")
