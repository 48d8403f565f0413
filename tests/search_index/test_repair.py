"""A damaged embedded index: `parlens search` and the service answer PARLENS-E042, `parlens reindex` repairs it.

Each test builds a real index in a temporary data folder, damages it one way, and checks that
`parlens reindex` (through CliRunner) exits 0, indexes as many passages as the store holds, and that
search works again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from parlens.search_api.cli import app
from parlens.search_index import get_backend, search
from parlens.search_index.backends import _BACKENDS
from parlens.search_index.conformance import TEXTS, make_document
from parlens.search_index.embedded import EmbeddedBackend
from parlens.search_index.sync import iter_store_passages
from parlens.settings import Settings, get_settings

QUERY = "dich vu cong truc tuyen"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A store of four documents and its index, built by `parlens reindex`."""
    monkeypatch.setenv("PARLENS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARLENS_SEARCH_BACKEND", "embedded")
    get_settings.cache_clear()
    _BACKENDS.clear()
    from parlens.store import open_store

    with open_store() as store:
        for n in (1, 2, 5, 6):
            doc, tasks = make_document(n)
            store.add_document(doc, TEXTS[n].encode(), tasks)
    built = run("reindex")
    assert built.exit_code == 0, built.output
    _BACKENDS.clear()  # the next command opens the index afresh, as a new process would
    yield tmp_path / "data"
    _BACKENDS.clear()
    get_settings.cache_clear()


def run(*args):
    return CliRunner().invoke(app, list(args))


def index_dir() -> Path:
    return get_settings().index_dir


def store_passages() -> int:
    from parlens.store import open_store

    with open_store() as store:
        return len(list(iter_store_passages(store)))


def segment_files(suffix: str) -> list[Path]:
    return sorted(index_dir().glob(f"*{suffix}"))


def _garbage_meta():
    (index_dir() / "meta.json").write_text("garbage{{")


def _empty_meta():
    (index_dir() / "meta.json").write_text("")


def _lost_meta():
    (index_dir() / "meta.json").unlink()


def _missing_segment():
    segment_files(".store")[0].unlink()


def _truncated_segment():
    f = segment_files(".term")[0]
    f.write_bytes(f.read_bytes()[:10])


def _zeroed_segment():
    for f in segment_files(".store"):
        f.write_bytes(b"\0" * len(f.read_bytes()))


def _garbage_managed():
    (index_dir() / ".managed.json").write_text("zz")


def _garbage_marker():
    (index_dir() / "parlens_schema.json").write_text("zz")


def _newer_schema():  # an older schema is not damage: it is refilled by the next sync (test_embedded)
    (index_dir() / "parlens_schema.json").write_text(json.dumps({"version": 99}))


def _garbage_seq():
    (index_dir() / "applied_seq.json").write_text("zz")


def _folder_is_a_file():
    import shutil

    shutil.rmtree(index_dir())
    index_dir().write_text("not a folder")


DAMAGE = {
    "garbage meta.json": _garbage_meta,
    "empty meta.json": _empty_meta,
    "lost meta.json": _lost_meta,
    "missing segment file": _missing_segment,
    "truncated segment file": _truncated_segment,
    "zeroed segment file": _zeroed_segment,
    "garbage .managed.json": _garbage_managed,
    "garbage schema marker": _garbage_marker,
    "newer schema": _newer_schema,
    "garbage applied seq": _garbage_seq,
    "index path is a file": _folder_is_a_file,
}


def assert_repaired(result, expected: int) -> None:
    assert result.exit_code == 0, result.output
    assert f"Indexed {expected} passages" in result.stdout and f"{expected} passages searchable" in result.stdout
    _BACKENDS.clear()
    assert EmbeddedBackend(index_dir()).count() == expected  # as a fresh process sees it
    found = run("search", QUERY, "--format", "json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["total"] == 2


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_search_reports_e042_and_reindex_repairs(data_dir, kind):
    expected = store_passages()
    assert expected == 4
    DAMAGE[kind]()
    found = run("search", QUERY, "--format", "json")
    assert found.exit_code == 2, found.output
    assert "PARLENS-E042" in found.stderr and "parlens reindex" in found.stderr
    assert "Traceback" not in found.output
    _BACKENDS.clear()
    repaired = run("reindex")
    assert_repaired(repaired, expected)
    if kind != "garbage applied seq":  # only the seq file was bad: the index itself is rewritten in place
        assert "damaged" in repaired.stdout
        assert (data_dir / "index.damaged").exists()


def test_reindex_without_an_index_folder(data_dir):
    import shutil

    shutil.rmtree(index_dir())
    assert_repaired(run("reindex"), store_passages())


def test_reindex_after_a_writer_was_killed_holding_the_lock(data_dir):
    """A process killed while writing leaves its lock files behind: they do not block the rebuild."""
    script = textwrap.dedent(f"""
        import sys, time
        from parlens.search_index.embedded import EmbeddedBackend
        backend = EmbeddedBackend({str(index_dir())!r}, heap_size=15_000_000, threads=1)
        writer = backend.ix.writer(heap_size=15_000_000, num_threads=1)
        writer.delete_all_documents()
        print("locked", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout.readline().strip() == "locked"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert (index_dir() / ".tantivy-writer.lock").exists()
    assert_repaired(run("reindex"), store_passages())


def test_damage_while_open_is_e042_then_reindex_repairs_the_same_backend(data_dir):
    """A long-lived backend (the service's) sees the damage at its next read and the repair after it."""
    backend = get_backend()
    assert search(QUERY, backend=backend).total == 2
    _garbage_meta()
    with pytest.raises(Exception) as err:
        search(QUERY, backend=backend)
    assert getattr(err.value, "code", None) == "PARLENS-E042"
    assert_repaired(run("reindex"), store_passages())
    assert search(QUERY, backend=backend).total == 2  # the old object reopens the rebuilt folder


def test_corrupt_segment_met_while_reading_is_e042_not_a_panic(data_dir):
    """Segment files overwritten under an open index: tantivy panics while reading stored passages."""
    backend = get_backend()
    assert search(QUERY, backend=backend).total == 2
    _zeroed_segment()
    with pytest.raises(Exception) as err:
        search(QUERY, backend=backend)
    assert getattr(err.value, "code", None) == "PARLENS-E042"
    _BACKENDS.clear()
    assert_repaired(run("reindex"), store_passages())


def _client(data_dir: Path) -> TestClient:
    from parlens.search_api.http import create_app

    return TestClient(create_app(Settings(data_dir=data_dir)), base_url="http://127.0.0.1:8000",
                      client=("127.0.0.1", 50000))


@pytest.mark.parametrize("kind", ["garbage meta.json", "missing segment file", "lost meta.json", "garbage applied seq"])
def test_service_answers_e042_on_a_damaged_index_and_recovers_after_reindex(data_dir, kind):
    DAMAGE[kind]()
    with _client(data_dir) as client:
        answer = client.get("/search", params={"q": QUERY})
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "PARLENS-E042"
        assert "parlens reindex" in answer.json()["error"]["hint"]
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["index"]["ok"] is False and health.json()["index"]["code"] == "PARLENS-E042"
        assert client.get("/tasks").status_code == 200  # the store still serves documents and tasks

        repaired = run("reindex")  # from another "process" while the service runs
        assert repaired.exit_code == 0, repaired.output
        again = client.get("/search", params={"q": QUERY})
        assert again.status_code == 200, again.text
        assert again.json()["total"] == 2
        assert client.get("/health").status_code == 200
