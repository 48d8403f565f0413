"""Probable-duplicate detection measured on a folder tree of real files (the devset by default): which pairs
the rule (``parlens.store.duplicates.judge``) takes for copies, against "the same file stem in another
format" as the truth, and the time to read and sign each file.

    .venv/bin/python bench/duplicates.py [--root ../shared/devset]

Devset text files start with a header block ending in a line ``---``; it is cut off before reading.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from parlens.errors import ParlensError
from parlens.ingest import read_bytes
from parlens.store import duplicates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "devset")
    args = parser.parse_args()
    files = sorted(p for p in args.root.rglob("*") if p.is_file() and p.suffix in (".txt", ".docx", ".pdf", ".html")
                   and "gold" not in p.name and "NOTES" not in p.name and p.name != "README.md")
    facts: dict[Path, tuple] = {}
    began = time.perf_counter()
    signing = 0.0
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".txt" and data.startswith(b"source:"):
            data = data.split(b"\n---\n", 1)[-1]
        try:
            doc = read_bytes(data, path.name)
        except ParlensError:
            continue
        clock = time.perf_counter()
        signature = duplicates.text_signature(doc.text)
        signing += time.perf_counter() - clock
        meta = doc.metadata
        facts[path] = (meta.number, meta.issued_on, meta.issuer, signature)
    print(f"{len(facts)} files read in {time.perf_counter() - began:.1f} s; signatures {signing / max(1, len(facts)) * 1000:.1f} ms per file")
    found, missed, wrong = [], [], []
    for a, b in itertools.combinations(facts, 2):
        match = duplicates.judge(facts[a], facts[b], 0)
        same = a.stem == b.stem
        if match and same:
            found.append((a, b))
        elif match:
            wrong.append((a, b, match.reason, match.score))
        elif same:
            missed.append((a, b, round(duplicates.similarity(facts[a][3], facts[b][3]), 3)))
    print(f"same document in two formats: {len(found)} found, {len(missed)} missed; other pairs taken for copies: {len(wrong)}")
    for a, b, score in missed:
        print(f"  missed {a.relative_to(args.root)} ~ {b.relative_to(args.root)} (similarity {score})")
    for a, b, reason, score in wrong:
        print(f"  taken for copies ({reason}, {score}) {a.relative_to(args.root)} ~ {b.relative_to(args.root)}")


if __name__ == "__main__":
    main()
