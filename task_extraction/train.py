"""Train the candidate scorer on annotated documents and measure it leave-one-document-out.

Sources: the project's own corpus (``corpora/gold.jsonl`` over ``corpora/samples``; the descriptive pages
of ``corpora/negatives`` are measured but never trained on, as they are the held-out check of the
descriptive-page gate) and, when present, the devset parts (excerpts, full plans as DOCX, the full2 documents as text and as DOCX, the negatives). A
candidate is positive when it matches a gold record the way ``evaluate.score_document`` pairs them (same
agency, task containment >= ``CONTAINMENT_MIN`` and Dice >= ``DICE_MIN``), excluded when it only matches a
``BORDERLINE`` record, negative otherwise; every candidate of a negatives page is negative.

Leave-one-document-out: a document and its other formats (full2 text and DOCX share a stem) form one
group; the 300 negatives pages form ten groups. For each model setting (class weight, C) every group is
scored by a model trained on all the other groups; the setting and the threshold with the best pooled
pair F1 over all parts are kept (negatives' tasks count as false positives; each threshold is judged
together with its two neighbours on the grid, so a lone spike does not win; among settings within
``SETTING_TOLERANCE`` of the best the most regularised wins), and the shipped model is then trained on
everything with them.

    parlens train-extractor --loo          # rebuild task_extraction/data/scorer.json, print LOO scores
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

from parlens.model import Document, Task
from parlens.task_extraction.addressees import resolve
from parlens.task_extraction.evaluate import (CONTAINMENT_MIN, DICE_MIN, SUFFIXES, Score, agency_matches, load_gold,
                                              read_for_eval, score_document, task_overlap)
from parlens.task_extraction.lexicon import lexicon
from parlens.task_extraction.scorer import (ScorerModel, candidate_features, default_model_path, document_profile,
                                            features_of)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / "corpora"
DEFAULT_DEVSET = REPO_ROOT.parent / "shared" / "devset"
NEGATIVE_FOLDS = 10
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
CLASS_WEIGHTS = (None, "balanced")
SHAPE_NEGATIVE_WEIGHT = 0.1  # each made-up non-task counts this much of a real candidate
SETTING_TOLERANCE = 0.002  # pooled F1: differences below this are noise (one pair in ~1,100 gold)
THRESHOLDS = tuple(round(0.05 + 0.025 * i, 3) for i in range(37))  # 0.05 … 0.95


@dataclass(frozen=True)
class Source:
    """One part of the training data: a gold file (None for negatives) over a folder of documents."""

    part: str
    gold: Path | None
    folder: Path
    ref_from_header: bool
    group: str  # LOO group prefix: formats of one document share it
    train: bool = True  # False: measured only, never trained on


@dataclass
class Sample:
    """One document read for training, with its candidates and their labels."""

    part: str
    name: str
    group: str
    doc: Document
    ref: date | None
    gold: list[dict]
    candidates: list = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    labels: list[int | None] = field(default_factory=list)  # 1, 0, or None (matches a BORDERLINE record only)
    pairs: list[tuple[float, int, int]] = field(default_factory=list)  # (cont + dice, candidate, scored gold)
    n_gold: int = 0  # gold records that are scored (BORDERLINE left out)
    features: list[dict[str, float]] = field(default_factory=list)
    train: bool = True
    made_negatives: list[dict[str, float]] = field(default_factory=list)  # features of made-up non-tasks

    @property
    def kind(self) -> str:
        """The document kind a full2 file name carries (``107_conclusion_….txt`` -> ``conclusion``)."""
        m = re.match(r"\d+_([a-z]+)_", self.name)
        return m.group(1) if m else "other"


def sources(corpus: Path | None = DEFAULT_CORPUS, devset: Path | None = DEFAULT_DEVSET,
            reviewed: tuple[Path, Path] | None = None) -> list[Source]:
    """The parts that are present: the own corpus, staff-reviewed tasks (``parlens export-gold``: the gold file
    and the folder of originals), then the devset parts found under ``devset``."""
    out: list[Source] = []
    if reviewed is not None:
        gold, folder = reviewed
        if not gold.is_file() or not folder.is_dir():
            from parlens.errors import ParlensError

            raise ParlensError("PARLENS-E010", f"{gold} and {folder} (from parlens export-gold --originals)")
        out.append(Source("staff reviewed", gold, folder, False, "reviewed"))
    if corpus is not None and (corpus / "gold.jsonl").is_file() and (corpus / "samples").is_dir():
        out.append(Source("own corpus", corpus / "gold.jsonl", corpus / "samples", False, "own"))
    if corpus is not None and (corpus / "negatives").is_dir():
        # The gate's held-out check (corpora/negatives/README.md): the scorer measures on it, never trains on it.
        out.append(Source("own negatives", None, corpus / "negatives", False, "own-negatives", train=False))
    if devset is None or not devset.is_dir():
        return out
    parts = [
        ("excerpts", "gold.jsonl", "docs", True, "excerpts"),
        ("full DOCX", "full_gold.jsonl", "full_docx", False, "full"),
        ("full2 text", "full2_gold.jsonl", "full2", True, "full2"),
        ("full2 DOCX", "full2_gold.jsonl", "full2_docx", True, "full2"),
    ]
    for part, gold, folder, header, group in parts:
        if (devset / gold).is_file() and (devset / folder).is_dir():
            out.append(Source(part, devset / gold, devset / folder, header, group))
    if (devset / "negatives").is_dir():
        out.append(Source("negatives", None, devset / "negatives", False, "negatives"))
    return out


def to_tasks(cands: list, doc: Document, ref_date: date | None) -> list[Task]:
    """Candidates as ``Task`` records, the way ``extract_tasks`` makes them (its ``to_tasks`` when it has one)."""
    from parlens.task_extraction import extract

    if hasattr(extract, "to_tasks"):
        return extract.to_tasks(cands, doc, ref_date)
    on = ref_date or doc.metadata.issued_on
    tasks = []
    for c in cands:
        agency_id, agency_name = resolve(c.agency, on=on)
        tasks.append(Task(agency=c.agency, role=c.role, task=c.task, start=c.start, end=c.end,
                          page=doc.page_at(c.start), agency_id=agency_id, agency_name=agency_name,
                          deadline=c.deadline, rule=c.rule))
    return tasks


def label_tasks(tasks: list[Task], gold: list[dict]) -> tuple[list[int | None], list[tuple[float, int, int]], int]:
    """Labels of the tasks against gold, the candidate-gold pairs that match, and the number of scored gold."""
    scored = [g for g in gold if not str(g.get("note") or "").startswith("BORDERLINE")]
    borderline = [g for g in gold if str(g.get("note") or "").startswith("BORDERLINE")]

    def matches(t: Task, g: dict) -> float | None:
        if not agency_matches(t, g):
            return None
        cont, dice = task_overlap(t.task, g.get("task", ""))
        return cont + dice if cont >= CONTAINMENT_MIN and dice >= DICE_MIN else None

    labels: list[int | None] = []
    pairs: list[tuple[float, int, int]] = []
    for i, t in enumerate(tasks):
        hit = False
        for j, g in enumerate(scored):
            m = matches(t, g)
            if m is not None:
                pairs.append((m, i, j))
                hit = True
        if hit:
            labels.append(1)
        elif any(matches(t, g) is not None for g in borderline):
            labels.append(None)
        else:
            labels.append(0)
    pairs.sort(reverse=True)  # score_document's greedy order
    return labels, pairs, len(scored)


def shape_negatives(sample: Sample) -> list:
    """Obvious non-tasks made from a document's positive candidates, for training only.

    The extractor filters most junk before the scorer sees it, so the corpus holds few examples of it;
    new generators may make more. Each positive candidate lends its place and context to one of: a bare
    field label as task ("Cơ quan thực hiện:"), a heading as task (its section title, as written or in
    sentence case without its number), a task cut to its
    first two words, or an agency cut to its head word with the rest of the name as task ("Cơ quan" /
    "thực hiện"). They weigh ``SHAPE_NEGATIVE_WEIGHT`` each and are never scored in the LOO report.
    """
    labels = [w for kind in ("lead", "support", "time", "task") for w in lexicon()["field_labels"][kind]]
    out = []
    for k, (c, lab) in enumerate(zip(sample.candidates, sample.labels)):
        if lab != 1:
            continue
        agency, deadline, way = c.agency, None, k % 4
        if way == 0:
            label = labels[k % len(labels)]
            task = label[:1].upper() + label[1:] + ":"
        elif way == 1:
            task = (c.context or {}).get("section") or c.agency
            if k % 8 == 5:  # the same heading as a sentence-case line with no numbering ("Tổ chức thực hiện")
                bare = re.sub(r"^\W*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*", "", task).strip()
                task = bare[:1].upper() + bare[1:].lower() if bare else task
        elif way == 2:
            task, deadline = " ".join(c.task.split()[:2]), c.deadline
        else:
            words = c.agency.split()
            if len(words) < 3:
                continue
            agency, task = " ".join(words[:1]), " ".join(words[1:])
        out.append(replace(c, agency=agency, task=task, end=c.start + len(task), deadline=deadline,
                           context=dict(c.context or {})))
    return out


def read_samples(srcs: list[Source], *, log: Callable[[str], None] | None = None) -> list[Sample]:
    """Read every document of every source once, make its candidates, label and describe them."""
    from parlens.task_extraction.extract import extract_candidates

    samples: list[Sample] = []
    for src in srcs:
        t0 = time.perf_counter()
        gold = load_gold(src.gold) if src.gold else {}
        files = sorted(p for p in src.folder.iterdir() if p.suffix.lower() in SUFFIXES)
        for index, path in enumerate(files):
            doc, ref = read_for_eval(path, ref_date_from_header=src.ref_from_header)
            group = (f"{src.group}:fold{index % NEGATIVE_FOLDS}" if src.part == "negatives"
                     else f"{src.group}:{path.stem}")
            s = Sample(src.part, path.name, group, doc, ref, gold.get(path.stem, []), train=src.train)
            s.candidates = extract_candidates(doc, ref_date=ref)
            s.tasks = to_tasks(s.candidates, doc, ref)
            s.labels, s.pairs, s.n_gold = label_tasks(s.tasks, s.gold)
            s.features = features_of(s.candidates, doc, ref)
            made = shape_negatives(s) if s.train else []
            if made:
                profile = document_profile(doc, ref, len(s.candidates))
                s.made_negatives = [candidate_features(c, doc, ref, profile) for c in made]
            samples.append(s)
        if log:
            n = sum(len(s.candidates) for s in samples if s.part == src.part)
            log(f"read {src.part}: {len(files)} documents, {n} candidates ({time.perf_counter() - t0:.1f} s)")
    return samples


# ------------------------------------------------------------------ fitting
def fit(rows: list[dict[str, float]], labels: list[int], *, C: float = 1.0, class_weight: str | None = None,
        threshold: float = 0.5, training: dict | None = None, weights: list[float] | None = None) -> ScorerModel:
    """A logistic regression over the feature dicts, exported as named weights.

    With one class only there is nothing to learn: the model has no weights and an intercept that
    keeps (all positive) or drops (all negative) every candidate.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        return ScorerModel({}, 4.0 if not labels or labels[0] == 1 else -4.0, threshold, training or {})
    from threadpoolctl import threadpool_limits

    vec = DictVectorizer(sparse=False)
    X = vec.fit_transform(rows)
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000)
    with threadpool_limits(limits=1):  # a few thousand rows: threads only fight over a shared machine
        clf.fit(X, labels, sample_weight=weights)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])}
    return ScorerModel(weights, float(clf.intercept_[0]), threshold, training or {})


