"""Benchmark the nlp stage: agency finding and segmentation speed, and agency recall on a gold file.

    .venv/bin/python bench/nlp.py                       # speed on generated text
    .venv/bin/python bench/nlp.py --devset ../shared/devset   # + recall of gold agency strings

Recall: for each gold record (``agency`` as written, ``agency_norm`` canonical) whose agency string occurs
in the document text, the record counts as found when ``find_agencies`` returns a mention with the same
text (case, spacing and diacritics folded) whose canonical name matches ``agency_norm`` (abbreviations
expanded, province suffix ignored), or, for collectives, any collective mention with that text.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

from parlens.nlp.abbreviations import expand
from dataclasses import replace

from parlens.nlp.agencies import find_agencies, split_agency_list
from parlens.nlp.normalize import fold
from parlens.nlp.segment import split_clauses, split_sentences

_SUBJECTS = [
    "Sở Nội vụ", "Giám đốc Sở Tư pháp", "Văn phòng UBND tỉnh", "UBND các huyện, thị xã, thành phố",
    "Công an tỉnh", "các sở, ban, ngành tỉnh", "Sở Kế hoạch và Đầu tư (KHĐT)", "Chủ tịch UBND các xã, phường",
    "Sở Thông tin và Truyền thông", "Ban Quản lý các khu công nghiệp", "Báo và Phát thanh, Truyền hình tỉnh",
]
_VERBS = ["chủ trì, phối hợp với", "phối hợp với", "tham mưu", "hướng dẫn", "kiểm tra việc thực hiện của"]
_OBJECTS = [
    "triển khai Kế hoạch số 12/KH-UBND ngày 15/10/2021 về cải cách hành chính",
    "nâng cao Chỉ số PAR Index và SIPAS của tỉnh, báo cáo kết quả trước ngày 15/12 hằng năm",
    "rà soát thủ tục hành chính thuộc phạm vi quản lý; đồng thời công khai kết quả trên Cổng thông tin",
    "xây dựng chính quyền số, bảo đảm an toàn thông tin trong các cơ quan nhà nước",
]


def generated_text(n_sentences: int, seed: int = 7) -> str:
    """A realistic plan-like text of numbered, wrapped sentences with agency mentions."""
    rnd = random.Random(seed)
    lines = []
    for i in range(n_sentences):
        s = f"{rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)} {rnd.choice(_SUBJECTS)} {rnd.choice(_OBJECTS)}."
        if i % 5 == 0:
            lines.append(f"{i // 5 + 1}. {s}")
        elif i % 7 == 0:
            lines.append("- " + s.replace(" về ", "\nvề ", 1))
        else:
            lines.append(s)
    return "\n".join(lines)


def bench_speed(n: int = 2000) -> None:
    text = generated_text(n)
    t0 = time.perf_counter()
    sents = split_sentences(text)
    t1 = time.perf_counter()
    for s, e in sents:
        split_clauses(text, s, e)
    t2 = time.perf_counter()
    mentions = find_agencies(text)
    t3 = time.perf_counter()
    per_sentence = 0
    for s, e in sents[:500]:
        per_sentence += len(find_agencies(text[s:e]))
    t4 = time.perf_counter()
    print(f"text: {len(sents)} sentences, {len(text):,} chars")
    print(f"split_sentences: {len(sents) / (t1 - t0):,.0f} sentences/s")
    print(f"split_clauses:   {len(sents) / (t2 - t1):,.0f} sentences/s")
    print(f"find_agencies (whole text): {len(sents) / (t3 - t2):,.0f} sentences/s, "
          f"{len(mentions) / (t3 - t2):,.0f} mentions/s ({len(mentions)} mentions)")
    print(f"find_agencies (per sentence): {min(500, len(sents)) / (t4 - t3):,.0f} sentences/s")
    from parlens.nlp.pipeline import get_nlp

    nlp = get_nlp()
    sample = text[: sents[min(300, len(sents)) - 1][1]]
    nlp(sample[:200])  # load underthesea outside the timing
    t5 = time.perf_counter()
    doc = nlp(sample)
    t6 = time.perf_counter()
    print(f"spaCy pipeline (underthesea tokenizer + agency components): {min(300, len(sents)) / (t6 - t5):,.0f} "
          f"sentences/s ({len(doc)} tokens, {len(doc.spans['agencies'])} agency spans)")


def _doc_text(path: Path) -> tuple[str, date | None]:
    raw = path.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n---\n")
    m = re.search(r"^date:\s*(\d{4})-(\d{2})(?:-(\d{2}))?", head, re.M)
    on = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)) if m else None
    return body, on


_IGNORED = {"tinh", "thanh", "pho", "va", "cac"}


def _canon(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", fold(expand(text))).split()
    return " ".join(w for w in words if w not in _IGNORED)


def _squash(text: str) -> str:
    return " ".join(fold(text).replace("*", " ").split())


def recall(devset: Path, verbose: bool = False, cells: bool = False) -> None:
    golds = []
    for name, docs in (("gold.jsonl", "docs"), ("full_gold.jsonl", "full")):
        for line in (devset / name).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            rec["_path"] = devset / docs / rec["doc"]
            golds.append(rec)
    cache: dict[Path, tuple[str, list]] = {}
    found = absent = total = 0
    missed: Counter[tuple[str, str]] = Counter()
    uniq_all: set[tuple[str, str]] = set()
    uniq_found: set[tuple[str, str]] = set()
    per_record: list[tuple[str, bool]] = []
    for rec in golds:
        path = rec["_path"]
        if path not in cache:
            text, on = _doc_text(path)
            mentions = find_agencies(text, on=on)
            if cells:  # also read each line of a flattened table as a cell
                pos = 0
                for line in text.split("\n"):
                    if line.strip() and line.strip() != "|":
                        mentions += [replace(m, start=m.start + pos, end=m.end + pos) for m in split_agency_list(line, on=on)]
                    pos += len(line) + 1
            cache[path] = (text, mentions)
        text, mentions = cache[path]
        gold = _squash(rec["agency"])
        if gold not in _squash(text):
            absent += 1
            continue
        total += 1
        uniq_all.add((rec["doc"], rec["agency"]))
        norm = _canon(rec["agency_norm"])
        ok = False
        for m in mentions:
            if _squash(m.text) != gold:
                continue
            name = _canon(m.name or "")
            if m.collective or (name and (norm.startswith(name) or name.startswith(norm))):
                ok = True
                break
        per_record.append((path.parent.name, ok))
        if ok:
            found += 1
            uniq_found.add((rec["doc"], rec["agency"]))
        else:
            missed[(rec["agency"], rec["agency_norm"])] += 1
    print(f"-- {'find_agencies + split_agency_list per line' if cells else 'find_agencies on the whole text'}")
    print(f"gold records with the agency string in the text: {total} (absent from text: {absent})")
    print(f"agency recall (records): {found}/{total} = {found / max(total, 1):.3f}")
    for part in ("docs", "full"):
        recs = [r for r in per_record if r[0] == part]
        print(f"  {part}/: {sum(ok for _, ok in recs)}/{len(recs)} = {sum(ok for _, ok in recs) / max(len(recs), 1):.3f}")
    print(f"agency recall (distinct doc+string): {len(uniq_found)}/{len(uniq_all)} = "
          f"{len(uniq_found) / max(len(uniq_all), 1):.3f}")
    if verbose:
        for (agency, norm), c in missed.most_common():
            print(f"  missed x{c}: {agency!r} -> {norm!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--devset", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    find_agencies("Sở Nội vụ")  # load the gazetteer outside the timings
    bench_speed(args.sentences)
    if args.devset:
        recall(args.devset, args.verbose)
        recall(args.devset, args.verbose, cells=True)


if __name__ == "__main__":
    main()
