"""Benchmark the criteria linker without an embedding model: tasks per second through ``link_tasks``.

    .venv/bin/python bench/link.py [--tasks 5000] [--batch 500]

Tasks are built from the project's own examples (task_extraction/criteria/data/training.jsonl), each
lengthened with a clause of another example so texts are not all identical. Prints the warm-up time
(classifier training, taxonomy loading) apart from the steady rate.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from parlens.model import Block, Document, DocumentMetadata, Task
from parlens.task_extraction.criteria import linker as linker_module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500, help="tasks per link_tasks call (one document's worth)")
    args = parser.parse_args()
    examples = [json.loads(line) for line in linker_module.TRAINING_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    rnd = random.Random(1)
    tasks = []
    for i in range(args.tasks):
        a, b = rnd.choice(examples), rnd.choice(examples)
        text = f"{a['text']}; {b['text'][: len(b['text']) // 2]}"
        tasks.append(Task(agency=a["agency"], role="lead", task=text, start=0, end=len(text), agency_name=a["agency"]))
    docs = [_document(tasks[i : i + args.batch]) for i in range(0, len(tasks), args.batch)]

    t0 = time.perf_counter()
    linker_module.default_linker().link_text("khởi động")  # loads taxonomy, trains the classifier
    warm = time.perf_counter() - t0

    t0 = time.perf_counter()
    for n, i in enumerate(range(0, len(tasks), args.batch)):
        linker_module.link_tasks(tasks[i : i + args.batch], docs[n])
    elapsed = time.perf_counter() - t0
    linked = sum(bool(t.criteria) for t in tasks)
    mean_chars = sum(len(t.task) for t in tasks) / len(tasks)

    t0 = time.perf_counter()
    for t in tasks[:500]:
        linker_module.link_text(t.task, agency_name=t.agency_name)
    single = 500 / (time.perf_counter() - t0)

    print(f"warm-up (taxonomy + classifier training): {warm:.2f} s")
    print(f"link_tasks: {len(tasks)} tasks (mean {mean_chars:.0f} chars) in {elapsed:.2f} s = {len(tasks) / elapsed:,.0f} tasks/s "
          f"(batches of {args.batch}, each one document with section headings: context read per task); {linked / len(tasks):.0%} linked")
    print(f"link_text one at a time: {single:,.0f} tasks/s")


SECTIONS = ["Phát triển hạ tầng số", "Cải cách thủ tục hành chính", "Phát triển doanh nghiệp số", "Tổ chức thực hiện"]


def _document(tasks: list[Task]) -> Document:
    """One plan holding the batch: a section heading every 25 tasks, one paragraph per task (offsets set)."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for k, task in enumerate(tasks):
        if k % 25 == 0:
            heading = f"{'IVX'[k // 25 % 3]}. {SECTIONS[k // 25 % len(SECTIONS)]}"
            blocks.append(Block(kind="heading", text=heading, start=pos, end=pos + len(heading), level=1))
            parts.append(heading)
            pos += len(heading) + 1
        task.start, task.end = pos, pos + len(task.task)
        blocks.append(Block(kind="paragraph", text=task.task, start=pos, end=task.end))
        parts.append(task.task)
        pos = task.end + 1
    return Document(text="\n".join(parts), blocks=blocks, metadata=DocumentMetadata(title="Kế hoạch phát triển kinh tế số năm 2026"))


if __name__ == "__main__":
    main()
