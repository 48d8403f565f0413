"""Probable duplicates: the same document stored twice from different files (a DOCX and its scan, a re-export).

Identical bytes never get this far (the store is content-addressed). Two different files are taken for one
document when

* their header facts agree: the same số/ký hiệu and the same date, and no conflicting issuer; or
* their text is nearly the same (estimated Jaccard similarity of word 2-shingles, accents folded so OCR's
  lost diacritics still match) and their header facts do not contradict it (two yearly plans copied from
  each other have different numbers and dates, and are two documents).

The text signature is a MinHash: ``SIGNATURE_SIZE`` minima kept as a blob, plus locality-sensitive bands
indexed in the store so candidates are found without reading every signature.

>>> text = " ".join(f"Sở Nội vụ tổng hợp kết quả của đơn vị số {i} gửi Ủy ban nhân dân tỉnh" for i in range(9))
>>> ocr = text.replace("ở", "o").replace("ộ", "o").replace("ụ", "u").replace("ổ", "o")  # diacritics lost
>>> similarity(text_signature(text), text_signature(ocr))
1.0
>>> other = " ".join(f"Văn phòng rà soát hồ sơ thủ tục tiếp nhận tại bộ phận một cửa tháng {i}" for i in range(9))
>>> similarity(text_signature(text), text_signature(other)) < TEXT_THRESHOLD
True
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Any

import numpy as np

from parlens.errors import ParlensError
from parlens.nlp.normalize import fold

__all__ = [
    "SIGNATURE_SIZE", "BANDS", "TEXT_THRESHOLD", "STRICT_TEXT_THRESHOLD", "DuplicateMatch", "text_signature", "similarity",
    "band_keys", "number_key", "issuer_key", "judge", "find_duplicate", "write_signature", "backfill_signatures",
    "group_of", "duplicate_groups", "keep", "separate", "promote_copies", "brief", "copy_of", "warning_for",
]

SIGNATURE_SIZE = 64
BANDS = 16  # 16 bands of 4 rows: a pair at similarity 0.8 shares a band with probability > 0.999
ROWS = SIGNATURE_SIZE // BANDS
# Estimated Jaccard of word 2-shingles (accents folded). Measured on the sample corpus: a noisy one-page
# OCR copy and its DOCX 0.78, two different documents at most 0.30 (64-value MinHash estimates).
TEXT_THRESHOLD = 0.6
STRICT_TEXT_THRESHOLD = 0.85  # when the date or the issuer disagrees
MIN_SHINGLES = 30  # shorter texts say too little to be judged by text alone

_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261205)  # fixed: signatures are stored and compared across runs
_A = _rng.integers(1, _PRIME, size=SIGNATURE_SIZE, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=SIGNATURE_SIZE, dtype=np.uint64)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DuplicateMatch:
    """A stored document the new one probably duplicates, and why (``number`` or ``text``)."""

    document_id: int
    reason: str
    score: float

    def warning(self) -> str:
        """The stored warning, starting with its code."""
        why = {"number": "cùng số/ký hiệu, ngày và cơ quan ban hành",
               "text": f"nội dung gần như trùng ({self.score:.0%})"}.get(self.reason, "người dùng xác nhận")
        return f"PARLENS-E015 bản khác của #{self.document_id}: {why}"


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _shingles(text: str) -> np.ndarray:
    """The distinct word 2-shingles of ``text`` (accents folded) as 61-bit hashes."""
    words = _WORD.findall(fold(text))
    if len(words) < 2:
        return np.zeros(0, dtype=np.uint64)
    vocabulary = {w: _word_hash(w) for w in set(words)}  # hash each distinct word once
    ids = np.fromiter((vocabulary[w] for w in words), dtype=np.uint64, count=len(words))
    pairs = ids[:-1] * np.uint64(0x9E3779B97F4A7C15) + (ids[1:] ^ np.uint64(0xD6E8FEB86659FD93))
    return np.unique(pairs & np.uint64(_PRIME))


def text_signature(text: str) -> bytes | None:
    """The MinHash signature of ``text`` as bytes, or None when the text is too short to judge."""
    shingles = _shingles(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    # One hash per permutation: (a*x + b) wrapping at 2**64, 61 bits kept; vectorised over every shingle.
    values = (shingles[None, :] * _A[:, None] + _B[:, None]) & np.uint64(_PRIME)
    return values.min(axis=1).astype("<u8").tobytes()


def similarity(a: bytes | None, b: bytes | None) -> float:
    """The estimated Jaccard similarity of the two texts behind signatures ``a`` and ``b`` (0 when unknown)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    x = np.frombuffer(a, dtype="<u8")
    y = np.frombuffer(b, dtype="<u8")
    return float(np.count_nonzero(x == y)) / len(x)