def _matched(sample: Sample, kept: list[bool]) -> int:
    """Pairs ``score_document`` would match among the kept candidates (greedy, one-to-one)."""
    used_p, used_g, n = set(), set(), 0
    for _, i, j in sample.pairs:
        if kept[i] and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            n += 1
    return n


def _f1(matched: int, predicted: int, gold: int) -> float:
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def pooled_f1(samples: list[Sample], probs: list[list[float]], threshold: float) -> float:
    """Pair F1 over every document pooled (a negatives page's kept candidates are false positives)."""
    m = pr = g = 0
    for s, ps in zip(samples, probs):
        if not s.train:
            continue
        kept = [p >= threshold for p in ps]
        m += _matched(s, kept)
        pr += sum(kept)
        g += s.n_gold
    return _f1(m, pr, g)


def out_of_fold(samples: list[Sample], *, C: float, class_weight: str | None,
                shape_weight: float = SHAPE_NEGATIVE_WEIGHT) -> list[list[float]]:
    """Each candidate's probability from a model trained without its group (made-up non-tasks train only)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    rows, owner, labels, weights, real = [], [], [], [], []
    for k, s in enumerate(samples):
        for f, lab in zip(s.features, s.labels):
            rows.append(f), owner.append(k), labels.append(lab), weights.append(1.0), real.append(True)
        if shape_weight > 0:
            for f in s.made_negatives:
                rows.append(f), owner.append(k), labels.append(0), weights.append(shape_weight), real.append(False)
    X = DictVectorizer(sparse=False).fit_transform(rows)
    by_group: dict[str, set[int]] = defaultdict(set)
    for k, s in enumerate(samples):
        by_group[s.group].add(k)
    probs: list[list[float]] = [[0.0] * len(s.features) for s in samples]
    # Small dense fits: one thread each is fastest, and fair to a shared machine.
    with threadpool_limits(limits=1):
        for held in by_group.values():
            train_idx = [r for r in range(len(rows))
                         if owner[r] not in held and labels[r] is not None and samples[owner[r]].train]
            test_idx = [r for r in range(len(rows)) if owner[r] in held and real[r]]
            if not test_idx:
                continue
            y = [labels[r] for r in train_idx]
            if len(set(y)) < 2:
                p = [float(y[0]) if y else 1.0] * len(test_idx)
            else:
                clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000)
                clf.fit(X[train_idx], y, sample_weight=[weights[r] for r in train_idx])
                p = clf.predict_proba(X[test_idx])[:, 1].tolist()
            offset: dict[int, int] = defaultdict(int)
            for r, value in zip(test_idx, p):
                k = owner[r]
                probs[k][offset[k]] = value
                offset[k] += 1
    return probs


# ------------------------------------------------------------------ reports
def part_scores(samples: list[Sample], kept: list[list[bool]]) -> dict[str, dict]:
    """P/R/F1 per part with ``score_document`` on the kept candidates (full2 also by kind); page yield on negatives."""
    totals: dict[str, Score] = {}
    kinds: dict[str, dict[str, Score]] = defaultdict(dict)
    pages: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # pages, pages with a task, tasks
    for s, keep_mask in zip(samples, kept):
        tasks = [t for t, k in zip(s.tasks, keep_mask) if k]
        if not s.gold and s.part.endswith("negatives"):
            acc = pages[s.part]
            acc[0] += 1
            acc[1] += bool(tasks)
            acc[2] += len(tasks)
            continue
        sc = score_document(s.name, tasks, s.gold)
        totals.setdefault(s.part, Score(doc=s.part)).add(sc)
        if s.part.startswith("full2"):
            kinds[s.part].setdefault(s.kind, Score(doc=s.kind)).add(sc)
    out: dict[str, dict] = {}
    for part, sc in totals.items():
        out[part] = _brief(sc)
        if part in kinds:
            out[part]["kinds"] = {k: _brief(v) for k, v in sorted(kinds[part].items())}
    for part, (n, hit, tasks) in pages.items():
        out[part] = {"pages": n, "pages_with_task": hit, "tasks": tasks}
    return out


def _brief(s: Score) -> dict:
    return {"gold": s.gold, "predicted": s.predicted, "matched": s.matched, "precision": round(s.precision, 4),
            "recall": round(s.recall, 4), "f1": round(s.f1, 4)}


def format_report(report: dict) -> str:
    """The LOO table: per part, keep-all baseline vs the scorer."""
    lines = [f"setting: class_weight={report['setting']['class_weight']} C={report['setting']['C']} "
             f"threshold={report['setting']['threshold']}  (pooled LOO F1 {report['setting']['pooled_f1']:.4f}; "
             f"keep-all {report['setting']['baseline_pooled_f1']:.4f})",
             f"{'part':24s} {'keep-all P/R/F1':>26s}   {'LOO scorer P/R/F1':>26s}"]
    base, loo = report["baseline"], report["loo"]

    def prf(d: dict) -> str:
        return f"{d['predicted']:4d} {d['precision']:.3f} {d['recall']:.3f} {d['f1']:.3f}"

    for part in base:
        b, s = base[part], loo[part]
        if "pages" in b:
            lines.append(f"{part:24s} pages with a task {b['pages_with_task']:3d}/{b['pages']} ({b['tasks']} tasks)"
                         f"   -> {s['pages_with_task']:3d}/{s['pages']} ({s['tasks']} tasks)")
            continue
        lines.append(f"{part:24s} gold={b['gold']:4d} {prf(b)}   {prf(s)}")
        for kind in b.get("kinds", {}):
            bk, sk = b["kinds"][kind], s["kinds"][kind]
            lines.append(f"  {kind:22s} gold={bk['gold']:4d} {prf(bk)}   {prf(sk)}")
    return "\n".join(lines)


# ------------------------------------------------------------------ the whole run
def train(corpus: Path | None = DEFAULT_CORPUS, devset: Path | None = DEFAULT_DEVSET, out: Path | None = None, *,
          loo: bool = True, log: Callable[[str], None] | None = None, reviewed: tuple[Path, Path] | None = None,
          c_grid: tuple[float, ...] = C_GRID, class_weights: tuple = CLASS_WEIGHTS) -> dict:
    """Read the sources, pick the setting and threshold by LOO, train on everything and write the model.

    Without ``loo`` the model is trained with the setting stored in the current model file (or C=1,
    no class weight, threshold 0.5). Returns the report (setting, counts, per-part scores).
    """
    from parlens.errors import ParlensError

    srcs = sources(corpus, devset, reviewed)
    if not srcs:
        raise ParlensError("PARLENS-E010", f"no training data: {corpus}/gold.jsonl and {corpus}/samples are needed")
    samples = read_samples(srcs, log=log)
    devset_used = any(not src.group.startswith(("own", "reviewed")) for src in srcs)
    report: dict = {"sources": [{"part": s.part, "folder": _shown(s.folder),
                                 "documents": sum(1 for x in samples if x.part == s.part)} for s in srcs]}
    report["counts"] = _counts(samples)
    if not devset_used:
        report["note"] = "devset absent: trained on the project's own corpus only"

    setting = _stored_setting()
    if loo:
        t0 = time.perf_counter()
        tried = []
        for cw in class_weights:
            for C in c_grid:
                probs = out_of_fold(samples, C=C, class_weight=cw)
                curve = [pooled_f1(samples, probs, th) for th in THRESHOLDS]
                # A threshold is judged with its neighbours: a lone spike in the curve is noise.
                smooth = [sum(curve[max(0, k - 1):k + 2]) / len(curve[max(0, k - 1):k + 2]) for k in range(len(curve))]
                k = max(range(len(curve)), key=lambda i: (smooth[i], -abs(THRESHOLDS[i] - 0.5)))
                tried.append((smooth[k], curve[k], cw, C, THRESHOLDS[k], probs))
        # Settings within SETTING_TOLERANCE of the best are as good as it on this much data: the most
        # regularised of them (smallest C, then no class weight) is kept.
        top = max(t[0] for t in tried)
        best = min((t for t in tried if t[0] >= top - SETTING_TOLERANCE), key=lambda t: (t[3], t[2] is not None))
        _, f, cw, C, th, probs = best
        baseline_f1 = pooled_f1(samples, [[1.0] * len(s.candidates) for s in samples], 0.0)
        setting = {"class_weight": cw, "C": C, "threshold": th, "pooled_f1": round(f, 4),
                   "tried": [{"class_weight": t[2], "C": t[3], "threshold": t[4], "pooled_f1": round(t[1], 4)}
                             for t in tried],
                   "baseline_pooled_f1": round(baseline_f1, 4),
                   "groups": len({s.group for s in samples}), "seconds": round(time.perf_counter() - t0, 1)}
        report["baseline"] = part_scores(samples, [[True] * len(s.candidates) for s in samples])
        report["loo"] = part_scores(samples, [[p >= th for p in ps] for ps in probs])
    report["setting"] = setting

    rows = [f for s in samples if s.train for f, lab in zip(s.features, s.labels) if lab is not None]
    labels = [lab for s in samples if s.train for lab in s.labels if lab is not None]
    weights = [1.0] * len(rows)
    made = [f for s in samples for f in s.made_negatives]
    rows, labels, weights = rows + made, labels + [0] * len(made), weights + [SHAPE_NEGATIVE_WEIGHT] * len(made)
    training = {"date": date.today().isoformat(), "sources": report["sources"], "counts": report["counts"],
                "setting": setting}
    if "note" in report:
        training["note"] = report["note"]
    if loo:
        training["loo"] = {"method": f"leave one document out (formats of one document together); negatives in "
                                     f"{NEGATIVE_FOLDS} groups", "baseline": report["baseline"], "scorer": report["loo"]}
    model = fit(rows, labels, C=setting["C"], class_weight=setting["class_weight"], threshold=setting["threshold"],
                training=training, weights=weights)
    target = out or default_model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_model(target, model.to_json())
    report["out"] = str(target)
    report["features"] = len(model.weights)
    return report


def _stored_setting() -> dict:
    from parlens.task_extraction.scorer import load_model

    model = load_model()
    stored = (model.training.get("setting") if model else None) or {}
    return {"class_weight": stored.get("class_weight"), "C": stored.get("C", 1.0),
            "threshold": stored.get("threshold", 0.5)}


def _counts(samples: list[Sample]) -> dict:
    out: dict[str, dict] = {}
    for s in samples:
        c = out.setdefault(s.part, {"documents": 0, "candidates": 0, "positive": 0, "negative": 0, "excluded": 0,
                                    "gold": 0, "trained_on": s.train})
        c["documents"] += 1
        c["candidates"] += len(s.labels)
        c["positive"] += s.labels.count(1)
        c["negative"] += s.labels.count(0)
        c["excluded"] += s.labels.count(None)
        c["gold"] += s.n_gold
    return out


def _shown(path: Path) -> str:
    """A source folder as shown in the model file: relative to the repository (``../shared/devset/docs``)."""
    return os.path.relpath(path.resolve(), REPO_ROOT)


def write_model(target: Path, text: str) -> None:
    """Write a model file whole or not at all: a temporary file beside it, fsynced, then renamed over it
    (an interrupted run leaves the shipped model as it was, never a truncated one the extractor would load)."""
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
