"""A learned scorer over extraction candidates: how likely a candidate is a real assignment.

``candidate_features`` describes a candidate by its shape only (the rule that made it, its role, the
extractor state, the shape of its agency and task, cue words of its sentence, facts about its
document), never by the words of its task, so the model carries over to unseen documents. The model is
a logistic regression stored as readable JSON in ``task_extraction/data/scorer.json`` (feature weights,
intercept, threshold and a training summary); ``parlens train-extractor`` rebuilds it
(``task_extraction/train.py``). ``keep`` drops the candidates scored below the threshold and puts the
probability on each kept candidate as ``context["score"]``; with no model file it keeps everything.

>>> from parlens.task_extraction.extract import extract_candidates
>>> from parlens.task_extraction.textdoc import document_from_text
>>> doc = document_from_text("Giao Sở Nội vụ chủ trì tổng hợp kết quả, báo cáo trước ngày 15/12/2026.")
>>> [c.agency for c in keep(extract_candidates(doc), doc, None)]
['Sở Nội vụ']
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from parlens.model import Document
from parlens.nlp.normalize import fold
from parlens.task_extraction.addressees import head_at, is_collective, phrase_end, resolve
from parlens.task_extraction.lexicon import alternation, cue_regex, lexicon

FORMAT = "parlens-candidate-scorer/1"
MODEL_RESOURCE = "data/scorer.json"
SCORE_KEY = "score"  # where keep() puts the probability in Candidate.context

_TASK_WORD_BUCKETS = (2, 5, 10, 20, 40, 80)
_AGENCY_WORD_BUCKETS = (1, 2, 4, 8)
_SENTENCE_WORD_BUCKETS = (5, 15, 40, 80)
_WORD = re.compile(r"\w+")
_ROUGH_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_JOINER = re.compile(r"(?:và|hoặc|cùng|với)(?!\w)|[,;)&/]", re.I)
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s")
_MARKUP = re.compile(r"[\[\]#|]|\*\*")


# ------------------------------------------------------------------ cue lists
@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The scorer's cue lists (``task_extraction/data/scorer_cues.json``), loaded once."""
    text = resources.files("parlens.task_extraction").joinpath("data/scorer_cues.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _cue(name: str) -> re.Pattern[str]:
    return re.compile(alternation(cues()[name]), re.IGNORECASE)


@lru_cache(maxsize=1)
def _field_labels() -> frozenset[str]:
    lex = lexicon()
    words = [w for group in ("field_labels", "table_headers") for ws in lex[group].values() for w in ws]
    return frozenset(fold(w) for w in words)


@lru_cache(maxsize=1)
def _placeholders() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()["placeholder_partners"])


@lru_cache(maxsize=1)
def _starters() -> tuple[re.Pattern[str], re.Pattern[str]]:
    verbs = lexicon()["task_verbs"] + lexicon()["predicate_cues"]
    roles = lexicon()["lead_cues"] + lexicon()["support_cues"] + ["tham mưu"]
    return re.compile(alternation(verbs), re.I), re.compile(alternation(roles), re.I)


@lru_cache(maxsize=512)
def _section_kinds(title: str) -> tuple[str, ...]:
    folded = fold(title)
    return tuple(kind for kind, words in cues()["section_cues"].items() if any(w in folded for w in words))


def rule_family(rule: str) -> str:
    """The family of a rule name: the part before the first ``_`` (``table_lead`` -> ``table``)."""
    return (rule or "none").split("_", 1)[0]


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


# ------------------------------------------------------------------ document profile
@dataclass
class DocumentProfile:
    """What every candidate of one document shares, computed once per document."""

    features: dict[str, float]
    on: date | None
    sentences: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)
    block_starts: list[int] | None = None

    def block_at(self, doc: Document, offset: int):
        """The block holding ``offset`` (or the last one starting before it), by bisection."""
        if self.block_starts is None:
            self.block_starts = [b.start for b in doc.blocks]
        k = bisect.bisect_right(self.block_starts, offset) - 1
        return doc.blocks[k] if 0 <= k < len(doc.blocks) else None


