"""Link tasks, passages and documents to PAR / SIPAS / PAPI criteria with a score and an explanation.

Signals, combined by noisy-or per criterion (each signal is a probability-like weight in [0, 1]):

* ``alias``: an explicit mention of a field or index ("lĩnh vực cải cách thủ tục hành chính", "chỉ số SIPAS").
* ``ref``: a numbered reference ("Chỉ số thành phần 7", "tiêu chí 3.2" → PAR.7, PAR.3.2).
* ``cue``: phrases that pick a criterion inside a field already linked; they never make the field.
* ``keyword``: editorial phrases of the taxonomy, matched on normalised tokens (accents kept) and, with a
  lower weight, on accent-folded tokens; longer phrases weigh more; a phrase inside a longer match is dropped.
* ``classifier``: TF-IDF (character and word n-grams) + one-vs-rest logistic regression over the fields,
  trained at first use on ``data/training.jsonl`` and ``corpora/gold.jsonl`` (the project's own examples).
* ``agency``: the field the agency usually leads (``data/agency_priors.yaml``): weak, never enough alone.
* ``embedding``: cosine similarity to the criterion descriptions, when ``settings.embedding_model`` names
  a local sentence-transformers model (or an encoder is injected).
* ``context`` / ``subject`` (``link_tasks`` with the document): the fields named by the section heading above
  the task, its table's section row and title, and the document subject (``task_context`` kinds, weights in
  ``CONTEXT_WEIGHTS``): they decide a task that names no field and only tip one that does. A task pointing
  elsewhere ("các nhiệm vụ tại mục IV") weighs the classifier less. Structural headings ("TỔ CHỨC THỰC HIỆN")
  are skipped (``data/context.yaml``).

Phrase evidence is read clause by clause (``data/context.yaml``): a purpose clause ("… phục vụ phát triển kinh
tế số") weighs ``PURPOSE_FACTOR``; in a clause about businesses going digital with nothing of government, the
generic digital words count for e-government (PAR.7) at ``ECONOMY_FACTOR`` (that is the digital economy, PAR.8).

Fields (and the SIPAS / PAPI roots) are scored from every signal; a criterion below a field scores
``field score × its own evidence``. Links below ``settings.criteria_threshold`` are dropped, and fields
far below the best field of the same text are dropped too (``relative_cut``).

>>> [link.code for link in link_text("Nâng tỷ lệ dịch vụ công trực tuyến toàn trình")][:2]
['PAR.7', 'PAR.7.2']
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from parlens.model import CriterionLink, Document, Task
from parlens.nlp.normalize import fold, match_key
from parlens.nlp.numbering import NumberingMatch, match_numbering
from parlens.settings import REPO_ROOT, get_settings

from .taxonomy import CriterionItem, Taxonomy, load_taxonomy

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_PATH = DATA_DIR / "training.jsonl"
PRIORS_PATH = DATA_DIR / "agency_priors.yaml"


@lru_cache(maxsize=1)
def _context_data() -> dict[str, Any]:
    """``data/context.yaml`` (structural headings, cross-references, digital terms, purpose markers), read once."""
    return yaml.safe_load((DATA_DIR / "context.yaml").read_text(encoding="utf-8"))
GOLD_PATH = REPO_ROOT / "corpora" / "gold.jsonl"

# Signal weights, tuned on a held-out split of our own examples (see tests/task_extraction/criteria).
ALIAS_WEIGHT = 0.9
REF_WEIGHT = 0.9
KEYWORD_WEIGHT_BY_TOKENS = {1: 0.3, 2: 0.45, 3: 0.6}
KEYWORD_WEIGHT_LONG = 0.7
ABBREVIATION_WEIGHT = 0.55
FOLDED_FACTOR = 0.8  # a match found only once accents are stripped
CHILD_TO_PARENT = 0.8  # evidence for a criterion counts for its field at this factor
CLASSIFIER_WEIGHT = 0.8
AGENCY_WEIGHT = 0.2
EMBEDDING_WEIGHT = 0.6
EMBEDDING_RANGE = (0.3, 0.8)  # cosine similarity mapped linearly onto [0, 1] over this range
RELATIVE_CUT = 0.6
SUBJECT_CHARS = 600
BEST_FIELD_FLOOR = 0.5  # the best field is kept down to half the threshold: a weak lone signal still points somewhere
PHRASE_SIGNALS = ("alias", "ref", "keyword")  # the signals by which a text names a field itself
# Document context (see ``task_context``): the weight of a context text's field score, by where it sits and by
# whether the task names a field itself (then context only tips a balance) or not (then context decides).
CONTEXT_WEIGHTS = {  # kind: (task names a field, task names none)
    "table_section": (0.6, 0.9),
    "table_part": (0.2, 0.6),  # an outer section row ("A. PHÁT TRIỂN NỀN MÓNG …" above "VII. …"): almost a subject
    "section": (0.4, 0.85),
    "table_title": (0.33, 0.8),
    "subject": (0.2, 0.6),
}
FARTHER_CONTEXT_FACTOR = 0.3  # a context farther than the nearest one that names a field
CONTEXT_SIGNALS = ("alias", "ref", "keyword")  # what a context text may contribute (no classifier, no prior)

_PUNCT = re.compile(r"[^\w]+")
_REF = re.compile(
    r"\b(?:chi so thanh phan|linh vuc|tieu chi thanh phan|tieu chi|noi dung)\s+(?:so\s+)?(\d{1,2}(?:\.\d{1,2}){0,2})\b"
)


class Encoder(Protocol):
    """What the embedding signal needs: sentence-transformers' ``encode``."""

    def encode(self, sentences: list[str], **kwargs: Any) -> Any: ...


