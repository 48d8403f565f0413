"""The HTTP API over a temporary store with the real pipeline: uploads, documents, search, tasks and exports."""

from __future__ import annotations

import csv
import io
import time
from datetime import date

from icalendar import Calendar
from openpyxl import load_workbook

from parlens.store import Store

from .conftest import DIRECTIVE_TXT, PLAN_PDF, SAMPLES, upload

ERROR_KEYS = {"code", "title", "detail", "hint", "title_vi", "hint_vi"}  # English for the API and CLI, Vietnamese for the UI


def test_upload_plan_pdf_gives_tasks_document_and_original(client) -> None:
    answer = upload(client, PLAN_PDF)
    assert answer.status_code == 201, answer.text
    [result] = answer.json()["files"]
    assert result["status"] == "ingested" and result["tasks"] > 5 and result["error"] is None
    doc = client.get(f"/documents/{result['document_id']}").json()
    assert doc["source_name"] == PLAN_PDF and doc["media_type"] == "application/pdf"
    assert len(doc["tasks"]) == result["tasks"] == doc["task_count"]
    text = doc["text"]
    for task in doc["tasks"]:
        assert 0 <= task["source"]["start"] < task["source"]["end"] <= len(text)
        assert {"agency", "role", "task", "deadline", "criteria"} <= task.keys()
    for block in doc["blocks"]:
        assert text[block["start"]:block["end"]] == block["text"]
    original = client.get(f"/documents/{result['document_id']}/file")
    assert original.status_code == 200 and original.content == (SAMPLES / PLAN_PDF).read_bytes()
    assert original.headers["content-type"] == "application/pdf"
    assert PLAN_PDF in original.headers["content-disposition"]


def test_duplicate_upload_reports_the_existing_id(client) -> None:
    first = upload(client, DIRECTIVE_TXT).json()["files"][0]
    again = upload(client, (f"copy-of-{DIRECTIVE_TXT}", (SAMPLES / DIRECTIVE_TXT).read_bytes()))
    assert again.status_code == 200
    [result] = again.json()["files"]
    assert result["status"] == "duplicate" and result["document_id"] == first["document_id"]
    assert client.get("/documents").json()["total"] == 1


def test_corrupt_file_gives_its_code_and_nothing_is_stored(client, data_dir) -> None:
    answer = upload(client, ("ke-hoach.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n garbage without xref"))
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"].keys() == ERROR_KEYS and body["error"]["code"] == "PARLENS-E003"
    assert body["files"][0]["status"] == "failed"
    assert client.get("/documents").json()["total"] == 0
    with Store(data_dir / "parlens.sqlite3") as store:
        assert store.last_change_seq() == 0 and store.stats()["original_bytes"] == 0


