"""The Vietnamese web UI: server-rendered pages (Jinja2, autoescape on), each with a JSON twin in the API.

Pages: Tìm kiếm (/tim-kiem), Văn bản (/van-ban, /van-ban/{id}), Nhiệm vụ (/nhiem-vu, /nhiem-vu/{id}), Tổng quan
(/tong-quan), Tiêu chí (/tieu-chi, /tieu-chi/{code}), Bao phủ (/bao-phu: the plans of the office's scope and year
unless documents are ticked), Tải lên (/tai-len), Đăng nhập (/dang-nhap). The
tracker's own pages (one task, the dashboard) live in :mod:`parlens.search_api.web.tracker_pages`. Write
controls appear only for editors (``can_edit``); they call the JSON API from static/app.js.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parlens.errors import ParlensError, describe_warning, is_vietnamese
from parlens.search_api.http.deps import SESSION_COOKIE, Reader, ServiceDep, StoreDep
from parlens.search_api.http.keys import verify_key
from parlens.search_api.http.validation import (
    INT64_MAX, MAX_FILTERS, MAX_IDS, MAX_QUERY_CHARS, CriterionCode, DocumentId, id_query, page_query, parse_day,
    text_query,
)
from parlens.search_api.web.markup import Span, highlight_spans, safe_snippet

router = APIRouter(include_in_schema=False)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PAGE_PREFIXES = ("/tim-kiem", "/van-ban", "/nhiem-vu", "/tong-quan", "/tieu-chi", "/bao-phu", "/tai-len", "/dang-nhap")

FACET_LABELS = {
    "doc_type": "Loại văn bản", "issuer": "Cơ quan ban hành", "province": "Tỉnh, thành phố", "year": "Năm",
    "agency": "Cơ quan thực hiện", "criterion": "Tiêu chí", "has_deadline": "Có thời hạn",
}
ROLE_VI = {"lead": "Chủ trì", "support": "Phối hợp"}
from parlens.task_extraction.criteria.taxonomy import STATUS_LABEL_VI as STATUS_VI  # noqa: E402  (a criterion's badge)
NAV = [("/tim-kiem", "Tìm kiếm"), ("/van-ban", "Văn bản"), ("/nhiem-vu", "Nhiệm vụ"), ("/tong-quan", "Tổng quan"),
       ("/tieu-chi", "Tiêu chí"), ("/bao-phu", "Bao phủ"), ("/tai-len", "Tải lên")]


def is_page_path(path: str) -> bool:
    """Whether ``path`` is a web page (errors there render as HTML, elsewhere as JSON)."""
    return path == "/" or any(path == p or path.startswith(p + "/") for p in PAGE_PREFIXES)


def _vn_date(value: Any) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The Jinja2 environment (autoescape on for .html), created once."""
    engine = Jinja2Templates(directory=str(TEMPLATES_DIR))
    engine.env.filters["vn_date"] = _vn_date
    engine.env.globals.update(describe_warning=describe_warning, is_vietnamese=is_vietnamese)  # warnings in Vietnamese
    from parlens.tracking.status import STATUS_VI as TASK_STATUS_VI, STATUSES, TIMELINESS, TIMELINESS_VI

    engine.env.globals.update(nav=NAV, role_vi=ROLE_VI, status_vi=STATUS_VI, facet_labels=FACET_LABELS,
                              criterion_name=criterion_name,
                              task_status_vi=TASK_STATUS_VI, task_statuses=STATUSES, timeliness_vi=TIMELINESS_VI,
                              timeliness_codes=TIMELINESS)
    return engine


