"""Shared fixtures: every test gets its own PARLENS_DATA_DIR and a fresh settings cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parlens.settings import Settings, get_settings


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