def _tokens(text: str) -> list[str]:
    return _PUNCT.sub(" ", match_key(text)).split()


def _signal_weight(phrase: str, n_tokens: int) -> float:
    raw = phrase.strip()
    if n_tokens == 1 and raw.isupper() and len(raw) >= 3:
        return ABBREVIATION_WEIGHT
    return KEYWORD_WEIGHT_BY_TOKENS.get(n_tokens, KEYWORD_WEIGHT_LONG)


@dataclass
class _Entry:
    code: str
    weight: float
    phrase: str
    kind: str  # alias | keyword | cue

    def __post_init__(self) -> None:
        self.phrase_key = match_key(self.phrase)


@dataclass
class _Evidence:
    """Per-criterion evidence gathered for one text."""

    weights: list[float] = field(default_factory=list)
    reasons: list[tuple[str, str, float]] = field(default_factory=list)  # (signal, detail, weight)

    def add(self, signal: str, detail: str, weight: float) -> None:
        if weight <= 0:
            return
        self.weights.append(weight)
        self.reasons.append((signal, detail, weight))

    def score(self) -> float:
        return 1.0 - math.prod(1.0 - w for w in self.weights) if self.weights else 0.0


class PhraseMatcher:
    """Finds taxonomy aliases and keywords in text, accent-kept first and accent-folded second."""

    def __init__(self, taxonomy: Taxonomy, codes: Iterable[str]) -> None:
        self.exact: dict[tuple[str, ...], list[_Entry]] = {}
        self.folded: dict[tuple[str, ...], list[_Entry]] = {}
        for code in codes:
            item = taxonomy.get(code)
            for kind, phrases in (("alias", item.aliases), ("keyword", item.keywords), ("cue", item.cues)):
                for phrase in phrases:
                    toks = tuple(_tokens(phrase))
                    if not toks:
                        continue
                    weight = ALIAS_WEIGHT if kind == "alias" else _signal_weight(phrase, len(toks)) * item.keyword_weight
                    entry = _Entry(code, weight, phrase, kind)
                    self._add(self.exact, toks, entry)
                    self._add(self.folded, tuple(fold(t) for t in toks), entry)
        self.max_len = max((len(k) for k in self.exact), default=1)
        self.exact_prefixes = {k[:i] for k in self.exact for i in range(1, len(k) + 1)}
        self.folded_prefixes = {k[:i] for k in self.folded for i in range(1, len(k) + 1)}

    @staticmethod
    def _add(table: dict[tuple[str, ...], list[_Entry]], key: tuple[str, ...], entry: _Entry) -> None:
        bucket = table.setdefault(key, [])
        if all(e.code != entry.code or e.kind != entry.kind for e in bucket):  # noqa: SIM110
            bucket.append(entry)
        else:  # the same phrase twice for one item: keep the stronger
            for i, e in enumerate(bucket):
                if e.code == entry.code and e.kind == entry.kind and entry.weight > e.weight:
                    bucket[i] = entry

    def _scan(self, toks: list[str], table, prefixes) -> list[tuple[int, int, list[_Entry]]]:
        found = []
        n = len(toks)
        for i in range(n):
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                key = tuple(toks[i:j])
                if key not in prefixes:
                    break
                entries = table.get(key)
                if entries:
                    found.append((i, j, entries))
        return found

    def matches(self, text: str) -> list[tuple[_Entry, float]]:
        """(entry, weight) for each phrase found; phrases strictly inside a longer match are dropped."""
        toks = _tokens(text)
        spans = [(i, j, e, 1.0) for i, j, e in self._scan(toks, self.exact, self.exact_prefixes)]
        covered = {(i, j) for i, j, _, _ in spans}
        folded = fold(" ".join(toks)).split()  # one call: folding never splits or joins tokens
        if len(folded) != len(toks):
            folded = [fold(t) for t in toks]
        for i, j, entries in self._scan(folded, self.folded, self.folded_prefixes):
            if (i, j) not in covered:
                spans.append((i, j, entries, FOLDED_FACTOR))
        # Only field-making phrases (aliases, keywords) hide the shorter phrases inside them; cues hide nothing
        # but shorter cues.
        field_spans = [(a, b) for a, b, es, _ in spans if any(e.kind != "cue" for e in es)]
        cue_spans = [(a, b) for a, b, es, _ in spans if any(e.kind == "cue" for e in es)]
        out: list[tuple[_Entry, float]] = []
        for i, j, entries, factor in spans:
            inside_field = any(a <= i and j <= b and (b - a) > (j - i) for a, b in field_spans)
            inside_cue = any(a <= i and j <= b and (b - a) > (j - i) for a, b in cue_spans)
            for e in entries:
                if not (inside_cue if e.kind == "cue" else inside_field):
                    out.append((e, e.weight * factor))
        return out


