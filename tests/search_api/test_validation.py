"""Unvalidated input never answers 5xx: out-of-range ids, offsets, pages, dates, filters and over-long queries
answer 4xx with a PARLENS code (JSON on the API, the Vietnamese error page on the web pages).

The test client re-raises an error the app did not handle (which uvicorn answers with a 500 and then a
closed connection), so each case also proves the request was answered, not dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parlens.search_api.http import create_app
from parlens.settings import Settings

from .conftest import DIRECTIVE_TXT, upload

BIG = "100000000000000000000"  # 1e20: beyond SQLite's 64-bit INTEGER
LONG_QUERY = "cai cach " * 4500  # about 40 KB

# (method, url, status, code)
API_CASES = [
    ("GET", f"/documents?offset={BIG}", 422, "PARLENS-E052"),
    ("GET", f"/documents/{BIG}", 422, "PARLENS-E052"),
    ("GET", f"/documents/{BIG}/file", 422, "PARLENS-E052"),
    ("DELETE", f"/documents/{BIG}", 422, "PARLENS-E052"),
    ("GET", f"/tasks?document={BIG}", 422, "PARLENS-E052"),
    ("GET", f"/tasks?offset={BIG}", 422, "PARLENS-E052"),
    ("GET", "/tasks?overdue_on=0001-01-01", 422, "PARLENS-E052"),
    ("GET", "/tasks?format=csv&overdue_on=0001-01-01", 422, "PARLENS-E052"),
    ("GET", "/tasks?due_before=9999-12-31", 422, "PARLENS-E052"),
    ("GET", f"/coverage?documents={BIG}", 400, "PARLENS-E052"),
    ("GET", f"/coverage?documents=1,{BIG}", 400, "PARLENS-E052"),
    ("GET", "/search?q=cai&filter=year=999999999999999999999999999999", 400, "PARLENS-E041"),
    ("GET", "/search?q=cai&filter=year=20255", 400, "PARLENS-E041"),
    ("GET", "/search?q=cai&filter=issuer=" + "x" * 300, 400, "PARLENS-E041"),
    ("GET", "/search?q=" + LONG_QUERY, 422, "PARLENS-E052"),
    ("DELETE", f"/keys/{BIG}", 422, "PARLENS-E052"),
]
PAGE_CASES = [
    ("GET", f"/van-ban?trang={BIG}", 422, "PARLENS-E052"),
    ("GET", f"/van-ban/{BIG}", 422, "PARLENS-E052"),
    ("GET", f"/nhiem-vu?trang={BIG}", 422, "PARLENS-E052"),
    ("GET", f"/nhiem-vu?document={BIG}", 422, "PARLENS-E052"),
    ("GET", "/nhiem-vu?overdue_on=0001-01-01", 400, "PARLENS-E052"),
    ("GET", f"/bao-phu?documents={BIG}", 400, "PARLENS-E052"),
    ("GET", "/tim-kiem?q=" + LONG_QUERY, 422, "PARLENS-E052"),
    ("GET", "/tim-kiem?q=cai&filter=year=999999999999999999999999999999", 400, "PARLENS-E041"),
]


def _label(case: tuple) -> str:
    method, url = case[0], case[1]
    return f"{method} {url[:60]}" + ("…" if len(url) > 60 else "")


@pytest.mark.parametrize("case", API_CASES, ids=_label)
def test_api_answers_4xx_with_a_code(corpus_client, case) -> None:
    method, url, status, code = case
    answer = corpus_client.request(method, url)
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"]["code"] == code
    assert answer.headers.get("connection", "").lower() != "close"


@pytest.mark.parametrize("case", PAGE_CASES, ids=_label)
def test_pages_render_the_error_page(corpus_client, case) -> None:
    method, url, status, code = case
    answer = corpus_client.request(method, url)
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert code in answer.text and len(answer.content) < 20_000  # the query is not echoed back in full
    assert answer.headers.get("connection", "").lower() != "close"


def test_the_limits_themselves_are_served(corpus_client) -> None:
    """The largest accepted values still answer 200: the bounds refuse nothing a client could mean."""
    assert corpus_client.get("/documents", params={"offset": 1_000_000_000}).json()["documents"] == []
    assert corpus_client.get(f"/documents/{2**63 - 1}").json()["error"]["code"] == "PARLENS-E020"
    tasks = corpus_client.get("/tasks", params={"overdue_on": "1900-01-01", "due_after": "1900-01-01"})
    assert tasks.status_code == 200 and tasks.json()["total"] == 0
    assert corpus_client.get("/search", params={"q": "cải cách " * 55}).status_code == 200  # 495 characters
    assert corpus_client.get("/search", params={"q": "cai", "filter": "year=2025"}).status_code == 200
    assert corpus_client.get("/nhiem-vu", params={"overdue_on": "2100-12-31"}).status_code == 200
    assert corpus_client.get("/tim-kiem", params={"q": "cải cách " * 55}).status_code == 200


def test_segmented_mode_answers_like_folded_on_an_index_without_words(client) -> None:
    """The service indexes no word segmentation: ``segmented`` ranks as ``folded`` instead of failing."""
    assert upload(client, DIRECTIVE_TXT).status_code == 201
    folded = client.get("/search", params={"q": "cải cách hành chính", "mode": "folded"})
    segmented = client.get("/search", params={"q": "cải cách hành chính", "mode": "segmented"})
    assert segmented.status_code == 200 and folded.status_code == 200
    assert segmented.json()["total"] == folded.json()["total"] > 0
    assert [h["passage"] for h in segmented.json()["hits"]] == [h["passage"] for h in folded.json()["hits"]]
    assert client.get("/search", params={"q": "cai", "mode": "words"}).json()["error"]["code"] == "PARLENS-E052"


def test_every_parameter_of_the_api_is_bounded() -> None:
    """The schema itself says the limits: integers within SQLite's INTEGER, free text and lists capped."""
    spec = create_app(Settings(data_dir=Path("unused"))).openapi()
    loose = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                for schema in param["schema"].get("anyOf", [param["schema"]]):
                    kind = schema.get("type")
                    where = f"{method.upper()} {path} {param['name']}"
                    if kind == "integer" and not (-(2**63) <= schema.get("minimum", -(2**64)) and schema.get("maximum", 2**64) <= 2**63 - 1):
                        loose.append(f"{where}: integer without bounds in int64")
                    elif kind == "string" and not ({"enum", "format", "maxLength"} & schema.keys()):
                        loose.append(f"{where}: string without maxLength")
                    elif kind == "array" and "maxItems" not in schema:
                        loose.append(f"{where}: list without maxItems")
    # a job id is looked up as text, never as a number; its route belongs to the upload work (bounded there)
    assert [entry for entry in loose if not entry.startswith("GET /jobs/{job_id} job_id:")] == []
