"""API keys with roles (reader < editor < admin), stored hashed in the store's ``api_keys`` table.

The rules live here; the rows are read and written by ``parlens.store.keys`` (the store owns all SQL).

A key is ``plk_<prefix>_<secret>``; only its SHA-256 is kept, so it is shown once, when created.

>>> from parlens.store import Store
>>> store = Store(":memory:")
>>> created = create_key(store, "editor", label="Văn phòng UBND")
>>> verify_key(store, created.secret).role
'editor'
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from parlens.errors import ParlensError
from parlens.store import keys as key_rows

ROLES: tuple[str, ...] = ("reader", "editor", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass
class ApiKey:
    """One key as listed (never with its secret)."""

    id: int
    prefix: str
    role: str
    label: str
    created_at: str
    revoked_at: str | None = None

    def to_contract(self) -> dict[str, Any]:
        return {"id": self.id, "prefix": self.prefix, "role": self.role, "label": self.label,
                "created_at": self.created_at, "revoked_at": self.revoked_at}


@dataclass
class CreatedKey:
    """A new key: ``secret`` is the only copy of the full key."""

    key: ApiKey
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _row(row: Any) -> ApiKey:
    return ApiKey(row["id"], row["prefix"], row["role"], row["label"], row["created_at"], row["revoked_at"])


def create_key(store: Any, role: str, *, label: str = "") -> CreatedKey:
    """Create a key with ``role``; PARLENS-E052 for an unknown role."""
    if role not in ROLE_RANK:
        raise ParlensError("PARLENS-E052", f"role must be one of {', '.join(ROLES)}, not {role!r}")
    prefix = secrets.token_hex(4)
    secret = f"plk_{prefix}_{secrets.token_urlsafe(32)}"
    row = key_rows.insert_key(store, prefix=prefix, key_hash=_hash(secret), role=role, label=label, created_at=_now())
    return CreatedKey(_row(row), secret)


MIN_PROVISIONED_SECRET = 24


def ensure_key(store: Any, secret: str, role: str, label: str = "") -> tuple[ApiKey, bool]:
    """Make sure an active key with exactly ``secret`` exists: ``(key, created)``; only its hash is stored.

    For keys chosen outside parlens (``PARLENS_ADMIN_KEY``): inserted when absent, left alone when present
    (so restarts never duplicate it). PARLENS-E052 for a secret shorter than 24 characters, with spaces or
    non-ASCII characters (it could not be sent in a header), for a secret whose key was revoked (a revoked
    key is not brought back), or for one already held by a key with another role.

    >>> from parlens.store import Store
    >>> store = Store(":memory:")
    >>> key, created = ensure_key(store, "x" * 32, "admin", "PARLENS_ADMIN_KEY")
    >>> created, ensure_key(store, "x" * 32, "admin", "PARLENS_ADMIN_KEY")[1], len(list_keys(store))
    (True, False, 1)
    >>> try:
    ...     ensure_key(store, "short", "admin")
    ... except ParlensError as exc:
    ...     print(exc.code, exc.detail)
    PARLENS-E052 the key is 5 characters long, it needs at least 24
    """
    if role not in ROLE_RANK:
        raise ParlensError("PARLENS-E052", f"role must be one of {', '.join(ROLES)}, not {role!r}")
    hint = "Use a long random key, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))'."
    secret = secret.strip()
    if len(secret) < MIN_PROVISIONED_SECRET:
        raise ParlensError("PARLENS-E052", f"the key is {len(secret)} characters long, it needs at least "
                           f"{MIN_PROVISIONED_SECRET}", hint=hint)
    if not all("!" <= ch <= "~" for ch in secret):
        raise ParlensError("PARLENS-E052", "the key may hold only printable ASCII characters without spaces", hint=hint)
    digest = _hash(secret)
    # One transaction (two services starting at once insert it once); the listed prefix is the hash's, so no
    # character of the secret is shown.
    row, created = key_rows.insert_key_once(store, prefix=digest[:8], key_hash=digest, role=role, label=label,
                                            created_at=_now())
    key = _row(row)
    if key.revoked_at:
        raise ParlensError("PARLENS-E052", f"this key (#{key.id}) was revoked on {key.revoked_at}; a revoked key "
                           "is not brought back", hint="Choose a new key. " + hint)
    if key.role != role:
        raise ParlensError("PARLENS-E052", f"this key (#{key.id}) already exists with the {key.role} role, not {role}",
                           hint="Choose a new key. " + hint)
    return key, created


def list_keys(store: Any, *, include_revoked: bool = True) -> list[ApiKey]:
    """Every key, oldest first (revoked ones too unless ``include_revoked`` is False)."""
    return [_row(r) for r in key_rows.key_rows(store, include_revoked=include_revoked)]


def revoke_key(store: Any, key_id: int) -> ApiKey:
    """Revoke a key by id (idempotent); PARLENS-E052 when no key has that id."""
    row = key_rows.revoke_key(store, key_id, _now())
    if row is None:
        raise ParlensError("PARLENS-E052", f"no API key #{key_id}", hint="List keys with `parlens keys list`.")
    return _row(row)


def has_active_keys(store: Any) -> bool:
    """Whether any key is configured and not revoked (then every request needs one)."""
    return key_rows.has_active_keys(store)


def verify_key(store: Any, secret: str) -> ApiKey | None:
    """The active key matching ``secret``, or None."""
    row = key_rows.key_by_hash(store, _hash(secret))
    return _row(row) if row else None


def create_session(store: Any, key: ApiKey, hours: int) -> str:
    """A new web sign-in session for ``key``; returns the random session id (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    key_rows.insert_session(store, id_hash=_hash(token), key_id=key.id, created_at=now.isoformat(timespec="seconds"),
                            expires_at=(now + timedelta(hours=hours)).isoformat(timespec="seconds"))
    return token


def session_key(store: Any, token: str) -> ApiKey | None:
    """The active key behind a live session id, or None (unknown, expired, or its key revoked)."""
    row = key_rows.session_key(store, _hash(token), _now())
    return _row(row) if row else None


def end_session(store: Any, token: str) -> None:
    """Forget a session id (sign-out); unknown ids are ignored."""
    key_rows.delete_session(store, _hash(token))


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (admin > editor > reader).

    >>> role_allows("editor", "reader"), role_allows("editor", "admin")
    (True, False)
    """
    return ROLE_RANK[role] >= ROLE_RANK[needed]
