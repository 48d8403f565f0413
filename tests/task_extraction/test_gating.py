"""The descriptive-page gate: our own descriptive pages yield nothing, assigning documents lose nothing."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from parlens.ingest import read_document
from parlens.task_extraction import gating
from parlens.task_extraction.extract import extract_candidates
from parlens.task_extraction.textdoc import document_from_text

ROOT = Path(__file__).resolve().parents[2]
NEGATIVES = ROOT / "corpora" / "negatives"
DEVSET = ROOT.parent / "shared" / "devset"
PAGES = sorted(p for p in NEGATIVES.iterdir() if p.suffix in (".txt", ".html"))

HEADER = """ỦY BAN NHÂN DÂN
TỈNH HÀ TĨNH
Số: 07/CT-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Tĩnh, ngày 10 tháng 3 năm 2026

"""

DIRECTIVE = HEADER + """CHỈ THỊ
Về tăng cường kỷ luật, kỷ cương trong giải quyết thủ tục hành chính

Năm 2025, tỷ lệ hồ sơ giải quyết đúng hạn của tỉnh đạt 97,8%; tuy nhiên vẫn còn 1.320 hồ sơ quá hạn, chủ yếu ở lĩnh vực đất đai.

Để khắc phục tình trạng trên, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:

1. Giám đốc các sở, thủ trưởng các ban, ngành cấp tỉnh:
a) Rà soát toàn bộ hồ sơ đang giải quyết, xử lý dứt điểm hồ sơ quá hạn trước ngày 30/4/2026.
b) Công khai xin lỗi tổ chức, cá nhân khi để hồ sơ quá hạn.

2. Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh kiểm tra đột xuất việc chấp hành kỷ luật hành chính tại các Trung tâm Phục vụ hành chính công xã, phường; báo cáo kết quả trước ngày 15/6/2026.

3. Chủ tịch UBND các xã, phường trực tiếp đối thoại với người dân có hồ sơ quá hạn, hoàn thành trong tháng 5/2026.

Nơi nhận:
- Như trên;
- Lưu: VT, NC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
"""

PLAN_WITH_BACKGROUND = """KẾ HOẠCH
Nâng cao Chỉ số hài lòng của người dân năm 2026

I. THỰC TRẠNG

Năm 2025, Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước của tỉnh đạt 82,4%, tăng 1,6 điểm phần trăm so với năm 2024.
Trung tâm Phục vụ hành chính công tỉnh tiếp nhận 214.000 hồ sơ, trong đó 68% nộp trực tuyến.
Cổng Dịch vụ công của tỉnh có 1.860 thủ tục được cung cấp trực tuyến toàn trình.
Người dân phản ánh nhiều nhất về thời gian chờ đợi ở lĩnh vực đất đai và xây dựng.

II. MỤC TIÊU

Phấn đấu năm 2026 Chỉ số hài lòng đạt từ 85% trở lên.

III. TỔ CHỨC THỰC HIỆN

1. Sở Nội vụ chủ trì, phối hợp với các sở, ngành tổ chức điều tra xã hội học đo lường sự hài lòng, hoàn thành trước ngày 30/9/2026.

2. Văn phòng UBND tỉnh rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực đất đai, hoàn thành trong quý II/2026.

3. Sở Khoa học và Công nghệ nâng cấp Cổng Dịch vụ công của tỉnh, bảo đảm người dân tra cứu được tiến độ hồ sơ trước ngày 31/8/2026.
"""

PRESS = """Chủ tịch UBND tỉnh chỉ đạo xử lý dứt điểm hồ sơ đất đai quá hạn

Sáng 12/3, Chủ tịch UBND tỉnh chủ trì cuộc họp về tình hình giải quyết thủ tục hành chính trong lĩnh vực đất đai.

Báo cáo tại cuộc họp, lãnh đạo Sở Nông nghiệp và Môi trường cho biết trong hai tháng đầu năm còn 412 hồ sơ quá hạn.

Kết luận cuộc họp, Chủ tịch UBND tỉnh yêu cầu Sở Nông nghiệp và Môi trường xử lý dứt điểm các hồ sơ quá hạn trước ngày 31/3/2026.

