"""The Partner API's edge: authenticate, own the transaction, make POSTs idempotent.

For every ``/v1`` request this middleware opens one session, authenticates the API key (which binds the
transaction to the key's tenant), runs the handler, and commits only if the response is a success. Responses
to writes are held back until the commit succeeded, so a client never sees a 2xx for something that was not
committed; jobs buffered during the request are sent after the commit.

``Idempotency-Key`` (optional, on every POST): the key is claimed inside the same transaction and the response
stored with it, scoped to the tenant. Same key and same request → the first response, replayed; same key with
another request → 409 ``idempotency_key_reused``. Failed requests store nothing and may be retried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import structlog
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import jobs
from pdp.platform.db.session import is_unavailable
from pdp.platform.errors import (
    IdempotencyKeyReused,
    InvalidRequest,
    Overloaded,
    PayloadTooLarge,
    ServiceUnavailable,
)
from pdp.platform.idempotency import Claimed, IdempotencyRepository, StoredResponse
from pdp.platform.logging import get_logger
from pdp.tenants.accounts.service import Principal, authenticate
from pdp.web.resources import Resources

SCOPE_KEY = "pdp"
log = get_logger("pdp.web.uow")


@dataclass(slots=True)
class RequestContext:
    session: AsyncSession
    principal: Principal


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def _read_body(receive: Receive, limit: int | None) -> bytes:
    """The whole request body, refused past ``limit`` bytes (the route's own limit, which Litestar would apply
    had it read the body itself; chunked bodies without Content-Length are counted too)."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return cast("Receive", receive)  # an ASGI receive: the dict is a valid http.request event


class _HeldResponse:
    """Collects the handler's response so it can be sent after the commit (or replaced by an error)."""

    def __init__(self) -> None:
        self.status = 500
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        self.messages.append(message)

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")

    def content_type(self) -> str:
        for m in self.messages:
            if m["type"] == "http.response.start":
                for key, value in m.get("headers", []):
                    if key.lower() == b"content-type":
                        return value.decode("latin-1")
        return "application/json"

    async def release(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


async def _send_stored(send: Send, stored: StoredResponse) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": stored.status,
            "headers": [
                (b"content-type", stored.content_type.encode()),
                (b"content-length", str(len(stored.body)).encode()),
                (b"idempotent-replayed", b"true"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


class UnitOfWorkMiddleware(ASGIMiddleware):
    """ASGI middleware for the Partner API routes; the resources come from the app's lifespan."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        resources: Resources = scope["litestar_app"].state.resources
        # Past capacity, answer at once rather than queue: a request admitted into a backlog only gets slower
        # for everyone (the bench's open loop at 4x capacity had deposits waiting 90 s), one refused now is
        # retried by the client with the same Idempotency-Key.
        if resources.in_flight >= resources.settings.api_max_in_flight:
            raise Overloaded("Too many requests are in progress; retry in a moment.")
        resources.in_flight += 1
        try:
            await self._unit_of_work(scope, receive, send, next_app, resources)
        finally:
            resources.in_flight -= 1

    async def _unit_of_work(
        self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp, resources: Resources
    ) -> None:
        async with resources.sessionmaker() as session:
            try:
                # `scopes` admits HTTP only.
                http_scope = cast("HTTPScope", scope)
                await self._handle(http_scope, receive, send, next_app=next_app, resources=resources, session=session)
            except BaseException as exc:
                await session.rollback()
                if is_unavailable(exc):
                    raise ServiceUnavailable("The database is unavailable; retry later.") from exc
                raise
            finally:
                jobs.discard(session)

    async def _handle(
        self,
        scope: HTTPScope,
        receive: Receive,
        send: Send,
        *,
        next_app: ASGIApp,
        resources: Resources,
        session: AsyncSession,
    ) -> None:
        principal = await authenticate(session, _header(scope, b"authorization"))
        structlog.contextvars.bind_contextvars(tenant_id=principal.tenant_id)
        scope[SCOPE_KEY] = RequestContext(session, principal)  # type: ignore[literal-required]
        method = scope["method"]
        key = _header(scope, b"idempotency-key") if method == "POST" else None
        if key is not None:
            if not 1 <= len(key) <= 255 or not key.isprintable():
                raise InvalidRequest(
                    "Idempotency-Key must be 1 to 255 printable characters.", code="idempotency_key_invalid"
                )
            handler = cast("HTTPRouteHandler", scope["route_handler"])  # an HTTP scope has an HTTP handler
            body = await _read_body(receive, handler.resolve_request_max_body_size())
            receive = _replaying(body)
            fingerprint = hashlib.sha256(
                b"\n".join([method.encode(), scope["raw_path"], scope.get("query_string", b""), body])
            ).hexdigest()
            ttl = timedelta(hours=resources.settings.idempotency_ttl_hours)
            outcome = await IdempotencyRepository(session).claim(key, fingerprint, ttl)
            if outcome is None:
                raise IdempotencyKeyReused()
            if isinstance(outcome, StoredResponse):
                await session.rollback()
                await _send_stored(send, outcome)
                return
            assert isinstance(outcome, Claimed)

        if method in ("GET", "HEAD"):
            await next_app(scope, receive, send)
            await session.rollback()  # reads only: nothing to keep
            return

        held = _HeldResponse()
        await next_app(scope, receive, held.send)
        if held.status >= 400:
            await session.rollback()
            await held.release(send)
            return
        if key is not None:
            await IdempotencyRepository(session).record(
                key, StoredResponse(held.status, held.body(), held.content_type())
            )
        await session.commit()
        await held.release(send)
        try:
            await jobs.flush(session, resources.queue)
        except Exception as exc:  # the commit stands; the outbox relay re-drives what must happen
            log.warning("jobs.enqueue_failed", error=str(exc))
