"""The README stays true: every error code, setting and command is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from parlens.errors import CATALOGUE
from parlens.settings import Settings
from parlens.search_api.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_error_code_is_in_the_readme(code: str) -> None:
    assert f"| {code} |" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"PARLENS_{name.upper()}" in README


def _command_names() -> list[str]:
    import typer.main

    group = typer.main.get_group(app)
    return sorted(name for name in group.commands if name != "version")


@pytest.mark.parametrize("command", _command_names())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"parlens {command}" in README
