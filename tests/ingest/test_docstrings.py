"""The examples in the ingest docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["parlens.ingest", "parlens.ingest.columns", "parlens.ingest.metadata", "parlens.ingest.repair",
           "parlens.ingest.pdf", "parlens.ingest.sniff", "parlens.ingest.structure", "parlens.ingest.syllables", "parlens.ingest.text",
           "parlens.ingest.readers", "parlens.ingest.docx", "parlens.ingest.html", "parlens.ingest.ocr", "parlens.ingest.progress"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
