"""Document commands: ``parlens ingest``, ``show``, ``list`` and ``delete``.

``parlens ingest corpora/ -r`` reads every file, prints one status line per file (with its warnings' codes
under it) and a summary counting files with warnings, and exits 1 when any file failed (after all the others
were ingested).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from parlens.search_api.cli.common import fail, open_store_or_fail, parse_date, sync_or_warn
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parlens.errors import ParlensError, split_warning
from parlens.model import Block, to_jsonable

# Labels staff read, in Vietnamese; keys are DocumentMetadata fields.
METADATA_LABELS = {
    "title": "Tiêu đề",
    "doc_type": "Loại văn bản",
    "number": "Số, ký hiệu",
    "issuer": "Cơ quan ban hành",
    "issuer_parent": "Cơ quan chủ quản",
    "issuer_code": "Mã cơ quan",
    "place": "Địa danh",
    "issued_on": "Ngày ban hành",
    "subject": "Trích yếu",
    "recipients": "Nơi nhận",
    "signer": "Người ký",
    "signer_title": "Chức vụ người ký",
    "publisher": "Nguồn (báo)",
    "source_url": "Đường dẫn",
    "province": "Tỉnh, thành phố",
}


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)




def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.", show_default=False)],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Descend into sub-folders.")] = False,
    ref_date: Annotated[
        str | None,
        typer.Option("--ref-date", help="Date relative deadlines count from (YYYY-MM-DD); default: each document's issue date."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Log each stage, with tracebacks of unexpected failures.")] = False,
) -> None:
    """Ingest files and folders into the store; exit 1 if any file failed (the others are still ingested)."""
    from parlens import pipeline
    from parlens.ingest.progress import reporting

    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    reference = parse_date(ref_date)
    console = _stdout()
    skipped_dirs: list[Path] = []
    files = pipeline.expand_paths(paths, recursive, skipped_dirs)
    for folder in skipped_dirs:
        console.print(f"[dim]skipped folder {escape(str(folder))} (use --recursive)[/dim]")
    outcomes: list[pipeline.IngestOutcome] = []
    with open_store_or_fail() as store:
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        with progress:
            bar = progress.add_task("ingesting", total=len(files))
            for path in files:
                progress.update(bar, description=escape(path.name))
                with reporting(_page_progress(progress, bar, path.name)):
                    outcome = pipeline.ingest_path(path, store, ref_date=reference, sync=False)
                outcomes.append(outcome)
                line = _status_line(outcome)
                if debug and outcome.timings:
                    line += " [dim]" + " ".join(f"{k} {v:.2f}s" for k, v in outcome.timings.items()) + "[/dim]"
                progress.console.print(line)
                progress.advance(bar)
        index_problem, index_seconds = None, 0.0
        if any(o.status == "ingested" for o in outcomes):
            clock = time.perf_counter()
            index_problem = pipeline.sync_index(store)
            index_seconds = time.perf_counter() - clock
    _print_summary(console, outcomes)
    if debug:
        ingested = [o for o in outcomes if o.status == "ingested"]
        totals: dict[str, float] = {}
        for o in ingested:
            for stage, seconds in o.timings.items():
                totals[stage] = totals.get(stage, 0.0) + seconds
        pages = sum(o.pages for o in ingested)
        busy = sum(o.seconds for o in ingested)
        rate = f", {pages / busy:.1f} pages/s" if busy else ""
        console.print("stage totals: " + ", ".join(f"{k} {v:.2f}s" for k, v in totals.items()) + f", index sync {index_seconds:.2f}s ({pages} pages{rate})")
    if index_problem:
        typer.echo(f"search index not updated ({index_problem}); it catches up at the next sync or `parlens reindex`", err=True)
    failed = sum(o.status == "failed" for o in outcomes)
    if failed:
        typer.echo(f"{failed} of {len(outcomes)} files failed; the others were processed.", err=True)
        raise typer.Exit(1)


def _page_progress(progress: Progress, bar: Any, name: str) -> Any:
    """A listener for ``ingest.progress`` that shows the page being read or OCRed beside the file's name."""
    def show(stage: str, done: int, total: int) -> None:
        doing = "OCR" if stage == "ocr" else "reading"
        progress.update(bar, description=f"{escape(name)} · {doing} page {done}/{total}")

    return show


def _status_line(outcome: Any) -> str:
    """One file's line: ✓ ingested, = the same bytes already stored, ✗ failed; its warnings on the lines below."""
    name = escape(str(outcome.path))
    warnings = getattr(outcome, "warnings", None) or []
    if outcome.status == "ingested":
        noted = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
        line = f"[green]✓[/green] {name}: ingested #{outcome.doc_id} ({outcome.tasks} tasks){noted}"
    elif outcome.status == "duplicate":
        line = f"[yellow]=[/yellow] {name}: duplicate of #{outcome.doc_id} ({outcome.tasks} tasks)"
    else:
        return f"[red]✗[/red] {name}: {outcome.error_code} {escape(outcome.message)}"
    other = getattr(outcome, "duplicate_of", None)
    if other:
        line += f"\n  [yellow]≈[/yellow] probable duplicate of #{other['id']} ({escape(other.get('title') or '')}, {other.get('tasks', 0)} tasks)"
    return "\n".join([line, *_warning_lines(warnings)])