ROLE_NAMES_VI = {"reader": "chỉ đọc", "editor": "biên tập", "admin": "quản trị"}
# What a page says after the script's write and reload (?thong_bao=KEY); the query text itself is never shown.
NOTICES = {
    "trang-thai": "Đã lưu tình trạng.", "sua": "Đã lưu chỉnh sửa.", "them": "Đã thêm nhiệm vụ.", "xoa": "Đã xóa nhiệm vụ.",
    "minh-chung": "Đã đính kèm minh chứng.", "bo-minh-chung": "Đã gỡ minh chứng.",
}


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("active", "/" + request.url.path.strip("/").split("/")[0])
    caller = getattr(request.state, "caller", None)
    context.setdefault("caller", caller)
    context.setdefault("caller_role", ROLE_NAMES_VI.get(caller.role, caller.role) if caller else None)
    context.setdefault("notice", NOTICES.get(request.query_params.get("thong_bao", "")))
    if "can_edit" not in context:
        from parlens.search_api.http.keys import role_allows

        context["can_edit"] = caller is not None and role_allows(caller.role, "editor")
    response = templates().TemplateResponse(request, name, context, status_code=status)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def render_error(request: Request, error: ParlensError, status: int) -> HTMLResponse:
    """An error page in Vietnamese carrying the stable code (a missing key links to the sign-in page)."""
    return render(request, "error.html", status=status, error=error, status_code=status)


def criterion_name(code: str) -> str:
    """The name of a criterion in the taxonomy ("" for an unknown code), for chips that carry only a code.

    >>> criterion_name("PAR.7") != "" and criterion_name("PAR.99") == ""
    True
    """
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    item = load_taxonomy().find(str(code))
    return item.name if item is not None else ""


def facet_value_label(name: str, value: Any, service: Any) -> str:
    """How a facet value reads to staff: agency names for ids, "code · name" for criteria, Có/Không."""
    if name == "has_deadline":
        return "Có" if str(value).lower() in ("true", "1") else "Không"
    if name == "agency":
        return _agency_names(service).get(str(value), str(value))
    if name == "criterion":
        label = criterion_name(str(value))
        return f"{value} · {label}" if label else str(value)
    return str(value)


def _document_criteria(service: Any, doc_id: int, top: int = 3) -> list[Any]:
    """The ``top`` criteria a document is linked to (chips under a search hit), cached until the store changes."""
    seq = service.store.last_change_seq()
    cached = service.cache.get("document_criteria")
    if cached is None or cached[0] != seq:
        cached = (seq, {})
        service.cache["document_criteria"] = cached
    known: dict[int, list[Any]] = cached[1]
    if doc_id not in known:
        try:
            known[doc_id] = service.store.get_document(doc_id).criteria[:top]
        except ParlensError:  # deleted since it was indexed
            known[doc_id] = []
    return known[doc_id]


def _agency_names(service: Any) -> dict[str, str]:
    """Agency id -> canonical name, cached on the service until the store changes."""
    seq = service.store.last_change_seq()
    cached = service.cache.get("agency_names")
    if cached is None or cached[0] != seq:
        from parlens.search_api.http.tasks import agency_options

        cached = (seq, {a["agency_id"]: a["name"] for a in agency_options(service.store)})
        service.cache["agency_names"] = cached
    return cached[1]


# -- Tìm kiếm ------------------------------------------------------------------------------------------


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/tim-kiem", status_code=303)


@router.get("/tim-kiem", response_class=HTMLResponse)
def search_page(
    request: Request,
    service: ServiceDep,
    caller: Reader,
    q: Annotated[str, text_query(max_length=MAX_QUERY_CHARS)] = "",
    filter: Annotated[list[str] | None, Query(max_length=MAX_FILTERS)] = None,
    trang: Annotated[int, Query(ge=1, le=100)] = 1,
) -> HTMLResponse:
    """Query box, facets (click to filter), highlighted snippets linking to the passage in the document."""
    from parlens.search_api.http.search import run_search

    filters = [f for f in (filter or []) if f]
    result, hits, facets = None, [], []
    per_page = 10
    if q.strip():
        result = run_search(service, q.strip(), limit=per_page, offset=(trang - 1) * per_page, filters=filters)
        for hit in result.hits:
            hits.append({"hit": hit, "snippet": safe_snippet(hit.highlight),
                         "criteria": _document_criteria(service, hit.document_id),
                         "href": f"/van-ban/{hit.document_id}?tu={hit.source['start']}&den={hit.source['end']}#doan"})
        for name, values in result.facets.items():
            options = []
            for value, count in list(values.items())[:12]:
                item = f"{name}={value}"
                shown = facet_value_label(name, value, service)
                chosen = item in filters
                rest = [f for f in filters if f != item] if chosen else [*filters, item]
                options.append({"value": shown, "count": count, "chosen": chosen,
                                "href": "/tim-kiem?" + urlencode([("q", q), *[("filter", f) for f in rest]])})
            if options:
                facets.append({"name": name, "label": FACET_LABELS.get(name, name), "options": options})
    chosen = []  # the active filters as chips that read like the facets, each with a link that drops it
    for item in filters:
        name, _, value = item.partition("=")
        rest = [("q", q), *[("filter", f) for f in filters if f != item]]
        chosen.append({"label": FACET_LABELS.get(name, name), "value": facet_value_label(name, value, service),
                       "criterion": value if name == "criterion" else None, "href": "/tim-kiem?" + urlencode(rest)})
    api = "/search?" + urlencode([("q", q), *[("filter", f) for f in filters]]) if q.strip() else None
    pages = {}
    if result is not None:
        base = [("q", q), *[("filter", f) for f in filters]]
        if trang > 1:
            pages["prev"] = "/tim-kiem?" + urlencode([*base, ("trang", trang - 1)])
        if trang * per_page < result.total:
            pages["next"] = "/tim-kiem?" + urlencode([*base, ("trang", trang + 1)])
    return render(request, "search.html", q=q, filters=filters, chosen=chosen, result=result, hits=hits,
                  facets=facets, api=api, pages=pages, page=trang)


