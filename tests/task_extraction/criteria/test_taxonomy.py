"""The taxonomy file: the shipped tree, lookups, the field-label mapping, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from parlens.errors import ParlensError
from parlens.settings import get_settings
from parlens.task_extraction.criteria.taxonomy import (
    code_for_label,
    field_label,
    load_taxonomy,
    parse_taxonomy,
)

DEVSET_LABELS = [
    "direction & management", "legal documents", "administrative procedure reform", "organisation", "civil service",
    "public finance", "e-government", "socio-economic impact", "SIPAS", "PAPI",
]


def test_shipped_tree_has_the_verified_fields_and_marks_the_reconstruction():
    tax = load_taxonomy()
    fields = tax.children("PAR")
    assert [f.code for f in fields] == [f"PAR.{n}" for n in range(1, 9)]
    assert tax.get("PAR.3").name == "Cải cách thủ tục hành chính"
    assert tax.get("PAR").max_points == 100
    # fields are verified (or partly: field 2's name changed in 2022); criteria below are working labels
    assert all(f.status in ("verified", "partial") for f in fields)
    criteria = [c for f in fields for c in f.children]
    assert len(criteria) >= 30
    assert sum(c.status == "inferred" for c in criteria) >= 25
    assert [c.code for c in tax.children("SIPAS")] == [f"SIPAS.{n}" for n in range(1, 6)]
    assert [c.code for c in tax.children("PAPI")] == [f"PAPI.{n}" for n in range(1, 9)]
    assert tax.get("PAPI.4").name == "Kiểm soát tham nhũng trong khu vực công"
    assert tax.get("PAR.8.1").max_points == 10 and tax.get("PAR.8.2").max_points == 6.5


def test_lookups_children_ancestors_descendants():
    tax = load_taxonomy()
    assert tax.get("par.7.2").code == "PAR.7.2"
    assert [a.code for a in tax.ancestors("PAR.1.1.2")] == ["PAR.1.1", "PAR.1", "PAR"]
    assert tax.parent("SIPAS.3").code == "SIPAS"
    assert tax.parent("PAR") is None
    assert {d.code for d in tax.descendants("PAR.1.1")} == {"PAR.1.1.1", "PAR.1.1.2"}
    assert tax.find("PAR.99") is None
    with pytest.raises(ParlensError) as err:
        tax.get("PAR.99")
    assert err.value.code == "PARLENS-E030"


def test_search_by_phrase_finds_names_aliases_and_keywords():
    tax = load_taxonomy()
    assert tax.search("Cải cách tài chính công")[0].code == "PAR.6"
    assert tax.search("tinh gian bien che")[0].code.startswith("PAR.4")  # folded query
    assert tax.search("par 7")[0].code == "PAR.7"
    assert tax.search("không có cụm từ này ở đâu cả xyz") == []


@pytest.mark.parametrize("label", DEVSET_LABELS)
def test_field_label_and_its_inverse(label):
    code = code_for_label(label)
    assert code is not None
    assert field_label(code) == label
    for child in load_taxonomy().children(code):
        if child.code != "PAR.8.1":
            assert field_label(child.code) == label


def test_field_label_examples_and_unknowns():
    assert field_label("PAR.7.2") == "e-government"
    assert field_label("SIPAS.3") == "SIPAS"
    assert field_label("PAR.8.1") == "SIPAS"  # the SIPAS criterion of the PAR INDEX counts as SIPAS
    assert field_label("PAR.8.2.1") == "socio-economic impact"
    assert field_label("PAR") is None and field_label("XYZ.1") is None
    assert code_for_label("no such label") is None


GOOD = """
meta: {version: test}
items:
  - code: PAR
    name: Chỉ số thử
    status: verified
    children:
      - {code: PAR.1, name: Lĩnh vực một, status: verified, label: one, keywords: [kế hoạch]}
"""


def test_a_minimal_good_file_parses():
    tax = parse_taxonomy(GOOD)
    assert len(tax) == 2 and tax.label_of("PAR.1") == "one"


@pytest.mark.parametrize(
    "text, problem",
    [
        ("items: [", "not valid YAML"),
        ("- just a list", "mapping"),
        ("meta: {}\n", "items"),
        (GOOD.replace("code: PAR.1,", "code: par-1,"), "must look like"),
        (GOOD.replace("code: PAR.1,", "code: PAR.2.1,"), "does not sit directly under"),
        (GOOD.replace("status: verified, label", "status: guessed, label"), "status"),
        (GOOD.replace("keywords: [kế hoạch]", "keywords: ['  ']"), "non-empty"),
        (GOOD.replace("label: one", "label: one, weight: 3"), "weight"),
        (GOOD.replace("label: one", "label: one, max_points: 250"), "max_points"),
        (GOOD.replace("name: Lĩnh vực một, ", ""), "name"),
    ],
)
def test_bad_files_raise_e031_naming_the_problem(text, problem):
    with pytest.raises(ParlensError) as err:
        parse_taxonomy(text, "bang2.yaml")
    assert err.value.code == "PARLENS-E031"
    assert "bang2.yaml" in str(err.value) and problem in str(err.value)


def test_duplicate_codes_are_refused():
    text = GOOD + "  - {code: PAPI, name: Khác, status: verified, children: [{code: PAPI.1, name: a, status: verified}]}\n" \
        "  - {code: PAPI, name: Lặp, status: verified}\n"
    with pytest.raises(ParlensError) as err:
        parse_taxonomy(text, "x.yaml")
    assert "PAPI appears twice" in str(err.value)


def test_missing_file_is_e031(tmp_path):
    with pytest.raises(ParlensError) as err:
        load_taxonomy(tmp_path / "khong-co.yaml")
    assert err.value.code == "PARLENS-E031"


def test_settings_select_another_taxonomy(tmp_path: Path, monkeypatch):
    other = tmp_path / "phu-luc.yaml"
    other.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("PARLENS_CRITERIA_TAXONOMY", str(other))
    get_settings.cache_clear()
    tax = load_taxonomy()
    assert tax.path == other.resolve() and [i.code for i in tax] == ["PAR", "PAR.1"]
    assert load_taxonomy() is tax  # loaded once
