"""Layout and navigation in headless Chromium at a phone's 390 px and a laptop's 1366 px: no page scrolls
sideways, the search facets fold away on a phone, a skip link comes first, status text is at least 14 px,
the menu reaches Bao phủ (which opens on the plans of the year), task lists become cards with overdue ones
marked, and criterion chips carry the criterion's name.

Every page of the menu is visited (read from the menu itself), plus a document, a task, a criterion and a
coverage page. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from .conftest import DIRECTIVE_TXT, PLAN_PDF, SAMPLES
from .test_browser import CHROMIUM, browser, server, shot  # noqa: F401  (fixtures shared with the other browser tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(scripts/install-system-deps.sh installs it)"),
]

WIDTHS = [390, 1366]
SKIP_TEXT = "Bỏ qua đến nội dung chính"
QUERY = "cai cach thu tuc hanh chinh"

# Every element that shows text of its own, visible and outside the charts' SVG, whose font is under 14 px.
SMALL_TEXT_JS = """() => {
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg, script, style, .visually-hidden, thead')) continue;
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width < 2 || box.height < 2 || style.visibility === 'hidden' || style.display === 'none') continue;
    const size = parseFloat(style.fontSize);
    if (size < 14) small.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px "${el.textContent.trim().slice(0, 30)}"`);
  }
  return small;
}"""

# The first element a Tab reaches: focusable, in tab order, in document order (no page uses a positive tabindex).
FIRST_FOCUSABLE_JS = """() => {
  const all = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]');
  const first = Array.from(all).find(el => el.tabIndex >= 0 && !el.disabled);
  return first ? {cls: first.className, text: first.textContent.trim()} : null;
}"""


@pytest.fixture(scope="module")
def corpus(server) -> dict:
    """The plan PDF and a directive uploaded once; a task with criteria, its document and one criterion."""
    files = [("files", (name, (SAMPLES / name).read_bytes())) for name in (PLAN_PDF, DIRECTIVE_TXT)]
    answer = httpx.post(server + "/documents", files=files, timeout=180).json()
    ids = [f["document_id"] for f in answer["files"]]
    tasks = httpx.get(f"{server}/tasks", params={"document": ids[0], "limit": 5000}, timeout=30).json()["tasks"]
    task = next(t for t in tasks if t["criteria"])
    return {"plan": ids[0], "directive": ids[1], "task": task, "code": task["criteria"][0]["code"]}


@pytest.fixture
def tab(browser, server, request):
    """A page in a context of the width the test's ``width`` parameter names (390 unless parametrised)."""
    width = getattr(request, "param", 390)
    context = browser.new_context(base_url=server, viewport={"width": width, "height": 860}, locale="vi-VN")
    page = context.new_page()
    page.width = width
    yield page
    context.close()


def all_pages(page, corpus: dict) -> list[str]:
    """Every page of the menu (as the menu lists it) plus a document, a task, a criterion and a coverage page."""
    page.goto("/tim-kiem")
    menu = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    pages = [f"/tim-kiem?q={QUERY.replace(' ', '+')}" if href == "/tim-kiem" else href for href in menu]
    return [*pages, f"/van-ban/{corpus['plan']}", f"/nhiem-vu/{corpus['task']['id']}", f"/tieu-chi/{corpus['code']}",
            f"/bao-phu?documents={corpus['plan']}&documents={corpus['directive']}"]


def _name(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.strip("/").split("?")[0]) or "home"


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_no_page_scrolls_sideways(tab, corpus) -> None:
    too_wide = {}
    for url in all_pages(tab, corpus):
        answer = tab.goto(url)
        assert answer.status == 200, url
        width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            too_wide[url] = width
        if tab.width == 390:
            shot(tab, f"390-{_name(url)}")
    assert too_wide == {}, f"pages wider than the window at {tab.width} px: {too_wide}"


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_status_text_is_at_least_14px(tab, corpus) -> None:
    small = {}
    for url in all_pages(tab, corpus):
        tab.goto(url)
        found = tab.evaluate(SMALL_TEXT_JS)
        if found:
            small[url] = found[:5]
    assert small == {}, f"text under 14 px at {tab.width} px: {small}"


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_a_skip_link_comes_first_and_moves_focus_to_the_content(tab, corpus) -> None:
    for url in all_pages(tab, corpus):
        tab.goto(url)
        assert tab.evaluate(FIRST_FOCUSABLE_JS) == {"cls": "skip-link", "text": SKIP_TEXT}, url
    tab.goto("/nhiem-vu")
    tab.keyboard.press("Tab")
    focused = tab.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["skip-link", SKIP_TEXT]
    box = tab.locator("a.skip-link").bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= tab.width  # shown while it has the focus
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    assert tab.evaluate("document.activeElement.tagName") == "MAIN"


def test_search_facets_fold_away_on_a_phone(browser, server, corpus) -> None:
    for width in WIDTHS:
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 860}, locale="vi-VN")
        page = context.new_page()
        page.goto(f"/tim-kiem?q={QUERY}")
        first_hit = page.locator("article.hit").first
        first_hit.wait_for()
        top = first_hit.bounding_box()["y"]
        links = page.locator(".facets li a")
        assert links.count() > 5  # there are facets to fold
        shown_before = [i for i in range(links.count()) if links.nth(i).is_visible() and links.nth(i).bounding_box()["y"] < top]
        if width == 390:
            assert shown_before == [], f"{len(shown_before)} facet rows before the first result at 390 px"
            assert top < 500  # the first result is on the first screen
            summary = page.locator("details.facets > summary")
            assert summary.is_visible() and "Lọc kết quả" in summary.inner_text()
            summary.click()
            assert links.first.is_visible()
            shot(page, "390-tim-kiem-bo-loc")
        else:
            assert all(links.nth(i).is_visible() for i in range(links.count()))
        context.close()


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_menu_reaches_bao_phu_without_wrapping(tab, corpus) -> None:
    tab.goto("/nhiem-vu")
    links = tab.locator("header nav a")
    labels = [links.nth(i).inner_text() for i in range(links.count())]
    assert "Bao phủ" in labels
    for i in range(links.count()):
        lines = links.nth(i).evaluate("a => a.getClientRects().length")
        box = links.nth(i).bounding_box()
        line = float(links.nth(i).evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
        assert lines == 1 and box["height"] < 2 * line, f"menu item {labels[i]!r} breaks over lines"
        assert 0 <= box["x"] and box["x"] + box["width"] <= tab.width, f"menu item {labels[i]!r} is off the screen"
    header = tab.locator("header.top").bounding_box()
    assert header["height"] < 0.25 * 860
    with tab.expect_navigation() as info:
        tab.get_by_role("link", name="Bao phủ", exact=True).click()
    assert info.value.status == 200
    assert tab.locator("header nav a.on").inner_text() == "Bao phủ"


def test_bao_phu_opens_on_this_years_plans_and_the_picker_changes_the_choice(tab, server, corpus) -> None:
    plans = httpx.get(f"{server}/documents", params={"doc_type": "Kế hoạch", "limit": 500}, timeout=30).json()
    rows = plans["documents"]
    years = sorted({int(d["issued_on"][:4]) for d in rows if d.get("issued_on")})
    year = date.today().year if date.today().year in years else years[-1]
    expected = {d["id"] for d in rows if (d.get("issued_on") or "").startswith(str(year))}
    assert corpus["plan"] in expected
    answer = tab.goto("/bao-phu")
    assert answer.status == 200
    chosen = {int(v) for v in tab.eval_on_selector_all("#chosen-documents input:checked", "xs => xs.map(x => x.value)")}
    assert chosen == expected
    assert tab.locator("#heatmap thead th a").count() == len(expected)
    assert tab.locator("td.heat").count() > 10
    shot(tab, "390-bao-phu-mac-dinh")
    # Any type, any year: every document is compared; then untick the plan and compare the directive alone.
    tab.select_option("#coverage-filter select[name=loai]", "")
    tab.select_option("#coverage-filter select[name=nam]", "")
    tab.click("#coverage-filter button[type=submit]")
    tab.wait_for_url("**/bao-phu?*")
    ticked = {int(v) for v in tab.eval_on_selector_all("#chosen-documents input:checked", "xs => xs.map(x => x.value)")}
    assert {corpus["plan"], corpus["directive"]} <= ticked
    for doc_id in ticked - {corpus["directive"]}:
        tab.uncheck(f"#chosen-documents input[value='{doc_id}']")
    tab.click("#coverage-choose button[type=submit]")
    tab.wait_for_url("**/bao-phu?*documents=*")
    assert tab.locator("#heatmap thead th a").count() == 1
    assert tab.locator("#chosen-documents input:checked").evaluate_all("xs => xs.map(x => x.value)") == [str(corpus["directive"])]
    assert tab.locator("#more-documents input[value='%d']" % corpus["plan"]).count() == 1  # still there to tick again


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_task_list_is_cards_on_a_phone_with_overdue_ones_marked(tab, corpus) -> None:
    tab.goto(f"/nhiem-vu?document={corpus['plan']}&on=2099-01-01")  # every dated task is overdue by then
    rows = tab.locator("table.tasks tbody tr.overdue")
    assert rows.count() > 0
    row = rows.first
    assert "⚠ Quá hạn" in row.inner_text()  # a cue in words, not colour alone
    if tab.width == 390:
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= tab.width
        assert float(row.evaluate("tr => parseFloat(getComputedStyle(tr).borderLeftWidth)")) >= 4
        assert row.locator("td.due").evaluate("td => getComputedStyle(td, '::before').content") == '"Thời hạn"'
        shot(tab, "390-nhiem-vu-qua-han")
    else:
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
        assert row.locator("td").first.evaluate("td => getComputedStyle(td).boxShadow") != "none"


@pytest.mark.parametrize("tab", WIDTHS, indirect=True)
def test_criterion_chips_carry_the_name(tab, server, corpus) -> None:
    task = corpus["task"]
    expected = [f"{c['code']} · {c['name']}" for c in task["criteria"]]
    places = {
        "task list": (f"/nhiem-vu?document={corpus['plan']}", f"#task-{task['id']} .chip.crit"),
        "document": (f"/van-ban/{corpus['plan']}", f"a.task-page[href='/nhiem-vu/{task['id']}'] >> xpath=ancestor::tr >> .chip.crit"),
        "task": (f"/nhiem-vu/{task['id']}", "#task-info .chip.crit"),
    }
    for place, (url, selector) in places.items():
        tab.goto(url)
        chips = tab.locator(selector)
        assert chips.evaluate_all("xs => xs.map(x => x.textContent.trim())") == expected, place
        assert chips.evaluate_all("xs => xs.map(x => x.title)") == expected, place
        for i in range(chips.count()):
            box = chips.nth(i).bounding_box()
            assert box["x"] + box["width"] <= tab.width, f"a chip runs off the screen on the {place} page"
    code, name = task["criteria"][0]["code"], task["criteria"][0]["name"]
    tab.goto(f"/tim-kiem?q={QUERY}&filter=criterion={code}")
    assert f"{code} · {name}" in tab.locator("#chosen-filters").inner_text()
    hit_chips = tab.locator("article.hit .chip.crit")
    assert hit_chips.count() > 0
    assert all(re.fullmatch(r"\S+ · \S.*", t) for t in hit_chips.evaluate_all("xs => xs.map(x => x.textContent.trim())"))
