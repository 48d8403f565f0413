"""The format registry: a new format is one entry, and the CLI and the API accept it at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from parlens.reports import registry
from parlens.reports.registry import Format
from parlens.reports.tasklist import TaskReport
from parlens.search_api.cli import app

from ..search_api.conftest import local_client

PLAN = "KẾ HOẠCH\nCải cách hành chính năm 2026\nGiao Sở Nội vụ chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/6/2026.\n"


def _agencies(report: TaskReport) -> bytes:
    return "\n".join(item.task.agency_name or item.task.agency for item in report.items).encode("utf-8")


@pytest.fixture
def dummy_format() -> Iterator[Format]:
    """A plain list of agencies, registered for the test only."""
    fmt = registry.register(Format("agencies", "text/x-agencies; charset=utf-8", "txt", False, _agencies))
    yield fmt
    registry.unregister("agencies")


def test_builtin_formats_are_entries():
    assert set(registry.names()) >= {"json", "table", "csv", "xlsx", "ics"}
    assert registry.get("xlsx").binary and not registry.get("csv").binary
    assert registry.get("ics").media_type.startswith("text/calendar")
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        registry.get("pdf")


def test_a_new_format_is_accepted_by_the_cli(dummy_format, tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text(PLAN, "utf-8")
    result = CliRunner().invoke(app, ["tasks", str(path), "--format", "agencies"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Sở Nội vụ"
    registry.unregister("agencies")
    refused = CliRunner().invoke(app, ["tasks", str(path), "--format", "agencies"])
    assert refused.exit_code == 2 and "unknown format 'agencies'" in refused.output


def test_a_new_format_is_accepted_by_the_api(dummy_format, data_dir):
    from parlens.search_api.http import create_app
    from parlens.settings import Settings

    from ..search_api.conftest import upload

    with local_client(create_app(Settings(data_dir=data_dir))) as client:
        assert upload(client, ("kh.txt", PLAN.encode("utf-8"))).status_code == 201
        answer = client.get("/tasks", params={"format": "agencies"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/x-agencies")
        assert answer.headers["content-disposition"].endswith('.txt"')
        assert answer.text == "Sở Nội vụ"
        registry.unregister("agencies")
        refused = client.get("/tasks", params={"format": "agencies"})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "PARLENS-E052"
