"""Who must do what by when: ``extract_tasks(doc)`` reads a ``Document`` into ``Task`` records.

Rules, each named in ``Task.rule``: ``subject`` (an agency followed by its duty), ``assigner``
("UBND tỉnh giao/yêu cầu A …"), ``heading`` (an agency heading and the items under it), ``leadin``
(an addressee list ending "… các nội dung sau:" and subjectless items after it), ``area_list``
("Cụ thể, Sở Nội vụ về …; Sở Tư pháp (lĩnh vực …)"), ``execution`` ("Điều 3. … chịu trách nhiệm thi
hành Quyết định này"), ``fields`` (a task with "- Đơn vị chủ trì: …" lines), ``table_*`` (task tables),
``continuation`` ("Đồng thời, …" after a sentence with a subject) and ``followup`` (an unnumbered "Phối hợp
với …" paragraph right after an item with a subject).
Non-tasks (past actions, the proposer, wishes, inspection findings, closing boilerplate, Nơi nhận,
report channels) are filtered; a duty stated twice is kept once, from the annex table when there is one.

>>> from parlens.task_extraction.textdoc import document_from_text
>>> doc = document_from_text("Giao Sở Nội vụ chủ trì tổng hợp kết quả, báo cáo trước ngày 15/12/2025.")
>>> [(t.agency, t.role, t.deadline.due.isoformat()) for t in extract_tasks(doc)]
[('Sở Nội vụ', 'lead', '2025-12-15')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date

from parlens.model import Block, Document, Task
from parlens.nlp.normalize import fold
from parlens.nlp.segment import split_sentences
from parlens.task_extraction import timing
from parlens.task_extraction.boundaries import trim_task
from parlens.nlp.agencies import ELLIPTICAL_HEAD
from parlens.task_extraction.addressees import head_at, phrase_end, resolve, split_members
from parlens.task_extraction.lexicon import cue_regex, lexicon
from parlens.task_extraction.roles import read_role
from parlens.task_extraction.tables import table_records

_NUMBERING = re.compile(
    r"^\s*(?:\*\*)?(?P<num>[IVXLC]+\.|\d+(?:\.\d+)*\.?(?=\s)|[a-zđ]\)|\(\d{1,2}\)|[-+•–*])\s*(?:\*\*)?\s*"
)
_ROMAN = re.compile(r"^[IVXLC]+\.$")
# Right after a subject: a duty is stated, not a fact ("cần", "phải", "có trách nhiệm", "chủ trì").
_MODAL_AFTER_SUBJECT = re.compile(r"\s*(?:cần|phải|có trách nhiệm|chủ trì|khẩn trương|chủ động)(?!\w)")
_NUMBER_ONLY = re.compile(r"^\s*(?:\*\*)?(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|\(\d{1,2}\))\s*(?:\*\*)?\s*$")
# "Về <matter>:" opening an item: the matter, not the instruction that follows the colon.
_TOPIC_LABEL = re.compile(r"\s*(?:\*\*)?Về\s[^:;]{3,300}?:\s*(?:\*\*)?\s*(?=\S)")
# A following sentence that only states accountability or a fact: no task ("Chịu trách nhiệm về nội dung …",
# "Đưa X vào Y là nền tảng …" with the copula before any comma).
_MERGE_STOP = re.compile(r"\s*(?:chịu trách nhiệm (?:về|trước)\s|[^;:.]{3,160}?\slà\s(?:nền tảng|điều kiện|yếu tố|động lực|giải pháp|nhiệm vụ)\s)", re.I)


@dataclass
class Subject:
    """An addressee phrase in force for following sentences (a heading or a lead-in list)."""

    text: str
    start: int  # offset in Document.text
    level: str  # numbering style of the heading ("1.", "a)", "" for a lead-in)
    rule: str
    assigned: bool = False  # named after an assignment verb ("yêu cầu A, B …"), not as a plain subject


@dataclass
class Candidate:
    agency: str
    agency_start: int
    role: str
    task: str
    start: int
    end: int
    rule: str
    deadline: object | None = None
    members: list = field(default_factory=list)
    context: dict = field(default_factory=dict)  # extractor state when made: the scorer's evidence


_RANKS = {"I.": 0, "1.": 1, "1.1.": 2, "a)": 3, "(1)": 4, "-": 5}


def _rank(style: str) -> int:
    """Depth of a numbering style: a block at a rank <= a scope's rank closes that scope."""
    return _RANKS.get(style, 6)


def _style(num: str | None) -> str:
    if not num:
        return ""
    if _ROMAN.match(num):
        return "I."
    if re.match(r"\d+\.\d", num):
        return "1.1."
    if re.match(r"\d", num):
        return "1."
    if num.startswith("("):
        return "(1)"
    if num.endswith(")"):
        return "a)"
    return "-"


_LEADING_CUE_SPAN = 60  # proposer and finding cues open their sentence (within this many characters)


def _non_task(sentence: str) -> str | None:
    low = sentence.lower()
    for kind, words in lexicon()["non_task"].items():
        for w in words:
            if w == "đã ":
                # "đã giao/yêu cầu" and "được giao … đã hoàn thành" report earlier instructions: the
                # assignment verbs there are not a present instruction.
                rest = re.sub(r"(?<!\w)(?:đã|được)\s+(?:giao|yêu cầu|đề nghị)(?!\w)", " ", low)
                if re.search(r"(?<!\w)đã (?!được giao)", low) and not re.search(r"(?<!\w)(phải|cần|yêu cầu|giao)(?!\w)", rest):
                    return "past"
                continue
            at = low.find(w)
            if at < 0:
                continue
            if kind in ("proposer", "finding") and w != "cho thấy" and at > _LEADING_CUE_SPAN:
                # "cử công chức tham gia Đoàn kiểm tra theo đề nghị của Sở Nội vụ": late in a duty these
                # words name the object or the request behind it, not a proposer or a finding.
                continue
            return kind
    return None


