"""Tasks read from the store carry their body's one canonical name, whatever name was stored with them."""

from __future__ import annotations

from parlens.model import Block, Document, DocumentMetadata, Task
from parlens.store import Store

TEXT = "Giao Ủy ban nhân dân các xã, phường rà soát hồ sơ; Giám đốc Sở Nội vụ tổng hợp báo cáo."


def test_old_rows_read_with_the_canonical_name_and_keep_the_words_as_written() -> None:
    store = Store(":memory:")
    doc = Document(text=TEXT, blocks=[Block("paragraph", TEXT, 0, len(TEXT))],
                   metadata=DocumentMetadata(number="3/KH-UBND"))
    written = [  # as an older resolver stored them: the surface as the name
        Task(agency="Ủy ban nhân dân các xã, phường", role="lead", task="rà soát hồ sơ", start=5, end=48,
             agency_id="ubnd-cap-xa", agency_name="Ủy ban nhân dân các xã, phường"),
        Task(agency="Giám đốc Sở Nội vụ", role="lead", task="tổng hợp báo cáo", start=50, end=87,
             agency_id="so-noi-vu", agency_name="Sở Nội vụ tỉnh Nghệ An"),
        Task(agency="Trường Tiểu học Kim Đồng", role="support", task="phối hợp", start=0, end=4,
             agency_id="truong-th-kim-dong", agency_name="Trường Tiểu học Kim Đồng"),
    ]
    store.add_document(doc, b"x", written)
    read = {(t.task.agency, t.task.agency_name) for t in store.get_tasks()}
    assert read == {
        ("Trường Tiểu học Kim Đồng", "Trường Tiểu học Kim Đồng"),  # outside the gazetteer: its own name
        ("Ủy ban nhân dân các xã, phường", "Ủy ban nhân dân cấp xã"),
        ("Giám đốc Sở Nội vụ", "Sở Nội vụ"),
    }
