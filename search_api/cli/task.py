"""Tracking commands on stored tasks: ``parlens task list|show|set|add|delete|history`` and ``parlens export-gold``.

``parlens task set 12 --status hoan_thanh --completed-on 2025-10-14`` marks task #12 done;
``parlens task set 12 --agency "Sở Tư pháp" --deadline "trước ngày 30/11/2025"`` corrects it (kept through
``parlens reextract``); ``parlens export-gold reviewed.jsonl --originals reviewed/`` writes the reviewed tasks
in the devset gold schema, ready for ``parlens eval reviewed.jsonl reviewed/``.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from parlens.errors import ParlensError
from parlens.search_api.cli.common import cli_actor, fail, open_store_or_fail, parse_date, sync_or_warn

task_app = typer.Typer(help="Follow stored tasks: list, show, set status or correct, add, delete, history.",
                       no_args_is_help=True)


class ListFormat(str, Enum):
    table = "table"
    json = "json"


def _show(st: Any) -> dict[str, Any]:
    from parlens.search_api.http.serialize import stored_task_json

    return stored_task_json(st)


@task_app.command("list")
def list_command(
    status: Annotated[Optional[str], typer.Option(help="chua_thuc_hien | dang_thuc_hien | hoan_thanh")] = None,
    timeliness: Annotated[Optional[str], typer.Option(help="qua_han | dung_han | chua_den_han | hoan_thanh_qua_han")] = None,
    on: Annotated[Optional[str], typer.Option(help="Reference date YYYY-MM-DD (today by default).")] = None,
    agency: Annotated[Optional[str], typer.Option(help="Agency id, e.g. so-noi-vu.")] = None,
    document: Annotated[Optional[int], typer.Option(help="Document id.")] = None,
    criterion: Annotated[Optional[str], typer.Option(help="Criterion code (sub-criteria included).")] = None,
    province: Annotated[Optional[str], typer.Option(help="Province of the document (default PARLENS_SCOPE_PROVINCE; '' = all).")] = None,
    issuer: Annotated[Optional[str], typer.Option(help="Issuer of the document (default PARLENS_SCOPE_ISSUER; '' = all).")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of the document's date.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table | json")] = ListFormat.table,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 200,
) -> None:
    """List stored tasks with their status and timeliness (the same filters as GET /tasks)."""
    from parlens.search_api.http.tasks import Status, TaskFilters, Timeliness, query_tasks, scoped
    from parlens.tracking.status import STATUS_VI, TIMELINESS, TIMELINESS_VI, parse_status

    try:
        status_code = parse_status(status) if status else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if timeliness and timeliness not in TIMELINESS:
        raise typer.BadParameter(f"timeliness: choose {', '.join(TIMELINESS)}")
    filters = scoped(TaskFilters(agency=agency, criterion=criterion, document=document,
                                 status=Status(status_code) if status_code else None,
                                 timeliness=Timeliness(timeliness) if timeliness else None, on=parse_date(on),
                                 province=province, issuer=issuer, year=year))
    with open_store_or_fail() as store:
        total, stored = query_tasks(store, filters, limit, 0)
    if fmt is ListFormat.json:
        typer.echo(json.dumps({"total": total, "tasks": [_show(st) for st in stored]}, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Nhiệm vụ: {len(stored)} / {total}", show_lines=False)
    for h in ("Mã", "Cơ quan", "Nhiệm vụ", "Hạn", "Tình trạng", "Tiến độ"):
        table.add_column(h, overflow="fold")
    for st in stored:
        table.add_row(str(st.id), st.task.agency_name or st.task.agency, st.task.task[:90],
                      st.due.strftime("%d/%m/%Y") if st.due else "", STATUS_VI.get(st.status, st.status),
                      TIMELINESS_VI.get(st.timeliness or "", ""))
    Console(width=160).print(table)


@task_app.command("show")
def show_command(task_id: Annotated[int, typer.Argument(min=1)],
                 on: Annotated[Optional[str], typer.Option(help="Reference date YYYY-MM-DD.")] = None) -> None:
    """One task as JSON: contract, tracking, occurrences of a recurring duty, evidence."""
    from parlens.search_api.http.tasks import task_detail

    with open_store_or_fail() as store:
        try:
            typer.echo(json.dumps(task_detail(store, task_id, parse_date(on)), ensure_ascii=False, indent=1))
        except ParlensError as exc:
            raise fail(exc) from exc


@task_app.command("set")
def set_command(
    task_id: Annotated[int, typer.Argument(min=1)],
    status: Annotated[Optional[str], typer.Option(help="chua_thuc_hien | dang_thuc_hien | hoan_thanh (or the Vietnamese label).")] = None,
    completed_on: Annotated[Optional[str], typer.Option("--completed-on", help="YYYY-MM-DD; implies hoan_thanh.")] = None,
    assignee: Annotated[Optional[str], typer.Option(help="A person's name or a unit ('' clears).")] = None,
    note: Annotated[Optional[str], typer.Option(help="A note ('' clears).")] = None,
    agency: Annotated[Optional[str], typer.Option(help="Correct the agency.")] = None,
    role: Annotated[Optional[str], typer.Option(help="lead | support (chủ trì | phối hợp).")] = None,
    task: Annotated[Optional[str], typer.Option(help="Correct the task text.")] = None,
    deadline: Annotated[Optional[str], typer.Option(help="2025-10-15, 'trước ngày 15/10/2025', 'hằng quý' ('' clears).")] = None,
    criteria: Annotated[Optional[str], typer.Option(help="Criterion codes separated by commas ('' clears).")] = None,
    occurrence: Annotated[Optional[str], typer.Option(help="A recurring duty's occurrence (its due date) the status is for.")] = None,
) -> None:
    """Set a task's status or correct it; the change is recorded and survives re-extraction."""
    from parlens.tracking.edits import change_task

    raw: dict[str, Any] = {k: v for k, v in {
        "status": status, "completed_on": completed_on, "assignee": assignee, "note": note, "agency": agency,
        "role": role, "task": task, "deadline": deadline, "criteria": criteria, "occurrence": occurrence,
    }.items() if v is not None}
    if not raw:
        raise typer.BadParameter("give at least one option, e.g. --status hoan_thanh")
    for key in ("assignee", "note"):
        if raw.get(key) == "":
            raw[key] = None
    with open_store_or_fail() as store:
        try:
            st = change_task(store, task_id, raw, cli_actor())
        except ParlensError as exc:
            raise fail(exc) from exc
        sync_or_warn(store)
    from parlens.tracking.status import STATUS_VI, TIMELINESS_VI

    due = st.due.strftime("%d/%m/%Y") if st.due else "không có hạn"
    typer.echo(f"#{st.id}: {STATUS_VI[st.status]}, hạn {due}, {TIMELINESS_VI.get(st.timeliness or '', '')}".rstrip(", "))