class _Extractor:
    def __init__(self, doc: Document, ref_date: date | None) -> None:
        self.doc = doc
        # Newlines become spaces (same length, same offsets): PDF lines wrap inside names and verbs.
        self.text = doc.text.replace("\n", " ")
        self.ref = ref_date or doc.metadata.issued_on
        self.out: list[Candidate] = []
        self.heading: Subject | None = None
        self.leadin: Subject | None = None
        self.last_subject: Subject | None = None
        self.block_subject: Subject | None = None  # the last subject named in the current block
        self.previous_block_subject: Subject | None = None
        self.followup_ok = False  # first sentence of an unnumbered paragraph
        self.area_pending = False
        self.in_operative = False  # inside "TỔ CHỨC THỰC HIỆN" or after a lead-in
        self.skipping = False
        self.fields: dict[str, list] = {}
        self.field_items: list[tuple[int, int, str]] = []
        self.carried_table: dict = {}
        self.section_title = ""
        self.block_style = ""
        self.section_open = False  # the last block was a section title (a title may wrap to a second line)
        self.addressee = _document_addressee(self.text)
        self.opened_leadin: Subject | None = None  # the lead-in the last block opened
        self.document_leadin: Subject | None = None  # a lead-in whose items are whole sections
        self.sentence: tuple[int, int] | None = None  # the sentence being read

    def _add(self, c: Candidate) -> None:
        """Keep a candidate with the state it was made in (section, scope, sentence)."""
        c.context = {"in_operative": self.in_operative, "section": self.section_title,
                     "heading": self.heading.text if self.heading else None,
                     "leadin": self.leadin.text if self.leadin else None,
                     "sentence": self.sentence}
        self.out.append(c)

    # ------------------------------------------------------------ blocks
    def run(self) -> list[Candidate]:
        for index, block in self._joined_blocks():
            if block.kind == "table":
                self._table(index)
                continue
            self._block(block)
        self._flush_fields()
        return self.out

    def _joined_blocks(self):
        """Blocks with wrapped continuation lines joined back ("… hướng dẫn" + "các cơ quan …")."""
        out: list[tuple[int, Block]] = []
        for index, block in enumerate(self.doc.blocks):
            prev = out[-1][1] if out else None
            first = block.text.lstrip()[:1]
            if prev is not None and prev.kind != "table" and block.kind != "table" and _NUMBER_ONLY.match(prev.text):
                # "2." on a line of its own, then "Các sở, ban, ngành: …": one numbered item.
                merged = Block("list_item", self.text[prev.start:block.end], prev.start, block.end, prev.page,
                               prev.level, prev.numbering, None, prev.style)
                out[-1] = (out[-1][0], merged)
                continue
            if (prev is not None and self.doc.media_type == "application/pdf" and prev.kind != "table"
                    and re.match(r"\s*[-–]\s+[a-zà-ỹđ]", block.text) and re.search(r"\w$", prev.text)
                    and block.start >= prev.end):
                # A line wrapped at a hyphenated compound ("chính trị" / "- xã hội") read as a bullet.
                merged = Block(prev.kind, self.text[prev.start:block.end], prev.start, block.end, prev.page,
                               prev.level, prev.numbering, None, prev.style)
                out[-1] = (out[-1][0], merged)
                continue
            if (prev is not None and prev.kind != "table" and block.kind == "paragraph"
                    and (first.islower() or first.isdigit() or first == "("
                         or (self.doc.media_type in ("application/pdf", "text/plain")
                             and prev.kind in ("list_item", "paragraph") and len(prev.text) > _WRAPPED_MIN[self.doc.media_type]
                             and re.search(r"\w$", prev.text) and prev.text.lstrip()[:1] not in "*"))
                    and not _NUMBERING.match(block.text) and not _NUMBER_ONLY.match(block.text)
                    and not re.search(r"[.:;!?]\s*$", prev.text) and block.start >= prev.end):
                merged = Block(prev.kind, self.text[prev.start:block.end], prev.start, block.end, prev.page,
                               prev.level, prev.numbering, None, prev.style)
                out[-1] = (out[-1][0], merged)
                continue
            out.append((index, block))
        return [(i, piece) for i, b in out for piece in _inline_items(self.text, b)]

    def _table(self, index: int) -> None:
        for r in table_records(self.doc, index, self.ref, self.carried_table):
            dl = timing.to_deadline(r.deadline, r.deadline_offset) if r.deadline is not None else None
            self._add(Candidate(r.agency, r.agency_start, r.role, r.task, r.start, r.end, r.rule, dl))

    def _block(self, block) -> None:
        text = self.text[block.start:block.end]
        m = _NUMBERING.match(text)
        num = (block.numbering or (m.group("num") if m else None)) if m else block.numbering
        body_off = m.end() if m else 0
        topic = _TOPIC_LABEL.match(text, body_off)
        if topic and topic.end() < len(text.rstrip()):
            # "3. Về mở rộng dự án …: giao Tập đoàn X làm việc …": the topic names the matter, the clause
            # after the colon is the instruction (and "Về đề nghị …" is no proposer).
            body_off = topic.end()
        body = text[body_off:].strip().strip("*").strip()
        if not body:
            return
        self.previous_block_subject, self.block_subject = self.block_subject, None
        self.followup_ok = False
        lowered = body.lower()
        style = _style(num)
        self.section_open, opened = False, self.section_open
        if lowered.startswith("kính gửi"):
            self.in_operative = True  # a letter: what follows is addressed to its recipients
        if lowered.startswith("nơi nhận"):
            self.skipping = True
            return
        is_article = bool(re.match(r"Điều\s+\d+", text))
        if is_article:
            self.leadin = None  # a new article ends the addressee list of the article before it
        if not is_article and (style == "I." or (block.kind == "heading" and not head_at(body, 0) and len(body) < 200)
                               or body.isupper() and len(body) < 200):
            self.section_open = opened
            self._section(text.strip() if style == "I." else body)
            self.section_open = style == "I." or opened
            return
        if self.skipping:
            return
        if self._field_block(block, body, body_off):
            return
        self._flush_fields()
        self.block_style = style
        if self.leadin and self.leadin.level == "para" and not style and block.kind == "paragraph":
            self.leadin = None  # a soft lead-in covers the numbered items right after it only
        if (self.leadin and style and self.leadin.level and self.leadin.level != "para"
                and _rank(style) <= _rank(self.leadin.level)):
            self.leadin = None  # "2. …" after the items of "1. … yêu cầu A … sau:" leaves A's scope
        # A new item at the heading's level ends the heading's scope.
        if self.heading and ((style and style == self.heading.level)
                             or (self.heading.level in ("", "Điều") and style in ("1.", "1.1."))
                             or (self.heading.level == "Điều" and text.startswith("Điều"))):
            if not (self.heading.level == "Điều" and style in ("1.", "1.1.")):
                self.heading = None
        heading = self._agency_heading(block, body, body_off, style)
        if heading:
            return
        if style and style != "-" and _label_only(body):
            return  # "2.1. Trách nhiệm chung": a label over the items below it, no duty of its own
        if style in ("1.", "1.1.", "I."):
            self.field_items = []
        if style in ("a)", "-", "1.", "1.1.") or block.kind == "list_item":
            self.field_items.append((block.start + body_off, block.end, style))
        item = bool(style) or block.kind == "list_item"
        self.followup_ok = not item and self.previous_block_subject is not None
        before = self.leadin
        self._sentences(block.start + body_off, block.start + body_off + len(text[body_off:].rstrip()), item=item)
        opened = self.leadin is not None and self.leadin is not before and self.leadin.assigned
        self.opened_leadin = self.leadin if opened else None

    def _section(self, title: str) -> None:
        if self.section_open and not _NUMBERING.match(title) and title.isupper():
            # "II. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP" / "TRONG THỜI GIAN TỚI": one title over two lines
            self.section_title = (self.section_title + " " + title)[:200]
            return
        self._flush_fields()
        f = fold(title)
        self.section_title = title[:200]
        self.heading = None
        self.last_subject = self.block_subject = None
        if self.opened_leadin is not None:
            # "… yêu cầu Bộ trưởng các Bộ, … thực hiện các nhiệm vụ như sau:" right before "I. VỀ …": the
            # addressees stand over every section of the instructions that follow.
            self.document_leadin = self.opened_leadin
        self.opened_leadin = None
        self.leadin = self.document_leadin
        self.area_pending = False
        self.field_items = []
        self.in_operative = ("to chuc thuc hien" in f or "phan cong" in f or "trach nhiem" in f
                             or self.document_leadin is not None)
        # "ĐỀ XUẤT, KIẾN NGHỊ" in a report asks higher bodies for something: recommendations, not tasks.
        self.skipping = "noi nhan" in f or bool(re.match(r"(?:[ivxlc]+\.\s*)?(?:de xuat, )?kien nghi|de xuat\b", f))

    def _agency_heading(self, block, body: str, body_off: int, style: str) -> bool:
        """ "3. Sở Tư pháp" (or "5. Sở Y tế: Chủ trì …") sets the subject of the items under it.

        Also "UBND các xã, phường:" on its own line and "Điều 2. Nhiệm vụ của Tổ công tác:".
        """
        duty_of = re.match(r"(?:Điều\s+\d+\s*[.:]\s*)?(?:Nhiệm vụ|Trách nhiệm|Nhiệm vụ, quyền hạn)\s+(?:cụ thể\s+)?của\s+", body)
        if duty_of and body.rstrip().endswith(":") and head_at(body, duty_of.end()):
            end = phrase_end(body, duty_of.end())
            self.heading = Subject(body[duty_of.end():end], block.start + body_off + duty_of.end(), "Điều", "heading")
            return True
        if not style and body.rstrip().endswith(":") and head_at(body, 0) and len(body) < 150:
            end = phrase_end(body, 0)
            if not body[end:].strip(" :"):
                self.heading = Subject(body[:end], block.start + body_off, "", "heading")
                return True
        if not style or not head_at(body, 0) or style == "-":
            return False
        if not self.in_operative and resolve(body[:phrase_end(body, 0)])[0] is None:
            return False
        end = phrase_end(body, 0)
        rest = body[end:].strip()
        if ELLIPTICAL_HEAD.search(body[:end + 2]) and rest.strip(" :"):
            return False  # "Giám đốc các Sở: Nội vụ, Tư pháp rà soát …" is a subject, not a heading
        start = block.start + body_off
        listed = re.match(r"[^()]{3,160}?\((?P<inner>[^()]{4,400})\)\s*:\s*$", body)
        if listed and head_at(listed.group("inner"), 0):
            # "1. Các cơ quan đăng ký đầu tư (Sở Tài chính, Ban quản lý Khu kinh tế …):" — the bodies in
            # brackets are the addressees of the items below.
            self.heading = Subject(listed.group("inner"), start + listed.start("inner"), style, "heading")
            return True
        if not rest.strip(" :"):
            rest = ""
        run_on = rest[:1].isupper() and head_at(rest, 0) is None and not re.match(r"(?:Chủ trì|Phối hợp)\b", rest)
        if not rest or (rest.startswith(":") and len(rest) > 1) or run_on:
            # "1. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ Tập trung chỉ đạo …": a heading whose line
            # break was lost reads as the heading followed by its first item.
            self.heading = Subject(body[:end], start, style, "heading")
            if rest.startswith(":") or run_on:
                colon = self.text.find(":", start + end) + 1 if rest.startswith(":") else start + end
                self._sentences(colon, block.start + len(block.text.rstrip()))
            return True
        return False

    # ------------------------------------------------------------ labelled fields
    _FIELD = re.compile(r"^(?P<label>[^:]{3,40}):\s*(?P<value>.+)$", re.S)

    def _field_block(self, block, body: str, body_off: int) -> bool:
        m = self._FIELD.match(body)
        if not m:
            return False
        label = fold(m.group("label").strip(" -+*"))
        kinds = lexicon()["field_labels"]
        for kind in ("lead", "support", "time", "product"):
            # "Thời hạn ban hành", "Cơ quan chủ trì thực hiện": a label opens with one of its kind's words
            if any(label == fold(w) or (" " in w and len(label.split()) <= 5 and label.startswith(fold(w) + " "))
                   for w in kinds[kind]):
                value_start = block.start + body_off + m.start("value")
                self.fields.setdefault(kind, []).append((m.group("value").strip(), value_start))
                return True
        return False

    def _flush_fields(self) -> None:
        if not self.fields:
            return
        fields, items = self.fields, self.field_items
        self.fields, self.field_items = {}, []
        if "lead" not in fields and "support" not in fields:
            return
        deadline = None
        if "time" in fields:
            value, off = fields["time"][0]
            deadline = timing.to_deadline(timing.parse_cell(value, self.ref), off)
        # Drop records the items produced on their own: the fields decide the agencies.
        self.out = [c for c in self.out if not any(s <= c.start < e for s, e, _ in items)]
        bullets = [(s, e) for s, e, st in items if st in ("-", "a)")]
        task_label = re.compile(r"\s*[-+*]?\s*" + cue_regex("field_labels.task").pattern + r"\s*:\s*", re.I)
        titled = [(s, e) for s, e in bullets if not task_label.match(self.text, s, e)]
        if titled and len(titled) < len(bullets):
            # "- Nghị định quy định chi tiết …" then "+ Nội dung: …": the content describes the titled duty
            bullets = titled
        for s, e in bullets or [(s, e) for s, e, _ in items[-1:]]:
            label = task_label.match(self.text, s, e)
            s = label.end() if label else s  # "Nội dung: Rà soát …": the label is not the task
            task = self.text[s:e].strip().rstrip(".;")
            for kind, role in (("lead", "lead"), ("support", "support")):
                for value, off in fields.get(kind, []):
                    # named bodies one record each; a collective ("các bộ, cơ quan ngang bộ và …") stays whole
                    for piece in re.finditer(r"[^;\s][^;]*", value.rstrip(".")):
                        for mem in split_members(piece.group(0), keep_collectives_whole=True):
                            self._add(Candidate(mem.text, off + piece.start() + mem.start, role, task, s, s + len(task),
                                                "fields", deadline))

    # ------------------------------------------------------------ sentences
    def _sentences(self, start: int, end: int, *, item: bool = False) -> None:
        spans = split_sentences(self.text[start:end], colon_ends=False)
        first_out = len(self.out)
        skip_next = False
        for i, (s, e) in enumerate(spans):
            if skip_next:
                skip_next = False
                continue
            s0, e0 = start + s, start + e
            nxt = spans[i + 1] if i + 1 < len(spans) else None
            next_text = self.text[start + nxt[0]:start + nxt[1]] if nxt else ""
            self.sentence = (s0, e0)
            consumed = self._sentence(s0, e0, next_text, start + nxt[0] if nxt else 0)
            self.sentence = None
            self.followup_ok = False
            skip_next = consumed
        self._merge_block(first_out, item=item)

    def _merge_block(self, first: int, *, item: bool = False) -> None:
        """Sentences of one paragraph for the same agency and role are one task unless a deadline differs.

        Under a heading or a lead-in every sentence of the paragraph merges; inside one numbered item a
        "Đồng thời, …" sentence continues the duty of the sentence before it as well.
        """
        merged: list[Candidate] = []
        for c in self.out[first:]:
            prev = next((p for p in reversed(merged) if p.agency == c.agency and p.role == c.role), None)
            follows = (prev is not None and prev.rule == c.rule and c.start > prev.end and c.rule in ("heading", "leadin"))
            follows = follows or (item and prev is not None and c.rule == "continuation" and c.start > prev.end
                                  and not prev.rule.endswith("_partner"))
            if follows and _MERGE_STOP.match(c.task):
                # "… Chịu trách nhiệm về nội dung …" / "… Đưa X vào Y là nền tảng …": accountability or a
                # statement after the duty is no task and no part of it.
                continue
            if (follows and c.deadline is None and prev.deadline is None
                    and not re.match(r"\s*(?:phối hợp|chủ trì)(?!\w)", c.task, re.I)):
                prev.end = c.end
                prev.task = self.text[prev.start:c.end].strip().rstrip(".;")
                continue
            merged.append(c)
        self.out[first:] = merged

    def _sentence(self, s: int, e: int, next_text: str, next_start: int) -> bool:
        sent = self.text[s:e]
        stripped = sent.strip()
        if not stripped:
            return False
        lead_ws = len(sent) - len(sent.lstrip())
        s += lead_ws
        sent = self.text[s:e]
        previous_subject, self.last_subject = self.last_subject, None
        kind = _non_task(sent)
        if kind:
            if kind == "past" and self.leadin and not self.heading:
                self.leadin = None  # a report of past work closes the list of instructions
            return False
        # Execution clause.
        ex = cue_regex("execution_clause").search(sent)
        if ex:
            lst = re.match(r"^\s*(?:Điều\s+\d+\s*[.:]\s*)?", sent).end()
            listed = sent[lst:ex.start()].strip(" ,")
            # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, … chịu trách nhiệm thi hành …": a bare leading title is a
            # member of the list when the list names bodies after it
            titled = listed and any(head_at(m.text, 0) for m in split_members(listed, keep_collectives_whole=False)[1:])
            if head_at(sent, lst) or (titled and sent[lst:lst + 1].isupper()):
                self._emit(sent[lst:ex.start()].strip(" ,"), s + lst, sent[ex.start():].rstrip(" ./"), s + ex.start(),
                           "execution", "lead", whole_list=False, sentence=(s, e))
                return False
        if self._member_duty(s, sent, next_text, next_start):
            return False
        # Area list ("Cụ thể, Sở Nội vụ về …; Sở Tư pháp (lĩnh vực …)").
        if self._area_list(s, sent):
            return False
        assigner = cue_regex("assigner_verbs").search(sent)
        if stripped.endswith(":") and re.search(r"(?:kết luận|chỉ đạo|thống nhất|quán triệt)\s+(?:\S+\s+){0,3}?(?:như sau|các nội dung sau|một số nội dung sau)", sent, re.I):
            self.in_operative = True  # "… kết luận như sau:" then items that carry their own subjects
            return False
        opener = re.match(r"^\s*(?:(?:Cụ thể|Đồng thời|Ngoài ra|Theo đó|Bên cạnh đó)\s*,\s*|(?:[Yy]êu cầu|[Kk]huyến khích|[Đđ]ề nghị|[Gg]iao)\s+|(?:Riêng|Riêng đối với)\s+)", sent)
        pos = opener.end() if opener else 0
        article = None if opener else re.match(r"\s*Điều\s+\d+\s*[.:]\s*", sent)
        if article and head_at(sent, article.end()):
            pos = article.end()  # "Điều 2. Các thành viên … gửi báo cáo …": the subject follows the article number
        elif not opener and not head_at(sent, 0):
            adverbial = self._adverbial_end(sent)
            if adverbial:
                pos, opener = adverbial, True
        if self._narrowed(s, sent, next_text, next_start):
            return False
        # "X yêu cầu A, B, C … các nội dung sau:" opens a lead-in list.
        closer = re.search(alternation_closers(), sent, re.I)
        if assigner and re.search(r"(?:yêu cầu|đề nghị|giao)\s*:$", stripped):
            self.in_operative = True  # "Chủ tịch UBND tỉnh yêu cầu:" then items with their own subjects
            return False
        if (assigner and stripped.endswith(":") and not closer and assigner.start() <= (pos or 0) + 2
                and self._assigned_leadin(sent, s, [assigner])):
            return False  # "Đề nghị Thường trực Tỉnh ủy tập trung … các lĩnh vực sau:" introduces the items after it
        if (assigner and closer and len(sent[closer.end():].strip(" .:")) <= 6 and stripped.endswith((":", "."))
                and self._assigned_leadin(sent, s, cue_regex("assigner_verbs").finditer(sent))):
            return False
        if closer and stripped.endswith((":", ".")) and head_at(sent, pos) and len(sent[closer.end():].strip(" .:")) <= 6:
            # "Ngoài ra, các cơ quan, đơn vị thực hiện các nhiệm vụ sau." only introduces the items that
            # follow (with a full stop as often as a colon): a lead-in, never a task of its own.
            end = phrase_end(sent, pos)
            if assigner and assigner.start() >= end - 1:
                return False  # "… Thủ tướng Chính phủ yêu cầu <addressees not recognised> …": the requester
            if end < closer.start():
                self.leadin = Subject(sent[pos:end], s + pos, self.block_style, "leadin")
                self.in_operative = True
                return False
        for am in _assigner_matches(sent):
            if am.start() == 0 or (opener and opener is not True and opener.end() >= am.end()):
                continue
            after = self._skip_cho(sent, am.end())
            if head_at(sent, after):
                end = phrase_end(sent, after)
                self._subject_duty(sent, s, after, end, "assigner", next_text, next_start)
                return False
            if "giao" in am.group(0).lower():
                self.area_pending = True
        passive = re.search(r"(?:cũng\s+)?được\s+(?:\S+\s+){0,4}?[“\"]?(?:giao|đặt hàng|phân công)[”\"]?\s*(?:nhiệm vụ\s+)?(?:trong việc|về việc)?\s*", sent)
        if passive and not head_at(sent, pos):
            for w in re.finditer(r"(?<!\w)\w", sent[:passive.start()]):
                p = w.start()
                if head_at(sent, p) and phrase_end(sent, p) >= passive.start() - 1:
                    self._subject_duty(sent, s, p, phrase_end(sent, p), "passive", next_text, next_start,
                                       task_from=passive.end())
                    return False
        if head_at(sent, pos):
            end = phrase_end(sent, pos)
            duty = cue_regex("deontic_cues").search(sent, end)
            resp = re.search(r"(?:có|chịu) trách nhiệm\s+(?!trước\s)", sent[end:])
            if resp and resp.start() < 200 and not ex:
                # "A, B được giao … có trách nhiệm <task>": the duty follows the responsibility phrase.
                self._subject_duty(sent, s, pos, end, "subject", next_text, next_start, task_from=end + resp.end())
                return False
            verb_next = not (duty or self.in_operative or self.heading or opener) and _task_verb_at(sent, end)
            if end < len(sent.rstrip()) and (duty or self.in_operative or self.heading or opener or verb_next):
                # "Bộ Quốc phòng, Bộ Công an tiếp tục huy động …" with no modal: a weaker cue, its own rule
                self._subject_duty(sent, s, pos, end, "subject_verb" if verb_next else "subject", next_text, next_start)
                if (opener and opener is not True and cue_regex("assigner_verbs").match(opener.group(0).strip())
                        and not self.block_style and not next_text and cue_regex("leadin_announcers").search(sent)):
                    # "Đề nghị Thường trực Tỉnh ủy tập trung … các nhiệm vụ, giải pháp …" then numbered
                    # items with no subject: the items are the addressee's too, up to the next paragraph.
                    self.leadin = Subject(sent[pos:end], s + pos, "para", "leadin", assigned=True)
                return False
        # Subjectless: inherit from the heading, the lead-in or the previous sentence ("Đồng thời, …").
        inherit = self.heading or self.leadin
        if opener and opener is not True and opener.group(0).strip().lower().startswith("đồng thời") and previous_subject:
            # "Đồng thời, …" continues the subject of the sentence right before it, never an older one.
            inherit = Subject(previous_subject.text, previous_subject.start, "", "continuation")
        if (not inherit and self.followup_ok and not opener
                and cue_regex("followup_role_openers", ignore_case=False).match(sent[:1].lower() + sent[1:])
                and sent[:1].isupper()):
            # "Phối hợp với các viện …" as a paragraph of its own after "21. Các trường … mở thêm …".
            inherit = Subject(self.previous_block_subject.text, self.previous_block_subject.start, "", "followup")
        if (not inherit and not opener and self.addressee is not None and self.block_style
                and _TASK_SECTION.search(fold(self.section_title)) and sent[:1].isupper()):
            # "II. NHIỆM VỤ, GIẢI PHÁP …" of a notice whose closing names who acts ("thông báo để Ủy ban
            # nhân dân tỉnh X … biết, thực hiện"): its subjectless items are that body's.
            inherit = self.addressee
        if inherit and _statement(sent[pos:]):
            inherit = None  # "Kinh phí hoạt động của Tổ công tác được bố trí …": a fact, not a duty
        if inherit and not head_at(sent, pos):
            self._emit(inherit.text, inherit.start, sent[pos:].rstrip(" ."), s + pos, inherit.rule,
                       None, whole_list=True, sentence=(s, e), next_text=next_text, next_start=next_start)
        return False

    def _assigned_leadin(self, sent: str, s: int, verbs) -> bool:
        """Open a lead-in on the addressees named right after the first of ``verbs`` that has any."""
        for am in verbs:
            after = self._skip_cho(sent, am.end())
            if head_at(sent, after):
                end = phrase_end(sent, after)
                self.leadin = Subject(sent[after:end], s + after, self.block_style, "leadin", assigned=True)
                self.in_operative = True
                return True
        return False

    def _member_duty(self, s: int, sent: str, next_text: str, next_start: int) -> bool:
        """ "Đồng chí Trần Văn A, Giám đốc Sở Tư pháp – Ủy viên: phụ trách …": the title is the agency.

        A member line of a board or team names a person, the office that stands for a body, an optional
        board role (lexicon ``board_roles``) and, after the colon, the member's duties.
        """
        hon = re.match(r"\s*" + cue_regex("person_honorifics").pattern + r"\s+", sent, re.I)
        if not hon:
            return False
        comma = re.match(r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*){1,5},\s*", sent[hon.end():])
        if not comma:
            return False
        a_start = hon.end() + comma.end()
        role = re.compile(r"\s*[-–—]\s*" + cue_regex("board_roles").pattern + r"[^:;.]{0,30}:\s*", re.I)
        marked = role.search(sent, a_start, a_start + 120)
        if marked and (head_at(sent, a_start) or resolve(sent[a_start:marked.start()])[0] is not None):
            a_end, pred_start = marked.start(), marked.end()
        elif head_at(sent, a_start):
            a_end = phrase_end(sent, a_start)
            colon = re.match(r"\s*:\s*", sent[a_end:])
            if not colon:
                return False
            pred_start = a_end + colon.end()
        else:
            return False
        agency = sent[a_start:a_end].strip()
        self.last_subject = self.block_subject = Subject(agency, s + a_start, "", "member")
        self._emit(agency, s + a_start, sent[pred_start:].rstrip(" ."), s + pred_start, "member", None,
                   whole_list=False, sentence=(s, s + len(sent)), next_text=next_text, next_start=next_start)
        return True

    @staticmethod
    def _adverbial_end(sent: str) -> int | None:
        """After a leading adverbial clause ("Kết luận cuộc họp, ", "Cũng theo Phó Chủ tịch UBND tỉnh, "):
        where the capitalised agency that is the sentence's subject starts, else None."""
        conditional = cue_regex("conditional_openers").match(sent.lstrip())
        if not conditional and not cue_regex("adverbial_openers").match(sent.lstrip()):
            return _Extractor._modal_subject_after_comma(sent)
        for m in re.finditer(r",\s*", sent[:120]):
            p = m.end()
            # after a condition the subject may be a role in lower case ("Trường hợp …, cơ quan chủ trì có trách nhiệm …")
            if p < len(sent) and (sent[p].isupper() or conditional)\
                    and head_at(sent, p):
                giver = cue_regex("assigner_verbs").search(sent, 0, m.start())
                if giver and not conditional and not re.search(r"(?:được|đã được)\s+$", sent[:giver.start()]):
                    return None  # "Theo đề nghị …, UBND tỉnh giao …" names the assigner; "được giao" does not
                if re.search(r"(?:ông|bà|đồng chí)(?:\s+[A-ZĐÀ-Ỹ]\w*)+\s*$", sent[:m.start()]):
                    return None  # "Theo ông X, Giám đốc Sở Y, …": the office is the person's title
                end = phrase_end(sent, p)
                return None if sent[end:end + 1] == "," else p  # "Bà X, Giám đốc Sở Y, cho biết": apposition
        return None

    @staticmethod
    def _modal_subject_after_comma(sent: str) -> int | None:
        """Any opening phrase ("Trong quá trình thực hiện, các tỉnh ủy cần …", "Đối với các tỉnh không sáp nhập,
        các tỉnh ủy lãnh đạo …" is not enough): a body after a comma, followed at once by a modal or role cue."""
        for m in re.finditer(r",\s*", sent[:160]):
            p = m.end()
            if head_at(sent, p) is None:
                continue
            end = phrase_end(sent, p)
            if _MODAL_AFTER_SUBJECT.match(sent, end) and not cue_regex("assigner_verbs").search(sent, 0, m.start()):
                return p
        return None

    def _narrowed(self, s: int, sent: str, next_text: str, next_start: int) -> bool:
        """ "Đối với UBND các xã, phường: bố trí …" names the one addressee of the rest of the sentence."""
        m = re.match(r"\s*Đối với\s+", sent)
        if not m or not head_at(sent, m.end()):
            return False
        end = phrase_end(sent, m.end())
        sep = re.match(r"\s*[:,]\s*", sent[end:])
        if not sep and cue_regex("assigner_verbs").match(sent, end + len(sent[end:]) - len(sent[end:].lstrip())):
            # "Đối với UBND các xã, phường, Chủ tịch UBND tỉnh yêu cầu …": the phrase ran on into the
            # assigning authority; the addressee is everything before its last member.
            mems = split_members(sent[m.end():end], keep_collectives_whole=False)
            if len(mems) > 1:
                end = m.end() + mems[-2].end
                sep = re.match(r"\s*,\s*", sent[end:])
        if not sep:
            return False
        task_from = end + sep.end()
        verb = cue_regex("assigner_verbs").search(sent, end)
        if verb:
            # "Đối với UBND các xã, Chủ tịch UBND tỉnh yêu cầu công khai …": the verb has no object of
            # its own, so the body after "Đối với" is the addressee.
            task_from = self._skip_cho(sent, verb.end())
            if head_at(sent, task_from):
                return False
        if head_at(sent, task_from):
            return False
        self._subject_duty(sent, s, m.end(), end, "subject", next_text, next_start, task_from=task_from)
        return True

    @staticmethod
    def _skip_cho(sent: str, pos: int) -> int:
        m = re.match(r"\s*(?:nhiệm vụ\s+)?(?:cụ thể\s+)?(?:cho\s+)?", sent[pos:])
        return pos + (m.end() if m else 0)

    def _subject_duty(self, sent, s, a_start, a_end, rule, next_text, next_start, task_from=None) -> None:
        agency = sent[a_start:a_end]
        pred_start = task_from if task_from is not None else a_end
        while pred_start < len(sent) and sent[pred_start] in " ,:":
            pred_start += 1
        where = re.match(r"(?:là\s+)?nơi\s[^,;]{3,120},\s*", sent[pred_start:])
        if where:
            pred_start += where.end()  # "Riêng UBND xã X, nơi có số hồ sơ quá hạn cao nhất, báo cáo …"
        m = re.match(r"(?:trong việc|về việc)\s+|(?:sẽ\s+)?là đơn vị\s+|(?:cũng\s+)?được\s+(?:“[^”]*”|\"[^\"]*\"|\S+)\s+(?=trong việc)", sent[pred_start:])
        if m:
            pred_start += m.end()
        # "Sở X (tiếp nhận chức năng của Sở Y (cũ)) chủ trì …": a note in brackets after the name is no task.
        if sent[pred_start:pred_start + 1] == "(":
            depth, k = 0, pred_start
            while k < len(sent):
                depth += {"(": 1, ")": -1}.get(sent[k], 0)
                if depth == 0:
                    break
                k += 1
            rest = re.match(r"[\s,]*(?=[a-zà-ỹđ])", sent[k + 1:]) if k < len(sent) else None
            if rest:
                pred_start = k + 1 + rest.end()
        # "Sở Nội vụ là cơ quan thường trực của Tổ công tác xây dựng …": the apposition is neither agency nor task.
        app = re.match(r"(?:sẽ\s+)?là\s+(?:cơ quan|đơn vị)\s+(?:thường trực|đầu mối)(?:\s+của\s+)?", sent[pred_start:])
        if app:
            after = pred_start + app.end()
            pred_start = phrase_end(sent, after) if app.group(0).rstrip().endswith("của") and head_at(sent, after) else after
            while pred_start < len(sent) and sent[pred_start] in " ,:":
                pred_start += 1
        subject = Subject(agency, s + a_start, "", rule)
        self.last_subject = self.block_subject = subject
        self._emit(agency, s + a_start, sent[pred_start:].rstrip(" ."), s + pred_start, rule, None,
                   whole_list=True, sentence=(s, s + len(sent)), next_text=next_text, next_start=next_start)

    def _area_list(self, s: int, sent: str) -> bool:
        op = re.search(r"(?:^|\s)(?:Cụ thể\s*[,:]|như\s*:|gồm\s*:)\s*", sent)
        if not op:
            return False
        if not (self.area_pending or self.leadin or cue_regex("assigner_verbs").search(sent[:op.start()])):
            return False
        pos = op.end()
        if not head_at(sent, pos):
            return False
        self.area_pending = False
        items: list[tuple[int, int, int, int]] = []  # agency start/end, area start/end
        pending: list[tuple[int, int]] = []
        i = pos
        while i < len(sent):
            if not head_at(sent, i):
                break
            a_end = phrase_end(sent, i)
            first = split_members(sent[i:a_end], keep_collectives_whole=False)
            if len(first) > 1:
                a_end = i + first[0].end
            # The area keeps its own noun ("lĩnh vực …", "nội dung …"): only the bracket, dash or "về" go.
            m = re.match(r"\s*(?:\(\s*|[-–]\s*|về\s+|,\s*)", sent[a_end:])
            sep = m.group(0) if m else ""
            if sep.strip() == ",":
                pending.append((i, a_end))
                i = a_end + m.end()
                continue
            area_start = a_end + (m.end() if m else 0)
            # The area runs to the next "; Agency" or ", Agency (" or the end.
            close = ")" if "(" in sep else None
            j, area_end = area_start, len(sent)
            depth = 1 if close else 0
            while j < len(sent):
                ch = sent[j]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if close and depth == 0:
                        area_end = j
                        break
                elif ch in ";," and depth == 0 and not close:
                    k = j + 1
                    while k < len(sent) and sent[k] == " ":
                        k += 1
                    if head_at(sent, k) and sent[k].isupper():
                        area_end = j
                        break
                j += 1
            for a_s, a_e in pending + [(i, a_end)]:
                items.append((a_s, a_e, area_start, area_end))
            pending = []
            k = area_end + (1 if close else 0)
            m2 = re.match(r"[\s;,]*", sent[k:])
            i = k + m2.end()
            if i <= area_start:
                break
        for a_s, a_e, t_s, t_e in items:
            area = sent[t_s:t_e].rstrip(" .…")
            area = re.sub(r"\.{2,}$|…$", "", area).strip()
            if area:
                self._add(Candidate(sent[a_s:a_e], s + a_s, "lead", area, s + t_s, s + t_s + len(area), "area_list"))
        return bool(items)

    # ------------------------------------------------------------ records
    def _emit(self, agency, agency_start, pred, pred_start, rule, role=None, *, whole_list, sentence,
              next_text="", next_start=0) -> None:
        pred = pred.strip()
        if not pred or len(pred) < 6:
            return
        # Clauses at ";" that start with a role cue become records of their own.
        parts: list[tuple[int, int]] = []
        pos = 0
        for m in re.finditer(r";\s*(?=(?:[Pp]hối hợp|[Cc]hủ trì|[Tt]ăng cường phối hợp|[Cc]hủ động phối hợp))", pred):
            parts.append((pos, m.start()))
            pos = m.end()
        parts.append((pos, len(pred)))
        parts = [q for ps, pe in parts for q in self._split_by_deadline(pred, ps, pe)]
        for ps, pe in parts:
            piece = pred[ps:pe]
            self._emit_piece(agency, agency_start, piece, pred_start + ps, rule, role, whole_list, next_text, next_start)

    def _split_by_deadline(self, pred: str, start: int, end: int) -> list[tuple[int, int]]:
        """A last ";" clause with a recurrence of its own ("…; báo cáo … (định kỳ hằng năm)") is a task of its own.

        A trailing date ("…; hoàn thành trước ngày 15/4") applies to the whole item and splits nothing.
        """
        clauses = [(start + m.start(), start + m.end()) for m in re.finditer(r"[^;]+", pred[start:end])]
        if len(clauses) < 2:
            return [(start, end)]
        has = [bool([d for d in timing.find(pred[a:b], self.ref) if d.decoy is None and d.recurrence]) for a, b in clauses]
        if not any(has):
            dated = [bool([d for d in timing.find(pred[a:b], self.ref) if d.decoy is None]) for a, b in clauses]
            last_text = pred[clauses[-1][0]:clauses[-1][1]].strip()
            head_text = pred[start:clauses[-2][1]]
            whole_doc = len(head_text) < 90 and cue_regex("whole_document_refs").search(head_text)
            if dated[-1] and not any(dated[:-1]) and (whole_doc or not cue_regex("report_clause_openers").match(last_text)):
                has[-1] = True
        if has[-1] and not any(has[:-1]):
            last = clauses[-1][0]
            while last < end and pred[last] == " ":
                last += 1
            return [(start, clauses[-2][1]), (last, end)]
        # "A trong 10 ngày làm việc; B trước ngày 15/11": clauses with deadlines of their own are separate
        # duties; an undated clause goes with the dated one that follows it.
        dated = [bool([d for d in timing.find(pred[a:b], self.ref) if d.decoy is None and not d.recurrence])
                 for a, b in clauses]
        if sum(dated) >= 2 and dated[-1] and not any(has):
            groups, first = [], start
            for (a, b), d in zip(clauses, dated):
                if d:
                    while first < b and pred[first] == " ":
                        first += 1
                    groups.append((first, b))
                    first = b + 1
            return groups
        return [(start, end)]

    def _emit_piece(self, agency, agency_start, pred, pred_start, rule, role, whole_list, next_text, next_start):
        if re.match(r"\s*chịu trách nhiệm trước\s", pred, re.I):
            return  # "chịu trách nhiệm trước Trưởng ban về …": accountability, not a duty
        reading = read_role(pred)
        task_rel = reading.task_start
        task = pred[task_rel:].strip(" .;,")
        if len(task) < 6:
            return
        t_start = pred_start + pred.find(task, task_rel)
        deadline = self._deadline(t_start, t_start + len(task), next_text, next_start)
        t_start, t_end = trim_task(self.text, t_start, t_start + len(task), ref_date=self.ref)
        task = self.text[t_start:t_end]
        members = split_members(agency, keep_collectives_whole=True) if whole_list else split_members(agency, keep_collectives_whole=False)
        for mem in members:
            self._add(Candidate(mem.text, agency_start + mem.start, role or reading.role, task, t_start,
                                      t_start + len(task), rule, deadline))
        for surface, ps, pe in reading.partners:
            self._add(Candidate(surface, pred_start + ps, "support", task, t_start, t_start + len(task),
                                      rule + "_partner", deadline))

    def _deadline(self, start: int, end: int, next_text: str, next_start: int):
        found = [d for d in timing.find(self.text[start:end], self.ref) if d.decoy is None]
        if found:
            # "ban hành Kế hoạch … năm 2026 trong Quý I/2026": a bare period names the object; the date led
            # by a deadline word ("trong", "trước", "chậm nhất" …) is the deadline.
            led = [d for d in found if cue_regex("trailing_deadline_openers").match(d.text)]
            first = led[0] if led and not cue_regex("trailing_deadline_openers").match(found[0].text) else found[0]
            merged = timing.merge(found, self.text[start:end]) if all(f.recurrence for f in found) and len(found) > 1 else first
            return timing.to_deadline(merged, start)
        lead_time = [d for d in timing.find(self.text[start:end], self.ref) if d.decoy == "lead_time"]
        if lead_time:
            return timing.to_deadline(lead_time[-1], start)  # the text is kept, no date
        if next_text and re.match(r"\s*(?:Thời (?:gian|hạn)|Hoàn thành|Chậm nhất|Trước ngày)", next_text, re.I):
            nxt = [d for d in timing.find(next_text, self.ref) if d.decoy is None]
            if nxt:
                return timing.to_deadline(nxt[0], next_start)
        return None


