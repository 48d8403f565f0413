"""Throughput of the whole task pipeline (read + candidates + gate + scorer): sentences/s and documents/s.

    .venv/bin/python bench/extract.py [--docs N] [--devset /work/shared/devset]

Generated plans are built from templates written here (no devset text); the devset part reads the
excerpts (.txt) and the full plans (.docx/.pdf) when that folder exists. One process, one core.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from parlens.task_extraction.extract import extract_tasks, split_sentences

AGENCIES = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Văn phòng UBND tỉnh", "Công an tỉnh", "Sở Y tế",
            "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Các sở, ban, ngành", "UBND các xã, phường"]
DUTIES = ["rà soát quy trình nội bộ giải quyết thủ tục hành chính", "nâng cao tỷ lệ hồ sơ trực tuyến toàn trình",
          "tổ chức khảo sát mức độ hài lòng của người dân", "cập nhật dữ liệu dân cư vào kho dữ liệu dùng chung",
          "bố trí kinh phí thực hiện kế hoạch", "kiểm tra công tác cải cách hành chính tại các xã"]
DEADLINES = ["", " trước ngày 15/12/2026", " trong Quý III/2026", " định kỳ hằng quý", " hằng năm"]


def generated_plan(rng: random.Random, sections: int = 12) -> str:
    lines = ["KẾ HOẠCH", "Cải cách hành chính năm 2026", "I. MỤC ĐÍCH, YÊU CẦU",
             "Nâng cao chất lượng phục vụ người dân và doanh nghiệp.", "II. TỔ CHỨC THỰC HIỆN"]
    for i in range(1, sections + 1):
        a = rng.choice(AGENCIES)
        lines.append(f"{i}. {a}")
        for letter in "abc":
            partner = rng.choice(AGENCIES)
            lines.append(f"{letter}) Chủ trì, phối hợp với {partner} {rng.choice(DUTIES)}{rng.choice(DEADLINES)}. "
                         f"Tổng hợp kết quả, báo cáo UBND tỉnh.")
    lines.append("Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan phản ánh về Sở Nội vụ để tổng hợp.")
    return "\n".join(lines) + "\n"


def count_sentences(doc) -> int:
    return sum(len(split_sentences(b.text)) for b in doc.blocks if b.kind != "table") + sum(
        len(b.rows or []) for b in doc.blocks if b.kind == "table")


def run(label: str, readers) -> None:
    docs = sents = tasks = 0
    t0 = time.perf_counter()
    for read in readers:
        doc, ref = read()
        tasks += len(extract_tasks(doc, ref_date=ref))
        sents += count_sentences(doc)
        docs += 1
    dt = time.perf_counter() - t0
    print(f"{label:38s} docs={docs:4d} sentences={sents:6d} tasks={tasks:5d} "
          f"time={dt:7.2f}s  {sents / dt:8.0f} sentences/s  {docs / dt:7.2f} docs/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--devset", type=Path, default=Path("/work/shared/devset"))
    args = ap.parse_args()
    from parlens.ingest import read_bytes
    from parlens.task_extraction.evaluate import read_for_eval

    rng = random.Random(7)
    texts = [generated_plan(rng) for _ in range(args.docs)]
    read_bytes(texts[0].encode(), "warm.txt")  # load lazy resources once before timing
    extract_tasks(read_bytes(texts[0].encode(), "warm.txt"))
    run("generated plans (.txt, read+extract)", [lambda t=t: (read_bytes(t.encode(), "plan.txt"), None) for t in texts])
    if args.devset.is_dir():
        for sub, pattern in (("docs", "*.txt"), ("full_docx", "*.docx"), ("full_pdf", "*.pdf"),
                             ("full2", "*.txt"), ("full2_docx", "*.docx"), ("negatives", "*.txt")):
            paths = sorted((args.devset / sub).glob(pattern))
            if paths:
                run(f"devset {sub} ({len(paths)} files)",
                    [lambda p=p: read_for_eval(p, ref_date_from_header=True) for p in paths])


if __name__ == "__main__":
    main()