class FieldClassifier:
    """TF-IDF character and word n-grams with one-vs-rest logistic regression over field codes."""

    def __init__(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        self._hstack = hstack
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=_fold_key, sublinear_tf=True, min_df=1)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), preprocessor=_key, token_pattern=r"(?u)\b\w+\b", sublinear_tf=True)
        self.binarizer = MultiLabelBinarizer()
        y = self.binarizer.fit_transform(labels)
        x = hstack([self.chars.fit_transform(texts), self.words.fit_transform(texts)]).tocsr()
        self.model = OneVsRestClassifier(LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000))
        self.model.fit(x, y)
        self.classes: list[str] = list(self.binarizer.classes_)
        # One weight matrix instead of one estimator per class: the same probabilities, far less per-call overhead.
        estimators = self.model.estimators_
        if all(hasattr(e, "coef_") for e in estimators):
            self._weights = np.vstack([e.coef_[0] for e in estimators]).T
            self._bias = np.array([e.intercept_[0] for e in estimators])
        else:
            self._weights = None

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one row per text, columns in ``self.classes`` order."""
        x = self._hstack([self.chars.transform(texts), self.words.transform(texts)]).tocsr()
        if self._weights is None:
            return self.model.predict_proba(x)
        return 1.0 / (1.0 + np.exp(-(np.asarray(x @ self._weights) + self._bias)))


def _key(text: str) -> str:
    return _PUNCT.sub(" ", match_key(text))


def _fold_key(text: str) -> str:
    return fold(_key(text))


@dataclass
class Example:
    """An annotated example: a task text, the criteria it affects, and the agency as written."""

    text: str
    criteria: list[str]
    agency: str | None = None


def load_examples(paths: Iterable[Path] | None = None, taxonomy: Taxonomy | None = None) -> list[Example]:
    """Our annotated examples: ``data/training.jsonl`` (codes) and ``corpora/gold.jsonl`` (field labels)."""
    taxonomy = taxonomy or load_taxonomy()
    out: list[Example] = []
    for path in paths if paths is not None else (TRAINING_PATH, GOLD_PATH):
        if not Path(path).exists():
            continue
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if str(rec.get("note") or "").startswith("BORDERLINE"):
                continue
            text = rec.get("text") or rec.get("task")
            codes = []
            for c in rec.get("criteria") or []:
                code = c if c in taxonomy else taxonomy.code_for_label(c)
                if code:
                    codes.append(code)
            if text and codes:
                out.append(Example(text, codes, rec.get("agency_norm") or rec.get("agency")))
    return out


class CriteriaLinker:
    """Scores criteria for texts; heavy parts (classifier, encoder, item vectors) are built once."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        *,
        examples: Sequence[Example] | None = None,
        encoder: Encoder | None = None,
        threshold: float | None = None,
        use_classifier: bool = True,
        relative_cut: float = RELATIVE_CUT,
        calibrate: bool = True,
    ) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.threshold = get_settings().criteria_threshold if threshold is None else threshold
        self.relative_cut = relative_cut
        self.calibration = load_calibration() if calibrate else None
        # Linkable: items with a field label (PAR fields and below, SIPAS, PAPI). An item's "top" is the
        # shallowest item carrying its label, so PAR.8.1 (labelled SIPAS) counts as SIPAS evidence.
        self.top_of: dict[str, str] = {}
        for item in self.taxonomy:
            label = self.taxonomy.label_of(item.code)
            if label:
                self.top_of[item.code] = self.taxonomy.code_for_label(label) or item.code
        self.tops = sorted(set(self.top_of.values()))
        self.matcher = PhraseMatcher(self.taxonomy, self.top_of)
        self.priors = _load_priors(self.taxonomy)
        self._examples = examples
        self._classifier: FieldClassifier | None = None
        self._use_classifier = use_classifier
        self.encoder = encoder
        self._item_vectors: tuple[list[str], np.ndarray] | None = None

    # -- heavy parts, built at first use -------------------------------------------------------------
    @property
    def classifier(self) -> FieldClassifier | None:
        if self._classifier is None and self._use_classifier:
            examples = list(self._examples) if self._examples is not None else load_examples(taxonomy=self.taxonomy)
            labels = [sorted({self.top_of[c] for c in ex.criteria if c in self.top_of}) for ex in examples]
            pairs = [(ex.text, lab) for ex, lab in zip(examples, labels) if lab]
            if len({c for _, lab in pairs for c in lab}) >= 2:
                self._classifier = FieldClassifier([t for t, _ in pairs], [lab for _, lab in pairs])
            else:
                self._use_classifier = False
        return self._classifier

    def _encoder(self) -> Encoder | None:
        if self.encoder is None:
            path = get_settings().embedding_model
            if path is not None:
                self.encoder = _load_sentence_transformer(str(path))
        return self.encoder

    def _vectors(self) -> tuple[list[str], np.ndarray] | None:
        encoder = self._encoder()
        if encoder is None:
            return None
        if self._item_vectors is None:
            codes = [c for c in self.top_of if self.taxonomy.depth(c) - self.taxonomy.depth(self.top_of[c]) <= 1]
            texts = [_describe(self.taxonomy.get(c)) for c in codes]
            self._item_vectors = (codes, _normalise(np.asarray(encoder.encode(texts), dtype=float)))
        return self._item_vectors

    # -- scoring -------------------------------------------------------------------------------------
    def link_texts(self, texts: Sequence[str], agencies: Sequence[str | None] | None = None) -> list[list[CriterionLink]]:
        """Ranked links for each text (batched: the classifier and encoder run once for all texts)."""
        return [links for links, _ in self.link_texts_detailed(texts, agencies)]

    def link_texts_detailed(
        self,
        texts: Sequence[str],
        agencies: Sequence[str | None] | None = None,
        contexts: Sequence[Sequence[tuple[str, str]]] | None = None,
    ) -> list[tuple[list[CriterionLink], bool]]:
        """Like ``link_texts``, with a flag per text: did the text itself name a criterion (alias, ref, keyword)?

        ``contexts`` gives, per text, ``(kind, text)`` pairs from its document (``task_context``): the fields
        those texts name join the task's evidence as the ``context`` signal, weighted by ``CONTEXT_WEIGHTS``.
        """
        agencies = list(agencies) if agencies is not None else [None] * len(texts)
        context_fields: dict[str, dict[str, float]] = {}
        probs = None
        classifier = self.classifier
        if classifier is not None and texts:
            probs = classifier.predict(list(texts))
        emb = None
        vectors = self._vectors()
        if vectors is not None and texts:
            codes, item_matrix = vectors
            sims = _normalise(np.asarray(self.encoder.encode(list(texts)), dtype=float)) @ item_matrix.T
            emb = (codes, sims)
        out = []
        for row, text in enumerate(texts):
            evidence: dict[str, _Evidence] = {}
            self._phrase_evidence(text, evidence)
            named = any(r[0] in PHRASE_SIGNALS for ev in evidence.values() for r in ev.reasons)
            if contexts is not None:
                spoken = False  # contexts come nearest first: once one names a field, farther ones only back it up
                for kind, ctx in contexts[row]:
                    fields = context_fields.get(ctx)
                    if fields is None:
                        fields = context_fields[ctx] = self._field_scores(ctx)
                    factor = CONTEXT_WEIGHTS.get(kind, (0.0, 0.0))[0 if named else 1] * (FARTHER_CONTEXT_FACTOR if spoken else 1.0)
                    spoken = spoken or bool(fields)
                    signal = "subject" if kind == "subject" else "context"
                    for code, score in fields.items():
                        evidence.setdefault(code, _Evidence()).add(signal, f"{kind}: {_snippet(ctx)}", score * factor)
            if probs is not None:
                # A task pointing elsewhere ("các nhiệm vụ tại mục IV") with a context: the classifier only saw the pointer.
                pointer = not named and contexts is not None and bool(contexts[row]) and _refers_elsewhere(text)
                weight = CLASSIFIER_WEIGHT * (REFERENCE_CLASSIFIER_FACTOR if pointer else 1.0)
                for col, code in enumerate(classifier.classes):
                    p = float(probs[row, col])
                    if p >= 0.2:
                        evidence.setdefault(code, _Evidence()).add("classifier", f"p={p:.2f}", p * weight)
            if emb is not None:
                codes, sims = emb
                for col in np.argsort(-sims[row])[:2]:
                    lo, hi = EMBEDDING_RANGE
                    w = min(1.0, max(0.0, (float(sims[row, col]) - lo) / (hi - lo))) * EMBEDDING_WEIGHT
                    evidence.setdefault(codes[col], _Evidence()).add("embedding", f"cos={sims[row, col]:.2f}", w)
            agency = agencies[row]
            if agency:
                for code, name in self._agency_prior(agency):
                    evidence.setdefault(code, _Evidence()).add("agency", name, AGENCY_WEIGHT)
            out.append((self._rank(evidence), named))
        return out

    def link_text(self, text: str, *, agency_id: str | None = None, agency_name: str | None = None) -> list[CriterionLink]:
        """Ranked criteria for one text; the agency (id slug or name) adds its weak prior."""
        return self.link_texts([text], [agency_name or agency_id])[0]

    def _phrase_evidence(self, text: str, evidence: dict[str, _Evidence]) -> None:
        seen: set[tuple[str, str]] = set()
        folded = fold(text)
        found: list[tuple[_Entry, float]] = []
        for part, factor in _purpose_parts(text, folded):
            matches = self.matcher.matches(part)
            economy = _economy_clauses(part, matches)
            for e, w in matches:
                if economy and e.kind != "alias" and e.code == _E_GOVERNMENT and e.phrase_key in _digital_terms()["generic"]:
                    w *= ECONOMY_FACTOR
                found.append((e, w * factor))
        for entry, weight in sorted(found, key=lambda m: -m[1]):
            if (entry.code, entry.phrase_key) in seen:  # a phrase counts once, however often written
                continue
            seen.add((entry.code, entry.phrase_key))
            evidence.setdefault(entry.code, _Evidence()).add(entry.kind, entry.phrase, weight)
        for m in _REF.finditer(folded):
            context = folded[max(0, m.start() - 60) : m.start()]
            index = "PAPI" if "papi" in context else "SIPAS" if "sipas" in context else "PAR"
            code = f"{index}.{m.group(1)}"
            if code in self.top_of:
                evidence.setdefault(code, _Evidence()).add("ref", m.group(0), REF_WEIGHT)

    def _field_scores(self, text: str) -> dict[str, float]:
        """Field (top) scores from the phrases a context text names; criteria count for their field."""
        evidence: dict[str, _Evidence] = {}
        self._phrase_evidence(text, evidence)
        tops: dict[str, _Evidence] = {}
        for code, ev in evidence.items():
            top = self.top_of.get(code)
            if top is None:
                continue
            factor = 1.0 if code == top else CHILD_TO_PARENT
            for signal, detail, w in ev.reasons:
                if signal in CONTEXT_SIGNALS:
                    tops.setdefault(top, _Evidence()).add(signal, detail, w * factor)
        return {code: ev.score() for code, ev in tops.items()}

    def _calibrated(self, raw: float) -> float:
        """A raw field score mapped through the isotonic calibration built from our own examples (if present)."""
        if self.calibration is None:
            return raw
        xs, ys = self.calibration
        return float(np.interp(raw, xs, ys))

    def _agency_prior(self, agency: str) -> list[tuple[str, str]]:
        key = " " + " ".join(_PUNCT.sub(" ", fold(agency.replace("-", " "))).split()) + " "
        hits: list[tuple[str, str]] = []
        for names, codes, label in self.priors:
            if any(f" {n} " in key for n in names):
                hits.extend((c, label) for c in codes)
        return hits

    def _rank(self, evidence: dict[str, _Evidence]) -> list[CriterionLink]:
        # Field (top) scores: own evidence + descendants' evidence at CHILD_TO_PARENT.
        tops: dict[str, _Evidence] = {}
        for code, ev in evidence.items():
            top = self.top_of.get(code)
            if top is None:
                continue
            agg = tops.setdefault(top, _Evidence())
            factor = 1.0 if code == top else CHILD_TO_PARENT
            for (signal, detail, w) in ev.reasons:
                if signal != "cue":  # cues choose a criterion inside a field; they never make the field
                    agg.add(signal, detail if code == top else f"{detail} [{code}]", w * factor)
        top_scores = {c: self._calibrated(ev.score()) for c, ev in tops.items()}
        best = max(top_scores.values(), default=0.0)
        # A field supported only by the classifier (or prior/embedding) yields to fields the text names.
        # A section heading or table section row naming a field counts as naming it (the document subject does not).
        phrase_tops = {c for c, ev in tops.items() if any(r[0] in PHRASE_SIGNALS or r[0] == "context" for r in ev.reasons)}
        links: list[CriterionLink] = []
        kept_tops = set()
        for code, score in top_scores.items():
            if phrase_tops and code not in phrase_tops:
                continue
            is_best = score == best and score >= self.threshold * BEST_FIELD_FLOOR
            if is_best or (score >= self.threshold and score >= self.relative_cut * best):
                kept_tops.add(code)
                links.append(self._link(code, score, tops[code]))
        for code, ev in evidence.items():
            top = self.top_of.get(code)
            if code == top or top not in kept_tops:
                continue
            # A criterion scores its own (and its descendants') evidence, bounded by its field's score.
            own = _Evidence()
            for other, oev in evidence.items():
                if other == code or other.startswith(code + "."):
                    for r in oev.reasons:
                        own.add(*r)
            score = top_scores[top] * own.score()
            if score >= self.threshold and not any(l.code == code for l in links):
                links.append(self._link(code, score, own))
        links.sort(key=lambda l: (-l.score, l.code))
        return links

    def _link(self, code: str, score: float, ev: _Evidence) -> CriterionLink:
        return CriterionLink(code=code, name=self.taxonomy.get(code).name, score=round(min(1.0, score), 4), explanation=_explain(ev))


