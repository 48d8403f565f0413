"""Task commands: ``parlens tasks FILE`` (who must do what by when) and ``parlens eval`` (devset scores).

``parlens tasks ke-hoach.docx --format xlsx --output giao-viec.xlsx`` writes the hand-out sheet;
``parlens eval gold.jsonl docs/ --ref-date-from-header`` prints per-document and total scores.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from parlens.search_api.cli.common import emit, fail, parse_date

from parlens.errors import ParlensError


def task_format(name: str) -> str:
    """A ``--format`` choice: any name of the format registry (``parlens.reports.registry``)."""
    from parlens.reports import registry

    try:
        return registry.get(name).name
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


class EvalFormat(str, Enum):
    table = "table"
    json = "json"



def tasks_command(
    file: Annotated[Path, typer.Argument(help="Any ingestible file: PDF, DOCX, HTML or plain text.")],
    ref_date: Annotated[Optional[str], typer.Option("--ref-date", help="YYYY-MM-DD for deadlines without a year when the document has no date.")] = None,
    fmt: Annotated[str, typer.Option("--format", callback=task_format,
                                     help="A registered format: json, table, csv, xlsx (the tracker sheet) or ics.")] = "json",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Read FILE (without storing it) and list who must do what by when."""
    from parlens.ingest import read_document
    from parlens.reports import registry
    from parlens.reports.tasklist import from_extracted
    from parlens.task_extraction.criteria.linker import link_tasks
    from parlens.task_extraction.extract import extract_tasks

    ref = parse_date(ref_date)
    try:
        doc = read_document(file)
    except ParlensError as exc:
        raise fail(exc) from exc
    # The document's own date wins; --ref-date only fills in when the document carries none.
    tasks = extract_tasks(doc, ref_date=doc.metadata.issued_on or ref)
    link_tasks(tasks, doc)
    chosen = registry.get(fmt)
    emit(chosen.render(from_extracted(doc, tasks)), output, binary=chosen.binary, note=f"{len(tasks)} nhiệm vụ")


def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL in the devset format.")],
    docs_dir: Annotated[Path, typer.Argument(help="Folder of documents; gold `doc` is matched by file stem.")],
    ref_date_from_header: Annotated[bool, typer.Option("--ref-date-from-header", help="Use the `date:` line of devset text headers.")] = False,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table | json")] = EvalFormat.table,
    show_errors: Annotated[bool, typer.Option("--errors", help="Also list misses and false positives.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Add exact agency/task surface and task-token P/R columns.")] = False,
) -> None:
    """Score extraction against gold records: pairs P/R/F1, role, deadline and criteria."""
    from parlens.task_extraction.evaluate import evaluate

    if not gold.is_file() or not docs_dir.is_dir():
        typer.echo(str(ParlensError("PARLENS-E010", f"{gold} or {docs_dir}")), err=True)
        raise typer.Exit(2)
    scores, total = evaluate(gold, docs_dir, ref_date_from_header=ref_date_from_header)
    if fmt is EvalFormat.json:
        payload = {"documents": [s.summary() for s in scores], "total": total.summary()}
        if show_errors:
            payload["errors"] = {s.doc: {"misses": s.misses, "false_positives": s.false_positives}
                                 | ({"boundary_errors": s.boundary_errors} if strict else {}) for s in scores}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    def pct(v):
        return "-" if v is None else f"{v:.3f}"

    table = Table(title=f"parlens eval: {gold.name} on {docs_dir}")
    strict_cols = ["agency=", "task=", "pair=", "tokP", "tokR"] if strict else []
    for h in ["document", "gold", "pred", "match", "P", "R", "F1", "role", "deadline", "crit any", "crit J"] + strict_cols:
        table.add_column(h, justify="right" if h != "document" else "left")
    for s in scores + [total]:
        d = s.summary()
        extra = [pct(d[k]) for k in ("agency_exact", "task_exact", "pair_exact", "task_token_precision",
                                     "task_token_recall")] if strict else []
        table.add_row(s.doc, str(s.gold), str(s.predicted), str(s.matched), pct(d["precision"]), pct(d["recall"]),
                      pct(d["f1"]), pct(d["role_accuracy"]), pct(d["deadline_exact"]), pct(d["criteria_any_hit"]),
                      pct(d["criteria_jaccard"]), *extra)
    console = Console(width=200 if strict else 160)
    console.print(table)
    if show_errors:
        for s in scores:
            for m in s.misses:
                console.print(f"MISS {s.doc}: {m.get('agency_role')} | {m.get('agency')} | {m.get('task', '')[:90]}", markup=False)
            for m in s.false_positives:
                console.print(f"FP   {s.doc}: {m['role']} | {m['agency']} | {m['task'][:90]} ({m['rule']})", markup=False)
            for m in s.boundary_errors if strict else []:
                console.print(f"EDGE {s.doc}: {m['agency']} | {m['task']} ({m['rule']})\n"
                              f"     gold: {m['gold_agency']} | {m['gold_task']}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``tasks`` and ``eval`` to the ``parlens`` app."""
    app.command("tasks")(tasks_command)
    app.command("eval")(eval_command)
