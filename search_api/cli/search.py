"""Search commands: ``parlens search``, ``parlens reindex`` and ``parlens eval-search``.

``parlens search "cai cach TTHC" --filter doc_type="Kế hoạch" --format json`` prints
``{"total", "hits": [{"document_id", "title", "doc_type", "issued_on", "passage", "highlight", "score",
"section", "source": {"start", "end", "page"}}], "facets": {field: {value: count}}}``.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional, get_args

import typer

from parlens.search_api.cli.common import fail
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parlens.errors import ParlensError
from parlens.search_index.protocol import Mode
from parlens.settings import REPO_ROOT, get_settings

FACET_LABELS = {
    "doc_type": "Loại văn bản",
    "issuer": "Cơ quan ban hành",
    "province": "Tỉnh, thành phố",
    "year": "Năm",
    "agency": "Cơ quan thực hiện",
    "criterion": "Tiêu chí",
    "has_deadline": "Có thời hạn",
}


class SearchFormat(str, Enum):
    table = "table"
    json = "json"


SearchMode = Enum("SearchMode", {mode: mode for mode in get_args(Mode)}, type=str)  # the rankings of the search seam



def _catch_up(backend) -> None:
    """Apply store changes the index has not seen (cheap when there are none)."""
    settings = get_settings()
    if not settings.store_path.exists():
        return
    from parlens.search_index.sync import catch_up
    from parlens.store import open_store

    with open_store(settings) as store:
        catch_up(store, backend)


def _marked(highlight: str) -> str:
    """The HTML snippet as rich markup: <mark> -> bold yellow."""
    from html import unescape

    parts = re.split(r"(<mark>.*?</mark>)", highlight)
    out = []
    for part in parts:
        if part.startswith("<mark>"):
            out.append(f"[bold yellow]{escape(unescape(part[6:-7]))}[/]")
        else:
            out.append(escape(unescape(part)))
    return "".join(out)


def search_command(
    query: Annotated[str, typer.Argument(help="What to look for; accents optional, abbreviations (TTHC, DVCTT) understood, \"quotes\" for a phrase.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="Number of passages to show.")] = 10,
    filter_: Annotated[Optional[list[str]], typer.Option("--filter", "-f", help="field=value; fields: doc_type, issuer, province, year, agency, criterion, has_deadline. Repeat to combine.")] = None,
    fmt: Annotated[SearchFormat, typer.Option("--format", help="table or json.")] = SearchFormat.table,
    mode: Annotated[Optional[SearchMode], typer.Option("--mode", help="Ranking: folded (default), syllable BM25, folded plus word segmentation, or hybrid (needs vectors: a cluster with an embedding model).")] = None,
) -> None:
    """Search stored documents and show the matching passages with their position."""
    from parlens.search_index import get_backend, parse_filters, search

    try:
        filters = parse_filters(filter_)
        backend = get_backend()
        _catch_up(backend)
        result = search(query, limit=limit, filters=filters, backend=backend, mode=mode.value if mode else "folded")
    except ParlensError as exc:
        raise fail(exc) from exc
    if fmt == SearchFormat.json:
        typer.echo(json.dumps(result.to_contract(), ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=False)
    console.print(f"{result.total} đoạn văn khớp với [bold]{escape(query)}[/]")
    if not result.hits:
        return
    table = Table(show_lines=True)
    for column in ("#", "Văn bản", "Trang / vị trí", "Đoạn văn"):
        table.add_column(column)
    for rank, hit in enumerate(result.hits, start=1):
        label = " · ".join(x for x in (hit.doc_type, hit.title, hit.issued_on) if x)
        where = f"tr. {hit.source['page'] or '-'}\n{hit.source['start']}–{hit.source['end']}"
        table.add_row(str(rank), f"#{hit.document_id} {escape(label)}\n[dim]{hit.score:.2f}[/]", where, _marked(hit.highlight))
    console.print(table)
    for name, values in result.facets.items():
        shown = ", ".join(f"{escape(str(v))} ({n})" for v, n in list(values.items())[:8])
        console.print(f"[bold]{FACET_LABELS.get(name, name)}:[/] {shown}")


def reindex_command(
    segmented: Annotated[bool, typer.Option("--segmented", help="Also index underthesea word segmentation (slow: ~600 passages/s).")] = False,
) -> None:
    """Rebuild the search index from the store (Elasticsearch: a new versioned index, then the alias moves).

    Whatever state the embedded index folder is in (unreadable meta.json, missing segments, no folder,
    a lock file left behind), a damaged index is moved to ``<index>.damaged`` and built again.
    """
    from parlens.search_index import get_backend, reindex
    from parlens.store import open_store

    try:
        backend = get_backend()
        with open_store() as store:
            n = reindex(store, backend, segmented=segmented)
            seq = store.last_change_seq()
        searchable = backend.count()
    except ParlensError as exc:
        raise fail(exc) from exc
    repaired = getattr(backend, "repaired", None)
    if repaired:
        where = f"moved to {repaired['moved_to']}" if repaired.get("moved_to") else "deleted"
        typer.echo(f"The index was damaged ({repaired.get('problem') or 'unreadable'}); {where}, rebuilt from the store.")
    typer.echo(f"Indexed {n} passages from the store (change #{seq}); {searchable} passages searchable.")


def eval_search_command(
    queries: Annotated[Path, typer.Argument(help="Judged queries (JSON lines).")] = REPO_ROOT / "corpora" / "queries.jsonl",
    docs: Annotated[Path, typer.Option("--docs", help="Folder of the judged documents (matched by file stem).")] = REPO_ROOT / "corpora" / "samples",
    fmt: Annotated[SearchFormat, typer.Option("--format", help="table or json.")] = SearchFormat.table,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List queries whose first relevant passage is not ranked first.")] = False,
) -> None:
    """Score each ranking (syllable BM25, folded, word-segmented, hybrid) with MRR@10 and Recall@20."""
    from parlens.search_index.evaluation import evaluate

    if not queries.is_file():
        raise fail(ParlensError("PARLENS-E010", str(queries)))
    try:
        scores = evaluate(queries, docs, embedding_model=get_settings().embedding_model)
    except ParlensError as exc:
        raise fail(exc) from exc
    if fmt == SearchFormat.json:
        typer.echo(json.dumps([s.to_dict() for s in scores], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{scores[0].queries if scores else 0} queries, {queries.name}")
    for column in ("mode", "MRR@10", "Recall@20", "MRR@10 accented", "MRR@10 folded"):
        table.add_column(column)
    for s in scores:
        table.add_row(s.mode, f"{s.mrr10:.3f}", f"{s.recall20:.3f}", f"{s.mrr10_accented:.3f}", f"{s.mrr10_folded:.3f}")
    console = Console(highlight=False)
    console.print(table)
    if verbose:
        for s in scores:
            for q in s.per_query:
                if q["rr"] < 1:
                    console.print(f"{s.mode:10} rr={q['rr']:.2f} found {q['found']}/{q['relevant']}  {escape(q['query'])}")


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)
    app.command("reindex")(reindex_command)
    app.command("eval-search")(eval_search_command)
