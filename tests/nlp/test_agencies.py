"""Agency recognition and resolution, parametrised over golden cases in tests/nlp/cases/agencies.jsonl."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parlens.nlp.agencies import find_agencies, load_gazetteer, resolve_agency, split_agency_list

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "agencies.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['family']}" for i, c in enumerate(CASES)])
def test_find_agencies_golden(case: dict) -> None:
    on = date.fromisoformat(case["on"]) if "on" in case else None
    got = find_agencies(case["text"], on=on)
    assert len(got) == len(case["mentions"]), [(m.text, m.agency_id) for m in got]
    for m, want in zip(got, case["mentions"]):
        assert case["text"][m.start : m.end] == m.text
        for key, value in want.items():
            assert getattr(m, key) == value, (key, m)


def test_every_pattern_family_has_cases() -> None:
    families = {c["family"] for c in CASES}
    assert {"gazetteer", "abbreviation", "bracket", "people_committee", "collective", "elliptical", "shared_head",
            "title", "noise", "reorganisation", "place", "negative", "institution"} <= families


def test_old_name_resolves_to_itself_before_and_successor_after_the_merger() -> None:
    before = resolve_agency("Sở Giao thông vận tải", on=date(2025, 2, 28))
    after = resolve_agency("Sở Giao thông vận tải", on=date(2025, 3, 1))
    assert (before.agency_id, after.agency_id) == ("so-giao-thong-van-tai", "so-xay-dung")
    assert after.written_id == "so-giao-thong-van-tai" and after.text == "Sở Giao thông vận tải"
    assert "Sở Xây dựng" in after.note


def test_district_bodies_after_july_2025_are_kept_with_a_note() -> None:
    (m,) = find_agencies("UBND huyện Nam Đàn báo cáo", on=date(2025, 7, 2))
    assert m.agency_id == "ubnd-huyen-nam-dan" and m.note and "cấp huyện" in m.note
    (early,) = find_agencies("UBND huyện Nam Đàn báo cáo", on=date(2025, 6, 30))
    assert early.note is None


def test_resolve_agency_accepts_a_bare_field_and_whole_cells() -> None:
    assert resolve_agency("Nội vụ").name == "Sở Nội vụ"
    assert resolve_agency("  Sở Tư pháp; ").agency_id == "so-tu-phap"
    assert resolve_agency("kế hoạch năm 2025") is None


def test_split_agency_list_gives_co_leads_and_keeps_collectives_whole() -> None:
    text = "Sở Khoa học và Công nghệ, Công an tỉnh"
    assert [m.agency_id for m in split_agency_list(text)] == ["so-khoa-hoc-va-cong-nghe", "cong-an-tinh"]
    cell = "Các sở, ban, ngành, UBND các xã, phường"
    (whole,) = split_agency_list(cell)
    assert (whole.start, whole.end, whole.collective) == (0, len(cell), True)


def test_split_agency_list_separates_semicolon_items_and_keeps_unknown_parts() -> None:
    cell = "Các sở, ban, ngành; UBND các phường xã; Trung tâm Điều hành thông minh"
    got = split_agency_list(cell)
    assert [m.text for m in got] == ["Các sở, ban, ngành", "UBND các phường xã", "Trung tâm Điều hành thông minh"]
    assert got[1].agency_id == "ubnd-cap-xa" and got[2].agency_id is None


def test_bare_collective_at_cell_start() -> None:
    (m,) = split_agency_list("Doanh nghiệp viễn thông, bưu chính")
    assert m.collective and m.text == "Doanh nghiệp viễn thông, bưu chính"


def test_gazetteer_covers_both_province_lists() -> None:
    gaz = load_gazetteer()
    assert len(gaz.provinces) == 63
    assert sum(p.successor is None for p in gaz.provinces.values()) == 34
    assert all(gaz.provinces[p.successor].successor is None for p in gaz.provinces.values() if p.successor)


def test_every_successor_exists() -> None:
    gaz = load_gazetteer()
    for body in gaz.bodies.values():
        if body.successor:
            assert body.successor in gaz.bodies, body.id
            assert body.valid_until is not None, body.id


def test_decomposed_unicode_keeps_offsets() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Giao Sở Nội vụ và UBND tỉnh Đồng Nai")
    got = find_agencies(text)
    assert [m.agency_id for m in got] == ["so-noi-vu", "ubnd-tinh"]
    assert all(text[m.start : m.end] == m.text for m in got)
    assert unicodedata.normalize("NFC", got[0].text) == "Sở Nội vụ"


def test_resolve_province_before_and_after_the_rearrangement() -> None:
    from parlens.nlp.agencies import resolve_province

    assert resolve_province("tỉnh Quảng Nam").name == "Quảng Nam"
    assert resolve_province("tỉnh Quảng Nam", on=date(2025, 7, 1)).name == "Đà Nẵng"
    assert resolve_province("Thừa Thiên Huế", on=date(2025, 7, 1)).id == "hue"
    assert resolve_province("không có tên tỉnh") is None


# Institution names with verb-like words: (text, the name as it should end). Written for these tests.
INSTITUTION_CASES = [
    ("Viện Nghiên cứu phát triển nông thôn tỉnh tổng hợp số liệu điều tra", "Viện Nghiên cứu phát triển nông thôn tỉnh"),
    ("Quỹ Hỗ trợ phát triển hợp tác xã tỉnh chủ trì cho vay vốn", "Quỹ Hỗ trợ phát triển hợp tác xã tỉnh"),
    ("Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch tỉnh hướng dẫn doanh nghiệp", "Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch tỉnh"),
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh rà soát hồ sơ", "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
    ("Tổ công tác thực hiện Chương trình 135 của tỉnh kiểm tra tiến độ", "Tổ công tác thực hiện Chương trình 135 của tỉnh"),
    # a name that does not open with an activity ends at the first verb
    ("Hội Nông dân tỉnh hỗ trợ nông dân vay vốn", "Hội Nông dân tỉnh"),
    ("Trung tâm Phục vụ hành chính công tỉnh hỗ trợ người dân nộp hồ sơ", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("Tổ công tác triển khai kiểm tra tại các xã", "Tổ công tác"),
    # not an institution: a department's duty verb is never part of its name
    ("Sở Văn hóa, Thể thao và Du lịch phát triển sản phẩm du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
]


@pytest.mark.parametrize("text, name", INSTITUTION_CASES)
def test_institution_names_keep_their_verb_like_words(text: str, name: str) -> None:
    from parlens.task_extraction.addressees import phrase_end

    assert text[:phrase_end(text, 0)] == name


def test_institution_verb_in_name_checks_position_and_verb_list() -> None:
    from parlens.nlp.agencies import institution_verb_in_name

    t = "Viện Nghiên cứu phát triển kinh tế - xã hội thành phố tổng hợp, phân tích"
    assert institution_verb_in_name(t, 0, t.index("phát"), t.index(" kinh"))
    assert not institution_verb_in_name(t, 0, t.index("tổng"), t.index(" hợp") + 4)  # not a name verb
    far = "Viện Nghiên cứu kinh tế xã hội thành phố phát triển mạng lưới"
    assert not institution_verb_in_name(far, 0, far.index("phát"), far.index(" mạng"))  # too far from the activity


@pytest.mark.parametrize("name, agency_id, kind", [
    ("Viện Nghiên cứu phát triển kinh tế - xã hội tỉnh", "vien-nghien-cuu-phat-trien-kinh-te-xa-hoi-tinh", "service_unit"),
    ("Học viện Chính trị khu vực", "hoc-vien-chinh-tri-khu-vuc", "service_unit"),
    ("Quỹ Bảo vệ môi trường thành phố", "quy-bao-ve-moi-truong-tinh", "other"),
])
def test_resolve_agency_names_a_generic_institution(name: str, agency_id: str, kind: str) -> None:
    m = resolve_agency(name)
    assert (m.agency_id, m.kind, m.text) == (agency_id, kind, name)


def test_generic_institution_needs_a_capitalised_name() -> None:
    assert resolve_agency("Viện nào đó") is None
    assert resolve_agency("Trung tâm") is None


def test_name_verb_right_after_a_service_institution_head_is_part_of_the_name() -> None:
    from parlens.task_extraction.addressees import phrase_end

    t = "Trung tâm nghiên cứu thị trường tỉnh tổng hợp dữ liệu giá"
    assert t[:phrase_end(t, 0)] == "Trung tâm nghiên cứu thị trường tỉnh"


# ---------------------------------------------------------------------------------------------------
# The phrase API (where an agency phrase starts and ends, its members), golden cases in
# tests/nlp/cases/agency_phrases.jsonl: text, position, expected end (null: no phrase starts there), the phrase,
# its members (split, collectives apart; ``members_whole``: collectives kept whole, when it differs) and the
# agency_id find_agencies gives each member on the same text (null: find_agencies names no body there).

from parlens.nlp.agencies import (  # noqa: E402
    agency_head_at,
    agency_phrase_end,
    is_collective_name,
    phrase_vocabulary,
    split_agency_phrase,
)

PHRASE_CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "agency_phrases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", PHRASE_CASES, ids=[f"{i}-{c['family']}" for i, c in enumerate(PHRASE_CASES)])
def test_agency_phrase_golden(case: dict) -> None:
    text, pos = case["text"], case["position"]
    if case["end"] is None:
        assert agency_head_at(text, pos) is None
        return
    assert agency_head_at(text, pos) is not None
    end = agency_phrase_end(text, pos)
    assert (end, text[pos:end]) == (case["end"], case["phrase"])
    members = split_agency_phrase(text[pos:end], keep_collectives_whole=False)
    assert [m.text for m in members] == case["members"]
    whole = split_agency_phrase(text[pos:end])
    assert [m.text for m in whole] == case.get("members_whole", case["members"])
    if "ids" in case:
        # Agreement: each member is a span find_agencies returns on the same text, with the id given, or a part
        # of a merged collective (its id: the part read alone); a null id is a member find_agencies does not name.
        mentions = find_agencies(text)
        spans = {(m.start, m.end): m.agency_id for m in mentions}
        for m in mentions:
            for s, e in m.parts:
                spans.setdefault((s, e), resolve_agency(text[s:e]).agency_id)
        got = [spans.get((pos + m.start, pos + m.end)) for m in members]
        assert got == case["ids"]


def test_every_phrase_family_has_cases() -> None:
    families = {c["family"] for c in PHRASE_CASES}
    assert {"collective", "elliptical", "title", "ministry", "state_group", "broadcaster", "people_committee",
            "known_name", "list", "qualifier", "negative", "unknown"} <= families


def test_one_vocabulary_titles_and_collective_nouns_serve_both_recognisers() -> None:
    """Every title and collective noun of agency_phrases.yaml is read the same way by find_agencies and the phrase API."""
    vocab = phrase_vocabulary()
    for entry in vocab["titles"]:
        title = entry["title"]
        body, body_id = ("Văn phòng UBND tỉnh", "van-phong-ubnd-tinh") if title == "Chánh" else ("Sở Tư pháp", "so-tu-phap")
        text = f"{title} {body} chủ trì thẩm định."
        (m,) = find_agencies(text)
        assert (m.start, m.agency_id) == (0, body_id) and m.title.startswith(title), title
        if entry.get("opens") in ("alone", "before_body"):
            assert agency_head_at(text, 0) and text[:agency_phrase_end(text, 0)] == f"{title} {body}", title
        else:  # "Phó Chủ tịch UBND tỉnh phát biểu" opens no addressee ("Chi cục trưởng": "Chi cục" is a body head)
            head = agency_head_at(text, 0)
            assert head is None or head.group(0) != title, title
    weak = set(vocab["weak_collective_nouns"])
    for noun in vocab["collective_nouns"]:
        text = f"Các {noun} có liên quan rà soát quy trình."
        assert agency_head_at(text, 0), noun
        if noun not in weak:
            assert [(m.start, m.collective) for m in find_agencies(text)][:1] == [(0, True)], noun


def test_one_vocabulary_nothing_left_in_the_extractor() -> None:
    """The extractor's adapter decides nothing and its lexicon no longer holds head or name-ending words."""
    import inspect

    from parlens.task_extraction import addressees
    from parlens.task_extraction.lexicon import PHRASE_KEYS, lexicon

    source = inspect.getsource(addressees)
    assert "re.compile" not in source and "_SHORT_HEADS" not in source and "_COLLECTIVE_NOUNS" not in source
    raw = json.loads((Path(addressees.__file__).parent / "data" / "lexicon.json").read_text(encoding="utf-8"))
    assert not {"agency_heads", "collective_words", *PHRASE_KEYS} & raw.keys()
    assert all(lexicon()[k] == phrase_vocabulary()["ends"][k] for k in PHRASE_KEYS)


