"""The docstring examples of the HTTP API and web modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", [
    "parlens.search_api.http.app", "parlens.search_api.http.keys", "parlens.search_api.http.errors",
    "parlens.search_api.http.documents", "parlens.search_api.http.criteria", "parlens.search_api.http.validation",
    "parlens.search_api.web.markup",
    "parlens.search_api.cli.serve",
])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
