"""The tracker API: status and corrections (PATCH), delete, add, history, timeliness filters combined with the
others, default scope, evidence, roles; edits surviving re-extraction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parlens import pipeline
from parlens.search_api.http import create_app
from parlens.search_api.http.keys import create_key
from parlens.settings import Settings

from .conftest import DIRECTIVE_TXT, PLAN_PDF, local_client, upload


@pytest.fixture
def tracked(client):
    answer = upload(client, PLAN_PDF, DIRECTIVE_TXT)
    assert answer.status_code == 201, answer.text
    client.ids = {f["file"]: f["document_id"] for f in answer.json()["files"]}
    return client


def _tasks(client, **params) -> list[dict]:
    answer = client.get("/tasks", params={"limit": 5000, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["tasks"]


def _code(answer) -> str:
    return answer.json()["error"]["code"]


def test_patch_status_then_history(tracked) -> None:
    task = next(t for t in _tasks(tracked) if t["tracking"]["due"] and not t["deadline"]["recurrence"])
    due = date.fromisoformat(task["tracking"]["due"])
    late = (due + timedelta(days=3)).isoformat()
    answer = tracked.patch(f"/tasks/{task['id']}", json={"status": "hoan_thanh", "completed_on": late,
                                                         "assignee": "Nguyễn Văn An", "note": "đã nộp báo cáo"})
    assert answer.status_code == 200, answer.text
    tracking = answer.json()["tracking"]
    assert (tracking["status"], tracking["status_label"], tracking["timeliness"]) == (
        "hoan_thanh", "Hoàn thành", "hoan_thanh_qua_han")
    assert tracking["assignee"] == "Nguyễn Văn An"
    history = tracked.get(f"/tasks/{task['id']}/history").json()["history"]
    assert len(history) == 1 and history[0]["actor"] == "local"
    assert history[0]["after"]["status"] == "hoan_thanh" and history[0]["before"]["status"] == "chua_thuc_hien"
    on_time = tracked.patch(f"/tasks/{task['id']}", json={"completed_on": due.isoformat()}).json()["tracking"]
    assert on_time["timeliness"] == "dung_han"
    cleared = tracked.patch(f"/tasks/{task['id']}", json={"assignee": None}).json()["tracking"]
    assert cleared["assignee"] is None


def test_patch_refuses_bad_input_without_writing(tracked) -> None:
    task_id = _tasks(tracked)[0]["id"]
    for body in ({"status": "xong"}, {"colour": "red"}, {"completed_on": "31/02/2025"}, {},
                 {"criteria": ["PAR.99"]}, {"deadline": "sớm nhất có thể"}, {"task": ""}):
        answer = tracked.patch(f"/tasks/{task_id}", json=body)
        assert answer.status_code in (400, 404, 422), (body, answer.status_code)
        assert _code(answer) in ("PARLENS-E052", "PARLENS-E027", "PARLENS-E030"), body
    assert tracked.get(f"/tasks/{task_id}/history").json()["history"] == []
    missing = tracked.patch("/tasks/999999", json={"status": "hoan_thanh"})
    assert missing.status_code == 404 and _code(missing) == "PARLENS-E026"


def test_corrections_survive_reextract(tracked) -> None:
    doc_id = tracked.ids[PLAN_PDF]
    first, second, third = _tasks(tracked, document=doc_id)[:3]
    fixed = tracked.patch(f"/tasks/{first['id']}", json={"agency": "Sở Tư pháp", "role": "support",
                                                         "deadline": "trước ngày 30/11/2026", "criteria": ["PAR.2"]})
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert (body["agency"], body["agency_id"], body["role"]) == ("Sở Tư pháp", "so-tu-phap", "support")
    assert body["deadline"]["due"] == "2026-11-30" and [c["code"] for c in body["criteria"]] == ["PAR.2"]
    assert tracked.delete(f"/tasks/{second['id']}").status_code == 204
    assert tracked.get(f"/tasks/{second['id']}").status_code == 404
    added = tracked.post(f"/documents/{doc_id}/tasks", json={"agency": "Sở Xây dựng", "task": "Rà soát quy hoạch",
                                                             "deadline": "2026-12-31", "start": third["source"]["start"],
                                                             "end": third["source"]["end"]})
    assert added.status_code == 201, added.text
    assert added.json()["tracking"]["origin"] == "human" and added.json()["source"]["page"] is not None
    before = {t["id"]: t for t in _tasks(tracked, document=doc_id)}

    store = tracked.app.state.service.store
    outcome = pipeline.reextract(store, [doc_id])[doc_id]
    assert outcome.kept == 3  # the corrected, the deleted (tombstone) and the added task
    after = {t["id"]: t for t in _tasks(tracked, document=doc_id)}
    assert set(after) == set(before)  # same ids, nothing deleted comes back, nothing doubled
    assert after[first["id"]]["agency"] == "Sở Tư pháp" and after[added.json()["id"]]["task"] == "Rà soát quy hoạch"
    assert tracked.get(f"/documents/{doc_id}").json()["task_count"] == len(after)


def test_timeliness_filters_combine_with_agency_and_reference_day(tracked) -> None:
    everything = _tasks(tracked)
    dated = [t for t in everything if t["tracking"]["due"] and not t["deadline"]["recurrence"]]
    target = dated[0]
    due = target["tracking"]["due"]
    agency = target["agency_id"]

    def ids(**params) -> set[int]:
        return {t["id"] for t in _tasks(tracked, agency=agency, **params)}

    assert target["id"] in ids(timeliness="chua_den_han", on=due)  # due that very day: not late
    assert target["id"] not in ids(timeliness="qua_han", on=due)
    day_after = (date.fromisoformat(due) + timedelta(days=1)).isoformat()
    late = ids(timeliness="qua_han", on=day_after)
    assert target["id"] in late and late == ids(overdue_on=day_after)
    assert all(t["agency_id"] == agency for t in _tasks(tracked, agency=agency, timeliness="qua_han", on=day_after))
    tracked.patch(f"/tasks/{target['id']}", json={"status": "hoan_thanh", "completed_on": due})
    assert target["id"] not in ids(timeliness="qua_han", on=day_after)
    assert target["id"] in ids(timeliness="dung_han", on=day_after) and target["id"] in ids(status="hoan_thanh")
    assert tracked.get("/tasks", params={"timeliness": "late"}).status_code == 422
    both = tracked.get("/tasks", params={"timeliness": "dung_han", "overdue_on": day_after})
    assert both.status_code == 400 and _code(both) == "PARLENS-E052"


def test_recurring_task_shows_its_occurrences(tracked) -> None:
    recurring = [t for t in _tasks(tracked) if t["deadline"] and t["deadline"]["recurrence"]]
    if not recurring:
        pytest.skip("the sample documents hold no recurring duty")
    task = recurring[0]
    detail = tracked.get(f"/tasks/{task['id']}", params={"on": "2026-12-05"}).json()
    assert detail["occurrences"] and detail["occurrences"][-1]["due"] >= "2026-12-05"
    current = detail["tracking"]["due"]
    marked = tracked.patch(f"/tasks/{task['id']}", json={"status": "hoan_thanh", "occurrence": current,
                                                         "completed_on": current}).json()
    assert next(o for o in marked["occurrences"] if o["due"] == current)["status"] == "hoan_thanh"


def test_scope_defaults_to_the_office_and_widens_on_request(data_dir) -> None:
    settings = Settings(data_dir=data_dir, scope_province="Hà Tĩnh")
    with local_client(create_app(settings)) as client:
        upload(client, PLAN_PDF, DIRECTIVE_TXT)
        scoped = _tasks(client)
        assert scoped and {t["document"]["province"] for t in scoped} == {"Hà Tĩnh"}
        everything = _tasks(client, province="")
        assert len(everything) > len(scoped)
        assert len(_tasks(client, province="Nghệ An")) == len(everything) - len(scoped)


def test_evidence_routes(tracked) -> None:
    task = _tasks(tracked)[0]
    proof_doc = tracked.ids[DIRECTIVE_TXT]
    by_doc = tracked.post(f"/tasks/{task['id']}/evidence", data={"document_id": str(proof_doc), "note": "văn bản"})
    assert by_doc.status_code == 201, by_doc.text
    by_file = tracked.post("/criteria/par.7.2/evidence", files={"file": ("bien-ban.pdf", b"%PDF-1.4 x", "application/pdf")})
    assert by_file.status_code == 201 and by_file.json()["criterion"] == "PAR.7.2"
    got = tracked.get(f"/evidence/{by_file.json()['id']}/file")
    assert got.content == b"%PDF-1.4 x" and "attachment" in got.headers["content-disposition"]
    assert got.headers["content-security-policy"] == "sandbox"
    assert [e["document_id"] for e in tracked.get(f"/tasks/{task['id']}/evidence").json()["evidence"]] == [proof_doc]
    code = task["criteria"][0]["code"] if task["criteria"] else "PAR.7.2"
    listing = tracked.get(f"/criteria/{code}/evidence").json()
    assert task["id"] not in {t["id"] for t in listing["tasks_without_evidence"]}
    assert {e["task_id"] for e in listing["task_evidence"]} <= {task["id"]}
    neither = tracked.post(f"/tasks/{task['id']}/evidence", data={"note": "x"})
    assert neither.status_code == 422 and _code(neither) == "PARLENS-E027"
    assert tracked.post("/criteria/PAR.99/evidence", data={"document_id": "1"}).status_code == 404
    assert tracked.delete(f"/evidence/{by_file.json()['id']}").status_code == 204
    assert tracked.get(f"/evidence/{by_file.json()['id']}/file").status_code == 404


def test_readers_read_and_editors_change(tracked) -> None:
    store = tracked.app.state.service.store
    reader = {"X-API-Key": create_key(store, "reader").secret}
    editor = {"X-API-Key": create_key(store, "editor").secret}
    task_id = tracked.get("/tasks", headers=reader).json()["tasks"][0]["id"]
    for method, url, kw in (("patch", f"/tasks/{task_id}", {"json": {"status": "hoan_thanh"}}),
                            ("delete", f"/tasks/{task_id}", {}),
                            ("post", f"/documents/{tracked.ids[PLAN_PDF]}/tasks", {"json": {"agency": "Sở Nội vụ", "task": "x"}}),
                            ("post", f"/tasks/{task_id}/evidence", {"data": {"document_id": "1"}})):
        denied = getattr(tracked, method)(url, headers=reader, **kw)
        assert denied.status_code == 403 and _code(denied) == "PARLENS-E051", (method, url)
    assert tracked.get(f"/tasks/{task_id}/history", headers=reader).status_code == 200
    done = tracked.patch(f"/tasks/{task_id}", json={"status": "hoan_thanh"}, headers=editor)
    assert done.status_code == 200
    assert tracked.get(f"/tasks/{task_id}/history", headers=reader).json()["history"][0]["actor"].startswith("key:")


def test_adding_a_task_refuses_a_bad_span_or_document(tracked) -> None:
    doc_id = tracked.ids[PLAN_PDF]
    before = len(_tasks(tracked, document=doc_id))
    beyond = tracked.post(f"/documents/{doc_id}/tasks", json={"agency": "Sở Nội vụ", "task": "x", "start": 10**9, "end": 10**9 + 5})
    assert beyond.status_code == 422 and _code(beyond) == "PARLENS-E027"
    half = tracked.post(f"/documents/{doc_id}/tasks", json={"agency": "Sở Nội vụ", "task": "x", "start": 5})
    assert half.status_code == 422 and _code(half) == "PARLENS-E027"
    bad_deadline = tracked.post(f"/documents/{doc_id}/tasks", json={"agency": "Sở Nội vụ", "task": "x", "note": "n",
                                                                  "deadline": "không rõ khi nào"})
    assert bad_deadline.status_code == 422 and _code(bad_deadline) == "PARLENS-E027"
    missing = tracked.post("/documents/999999/tasks", json={"agency": "Sở Nội vụ", "task": "x"})
    assert missing.status_code == 404 and _code(missing) == "PARLENS-E020"
    assert len(_tasks(tracked, document=doc_id)) == before  # nothing half-written
