"""Probable duplicates: one document from two files is stored once for counting, linked, and a person decides."""

from __future__ import annotations

import random
from datetime import date

import pytest

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.nlp.normalize import fold
from parlens.store import Store
from parlens.store import duplicates as dup

PLAN = "\n".join(
    f"{n}. Giao {agency} chủ trì {work}, báo cáo kết quả về Sở Nội vụ trước ngày {day}/{month}/2026."
    for n, (agency, work, day, month) in enumerate([
        ("Sở Nội vụ", "rà soát chức năng, nhiệm vụ của các phòng chuyên môn thuộc Ủy ban nhân dân cấp xã", 15, 3),
        ("Sở Tư pháp", "kiểm tra việc thực hiện văn bản quy phạm pháp luật tại các sở, ban, ngành", 30, 4),
        ("Văn phòng UBND tỉnh", "nâng cao tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình", 31, 5),
        ("Sở Khoa học và Công nghệ", "vận hành Trung tâm dữ liệu tỉnh và nền tảng tích hợp, chia sẻ dữ liệu", 30, 6),
        ("Sở Tài chính", "hướng dẫn cơ chế tự chủ tài chính đối với đơn vị sự nghiệp công lập", 31, 7),
        ("Công an tỉnh", "phối hợp làm sạch dữ liệu dân cư phục vụ giải quyết thủ tục hành chính", 31, 8),
    ], start=1)
)


def plan(text: str = PLAN, *, number: str | None = "45/KH-UBND", issued: date | None = date(2026, 1, 12),
         issuer: str | None = "UBND TỈNH PHÚ THỌ") -> Document:
    return Document(text=text, blocks=[Block("paragraph", text, 0, len(text))],
                    metadata=DocumentMetadata(doc_type="Kế hoạch", number=number, issued_on=issued, issuer=issuer,
                                              title="Kế hoạch cải cách hành chính năm 2026"))


def tasks(n: int = 3) -> list[Task]:
    return [Task(agency="Sở Nội vụ", role="lead", task=f"nhiệm vụ {i}", start=i, end=i + 1, agency_id="so-noi-vu",
                 deadline=Deadline("trước ngày 15/3/2026", due=date(2026, 3, 15)),
                 criteria=[CriterionLink("PAR.2", "Cải cách tổ chức bộ máy", 0.8)])
            for i in range(n)]


def ocr_noise(text: str, rate: float = 0.06, seed: int = 3) -> str:
    """Lose diacritics and garble a share of words, as a poor scan's OCR does."""
    rng = random.Random(seed)
    words = text.split(" ")
    for i, word in enumerate(words):
        if rng.random() < rate:
            words[i] = word[:-1] + "l" if len(word) > 2 else word + "."
        elif rng.random() < 0.2:
            words[i] = fold(word)
    return " ".join(words)


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


def test_the_same_number_date_and_issuer_from_another_file_is_a_copy(store: Store) -> None:
    first, _ = store.add_document(plan(), b"docx bytes", tasks(3))
    scan = plan(ocr_noise(PLAN), number="Số: 45 /KH-UBND", issuer="Ủy ban nhân dân tỉnh Phú Thọ")
    second, created = store.add_document(scan, b"scan bytes", tasks(3))
    assert created and second != first
    stored = store.get_document(second)
    assert (stored.duplicate_of, stored.duplicate_reason) == (first, "number")
    assert store.get_document(first).duplicate_of is None
    # The copy's tasks are kept (its page shows them) but counted once everywhere else.
    assert len(store.get_tasks()) == 3 and store.count_tasks() == 3
    assert len(store.get_tasks(document_id=second)) == 3
    assert store.agency_task_counts() == [("so-noi-vu", "Sở Nội vụ", 3)]
    assert store.criterion_task_counts()["PAR.2"] == 3
    assert store.stats()["tasks"] == 3 and store.stats()["duplicates"] == 1


def test_a_scan_without_a_readable_number_is_matched_by_its_text(store: Store) -> None:
    first, _ = store.add_document(plan(), b"docx bytes", tasks())
    second, _ = store.add_document(plan(ocr_noise(PLAN), number=None), b"scan bytes", tasks())
    stored = store.get_document(second)
    assert stored.duplicate_of == first and stored.duplicate_reason == "text"


def test_different_numbers_or_unrelated_texts_are_two_documents(store: Store) -> None:
    first, _ = store.add_document(plan(), b"2026", tasks())
    # Next year's plan copied from this one: nearly the same text, another number and date.
    other, _ = store.add_document(plan(number="12/KH-UBND", issued=date(2027, 1, 8)), b"2027", tasks())
    unrelated = plan("\n".join(f"Điều {i}. Quy chế làm việc của Tổ công tác số {i} về chuyển đổi số, họp định kỳ "
                               f"vào thứ {i + 1} hằng tuần tại phòng họp số {i}." for i in range(12)), number=None)
    third, _ = store.add_document(unrelated, b"other", tasks())
    assert [store.get_document(i).duplicate_of for i in (first, other, third)] == [None, None, None]
    assert store.count_tasks() == 9


