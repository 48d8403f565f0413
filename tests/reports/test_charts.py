"""Inline SVG charts: accessible, escaped, bars scaled to the largest value, numbers written as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from parlens.reports.charts import PALETTE, Bar, bar_chart, css_name

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_an_accessible_image_with_every_number_as_text() -> None:
    svg = bar_chart("Nhiệm vụ theo tình trạng", [Bar("Chưa thực hiện", 7, "chua_thuc_hien"), Bar("Hoàn thành", 3, "hoan_thanh")],
                    chart_id="tinh-trang")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby") == "tinh-trang-title tinh-trang-desc"
    assert root.find(f"{SVG}title").text == "Nhiệm vụ theo tình trạng"
    assert root.find(f"{SVG}desc").text == "Chưa thực hiện: 7 nhiệm vụ; Hoàn thành: 3 nhiệm vụ"
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert values == ["7", "3"] and labels == ["Chưa thực hiện", "Hoàn thành"]
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert [b.get("class") for b in bars] == ["bar chua_thuc_hien", "bar hoan_thanh"]
    assert bars[1].get("fill") == PALETTE["hoan_thanh"]
    widths = [float(b.get("width")) for b in bars]
    assert abs(widths[1] / widths[0] - 3 / 7) < 0.01


def test_untrusted_labels_are_escaped_and_long_ones_shortened() -> None:
    name = 'Sở <script>alert("x")</script> & Ban quản lý các khu công nghiệp tỉnh'
    svg = bar_chart("A & <b>", [Bar(name, 2, 'x"><script>')])
    assert "<script>" not in svg and "<b>" not in svg and 'x">' not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "A & <b>"
    row_title = root.find(f"{SVG}g/{SVG}title").text
    assert row_title == f"{name}: 2 nhiệm vụ"  # the full label stays in the tooltip
    label = next(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label")
    assert label.endswith("…") and len(label) < len(name)


def test_zero_and_empty_charts() -> None:
    svg = bar_chart("Quá hạn", [Bar("Sở Nội vụ", 0), Bar("Sở Tư pháp", 1200)], unit="")
    root = ET.fromstring(svg)
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 0 and widths[1] > 0
    assert "1.200" in svg and root.find(f"{SVG}desc").text == "Sở Nội vụ: 0; Sở Tư pháp: 1.200"
    empty = ET.fromstring(bar_chart("Quá hạn theo cơ quan", []))
    assert empty.find(f"{SVG}desc").text == "Không có dữ liệu" and not list(empty.iter(f"{SVG}rect"))


def test_chart_ids_differ_per_chart() -> None:
    first, second = bar_chart("Theo tình trạng", [Bar("a", 1)]), bar_chart("Theo tiến độ", [Bar("a", 1)])
    ids = [re.search(r'<title id="([^"]+)"', s).group(1) for s in (first, second)]
    assert ids[0] != ids[1] and css_name("Theo tiến độ") in ids[1]


def test_docstring_examples() -> None:
    import doctest

    import parlens.reports.charts as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