# -- Văn bản -------------------------------------------------------------------------------------------


@router.get("/van-ban", response_class=HTMLResponse)
def documents_page(
    request: Request,
    store: StoreDep,
    caller: Reader,
    q: Annotated[str, text_query(max_length=MAX_QUERY_CHARS)] = "",
    loai: Annotated[str, text_query()] = "",
    co_quan: Annotated[str, text_query()] = "",
    nam: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    trang: Annotated[int, page_query(50)] = 1,
) -> HTMLResponse:
    per_page = 50
    total, rows = store.list_documents(doc_type=loai or None, issuer=co_quan or None, year=nam, query=q or None,
                                       limit=per_page, offset=(trang - 1) * per_page)
    params = [(k, v) for k, v in (("q", q), ("doc_type", loai), ("issuer", co_quan), ("year", nam)) if v]
    base = [(k, v) for k, v in (("q", q), ("loai", loai), ("co_quan", co_quan), ("nam", nam)) if v]
    pages = {}
    if trang > 1:
        pages["prev"] = "/van-ban?" + urlencode([*base, ("trang", trang - 1)])
    if trang * per_page < total:
        pages["next"] = "/van-ban?" + urlencode([*base, ("trang", trang + 1)])
    return render(request, "documents.html", rows=rows, total=total, q=q, loai=loai, co_quan=co_quan, nam=nam,
                  api="/documents?" + urlencode(params), pages=pages)


def document_spans(doc: Any, stored_tasks: list[Any]) -> list[Span]:
    """Highlights of a document page: agencies (found in the text), tasks and their deadlines (stored spans)."""
    from parlens.nlp.agencies import find_agencies

    spans: list[Span] = []
    try:
        mentions = find_agencies(doc.text, on=doc.metadata.issued_on)
    except Exception:  # highlighting must never take the page down
        mentions = []
    for m in mentions:
        spans.append(Span(m.start, m.end, "agency", m.name or m.text))
    for st in stored_tasks:
        t = st.task
        spans.append(Span(t.start, t.end, "task", f"{ROLE_VI.get(t.role, t.role)}: {t.agency_name or t.agency}"))
        d = t.deadline
        if d is not None and d.start is not None and d.end is not None and d.end > d.start:
            spans.append(Span(d.start, d.end, "deadline", f"Thời hạn: {_vn_date(d.due) if d.due else d.text}"))
    return spans