PURPOSE_FACTOR = 0.45
REFERENCE_CLASSIFIER_FACTOR = 0.3


@lru_cache(maxsize=1)
def _cross_reference_pattern() -> re.Pattern[str]:
    raw = _context_data()
    words = sorted((fold(m).lower() for m in raw["cross_references"]), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?!\w)")


def _refers_elsewhere(text: str) -> bool:
    """Does the task point at content elsewhere in its document ("các nhiệm vụ tại mục IV")?"""
    return _cross_reference_pattern().search(fold(text)) is not None
ECONOMY_FACTOR = 0.4
_E_GOVERNMENT = "PAR.7"


@lru_cache(maxsize=1)
def _digital_terms() -> dict[str, Any]:
    raw = _context_data()

    def keys(words: list[str]) -> list[str]:
        return [" ".join(_tokens(w)) for w in words]

    return {
        "generic": frozenset(match_key(w) for w in raw["generic_digital"]),
        "economy": keys(raw["economy_subjects"]),
        "government": keys(raw["government_markers"]),
    }


def _economy_clauses(text: str, matches: list[tuple[_Entry, float]]) -> bool:
    """Does this text speak of the economy going digital (an economic subject, nothing of government)?"""
    if not any(e.code == _E_GOVERNMENT for e, _ in matches):
        return False
    key = " " + " ".join(_tokens(text)) + " "
    terms = _digital_terms()
    return any(f" {w} " in key for w in terms["economy"]) and not any(f" {w} " in key for w in terms["government"])
