"""Agency recognition and resolution: the one agency recogniser of parlens, from data in nlp/data.

Finds the bodies a Vietnamese administrative text names (sở, bộ, UBND/HĐND of every level, offices,
police, steering committees, press, Party and Front bodies, ministries and Government agencies, state
groups, service units, collectives such as "các sở, ban, ngành"), keeps each name as written with its
character offsets, and resolves it to a canonical id and full name, applying the 2025 reorganisation
when the document date (``on``) is given: ``find_agencies``, ``resolve_agency``, ``split_agency_list``
(a token trie over folded text; gazetteer agencies.yaml and provinces.yaml).

The task extractor reads addressee phrases with the phrase API over the same recogniser and vocabulary
(agency_phrases.yaml: heads, titles, collective nouns, the predicate words that end a name):
``agency_head_at`` (a phrase starts here), ``agency_phrase_end`` (it ends here; a verb-like word inside a
name this module knows does not end it) and ``split_agency_phrase`` (its bodies). The extractor's agency
surfaces are spans ``find_agencies`` returns (or parts of a merged collective) except where the extractor
keeps a body it does not know or a collective's qualifying clause (tests/nlp/test_agencies.py).

>>> [(m.text, m.agency_id) for m in find_agencies("Giao Sở Nội vụ chủ trì, phối hợp với Công an tỉnh.")]
[('Sở Nội vụ', 'so-noi-vu'), ('Công an tỉnh', 'cong-an-tinh')]
>>> t = "Giám đốc các Sở: Nội vụ, Tư pháp rà soát quy định"
>>> end = agency_phrase_end(t, 0)
>>> t[:end], [m.text for m in split_agency_phrase(t[:end])]
('Giám đốc các Sở: Nội vụ, Tư pháp', ['Nội vụ', 'Tư pháp'])
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from parlens.nlp.normalize import fold, normalize_text

DATA = Path(__file__).parent / "data"
_END = "\0"


@dataclass(frozen=True)
class AgencyMention:
    """One body named in a text: as written (``text``, offsets) and resolved (``agency_id``, ``name``).

    ``written_id`` is the id of the body as named before any reorganisation; ``note`` explains a
    resolution (merged department, district level abolished); ``rule`` names the pattern that fired.
    Adjacent collectives are one mention ("các sở, ban, ngành; UBND các xã"); ``parts`` keeps the span
    of each ("các sở, ban, ngành" and "UBND các xã"), as a table cell names them apart.
    """

    start: int
    end: int
    text: str
    agency_id: str | None
    name: str | None
    kind: str
    collective: bool = False
    title: str | None = None
    written_id: str | None = None
    note: str | None = None
    rule: str = ""
    parts: tuple[tuple[int, int], ...] = ()  # a merged collective: (start, end) of each collective joined into it


@dataclass(frozen=True)
class Body:
    """A gazetteer entry."""

    id: str
    name: str
    kind: str
    level: str = "province"
    collective: bool = False
    valid_until: date | None = None
    successor: str | None = None
    lowercase_ok: bool = False
    title: str | None = None
    field: str | None = None
    not_followed_by: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Province:
    """A province or centrally run city; ``successor`` is the unit it merged into in 2025."""

    id: str
    name: str
    kind: str
    successor: str | None = None


# ---------------------------------------------------------------------------------------------------
# Tokens: runs of letters/digits (combining marks included) and single punctuation characters.

_TOKEN = re.compile(r"[\w\u0300-\u036f]+|[^\w\s]")


@lru_cache(maxsize=200_000)
def _fold_token(token: str) -> str:
    return "-" if token in _DASHES else fold(token)


_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")  # "Công nghiệp – Năng lượng" is "Công nghiệp - Năng lượng"


@dataclass(slots=True)
class _Tok:
    f: str  # folded
    start: int
    end: int
    upper: bool  # first character upper-case as written
    barrier: bool  # a blank line (paragraph break) precedes the token


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end = 0
    for m in _TOKEN.finditer(text):
        s = m.start()
        gap = text[prev_end:s]
        raw = m.group()
        toks.append(_Tok(_fold_token(raw), s, m.end(), raw[0].isupper(), gap.count("\n") >= 2))
        prev_end = m.end()
    return toks


def _key(text: str) -> tuple[str, ...]:
    return tuple(_fold_token(m.group()) for m in _TOKEN.finditer(text))


# ---------------------------------------------------------------------------------------------------
# Gazetteer


class _Trie:
    """A trie over folded token tuples; each terminal holds a payload."""

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, key: tuple[str, ...], payload: Any) -> None:
        node = self.root
        for tok in key:
            node = node.setdefault(tok, {})
        node.setdefault(_END, payload)

    def walk(self, toks: list[_Tok], j: int, *, fuzzy: bool = False, min_fuzzy_len: int = 4) -> tuple[int, Any] | None:
        """Longest match starting at token j: (end token index, payload); one edit-1 token allowed if fuzzy."""
        node = self.root
        k, n = j, len(toks)
        best = None
        used_fuzzy = False
        skipped = False
        while k < n:
            tok = toks[k]
            if k > j and tok.barrier:
                break
            child = node.get(tok.f)
            if child is None and k > j and not skipped and tok.f == toks[k - 1].f and tok.f.isalpha():
                skipped = True  # a doubled word ("Sở Sở Công thương")
                k += 1
                continue
            if child is None and fuzzy and not used_fuzzy and k > j and len(tok.f) >= 3 and tok.f.isalpha():
                for cand, sub in node.items():
                    if cand != _END and _edit1(cand, tok.f):
                        child, used_fuzzy = sub, True
                        break
            if child is None:
                break
            node = child
            k += 1
            if _END in node and (not used_fuzzy or k - j >= min_fuzzy_len):
                best = (k, node[_END])
        return best


def _edit1(a: str, b: str) -> bool:
    """True when a and b differ by exactly one substitution, insertion or deletion."""
    la, lb = len(a), len(b)
    if a == b or abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b)) == 1
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _variants(name: str) -> set[tuple[str, ...]]:
    """Token keys of a field name with and without 'và', commas and hyphens ('Khoa học Công nghệ')."""
    base = _key(name)
    out = {base}
    for drop_comma in (False, True):
        for va in ("keep", "drop", "&", ",", "-"):
            for hyphen in ("keep", "drop", ","):
                toks: list[str] = []
                for t in base:
                    if t == "," and drop_comma:
                        continue
                    if t == "va" and va != "keep":
                        if va != "drop":
                            toks.append(va)
                        continue
                    if t == "-" and hyphen != "keep":
                        if hyphen == ",":
                            toks.append(",")
                        continue
                    toks.append(t)
                out.add(tuple(toks))
    return out


@dataclass
class Gazetteer:
    """Everything the matcher needs, built once from nlp/data."""

    bodies: dict[str, Body]
    trie: _Trie  # full names and aliases -> (Body, title)
    fields: _Trie  # field names (after "Sở"/"Bộ") -> field key
    field_heads: dict[str, dict[str, str]]  # field key -> head ("so"/"bo") -> body id
    titles: _Trie
    provinces: dict[str, Province]
    province_trie: _Trie
    collective_nouns: _Trie
    collective_mods: _Trie
    weak_nouns: frozenset[str]
    levels: dict[tuple[str, ...], str]
    reorganised_on: date
    district_level_ends: date
    provinces_effective: date


_HEAD_WORD = {"so": "Sở", "bo": "Bộ"}
_NEEDS_PLACE = "\1needs-place"  # marker payload: the alias counts only before a province name
_HEAD_KIND = {"so": "department", "bo": "ministry"}


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Load and index nlp/data/agencies.yaml and provinces.yaml (once)."""
    import yaml

    data = yaml.safe_load((DATA / "agencies.yaml").read_text(encoding="utf-8"))
    pdata = yaml.safe_load((DATA / "provinces.yaml").read_text(encoding="utf-8"))
    vocab = phrase_vocabulary()
    bodies: dict[str, Body] = {}
    trie, fields, titles = _Trie(), _Trie(), _Trie()
    field_heads: dict[str, dict[str, str]] = {}
    for f in data["fields"]:
        key = f["key"]
        field_heads[key] = {}
        keys = set()
        for v in [f["name"], *f.get("variants", [])]:
            keys |= _variants(v)
        for k in keys:
            fields.add(k, key)
        for head in f["heads"]:
            bid = f"{head}-{key}"
            succ = f.get("successor")
            body = Body(
                id=bid, name=f"{_HEAD_WORD[head]} {f['name']}", kind=_HEAD_KIND[head],
                level="province" if head == "so" else "central", valid_until=f.get("valid_until"),
                successor=f"{head}-{succ}" if succ else None, lowercase_ok=True, field=key,
            )
            bodies[bid] = body
            field_heads[key][head] = bid
            for k in keys:
                trie.add((head, *k), (body, None))
            for ab in f.get("abbrev", {}).get(head, []):
                trie.add(_key(ab), (body, None))
    for b in data["bodies"]:
        body = Body(
            id=b["id"], name=b["name"], kind=b["kind"], level=b.get("level", "province"),
            collective=b.get("collective", False), valid_until=b.get("valid_until"),
            successor=b.get("successor"), lowercase_ok=b.get("lowercase_ok", False), title=b.get("title"),
            not_followed_by=tuple(_key(x) for x in b.get("not_followed_by", [])),
        )
        if body.title is None or body.id not in bodies:
            bodies.setdefault(body.id, body)
        for alias in b["aliases"]:
            trie.add(_key(alias), (body, body.title))
        for alias in b.get("place_aliases", []):
            trie.add(_key(alias), (body, _NEEDS_PLACE))
    for t in vocab["titles"]:
        titles.add(_key(t["title"]), normalize_text(t["title"]))
    provinces: dict[str, Province] = {}
    province_trie = _Trie()
    for p in pdata["provinces"]:
        prov = Province(p["id"], p["name"], p["kind"], p.get("successor"))
        provinces[prov.id] = prov
        for alias in [p["name"], *p.get("aliases", [])]:
            province_trie.add(_key(alias), prov)
    nouns, mods = _Trie(), _Trie()
    for noun in vocab["collective_nouns"]:
        nouns.add(_key(noun), normalize_text(noun))
    for mod in data["collective_modifiers"]:
        mods.add(_key(mod), mod)
    levels = {_key(k): v for k, v in data["levels"].items()}
    return Gazetteer(
        bodies=bodies, trie=trie, fields=fields, field_heads=field_heads, titles=titles,
        provinces=provinces, province_trie=province_trie, collective_nouns=nouns, collective_mods=mods,
        weak_nouns=frozenset(normalize_text(x) for x in vocab["weak_collective_nouns"]),
        levels=levels, reorganised_on=data["reorganised_on"], district_level_ends=data["district_level_ends"],
        provinces_effective=pdata["effective"],
    )


