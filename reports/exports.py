"""Exports of stored tasks across documents in any registered format (what ``GET /tasks?format=`` serves).

Rows keep the order the store gives (document, then reading order), so a lead and its partners are matched
inside their own document, and are numbered as one list.

>>> export_format("xlsx").media_type
'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
>>> export_file_name("ics", on=date(2026, 1, 5))
'nhiem-vu-2026-01-05.ics'
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from parlens.errors import ParlensError
from parlens.reports import registry
from parlens.reports.tasklist import from_stored

if TYPE_CHECKING:
    from parlens.store import Store, StoredTask


def export_format(name: str) -> registry.Format:
    """The registered format ``name``; PARLENS-E052 naming the choices when there is none."""
    try:
        return registry.get(name)
    except ValueError as exc:
        raise ParlensError("PARLENS-E052", str(exc)) from None


def export_tasks(stored: list[StoredTask], fmt: str, *, store: Store | None = None, on: date | None = None,
                 title: str = "Danh sách nhiệm vụ") -> bytes:
    """Bytes of stored tasks in ``fmt`` (csv with BOM for Excel, the xlsx tracker, an iCalendar, json, table).

    With ``store``, the other tasks of the same documents name the leads and partners of a filtered list
    (a support record listed alone still shows its lead).
    """
    return export_format(fmt).render(from_stored(stored, on=on, title=title, context=sibling_tasks(store, stored)))


def sibling_tasks(store: Store | None, stored: list[StoredTask]) -> list[StoredTask]:
    """Every task of the documents ``stored`` comes from (none without a store)."""
    if store is None:
        return []
    documents = list(dict.fromkeys(st.document_id for st in stored))
    return [sibling for doc_id in documents for sibling in store.get_tasks(document_id=doc_id)]


def export_file_name(fmt: str, *, stem: str = "nhiem-vu", on: date | None = None) -> str:
    """The download name: ``nhiem-vu-YYYY-MM-DD.<extension>``."""
    return f"{stem}-{(on or date.today()).isoformat()}.{export_format(fmt).extension}"
