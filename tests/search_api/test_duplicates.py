"""One document, one record: the same plan from two files is linked, counted once, and a person chooses."""

from __future__ import annotations

import importlib.util
import json

import pytest
from typer.testing import CliRunner

from parlens.ingest import ocr
from parlens.search_api.cli import app as cli_app
from parlens.settings import REPO_ROOT

from .conftest import upload

runner = CliRunner()


def _renderer():
    spec = importlib.util.spec_from_file_location("corpus_render", REPO_ROOT / "corpora" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = _renderer()
SOURCES = {d["stem"]: d for d in RENDER.load_sources()}
PLAN = SOURCES["kh_kiemtra_cchc_2026_dongthap"]


def _plan_files() -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    return (("kh-kiem-tra.docx", RENDER.render_docx(PLAN)),
            ("kh-kiem-tra-ban-in.txt", RENDER.render_txt(PLAN).encode("utf-8")))


def _tasks_total(client) -> int:
    return client.get("/tasks", params={"limit": 1}).json()["total"]


def test_the_same_plan_as_docx_and_as_text_is_one_record(client) -> None:
    docx, text = _plan_files()
    first = upload(client, docx).json()["files"][0]
    assert first["status"] == "ingested" and first["tasks"] > 0 and first["duplicate_of"] is None
    total = _tasks_total(client)
    criteria = client.get("/criteria").json()

    second = upload(client, text).json()["files"][0]
    assert second["status"] == "ingested" and second["document_id"] != first["document_id"]
    assert second["duplicate_of"]["id"] == first["document_id"]
    assert second["duplicate_of"]["tasks"] == first["tasks"]
    assert any(w["code"] == "PARLENS-E015" for w in second["warnings"])
    # Counted once: the task list, the criteria counts and the search index do not double.
    assert _tasks_total(client) == total
    assert client.get("/criteria").json() == criteria
    page = client.get(f"/documents/{second['document_id']}", params={"text": False}).json()
    assert page["duplicate_of"] == first["document_id"]
    assert [c["id"] for c in page["copies"]] == [first["document_id"], second["document_id"]]
    assert page["warnings"][0].startswith(f"PARLENS-E015 bản khác của #{first['document_id']}")
    hits = client.get("/search", params={"q": PLAN["header"]["number"]}).json()
    assert {h["document_id"] for h in hits.get("hits", hits.get("results", []))} <= {first["document_id"]}


def test_identical_bytes_answer_with_the_stored_documents_real_task_count(client) -> None:
    docx, _ = _plan_files()
    first = upload(client, docx).json()["files"][0]
    again = upload(client, docx).json()["files"][0]
    assert again["status"] == "duplicate" and again["document_id"] == first["document_id"]
    assert again["tasks"] == first["tasks"] > 0
    assert again["duplicate_of"]["id"] == first["document_id"]


def test_keep_and_separate_decide_which_copy_counts(client) -> None:
    docx, text = _plan_files()
    first = upload(client, docx).json()["files"][0]["document_id"]
    answer = upload(client, text).json()["files"][0]
    second = answer["document_id"]
    total = _tasks_total(client)

    kept = client.post(f"/documents/{second}/keep")
    assert kept.status_code == 200
    assert [(c["id"], c["primary"]) for c in kept.json()["copies"]] == [(second, True), (first, False)]
    listed = client.get("/tasks", params={"limit": 500}).json()
    assert {t["document_id"] for t in listed["tasks"]} == {second} and listed["total"] == answer["tasks"]
    assert client.get("/duplicates").json()["groups"][0][0]["id"] == second

    assert client.post(f"/documents/{first}/separate").status_code == 200
    assert client.get("/duplicates").json()["total"] == 0
    assert _tasks_total(client) > total  # both count now
    assert client.post("/documents/9999/keep").status_code == 404


def test_cli_lists_groups_and_keeps_a_copy(client, settings) -> None:
    docx, text = _plan_files()
    first = upload(client, docx).json()["files"][0]["document_id"]
    second = upload(client, text).json()["files"][0]["document_id"]
    listed = runner.invoke(cli_app, ["duplicates", "--json"])
    assert listed.exit_code == 0, listed.output
    groups = json.loads(listed.output)["groups"]
    assert [[c["id"] for c in g] for g in groups] == [[first, second]]
    kept = runner.invoke(cli_app, ["duplicates", "keep", str(second)])
    assert kept.exit_code == 0 and f"#{second}" in kept.output.splitlines()[0]
    assert runner.invoke(cli_app, ["duplicates", "keep", "9999"]).exit_code == 2


@pytest.mark.skipif(not ocr.tesseract_available(), reason="tesseract not installed")
def test_a_scan_of_a_stored_docx_is_a_copy(client) -> None:
    letter = SOURCES["cv_baocao_quy3_2025_snv_hatinh_scan"]
    first = upload(client, ("cong-van.docx", RENDER.render_docx(letter))).json()["files"][0]
    scan = upload(client, ("cong-van-scan.pdf", RENDER.render_scan_pdf(letter))).json()["files"][0]
    assert scan["status"] == "ingested" and scan["duplicate_of"]["id"] == first["document_id"]


def test_coverage_counts_a_plan_chosen_with_its_copy_once(client) -> None:
    docx, text = _plan_files()
    first = upload(client, docx).json()["files"][0]["document_id"]
    second = upload(client, text).json()["files"][0]["document_id"]
    alone = client.get("/coverage", params={"documents": str(first)}).json()
    both = client.get("/coverage", params={"documents": f"{first},{second}"}).json()
    copy_only = client.get("/coverage", params={"documents": str(second)}).json()
    assert both["task_count"] == alone["task_count"] == copy_only["task_count"] > 0
    assert [d["document_id"] for d in both["documents"]] == [first]
    assert copy_only["documents"][0]["chosen_copy"] == second


def test_the_web_pages_name_the_copies_and_offer_the_choice(client) -> None:
    docx, text = _plan_files()
    first = upload(client, docx).json()["files"][0]["document_id"]
    second = upload(client, text).json()["files"][0]["document_id"]
    page = client.get(f"/van-ban/{second}").text
    assert f"bản khác của <a href=\"/van-ban/{first}\">#{first}</a>" in page
    assert 'data-action="keep"' in page and 'data-action="separate"' in page
    primary = client.get(f"/van-ban/{first}").text
    assert "bản được tính" in primary and f'href="/van-ban/{second}"' in primary and 'data-action="keep"' not in primary
    listing = client.get("/van-ban").text
    assert f"bản khác của #{first}" in listing and listing.count("bản khác của #") == 1


# -- in Chromium: upload a second file of one plan, see the link, choose the copy that counts ----------------

from .test_browser import CHROMIUM, browser, page, server, shot  # noqa: E402,F401  (the shared browser fixtures)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
def test_in_the_browser_a_second_file_is_linked_and_a_person_chooses(page, server, tmp_path) -> None:
    import re

    import httpx
    from playwright.sync_api import expect

    docx, text = _plan_files()
    for name, data in (docx, text):
        (tmp_path / name).write_bytes(data)
    page.goto("/tai-len")
    page.set_input_files("#files", str(tmp_path / docx[0]))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-status")).to_have_text(re.compile("^Xong"), timeout=60_000)
    page.set_input_files("#files", str(tmp_path / text[0]))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-status")).to_have_text(re.compile("^Xong"), timeout=60_000)
    row = page.locator("#results tr.result", has_text=text[0])
    expect(row).to_contain_text("bản khác của #")
    first = int(re.search(r"bản khác của #(\d+)", row.inner_text()).group(1))
    assert row.locator(f'a[href="/van-ban/{first}"]').count() == 1
    shot(page, "tai-len-ban-khac")

    copy = httpx.get(f"{server}/documents", params={"limit": 500}, timeout=30).json()["documents"]
    second = next(d["id"] for d in copy if d["duplicate_of"] == first)
    page.goto(f"/van-ban/{second}")
    assert f"bản khác của #{first}" in page.locator("#ban-khac").inner_text()
    page.locator("button.copy-action[data-action=keep]").click()
    expect(page.locator("#ban-khac")).to_contain_text("Văn bản này là bản được tính", timeout=30_000)
    shot(page, "van-ban-ban-duoc-tinh")
    listed = httpx.get(f"{server}/tasks", params={"limit": 500}, timeout=30).json()
    assert second in {t["document_id"] for t in listed["tasks"]} and first not in {t["document_id"] for t in listed["tasks"]}
    assert listed["total"] == httpx.get(f"{server}/documents/{second}", params={"text": False}, timeout=30).json()["task_count"] \
        + sum(1 for t in listed["tasks"] if t["document_id"] not in (first, second))