def _rendered_blocks(doc: Any, spans: list[Span], hit: tuple[int, int] | None) -> list[dict[str, Any]]:
    all_spans = [*spans, Span(hit[0], hit[1], "hit", "Đoạn tìm thấy")] if hit else spans
    anchor = hit[0] if hit else None
    out = []
    if not doc.blocks:
        return [{"kind": "paragraph", "html": highlight_spans(doc.text, 0, len(doc.text), all_spans, anchor_at=anchor),
                 "start": 0, "page": None, "level": 0}]
    for block in doc.blocks:
        item: dict[str, Any] = {"kind": block.kind, "start": block.start, "page": block.page, "level": block.level}
        block_anchor = anchor if anchor is not None and block.start <= anchor < max(block.end, block.start + 1) else None
        if block.kind == "table" and block.rows:
            rows = []
            for r in block.rows:
                cells = []
                for c in r:
                    at = block_anchor if block_anchor is not None and c.start <= block_anchor < c.end else None
                    if at is not None:
                        block_anchor = None
                    cells.append({"html": highlight_spans(doc.text, c.start, c.end, all_spans, anchor_at=at),
                                  "start": c.start})
                rows.append(cells)
            item["rows"] = rows
            if block_anchor is not None:
                item["anchor"] = True
        else:
            item["html"] = highlight_spans(doc.text, block.start, block.end, all_spans, anchor_at=block_anchor)
        out.append(item)
    return out


@router.get("/van-ban/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: DocumentId,
    store: StoreDep,
    caller: Reader,
    tu: Annotated[int | None, Query(ge=0, le=INT64_MAX)] = None,
    den: Annotated[int | None, Query(ge=0, le=INT64_MAX)] = None,
) -> HTMLResponse:
    """Metadata, criteria chips, the text with agencies/tasks/deadlines highlighted, the task table, download."""
    stored = store.get_document(doc_id)
    tasks = store.get_tasks(document_id=doc_id)
    doc = stored.document
    hit = (tu, den if den is not None and den > tu else tu + 1) if tu is not None else None
    blocks = _rendered_blocks(doc, document_spans(doc, tasks), hit)
    from parlens.store import duplicates

    copies = duplicates.group_of(store, doc_id)
    return render(request, "document.html", stored=stored, doc=doc, meta=doc.metadata, tasks=tasks, blocks=blocks,
                  api=f"/documents/{doc_id}", copies=copies if len(copies) > 1 else [])


# -- Nhiệm vụ ------------------------------------------------------------------------------------------


def parse_year(value: str) -> int | None:
    """The year a filter form sent (an empty box means any year); PARLENS-E052 for anything but a year."""
    from parlens.search_api.http.validation import FIRST_DAY, LAST_DAY

    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not FIRST_DAY.year <= int(text) <= LAST_DAY.year:
        raise ParlensError("PARLENS-E052", f"year: expected a year from {FIRST_DAY.year} to {LAST_DAY.year}, got {value!r}")
    return int(text)


