"""Navigation of the web UI without a browser: the menu reaches Bao phủ, /bao-phu opens on the plans of the
office's scope and year, its picker filters by type, year, issuer and province and lists what is chosen,
"Quá hạn hôm nay" keeps the other filters, and criterion chips carry the criterion's name.

The documents are written here: plans and a letter of two provinces, this year and last year.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from parlens.search_api.http import create_app
from parlens.settings import Settings

from .conftest import local_client, upload

THIS_YEAR = date.today().year
LAST_YEAR = THIS_YEAR - 1


def plan(province: str, year: int, number: str, tasks: list[str]) -> str:
    """A province's plan (Kế hoạch) with its header, numbered tasks and the closing block."""
    body = "\n".join(f"{n}. {task}" for n, task in enumerate(tasks, 1))
    return f"""ỦY BAN NHÂN DÂN
TỈNH {province.upper()}

Số: {number}/KH-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

{province}, ngày 12 tháng 3 năm {year}

KẾ HOẠCH
Cải cách hành chính tỉnh {province} năm {year}

Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030, Ủy ban nhân dân tỉnh ban hành Kế hoạch cải cách hành chính năm {year} như sau:

I. NHIỆM VỤ TRỌNG TÂM
{body}

Nơi nhận:
- Bộ Nội vụ;
- Thường trực Tỉnh ủy;
- Các sở, ban, ngành;
- Lưu: VT, NC.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""


LETTER = f"""ỦY BAN NHÂN DÂN
TỈNH QUẢNG NINH

Số: 1520/UBND-NC
V/v đôn đốc báo cáo cải cách hành chính quý II

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Quảng Ninh, ngày 20 tháng 5 năm {THIS_YEAR}

Kính gửi: Các sở, ban, ngành tỉnh.

Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành gửi báo cáo kết quả cải cách hành chính quý II về Sở Nội vụ trước ngày 25/6/{THIS_YEAR} để tổng hợp.

Nơi nhận:
- Như trên;
- Lưu: VT, NC.

TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG

Trần Thị Bình
"""

DOCUMENTS = {
    "kh-quang-ninh-nay.txt": plan("Quảng Ninh", THIS_YEAR, "45", [
        f"Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành rà soát, đơn giản hóa thủ tục hành chính nội bộ; hoàn thành trước ngày 30/6/{THIS_YEAR}.",
        f"Văn phòng Ủy ban nhân dân tỉnh chủ trì nâng cao tỷ lệ hồ sơ giải quyết trực tuyến toàn trình của dịch vụ công trực tuyến; báo cáo kết quả trước ngày 15/12/{THIS_YEAR}.",
    ]),
    "kh-quang-ninh-truoc.txt": plan("Quảng Ninh", LAST_YEAR, "30", [
        f"Sở Tài chính chủ trì tham mưu bố trí kinh phí thực hiện cải cách hành chính; hoàn thành trong quý II năm {LAST_YEAR}.",
        f"Sở Khoa học và Công nghệ chủ trì triển khai chuyển đổi số trong cơ quan hành chính nhà nước; hoàn thành trước ngày 30/9/{LAST_YEAR}.",
    ]),
    "cv-quang-ninh.txt": LETTER,
    "kh-nghe-an-nay.txt": plan("Nghệ An", THIS_YEAR, "112", [
        f"Sở Nội vụ chủ trì tổ chức kiểm tra công tác cải cách hành chính tại các xã, phường; hoàn thành trước ngày 31/10/{THIS_YEAR}.",
        f"Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật do tỉnh ban hành; báo cáo trước ngày 30/11/{THIS_YEAR}.",
    ]),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """One data folder with the four documents ingested; apps over it are opened with different settings."""
    folder = tmp_path_factory.mktemp("parlens-navigation")
    with local_client(create_app(Settings(data_dir=folder))) as client:
        answer = upload(client, *[(name, text.encode("utf-8")) for name, text in DOCUMENTS.items()])
        assert answer.status_code == 201, answer.text
        ids = {f["file"]: f["document_id"] for f in answer.json()["files"]}
    assert all(ids.values()), ids
    return folder, ids


def app_over(folder: Path, **settings: str):
    return local_client(create_app(Settings(data_dir=folder, **settings)))


def chosen(page: str) -> list[int]:
    """The ids the page compares: the heatmap's columns."""
    head = re.search(r'<table class="grid heatmap".*?</thead>', page, re.S)
    return [int(i) for i in re.findall(r'href="/van-ban/(\d+)"', head.group(0))] if head else []


