"""The PAR INDEX / SIPAS / PAPI criteria tree, read from a validated YAML file.

The default file is ``corpora/par/taxonomy.yaml``; ``PARLENS_CRITERIA_TAXONOMY`` selects another one in
the same schema (for instance the official annex of QĐ 876/QĐ-BNV once it is at hand).

>>> tax = load_taxonomy()
>>> tax.get("PAR.7").name
'Xây dựng và phát triển chính quyền điện tử, chính quyền số'
>>> field_label("PAR.7.2"), code_for_label("SIPAS")
('e-government', 'SIPAS')

``Taxonomy.match`` answers a staff query ("một cửa") with the most specific criterion whose wording covers it:

>>> [m.code for m in tax.match("một cửa")][:2]
['PAR.3.3', 'PAR.3']
>>> tax.match("thời tiết hôm nay")
[]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parlens.errors import ParlensError
from parlens.nlp.normalize import fold

Status = Literal["verified", "partial", "inferred", "working_label", "unknown"]
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(\.\d+)*$")
# A code as staff type it: "PAR.7.2", "par 7.2", "PAR INDEX 7", "sipas3".
_LOOSE_CODE = re.compile(r"([a-z]+)(?:\s+index)?[\s.]*([\d\s.]*)", re.I)  # no nested repeats: no runaway backtracking

# What staff read about a criterion's wording, by status: the tree's badge and the full sentence.
# The document the wording should be checked against depends on the index (the item's root).
STATUS_REFERENCE_VI = {"PAR": "Quyết định 876/QĐ-BNV", "SIPAS": "Quyết định 2640/QĐ-BNV",
                       "PAPI": "báo cáo PAPI của UNDP và CECODES"}
STATUS_LABEL_VI = {"verified": "", "partial": "tên mới đối chiếu một phần", "inferred": "tên dựng lại, chưa đối chiếu",
                   "working_label": "tên dựng lại, chưa đối chiếu", "unknown": "chưa rõ nguồn"}
_STATUS_NOTE_VI = {
    "partial": "Tên tiêu chí mới đối chiếu được một phần với {ref}; phần còn lại được dựng lại.",
    "inferred": "Tên tiêu chí được dựng lại, chưa đối chiếu với {ref}.",
    "working_label": "Tên tiêu chí được dựng lại, chưa đối chiếu với {ref}.",
    "unknown": "Chưa rõ nguồn của tên tiêu chí này; cần đối chiếu với {ref}.",
}

# Matching a staff query against the criteria's wording (see ``Taxonomy.match``).
MATCH_THRESHOLD = 0.6  # share of the query's (specificity-weighted) words a criterion's wording must cover
MAX_QUERY_WORDS = 40  # a look-up is a few words; longer input is cut (bounds the work per request)
_TIE = 0.05  # candidates this close to the best count as equally good: the most specific one is chosen
# Words that frame a question ("ai phụ trách …", "nhiệm vụ về …") rather than name a topic.
_QUERY_FILLERS = ("chịu trách nhiệm", "phụ trách", "nhiệm vụ", "tiêu chí", "lĩnh vực", "liên quan", "cơ quan nào",
                  "ai", "nào", "gì", "về", "của", "các", "những", "và", "cho", "với", "trong", "là", "được", "có", "đến",
                  "tới", "theo")


class CriterionItem(BaseModel):
    """One node of the tree: an index root, a field, a criterion or a sub-criterion."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str = Field(min_length=1)
    name_en: str | None = None
    status: Status
    label: str | None = None  # field-level label (devset vocabulary), inherited by descendants
    max_points: float | None = Field(None, ge=0, le=100)
    scoring: str | None = None
    sources: list[str] = Field(default_factory=list)
    note: str | None = None
    aliases: list[str] = Field(default_factory=list)  # explicit names: strong evidence when written
    keywords: list[str] = Field(default_factory=list)  # editorial phrases: ordinary evidence
    cues: list[str] = Field(default_factory=list)  # phrases choosing this criterion once its field is linked
    keyword_weight: float = Field(1.0, gt=0, le=1)
    children: list[CriterionItem] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"code {value!r} must look like PAR, PAR.7 or PAR.7.2")
        return value

    @field_validator("aliases", "keywords", "cues")
    @classmethod
    def _no_blank_phrases(cls, value: list[str]) -> list[str]:
        if any(not isinstance(v, str) or not v.strip() for v in value):
            raise ValueError("keywords and aliases must be non-empty strings")
        return value

    @model_validator(mode="after")
    def _children_extend_code(self) -> CriterionItem:
        for child in self.children:
            if not child.code.startswith(self.code + ".") or "." in child.code[len(self.code) + 1 :]:
                raise ValueError(f"child {child.code} does not sit directly under {self.code}")
        return self


