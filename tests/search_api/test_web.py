"""The web UI rendered by the app: escaping of untrusted text, highlights by source span, links and exports."""

from __future__ import annotations

import re
from html import unescape

from parlens.search_api.web.markup import Span, highlight_spans, safe_snippet

from .conftest import PLAN_PDF


def test_highlight_spans_flatten_overlaps_and_escape() -> None:
    text = "UBND giao Sở Nội vụ <i>chủ trì</i> trước 30/6"
    html = str(highlight_spans(text, 0, len(text), [Span(10, 19, "agency"), Span(5, 34, "task"), Span(35, 45, "deadline")]))
    assert "<i>" not in html and "&lt;i&gt;chủ trì&lt;/i&gt;" in html
    assert '<span class="hl task">giao </span><span class="hl agency task">Sở Nội vụ</span>' in html
    assert html.count("<span") == html.count("</span>")
    assert re.sub(r"<[^>]+>", "", html) == str(__import__("markupsafe").escape(text))
    anchored = str(highlight_spans(text, 0, len(text), [], anchor_at=10))
    assert anchored.startswith("UBND giao ") and '<a id="doan" class="anchor"></a>Sở' in anchored


def test_safe_snippet_keeps_only_mark_tags() -> None:
    snippet = str(safe_snippet('x &lt;script&gt;alert(1)&lt;/script&gt; <mark>cải</mark> <img src=x onerror=alert(1)>'))
    assert "<script" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet and "<mark>cải</mark>" in snippet


def test_script_in_a_document_renders_as_text(corpus_client) -> None:
    doc_id = corpus_client.ids["thu-script.txt"]
    page = corpus_client.get(f"/van-ban/{doc_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert "<script>alert" not in body and "&lt;script&gt;alert(" in body
    assert "<b>nội bộ</b>" not in body and "&lt;b&gt;nội bộ&lt;/b&gt;" in body
    assert "script-src 'self'" in page.headers["content-security-policy"]
    search = corpus_client.get("/tim-kiem", params={"q": "thu nghiem hien thi script"})
    assert "<script>alert" not in search.text and "&lt;script&gt;" in search.text


def test_document_page_highlights_tasks_agencies_and_deadlines(corpus_client) -> None:
    doc_id = corpus_client.ids[PLAN_PDF]
    doc = corpus_client.get(f"/documents/{doc_id}").json()
    body = corpus_client.get(f"/van-ban/{doc_id}").text
    assert 'class="hl agency' in body and re.search(r'class="hl[^"]*\btask\b', body)
    assert re.search(r'class="hl[^"]*\bdeadline\b', body)
    assert f'/documents/{doc_id}/file' in body
    assert body.count('<span class="role ') == len(doc["tasks"])
    for chip in doc["criteria"][:3]:
        assert f'href="/tieu-chi/{chip["code"]}"' in body
    task = doc["tasks"][0]
    linked = corpus_client.get(f"/van-ban/{doc_id}", params={"tu": task["source"]["start"], "den": task["source"]["end"]}).text
    assert linked.count('id="doan"') == 1 and re.search(r'class="hl[^"]*\bhit\b', linked)


def test_search_page_links_hits_to_their_passage_and_facets_filter(corpus_client) -> None:
    page = corpus_client.get("/tim-kiem", params={"q": "cai cach hanh chinh"}).text
    links = re.findall(r'href="(/van-ban/\d+\?tu=\d+&amp;den=\d+#doan)"', page)
    assert links and "<mark>" in page
    target = corpus_client.get(unescape(links[0]).split("#")[0]).text
    assert 'id="doan"' in target
    facet = re.search(r'href="(/tim-kiem\?q=[^"]*filter=doc_type[^"]*)"', page)
    assert facet
    filtered = corpus_client.get(unescape(facet.group(1))).text
    assert 'class="chosen"' in filtered and "Đang lọc" in filtered
    assert corpus_client.get("/tim-kiem").status_code == 200


def test_tasks_page_filters_and_export_links(corpus_client) -> None:
    doc_id = corpus_client.ids[PLAN_PDF]
    total = corpus_client.get("/tasks", params={"document": doc_id}).json()["total"]
    page = corpus_client.get("/nhiem-vu", params={"document": doc_id}).text
    assert f"{total} nhiệm vụ" in page
    for fmt in ("xlsx", "csv", "ics"):
        href = unescape(re.search(rf'id="export-{fmt}" href="([^"]+)"', page).group(1))
        assert f"document={doc_id}" in href and f"format={fmt}" in href
        assert corpus_client.get(href).status_code == 200
    overdue = corpus_client.get("/nhiem-vu", params={"overdue_on": "2000-01-01"}).text
    assert "0 nhiệm vụ" in overdue and "Không có nhiệm vụ nào" in overdue
    bad = corpus_client.get("/nhiem-vu", params={"due_before": "mai"})
    assert bad.status_code == 400 and "PARLENS-E052" in bad.text and bad.headers["content-type"].startswith("text/html")


def test_criteria_responsible_and_coverage_pages(corpus_client) -> None:
    tree = corpus_client.get("/tieu-chi").text
    assert 'href="/tieu-chi/PAR"' in tree and "chưa có nhiệm vụ" in tree
    doc_id = corpus_client.ids[PLAN_PDF]
    code = next(t["criteria"][0]["code"] for t in corpus_client.get("/tasks", params={"document": doc_id}).json()["tasks"] if t["criteria"])
    who = corpus_client.get(f"/tieu-chi/{code}").text
    assert "Ai chịu trách nhiệm" in who and 'id="agencies"' in who
    assert corpus_client.get("/tieu-chi/PAR.99").status_code == 404
    ids = sorted(corpus_client.ids.values())
    heat = corpus_client.get("/bao-phu", params=[("documents", str(i)) for i in ids]).text
    assert heat.count('href="/van-ban/') >= len(ids) and 'class="heat h0"' in heat and "trống" in heat
    assert re.search(r'class="heat h[1-5]"', heat)


def test_unknown_page_renders_html_and_unknown_api_json(corpus_client) -> None:
    page = corpus_client.get("/van-ban/424242")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html") and "PARLENS-E020" in page.text
    api = corpus_client.get("/documents/424242")
    assert api.json()["error"]["code"] == "PARLENS-E020"
    assert corpus_client.get("/", follow_redirects=False).headers["location"] == "/tim-kiem"


def test_criteria_tree_counts_each_task_once_per_item(corpus_client) -> None:
    tasks = corpus_client.get("/tasks", params={"limit": 5000}).json()["tasks"]
    linked_to_par = sum(any(c["code"] == "PAR" or c["code"].startswith("PAR.") for c in t["criteria"]) for t in tasks)
    tree = corpus_client.get("/tieu-chi").text
    shown = re.search(r'href="/tieu-chi/PAR" class="code">PAR</a>.*?<span class="count"[^>]*>(\d+) nhiệm vụ', tree, re.S)
    assert shown and int(shown.group(1)) == linked_to_par