def ticked(page: str) -> list[int]:
    """The ids ticked in the picker's "Đã chọn" list."""
    block = re.search(r'<ul class="picklist" id="chosen-documents">.*?</ul>', page, re.S).group(0)
    return [int(i) for i in re.findall(r'name="documents" value="(\d+)" checked', block)]


def offered(page: str) -> list[int]:
    """The ids the picker offers to tick (matching the filter, not chosen)."""
    block = re.search(r'<ul class="picklist" id="more-documents">.*?</ul>', page, re.S).group(0)
    return [int(i) for i in re.findall(r'name="documents" value="(\d+)"', block)]


def test_the_menu_reaches_bao_phu(data) -> None:
    folder, _ = data
    with app_over(folder) as client:
        page = client.get("/tim-kiem").text
        menu = re.search(r"<nav[^>]*>(.*?)</nav>", page, re.S).group(1)
        assert re.search(r'<a href="/bao-phu"[^>]*>Bao phủ</a>', menu)
        coverage = client.get("/bao-phu").text
        assert re.search(r'<a href="/bao-phu" class="on">Bao phủ</a>', coverage)


def test_bao_phu_without_parameters_compares_this_years_plans(data) -> None:
    folder, ids = data
    with app_over(folder) as client:
        answer = client.get("/bao-phu")
        assert answer.status_code == 200
        both = [ids["kh-nghe-an-nay.txt"], ids["kh-quang-ninh-nay.txt"]]
        assert sorted(chosen(answer.text)) == sorted(both)  # plans of this year; not last year's, not the letter
        assert sorted(ticked(answer.text)) == sorted(both)
        assert f"Đang so sánh 2 kế hoạch năm {THIS_YEAR}" in answer.text
        assert client.get("/bao-phu", params={"documents": ""}).status_code == 200  # an empty choice is no choice


def test_bao_phu_takes_the_office_scope_from_the_settings(data) -> None:
    folder, ids = data
    with app_over(folder, scope_province="Quảng Ninh") as client:
        assert chosen(client.get("/bao-phu").text) == [ids["kh-quang-ninh-nay.txt"]]
        widened = client.get("/bao-phu", params={"tinh": ""}).text  # an empty scope means every province
        assert sorted(chosen(widened)) == sorted([ids["kh-quang-ninh-nay.txt"], ids["kh-nghe-an-nay.txt"]])
    with app_over(folder, scope_issuer="Nghệ An") as client:
        assert chosen(client.get("/bao-phu").text) == [ids["kh-nghe-an-nay.txt"]]


def test_bao_phu_falls_back_to_the_latest_year_with_plans(data) -> None:
    folder, ids = data
    with app_over(folder, scope_issuer="Quảng Ninh") as client:
        page = client.get("/bao-phu", params={"nam": str(LAST_YEAR)}).text
        assert chosen(page) == [ids["kh-quang-ninh-truoc.txt"]]
    with app_over(folder, scope_issuer="Hà Tĩnh") as client:  # nothing in scope at all: a page, not an error
        empty = client.get("/bao-phu")
        assert empty.status_code == 200 and chosen(empty.text) == [] and 'id="coverage-empty"' in empty.text


