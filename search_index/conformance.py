"""The behaviour every search backend must show, as one pytest base class.

A backend's test module subclasses :class:`SearchBackendConformance` and supplies one fixture,
``backend``, returning an empty backend::

    class TestEmbedded(SearchBackendConformance):
        @pytest.fixture
        def backend(self, tmp_path):
            return EmbeddedBackend(tmp_path / "index")
"""

from __future__ import annotations

from datetime import date

import pytest

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.search_index.passages import build_passages
from parlens.search_index.protocol import Passage, SearchQuery

# Our own sentences, written for the suite (administrative-reform phrasing, not copied from any document).
TEXTS = {
    1: "Đẩy mạnh cải cách thủ tục hành chính, bảo đảm 100% hồ sơ được tiếp nhận tại Bộ phận Một cửa.",
    2: "Rà soát, đơn giản hóa TTHC thuộc thẩm quyền giải quyết của Sở Tư pháp trong quý III.",
    3: "Nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức đáp ứng yêu cầu chuyển đổi số.",
    4: "Tổ chức bồi dưỡng kỹ năng cho CBCCVC làm việc tại bộ phận tiếp nhận và trả kết quả.",
    5: "Cung cấp DVCTT toàn trình cho người dân; tỷ lệ hồ sơ trực tuyến đạt trên 80%.",
    6: "Triển khai dịch vụ công trực tuyến mức độ toàn trình trên Cổng Dịch vụ công quốc gia.",
    7: "Thủ tục đầu tư hành chính hóa nhiều khâu, cải thiện môi trường kinh doanh và cách làm việc.",
    8: "Đôn đốc các đơn vị đăng ký danh mục đề án về đào tạo, đô thị thông minh.",
}
META = {
    1: ("Kế hoạch", "UBND TỈNH THANH HÓA", "Thanh Hóa", date(2025, 1, 15), ["so-noi-vu"], ["PAR.3.1"], True),
    2: ("Kế hoạch", "UBND TỈNH THANH HÓA", "Thanh Hóa", date(2025, 3, 2), ["so-tu-phap"], ["PAR.3"], True),
    3: ("Chỉ thị", "UBND TỈNH NGHỆ AN", "Nghệ An", date(2024, 6, 1), ["so-noi-vu"], ["PAR.5"], False),
    4: ("Công văn", "SỞ NỘI VỤ", "Nghệ An", date(2024, 9, 9), ["so-noi-vu"], ["PAR.5.2"], False),
    5: ("Kế hoạch", "UBND TỈNH HÀ TĨNH", "Hà Tĩnh", date(2023, 2, 2), ["so-thong-tin-va-truyen-thong"], ["PAR.7"], True),
    6: ("Quyết định", "UBND TỈNH HÀ TĨNH", "Hà Tĩnh", date(2023, 5, 5), [], ["PAR.7"], False),
    7: ("Bài báo", None, None, None, [], [], False),
    8: ("Công văn", "VĂN PHÒNG UBND TỈNH", "Thanh Hóa", date(2025, 7, 7), [], [], False),
}
PREFIX = "Phần mở đầu. "  # passages start after it, so document offsets differ from passage offsets


def make_document(n: int) -> tuple[Document, list[Task]]:
    """Suite document ``n``: a heading-less one-paragraph text behind a short preface, with one task."""
    doc_type, issuer, province, issued, agencies, criteria, deadline = META[n]
    text = PREFIX + TEXTS[n]
    blocks = [Block("paragraph", text[len(PREFIX):], len(PREFIX), len(text), page=2)]
    meta = DocumentMetadata(title=f"Văn bản số {n}", doc_type=doc_type, issuer=issuer, province=province, issued_on=issued)
    tasks = [
        Task(
            agency=a, role="lead", task=TEXTS[n], start=len(PREFIX), end=len(text), agency_id=a,
            deadline=Deadline("trước ngày 30/6") if deadline else None,
            criteria=[CriterionLink(c, c, 0.9) for c in criteria],
        )
        for a in agencies or [None]
    ]
    if not agencies:
        tasks = [Task(agency="", role="lead", task=TEXTS[n], start=len(PREFIX), end=len(text),
                      deadline=Deadline("trước ngày 30/6") if deadline else None,
                      criteria=[CriterionLink(c, c, 0.9) for c in criteria])]
    return Document(text=text, blocks=blocks, metadata=meta, source_name=f"vb{n}.txt"), tasks


