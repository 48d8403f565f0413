"""A cap on request bodies (PARLENS_MAX_REQUEST_BYTES): refused with PARLENS-E054 before they are read.

A declared ``Content-Length`` over the cap is answered at once; a chunked body is counted as it arrives and
stopped when it passes the cap (the route's form parsing then fails with the same code).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parlens.errors import ParlensError


class RequestBodyLimit:
    """Pure ASGI middleware: 413 PARLENS-E054 for a body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            from parlens.search_api.http.errors import error_response

            error = ParlensError("PARLENS-E054", f"the request body declares {declared.decode(errors='replace')[:20]} bytes, "
                                                 f"the limit is {self.max_bytes:,}")
            response = error_response(error)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, f"the request body is over {self.max_bytes:,} bytes")
            return message

        await self.app(scope, counted, send)
