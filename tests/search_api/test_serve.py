"""``parlens serve``: the admin key provisioned from PARLENS_ADMIN_KEY, and forwarded headers believed only
from PARLENS_TRUSTED_PROXIES (checked against a real uvicorn server on a loopback port)."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from parlens.errors import ParlensError
from parlens.search_api.cli import app as cli_app
from parlens.search_api.cli.serve import proxy_options
from parlens.search_api.http.keys import create_key, ensure_key, list_keys, revoke_key, verify_key
from parlens.settings import get_settings
from parlens.store import open_store

ADMIN_SECRET = "kiem-thu-khoa-quan-tri-0123456789abcdef"
PARLENS_BIN = Path(sys.executable).with_name("parlens")
START_TIMEOUT = 60.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any PARLENS_* or uvicorn setting, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLENS_") and k != "FORWARDED_ALLOW_IPS"}
    env.update(overrides)
    return env


@contextmanager
def running_server(cmd: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    """Start ``cmd``, wait (bounded) until http://127.0.0.1:port/health answers, always stop it afterwards."""
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode} before answering:\n{log.read_text(encoding='utf-8')}")
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
                break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within {START_TIMEOUT} s:\n{log.read_text(encoding='utf-8')}")
            time.sleep(0.1)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started by ``running_server`` (its own process group), killing it after 15 s."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


# -- ensure_key -------------------------------------------------------------------------------------


def test_ensure_key_inserts_once_and_stores_only_the_hash(store) -> None:
    key, created = ensure_key(store, ADMIN_SECRET, "admin", "PARLENS_ADMIN_KEY")
    assert created and key.role == "admin" and key.label == "PARLENS_ADMIN_KEY" and key.revoked_at is None
    again, created_again = ensure_key(store, f"  {ADMIN_SECRET}\n", "admin", "PARLENS_ADMIN_KEY")
    assert not created_again and again.id == key.id
    assert len(list_keys(store)) == 1
    assert verify_key(store, ADMIN_SECRET).id == key.id
    row = store._query("SELECT * FROM api_keys")[0]
    assert row["key_hash"] == hashlib.sha256(ADMIN_SECRET.encode()).hexdigest()
    assert ADMIN_SECRET[:8] not in row["prefix"]  # the listed prefix comes from the hash, not the secret
    assert all(ADMIN_SECRET not in str(value) for value in tuple(row))


def test_ensure_key_keeps_other_keys_and_generated_ones_work_too(store) -> None:
    other = create_key(store, "reader")
    key, created = ensure_key(store, other.secret, "reader", "again")
    assert not created and key.id == other.key.id and len(list_keys(store)) == 1


@pytest.mark.parametrize("secret, needle", [
    ("", "0 characters"), ("x" * 23, "23 characters long, it needs at least 24"), (" " * 40, "0 characters"),
    ("khóa-quản-trị-rất-dài-nhưng-có-dấu", "printable ASCII"), ("a" * 12 + " " + "b" * 12, "printable ASCII"),
])
def test_ensure_key_refuses_short_or_unsendable_secrets(store, secret, needle) -> None:
    with pytest.raises(ParlensError) as err:
        ensure_key(store, secret, "admin", "PARLENS_ADMIN_KEY")
    assert err.value.code == "PARLENS-E052" and needle in str(err.value) and "token_urlsafe" in str(err.value)
    assert list_keys(store) == []


def test_ensure_key_does_not_revive_a_revoked_key_nor_change_a_role(store) -> None:
    key, _ = ensure_key(store, ADMIN_SECRET, "admin")
    revoke_key(store, key.id)
    with pytest.raises(ParlensError, match="was revoked") as err:
        ensure_key(store, ADMIN_SECRET, "admin")
    assert err.value.code == "PARLENS-E052" and verify_key(store, ADMIN_SECRET) is None
    ensure_key(store, "r" * 30, "reader")
    with pytest.raises(ParlensError, match="reader role, not admin"):
        ensure_key(store, "r" * 30, "admin")
    with pytest.raises(ParlensError, match="role must be one of"):
        ensure_key(store, "o" * 30, "owner")
    assert len(list_keys(store)) == 2


