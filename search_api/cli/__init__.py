"""The `parlens` command: one Typer app; each area registers its commands from its own module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="parlens",
    help="Read Vietnamese administrative-reform documents: who must do what by when, linked to PAR criteria.",
    no_args_is_help=True,
    add_completion=False,
)



@app.command()
def version() -> None:
    """Print the parlens version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("parlens"))


# Each module defines `register(app)`; a module that is absent is skipped.
COMMAND_MODULES = [
    "parlens.search_api.cli.documents",  # ingest, show, list, delete
    "parlens.search_api.cli.tasks",  # tasks, eval
    "parlens.search_api.cli.task",  # task list|show|set|add|delete|history, export-gold
    "parlens.search_api.cli.tracker",  # tasks-import
    "parlens.search_api.cli.duplicates",  # duplicates, duplicates keep|separate
    "parlens.search_api.cli.train",  # train-extractor
    "parlens.search_api.cli.criteria",  # criteria, who, coverage
    "parlens.search_api.cli.search",  # search, reindex, eval-search
    "parlens.search_api.cli.serve",  # serve, keys
]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    app()
