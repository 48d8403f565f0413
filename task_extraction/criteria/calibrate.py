"""Build ``data/calibration.json``: isotonic calibration of field scores on held-out folds of our own examples.

    .venv/bin/python -m parlens.task_extraction.criteria.calibrate [--folds 5]

Each fold's examples are linked by a linker whose classifier never saw them (calibration off, no threshold);
every field scored is a (raw score, was it a gold field?) pair; isotonic regression over the pairs gives a
monotone map from raw score to the share of such links that were right (each constant block becomes one
point at its mean raw score, joined linearly, so the map has no cliffs). Only our own examples are used
(data/training.jsonl and corpora/gold.jsonl), never the devset.
"""

from __future__ import annotations

import argparse
import json
import random

import numpy as np

from .linker import CALIBRATION_PATH, CriteriaLinker, load_examples


def held_out_pairs(folds: int = 5, seed: int = 0) -> list[tuple[float, bool]]:
    """(raw field score, correct) for every field the uncalibrated linker scores on held-out examples."""
    examples = load_examples()
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    pairs: list[tuple[float, bool]] = []
    for fold in range(folds):
        held = set(order[fold::folds])
        linker = CriteriaLinker(
            examples=[examples[i] for i in order if i not in held], threshold=0.0, relative_cut=0.0, calibrate=False
        )
        test = [examples[i] for i in sorted(held)]
        for ex, links in zip(test, linker.link_texts([e.text for e in test], [e.agency for e in test])):
            gold = {linker.taxonomy.label_of(c) for c in ex.criteria}
            for link in links:
                if linker.top_of.get(link.code) == link.code:
                    pairs.append((link.score, linker.taxonomy.label_of(link.code) in gold))
    return pairs


def build(folds: int = 5) -> dict:
    """Fit the isotonic map and write it; returns what was written."""
    from sklearn.isotonic import IsotonicRegression

    pairs = held_out_pairs(folds)
    x = np.array([p[0] for p in pairs])
    y = np.array([float(p[1]) for p in pairs])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
    # Smooth the step function: one point per constant block, at the block's mean raw score, joined linearly.
    blocks: list[list[float]] = []
    fitted = iso.predict(x)
    for value in sorted(set(fitted)):
        members = x[fitted == value]
        blocks.append([float(members.mean()), float(value)])
    xs = [0.0, *(b[0] for b in blocks), 1.0]
    ys = [blocks[0][1], *(b[1] for b in blocks), blocks[-1][1]]
    out = {"x": [round(v, 4) for v in xs], "y": [round(v, 4) for v in ys], "pairs": len(pairs), "folds": folds,
           "note": "raw field score -> share of held-out links that were gold fields (isotonic)"}
    CALIBRATION_PATH.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Calibrate criteria field scores on our own examples.")
    parser.add_argument("--folds", type=int, default=5)
    result = build(parser.parse_args().folds)
    print(f"wrote {CALIBRATION_PATH} from {result['pairs']} held-out field scores")


if __name__ == "__main__":
    main()
