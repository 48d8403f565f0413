"""Who is responsible, over HTTP and on the web: words resolve to the specific criterion, or say "not found"."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest


def _path(query: str, web: bool = False) -> str:
    return ("/tieu-chi/" if web else "/criteria/") + quote(query, safe="") + ("" if web else "/responsible")


def test_api_words_resolve_to_the_specific_criterion_with_alternatives(client) -> None:
    answer = client.get(_path("một cửa"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [c["code"] for c in body["criteria"]] == ["PAR.3.3"]
    assert body["match"]["by"] == "words" and 0 < body["match"]["score"] <= 1
    assert [b["code"] for b in body["broader"]] == ["PAR.3"]
    assert body["alternatives"] and all(a["code"] and a["name"] for a in body["alternatives"])
    assert client.get(_path("dịch vụ công trực tuyến")).json()["criteria"][0]["code"] == "PAR.7.2"
    assert client.get(_path("par 7.2")).json()["match"]["by"] == "code"


@pytest.mark.parametrize("query", ["thời tiết hôm nay", "xyz không tồn tại"])
def test_api_words_no_criterion_covers_are_404_e033(client, query) -> None:
    answer = client.get(_path(query))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "PARLENS-E033"


def test_api_unknown_code_stays_e030(client) -> None:
    answer = client.get(_path("PAR.99"))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "PARLENS-E030"


def test_web_not_found_says_so_in_vietnamese_with_a_lookup_form(client) -> None:
    page = client.get(_path("thời tiết hôm nay", web=True))
    assert page.status_code == 404
    assert "Không tìm thấy tiêu chí phù hợp" in page.text and 'id="not-found"' in page.text
    assert 'name="q"' in page.text and 'href="/tieu-chi"' in page.text
    assert 'id="agencies"' not in page.text  # no criterion's agencies pretend to answer


def test_web_lookup_form_leads_to_the_specific_criterion(client) -> None:
    moved = client.get("/tieu-chi", params={"q": "dịch vụ công trực tuyến"}, follow_redirects=False)
    assert moved.status_code == 303
    page = client.get(moved.headers["location"])
    assert page.status_code == 200
    heading = re.search(r"<h1>(.*?)</h1>", page.text, re.S).group(1)
    assert "PAR.7.2" in heading and "PAR.7<" not in heading
    assert 'id="broader"' in page.text and 'href="/tieu-chi/PAR.7"' in page.text
    assert 'id="alternatives"' in page.text and 'href="/tieu-chi/PAPI.8"' in page.text


def test_web_pages_say_plainly_that_a_name_is_reconstructed(client) -> None:
    tree = client.get("/tieu-chi").text
    assert "tạm đặt tên" not in tree
    assert "possibly" not in tree and "merged into" not in tree
    assert "Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV" in tree
    assert 'id="status-legend"' in tree
    criterion = client.get("/tieu-chi/PAR.7.2").text
    assert re.search(r'id="status-note">Tên tiêu chí được dựng lại, chưa đối chiếu với Quyết định 876/QĐ-BNV\.<', criterion)
    assert 'id="status-note"' not in client.get("/tieu-chi/PAR.7").text  # a verified field says nothing


def test_api_tree_carries_the_vietnamese_status_sentence(client) -> None:
    tree = client.get("/criteria", params={"depth": 2}).json()["criteria"]
    par = next(r for r in tree if r["code"] == "PAR")
    field = next(f for f in par["children"] if f["code"] == "PAR.3")
    assert field["status_note"] is None and field["status_label"] == ""
    last = next(c for c in field["children"] if c["code"] == "PAR.3.6")
    assert last["status_note"].startswith("Tên tiêu chí được dựng lại") and "possibly" not in last["name"]
