"""In Chromium: look a criterion up by words on /tieu-chi, land on the specific one, or read "not found"."""

from __future__ import annotations

import pytest

from .test_browser import CHROMIUM, browser, page, server, shot  # noqa: F401  (fixtures shared with the main browser tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


def test_look_up_words_then_read_not_found(page) -> None:
    page.goto("/tieu-chi")
    legend = page.locator("#status-legend").inner_text()
    assert "chưa đối chiếu với Quyết định 876/QĐ-BNV" in legend
    assert "tạm đặt tên" not in page.locator("body").inner_text()
    page.fill("#criterion-q", "một cửa")
    page.click(".criterion-lookup button")
    page.wait_for_url("**/tieu-chi/*")
    heading = page.locator("h1").inner_text()
    assert "PAR.3.3" in heading and "một cửa" in heading
    assert "PAR.3" in page.locator("#broader").inner_text()
    shot(page, "tieu-chi-mot-cua")
    page.goto("/tieu-chi")
    page.fill("#criterion-q", "thời tiết hôm nay")
    page.click(".criterion-lookup button")
    page.wait_for_load_state()
    assert page.locator("#not-found h1").inner_text() == "Không tìm thấy tiêu chí phù hợp"
    assert page.locator("#agencies").count() == 0
    shot(page, "tieu-chi-khong-tim-thay")
