"""Shared CLI helpers: binary exports never reach a terminal, text always ends with a newline."""

from __future__ import annotations

import io
import sys

import pytest
import typer

from parlens.search_api.cli.common import emit, parse_date


class _Stdout(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.buffer = io.BytesIO()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_binary_output_is_refused_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Stdout(tty=True))
    with pytest.raises(typer.Exit):
        emit(b"PK\x03\x04", None, binary=True)
    assert sys.stdout.buffer.getvalue() == b""


def test_binary_output_goes_to_a_pipe_untouched_and_text_gets_a_newline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Stdout(tty=False))
    emit(b"PK\x03\x04", None, binary=True)
    emit(b"STT,C\xc6\xa1 quan", None)
    assert sys.stdout.buffer.getvalue() == b"PK\x03\x04STT,C\xc6\xa1 quan\n"


def test_output_file_and_dates(tmp_path) -> None:
    target = tmp_path / "nhiem-vu.csv"
    emit(b"a,b\n", target)
    assert target.read_bytes() == b"a,b\n"
    assert parse_date("2026-03-31").isoformat() == "2026-03-31" and parse_date(None) is None
    with pytest.raises(typer.BadParameter):
        parse_date("31/3/2026")