_CLAUSE = re.compile(r"[;.!?](?:\s|$)|\n")


@lru_cache(maxsize=1)
def _purpose_pattern() -> re.Pattern[str]:
    raw = _context_data()
    words = sorted((fold(m).lower() for m in raw["purpose_markers"]), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?!\w)")


def _purpose_parts(text: str, folded: str | None = None) -> list[tuple[str, float]]:
    """The text cut into clauses (at ';', '.', new lines), each as (part, factor); a purpose clause ("… phục vụ
    phát triển kinh tế số") is cut off its clause and weighs PURPOSE_FACTOR.

    A marker opening its clause (within its first two words) is the clause's main verb, not a purpose.
    """
    folded = fold(text) if folded is None else folded
    if len(folded) != len(text):
        return [(text, 1.0)]
    has_purpose = _purpose_pattern().search(folded) is not None
    parts: list[tuple[str, float]] = []
    pos = 0
    bounds = [m.end() for m in _CLAUSE.finditer(text)] + [len(text)]
    for end in bounds:
        if end <= pos:
            continue
        m = _purpose_pattern().search(folded, pos, end) if has_purpose else None
        if m and len(folded[pos : m.start()].split()) >= 2:
            parts += [(text[pos : m.start()], 1.0), (text[m.start() : end], PURPOSE_FACTOR)]
        else:
            parts.append((text[pos:end], 1.0))
        pos = end
    return parts


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _explain(ev: _Evidence) -> str:
    by_signal: dict[str, list[tuple[str, float]]] = {}
    for signal, detail, w in ev.reasons:
        by_signal.setdefault(signal, []).append((detail, w))
    totals = {s: 1.0 - float(np.prod([1 - w for _, w in items])) for s, items in by_signal.items()}
    decided = max(totals, key=totals.get) if totals else "none"
    parts = []
    for signal in sorted(by_signal, key=lambda s: -totals[s]):
        details = ", ".join(f"'{d}'" if signal in ("alias", "keyword", "cue", "ref", "agency") else d for d, _ in by_signal[signal][:4])
        parts.append(f"{signal} {totals[signal]:.2f}: {details}")
    return f"decided by {decided}; " + "; ".join(parts)


