"""The spaCy vi pipeline: underthesea tokenizer aligned to characters, agency spans with resolution."""

from __future__ import annotations

from datetime import date

from parlens.nlp.pipeline import analyse, get_nlp


def test_tokenizer_rebuilds_the_text_and_groups_syllables() -> None:
    text = "Giao Sở Nội vụ  chủ trì,\nphối hợp với UBND tỉnh."
    doc = get_nlp()(text)
    assert doc.text == text
    words = [t.text for t in doc if not t.is_space]
    assert "chủ trì" in words
    tok = next(t for t in doc if t.text == "chủ trì")
    assert tok.norm_ == "chu tri" and text[tok.idx : tok.idx + len(tok.text)] == "chủ trì"


def test_agency_spans_carry_resolution() -> None:
    doc = analyse("Giao Sở Thông tin và Truyền thông triển khai.", ref_date=date(2025, 5, 1))
    (span,) = doc.spans["agencies"]
    assert span.text == "Sở Thông tin và Truyền thông"
    assert span._.agency_id == "so-khoa-hoc-va-cong-nghe" and span._.agency_name == "Sở Khoa học và Công nghệ"
    assert span._.agency_kind == "department" and span._.agency_note


def test_pipeline_is_built_once() -> None:
    assert get_nlp() is get_nlp()
    assert get_nlp().pipe_names == ["parlens_agencies", "parlens_agency_resolver"]


def test_optional_span_ruler_uses_gazetteer_patterns_on_folded_norms() -> None:
    from parlens.nlp.pipeline import make_tokenizer_only

    nlp = make_tokenizer_only()
    nlp.add_pipe("parlens_agency_ruler")
    doc = nlp("SỞ TƯ PHÁP chủ trì, phối hợp Công an tỉnh.")
    found = {(s.text, s.id_) for s in doc.spans["agency_ruler"]}
    assert {("SỞ TƯ PHÁP", "so-tu-phap"), ("Công an tỉnh", "cong-an-tinh")} <= found