def document_profile(doc: Document, ref_date: date | None = None, n_candidates: int | None = None) -> DocumentProfile:
    """Document-level features: kind, format, official header, size, share of sentences with a duty cue.

    ``n_candidates`` is the number of candidates the extractor made for the document; when it is not
    given it is counted by running the extractor once.
    """
    if n_candidates is None:
        from parlens.task_extraction.extract import extract_candidates

        n_candidates = len(extract_candidates(doc, ref_date=ref_date))
    meta = doc.metadata
    media = doc.media_type or ""
    kind = ("pdf" if "pdf" in media else "docx" if "word" in media else "html" if "html" in media
            else "text" if media.startswith("text") else "other")
    duty = _duty_cues()
    pieces = [p for p in _ROUGH_SENTENCE.split(doc.text) if len(p) > 20]
    with_cue = sum(1 for p in pieces if duty.search(p))
    feats = {
        f"doc_type={fold(meta.doc_type) if meta.doc_type else 'none'}": 1.0,
        f"media={kind}": 1.0,
        "doc_numbered": float(bool(meta.number)),
        "doc_dated": float(meta.issued_on is not None),
        "doc_issuer": float(bool(meta.issuer)),
        "doc_tables": float(any(b.kind == "table" for b in doc.blocks)),
        "doc_candidates_log": min(1.0, math.log1p(n_candidates) / math.log1p(500)),
        "doc_sentences_log": min(1.0, math.log1p(len(pieces)) / math.log1p(3000)),
        "doc_cue_share": with_cue / len(pieces) if pieces else 0.0,
    }
    return DocumentProfile(feats, ref_date or meta.issued_on)


@lru_cache(maxsize=1)
def _duty_cues() -> re.Pattern[str]:
    words = cues()["assigner_cues"] + cues()["obligation_cues"] + cues()["role_cues"]
    return re.compile(alternation(words), re.I)


def _sentence_features(doc: Document, span: tuple[int, int], profile: DocumentProfile) -> dict[str, float]:
    cached = profile.sentences.get(span)
    if cached is not None:
        return cached
    text = doc.text[span[0]:span[1]]
    words = len(_WORD.findall(text))
    feats = {
        f"sent_words={_bucket(words, _SENTENCE_WORD_BUCKETS)}": 1.0,
        "sent_assigner": float(bool(_cue("assigner_cues").search(text))),
        "sent_obligation": float(bool(_cue("obligation_cues").search(text))),
        "sent_role": float(bool(_cue("role_cues").search(text))),
        "sent_past": float(bool(_cue("past_markers").search(text))),
        "sent_question": float("?" in text),
        "sent_digit_share": _digit_share(text),
    }
    for kind in lexicon()["non_task"]:
        if cue_regex(f"non_task.{kind}").search(text):
            feats[f"sent_nontask={kind}"] = 1.0
    profile.sentences[span] = feats
    return feats


def _digit_share(text: str) -> float:
    chars = len(text) - len(_SPACE.findall(text))
    return len(_DIGIT.findall(text)) / chars if chars > 0 else 0.0


_last_profile: list = []  # [(doc, ref_date, profile)]: the profile of the document scored last


def _profile_for(doc: Document, ref_date: date | None) -> DocumentProfile:
    if _last_profile and _last_profile[0][0] is doc and _last_profile[0][1] == ref_date:
        return _last_profile[0][2]
    profile = document_profile(doc, ref_date)
    _last_profile[:] = [(doc, ref_date, profile)]
    return profile


# ------------------------------------------------------------------ candidate features
def candidate_features(c, doc: Document, ref_date: date | None, profile: DocumentProfile | None = None) -> dict[str, float]:
    """General features of one candidate: never the words of its task, only its shape and evidence.

    >>> from parlens.task_extraction.extract import extract_candidates
    >>> from parlens.task_extraction.textdoc import document_from_text
    >>> doc = document_from_text("Giao Sở Nội vụ chủ trì rà soát thủ tục hành chính trước ngày 15/12/2026.")
    >>> f = candidate_features(extract_candidates(doc)[0], doc, None)
    >>> f["role=lead"], f["agency_resolved"], f["deadline"]
    (1.0, 1.0, 1.0)
    """
    if profile is None:
        profile = _profile_for(doc, ref_date)
    rule = c.rule or "none"
    family = rule_family(rule)
    f: dict[str, float] = dict(profile.features)
    f[f"rule={rule}"] = 1.0
    f[f"family={family}"] = 1.0
    if "_" in rule:
        f[f"rule_tail={rule.rsplit('_', 1)[1]}"] = 1.0
    f[f"role={c.role}"] = 1.0
    f[f"family_role={family}:{c.role}"] = 1.0

    ctx = c.context or {}
    operative = bool(ctx.get("in_operative"))
    f["in_operative"] = float(operative)
    f[f"family_operative={family}:{int(operative)}"] = 1.0
    f["has_heading"] = float(bool(ctx.get("heading")))
    f["has_leadin"] = float(bool(ctx.get("leadin")))
    section = ctx.get("section") or ""
    kinds = _section_kinds(section) if section else ()
    for kind in kinds or ("none" if not section else "other",):
        f[f"section={kind}"] = 1.0
    for key, value in ctx.items():
        # Flags the extractor may add later become features of their own when the model is retrained.
        if key not in _KNOWN_CONTEXT and isinstance(value, bool):
            f[f"ctx.{key}"] = float(value)

    _agency_features(f, c.agency or "", ctx, profile.on)
    _task_features(f, c.task or "")
    _deadline_features(f, c.deadline, profile.on)

    block = profile.block_at(doc, c.start)
    f[f"block={block.kind if block is not None else 'none'}"] = 1.0
    if block is not None and block.kind != "table":
        covered = (min(c.end, block.end) - max(c.start, block.start)) / max(1, block.end - block.start)
        f["task_whole_block"] = float(covered >= 0.9)
    span = ctx.get("sentence")
    if span and isinstance(span, (tuple, list)) and len(span) == 2:
        f.update(_sentence_features(doc, (int(span[0]), int(span[1])), profile))
    else:
        f["sent_none"] = 1.0
    return f


