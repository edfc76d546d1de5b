"""Request ids and one structured access-log line per request.

``X-Request-Id`` is taken from the client when it is a sane token (so a platform can correlate with its own
logs), generated otherwise, returned on every response and bound to every log line of the request.

The access line is written from a ``before_send`` hook, when the response's last body message goes out, with the
status of its ``http.response.start``: an error raised by a middleware (a missing API key, a reused
Idempotency-Key, a CSRF failure) is answered by Litestar's outermost exception handler, after every middleware has
returned, so only the hook sees the status actually sent.
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
_STARTED_KEY = "pdp.started"
_STATUS_KEY = "pdp.status"


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


async def log_response(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the access line, once the whole response has been handed to the server."""
    if message["type"] == "http.response.start":
        scope[_STATUS_KEY] = message["status"]  # type: ignore[literal-required]
    elif message["type"] == "http.response.body" and not message.get("more_body", False):
        started: float | None = scope.get(_STARTED_KEY)  # type: ignore[assignment]
        log.info(
            "http.request",
            request_id=request_id_of(scope),
            method=cast("HTTPScope", scope)["method"],
            path=scope["path"],
            status=scope.get(_STATUS_KEY),
            ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        )


class RequestLogMiddleware(ASGIMiddleware):
    """Starts the request's clock and binds its id to every log line written while it is handled."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope[_STARTED_KEY] = time.perf_counter()  # type: ignore[literal-required]
        with structlog.contextvars.bound_contextvars(request_id=request_id_of(scope)):
            await next_app(scope, receive, send)
