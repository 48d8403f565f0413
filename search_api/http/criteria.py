"""Routes of the criteria: the PAR INDEX / SIPAS / PAPI tree, who is responsible, and coverage of plans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from parlens.errors import ParlensError
from parlens.search_api.http.deps import Reader, StoreDep

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


def parse_ids(raw: str) -> list[int]:
    """``"1,2, 3"`` -> ``[1, 2, 3]``; PARLENS-E052 otherwise.

    >>> parse_ids("3, 4")
    [3, 4]
    """
    try:
        ids = [int(part) for part in raw.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise ParlensError("PARLENS-E052", f"documents must be ids separated by commas, not {raw!r}") from exc
    if not ids:
        raise ParlensError("PARLENS-E052", "give at least one document id, e.g. ?documents=1,2")
    return list(dict.fromkeys(ids))


@router.get("/criteria", summary="The criteria tree (PAR INDEX, SIPAS, PAPI)")
def get_criteria(caller: Reader, depth: Annotated[int, Query(ge=0, le=5)] = 3) -> dict[str, Any]:
    return {"criteria": criteria_tree(depth)}


@router.get("/criteria/{code}/responsible", summary="Who is responsible: agencies and tasks for a criterion")
def get_responsible(code: str, store: StoreDep, caller: Reader) -> dict[str, Any]:
    """Agencies (lead/support counts, nearest deadline) and tasks for a code or a phrase; E030 when unknown."""
    from parlens.task_extraction.criteria.responsibility import who

    return who(store, code)


@router.get("/coverage", summary="Criteria × tasks for a set of documents, with the gaps")
def get_coverage(
    store: StoreDep,
    caller: Reader,
    documents: Annotated[str, Query(description="Document ids separated by commas, e.g. 1,2.")],
    level: Annotated[int, Query(ge=1, le=3)] = 2,
) -> dict[str, Any]:
    from parlens.task_extraction.criteria.responsibility import coverage

    return coverage(store, parse_ids(documents), max_level=level)
