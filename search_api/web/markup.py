"""Safe HTML for untrusted document text: escaped text with highlight spans placed by source offsets.

>>> str(highlight_spans("Sở Nội vụ <b>chủ trì</b>", 0, 24, [Span(0, 9, "agency")]))
'<span class="hl agency">Sở Nội vụ</span> &lt;b&gt;chủ trì&lt;/b&gt;'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    """A highlighted range of the document text: ``kind`` becomes a CSS class (agency, task, deadline, hit)."""

    start: int
    end: int
    kind: str
    title: str = ""


def highlight_spans(text: str, start: int, end: int, spans: Iterable[Span], *, anchor_at: int | None = None) -> Markup:
    """``text[start:end]`` escaped, each piece wrapped in a span with the classes of the spans covering it.

    Overlapping and nested spans are flattened into elementary pieces, so the markup never nests badly.
    ``anchor_at`` places ``<a id="doan"></a>`` at that offset (the passage a search hit links to).
    """
    inside = [s for s in spans if s.end > start and s.start < end and s.end > s.start]
    cuts = {start, end}
    for s in inside:
        cuts.add(max(s.start, start))
        cuts.add(min(s.end, end))
    if anchor_at is not None and start <= anchor_at < end:
        cuts.add(anchor_at)
    points = sorted(cuts)
    out: list[str] = []
    for a, b in zip(points, points[1:]):
        if anchor_at == a:
            out.append('<a id="doan" class="anchor"></a>')
        piece = str(escape(text[a:b]))
        covering = [s for s in inside if s.start <= a and s.end >= b]
        if covering:
            kinds = sorted({s.kind for s in covering})
            titles = "; ".join(dict.fromkeys(s.title for s in covering if s.title))
            title_attr = f' title="{escape(titles)}"' if titles else ""
            out.append(f'<span class="hl {" ".join(kinds)}"{title_attr}>{piece}</span>')
        else:
            out.append(piece)
    return Markup("".join(out))


_MARK = re.compile(r"(<mark>.*?</mark>)", re.S)


def safe_snippet(highlight: str) -> Markup:
    """A search snippet rebuilt from the backend's highlight: every piece unescaped then escaped again,
    so the only tags that reach the page are our own ``<mark>``.

    >>> str(safe_snippet("a &lt;script&gt; <mark>cải</mark> <b>x</b>"))
    'a &lt;script&gt; <mark>cải</mark> &lt;b&gt;x&lt;/b&gt;'
    """
    out: list[str] = []
    for part in _MARK.split(highlight):
        if part.startswith("<mark>") and part.endswith("</mark>"):
            out.append(f"<mark>{escape(html.unescape(part[6:-7]))}</mark>")
        elif part:
            out.append(str(escape(html.unescape(part))))
    return Markup("".join(out))
