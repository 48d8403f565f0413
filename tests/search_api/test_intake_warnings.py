"""Warnings are shown where the file is taken in (issue 12, item 2).

A text or HTML file named ``.pdf`` is stored with a PARLENS-E011 warning; the ingest line, the upload result
and the batch summary (CLI and web job) show every warning code, the web with its Vietnamese title.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parlens import pipeline
from parlens.search_api.cli import app

from .conftest import upload

runner = CliRunner()

PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 58/KH-UBND\nQuảng Trị, ngày 14 tháng 4 năm 2026\nKẾ HOẠCH\n"
        "Triển khai dịch vụ công trực tuyến toàn trình năm 2026\n"
        "1. Sở Nội vụ chủ trì rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính, hoàn thành trước ngày 30/6/2026.\n"
        "2. Văn phòng UBND tỉnh phối hợp theo dõi, đôn đốc việc thực hiện.\n"
        "Nơi nhận:\n- Các sở, ban, ngành;\n- Lưu: VT, NC.\n")
REPORT = ("ỦY BAN NHÂN DÂN\nHUYỆN CAM LỘ\nSố: 112/BC-UBND\nCam Lộ, ngày 02 tháng 5 năm 2026\nBÁO CÁO\n"
          "Kết quả cải cách hành chính quý I năm 2026\n"
          "Phòng Nội vụ chủ trì tổng hợp số liệu, báo cáo Ủy ban nhân dân huyện trước ngày 15/5/2026.\n")
PAGE_HTML = ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Kế hoạch số 77/KH-UBND</title></head><body>"
             "<article><h1>KẾ HOẠCH</h1><p>Số: 77/KH-UBND</p><p>Đông Hà, ngày 20 tháng 4 năm 2026</p>"
             "<p>Nâng cao chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính năm 2026</p>"
             "<p>1. Sở Thông tin và Truyền thông chủ trì xây dựng kho dữ liệu dùng chung, hoàn thành trong quý III năm 2026.</p>"
             "</article></body></html>")


def _batch(folder: Path) -> None:
    folder.mkdir()
    (folder / "a-ke-hoach.txt").write_text(PLAN, encoding="utf-8")
    (folder / "b-bao-cao.pdf").write_text(REPORT, encoding="utf-8")  # plain text named .pdf
    (folder / "c-trang-web.pdf").write_text(PAGE_HTML, encoding="utf-8")  # an HTML page named .pdf


def _block(out: str, name: str) -> str:
    """A file's ingest line with the indented warning lines under it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if f"{name}:" in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return "\n".join(lines[start:end])