Chủ tịch UBND tỉnh giao Sở Nội vụ đưa kết quả giải quyết hồ sơ vào đánh giá, xếp loại công chức hằng tháng.

UBND các xã, phường phải công khai danh sách hồ sơ quá hạn tại Trung tâm Phục vụ hành chính công.

Văn phòng UBND tỉnh có trách nhiệm theo dõi, đôn đốc và báo cáo kết quả trước ngày 5 hằng tháng.
"""


def _read(path: Path):
    return read_document(path)


# --------------------------------------------------------------------------------- descriptive pages

@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_our_descriptive_pages_yield_no_task_and_say_why(path):
    doc = _read(path)
    kept, verdict = gating.apply(doc, extract_candidates(doc))
    assert kept == []
    assert verdict.document_descriptive, verdict.reason
    assert verdict.reason.startswith("Descriptive page (")
    assert verdict.reason_vi.startswith("Trang mang tính mô tả (")
    assert verdict.skipped_spans == [(0, len(doc.text), verdict.skipped_spans[0][2])]
    json.dumps(verdict.to_json(), ensure_ascii=False)  # the evidence can be shown as it is


def test_the_provincial_page_naming_a_hospital_in_a_heading_gives_no_lead():
    doc = _read(NEGATIVES / "bachkhoa_tinh_namson.txt")
    titles = [s["title"] for s in gating.assess(doc).evidence["sections"]]
    assert "Bệnh viện Đa khoa tỉnh Nam Sơn" in titles and "Trường Đại học Hòa Yên" in titles
    kept, verdict = gating.apply(doc, extract_candidates(doc))
    assert kept == [] and verdict.evidence["rule"] == "encyclopedia form"  # it has 'Xem thêm', 'Tham khảo'
    assert verdict.evidence["p_assigns"] < verdict.evidence["threshold"]  # the page model alone agrees


@pytest.mark.parametrize("name", ["hoidap_trachnhiem_tiepcongdan.txt", "hoidap_thoihan_motcua.txt"])
def test_a_legal_qa_explaining_duties_is_descriptive(name):
    verdict = gating.assess(_read(NEGATIVES / name))
    assert verdict.document_descriptive
    assert verdict.evidence["rule"] == "legal Q&A"
    assert "hỏi – đáp giải thích quy định pháp luật" in verdict.reason_vi


def test_the_negatives_readme_describes_every_page():
    readme = (NEGATIVES / "README.md").read_text("utf-8")
    for path in PAGES:
        assert path.name in readme


# Fixed terms any Vietnamese text on these topics uses (the national motto, an indicator of the statistics
# office, the titles of Nghị định 61/2018/NĐ-CP and 118/2025/NĐ-CP, an office title): not sentences.
SHARED_TERMS = ("cộng hòa xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc",
                "tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng",
                "thực hiện thủ tục hành chính theo cơ chế một cửa", "thực hiện cơ chế một cửa một cửa liên thông",
                "phó chủ tịch ủy ban nhân dân tỉnh")


def _shingles(text: str, n: int = 10) -> set[tuple[str, ...]]:
    words = " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))
    for term in SHARED_TERMS:
        words = words.replace(term, " | ")
    out: set[tuple[str, ...]] = set()
    for chunk in words.split("|"):
        w = chunk.split()
        out |= {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}
    return out


def test_no_sentence_of_our_pages_is_copied_from_the_devset():
    if not (DEVSET / "negatives").is_dir():
        pytest.skip("devset not present")
    ours = set().union(*(_shingles(p.read_text("utf-8")) for p in PAGES))
    theirs: set = set()
    for folder in ("negatives", "docs", "full2"):
        for path in (DEVSET / folder).glob("*.txt"):
            theirs |= _shingles(path.read_text("utf-8", errors="replace"))
    common = ours & theirs
    assert not common, sorted(" ".join(s) for s in common)[:5]


# --------------------------------------------------------------------------------- assigning documents

def test_a_directive_is_not_gated_and_keeps_every_candidate():
    doc = document_from_text(DIRECTIVE, "chi_thi.txt")
    cands = extract_candidates(doc)
    kept, verdict = gating.apply(doc, cands)
    assert not verdict.document_descriptive
    assert verdict.evidence["rule"] == "official form"
    assert verdict.evidence["form"]["national_motto"] and verdict.evidence["form"]["noi_nhan"]
    assert len(cands) >= 4 and kept == cands
    assert {c.agency for c in kept} >= {"Sở Nội vụ", "Văn phòng UBND tỉnh"}


LONG_PRESS = """Bình Hòa: Nhìn lại một năm vận hành chính quyền địa phương hai cấp