class TaxonomyFile(BaseModel):
    """The whole file: free-form ``meta`` and the root items."""

    model_config = ConfigDict(extra="forbid")

    meta: dict = Field(default_factory=dict)
    items: list[CriterionItem] = Field(min_length=1)


class Taxonomy:
    """Lookups over the validated tree: by code, children, ancestors, and phrase search."""

    def __init__(self, spec: TaxonomyFile, path: Path | None = None) -> None:
        self.meta = spec.meta
        self.path = path
        self.roots = spec.items
        self._by_code: dict[str, CriterionItem] = {}
        self._parent: dict[str, str | None] = {}
        for root in self.roots:
            self._index(root, None)

    def _index(self, item: CriterionItem, parent: str | None) -> None:
        if item.code in self._by_code:
            raise ParlensError("PARLENS-E031", f"{self.path}: code {item.code} appears twice")
        self._by_code[item.code] = item
        self._parent[item.code] = parent
        for child in item.children:
            self._index(child, item.code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[CriterionItem]:
        """All items, depth first, in file order."""
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> CriterionItem:
        """The item with this code (case-insensitive), else PARLENS-E030."""
        item = self._by_code.get(code.strip().upper().replace("PAR INDEX", "PAR"))
        if item is None:
            raise ParlensError("PARLENS-E030", code)
        return item

    def find(self, code: str) -> CriterionItem | None:
        """The item with this code, or None."""
        return self._by_code.get(code.strip().upper())

    def children(self, code: str) -> list[CriterionItem]:
        return list(self.get(code).children)

    def parent(self, code: str) -> CriterionItem | None:
        parent = self._parent.get(self.get(code).code)
        return self._by_code[parent] if parent else None

    def ancestors(self, code: str) -> list[CriterionItem]:
        """Parents from the nearest up to the root."""
        out: list[CriterionItem] = []
        current = self._parent.get(self.get(code).code)
        while current:
            out.append(self._by_code[current])
            current = self._parent[current]
        return out

    def descendants(self, code: str) -> list[CriterionItem]:
        """Every item below ``code`` (not including it)."""
        out: list[CriterionItem] = []
        stack = list(reversed(self.get(code).children))
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(reversed(item.children))
        return out

    def depth(self, code: str) -> int:
        return len(self.ancestors(code))

    def label_of(self, code: str) -> str | None:
        """The field-level label of ``code``: its own, else the nearest ancestor's."""
        item = self.find(code)
        if item is None:
            return None
        for node in [item, *self.ancestors(item.code)]:
            if node.label:
                return node.label
        return None

    def code_for_label(self, label: str) -> str | None:
        """The shallowest code carrying ``label`` ("e-government" -> "PAR.7")."""
        best: CriterionItem | None = None
        for item in self:
            if item.label == label and (best is None or item.code.count(".") < best.code.count(".")):
                best = item
        return best.code if best else None

    def labels(self) -> dict[str, str]:
        """Label -> code for every label-bearing top item."""
        return {label: code for label in {i.label for i in self if i.label} if (code := self.code_for_label(label))}

    def code_in(self, query: str) -> str | None:
        """The code a query spells ("par 7.2" -> "PAR.7.2", "PAR.99" -> "PAR.99"), known or not; None for words.

        >>> load_taxonomy().code_in("sipas 3"), load_taxonomy().code_in("một cửa")
        ('SIPAS.3', None)
        """
        m = _LOOSE_CODE.fullmatch(query.strip())
        if not m:
            return None
        root, numbers = m.group(1).upper(), re.findall(r"\d+", m.group(2) or "")
        known = root in {r.code for r in self.roots}
        # An unknown root counts as a code only when typed like one ("ABC.1"), so "ai 3" stays words.
        if known or (numbers and m.group(1).isupper() and "." in query):
            return ".".join([root, *numbers])
        return None

    def status_note(self, code: str) -> str | None:
        """What staff read about this item's wording: None when verified, else a plain Vietnamese sentence.

        >>> load_taxonomy().status_note("PAR.7.2")
        'Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV.'
        """
        item = self.get(code)
        template = _STATUS_NOTE_VI.get(item.status)
        if template is None:
            return None
        root = (self.ancestors(item.code) or [item])[-1].code
        return template.format(ref=STATUS_REFERENCE_VI.get(root, "văn bản gốc"))

    def status_legend(self) -> list[tuple[str, str]]:
        """(badge, sentence) for each status the tree uses below "verified", naming every index's reference.

        >>> load_taxonomy().status_legend()[0][1]
        'Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV hoặc Quyết định 2640/QĐ-BNV.'
        """
        refs: dict[str, list[str]] = {}
        for item in self:
            if item.status in _STATUS_NOTE_VI:
                root = (self.ancestors(item.code) or [item])[-1].code
                ref = STATUS_REFERENCE_VI.get(root, "văn bản gốc")
                if ref not in refs.setdefault(item.status, []):
                    refs[item.status].append(ref)
        legend: dict[str, str] = {}
        for status, found in refs.items():
            legend.setdefault(STATUS_LABEL_VI[status], _STATUS_NOTE_VI[status].format(ref=" hoặc ".join(found)))
        return list(legend.items())

    def status_label(self, code: str) -> str:
        """The short badge for an item's status in the tree ("" when verified)."""
        return STATUS_LABEL_VI.get(self.get(code).status, STATUS_LABEL_VI["unknown"])

    @cached_property
    def _match_index(self) -> _MatchIndex:
        return _MatchIndex(self)

    def match(self, query: str, *, threshold: float = MATCH_THRESHOLD) -> list[CriterionMatch]:
        """Criteria whose wording covers a staff query, best first; [] when none covers at least ``threshold``.

        Words are accent-folded and abbreviations expanded; a query word counts as covered when it and a
        neighbour appear side by side in one of the item's phrases (name, aliases, keywords, cues: two-syllable
        words, not stray syllables). Rare words weigh more than words every criterion uses. An item scores its
        coverage of the query, raised by how much of its best phrase the query covers and by how much of the
        query its own name (or an alias) covers; among near-equal
        scores the deepest item (a criterion over its field) comes first. A query that spells a code gets
        that item alone (a code not in the tree gets []).
        """
        code = self.code_in(query)
        if code is not None:
            item = self.find(code)
            return [CriterionMatch(item.code, item.name, 1.0, 1.0, self.depth(item.code))] if item else []
        return self._match_index.match(query, threshold)

    def search(self, phrase: str) -> list[CriterionItem]:
        """Items whose code, name, alias or keyword contains the folded phrase; exact hits and deeper items first.

        >>> [i.code for i in load_taxonomy().search("dịch vụ công trực tuyến")][:1]
        ['PAR.7']
        """
        key = " ".join(re.sub(r"[^\w\s]", " ", fold(phrase)).split())
        if not key:
            return []
        if key.upper().replace(" ", ".") in self._by_code:
            return [self._by_code[key.upper().replace(" ", ".")]]
        scored: list[tuple[int, int, CriterionItem]] = []
        for order, item in enumerate(self):
            texts = [item.name, *item.aliases, *item.keywords, *item.cues]
            folded = [" ".join(re.sub(r"[^\w\s]", " ", fold(t)).split()) for t in texts]
            if any(f == key for f in folded[: 1 + len(item.aliases)]):
                rank = 0
            elif any(f == key for f in folded):
                rank = 1
            elif any(key in f for f in folded):
                rank = 2
            else:
                continue
            scored.append((rank, order, item))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [item for _, _, item in scored]


@dataclass(frozen=True)
class CriterionMatch:
    """One candidate criterion for a query: its coverage of the query, and the score that ranks it."""

    code: str
    name: str
    score: float
    coverage: float
    depth: int


def _words(text: str) -> list[str]:
    """Lower-case syllables, accents kept, with abbreviations expanded ("CCHC" -> cải cách hành chính)."""
    from parlens.nlp.abbreviations import expand, load_abbreviations
    from parlens.nlp.normalize import normalize_text

    upper = {k.upper(): v for k, v in load_abbreviations().items()}
    parts = [upper.get(w.upper(), w) if w.isascii() else w for w in re.split(r"(\W+)", expand(normalize_text(text)))]
    return re.sub(r"[^\w]+|_", " ", "".join(parts).lower()).split()


def _query_tokens(text: str) -> list[str]:
    """Folded syllables of ``text`` (see ``_words``)."""
    return [fold(w) for w in _words(text)]


@lru_cache(maxsize=1)
def _fillers() -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(f.split()) for f in _QUERY_FILLERS), key=len, reverse=True))


