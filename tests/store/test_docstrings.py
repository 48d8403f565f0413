"""The docstring examples of the store and the pipeline run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["parlens.store", "parlens.store.sqlite", "parlens.store.migrate", "parlens.store.duplicates",
                                  "parlens.pipeline"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