@router.get("/nhiem-vu", response_class=HTMLResponse)
def tasks_page(
    request: Request,
    store: StoreDep,
    caller: Reader,
    agency: Annotated[str, text_query()] = "",
    criterion: Annotated[str, text_query()] = "",
    role: Annotated[str, text_query()] = "",
    document: Annotated[int | None, id_query("Document id.")] = None,
    due_after: Annotated[str, text_query()] = "",
    due_before: Annotated[str, text_query()] = "",
    overdue_on: Annotated[str, text_query()] = "",
    status: Annotated[str, text_query()] = "",
    timeliness: Annotated[str, text_query()] = "",
    on: Annotated[str, text_query()] = "",
    province: Annotated[str | None, text_query()] = None,
    issuer: Annotated[str | None, text_query()] = None,
    year: Annotated[str, text_query()] = "",
    trang: Annotated[int, page_query(100)] = 1,
) -> HTMLResponse:
    """Task list with filters (agency, criterion, status, timeliness, scope, due window, overdue), status and
    timeliness per row, a quick "done" action and the Excel import for editors, and export buttons."""
    from parlens.search_api.http.tasks import Role, Status, TaskFilters, Timeliness, agency_options, query_tasks, scoped

    if role and role not in ("lead", "support"):
        raise ParlensError("PARLENS-E052", f"role must be lead or support, not {role!r}")
    try:
        status_value = Status(status) if status else None
        timeliness_value = Timeliness(timeliness) if timeliness else None
    except ValueError as exc:
        raise ParlensError("PARLENS-E052", str(exc)) from None
    year_value = parse_year(year)
    filters = scoped(TaskFilters(
        agency=agency or None, role=Role(role) if role else None, criterion=criterion or None, document=document,
        due_after=parse_day(due_after, "due_after"), due_before=parse_day(due_before, "due_before"),
        overdue_on=parse_day(overdue_on, "overdue_on"), status=status_value, timeliness=timeliness_value,
        on=parse_day(on, "on"), province=province, issuer=issuer, year=year_value), request.app.state.settings)
    per_page = 100
    total, stored = query_tasks(store, filters, per_page, (trang - 1) * per_page)
    query = filters.query_items()
    pages = {}
    if trang > 1:
        pages["prev"] = "/nhiem-vu?" + urlencode([*query, ("trang", trang - 1)])
    if trang * per_page < total:
        pages["next"] = "/nhiem-vu?" + urlencode([*query, ("trang", trang + 1)])
    exports = {fmt: "/tasks?" + urlencode([*query, ("format", fmt)]) for fmt in ("xlsx", "csv", "ics")}
    today = date.today().isoformat()
    # "Quá hạn hôm nay" keeps every other filter and replaces the timeliness and its reference date.
    others = [(k, v) for k, v in query if k not in ("overdue_on", "timeliness", "on")]
    overdue_today = "/nhiem-vu?" + urlencode([*others, ("overdue_on", today)])
    _, documents = store.list_documents(limit=500)
    issuers = sorted({d.issuer for d in documents if d.issuer})
    return render(request, "tasks.html", stored=stored, total=total, f=filters, agencies=agency_options(store),
                  exports=exports, api="/tasks?" + urlencode(query), pages=pages, today=today,
                  overdue_today=overdue_today, issuers=issuers, reference=filters.reference_date,
                  first=(trang - 1) * per_page)


# -- Tiêu chí ------------------------------------------------------------------------------------------


@router.get("/tieu-chi", response_class=HTMLResponse)
def criteria_page(
    request: Request, store: StoreDep, caller: Reader, q: Annotated[str | None, text_query("Words or a code to look up.")] = None,
) -> Response:
    """The criteria tree with task counts per item; plans to pick for the coverage view; ?q= looks a criterion up."""
    from parlens.search_api.http.criteria import criteria_tree, status_legend

    if q and q.strip():  # the look-up form: the responsible page resolves the words (or says none match)
        from urllib.parse import quote

        return RedirectResponse("/tieu-chi/" + quote(q.strip(), safe=""), status_code=303)
    counts = store.criterion_task_counts()
    _, documents = store.list_documents(limit=500)
    return render(request, "criteria.html", tree=criteria_tree(3), legend=status_legend(), counts=counts, documents=documents,
                  api="/criteria")


@router.get("/tieu-chi/{code}", response_class=HTMLResponse)
def responsible_page(request: Request, code: CriterionCode, store: StoreDep, caller: Reader) -> HTMLResponse:
    """"Ai chịu trách nhiệm": agencies (lead/support, nearest deadline) and the tasks behind them.

    Words resolve to the most specific matching criterion (alternatives and the broader field are linked);
    words no criterion covers answer 404 with "Không tìm thấy tiêu chí phù hợp" and the look-up form.
    """
    from parlens.reports.responsibility import who

    try:
        result = who(store, code)
    except ParlensError as exc:
        if exc.code != "PARLENS-E033":
            raise
        return render(request, "responsible.html", status=404, result=None, code=code, error=exc,
                      api=f"/criteria/{code}/responsible")
    evidence = None
    if len(result["criteria"]) == 1:  # one criterion (a code or the words' best match): its evidence
        from parlens.search_api.http.evidence import criterion_evidence

        evidence = criterion_evidence(store, result["criteria"][0]["code"])
    _, documents = store.list_documents(limit=500)
    return render(request, "responsible.html", result=result, code=code, evidence=evidence, documents=documents,
                  api=f"/criteria/{code}/responsible")


PLAN_TYPE = "Kế hoạch"  # what Bao phủ compares when nothing is chosen


@dataclass
class CoverageChoice:
    """What the Bao phủ page compares: the picker's filters as applied ("" = any), the documents they match
    (newest first) and the chosen ones: the ticked ids, or else every match (at most MAX_IDS)."""

    doc_type: str
    year: int | None
    issuer: str
    province: str
    candidates: list[Any]
    chosen: list[Any]
    ticked: bool
    notes: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)


