"""``parlens train-extractor``: rebuild the candidate scorer (``task_extraction/data/scorer.json``).

``parlens train-extractor --loo`` reads the own corpus and the devset parts that are present, picks the
model setting and threshold by leave-one-document-out, prints per-part scores (keep-all vs scorer) and
writes the model trained on everything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from parlens.errors import ParlensError
from parlens.search_api.cli.common import fail


def train_extractor_command(
    devset: Annotated[Optional[Path], typer.Option("--devset", help="Devset folder; parts that are absent are skipped. Default: ../shared/devset next to the repository.")] = None,
    corpus: Annotated[Optional[Path], typer.Option("--corpus", help="Own corpus folder with gold.jsonl and samples/. Default: corpora/ of the repository.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to write the model. Default: task_extraction/data/scorer.json.")] = None,
    loo: Annotated[bool, typer.Option("--loo", help="Choose the setting and threshold leave-one-document-out and print the scores per part (about a minute).")] = False,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report (counts, setting, per-part scores) here.")] = None,
    reviewed: Annotated[Optional[Path], typer.Option("--reviewed", help="Gold JSONL from `parlens export-gold` (staff corrections) to train on too.")] = None,
    reviewed_originals: Annotated[Optional[Path], typer.Option("--reviewed-originals", help="The folder `parlens export-gold --originals` wrote.")] = None,
) -> None:
    """Train the scorer that keeps or drops extraction candidates, on every annotated document available."""
    from parlens.task_extraction import train

    def log(line: str) -> None:
        typer.echo(line, err=True)

    if (reviewed is None) != (reviewed_originals is None):
        raise typer.BadParameter("--reviewed and --reviewed-originals go together")
    try:
        report = train.train(corpus or train.DEFAULT_CORPUS, devset or train.DEFAULT_DEVSET, out, loo=loo, log=log,
                             reviewed=(reviewed, reviewed_originals) if reviewed else None)
    except ParlensError as exc:
        raise fail(exc) from exc
    if report.get("note"):
        typer.echo(report["note"])
    if loo:
        typer.echo(train.format_report(report))
    counts = report["counts"]
    total = {k: sum(c[k] for c in counts.values() if c["trained_on"])
             for k in ("documents", "candidates", "positive", "negative", "excluded")}
    setting = report["setting"]
    typer.echo(f"trained on {total['documents']} documents, {total['candidates']} candidates ({total['positive']} positive, "
               f"{total['negative']} negative, {total['excluded']} borderline left out); {report['features']} features; "
               f"C={setting['C']} class_weight={setting['class_weight']} threshold={setting['threshold']} -> {report['out']}")
    if json_out is not None:
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")


def register(app: typer.Typer) -> None:
    """Add ``train-extractor`` to the ``parlens`` app."""
    app.command("train-extractor")(train_extractor_command)
