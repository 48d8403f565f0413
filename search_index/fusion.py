"""Ranking done on the client: section weights and reciprocal rank fusion of lexical and dense rankings.

Elasticsearch's own RRF needs a paid licence, so both backends fuse here. Every backend multiplies a
passage's score by the weight of its section, so boilerplate ("Căn cứ …", "Nơi nhận:", the signature)
ranks below body text that matches as well.

>>> reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60)[0][0]
'a'
>>> reciprocal_rank_fusion([["a", "b"]], weights={"a": section_weight("preamble")})[0][0]
'b'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Hashable, Iterable, Mapping, Sequence

RRF_K = 60

# Score multiplier of each passage section (protocol.SECTIONS), chosen with `parlens eval-search`
# on corpora/queries.jsonl: boilerplate that matches ranks below body text that matches about as well.
SECTION_WEIGHTS: dict[str, float] = {"body": 1.0, "title": 0.8, "header": 0.5, "preamble": 0.5, "recipients": 0.5, "signature": 0.5}


def section_weight(section: str | None) -> float:
    """The score multiplier of a section (1.0 for body text and for an unknown or missing section)."""
    return SECTION_WEIGHTS.get(section or "body", 1.0)


def weight_classes() -> list[tuple[float, tuple[str, ...]]]:
    """Sections grouped by weight, heaviest first: ``[(1.0, ("body",)), (0.5, ("header", …))]``.

    Within a group every passage is weighted alike, so the best ``k`` passages overall are among the best
    ``k`` of each group: a backend without a multiplicative score function searches each group apart.
    """
    groups: dict[float, list[str]] = {}
    for section, weight in SECTION_WEIGHTS.items():
        groups.setdefault(weight, []).append(section)
    return sorted(((w, tuple(s)) for w, s in groups.items()), key=lambda ws: -ws[0])


def reciprocal_rank_fusion(rankings: Iterable[Sequence[Hashable]], k: int = RRF_K,
                           weights: Mapping[Hashable, float] | None = None) -> list[tuple[Hashable, float]]:
    """Items ranked by the sum of 1/(k + rank) over every ranking they appear in (rank from 1).

    ``weights`` multiplies an item's fused score (its section weight); items not in it keep theirs.
    """
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    if weights:
        scores = {item: score * weights.get(item, 1.0) for item, score in scores.items()}
    return sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))


@lru_cache(maxsize=2)
def load_embedder(path: str):
    """A sentence-transformers model from a local folder (never downloaded), loaded once."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - optional dependency
        from parlens.errors import ParlensError

        raise ParlensError("PARLENS-E040", "PARLENS_EMBEDDING_MODEL is set but sentence-transformers is not installed",
                           hint="pip install 'parlens[embeddings]' or unset PARLENS_EMBEDDING_MODEL.") from exc
    return SentenceTransformer(path, local_files_only=True)


def embed(model_path: Path | str, texts: list[str]):
    """Unit-length embeddings of ``texts`` as a float32 numpy array."""
    import numpy as np

    model = load_embedder(str(model_path))
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype="float32")


class DenseIndex:
    """Passages embedded in memory, searched by cosine similarity (for evaluation and small corpora)."""

    def __init__(self, model_path: Path | str, passages: Sequence) -> None:
        self.model_path = model_path
        self.ids = [p.passage_id for p in passages]
        self.vectors = embed(model_path, [p.text for p in passages])

    def search(self, text: str, k: int) -> list[str]:
        query = embed(self.model_path, [text])[0]
        scores = self.vectors @ query
        order = scores.argsort()[::-1][:k]
        return [self.ids[i] for i in order]