def coverage_choice(
    documents: list[Any],
    ids: list[int],
    *,
    doc_type: str | None,
    year: str | None,
    issuer: str | None,
    province: str | None,
    settings: Any,
    province_of: Callable[[int], str | None],
    extra: Callable[[int], Any],
    today: date,
) -> CoverageChoice:
    """The picker of Bao phủ over ``documents`` (summaries). An absent filter takes its default: type Kế hoạch,
    the office's scope (``scope_issuer``, ``scope_province``) and this year, or the latest year that has such
    documents; an empty one means any. ``province_of`` reads a document's province (only for documents that
    pass the other filters); ``extra`` loads a ticked document missing from ``documents``."""
    from parlens.nlp.normalize import fold

    kind = PLAN_TYPE if doc_type is None else doc_type.strip()
    by = (settings.scope_issuer or "") if issuer is None else issuer.strip()
    where = (settings.scope_province or "") if province is None else province.strip()
    notes: list[str] = []

    def matches(d: Any, in_year: int | None) -> bool:
        if kind and fold(d.doc_type or "") != fold(kind):
            return False
        if by and fold(by) not in fold(d.issuer or ""):
            return False
        if in_year is not None and (d.issued_on is None or d.issued_on.year != in_year):
            return False
        return not where or fold(where) in fold(province_of(d.id) or "")

    if year is None:
        chosen_year: int | None = today.year
        candidates = [d for d in documents if matches(d, chosen_year)]
        if not candidates:
            years = sorted({d.issued_on.year for d in documents if d.issued_on and matches(d, None)})
            if years:
                chosen_year = years[-1]
                candidates = [d for d in documents if matches(d, chosen_year)]
                notes.append(f"Chưa có {(kind or 'văn bản').lower()} nào năm {today.year}: đang xem năm {chosen_year}, "
                             "năm gần nhất có.")
    else:
        chosen_year = parse_year(year)
        candidates = [d for d in documents if matches(d, chosen_year)]
    ticked = bool(ids)
    if ticked:
        known = {d.id: d for d in documents}
        chosen = [known[i] if i in known else extra(i) for i in ids]
    else:
        chosen = candidates[:MAX_IDS]
        if len(candidates) > MAX_IDS:
            notes.append(f"Có {len(candidates)} văn bản khớp bộ lọc; đang so sánh {MAX_IDS} văn bản mới nhất. "
                         "Thu hẹp bộ lọc hoặc tự chọn văn bản bên dưới.")
    types = sorted({d.doc_type for d in documents if d.doc_type} | ({kind} if kind else set()))
    years_all = sorted({d.issued_on.year for d in documents if d.issued_on} | ({chosen_year} if chosen_year else set()),
                       reverse=True)
    issuers = sorted({d.issuer for d in documents if d.issuer} | ({by} if by else set()))
    return CoverageChoice(doc_type=kind, year=chosen_year, issuer=by, province=where, candidates=candidates,
                          chosen=chosen, ticked=ticked, notes=notes, types=types, years=years_all, issuers=issuers)


def _summary_of(store: Any, doc_id: int) -> Any:
    """A ticked document as the picker lists it (PARLENS-E020 when there is no such document)."""
    from types import SimpleNamespace

    stored = store.get_document(doc_id)
    meta = stored.document.metadata
    return SimpleNamespace(id=doc_id, doc_type=meta.doc_type, number=meta.number, issued_on=meta.issued_on,
                           title=meta.title, subject=meta.subject, issuer=meta.issuer,
                           source_name=stored.document.source_name, task_count=stored.task_count)


