"""Catching the index up with the store: one rule for the CLI (sync now) and the service (sync in a thread)."""

from __future__ import annotations

import pytest

from parlens.search_index.conformance import TEXTS, make_document
from parlens.search_index.embedded import EmbeddedBackend
from parlens.search_index.sync import catch_up, index_lag, sync
from parlens.store import Store


def test_catch_up_syncs_only_when_the_index_is_behind(tmp_path):
    store = Store(tmp_path / "store.sqlite3")
    backend = EmbeddedBackend(tmp_path / "index")
    doc, tasks = make_document(1)
    store.add_document(doc, TEXTS[1].encode(), tasks)
    last = store.last_change_seq()
    assert index_lag(store, backend) == (last, 0)

    started = []
    assert catch_up(store, backend, start=lambda: started.append(True)) == (True, 0)
    assert started == [True] and backend.count() == 0  # the caller's start runs the sync, not catch_up

    assert catch_up(store, backend) == (True, 0)  # without start: synced now
    assert backend.count() == 1 and index_lag(store, backend) == (last, last)
    assert catch_up(store, backend, start=lambda: started.append(True)) == (False, last) and started == [True]
    assert sync(store, backend) == 0
    store.close()


def test_an_unreachable_index_is_not_behind_but_unknown(tmp_path):
    store = Store(tmp_path / "store.sqlite3")

    class Down:
        def last_applied_seq(self):
            raise ConnectionError("refused")

    assert index_lag(store, None) == (0, None)
    assert catch_up(store, Down(), start=lambda: None) == (False, None)  # the service: left to the search
    with pytest.raises(ConnectionError):
        catch_up(store, Down())  # the CLI waits, so it hears why
    store.close()
