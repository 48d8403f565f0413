"""Reviewed tasks as gold records in the devset schema, so staff corrections become evaluation and training data.

A document counts as reviewed when someone changed one of its tasks (an edit, an addition, a deletion, a
status) or when it is named explicitly. Every live task of a reviewed document is a gold record (an
untouched machine task was seen and left standing); a deleted task is not, so the extractor that produces
it again is scored with a false positive, and the scorer learns it as a negative.

Records follow ``../shared/devset/README.md``: ``doc`` (the file name written beside, matched by stem),
``agency``, ``agency_norm``, ``agency_role``, ``task``, ``deadline_text``, ``deadline`` (ISO date, ``R/…``,
``REL/…``), ``criteria`` (field labels) and a ``note`` saying where the record came from.

>>> gold_name(12, "Kế hoạch 144.docx")
'parlens-12-ke-hoach-144.docx'
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from parlens.nlp.normalize import fold
from parlens.store import Store, StoredTask
from parlens.store.tracker import reviewed_documents


def gold_name(document_id: int, source_name: str) -> str:
    """A file name for a stored document that is unique and plain ASCII, keeping the original suffix."""
    path = Path(source_name or f"document-{document_id}")
    stem = re.sub(r"[^a-z0-9]+", "-", fold(path.stem).lower()).strip("-")[:60] or "van-ban"
    suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", path.suffix.lower()) else ".txt"
    return f"parlens-{document_id}-{stem}{suffix}"


def gold_record(st: StoredTask, doc: str) -> dict[str, Any]:
    """One devset gold record for a stored task."""
    from parlens.nlp.deadlines import DeadlineMention, to_gold_code
    from parlens.task_extraction.criteria.taxonomy import field_label

    t = st.task
    d = t.deadline
    code = None
    if d is not None:
        code = to_gold_code(DeadlineMention(start=0, end=len(d.text), text=d.text, due=d.due,
                                            recurrence=tuple(d.recurrence), within=d.within,
                                            working_time=d.working_time))
    labels = list(dict.fromkeys(label for c in t.criteria if (label := field_label(c.code))))
    how = "added by staff" if st.origin == "human" else ("corrected by staff" if st.edited else "extracted, kept by staff")
    return {"doc": doc, "agency": t.agency, "agency_norm": t.agency_name or t.agency, "agency_role": t.role,
            "task": t.task, "deadline_text": d.text if d else None, "deadline": code, "criteria": labels,
            "note": f"parlens export-gold: task #{st.id}, {how}"}


def export_gold(store: Store, out: Path, *, document_ids: list[int] | None = None,
                originals: Path | None = None) -> dict[str, int]:
    """Write the gold JSONL (and, with ``originals``, each document's original file named as ``doc``).

    Written to temporary names and renamed at the end, so an interrupted export leaves no half file.
    """
    ids = reviewed_documents(store) if document_ids is None else list(dict.fromkeys(document_ids))
    records: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    for doc_id in ids:
        stored = store.get_document(doc_id)  # PARLENS-E020 for an unknown id, before anything is written
        name = gold_name(doc_id, stored.document.source_name)
        records.extend(gold_record(st, name) for st in store.get_tasks(document_id=doc_id))
        if originals is not None:
            files.append((name, store.get_original(doc_id)[0]))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".part")
    temp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    if originals is not None:
        originals.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            part = originals / (name + ".part")
            part.write_bytes(data)
            part.replace(originals / name)
    temp.replace(out)
    return {"documents": len(ids), "records": len(records)}