def test_mixed_batch_keeps_good_files_and_reports_each_failure(client) -> None:
    answer = upload(client, DIRECTIVE_TXT, ("trong.txt", b""), ("bang.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))
    assert answer.status_code == 201
    files = {f["file"]: f for f in answer.json()["files"]}
    assert files[DIRECTIVE_TXT]["status"] == "ingested"
    assert files["trong.txt"]["error"]["code"] == "PARLENS-E001"
    assert files["bang.xls"]["error"]["code"] == "PARLENS-E012"
    assert client.get("/documents").json()["total"] == 1


def test_file_over_the_size_limit_is_refused_with_413(client, monkeypatch) -> None:
    client.app.state.service.settings.max_file_bytes = 1000
    answer = upload(client, DIRECTIVE_TXT)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "PARLENS-E004"
    assert client.get("/documents").json()["total"] == 0


def test_background_job_answers_at_once_and_reports_per_file(client) -> None:
    answer = upload(client, DIRECTIVE_TXT, ("rong.txt", b"   "), background="true")
    assert answer.status_code == 202
    job = answer.json()
    assert answer.headers["location"] == f"/jobs/{job['id']}" and job["total"] == 2
    for _ in range(200):
        status = client.get(f"/jobs/{job['id']}").json()
        if status["status"] == "done":
            break
        time.sleep(0.05)
    assert status["status"] == "done" and status["done"] == 2
    by_name = {f["file"]: f for f in status["files"]}
    assert by_name[DIRECTIVE_TXT]["status"] == "ingested" and by_name["rong.txt"]["error"]["code"] == "PARLENS-E001"
    hits = client.get("/search", params={"q": "ky luat"}).json()
    assert any(h["document_id"] == by_name[DIRECTIVE_TXT]["document_id"] for h in hits["hits"])
    missing = client.get("/jobs/khong-co")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "PARLENS-E053"


def test_document_list_filters_and_paging(corpus_client) -> None:
    everything = corpus_client.get("/documents").json()
    assert everything["total"] == 3
    plans = corpus_client.get("/documents", params={"doc_type": "ke hoach"}).json()
    assert plans["total"] >= 1 and all(d["doc_type"] == "Kế hoạch" for d in plans["documents"])
    page = corpus_client.get("/documents", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["documents"]) == 1
    assert page["documents"][0]["id"] == everything["documents"][1]["id"]
    bad = corpus_client.get("/documents", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "PARLENS-E052"


def test_search_without_diacritics_has_the_cli_shape(corpus_client) -> None:
    answer = corpus_client.get("/search", params={"q": "cai cach hanh chinh", "limit": 5})
    assert answer.status_code == 200
    body = answer.json()
    assert body.keys() == {"total", "hits", "facets"} and body["total"] > 0
    hit = body["hits"][0]
    assert hit.keys() == {"document_id", "title", "doc_type", "issued_on", "passage", "highlight", "score", "section", "source"}
    assert hit["source"].keys() == {"start", "end", "page"} and "<mark>" in hit["highlight"]
    text = corpus_client.get(f"/documents/{hit['document_id']}").json()["text"]
    assert text[hit["source"]["start"]:hit["source"]["end"]] == hit["passage"]
    filtered = corpus_client.get("/search", params={"q": "cai cach", "filter": "doc_type=Kế hoạch"}).json()
    assert filtered["hits"] and all(h["doc_type"] == "Kế hoạch" for h in filtered["hits"])
    bad = corpus_client.get("/search", params={"q": "x", "filter": "colour=red"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "PARLENS-E041"


def test_tasks_filters(corpus_client) -> None:
    plan_id = corpus_client.ids[PLAN_PDF]
    everything = corpus_client.get("/tasks", params={"limit": 5000}).json()
    of_plan = corpus_client.get("/tasks", params={"document": plan_id, "limit": 5000}).json()
    assert 0 < of_plan["total"] < everything["total"]
    assert {t["document_id"] for t in of_plan["tasks"]} == {plan_id}
    leads = corpus_client.get("/tasks", params={"role": "lead", "limit": 5000}).json()
    assert leads["total"] > 0 and {t["role"] for t in leads["tasks"]} == {"lead"}
    dated = [t for t in everything["tasks"] if t["deadline"] and t["deadline"]["due"]]
    assert dated
    cut = sorted(t["deadline"]["due"] for t in dated)[len(dated) // 2]
    # Overdue on a day: not done and the due date shown that day (a recurring duty's occurrence) is before it.
    shown = corpus_client.get("/tasks", params={"on": cut, "limit": 5000}).json()["tasks"]
    overdue = corpus_client.get("/tasks", params={"overdue_on": cut, "limit": 5000}).json()
    assert overdue["total"] == sum(bool(t["tracking"]["due"]) and t["tracking"]["due"] < cut for t in shown)
    assert overdue["total"] >= sum(t["deadline"]["due"] < cut for t in dated if not t["deadline"]["recurrence"])
    assert {t["tracking"]["timeliness"] for t in overdue["tasks"]} == {"qua_han"}
    window = corpus_client.get("/tasks", params={"due_after": cut, "due_before": cut, "on": cut, "limit": 5000}).json()
    assert window["total"] == sum(t["tracking"]["due"] == cut for t in shown)
    agency = dated[0]["agency_id"]
    by_agency = corpus_client.get("/tasks", params={"agency": agency}).json()
    assert by_agency["total"] > 0 and {t["agency_id"] for t in by_agency["tasks"]} == {agency}
    linked = [t for t in everything["tasks"] if t["criteria"]]
    code = linked[0]["criteria"][0]["code"].split(".")[0] + "." + linked[0]["criteria"][0]["code"].split(".")[1]
    by_criterion = corpus_client.get("/tasks", params={"criterion": code, "limit": 5000}).json()
    assert by_criterion["total"] > 0
    assert all(any(c["code"] == code or c["code"].startswith(code + ".") for c in t["criteria"]) for t in by_criterion["tasks"])
    bad = corpus_client.get("/tasks", params={"due_before": "30/6/2026"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "PARLENS-E052"


def test_exports_parse_back(corpus_client) -> None:
    plan_id = corpus_client.ids[PLAN_PDF]
    listed = corpus_client.get("/tasks", params={"document": plan_id, "limit": 5000}).json()
    n = listed["total"]

    answer = corpus_client.get("/tasks", params={"document": plan_id, "format": "csv"})
    assert answer.headers["content-type"].startswith("text/csv") and "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Mã", "STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Vai trò", "Nhiệm vụ"] and len(rows) == n + 1
    assert [r[5] for r in rows[1:]] == [t["task"] for t in listed["tasks"]]
    assert [int(r[0]) for r in rows[1:]] == [t["id"] for t in listed["tasks"]]

    answer = corpus_client.get("/tasks", params={"document": plan_id, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.max_row == n + 1 and sheet["F2"].value == listed["tasks"][0]["task"]
    assert sheet["A2"].value == listed["tasks"][0]["id"]

    answer = corpus_client.get("/tasks", params={"document": plan_id, "format": "ics"})
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    expected = [t for t in listed["tasks"] if t["deadline"] and (t["deadline"]["due"] or t["deadline"]["recurrence"])]
    assert len(events) == len(expected) > 0
    assert sorted(str(e["uid"]) for e in events) == sorted(f"parlens-task-{t['id']}@parlens" for t in expected)
    dues = sorted(e["dtstart"].dt for e in events if not e.get("rrule"))
    assert dues == sorted(date.fromisoformat(t["deadline"]["due"]) for t in expected if not t["deadline"]["recurrence"])


def test_export_across_documents_numbers_rows_once(corpus_client) -> None:
    rows = list(csv.reader(io.StringIO(corpus_client.get("/tasks", params={"format": "csv"}).content.decode("utf-8-sig"))))
    total = corpus_client.get("/tasks").json()["total"]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(1, total + 1)]
    assert len({r[9] for r in rows[1:]}) >= 2  # the source column names each document
    assert all(r[2] for r in rows[1:])  # every row names its lead


def test_criteria_tree_responsible_and_coverage(corpus_client) -> None:
    tree = corpus_client.get("/criteria").json()["criteria"]
    codes = [root["code"] for root in tree]
    assert "PAR" in codes and tree[codes.index("PAR")]["children"]
    plan_id = corpus_client.ids[PLAN_PDF]
    task = next(t for t in corpus_client.get("/tasks", params={"document": plan_id}).json()["tasks"] if t["criteria"])
    code = task["criteria"][0]["code"]
    who = corpus_client.get(f"/criteria/{code}/responsible").json()
    assert who["criteria"][0]["code"] == code and who["agencies"] and who["tasks"]
    assert any(t["document_id"] == plan_id for t in who["tasks"])
    unknown = corpus_client.get("/criteria/PAR.99/responsible")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "PARLENS-E030"
    coverage = corpus_client.get("/coverage", params={"documents": f"{plan_id}"}).json()
    assert coverage["documents"][0]["document_id"] == plan_id
    assert coverage["task_count"] == corpus_client.get("/tasks", params={"document": plan_id}).json()["total"]
    assert any(r["covered"] for r in coverage["rows"]) and coverage["gaps"]
    assert corpus_client.get("/coverage", params={"documents": "1,x"}).json()["error"]["code"] == "PARLENS-E052"
    assert corpus_client.get("/coverage", params={"documents": "999"}).status_code == 404


def test_health_reports_index_lag_and_search_catches_up(client, data_dir) -> None:
    upload(client, DIRECTIVE_TXT)
    healthy = client.get("/health").json()
    assert healthy["status"] == "ok" and healthy["index_lag"] == 0 and healthy["store"]["documents"] == 1
    with Store(data_dir / "parlens.sqlite3") as other:  # another process (e.g. `parlens ingest`) deletes a document
        other.delete_document(1)
    lagging = client.get("/health").json()
    assert lagging["index_lag"] == 1 and lagging["store"]["documents"] == 0
    service = client.app.state.service
    service._last_catch_up = 0.0
    client.get("/search", params={"q": "ky luat"})  # notices the lag and starts a sync in a thread, without waiting
    deadline = time.monotonic() + 10
    while client.get("/search", params={"q": "ky luat"}).json()["total"] != 0 and time.monotonic() < deadline:
        service._last_catch_up = 0.0
        time.sleep(0.05)
    assert client.get("/search", params={"q": "ky luat"}).json()["total"] == 0
    assert client.get("/health").json()["index_lag"] == 0


def test_delete_removes_from_store_and_index(client) -> None:
    doc_id = upload(client, DIRECTIVE_TXT).json()["files"][0]["document_id"]
    assert client.get("/search", params={"q": "ky luat"}).json()["total"] > 0
    answer = client.delete(f"/documents/{doc_id}")
    assert answer.status_code == 200 and answer.json()["index_synced"] is True
    assert client.get(f"/documents/{doc_id}").json()["error"]["code"] == "PARLENS-E020"
    assert client.get("/search", params={"q": "ky luat"}).json()["total"] == 0
    assert client.delete(f"/documents/{doc_id}").status_code == 404


def test_openapi_documents_every_api_route(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/documents", "/documents/{doc_id}", "/documents/{doc_id}/file", "/jobs/{job_id}", "/search",
                 "/tasks", "/criteria", "/criteria/{code}/responsible", "/coverage", "/health", "/keys"):
        assert path in spec["paths"], path
    assert "delete" in spec["paths"]["/documents/{doc_id}"]
    assert not any(p.startswith("/tim-kiem") for p in spec["paths"])


def test_result_cache_evicts_oldest_and_is_keyed_by_index_state(client) -> None:
    from parlens.search_api.http.search import ResultCache

    cache = ResultCache(2)
    cache.put(("a", 1), "A")
    cache.put(("b", 1), "B")
    assert cache.get(("a", 1)) == "A"  # now the newest
    cache.put(("c", 1), "C")
    assert cache.get(("b", 1)) is None and cache.get(("a", 1)) == "A" and cache.get(("a", 2)) is None
    upload(client, DIRECTIVE_TXT)
    first = client.get("/search", params={"q": "ky luat"}).json()
    assert first["total"] > 0 and client.get("/search", params={"q": "ky luat"}).json() == first
    upload(client, ("them.txt", "Kỷ luật hành chính: Sở Nội vụ chủ trì kiểm tra kỷ luật, kỷ cương.\n".encode()))
    assert client.get("/search", params={"q": "ky luat"}).json()["total"] > first["total"]


def test_cached_search_expires_when_another_process_syncs_the_index(client, data_dir, monkeypatch) -> None:
    import parlens.search_api.http.search as route
    from parlens.pipeline import ingest_bytes
    from parlens.search_index import sync
    from parlens.search_index.embedded import EmbeddedBackend
    from parlens.settings import Settings
    from parlens.store import open_store

    upload(client, DIRECTIVE_TXT)
    first = client.get("/search", params={"q": "ky luat"})
    assert client.get("/search", params={"q": "ky luat"}).content == first.content  # served from the cache
    # a second process (e.g. `parlens ingest`) stores a document and syncs the same index folder itself
    settings = Settings(data_dir=data_dir)
    with open_store(settings) as store:
        ingest_bytes("Sở Nội vụ kiểm tra kỷ luật, kỷ cương hành chính.\n".encode(), "khac.txt", store, sync=False)
        sync(store, EmbeddedBackend(settings.index_dir, heap_size=15_000_000, threads=1))
    monkeypatch.setattr(route, "CATCH_UP_EVERY_SECONDS", 0.0)
    assert client.get("/search", params={"q": "ky luat"}).json()["total"] > first.json()["total"]


def test_many_files_go_to_a_job_automatically(client) -> None:
    from parlens.search_api.http.documents import BACKGROUND_FILES

    files = [(f"ke-hoach-{i}.txt", f"Kế hoạch {i}\nSở Nội vụ chủ trì rà soát hồ sơ đợt {i}.\n".encode()) for i in range(BACKGROUND_FILES + 1)]
    answer = upload(client, *files)
    assert answer.status_code == 202
    job_id = answer.json()["id"]
    for _ in range(400):
        status = client.get(f"/jobs/{job_id}").json()
        if status["status"] == "done":
            break
        time.sleep(0.05)
    assert [f["status"] for f in status["files"]] == ["ingested"] * len(files)
    assert client.get("/documents").json()["total"] == len(files)


def test_original_with_a_vietnamese_name_downloads_with_both_filename_forms(client) -> None:
    doc_id = upload(client, ("Kế hoạch số 5.txt", "Kế hoạch\nSở Tư pháp chủ trì.\n".encode())).json()["files"][0]["document_id"]
    answer = client.get(f"/documents/{doc_id}/file")
    disposition = answer.headers["content-disposition"]
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%205.txt" in disposition
    assert 'filename="K hoch s 5.txt"' in disposition
    meta = client.get(f"/documents/{doc_id}", params={"text": "false"}).json()
    assert "text" not in meta and meta["source_name"] == "Kế hoạch số 5.txt"


def test_api_docs_are_served_without_internet(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in page.text and "cdn." not in page.text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