def test_merged_collectives_keep_their_parts() -> None:
    text = "Các sở, ban, ngành; UBND các phường, xã tổ chức thực hiện."
    (m,) = find_agencies(text)
    assert m.text == "Các sở, ban, ngành; UBND các phường, xã"
    assert [text[s:e] for s, e in m.parts] == ["Các sở, ban, ngành", "UBND các phường, xã"]


def test_collective_read_by_the_recogniser() -> None:
    assert is_collective_name("Thủ trưởng cơ quan ngang bộ")
    assert is_collective_name("Ủy ban nhân dân xã, phường, đặc khu")
    assert not is_collective_name("Văn phòng Chính phủ")


# National bodies (official names; the 2025 cabinet of NQ 176/2025/QH15), state groups and broadcasters.
@pytest.mark.parametrize("name, agency_id, kind", [
    ("Bộ Công Thương", "bo-cong-thuong", "ministry"),
    ("Bộ Dân tộc và Tôn giáo", "bo-dan-toc-va-ton-giao", "ministry"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "bo-van-hoa-the-thao-va-du-lich", "ministry"),
    ("Văn phòng Chính phủ", "van-phong-chinh-phu", "ministry"),
    ("Thanh tra Chính phủ", "thanh-tra-chinh-phu", "ministry"),
    ("Ngân hàng Nhà nước Việt Nam", "ngan-hang-nha-nuoc-viet-nam", "ministry"),
    ("Đài Truyền hình Việt Nam", "dai-truyen-hinh-viet-nam", "press"),
    ("Đài Tiếng nói Việt Nam", "dai-tieng-noi-viet-nam", "press"),
    ("Thông tấn xã Việt Nam", "thong-tan-xa-viet-nam", "press"),
    ("Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt Nam", "tap-doan-cong-nghiep-nang-luong-quoc-gia-viet-nam", "enterprise"),
    ("Tập đoàn Công nghiệp – Năng lượng Quốc gia Việt Nam", "tap-doan-cong-nghiep-nang-luong-quoc-gia-viet-nam", "enterprise"),
    ("Tập đoàn Dầu khí Việt Nam", "tap-doan-cong-nghiep-nang-luong-quoc-gia-viet-nam", "enterprise"),
    ("Tập đoàn Bưu chính Viễn thông Việt Nam", "tap-doan-buu-chinh-vien-thong-viet-nam", "enterprise"),
    ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "tap-doan-cong-nghiep-vien-thong-quan-doi", "enterprise"),
    ("Tập đoàn Điện lực Việt Nam", "tap-doan-dien-luc-viet-nam", "enterprise"),
    ("Bảo hiểm xã hội Việt Nam", "bao-hiem-xa-hoi-viet-nam", "service_unit"),
    ("Ban Bí thư", "ban-bi-thu", "party"),
])
def test_national_bodies_resolve_to_ids(name: str, agency_id: str, kind: str) -> None:
    m = resolve_agency(name)
    assert (m.agency_id, m.kind, m.text) == (agency_id, kind, name)