# ---------------------------------------------------------------------------------------------------
# Matching


@dataclass
class _Raw:
    """A mention before resolution: token span plus what the matcher learnt."""

    i: int  # first token
    k: int  # token after the last
    body: Body | None
    rule: str
    title: str | None = None
    collective: bool = False
    name: str | None = None  # overrides body.name (named places, collectives)
    agency_id: str | None = None  # overrides body.id
    old: bool = False  # "(cũ)" written after the name
    province: Province | None = None
    level: str | None = None
    abbrev: tuple[str, ...] | None = None  # bracketed abbreviation defined here
    kind: str | None = None  # overrides the kind (generic institutions)
    parts: list[tuple[int, int]] = dataclass_field(default_factory=list)  # token spans of the collectives merged here


_UBND_HEADS = _Trie()
for _h, _what in (("UBND", "ubnd"), ("Ủy ban nhân dân", "ubnd"), ("Uỷ ban nhân dân", "ubnd"), ("HĐND", "hdnd"),
                  ("Hội đồng nhân dân", "hdnd"), ("UB", "ubnd")):
    _UBND_HEADS.add(_key(_h), _what)
_HEADS_AS_WRITTEN = {"sở", "so", "bộ", "bo", "sờ", "sớ", "sỡ", "sỏ", "bô", "bọ"}  # OCR may drop or swap the hook
_HEAD_BLOCKERS = {"co", "toan", "can", "mot", "nhung", "hai"}
_UNITS = {("van", "phong"): ("Văn phòng", "office"), ("thanh", "tra"): ("Thanh tra", "inspectorate")}
_SEPS = {",", "va", "/", ";"}
_LIST_SEPS = {",", "va", "/"}
_LEVEL_GROUP = {"province": "tinh", "city": "tinh", "district": "huyen", "commune": "xa"}
_CENTRAL_CITIES = {"ha-noi", "hue", "hai-phong", "da-nang", "ho-chi-minh", "can-tho"}
_FULL = {"ubnd": "Ủy ban nhân dân", "hdnd": "Hội đồng nhân dân"}


_LEVEL_WORDS = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}


def _committee_id(what: str, groups: list[str]) -> str:
    """The id of the people's committees (councils) of some levels: ``ubnd-cap-xa``, ``collective:ubnd-huyen-xa``."""
    if len(groups) == 1 and groups[0] != "all":
        return f"{what}-cap-{groups[0]}"
    return f"collective:{what}-" + "-".join("cac-cap" if g == "all" else g for g in groups)


def _committee_name(gaz: Gazetteer, what: str, groups: list[str]) -> str:
    """The canonical name of the people's committees (councils) of some levels, never the levels as written.

    >>> _committee_name(load_gazetteer(), "ubnd", ["xa"]), _committee_name(load_gazetteer(), "ubnd", ["huyen", "xa"])
    ('Ủy ban nhân dân cấp xã', 'Ủy ban nhân dân cấp huyện, cấp xã')
    """
    body = gaz.bodies.get(_committee_id(what, groups))
    if body is not None:
        return body.name
    if "all" in groups:
        return f"{_FULL[what]} các cấp"
    return f"{_FULL[what]} " + ", ".join(f"cấp {_LEVEL_WORDS[g]}" for g in groups)


