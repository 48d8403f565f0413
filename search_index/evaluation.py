"""Search evaluation: MRR@10 and Recall@20 of each ranking mode on a judged query set.

Query file (JSON lines): ``{"query": "...", "relevant": [{"doc": "<file stem>", "quote": "<exact substring>"}]}``.
A hit is relevant when it comes from the judged document and its passage contains the quote (compared
after normalisation and folding, so a quote across a line break still counts). The documents are read
from ``docs_dir`` and indexed in a temporary embedded index (word segmentation included, so every mode
can be scored).

>>> reciprocal_rank([False, False, True])
0.3333333333333333
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from parlens.search_index.analysis import fold_terms, has_diacritics, original_terms
from parlens.search_index.fusion import reciprocal_rank_fusion, section_weight
from parlens.search_index.protocol import Hit, SearchBackend, SearchQuery

MODES = ("syllable", "folded", "segmented")
SUFFIXES = {".txt", ".pdf", ".docx", ".html", ".htm"}


def _key(text: str) -> str:
    """Folded terms joined by spaces: punctuation and line breaks do not matter ('địa - giới' = 'địa giới')."""
    return " " + " ".join(fold_terms(text)) + " "


@dataclass
class JudgedQuery:
    query: str
    relevant: list[dict[str, str]]

    @property
    def accented(self) -> bool:
        return any(has_diacritics(t) for t in original_terms(self.query))


@dataclass
class ModeScore:
    mode: str
    mrr10: float
    recall20: float
    mrr10_accented: float
    mrr10_folded: float
    queries: int
    per_query: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode, "mrr@10": round(self.mrr10, 4), "recall@20": round(self.recall20, 4),
            "mrr@10_accented": round(self.mrr10_accented, 4), "mrr@10_folded": round(self.mrr10_folded, 4),
            "queries": self.queries,
        }


def load_queries(path: Path) -> list[JudgedQuery]:
    """The judged queries of a JSON-lines file (blank lines skipped)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out.append(JudgedQuery(record["query"], list(record.get("relevant", []))))
    return out


def reciprocal_rank(relevance: list[bool]) -> float:
    """1/rank of the first relevant item, 0 when none."""
    for i, rel in enumerate(relevance):
        if rel:
            return 1.0 / (i + 1)
    return 0.0


def is_relevant(hit: Hit, stems: dict[int, str], judged: dict[str, Any]) -> bool:
    """True when ``hit`` is a passage of the judged document containing the judged quote."""
    return stems.get(hit.document_id) == judged["doc"] and _key(judged["quote"]) in _key(hit.passage)


def score_mode(
    mode: str, queries: list[JudgedQuery], ranker, stems: dict[int, str]
) -> ModeScore:
    """MRR@10 and Recall@20 of one ranking function ``ranker(query) -> [Hit]`` (top 20)."""
    rr, recall, rr_acc, rr_fold, per_query = [], [], [], [], []
    for q in queries:
        hits = ranker(q.query)[:20]
        rel = [any(is_relevant(h, stems, j) for j in q.relevant) for h in hits]
        found = sum(1 for j in q.relevant if any(is_relevant(h, stems, j) for h in hits))
        r = reciprocal_rank(rel[:10])
        rr.append(r)
        recall.append(found / len(q.relevant) if q.relevant else 0.0)
        (rr_acc if q.accented else rr_fold).append(r)
        per_query.append({"query": q.query, "rr": r, "found": found, "relevant": len(q.relevant)})
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    return ModeScore(mode, mean(rr), mean(recall), mean(rr_acc), mean(rr_fold), len(queries), per_query)


def read_corpus(docs_dir: Path) -> list[tuple[str, Any]]:
    """``(stem, Document)`` for every readable file under ``docs_dir`` (first format of each stem)."""
    from parlens.ingest import read_document

    seen: dict[str, Any] = {}
    for path in sorted(Path(docs_dir).rglob("*")):
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.stem not in seen:
            seen[path.stem] = read_document(path)
    return list(seen.items())


def evaluate(
    queries_path: Path,
    docs_dir: Path,
    *,
    modes: Iterable[str] = MODES,
    embedding_model: Path | None = None,
    documents: list[tuple[str, Any]] | None = None,
    backend: SearchBackend | None = None,
) -> list[ModeScore]:
    """Score each mode (plus ``hybrid`` when an embedding model is given) on the judged query set.

    The passages go into ``backend`` when given (it is rebuilt: e.g. a cluster, to compare engines), else
    into a temporary embedded index.
    """
    from parlens.search_index.embedded import EmbeddedBackend
    from parlens.search_index.passages import build_passages

    queries = load_queries(queries_path)
    documents = documents if documents is not None else read_corpus(docs_dir)
    stems = {i + 1: stem for i, (stem, _) in enumerate(documents)}
    modes = list(modes)
    passages = [p for i, (_, doc) in enumerate(documents) for p in build_passages(i + 1, doc, segmented="segmented" in modes)]
    with tempfile.TemporaryDirectory(prefix="parlens-eval-") as tmp:
        backend = backend or EmbeddedBackend(Path(tmp) / "index", heap_size=50_000_000, threads=1)
        backend.rebuild(passages, 0)

        def ranker_for(mode: str):
            return lambda text: backend.search(SearchQuery(text, limit=20, facets=False, mode=mode)).hits

        scores = [score_mode(mode, queries, ranker_for(mode), stems) for mode in modes]
        if embedding_model is not None:
            from parlens.search_index.fusion import DenseIndex

            dense = DenseIndex(embedding_model, passages)
            by_id = {p.passage_id: p for p in passages}

            weights = {p.passage_id: section_weight(p.section) for p in passages}

            def hybrid(text: str) -> list[Hit]:
                lexical = backend.search(SearchQuery(text, limit=50, facets=False, mode="folded")).hits
                ranked = reciprocal_rank_fusion([[h.passage_id for h in lexical], dense.search(text, 50)], weights=weights)
                hits = {h.passage_id: h for h in lexical}
                out = []
                for pid, score in ranked[:20]:
                    p = by_id[pid]
                    out.append(hits.get(pid) or Hit(p.document_id, pid, p.title, p.doc_type, p.issued_on, p.text, p.text, score,
                                                    {"start": p.start, "end": p.end, "page": p.page}, section=p.section))
                return out

            scores.append(score_mode("hybrid", queries, hybrid, stems))
    return scores