def band_keys(signature: bytes) -> list[int]:
    """One 63-bit key per band; two signatures sharing a key are candidates."""
    values = np.frombuffer(signature, dtype="<u8")
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


@lru_cache(maxsize=65536)
def number_key(number: str | None) -> str | None:
    """A số/ký hiệu reduced to what identifies it ("Số: 45 /KH-UBND" -> "45/kh-ubnd"), None when absent."""
    if not number:
        return None
    key = re.sub(r"\s+", "", fold(number))
    key = re.sub(r"^so[:.]?", "", key)
    key = key.replace("–", "-").replace("—", "-")
    return key if re.search(r"\d", key) else None


@lru_cache(maxsize=4096)
def issuer_key(issuer: str | None) -> str | None:
    """An issuer name folded for comparison ("UBND tỉnh Nghệ An" and "Ủy ban nhân dân tỉnh Nghệ An" agree)."""
    if not issuer:
        return None
    key = fold(issuer)
    key = re.sub(r"\bubnd\b", "uy ban nhan dan", key)
    key = re.sub(r"\bhdnd\b", "hoi dong nhan dan", key)
    return " ".join(_WORD.findall(key)) or None


def judge(
    new: tuple[str | None, date | None, str | None, bytes | None],
    old: tuple[str | None, date | None, str | None, bytes | None],
    old_id: int,
) -> DuplicateMatch | None:
    """Whether a new document (number, date, issuer, signature) duplicates a stored one, and why.

    The same number and date with no conflicting issuer is a duplicate; two different numbers are two
    documents however alike their text (a yearly plan copied from last year's). When a number is missing on
    one side (OCR could not read it), the text decides, and a conflicting date or issuer asks for a nearly
    identical text.

    >>> judge(("45/KH-UBND", date(2026, 1, 5), "UBND tỉnh Phú Thọ", None),
    ...       ("Số: 45/KH-UBND", date(2026, 1, 5), "Ủy ban nhân dân tỉnh Phú Thọ", None), 7)
    DuplicateMatch(document_id=7, reason='number', score=1.0)
    """
    n_number, n_date, n_issuer, n_sig = new
    o_number, o_date, o_issuer, o_sig = old
    numbers = (number_key(n_number), number_key(o_number))
    issuers = (issuer_key(n_issuer), issuer_key(o_issuer))
    if None not in numbers:
        if numbers[0] == numbers[1] and n_date is not None and n_date == o_date and not _conflict(issuers):
            return DuplicateMatch(old_id, "number", 1.0)
        if numbers[0] != numbers[1]:
            return None
    conflicts = _conflict((n_date, o_date)) + _conflict(issuers)
    if conflicts == 2:  # another issuer on another day: another document
        return None
    score = similarity(n_sig, o_sig)
    if score >= (STRICT_TEXT_THRESHOLD if conflicts else TEXT_THRESHOLD):
        return DuplicateMatch(old_id, "text", round(score, 3))
    return None


def _conflict(pair: tuple[Any, Any]) -> bool:
    return None not in pair and pair[0] != pair[1]


# -- the store's side: signatures, detection at insert time, groups, and a person's decisions ----------------

