"""Whether a document, and each section of it, reads as description: a gate in front of the task list.

An encyclopedia page, a legal Q&A that explains a law, a statistics summary, a biography or the
background of a press story assigns nothing, yet its sentences can look like "<body> <verb> …" to the
extractor. ``assess`` weighs evidence that can be shown to a user:

- the form of an official document: an assigning type (Kế hoạch, Chỉ thị, Công văn …) with its own number
  ("Số: 12/KH-UBND"), the national motto in the header, "Kính gửi", "Nơi nhận", a signing authority;
- assignment cues per sentence: an assigner verb with an addressee ("giao Sở Nội vụ", "yêu cầu các sở"),
  a lead-in to a list of instructions ("… các nội dung sau:"), role cues (chủ trì, phối hợp), deadlines
  ("trước ngày 15/12"), a body in subject position with a duty ("Sở Tư pháp có trách nhiệm …"), an item
  that opens with an imperative verb ("Rà soát, cập nhật …"), a task table with a chủ trì column;
- descriptive cues per sentence: past markers, years before 2000, the copula "là", statistics, places,
  biography, and the explanation of a law ("Theo quy định tại Điều 15 Luật …", "Hỏi: … Trả lời: …").

The document-level rule, first match wins (``evidence["rule"]``):

1. ``official form``: an assigning type with its own number, motto or closing is never descriptive as a
   whole (only its background sections are read);
2. ``legal Q&A``: question/answer markers and sentences explaining a law make a page descriptive;
3. ``encyclopedia form``: sections titled "Xem thêm", "Tham khảo", "Liên kết ngoài" make a page descriptive
   whatever it reports;
4. ``operative section``: a section such as "TỔ CHỨC THỰC HIỆN" holding a present assignment sentence
   makes the document assigning;
5. ``too short to judge``: under ``document_min_sentences`` sentences, never descriptive;
6. ``page model``: a logistic model over the share of sentences with any assignment cue and with a strong
   one (``data/gating_model.json``, trained and cross-validated by ``gating_train``); below its threshold
   the page is descriptive.

A page that is not descriptive still loses its background sections: a section whose title announces
background ("THỰC TRẠNG", "Kết quả đạt được", "Lịch sử") and none of whose sentences assigns in the present
tense. Press paragraphs are never skipped one by one: subjectless items and area lists after a lead-in carry
no cue of their own. Cue words and patterns live in ``data/gating.json``.

Wiring (one call, after the candidates are made): ``kept, verdict = apply(doc, candidates)``.

>>> from parlens.task_extraction.textdoc import document_from_text
>>> page = document_from_text(
...     "Bệnh viện Đa khoa tỉnh được thành lập năm 1957. Bệnh viện có 850 giường bệnh và 34 khoa, phòng. "
...     "Năm 2015, bệnh viện thực hiện ca ghép thận đầu tiên. Bệnh viện là cơ sở thực hành của Trường Đại học Y Hà Nội. "
...     "Khuôn viên rộng 6 ha, nằm bên bờ sông Lam. Mỗi ngày bệnh viện tiếp nhận khoảng 1.500 lượt khám. "
...     "Năm 2020, bệnh viện được công nhận hạng I.")
>>> verdict = assess(page)
>>> verdict.document_descriptive, verdict.evidence["rule"]
(True, 'page model')
>>> plan = document_from_text("Giao Sở Nội vụ chủ trì tổng hợp kết quả, báo cáo trước ngày 15/12/2025.")
>>> assess(plan).document_descriptive, assess(plan).evidence["rule"]
(False, 'too short to judge')
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Protocol, Sequence

from parlens.model import Document
from parlens.nlp.normalize import fold
from parlens.nlp.segment import split_sentences
from parlens.task_extraction.addressees import head_at, phrase_end
from parlens.task_extraction.lexicon import alternation, lexicon

ASSIGNMENT_CUES = ("assign", "leadin", "execution", "role", "deadline", "duty", "imperative", "task_table")
_ASSIGNMENT_SET = frozenset(ASSIGNMENT_CUES)
STRONG_CUES = frozenset({"assign", "leadin", "execution", "task_table"})
DESCRIPTIVE_CUES = ("past", "old_year", "copula", "statistic", "law", "biography", "place")


class SpanLike(Protocol):
    """What the gate reads of a candidate: its character span in ``Document.text``."""

    start: int
    end: int


@dataclass
class SentenceCues:
    """One sentence (or table row) and the cue kinds found in it."""

    start: int
    end: int
    cues: frozenset[str]

    @property
    def assigns(self) -> bool:
        return not self.cues.isdisjoint(_ASSIGNMENT_SET)


@dataclass
class Section:
    """The span under a title up to the next title of the same or a higher level."""

    title: str
    start: int
    end: int
    level: int
    kind: str  # "operative" | "background" | "other"
    parent: int | None = None  # index of the enclosing section
    body_start: int = 0  # where the title block ends


@dataclass
class GateVerdict:
    """The gate's decision with the evidence behind it.

    ``skipped_spans`` are (start, end, reason) ranges of ``Document.text`` whose candidates are dropped:
    the whole text when ``document_descriptive``, else the background sections.
    """

    document_descriptive: bool
    reason: str
    reason_vi: str
    evidence: dict[str, Any] = field(default_factory=dict)
    skipped_spans: list[tuple[int, int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"document_descriptive": self.document_descriptive, "reason": self.reason,
                "reason_vi": self.reason_vi, "evidence": self.evidence,
                "skipped_spans": [list(s) for s in self.skipped_spans]}


# ---------------------------------------------------------------------------------------------- cues

@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The gate's cue lists and model weights, loaded once from ``data/gating.json``."""
    text = resources.files("parlens.task_extraction").joinpath("data/gating.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _word_kinds() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One alternation of every cue word (lower case) and the kinds each word stands for.

    A sentence is scanned once; a longer word also carries the kinds of the listed words inside it
    ("có trách nhiệm" is deontic and, through "trách nhiệm", a lead-in word).
    """
    c, lx = cues(), lexicon()
    assigners = set(lx["assigner_verbs"]) | set(lx["leader_assigner_verbs"]) | set(c["extra_assigner_verbs"])
    assigners -= {"khuyến khích"}  # a policy measure as often as an instruction
    lists = {"assigner": assigners, "leadin_verb": c["leadin_verbs"], "leadin_closer": lx["leadin_closers"],
             "role": c["role_cues"], "deontic": c["deontic_cues"], "past": c["past_markers"],
             "biography": c["biography_markers"], "place": c["place_markers"], "law": c["law_explanation_markers"],
             "copula": ["là"], "passive": ["được"], "execution": lx["execution_clause"],
             "deadline": c["deadline_phrases"]}
    kinds: dict[str, set[str]] = {}
    for kind, ws in lists.items():
        for w in ws:
            kinds.setdefault(w.lower().strip(), set()).add(kind)
    for w in list(kinds):
        for v in list(kinds):
            if v != w and re.search(rf"(?<!\w){re.escape(v)}(?!\w)", w):
                kinds[w] |= kinds[v]
    return re.compile(r"(?<!\w)(?:" + _trie(list(kinds)) + r")(?!\w)"), {w: frozenset(k) for w, k in kinds.items()}


def _trie(words: list[str]) -> str:
    """A regex alternation of ``words`` folded into a prefix tree: the same matches as a longest-first
    alternation, about three times faster on a few hundred words.

    >>> _trie(["lập", "là", "lĩnh", "lĩnh vực"]).replace(chr(92), "")
    'l(?:à|ĩnh(?: vực)?|ập)'
    """
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (f"(?:{body})?" if len(branches) == 1 else body + "?")
        return body

    return build(root)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled cues other than the word index. They match lower-cased text except where noted."""
    c = cues()
    bridges = "|".join(re.escape(b) for b in sorted(c["addressee_bridges"], key=len, reverse=True))
    passive = "|".join(re.escape(w) for w in sorted(c["passive_assigner_verbs"], key=len, reverse=True))
    form = {k: re.compile(v, re.M) for k, v in c["form_patterns"].items()}
    return {
        "assigner_tail": re.compile(r"[”\"]?(?:\s*,\s*(?:giao|yêu cầu|đề nghị|chỉ đạo)(?!\w))?"
                                    rf"(?:\s+(?:{bridges})(?!\w))*\s+(?:\d{{1,3}}\s+)?"),
        "assigner_not_after": re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(w) for w in c["assigner_not_after"])
                                         + r")\s+$"),
        "proposer": re.compile(r"(?<!\w)(?:xét|theo)\s+$"),
        "passive": re.compile(rf"\s*(?:(?:cũng|đã|sẽ)\s+)?được\s+(?:[^\s.,;:!?]+\s+){{0,6}}?[“\"]?(?:{passive})(?!\w)[”\"]?\s*"),
        "passive_not_before": re.compile(alternation(c["passive_not_before"])),
        "collective_subject": re.compile(r"(?:\d{1,3}\s+)?" + alternation(c["collective_subjects"])),
        "role_not_before": re.compile(r"\s+(?:" + "|".join(re.escape(w) for w in c["role_not_before"]) + r")(?!\w)"),
        "deadline": re.compile("|".join(f"(?:{p})" for p in c["deadline_patterns"])),
        "imperative": re.compile(alternation([w[:1].upper() + w[1:] for w in c["imperative_openers"]])),  # cased
        "law_article": re.compile(c["law_article_pattern"].lower()),
        "described_list": re.compile(c["described_list_pattern"]),
        "generic_subject": re.compile(alternation(c["generic_subjects"])),
        "statistic": re.compile(c["statistic_pattern"]),
        "old_year": re.compile(c["old_year_pattern"]),
        "digit": re.compile(r"\d"),
        "qa_line": re.compile(r"^\W{0,4}(?:" + "|".join(re.escape(w) for ws in ([x, x.upper()] for x in c["qa_line_openers"])
                                                      for w in ws) + r")\s*(?::|$)", re.M),  # cased text
        "qa_phrase": re.compile(alternation(c["qa_phrases"])),
        "operative_title": re.compile(r"^(?:" + "|".join(re.escape(fold(w)) for w in c["operative_titles"]) + r")\b"),
        "operative_document_title": re.compile(r"^(?:" + "|".join(re.escape(fold(w)) for w in c["operative_document_titles"]) + r")\b"),
        "reference_title": re.compile(r"^(?:" + "|".join(re.escape(fold(w)) for w in c["reference_section_titles"]) + r")$"),
        "background_title": re.compile(r"^(?:" + "|".join(re.escape(fold(w)) for w in c["background_titles"]) + r")\b"),
        **{f"form_{k}": v for k, v in form.items()},  # cased text
    }


