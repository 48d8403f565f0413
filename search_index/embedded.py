"""The embedded default backend: a tantivy index in a folder, no server.

Fields: ``fold`` (syllables lower-cased and ASCII-folded, with positions for phrase and proximity; it also
stores the passage text), ``orig`` (syllables with diacritics, term frequencies only, to reward an exact
accented match and for the syllable-BM25 mode), ``title`` (folded), optional ``seg`` (underthesea words,
folded), ``section`` (body or a kind of boilerplate, which weighs the score) and exact-match fast fields
for filters and facets.

>>> backend = EmbeddedBackend()  # in memory
>>> backend.count()
0
"""

from __future__ import annotations

import errno
import itertools
import json
import math
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterable

import tantivy
from tantivy import Filter, Occur, Query, TextAnalyzerBuilder, Tokenizer

from parlens.errors import ParlensError
from parlens.search_index.analysis import (
    PARTIAL_BELOW,
    AnalyzedQuery,
    analyze_query,
    has_diacritics,
    partial_need,
    segment_words,
)
from parlens.search_index.fusion import section_weight, weight_classes
from parlens.search_index.highlight import highlight, query_marks
from parlens.search_index.protocol import BODY, FILTER_FIELDS, SECTIONS, Hit, Passage, SearchQuery, SearchResult, as_bool

SCHEMA_VERSION = 3  # 3: the section field
SEQ_FILE = "applied_seq.json"
MARKER_FILE = "parlens_schema.json"
DAMAGED_SUFFIX = ".damaged"  # `parlens reindex` moves a damaged index folder to <index>.damaged
SEGMENT_SUFFIXES = frozenset({".idx", ".term", ".pos", ".store", ".fast", ".fieldnorm", ".del"})
FACET_SIZE = 20

# filter name -> (index field, kind)
_FILTER_FIELD = {
    "doc_type": ("doc_type", str),
    "issuer": ("issuer", str),
    "province": ("province", str),
    "year": ("year", int),
    "agency": ("agency", str),
    "criterion": ("criterion", str),
    "has_deadline": ("has_deadline", bool),
}