def _describe(item: CriterionItem) -> str:
    return ". ".join([item.name, *item.aliases[:2], ", ".join(item.keywords[:8])])


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.atleast_2d(matrix)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _load_priors(taxonomy: Taxonomy) -> list[tuple[list[str], list[str], str]]:
    raw = yaml.safe_load(PRIORS_PATH.read_text(encoding="utf-8"))
    out = []
    for rec in raw["priors"]:
        names = [" ".join(_PUNCT.sub(" ", fold(n.replace("&", " "))).split()) for n in rec["names"]]
        codes = [c for c in rec["codes"] if c in taxonomy]
        out.append((names, codes, rec["names"][0]))
    return out


CALIBRATION_PATH = DATA_DIR / "calibration.json"


@lru_cache(maxsize=1)
def load_calibration() -> tuple[np.ndarray, np.ndarray] | None:
    """Isotonic breakpoints (raw field score -> share correct) from ``data/calibration.json``, if built.

    Build or refresh it with ``python -m parlens.task_extraction.criteria.calibrate``.
    """
    if not CALIBRATION_PATH.exists():
        return None
    raw = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
    return np.asarray(raw["x"], dtype=float), np.asarray(raw["y"], dtype=float)


@lru_cache(maxsize=2)
def _load_sentence_transformer(path: str) -> Encoder:
    """A local sentence-transformers model, loaded offline once (never downloaded)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


@lru_cache(maxsize=1)
def default_linker() -> CriteriaLinker:
    """The process-wide linker over the configured taxonomy."""
    return CriteriaLinker()


def link_text(text: str, *, agency_id: str | None = None, agency_name: str | None = None) -> list[CriterionLink]:
    """Ranked criteria for a task or passage.

    >>> link_text("Rà soát, đơn giản hóa thủ tục hành chính")[0].code
    'PAR.3'
    """
    return default_linker().link_text(text, agency_id=agency_id, agency_name=agency_name)


def _task_agency(task: Task) -> str | None:
    return task.agency_name or task.agency or task.agency_id


def link_tasks(tasks: list[Task], doc: Document | None = None) -> list[Task]:
    """Fill ``task.criteria`` for every task (in place; also returned).

    With the document at hand, each task also reads its context (``task_context``): the section heading above
    it, the section row and title of its table, and the document subject. A bare "triển khai các nhiệm vụ tại
    mục IV" row takes its fields from that context; a task that names its own fields only has them tipped.
    """
    linker = default_linker()
    contexts = None
    if doc is not None:
        index = _ContextIndex(doc)
        contexts = [index.context(t.start, t.end) for t in tasks]
    results = linker.link_texts_detailed([t.task for t in tasks], [_task_agency(t) for t in tasks], contexts)
    for task, (links, _) in zip(tasks, results):
        task.criteria = links
    return tasks


def task_context(doc: Document, start: int, end: int) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs around a span, nearest first: table_section, table_title, section, subject.

    >>> from parlens.model import Block, DocumentMetadata
    >>> doc = Document(text="II. CẢI CÁCH TÀI CHÍNH CÔNG Triển khai", blocks=[Block("heading", "II. CẢI CÁCH TÀI CHÍNH CÔNG", 0, 27, level=1),
    ...     Block("paragraph", "Triển khai", 28, 38)], metadata=DocumentMetadata(title="Kế hoạch năm 2026"))
    >>> task_context(doc, 28, 38)
    [('section', 'II. CẢI CÁCH TÀI CHÍNH CÔNG'), ('subject', 'Kế hoạch năm 2026')]
    """
    return _ContextIndex(doc).context(start, end)


# Labels read with ``nlp.numbering``, closing period optional ("IV", "A" in a table's STT column).
_HEADING_LABELS = frozenset({"roman", "upper_letter", "arabic", "arabic_nested", "letter"})  # cut from a heading's key
_SECTION_LABELS = frozenset({"roman", "upper_letter"})  # a table's section rows ("I", "A. Cải cách thể chế")
_ROMAN_LABEL = frozenset({"roman"})


def _numbered_as(text: str, styles: frozenset[str]) -> NumberingMatch | None:
    """The label of one of ``styles`` opening ``text`` (after any whitespace), offsets into ``text.lstrip()``."""
    return match_numbering(text.lstrip(), styles=styles, emphasis=False, bare=True)


