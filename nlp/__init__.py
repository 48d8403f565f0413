"""Vietnamese analysis: pure functions on text, each fact with its character offsets.

- ``normalize``: NFC, tone placement, folding (đ -> d; one table for ``fold``, ``fold_token``, ``fold_aligned``), match keys.
- ``numbering``: the numbering grammar (I., 1., 1.1., a), (1), -, +, Điều 3., Phần I) with styles, levels and ranks.
- ``segment``: sentences and clauses that know administrative numbering and abbreviations.
- ``abbreviations``: the abbreviation dictionary (data), expansion and search variants.
- ``agencies``: agency recognition and resolution (gazetteer and patterns in ``data/``), 2025 reorganisation.
- ``pipeline``: the spaCy ``vi`` pipeline with underthesea as tokenizer and agency components.
- ``deadlines``: the deadline grammar.
"""
