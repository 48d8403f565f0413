"""``parlens serve`` (the HTTP API and web UI) and ``parlens keys create|list|revoke`` (API keys with roles).

Without any API key the service binds 127.0.0.1 only and treats local callers as admin; create a key
(``parlens keys create --role admin``), or set ``PARLENS_ADMIN_KEY`` (provisioned at start, as docker
compose does), before serving on another address. ``X-Forwarded-For``/``-Proto`` are believed only from
the addresses in ``PARLENS_TRUSTED_PROXIES`` (none by default: uvicorn's own default would trust 127.0.0.1).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Optional

import typer

from parlens.search_api.cli.common import fail

from parlens.errors import ParlensError

LOOPBACK = ("127.0.0.1", "localhost", "::1")

NO_KEY_NOTICE = (
    "Chưa có khóa API nào: dịch vụ chỉ nghe trên 127.0.0.1 và mọi yêu cầu từ máy này có quyền quản trị.\n"
    "No API key is configured: the service listens on 127.0.0.1 only and local requests are admin.\n"
    "Tạo khóa / create a key: parlens keys create --role admin"
)
REFUSE_NOTICE = (
    "Từ chối mở trên {host}: chưa có khóa API nào. Tạo khóa trước (parlens keys create --role admin,\n"
    "hoặc đặt PARLENS_ADMIN_KEY).\n"
    "Refusing to bind {host}: no API key is configured. Create one first (parlens keys create --role admin,\n"
    "or set PARLENS_ADMIN_KEY)."
)
ADMIN_KEY_LABEL = "PARLENS_ADMIN_KEY"


class KeyRole(str, Enum):
    reader = "reader"
    editor = "editor"
    admin = "admin"


keys_app = typer.Typer(help="API keys with roles: reader < editor < admin.", no_args_is_help=True)



def check_bind(host: str, keys_configured: bool) -> str | None:
    """The refusal message when ``host`` is not loopback and no key exists, else None.

    >>> check_bind("0.0.0.0", False) is not None, check_bind("127.0.0.1", False), check_bind("0.0.0.0", True)
    (True, None, None)
    """
    if keys_configured or host in LOOPBACK:
        return None
    return REFUSE_NOTICE.format(host=host)


def proxy_options(trusted_proxies: str) -> dict[str, object]:
    """uvicorn's proxy options: forwarded headers believed only from the listed addresses, else never.

    >>> proxy_options("")
    {'proxy_headers': False}
    >>> proxy_options(" 127.0.0.1, 10.0.0.0/8 ,")
    {'proxy_headers': True, 'forwarded_allow_ips': ['127.0.0.1', '10.0.0.0/8']}
    """
    trusted = [address.strip() for address in trusted_proxies.split(",") if address.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def serve(
    host: Annotated[Optional[str], typer.Option("--host", help="Address to bind (default PARLENS_HOST, 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port (default PARLENS_PORT, 8000).")] = None,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request (costs ~0.3 ms each).")] = False,
) -> None:
    """Serve the HTTP API and the Vietnamese web UI (the index catches up with the store at start)."""
    import uvicorn

    from parlens.search_api.http import create_app
    from parlens.search_api.http.keys import ensure_key, has_active_keys
    from parlens.settings import get_settings
    from parlens.store import open_store

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    try:
        with open_store(settings) as store:
            if settings.admin_key:
                try:
                    key, created = ensure_key(store, settings.admin_key, "admin", ADMIN_KEY_LABEL)
                except ParlensError:
                    typer.echo(f"{ADMIN_KEY_LABEL} không dùng được / is unusable:", err=True)
                    raise
                typer.echo(f"khóa quản trị #{key.id} từ {ADMIN_KEY_LABEL}: "
                           f"{'đã tạo / created' if created else 'đã có / already present'}", err=True)
            keyed = has_active_keys(store)
    except ParlensError as exc:
        raise fail(exc) from exc
    refusal = check_bind(host, keyed)
    if refusal:
        typer.echo(refusal, err=True)
        raise typer.Exit(2)
    if not keyed:
        typer.echo(NO_KEY_NOTICE, err=True)
    proxies = proxy_options(settings.trusted_proxies)
    if proxies["proxy_headers"]:
        typer.echo(f"X-Forwarded-For/-Proto tin từ / believed from: {', '.join(proxies['forwarded_allow_ips'])}", err=True)
    typer.echo(f"parlens: http://{'[' + host + ']' if ':' in host else host}:{port}/ (API: /docs)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log, **proxies)


@keys_app.command("create")
def keys_create(
    role: Annotated[KeyRole, typer.Option("--role", help="reader, editor or admin.")],
    label: Annotated[str, typer.Option("--label", help="Who or what uses the key.")] = "",
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from parlens.search_api.http.keys import create_key
    from parlens.store import open_store

    try:
        with open_store() as store:
            created = create_key(store, role.value, label=label)
    except ParlensError as exc:
        raise fail(exc) from exc
    typer.echo(created.secret)
    typer.echo(f"khóa #{created.key.id} ({created.key.role}{', ' + label if label else ''}): lưu lại ngay, "
               "khóa chỉ hiện một lần / store it now, it is shown only once", err=True)


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List keys (id, prefix, role, label, created, revoked); never the secrets."""
    from parlens.search_api.http.keys import list_keys
    from parlens.store import open_store

    try:
        with open_store() as store:
            keys = list_keys(store)
    except ParlensError as exc:
        raise fail(exc) from exc
    if as_json:
        typer.echo(json.dumps([k.to_contract() for k in keys], ensure_ascii=False, indent=2))
        return
    if not keys:
        typer.echo("chưa có khóa nào / no keys")
        return
    for k in keys:
        state = f"thu hồi {k.revoked_at}" if k.revoked_at else "đang dùng"
        typer.echo(f"#{k.id:<4} plk_{k.prefix}_…  {k.role:<7} {k.created_at}  {state}  {k.label}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(help="Key id (see `parlens keys list`).")]) -> None:
    """Revoke a key: requests with it are refused from now on."""
    from parlens.search_api.http.keys import revoke_key
    from parlens.store import open_store

    try:
        with open_store() as store:
            key = revoke_key(store, key_id)
    except ParlensError as exc:
        raise fail(exc) from exc
    typer.echo(f"đã thu hồi khóa #{key.id} ({key.role}) / revoked")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``keys`` to the ``parlens`` app."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