_NUMBERING = re.compile(r"^\s*(?:[#*_]+\s*)?(?:(?:Phần|Chương|Mục|PHẦN|CHƯƠNG|MỤC)\s+[\dIVXLC]+\s*[.:]?|[IVXLC]+\.|"
                        r"\d{1,3}(?:\.\d{1,3})*[.)]?(?=\s)|[a-zđ]\)|\(\d{1,3}\)|[-+•–*▪●])\s*(?:\*\*)?\s*")
_OPENER = re.compile(r"(?:(?:Cụ thể|Đồng thời|Ngoài ra|Theo đó|Bên cạnh đó|Riêng|Mặt khác)\s*,?\s*)")
_COUNT = re.compile(r"\d{1,3}\s+")
_WORD_START = re.compile(r"(?<!\w)\w")
_ITEM = re.compile(r"\s*(?:[-+•–*▪●]|\d{1,3}[.)]|[a-zđ]\))\s")
_WEAK_CUES = frozenset({"imperative", "role", "deadline", "duty"})


def _subject_before(body: str, low: str, at: int) -> bool:
    """A body whose name runs up to ``at`` (a passive "được …"): "Các sở … cũng được đặt hàng"."""
    collective = _patterns()["collective_subject"]
    for w in _WORD_START.finditer(body, max(0, at - 120), at):
        k = w.start()
        if head_at(body, k) or collective.match(low, k):
            if phrase_end(body, k) >= at - 6:
                return True
    return False