def test_bao_phu_picker_filters_by_type_year_and_issuer_and_lists_the_chosen(data) -> None:
    folder, ids = data
    with app_over(folder) as client:
        every = client.get("/bao-phu", params={"loai": "", "nam": ""}).text
        assert sorted(chosen(every)) == sorted(ids.values())
        letters = client.get("/bao-phu", params={"loai": "Công văn", "nam": "", "co_quan": "Quảng Ninh"}).text
        assert chosen(letters) == [ids["cv-quang-ninh.txt"]]
        # Ticked documents are compared whatever the filter; the filter's other matches are offered beside them.
        picked = [ids["kh-quang-ninh-truoc.txt"], ids["cv-quang-ninh.txt"]]
        page = client.get("/bao-phu", params=[("documents", str(i)) for i in picked]).text
        assert chosen(page) == picked and ticked(page) == picked
        assert sorted(offered(page)) == sorted([ids["kh-quang-ninh-nay.txt"], ids["kh-nghe-an-nay.txt"]])
        assert "Đang so sánh 2 văn bản đã chọn" in page
        chosen_list = re.search(r'id="chosen-documents">.*?</ul>', page, re.S).group(0)
        assert "Kế hoạch 30/KH-UBND" in chosen_list and "1520/UBND-NC" in chosen_list
        for name, values in (("loai", ["Công văn", "Kế hoạch"]), ("nam", [str(THIS_YEAR), str(LAST_YEAR)])):
            select = re.search(rf'<select name="{name}">.*?</select>', page, re.S).group(0)
            assert all(f'value="{v}"' in select for v in values), name
        assert client.get("/bao-phu", params={"documents": "424242"}).status_code == 404


def test_overdue_today_keeps_the_other_filters(data) -> None:
    """A guard for issue 11's link (it passes before issue 12 too): the other filters stay, the page resets."""
    folder, ids = data
    with app_over(folder) as client:
        params = {"document": str(ids["kh-quang-ninh-nay.txt"]), "role": "lead", "status": "chua_thuc_hien",
                  "timeliness": "chua_den_han", "criterion": "PAR.3", "trang": "1"}
        page = client.get("/nhiem-vu", params=params).text
        href = unescape(re.search(r'id="overdue-today" href="([^"]+)"', page).group(1))
        kept = dict(parse_qsl(urlsplit(href).query, keep_blank_values=True))
        assert kept["overdue_on"] == date.today().isoformat()
        assert {k: kept.get(k) for k in ("document", "role", "status", "criterion")} == \
            {k: params[k] for k in ("document", "role", "status", "criterion")}
        assert "timeliness" not in kept and "trang" not in kept


def test_criterion_chips_carry_the_name(data) -> None:
    folder, ids = data
    doc_id = ids["kh-quang-ninh-nay.txt"]
    with app_over(folder) as client:
        tasks = client.get("/tasks", params={"document": doc_id}).json()["tasks"]
        task = next(t for t in tasks if t["criteria"])
        pages = {"task list": client.get("/nhiem-vu", params={"document": doc_id}).text,
                 "document": client.get(f"/van-ban/{doc_id}").text,
                 "task": client.get(f"/nhiem-vu/{task['id']}").text}
        for place, page in pages.items():
            for c in task["criteria"]:
                chip = (f'<a class="chip crit" href="/tieu-chi/{c["code"]}" title="{c["code"]} · {c["name"]}">'
                        f'<span class="chip-code">{c["code"]}</span> · <span class="chip-name">{c["name"]}</span></a>')
                assert chip in unescape(page), (place, c["code"])
        code, name = task["criteria"][0]["code"], task["criteria"][0]["name"]
        search = client.get("/tim-kiem", params=[("q", "cai cach hanh chinh"), ("filter", f"criterion={code}")]).text
        filters = re.search(r'id="chosen-filters">(.*?)</p>', search, re.S).group(1)
        assert f"Tiêu chí: {code} · " in unescape(filters)
        assert re.search(r'class="chips hit-criteria">.*?<span class="chip-name">', search, re.S)