# Ranking weights, chosen with `parlens eval-search` on corpora/queries.jsonl.
BOOST_ACCENTED = 0.6  # an exact accented syllable on top of its folded match
BOOST_TITLE = 0.25
BOOST_PHRASE = 2.0
BOOST_PROXIMITY = 1.0
PROXIMITY_SLOP = 4
BOOST_SEGMENTED = 0.8
RERANK_POOL = 50  # phrase/proximity bonuses are computed for this many best candidates
RANK_DEPTH = 2  # candidates read per pool place before section weights are applied (see _ranked)
MAX_COMBINATIONS = 15  # "at least k of n" as a union of conjunctions up to this many


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    simple = Tokenizer.simple()
    return {
        "vi_fold": TextAnalyzerBuilder(simple).filter(Filter.lowercase()).filter(Filter.ascii_fold()).build(),
        "vi_orig": TextAnalyzerBuilder(simple).filter(Filter.lowercase()).build(),
        "vi_words": TextAnalyzerBuilder(Tokenizer.whitespace()).filter(Filter.lowercase()).build(),
    }


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("passage_id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("uid", indexed=True, fast=True)  # document_id << 20 | ordinal, for re-ranking
    sb.add_text_field("fold", stored=True, tokenizer_name="vi_fold", index_option="position")
    sb.add_text_field("orig", tokenizer_name="vi_orig", index_option="freq")
    sb.add_text_field("title", stored=True, tokenizer_name="vi_fold", index_option="freq")
    sb.add_text_field("seg", tokenizer_name="vi_words", index_option="freq")
    for name in ("doc_type", "issuer", "province", "agency", "criterion"):
        sb.add_text_field(name, stored=name in ("doc_type",), fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("has_deadline", indexed=True, fast=True)
    sb.add_text_field("issued_on", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("section", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("section_code", fast=True)  # SECTIONS.index(section): its weight, read without the document
    for name in ("start", "end", "page"):
        sb.add_integer_field(name, stored=True)
    return sb.build()


def passage_document(p: Passage) -> tantivy.Document:
    """The tantivy document of one passage."""
    doc = tantivy.Document()
    doc.add_text("passage_id", p.passage_id)
    doc.add_integer("document_id", p.document_id)
    doc.add_integer("uid", (p.document_id << 20) | p.ordinal)
    doc.add_text("fold", p.text)
    doc.add_text("orig", p.text)
    if p.title:
        doc.add_text("title", p.title)
    if p.segmented:
        doc.add_text("seg", p.segmented)
    for name in ("doc_type", "issuer", "province"):
        value = getattr(p, name)
        if value:
            doc.add_text(name, value)
    for agency in p.agencies:
        doc.add_text("agency", agency)
    for code in p.criteria:
        doc.add_text("criterion", code)
    if p.year is not None:
        doc.add_integer("year", p.year)
    doc.add_integer("has_deadline", int(bool(p.has_deadline)))
    if p.issued_on:
        doc.add_text("issued_on", p.issued_on)
    doc.add_text("section", p.section or BODY)
    doc.add_integer("section_code", SECTIONS.index(p.section) if p.section in SECTIONS else 0)
    doc.add_integer("start", p.start)
    doc.add_integer("end", p.end)
    if p.page is not None:
        doc.add_integer("page", p.page)
    return doc


class EmbeddedBackend:
    """A tantivy passage index in ``path`` (or in memory when ``path`` is None).

    A folder that cannot be opened (unreadable ``meta.json``, a missing or corrupt segment file, a lost
    ``meta.json`` beside indexed data) does not stop the constructor: ``self.problem`` holds a
    PARLENS-E042 error, raised by every read and write (each of which first tries to open the folder
    again, so a repair by another process is picked up), until :meth:`rebuild` or :meth:`repair`.
    """

    name = "embedded"

    def __init__(self, path: Path | str | None = None, *, heap_size: int = 200_000_000, threads: int = 0) -> None:
        self.path = Path(path) if path is not None else None
        self.heap_size = heap_size
        self.threads = threads
        self.schema = _schema()
        self._lock = threading.Lock()
        self._memory_seq = 0
        self._meta_mtime: float | None = None
        self.has_segmented = False
        self.ix: tantivy.Index | None = None
        self.problem: ParlensError | None = None
        self.repaired: dict[str, Any] | None = None  # what the last repair found and where the damage went
        if self.path is None:
            self.ix = tantivy.Index(self.schema)
            self._register(self.ix)
        else:
            self._open()

    # -- opening and repair ------------------------------------------------------------------------
    @staticmethod
    def _register(ix: tantivy.Index) -> None:
        for name, analyzer in _analyzers().items():
            ix.register_tokenizer(name, analyzer)

    def _open(self) -> bool:
        """Open (or create) the index folder; on failure ``self.ix`` is None and ``self.problem`` says why."""
        self.ix, self._meta_mtime = None, None
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._check_version()
            self._check_meta()
            ix = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            self._register(ix)
        except ParlensError as exc:
            self.problem = exc
            return False
        except PermissionError as exc:
            self.problem = ParlensError("PARLENS-E040", f"the index at {self.path} cannot be opened: {exc}",
                                        hint="Check the permissions of the index folder under PARLENS_DATA_DIR.")
            return False
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                self.problem = damaged(self.path, exc)
                return False
            self.problem = ParlensError("PARLENS-E023", f"the index at {self.path} cannot be created: {exc}")
            return False
        except BaseException as exc:  # tantivy: ValueError (corrupt meta or segment), rarely a Rust panic
            if not isinstance(exc, Exception) and not _is_panic(exc):
                raise
            self.problem = damaged(self.path, exc)
            return False
        self.ix, self.problem = ix, None
        return True

    def _check_meta(self) -> None:
        """A folder with indexed data but no ``meta.json`` is damaged (tantivy would start it empty, silently)."""
        if (self.path / "meta.json").exists():
            return
        data = [f.name for f in self.path.iterdir() if f.suffix in SEGMENT_SUFFIXES]
        if data or self._read_seq() > 0:
            raise ParlensError("PARLENS-E042", f"the index at {self.path} has lost meta.json"
                               + (f" ({len(data)} segment files left)" if data else ""))

    def _index(self) -> tantivy.Index:
        """The open tantivy index; a damaged folder is tried again, then its problem raised."""
        ix = self.ix
        if ix is None:
            with self._lock:
                if self.ix is None and not self._open():
                    raise self.problem
                ix = self.ix
        return ix

    def repair(self) -> dict[str, Any]:
        """Start a new, empty index in place of a damaged one; returns what was found and where it went.

        The damaged folder is moved to ``<index>.damaged`` (replacing an older one), or deleted when it
        cannot be moved; the index is then empty until :meth:`rebuild` fills it from the store.
        """
        if self.path is None:
            raise ValueError("an in-memory index cannot be damaged")
        with self._lock:
            problem = self.problem
            self.ix = None  # drop tantivy's handles on the old files first
            aside = self.path.with_name(self.path.name + DAMAGED_SUFFIX)
            moved: Path | None = None
            if self.path.is_symlink() and self.path.is_dir():  # the index lives elsewhere: empty it there
                _clear_folder(self.path)
            elif self.path.exists() or self.path.is_symlink():
                try:
                    _remove(aside)
                    os.replace(self.path, aside)
                    moved = aside
                except OSError:
                    _remove(self.path)
            if not self._open():
                raise self.problem
            self._memory_seq = 0
            self.has_segmented = False
            self.repaired = {"problem": problem.detail if problem else None, "moved_to": str(moved) if moved else None}
            return self.repaired

    # -- bookkeeping -------------------------------------------------------------------------------
    def _check_version(self) -> None:
        marker = self.path / MARKER_FILE
        if marker.exists():
            try:
                version = json.loads(marker.read_text()).get("version")
            except (ValueError, AttributeError, UnicodeDecodeError) as exc:
                raise ParlensError("PARLENS-E042", f"{marker} is unreadable") from exc
            if isinstance(version, int) and version < SCHEMA_VERSION:
                # An index an older parlens wrote: it is a projection of the store, so start it empty with its
                # applied sequence at 0; the next sync replays the store's change log into the new schema.
                self._clear_folder()
                marker.write_text(json.dumps({"version": SCHEMA_VERSION}))
            elif version != SCHEMA_VERSION:
                raise ParlensError("PARLENS-E042", f"the index at {self.path} has schema {version}, this program reads {SCHEMA_VERSION}")
        else:
            if any(self.path.glob("*.managed.json")) or (self.path / "meta.json").exists():
                self._clear_folder()  # an index from before the marker: rebuild
            marker.write_text(json.dumps({"version": SCHEMA_VERSION}))

    def _clear_folder(self) -> None:
        for f in self.path.iterdir():
            if f.is_file():
                f.unlink()

    def _read_seq(self) -> int:
        try:
            return int(json.loads((self.path / SEQ_FILE).read_text())["seq"])
        except FileNotFoundError:
            return 0
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise ParlensError("PARLENS-E042", f"{self.path / SEQ_FILE} is unreadable") from exc

    def last_applied_seq(self) -> int:
        if self.path is None:
            return self._memory_seq
        self._index()
        return self._read_seq()

    def set_applied_seq(self, seq: int) -> None:
        if self.path is None:
            self._memory_seq = seq
            return
        tmp = self.path / (SEQ_FILE + ".tmp")
        tmp.write_text(json.dumps({"seq": int(seq)}))
        os.replace(tmp, self.path / SEQ_FILE)

    # -- writing -----------------------------------------------------------------------------------
    def _write(self, apply) -> Any:
        self._index()
        with self._lock:
            ix = self.ix
            if ix is None:
                raise self.problem
            try:
                writer = ix.writer(heap_size=self.heap_size, num_threads=self.threads)
            except ValueError as exc:  # another process holds the writer lock
                raise ParlensError("PARLENS-E040", f"the index at {self.path} is being written by another process: {exc}") from exc
            try:
                result = apply(writer)
                writer.commit()
                writer.wait_merging_threads()
            except BaseException as exc:
                try:
                    writer.rollback()
                except BaseException:  # the writer may be dead after a panic; the error below says why
                    pass
                if is_damage(exc):
                    raise damaged(self.path, exc) from exc
                raise
            ix.reload()
            return result

    def index(self, passages: Iterable[Passage]) -> int:
        replace = self.count() > 0

        def apply(writer: tantivy.IndexWriter) -> int:
            n = 0
            for p in passages:
                if replace:
                    writer.delete_documents_by_term("passage_id", p.passage_id)
                writer.add_document(passage_document(p))
                n += 1
                self.has_segmented = self.has_segmented or bool(p.segmented)
            return n

        return self._write(apply)

    def delete(self, document_id: int) -> None:
        self._write(lambda w: w.delete_documents_by_term("document_id", int(document_id)))

    def update(self, document_ids: Iterable[int], passages: Iterable[Passage]) -> int:
        def apply(writer: tantivy.IndexWriter) -> int:
            for document_id in document_ids:
                writer.delete_documents_by_term("document_id", int(document_id))
            return self._add_all(writer, passages)

        return self._write(apply)

    def rebuild(self, passages: Iterable[Passage], seq: int) -> int:
        """Replace the whole index by ``passages``; a damaged folder is first moved aside (:meth:`repair`)."""
        if self.path is not None and self.ix is None and not self._open() and self.problem.code == "PARLENS-E042":
            self.repair()

        def apply(writer: tantivy.IndexWriter) -> int:
            writer.delete_all_documents()  # takes effect with the commit, so searches never see an empty index
            return self._add_all(writer, passages)

        self.has_segmented = False
        n = self._write(apply)
        self.set_applied_seq(seq)
        return n

    def _add_all(self, writer: tantivy.IndexWriter, passages: Iterable[Passage]) -> int:
        n = 0
        for p in passages:
            writer.add_document(passage_document(p))
            self.has_segmented = self.has_segmented or bool(p.segmented)
            n += 1
        return n

    def clear(self) -> None:
        self._write(lambda w: w.delete_all_documents())
        self.set_applied_seq(0)

    # -- reading -----------------------------------------------------------------------------------
    def _searcher(self) -> tantivy.Searcher:
        ix = self._index()
        if self.path is not None:
            try:
                mtime = (self.path / "meta.json").stat().st_mtime
            except FileNotFoundError:
                mtime = None
            if mtime != self._meta_mtime:  # another process committed
                try:
                    ix.reload()
                except BaseException as exc:
                    if not is_damage(exc):
                        raise
                    with self._lock:
                        self.ix, self.problem = None, damaged(self.path, exc)
                    raise self.problem from exc
                self._meta_mtime = mtime
        return ix.searcher()

    def count(self) -> int:
        return self._searcher().num_docs

    def build_query(self, aq: AnalyzedQuery, mode: str = "folded", *, conjunctive: bool = True,
                    min_match: int | None = None) -> Query | None:
        """The matching-and-ranking query for an analysed query (None when it has no terms).

        Every typed term must occur (folded) in the passage, or, with ``conjunctive=False``, at least
        ``min_match`` of them (default one);
        an abbreviation group is satisfied by the typed form or any expansion (as a phrase); in
        ``segmented`` mode words add to the score. Phrase, proximity, accent and title bonuses are
        added afterwards to the best candidates (:meth:`bonus_queries`).
        """
        schema = self.schema
        if mode == "syllable":
            terms = [Query.term_query(schema, "orig", t) for t in aq.original]
            if not terms:
                return None
            if conjunctive:
                return Query.boolean_query([(Occur.Must, q) for q in terms])
            return Query.boolean_query([(Occur.Should, q) for q in terms], max(1, min(min_match or 1, len(terms))))
        units = []
        for group in aq.groups:
            typed = [Query.term_query(schema, "fold", t) for t in group.alternatives[0]]
            unit = typed[0] if len(typed) == 1 else Query.boolean_query([(Occur.Must, q) for q in typed])
            if len(group.alternatives) > 1:
                options = [(Occur.Should, unit)]
                for alt in group.alternatives[1:]:
                    alt_q = Query.phrase_query(schema, "fold", list(alt)) if len(alt) > 1 else Query.term_query(schema, "fold", alt[0])
                    options.append((Occur.Should, alt_q))
                unit = Query.boolean_query(options)
            units.append(unit)
        if not units:
            return None
        if conjunctive or len(units) == 1:
            clauses = [(Occur.Must, u) for u in units]
        else:
            clauses = [(Occur.Must, _at_least(units, max(1, min(min_match or 1, len(units)))))]
        for phrase in aq.phrases:
            q = Query.phrase_query(schema, "fold", list(phrase)) if len(phrase) > 1 else Query.term_query(schema, "fold", phrase[0])
            clauses.append((Occur.Must, q))
        if mode == "segmented" and self.has_segmented_field():
            words = segment_words(aq.text)
            if words:
                seg = Query.boolean_query([(Occur.Should, Query.term_query(schema, "seg", w)) for w in words])
                clauses.append((Occur.Should, Query.boost_query(seg, BOOST_SEGMENTED)))
        return Query.boolean_query(clauses)

    def bonus_queries(self, aq: AnalyzedQuery) -> list[Query]:
        """Score bonuses for the best candidates: exact phrase, proximity, exact accented syllables, title terms."""
        schema, terms = self.schema, list(aq.folded)
        bonuses = []
        if len(terms) > 1:
            bonuses.append(Query.boost_query(Query.phrase_query(schema, "fold", terms), BOOST_PHRASE))
            bonuses.append(Query.boost_query(Query.phrase_query(schema, "fold", terms, slop=PROXIMITY_SLOP), BOOST_PROXIMITY))
        # single terms in one query per kind: a Should sums its clauses' scores, as separate queries would
        accented = [Query.boost_query(Query.term_query(schema, "orig", t), BOOST_ACCENTED)
                    for t in dict.fromkeys(aq.original) if has_diacritics(t)]
        titled = [Query.boost_query(Query.term_query(schema, "title", t), BOOST_TITLE) for t in dict.fromkeys(terms)]
        for group in (accented, titled):
            if group:
                bonuses.append(group[0] if len(group) == 1 else Query.boolean_query([(Occur.Should, q) for q in group]))
        return bonuses

    def has_segmented_field(self) -> bool:
        """True when any passage was indexed with its word segmentation.

        ``seg`` is a plain text field (no fast column, so no exists query): it holds words when its term
        dictionary is not empty. Without them ``segmented`` mode ranks as ``folded`` does (as on
        Elasticsearch, where the word clause then matches nothing) and skips segmenting the query.
        """
        if self.has_segmented:
            return True
        searcher = self._searcher()
        self.has_segmented = bool(searcher.num_docs) and bool(searcher.terms_with_prefix("seg", "", limit=1))
        return self.has_segmented

    def _filter_query(self, filters: dict[str, list[Any]]) -> list[tuple[Occur, Query]]:
        clauses = []
        for name, values in filters.items():
            if name not in _FILTER_FIELD:
                raise ParlensError("PARLENS-E041", f"unknown filter field {name!r}; use one of {', '.join(FILTER_FIELDS)}")
            field_name, kind = _FILTER_FIELD[name]
            terms = []
            for value in values:
                if kind is int:
                    terms.append(Query.term_query(self.schema, field_name, int(value)))
                elif kind is bool:
                    terms.append(Query.term_query(self.schema, field_name, int(as_bool(value))))
                else:
                    terms.append(Query.term_query(self.schema, field_name, str(value)))
            q = terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, t) for t in terms])
            clauses.append((Occur.Must, Query.const_score_query(q, 0.0)))
        return clauses

    def search(self, query: SearchQuery) -> SearchResult:
        """Ranked passages; a corrupt segment met while reading (an error or a tantivy panic) is PARLENS-E042."""
        if query.mode == "hybrid":
            raise ParlensError("PARLENS-E043", "the embedded index keeps no vectors; hybrid ranking runs on a cluster with vectors")
        try:
            return self._search(query)
        except ParlensError:
            raise
        except BaseException as exc:
            if not is_damage(exc):
                raise
            raise damaged(self.path, exc) from exc

    def _search(self, query: SearchQuery) -> SearchResult:
        aq = analyze_query(query.text, expand=query.mode != "syllable")
        filters = self._filter_query(query.filters)
        searcher = self._searcher()
        want = query.offset + query.limit
        pool = max(RERANK_POOL, want)
        text_q = self.build_query(aq, query.mode)
        if text_q is None and not filters:
            return SearchResult(total=0)
        final = Query.boolean_query([(Occur.Must, text_q if text_q is not None else Query.all_query()), *filters])
        scored, total = self._ranked(searcher, final, pool)
        bonuses = self.bonus_queries(aq) if query.mode != "syllable" else []
        if scored and bonuses:
            scored = self._add_bonuses(searcher, scored, bonuses)
        groups = len(aq.original if query.mode == "syllable" else aq.groups)
        need = partial_need(groups) if scored else 1  # nothing holds every term: any term will do
        if text_q is not None and len(scored) < max(PARTIAL_BELOW, want) and groups > 1 and need is not None and not aq.phrases:
            # Too few passages hold every term: add those holding most of them, ranked after the full matches.
            partial_q = self.build_query(aq, query.mode, conjunctive=False, min_match=need)
            final = Query.boolean_query([(Occur.Must, partial_q), *filters])
            partial, total = self._ranked(searcher, final, pool)
            seen = {(a.segment_ord, a.doc) for _, a, _ in scored}
            extra = [c for c in partial if (c[1].segment_ord, c[1].doc) not in seen][: pool - len(scored)]
            if extra and bonuses:
                extra = self._add_bonuses(searcher, extra, bonuses)
            scored += extra
        marks = query_marks(aq, exact=query.mode == "syllable")
        hits = [_hit(searcher.doc(address), score, marks) for score, address, _ in scored[query.offset : want]]
        facets = {}
        if query.facets and total:
            # every match is in the pool: count facets over those passages instead of running the query again
            in_hand = total <= len(scored)
            facets = self._facets(searcher, self._restrict(searcher, [a for _, a, _ in scored]) if in_hand else final)
        return SearchResult(total=total, hits=hits, facets=facets)

    def _ranked(self, searcher: tantivy.Searcher, query: Query, limit: int) -> tuple[list[tuple[float, Any, float]], int]:
        """The best ``limit`` passages by score × section weight as ``(score, address, weight)``, and the match count.

        Tantivy has no multiplicative score function. The best ``RANK_DEPTH × limit`` by plain score are
        weighted (the weight read from a fast field); the result is exact when the ``limit``-th weighted
        score is at least the last plain score read, as nothing further down can then overtake it (a
        weight is at most 1). Otherwise (many weighted-down passages on top) :meth:`_weighted` ranks them.
        """
        found = searcher.search(query, limit=limit * RANK_DEPTH, count=True)
        ranked = self._weigh(searcher, found.hits)
        if len(found.hits) < limit * RANK_DEPTH or (len(ranked) >= limit and ranked[limit - 1][0] >= float(found.hits[-1][0])):
            return ranked[:limit], found.count
        exact = searcher.search(self._weighted(query), limit=limit, count=False)
        return self._weigh(searcher, exact.hits, weighted=True), found.count

    def _weigh(self, searcher: tantivy.Searcher, hits: list, *, weighted: bool = False) -> list[tuple[float, Any, float]]:
        """``(score × weight, address, weight)`` of search hits, best first (``weighted``: scores already are)."""
        codes = searcher.fast_field_values("section_code", [address for _, address in hits]) if hits else []
        weights = [section_weight(SECTIONS[c] if c is not None and 0 <= c < len(SECTIONS) else BODY) for c in codes]
        out = [(float(score) * (1.0 if weighted else w), address, w) for (score, address), w in zip(hits, weights)]
        out.sort(key=lambda c: -c[0])
        return out

    def _weighted(self, query: Query) -> Query:
        """``query`` scored × the passage's section weight (``fusion.SECTION_WEIGHTS``), as ES's function_score.

        A union of one boosted copy per group of equally weighted sections (``fusion.weight_classes``); a
        passage is in exactly one of them. Each copy walks the query's postings, so this costs a search
        per group: :meth:`_ranked` uses it only when the plain ranking cannot be reweighted exactly.
        """
        classes = self._classes()
        if len(classes) == 1:
            return query
        return Query.boolean_query([(Occur.Should, Query.boost_query(Query.boolean_query([(Occur.Must, query), (Occur.Must, within)]), weight))
                                    for weight, within in classes])

    def _classes(self) -> list[tuple[float, Query]]:
        out = []
        for weight, sections in weight_classes():
            terms = [Query.term_query(self.schema, "section", s) for s in sections]
            within = terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, t) for t in terms])
            out.append((weight, Query.const_score_query(within, 0.0)))
        return out

    def _restrict(self, searcher: tantivy.Searcher, addresses: list) -> Query:
        """A zero-score query matching exactly these passages (a union of their ``uid`` postings)."""
        uids = searcher.fast_field_values("uid", addresses)
        candidates = Query.boolean_query([(Occur.Should, Query.term_query(self.schema, "uid", u)) for u in uids if u is not None])
        return Query.const_score_query(candidates, 0.0)

    def _add_bonuses(self, searcher: tantivy.Searcher, scored: list, bonuses: list[Query]) -> list:
        """Re-rank the candidate pool: add each bonus query's score, computed on those passages only.

        ``scored`` holds ``(weighted score, address, weight)``. Each bonus is intersected separately with the candidates (a union of single-term postings),
        so the candidates drive the intersection: a phrase of very common syllables costs under a
        millisecond on 1M passages instead of a scan of every passage holding them.
        """
        if not bonuses:
            return scored
        restrict = self._restrict(searcher, [a for _, a, _ in scored])
        extra: dict[tuple[int, int], float] = {}
        for bonus in bonuses:
            found = searcher.search(Query.boolean_query([(Occur.Must, restrict), (Occur.Must, bonus)]), limit=len(scored), count=False)
            for s, a in found.hits:
                key = (a.segment_ord, a.doc)
                extra[key] = extra.get(key, 0.0) + float(s)
        # weighted by section as the score is: a passage scores (score + bonus) × weight
        rescored = [(score + extra.get((a.segment_ord, a.doc), 0.0) * w, a, w) for score, a, w in scored]
        rescored.sort(key=lambda c: -c[0])
        return rescored

    def _facets(self, searcher: tantivy.Searcher, query: Query) -> dict[str, dict[str, int]]:
        aggs = {name: {"terms": {"field": field_name, "size": FACET_SIZE}} for name, (field_name, _) in _FILTER_FIELD.items()}
        raw = searcher.aggregate(query, aggs)
        facets: dict[str, dict[str, int]] = {}
        for name in FILTER_FIELDS:
            buckets = raw.get(name, {}).get("buckets", [])
            values = {}
            for b in buckets:
                key = b["key"]
                if name == "has_deadline":
                    key = "true" if int(key) else "false"
                elif isinstance(key, float) and key.is_integer():
                    key = int(key)
                values[str(key)] = int(b["doc_count"])
            if values:
                facets[name] = values
        return facets