def test_ministry_mergers_of_march_2025() -> None:
    on = date(2025, 3, 1)
    assert resolve_agency("Bộ Kế hoạch và Đầu tư", on=on).agency_id == "bo-tai-chinh"
    assert resolve_agency("Bộ Thông tin và Truyền thông", on=on).agency_id == "bo-khoa-hoc-va-cong-nghe"
    assert resolve_agency("Bộ Lao động - Thương binh và Xã hội", on=on).agency_id == "bo-noi-vu"
    assert resolve_agency("Ủy ban Dân tộc", on=on).agency_id == "bo-dan-toc-va-ton-giao"
    assert resolve_agency("Bộ Kế hoạch và Đầu tư", on=date(2025, 2, 28)).agency_id == "bo-ke-hoach-va-dau-tu"


def test_docstring_examples() -> None:
    import doctest
    import importlib

    for name in ("parlens.nlp.agencies", "parlens.task_extraction.addressees"):
        result = doctest.testmod(importlib.import_module(name))
        assert result.attempted > 0 and result.failed == 0, name


# One body, one name (issue 12 item 8): the ways staff write one body, each with the (id, name) every list groups by.
ONE_BODY_CASES = [
    ("ubnd-cap-xa", "Ủy ban nhân dân cấp xã", [
        "UBND phường, xã, đặc khu", "Ủy ban nhân dân phường, xã, đặc khu", "UBND các xã, phường", "UBND các phường xã",
        "UBND các xã, phường và đặc khu", "Ủy ban nhân dân cấp xã", "Chủ tịch UBND các xã", "Chủ tịch Ủy ban nhân dân cấp xã",
        "UBND các xã, phường, thị trấn", "các phường, xã, đặc khu", "UBND phường", "UBND xã"]),
    ("ubnd-cap-huyen", "Ủy ban nhân dân cấp huyện", [
        "UBND các huyện, thị xã, thành phố", "Chủ tịch UBND các huyện, thành phố", "UBND cấp huyện", "UBND huyện"]),
    ("so-noi-vu", "Sở Nội vụ", ["Sở Nội vụ", "Giám đốc Sở Nội vụ", "Nội vụ", "ngành Nội vụ", "Sở Nội vụ tỉnh Quảng Trị",
                                "Giám đốc Sở Nội vụ thành phố Đà Nẵng"]),
    ("collective:so-ban-nganh", "Các sở, ban, ngành", [
        "Các sở, ban, ngành", "các sở, ban ngành tỉnh", "Thủ trưởng các sở, ban, ngành cấp tỉnh", "Các sở, ban, ngành có liên quan"]),
    ("collective:so-ban-nganh+ubnd-cap-xa", "Các sở, ban, ngành; Ủy ban nhân dân cấp xã", [
        "Các sở, ban, ngành, UBND các xã, phường", "Các sở, ban, ngành tỉnh; UBND phường, xã, đặc khu",
        "Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các xã, phường, đặc khu"]),
    ("ubnd-cap-tinh", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", [
        "UBND các tỉnh, thành phố trực thuộc Trung ương", "Chủ tịch UBND các tỉnh, thành phố từ Quảng Bình đến Bình Định"]),
]