@task_app.command("add")
def add_command(
    document_id: Annotated[int, typer.Argument(min=1)],
    agency: Annotated[str, typer.Option(help="The agency that must do it.")],
    task: Annotated[str, typer.Option(help="What it must do.")],
    role: Annotated[str, typer.Option(help="lead | support")] = "lead",
    deadline: Annotated[Optional[str], typer.Option(help="2025-10-15 or a deadline phrase.")] = None,
    criteria: Annotated[Optional[str], typer.Option(help="Criterion codes separated by commas.")] = None,
    start: Annotated[Optional[int], typer.Option(min=0, help="Start offset of the source span in the document text.")] = None,
    end: Annotated[Optional[int], typer.Option(min=0, help="End offset of the source span.")] = None,
) -> None:
    """Add a task the extraction missed to a stored document."""
    from parlens.tracking.edits import new_task

    raw: dict[str, Any] = {"agency": agency, "task": task, "role": role}
    raw.update({k: v for k, v in {"deadline": deadline, "criteria": criteria, "start": start, "end": end}.items()
                if v is not None})
    with open_store_or_fail() as store:
        try:
            task_id = new_task(store, document_id, raw, cli_actor())
        except ParlensError as exc:
            raise fail(exc) from exc
        sync_or_warn(store)
    typer.echo(f"added task #{task_id} to document #{document_id}")


@task_app.command("delete")
def delete_command(task_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Delete a wrong task (kept as a tombstone: re-extraction does not bring it back)."""
    from parlens.store import tracker

    with open_store_or_fail() as store:
        try:
            tracker.delete_task(store, task_id, cli_actor())
        except ParlensError as exc:
            raise fail(exc) from exc
        sync_or_warn(store)
    typer.echo(f"deleted task #{task_id}")


@task_app.command("history")
def history_command(task_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Every change people made to a task, oldest first (JSON lines)."""
    from parlens.store import tracker

    with open_store_or_fail() as store:
        try:
            for entry in tracker.task_history(store, task_id):
                typer.echo(json.dumps(entry, ensure_ascii=False))
        except ParlensError as exc:
            raise fail(exc) from exc


def export_gold_command(
    out: Annotated[Path, typer.Argument(help="The gold JSONL to write (devset schema).")],
    documents: Annotated[Optional[str], typer.Option("--documents", help="Document ids separated by commas; default: every document someone reviewed.")] = None,
    originals: Annotated[Optional[Path], typer.Option("--originals", help="Also write each document's original here, named as the records' `doc`.")] = None,
) -> None:
    """Write reviewed tasks as gold records, so staff corrections become evaluation and training data."""
    from parlens.tracking.gold import export_gold

    ids = None
    if documents is not None:
        try:
            ids = [int(x) for x in documents.replace(" ", "").split(",") if x]
        except ValueError as exc:
            raise typer.BadParameter("--documents takes ids separated by commas, e.g. 3,4") from exc
    with open_store_or_fail() as store:
        try:
            counts = export_gold(store, out, document_ids=ids, originals=originals)
        except ParlensError as exc:
            raise fail(exc) from exc
    typer.echo(f"{counts['records']} gold records from {counts['documents']} documents -> {out}")
    if counts["documents"] == 0:
        typer.echo("no reviewed document yet: change a task (parlens task set) or name documents with --documents",
                   err=True)


def register(app: typer.Typer) -> None:
    """Add the ``task`` group and ``export-gold`` to the ``parlens`` app."""
    app.add_typer(task_app, name="task")
    app.command("export-gold")(export_gold_command)

