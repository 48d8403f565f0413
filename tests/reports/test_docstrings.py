"""The docstring examples of the reports package run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", [
    "parlens.reports.registry", "parlens.reports.tasklist", "parlens.reports.formats", "parlens.reports.tracker_sheet",
    "parlens.reports.exports", "parlens.reports.responsibility",
])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