_ROMAN = re.compile(r"^\s*(?:\*\*)?\s*(?:[IVXLC]+\.|(?:Phần|Chương|PHẦN|CHƯƠNG)\s+[\dIVXLC]+)")
_ARTICLE = re.compile(r"^\s*(?:\*\*)?\s*Điều\s+\d+")
_SUB = re.compile(r"^\s*(?:\*\*)?\s*(\d{1,3}(?:\.\d{1,3})*)[.)]?\s")


def sentence_cues(text: str, start: int, end: int) -> frozenset[str]:
    """Cue kinds of the sentence ``text[start:end]`` (``text`` with newlines as spaces).

    >>> t = "Giao Sở Nội vụ chủ trì tổng hợp, báo cáo trước ngày 15/12/2025."
    >>> sorted(sentence_cues(t, 0, len(t)))
    ['assign', 'deadline', 'imperative', 'role']
    """
    p, c = _patterns(), cues()
    sent = text[start:end]
    m = _NUMBERING.match(sent)
    pos = m.end() if m else 0
    o = _OPENER.match(sent, pos)
    pos = o.end() if o else pos
    count = _COUNT.match(sent, pos)
    if count and head_at(sent, count.end()):
        pos = count.end()  # "7 sở, ngành được … giao …"
    body = sent[pos:]
    low = body.lower()
    if len(low) != len(body):  # a character whose lower case is longer: keep offsets aligned
        low = "".join(ch.lower()[:1] for ch in body)
    index, kinds_of = _word_kinds()
    hits = [(m.start(), m.end(), kinds_of[m.group(0)]) for m in index.finditer(low)]
    present = frozenset().union(*(k for _, _, k in hits)) if hits else frozenset()
    found: set[str] = set()
    past, law = "past" in present, "law" in present
    if not law and "điều" in low:
        law = bool(p["law_article"].search(low))
    if "assigner" in present:
        for hs, he, kinds in hits:
            if "assigner" not in kinds:
                continue
            before = low[max(0, hs - 14):hs]
            if p["proposer"].search(before) or p["assigner_not_after"].search(before):
                continue  # "Xét đề nghị của …" names the proposer; "bàn giao cho", "có quyền yêu cầu" assign nothing
            tail = p["assigner_tail"].match(low, he)
            if tail and head_at(body, tail.end()):
                found.add("assign")
                break
    subject_end = phrase_end(body, 0) if head_at(body, 0) else None
    if "assign" not in found and "passive" in present:
        for pm in p["passive"].finditer(low):
            if not p["passive_not_before"].match(low, pm.end()) and _subject_before(body, low, pm.start()):
                found.add("assign")  # "7 sở, ngành được Chủ tịch UBND tỉnh giao nhiệm vụ …"
                break
    if low.rstrip(" *").endswith(":"):
        if p["described_list"].search(low):
            found.add("described_list")  # "Ban có các nhiệm vụ chủ yếu sau:" describes functions
        elif not past and ("leadin_verb" in present or (subject_end is not None and "leadin_closer" in present)):
            found.add("leadin")
    roles = [(hs, he) for hs, he, k in hits if "role" in k and not p["role_not_before"].match(low, he)
             and not law]
    if roles:
        found.add("role")  # "chủ trì, phối hợp với …", not "chủ trì hội nghị"
    digits = bool(p["digit"].search(low))
    if "execution" in present:
        found.add("execution")  # "… chịu trách nhiệm thi hành Quyết định này"
    if not law and ("deadline" in present or (digits and p["deadline"].search(low))):
        found.add("deadline")  # a time limit a law sets ("trong thời hạn 10 ngày") is explained, not given
    generic = subject_end is not None and bool(p["generic_subject"].match(low))
    if subject_end is not None and not past and not law and not generic:
        window = subject_end + c["duty_window"]
        cue = next(((hs, he) for hs, he, k in hits if subject_end <= hs < window
                    and ("deontic" in k or (hs, he) in roles)), None)
        rest = low[cue[1]:].split() if cue else []
        if cue and len(rest) >= 3 and rest[0] != "là":
            found.add("duty")  # "Sở Tư pháp có trách nhiệm rà soát …", not "Phòng Hậu cần", "… tiếp tục là …"
    if p["imperative"].match(body) and not past and len(low.split()) >= c["imperative_min_words"]:
        found.add("imperative")
    old_year = digits and bool(p["old_year"].search(low))
    if old_year or low.rstrip(" *").endswith("?"):
        found -= set(ASSIGNMENT_CUES)  # history ("Trước ngày 31 tháng 3 năm 1996"), or a question
    if past:
        found.add("past")
    if law:
        found.add("law")
    if old_year:
        found.add("old_year")
    found.update(k for k in ("biography", "place") if k in present)
    if digits and p["statistic"].search(low):
        found.add("statistic")
    if any("copula" in k and hs < 160 for hs, _, k in hits):
        found.add("copula")
    return frozenset(found)


