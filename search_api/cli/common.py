"""Helpers every `parlens` command shares: error exits, date options and writing results."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

from parlens.errors import ParlensError


def fail(exc: ParlensError, exit_code: int = 2) -> typer.Exit:
    """Print ``[PARLENS-Exxx] …`` to stderr and return the exit to raise."""
    typer.echo(str(exc), err=True)
    return typer.Exit(exit_code)


def open_store_or_fail() -> Any:
    """The store of the current settings; a store that cannot be opened exits with its PARLENS code."""
    from parlens.store import open_store

    try:
        return open_store()
    except ParlensError as exc:
        raise fail(exc) from exc


def cli_actor() -> str:
    """Who makes a change from the command line, as task history records it (``cli:<user>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a bare container
        return "cli"


def sync_or_warn(store: Any, then: str = "at the next sync") -> None:
    """Catch the search index up with the store; say so on stderr when it could not (nothing is lost)."""
    from parlens import pipeline

    problem = pipeline.sync_index(store)
    if problem:
        typer.echo(f"search index not updated ({problem}); it catches up {then}", err=True)


def parse_date(value: str | None) -> date | None:
    """An ISO date option (``2026-03-31``) or None; anything else is a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-03-31") from exc


def emit(data: bytes, output: Path | None, *, binary: bool = False, note: str = "") -> None:
    """Write a rendered result to ``output`` or stdout; binary data (xlsx) goes to a terminal only via ``output``."""
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"{note} -> {output}" if note else f"đã ghi {output}", err=True)
        return
    if binary and sys.stdout.isatty():
        typer.echo("định dạng này cần --output FILE (hoặc chuyển hướng ra tệp)", err=True)
        raise typer.Exit(2)
    sys.stdout.buffer.write(data if binary or data.endswith(b"\n") else data + b"\n")
    sys.stdout.flush()