# A line this long that ends in a letter was wrapped: the next line continues its sentence (PDF lines,
# crawled text with hard line breaks).
_WRAPPED_MIN = {"application/pdf": 60, "text/plain": 40}
_TASK_SECTION = re.compile(r"\bnhiem vu\b|\bgiai phap\b")
# The closing line of a notice naming who is to act on it.
_NOTICE_ADDRESSEE = re.compile(r"thông báo (?:để|cho|đến)\s+(?=\S)", re.I)


def _document_addressee(text: str) -> Subject | None:
    """The body a notice is sent to for action ("… thông báo để Ủy ban nhân dân tỉnh X … biết, thực hiện")."""
    for m in _NOTICE_ADDRESSEE.finditer(text):
        tail = text[m.end():m.end() + 300]
        if not re.search(r"(?:biết|thực hiện)", tail[:200]) or not head_at(text, m.end()):
            continue
        end = phrase_end(text, m.end())
        members = split_members(text[m.end():end], keep_collectives_whole=True)
        if members:
            first = members[0]
            return Subject(first.text, m.end() + first.start, "", "addressee")
    return None
# An item number inside a long paragraph, after the end of a sentence or a colon: "… hằng tháng. 2. Văn
# phòng Chính phủ …", "… như sau: I. VỀ …", "… 2025. b) Các Bộ: …", "… cụ thể: (1) Bộ Tài chính …".
_INLINE_ITEM = re.compile(
    r"(?<=[.:;!?)*])\s+(?:\*\*\s*)?(?=(?:[IVX]{1,4}\.|\d{1,2}\.(?:\d{1,2}\.)*|[a-zđ]\)|\(\d{1,2}\))\s*(?:\*\*)?\s*[A-ZĐÀ-Ỹ])"
    # after a title in capitals ("I. VỀ HOÀN THIỆN THỂ CHẾ 1. Bộ trưởng …"), and a letter item anywhere
    r"|(?<=[A-ZĐÀ-Ỹ]{2})\s+(?=\d{1,2}\.\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ])|(?<=\w)\s+(?=[a-zđ]\)\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ])"
)
_INLINE_MIN_CHARS = 600


