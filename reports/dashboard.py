"""The numbers of the Tổng quan dashboard: tasks by status and timeliness, overdue by agency, what falls due
soon, and the PAR INDEX criteria still without tasks or without evidence.

Everything is counted over the tasks in one scope (province, issuer, year of the document) and judged on one
reference date, exactly as the Nhiệm vụ list filters them, so every number matches the list it links to.

>>> from parlens.store import Store
>>> board = build_dashboard(Store(":memory:"), on=date(2025, 10, 1))
>>> board.total, [c.value for c in board.by_status], board.horizon
(0, [0, 0, 0], datetime.date(2025, 10, 31))
>>> len(board.criteria) == len(board.criteria_without_tasks) > 30
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from parlens.tracking.status import STATUS_VI, STATUSES, TIMELINESS_VI

if TYPE_CHECKING:
    from parlens.store import Store, StoredTask

# Timeliness in the order staff read it (late first); None is a task without a due date.
TIMELINESS_ORDER: tuple[str | None, ...] = ("qua_han", "chua_den_han", "dung_han", "hoan_thanh_qua_han", None)
NO_DUE_LABEL = "Chưa có thời hạn"
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Count:
    """One counted group: ``key`` (a status or timeliness code, an agency id, or None), its label and number."""

    key: str | None
    label: str
    value: int


@dataclass(frozen=True)
class CriterionState:
    """A criterion with its tasks in scope (sub-criteria included) and its evidence (its own and its tasks')."""

    code: str
    name: str
    tasks: int
    evidence: int


@dataclass
class Dashboard:
    """What the Tổng quan page shows; ``on`` is the reference date, ``horizon`` the end of the "due soon" window."""

    on: date
    horizon: date
    total: int
    by_status: list[Count]
    by_timeliness: list[Count]
    overdue_by_agency: list[Count]
    due_soon: list[StoredTask]
    criteria: list[CriterionState] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return next((c.value for c in self.by_timeliness if c.key == "qua_han"), 0)

    @property
    def criteria_without_tasks(self) -> list[CriterionState]:
        return [c for c in self.criteria if c.tasks == 0]

    @property
    def criteria_without_evidence(self) -> list[CriterionState]:
        return [c for c in self.criteria if c.evidence == 0]


def agency_label(st: StoredTask) -> str:
    """The agency as the dashboard names it: the body's canonical name when it was recognised, else as written.

    >>> from parlens.model import Task
    >>> from parlens.store import StoredTask
    >>> task = Task("UBND phường, xã, đặc khu", "lead", "Rà soát", 0, 9, agency_id="ubnd-cap-xa",
    ...             agency_name="Ủy ban nhân dân phường, xã, đặc khu")
    >>> agency_label(StoredTask(1, 1, task, None, None, None))
    'Ủy ban nhân dân cấp xã'
    """
    from parlens.nlp.agencies import canonical_agency_name

    name = st.task.agency_name or st.task.agency
    return canonical_agency_name(st.task.agency_id, [name]) or name


def _by_agency(overdue: list[StoredTask]) -> list[Count]:
    """Overdue tasks per body, most first: one bar per agency id (keyed by it) under its canonical name, however
    the name was stored; tasks of no known body group by their name as written (key None)."""
    from parlens.nlp.agencies import canonical_agency_names

    names = canonical_agency_names((st.task.agency_id, st.task.agency_name or st.task.agency) for st in overdue)
    groups: dict[tuple[str | None, str], int] = {}
    for st in overdue:
        aid = st.task.agency_id
        group = (aid, names[aid]) if aid else (None, st.task.agency_name or st.task.agency)
        groups[group] = groups.get(group, 0) + 1
    out = [Count(key, name, n) for (key, name), n in groups.items()]
    return sorted(out, key=lambda c: (-c.value, c.label))


def _criteria_states(store: Store, tasks: list[StoredTask], root: str, depth: int) -> list[CriterionState]:
    """The criteria at ``depth`` under ``root`` with their task and evidence counts over ``tasks``."""
    from parlens.store import tracker
    from parlens.task_extraction.criteria.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    items = [i for i in taxonomy if (i.code == root or i.code.startswith(root + ".")) and taxonomy.depth(i.code) == depth]

    def under(code: str, item_code: str) -> bool:
        return code == item_code or code.startswith(item_code + ".")

    evidence = tracker.list_evidence(store)
    out = []
    for item in items:
        linked = {st.id for st in tasks if any(under(c.code, item.code) for c in st.task.criteria)}
        own = sum(1 for e in evidence if e.criterion is not None and under(e.criterion, item.code))
        of_tasks = sum(1 for e in evidence if e.task_id in linked)
        out.append(CriterionState(item.code, item.name, len(linked), own + of_tasks))
    return out


def build_dashboard(
    store: Store,
    *,
    on: date | None = None,
    province: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    days: int = DUE_SOON_DAYS,
    criteria_root: str = "PAR",
    criteria_depth: int = 2,
) -> Dashboard:
    """Count the tasks in scope on ``on`` (today if None): the numbers of the Tổng quan page.

    ``province``/``issuer`` match parts of the document's province and issuer (None or empty: all), ``year``
    its year. "Due soon" are the tasks not done whose due date (a recurring duty's current occurrence) falls
    from ``on`` to ``on + days``, soonest first. The criteria listed are those ``criteria_depth`` levels under
    ``criteria_root`` (the 37 criteria of PAR INDEX by default).
    """
    day = on or date.today()
    tasks = store.get_tasks(on=day, province=province or None, issuer=issuer or None, year=year)
    statuses = Counter(st.status for st in tasks)
    timeliness = Counter(st.timeliness for st in tasks)
    horizon = day + timedelta(days=days)
    soon = sorted((st for st in tasks if st.status != "hoan_thanh" and st.due is not None and day <= st.due <= horizon),
                  key=lambda st: (st.due, st.document_id, st.id))
    return Dashboard(
        on=day,
        horizon=horizon,
        total=len(tasks),
        by_status=[Count(code, STATUS_VI[code], statuses.get(code, 0)) for code in STATUSES],
        by_timeliness=[Count(code, TIMELINESS_VI[code] if code else NO_DUE_LABEL, timeliness.get(code, 0))
                       for code in TIMELINESS_ORDER],
        overdue_by_agency=_by_agency([st for st in tasks if st.timeliness == "qua_han"]),
        due_soon=soon,
        criteria=_criteria_states(store, tasks, criteria_root, criteria_depth),
    )


__all__ = ["Count", "CriterionState", "DUE_SOON_DAYS", "Dashboard", "NO_DUE_LABEL", "agency_label", "build_dashboard"]