@pytest.mark.parametrize("agency_id, name, surfaces", ONE_BODY_CASES, ids=[c[0] for c in ONE_BODY_CASES])
def test_every_way_of_writing_a_body_resolves_to_its_one_name(agency_id: str, name: str, surfaces: list[str]) -> None:
    from parlens.task_extraction.addressees import resolve

    assert {s: resolve(s, on=date(2025, 9, 1)) for s in surfaces} == {s: (agency_id, name) for s in surfaces}


def test_a_bare_sector_resolves_to_the_body_of_the_document_level() -> None:
    assert resolve_agency("ngành Nội vụ").agency_id == "so-noi-vu"
    assert resolve_agency("Nội vụ", level="central").agency_id == "bo-noi-vu"
    assert resolve_agency("lĩnh vực Tư pháp", level="central").agency_id == "bo-tu-phap"
    assert resolve_agency("ngành chức năng") is None


def test_regions_of_one_branch_are_bodies_of_their_own() -> None:
    xii, ii = (resolve_agency(f"Ngân hàng Nhà nước Việt Nam - Chi nhánh Khu vực {r}") for r in ("XII", "II"))
    assert xii.agency_id != ii.agency_id and {xii.name, ii.name} == {
        "Ngân hàng Nhà nước Việt Nam - Chi nhánh Khu vực XII", "Ngân hàng Nhà nước Việt Nam - Chi nhánh Khu vực II"}


