"""Train the descriptive-page gate's page model and cross-validate it: ``data/gating_model.json``.

    .venv/bin/python -m parlens.task_extraction.gating_train [--devset ../shared/devset] [--write]

Pages: the devset's 300 ``negatives`` (encyclopedia pages that assign nothing, label 0) and every document
with at least one scored gold assignment (label 1): the devset excerpts, full plans (DOCX), full2 documents
(text and DOCX) and the project's own corpus (``corpora/samples``). The project's descriptive pages
(``corpora/negatives``) are never trained on: they are the held-out check on kinds the devset lacks (legal
Q&A, statistics, biography, press background). Only features leave the devset: no text is stored.

Model: logistic regression (class weight balanced, C = 1) over standardised page features
(``FEATURES``: the share of sentences with any assignment cue and the share with a strong one, see
``gating.model_features``). Five-fold cross-validation groups a document's formats (same file stem)
in one fold. The threshold stays at 0.5 (not tuned); the report gives the margins around it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

from parlens.task_extraction import gating
from parlens.task_extraction.evaluate import SUFFIXES, load_gold, read_for_eval

FEATURES = ("any_assignment", "strong_share")
C = 1.0
THRESHOLD = 0.5
FOLDS = 5
ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = Path(__file__).parent / "data" / "gating_model.json"

# (part, gold file, folder, reference date from the header); gold None: every page assigns nothing.
DEVSET_PARTS = [
    ("excerpts", "gold.jsonl", "docs", True),
    ("full plans DOCX", "full_gold.jsonl", "full_docx", False),
    ("full2 text", "full2_gold.jsonl", "full2", True),
    ("full2 DOCX", "full2_gold.jsonl", "full2_docx", True),
    ("negatives", None, "negatives", False),
]


def _scored(records: list[dict]) -> int:
    return sum(1 for g in records if not str(g.get("note") or "").startswith("BORDERLINE"))


def collect(devset: Path) -> list[dict]:
    """One row per page: part, name, group (file stem), label (1, 0 or None = not trained on), features."""
    parts = [(name, devset / gold if gold else None, devset / folder, header)
             for name, gold, folder, header in DEVSET_PARTS]
    parts += [("own corpus", ROOT / "corpora" / "gold.jsonl", ROOT / "corpora" / "samples", False),
              ("own negatives", None, ROOT / "corpora" / "negatives", False)]
    rows = []
    for part, gold_path, folder, header in parts:
        if not folder.is_dir():
            continue
        gold = load_gold(gold_path) if gold_path else {}
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
            doc, _ = read_for_eval(path, ref_date_from_header=header)
            reading = gating.read_structure(doc)
            feats = gating.model_features(reading, doc)
            official = gating.is_official(gating.form_evidence(doc))
            rule = gating.assess(doc).evidence["rule"]  # which rule decides (the page model's outcome aside)
            if part == "negatives":
                label = 0
            elif part == "own negatives":
                label = None  # held out
            else:
                label = 1 if _scored(gold.get(path.stem, [])) else None
            rows.append({"part": part, "name": path.name, "group": re.sub(r"\.\w+$", "", path.name),
                         "label": label, "official": official, "rule": rule, "features": feats})
    return rows


def _matrix(rows: list[dict]):
    import numpy as np

    return np.array([[r["features"][f] for f in FEATURES] for r in rows], dtype=float)


def fit(rows: list[dict]) -> dict:
    """A logistic model over ``FEATURES`` of the labelled rows, as the JSON ``gating.score`` reads."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = _matrix(rows)
    y = np.array([r["label"] for r in rows])
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit((x - mu) / sd, y)
    return {"features": list(FEATURES), "intercept": float(model.intercept_[0]),
            "weights": {f: float(w) for f, w in zip(FEATURES, model.coef_[0])},
            "scale": {f: [float(m), float(s)] for f, m, s in zip(FEATURES, mu, sd)}, "threshold": THRESHOLD}