def _inline_items(text: str, block: Block) -> list[Block]:
    """A long paragraph that lost its line breaks (crawled or converted pages), cut at its item numbers."""
    if block.kind == "table" or block.end - block.start < _INLINE_MIN_CHARS:
        return [block]
    cuts = [m.end() for m in _INLINE_ITEM.finditer(text, block.start, block.end)]
    if len(cuts) < 2:
        return [block]
    out: list[Block] = []
    bounds = [block.start] + cuts + [block.end]
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        if not piece.strip():
            continue
        kind = block.kind if a == block.start else "list_item"
        out.append(Block(kind, piece, a, b, block.page, block.level, block.numbering if a == block.start else None,
                         None, block.style))
    return out


def _label_only(body: str) -> bool:
    """A short title with no verb and no end punctuation ("Trách nhiệm chung", "Mục đích")."""
    words = body.strip(" *").split()
    return (0 < len(words) <= 5 and not re.search(r"[.;:!?]$", body.strip(" *"))
            and not _task_verb_regex().match(body) and head_at(body, 0) is None)


@lru_cache(maxsize=1)
def _task_verb_regex() -> re.Pattern[str]:
    verbs = sorted(lexicon()["task_verbs"], key=len, reverse=True)
    return re.compile(r"[\s,]*(?:" + "|".join(re.escape(v) for v in verbs) + r")(?!\w)", re.I)