# -- parlens serve (uvicorn.run replaced: what it would be started with) ---------------------------


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return CliRunner().invoke(cli_app, ["serve", *args])


def test_admin_key_from_the_environment_lets_serve_bind_a_public_address(monkeypatch, settings, uvicorn_calls) -> None:
    first = _serve(monkeypatch, "--host", "0.0.0.0", "--port", "8999", PARLENS_ADMIN_KEY=ADMIN_SECRET)
    assert first.exit_code == 0, first.output
    assert "đã tạo / created" in first.stderr and ADMIN_SECRET not in first.output
    assert uvicorn_calls[-1]["host"] == "0.0.0.0" and uvicorn_calls[-1]["proxy_headers"] is False
    second = _serve(monkeypatch, "--host", "0.0.0.0", "--port", "8999")
    assert second.exit_code == 0 and "already present" in second.stderr
    with open_store(get_settings()) as store:
        keys = list_keys(store)
        assert len(keys) == 1 and keys[0].role == "admin" and verify_key(store, ADMIN_SECRET).id == keys[0].id


def test_serve_refuses_an_unusable_admin_key(monkeypatch, settings, uvicorn_calls) -> None:
    refused = _serve(monkeypatch, "--host", "0.0.0.0", "--port", "8999", PARLENS_ADMIN_KEY="ngan-qua")
    assert refused.exit_code == 2 and not uvicorn_calls
    assert "PARLENS_ADMIN_KEY" in refused.stderr and "PARLENS-E052" in refused.stderr
    assert "8 characters long, it needs at least 24" in refused.stderr
    with open_store(get_settings()) as store:
        assert list_keys(store) == []


def test_serve_passes_proxy_options_only_for_configured_proxies(monkeypatch, settings, uvicorn_calls) -> None:
    assert _serve(monkeypatch, "--port", "8999").exit_code == 0
    assert uvicorn_calls[-1]["proxy_headers"] is False and "forwarded_allow_ips" not in uvicorn_calls[-1]
    assert _serve(monkeypatch, "--port", "8999", PARLENS_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8").exit_code == 0
    assert uvicorn_calls[-1]["proxy_headers"] is True
    assert uvicorn_calls[-1]["forwarded_allow_ips"] == ["127.0.0.1", "10.0.0.0/8"]
    assert proxy_options(" , ") == {"proxy_headers": False}


# -- a real uvicorn server --------------------------------------------------------------------------


@pytest.mark.parametrize("trusted, status", [("", 200), ("127.0.0.1", 401)])
def test_forwarded_for_is_believed_only_from_trusted_proxies(tmp_path: Path, trusted: str, status: int) -> None:
    """Key-less mode: loopback callers are admin. X-Forwarded-For must not change who the peer is unless the
    peer is a configured proxy (uvicorn alone would believe it from 127.0.0.1)."""
    port = free_port()
    env = clean_env(PARLENS_DATA_DIR=str(tmp_path / "data"), PARLENS_SEARCH_BACKEND="embedded")
    if trusted:
        env["PARLENS_TRUSTED_PROXIES"] = trusted
    with running_server([str(PARLENS_BIN), "serve", "--host", "127.0.0.1", "--port", str(port)], env, port,
                        tmp_path / "serve.log"):
        base = f"http://127.0.0.1:{port}"
        forwarded = httpx.get(f"{base}/documents", headers={"X-Forwarded-For": "10.9.9.9"}, timeout=10)
        assert forwarded.status_code == status, forwarded.text
        if status == 401:
            assert forwarded.json()["error"]["code"] == "PARLENS-E050"
        assert httpx.get(f"{base}/documents", timeout=10).status_code == 200  # the proxy itself stays local
