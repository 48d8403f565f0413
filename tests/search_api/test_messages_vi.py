"""Every message a web user sees is Vietnamese, said once, with what to do in the UI (issue 12, item 1).

The catalogue carries a Vietnamese title and UI hint beside the English ones; the web error page and the
upload results show the Vietnamese ones and keep the English detail under "Chi tiết kỹ thuật".
"""

from __future__ import annotations

import re

import pytest

from parlens.errors import CATALOGUE, ParlensError, describe_warning

# Letters only Vietnamese uses (with diacritics): a Vietnamese sentence has some, an English one none.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
CLI_ADVICE = re.compile(r"`|\bparlens\s+[a-z-]+|PARLENS_[A-Z_]+|\bGET /|\bPOST /|X-API-Key")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_a_vietnamese_title_and_a_ui_hint(code: str) -> None:
    entry = CATALOGUE[code]
    assert entry.title and entry.hint, "the CLI and the API keep their English title and hint"
    assert VIETNAMESE.search(entry.title_vi), f"{code}: no Vietnamese title"
    assert VIETNAMESE.search(entry.hint_vi), f"{code}: no Vietnamese hint"
    assert not CLI_ADVICE.search(entry.hint_vi), f"{code}: the UI hint names a command, setting or route: {entry.hint_vi}"
    assert entry.title_vi != entry.title and entry.hint_vi != entry.hint


def test_the_cli_message_stays_english_and_the_api_body_adds_the_vietnamese() -> None:
    error = ParlensError("PARLENS-E020", "no document #9")
    assert str(error) == "[PARLENS-E020] document not found: no document #9. List documents with `parlens list` or GET /documents."
    body = error.to_dict()
    assert body["title"] == "document not found" and body["title_vi"] == "Không tìm thấy văn bản"
    assert "trang Văn bản" in body["hint_vi"]


def test_a_warning_is_described_by_its_code() -> None:
    seen = describe_warning("PARLENS-E011 mislabelled file: ke-hoach.pdf is named as PDF but contains HTML; read as HTML")
    assert seen["code"] == "PARLENS-E011" and seen["title_vi"] == "Tệp đặt sai đuôi"
    assert describe_warning("some note without a code") == {"code": None, "title": None, "title_vi": None,
                                                            "text": "some note without a code"}


# -- web pages for typical failures -------------------------------------------------------------------

def _main_message(html: str) -> str:
    """The error card without its "Chi tiết kỹ thuật" disclosure: what staff read first."""
    card = html[html.index('<section class="card error"'):html.index("</section>")]
    return re.sub(r"<details.*?</details>", "", card, flags=re.S)


def _assert_vietnamese_error_page(answer, code: str, status: int, hint_vi: str | None = None) -> str:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    entry = CATALOGUE[code]
    main = _main_message(answer.text)
    assert code in main and entry.title_vi in main and (hint_vi or entry.hint_vi) in main
    assert entry.title not in answer.text, "the English title is not shown"
    assert entry.hint not in answer.text and not CLI_ADVICE.search(main)
    return main


def test_a_missing_document_page_is_vietnamese_with_a_way_back(client) -> None:
    answer = client.get("/van-ban/987654")
    main = _assert_vietnamese_error_page(answer, "PARLENS-E020", 404)
    assert 'href="/van-ban"' in main and "parlens list" not in answer.text
    assert "Chi tiết kỹ thuật" in answer.text and "987654" not in main  # the English detail is under the disclosure


def test_an_unknown_page_says_so_in_vietnamese(client) -> None:
    answer = client.get("/tim-kiem/khong-co-trang-nay")
    main = _assert_vietnamese_error_page(answer, "PARLENS-E052", 404, "Không có trang này; chọn một mục trên thanh trình đơn.")
    assert "no route" not in main


def test_bad_coverage_parameters_read_in_vietnamese_with_the_english_detail_folded(client) -> None:
    answer = client.get("/bao-phu", params={"documents": "mot,hai"})
    main = _assert_vietnamese_error_page(answer, "PARLENS-E052", 400)
    assert "documents must be ids" not in main and "documents must be ids" in answer.text


def test_sign_in_needed_and_permission_denied_pages_are_vietnamese(client) -> None:
    from parlens.search_api.http.keys import create_key

    create_key(client.app.state.service.store, "reader", label="thử")
    answer = client.get("/van-ban")
    main = _assert_vietnamese_error_page(answer, "PARLENS-E050", 401)
    assert 'href="/dang-nhap"' in main and "X-API-Key" not in answer.text
    refused = client.post("/dang-nhap", data={"key": "plk_x"}, headers={"Origin": "http://evil.example"})
    _assert_vietnamese_error_page(refused, "PARLENS-E051", 403)


def test_the_sign_in_page_gives_no_command_line_advice(client) -> None:
    page = client.get("/dang-nhap").text
    assert not CLI_ADVICE.search(page) and "quản trị viên" in page


def test_an_unreadable_upload_says_its_error_once_in_both_languages(client) -> None:
    from .conftest import upload

    truncated = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"
    answer = upload(client, ("ke-hoach-hong.pdf", truncated))
    error = answer.json()["files"][0]["error"]
    assert error["code"] == "PARLENS-E003" and error["title_vi"] == CATALOGUE["PARLENS-E003"].title_vi
    assert error["hint_vi"] == CATALOGUE["PARLENS-E003"].hint_vi
    assert not error["detail"].startswith(error["title"]), "the title is not repeated in the detail"
    assert answer.json()["error"]["title_vi"] == error["title_vi"]  # the request's own error (its only file failed)


def test_a_documents_warnings_read_in_vietnamese_on_its_page(client) -> None:
    from .conftest import upload

    text = ("ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH\nSố: 9/KH-UBND\nQuy Nhơn, ngày 03 tháng 3 năm 2026\nKẾ HOẠCH\n"
            "Kiểm soát thủ tục hành chính năm 2026\n1. Sở Tư pháp chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/9/2026.\n")
    doc_id = upload(client, ("ke-hoach-9.pdf", text.encode())).json()["files"][0]["document_id"]
    page = client.get(f"/van-ban/{doc_id}").text
    warnings = page[page.index('<ul class="warnings">'):]
    warnings = warnings[:warnings.index("</ul>")]
    shown = re.sub(r"<details.*?</details>", "", warnings, flags=re.S)
    assert "⚠ PARLENS-E011 Tệp đặt sai đuôi" in shown and "mislabelled" not in shown
    assert "Chi tiết kỹ thuật" in warnings and "mislabelled file" in warnings
