"""Routes of the criteria: the PAR INDEX / SIPAS / PAPI tree, who is responsible, and coverage of plans.

Coverage takes document ids separated by commas:

>>> parse_ids("3, 4")
[3, 4]
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from parlens.search_api.http.deps import Reader, StoreDep
from parlens.search_api.http.validation import MAX_IDS, CriterionCode, parse_ids

router = APIRouter(tags=["criteria"])


def criteria_tree(depth: int = 3) -> list[dict[str, Any]]:
    """The taxonomy as nested ``{code, name, status, status_label, status_note, max_points, label, children}``.

    ``status_label`` (a short badge) and ``status_note`` (a sentence) say in Vietnamese when an item's wording
    is reconstructed rather than checked against the official text; both are empty for verified items.
    """
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    tax = load_taxonomy()

    def node(item: Any, level: int) -> dict[str, Any]:
        out = {"code": item.code, "name": item.name, "status": item.status, "status_label": tax.status_label(item.code),
               "status_note": tax.status_note(item.code), "max_points": item.max_points, "label": tax.label_of(item.code)}
        out["children"] = [node(c, level + 1) for c in item.children] if level < depth else []
        return out

    return [node(root, 0) for root in tax.roots]


def status_legend() -> list[dict[str, str]]:
    """Each status badge the tree shows, with the plain sentence it stands for (the tree's legend)."""
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    return [{"label": label, "note": note} for label, note in load_taxonomy().status_legend()]


@router.get("/criteria", summary="The criteria tree (PAR INDEX, SIPAS, PAPI)")
def get_criteria(caller: Reader, depth: Annotated[int, Query(ge=0, le=5)] = 3) -> dict[str, Any]:
    return {"criteria": criteria_tree(depth)}


@router.get("/criteria/{code}/responsible", summary="Who is responsible: agencies and tasks for a criterion")
def get_responsible(code: CriterionCode, store: StoreDep, caller: Reader) -> Any:
    """Agencies (lead/support counts, nearest deadline) and tasks for a code or words.

    Words resolve to the most specific matching criterion, with ``alternatives`` and ``broader`` beside it.
    An unknown code is 404 PARLENS-E030; words no criterion covers are 404 PARLENS-E033 ("không tìm thấy
    tiêu chí phù hợp").
    """
    from parlens.reports.responsibility import who

    return who(store, code)  # E030 and E033 are 404 in the API's code table


@router.get("/coverage", summary="Criteria × tasks for a set of documents, with the gaps")
def get_coverage(
    store: StoreDep,
    caller: Reader,
    documents: Annotated[str, Query(max_length=MAX_IDS * 21, pattern="^[0-9, ]+$", description=f"Document ids separated by commas, e.g. 1,2 (at most {MAX_IDS}).")],
    level: Annotated[int, Query(ge=1, le=3)] = 2,
) -> dict[str, Any]:
    from parlens.reports.responsibility import coverage

    return coverage(store, parse_ids(documents), max_level=level)
