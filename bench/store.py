"""Store throughput on synthetic plans: add_document, get_document, filtered get_tasks, folded list query, and the
tracker (timeliness filters over every task, status changes, re-extraction keeping touched rows).

    .venv/bin/python bench/store.py --docs 300

Documents are generated here (numbered items, one 10x6 table, 15 tasks with deadlines and criteria each);
no corpus or devset text is used.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, TableCell, Task
from parlens.store import Store


def synthetic_plan(i: int, items: int = 60, tasks: int = 15) -> tuple[Document, list[Task], bytes]:
    """A plan with ``items`` numbered items, a 10x6 task table and ``tasks`` tasks; offsets are exact."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for j in range(items):
        line = f"{j + 1}. Sở Nội vụ chủ trì nhiệm vụ số {j} của kế hoạch {i}, hoàn thành trước ngày 30/6/2025."
        blocks.append(Block("list_item", line, pos, pos + len(line), page=j // 20 + 1, numbering=f"{j + 1}."))
        parts.append(line)
        pos += len(line) + 1
    rows: list[list[TableCell]] = []
    lines: list[str] = []
    cursor = pos
    for r in range(10):
        values = [f"ô {r}-{c}" for c in range(6)]
        cells = []
        for value in values:
            cells.append(TableCell(value, cursor, cursor + len(value)))
            cursor += len(value) + 3
        cursor += 1 - 3  # the row separator is one newline instead of " | "
        rows.append(cells)
        lines.append(" | ".join(values))
    table = "\n".join(lines)
    blocks.append(Block("table", table, pos, pos + len(table), page=3, rows=rows))
    parts.append(table)
    text = "\n".join(parts)
    meta = DocumentMetadata(title=f"Kế hoạch {i}", doc_type="Kế hoạch", number=f"{i}/KH-UBND", issued_on=date(2025, 1, 1))
    doc = Document(text=text, blocks=blocks, metadata=meta, source_name=f"kh-{i}.txt")
    monthly = Deadline("trước ngày 15 hằng tháng", recurrence=["FREQ=MONTHLY;BYMONTHDAY=15"])
    found = [
        Task("Sở Nội vụ", "lead", blocks[k].text, blocks[k].start, blocks[k].end, agency_id="so-noi-vu",
             deadline=monthly if k % 5 == 0 else Deadline("trước ngày 30/6/2025", due=date(2025, 6, 30)),
             criteria=[CriterionLink("PAR.2", "Cải cách thủ tục hành chính", 0.5), CriterionLink("PAR.6", "Chính quyền số", 0.4)])
        for k in range(tasks)
    ]
    return doc, found, text.encode() * 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    plans = [synthetic_plan(i) for i in range(args.docs)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        with Store(path) as store:
            began = time.perf_counter()
            for doc, tasks, original in plans:
                store.add_document(doc, original, tasks, [CriterionLink("PAR.2", "Cải cách thủ tục hành chính", 0.5)])
            elapsed = time.perf_counter() - began
            print(f"add_document     {args.docs / elapsed:8.0f} docs/s   ({elapsed / args.docs * 1000:.2f} ms/doc: "
                  f"61 blocks, 15 tasks, 30 criterion links, {len(plans[0][2]) // 1024} KB original)")
            ids = store.document_ids()[:100]
            began = time.perf_counter()
            for doc_id in ids:
                store.get_document(doc_id)
            print(f"get_document     {(time.perf_counter() - began) / len(ids) * 1000:8.2f} ms/doc")
            began = time.perf_counter()
            found = store.get_tasks(criterion="PAR.2", due_before=date(2025, 12, 31))
            print(f"get_tasks        {(time.perf_counter() - began) * 1000:8.1f} ms for {len(found)} of {store.count_tasks()} tasks (criterion + due filter)")
            began = time.perf_counter()
            total, _ = store.list_documents(query="ke hoach 29")
            print(f"list_documents   {(time.perf_counter() - began) * 1000:8.1f} ms (folded query, {total} matches)")
            began = time.perf_counter()
            store.add_document(plans[5][0], plans[5][2])
            print(f"duplicate check  {(time.perf_counter() - began) * 1000:8.2f} ms")
            _tracker(store, plans)
        print(f"store size       {os.path.getsize(path) / 1e6:8.1f} MB")


def _tracker(store: Store, plans: list) -> None:
    """Timeliness filters (judged in Python over every task), status changes, re-extraction keeping touched rows."""
    from parlens.store import tracker

    on = date(2025, 7, 1)
    began = time.perf_counter()
    late, page = store.find_tasks(timeliness="qua_han", on=on, limit=200)
    print(f"timeliness page  {(time.perf_counter() - began) * 1000:8.1f} ms (first 200 and the count of {late} late "
          f"tasks among {store.count_tasks()}, a fifth of them recurring; what GET /tasks?timeliness=qua_han does)")
    began = time.perf_counter()
    store.get_tasks(limit=200)
    print(f"plain page       {(time.perf_counter() - began) * 1000:8.1f} ms (first 200, no tracking filter)")
    ids = [st.id for st in page[:100]]
    began = time.perf_counter()
    for task_id in ids:
        tracker.update_task(store, task_id, {"status": "hoan_thanh", "completed_on": on}, "bench", on=on)
    print(f"status change    {(time.perf_counter() - began) / len(ids) * 1000:8.2f} ms/task (with history)")
    began = time.perf_counter()
    for doc_id, (_, tasks, _) in zip(store.document_ids()[:50], plans):
        store.replace_tasks(doc_id, tasks)
    print(f"re-extraction    {(time.perf_counter() - began) / 50 * 1000:8.2f} ms/document (15 tasks, touched rows kept)")


if __name__ == "__main__":
    main()
