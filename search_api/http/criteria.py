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
    """The taxonomy as nested ``{code, name, status, max_points, label, children}`` down to ``depth``."""
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    tax = load_taxonomy()

    def node(item: Any, level: int) -> dict[str, Any]:
        out = {"code": item.code, "name": item.name, "status": item.status, "max_points": item.max_points,
               "label": tax.label_of(item.code)}
        out["children"] = [node(c, level + 1) for c in item.children] if level < depth else []
        return out

    return [node(root, 0) for root in tax.roots]


@router.get("/criteria", summary="The criteria tree (PAR INDEX, SIPAS, PAPI)")
def get_criteria(caller: Reader, depth: Annotated[int, Query(ge=0, le=5)] = 3) -> dict[str, Any]:
    return {"criteria": criteria_tree(depth)}


@router.get("/criteria/{code}/responsible", summary="Who is responsible: agencies and tasks for a criterion")
def get_responsible(code: CriterionCode, store: StoreDep, caller: Reader) -> dict[str, Any]:
    """Agencies (lead/support counts, nearest deadline) and tasks for a code or a phrase; E030 when unknown."""
    from parlens.reports.responsibility import who

    return who(store, code)


@router.get("/coverage", summary="Criteria × tasks for a set of documents, with the gaps")
def get_coverage(
    store: StoreDep,
    caller: Reader,
    documents: Annotated[str, Query(max_length=MAX_IDS * 21, pattern="^[0-9, ]+$", description=f"Document ids separated by commas, e.g. 1,2 (at most {MAX_IDS}).")],
    level: Annotated[int, Query(ge=1, le=3)] = 2,
) -> dict[str, Any]:
    from parlens.reports.responsibility import coverage

    return coverage(store, parse_ids(documents), max_level=level)
