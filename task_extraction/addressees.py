"""Addressee phrases: where an agency phrase starts and ends, and how a list of bodies splits.

An addressee phrase is the agency as written ("Giám đốc các sở, Thủ trưởng các ban, ngành").
It starts with an agency head ("Sở", "UBND", "Giám đốc", "các cơ quan", ...) and ends before the
first predicate verb written in lower case. A list splits into members at ";" and at ", " / " và "
when a new head follows; "Giám đốc các Sở: Nội vụ, Tư pháp" gives one member per department.

>>> [m.text for m in split_members("Liên đoàn Lao động, Hội Nông dân, Liên minh Hợp tác xã")]
['Liên đoàn Lao động', 'Hội Nông dân', 'Liên minh Hợp tác xã']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parlens.nlp.agencies import institution_verb_in_name
from parlens.nlp.normalize import fold
from parlens.task_extraction.lexicon import alternation, lexicon

# Single-word heads must be capitalised ("Sở", "Ban", "Bộ"), and not be the start of a common noun.
_SHORT_HEADS = ["Sở", "Ban", "Bộ", "Hội", "Báo", "Đài", "Cục", "Viện", "Trường", "Phòng", "Đoàn", "Quỹ", "Học viện",
                "Bệnh viện", "Công ty", "Hiệp hội"]
_NOT_AFTER_SHORT = (
    r"hành|nghị|thảo|viên|máy|dữ|chỉ số|tiêu chí|phận|cáo|trợ|luật|quy|câu|tài liệu|đội|ngũ|đầu|"
    r"kết|sung|trí|ngành|nhiệm|lãnh|trưởng|chính trị|thường|giao|đảng|tổng hợp|cục|mặt|công cụ"
)
_COLLECTIVE_NOUNS = (
    r"sở|ban|ngành|cơ quan|đơn vị|cấp|địa phương|doanh nghiệp|cơ sở|tổ chức|hội|trường|bộ|phòng|"
    r"ủy ban|uỷ ban|ubnd|thành viên|xã|huyện|ngân hàng|viện|đoàn thể|chi nhánh|hiệp hội"
)


_ROLE_CUE = re.compile(r"(?<=\s)(?:Chủ trì|Phối hợp|Tham mưu|Chịu trách nhiệm|Có trách nhiệm)(?!\w)")


@dataclass
class Member:
    """One body in an addressee phrase, with offsets relative to the phrase's text."""

    text: str
    start: int
    end: int
    collective: bool


@lru_cache(maxsize=1)
def _head_regex() -> re.Pattern[str]:
    long_heads = [
        h for h in lexicon()["agency_heads"] if fold(h) not in {fold(s) for s in _SHORT_HEADS} and h != "các"
    ]
    long_alt = "|".join(re.escape(h) for h in sorted(long_heads, key=len, reverse=True))
    short_alt = "|".join(_SHORT_HEADS)
    pattern = (
        rf"(?:(?i:(?:{long_alt}))(?!\w)"
        rf"|(?:{short_alt})(?!\w)(?!\s+(?i:{_NOT_AFTER_SHORT})(?!\w))"
        rf"|(?i:(?:các|những)\s+(?:{_COLLECTIVE_NOUNS}))(?!\w))"
    )
    return re.compile(pattern)


@lru_cache(maxsize=1)
def _verb_regex() -> re.Pattern[str]:
    words = lexicon()["task_verbs"] + lexicon()["predicate_cues"]
    # Lower case only: names are capitalised ("Ban Chỉ đạo", "Sở Xây dựng"), predicates are not.
    # A verb right after "các"/"những" is a noun ("các tổ chức"); so is "trình" in "quy trình", "Chương trình",
    # and "kiểm tra" in "lịch kiểm tra", "đợt kiểm tra" (not after "Du lịch": "Sở … Du lịch kiểm tra …").
    enders = lexicon()["agency_name_enders"]
    # "tự" ends a name before a verb ("… còn lại tự kiểm tra") but not in "tự chủ"/"tự quản".
    return re.compile(r"(?:(?<!các )(?<!những )(?<!và )(?<!cơ sở )(?<!Chương )(?<!chương )(?<!quy )(?<!công )(?<!tờ )(?<!lộ )(?<!tiến )(?!(?<=lịch )(?<!u lịch )kiểm tra)(?!(?<=đợt )kiểm tra)" + alternation(words)
                      + "|(?<!đặc biệt )(?<!nhất )(?<!tức )" + alternation(enders) + r"|(?<!\w)tự(?!\w)(?!\s+(?:chủ|quản)))")


