"""The search-backend seam: passages in, ranked passage hits with highlights and facets out.

Every backend (embedded tantivy, Elasticsearch) implements :class:`SearchBackend` and passes the one
conformance suite in :mod:`parlens.search_index.conformance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Protocol, runtime_checkable

from parlens.errors import ParlensError

# Filter and facet fields every backend supports; values are compared exactly (year as int, has_deadline as bool).
FILTER_FIELDS: tuple[str, ...] = ("doc_type", "issuer", "province", "year", "agency", "criterion", "has_deadline")

def as_bool(value: Any) -> bool:
    """A ``has_deadline`` filter value as a bool (``true``/``có``/``1`` ...); PARLENS-E041 otherwise.

    >>> as_bool("có"), as_bool("false"), as_bool(True)
    (True, False, True)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "co", "có"):
        return True
    if text in ("0", "false", "no", "khong", "không"):
        return False
    raise ParlensError("PARLENS-E041", f"has_deadline must be true or false, not {value!r}")


Mode = Literal["syllable", "folded", "segmented", "hybrid"]

# What part of its document a passage is (``sections.document_sections``): body text, the title (type word
# and trích yếu), or boilerplate; all but body rank lower (``fusion.SECTION_WEIGHTS``): header (issuer,
# number, motto, date, "Kính gửi"), preamble ("Căn cứ …", "Xét đề nghị …"), recipients ("Nơi nhận:",
# "Lưu: VT"), signature ("KT. CHỦ TỊCH", the name).
BODY = "body"
SECTIONS: tuple[str, ...] = (BODY, "title", "header", "preamble", "recipients", "signature")


@dataclass
class Passage:
    """A searchable piece of a stored document: one block or a window of sentences, with its filters.

    ``text == document.text[start:end]``; ``agencies`` are agency ids of the document's tasks and
    ``criteria`` the criterion codes of its tasks and links, with ancestors ("PAR.3.1" -> "PAR.3", "PAR").
    """

    passage_id: str  # "<document_id>:<ordinal>"
    document_id: int
    ordinal: int
    text: str
    start: int
    end: int
    page: int | None = None
    title: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    province: str | None = None
    issued_on: str | None = None  # YYYY-MM-DD
    year: int | None = None
    agencies: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    has_deadline: bool = False
    segmented: str | None = None  # folded words joined by "_" (only when the index keeps that field)
    section: str = BODY  # one of SECTIONS


@dataclass
class SearchQuery:
    """What to look for: the staff's text, exact-match filters (OR within a field, AND across fields)."""

    text: str
    limit: int = 10
    offset: int = 0
    filters: dict[str, list[Any]] = field(default_factory=dict)
    facets: bool = True
    mode: Mode = "folded"


@dataclass
class Hit:
    """One passage hit; ``source`` offsets index the document's normalised text."""

    document_id: int
    passage_id: str
    title: str | None
    doc_type: str | None
    issued_on: str | None
    passage: str
    highlight: str  # HTML-escaped snippet, matched terms in <mark>...</mark>
    score: float
    source: dict[str, int | None]  # {"start", "end", "page"}
    highlights: list[tuple[int, int]] = field(default_factory=list)  # matched spans, document offsets
    section: str = BODY  # one of SECTIONS: body text, or boilerplate ranked lower

    def to_contract(self) -> dict[str, Any]:
        """The stable JSON of one hit (``parlens search --format json``)."""
        return {
            "document_id": self.document_id,
            "title": self.title,
            "doc_type": self.doc_type,
            "issued_on": self.issued_on,
            "passage": self.passage,
            "highlight": self.highlight,
            "score": round(float(self.score), 4),
            "section": self.section,
            "source": dict(self.source),
        }


@dataclass
class SearchResult:
    """Ranked hits, the number of matching passages and facet counts over all of them."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_contract(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [h.to_contract() for h in self.hits], "facets": self.facets}


@runtime_checkable
class SearchBackend(Protocol):
    """A passage index that can be rebuilt from the store at any time."""

    def index(self, passages: Iterable[Passage]) -> int:
        """Add or replace passages (by ``passage_id``); returns how many were written."""

    def delete(self, document_id: int) -> None:
        """Remove every passage of one document."""

    def update(self, document_ids: Iterable[int], passages: Iterable[Passage]) -> int:
        """Drop every passage of ``document_ids``, then index ``passages``, in one commit."""

    def rebuild(self, passages: Iterable[Passage], seq: int) -> int:
        """Replace the whole index with ``passages`` as of store change ``seq``, readers never seeing it empty."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Ranked passages for a query, with facets and highlights."""

    def count(self) -> int:
        """Number of indexed passages."""

    def last_applied_seq(self) -> int:
        """The last store change sequence this index reflects (0 when new)."""

    def set_applied_seq(self, seq: int) -> None:
        """Record that every store change up to ``seq`` is in the index."""

    def clear(self) -> None:
        """Drop every passage and reset the applied sequence."""
