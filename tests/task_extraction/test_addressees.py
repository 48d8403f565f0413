"""Addressee phrases: where an agency phrase ends and how a list of bodies splits."""

from __future__ import annotations

import pytest

from parlens.task_extraction.addressees import head_at, phrase_end, split_members
from parlens.task_extraction.roles import read_role


@pytest.mark.parametrize("phrase, members", [
    ("Liên đoàn Lao động, Hội Nông dân, Liên minh Hợp tác xã", ["Liên đoàn Lao động", "Hội Nông dân", "Liên minh Hợp tác xã"]),
    ("Báo và Phát thanh, Truyền hình tỉnh và các cơ quan báo chí", ["Báo và Phát thanh, Truyền hình tỉnh", "các cơ quan báo chí"]),
    ("Các sở, ban, ngành, UBND các xã, phường", ["Các sở, ban, ngành, UBND các xã, phường"]),
    ("Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Kế hoạch và Đầu tư, Tài chính; Thủ trưởng các cơ quan có liên quan",
     ["Chánh Văn phòng UBND tỉnh", "Kế hoạch và Đầu tư", "Tài chính", "Thủ trưởng các cơ quan có liên quan"]),
    ("Ban Quản lý các Khu công nghiệp, khu kinh tế", ["Ban Quản lý các Khu công nghiệp, khu kinh tế"]),
])
def test_split_members(phrase, members):
    assert [m.text for m in split_members(phrase)] == members


def test_collectives_split_when_asked():
    assert [m.text for m in split_members("Các sở, ban, ngành; UBND các phường, xã", keep_collectives_whole=False)] == [
        "Các sở, ban, ngành", "UBND các phường, xã"]


@pytest.mark.parametrize("sentence, agency", [
    ("Sở Nội vụ tỉnh Lào Cai sẽ là đơn vị chủ trì", "Sở Nội vụ tỉnh Lào Cai"),
    ("Ban Chỉ đạo cải cách hành chính tỉnh tổ chức kiểm tra", "Ban Chỉ đạo cải cách hành chính tỉnh"),
    ("Sở Kế hoạch và Đầu tư (KHĐT) về tác động", "Sở Kế hoạch và Đầu tư (KHĐT)"),
    ("Các cơ sở đào tạo đại học, sau đại học mở thêm chuyên ngành", "Các cơ sở đào tạo đại học, sau đại học"),
])
def test_phrase_end_stops_at_lower_case_predicate(sentence, agency):
    assert head_at(sentence, 0) and sentence[:phrase_end(sentence, 0)] == agency


@pytest.mark.parametrize("text", ["Hội nghị sơ kết công tác", "Ban hành kèm theo Quyết định", "Báo cáo kết quả"])
def test_common_nouns_are_not_agency_heads(text):
    assert head_at(text, 0) is None


def test_role_readings():
    lead = read_role("Chủ trì, phối hợp với Sở Nội vụ và các cơ quan, đơn vị có liên quan tổ chức phong trào thi đua")
    assert lead.role == "lead" and [p[0] for p in lead.partners] == ["Sở Nội vụ", "các cơ quan, đơn vị có liên quan"]
    support = read_role("Phối hợp với các đơn vị trong việc nghiên cứu, tham mưu")
    assert support.role == "support" and support.task_text("Phối hợp với các đơn vị trong việc nghiên cứu, tham mưu") == "nghiên cứu, tham mưu"
    placeholder = read_role("Phối hợp với các đơn vị liên quan triển khai")
    assert placeholder.role == "lead" and placeholder.placeholder_only