def _task_verb_at(sent: str, pos: int) -> bool:
    """A duty verb right after the agency phrase ("… tiếp tục huy động", "… rà soát"); an assignment
    verb there makes the agency the one who assigns ("UBND tỉnh giao …"), not a duty-bearer."""
    skip = re.match(r"[\s,]*", sent[pos:]).end()
    if cue_regex("assigner_verbs").match(sent, pos + skip) or cue_regex("leader_assigner_verbs").match(sent, pos + skip):
        return False
    return bool(_task_verb_regex().match(sent, pos))


def _statement(sent: str) -> bool:
    """ "Kinh phí … được bố trí …", "Nguồn vốn do … bảo đảm": a funding statement in the passive."""
    opener = cue_regex("statement_openers").match(sent.lstrip(" -–*•"))
    if not opener:
        return False
    clause = re.split(r"[;.]", sent.lstrip(" -–*•")[opener.end():], maxsplit=1)[0]
    return bool(re.search(r"(?<!\w)(?:được|do|từ)(?!\w)", clause)) and not re.search(r"(?<!\w)(?:phải|cần)(?!\w)", clause)


def _assigner_matches(sent: str) -> list[re.Match[str]]:
    """Assignment verbs of a sentence, plus "chỉ đạo" when a leader is its subject and no other
    assignment verb comes first ("Chủ tịch UBND thành phố chỉ đạo các sở …")."""
    found = [m for m in cue_regex("assigner_verbs").finditer(sent) if not _policy_measure(sent, m)]
    for m in cue_regex("leader_assigner_verbs").finditer(sent):
        if re.match(r"\s+(?:của|tại|và)(?!\w)", sent[m.end():]) or any(f.start() < m.start() for f in found):
            continue
        if cue_regex("leaders").search(sent, max(0, m.start() - 80), m.start()):
            found.append(m)
    return sorted(found, key=lambda m: m.start())