def _warning_lines(warnings: list[str]) -> list[str]:
    """Every warning code of a file, once: the first warning of each code in full, with how many more it has."""
    by_code: dict[str, list[str]] = {}
    for warning in warnings:
        code, _ = split_warning(warning)
        by_code.setdefault(code or warning, []).append(warning)
    lines = []
    for same in by_code.values():
        more = f" [dim](+{len(same) - 1} more)[/dim]" if len(same) > 1 else ""
        lines.append(f"  [yellow]⚠ {escape(same[0])}[/yellow]{more}")
    return lines


def _warning_codes(outcome: Any) -> list[str]:
    """The distinct codes of a file's warnings, in order (an uncoded warning counts as 'other')."""
    codes = [split_warning(w)[0] or "other" for w in getattr(outcome, "warnings", None) or []]
    return list(dict.fromkeys(codes))


def _print_summary(console: Console, outcomes: list[Any]) -> None:
    counts = {status: sum(o.status == status for o in outcomes) for status in ("ingested", "duplicate", "failed")}
    seconds = sum(o.seconds for o in outcomes)
    summary = Table(title=f"Summary ({len(outcomes)} files, {seconds:.1f} s)", show_header=True)
    summary.add_column("ingested", justify="right")
    summary.add_column("duplicate", justify="right")
    summary.add_column("failed", justify="right")
    summary.add_column("with warnings", justify="right")
    warned = [o for o in outcomes if _warning_codes(o)]
    summary.add_row(str(counts["ingested"]), str(counts["duplicate"]), str(counts["failed"]), str(len(warned)))
    console.print(summary)
    if warned:
        table = Table(title="Files with warnings", show_header=True)
        table.add_column("file", overflow="fold")
        table.add_column("id", justify="right")
        table.add_column("codes", overflow="fold")
        for o in warned:
            table.add_row(escape(o.path.name), f"#{o.doc_id}", ", ".join(_warning_codes(o)))
        console.print(table)
    failures = [o for o in outcomes if o.status == "failed"]
    if failures:
        table = Table(title="Failed files", show_header=True)
        table.add_column("file", overflow="fold")
        table.add_column("code", no_wrap=True)
        table.add_column("reason", overflow="fold")
        for o in failures:
            reason = o.message + (f" — {o.hint}" if o.hint else "")
            table.add_row(escape(o.path.name), o.error_code or "", escape(reason))
        console.print(table)


def _table_size(block: Block) -> tuple[int, int]:
    rows = block.rows or []
    return len(rows), max((len(r) for r in rows), default=0)


def _outline(blocks: list[Block]) -> list[dict[str, Any]]:
    """Headings, numbered items and tables, each with its span and page."""
    items: list[dict[str, Any]] = []
    for block in blocks:
        if block.kind == "paragraph" or (block.kind == "list_item" and not block.numbering):
            continue
        item: dict[str, Any] = {
            "kind": block.kind, "text": block.text, "numbering": block.numbering, "level": block.level,
            "page": block.page, "start": block.start, "end": block.end,
        }
        if block.kind == "table":
            item["rows"], item["cols"] = _table_size(block)
        items.append(item)
    return items


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show(
    doc_id: Annotated[int, typer.Argument(help="Document id (see `parlens list`).")],
    text: Annotated[bool, typer.Option("--text", help="Print the normalised text instead of the outline.")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] = OutputFormat.table,
) -> None:
    """Print a stored document's metadata and outline, or its normalised text with --text."""
    with open_store_or_fail() as store:
        try:
            stored = store.get_document(doc_id)
        except ParlensError as exc:
            raise fail(exc) from exc
    doc = stored.document
    if fmt is OutputFormat.json:
        payload: dict[str, Any] = {
            "id": stored.id, "source_name": doc.source_name, "media_type": doc.media_type, "size": doc.size,
            "sha256": doc.sha256, "ingested_at": stored.ingested_at, "metadata": to_jsonable(doc.metadata),
            "pages": to_jsonable(doc.pages), "headers": doc.headers, "warnings": doc.warnings,
            "task_count": stored.task_count, "criteria": to_jsonable(stored.criteria), "outline": _outline(doc.blocks),
        }
        if text:
            payload["text"] = doc.text
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if text:
        typer.echo(doc.text)
        return
    console = _stdout()
    pages = f", {len(doc.pages)} trang" if doc.pages else ""
    console.print(f"[bold]#{stored.id}[/bold] {escape(doc.source_name)} ({doc.media_type}, {doc.size:,} bytes{pages})")
    meta = Table(show_header=False, box=None, padding=(0, 1))
    meta.add_column(style="bold", no_wrap=True)
    meta.add_column(overflow="fold")
    for name, label in METADATA_LABELS.items():
        value = getattr(doc.metadata, name)
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        meta.add_row(label, escape(str(value)) if value else "[dim]—[/dim]")
    meta.add_row("Số nhiệm vụ", str(stored.task_count))
    if stored.criteria:
        meta.add_row("Tiêu chí", ", ".join(f"{c.code} ({c.score:.2f})" for c in stored.criteria))
    meta.add_row("Nạp lúc", stored.ingested_at)
    console.print(meta)
    outline = _outline(doc.blocks)
    console.print(f"\n[bold]Bố cục[/bold] ({len(doc.blocks)} khối)")
    for item in outline:
        indent = "  " * max(item["level"], 0)
        page = f" [dim](tr. {item['page']})[/dim]" if item["page"] else ""
        if item["kind"] == "table":
            console.print(f"{indent}▦ Bảng {item['rows']} dòng × {item['cols']} cột{page}")
        elif item["kind"] == "heading":
            console.print(f"{indent}[bold]{escape(_short(item['text']))}[/bold]{page}")
        else:
            console.print(f"{indent}{escape(_short(item['text']))}{page}")
    for warning in doc.warnings:
        console.print(f"[yellow]! {escape(warning)}[/yellow]")