def find_duplicate(conn: Any, doc: Any, signature: bytes | None) -> DuplicateMatch | None:
    """The stored document ``doc`` (a ``parlens.model.Document``) probably duplicates, pointing at its primary.

    Candidates: documents of the same date (header facts) and documents sharing a MinHash band (text).
    Call inside the store's write transaction so two uploads cannot both become primaries.
    """
    meta = doc.metadata
    new = (meta.number, meta.issued_on, meta.issuer, signature)
    ids: set[int] = set()
    if meta.issued_on is not None:
        ids.update(r[0] for r in conn.execute("SELECT id FROM documents WHERE issued_on = ?", (meta.issued_on.isoformat(),)))
    if signature is not None:
        keys = band_keys(signature)
        ids.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT document_id FROM document_bands WHERE band_key IN ({', '.join('?' for _ in keys)})", keys))
    best: DuplicateMatch | None = None
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i:i + 500]
        rows = conn.execute(
            "SELECT d.id, d.number, d.issued_on, d.issuer, d.duplicate_of, s.minhash FROM documents d "
            "LEFT JOIN document_signatures s ON s.document_id = d.id "
            f"WHERE d.id IN ({', '.join('?' for _ in chunk)}) ORDER BY d.id", chunk).fetchall()
        for row in rows:
            old = (row["number"], date.fromisoformat(row["issued_on"]) if row["issued_on"] else None, row["issuer"],
                   bytes(row["minhash"]) if row["minhash"] is not None else None)
            match = judge(new, old, row["duplicate_of"] or row["id"])
            if match is not None and match.reason == "number":
                return match
            if match is not None and (best is None or match.score > best.score):
                best = match
    return best


def write_signature(conn: Any, doc_id: int, signature: bytes | None) -> None:
    """Store a document's signature and band keys (a NULL signature marks a text too short to judge)."""
    conn.execute("INSERT OR REPLACE INTO document_signatures (document_id, minhash) VALUES (?, ?)", (doc_id, signature))
    conn.execute("DELETE FROM document_bands WHERE document_id = ?", (doc_id,))
    if signature is not None:
        conn.executemany("INSERT INTO document_bands (band_key, document_id) VALUES (?, ?)",
                         [(key, doc_id) for key in band_keys(signature)])


def backfill_signatures(store: Any) -> int:
    """Compute signatures for documents stored before duplicates were detected; returns how many."""
    rows = store._query("SELECT d.id, d.text FROM documents d WHERE NOT EXISTS "
                        "(SELECT 1 FROM document_signatures s WHERE s.document_id = d.id)")
    if not rows:
        return 0
    signatures = [(r["id"], text_signature(r["text"])) for r in rows]
    with store.transaction() as conn:
        for doc_id, signature in signatures:
            write_signature(conn, doc_id, signature)
    return len(signatures)


def group_of(store: Any, doc_id: int) -> list[dict[str, Any]]:
    """Every copy of ``doc_id``'s document, the primary first: ``{id, title, source_name, tasks, primary,
    reason, score}`` (one row when it has no copies); PARLENS-E020 when the id is unknown."""
    row = store._query("SELECT id, duplicate_of FROM documents WHERE id = ?", (doc_id,))
    if not row:
        raise ParlensError("PARLENS-E020", f"no document #{doc_id}")
    primary = row[0]["duplicate_of"] or row[0]["id"]
    rows = store._query(
        "SELECT d.id, d.title, d.doc_type, d.number, d.source_name, d.media_type, d.duplicate_of, d.duplicate_reason, "
        "d.duplicate_score, (SELECT count(*) FROM tasks t WHERE t.document_id = d.id AND t.deleted_at IS NULL) AS n "
        "FROM documents d WHERE d.id = ? OR d.duplicate_of = ? ORDER BY d.duplicate_of IS NOT NULL, d.id",
        (primary, primary))
    return [{"id": r["id"], "title": r["title"] or r["doc_type"] or r["source_name"], "number": r["number"],
             "source_name": r["source_name"], "media_type": r["media_type"], "tasks": r["n"],
             "primary": r["duplicate_of"] is None, "reason": r["duplicate_reason"], "score": r["duplicate_score"]}
            for r in rows]


def duplicate_groups(store: Any) -> list[list[dict[str, Any]]]:
    """Every document that has copies, as its group (primary first)."""
    primaries = [r[0] for r in store._query(
        "SELECT DISTINCT duplicate_of FROM documents WHERE duplicate_of IS NOT NULL ORDER BY duplicate_of")]
    return [group_of(store, doc_id) for doc_id in primaries]