def _policy_measure(sent: str, m: re.Match[str]) -> bool:
    """ "… chính sách khuyến khích doanh nghiệp đầu tư …", "…, đặt hàng doanh nghiệp phát triển …": a
    measure the plan takes, not an instruction, unless the verb opens the sentence or follows the
    authority that issues it ("UBND tỉnh khuyến khích …")."""
    if fold(m.group(0)) not in {"khuyen khich", "dat hang"} or not sent[:m.start()].strip(" -–*•"):
        return False
    before = sent[:m.start()].rstrip()
    if re.search(r"^(?:\W*(?:[\dIVXa-zđ]+[.)]\s*)?)?(?:Cụ thể|Đồng thời|Ngoài ra|Theo đó|Bên cạnh đó)?\W*$", before):
        return False
    return not re.search(r"(?:UBND|Ủy ban nhân dân|Chủ tịch|Thủ tướng|Chính phủ|tỉnh|thành phố)(?:\s+\S+){0,2}\s*(?:cũng\s+)?$", before)


def alternation_closers() -> str:
    return "|".join(re.escape(w) for w in lexicon()["leadin_closers"])


def _dedupe(cands: list[Candidate], *, press: bool = False) -> list[Candidate]:
    """One record per (agency, task): a repeat keeps the table row, else the first statement.

    In a press article a paraphrase counts as a repeat too (the lead paragraph restates a body
    assignment): same agency and role, most words shared, no conflicting deadline; the longer stays.
    """
    kept: list[Candidate] = []
    index: dict[tuple[str, str], int] = {}
    for c in cands:
        key = (fold(c.agency), fold(re.sub(r"\W+", " ", c.task)).strip())
        if key in index:
            prev = kept[index[key]]
            if c.rule.startswith("table") and not prev.rule.startswith("table"):
                kept[index[key]] = c
            continue
        if press:
            twin = next((i for i, k in enumerate(kept) if _paraphrase(k, c)), None)
            if twin is not None:
                if len(c.task) > len(kept[twin].task):
                    kept[twin] = c
                continue
        index[key] = len(kept)
        kept.append(c)
    return kept