def head_at(text: str, pos: int) -> re.Match[str] | None:
    """The agency head starting exactly at ``pos``, if any."""
    return _head_regex().match(text, pos)


def phrase_end(text: str, pos: int, limit: int | None = None) -> int:
    """Where the agency phrase starting at ``pos`` ends: before the first lower-case predicate verb."""
    limit = len(text) if limit is None else limit
    head = head_at(text, pos)
    search_from = head.end() if head else pos
    verb = _verb_regex().search(text, search_from, limit)
    # "Viện Nghiên cứu phát triển …", "Tổ công tác thực hiện Đề án …": verb-like words inside a name.
    while verb and (institution_verb_in_name(text, pos, verb.start(), verb.end())
                    or text.count("(", search_from, verb.start()) > text.count(")", search_from, verb.start())
                    or _listed_noun(text, verb.start(), verb.end())):
        # a verb inside brackets ("Sở X (tiếp nhận nhiệm vụ của Sở Y)") does not end the name either, nor a
        # word between commas of a list of bodies ("Doanh nghiệp, tổ chức, cơ sở giáo dục")
        verb = _verb_regex().search(text, verb.end(), limit)
    if verb:
        qualified = _qualifier_end(text, pos, verb.start(), limit)
        if qualified is not None:
            verb = _verb_regex().search(text, qualified, limit)
            search_from = qualified
    end = verb.start() if verb else limit
    # A capitalised role cue ends the name too: a PDF heading "2. Sở Tư pháp" joined to "Chủ trì, …".
    cue = _ROLE_CUE.search(text, search_from, end)
    if cue:
        end = cue.start()
    # A long parenthesis ("(lĩnh vực …)") or a dash ends a name; a short abbreviation "(KHĐT)" does not.
    for m in re.finditer(r"\s*\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)|\s+[-–]\s+(?=lĩnh vực|về\s)|(?<!các Sở)(?<!các sở)(?<!các Bộ)[.:]\s", text[search_from:end]):
        inner = m.groupdict().get("inner")
        if inner is not None and len(inner) <= 14 and not re.search(r"\b(lĩnh vực|về)\b", inner):
            continue
        end = search_from + m.start()
        break
    return _trim(text, pos, end)


@lru_cache(maxsize=1)
def _qualifier_regexes() -> tuple[re.Pattern[str], ...]:
    q = lexicon()["collective_qualifiers"]
    flags = re.IGNORECASE
    return (re.compile(r"\s*" + alternation(q["passive"]), flags),
            re.compile(r"\s*" + alternation(q["reference_preps"]) + r"\s", flags),
            re.compile(alternation(q["modifier_heads"]) + r"\s+" + alternation(q["modifier_verbs"]) + r"$", flags),
            re.compile(alternation(lexicon()["predicate_cues"] + lexicon()["deontic_cues"])),
            re.compile(alternation(lexicon()["deontic_cues"] + ["chủ động"])))


def _qualifier_end(text: str, pos: int, verb_start: int, limit: int) -> int | None:
    """Where a qualifying clause of a generic addressee ends, if the word at ``verb_start`` opens one.

    "Các cơ quan, đơn vị được giao nhiệm vụ tại Kế hoạch này chủ động …" and "Các cơ quan quản lý nhà nước
    về đất đai tăng cường …" keep the clause in the name; "Các sở được giao nhiệm vụ rà soát …" does not
    (there the passive clause is the predicate). Returns the offset of the predicate that follows.
    """
    passive, prep, modifier, predicate, deontic = _qualifier_regexes()
    name = text[pos:verb_start]
    if not (is_collective(name) or re.match(r"(?i)\s*(?:cơ quan|đơn vị)(?!\w)", name)):
        return None
    verb_end = verb_start
    m = passive.match(text, verb_start, limit)
    if m:
        verb_end = m.end()
    else:
        mod = modifier.search(text, pos, _word_end(text, verb_start, limit))
        if not mod or mod.end() <= verb_start:
            return None
        verb_end = mod.end()
    nxt = predicate.search(text, verb_end, limit)
    if not nxt or re.search(r"[;.:()]", text[verb_end:nxt.start()]) or len(text[verb_end:nxt.start()].split()) > 16:
        return None
    if m and not (prep.match(text, verb_end, limit) or deontic.match(text, nxt.start())):
        return None
    if not text[verb_end:nxt.start()].strip():
        return None
    return nxt.start()


def _word_end(text: str, start: int, limit: int) -> int:
    m = re.compile(r"\w+(?:\s+\w+)?").match(text, start, limit)
    return m.end() if m else start


