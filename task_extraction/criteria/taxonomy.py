"""The PAR INDEX / SIPAS / PAPI criteria tree, read from a validated YAML file.

The default file is ``corpora/par/taxonomy.yaml``; ``PARLENS_CRITERIA_TAXONOMY`` selects another one in
the same schema (for instance the official annex of QĐ 876/QĐ-BNV once it is at hand).

>>> tax = load_taxonomy()
>>> tax.get("PAR.7").name
'Xây dựng và phát triển chính quyền điện tử, chính quyền số'
>>> field_label("PAR.7.2"), code_for_label("SIPAS")
('e-government', 'SIPAS')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parlens.errors import ParlensError
from parlens.nlp.normalize import fold

Status = Literal["verified", "partial", "inferred", "working_label", "unknown"]
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(\.\d+)*$")


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