def _clean(text: str) -> str:
    """Normalised, single-spaced (line breaks inside a name become spaces)."""
    return " ".join(normalize_text(text).split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


class _Matcher:
    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.gaz = gaz
        self.toks = _tokenize(text)
        self.local = _Trie()  # abbreviations defined in this text: "(KHĐT)"

    # -- helpers
    def _title_at(self, j: int) -> tuple[int, str] | None:
        hit = self.gaz.titles.walk(self.toks, j)
        if hit is None:
            return None
        k, title = hit
        return k, self.text[self.toks[j].start : self.toks[k - 1].end]

    def _place(self, j: int, max_len: int = 3) -> int:
        """End of a capitalised place name starting at token j (j when none)."""
        k = j
        n = len(self.toks)
        while k < n and k - j < max_len:
            tok = self.toks[k]
            if tok.barrier and k > j:
                break
            if tok.f == "-" and k > j and k + 1 < n and self.toks[k + 1].upper:
                k += 1
                continue
            if not (tok.upper or tok.f.isdigit()) or not tok.f.isalnum():
                break
            k += 1
        return k

    # -- body matchers: each returns a _Raw starting at token j or None
    def _gazetteer(self, j: int) -> _Raw | None:
        hit = self.gaz.trie.walk(self.toks, j, fuzzy=True)
        local = self.local.walk(self.toks, j)
        if local and (hit is None or local[0] > hit[0]):
            return _Raw(j, local[0], local[1], "abbreviation")
        if hit is None:
            return None
        k, (body, title) = hit
        if not body.lowercase_ok and not self.toks[j].upper:
            return None
        if body.field is not None and self.toks[j].f in _HEAD_WORD and not self._head_ok(j):
            return None
        for words in body.not_followed_by:
            if tuple(t.f for t in self.toks[k : k + len(words)]) == words:
                return None
        if title == _NEEDS_PLACE:
            prov = self.gaz.province_trie.walk(self.toks, k) if k < len(self.toks) else None
            if prov is None:
                return None
            return _Raw(j, prov[0], body, "gazetteer", province=prov[1])
        return _Raw(j, k, body, "gazetteer", title=title and self.text[self.toks[j].start : self.toks[k - 1].end][: len(title)])

    def _head_ok(self, j: int) -> bool:
        """'Sở'/'Bộ' as written, not 'số', 'bổ' or the tail of 'cơ sở', 'toàn bộ', 'cán bộ'."""
        tok = self.toks[j]
        written = unicodedata.normalize("NFC", self.text[tok.start : tok.end]).lower()
        if written not in _HEADS_AS_WRITTEN:
            return False
        return j == 0 or self.toks[j - 1].f not in _HEAD_BLOCKERS

    def _people_committee(self, j: int) -> _Raw | None:
        head = _UBND_HEADS.walk(self.toks, j)
        if head is None:
            return None
        k, what = head
        toks, n = self.toks, len(self.toks)
        if k >= n or toks[k].barrier:
            return None
        f = toks[k].f
        full = _FULL[what]
        first = self._level(k) if f not in ("cac", "cap") else None
        # "Ủy ban nhân dân xã, phường, đặc khu": a list of local levels with no place names every unit of them
        bare_list = (first is not None and first[1] in ("district", "commune") and first[0] + 1 < n
                     and toks[first[0]].f in _LIST_SEPS and not toks[first[0] + 1].barrier
                     and self._level(first[0] + 1) is not None)
        if f in ("cac", "cap") or bare_list:
            kind = "cac" if bare_list else f
            levels: list[str] = []
            m = k if bare_list else k + 1
            while m < n and not toks[m].barrier:
                lv = self._level(m)
                if lv is None:
                    if toks[m].f == "cap" and kind == "cac" and not levels:
                        levels.append("all")
                        m += 1
                        break
                    break
                levels.append(lv[1])
                end = lv[0]
                if end < n and toks[end].f in _LIST_SEPS and end + 1 < n and self._level(end + 1):
                    m = end + 1
                    continue
                if end < n and not toks[end].barrier and self._level(end):  # "các phường xã"
                    m = end
                    continue
                if end < n and toks[end].f == "," and end + 2 < n and toks[end + 1].f == "cap" and self._level(end + 2):
                    m = end + 2
                    continue
                m = end
                break
            if not levels:
                return None
            if (len(levels) > 1 or kind == "cac") and "province" not in levels:
                levels = ["district" if lv == "city" else lv for lv in levels]
            groups = sorted({_LEVEL_GROUP.get(lv, "all") for lv in levels}, key=["tinh", "huyen", "xa", "all"].index)
            m = self._modifiers(m)
            m = self._province_range(m)
            if groups == ["tinh"] and kind == "cap":
                return _Raw(j, m, self.gaz.bodies[f"{what}-tinh"] if f"{what}-tinh" in self.gaz.bodies else None,
                            "people_committee", agency_id=f"{what}-tinh", name=f"{full} tỉnh")
            # One canonical collective whatever the order or the words of the levels ("UBND phường, xã, đặc
            # khu", "UBND các xã, phường", "Ủy ban nhân dân cấp xã" are all "Ủy ban nhân dân cấp xã").
            aid = _committee_id(what, groups)
            return _Raw(j, m, self.gaz.bodies.get(aid), "people_committee", collective=True, agency_id=aid,
                        name=_committee_name(self.gaz, what, groups), level=groups[0] if len(groups) == 1 else None)
        lv = self._level(k)
        if lv is None:
            return None
        end, group = lv
        if group in ("province", "city"):
            prov_hit = self.gaz.province_trie.walk(toks, end) if end < n else None
            if prov_hit:
                prov = prov_hit[1]
                return _Raw(j, prov_hit[0], self.gaz.bodies.get(f"{what}-tinh"), "people_committee",
                            agency_id=f"{what}-tinh", name=f"{full} {'thành phố' if prov.kind == 'thanh_pho' else 'tỉnh'}",
                            province=prov)
            if group == "city":
                pe = self._place(end)
                if pe > end:  # a city under a province: district level
                    place = _clean(self.text[toks[end].start : toks[pe - 1].end])
                    return _Raw(j, pe, None, "people_committee", agency_id=f"{what}-huyen-{_slug(place)}",
                                name=f"{full} thành phố {place}", level="district")
            return _Raw(j, end, self.gaz.bodies.get(f"{what}-tinh"), "people_committee", agency_id=f"{what}-tinh",
                        name=f"{full} {'thành phố' if group == 'city' else 'tỉnh'}")
        gname = "huyen" if group == "district" else "xa"
        lv_text = _clean(self.text[toks[k].start : toks[end - 1].end]).lower()
        pe = self._place(end, 2 if all(t.upper for t in toks[j:end]) and toks[j].f != "ubnd" else 3)
        if pe > end:
            place = _clean(self.text[toks[end].start : toks[pe - 1].end])
            return _Raw(j, pe, None, "people_committee", agency_id=f"{what}-{gname}-{_slug(place)}",
                        name=f"{full} {lv_text} {place}", level=group)
        # "UBND phường", "UBND xã" with no place named: the committee of that level, whichever unit it is.
        return _Raw(j, end, None, "people_committee", agency_id=_committee_id(what, [gname]),
                    name=_committee_name(self.gaz, what, [gname]), level=group)

    def _level(self, j: int) -> tuple[int, str] | None:
        if j < len(self.toks) and self.toks[j].f == "tp":  # "TP." / "Tp"
            end = j + 1 + (j + 1 < len(self.toks) and self.toks[j + 1].f == ".")
            return end, "city"
        for ln in (2, 1):
            key = tuple(t.f for t in self.toks[j : j + ln])
            if len(key) == ln and key in self.gaz.levels:
                return j + ln, self.gaz.levels[key]
        return None

    def _of_body(self, m: int) -> int:
        """Skip "thuộc Bộ Xây dựng", "trực thuộc Ủy ban nhân dân Thành phố" after a collective noun."""
        toks, n = self.toks, len(self.toks)
        k = m + (m < n and toks[m].f == "truc")
        if k + 1 >= n or toks[k].f != "thuoc" or toks[m].barrier or toks[k + 1].barrier or not toks[k + 1].upper:
            return m
        body = self._people_committee(k + 1) or self._gazetteer(k + 1)
        if body is None or body.collective:
            return m
        self._suffixes(body)
        return body.k

    def _province_range(self, m: int) -> int:
        """Skip "từ Hà Tĩnh đến Khánh Hòa" after a collective of provinces ("UBND các tỉnh, thành phố từ … đến …")."""
        toks, n = self.toks, len(self.toks)
        if m + 1 < n and toks[m].f == "tu" and not toks[m].barrier:
            first = self.gaz.province_trie.walk(toks, m + 1)
            if first and first[0] + 1 < n and toks[first[0]].f == "den":
                last = self.gaz.province_trie.walk(toks, first[0] + 1)
                if last:
                    return last[0]
        return m

    def _modifiers(self, m: int) -> int:
        """Skip collective modifiers ('có liên quan', 'trên địa bàn tỉnh', ', sau đại học') after a noun."""
        toks, n = self.toks, len(self.toks)
        while m < n and not toks[m].barrier:
            hit = self.gaz.collective_mods.walk(toks, m)
            if hit is None and toks[m].f == "," and m + 1 < n and not toks[m + 1].barrier:
                hit = self.gaz.collective_mods.walk(toks, m + 1)
                if hit is not None and self.gaz.collective_nouns.walk(toks, m + 1) is not None:
                    hit = None  # a new noun, not a modifier
            if hit is None:
                break
            m = hit[0]
        return m

    def _collective(self, j: int, *, bare: bool = False, title: str | None = None) -> _Raw | None:
        """'các sở, ban, ngành tỉnh', 'các cơ quan, đơn vị có liên quan'; bare: no 'các' needed."""
        toks, n = self.toks, len(self.toks)
        if toks[j].f in ("cac", "nhung"):
            m = j + 1
        elif (bare and toks[j].upper) or title:
            m = j  # "Thủ trưởng cơ quan, đơn vị": after a title no "các" is needed
        else:
            return None
        first = m
        nouns: list[str] = []
        while m < n and not toks[m].barrier:
            hit = self.gaz.collective_nouns.walk(toks, m)
            if hit is None:
                break
            nouns.append(hit[1])
            if len(nouns) == 1:
                first_noun_end = hit[0]
            m = self._modifiers(hit[0])
            if m + 1 < n and toks[m].f in _LIST_SEPS and not toks[m + 1].barrier:
                nxt = m + 1 + (toks[m + 1].f == "cac")
                if nxt < n and self.gaz.collective_nouns.walk(toks, nxt) and not _UBND_HEADS.walk(toks, nxt):
                    m = nxt
                    continue
            elif m < n and toks[m].f == "cac" and self.gaz.collective_nouns.walk(toks, m + 1):
                m += 1  # "các cấp các ngành"
                continue
            break
        if not nouns:
            return None
        m = self._of_body(m)
        if nouns[0] in ("sở", "bộ") and len(nouns) == 1 and m < n and (toks[m].f == ":" or self.gaz.fields.walk(toks, m)):
            return None  # an elliptical list, not a collective
        if bare and not title and (m <= first_noun_end or (first_noun_end < n and toks[first_noun_end].upper)):
            return None  # a bare noun alone ("Trung tâm") or a name ("Viện Khoa học …") is not a collective
        if len(nouns) == 1 and m <= first_noun_end and nouns[0] in self.gaz.weak_nouns and not title:
            return None  # "các ngành", "các doanh nghiệp" alone are too often not addressees
        levels = [self.gaz.levels.get(_key(x)) for x in nouns]
        if all(lv in ("district", "city", "commune") for lv in levels):
            # "các xã, phường, đặc khu", "các huyện, thị xã": the local governments of those levels, the same
            # addressee as "UBND các xã, phường" ("thành phố" in a list is a city under the province).
            groups = sorted({"xa" if lv == "commune" else "huyen" for lv in levels}, key=["huyen", "xa"].index)
            aid = _committee_id("ubnd", groups)
            return _Raw(j, m, self.gaz.bodies.get(aid), "collective", collective=True, agency_id=aid,
                        name=_committee_name(self.gaz, "ubnd", groups), kind="people_committee")
        aid = "collective:" + "-".join(dict.fromkeys(_slug(x) for x in nouns))  # each noun once
        # Named by its nouns only ("Các sở, ban, ngành"): "các sở, ban, ngành tỉnh", "… cấp tỉnh" and "… có liên
        # quan" are one addressee; the words as written stay in the mention's text.
        return _Raw(j, m, None, "collective", collective=True, agency_id=aid, name=_collective_name(aid.removeprefix("collective:")))

    def _elliptical(self, j: int, title: str | None) -> list[_Raw] | None:
        """'các Sở: Nội vụ, Tư pháp' -> one mention per member."""
        toks, n = self.toks, len(self.toks)
        if toks[j].f != "cac" or j + 1 >= n or toks[j + 1].f not in _HEAD_WORD:
            return None
        head = toks[j + 1].f
        m = j + 2
        if m < n and toks[m].f == ":":
            m += 1
        members = self._members(m, head, title)
        return members or None

    def _members(self, m: int, head: str, title: str | None, *, need_sep: bool = False) -> list[_Raw]:
        toks, n = self.toks, len(self.toks)
        out: list[_Raw] = []
        while m < n:
            start = m
            if need_sep or out:
                if toks[m].f not in _SEPS:
                    break
                start = m + 1
                if start < n and toks[start].f == "va":  # ", và"
                    start += 1
            if start >= n or toks[start].barrier or not toks[start].upper:
                break
            hit = self.gaz.fields.walk(toks, start)
            if hit is None:
                break
            bid = self.gaz.field_heads[hit[1]].get(head)
            if bid is None:
                break
            out.append(_Raw(start, hit[0], self.gaz.bodies[bid], "elliptical", title=title))
            m = hit[0]
            need_sep = False
        return out

    # -- suffixes after a body
    def _suffixes(self, raw: _Raw) -> None:
        toks, n = self.toks, len(self.toks)
        for _ in range(3):
            k = raw.k
            if k >= n or toks[k].barrier:
                return
            f = toks[k].f
            if f == "(" and k + 2 < n and toks[k + 1].f == "cu" and toks[k + 2].f == ")":
                raw.k, raw.old = k + 3, True
                continue
            if f == "(":
                close = next((x for x in range(k + 1, min(n, k + 8)) if toks[x].f == ")"), None)
                inner = toks[k + 1 : close] if close else []
                if inner and all(t.upper or t.f in ("va", "&", "-", ",") or t.f.isdigit() for t in inner) and raw.body:
                    raw.abbrev = tuple(t.f for t in inner)
                    raw.k = close + 1
                    continue
                return
            if raw.body is not None and raw.body.level == "province" and raw.province is None and not raw.collective:
                m = k
                if f in ("tinh", "thanh") or f == "tp":
                    lv = self._level(k)
                    if lv:
                        m = lv[0]
                    elif f == "tp":
                        m = k + 1 + (k + 1 < n and toks[k + 1].f == ".")
                hit = self.gaz.province_trie.walk(toks, m) if m < n else None
                if hit:
                    raw.k, raw.province = hit[0], hit[1]
                    continue
                written = tuple(t.f for t in toks[raw.i:k])
                if m > k and written[-1:] != ("tinh",) and written[-2:] != ("thanh", "pho"):
                    raw.k = m  # "Hội Nông dân tỉnh", "Trung tâm Phục vụ hành chính công thành phố"
                    continue
            if raw.body is not None and fold(raw.body.name).endswith("khu vuc") or (
                raw.body is not None and self.text[toks[raw.i].start : toks[k - 1].end].lower().endswith("khu vực")
            ):
                if toks[k].upper or f.isdigit():  # "khu vực V", "Khu vực II"
                    raw.k = k + 1
                    region = self.text[toks[k].start : toks[k].end]
                    base = raw.body.name[: -len(" khu vực")] if raw.body.name.endswith(" khu vực") else raw.body.name
                    raw.name = f"{base} Khu vực {region.upper() if region.isalpha() else region}"
                    raw.agency_id = f"{raw.body.id}-khu-vuc-{_slug(region)}"  # each region is a body of its own
                    continue
            return

    def _institution(self, j: int, *, whole: bool = False) -> _Raw | None:
        """A generic institution outside the gazetteer ("Viện Nghiên cứu phát triển … tỉnh", "Quỹ Đầu tư
        phát triển thành phố Cần Thơ"): a head as written, a capitalised word, and, in running text, a place
        ("tỉnh", "thành phố", a province) closing the name within a few words; ``whole``: the text is one
        name, so it closes the name."""
        toks, n = self.toks, len(self.toks)
        inst = _institutions()
        head = inst["head"].match(self.text, toks[j].start)
        if not head:
            return None
        k = j
        while k < n and toks[k].start < head.end():
            k += 1
        if k >= n or not toks[k].upper or toks[k].barrier:
            return None
        end, place = None, None
        m = k + 1
        while m < min(n, k + 1 + inst["max_words"]):
            t = toks[m]
            if t.barrier or (not t.f[:1].isalnum() and t.f not in ("-", "–", "&")):
                break
            if t.f == "tinh" or (t.f == "thanh" and m + 1 < n and toks[m + 1].f == "pho"):
                end, place = m + (2 if t.f == "thanh" else 1), m
                hit = self.gaz.province_trie.walk(toks, end) if end < n else None
                end = hit[0] if hit else end
                break
            hit = self.gaz.province_trie.walk(toks, m) if t.upper else None
            if hit:
                end, place = hit[0], m
                break
            m += 1
        if end is None:
            if not whole:
                return None
            end = m
        written = _clean(self.text[toks[j].start:toks[end - 1].end])
        # The id names the institution of "the province" like every provincial body ("…-tinh"), whatever
        # place is written ("tỉnh", "thành phố", "tỉnh Nghệ An").
        aid = _slug(self.text[toks[j].start:toks[place - 1].end]) + "-tinh" if place else _slug(written)
        kind = inst["kinds"].get(fold(head.group(0)), "other")
        return _Raw(j, end, None, "institution", name=written, agency_id=aid, kind=kind)

    # -- main scan
    def scan(self, *, across_semicolons: bool = True, bare_collectives: bool | str = False) -> list[_Raw]:
        toks, n = self.toks, len(self.toks)
        out: list[_Raw] = []
        i = 0
        while i < n:
            title_hit = self._title_at(i)
            j = title_hit[0] if title_hit else i
            title = title_hit[1] if title_hit else None
            found: list[_Raw] | None = None
            if title_hit and j < n:
                found = self._best(j, title)
                if found and title.lower() == "chánh" and found[0].body and found[0].body.kind not in ("office", "inspectorate"):
                    found = None
                if found and title:
                    if title.lower() == "chánh":
                        title = self.text[toks[i].start : toks[min(found[0].k, i + 3) - 1].end]
                    first = found[0]
                    if first.rule != "elliptical":
                        first.i = i
                    for r in found:
                        r.title = title
            if not found:
                found = self._best(i, None)
            if not found and bare_collectives and (
                (i == 0 and bare_collectives != "lines") or (i > 0 and self.text.rfind("\n", toks[i - 1].end, toks[i].start) >= 0)
                or (i > 0 and toks[i - 1].f in (";", "|"))
            ):
                bare = self._collective(i, bare=True)
                found = [bare] if bare else None
            if not found:
                i += 1
                continue
            for r in found:
                self._suffixes(r)
                if r.abbrev and r.body is not None:
                    self.local.add(r.abbrev, r.body)
            # "Sở Nội vụ, Tư pháp": a shared head noun
            last = found[-1]
            if last.rule == "gazetteer" and last.body and last.body.field and last.k < n:
                head = last.body.id.split("-", 1)[0]
                more = self._members(last.k, head, last.title, need_sep=True)
                for r in more:
                    self._suffixes(r)
                found.extend(more)
            out.extend(found)
            i = found[-1].k
        return _merge_collectives(out, toks, across_semicolons=across_semicolons)

    def _unit_of_body(self, j: int) -> _Raw | None:
        """'Văn phòng Bộ Xây dựng', 'Thanh tra Sở Tài chính': the office or inspectorate of a named body."""
        toks, n = self.toks, len(self.toks)
        if j + 2 >= n or not toks[j].upper or (toks[j].f, toks[j + 1].f) not in _UNITS:
            return None
        parent = self._gazetteer(j + 2)
        if parent is None or parent.body is None or parent.body.kind not in ("ministry", "department") or toks[j + 2].barrier:
            return None
        unit, kind = _UNITS[(toks[j].f, toks[j + 1].f)]
        self._suffixes(parent)
        return _Raw(j, parent.k, None, "unit", name=f"{unit} {parent.body.name}", agency_id=f"{_slug(unit)}-{parent.body.id}",
                    kind=kind, level=parent.body.level)

    def _best(self, j: int, title: str | None) -> list[_Raw] | None:
        ell = self._elliptical(j, title)
        if ell:
            return ell
        cands = [c for c in (self._people_committee(j), self._gazetteer(j), self._collective(j, title=title),
                             self._unit_of_body(j)) if c]
        if not cands:
            inst = self._institution(j)
            return [inst] if inst else None
        best = max(cands, key=lambda r: r.k)
        return [best]


def _merge_collectives(raws: list[_Raw], toks: list[_Tok], *, across_semicolons: bool = True) -> list[_Raw]:
    """Join adjacent collectives ('các sở, ban, ngành; UBND các huyện') into one addressee mention.

    Collectives joined by ";" stay apart when the same list also names specific bodies
    ("Chánh Văn phòng UBND tỉnh; Thủ trưởng các cơ quan; Chủ tịch UBND các huyện"), or when
    ``across_semicolons`` is False (a table cell's ";" separates addressees).
    """
    out: list[_Raw] = []
    specific_list = False  # the current separator-joined list holds a specific body
    for r in raws:
        prev = out[-1] if out else None
        between = toks[prev.k : r.i] if prev is not None else []
        joined = (
            prev is not None
            and 1 <= len(between) <= 2
            and all(t.f in _SEPS for t in between)
            and not any(t.barrier for t in toks[prev.k : r.i + 1])
        )
        if not joined:
            specific_list = False
        semicolon = any(t.f == ";" for t in between)
        if (
            joined and prev.collective and r.collective and r.rule != "elliptical"
            and not (semicolon and (specific_list or not across_semicolons))
        ):
            merged = _Raw(prev.i, r.k, None, "collective", title=prev.title, collective=True)
            merged.agency_id = _join_ids(prev.agency_id, r.agency_id)
            merged.name = canonical_agency_name(merged.agency_id) or f"{prev.name}; {r.name}"
            merged.parts = (prev.parts or [(prev.i, prev.k)]) + [(r.i, r.k)]
            out[-1] = merged
            continue
        if not r.collective:
            specific_list = True
        out.append(r)
    return out


def _join_ids(a: str | None, b: str | None) -> str:
    """The id of two collectives named in one addressee, each body once: "UBND cấp xã và UBND các xã, phường"
    is ``ubnd-cap-xa``, and collectives of nouns next to each other are one ("Giám đốc các sở, Thủ trưởng các
    ban, ngành" is ``collective:so-ban-nganh``, as "các sở, ban, ngành" is)."""
    parts: list[str] = []
    for part in (p.removeprefix("collective:") for p in (a, b) if p):
        for piece in part.split("+"):
            nouns = _noun_parts(piece)
            last = _noun_parts(parts[-1]) if parts else None
            if nouns is not None and last is not None:
                parts[-1] = "-".join(dict.fromkeys(last + nouns))
            elif piece not in parts:
                parts.append(piece)
    if len(parts) == 1:  # one body written twice: its own id
        return next((p for p in (a, b) if p and p.removeprefix("collective:") == parts[0]), "collective:" + parts[0])
    return "collective:" + "+".join(parts)


# ---------------------------------------------------------------------------------------------------
# Resolution


def _resolve(raw: _Raw, text: str, toks: list[_Tok], gaz: Gazetteer, on: date | None) -> AgencyMention:
    start, end = toks[raw.i].start, toks[raw.k - 1].end
    body = raw.body
    written_id = raw.agency_id or (body.id if body else None)
    agency_id, name = written_id, raw.name or (body.name if body else None)
    kind = raw.kind or (body.kind if body else ("collective" if raw.collective and raw.rule == "collective" else "people_committee"))
    if raw.rule == "people_committee":
        kind = "people_council" if (written_id or "").startswith(("hdnd", "collective:hdnd")) else "people_committee"
    notes: list[str] = []
    if body is not None and body.successor and (raw.old or (on is not None and body.valid_until and on >= body.valid_until)):
        seen = set()
        cur = body
        while cur.successor and cur.successor in gaz.bodies and cur.id not in seen:
            seen.add(cur.id)
            until = cur.valid_until
            cur = gaz.bodies[cur.successor]
            if not (raw.old or (on is not None and until and on >= until)):
                break
        if cur is not body:
            notes.append(f"{body.name} hợp nhất vào {cur.name} từ {body.valid_until:%d/%m/%Y}" if body.valid_until else f"{body.name} (cũ)")
            agency_id, name, kind = cur.id, cur.name, cur.kind
    if body is not None and name == body.name and name.endswith(" tỉnh") and raw.rule == "gazetteer":
        written = fold(text[start:end])
        if "thanh pho" in written and " tinh" not in written:
            name = name[: -len(" tỉnh")] + " thành phố"
    prov = raw.province
    if prov is not None:
        if on is not None and prov.successor and on >= gaz.provinces_effective:
            new = gaz.provinces[prov.successor]
            notes.append(f"tỉnh {prov.name} hợp nhất vào {new.name} từ {gaz.provinces_effective:%d/%m/%Y}")
            prov = new
        if name and not name.endswith(prov.name):
            base = name
            if prov.kind == "thanh_pho" and base.endswith(" tỉnh"):
                base = base[: -len(" tỉnh")] + " thành phố"
            elif not base.endswith((" tỉnh", " thành phố")):
                base += " thành phố" if prov.kind == "thanh_pho" else " tỉnh"
            name = f"{base} {prov.name}"
    level = raw.level or (body.level if body else None)
    if level in ("district", "huyen") and on is not None and on >= gaz.district_level_ends:
        notes.append(f"cấp huyện không còn từ {gaz.district_level_ends:%d/%m/%Y}")
    return AgencyMention(
        start=start, end=end, text=text[start:end], agency_id=agency_id, name=name, kind=kind,
        collective=raw.collective or bool(body and body.collective), title=raw.title, written_id=written_id,
        note="; ".join(notes) or None, rule=raw.rule,
        parts=tuple((toks[i].start, toks[k - 1].end) for i, k in raw.parts),
    )


def find_agencies(text: str, *, on: date | None = None) -> list[AgencyMention]:
    """Every agency mention in ``text``, in order, with offsets into ``text``.

    ``on`` is the document date: from 1/3/2025 old department names resolve to their successor
    (``text`` keeps the name as written); a name followed by "(cũ)" always does.

    >>> [m.name for m in find_agencies("Giám đốc các Sở: Nội vụ, Tư pháp")]
    ['Sở Nội vụ', 'Sở Tư pháp']
    """
    if not text:
        return []
    return _find(text, on=on, bare_collectives="lines")


def _find(text: str, *, on: date | None, across_semicolons: bool = True, bare_collectives: bool | str = False) -> list[AgencyMention]:
    """``bare_collectives``: True reads "Doanh nghiệp viễn thông, bưu chính" (no "các") as a collective at the
    start of the text, of a line or after ";"/"|" (a cell); "lines" only at the start of a line or after ";"/"|"."""
    gaz = load_gazetteer()
    matcher = _Matcher(text, gaz)
    raws = matcher.scan(across_semicolons=across_semicolons, bare_collectives=bare_collectives)
    return [_resolve(r, text, matcher.toks, gaz, on) for r in raws]


_STRIP = " \t\r\n.,;:-–•+*()"


_SECTOR = re.compile(r"(?i)\s*(?:ngành|lĩnh vực)\s+(?=\w)")


def resolve_agency(name: str, *, on: date | None = None, level: str | None = None) -> AgencyMention | None:
    """Resolve one name (a table cell, a gold string) to one mention, or None when no body is named.

    A bare field or sector ("Nội vụ" as in an elliptical list, "ngành Nội vụ") resolves to the body of the
    document's ``level``: its Bộ for "central", else its Sở (the other head when the field has only one).

    >>> resolve_agency("Sở Kế hoạch và Đầu tư (cũ)").name
    'Sở Tài chính'
    >>> resolve_agency("ngành Nội vụ").agency_id, resolve_agency("Nội vụ", level="central").agency_id
    ('so-noi-vu', 'bo-noi-vu')
    """
    mentions = find_agencies(name, on=on)
    core_start = len(name) - len(name.lstrip(_STRIP))
    core_end = len(name.rstrip(_STRIP))
    if mentions:
        whole = [m for m in mentions if m.start <= core_start and m.end >= core_end]
        return whole[0] if whole else mentions[0]
    gaz = load_gazetteer()
    toks = _tokenize(name)
    if toks:
        first = next((i for i, t in enumerate(toks) if t.start >= core_start), 0)
        matcher = _Matcher(name, gaz)
        inst = matcher._institution(first, whole=True)
        if inst is not None and toks[inst.k - 1].end >= core_end:
            return _resolve(inst, name, matcher.toks, gaz, on)
        sector = _SECTOR.match(name)
        skip = sum(1 for t in toks if sector and t.end <= sector.end())
        hit = gaz.fields.walk(toks, skip)
        if hit and hit[0] == len(toks) and (skip == 0 or toks[skip].upper):
            heads = gaz.field_heads[hit[1]]
            order = ("bo", "so") if level == "central" else ("so", "bo")
            bid = heads.get(order[0]) or heads.get(order[1])
            matcher = _Matcher(name, gaz)
            raw = _Raw(0, hit[0], gaz.bodies[bid], "field")
            return _resolve(raw, name, matcher.toks, gaz, on)
    if re.fullmatch(r"[A-ZĐÀ-Ỹ][^\d]*", name) and len(name.split()) <= 2:
        # A bare member of an elliptical list, misspelt ("Nội vự"), stands for its Sở.
        shifted = find_agencies("Sở " + name, on=on)
        if shifted and shifted[0].end > 3:
            m = shifted[0]
            start, end = max(0, m.start - 3), m.end - 3
            return replace(m, start=start, end=end, text=name[start:end])
    return None


_CELL_PARTS = re.compile(r"[^,;\n]+")


def split_agency_list(text: str, *, on: date | None = None) -> list[AgencyMention]:
    """The bodies a cell or list names: one mention per specific body, collectives kept whole.

    Parts that name no known body but look like one (capitalised, between commas) come back with
    ``agency_id`` None so nothing written is lost.

    >>> [m.text for m in split_agency_list("Sở Khoa học và Công nghệ, Công an tỉnh")]
    ['Sở Khoa học và Công nghệ', 'Công an tỉnh']
    """
    mentions = _find(text, on=on, across_semicolons=False, bare_collectives=True)
    covered = [(m.start, m.end) for m in mentions]
    extra: list[AgencyMention] = []
    for part in _CELL_PARTS.finditer(text):
        s, e = part.start(), part.end()
        raw = part.group()
        s += len(raw) - len(raw.lstrip(_STRIP))
        e -= len(raw) - len(raw.rstrip(_STRIP))
        if e - s < 3 or any(cs < e and s < ce for cs, ce in covered):
            continue
        piece = text[s:e]
        if piece[0].isupper() and len(piece.split()) <= 12:
            extra.append(AgencyMention(s, e, piece, None, _clean(piece), "other", rule="unknown_part"))
    return sorted(mentions + extra, key=lambda m: m.start)


def resolve_province(name: str, *, on: date | None = None) -> Province | None:
    """The province a name denotes; from the 2025 rearrangement (``on`` given) the unit it merged into.

    >>> resolve_province("Hà Giang", on=date(2025, 8, 1)).name
    'Tuyên Quang'
    """
    gaz = load_gazetteer()
    toks = _tokenize(name)
    for j in range(len(toks)):
        hit = gaz.province_trie.walk(toks, j)
        if hit:
            prov = hit[1]
            if on is not None and prov.successor and on >= gaz.provinces_effective:
                prov = gaz.provinces[prov.successor]
            return prov
    return None


@lru_cache(maxsize=1)
def _institutions() -> dict[str, Any]:
    """The ``institutions`` section of agencies.yaml with the institution heads of agency_phrases.yaml, compiled (once)."""
    import yaml

    data = yaml.safe_load((DATA / "agencies.yaml").read_text(encoding="utf-8"))["institutions"]
    heads = phrase_vocabulary()["institution_heads"]

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    return {
        "head": re.compile(rf"(?<!\w)(?:{alt([h for group in heads.values() for h in group])})(?!\w)"),
        "working": {fold(h) for h in heads["working_body"]},
        "verbs": {fold(v) for v in data["name_verbs"]},
        "programme_verbs": {fold(v) for v in data["programme_verbs"]},
        "programme_noun": re.compile(rf"\s+(?:{alt(data['programme_nouns'])})(?!\w)"),
        "window": int(data["name_verb_window"]),
        "max_words": int(data["generic_name_max_words"]),
        "kinds": {fold(h): "other" if kind == "working_body" else kind for kind, group in heads.items() for h in group},
    }


def _activity_words(words: list[str], verbs: set[str]) -> list[bool]:
    """For each word, whether it is part of a name verb (one or two syllables, folded)."""
    flags = [False] * len(words)
    i = 0
    while i < len(words):
        two = " ".join(fold(w) for w in words[i:i + 2])
        if i + 1 < len(words) and two in verbs:
            flags[i] = flags[i + 1] = True
            i += 2
            continue
        flags[i] = fold(words[i]) in verbs
        i += 1
    return flags


def institution_verb_in_name(text: str, start: int, verb_start: int, verb_end: int) -> bool:
    """Whether the verb-like word ``text[verb_start:verb_end]`` belongs to an institution's name begun
    at or after ``start`` ("Viện Nghiên cứu phát triển …", "Tổ công tác thực hiện Đề án …").

    Names that open with an activity ("Nghiên cứu", "Hỗ trợ", "Xúc tiến", or a head such as "Ban Quản
    lý") may carry further activity words close behind it; working bodies may name the programme they
    carry out. Every other verb ends the name: "Viện Nghiên cứu … thành phố tổng hợp" stops at "tổng hợp".

    >>> t = "Viện Nghiên cứu phát triển kinh tế thành phố tổng hợp kết quả"
    >>> institution_verb_in_name(t, 0, t.index("phát"), t.index(" kinh")), institution_verb_in_name(t, 0, t.index("tổng"), t.index(" kết"))
    (True, False)
    """
    inst = _institutions()
    verb = fold(text[verb_start:verb_end])
    heads = list(inst["head"].finditer(text, start, verb_start))
    if not heads or (verb not in inst["verbs"] and verb not in inst["programme_verbs"]):
        return False
    head = heads[-1]
    between = text[head.end():verb_start]
    if re.search(r"[,;:()]|\s[-–]\s*$", between):
        return False
    words = between.split()
    if not words:
        if fold(head.group(0)) in inst["working"] and verb in inst["programme_verbs"]:
            return bool(inst["programme_noun"].match(text, verb_end))
        if verb not in inst["verbs"]:
            return False
        # "các Viện nghiên cứu", "Trung tâm điều hành …": right after a service institution's head a name
        # verb is the kind of institution, not its duty.
        return _activity_words(head.group(0).split(), inst["verbs"])[-1] or inst["kinds"].get(fold(head.group(0))) == "service_unit"
    if verb not in inst["verbs"]:
        return False
    flags = _activity_words(words, inst["verbs"])
    opens_with_activity = (words[0][:1].isupper() and flags[0]) or _activity_words(head.group(0).split(), inst["verbs"])[-1]
    if not opens_with_activity:
        return False
    since = 0  # words since the last activity word
    for w_is_verb in flags:
        since = 0 if w_is_verb else since + 1
    return since < inst["window"]


# ---------------------------------------------------------------------------------------------------
# Agency phrases: where an addressee phrase starts at a position, where it ends, and its members.
#
# An agency phrase is the addressee as written ("Giám đốc các sở, Thủ trưởng các ban, ngành"). It starts
# with a head (agency_phrases.yaml: a body head such as "Sở" or "UBND", a title that opens a phrase, or
# "các"/"những" + a collective noun) and ends before the first predicate word written in lower case. The
# task extractor reads addressees with these functions (task_extraction/addressees.py adapts them).


@lru_cache(maxsize=1)
def phrase_vocabulary() -> dict[str, Any]:
    """nlp/data/agency_phrases.yaml (once): titles, heads and collective nouns (starts), predicate words (ends).

    >>> "Giám đốc" in [t["title"] for t in phrase_vocabulary()["titles"]]
    True
    """
    import yaml

    return yaml.safe_load((DATA / "agency_phrases.yaml").read_text(encoding="utf-8"))


def _word_alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regex alternation of ``words``, longest first, with word boundaries around it."""
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return rf"(?<!\w)(?:{body})(?!\w)"


def _plain_alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _head_regex() -> re.Pattern[str]:
    v = phrase_vocabulary()
    heads = v["heads"]
    alone = [t["title"] for t in v["titles"] if t.get("opens") == "alone"]
    before_body = [t["title"] for t in v["titles"] if t.get("opens") == "before_body"]
    any_case = _plain_alternation(heads["any_case"])
    long_alt = _plain_alternation([*alone, *heads["any_case"]])
    short_alt = _plain_alternation([*heads["capitalised"], *(h for group in v["institution_heads"].values() for h in group)])
    not_after = _plain_alternation(heads["capitalised_not_before"])
    nouns = _plain_alternation(set(v["collective_nouns"]) - set(v["weak_phrase_openers"]))
    pattern = (
        rf"(?:(?i:{_plain_alternation(before_body)})\s+(?:(?i:{any_case}|(?:các|những)\s+(?:{nouns}))|{short_alt})(?!\w)"
        rf"|(?i:(?:{long_alt}))(?!\w)"
        rf"|(?:{short_alt})(?!\w)(?!\s+(?i:{not_after})(?!\w))"
        rf"|(?i:(?:các|những)\s+(?:{nouns}))(?!\w))"
    )
    return re.compile(pattern)


@lru_cache(maxsize=1)
def _weak_opener_regex() -> re.Pattern[str]:
    return re.compile(rf"(?i:(?:các|những)\s+(?:{_plain_alternation(phrase_vocabulary()['weak_phrase_openers'])}))(?!\w)")


def agency_head_at(text: str, pos: int) -> re.Match[str] | None:
    """The agency head starting exactly at ``pos`` (a body head, an opening title, "các" + a collective noun).

    >>> agency_head_at("Giao Sở Nội vụ chủ trì", 5).group(0), agency_head_at("Hội nghị sơ kết", 0)
    ('Sở', None)
    """
    head = _head_regex().match(text, pos)
    if head is None:
        weak = _weak_opener_regex().match(text, pos)
        if weak and any(m.start == pos and m.collective for m in _mentions_of(text)):
            return weak  # "các phường, xã": the recogniser reads a collective here
    return head


# Verbs written capitalised inside names ("Quỹ Đầu tư phát triển"), never a run-on predicate.
_NAME_VERBS = {"dau tu", "phat trien"}


@lru_cache(maxsize=1)
def _run_on_verb() -> re.Pattern[str]:
    """A multi-word or long task verb, capitalised, after a lower-case word and before another one."""
    verbs = sorted({v for v in phrase_vocabulary()["ends"]["task_verbs"]
                    if fold(v) not in _NAME_VERBS and (" " in v or len(v) > 4)}, key=len, reverse=True)
    alts = "|".join(re.escape(v[:1].upper() + v[1:]) for v in verbs)
    # "và" joins the capitalised parts of a name ("Sở Giáo dục và Đào tạo"): never the word before a run-on
    return re.compile(r"(?<!\S)(?!và\s)[a-zà-ỹđ]\S*\s+(?P<verb>" + alts + r")\s+(?=[a-zà-ỹđ])")


@lru_cache(maxsize=1)
def _predicate_regex() -> re.Pattern[str]:
    ends = phrase_vocabulary()["ends"]
    words = ends["task_verbs"] + ends["predicate_cues"]
    # Lower case only: names are capitalised ("Ban Chỉ đạo", "Sở Xây dựng"), predicates are not.
    # A verb right after "các"/"những" is a noun ("các tổ chức"); so is "trình" in "quy trình", "Chương trình",
    # and "kiểm tra" in "lịch kiểm tra", "đợt kiểm tra" (not after "Du lịch": "Sở … Du lịch kiểm tra …").
    # "tự" ends a name before a verb ("… còn lại tự kiểm tra") but not in "tự chủ"/"tự quản".
    return re.compile(r"(?:(?<!các )(?<!những )(?<!và )(?<!cơ sở )(?<!Chương )(?<!chương )(?<!quy )(?<!công )(?<!tờ )(?<!lộ )(?<!tiến )(?!(?<=lịch )(?<!u lịch )kiểm tra)(?!(?<=đợt )kiểm tra)"
                      + _word_alternation(words)
                      + "|(?<!đặc biệt )(?<!nhất )(?<!tức )" + _word_alternation(ends["agency_name_enders"])
                      + r"|(?<!\w)tự(?!\w)(?!\s+(?:chủ|quản)))")


# A bracket, a dash before "lĩnh vực"/"về", a full stop or colon (not the colon of "các Sở:"/"các Bộ:"), or the
# scope of the duty ("theo chức năng, nhiệm vụ", "trong phạm vi chức năng …"), which belongs to neither name nor task.
_NAME_BREAK = re.compile(r"\s*\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)|\s+[-–]\s+(?=lĩnh vực|về\s)"
                         r"|(?<![Cc]ác [Ss]ở)(?<![Cc]ác [Bb]ộ)(?<![Cc]ác [Bb]an)(?<![Cc]ác [Tt]ập đoàn)(?<![Cc]ác [Tt]ổng công ty)[.:]\s"
                         r"|,?\s+(?=(?:theo\s+(?:đúng\s+)?|trong phạm vi\s+)chức năng(?!\w))")
_ROLE_CUE = re.compile(r"(?<=\s)(?:Chủ trì|Phối hợp|Tham mưu|Chịu trách nhiệm|Có trách nhiệm)(?!\w)")


def agency_phrase_end(text: str, pos: int, limit: int | None = None) -> int:
    """Where the agency phrase starting at ``pos`` ends: before the first lower-case predicate word.

    Verb-like words inside an institution's name, inside brackets or standing alone in a list of bodies do
    not end it; neither does the qualifying clause of a collective ("Các cơ quan, đơn vị được giao nhiệm
    vụ tại Kế hoạch này chủ động …"). A capitalised role cue, a long bracket, a dash before "lĩnh vực"/"về"
    or a full stop/colon does.

    >>> t = "Giám đốc các sở, trưởng các ban, ngành cấp tỉnh, chủ tịch UBND các xã, phường tổ chức thực hiện"
    >>> t[:agency_phrase_end(t, 0)]
    'Giám đốc các sở, trưởng các ban, ngành cấp tỉnh, chủ tịch UBND các xã, phường'
    """
    limit = len(text) if limit is None else limit
    head = agency_head_at(text, pos)
    search_from = head.end() if head else pos
    verb = _predicate_regex().search(text, search_from, limit)
    # "Viện Nghiên cứu phát triển …", "Tổ công tác thực hiện Đề án …": verb-like words inside a name.
    while verb and (institution_verb_in_name(text, pos, verb.start(), verb.end())
                    or _inside_known_name(text, pos, verb.start())
                    or text.count("(", search_from, verb.start()) > text.count(")", search_from, verb.start())
                    or _listed_noun(text, verb.start(), verb.end())):
        # a verb inside a body find_agencies knows ("Ban Chỉ đạo phát triển khoa học, công nghệ …") or inside
        # brackets ("Sở X (tiếp nhận nhiệm vụ của Sở Y)") does not end the name either, nor a word between
        # commas of a list of bodies ("Doanh nghiệp, tổ chức, cơ sở giáo dục")
        verb = _predicate_regex().search(text, verb.end(), limit)
    if verb:
        qualified = _qualifier_end(text, pos, verb.start(), limit)
        if qualified is not None:
            verb = _predicate_regex().search(text, qualified, limit)
            search_from = qualified
    end = verb.start() if verb else limit
    # A capitalised role cue ends the name too: a PDF heading "2. Sở Tư pháp" joined to "Chủ trì, …".
    cue = _ROLE_CUE.search(text, search_from, end)
    if cue:
        end = cue.start()
    # So does a capitalised verb right after a lower-case word: a lost line break in "1. Thủ trưởng cơ quan
    # ngang bộ Tập trung chỉ đạo …" (inside names a capitalised verb follows a capitalised word).
    run_on = _run_on_verb().search(text, search_from, min(len(text), end + 3))
    if run_on and run_on.start("verb") < end:
        end = run_on.start("verb") - 1
    # A long parenthesis ("(lĩnh vực …)") or a dash ends a name; a short abbreviation "(KHĐT)" does not.
    for m in _NAME_BREAK.finditer(text, search_from, end):
        inner = m.groupdict().get("inner")
        if inner is not None and len(inner) <= 14 and not re.search(r"\b(lĩnh vực|về)\b", inner):
            continue
        end = m.start()
        break
    if verb:  # a clause with no predicate word ("Văn phòng Chính phủ trân trọng thông báo") is left whole
        end = _end_of_known_names(text, pos, end)
    end = _trim_phrase(text, pos, end)
    role = _GENERIC_ROLE.match(text, end)
    if role and re.search(r"(?:cơ quan|đơn vị)\s*$", text[pos:end], re.I):
        end = role.end("role")  # "cơ quan chủ trì có trách nhiệm …": the role names the body
    return end


# A generic body named by its role in the matter ("cơ quan chủ trì", "đơn vị phối hợp") before a duty cue.
_GENERIC_ROLE = re.compile(r"(?P<role>\s+(?:chủ trì|phối hợp))(?=\s+(?:có trách nhiệm|phải|cần)(?!\w))")


_JOINERS = re.compile(r"\s*(?:,|;|/|&|\bvà\b|\bcùng(?:\s+với)?\b)\s*")
_NOT_A_NAME_END = re.compile(r"\s+(?:và|cùng|hoặc|hay|thuộc|trực thuộc)(?!\w)")


def _end_of_known_names(text: str, pos: int, end: int) -> int:
    """Where a phrase that opens with bodies ``find_agencies`` knows stops: after the last of them when lower-case
    words that are no part of a name follow ("Văn phòng Chính phủ theo chức năng, nhiệm vụ …" ends at
    "Chính phủ"). Collectives keep their qualifying clauses; modifiers ("các cấp", "trên địa bàn tỉnh") and
    joiners ("và", "thuộc") do not end a name."""
    mentions = [m for m in _mentions_of(text) if m.start < end and m.end > pos]
    if not mentions or mentions[0].start != pos:
        return end
    last = mentions[0]
    for m in mentions[1:]:
        if m.start >= last.end and _JOINERS.fullmatch(text, last.end, m.start):
            last = m
            continue
        break
    if last.collective or last.end >= end:
        return end
    rest = text[last.end:end]
    word = re.match(r"\s+(\w)", rest)
    if not word or not word.group(1).islower() or _NOT_A_NAME_END.match(rest):
        return end
    gaz = load_gazetteer()
    toks = _tokenize(rest)
    if toks and gaz.collective_mods.walk(toks, 0) is not None:
        return end
    return last.end


def _known_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the specific bodies ``find_agencies`` finds in ``text``. Collectives are left out: their
    qualifying clauses are read by ``_qualifier_end``."""
    return tuple((m.start, m.end) for m in _mentions_of(text) if not m.collective)


def _inside_known_name(text: str, pos: int, at: int) -> bool:
    """Whether offset ``at`` falls inside (not at the start of) a known body's name that ends after ``pos``."""
    return any(s < at < e and e > pos for s, e in _known_spans(text))


@lru_cache(maxsize=1)
def _qualifier_regexes() -> tuple[re.Pattern[str], ...]:
    ends = phrase_vocabulary()["ends"]
    q = ends["collective_qualifiers"]
    flags = re.IGNORECASE
    return (re.compile(r"\s*" + _word_alternation(q["passive"]), flags),
            re.compile(r"\s*" + _word_alternation(q["reference_preps"]) + r"\s", flags),
            re.compile(_word_alternation(q["modifier_heads"]) + r"\s+" + _word_alternation(q["modifier_verbs"]) + r"$", flags),
            re.compile(_word_alternation(ends["predicate_cues"] + ends["deontic_cues"])),
            re.compile(_word_alternation(ends["deontic_cues"] + ["chủ động"])))


def _qualifier_end(text: str, pos: int, verb_start: int, limit: int) -> int | None:
    """Where a qualifying clause of a generic addressee ends, if the word at ``verb_start`` opens one.

    "Các cơ quan, đơn vị được giao nhiệm vụ tại Kế hoạch này chủ động …" and "Các cơ quan quản lý nhà nước
    về đất đai tăng cường …" keep the clause in the name; "Các sở được giao nhiệm vụ rà soát …" does not
    (there the passive clause is the predicate). Returns the offset of the predicate that follows.
    """
    passive, prep, modifier, predicate, deontic = _qualifier_regexes()
    name = text[pos:verb_start]
    if not (is_collective_name(name) or re.match(r"(?i)\s*(?:cơ quan|đơn vị)(?!\w)", name)):
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


def _trim_phrase(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ,;:-–(\n\t":
        end -= 1
    return end


def is_collective_name(name: str) -> bool:
    """True for addressees that name a group rather than one body ("các sở, ban, ngành", "UBND cấp xã").

    A name is collective when it says so ("các", "những", "cấp xã" …) or when ``find_agencies`` reads it as
    collectives only ("Thủ trưởng cơ quan ngang bộ", "Ủy ban nhân dân xã, phường, đặc khu").

    >>> is_collective_name("UBND cấp xã"), is_collective_name("Thủ trưởng cơ quan, đơn vị"), is_collective_name("Sở Tư pháp")
    (True, True, False)
    """
    f = " " + re.sub(r"[^\w]+", " ", fold(name)) + " "
    if any(w in f for w in (" cac ", " nhung ", " cap xa ", " cap huyen ", " cap tinh ", " doanh nghiep ")):
        return True
    mentions = _mentions_of(name)
    core = len(name) - len(name.lstrip(_STRIP))
    return bool(mentions) and mentions[0].start <= core and all(m.collective for m in mentions)


@lru_cache(maxsize=4096)
def _mentions_of(text: str) -> tuple[AgencyMention, ...]:
    return tuple(find_agencies(text))


@dataclass
class PhraseMember:
    """One body in an agency phrase, with offsets relative to the phrase's text."""

    text: str
    start: int
    end: int
    collective: bool


# "các Sở: Nội vụ, Tư pháp", "các Tập đoàn: Bưu chính Viễn thông Việt Nam, …": a head shared by the members.
ELLIPTICAL_HEAD = re.compile(r"(?:[Cc]ác\s+)?(?P<head>Sở|Bộ|Ban|sở|bộ|[Tt]ập đoàn|[Tt]ổng công ty)\s*:\s*")
_ELLIPTICAL = ELLIPTICAL_HEAD


def split_agency_phrase(phrase: str, *, keep_collectives_whole: bool = True) -> list[PhraseMember]:
    """Split an agency phrase into bodies; a phrase of collectives only stays one member (unless asked not to).

    Members split at ";" and at ", " / " và " before a new head; "Giám đốc các Sở: Nội vụ, Tư pháp" gives one
    member per department.

    >>> [m.text for m in split_agency_phrase("Giám đốc các Sở: Nội vụ, Tư pháp; Thủ trưởng các cơ quan có liên quan")]
    ['Nội vụ', 'Tư pháp', 'Thủ trưởng các cơ quan có liên quan']
    """
    members: list[PhraseMember] = []
    for piece_start, piece_end in _spans(phrase, r";\s*"):
        members.extend(_split_piece(phrase, piece_start, piece_end))
    members = [m for m in members if m.text]
    if keep_collectives_whole and len(members) > 1 and all(m.collective for m in members):
        end = _trim_phrase(phrase, 0, len(phrase))
        return [PhraseMember(phrase[:end], 0, end, True)]
    return members


def _spans(text: str, sep: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    out, pos = [], start
    for m in re.finditer(sep, text[start:end]):
        out.append((pos, start + m.start()))
        pos = start + m.end()
    out.append((pos, end))
    return out


def _split_piece(text: str, start: int, end: int) -> list[PhraseMember]:
    ell = _ELLIPTICAL.search(text, start, end)
    out: list[PhraseMember] = []
    if ell:
        before = _trim_phrase(text, start, ell.start())
        # "Giám đốc" before "các Sở:" is the title of the listed members, not a member.
        prefix = text[start:before]
        cut = re.search(r"(?:,\s*|\s+và\s+)?(?:Giám đốc|Thủ trưởng|Lãnh đạo|Trưởng)\s*$", prefix)
        if cut:
            before = _trim_phrase(text, start, start + cut.start())
        if before > start:
            out.extend(_split_by_heads(text, start, before))
        pieces = [(s, _trim_phrase(text, s, e)) for s, e in _spans(text, r",\s*", ell.end(), end)]
        pieces = [(s, e) for s, e in pieces if e > s]
        # A member find_agencies knows keeps its own extent: "Văn hóa, Thể thao và Du lịch" is one member,
        # and words after it ("… theo chức năng") are not part of it.
        known = {m.start: m.end for m in _mentions_of(text) if m.rule == "elliptical" and ell.end() <= m.start and m.end <= end}
        i = 0
        while i < len(pieces):
            s, e = pieces[i]
            if s in known:
                e = known[s]
                while i + 1 < len(pieces) and pieces[i + 1][0] < e:
                    i += 1
            out.append(PhraseMember(text[s:e], s, e, False))
            i += 1
        return out
    return _split_by_heads(text, start, end)


def _split_by_heads(text: str, start: int, end: int) -> list[PhraseMember]:
    cuts = [start]
    for m in re.finditer(r",\s*|\s+và\s+", text[start:end]):
        nxt = start + m.end()
        if agency_head_at(text, nxt) and _specific_or_collective_head(text, nxt):
            cuts.append(nxt)
    out = []
    for i, s in enumerate(cuts):
        e = cuts[i + 1] if i + 1 < len(cuts) else end
        e = _trim_phrase(text, s, e)
        e = _strip_joiner(text, s, e)
        if e > s:
            out.append(PhraseMember(text[s:e], s, e, is_collective_name(text[s:e])))
    return out


def _strip_joiner(text: str, s: int, e: int) -> int:
    m = re.search(r"(?:,|\s+và)\s*$", text[s:e])
    return _trim_phrase(text, s, s + m.start()) if m else e


def _specific_or_collective_head(text: str, pos: int) -> bool:
    # A lower-case word after a comma continues a name ("Phát thanh, Truyền hình"; "các xã, phường")
    # unless it opens a collective ("và các tổ chức chính trị - xã hội").
    return text[pos].isupper() or text[pos:pos + 4].lower() in {"các ", "nhữn"}


def agency_names() -> dict[str, str]:
    """Canonical names by id, for display and export."""
    return {b.id: b.name for b in load_gazetteer().bodies.values()}


# ---------------------------------------------------------------------------------------------------
# One body, one name: the canonical display name of an agency id, for every list that groups by agency.


@lru_cache(maxsize=1)
def _noun_slugs() -> dict[str, str]:
    """Collective nouns by slug ("co-quan" -> "cơ quan"), the first listed when two share one."""
    out: dict[str, str] = {"ubnd": "Ủy ban nhân dân"}
    for noun in phrase_vocabulary()["collective_nouns"]:
        out.setdefault(_slug(noun), normalize_text(noun))
    return out


@lru_cache(maxsize=4096)
def _noun_parts(slug: str) -> list[str] | None:
    """The noun slugs an id part of a collective of nouns is made of ("so-ban-nganh" -> so, ban, nganh); None
    for a body of the gazetteer, people's committees of some levels, or anything else that is not nouns.

    The slug is read as the most nouns it can be ("sở, ban, ngành" rather than "sở, ban ngành"), so every way
    of writing the same nouns gives one reading.
    """
    if slug in load_gazetteer().bodies or _COMMITTEE_ID.fullmatch(slug):
        return None
    words = slug.split("-")
    nouns = _noun_slugs()
    best: list[list[str] | None] = [None] * (len(words) + 1)
    best[0] = []
    for i in range(len(words)):
        if best[i] is None:
            continue
        for j in range(i + 1, len(words) + 1):
            piece = "-".join(words[i:j])
            if piece in nouns and (best[j] is None or len(best[i]) + 1 > len(best[j])):
                best[j] = [*best[i], piece]
    return best[-1] or None


def _collective_name(slug: str) -> str | None:
    """The name of a collective of nouns from its id part: "so-ban-nganh" -> "Các sở, ban, ngành" (None when
    the slug is not nouns of the vocabulary)."""
    parts = _noun_parts(slug)
    return "Các " + ", ".join(_noun_slugs()[p] for p in parts) if parts else None


_COMMITTEE_ID = re.compile(r"(?P<what>ubnd|hdnd)-(?:cap-(?P<one>tinh|huyen|xa)|(?P<many>(?:tinh|huyen|xa|cac-cap)(?:-(?:tinh|huyen|xa|cac-cap))*))")


def _derived_name(agency_id: str) -> str | None:
    """The canonical name of an id outside the gazetteer that names its parts: committees of some levels
    ("collective:ubnd-huyen-xa"), collectives of nouns ("collective:so-ban-nganh") and collectives joined
    in one addressee ("collective:so-ban-nganh+ubnd-cap-xa": "Các sở, ban, ngành; Ủy ban nhân dân cấp xã")."""
    gaz = load_gazetteer()
    names: list[str] = []
    for part in agency_id.removeprefix("collective:").split("+"):
        body = gaz.bodies.get(part)
        committee = _COMMITTEE_ID.fullmatch(part)
        if body is not None:
            name = body.name
        elif committee is not None:
            groups = [committee["one"]] if committee["one"] else committee["many"].replace("cac-cap", "all").split("-")
            name = _committee_name(gaz, committee["what"], groups)
        else:
            name = _collective_name(part)
        if name is None:
            return None
        names.append(name if not names or not name.startswith("Các ") else "các " + name[4:])
    return "; ".join(names) or None


def _city_form(name: str, written: list[str]) -> str:
    """A provincial body's name ending in "tỉnh" as a centrally run city writes it ("… thành phố") when the
    names as stored mostly say "thành phố" and not "tỉnh"."""
    if not name.endswith(" tỉnh") or not written:
        return name
    city = sum(1 for w in written if "thanh pho" in fold(w) and " tinh" not in fold(w))
    return name[: -len(" tỉnh")] + " thành phố" if city * 2 > len(written) else name


def canonical_agency_name(agency_id: str | None, written: Iterable[str | None] = ()) -> str | None:
    """The one name every list shows for ``agency_id``: the gazetteer's, never the words as written.

    Ids of the gazetteer take its name (a provincial body "… tỉnh" reads "… thành phố" when the names given
    mostly say so); ids that name their parts (levels of people's committees, collectives of nouns, joined
    collectives) take the name those parts make; any other id (a commune named by its place, an institution
    outside the gazetteer) takes the name given most often (``written``, e.g. the names stored for its tasks).
    None without an id.

    >>> canonical_agency_name("ubnd-cap-xa"), canonical_agency_name("collective:so-ban-nganh")
    ('Ủy ban nhân dân cấp xã', 'Các sở, ban, ngành')
    >>> canonical_agency_name("so-noi-vu", ["Sở Nội vụ tỉnh Nghệ An"])
    'Sở Nội vụ'
    >>> canonical_agency_name("ubnd-xa-tan-hung", ["Ủy ban nhân dân xã Tân Hưng"])
    'Ủy ban nhân dân xã Tân Hưng'
    """
    if not agency_id:
        return None
    names = [w for w in written if w]
    body = load_gazetteer().bodies.get(agency_id)
    if body is not None:
        return _city_form(body.name, names)
    derived = _derived_name(agency_id)
    if derived is not None:
        return derived
    if not names:
        return None
    counts = Counter(names)
    return min(counts, key=lambda n: (-counts[n], len(n), n))


def canonical_agency_names(rows: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """The canonical name of every agency id among ``(agency_id, name as stored)`` rows, one per id.

    Rows without an id are left out (they are grouped by their own name); an id no name can be found for
    keeps its id as name.

    >>> canonical_agency_names([("ubnd-cap-xa", "Ủy ban nhân dân phường, xã, đặc khu"), ("ubnd-cap-xa", "Ủy ban nhân dân các xã")])
    {'ubnd-cap-xa': 'Ủy ban nhân dân cấp xã'}
    """
    written: dict[str, list[str | None]] = {}
    for agency_id, name in rows:
        if agency_id:
            written.setdefault(agency_id, []).append(name)
    return {aid: canonical_agency_name(aid, names) or aid for aid, names in written.items()}


__all__ = [
    "AgencyMention", "Gazetteer", "PhraseMember", "Province", "agency_head_at", "agency_names", "agency_phrase_end",
    "canonical_agency_name", "canonical_agency_names", "find_agencies", "institution_verb_in_name", "is_collective_name", "load_gazetteer", "phrase_vocabulary",
    "resolve_agency", "resolve_province", "split_agency_list", "split_agency_phrase",
]
