"""The scale-out backend, for Elasticsearch and OpenSearch: versioned indices behind an alias, Vietnamese-aware fields.

One backend, two engines: the engine is found from the server's ``GET /`` (or named by
``PARLENS_SEARCH_BACKEND``), its official client is used (:mod:`parlens.search_index.engines`), and every
request is sent body-style with the same DSL. Only vectors differ (``dense_vector`` and a top-level
``knn`` on Elasticsearch, ``knn_vector`` and a ``knn`` query on OpenSearch with its k-NN plugin); where
the engine has none, hybrid search answers PARLENS-E043 instead of ranking without its vector half.

Fields: ``text`` (original syllables, lower-cased), ``text.folded`` (``asciifolding`` with
``preserve_original``, so "số" is indexed as both "số" and "so" at one position), ``title``, ``seg``
(underthesea words folded by our Python analysis, whitespace-split), ``section`` (body or a kind of
boilerplate; a ``function_score`` multiplies the score by its weight, as the embedded backend does) and
keyword/number fields for filters and facets. Queries are built from :func:`parlens.search_index.analysis.analyze_query`, highlights by
:mod:`parlens.search_index.highlight`, so both backends rank and mark the same terms.

A reindex writes ``<alias>-v<N+1>``, records the applied change sequence in its mapping ``_meta``, then
moves the alias in one ``update_aliases`` call: searches never see a half-built index.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from parlens.errors import ParlensError
from parlens.search_index.analysis import (
    PARTIAL_BELOW,
    AnalyzedQuery,
    analyze_query,
    has_diacritics,
    partial_need,
    segment_words,
)
from parlens.search_index.engines import Engine, detect_engine, engine_for_root
from parlens.search_index.fusion import embed, reciprocal_rank_fusion, section_weight, weight_classes
from parlens.search_index.highlight import QueryMarks, highlight, query_marks
from parlens.search_index.protocol import BODY, FILTER_FIELDS, Hit, Passage, SearchQuery, SearchResult, as_bool

BOOST_ACCENTED = 0.6
BOOST_TITLE = 0.25
BOOST_PHRASE = 2.0
BOOST_PROXIMITY = 1.0
PROXIMITY_SLOP = 4
BOOST_SEGMENTED = 0.8
RERANK_POOL = 50
FACET_SIZE = 20
HYBRID_CANDIDATES = 50
SOURCE_EXCLUDES = ["embedding", "seg"]
RETIRE_WAIT_SECONDS = 5.0
NO_VECTORS_IN_INDEX = "the served index holds no vectors (built before PARLENS_EMBEDDING_MODEL was set): `parlens reindex` adds them"

_FILTER_FIELD = {"doc_type": "doc_type", "issuer": "issuer", "province": "province", "year": "year",
                 "agency": "agency", "criterion": "criterion", "has_deadline": "has_deadline"}

INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "filter": {"vi_folding": {"type": "asciifolding", "preserve_original": True}},
        "analyzer": {
            "vi_original": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            "vi_folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "vi_folding"]},
            "vi_words": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        },
    },
}


def index_settings(*, shards: int = 1, replicas: int = 0, vectors: bool = False, engine: Engine | None = None) -> dict[str, Any]:
    """Settings of a new versioned index: analysis, shard and replica counts, and what vectors need."""
    settings = {**INDEX_SETTINGS, "number_of_shards": shards, "number_of_replicas": replicas}
    if vectors and engine is not None:
        settings.update(engine.vector_index_settings())
    return settings


def mappings(dims: int | None = None, engine: Engine | None = None) -> dict[str, Any]:
    """The index mapping; ``dims`` adds the engine's vector field for hybrid ranking."""
    props: dict[str, Any] = {
        "passage_id": {"type": "keyword"},
        "document_id": {"type": "long"},
        "text": {
            "type": "text", "analyzer": "vi_original", "index_options": "freqs",
            "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}},
        },
        "title": {"type": "text", "analyzer": "vi_folded", "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "seg": {"type": "text", "analyzer": "vi_words", "index_options": "freqs"},
        "doc_type": {"type": "keyword"},
        "issuer": {"type": "keyword"},
        "province": {"type": "keyword"},
        "agency": {"type": "keyword"},
        "criterion": {"type": "keyword"},
        "year": {"type": "integer"},
        "has_deadline": {"type": "boolean"},
        "issued_on": {"type": "keyword"},
        "section": {"type": "keyword"},
        "start": {"type": "integer", "index": False},
        "end": {"type": "integer", "index": False},
        "page": {"type": "integer", "index": False},
    }
    if dims:
        props["embedding"] = (engine or Engine("elasticsearch")).vector_mapping(dims)
    return {"_meta": {"parlens_applied_seq": 0}, "properties": props}


def passage_source(p: Passage, vector: list[float] | None = None) -> dict[str, Any]:
    """The ``_source`` of one passage."""
    source = {
        "passage_id": p.passage_id, "document_id": p.document_id, "text": p.text, "title": p.title,
        "doc_type": p.doc_type, "issuer": p.issuer, "province": p.province, "agency": list(p.agencies),
        "criterion": list(p.criteria), "year": p.year, "has_deadline": bool(p.has_deadline),
        "issued_on": p.issued_on, "start": p.start, "end": p.end, "page": p.page, "section": p.section or BODY,
    }
    if p.segmented:
        source["seg"] = p.segmented
    if vector is not None:
        source["embedding"] = vector
    return source


class ClusterBackend:
    """Passages in an Elasticsearch or OpenSearch cluster, served from ``alias`` (default ``parlens-passages``).

    ``engine`` is found from ``url`` when not given (a given ``client`` is asked with ``info()``).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        engine: Engine | None = None,
        alias: str = "parlens-passages",
        embedding_model: Path | str | None = None,
        client: Any = None,
        progress: Callable[[int], None] | None = None,
        refresh: bool = True,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        self.alias = alias
        self.embedding_model = embedding_model
        self.progress = progress
        self.refresh = refresh
        self.shards, self.replicas = shards, replicas
        self._dims: int | None = None
        try:
            if client is None:
                if not url:
                    raise ParlensError("PARLENS-E040", "no URL for the search cluster (PARLENS_ES_URL)")
                engine = engine or detect_engine(url)
                client = engine.client(url)
            elif engine is None:
                engine = engine_for_root(client.info(), {})
            self.engine: Engine = engine
            self.es = client
            # why hybrid search cannot run here (None: it can)
            self.hybrid_unavailable: str | None = (
                "no embedding model: set PARLENS_EMBEDDING_MODEL to a local sentence-transformers model"
                if embedding_model is None else engine.vector_support(client)
            )
            self._ensure_alias()
            self._check_index_vectors()
        except ParlensError:
            raise
        except Exception as exc:  # connection refused, TLS, auth
            raise ParlensError("PARLENS-E040", f"{url or 'search cluster'}: {exc}") from exc

    @property
    def name(self) -> str:
        """``elasticsearch`` or ``opensearch``."""
        return self.engine.name

    def _check_index_vectors(self) -> None:
        """Hybrid search also needs the served index to hold vectors: one built before the model was set has none."""
        if self.embedding_model is None or self.hybrid_unavailable not in (None, NO_VECTORS_IN_INDEX):
            return
        found = self.es.indices.get_mapping(index=self.alias)
        props = next(iter(found.values()))["mappings"].get("properties", {})
        self.hybrid_unavailable = None if "embedding" in props else NO_VECTORS_IN_INDEX

    # -- indices and alias -------------------------------------------------------------------------
    def _vector_dims(self) -> int | None:
        if self.hybrid_unavailable not in (None, NO_VECTORS_IN_INDEX):
            return None
        if self._dims is None:
            self._dims = int(embed(self.embedding_model, ["thử"]).shape[1])
        return self._dims

    def _versions(self) -> list[str]:
        found = self.es.indices.get(index=f"{self.alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        names = [n for n in found if re.fullmatch(re.escape(self.alias) + r"-v\d+", n)]
        return sorted(names, key=lambda n: int(n.rsplit("-v", 1)[1]))

    def _create_version(self, *, bulk_load: bool = False) -> str:
        """A new ``<alias>-v<N+1>``; ``bulk_load`` creates it without replicas or periodic refresh (see ``rebuild``)."""
        versions = self._versions()
        number = int(versions[-1].rsplit("-v", 1)[1]) + 1 if versions else 1
        name = f"{self.alias}-v{number}"
        dims = self._vector_dims()
        settings = index_settings(shards=self.shards, replicas=0 if bulk_load else self.replicas, vectors=bool(dims), engine=self.engine)
        if bulk_load:
            settings["refresh_interval"] = "-1"
        self.es.indices.create(index=name, body={"settings": settings, "mappings": mappings(dims, self.engine)})
        return name

    def _current(self) -> str:
        found = self.es.indices.get_alias(name=self.alias)
        return next(iter(found))

    def _ensure_alias(self) -> None:
        if not self.es.indices.exists_alias(name=self.alias):
            name = self._create_version()
            self.es.indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": self.alias}}]})

    def drop(self) -> None:
        """Delete the alias and every versioned index (tests, uninstall)."""
        for name in self._versions():
            self.es.indices.delete(index=name, ignore_unavailable=True)

    # -- bookkeeping -------------------------------------------------------------------------------
    def last_applied_seq(self, index: str | None = None) -> int:
        found = self.es.indices.get_mapping(index=index or self.alias)
        mapping = next(iter(found.values()))["mappings"]
        return int(mapping.get("_meta", {}).get("parlens_applied_seq", 0))

    def set_applied_seq(self, seq: int, index: str | None = None) -> None:
        self.es.indices.put_mapping(index=index or self._current(), body={"_meta": {"parlens_applied_seq": int(seq)}})

    # -- writing -----------------------------------------------------------------------------------
    def _bulk(self, index: str, passages: Iterable[Passage], *, vectors: bool) -> int:
        """Index ``passages`` into ``index``, with their vectors when ``index`` maps them."""
        model = self.embedding_model if vectors else None

        def actions():
            batch: list[Passage] = []
            for p in passages:
                batch.append(p)
                if len(batch) >= 256:
                    yield from self._actions(index, batch, model)
                    batch = []
            yield from self._actions(index, batch, model)

        done, errors = 0, []
        for ok, info in self.engine.streaming_bulk(self.es, actions(), chunk_size=500, raise_on_error=False, max_retries=3):
            if ok:
                done += 1
                if self.progress and done % 1000 == 0:
                    self.progress(done)
            else:
                errors.append(info)
        if self.progress:
            self.progress(done)
        if errors:
            raise ParlensError("PARLENS-E040", f"{len(errors)} passages were refused by {self.engine.describe()}, first: {errors[0]}")
        return done

    @staticmethod
    def _actions(index: str, batch: list[Passage], model) -> Iterable[dict[str, Any]]:
        if not batch:
            return []
        vectors = embed(model, [p.text for p in batch]).tolist() if model is not None else [None] * len(batch)
        return [{"_op_type": "index", "_index": index, "_id": p.passage_id, "_source": passage_source(p, v)} for p, v in zip(batch, vectors)]

    def _refresh(self, index: str | None = None) -> None:
        if self.refresh:
            self.es.indices.refresh(index=index or self.alias)

    def index(self, passages: Iterable[Passage]) -> int:
        n = self._bulk(self._current(), passages, vectors=self.hybrid_unavailable is None)
        self._refresh()
        return n

    def delete(self, document_id: int) -> None:
        self.update([document_id], [])

    def update(self, document_ids: Iterable[int], passages: Iterable[Passage]) -> int:
        ids = [int(i) for i in document_ids]
        current = self._current()
        if ids:
            self.es.delete_by_query(index=current, body={"query": {"terms": {"document_id": ids}}}, refresh=True, conflicts="proceed")
        n = self._bulk(current, passages, vectors=self.hybrid_unavailable is None)
        self._refresh()
        return n

    def rebuild(self, passages: Iterable[Passage], seq: int) -> int:
        """Load a new version, then move the alias to it in one call and retire the old one.

        The new version is loaded without replicas and without periodic refresh (nobody searches it yet),
        and deleted if loading fails, the alias staying where it was;
        then its refresh and replicas are restored and, with replicas, the swap waits (at most 30 s) for
        their copies, so the index searches serve keeps its redundancy.
        """
        new = self._create_version(bulk_load=True)
        try:
            n = self._bulk(new, passages, vectors=self._vector_dims() is not None)
            self.set_applied_seq(seq, index=new)
            self.es.indices.put_settings(index=new, body={"index": {"refresh_interval": None, "number_of_replicas": self.replicas}})
            self.es.indices.refresh(index=new)
        except BaseException:  # a half-loaded version is never served nor left behind
            self.es.indices.delete(index=new, ignore_unavailable=True)
            raise
        if self.replicas:
            self._wait_for_copies(new)
        old = list(self.es.indices.get_alias(name=self.alias))
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old] + [{"add": {"index": new, "alias": self.alias}}]
        self.es.indices.update_aliases(body={"actions": actions})  # atomic swap
        for o in old:
            self._retire(o)
        self._check_index_vectors()
        return n

    def _wait_for_copies(self, index: str) -> None:
        """Wait until every replica of ``index`` is assigned and started (green), or 30 seconds pass.

        A cluster with too few nodes for its replicas never turns green: the swap then goes on, as the
        primaries hold every passage.
        """
        try:
            # the engines' own default wait (30 s): opensearch-py takes a ``timeout`` argument as its socket timeout
            self.es.cluster.health(index=index, wait_for_status="green")
        except Exception:  # noqa: BLE001 - a timeout (HTTP 408 on some clients) is not an error here
            pass

    def _retire(self, index: str) -> None:
        """Delete an index the alias has left, once searches that resolved the alias before the swap are done.

        Waits at most RETIRE_WAIT_SECONDS for the index's in-flight query and fetch phases to reach zero.
        """
        deadline = time.monotonic() + RETIRE_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                stats = self.es.indices.stats(index=index, metric="search")["_all"]["total"]["search"]
            except Exception:  # an engine without search stats: nothing to wait for
                break
            if not stats.get("query_current", 0) and not stats.get("fetch_current", 0):
                break
            time.sleep(0.05)
        self.es.indices.delete(index=index, ignore_unavailable=True)

    def clear(self) -> None:
        self.rebuild([], 0)

    # -- reading -----------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.es.count(index=self.alias)["count"])

    def build_query(self, aq: AnalyzedQuery, mode: str = "folded", *, conjunctive: bool = True,
                    min_match: int | None = None) -> dict[str, Any] | None:
        """The query DSL for an analysed query (None when it has no terms); same logic as the embedded backend.

        Every typed term must occur folded (or ``min_match`` of them, default one, with ``conjunctive=False``); an abbreviation group is
        satisfied by the typed form or an expansion phrase; exact accented syllables, title terms and
        (``segmented``) words add to the score. Phrase/proximity bonuses come from :meth:`rescore`.
        """
        if mode == "syllable":
            terms = [{"term": {"text": t}} for t in aq.original]
            if not terms:
                return None
            need = max(1, min(min_match or 1, len(terms)))
            return {"bool": {"must": terms}} if conjunctive else {"bool": {"should": terms, "minimum_should_match": need}}
        units = []
        for group in aq.groups:
            typed = [{"term": {"text.folded": t}} for t in group.alternatives[0]]
            unit = typed[0] if len(typed) == 1 else {"bool": {"must": typed}}
            if len(group.alternatives) > 1:
                alts = [{"match_phrase": {"text.folded": " ".join(a)}} if len(a) > 1 else {"term": {"text.folded": a[0]}}
                        for a in group.alternatives[1:]]
                unit = {"bool": {"should": [unit, *alts], "minimum_should_match": 1}}
            units.append(unit)
        if not units:
            return None
        must: list[dict[str, Any]] = [{"match_phrase": {"text.folded": " ".join(p)}} for p in aq.phrases]
        if conjunctive:
            must = units + must
            matching: dict[str, Any] = {"must": must}
        else:
            need = max(1, min(min_match or 1, len(units)))
            matching = {"must": must, "filter": [{"bool": {"should": units, "minimum_should_match": need}}]}
            matching["should"] = list(units)
        should = matching.setdefault("should", [])
        for original in dict.fromkeys(aq.original):
            if has_diacritics(original):
                should.append({"term": {"text": {"value": original, "boost": BOOST_ACCENTED}}})
        for folded in dict.fromkeys(aq.folded):
            should.append({"term": {"title": {"value": folded, "boost": BOOST_TITLE}}})
        if mode == "segmented":
            words = segment_words(aq.text)
            if words:
                should.append({"bool": {"should": [{"term": {"seg": w}} for w in words], "boost": BOOST_SEGMENTED}})
        return {"bool": matching}

    @staticmethod
    def rescore(aq: AnalyzedQuery) -> dict[str, Any] | None:
        """Phrase and proximity bonuses added to the best RERANK_POOL candidates (as the embedded backend does).

        The bonus is weighted by section as the query's score is, so a passage scores (score + bonus) × weight.
        """
        if len(aq.folded) < 2:
            return None
        joined = " ".join(aq.folded)
        bonus = {"bool": {"should": [
            {"match_phrase": {"text.folded": {"query": joined, "boost": BOOST_PHRASE}}},
            {"match_phrase": {"text.folded": {"query": joined, "slop": PROXIMITY_SLOP, "boost": BOOST_PROXIMITY}}},
        ]}}
        return {"window_size": RERANK_POOL,
                "query": {"rescore_query": weighted(bonus), "query_weight": 1.0, "rescore_query_weight": 1.0}}

    @staticmethod
    def _filters(filters: dict[str, list[Any]]) -> list[dict[str, Any]]:
        clauses = []
        for name, values in filters.items():
            if name not in _FILTER_FIELD:
                raise ParlensError("PARLENS-E041", f"unknown filter field {name!r}; use one of {', '.join(FILTER_FIELDS)}")
            if name == "has_deadline":
                values = [as_bool(v) for v in values]
            elif name == "year":
                values = [int(v) for v in values]
            clauses.append({"terms": {_FILTER_FIELD[name]: list(values)}})
        return clauses

    def search(self, query: SearchQuery) -> SearchResult:
        if query.mode == "hybrid" and self.hybrid_unavailable is not None:
            raise ParlensError("PARLENS-E043", f"{self.engine.describe()}: {self.hybrid_unavailable}")
        aq = analyze_query(query.text, expand=query.mode != "syllable")
        filters = self._filters(query.filters)
        aggs = {name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in _FILTER_FIELD.items()} if query.facets else None
        text_q = self.build_query(aq, "folded" if query.mode == "hybrid" else query.mode)
        if text_q is None and not filters:
            return SearchResult(total=0)
        hybrid = query.mode == "hybrid"
        want = query.offset + query.limit
        size = max(want, HYBRID_CANDIDATES) if hybrid else query.limit
        rescore = self.rescore(aq) if query.mode != "syllable" and text_q is not None else None

        def run(matching: dict[str, Any], start: int, count: int, exclude: dict[str, Any] | None = None) -> dict[str, Any]:
            body_q = weighted({"bool": {"must": [matching], "filter": filters, **({"must_not": [exclude]} if exclude else {})}})
            body: dict[str, Any] = {"query": body_q, "size": count, "from": start, "track_total_hits": True,
                                    "_source": {"excludes": SOURCE_EXCLUDES}}
            if aggs:
                body["aggs"] = aggs
            if rescore:
                body["rescore"] = rescore
            return self.es.search(index=self.alias, body=body)

        response = run(text_q or {"match_all": {}}, 0 if hybrid else query.offset, size)
        total = int(response["hits"]["total"]["value"])
        docs = [(h["_source"], float(h["_score"] or 0.0)) for h in response["hits"]["hits"]]
        facets = _facets(response.get("aggregations", {})) if query.facets else {}
        groups = len(aq.original if query.mode == "syllable" else aq.groups)
        need = partial_need(groups) if total else 1  # nothing holds every term: any term will do
        if text_q is not None and total < max(PARTIAL_BELOW, want) and groups > 1 and need is not None and not aq.phrases:
            # as the embedded backend: passages holding most terms follow those holding all of them
            partial_q = self.build_query(aq, "folded" if hybrid else query.mode, conjunctive=False, min_match=need)
            start = 0 if hybrid else max(0, query.offset - total)
            count = size if hybrid else max(0, want - max(query.offset, total))
            extra = run(partial_q, start, max(count, 0), exclude=text_q)
            total += int(extra["hits"]["total"]["value"])
            docs += [(h["_source"], float(h["_score"] or 0.0)) for h in extra["hits"]["hits"]][:count]
            if query.facets:
                facets = _merge_facets(facets, _facets(extra.get("aggregations", {})))
        marks = query_marks(aq, exact=query.mode == "syllable")
        if hybrid:
            fused = self._fuse(query, filters, docs)
            total = max(total, len(fused))  # passages only the vector half found count too
            docs = fused[query.offset : query.offset + query.limit]
        hits = [_hit(src, score, marks) for src, score in docs]
        return SearchResult(total=total, hits=hits, facets=facets)

    def _fuse(self, query: SearchQuery, filters: list[dict[str, Any]], lexical: list[tuple[dict, float]]) -> list[tuple[dict, float]]:
        """Reciprocal rank fusion of the lexical hits with a kNN search over ``embedding`` (in the engine's own form)."""
        vector = embed(self.embedding_model, [query.text])[0].tolist()
        body = self.engine.knn_body(vector, HYBRID_CANDIDATES, filters, excludes=SOURCE_EXCLUDES)
        dense = self.es.search(index=self.alias, body=body)
        sources = {src["passage_id"]: src for src, _ in lexical}
        sources.update({h["_source"]["passage_id"]: h["_source"] for h in dense["hits"]["hits"]})
        weights = {pid: section_weight(src.get("section")) for pid, src in sources.items()}
        fused = reciprocal_rank_fusion([[s["passage_id"] for s, _ in lexical], [h["_source"]["passage_id"] for h in dense["hits"]["hits"]]],
                                       weights=weights)
        return [(sources[pid], score) for pid, score in fused]


def weighted(query: dict[str, Any]) -> dict[str, Any]:
    """``query`` with its score multiplied by the passage's section weight (``fusion.SECTION_WEIGHTS``).

    A passage without a section (indexed before sections existed) keeps its score: no function matches it.
    """
    functions = [{"filter": {"terms": {"section": list(sections)}}, "weight": weight}
                 for weight, sections in weight_classes() if weight != 1.0]
    if not functions:
        return query
    return {"function_score": {"query": query, "functions": functions, "score_mode": "multiply", "boost_mode": "multiply"}}


def _merge_facets(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Bucket counts of two disjoint result sets added up."""
    out = {name: dict(values) for name, values in a.items()}
    for name, values in b.items():
        for key, n in values.items():
            out.setdefault(name, {})[key] = out.get(name, {}).get(key, 0) + n
    return out


def _facets(aggregations: dict[str, Any]) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for name in FILTER_FIELDS:
        values = {}
        for b in aggregations.get(name, {}).get("buckets", []):
            key = b.get("key_as_string", b["key"]) if name == "has_deadline" else b["key"]
            values[str(key).lower() if name == "has_deadline" else str(key)] = int(b["doc_count"])
        if values:
            facets[name] = values
    return facets


def _hit(src: dict[str, Any], score: float, marks: QueryMarks) -> Hit:
    spans, snippet = highlight(src["text"], src["start"], marks)
    return Hit(
        document_id=int(src["document_id"]), passage_id=src["passage_id"], title=src.get("title"),
        doc_type=src.get("doc_type"), issued_on=src.get("issued_on"), passage=src["text"], highlight=snippet,
        score=score, source={"start": src["start"], "end": src["end"], "page": src.get("page")}, highlights=spans,
        section=src.get("section") or BODY,
    )
