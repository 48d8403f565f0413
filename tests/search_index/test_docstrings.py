"""The docstring examples of the search modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["parlens.search_index.engines", "parlens.search_index.protocol",
                                  "parlens.search_index.fusion", "parlens.search_index"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