def _score(model: dict, feats: dict) -> float:
    z = model["intercept"] + sum(w * (feats[f] - model["scale"][f][0]) / model["scale"][f][1]
                                 for f, w in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-z))


def cross_validate(rows: list[dict]) -> list[float]:
    """Held-out probability for every labelled row (grouped folds: all formats of a document together)."""
    from sklearn.model_selection import GroupKFold

    labelled = [r for r in rows if r["label"] is not None]
    out = [0.0] * len(labelled)
    groups = [r["group"] for r in labelled]
    for train, test in GroupKFold(n_splits=FOLDS).split(labelled, groups=groups):
        model = fit([labelled[i] for i in train])
        for i in test:
            out[i] = _score(model, labelled[i]["features"])
    return out


def report(rows: list[dict], held_out: list[float], model: dict) -> dict:
    """Cross-validated counts and margins; the held-out own negatives scored by the final model."""
    labelled = [r for r in rows if r["label"] is not None]
    neg = [(p, r) for p, r in zip(held_out, labelled) if r["label"] == 0]
    pos = [(p, r) for p, r in zip(held_out, labelled) if r["label"] == 1]
    pos_free = [(p, r) for p, r in pos if not r["official"]]
    own = [(_score(model, r["features"]), r) for r in rows if r["part"] == "own negatives"]
    rules: dict[str, int] = {}
    for r in rows:
        if r["part"] == "negatives":
            rules[r["rule"]] = rules.get(r["rule"], 0) + 1
    summary = {
        "negatives": len(neg), "positives": len(pos), "positives_not_official": len(pos_free),
        "cv_negatives_scored_assigning": sum(p >= THRESHOLD for p, _ in neg),
        "cv_positives_scored_descriptive": sum(p < THRESHOLD for p, _ in pos),
        "cv_positives_not_official_scored_descriptive": sum(p < THRESHOLD for p, _ in pos_free),
        "cv_max_negative": round(max((p for p, _ in neg), default=0.0), 4),
        "cv_min_positive_not_official": round(min((p for p, _ in pos_free), default=1.0), 4),
        "own_negatives": {r["name"]: {"p_assigns": round(p, 4), "rule": r["rule"]} for p, r in own},
        "negatives_by_rule": rules,
    }
    print(f"pages: {len(neg)} negatives, {len(pos)} assigning documents ({len(pos_free)} without official form)")
    print(f"{FOLDS}-fold CV (grouped by file stem), threshold {THRESHOLD}:")
    print(f"  negatives scored assigning: {summary['cv_negatives_scored_assigning']}/{len(neg)}"
          f"   max p(assigns) of a negative: {summary['cv_max_negative']}")
    print(f"  assigning documents scored descriptive: {summary['cv_positives_scored_descriptive']}/{len(pos)} "
          f"(without official form: {summary['cv_positives_not_official_scored_descriptive']}/{len(pos_free)}, "
          f"whose min p(assigns) is {summary['cv_min_positive_not_official']}; official ones are never gated)")
    for p, r in sorted(neg, key=lambda t: -t[0])[:5]:
        print(f"    top negative   p={p:.3f} {r['name']}")
    for p, r in sorted(pos_free, key=lambda t: t[0])[:5]:
        print(f"    lowest positive p={p:.3f} {r['part']}/{r['name']}")
    print(f"  devset negatives by deciding rule: {rules} (rules before the page model need no training)")
    print("  own descriptive pages (held out), final model and deciding rule:")
    for p, r in own:
        print(f"    p={p:.3f} {r['rule']:18s} {r['name']}")
    print(f"weights: {json.dumps(model['weights'])} intercept {model['intercept']:.3f}")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    ap.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.name}")
    args = ap.parse_args()
    rows = collect(args.devset)
    labelled = [r for r in rows if r["label"] is not None]
    held_out = cross_validate(rows)
    model = fit(labelled)
    model["trained_on"] = report(rows, held_out, model)
    if args.write:
        from parlens.task_extraction.train import write_model

        write_model(MODEL_PATH, json.dumps(model, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
