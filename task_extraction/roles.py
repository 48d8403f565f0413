"""Role of an agency in a predicate, and the partners a "phối hợp với" clause names.

>>> r = read_role("chủ trì, phối hợp với Sở Nội vụ tổ chức phong trào thi đua")
>>> r.role, [p[0] for p in r.partners], "chủ trì"[:0] + "tổ chức" in r.task_text("chủ trì, phối hợp với Sở Nội vụ tổ chức phong trào thi đua")
('lead', ['Sở Nội vụ'], True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parlens.nlp.normalize import fold
from parlens.task_extraction.addressees import head_at, phrase_end, split_members
from parlens.task_extraction.lexicon import lexicon

_ADVERBS = r"(?:(?:chủ động|tăng cường|tích cực|tiếp tục|cùng|có trách nhiệm|trực tiếp|cần phải|cần|phải|sẽ|được giao|được phân công)[,\s]+)*"
_LEAD = re.compile(rf"^\s*{_ADVERBS}chủ trì(?:\s+(?:thực hiện|triển khai))?\s*(?P<sep>,\s*|\s+và\s+)?", re.I)
_SUPPORT = re.compile(rf"\s*{_ADVERBS}(?:phối hợp(?:\s+chặt chẽ)?(?:\s+với)?|tham gia cùng(?:\s+với)?)\s+", re.I)
_OPENER = re.compile(r"\s*(?:trong việc|về việc|để|trong)\s+", re.I)


@dataclass
class RoleReading:
    """How a predicate assigns: the subject's role, where the task starts, the partners named."""

    role: str
    task_start: int  # offset in the predicate where the task text starts
    partners: list[tuple[str, int, int]] = field(default_factory=list)  # (surface, start, end) in predicate
    placeholder_only: bool = False

    def task_text(self, predicate: str) -> str:
        return predicate[self.task_start:]


def _partners(pred: str, pos: int) -> tuple[list[tuple[str, int, int]], int]:
    """Bodies named from ``pos`` ("Sở Nội vụ và các cơ quan, đơn vị có liên quan"), and where they end."""
    if not head_at(pred, pos):
        return [], pos
    end = phrase_end(pred, pos)
    phrase = pred[pos:end]
    members = split_members(phrase, keep_collectives_whole=False)
    return [(m.text, pos + m.start, pos + m.end) for m in members], end


def _is_placeholder(surface: str) -> bool:
    f = fold(surface)
    return any(fold(p) == f for p in lexicon()["placeholder_partners"]) or f.endswith("lien quan")


# "theo chức năng, nhiệm vụ (và thẩm quyền) được giao" or "trong phạm vi chức năng, nhiệm vụ của mình" before
# the duty scopes it: neither agency nor task.
_SCOPE = re.compile(r"\s*(?:theo\s+(?:đúng\s+)?|trong phạm vi\s+)chức năng,?\s+nhiệm vụ(?:,?\s+(?:và\s+)?(?:quyền hạn|thẩm quyền))*"
                    r"(?:\s+(?:được giao|của mình))?[,\s]*", re.I)


def read_role(pred: str) -> RoleReading:
    """Read "chủ trì, phối hợp với B …", "phối hợp với B trong việc …" or a plain duty (lead).

    A leading scope ("theo chức năng, nhiệm vụ được giao, …") is skipped.
    """
    scope = _SCOPE.match(pred)
    if not scope or scope.end() >= len(pred):
        return _read_role(pred)
    base = scope.end()
    r = _read_role(pred[base:])
    return RoleReading(r.role, base + r.task_start, [(p, base + a, base + b) for p, a, b in r.partners], r.placeholder_only)


def _read_role(pred: str) -> RoleReading:
    m = _LEAD.match(pred)
    if m:
        rest = m.end()
        sup = _SUPPORT.match(pred, rest) if m.group("sep") else None
        if sup:
            partners, end = _partners(pred, sup.end())
            if partners:
                start = end
                o = _OPENER.match(pred, start)
                start = o.end() if o else _skip_space(pred, start)
                return RoleReading("lead", start, partners)
        return RoleReading("lead", 0)
    m = _SUPPORT.match(pred)
    if m:
        partners, end = _partners(pred, m.end())
        start = end
        o = _OPENER.match(pred, start)
        start = o.end() if o else _skip_space(pred, start)
        if partners and all(_is_placeholder(p[0]) for p in partners):
            return RoleReading("lead", start, partners, placeholder_only=True)
        return RoleReading("support", start, [])
    return RoleReading("lead", 0)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " ,:":
        pos += 1
    return pos
