"""The spaCy ``vi`` pipeline with underthesea as tokenizer (no pyvi), plus agency components.

``get_nlp()`` builds it once: a blank Vietnamese ``Language`` whose tokenizer calls
``underthesea.word_tokenize`` once per text and maps the words back to character offsets (a word of
several syllables, "Nội vụ", is one token; ``token.norm_`` holds its folded form), then
``parlens_agencies`` (agency mentions into ``doc.spans["agencies"]``) and ``parlens_agency_resolver``
(``span._.agency_id``, ``span._.agency_name``, ... from the gazetteer, using ``doc._.ref_date``).

The agency recogniser runs on characters, not on spaCy tokens: underthesea groups syllables
differently by context, so token phrase patterns would miss names the character-level trie finds;
both the fast path (``agencies.find_agencies``) and the pipeline use the same matcher. A plain spaCy
``SpanRuler`` over the same gazetteer is available as the optional ``parlens_agency_ruler`` component.

>>> doc = get_nlp()("Giao Sở Nội vụ chủ trì.")
>>> [(s.text, s._.agency_id) for s in doc.spans["agencies"]]
[('Sở Nội vụ', 'so-noi-vu')]
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from spacy.vocab import Vocab

from parlens.nlp.agencies import AgencyMention, find_agencies
from parlens.nlp.normalize import fold

_WS = re.compile(r"\s+")


class UndertheseaTokenizer:
    """A spaCy tokenizer: underthesea word segmentation, aligned back to the original characters."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = self._align(text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for tok in doc:
            if not tok.is_space:
                tok.norm_ = fold(tok.text)
        return doc

    @staticmethod
    def _segment(text: str) -> list[str]:
        from underthesea import word_tokenize

        return word_tokenize(text) if text.strip() else []

    def _align(self, text: str) -> tuple[list[str], list[bool]]:
        """Word strings (as written, newlines kept) and trailing-space flags that rebuild ``text``."""
        spans: list[tuple[int, int]] = []
        pos = 0
        for word in self._segment(text):
            pieces = word.split()
            if not pieces:
                continue
            start = end = None
            cur = pos
            for piece in pieces:
                found = text.find(piece, cur)
                if found < 0 or text[cur:found].strip():
                    start = None
                    break
                if start is None:
                    start = found
                end = found + len(piece)
                cur = end
            if start is None or end is None:
                continue  # underthesea changed the characters: the gap becomes its own tokens below
            spans.append((start, end))
            pos = end
        words: list[str] = []
        spaces: list[bool] = []
        cur = 0

        def emit_gap(a: int, b: int) -> None:
            # text between aligned words: whitespace runs and any unaligned characters
            for m in re.finditer(r"\s+|\S+", text[a:b]):
                chunk = m.group()
                if chunk.isspace():
                    if chunk == " " and words and not spaces[-1] and not words[-1].isspace():
                        spaces[-1] = True
                    else:
                        words.append(chunk)
                        spaces.append(False)
                else:
                    words.append(chunk)
                    spaces.append(False)

        for start, end in spans:
            emit_gap(cur, start)
            words.append(text[start:end])
            spaces.append(False)
            cur = end
        emit_gap(cur, len(text))
        return words, spaces

    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _bytes: bytes, **_: object) -> "UndertheseaTokenizer":
        return self

    def to_disk(self, _path: object, **_: object) -> None:
        return None

    def from_disk(self, _path: object, **_: object) -> "UndertheseaTokenizer":
        return self


@registry.tokenizers("parlens.underthesea_tokenizer.v1")
def create_underthesea_tokenizer():  # noqa: ANN201 - spaCy registry signature
    """Registry entry so a config can name the tokenizer."""

    def make(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab)

    return make


