"""Score extracted tasks against gold records in the devset format (``doc``, ``agency``, ``task`` …).

Matching, per document (gold ``doc`` and files in ``DOCS_DIR`` are paired by file stem, so one gold
scores the .txt, .docx and .pdf forms):

- agency: the folded surfaces are equal or one contains the other, or the predicted canonical name
  equals the gold ``agency_norm``, or both resolve to the same ``agency_id``;
- task: folded word tokens; containment ``|P∩G| / min(|P|,|G|) >= 0.6`` and Dice ``>= 0.25``;
- pairs are matched one-to-one, greedily by containment + Dice.

Pair precision/recall/F1 count matches; role accuracy and deadline exact match (``to_gold_code``
against gold ``deadline``, null = null counts as right) are over matched pairs; criteria any-hit and
Jaccard are over matched pairs whose gold lists criteria, once tasks carry criteria. Gold records whose
``note`` starts with ``BORDERLINE`` are left out, and a document with no gold records counts all of
its predictions as false positives.

Strict view (over the same matched pairs, so the lenient pairing stays the headline score):
``agency_exact`` is the share of pairs whose agency surfaces are equal once folded and stripped of
punctuation; ``task_token_precision``/``task_token_recall`` pool the folded word tokens (as multisets)
of predicted vs gold task texts over all pairs; ``task_exact`` is the share of pairs whose task texts are
equal once folded and stripped of punctuation; ``pair_exact`` needs both. Pairs that are not exact are
kept in ``boundary_errors``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from parlens.ingest import read_bytes, read_document
from parlens.model import Document, Task
from parlens.nlp.normalize import fold
from parlens.task_extraction import timing
from parlens.task_extraction.addressees import resolve
from parlens.task_extraction.textdoc import header_date, split_devset_header

SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
CONTAINMENT_MIN = 0.6
DICE_MIN = 0.25


@dataclass
class Score:
    """Counts for one document or the total."""

    doc: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    role_ok: int = 0
    deadline_ok: int = 0
    criteria_pairs: int = 0
    criteria_hit: int = 0
    criteria_jaccard: float = 0.0
    agency_exact: int = 0
    task_exact: int = 0
    pair_exact: int = 0
    task_tokens_common: int = 0
    task_tokens_predicted: int = 0
    task_tokens_gold: int = 0
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    boundary_errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("misses", "false_positives", "boundary_errors")}
        out.update(precision=round(self.precision, 4), recall=round(self.recall, 4), f1=round(self.f1, 4),
                   role_accuracy=round(self.role_ok / self.matched, 4) if self.matched else None,
                   deadline_exact=round(self.deadline_ok / self.matched, 4) if self.matched else None,
                   criteria_any_hit=round(self.criteria_hit / self.criteria_pairs, 4) if self.criteria_pairs else None,
                   criteria_jaccard=round(self.criteria_jaccard / self.criteria_pairs, 4) if self.criteria_pairs else None)
        out.update(self.strict())
        return out

    def strict(self) -> dict:
        """The strict view: exact agency/task surfaces and pooled task-token precision/recall on matched pairs."""
        def share(n: int) -> float | None:
            return round(n / self.matched, 4) if self.matched else None

        tp, tg = self.task_tokens_predicted, self.task_tokens_gold
        return {"agency_exact": share(self.agency_exact), "task_exact": share(self.task_exact),
                "pair_exact": share(self.pair_exact),
                "task_token_precision": round(self.task_tokens_common / tp, 4) if tp else None,
                "task_token_recall": round(self.task_tokens_common / tg, 4) if tg else None}

    def add(self, other: "Score") -> None:
        for name in ("gold", "predicted", "matched", "role_ok", "deadline_ok", "criteria_pairs", "criteria_hit",
                     "agency_exact", "task_exact", "pair_exact", "task_tokens_common", "task_tokens_predicted",
                     "task_tokens_gold"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.criteria_jaccard += other.criteria_jaccard


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text or "")))


def _norm_agency(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text or "")))


def surface_key(text: str) -> str:
    """Folded words of a surface, punctuation and spacing dropped: the key of the strict comparisons."""
    return _norm_agency(text)


def token_overlap(pred_text: str, gold_text: str) -> tuple[int, int, int]:
    """(common, predicted, gold) counts of folded word tokens, as multisets."""
    p, g = Counter(re.findall(r"\w+", fold(pred_text or ""))), Counter(re.findall(r"\w+", fold(gold_text or "")))
    return sum((p & g).values()), sum(p.values()), sum(g.values())


def agency_matches(pred: Task, gold: dict) -> bool:
    """Same body: equal or contained folded surfaces, same canonical name, or same resolved id."""
    p, g = _norm_agency(pred.agency), _norm_agency(gold.get("agency", ""))
    if p and g and (p == g or (min(len(p), len(g)) >= 4 and (p in g or g in p))):
        return True
    norm = _norm_agency(gold.get("agency_norm") or "")
    if pred.agency_name and norm and _norm_agency(pred.agency_name) == norm:
        return True
    if pred.agency_id:
        gid, _ = resolve(gold.get("agency_norm") or gold.get("agency", ""))
        return gid is not None and gid == pred.agency_id
    return False


def task_overlap(pred_text: str, gold_text: str) -> tuple[float, float]:
    """(containment, Dice) of the folded word tokens of two task texts."""
    p, g = _tokens(pred_text), _tokens(gold_text)
    if not p or not g:
        return 0.0, 0.0
    inter = len(p & g)
    return inter / min(len(p), len(g)), 2 * inter / (len(p) + len(g))


def criteria_fields(task: Task) -> set[str]:
    """Devset field labels of a task's criteria codes, per the taxonomy ("PAR.7.2" -> "e-government")."""
    from parlens.task_extraction.criteria.taxonomy import field_label

    return {label for link in task.criteria if (label := field_label(link.code))}


