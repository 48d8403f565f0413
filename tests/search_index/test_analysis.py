"""Query and text analysis: folding, abbreviations both ways, phrases, highlights and passages."""

from __future__ import annotations

from datetime import date

import pytest

from parlens.model import Block, CriterionLink, Deadline, Document, DocumentMetadata, Task
from parlens.search_index.analysis import analyze_query, fold_terms, original_terms
from parlens.search_index.highlight import highlight
from parlens.search_index.passages import MAX_CHARS, build_passages, criterion_ancestors, passage_spans


def test_fold_and_original_terms():
    assert fold_terms("Đổi mới ĐÀO TẠO, thuỷ lợi") == ["doi", "moi", "dao", "tao", "thuy", "loi"]
    assert original_terms("Hoà bình") == ["hòa", "bình"]  # one tone placement


@pytest.mark.parametrize(
    "query, alternatives",
    [
        ("TTHC", (("tthc",), ("thu", "tuc", "hanh", "chinh"))),
        ("thủ tục hành chính", (("thu", "tuc", "hanh", "chinh"), ("tthc",))),
        ("dvctt", (("dvctt",), ("dich", "vu", "cong", "truc", "tuyen"))),
        ("CBCCVC", (("cbccvc",), ("can", "bo", "cong", "chuc", "vien", "chuc"))),
    ],
)
def test_abbreviations_expand_both_ways(query, alternatives):
    groups = analyze_query(query).groups
    assert len(groups) == 1 and groups[0].alternatives[:2] == alternatives


def test_longest_expansion_wins_and_plain_terms_stay():
    groups = analyze_query("cung cấp dịch vụ công trực tuyến mức 4").groups
    assert [g.alternatives[0] for g in groups] == [("cung",), ("cap",), ("dich", "vu", "cong", "truc", "tuyen"), ("muc",), ("4",)]
    assert analyze_query("TTHC", expand=False).groups[0].alternatives == (("tthc",),)


def test_quoted_phrases_and_accent_detection():
    aq = analyze_query('"một cửa" lien thong')
    assert aq.phrases == [("mot", "cua")]
    assert aq.accented and not analyze_query("mot cua").accented


def test_highlight_marks_folded_matches_with_document_offsets():
    text = "Rà soát <TTHC> & Đơn giản hóa"
    spans, snippet = highlight(text, 50, frozenset({"tthc", "don"}))
    assert [text[s - 50 : e - 50] for s, e in spans] == ["TTHC", "Đơn"]
    assert snippet == "Rà soát &lt;<mark>TTHC</mark>&gt; &amp; <mark>Đơn</mark> giản hóa"


def test_long_highlight_is_cut_around_the_matches():
    text = "mở đầu " * 100 + "giải quyết hồ sơ đúng hạn " + "kết thúc " * 100
    spans, snippet = highlight(text, 0, frozenset({"ho", "so"}))
    assert len(spans) == 2 and "<mark>hồ</mark> <mark>sơ</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 400


def _doc(parts: list[tuple[str, str, int | None]]) -> Document:
    text, blocks = "", []
    for kind, part, page in parts:
        if text:
            text += "\n"
        blocks.append(Block(kind, part, len(text), len(text) + len(part), page=page))
        text += part
    return Document(text=text, blocks=blocks, metadata=DocumentMetadata(title="KH", doc_type="Kế hoạch", issued_on=date(2025, 4, 1)))


def test_passages_join_short_blocks_and_window_long_ones():
    long = " ".join(f"Câu số {i} nói về việc rà soát thủ tục hành chính của các sở, ngành." for i in range(40))
    doc = _doc([("heading", "I. MỤC TIÊU", 1), ("paragraph", "Nâng cao chất lượng phục vụ người dân và doanh nghiệp trên địa bàn tỉnh năm 2025.", 1),
                ("paragraph", long, 2)])
    spans = passage_spans(doc)
    assert doc.text[spans[0][0] : spans[0][1]].startswith("I. MỤC TIÊU\nNâng cao")  # heading joined to its paragraph
    assert all(e - s <= MAX_CHARS for s, e, _, _ in spans)
    assert len(spans) >= 5 and spans[-1].page == 2 and {span.section for span in spans} == {"body"}
    for s, e, _, _ in spans[1:]:
        assert doc.text[s:e].startswith("Câu số") and doc.text[s:e].endswith(".")  # whole sentences


def test_passage_filter_fields_come_from_tasks_and_links():
    doc = _doc([("paragraph", "Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ giữa các cơ quan, hoàn thành trước ngày 30/6/2025.", 1),
                ("paragraph", "Sở Tài chính bố trí kinh phí thực hiện kế hoạch theo quy định hiện hành của nhà nước.", 1)])
    first = doc.blocks[0]
    tasks = [Task("Sở Nội vụ", "lead", "rà soát", first.start, first.end, agency_id="so-noi-vu",
                  deadline=Deadline("trước ngày 30/6/2025", due=date(2025, 6, 30)), criteria=[CriterionLink("PAR.3.2", "TTHC", 0.8)])]
    passages = build_passages(4, doc, tasks, [CriterionLink("PAR.6", "Tài chính công", 0.5)])
    assert [p.has_deadline for p in passages] == [True, False]
    p = passages[0]
    assert p.agencies == ["so-noi-vu"] and p.criteria == ["PAR", "PAR.3", "PAR.3.2", "PAR.6"]
    assert (p.year, p.issued_on, p.doc_type, p.title) == (2025, "2025-04-01", "Kế hoạch", "KH")
    assert all(doc.text[q.start : q.end] == q.text for q in passages)


def test_criterion_ancestors():
    assert criterion_ancestors("SIPAS.2.1") == ["SIPAS", "SIPAS.2", "SIPAS.2.1"]


def test_abbreviations_come_from_the_nlp_dictionary_and_skip_syllable_lookalikes():
    from parlens.nlp.abbreviations import load_abbreviations
    from parlens.search_index.analysis import abbreviation_alternatives

    table = abbreviation_alternatives()
    assert ("ubnd",) in table and ("uy", "ban", "nhan", "dan") in table[("ubnd",)]
    assert load_abbreviations().get("CA") and ("ca",) not in table  # "ca" is also cá, cả, ca
    assert analyze_query("cong an tinh").groups[0].alternatives == (("cong",),)


def test_highlight_spans_match_the_term_by_term_fold():
    from parlens.nlp.normalize import fold
    from parlens.search_index.analysis import term_spans
    from parlens.search_index.highlight import fold_aligned, matched_spans

    text = "ĐẨY MẠNH cải cách TTHC; Đề án 06: định danh điện tử, Sở_Nội vụ (cũ) - thủ tục/hồ sơ Quý I/2025"
    assert len(fold_aligned(text)) == len(text)
    for terms in ({"day", "manh"}, {"tthc", "de", "06"}, {"dinh", "danh", "so", "noi"}, {"thu", "tuc", "ho", "so", "2025"}, {"cu"}):
        expected = [(s, e) for s, e, t in term_spans(text) if fold(t) in terms]
        assert matched_spans(text, frozenset(terms)) == expected
    assert matched_spans(text, frozenset({"tuc"})) == [(text.index("tục"), text.index("tục") + 3)]
    assert matched_spans(text, frozenset({"an"})) == [(text.index("án"), text.index("án") + 2)]  # not inside "danh"
    decomposed = "Cải cách thủ tục".replace("ủ", "u\u0309")  # not NFC: the term-by-term path
    assert matched_spans(decomposed, frozenset({"thu"})) == [(s, e) for s, e, t in term_spans(decomposed) if fold(t) == "thu"] != []
