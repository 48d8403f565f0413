"""Which part of an official document each line is: body text or boilerplate (header, preamble, recipients, signature).

Search ranks boilerplate passages below body text: "Sở Nội vụ" should first find what the department
must do, not "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …" or the "Nơi nhận:" list. The
classifier reads the lines of a document's blocks in order with a little state (still in the header?
inside the recipients list? just after a signing title?), from cues that are data
(``data/sections.yaml`` and the signing vocabulary of ``ingest/data/doc_types.yaml``).

Sections (``protocol.SECTIONS``), one per line:

- ``header``: issuer lines, number ("Số: 12/KH-UBND"), national motto, place and date, urgency marks,
  "Kính gửi:" and its addressees;
- ``title``: the type word and the trích yếu ("KẾ HOẠCH" / "Cải cách hành chính năm 2026", "V/v …"),
  which a hit shows as its title already;
- ``preamble``: the authority line, "Căn cứ …", "Xét đề nghị …" and the enacting "QUYẾT ĐỊNH:";
- ``recipients``: "Nơi nhận:", its items, "Như trên", "Lưu: VT";
- ``signature``: "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", the signer's name;
- ``body``: everything else.

>>> text = "ỦY BAN NHÂN DÂN\\nKẾ HOẠCH\\nCăn cứ Luật Tổ chức chính quyền địa phương;\\nI. MỤC TIÊU\\nNơi nhận:\\n- Lưu: VT."
>>> [(s.section, text[s.start:s.end]) for s in section_annotations(text)]  # doctest: +NORMALIZE_WHITESPACE
[('header', 'ỦY BAN NHÂN DÂN'), ('title', 'KẾ HOẠCH'), ('preamble', 'Căn cứ Luật Tổ chức chính quyền địa phương;'),
 ('body', 'I. MỤC TIÊU'), ('recipients', 'Nơi nhận:'), ('recipients', '- Lưu: VT.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, NamedTuple

import yaml

from parlens.nlp.normalize import fold
from parlens.search_index.protocol import BODY
LONG_LINE = 160  # a body line this long ends the header region
SHORT_LINE = 70  # header lines (issuer, number, date) are at most this long
NAME_CHARS = 40  # a signer's name line is at most this long
SUBJECT_CHARS = 300  # the trích yếu under the type word is at most this long

_TRAIL = " \t_|—–-"  # OCR specks after a line's last character
_SPECKS = " \t-–—•+*_.·:;,|\"'“”()[]"  # bullets, rules and OCR specks around a line
_NUMBERED = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)/]\s|^(?:dieu|phan|chuong|muc)\s+[\dIVXLC]+\b", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^so\s*(?:hieu)?\s*[:.]\s*\S|^so\s*[:.]?\s*\d+\s*/")
_PLACE_DATE = re.compile(r"(?:^|,)\s*ngay\s*[\d.…\s]*thang\s*[\d.…\s]*nam\s*[\d.…]{4}")
_ARCHIVE = re.compile(r"^luu\s*[:.]?\s*(?:vt|van thu|ho so|hs)\b|^luu\s*:")
_ARCHIVE_INSIDE = re.compile(r"\bluu\s*[:.]?\s*(?:vt|van thu)\b|\bluu\s*:")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.]*\.?$")


class SectionSpan(NamedTuple):
    """One classified line: ``text[start:end]``, its section and the rule that decided it."""

    start: int
    end: int
    section: str
    rule: str


@dataclass(frozen=True)
class _Cues:
    preamble: tuple[str, ...]
    main_verbs: re.Pattern
    enacting: frozenset[str]
    authority: tuple[str, ...]
    addressee: tuple[str, ...]
    marks: frozenset[str]
    recipients: tuple[str, ...]
    recipient_items: tuple[str, ...]
    signature_marks: tuple[str, ...]
    signing_prefixes: tuple[str, ...]
    signing_titles: frozenset[str]
    type_titles: frozenset[str]
    motto: tuple[str, ...]


@lru_cache(maxsize=1)
def cues() -> _Cues:
    """The cue lists, read once from ``data/sections.yaml`` and the ingest vocabulary."""
    own = yaml.safe_load(resources.files("parlens.search_index").joinpath("data/sections.yaml").read_text("utf-8"))
    vocab = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/doc_types.yaml").read_text("utf-8"))
    verbs = "|".join(re.escape(v) for v in own["main_clause_verbs"])
    return _Cues(
        preamble=tuple(own["preamble_openers"]),
        main_verbs=re.compile(rf",[^,;]{{0,90}}?\b(?:{verbs})\b"),
        enacting=frozenset(own["enacting_words"]),
        authority=tuple(own["authority_openers"]),
        addressee=tuple(own["addressee_openers"]),
        marks=frozenset(own["marks"]),
        recipients=tuple(own["recipients_openers"]),
        recipient_items=tuple(own["recipients_items"]),
        signature_marks=tuple(own["signature_marks"]),
        signing_prefixes=tuple(fold(p) for p in vocab["signing_prefixes"]),
        signing_titles=frozenset(fold(t) for t in vocab["signing_titles"]),
        type_titles=frozenset(fold(t) for t in vocab["titles"]),
        motto=tuple(fold(m) for m in vocab["motto"]),
    )


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _starts(key: str, openers: Iterable[str]) -> bool:
    return any(key == o or key.startswith(o + " ") or key.startswith(o + ":") or key.startswith(o + ",") for o in openers)


class _Reader:
    """The state carried from line to line while a document is read top to bottom."""

    def __init__(self) -> None:
        self.c = cues()
        self.top = True  # still in the header region (before the first body paragraph)
        self.titled = False  # the type word ("KẾ HOẠCH") or the "V/v" line has been seen
        self.addressees = False  # inside "Kính gửi:" and its items
        self.recipients = False  # inside "Nơi nhận:" and its items
        self.signing = False  # right after a signing title
        self.last: tuple[str, str] | None = None  # (section, rule) of the previous line
        self.page: int | None = None
        self.subject: int | None = None  # characters of trích yếu read so far, while it goes on
        self._last_line = ""

    def new_block(self, page: int | None) -> None:
        """A block starts; a new page ends the recipients list."""
        if page != self.page:
            self.recipients = False
            self.page = page

    def classify(self, line: str) -> tuple[str, str]:
        """(section, rule) of one line, updating the state."""
        bare = line.strip(_SPECKS)
        key = " ".join(fold(bare).split())
        if not key:
            return self.last or (BODY, "blank")
        section, rule = self._decide(line, bare, key)
        if rule not in ("title", "subject"):
            self.subject = None
        self._last_line = line.rstrip(_TRAIL)
        self.signing = rule == "signing title" or (self.signing and rule == "signed mark")
        self.addressees = self.addressees and section == "header"
        self.last = (section, rule)
        return section, rule

    def _decide(self, line: str, bare: str, key: str) -> tuple[str, str]:
        c = self.c
        caps = _is_caps(bare)
        bullet = line.lstrip()[:1] in "-–—•+*"
        if self._motto(key, bare):
            if not self.top:  # an attached document starts its own header
                self.top, self.titled = True, False
            return "header", "motto"
        if _starts(key, c.recipients):
            self.recipients = not _ARCHIVE_INSIDE.search(key)  # "Nơi nhận: - Như trên; - Lưu: VT." ends here
            return "recipients", "recipients"
        if _ARCHIVE.match(key):
            self.recipients = False
            return "recipients", "archive"
        if self._signing_line(bare, key, caps):
            return "signature", "signing title"
        if any(key.startswith(m) for m in c.signature_marks):
            return "signature", "signed mark"
        if self.signing and self._name(bare):
            return "signature", "signer"
        if self.recipients:
            if bullet or _starts(key, c.recipient_items) or (len(bare) <= SHORT_LINE and not caps and not _NUMBERED.match(key)):
                return "recipients", "recipient item"
            self.recipients = False
        if self.top:
            found = self._header(line.rstrip(_TRAIL), bare, key, caps, bullet)
            if found:
                return found
        elif self.last and self.last[0] == "signature" and caps and key in c.type_titles:
            self.top, self.titled = True, True  # an attached plan or regulation after the signature
            self.subject = 0
            return "title", "title"
        if self.last == ("preamble", "grounds") or self.last == ("preamble", "grounds continued"):
            if not self._closed:
                return "preamble", "grounds continued"
        if self.top and self.subject is not None and not _NUMBERED.match(key) and self.subject + len(bare) <= SUBJECT_CHARS and (
                self.last == ("title", "title") or not self._closed):
            self.subject += len(bare)
            return "title", "subject"
        if self.top and (_NUMBERED.match(key) or len(bare) >= LONG_LINE):
            self.top = False
        return BODY, "body"

    @property
    def _closed(self) -> bool:
        return self._last_line.endswith((";", ".", ":"))

    def _header(self, line: str, bare: str, key: str, caps: bool, bullet: bool) -> tuple[str, str] | None:
        c = self.c
        if _NUMBERED.match(key):  # "I. MỤC TIÊU", "Điều 1.": the body has begun
            return None
        if self.addressees and bullet and len(bare) <= LONG_LINE:
            return "header", "addressee"
        if _starts(key, c.addressee):
            self.addressees = True
            return "header", "addressees"
        if _NUMBER_LINE.match(key) and len(bare) <= SHORT_LINE:
            return "header", "number"
        if key in c.marks:
            return "header", "mark"
        if _starts(key, c.preamble):
            if key.startswith("can cu") and c.main_verbs.search(key) and not line.endswith((";", ",")):
                self.top = False  # "Căn cứ …, Sở Nội vụ đề nghị …": a letter's first sentence
                return None
            return "preamble", "grounds"
        if _PLACE_DATE.search(key) and len(bare) <= SHORT_LINE + 20 and not key.startswith(("v/v", "ve viec")):
            return "header", "place and date"
        if caps and key.rstrip(": ") in c.enacting and (key.endswith(":") or (self.last or ("",))[0] == "preamble"):
            self.top = False
            return "preamble", "enacting"
        if key.startswith(("v/v", "ve viec")):
            self.titled, self.subject = True, len(bare)
            return "title", "subject"
        if caps and (key in c.type_titles or any(key.startswith(t + " ") for t in c.type_titles)):
            self.titled, self.subject = True, 0
            return "title", "title"
        if caps and self.titled and _starts(key, c.authority):
            return "preamble", "authority"
        if caps and not self.titled and len(bare) <= SHORT_LINE:
            return "header", "issuer"
        return None

    def _motto(self, key: str, bare: str) -> bool:
        if "hanh phuc" in key and ("tu do" in key or "doc lap" in key) and len(bare) <= SHORT_LINE:
            return True
        if key.startswith("cong hoa xa hoi") and len(bare) <= SHORT_LINE:  # the motto wrapped over two lines
            return True
        return any(m in key and len(key) <= len(m) + 30 for m in self.c.motto)

    def _signing_line(self, bare: str, key: str, caps: bool) -> bool:
        c = self.c
        if not caps or len(bare) > SHORT_LINE:
            return False
        if len(key.split()) >= 2 and any(key.startswith(p) for p in c.signing_prefixes if p.endswith((".", "/")) or " " in p):
            return True
        return key in c.signing_titles

    @staticmethod
    def _name(bare: str) -> bool:
        words = bare.split()
        if not 2 <= len(words) <= 6 or len(bare) > NAME_CHARS or any(ch.isdigit() for ch in bare):
            return False
        return all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


def _lines(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        yield pos, stop
        pos = stop + 1


def section_annotations(text: str, blocks: Iterable | None = None) -> list[SectionSpan]:
    """Every non-empty line of ``text`` (of each block when ``blocks`` are given) with its section.

    A table's rows are lines too (a two-column header or signature is often a table).
    """
    reader = _Reader()
    spans = [(b.start, b.end, b.page) for b in blocks if b.text.strip()] if blocks is not None else [(0, len(text), None)]
    out: list[SectionSpan] = []
    for block_start, block_end, page in spans:
        reader.new_block(page)
        for s, e in _lines(text, block_start, block_end):
            line = text[s:e]
            if not line.strip():
                continue
            section, rule = reader.classify(line)
            out.append(SectionSpan(s, e, section, rule))
    return out


def document_sections(doc) -> list[SectionSpan]:
    """:func:`section_annotations` of a stored :class:`~parlens.model.Document` over its blocks."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    return section_annotations(doc.text, blocks or None)