_KNOWN_CONTEXT = frozenset({"in_operative", "section", "heading", "leadin", "sentence", SCORE_KEY})


def _agency_features(f: dict[str, float], agency: str, ctx: dict, on: date | None) -> None:
    f.update(_agency_shape(agency, on))
    heading, leadin = ctx.get("heading") or "", ctx.get("leadin") or ""
    f["agency_from_heading"] = float(bool(agency) and agency in heading)
    f["agency_from_leadin"] = float(bool(agency) and agency in leadin)


@lru_cache(maxsize=4096)
def _agency_shape(agency: str, on: date | None) -> dict[str, float]:
    """Features of an agency surface alone (cached: a document names the same bodies again and again)."""
    f: dict[str, float] = {}
    words = _WORD.findall(agency)
    f[f"agency_words={_bucket(len(words), _AGENCY_WORD_BUCKETS)}"] = 1.0
    f["agency_resolved"] = float(resolve(agency, on=on)[0] is not None) if agency else 0.0
    f["agency_collective"] = float(is_collective(agency))
    lowered = agency.lower().lstrip()
    f["agency_title"] = float(bool(_cue("agency_titles").match(lowered)))
    f["agency_person"] = float(bool(_cue("person_markers").match(lowered)))
    f["agency_lower"] = float(agency == agency.lower())
    f["agency_digits"] = float(any(ch.isdigit() for ch in agency))
    f["agency_placeholder"] = float(len(agency) < 60 and fold(agency).strip() in _placeholders())
    f["agency_head"] = float(bool(head_at(agency, 0)))
    f["agency_short_unresolved"] = float(len(words) <= 2 and not f["agency_resolved"])
    f["agency_unbalanced"] = float(agency.count("(") != agency.count(")"))
    f["agency_trailing_mark"] = float(agency.rstrip()[-1:] in ",;:-–(")
    return f


def _task_features(f: dict[str, float], task: str) -> None:
    stripped = task.strip()
    words = _WORD.findall(stripped)
    f[f"task_words={_bucket(len(words), _TASK_WORD_BUCKETS)}"] = 1.0
    first = next((ch for ch in stripped if ch.isalpha()), "")
    f["task_upper"] = float(first.isupper())
    f["task_colon_end"] = float(stripped.endswith(":"))
    label = fold(stripped.strip(" -–*•:.")).strip() if len(words) <= 8 else ""
    f["task_field_label"] = float(label in _field_labels() or (len(words) <= 5 and stripped.endswith(":")))
    end = phrase_end(stripped, 0) if stripped and head_at(stripped, 0) else 0
    f["task_is_agency"] = float(end > 0 and end >= 0.8 * len(stripped.rstrip(" .;:")))
    verbs, roles = _starters()
    f["task_verb_start"] = float(bool(verbs.match(stripped)))
    f["task_has_verb"] = float(bool(verbs.search(stripped)))
    f["task_whole_document"] = float(bool(cue_regex("whole_document_refs").search(stripped)))
    f["task_role_start"] = float(bool(roles.match(stripped)))
    f["task_obligation"] = float(bool(_cue("obligation_cues").search(stripped)))
    f["task_past"] = float(bool(_cue("past_markers").search(stripped)))
    f["task_question"] = float("?" in stripped)
    f["task_digit_share"] = _digit_share(stripped)
    f["task_capital_share"] = sum(w[0].isupper() for w in words) / len(words) if words else 0.0
    f["task_bracket_start"] = float(stripped[:1] in "([\"“")
    f["task_upper_nonverb"] = float(first.isupper() and not f["task_verb_start"] and not f["task_role_start"])
    f["task_joiner_start"] = float(bool(_JOINER.match(stripped)))
    f["task_markup"] = float(bool(_MARKUP.search(stripped)))


