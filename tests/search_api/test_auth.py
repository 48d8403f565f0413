"""Access control: key-less local mode, roles reader < editor < admin, revocation, CSRF, and the keys CLI."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from parlens.search_api.cli import app as cli_app
from parlens.search_api.cli.serve import check_bind
from parlens.search_api.http import create_app
from parlens.search_api.http.keys import create_key, list_keys, revoke_key, verify_key
from parlens.settings import Settings
from parlens.store import Store, open_store

from .conftest import DIRECTIVE_TXT, local_client, upload


@pytest.fixture
def keys(client) -> dict[str, str]:
    store = client.app.state.service.store
    return {role: create_key(store, role, label=f"test {role}").secret for role in ("reader", "editor", "admin")}


def _code(answer) -> str:
    return answer.json()["error"]["code"]


def test_without_keys_local_callers_are_admin_and_remote_ones_refused(data_dir) -> None:
    with local_client(create_app(Settings(data_dir=data_dir))) as local:
        assert local.get("/documents").status_code == 200
        assert upload(local, DIRECTIVE_TXT).status_code == 201
        assert local.delete("/documents/1").status_code == 200
    with local_client(create_app(Settings(data_dir=data_dir)), client=("10.1.2.3", 40000)) as remote:
        answer = remote.get("/documents")
        assert answer.status_code == 401 and _code(answer) == "PARLENS-E050"
        assert remote.get("/health").status_code == 200  # health stays open for probes


def test_once_a_key_exists_every_request_needs_one(client, keys) -> None:
    answer = client.get("/documents")
    assert answer.status_code == 401 and _code(answer) == "PARLENS-E050"
    assert answer.headers["www-authenticate"] == "X-API-Key"
    wrong = client.get("/documents", headers={"X-API-Key": "plk_deadbeef_not-a-key"})
    assert wrong.status_code == 401
    page = client.get("/van-ban")
    assert page.status_code == 401 and "PARLENS-E050" in page.text and "/dang-nhap" in page.text


def test_roles_allow_and_deny(client, keys) -> None:
    reader, editor, admin = ({"X-API-Key": keys[r]} for r in ("reader", "editor", "admin"))
    assert client.get("/documents", headers=reader).status_code == 200
    denied = upload(client, DIRECTIVE_TXT, headers=reader)
    assert denied.status_code == 403 and _code(denied) == "PARLENS-E051"
    assert client.get("/documents", headers=admin).json()["total"] == 0
    created = upload(client, DIRECTIVE_TXT, headers=editor)
    assert created.status_code == 201
    doc_id = created.json()["files"][0]["document_id"]
    assert client.delete(f"/documents/{doc_id}", headers=editor).status_code == 403
    assert client.get("/keys", headers=editor).status_code == 403
    assert client.delete(f"/documents/{doc_id}", headers=admin).status_code == 200


def test_admin_manages_keys_over_http_and_revoked_keys_stop_working(client, keys) -> None:
    admin = {"X-API-Key": keys["admin"]}
    made = client.post("/keys", json={"role": "reader", "label": "Sở Nội vụ"}, headers=admin)
    assert made.status_code == 201 and made.json()["key"].startswith("plk_")
    new = {"X-API-Key": made.json()["key"]}
    assert client.get("/tasks", headers=new).status_code == 200
    listed = client.get("/keys", headers=admin).json()["keys"]
    assert len(listed) == 4 and all("key" not in k and "key_hash" not in k for k in listed)
    assert client.delete(f"/keys/{made.json()['id']}", headers=admin).json()["revoked_at"]
    assert client.get("/tasks", headers=new).status_code == 401
    bad_role = client.post("/keys", json={"role": "owner"}, headers=admin)
    assert bad_role.status_code == 422 and _code(bad_role) == "PARLENS-E052"


def test_keys_are_stored_hashed(client, keys, data_dir) -> None:
    with Store(data_dir / "parlens.sqlite3") as store:
        rows = store._query("SELECT key_hash, prefix FROM api_keys")
        stored = {r["key_hash"] for r in rows}
    assert not any(secret in stored or any(secret in h for h in stored) for secret in keys.values())
    assert all(len(h) == 64 for h in stored)


def test_login_session_opens_pages_and_cross_site_writes_are_refused(client, keys) -> None:
    assert client.post("/dang-nhap", data={"key": "sai"}, follow_redirects=False).status_code == 401
    answer = client.post("/dang-nhap", data={"key": keys["editor"]}, follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303 and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert keys["editor"] not in cookie and "secure" not in cookie.lower()  # a session id, not the key; plain http
    page = client.get("/van-ban")
    assert page.status_code == 200 and "biên tập" in page.text and 'action="/dang-xuat"' in page.text
    evil = upload(client, DIRECTIVE_TXT, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and _code(evil) == "PARLENS-E051"
    same = upload(client, DIRECTIVE_TXT, headers={"Origin": "http://127.0.0.1:8000"})
    assert same.status_code == 201
    cross = client.post("/dang-xuat", headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert cross.status_code == 403 and client.get("/van-ban").status_code == 200  # still signed in
    client.post("/dang-xuat")
    assert client.get("/van-ban").status_code == 401


def test_sessions_are_stored_hashed_and_end_with_their_key(client, keys) -> None:
    store = client.app.state.service.store
    client.post("/dang-nhap", data={"key": keys["reader"]}, follow_redirects=False)
    token = client.cookies.get("parlens_session")
    rows = store._query("SELECT id_hash, key_id FROM sessions")
    assert token and len(rows) == 1 and rows[0]["id_hash"] != token and token not in rows[0]["id_hash"]
    assert client.get("/documents").status_code == 200
    revoke_key(store, rows[0]["key_id"])
    assert client.get("/documents").status_code == 401  # a revoked key's sessions stop working


def test_session_cookie_is_secure_over_https(data_dir) -> None:
    app = create_app(Settings(data_dir=data_dir))
    with local_client(app, base_url="https://127.0.0.1:8443") as secure:
        secret = create_key(secure.app.state.service.store, "reader").secret
        answer = secure.post("/dang-nhap", data={"key": secret}, follow_redirects=False)
        assert answer.status_code == 303 and "secure" in answer.headers["set-cookie"].lower()


@pytest.mark.parametrize("host", ["evil.example:8000", "evil.example", "testserver", "127.0.0.1.evil.example:8000",
                                  "192.168.1.20:8000"])
def test_dns_rebinding_without_keys_is_refused(client, host) -> None:
    """A page on evil.example rebound to 127.0.0.1 sends Host evil.example and a matching Origin."""
    assert upload(client, DIRECTIVE_TXT).status_code == 201
    rebound = {"Host": host, "Origin": f"http://{host}"}
    made = client.post("/keys", json={"role": "admin"}, headers=rebound)
    assert made.status_code == 421 and _code(made) == "PARLENS-E055"
    assert client.get("/documents", headers=rebound).status_code == 421
    assert client.get("/documents/1", headers=rebound).status_code == 421
    assert client.delete("/documents/1", headers=rebound).status_code == 421
    assert client.get("/van-ban", headers=rebound).status_code == 421
    assert client.get("/keys").json()["keys"] == [] and client.get("/documents/1").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST", "127.0.0.1"])
def test_loopback_host_names_are_served_without_keys(client, host) -> None:
    assert client.get("/documents", headers={"Host": host}).status_code == 200


def test_a_peer_that_is_not_a_loopback_address_is_not_local(data_dir) -> None:
    """Starlette's test peer is named 'testclient': only a loopback IP address counts as this machine."""
    with local_client(create_app(Settings(data_dir=data_dir)), client=("testclient", 50000)) as named:
        answer = named.get("/documents")
        assert answer.status_code == 401 and _code(answer) == "PARLENS-E050"