def _paraphrase(a: Candidate, b: Candidate) -> bool:
    if fold(a.agency) != fold(b.agency) or a.role != b.role:
        return False
    ta, tb = set(re.findall(r"\w+", fold(a.task))), set(re.findall(r"\w+", fold(b.task)))
    if not ta or not tb or len(ta & tb) / min(len(ta), len(tb)) < 0.75:
        return False
    da, db = timing.to_gold_code(a.deadline), timing.to_gold_code(b.deadline)
    return da is None or db is None or da == db


def extract_candidates(doc: Document, *, ref_date: date | None = None, gate: bool = True) -> list[Candidate]:
    """Every candidate (agency, task) of a document, deduplicated, before the scorer decides.

    With ``gate`` (the default) candidates inside what ``gating`` reads as description (a descriptive page,
    a background section) are dropped; ``extraction_report`` says why.
    """
    return _candidates(doc, ref_date, gate)[0]


def _candidates(doc: Document, ref_date: date | None, gate: bool):
    press = doc.media_type == "text/html" or (doc.metadata.doc_type or "") == "Bài báo"
    cands = _dedupe(_Extractor(doc, ref_date).run(), press=press)
    if not gate:
        return cands, None
    from parlens.task_extraction import gating

    kept, verdict = gating.apply(doc, cands)
    return kept, verdict


