"""Search benchmark: a synthetic Vietnamese administrative corpus, indexing speed, query latency and disk size.

Compares, in one run, the embedded backend (tantivy), SQLite FTS5 with a Python-folded column, and bm25s.

    .venv/bin/python bench/search.py                    # 1,000,000 passages (minutes, GBs of RAM for bm25s)
    .venv/bin/python bench/search.py --passages 100000 --skip bm25s

The embedded index against a real OpenSearch node is bench/engines.py (same corpus and queries).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from parlens.nlp.normalize import fold
from parlens.search_index.analysis import fold_terms
from parlens.search_index.embedded import EmbeddedBackend
from parlens.search_index.protocol import Passage, SearchQuery

# Our own administrative vocabulary (words of one to four syllables), most frequent first.
COMMON = (
    "và của các cho được trong tại theo với là có về để đã những này đến từ trên một thực hiện "
    "đơn vị cơ quan tỉnh huyện xã năm ngày tháng công tác triển khai chỉ đạo báo cáo kết quả"
).split()
PHRASES = """
cải cách hành chính|thủ tục hành chính|dịch vụ công trực tuyến|chuyển đổi số|chính quyền điện tử|chính quyền số
|bộ phận một cửa|tiếp nhận hồ sơ|trả kết quả|giải quyết hồ sơ|đúng hạn|quá hạn|trễ hạn|cán bộ|công chức|viên chức
|người lao động|người dân|doanh nghiệp|sự hài lòng|chỉ số|đánh giá|xếp hạng|kiểm tra|thanh tra|giám sát|rà soát
|đơn giản hóa|công khai|minh bạch|kỷ luật|kỷ cương|hành chính|tổ chức bộ máy|tinh gọn|sắp xếp|biên chế
|vị trí việc làm|đào tạo|bồi dưỡng|tài chính công|ngân sách nhà nước|tự chủ|đơn vị sự nghiệp|hiện đại hóa
|ứng dụng|công nghệ thông tin|cơ sở dữ liệu|quốc gia|liên thông|văn bản|quy phạm pháp luật|ban hành|sửa đổi
|bổ sung|kế hoạch|chỉ thị|quyết định|công văn|nghị quyết|thông tư|nghị định|Ủy ban nhân dân|Hội đồng nhân dân
|Sở Nội vụ|Sở Tư pháp|Sở Tài chính|Văn phòng|Thông tin và Truyền thông|Kế hoạch và Đầu tư|chủ trì|phối hợp
|tham mưu|đề xuất|tổng hợp|định kỳ|hằng năm|hằng quý|trước ngày|nhiệm vụ|giải pháp|mục tiêu|chỉ tiêu|tỷ lệ
|phấn đấu|nâng cao|chất lượng|hiệu quả|hiệu lực|tăng cường|đẩy mạnh|quán triệt|tuyên truyền|nhận thức
|trách nhiệm|người đứng đầu|thủ trưởng|lãnh đạo|kinh phí|dự toán|thanh toán|trực tuyến|toàn trình|một phần
|mức độ|khảo sát|ý kiến|phản ánh|kiến nghị|xử lý|kịp thời|nghiêm túc|hướng dẫn|đôn đốc|theo dõi|tiến độ
|định danh điện tử|chữ ký số|thanh toán không dùng tiền mặt|hệ thống thông tin|cổng thông tin|dữ liệu
|đất đai|xây dựng|đầu tư|y tế|giáo dục|lao động|thương binh|xã hội|nông nghiệp|môi trường|giao thông
""".replace("\n", "").split("|")
ONSETS = "b c ch d đ g gh gi h k kh l m n ng nh p ph qu r s t th tr v x".split()
RHYMES = "a ai am an ang anh ao au ay e em en eng i im in inh it o oa oai oan oang oi om on ong u ui um un ung uy uyen ươ ương ưu".split()
TONES = {"a": "aàáảãạ", "e": "eèéẻẽẹ", "i": "iìíỉĩị", "o": "oòóỏõọ", "u": "uùúủũụ", "y": "yỳýỷỹỵ", "ơ": "ơờớởỡợ"}


# A document's first passages are its header, title and grounds, its last the recipients and signature:
# a quarter of the passages are weighed down, so ranking searches each weight group (fusion.weight_classes).
SECTION_BY_ORDINAL = {0: "header", 1: "title", 2: "preamble", 18: "recipients", 19: "signature"}


def _syllable(rng: random.Random) -> str:
    rhyme = rng.choice(RHYMES)
    for i, ch in enumerate(rhyme):
        if ch in TONES:
            rhyme = rhyme[:i] + rng.choice(TONES[ch]) + rhyme[i + 1 :]
            break
    return rng.choice(ONSETS) + rhyme


def make_vocabulary(rng: random.Random, rare: int = 20000) -> tuple[list[str], list[float]]:
    """Words with Zipf-like weights: function words, administrative phrases, then a long tail of names."""
    words = COMMON + PHRASES + [" ".join(_syllable(rng) for _ in range(rng.choice((1, 2, 2, 3)))) for _ in range(rare)]
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    return words, weights


def make_passages(n: int, seed: int = 7) -> list[str]:
    """``n`` synthetic passages of 15..70 words, sentence-cased, with punctuation and numbers."""
    rng = random.Random(seed)
    words, weights = make_vocabulary(rng)
    cum = list(_accumulate(weights))
    passages = []
    for _ in range(n):
        length = rng.randint(15, 70)
        chosen = rng.choices(words, cum_weights=cum, k=length)
        if rng.random() < 0.3:
            chosen.insert(rng.randrange(len(chosen)), f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2019, 2026)}")
        text = " ".join(chosen)
        passages.append(text[0].upper() + text[1:] + ".")
    return passages


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def make_queries(passages: list[str], n: int, seed: int = 11) -> list[str]:
    """Half accented, half folded; 1-5 terms cut from passages, one in four a quoted phrase."""
    rng = random.Random(seed)
    queries = []
    for i in range(n):
        words = passages[rng.randrange(len(passages))].rstrip(".").split()
        size = rng.randint(1, 5)
        start = rng.randrange(max(1, len(words) - size))
        chunk = words[start : start + size]
        if rng.random() >= 0.25:  # scattered terms: shuffle the order
            rng.shuffle(chunk)
            q = " ".join(chunk)
        else:
            q = '"' + " ".join(chunk) + '"'
        queries.append(fold(q) if i % 2 else q)
    return queries


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def time_queries(run, queries: list[str]) -> tuple[float, float]:
    for q in queries[:20]:  # warm up
        run(q)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - t0) * 1000)
    return percentile(times, 50), percentile(times, 95)


def passage_objects(texts: list[str]) -> Iterator[Passage]:
    """The passages as a backend indexes them: 20 per document, five document types, filters for the facets."""
    rng = random.Random(3)
    types = ["Kế hoạch", "Chỉ thị", "Công văn", "Quyết định", "Bài báo"]
    for i, text in enumerate(texts):
        doc = i // 20
        yield Passage(f"{doc}:{i % 20}", doc, i % 20, text, 0, len(text), 1, f"Văn bản {doc}", types[doc % 5],
                      None, None, "2025-01-01", 2019 + doc % 7, [f"agency-{doc % 40}"], [f"PAR.{doc % 8}"], rng.random() < 0.3,
                      section=SECTION_BY_ORDINAL.get(i % 20, "body"))


def bench_embedded(texts: list[str], queries: list[str], workdir: Path, threads: int, facets: bool, heap_mb: int = 400) -> dict:
    backend = EmbeddedBackend(workdir / "tantivy", heap_size=heap_mb * 1_000_000, threads=threads)
    t0 = time.perf_counter()
    backend.rebuild(passage_objects(texts), 1)
    index_s = time.perf_counter() - t0
    gc.collect()
    p50, p95 = time_queries(lambda q: backend.search(SearchQuery(q, limit=10, facets=False)), queries)
    row = {"name": "embedded (tantivy)", "index_s": index_s, "p50": p50, "p95": p95, "disk": dir_size(workdir / "tantivy")}
    if facets:
        row["p50_facets"], row["p95_facets"] = time_queries(lambda q: backend.search(SearchQuery(q, limit=10, facets=True)), queries)
    return row


def _fts_query(q: str) -> str:
    phrase = q.startswith('"')
    terms = fold_terms(q)
    if not terms:
        return '""'
    return '"' + " ".join(terms) + '"' if phrase else " AND ".join(f'"{t}"' for t in terms)


def bench_fts5(texts: list[str], queries: list[str], workdir: Path) -> dict:
    db = sqlite3.connect(workdir / "fts5.sqlite3")
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    # text is kept for display (UNINDEXED); the Python-folded column is the one searched (FTS5 keeps đ)
    db.execute("CREATE VIRTUAL TABLE p USING fts5(text UNINDEXED, folded, tokenize='unicode61 remove_diacritics 0')")
    t0 = time.perf_counter()
    batch = []
    for text in texts:
        batch.append((text, " ".join(fold_terms(text))))
        if len(batch) == 10000:
            db.executemany("INSERT INTO p (text, folded) VALUES (?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO p (text, folded) VALUES (?, ?)", batch)
    db.commit()
    db.execute("INSERT INTO p(p) VALUES ('optimize')")
    db.commit()
    index_s = time.perf_counter() - t0

    def run(q: str):
        return db.execute("SELECT rowid, text FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10", ("folded:" + _fts_query(q),)).fetchall()

    p50, p95 = time_queries(run, queries)
    db.close()
    return {"name": "SQLite FTS5 (folded col)", "index_s": index_s, "p50": p50, "p95": p95, "disk": (workdir / "fts5.sqlite3").stat().st_size}


def bench_bm25s(texts: list[str], queries: list[str]) -> dict:
    import bm25s

    t0 = time.perf_counter()
    vocab: dict[str, int] = {}
    corpus_ids = [[vocab.setdefault(t, len(vocab)) for t in fold_terms(text)] for text in texts]
    tokenized = bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocab)
    retriever = bm25s.BM25()
    retriever.index(tokenized, show_progress=False)
    index_s = time.perf_counter() - t0

    def run(q: str):
        ids = [[vocab[t] for t in fold_terms(q) if t in vocab]]
        if ids[0]:
            retriever.retrieve(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), k=10, show_progress=False, n_threads=1)

    p50, p95 = time_queries(run, queries)
    return {"name": "bm25s (folded, no phrases)", "index_s": index_s, "p50": p50, "p95": p95, "disk": None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--threads", type=int, default=2, help="tantivy indexing threads")
    parser.add_argument("--heap-mb", type=int, default=400, help="tantivy indexing memory budget (fewer, larger segments when higher)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["embedded", "fts5", "bm25s"])
    parser.add_argument("--no-facets", action="store_true", help="skip the with-facets latency of the embedded backend")
    parser.add_argument("--workdir", type=Path, default=None, help="where indexes are written (removed afterwards)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    texts = make_passages(args.passages)
    queries = make_queries(texts, args.queries)
    raw = sum(len(t.encode("utf-8")) for t in texts)
    print(f"corpus: {len(texts):,} passages, {raw / 1e6:.1f} MB UTF-8, mean {raw / len(texts):.0f} bytes "
          f"(generated in {time.perf_counter() - t0:.1f} s); {len(queries)} queries; cpus={os.cpu_count()}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="parlens-bench-", dir=args.workdir))
    rows = []
    try:
        if "embedded" not in args.skip:
            rows.append(bench_embedded(texts, queries, workdir, args.threads, not args.no_facets, args.heap_mb))
            print(rows[-1], flush=True)
        if "fts5" not in args.skip:
            rows.append(bench_fts5(texts, queries, workdir))
            print(rows[-1], flush=True)
        if "bm25s" not in args.skip:
            rows.append(bench_bm25s(texts, queries))
            print(rows[-1], flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"{'backend':28} {'index/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'p95+facets':>11} {'disk/raw':>9}")
    for r in rows:
        disk = f"{r['disk'] / raw:.2f}x" if r.get("disk") else "-"
        facets = f"{r['p95_facets']:.1f}" if "p95_facets" in r else "-"
        print(f"{r['name']:28} {len(texts) / r['index_s']:>10,.0f} {r['p50']:>8.2f} {r['p95']:>8.2f} {facets:>11} {disk:>9}")


if __name__ == "__main__":
    sys.exit(main())