# ------------------------------------------------------------------------------------------ structure

def _title_of(block_text: str, kind: str, level: int) -> tuple[int, str] | None:
    """(level, title) when a block is a section title, else None."""
    raw = block_text.strip()
    if not raw or len(raw) > 200:
        return None
    text = raw.strip("*_ ").strip()
    md = re.match(r"^(#{1,6})\s*(.+)$", text)
    if md:
        return len(md.group(1)), md.group(2).strip("*_ ")
    upper = text.isupper() and sum(ch.isalpha() for ch in text[:12]) >= 3
    if _ARTICLE.match(raw):
        return 2, text
    if _ROMAN.match(raw) and len(text) < 160:
        return 1, text
    if kind == "heading":
        return max(1, min(level or 1, 6)), text
    if upper and len(text) < 160:
        return 1, text
    sub = _SUB.match(raw)
    if sub and len(text) < 120 and not re.search(r"[.;,]$", text):
        body = _NUMBERING.sub("", raw, count=1).strip("*_ :")
        f = fold(body)
        p = _patterns()
        if p["background_title"].match(f) or p["operative_title"].match(f):
            return 2 + sub.group(1).count("."), body
    if raw.startswith("**") and raw.rstrip(":").endswith("**") and len(text) < 120 and not text.endswith("."):
        return 4, text
    return None