def _deadline_features(f: dict[str, float], deadline, on: date | None) -> None:
    if deadline is None:
        f["deadline_none"] = 1.0
        return
    f["deadline"] = 1.0
    due = getattr(deadline, "due", None)
    f["deadline_due"] = float(due is not None)
    f["deadline_recurrence"] = float(bool(getattr(deadline, "recurrence", None)))
    f["deadline_within"] = float(bool(getattr(deadline, "within", None)))
    f["deadline_past"] = float(due is not None and on is not None and due < on)


# ------------------------------------------------------------------ the model
@dataclass
class ScorerModel:
    """A logistic model over named features: ``P = 1 / (1 + exp(-(intercept + Σ weight·value)))``."""

    weights: dict[str, float]
    intercept: float
    threshold: float = 0.5
    training: dict = field(default_factory=dict)

    def margin(self, features: dict[str, float]) -> float:
        w = self.weights
        return self.intercept + sum(w.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: dict[str, float]) -> float:
        z = self.margin(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def contributions(self, features: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's share of the margin, largest in size first (features without a weight left out)."""
        out = [(k, self.weights[k] * v) for k, v in features.items() if k in self.weights and v]
        return sorted(out, key=lambda kv: -abs(kv[1]))

    def to_json(self) -> str:
        payload = {
            "format": FORMAT,
            "intercept": round(self.intercept, 6),
            "threshold": round(self.threshold, 4),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6) != 0.0},
            "training": self.training,
        }
        return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "ScorerModel":
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file (format={data.get('format')!r})")
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["intercept"]),
                   float(data.get("threshold", 0.5)), data.get("training") or {})


def default_model_path() -> Path:
    """Where the shipped model lives (``task_extraction/data/scorer.json``)."""
    return Path(str(resources.files("parlens.task_extraction").joinpath(MODEL_RESOURCE)))


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> ScorerModel | None:
    """The scorer model from ``path`` (default: the shipped one), read once; None when the file is absent."""
    p = Path(path) if path else default_model_path()
    if not p.is_file():
        return None
    return ScorerModel.from_json(p.read_text("utf-8"))


# ------------------------------------------------------------------ applying it
def score(c, doc: Document, ref_date: date | None, *, profile: DocumentProfile | None = None,
          model: ScorerModel | None = None) -> float:
    """The probability that candidate ``c`` is a real assignment (1.0 when no model is installed)."""
    model = model or load_model()
    if model is None:
        return 1.0
    return model.probability(candidate_features(c, doc, ref_date, profile))


def keep(cands: list, doc: Document, ref_date: date | None, *, model: ScorerModel | None = None,
         threshold: float | None = None) -> list:
    """The candidates scored at or above the threshold, each with ``context["score"]``; all when no model.

    >>> from parlens.task_extraction.extract import extract_candidates
    >>> from parlens.task_extraction.textdoc import document_from_text
    >>> doc = document_from_text("Giao Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật trước ngày 30/6/2026.")
    >>> [(c.agency, c.context["score"] > 0.5) for c in keep(extract_candidates(doc), doc, None)]
    [('Sở Tư pháp', True)]
    """
    model = model or load_model()
    if model is None:
        return list(cands)
    cut = model.threshold if threshold is None else threshold
    profile = document_profile(doc, ref_date, len(cands))
    _last_profile[:] = [(doc, ref_date, profile)]
    kept = []
    for c in cands:
        p = model.probability(candidate_features(c, doc, ref_date, profile))
        if c.context is None:
            c.context = {}
        c.context[SCORE_KEY] = round(p, 4)
        if p >= cut:
            kept.append(c)
    return kept


def explain(c, doc: Document, ref_date: date | None, *, top: int = 8, profile: DocumentProfile | None = None,
            model: ScorerModel | None = None) -> list[tuple[str, float]]:
    """The ``top`` features that moved the candidate's score most, as (feature, signed contribution).

    A positive contribution pushes towards "a real assignment"; the intercept is not listed.
    """
    model = model or load_model()
    if model is None:
        return []
    return model.contributions(candidate_features(c, doc, ref_date, profile))[:top]


def explain_text(c, doc: Document, ref_date: date | None, *, top: int = 5, model: ScorerModel | None = None) -> str:
    """One line for a candidate: its probability and the features that weighed most ("rule=heading +0.81, …")."""
    model = model or load_model()
    if model is None:
        return "no scorer model"
    feats = candidate_features(c, doc, ref_date)
    parts = ", ".join(f"{k} {v:+.2f}" for k, v in model.contributions(feats)[:top])
    return f"p={model.probability(feats):.3f} (threshold {model.threshold:.2f}): {parts}"


def features_of(cands: Iterable, doc: Document, ref_date: date | None) -> list[dict[str, float]]:
    """Features of every candidate of one document, the document profile computed once."""
    cands = list(cands)
    profile = document_profile(doc, ref_date, len(cands))
    return [candidate_features(c, doc, ref_date, profile) for c in cands]
