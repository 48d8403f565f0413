"""Where a task's text starts and ends once its agency and role words are gone.

The deadline is its own slot, so a trailing dated or time-limited deadline ("trước ngày 15/4",
"trong Quý II/2026", "trong 05 ngày làm việc") leaves the task text together with its qualifier
("hoàn thành", "thời gian thực hiện"), a report channel before it ("(qua Sở Nội vụ)") and a short
purpose clause after it ("để tổng hợp, báo cáo …"); a closing purpose clause ("…, nhằm nâng cao …") goes
as well; leading urgency or modal words ("khẩn trương",
"thường xuyên", "phải") go too. Recurrences ("định kỳ hằng năm"), bare periods that name an object ("báo cáo … quý II") and deadlines
inside the task stay where they are.
Word lists live in ``data/lexicon.json``.

>>> t = "báo cáo kết quả về UBND tỉnh (qua Sở Nội vụ) trước ngày 10/12/2024 để tổng hợp."
>>> s, e = trim_task(t)
>>> t[s:e]
'báo cáo kết quả về UBND tỉnh'
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from parlens.task_extraction import timing
from parlens.task_extraction.lexicon import alternation, lexicon

_MAX_PURPOSE_WORDS = 14
_MIN_TASK_CHARS = 6


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    lex = lexicon()
    qualifiers = alternation(lex["deadline_qualifiers"])
    return {
        "leading": re.compile(rf"\s*{alternation(lex['task_leading_fillers'])}[\s,]+", re.I),
        # what may sit between the task and its trailing deadline
        "before": re.compile(rf"(?:[\s,;:]*(?:\((?:qua|thông qua)\s[^()]{{2,80}}\)|(?<!\w)(?:và\s+)?{qualifiers}))*[\s,;:(]*$", re.I),
        "purpose": re.compile(rf"\s*[,;]?\s*{alternation(lex['purpose_tail_openers'])}\s", re.I),
        "end_punct": re.compile(r"[\s.;,:/)]*$"),
        "purpose_clause": re.compile(rf"(?:\s*[,…]\s*|\s+){alternation(lex['trailing_purpose_openers'])}\s[^;]*$", re.I),
        "anchor": re.compile(r"\s*,?\s*(?:kể từ|tính từ)\s[^;.()]{2,80}?(?=[\s.;,:/)]*$|\s*[,;]?\s*(?:để|nhằm)\s)", re.I),
        "opener": re.compile(rf"\(?\s*{alternation(lex['trailing_deadline_openers'])}", re.I),
    }


def _trailing_cut(text: str, start: int, end: int, ref_date: date | None) -> int | None:
    """Where the task ends if a deadline closes it, else None."""
    p = _patterns()
    mentions = [m for m in timing.find(text[start:end], ref_date) if m.decoy in (None, "start_date", "lead_time")]
    # "trước ngày 05 hằng tháng" closes the task; a bare "hằng năm" or "(định kỳ hằng quý)" stays in it.
    if not mentions or not p["opener"].match(mentions[-1].text):
        return None
    last = mentions[-1]
    m_start, m_end = start + last.start, start + last.end
    if text[m_end:m_end + 1] == ")" and "(" in text[max(start, m_start - 2):m_start]:
        m_start = text.rfind("(", start, m_start)  # "(trước ngày 30/6)" goes with its brackets
        m_end += 1
    tail = text[m_end:end]
    anchor = p["anchor"].match(tail)  # "trong 05 ngày làm việc kể từ ngày nhận được văn bản"
    if anchor:
        tail = tail[anchor.end():]
    if p["end_punct"].fullmatch(tail) is None:
        purpose = p["purpose"].match(tail)
        if not purpose or len(tail.split()) > _MAX_PURPOSE_WORDS or "." in tail.rstrip(" ./"):
            return None
    head = text[start:m_start]
    cut = start + p["before"].search(head).start()
    return cut if cut - start >= _MIN_TASK_CHARS else None


def trim_task(text: str, start: int = 0, end: int | None = None, *, ref_date: date | None = None) -> tuple[int, int]:
    """The task's span inside ``text[start:end]``: filler words and a closing deadline left out."""
    end = len(text) if end is None else end
    p = _patterns()
    while True:
        lead = p["leading"].match(text, start, end)
        if not lead or end - lead.end() < _MIN_TASK_CHARS:
            break
        start = lead.end()
    why = p["purpose_clause"].search(text, start, end)
    if why and len(text[start:why.start()].split()) >= 3:
        end = why.start()  # "…, nhằm nâng cao chỉ số …": the purpose is not the task
    for _ in range(2):  # "…; hoàn thành trong Quý II, định kỳ hằng tháng" has two
        cut = _trailing_cut(text, start, end, ref_date)
        if cut is None:
            break
        end = cut
    while end > start and text[end - 1] in " ,;:.-–/":
        end -= 1
    return start, end