def _classify_title(title: str) -> str:
    p = _patterns()
    f = fold(_NUMBERING.sub("", title, count=1).strip("*_ :#"))
    if _ARTICLE.match(title) or p["operative_title"].match(f):
        return "operative"
    if p["background_title"].match(f):
        return "background"
    return "other"


def _is_task_table(block) -> bool:
    from parlens.task_extraction.tables import header_columns

    for row in (block.rows or [])[:3]:
        cols = header_columns(row)
        if "task" in cols and ("lead" in cols or "support" in cols):
            return True
    return False


@dataclass
class Reading:
    """Sentences with their cues, and the sections of a document."""

    sentences: list[SentenceCues]
    sections: list[Section]


def read_sections(doc: Document) -> list[Section]:
    """The titled sections of ``doc``: markdown, upper-case, Roman-numbered and article titles, heading blocks,
    and numbered titles that announce background or instructions ("1. Thực trạng", "2. Nhiệm vụ")."""
    titles = [(block.start, block.end, *title) for block in doc.blocks if block.kind != "table"
              and (title := _title_of(block.text, block.kind, block.level))]
    sections: list[Section] = []
    stack: list[int] = []
    for i, (start, title_end, level, title) in enumerate(titles):
        end = len(doc.text)
        for start2, _, level2, _ in titles[i + 1:]:
            if level2 <= level:
                end = start2
                break
        while stack and sections[stack[-1]].level >= level:
            stack.pop()
        sections.append(Section(title[:160], start, end, level, _classify_title(title), stack[-1] if stack else None,
                                title_end))
        stack.append(len(sections) - 1)
    return sections


def read_sentences(doc: Document, within: Sequence[tuple[int, int]] | None = None) -> list[SentenceCues]:
    """Every sentence (and table row) of ``doc`` with its cues; only those of blocks starting inside
    ``within`` when given."""
    text = doc.text.replace("\n", " ")
    sentences: list[SentenceCues] = []
    described = False  # inside the items of "… có các nhiệm vụ sau:"
    for block in doc.blocks:
        if within is not None and not any(s <= block.start < e for s, e in within):
            continue
        if block.kind == "table":
            if _is_task_table(block):
                sentences.append(SentenceCues(block.start, block.end, frozenset({"task_table"})))
                continue
            for row in block.rows or []:
                if row and row[-1].end > row[0].start:
                    s, e = row[0].start, row[-1].end
                    sentences.append(SentenceCues(s, e, sentence_cues(text, s, e)))
            continue
        item = block.kind == "list_item" or bool(_ITEM.match(block.text))
        if not item or _title_of(block.text, block.kind, block.level):
            described = False  # a paragraph or a title ends the list of described functions
        for s, e in split_sentences(doc.text[block.start:block.end]):
            s0, e0 = block.start + s, block.start + e
            if e0 - s0 >= 12:
                found = sentence_cues(text, s0, e0)
                if described and item:
                    found = found - _WEAK_CUES
                sentences.append(SentenceCues(s0, e0, found))
                if "described_list" in found:
                    described = True
    return sentences


def read_structure(doc: Document) -> Reading:
    """Every sentence of ``doc`` with its cues, and the titled sections around them."""
    return Reading(read_sentences(doc), read_sections(doc))


# -------------------------------------------------------------------------------------------- evidence

def form_evidence(doc: Document) -> dict[str, Any]:
    """Header and footer facts of an official document, each shown as found (or absent)."""
    p, c = _patterns(), cues()
    head, tail = doc.text[:c["form_head_chars"]], doc.text[-c["form_tail_chars"]:]
    meta = doc.metadata
    number = meta.number
    if not number:
        m = p["form_own_number"].search(head)
        number = m.group(0).strip(" :") if m else None
    return {
        "doc_type": meta.doc_type,
        "assigning_type": bool(meta.doc_type and meta.doc_type in c["assigning_doc_types"]),
        "own_number": number,
        "national_motto": bool(p["form_national_motto"].search(head)),
        "kinh_gui": bool(p["form_kinh_gui"].search(doc.text)),
        "noi_nhan": bool(p["form_noi_nhan"].search(tail)),
        "signing_authority": bool(p["form_signing_authority"].search(tail)),
        "press": doc.media_type == "text/html" or meta.doc_type == "Bài báo",
    }