def _set_extensions() -> None:
    for name in ("agency_id", "agency_name", "agency_kind", "agency_title", "agency_note", "collective"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Span.has_extension("mention"):
        Span.set_extension("mention", default=None)
    if not Doc.has_extension("ref_date"):
        Doc.set_extension("ref_date", default=None)


class AgencyRecognizer:
    """Writes agency mentions into ``doc.spans[key]``; each span keeps its ``AgencyMention``."""

    def __init__(self, key: str = "agencies") -> None:
        self.key = key

    def __call__(self, doc: Doc) -> Doc:
        ref: date | None = doc._.ref_date
        spans: list[Span] = []
        for m in find_agencies(doc.text, on=ref):
            span = doc.char_span(m.start, m.end, label=m.kind, alignment_mode="expand")
            if span is None:
                continue
            span._.mention = m
            spans.append(span)
        doc.spans[self.key] = spans
        return doc


class AgencyResolver:
    """Copies the resolution (canonical id, name, kind, title, note) onto each agency span."""

    def __init__(self, key: str = "agencies") -> None:
        self.key = key

    def __call__(self, doc: Doc) -> Doc:
        for span in doc.spans.get(self.key, []):
            m: AgencyMention | None = span._.mention
            if m is None:
                continue
            span._.agency_id = m.agency_id
            span._.agency_name = m.name
            span._.agency_kind = m.kind
            span._.agency_title = m.title
            span._.agency_note = m.note
            span._.collective = m.collective
        return doc


@Language.factory("parlens_agencies", default_config={"spans_key": "agencies"})
def make_agency_recognizer(nlp: Language, name: str, spans_key: str) -> AgencyRecognizer:
    """Factory: agency mentions from the gazetteer and patterns in nlp/data."""
    _set_extensions()
    return AgencyRecognizer(spans_key)


@Language.factory("parlens_agency_resolver", default_config={"spans_key": "agencies"})
def make_agency_resolver(nlp: Language, name: str, spans_key: str) -> AgencyResolver:
    """Factory: resolution attributes on the agency spans."""
    _set_extensions()
    return AgencyResolver(spans_key)


def span_ruler_patterns() -> list[dict]:
    """Phrase patterns for spaCy's SpanRuler from the gazetteer (full names and aliases, folded)."""
    import yaml

    from parlens.nlp.agencies import DATA

    data = yaml.safe_load((DATA / "agencies.yaml").read_text(encoding="utf-8"))
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, text: str, aid: str) -> None:
        key = (fold(text), aid)
        if key not in seen:
            seen.add(key)
            out.append({"label": label, "pattern": text, "id": aid})

    head_word = {"so": "Sở", "bo": "Bộ"}
    for f in data["fields"]:
        for head in f["heads"]:
            for v in [f["name"], *f.get("variants", [])]:
                add("department" if head == "so" else "ministry", f"{head_word[head]} {v}", f"{head}-{f['key']}")
    for b in data["bodies"]:
        for alias in b["aliases"]:
            add(b["kind"], alias, b["id"])
    return out


@Language.factory("parlens_agency_ruler", default_config={"spans_key": "agency_ruler"})
def make_agency_ruler(nlp: Language, name: str, spans_key: str):  # noqa: ANN201 - returns a SpanRuler
    """Factory: a plain spaCy SpanRuler over folded token norms, patterns from the gazetteer data.

    Optional (not in ``get_nlp()``): it only finds names written as listed, tokenised the way
    underthesea splits the pattern on its own; the character-level recogniser (``parlens_agencies``)
    also covers elliptical lists, titles, collectives, places and OCR noise.
    """
    from spacy.pipeline import SpanRuler

    ruler = SpanRuler(nlp, name, spans_key=spans_key, phrase_matcher_attr="NORM", validate=False, overwrite=True)
    ruler.add_patterns(span_ruler_patterns())
    return ruler


def make_tokenizer_only() -> Language:
    """A blank ``vi`` Language with the underthesea tokenizer and no components."""
    from spacy.lang.vi import Vietnamese

    class _Defaults(Vietnamese.Defaults):
        config = Vietnamese.Defaults.config.copy()

    _Defaults.config["nlp"]["tokenizer"] = {"@tokenizers": "parlens.underthesea_tokenizer.v1"}

    class ParlensVietnamese(Vietnamese):
        lang = "vi"
        Defaults = _Defaults

    nlp = ParlensVietnamese()
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, built once: underthesea tokenizer, agency recogniser and resolver."""
    _set_extensions()
    nlp = make_tokenizer_only()
    nlp.add_pipe("parlens_agencies")
    nlp.add_pipe("parlens_agency_resolver")
    return nlp


def analyse(text: str, *, ref_date: date | None = None) -> Doc:
    """Run the pipeline with a document date for the 2025 reorganisation."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc._.ref_date = ref_date
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


__all__ = [
    "AgencyRecognizer", "AgencyResolver", "UndertheseaTokenizer", "analyse", "get_nlp", "make_tokenizer_only",
    "span_ruler_patterns",
]