def _listed_noun(text: str, start: int, end: int) -> bool:
    """A verb-like word standing alone between commas of a list is a noun ("…, tổ chức, …")."""
    return bool(re.search(r",\s*$", text[max(0, start - 3):start]) and re.match(r"\s*,\s*\w", text[end:end + 4]))


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ,;:-–(\n\t":
        end -= 1
    return end


def is_collective(member: str) -> bool:
    """True for addressees that name a group rather than one body ("các sở, ban, ngành", "UBND cấp xã")."""
    f = " " + re.sub(r"[^\w]+", " ", fold(member)) + " "
    return any(w in f for w in (" cac ", " nhung ", " cap xa ", " cap huyen ", " cap tinh ", " doanh nghiep "))


_ELLIPTICAL = re.compile(r"(?:các\s+)?(Sở|Bộ|Ban|sở|bộ)\s*:\s*")


def split_members(phrase: str, *, keep_collectives_whole: bool = True) -> list[Member]:
    """Split an addressee phrase into bodies; a phrase of collectives only stays one member.

    >>> [m.text for m in split_members("Giám đốc các Sở: Nội vụ, Tư pháp; Thủ trưởng các cơ quan có liên quan")]
    ['Nội vụ', 'Tư pháp', 'Thủ trưởng các cơ quan có liên quan']
    """
    members: list[Member] = []
    for piece_start, piece_end in _spans(phrase, r";\s*"):
        members.extend(_split_piece(phrase, piece_start, piece_end))
    members = [m for m in members if m.text]
    if keep_collectives_whole and len(members) > 1 and all(m.collective for m in members):
        end = _trim(phrase, 0, len(phrase))
        return [Member(phrase[:end], 0, end, True)]
    return members


def _spans(text: str, sep: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    out, pos = [], start
    for m in re.finditer(sep, text[start:end]):
        out.append((pos, start + m.start()))
        pos = start + m.end()
    out.append((pos, end))
    return out


def _split_piece(text: str, start: int, end: int) -> list[Member]:
    ell = _ELLIPTICAL.search(text, start, end)
    out: list[Member] = []
    if ell:
        before = _trim(text, start, ell.start())
        # "Giám đốc" before "các Sở:" is the title of the listed members, not a member.
        prefix = text[start:before]
        cut = re.search(r"(?:,\s*|\s+và\s+)?(?:Giám đốc|Thủ trưởng|Lãnh đạo|Trưởng)\s*$", prefix)
        if cut:
            before = _trim(text, start, start + cut.start())
        if before > start:
            out.extend(_split_by_heads(text, start, before))
        for s, e in _spans(text, r",\s*", ell.end(), end):
            e = _trim(text, s, e)
            if e > s:
                out.append(Member(text[s:e], s, e, False))
        return out
    return _split_by_heads(text, start, end)


def _split_by_heads(text: str, start: int, end: int) -> list[Member]:
    cuts = [start]
    for m in re.finditer(r",\s*|\s+và\s+", text[start:end]):
        nxt = start + m.end()
        if head_at(text, nxt) and _specific_or_collective_head(text, nxt):
            cuts.append(nxt)
    out = []
    for i, s in enumerate(cuts):
        e = cuts[i + 1] if i + 1 < len(cuts) else end
        e = _trim(text, s, e)
        e = _strip_joiner(text, s, e)
        if e > s:
            out.append(Member(text[s:e], s, e, is_collective(text[s:e])))
    return out


def _strip_joiner(text: str, s: int, e: int) -> int:
    m = re.search(r"(?:,|\s+và)\s*$", text[s:e])
    return _trim(text, s, s + m.start()) if m else e


def _specific_or_collective_head(text: str, pos: int) -> bool:
    # A lower-case word after a comma continues a name ("Phát thanh, Truyền hình"; "các xã, phường")
    # unless it opens a collective ("và các tổ chức chính trị - xã hội").
    return text[pos].isupper() or text[pos:pos + 4].lower() in {"các ", "nhữn"}


@lru_cache(maxsize=8192)
def resolve(surface: str, *, on=None) -> tuple[str | None, str | None]:
    """Canonical ``(agency_id, agency_name)`` for a body as written, on the document's date.

    >>> resolve("Sở Nội vụ")
    ('so-noi-vu', 'Sở Nội vụ')
    """
    from parlens.nlp.agencies import resolve_agency

    mention = resolve_agency(surface, on=on)
    if mention is None and re.fullmatch(r"[A-ZĐÀ-Ỹ][^\d]*", surface or "") and len(surface.split()) <= 2:
        # A bare member of an elliptical list ("Nội vụ") stands for "Sở Nội vụ".
        mention = resolve_agency("Sở " + surface, on=on)
    return (mention.agency_id, mention.name) if mention is not None else (None, None)
