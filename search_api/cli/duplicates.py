"""`parlens duplicates`: documents stored more than once from different files, and a person's choice of copy."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from parlens.errors import ParlensError
from parlens.search_api.cli.common import fail, open_store_or_fail, sync_or_warn

REASONS = {"number": "cùng số/ký hiệu, ngày, cơ quan", "text": "nội dung gần như trùng", "person": "người dùng xác nhận"}


def _line(copy: dict[str, Any]) -> str:
    mark = "giữ" if copy["primary"] else f"bản khác ({REASONS.get(copy['reason'] or '', copy['reason'] or '')})"
    return f"  #{copy['id']:<5} {copy['tasks']:>3} nhiệm vụ  {mark:<40} {copy['source_name']}  {copy['title'] or ''}"


def _print_group(group: list[dict[str, Any]]) -> None:
    typer.echo(f"#{group[0]['id']} {group[0]['title'] or ''}")
    for copy in group:
        typer.echo(_line(copy))


def register(app: typer.Typer) -> None:
    duplicates_app = typer.Typer(
        help="Documents stored twice from different files (a DOCX and its scan): list them, choose the copy that "
             "counts, or say two documents are not copies.",
        invoke_without_command=True,
    )

    @duplicates_app.callback()
    def list_groups(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print the groups as JSON.")] = False,
    ) -> None:
        """List every document with copies; the copy marked 'giữ' is the one whose tasks count."""
        if ctx.invoked_subcommand is not None:
            return
        from parlens.store import duplicates

        with open_store_or_fail() as store:
            groups = duplicates.duplicate_groups(store)
        if as_json:
            typer.echo(json.dumps({"total": len(groups), "groups": groups}, ensure_ascii=False, indent=2))
            return
        if not groups:
            typer.echo("no probable duplicates")
            return
        for group in groups:
            _print_group(group)

    @duplicates_app.command("keep")
    def keep(doc_id: Annotated[int, typer.Argument(help="The copy that should count.")]) -> None:
        """Make DOC_ID the copy whose tasks count; the other copies point at it."""
        from parlens.store import duplicates

        with open_store_or_fail() as store:
            try:
                group = duplicates.keep(store, doc_id)
            except ParlensError as exc:
                raise fail(exc) from exc
            sync_or_warn(store)
        _print_group(group)

    @duplicates_app.command("separate")
    def separate(doc_id: Annotated[int, typer.Argument(help="A document wrongly taken for a copy.")]) -> None:
        """Say DOC_ID is not a copy of another document: its tasks count on their own again."""
        from parlens.store import duplicates

        with open_store_or_fail() as store:
            try:
                duplicates.separate(store, doc_id)
            except ParlensError as exc:
                raise fail(exc) from exc
            sync_or_warn(store)
        typer.echo(f"#{doc_id} counts on its own")

    app.add_typer(duplicates_app, name="duplicates")