def _topic_tokens(text: str) -> list[str]:
    """The query's folded syllables with question-framing words (matched with their accents) left as "" gaps."""
    words = _words(text)
    keep = [True] * len(words)
    i = 0
    while i < len(words):
        for filler in _fillers():
            if tuple(words[i : i + len(filler)]) == filler:
                keep[i : i + len(filler)] = [False] * len(filler)
                i += len(filler) - 1
                break
        i += 1
    return [fold(w) if k else "" for w, k in zip(words, keep)]


class _MatchIndex:
    """Per item, its phrases as folded token lists and the word pairs they hold; specificity weights per syllable."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.items: list[tuple[CriterionItem, int, list[list[str]], set[tuple[str, str]], set[str], set[tuple[str, str]]]] = []
        df: dict[str, int] = {}
        for item in taxonomy:
            phrases = [p for p in (_query_tokens(t) for t in [item.name, *item.aliases, *item.keywords, *item.cues]) if p]
            pairs = {(a, b) for p in phrases for a, b in zip(p, p[1:])}
            singles = {p[0] for p in phrases if len(p) == 1}
            named = {(a, b) for p in phrases[: 1 + len(item.aliases)] for a, b in zip(p, p[1:])}
            self.items.append((item, taxonomy.depth(item.code), phrases, pairs, singles, named))
            for token in {t for p in phrases for t in p}:
                df[token] = df.get(token, 0) + 1
        n = len(self.items)
        self._idf = {t: math.log(1 + n / (1 + c)) for t, c in df.items()}
        self._unknown = math.log(1 + n)

    def weight(self, token: str) -> float:
        return self._idf.get(token, self._unknown)

    def match(self, query: str, threshold: float) -> list[CriterionMatch]:
        tokens = _topic_tokens(query)[:MAX_QUERY_WORDS]
        if not any(tokens):
            return []
        single = sum(1 for t in tokens if t) == 1
        query_pairs = {(a, b) for a, b in zip(tokens, tokens[1:]) if a and b}
        total = sum(self.weight(t) for t in tokens if t)
        out: list[CriterionMatch] = []
        for item, depth, phrases, pairs, singles, named in self.items:
            covered = by_name = 0.0
            for i, token in enumerate(tokens):
                if not token:
                    continue
                left = i > 0 and (tokens[i - 1], token) in pairs
                right = i + 1 < len(tokens) and (token, tokens[i + 1]) in pairs
                lone = token in singles or (single and any(token in p for p in phrases))
                if left or right or lone:
                    covered += self.weight(token)
                if (i > 0 and (tokens[i - 1], token) in named) or (i + 1 < len(tokens) and (token, tokens[i + 1]) in named):
                    by_name += self.weight(token)
            coverage = covered / total
            if coverage < threshold:
                continue
            tight = max(self._phrase_cover(p, query_pairs, set(tokens)) for p in phrases)
            score = coverage * (0.7 + 0.2 * tight + 0.1 * by_name / total)
            out.append(CriterionMatch(item.code, item.name, round(score, 4), round(coverage, 4), depth))
        if not out:
            return []
        out.sort(key=lambda m: -m.score)
        best = out[0].score
        near = [m for m in out if m.score >= best - _TIE]
        chosen = max(near, key=lambda m: (m.depth, m.score))
        return [chosen, *[m for m in out if m is not chosen]]

    def _phrase_cover(self, phrase: list[str], query_pairs: set[tuple[str, str]], query_tokens: set[str]) -> float:
        """The weighted share of a phrase's syllables that the query holds in the same word pairs."""
        if len(phrase) == 1:
            return 1.0 if phrase[0] in query_tokens else 0.0
        hit = total = 0.0
        for i, token in enumerate(phrase):
            w = self.weight(token)
            total += w
            if (i > 0 and (phrase[i - 1], token) in query_pairs) or (i + 1 < len(phrase) and (token, phrase[i + 1]) in query_pairs):
                hit += w
        return hit / total if total else 0.0