def keep(store: Any, doc_id: int) -> list[dict[str, Any]]:
    """Make ``doc_id`` the copy that counts: the others of its group point at it. Returns the new group."""
    group = group_of(store, doc_id)
    others = [g["id"] for g in group if g["id"] != doc_id]
    with store.transaction() as conn:
        reason = conn.execute("SELECT duplicate_reason, duplicate_score FROM documents WHERE id = ?", (doc_id,)).fetchone()
        conn.execute("UPDATE documents SET duplicate_of = NULL, duplicate_reason = NULL, duplicate_score = NULL "
                     "WHERE id = ?", (doc_id,))
        for other in others:
            conn.execute("UPDATE documents SET duplicate_of = ?, duplicate_reason = coalesce(duplicate_reason, ?), "
                         "duplicate_score = coalesce(duplicate_score, ?) WHERE id = ?",
                         (doc_id, reason["duplicate_reason"] or "person", reason["duplicate_score"], other))
        for changed in [doc_id, *others]:
            store._record_change(conn, changed, "upsert")
    return group_of(store, doc_id)


def separate(store: Any, doc_id: int) -> None:
    """A person says ``doc_id`` is not a copy of another document: it counts on its own again."""
    group = group_of(store, doc_id)
    with store.transaction() as conn:
        if group[0]["id"] == doc_id and len(group) > 1:  # the primary leaves: the next copy takes its place
            heir, rest = group[1]["id"], [g["id"] for g in group[2:]]
            conn.execute("UPDATE documents SET duplicate_of = NULL WHERE id = ?", (heir,))
            conn.executemany("UPDATE documents SET duplicate_of = ? WHERE id = ?", [(heir, i) for i in rest])
            store._record_change(conn, heir, "upsert")
        conn.execute("UPDATE documents SET duplicate_of = NULL, duplicate_reason = 'distinct', duplicate_score = NULL "
                     "WHERE id = ?", (doc_id,))
        store._record_change(conn, doc_id, "upsert")


def promote_copies(conn: Any, doc_id: int) -> int | None:
    """Before deleting a primary: its first copy becomes the primary of the rest. Returns that copy's id."""
    copies = [r[0] for r in conn.execute("SELECT id FROM documents WHERE duplicate_of = ? ORDER BY id", (doc_id,))]
    if not copies:
        return None
    conn.execute("UPDATE documents SET duplicate_of = NULL WHERE id = ?", (copies[0],))
    conn.executemany("UPDATE documents SET duplicate_of = ? WHERE id = ?", [(copies[0], c) for c in copies[1:]])
    return copies[0]


def brief(store: Any, doc_id: int) -> dict[str, Any]:
    """``{id, title, tasks}`` of a stored document, as an upload's answer names it (tasks not deleted)."""
    rows = store._query(
        "SELECT d.id, coalesce(d.title, d.doc_type, d.source_name) AS title, (SELECT count(*) FROM tasks t "
        "WHERE t.document_id = d.id AND t.deleted_at IS NULL) AS n FROM documents d WHERE d.id = ?", (doc_id,))
    if not rows:
        raise ParlensError("PARLENS-E020", f"no document #{doc_id}")
    return {"id": rows[0]["id"], "title": rows[0]["title"], "tasks": rows[0]["n"]}


def copy_of(store: Any, doc_id: int) -> dict[str, Any] | None:
    """The primary ``doc_id`` is a probable copy of (``brief`` plus reason and score), or None."""
    rows = store._query("SELECT duplicate_of, duplicate_reason, duplicate_score FROM documents WHERE id = ?", (doc_id,))
    if not rows or rows[0]["duplicate_of"] is None:
        return None
    return {**brief(store, rows[0]["duplicate_of"]), "reason": rows[0]["duplicate_reason"],
            "score": rows[0]["duplicate_score"]}


def warning_for(primary: int, reason: str | None, score: float | None) -> str:
    """The PARLENS-E015 warning a copy shows (derived from its link, so it goes when the link goes)."""
    return DuplicateMatch(primary, reason or "person", score or 1.0).warning()
