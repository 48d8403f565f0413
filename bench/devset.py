"""Extraction on every part of the devset: pair P/R/F1, deadline exact, and task-yield on the negatives.

    .venv/bin/python bench/devset.py [--devset ../shared/devset] [--per-doc] [--json OUT]

Parts (see the devset README): the excerpts (``docs/`` + ``gold.jsonl``), the full plans as DOCX and PDF
(``full_docx``/``full_pdf`` + ``full_gold.jsonl``), the fourteen ``full2`` documents as crawled text and as
DOCX (``full2_gold.jsonl``, grouped by the document kind in the file name), and ``negatives/`` (300 pages
that assign nothing: the share of pages yielding any task). Nothing from the devset is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from parlens.task_extraction.evaluate import Score, evaluate

PARTS = [
    ("excerpts", "gold.jsonl", "docs", True),
    ("full plans DOCX", "full_gold.jsonl", "full_docx", False),
    ("full plans PDF", "full_gold.jsonl", "full_pdf", False),
    ("full2 text", "full2_gold.jsonl", "full2", True),
    ("full2 DOCX", "full2_gold.jsonl", "full2_docx", True),
]


def kind_of(doc: str) -> str:
    """The document kind carried by a full2 file name (``107_conclusion_….txt`` -> ``conclusion``)."""
    m = re.match(r"\d+_([a-z]+)_", doc)
    return m.group(1) if m else "other"


def line(label: str, s: Score) -> str:
    sm = s.summary()
    dl = sm["deadline_exact"]
    return (f"{label:34s} gold={s.gold:4d} pred={s.predicted:4d} match={s.matched:4d}  "
            f"P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  deadline={dl if dl is not None else '-'}")


def run_part(devset: Path, name: str, gold: str, folder: str, header: bool, per_doc: bool) -> dict:
    if not (devset / folder).is_dir():
        return {}
    scores, total = evaluate(devset / gold, devset / folder, ref_date_from_header=header)
    print(line(name, total))
    out = {"total": total.summary(), "documents": [s.summary() for s in scores]}
    if name.startswith("full2"):
        kinds: dict[str, Score] = {}
        for s in scores:
            kinds.setdefault(kind_of(s.doc), Score(doc=kind_of(s.doc))).add(s)
        for k, s in sorted(kinds.items()):
            print(line(f"  {k}", s))
        out["kinds"] = {k: s.summary() for k, s in kinds.items()}
    if per_doc:
        for s in scores:
            print(line(f"    {s.doc[:30]}", s))
    return out


def run_negatives(devset: Path, per_doc: bool) -> dict:
    folder = devset / "negatives"
    if not folder.is_dir():
        return {}
    empty = Path("/dev/null")
    scores, total = evaluate(empty, folder)
    hit = [s for s in scores if s.predicted]
    share = len(hit) / len(scores) if scores else 0.0
    print(f"{'negatives':34s} pages={len(scores):4d} pages with a task={len(hit):3d} ({share:.1%})  "
          f"tasks={total.predicted}")
    if per_doc:
        for s in hit:
            print(f"    {s.doc[:40]:40s} tasks={s.predicted}")
    return {"pages": len(scores), "pages_with_task": len(hit), "tasks": total.predicted,
            "share": round(share, 4), "hit": {s.doc: s.predicted for s in hit}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "devset")
    ap.add_argument("--per-doc", action="store_true", help="also print every document")
    ap.add_argument("--only", default="", help="comma-separated part names to run (substring match)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args()
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    result = {}
    for name, gold, folder, header in PARTS:
        if wanted and not any(w in name for w in wanted):
            continue
        result[name] = run_part(args.devset, name, gold, folder, header, args.per_doc)
    if not wanted or any(w in "negatives" for w in wanted):
        result["negatives"] = run_negatives(args.devset, args.per_doc)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