Sau một năm vận hành mô hình chính quyền địa phương hai cấp, bộ máy hành chính của tỉnh Bình Hòa đã từng bước đi vào nền nếp. Ngày 2/7, UBND tỉnh tổ chức hội nghị sơ kết.

Theo báo cáo, toàn tỉnh hiện có 96 xã, phường, giảm 58 đơn vị so với trước sắp xếp. Trung tâm Phục vụ hành chính công các xã, phường đã tiếp nhận gần 410.000 hồ sơ.

Tỷ lệ hồ sơ giải quyết đúng hạn đạt 96,4%. Một số xã miền núi còn thiếu công chức có chuyên môn về đất đai, xây dựng.

Ông Trần Văn Minh, Giám đốc Sở Nội vụ, cho biết trong năm qua sở đã tổ chức 24 lớp tập huấn cho gần 2.000 cán bộ cấp xã.

Nhiều đại biểu phản ánh hạ tầng công nghệ thông tin ở cấp xã còn yếu, đường truyền chập chờn vào giờ cao điểm.

Phát biểu kết luận, Chủ tịch UBND tỉnh ghi nhận những kết quả đạt được sau một năm.

Chủ tịch UBND tỉnh giao Sở Nội vụ rà soát, đề xuất bổ sung biên chế công chức cho các xã còn thiếu, hoàn thành trước ngày 30/9/2026.

Hội nghị cũng đã khen thưởng 15 tập thể và 32 cá nhân có thành tích xuất sắc.

