"""Vietnamese analysis: pure functions on text, each fact with its character offsets.

- ``normalize``: NFC, tone placement, folding (đ -> d), match keys.
- ``segment``: sentences and clauses that know administrative numbering and abbreviations.
- ``abbreviations``: the abbreviation dictionary (data), expansion and search variants.
- ``agencies``: agency recognition and resolution (gazetteer and patterns in ``data/``), 2025 reorganisation.
- ``pipeline``: the spaCy ``vi`` pipeline with underthesea as tokenizer and agency components.
- ``deadlines``: the deadline grammar.
"""