def test_canonical_name_by_id_whatever_the_name_stored() -> None:
    from parlens.nlp.agencies import canonical_agency_name, canonical_agency_names

    assert canonical_agency_name("ubnd-cap-xa", ["Ủy ban nhân dân phường, xã, đặc khu"]) == "Ủy ban nhân dân cấp xã"
    assert canonical_agency_name("so-noi-vu", ["Sở Nội vụ tỉnh Quảng Trị"]) == "Sở Nội vụ"
    # a provincial body of a centrally run city keeps "thành phố" when its names say so
    assert canonical_agency_name("van-phong-ubnd-tinh", ["Văn phòng Ủy ban nhân dân thành phố"] * 2
                                 + ["Văn phòng Ủy ban nhân dân tỉnh"]) == "Văn phòng Ủy ban nhân dân thành phố"
    assert canonical_agency_name("van-phong-ubnd-tinh", []) == "Văn phòng Ủy ban nhân dân tỉnh"
    # ids that name their parts
    assert canonical_agency_name("collective:ubnd-huyen-xa") == "Ủy ban nhân dân cấp huyện, cấp xã"
    assert canonical_agency_name("collective:co-quan-don-vi+ubnd-cap-xa") == "Các cơ quan, đơn vị; Ủy ban nhân dân cấp xã"
    # an id outside the gazetteer: the name stored most often
    assert canonical_agency_name("ubnd-xa-tan-hung", ["UBND xã Tân Hưng", "Ủy ban nhân dân xã Tân Hưng",
                                                      "Ủy ban nhân dân xã Tân Hưng"]) == "Ủy ban nhân dân xã Tân Hưng"
    assert canonical_agency_name(None, ["Tổ công tác"]) is None
    assert canonical_agency_names([("ubnd-cap-xa", "Ủy ban nhân dân các xã, phường"), (None, "Tổ công tác"),
                                   ("ubnd-cap-xa", "Ủy ban nhân dân xã")]) == {"ubnd-cap-xa": "Ủy ban nhân dân cấp xã"}
