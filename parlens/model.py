"""The data that flows between stages: a read ``Document`` and the ``Task`` records drawn from it.

Every block, task and deadline carries character offsets into ``Document.text`` (the one normalised
text of the document) and a page number where the format has pages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]
Role = Literal["lead", "support"]


@dataclass
class TableCell:
    """One cell of a table block; ``start``/``end`` index ``Document.text``."""

    text: str
    start: int
    end: int
    row_span: int = 1
    col_span: int = 1


@dataclass
class Block:
    """An ordered piece of a document: heading, paragraph, list item or table.

    A table's text in ``Document.text`` is its rows joined by newlines, cells by `` | ``.
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    page: int | None = None
    level: int = 0
    numbering: str | None = None
    rows: list[list[TableCell]] | None = None
    style: str | None = None


@dataclass
class PageInfo:
    number: int
    quality: float
    ocr: bool = False
    chars: int = 0


@dataclass
class DocumentMetadata:
    """Header facts of an official document (Nghị định 30/2020/NĐ-CP) or a press article.

    Unknown values stay ``None``: nothing is guessed.
    """

    title: str | None = None
    doc_type: str | None = None  # "Kế hoạch", "Chỉ thị", "Công văn", "Quyết định", "Bài báo", ...
    number: str | None = None  # "1234/KH-UBND"
    issuer: str | None = None  # "UBND TỈNH THANH HÓA" or "VĂN PHÒNG"
    issuer_parent: str | None = None
    issuer_code: str | None = None  # "UBND"
    place: str | None = None
    issued_on: date | None = None
    subject: str | None = None  # trích yếu, "V/v ..."
    recipients: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None
    publisher: str | None = None  # press
    source_url: str | None = None  # press
    province: str | None = None


@dataclass
class Document:
    """A file read into one normalised text with ordered, offset-carrying blocks."""

    text: str
    blocks: list[Block]
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    source_name: str = ""
    media_type: str = "text/plain"  # application/pdf, ...wordprocessingml.document, text/html, text/plain
    sha256: str = ""
    size: int = 0
    pages: list[PageInfo] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # page headers/footers kept apart
    warnings: list[str] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page holding character ``offset``, from the blocks."""
        for block in self.blocks:
            if block.start <= offset < block.end or (offset == block.end and block is self.blocks[-1]):
                return block.page
        return None


@dataclass
class Deadline:
    """A deadline as written and as resolved: a date, RRULEs, or an ISO 8601 duration."""

    text: str
    due: date | None = None
    recurrence: list[str] = field(default_factory=list)  # RFC 5545 RRULE values, e.g. "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    within: str | None = None  # "P5D", "PT8H"
    working_time: bool = False
    start: int | None = None
    end: int | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "recurrence": list(self.recurrence),
            "within": self.within,
            "working_time": self.working_time,
        }


@dataclass
class CriterionLink:
    code: str
    name: str
    score: float
    explanation: str = ""


@dataclass
class Task:
    """Who must do what by when, with the span it was read from."""

    agency: str  # as written
    role: Role
    task: str
    start: int
    end: int
    page: int | None = None
    agency_id: str | None = None
    agency_name: str | None = None
    deadline: Deadline | None = None
    criteria: list[CriterionLink] = field(default_factory=list)
    rule: str = ""  # which extraction rule produced it

    def to_contract(self) -> dict[str, Any]:
        """The stable JSON shape of ``parlens tasks --format json``."""
        return {
            "agency": self.agency,
            "agency_id": self.agency_id,
            "agency_name": self.agency_name,
            "role": self.role,
            "task": self.task,
            "deadline": self.deadline.to_contract() if self.deadline else None,
            "criteria": [{"code": c.code, "name": c.name, "score": round(c.score, 3)} for c in self.criteria],
            "source": {"start": self.start, "end": self.end, "page": self.page},
        }


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and lists to JSON-ready values."""
    if hasattr(obj, "__dataclass_fields__"):
        obj = asdict(obj)
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj
