"""Shared fixtures: every test gets its own PARLENS_DATA_DIR and a fresh settings cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from parlens.errors import ParlensError
from parlens.model import Block, CriterionLink, Document, DocumentMetadata, Task
from parlens.settings import Settings, get_settings

if TYPE_CHECKING:
    from parlens.store import Store


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary data folder, set as PARLENS_DATA_DIR for the test; settings re-read before and after."""
    path = tmp_path_factory.mktemp("parlens-data")
    monkeypatch.setenv("PARLENS_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """The process settings pointing at the test's data folder."""
    return get_settings()


@pytest.fixture
def store(settings: Settings):
    """An empty store in the test's data folder, closed after the test."""
    from parlens.store import open_store

    with open_store(settings) as opened:
        yield opened


class FakeStages:
    """Pipeline stages for tests: a UTF-8 line reader, a 'chủ trì' task extractor, a linker and an index sync."""

    def __init__(self) -> None:
        self.reads: list[str] = []
        self.ref_dates: list[date | None] = []
        self.synced: list[int] = []

    def read_bytes(self, data: bytes, name: str) -> Document:
        self.reads.append(name)
        if not data.strip():
            raise ParlensError("PARLENS-E001", name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParlensError("PARLENS-E008", name) from exc
        blocks, pos = [], 0
        for line in text.split("\n"):
            if line:
                blocks.append(Block("paragraph", line, pos, pos + len(line)))
            pos += len(line) + 1
        issued = date(2024, 5, 6) if "ngày 06/5/2024" in text else None
        return Document(text=text, blocks=blocks, metadata=DocumentMetadata(title=blocks[0].text, issued_on=issued))

    def extract(self, doc: Document, *, ref_date: date | None = None) -> list[Task]:
        self.ref_dates.append(ref_date)
        return [
            Task(agency=b.text.split(" chủ trì")[0], role="lead", task=b.text, start=b.start, end=b.end)
            for b in doc.blocks
            if " chủ trì" in b.text
        ]

    def link_tasks(self, tasks: list[Task], doc: Document) -> None:
        for task in tasks:
            task.criteria = [CriterionLink("PAR.2", "Cải cách thủ tục hành chính", 0.6)]

    def link_document(self, doc: Document, tasks: list[Task]) -> list[CriterionLink]:
        return [CriterionLink("PAR.2", "Cải cách thủ tục hành chính", 0.5)] if tasks else []

    def sync(self, store: Store) -> None:
        self.synced.append(store.last_change_seq())

    def stages(self, **override) -> Stages:
        base = dict(read_bytes=self.read_bytes, extract=self.extract, link_tasks=self.link_tasks,
                    link_document=self.link_document, sync_index=self.sync)
        base.update(override)
        from parlens.pipeline import Stages

        return Stages(**base)


@pytest.fixture
def fake_stages() -> FakeStages:
    """Recording fake stages (reader, extractor, linker, index sync) for pipeline and CLI tests."""
    return FakeStages()