def is_official(form: dict[str, Any]) -> bool:
    """An assigning type with its own number or header, or a letter (Kính gửi) with a number or motto."""
    header = bool(form["own_number"]) or form["national_motto"]
    closing = form["noi_nhan"] or form["signing_authority"]
    if form["assigning_type"] and (header or closing):
        return True
    return bool(form["kinh_gui"] and header and closing)


def cue_counts(sentences: Sequence[SentenceCues]) -> dict[str, int]:
    """How many sentences carry each cue kind, and how many carry any assignment cue."""
    tally = Counter(k for s in sentences for k in s.cues)
    out = {k: tally.get(k, 0) for k in ASSIGNMENT_CUES + DESCRIPTIVE_CUES}
    out["any_assignment"] = sum(1 for s in sentences if s.assigns)
    return out


def model_features(reading: Reading, doc: Document) -> dict[str, float]:
    """Page features: the share of sentences with each cue kind, with any assignment cue (``any_assignment``)
    and with a strong one (``strong_share``: an assigner verb with its addressee, a lead-in, an execution
    clause, a task table), plus the count of question/answer markers (``qa_markers``)."""
    n = len(reading.sentences) or 1
    counts = cue_counts(reading.sentences)
    feats = {k: v / n for k, v in counts.items()}
    feats["strong_share"] = sum(1 for s in reading.sentences if s.cues & STRONG_CUES) / n
    feats["qa_markers"] = float(_qa_markers(doc))
    feats["sentences"] = float(len(reading.sentences))
    return feats


def _qa_markers(doc: Document) -> int:
    """How many question/answer markers ("Hỏi:", "Trả lời:", "xin hỏi") the page has."""
    low = doc.text.lower()
    if not any(k in low for k in cues()["qa_keywords"]):
        return 0
    p = _patterns()
    return len(p["qa_line"].findall(doc.text)) + len(p["qa_phrase"].findall(low))


@lru_cache(maxsize=1)
def page_model() -> dict[str, Any]:
    """The logistic page model written by ``gating_train`` (``data/gating_model.json``), loaded once."""
    text = resources.files("parlens.task_extraction").joinpath("data/gating_model.json").read_text("utf-8")
    return json.loads(text)


def score(features: dict[str, float]) -> float:
    """Probability that the page assigns work, from the logistic page model."""
    model = page_model()
    z = model["intercept"]
    for name, w in model["weights"].items():
        mu, sd = model["scale"][name]
        z += w * (features[name] - mu) / sd
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------------------------------------- gate

def _reference_sections(reading: Reading) -> list[str]:
    """Titles such as "Xem thêm", "Tham khảo", "Liên kết ngoài": the apparatus of an encyclopedia article."""
    pattern = _patterns()["reference_title"]
    return [sec.title for sec in reading.sections if pattern.match(fold(sec.title.strip("#*_ :[]")))]


def _operative_section(reading: Reading) -> str | None:
    """The title of a section such as "TỔ CHỨC THỰC HIỆN" that holds a present assignment sentence."""
    pattern = _patterns()["operative_document_title"]
    for sec in reading.sections:
        if not pattern.match(fold(_NUMBERING.sub("", sec.title, count=1).strip("*_ :#"))):
            continue
        if any(s.assigns and "past" not in s.cues for s in reading.sentences if sec.start <= s.start < sec.end):
            return sec.title
    return None


def _section_skips(reading: Reading, doc: Document) -> list[tuple[int, int, str, str]]:
    """Background sections with no assignment cue: (start, end, title, why)."""
    out = []
    min_n = cues()["section_min_sentences"]
    for sec in reading.sections:
        if sec.kind != "background":
            continue
        ancestors, j = [], sec.parent
        while j is not None:
            ancestors.append(reading.sections[j])
            j = reading.sections[j].parent
        if any(a.kind == "operative" for a in ancestors):
            continue
        inside = [s for s in reading.sentences if sec.body_start <= s.start < sec.end]
        # A past assignment ("UBND tỉnh đã giao Sở Nội vụ …") is reported background, not an instruction.
        if len(inside) < min_n or any(s.assigns and "past" not in s.cues for s in inside):
            continue
        if any(out_s <= sec.start < out_e for out_s, out_e, _, _ in out):
            continue
        out.append((sec.start, sec.end, sec.title, f"{len(inside)} sentences, none assigns"))
    return out


