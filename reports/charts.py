"""Charts drawn on the server as inline SVG: pure functions from numbers to an SVG string (no script, no CDN).

Every chart is an accessible image (``role="img"`` with a ``<title>`` and a ``<desc>`` naming each bar and
its number), every text is escaped, and each bar carries its number as text so colour is never the only
cue. The page shows a table with the same numbers beside each chart.

>>> svg = bar_chart("Theo tình trạng", [Bar("Hoàn thành", 3, "hoan_thanh"), Bar("Chưa thực hiện", 5)],
...                 chart_id="tinh-trang")
>>> svg.startswith('<svg') and 'role="img"' in svg and "<title id=\\"tinh-trang-title\\">Theo tình trạng</title>" in svg
True
>>> "Hoàn thành: 3" in svg and 'class="bar hoan_thanh"' in svg
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Fill colours by kind (status and timeliness codes); CSS may override them through the bar's class.
PALETTE = {
    "chua_thuc_hien": "#9aa5b1", "dang_thuc_hien": "#2f80ed", "hoan_thanh": "#2b8a4e",
    "qua_han": "#c0392b", "chua_den_han": "#5b8def", "dung_han": "#2b8a4e", "hoan_thanh_qua_han": "#d68910",
    "khong_han": "#c5ccd3", "co": "#2b8a4e", "chua_co": "#c0392b",
}
DEFAULT_FILL = "#0b5cad"
_ID = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its number and an optional kind (a CSS class and a colour from :data:`PALETTE`)."""

    label: str
    value: int | float
    kind: str = ""


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: int | float) -> str:
    """A number as Vietnamese staff write it: 1.234 (dot groups thousands), 2,5 (comma decimals).

    >>> _number(1234), _number(2.5), _number(0)
    ('1.234', '2,5', '0')
    """
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:.1f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def _short(label: str, limit: int) -> str:
    """A label cut to ``limit`` characters with an ellipsis (the full label stays in the bar's tooltip).

    >>> _short("Sở Thông tin và Truyền thông", 12)
    'Sở Thông ti…'
    """
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def css_name(text: str) -> str:
    """An id or class name usable in SVG/HTML from any text (ascii letters, digits, ``_`` and ``-``).

    >>> css_name("Quá hạn theo cơ quan"), css_name('qua_han"><script>')
    ('qu-h-n-theo-c-quan', 'qua_han-script')
    """
    return _ID.sub("-", text.lower()).strip("-") or "chart"


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    chart_id: str | None = None,
    unit: str = "nhiệm vụ",
    width: int = 560,
    label_width: int = 230,
    font_size: int = 12,
    bar_height: int = 22,
    gap: int = 8,
    empty_text: str = "Không có dữ liệu",
) -> str:
    """A horizontal bar chart: one row per bar (label, bar scaled to the largest value, the number after it).

    ``chart_id`` prefixes the ids of the title and description (several charts on one page need distinct
    ones); ``unit`` names what is counted in the description read by screen readers.

    >>> bar_chart("Trống", [], chart_id="trong").count("Không có dữ liệu")
    2
    """
    base = css_name(chart_id or title)
    title_id, desc_id = f"{base}-title", f"{base}-desc"
    top = 6
    rows = max(len(bars), 1)
    height = top * 2 + rows * bar_height + (rows - 1) * gap
    if bars:
        desc = "; ".join(f"{b.label}: {_number(b.value)} {unit}".rstrip() for b in bars)
    else:
        desc = empty_text
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{title_id} {desc_id}" '
        f'font-size="{font_size}" font-family="system-ui, sans-serif">',
        f'<title id="{title_id}">{_text(title)}</title>',
        f'<desc id="{desc_id}">{_text(desc)}</desc>',
    ]
    if not bars:
        out.append(f'<text class="empty" x="{width // 2}" y="{top + bar_height * 0.7:.0f}" text-anchor="middle" '
                   f'fill="#66727f">{_text(empty_text)}</text>')
        out.append("</svg>")
        return "".join(out)
    peak = max((b.value for b in bars), default=0) or 1
    value_room = 64
    span = max(width - label_width - value_room, 10)
    chars = max(int((label_width - 12) / (font_size * 0.6)), 8)  # a Vietnamese letter is about 0.6 em wide
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = 0 if b.value <= 0 else max(2.0, span * float(b.value) / float(peak))
        fill = PALETTE.get(b.kind, DEFAULT_FILL)
        kind = f" {css_name(b.kind)}" if b.kind else ""
        number = _number(b.value)
        out.append(f'<g class="row"><title>{_text(b.label)}: {_text(number)} {_text(unit)}</title>')
        out.append(f'<text class="label" x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
                   f'fill="#1f2933">{_text(_short(b.label, chars))}</text>')
        out.append(f'<rect class="bar{kind}" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                   f'rx="3" fill="{fill}"></rect>')
        out.append(f'<text class="value" x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
                   f'fill="#1f2933">{_text(number)}</text></g>')
    out.append("</svg>")
    return "".join(out)


__all__ = ["Bar", "PALETTE", "bar_chart", "css_name"]