def test_the_ingest_line_and_the_summary_show_every_warning_code(tmp_path: Path, settings) -> None:
    folder = tmp_path / "nhan"
    _batch(folder)
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "⚠" not in _block(out, "a-ke-hoach.txt")
    for name, kind in (("b-bao-cao.pdf", "plain text"), ("c-trang-web.pdf", "HTML")):
        block = _block(out, name)
        assert re.search(r"ingested #\d+ \(\d+ tasks\), \d+ warnings?", block), block
        assert "⚠ PARLENS-E011 mislabelled file" in block and kind in block, block
    counts = re.search(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│", out[out.index("Summary"):])
    assert counts.groups() == ("3", "0", "0", "2")  # ingested, duplicate, failed, with warnings
    listed = out[out.index("Files with warnings"):]
    assert "b-bao-cao.pdf" in listed and "c-trang-web.pdf" in listed and "a-ke-hoach.txt" not in listed
    assert listed.count("PARLENS-E011") == 2


def test_each_code_is_shown_once_with_how_many_more(use_fake_stages_with_warnings, tmp_path: Path) -> None:
    path = tmp_path / "ban-quet.pdf"
    path.write_text("Kế hoạch số hóa\nSở Nội vụ chủ trì rà soát.\n", encoding="utf-8")
    out = runner.invoke(app, ["ingest", str(path)]).stdout
    block = _block(out, "ban-quet.pdf")
    assert "4 warnings" in block
    assert "⚠ PARLENS-W001 page 1: image only" in block and "(+2 more)" in block
    assert "⚠ PARLENS-W004 legacy encoding" in block and "page 2" not in block
    assert "PARLENS-W001, PARLENS-W004" in out[out.index("Files with warnings"):]


@pytest.fixture
def use_fake_stages_with_warnings(fake_stages, monkeypatch: pytest.MonkeyPatch):
    def reader(data: bytes, name: str):
        doc = fake_stages.read_bytes(data, name)
        doc.warnings += [f"PARLENS-W001 page {n}: image only, not OCRed (OCR disabled)" for n in (1, 2, 3)]
        doc.warnings.append("PARLENS-W004 legacy encoding converted: TCVN3")
        return doc

    monkeypatch.setattr(pipeline, "resolve_stages", lambda: fake_stages.stages(read_bytes=reader))
    return fake_stages


def test_the_upload_result_carries_each_warning_with_its_vietnamese_title(client) -> None:
    answer = upload(client, ("a-ke-hoach.txt", PLAN.encode()), ("b-bao-cao.pdf", REPORT.encode()),
                    ("c-trang-web.pdf", PAGE_HTML.encode()))
    assert answer.status_code == 201, answer.text
    files = {f["file"]: f for f in answer.json()["files"]}
    assert files["a-ke-hoach.txt"]["warnings"] == []
    for name in ("b-bao-cao.pdf", "c-trang-web.pdf"):
        warning = files[name]["warnings"][0]
        assert files[name]["status"] == "ingested"
        assert warning["code"] == "PARLENS-E011" and warning["title_vi"] == "Tệp đặt sai đuôi"
        assert warning["text"].startswith("PARLENS-E011 mislabelled file: " + name)


# -- in Chromium: the upload page -----------------------------------------------------------------------

from .test_browser import CHROMIUM, browser, page, server, shot  # noqa: E402,F401  (the shared browser fixtures)



@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
def test_the_upload_page_shows_warnings_errors_in_vietnamese_and_a_summary(page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from parlens.errors import CATALOGUE

    files = {"a-ke-hoach.txt": PLAN, "b-bao-cao.pdf": REPORT,
             "d-hong.pdf": "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Ty"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    page.goto("/tai-len")
    page.set_input_files("#files", [str(tmp_path / name) for name in files])
    page.click("#upload-form button[type=submit]")
    status = page.locator("#upload-status")
    expect(status).to_have_text(re.compile("^Xong"), timeout=60_000)
    assert status.inner_text() == "Xong 3 tệp: 2 đã đọc, 1 lỗi · 1 tệp có cảnh báo (PARLENS-E011)."
    warned = page.locator("#results tr.result", has_text="b-bao-cao.pdf")
    assert "⚠ PARLENS-E011 Tệp đặt sai đuôi" in warned.inner_text()
    assert "mislabelled" not in warned.inner_text()  # the English text waits under "Chi tiết kỹ thuật"
    warned.locator("summary", has_text="Chi tiết kỹ thuật").click()
    assert "mislabelled file" in warned.inner_text()
    broken = page.locator("#results tr.result", has_text="d-hong.pdf").inner_text()
    e003 = CATALOGUE["PARLENS-E003"]
    assert f"PARLENS-E003 · {e003.title_vi}" in broken and e003.hint_vi in broken
    assert e003.title not in broken and e003.hint not in broken
    first = page.locator("#results tr.result", has_text="a-ke-hoach.txt")
    assert "⚠" not in first.inner_text()
    doc_label, tasks = first.locator("td:nth-child(2)").inner_text(), first.locator("td:nth-child(3)").inner_text()
    assert int(tasks) > 0
    shot(page, "tai-len-canh-bao")

    page.set_input_files("#files", str(tmp_path / "a-ke-hoach.txt"))  # the same bytes again
    page.click("#upload-form button[type=submit]")
    again = page.locator("#results tr.result.duplicate")
    expect(again).to_have_count(1, timeout=60_000)
    number = doc_label.split("#")[1]
    assert again.locator("td:nth-child(2)").inner_text() == f"Đã có #{number} · {tasks} nhiệm vụ"