def _is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"  # pyo3_runtime.PanicException: not importable by name


DAMAGE_MARKS = ("corrupt", "filedoesnotexist", "failed to open file", "io error", "ioerror", "deserializ",
                "magic byte", "no such file", "invalid vint", "unsupported dictionary")


def is_damage(exc: BaseException) -> bool:
    """Whether a tantivy error means the index files are damaged (rather than a bad query or a held lock)."""
    if isinstance(exc, ParlensError):
        return exc.code == "PARLENS-E042"
    if not (_is_panic(exc) or isinstance(exc, (ValueError, OSError))):
        return False
    text = str(exc).lower()
    return any(mark in text for mark in DAMAGE_MARKS)


def damaged(path: Path | None, exc: BaseException) -> ParlensError:
    """PARLENS-E042 for the index at ``path`` with tantivy's reason, shortened."""
    if isinstance(exc, ParlensError) and exc.code == "PARLENS-E042":
        return exc
    reason = " ".join(str(exc).split())
    if len(reason) > 300:
        reason = reason[:300] + "…"
    return ParlensError("PARLENS-E042", f"the index at {path} cannot be read ({type(exc).__name__}: {reason})")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def _clear_folder(path: Path) -> None:
    for child in path.iterdir():
        _remove(child)


def _at_least(units: list[Query], need: int) -> Query:
    """Passages matching at least ``need`` of ``units``.

    For a few combinations this is a union of conjunctions: each intersection is driven by its rarest
    term, far cheaper on a large index than counting matches over the union of common syllables.
    """
    if need == 1:
        return Query.boolean_query([(Occur.Should, u) for u in units])
    if math.comb(len(units), need) > MAX_COMBINATIONS:
        return Query.boolean_query([(Occur.Should, u) for u in units], need)
    return Query.boolean_query([(Occur.Should, Query.boolean_query([(Occur.Must, u) for u in combo]))
                                for combo in itertools.combinations(units, need)])


def _first(doc: tantivy.Document, name: str) -> Any:
    values = doc.get_all(name)
    return values[0] if values else None


def _hit(doc: tantivy.Document, score: float, marks) -> Hit:
    text = _first(doc, "fold") or ""
    start = _first(doc, "start") or 0
    spans, snippet = highlight(text, start, marks)
    return Hit(
        document_id=int(_first(doc, "document_id")),
        passage_id=_first(doc, "passage_id"),
        title=_first(doc, "title"),
        doc_type=_first(doc, "doc_type"),
        issued_on=_first(doc, "issued_on"),
        passage=text,
        highlight=snippet,
        score=float(score),
        source={"start": start, "end": _first(doc, "end"), "page": _first(doc, "page")},
        highlights=spans,
        section=_first(doc, "section") or BODY,
    )