@router.get("/bao-phu", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    store: StoreDep,
    caller: Reader,
    documents: Annotated[list[str] | None, Query(max_length=MAX_IDS)] = None,
    loai: Annotated[str | None, text_query()] = None,
    nam: Annotated[str | None, text_query()] = None,
    co_quan: Annotated[str | None, text_query()] = None,
    tinh: Annotated[str | None, text_query()] = None,
) -> HTMLResponse:
    """A heatmap of criteria × chosen documents (task counts), gaps marked, and the picker: filter by type, year,
    issuer and province, tick documents. Without a choice it compares the plans of the office's scope and year."""
    from parlens.reports.responsibility import coverage
    from parlens.search_api.http.criteria import parse_ids

    raw = ",".join(d for d in (documents or []) if d.strip())
    ids = parse_ids(raw) if raw else []
    _, rows_all = store.list_documents(limit=500)
    provinces: dict[int, str | None] = {}

    def province_of(doc_id: int) -> str | None:
        if doc_id not in provinces:
            provinces[doc_id] = store.get_document(doc_id).document.metadata.province
        return provinces[doc_id]

    choice = coverage_choice(rows_all, ids, doc_type=loai, year=nam, issuer=co_quan, province=tinh,
                             settings=request.app.state.settings, province_of=province_of,
                             extra=lambda i: _summary_of(store, i), today=date.today())
    chosen_ids = [d.id for d in choice.chosen]
    per_doc = {doc_id: coverage(store, [doc_id]) for doc_id in chosen_ids}
    rows = []
    gaps: list[dict[str, Any]] = []
    if chosen_ids:
        combined = coverage(store, chosen_ids)
        gaps = combined["gaps"]
        peak: dict[int, int] = {}  # shade each level against its own busiest cell
        for n, row in enumerate(combined["rows"]):
            cells = [per_doc[i]["rows"][n]["tasks"] for i in chosen_ids]
            peak[row["level"]] = max(peak.get(row["level"], 1), *cells)
            rows.append({**row, "cells": cells})
        for row in rows:
            top = peak[row["level"]]
            row["heat"] = [0 if c == 0 else min(5, 1 + (c * 4) // top) for c in row["cells"]]
    filters = {"loai": choice.doc_type, "nam": choice.year or "", "co_quan": choice.issuer, "tinh": choice.province}
    return render(request, "coverage.html", rows=rows, columns=choice.chosen, gaps=gaps,
                  gap_codes={g["code"] for g in gaps}, choice=choice, filters=filters,
                  more=[d for d in choice.candidates if d.id not in set(chosen_ids)],
                  api="/coverage?documents=" + ",".join(map(str, chosen_ids)) if chosen_ids else None)


# -- Tải lên, Đăng nhập ----------------------------------------------------------------------------------


@router.get("/tai-len", response_class=HTMLResponse)
def upload_page(request: Request, service: ServiceDep, caller: Reader) -> HTMLResponse:
    from parlens.search_api.http.keys import role_allows

    return render(request, "upload.html", can_write=role_allows(caller.role, "editor"),
                  max_bytes=service.settings.max_file_bytes, api="/documents")


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", problem=None)


@router.post("/dang-nhap", response_class=HTMLResponse)
def login(request: Request, service: ServiceDep, key: Annotated[str, Form(max_length=500)]) -> Response:
    """Check a key and open a server-side session: the cookie holds a random session id, never the key."""
    from parlens.search_api.http.deps import _check_origin, check_host
    from parlens.search_api.http.keys import create_session

    _check_origin(request)
    check_host(request, keyed=True)
    found = verify_key(service.store, key.strip())
    if found is None:
        return render(request, "login.html", status=401, problem="Khóa không đúng hoặc đã bị thu hồi.")
    hours = service.settings.session_hours
    response = RedirectResponse("/tim-kiem", status_code=303)
    response.set_cookie(SESSION_COOKIE, create_session(service.store, found, hours), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=hours * 3600, path="/")
    return response


@router.post("/dang-xuat", include_in_schema=False)
def logout(request: Request, store: StoreDep) -> Response:
    """End the session (a cross-site sign-out is refused like any other cross-site write)."""
    from parlens.search_api.http.deps import _check_origin
    from parlens.search_api.http.keys import end_session

    _check_origin(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(store, token)
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


# -- the tracker's pages (one task, Tổng quan) -----------------------------------------------------------

from parlens.search_api.web.tracker_pages import router as _tracker_router  # noqa: E402  (they render with this module)

router.routes.extend(_tracker_router.routes)  # the routes themselves, so every page sits in this one router