def _roman(text: str) -> bool:
    return _numbered_as(text, _ROMAN_LABEL) is not None
SECTION_CHARS = 200  # a heading-like paragraph is short
TITLE_GAP = 400  # a table's title sits at most this many characters above it


@lru_cache(maxsize=1)
def _structural_headings() -> frozenset[str]:
    raw = _context_data()
    return frozenset(_heading_key(h) for h in raw["structural_headings"])


@lru_cache(maxsize=4096)
def _heading_key(text: str) -> str:
    label = _numbered_as(text, _HEADING_LABELS)
    body = text.lstrip()[label.body:] if label else text
    return " ".join(_PUNCT.sub(" ", fold(body)).split())


def _topical(text: str) -> bool:
    """A heading that says what a part is about (not "VI. TỔ CHỨC THỰC HIỆN", not a bare number)."""
    key = _heading_key(text)
    return bool(key) and key not in _structural_headings() and not key.isdigit()


class _ContextIndex:
    """Where a task sits in its document: section headings, its table's section row and title, the subject."""

    def __init__(self, doc: Document) -> None:
        import bisect

        self._bisect = bisect.bisect_right
        self.doc = doc
        self.blocks = sorted(doc.blocks or [], key=lambda b: b.start)
        self.starts = [b.start for b in self.blocks]
        meta = doc.metadata
        parts = [p for p in dict.fromkeys((meta.title, meta.subject)) if p] if meta else []
        if not parts and doc.text:
            parts = [doc.text[:SUBJECT_CHARS]]  # the title block of an official document sits in its first lines
        self.subject = ". ".join(parts)
        self._cache: dict[tuple[int, int], list[tuple[str, str]]] = {}

    def _section_like(self, i: int) -> bool:
        """A heading of level >= 1, or a short heading/paragraph numbered with a Roman numeral ("IV.", "VIII")."""
        b = self.blocks[i]
        if b.kind == "heading" and b.level is not None and b.level >= 1:
            return True
        if b.kind in ("heading", "paragraph", "list_item") and len(b.text) <= SECTION_CHARS:
            roman = _roman(b.numbering or "") or _roman(b.text)
            return roman and not b.text.rstrip().endswith(":")
        return False

    def _section_text(self, j: int) -> str:
        """A section heading's text; a bare numeral ("V" on its own line, a flattened table) takes the next line."""
        text = self.blocks[j].text
        if not _heading_key(text) and j + 1 < len(self.blocks) and len(self.blocks[j + 1].text) <= SECTION_CHARS:
            text = f"{text.strip()} {self.blocks[j + 1].text}"
        return text

    def context(self, start: int, end: int) -> list[tuple[str, str]]:
        """``(kind, text)`` pairs, nearest first: table_section, section, table_title, subject."""
        i = self._bisect(self.starts, start) - 1
        row_key = -1
        out: list[tuple[str, str]] = []
        table = self.blocks[i] if 0 <= i < len(self.blocks) and self.blocks[i].kind == "table" and start < self.blocks[i].end else None
        if table is not None and table.rows:
            row_key = next((r for r, row in enumerate(table.rows) if any(c.start <= start < max(c.end, c.start + 1) for c in row)), -1)
        key = (i, row_key)
        if key in self._cache:
            return self._cache[key]
        if table is not None and table.rows:
            seen_letter = seen_roman = False
            for row in reversed(table.rows[: max(row_key, 0)]):
                texts = list(dict.fromkeys(c.text.strip() for c in row if c.text.strip()))
                if not texts or len(texts) > 2 or sum(map(len, texts)) > SECTION_CHARS:
                    continue
                head = " ".join(texts)
                if _numbered_as(head, _SECTION_LABELS) is None or not _topical(head):
                    continue
                roman = _roman(head)
                if (roman and seen_roman) or (not roman and seen_letter):
                    continue
                out.append(("table_section" if not (seen_roman or seen_letter) else "table_part", head))
                seen_roman |= roman
                seen_letter |= not roman
                if seen_roman and seen_letter:
                    break
            j = i - 1
            while j >= 0 and table.start - self.blocks[j].end <= TITLE_GAP and self.blocks[j].kind != "table":
                b = self.blocks[j]
                if len(b.text) <= 2 * SECTION_CHARS and _topical(b.text) and b.kind in ("heading", "paragraph"):
                    out.append(("table_title", b.text))
                    break
                j -= 1
        # The nearest section-like heading above (within the body, not inside a table).
        for j in range(i if table is None else i - 1, -1, -1):
            if j < len(self.blocks) and self._section_like(j):
                text = self._section_text(j)
                if _topical(text):
                    out.append(("section", text))
                break
        if self.subject:
            out.append(("subject", self.subject))
        self._cache[key] = out
        return out


def _subject_links(linker: CriteriaLinker, doc: Document) -> list[CriterionLink]:
    meta = doc.metadata
    parts = [p for p in (meta.title, meta.subject) if p]
    if not parts and doc.text:
        parts = [doc.text[:SUBJECT_CHARS]]  # the title block of an official document sits in its first lines
    return linker.link_text(". ".join(parts)) if parts else []