def test_allowed_hosts_restrict_host_names_once_keys_exist(data_dir) -> None:
    with local_client(create_app(Settings(data_dir=data_dir, allowed_hosts="parlens.sonoivu.example"))) as guarded:
        secret = create_key(guarded.app.state.service.store, "reader").secret
        key = {"X-API-Key": secret}
        assert guarded.get("/documents", headers={**key, "Host": "parlens.sonoivu.example"}).status_code == 200
        other = guarded.get("/documents", headers={**key, "Host": "evil.example"})
        assert other.status_code == 421 and _code(other) == "PARLENS-E055"
        assert guarded.get("/documents", headers=key).status_code == 200  # loopback stays allowed


def test_keys_cli_create_list_revoke(settings) -> None:
    runner = CliRunner()
    made = runner.invoke(cli_app, ["keys", "create", "--role", "editor", "--label", "Văn phòng"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("plk_") and "một lần" in made.stderr
    listed = json.loads(runner.invoke(cli_app, ["keys", "list", "--json"]).stdout)
    assert [(k["role"], k["label"], k["revoked_at"]) for k in listed] == [("editor", "Văn phòng", None)]
    assert secret not in runner.invoke(cli_app, ["keys", "list"]).stdout
    assert runner.invoke(cli_app, ["keys", "revoke", str(listed[0]["id"])]).exit_code == 0
    with open_store(settings) as store:
        assert verify_key(store, secret) is None and list_keys(store)[0].revoked_at
    assert runner.invoke(cli_app, ["keys", "revoke", "99"]).exit_code == 2
    assert runner.invoke(cli_app, ["keys", "create", "--role", "owner"]).exit_code == 2


def test_serve_refuses_a_public_address_without_keys(settings) -> None:
    refused = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert refused.exit_code == 2
    assert "Từ chối" in refused.stderr and "Refusing to bind 0.0.0.0" in refused.stderr
    assert check_bind("127.0.0.1", False) is None and check_bind("192.168.1.5", True) is None


def test_revoke_unknown_key_raises_e052(store) -> None:
    from parlens.errors import ParlensError

    with pytest.raises(ParlensError) as err:
        revoke_key(store, 5)
    assert err.value.code == "PARLENS-E052"