def to_tasks(cands: list[Candidate], doc: Document, ref_date: date | None = None) -> list[Task]:
    """Candidates as ``Task`` records: the agency resolved on the reference date, the page looked up."""
    on = ref_date or doc.metadata.issued_on
    tasks: list[Task] = []
    for c in cands:
        agency_id, agency_name = _resolve_in_context(doc, c, on)
        tasks.append(Task(agency=c.agency, role=c.role, task=c.task, start=c.start, end=c.end,
                          page=doc.page_at(c.start), agency_id=agency_id, agency_name=agency_name,
                          deadline=c.deadline, rule=c.rule))
    return tasks


def _resolve_in_context(doc: Document, c: Candidate, on: date | None) -> tuple[str | None, str | None]:
    """The body a candidate's agency names: a member of an elliptical list ("Các Bộ: Tài chính, Y tế")
    is read where it stands, so "Tài chính" is Bộ Tài chính there, not Sở Tài chính."""
    if head_at(c.agency, 0) is None and 0 <= c.agency_start < len(doc.text):
        from parlens.nlp.agencies import find_agencies

        line_start = max(doc.text.rfind("\n", 0, c.agency_start) + 1, c.agency_start - 300)
        window = doc.text[line_start:c.agency_start + len(c.agency) + 1]
        at = c.agency_start - line_start
        for m in find_agencies(window, on=on):
            if m.start <= at < m.end and m.agency_id:
                return m.agency_id, m.name
        shared = list(ELLIPTICAL_HEAD.finditer(window, 0, at))
        if shared:  # "các Tập đoàn: Bưu chính Viễn thông Việt Nam" names Tập đoàn Bưu chính Viễn thông Việt Nam
            agency_id, name = resolve(f"{shared[-1].group('head')} {c.agency}", on=on)
            if agency_id:
                return agency_id, name
    return resolve(c.agency, on=on)


@dataclass
class ExtractionReport:
    """Tasks with what the gate and the scorer decided: why a page or a section gave nothing."""

    tasks: list[Task]
    candidates: int  # proposed by the rules
    gated: int  # dropped as description
    scored_out: int  # dropped by the scorer
    verdict: object | None  # gating.GateVerdict


def extraction_report(doc: Document, *, ref_date: date | None = None, gate: bool = True,
                      score: bool = True) -> ExtractionReport:
    """Candidates from the rules, the description gate, then the learned scorer (``scorer.keep``)."""
    from parlens.task_extraction import scorer

    cands, verdict = _candidates(doc, ref_date, gate)
    proposed = len(cands) if verdict is None else len(cands) + _gated_count(verdict)
    kept = scorer.keep(cands, doc, ref_date) if score else cands
    return ExtractionReport(to_tasks(kept, doc, ref_date), proposed, proposed - len(cands), len(cands) - len(kept),
                            verdict)


def _gated_count(verdict) -> int:
    return int(getattr(verdict, "evidence", {}).get("candidates_dropped", 0) or 0)


def extract_tasks(doc: Document, *, ref_date: date | None = None) -> list[Task]:
    """Tasks of a document: one record per (agency, task), each with its span, role and deadline.

    A page that reads as description yields none, and the reason is added to ``doc.warnings``.
    """
    report = extraction_report(doc, ref_date=ref_date)
    verdict = report.verdict
    if verdict is not None and (verdict.document_descriptive or verdict.skipped_spans):
        note = f"PARLENS-W006 Trích xuất nhiệm vụ: {verdict.reason_vi}"
        if (verdict.document_descriptive or report.gated) and note not in doc.warnings:
            doc.warnings.append(note)
    return report.tasks