# A decision in the usual layout (our own wording): "Sở Nội vụ" in the grounds, the articles, the recipients.
DECISION_ID = 40
DECISION = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG BÌNH
Số: 215/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Bình, ngày 12 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc kiện toàn Tổ kiểm tra công vụ tỉnh năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH
Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;
Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 02/3/2026.
QUYẾT ĐỊNH:
Điều 1. Kiện toàn Tổ kiểm tra công vụ tỉnh gồm lãnh đạo các sở, ban, ngành; Tổ trưởng là Phó Giám đốc Sở Nội vụ, các thành viên làm việc theo chế độ kiêm nhiệm và được hưởng phụ cấp theo quy định.
Điều 2. Sở Nội vụ là cơ quan thường trực của Tổ, xây dựng kế hoạch kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính tại các xã, phường và tổng hợp kết quả, báo cáo Chủ tịch UBND tỉnh trước ngày 30/6/2026.
Điều 3. Chánh Văn phòng UBND tỉnh, Thủ trưởng các sở, ban, ngành và các thành viên Tổ chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Sở Nội vụ;
- Lưu: VT, NC.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình"""


def decision_document() -> Document:
    """The decision above, one block per line as the readers give it."""
    blocks, pos = [], 0
    for line in DECISION.split("\n"):
        kind = "heading" if line.isupper() else "paragraph"
        blocks.append(Block(kind, line, pos, pos + len(line), page=1))
        pos += len(line) + 1
    meta = DocumentMetadata(title="Quyết định Về việc kiện toàn Tổ kiểm tra công vụ tỉnh năm 2026", doc_type="Quyết định",
                            issuer="UBND TỈNH QUẢNG BÌNH", province="Quảng Bình", issued_on=date(2026, 3, 12))
    return Document(text=DECISION, blocks=blocks, metadata=meta, source_name="qd215.txt")


def suite_passages() -> list[Passage]:
    """Every passage of the suite corpus (documents 1..8)."""
    passages = []
    for n in TEXTS:
        doc, tasks = make_document(n)
        passages.extend(build_passages(n, doc, tasks))
    return passages


class SearchBackendConformance:
    """Behaviour every backend shares; subclasses provide the ``backend`` fixture (an empty backend)."""

    @pytest.fixture
    def backend(self):  # pragma: no cover - replaced by each subclass
        raise NotImplementedError

    @pytest.fixture
    def loaded(self, backend):
        assert backend.index(suite_passages()) == len(TEXTS)
        return backend

    @staticmethod
    def ids(result) -> list[int]:
        return [h.document_id for h in result.hits]

    def test_index_count_delete(self, loaded):
        assert loaded.count() == len(TEXTS)
        assert 2 in self.ids(loaded.search(SearchQuery("rà soát")))
        loaded.delete(2)
        assert loaded.count() == len(TEXTS) - 1
        assert 2 not in self.ids(loaded.search(SearchQuery("rà soát")))

    def test_index_replaces_same_passage(self, loaded):
        doc, tasks = make_document(8)
        loaded.index(build_passages(8, doc, tasks))
        assert loaded.count() == len(TEXTS)

    def test_update_replaces_a_document(self, loaded):
        doc, tasks = make_document(8)
        doc.text = PREFIX + "Kiểm tra công vụ đột xuất tại các xã."
        doc.blocks = [Block("paragraph", doc.text[len(PREFIX):], len(PREFIX), len(doc.text))]
        loaded.update([8], build_passages(8, doc, tasks))
        assert self.ids(loaded.search(SearchQuery("kiểm tra công vụ"))) == [8]
        assert 8 not in self.ids(loaded.search(SearchQuery("đô thị thông minh")))

    def test_accented_and_folded_queries_find_the_same_passage(self, loaded):
        accented = loaded.search(SearchQuery("đơn giản hóa"))
        folded = loaded.search(SearchQuery("don gian hoa"))
        assert self.ids(accented)[:1] == self.ids(folded)[:1] == [2]

    def test_d_with_stroke_folds_to_d(self, loaded):
        assert self.ids(loaded.search(SearchQuery("don doc")))[:1] == [8]
        assert self.ids(loaded.search(SearchQuery("Đôn Đốc")))[:1] == [8]

    def test_accents_rank_the_exact_syllables_first(self, backend):
        texts = {21: "Báo cáo kết quả quy định mới của tỉnh.", 22: "Báo cáo kết quả quý hai mới của tỉnh."}
        backend.index(Passage(f"{n}:0", n, 0, t, 0, len(t)) for n, t in texts.items())
        assert self.ids(backend.search(SearchQuery("quý"))) == [22, 21]
        assert self.ids(backend.search(SearchQuery("quy định"))) [:1] == [21]
        assert set(self.ids(backend.search(SearchQuery("quy")))) == {21, 22}

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("TTHC", {1, 2}),  # abbreviation -> expansion (1 writes it out, 2 abbreviates)
            ("thủ tục hành chính", {1, 2}),  # expansion -> abbreviation
            ("thu tuc hanh chinh", {1, 2}),
            ("dvctt", {5, 6}),
            ("dịch vụ công trực tuyến", {5, 6}),
            ("CBCCVC", {3, 4}),
            ("can bo cong chuc vien chuc", {3, 4}),
        ],
    )
    def test_abbreviations_expand_both_ways(self, loaded, query, expected):
        found = set(self.ids(loaded.search(SearchQuery(query))))
        assert expected <= found

    def test_phrase_ranks_above_scattered_terms(self, loaded):
        # 1 has "cải cách thủ tục hành chính" as a phrase; 7 has every syllable scattered
        result = loaded.search(SearchQuery("cai cach thu tuc hanh chinh"))
        ids = self.ids(result)
        assert 7 in ids and 1 in ids
        assert ids.index(1) < ids.index(7)

    def test_passages_holding_most_terms_follow_those_holding_all(self, loaded):
        result = loaded.search(SearchQuery("hồ sơ trực tuyến toàn trình"))  # 6 only has 4 of the 6 terms
        assert self.ids(result) == [5, 6] and result.total == 2
        assert result.facets["doc_type"] == {"Kế hoạch": 1, "Quyết định": 1}
        second = loaded.search(SearchQuery("ho so truc tuyen toan trinh", limit=1, offset=1))
        assert self.ids(second) == [6] and second.total == 2
        assert self.ids(loaded.search(SearchQuery("hồ sơ trực tuyến"))) == [5]  # 6 holds 2 of these 4: too few

    def test_quoted_phrase_must_match(self, loaded):
        assert self.ids(loaded.search(SearchQuery('"hành chính hóa"'))) == [7]

    def test_filters(self, loaded):
        q = "thủ tục hành chính"
        assert set(self.ids(loaded.search(SearchQuery(q, filters={"year": [2025]})))) == {1, 2}
        assert self.ids(loaded.search(SearchQuery(q, filters={"agency": ["so-tu-phap"]}))) == [2]
        assert set(self.ids(loaded.search(SearchQuery("hồ sơ", filters={"doc_type": ["Kế hoạch"], "province": ["Hà Tĩnh"]})))) == {5}
        assert set(self.ids(loaded.search(SearchQuery("bộ phận", filters={"criterion": ["PAR.5"]})))) == {4}
        assert set(self.ids(loaded.search(SearchQuery("hồ sơ", filters={"has_deadline": [True]})))) == {1, 5}
        assert set(self.ids(loaded.search(SearchQuery("toàn trình", filters={"issuer": ["UBND TỈNH HÀ TĨNH"], "year": [2023, 2024]})))) == {5, 6}

    def test_criterion_filter_includes_ancestors(self, loaded):
        assert set(self.ids(loaded.search(SearchQuery("tthc", filters={"criterion": ["PAR.3"]})))) == {1, 2}

    def test_facets_count_every_match(self, loaded):
        result = loaded.search(SearchQuery("toàn trình", limit=1))
        assert result.total == 2 and len(result.hits) == 1
        assert result.facets["doc_type"] == {"Kế hoạch": 1, "Quyết định": 1}
        assert result.facets["year"] == {"2023": 2}
        assert result.facets["has_deadline"] == {"true": 1, "false": 1}
        assert result.facets["criterion"]["PAR.7"] == 2 and result.facets["criterion"]["PAR"] == 2

    def test_hits_point_into_the_document(self, loaded):
        hit = loaded.search(SearchQuery("bo phan mot cua")).hits[0]
        doc, _ = make_document(hit.document_id)
        assert hit.source["page"] == 2
        assert doc.text[hit.source["start"] : hit.source["end"]] == hit.passage
        marked = [doc.text[s:e] for s, e in hit.highlights]
        assert {"Bộ", "phận", "Một", "cửa"} <= set(marked)
        assert "<mark>Một</mark> <mark>cửa</mark>" in hit.highlight
        assert hit.title == "Văn bản số 1" and hit.doc_type == "Kế hoạch" and hit.issued_on == "2025-01-15"

    def test_boilerplate_ranks_below_body_text(self, backend):
        backend.index(build_passages(DECISION_ID, decision_document()))
        result = backend.search(SearchQuery("Sở Nội vụ"))
        sections = [h.section for h in result.hits]
        # the articles first; the grounds ("Xét đề nghị …", short, so BM25 alone ranks it first) and the
        # recipients list are still found, after them
        assert sections[0] == "body" and {"preamble", "recipients"} <= set(sections)
        assert any(h.passage.startswith("Xét đề nghị") and h.section == "preamble" for h in result.hits)
        assert result.total == len(result.hits) == sections.count("body") + 2
        paged = [backend.search(SearchQuery("Sở Nội vụ", limit=1, offset=i)).hits[0].passage_id for i in range(len(sections))]
        assert paged == [h.passage_id for h in result.hits]
        only_signed = backend.search(SearchQuery("Trần Văn Bình")).hits  # boilerplate only: found all the same
        assert [h.section for h in only_signed] == ["signature"]

    def test_a_section_weighs_the_whole_score(self, backend):
        from parlens.search_index.fusion import section_weight

        text = "Giao Sở Nội vụ chủ trì kiểm tra công vụ tại các xã, phường trong quý II năm 2026."
        sections = {50: "body", 51: "preamble", 52: "recipients", 53: "title"}
        backend.index(Passage(f"{n}:0", n, 0, text, 0, len(text), section=s) for n, s in sections.items())
        for query in ("Sở Nội vụ", "kiem tra cong vu", "xã"):  # phrase and accent bonuses are weighed too
            scores = {h.document_id: h.score for h in backend.search(SearchQuery(query)).hits}
            assert [h.document_id for h in backend.search(SearchQuery(query)).hits][0] == 50
            for n, section in sections.items():
                assert scores[n] == pytest.approx(scores[50] * section_weight(section), rel=1e-4)

    def test_highlights_mark_only_what_matched(self, backend):
        backend.index(build_passages(DECISION_ID, decision_document()))
        hits = backend.search(SearchQuery("Sở Nội vụ")).hits
        grounds = next(h for h in hits if h.section == "preamble")
        marked = [DECISION[s:e] for s, e in grounds.highlights]
        assert marked == ["Sở", "Nội", "vụ", "SNV"]  # not "số" (folds alike), "SNV" is its abbreviation
        assert "số 45" in grounds.highlight and "<mark>số</mark>" not in grounds.highlight
        article = next(h for h in hits if h.passage.startswith("Điều 1"))
        assert "<mark>vụ</mark>" not in article.highlight.split("Sở</mark> <mark>Nội</mark>")[0]  # "công vụ" is not the query
        assert "<mark>Sở</mark> <mark>Nội</mark> <mark>vụ</mark>" in article.highlight
        folded = backend.search(SearchQuery("so noi vu")).hits
        assert {DECISION[s:e] for h in folded for s, e in h.highlights} >= {"Sở", "Nội", "vụ"}
        assert "số" not in {DECISION[s:e] for h in folded for s, e in h.highlights}  # never alone beside the phrase

    def test_no_match_and_empty_query(self, loaded):
        assert loaded.search(SearchQuery("xyzzy quokka")).total == 0
        assert loaded.search(SearchQuery("   ")).total == 0

    def test_applied_sequence_is_kept(self, backend):
        assert backend.last_applied_seq() == 0
        backend.set_applied_seq(42)
        assert backend.last_applied_seq() == 42

    def test_sync_catches_up_after_a_crash(self, backend, tmp_path):
        from parlens.search_index.sync import reindex, sync
        from parlens.store import Store

        store = Store(tmp_path / "store.sqlite3")
        ids = {}
        for n in (1, 5):
            doc, tasks = make_document(n)
            ids[n], _ = store.add_document(doc, TEXTS[n].encode(), tasks)
        assert sync(store, backend) == 2
        assert backend.last_applied_seq() == store.last_change_seq()
        # the service dies after the store commit and before the index update
        doc, tasks = make_document(3)
        ids[3], _ = store.add_document(doc, TEXTS[3].encode(), tasks)
        store.delete_document(ids[1])
        assert self.ids(backend.search(SearchQuery("đội ngũ"))) == []
        assert sync(store, backend) == 2  # on restart
        assert self.ids(backend.search(SearchQuery("đội ngũ"))) == [ids[3]]
        assert self.ids(backend.search(SearchQuery("một cửa"))) == []
        assert backend.count() == 2 and backend.last_applied_seq() == store.last_change_seq()
        assert sync(store, backend) == 0
        # a replayed change (index committed, sequence not yet recorded) is harmless
        backend.set_applied_seq(0)
        sync(store, backend)
        assert backend.count() == 2
        backend.clear()
        assert backend.count() == 0 and backend.last_applied_seq() == 0
        assert reindex(store, backend) == 2
        assert backend.last_applied_seq() == store.last_change_seq()
        hit = backend.search(SearchQuery("dvctt")).hits[0]
        assert hit.document_id == ids[5]
        assert store.get_document(ids[5]).document.text[hit.source["start"] : hit.source["end"]] == hit.passage
        store.close()

    def test_rebuild_replaces_everything(self, loaded):
        doc, tasks = make_document(3)
        assert loaded.rebuild(build_passages(3, doc, tasks), 17) == 1
        assert loaded.count() == 1
        assert loaded.last_applied_seq() == 17
        assert self.ids(loaded.search(SearchQuery("đội ngũ"))) == [3]


class ClusterBackendConformance(SearchBackendConformance):
    """What the cluster backend adds, on every engine it runs on: versions behind an alias, all-or-nothing rebuilds."""

    def test_reindex_swaps_the_alias_to_a_new_version(self, backend):
        progress: list[int] = []
        backend.progress = progress.append
        assert backend._current().endswith("-v1")
        backend.index(suite_passages())
        backend.rebuild(suite_passages()[:3], 12)
        assert backend._current().endswith("-v2")
        assert backend._versions() == [backend._current()]  # the old version is dropped
        assert backend.count() == 3 and backend.last_applied_seq() == 12
        assert progress[-1] == 3  # the bulk helper's per-action results

    def test_a_refused_rebuild_leaves_the_served_index_alone(self, backend):
        """A rebuild whose passages the engine refuses deletes its half-loaded version; the alias stays put."""
        from dataclasses import replace

        from parlens.errors import ParlensError

        backend.index(suite_passages())
        served, before = backend._current(), backend.count()
        bad = [*suite_passages()[:3], replace(suite_passages()[3], year="năm nay")]  # an integer field
        with pytest.raises(ParlensError) as caught:
            backend.rebuild(bad, 9)
        assert caught.value.code == "PARLENS-E040" and "refused" in str(caught.value)
        assert backend._versions() == [served] and backend._current() == served
        assert backend.count() == before and backend.last_applied_seq() == 0