def assess(doc: Document, candidates: Iterable[SpanLike] = ()) -> GateVerdict:
    """Decide from evidence whether ``doc`` (or a section of it) is description, not instruction.

    ``candidates`` only feed the evidence (how many the gate would drop); the decision rests on the text.
    """
    c = cues()
    form = form_evidence(doc)
    official = is_official(form)
    if official:
        # Never descriptive as a whole: only the sentences of background sections need reading.
        sections = read_sections(doc)
        reading = Reading(read_sentences(doc, [(x.start, x.end) for x in sections if x.kind == "background"]),
                          sections)
    else:
        reading = read_structure(doc)
    feats = model_features(reading, doc)
    n = len(reading.sentences)
    counts = cue_counts(reading.sentences)
    strong_n = round(feats["strong_share"] * (n or 1))
    threshold = page_model()["threshold"]
    p_assigns = None if official else score(feats)
    legal_qa = feats["qa_markers"] >= c["qa_min_markers"] and feats["law"] >= c["qa_min_law_share"]
    operative = None if official else _operative_section(reading)
    references = [] if official else _reference_sections(reading)
    short = n < c["document_min_sentences"]
    if official:
        rule = "official form"
    elif legal_qa:
        rule = "legal Q&A"
    elif references:
        rule = "encyclopedia form"
    elif operative:
        rule = "operative section"
    elif short:
        rule = "too short to judge"
    else:
        rule = "page model"
    descriptive = rule in ("legal Q&A", "encyclopedia form") or (
        rule == "page model" and p_assigns is not None and p_assigns < threshold)
    assigning_n = counts["any_assignment"]
    examples = [[s.start, s.end, sorted(k for k in s.cues if k in ASSIGNMENT_CUES)]
                for s in reading.sentences if s.assigns][:5]
    evidence: dict[str, Any] = {
        "rule": rule, "form": form, "official": official,
        "sentences_read": "background sections only" if official else "all", "sentences": n,
        "assignment_sentences": assigning_n, "strong_assignment_sentences": strong_n,
        "counts": counts, "shares": {k: round(v, 4) for k, v in feats.items() if k not in ("sentences", "qa_markers")},
        "qa_markers": int(feats["qa_markers"]), "p_assigns": None if p_assigns is None else round(p_assigns, 4),
        "threshold": threshold,
        "assignment_examples": examples,
        "sections": [{"title": s.title, "start": s.start, "end": s.end, "level": s.level, "kind": s.kind}
                     for s in reading.sections],
    }
    cand = list(candidates)
    if descriptive:
        kind = _page_kind(counts, n, feats, form)
        if rule == "legal Q&A":
            why = (f"a legal Q&A ({int(feats['qa_markers'])} question/answer markers, {counts['law']} sentences "
                   f"explaining a law)")
        elif rule == "encyclopedia form":
            why = "sections " + ", ".join(f"'{t}'" for t in references) + " mark an encyclopedia article"
        else:
            why = f"assignment score {p_assigns:.2f} < {threshold:.2f}"
        has_form = bool(form["own_number"] or form["national_motto"] or form["noi_nhan"])
        label = " ".join(x for x in (form["doc_type"], form["own_number"]) if x) or "document"
        form_en = (f"a {label} in official form, a type that reports rather than assigns" if has_form
                   else "no official-document form (own number, national motto, Kính gửi, Nơi nhận)")
        form_vi = (f"là {label}, loại văn bản báo cáo chứ không giao việc" if has_form
                   else "văn bản không có số hiệu, quốc hiệu, kính gửi hay nơi nhận")
        reason = (f"Descriptive page ({kind}): {form_en}; {assigning_n}/{n} sentences carry an assignment cue and "
                  f"{strong_n} a strong one (assigner verb with its addressee, lead-in, execution clause, task "
                  f"table); {why}.")
        cue_vi = (f"chỉ {assigning_n}/{n} câu có dấu hiệu giao việc (động từ giao việc, từ tình thái, chủ trì/phối "
                  f"hợp, thời hạn), {strong_n} câu giao việc cho một cơ quan cụ thể" if assigning_n
                  else f"không câu nào trong {n} câu có động từ giao việc, từ tình thái, chủ trì/phối hợp hay thời hạn")
        qa_vi = {"legal Q&A": " và có dạng hỏi – đáp giải thích quy định pháp luật",
                 "encyclopedia form": " và có các mục " + ", ".join(f"'{t}'" for t in references)
                                      + " của một bài bách khoa"}.get(rule, "")
        reason_vi = f"Trang mang tính mô tả ({_KIND_VI[kind]}), không giao nhiệm vụ: {cue_vi}{qa_vi}; {form_vi}."
        skipped = [(0, len(doc.text), f"descriptive document ({kind})")]
    else:
        if rule == "official form":
            label = " ".join(x for x in (form["doc_type"], form["own_number"]) if x) or "document"
            why, why_vi = f"official {label}", f"{label} có thể thức văn bản hành chính"
        elif rule == "operative section":
            why = f"operative section '{operative}' with assignment sentences, {assigning_n}/{n} in all"
            why_vi = f"có phần '{operative}' giao việc, {assigning_n}/{n} câu có dấu hiệu giao việc"
        elif rule == "too short to judge":
            why, why_vi = f"only {n} sentences, too short to judge", f"chỉ có {n} câu, quá ngắn để kết luận"
        else:
            why = f"{assigning_n}/{n} sentences carry an assignment cue, score {p_assigns:.2f} >= {threshold:.2f}"
            why_vi = f"{assigning_n}/{n} câu có dấu hiệu giao việc"
        sec = _section_skips(reading, doc)
        skipped = [(s, e, f"background section '{t}': {w}") for s, e, t, w in sec]
        reason = (f"Assigning document ({why})"
                  + (f"; skipped {len(sec)} background section{'s' if len(sec) > 1 else ''} with no present "
                     f"assignment sentence: " + "; ".join(f"'{t}' ({w})" for _, _, t, w in sec) if sec else "") + ".")
        reason_vi = (f"Văn bản có giao nhiệm vụ ({why_vi})"
                     + (f"; bỏ qua {len(sec)} phần mô tả bối cảnh không giao việc ("
                        + "; ".join(t for _, _, t, _ in sec) + ")" if sec else "") + ".")
    evidence["candidates"] = len(cand)
    evidence["candidates_dropped"] = sum(1 for x in cand if _inside(x, skipped))
    return GateVerdict(descriptive, reason, reason_vi, evidence, skipped)