def score_document(doc_name: str, tasks: list[Task], gold: list[dict]) -> Score:
    """Match predictions to gold one-to-one and count the slots."""
    gold = [g for g in gold if not str(g.get("note") or "").startswith("BORDERLINE")]
    score = Score(doc=doc_name, gold=len(gold), predicted=len(tasks))
    pairs = []
    for i, t in enumerate(tasks):
        for j, g in enumerate(gold):
            if not agency_matches(t, g):
                continue
            cont, dice = task_overlap(t.task, g.get("task", ""))
            if cont >= CONTAINMENT_MIN and dice >= DICE_MIN:
                pairs.append((cont + dice, i, j))
    pairs.sort(reverse=True)
    used_p, used_g = set(), set()
    linked = any(t.criteria for t in tasks)
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        t, g = tasks[i], gold[j]
        score.matched += 1
        score.role_ok += t.role == g.get("agency_role")
        score.deadline_ok += timing.to_gold_code(t.deadline) == g.get("deadline")
        agency_ok = surface_key(t.agency) == surface_key(g.get("agency", ""))
        task_ok = surface_key(t.task) == surface_key(g.get("task", ""))
        common, n_pred, n_gold = token_overlap(t.task, g.get("task", ""))
        score.agency_exact += agency_ok
        score.task_exact += task_ok
        score.pair_exact += agency_ok and task_ok
        score.task_tokens_common += common
        score.task_tokens_predicted += n_pred
        score.task_tokens_gold += n_gold
        if not (agency_ok and task_ok):
            score.boundary_errors.append({"agency": t.agency, "gold_agency": g.get("agency"), "task": t.task,
                                          "gold_task": g.get("task"), "agency_exact": agency_ok,
                                          "task_exact": task_ok, "rule": t.rule})
        if linked and g.get("criteria"):
            fields_p, fields_g = criteria_fields(t), set(g["criteria"])
            score.criteria_pairs += 1
            score.criteria_hit += bool(fields_p & fields_g)
            score.criteria_jaccard += len(fields_p & fields_g) / len(fields_p | fields_g)
    score.misses = [gold[j] for j in range(len(gold)) if j not in used_g]
    score.false_positives = [t.to_contract() | {"rule": t.rule} for i, t in enumerate(tasks) if i not in used_p]
    return score


def load_gold(path: Path) -> dict[str, list[dict]]:
    """Gold records grouped by document stem."""
    by_stem: dict[str, list[dict]] = {}
    for line in Path(path).read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            by_stem.setdefault(Path(rec["doc"]).stem, []).append(rec)
    return by_stem


def read_for_eval(path: Path, *, ref_date_from_header: bool) -> tuple[Document, date | None]:
    """Read a file for scoring; a devset .txt loses its header block (the body after ``---``)."""
    ref = None
    raw = None
    if path.suffix.lower() == ".txt":
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raw = None  # a legacy encoding: ingest detects it
    if raw is not None and split_devset_header(raw)[0]:
        header, body = split_devset_header(raw)
        if ref_date_from_header:
            ref = header_date(header)
        return read_bytes(body.encode("utf-8"), path.name), ref

    return read_document(path), ref


def _link(tasks: list[Task], doc: Document) -> None:
    from parlens.task_extraction.criteria.linker import link_tasks

    link_tasks(tasks, doc)


def evaluate(gold_path: Path, docs_dir: Path, *, ref_date_from_header: bool = False) -> tuple[list[Score], Score]:
    """Per-document scores and their total for every ingestible file in ``docs_dir``."""
    from parlens.task_extraction.extract import extract_tasks

    gold = load_gold(Path(gold_path))
    files = sorted(p for p in Path(docs_dir).iterdir() if p.suffix.lower() in SUFFIXES)
    scores = []
    total = Score(doc="TOTAL")
    for path in files:
        doc, ref = read_for_eval(path, ref_date_from_header=ref_date_from_header)
        tasks = extract_tasks(doc, ref_date=ref)
        _link(tasks, doc)
        s = score_document(path.name, tasks, gold.get(path.stem, []))
        scores.append(s)
        total.add(s)
    return scores, total