def list_documents(
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type, e.g. 'Kế hoạch' (accents optional).")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Part of the issuing body's name.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year of issue.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Words in the title, number or subject.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] = OutputFormat.table,
) -> None:
    """List stored documents (id, type, number, date, title), newest first."""
    with open_store_or_fail() as store:
        total, rows = store.list_documents(doc_type=doc_type, issuer=issuer, year=year, query=query, limit=limit, offset=offset)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({"total": total, "documents": to_jsonable(rows)}, ensure_ascii=False, indent=2))
        return
    console = _stdout()
    table = Table(show_header=True)
    table.add_column("ID", justify="right")
    table.add_column("Loại")
    table.add_column("Số, ký hiệu", no_wrap=True)
    table.add_column("Ngày", no_wrap=True)
    table.add_column("Tiêu đề / trích yếu", overflow="fold")
    table.add_column("Nhiệm vụ", justify="right")
    for r in rows:
        table.add_row(
            str(r.id), escape(r.doc_type or "—"), escape(r.number or "—"),
            r.issued_on.strftime("%d/%m/%Y") if r.issued_on else "—",
            escape(_short(r.title or r.subject or r.source_name, 90)), str(r.task_count),
        )
    console.print(table)
    console.print(f"{len(rows)} / {total} văn bản")


def delete(doc_id: Annotated[int, typer.Argument(help="Document id (see `parlens list`).")]) -> None:
    """Delete a document with its tasks and links; the search index drops it at the next sync."""
    with open_store_or_fail() as store:
        try:
            name = store.get_document(doc_id).document.source_name
            store.delete_document(doc_id)
        except ParlensError as exc:
            raise fail(exc) from exc
        typer.echo(f"deleted #{doc_id} ({name})")
        sync_or_warn(store)


def reextract(
    doc_ids: Annotated[list[int] | None, typer.Argument(help="Document ids; none with --all.", show_default=False)] = None,
    all_documents: Annotated[bool, typer.Option("--all", help="Re-extract every stored document.")] = False,
    ref_date: Annotated[str | None, typer.Option("--ref-date", help="Date relative deadlines count from (YYYY-MM-DD).")] = None,
) -> None:
    """Re-run task extraction and criteria linking on stored documents (after the rules improved)."""
    from parlens import pipeline

    if not doc_ids and not all_documents:
        raise typer.BadParameter("give document ids or --all")
    reference = parse_date(ref_date)
    with open_store_or_fail() as store:
        try:
            counts = pipeline.reextract(store, None if all_documents else doc_ids, ref_date=reference)
        except ParlensError as exc:
            raise fail(exc) from exc
    for doc_id, outcome in counts.items():
        typer.echo(f"#{doc_id}: {outcome.total} tasks ({outcome.updated} refreshed, {outcome.added} new, "
                   f"{outcome.removed} removed, {outcome.kept} kept as people left them)")
    kept = sum(o.kept for o in counts.values())
    typer.echo(f"re-extracted {len(counts)} documents; {kept} tasks a person touched were kept")


def register(app: typer.Typer) -> None:
    """Add ingest, show, list, delete and reextract to the ``parlens`` app."""
    app.command("ingest")(ingest)
    app.command("show")(show)
    app.command("list")(list_documents)
    app.command("delete")(delete)
    app.command("reextract")(reextract)