_KIND_VI = {"encyclopedia": "bách khoa", "legal explanation": "giải thích pháp luật", "statistics": "thống kê",
            "biography": "tiểu sử", "narrative": "tường thuật", "press narrative": "bài báo tường thuật, bối cảnh"}


def _page_kind(counts: dict[str, int], n: int, feats: dict[str, float], form: dict[str, Any]) -> str:
    """A label for the reason only (the decision does not use it)."""
    n = n or 1
    if form["press"] and not feats["qa_markers"]:
        return "press narrative"
    if feats["qa_markers"] >= 1 or counts["law"] >= max(3, 0.15 * n):
        return "legal explanation"
    if counts["statistic"] >= 0.3 * n:
        return "statistics"
    if counts["biography"] >= 3 and counts["biography"] >= counts["place"]:
        return "biography"
    if counts["past"] >= 0.25 * n and counts["copula"] < 0.2 * n:
        return "narrative"
    return "encyclopedia"


def _inside(c: SpanLike, spans: Sequence[tuple[int, int, str]]) -> bool:
    return any(s <= c.start < e for s, e, _ in spans)


def apply(doc: Document, candidates: Sequence[SpanLike]) -> tuple[list, GateVerdict]:
    """Candidates outside the skipped spans, and the verdict (all are dropped on a descriptive page).

    >>> from parlens.task_extraction.textdoc import document_from_text
    >>> from parlens.task_extraction.extract import extract_candidates
    >>> doc = document_from_text("Giao Sở Tư pháp rà soát văn bản, hoàn thành trước ngày 30/6/2026.")
    >>> kept, verdict = apply(doc, extract_candidates(doc))
    >>> [c.agency for c in kept], verdict.document_descriptive
    (['Sở Tư pháp'], False)
    """
    verdict = assess(doc, candidates)
    kept = [c for c in candidates if not _inside(c, verdict.skipped_spans)]
    return kept, verdict


__all__ = ["GateVerdict", "Reading", "Section", "SentenceCues", "apply", "assess", "cue_counts", "cues",
           "form_evidence", "is_official", "model_features", "page_model", "read_sections", "read_sentences",
           "read_structure", "score", "sentence_cues"]