Trước đó, trong tháng 6, tỉnh đã tổ chức đoàn kiểm tra tại 20 xã, phường.
"""


def test_a_press_story_with_one_explicit_assignment_keeps_it():
    doc = document_from_text(LONG_PRESS, "bao_so_ket.txt")
    kept, verdict = gating.apply(doc, extract_candidates(doc))
    assert not verdict.document_descriptive, verdict.reason
    assert "Sở Nội vụ" in {c.agency for c in kept}


def test_a_press_report_of_instructions_is_not_gated():
    doc = document_from_text(PRESS, "bao.txt")
    cands = extract_candidates(doc)
    kept, verdict = gating.apply(doc, cands)
    assert not verdict.document_descriptive
    assert verdict.evidence["rule"] == "page model" and verdict.evidence["p_assigns"] >= 0.9
    assert cands and kept == cands


@pytest.mark.parametrize("with_header", [True, False], ids=["official", "no header"])
def test_background_section_is_skipped_and_the_operative_section_kept(with_header):
    text = (HEADER.replace("07/CT-UBND", "31/KH-UBND") if with_header else "") + PLAN_WITH_BACKGROUND
    doc = document_from_text(text, "ke_hoach.txt")
    cands = extract_candidates(doc)
    kept, verdict = gating.apply(doc, cands)
    assert not verdict.document_descriptive
    assert verdict.evidence["rule"] == ("official form" if with_header else "operative section")
    background = doc.text.index("I. THỰC TRẠNG")
    operative = doc.text.index("III. TỔ CHỨC THỰC HIỆN")
    assert [(s, e) for s, e, _ in verdict.skipped_spans] == [(background, doc.text.index("II. MỤC TIÊU"))]
    assert "THỰC TRẠNG" in verdict.reason and "THỰC TRẠNG" in verdict.reason_vi
    assigned = [c for c in cands if c.start >= operative]
    assert {c.agency for c in assigned} >= {"Sở Nội vụ", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ"}
    assert all(c in kept for c in assigned)
    assert not [c for c in kept if background <= c.start < doc.text.index("II. MỤC TIÊU")]
    # Whatever the extractor makes of "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận 214.000 hồ sơ …" is dropped.
    at = doc.text.index("Trung tâm Phục vụ hành chính công tỉnh tiếp nhận")
    fact = SimpleNamespace(start=at, end=at + 60)
    kept, _ = gating.apply(doc, [*cands, fact])
    assert fact not in kept and all(c in kept for c in assigned)


def test_a_background_section_that_assigns_is_kept():
    text = PLAN_WITH_BACKGROUND.replace(
        "Người dân phản ánh nhiều nhất",
        "Giao Sở Xây dựng rà soát quy trình cấp phép xây dựng trước ngày 30/6/2026. Người dân phản ánh nhiều nhất")
    verdict = gating.assess(document_from_text(text, "ke_hoach.txt"))
    assert verdict.skipped_spans == []


def test_a_short_text_is_never_descriptive_as_a_whole():
    doc = document_from_text("Sở Nội vụ tổng hợp kết quả tự đánh giá của các cơ quan.", "mot_cau.txt")
    verdict = gating.assess(doc, extract_candidates(doc))
    assert not verdict.document_descriptive and verdict.evidence["rule"] == "too short to judge"


# --------------------------------------------------------------------------------- sentence cues

@pytest.mark.parametrize("sentence, present, absent", [
    ("Giao Sở Tư pháp rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2026.",
     {"assign", "deadline", "imperative"}, set()),
    ("Chủ tịch UBND tỉnh yêu cầu các sở, ban, ngành thực hiện các nội dung sau:", {"assign", "leadin"}, set()),
    ("Theo đó, 7 sở, ngành được Chủ tịch UBND tỉnh giao nhiệm vụ chủ trì tham mưu từng lĩnh vực.", {"assign"}, set()),
    ("Sở Tư pháp có trách nhiệm hướng dẫn các xã rà soát thủ tục hành chính.", {"duty"}, set()),
    ("Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ chịu trách nhiệm thi hành Quyết định này.", {"execution"}, set()),
    ("Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV.", set(), {"assign"}),
    ("Công ty bàn giao cho Sở Xây dựng toàn bộ hồ sơ dự án.", set(), {"assign"}),
    ("Phó Chủ tịch nước được giao quyền Chủ tịch nước trong thời gian chuyển tiếp.", set(), {"assign"}),
    ("Theo quy định tại Điều 15 Luật Tiếp công dân, Chủ tịch Ủy ban nhân dân cấp xã có trách nhiệm tiếp công dân.",
     {"law"}, {"duty"}),
    ("Trước ngày 31 tháng 3 năm 1996, chương trình phát sóng buổi sáng kéo dài hai giờ.", {"old_year"}, {"deadline"}),
    ("Chủ tịch UBND cấp xã có phải trực tiếp tiếp công dân không?", set(), {"duty"}),
    ("Chủ tịch UBND tỉnh chủ trì hội nghị tổng kết công tác cải cách hành chính.", set(), {"role"}),
    ("Ông sinh ngày 12 tháng 4 năm 1971, tốt nghiệp cử nhân Luật năm 1993.", {"biography", "old_year"}, {"assign"}),
])
def test_sentence_cues(sentence, present, absent):
    found = gating.sentence_cues(sentence, 0, len(sentence))
    assert present <= found, found
    assert not (absent & found), found


def test_cue_lists_and_page_model_are_data():
    cues = gating.cues()
    model = gating.page_model()
    assert cues["assigning_doc_types"] and cues["background_titles"] and cues["deadline_patterns"]
    doc = document_from_text(PRESS, "bao.txt")
    feats = gating.model_features(gating.read_structure(doc), doc)
    assert set(model["weights"]) <= set(feats) and set(model["scale"]) == set(model["weights"])
    assert model["trained_on"]["cv_negatives_scored_assigning"] <= 3
    assert model["trained_on"]["cv_positives_not_official_scored_descriptive"] == 0


def test_a_descriptive_document_says_so_in_a_coded_warning():
    from parlens.errors import describe_warning
    from parlens.task_extraction.extract import extract_tasks

    doc = _read(PAGES[0])
    assert extract_tasks(doc) == []
    notes = [w for w in doc.warnings if "Trích xuất nhiệm vụ" in w]
    assert len(notes) == 1 and describe_warning(notes[0])["code"] == "PARLENS-W006"