def link_document(doc: Document, tasks: list[Task] | None = None) -> list[CriterionLink]:
    """Criteria of a whole document: its subject's links and its tasks' links, ranked.

    A code's score is the larger of the subject score and the mean of its three best task scores
    scaled by how many tasks carry it (a criterion one task in forty touches weighs less).
    """
    linker = default_linker()
    subject = {l.code: l for l in _subject_links(linker, doc)}
    tasks = tasks or []
    per_code: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for task in tasks:
        for l in task.criteria:
            per_code.setdefault(l.code, []).append(l.score)
            names[l.code] = l.name
    out: list[CriterionLink] = []
    for code in set(subject) | set(per_code):
        scores = sorted(per_code.get(code, []), reverse=True)
        task_score = 0.0
        if scores:
            share = len(scores) / max(1, len(tasks))
            task_score = float(np.mean(scores[:3])) * min(1.0, 0.6 + 2.0 * share)
        sub = subject[code].score if code in subject else 0.0
        score = max(sub, task_score)
        if score < linker.threshold:
            continue
        explanation = (f"{len(scores)} task(s)" if scores else "no task") + (f"; subject: {subject[code].explanation}" if code in subject else "")
        out.append(CriterionLink(code, names.get(code) or subject[code].name, round(score, 4), explanation))
    out.sort(key=lambda l: (-l.score, l.code))
    return out


def evaluate_linker(
    gold_path: Path | str, *, linker: CriteriaLinker | None = None, docs_dir: Path | str | None = None, context: bool = True
) -> dict[str, Any]:
    """Field-level any-hit and Jaccard of the linker against gold ``criteria``.

    Gold records follow the devset format (``doc``, ``task``, ``agency_norm``, ``criteria`` as field labels or
    codes); records noted BORDERLINE are skipped. When a record's ``doc`` is found (in ``docs_dir``, else in
    ``docs/``, ``full/`` or the folder beside the gold file) and ``context`` is on, the task is located in it
    and linked with its document context, as ``link_tasks`` does in the pipeline; otherwise text and agency only.
    """
    linker = linker or default_linker()
    gold_path = Path(gold_path)
    records = _gold_records(gold_path)
    examples, contexts, located = [], [], 0
    indexes: dict[str, tuple[Document, _ContextIndex] | None] = {}
    for rec in records:
        codes = [c if c in linker.taxonomy else linker.taxonomy.code_for_label(c) for c in rec.get("criteria") or []]
        codes = [c for c in codes if c]
        if not rec.get("task") or not codes:
            continue
        examples.append(Example(rec["task"], codes, rec.get("agency_norm") or rec.get("agency")))
        ctx: list[tuple[str, str]] = []
        name = rec.get("doc")
        if context and name:
            if name not in indexes:
                indexes[name] = _open_gold_doc(name, gold_path, docs_dir)
            if indexes[name] is not None:
                doc, index = indexes[name]
                span = locate(doc.text, rec["task"])
                located += span is not None
                ctx = index.context(*span) if span else [("subject", index.subject)] if index.subject else []
        contexts.append(ctx)
    result = score_examples(linker, examples, contexts if any(contexts) else None)
    return {"gold": str(gold_path), "documents": sum(v is not None for v in indexes.values()), "located": located, **result}


def _gold_records(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            if not str(rec.get("note") or "").startswith("BORDERLINE"):
                out.append(rec)
    return out


def _open_gold_doc(name: str, gold_path: Path, docs_dir: Path | str | None) -> tuple[Document, _ContextIndex] | None:
    folders = [Path(docs_dir)] if docs_dir else [gold_path.parent / "docs", gold_path.parent / "full", gold_path.parent]
    for folder in folders:
        path = folder / name
        if path.is_file():
            from parlens.task_extraction.evaluate import read_for_eval

            try:
                doc, _ = read_for_eval(path, ref_date_from_header=False)
            except Exception:  # an unreadable document: score that record without context
                return None
            return doc, _ContextIndex(doc)
    return None


def locate(text: str, task: str) -> tuple[int, int] | None:
    """The span of ``task`` in ``text``: exact, else its words in order with any spacing or punctuation between."""
    pos = text.find(task)
    if pos >= 0:
        return pos, pos + len(task)
    words = re.findall(r"\w+", task)[:12]
    if not words:
        return None
    m = re.search(r"\W+".join(map(re.escape, words)), text, flags=re.IGNORECASE)
    return (m.start(), m.start() + len(task)) if m else None


def score_examples(
    linker: CriteriaLinker, examples: Sequence[Example], contexts: Sequence[Sequence[tuple[str, str]]] | None = None
) -> dict[str, Any]:
    """Field-level any-hit, Jaccard and per-label counts of the linker on annotated examples (with contexts if given)."""
    results = [links for links, _ in linker.link_texts_detailed([e.text for e in examples], [e.agency for e in examples], contexts)]
    hits, jaccards = 0, []
    per_label: dict[str, dict[str, int]] = {}
    for ex, links in zip(examples, results):
        gold = {linker.taxonomy.label_of(c) for c in ex.criteria} - {None}
        pred = {linker.taxonomy.label_of(l.code) for l in links} - {None}
        hits += bool(gold & pred)
        jaccards.append(len(gold & pred) / len(gold | pred) if gold | pred else 1.0)
        for label in gold | pred:
            row = per_label.setdefault(label, {"tp": 0, "fp": 0, "fn": 0})
            row["tp" if label in gold and label in pred else "fp" if label in pred else "fn"] += 1
    n = len(examples)
    return {
        "assignments": n,
        "field_any_hit": round(hits / n, 4) if n else 0.0,
        "field_jaccard": round(float(np.mean(jaccards)), 4) if n else 0.0,
        "per_label": dict(sorted(per_label.items())),
    }