def _fail(path: Path, problem: str) -> ParlensError:
    return ParlensError("PARLENS-E031", f"{path}: {problem}")


def parse_taxonomy(text: str, path: Path | str = "<text>") -> Taxonomy:
    """Validate YAML text in the taxonomy schema; a problem raises PARLENS-E031 naming it."""
    path = Path(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from exc
    if not isinstance(raw, dict):
        raise _fail(path, "the file must be a mapping with `meta` and `items`")
    try:
        spec = TaxonomyFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _fail(path, f"{where}: {first['msg']}") from exc
    return Taxonomy(spec, path)


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Taxonomy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})") from exc
    return parse_taxonomy(text, path)


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """The taxonomy at ``path`` or at ``settings.criteria_taxonomy``, validated and loaded once."""
    if path is None:
        from parlens.settings import get_settings

        path = get_settings().criteria_taxonomy
    return _load_cached(Path(path).resolve())


def field_label(code: str) -> str | None:
    """The devset field label of a code ("PAR.7.2" -> "e-government", "SIPAS.3" -> "SIPAS"), else None."""
    return load_taxonomy().label_of(code)


def code_for_label(label: str) -> str | None:
    """The code of a devset field label ("e-government" -> "PAR.7"), else None."""
    return load_taxonomy().code_for_label(label)
