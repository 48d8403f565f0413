"""Cue words for task extraction, loaded once from ``task_extraction/data/lexicon.json``.

>>> "chủ trì" in lexicon()["lead_cues"]
True
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


# Word lists that decide where an agency name ends: they belong to the agency recogniser
# (nlp/data/agency_phrases.yaml, section ``ends``) and are served here under their old keys.
PHRASE_KEYS = ("task_verbs", "predicate_cues", "deontic_cues", "agency_name_enders", "collective_qualifiers")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The cue-word lexicon (assignment verbs, role verbs, non-task cues, table headers).

    ``PHRASE_KEYS`` come from the agency recogniser's vocabulary (``parlens.nlp.agencies.phrase_vocabulary``).
    """
    from parlens.nlp.agencies import phrase_vocabulary

    text = resources.files("parlens.task_extraction").joinpath("data/lexicon.json").read_text("utf-8")
    data = json.loads(text)
    ends = phrase_vocabulary()["ends"]
    for key in PHRASE_KEYS:
        if key in data:
            raise ValueError(f"task_extraction/data/lexicon.json defines {key!r}: it lives in nlp/data/agency_phrases.yaml")
        data[key] = ends[key]
    return data


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first, with word boundaries around it."""
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return rf"(?<!\w)(?:{body})(?!\w)"


@lru_cache(maxsize=None)
def cue_regex(key: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    """A compiled pattern for the word list ``key`` of the lexicon (dotted keys reach nested lists)."""
    node: Any = lexicon()
    for part in key.split("."):
        node = node[part]
    if isinstance(node, dict):
        node = [w for words in node.values() for w in words]
    return re.compile(alternation(node), re.IGNORECASE if ignore_case else 0)