def test_a_copy_of_a_copy_points_at_the_primary(store: Store) -> None:
    first, _ = store.add_document(plan(), b"a", tasks())
    second, _ = store.add_document(plan(), b"b", tasks())
    third, _ = store.add_document(plan(), b"c", tasks())
    assert store.get_document(third).duplicate_of == first
    assert [g["id"] for g in dup.group_of(store, second)] == [first, second, third]


def test_keep_makes_another_copy_the_one_that_counts(store: Store) -> None:
    first, _ = store.add_document(plan(), b"a", tasks(2))
    second, _ = store.add_document(plan(), b"b", tasks(5))
    seq = store.last_change_seq()
    group = dup.keep(store, second)
    assert [(g["id"], g["primary"]) for g in group] == [(second, True), (first, False)]
    assert store.count_tasks() == 5 and {t.document_id for t in store.get_tasks()} == {second}
    assert {c.document_id for c in store.changes_since(seq)} == {first, second}  # the index follows


def test_separate_makes_both_count_and_a_leaving_primary_hands_over(store: Store) -> None:
    first, _ = store.add_document(plan(), b"a", tasks(1))
    second, _ = store.add_document(plan(), b"b", tasks(2))
    third, _ = store.add_document(plan(), b"c", tasks(4))
    dup.separate(store, first)
    assert store.get_document(first).duplicate_of is None
    assert store.get_document(first).duplicate_reason == "distinct"
    assert store.get_document(third).duplicate_of == second  # the next copy became the primary
    assert store.count_tasks() == 1 + 2


def test_deleting_the_primary_promotes_its_first_copy(store: Store) -> None:
    first, _ = store.add_document(plan(), b"a", tasks(1))
    second, _ = store.add_document(plan(), b"b", tasks(2))
    third, _ = store.add_document(plan(), b"c", tasks(4))
    seq = store.last_change_seq()
    store.delete_document(first)
    assert store.get_document(second).duplicate_of is None
    assert store.get_document(third).duplicate_of == second
    assert store.count_tasks() == 2
    assert second in {c.document_id for c in store.changes_since(seq)}


def test_documents_stored_before_detection_get_signatures(store: Store) -> None:
    first, _ = store.add_document(plan(number=None), b"a", tasks())
    with store.transaction() as conn:  # as a store from before migration 0004 would be
        conn.execute("DELETE FROM document_signatures")
        conn.execute("DELETE FROM document_bands")
    store._signatures_backfilled = False
    second, _ = store.add_document(plan(ocr_noise(PLAN), number=None), b"b", tasks())
    assert store.get_document(second).duplicate_of == first


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Số: 45/KH-UBND", "45/KH-UBND", True),
    ("45 /KH–UBND", "45/kh-ubnd", True),
    ("45/KH-UBND", "46/KH-UBND", False),
])
def test_number_key(a: str, b: str, same: bool) -> None:
    assert (dup.number_key(a) == dup.number_key(b)) is same


def test_number_key_needs_a_digit() -> None:
    assert dup.number_key("/KH-UBND") is None and dup.number_key(None) is None


def test_similarity_separates_an_ocr_copy_from_another_document() -> None:
    copy = dup.similarity(dup.text_signature(PLAN), dup.text_signature(ocr_noise(PLAN)))
    # Another plan in the same form (the same closing formula on every line), with other duties.
    other_plan = "\n".join(
        f"{n}. Giao {agency} chủ trì {work}, báo cáo kết quả về Sở Nội vụ trước ngày {n + 9}/{n + 2}/2026."
        for n, (agency, work) in enumerate([
            ("Sở Giáo dục và Đào tạo", "tổ chức khảo sát sự hài lòng của phụ huynh đối với nhà trường"),
            ("Sở Y tế", "triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh"),
            ("Sở Xây dựng", "công khai quy hoạch xây dựng trên cổng thông tin điện tử"),
            ("Sở Nông nghiệp và Môi trường", "số hóa hồ sơ đất đai đã cấp giấy chứng nhận"),
            ("Thanh tra tỉnh", "thanh tra công vụ đột xuất tại bộ phận một cửa cấp xã"),
            ("Đài Phát thanh và Truyền hình", "mở chuyên mục tuyên truyền về chính quyền số"),
        ], start=1))
    other = dup.similarity(dup.text_signature(PLAN), dup.text_signature(other_plan))
    assert copy >= dup.TEXT_THRESHOLD > other
    assert dup.text_signature("Kế hoạch ngắn") is None  # too short to judge by text
