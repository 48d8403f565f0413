"""One body, one name over HTTP: a plan that writes one body several ways gives one agency row (GET /agencies),
one filter value, and tasks that name it canonically while keeping the words as written."""

from __future__ import annotations

from .conftest import upload

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG TRỊ
Số: 45/KH-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Quảng Trị, ngày 12 tháng 3 năm 2026

KẾ HOẠCH
Kiểm soát thủ tục hành chính tại cấp xã năm 2026

III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch này; báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2026.
2. Giám đốc Sở Nội vụ tham mưu Chủ tịch UBND tỉnh kiểm tra công tác cải cách hành chính tại các xã, phường.
3. UBND phường, xã, đặc khu tổ chức rà soát thủ tục hành chính thuộc thẩm quyền giải quyết, hoàn thành trước ngày 30/6/2026.
4. Ủy ban nhân dân cấp xã thực hiện niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa.
5. UBND các xã, phường triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính trước ngày 30/9/2026.

Nơi nhận:
- Các sở, ban, ngành;
- UBND các xã, phường, đặc khu;
- Lưu: VT.
"""


def test_one_body_written_several_ways_is_one_agency_row_and_one_name(client) -> None:
    answer = upload(client, ("kh-kiem-soat-tthc.txt", PLAN.encode("utf-8")))
    assert answer.status_code == 201, answer.text
    agencies = client.get("/agencies").json()["agencies"]
    communes = [a for a in agencies if a["agency_id"] == "ubnd-cap-xa"]
    home = [a for a in agencies if a["agency_id"] == "so-noi-vu"]
    assert [a["name"] for a in communes] == ["Ủy ban nhân dân cấp xã"] and [a["name"] for a in home] == ["Sở Nội vụ"]
    assert len({a["name"] for a in agencies}) == len(agencies)  # no two rows share a name either
    for row, surfaces in ((communes[0], 3), (home[0], 2)):
        tasks = client.get("/tasks", params={"agency": row["agency_id"]}).json()["tasks"]
        assert row["tasks"] == len(tasks) >= surfaces
        assert {t["agency_name"] for t in tasks} == {row["name"]}
        assert len({t["agency"] for t in tasks}) >= surfaces  # the words as written are kept, one per way of writing
