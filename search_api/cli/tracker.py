"""``parlens tasks-import FILE.xlsx``: apply a filled-in tracker sheet to the store, the twin of POST /tasks/import.

Every row is applied in one transaction, or none when any row has an error. One line per row
(``dòng 5 · Mã 12: updated``), then the counts; ``--format json`` prints the API's answer. Exit code 0
when applied, 1 when a row has an error (nothing applied), 2 when the file is not a tracker workbook.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from parlens.errors import ParlensError
from parlens.search_api.cli.common import cli_actor, fail, open_store_or_fail


class ImportFormat(str, Enum):
    table = "table"
    json = "json"


def tasks_import(
    file: Annotated[Path, typer.Argument(help="The .xlsx tracker exported by GET /tasks?format=xlsx, filled in.")],
    fmt: Annotated[ImportFormat, typer.Option("--format", "-f", help="table or json (the answer of POST /tasks/import).")] = ImportFormat.table,
) -> None:
    """Import the tracker sheet: status, completion date, assignee and note of each task (all rows or none)."""
    from parlens.reports.tracker_import import apply_tracker, read_tracker
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(ParlensError("PARLENS-E010", f"{file}: {exc.strerror or exc}")) from exc
    try:
        sheet = read_tracker(data)
        with open_store_or_fail() as store:
            answer = apply_tracker(store, sheet, cli_actor())
    except ParlensError as exc:
        raise fail(exc) from exc
    if fmt is ImportFormat.json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=1))
    else:
        for row in answer["rows"]:
            task = f"Mã {row['task_id']}" if row["task_id"] is not None else "không có Mã"
            reason = f" ({row['reason']})" if row["reason"] else ""
            typer.echo(f"dòng {row['row']} · {task}: {row['result']}{reason}")
        typer.echo(f"{answer['updated']} đã cập nhật, {answer['unchanged']} không đổi, {answer['errors']} lỗi"
                   + (" — không áp dụng dòng nào" if answer["errors"] else ""))
    if answer["errors"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``tasks-import`` to the ``parlens`` app."""
    app.command("tasks-import")(tasks_import)
