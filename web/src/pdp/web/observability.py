"""Request ids and one structured access-log line per request.

``X-Request-Id`` is taken from the client when it is a sane token (so a platform can correlate with its own
logs), generated otherwise, returned on every response and bound to every log line of the request.
"""

from __future__ import annotations

import re
import time
from typing import cast

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from pdp.platform import ids
from pdp.platform.logging import get_logger

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
log = get_logger("pdp.web.access")


_SCOPE_KEY = "pdp.request_id"


def request_id_of(scope: Scope) -> str:
    """The request's id, decided once per request and kept in the scope."""
    existing: str | None = scope.get(_SCOPE_KEY)  # type: ignore[assignment]
    if existing is None:
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        existing = incoming if _VALID_ID.match(incoming) else ids.ulid()
        scope[_SCOPE_KEY] = existing  # type: ignore[literal-required]
    return existing


async def add_request_id_header(message: Message, scope: Scope) -> None:
    """``before_send`` hook: runs for every response, unknown routes included (route middleware does not)."""
    if message["type"] == "http.response.start":
        message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id_of(scope).encode())]


class RequestLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = request_id_of(scope)
        status = 500
        started = time.perf_counter()

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await next_app(scope, receive, send_recording_status)
            finally:
                log.info(
                    "http.request",
                    method=cast("HTTPScope", scope)["method"],  # `scopes` admits HTTP only
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
