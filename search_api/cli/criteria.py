"""Criteria commands: ``parlens criteria`` (the tree), ``who``, ``coverage`` and ``eval-criteria``.

``parlens who PAR.7`` or ``parlens who "dịch vụ công trực tuyến"`` lists the agencies holding tasks for a
criterion; ``parlens coverage 3 4`` shows which criteria documents 3 and 4 cover and which they miss.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from parlens.search_api.cli.common import emit, fail

from parlens.errors import ParlensError


class ResultFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class TreeFormat(str, Enum):
    tree = "tree"
    json = "json"


NOT_FOUND_EXIT = 1  # `who` exit code when no criterion matches the words (PARLENS-E033)


def criteria(
    code: Annotated[str | None, typer.Argument(help="Show only this item and what sits below it, e.g. PAR.7.")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Levels below the start to show (1 = fields only).")] = 3,
    fmt: Annotated[TreeFormat, typer.Option("--format", "-f", help="tree or json.")] = TreeFormat.tree,
) -> None:
    """Print the PAR INDEX / SIPAS / PAPI criteria tree with codes, points and verification status."""
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    try:
        tax = load_taxonomy()
        roots = [tax.get(code)] if code else tax.roots
    except ParlensError as exc:
        raise fail(exc) from exc
    if fmt == TreeFormat.json:
        def node(item, level):
            out = {"code": item.code, "name": item.name, "status": item.status, "status_note": tax.status_note(item.code),
                   "max_points": item.max_points, "label": tax.label_of(item.code)}
            if level < depth:
                out["children"] = [node(c, level + 1) for c in item.children]
            return out

        typer.echo(json.dumps([node(r, 0) for r in roots], ensure_ascii=False, indent=2))
        return
    base = tax.depth(roots[0].code) if code else 0
    shown: set[str] = set()  # badges used above; the legend below says each in a full sentence
    for root in roots:
        for item in [root, *tax.descendants(root.code)]:
            level = tax.depth(item.code) - base
            if level > depth:
                continue
            points = f" [{item.max_points:g} điểm]" if item.max_points is not None else ""
            badge = tax.status_label(item.code)
            shown.add(badge)
            status = f" ({badge})" if badge else ""
            typer.echo(f"{'  ' * level}{item.code:<12} {item.name}{points}{status}")
    for badge, note in tax.status_legend():
        if badge in shown:
            typer.echo(f"({badge}): {note}")


def who(
    query: Annotated[str, typer.Argument(help="A code (PAR.7, SIPAS.2) or a phrase (\"dịch vụ công trực tuyến\").")],
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="table, json, csv or xlsx.")] = ResultFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (required for xlsx).")] = None,
) -> None:
    """Agencies holding tasks for a criterion: lead/support, task counts, nearest deadline, then the tasks.

    Words resolve to the most specific criterion they describe (other candidates and the broader field are
    listed); words no criterion covers print "Không tìm thấy tiêu chí phù hợp" and exit 1 (PARLENS-E033).
    """
    from parlens.store import open_store
    from parlens.reports.responsibility import NOT_FOUND_VI, render, who as who_query

    try:
        with open_store() as store:
            result = who_query(store, query)
    except ParlensError as exc:
        if exc.code == "PARLENS-E033":
            typer.echo(f"{NOT_FOUND_VI} với “{query.strip()}” ({exc.code}).\n"
                       "Gõ mã tiêu chí (ví dụ PAR.7.2) hoặc từ ngữ trong tên tiêu chí; xem danh sách: parlens criteria",
                       err=True)
            raise typer.Exit(NOT_FOUND_EXIT) from exc
        raise fail(exc) from exc
    emit(render(result, fmt.value), output, binary=fmt.value == "xlsx")


def coverage(
    doc_ids: Annotated[list[int], typer.Argument(help="Document ids (see `parlens list`).", show_default=False)],
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="table, json, csv or xlsx.")] = ResultFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (required for xlsx).")] = None,
    level: Annotated[int, typer.Option("--level", help="1 = fields only, 2 = fields and criteria.")] = 2,
) -> None:
    """Criteria × (tasks, agencies, deadlines) for a set of documents, and the criteria no task addresses."""
    from parlens.store import open_store
    from parlens.reports.responsibility import coverage as coverage_query, render

    try:
        with open_store() as store:
            result = coverage_query(store, doc_ids, max_level=level)
    except ParlensError as exc:
        raise fail(exc) from exc
    emit(render(result, fmt.value), output, binary=fmt.value == "xlsx")


def eval_criteria(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL in the devset format (task, agency_norm, criteria).")],
) -> None:
    """Field-level any-hit and Jaccard of the criteria linker on gold task texts."""
    from parlens.task_extraction.criteria.linker import evaluate_linker

    if not gold.exists():
        raise fail(ParlensError("PARLENS-E010", str(gold)))
    typer.echo(json.dumps(evaluate_linker(gold), ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    """Add criteria, who, coverage and eval-criteria to the ``parlens`` app."""
    app.command("criteria")(criteria)
    app.command("who")(who)
    app.command("coverage")(coverage)
    app.command("eval-criteria")(eval_criteria)
