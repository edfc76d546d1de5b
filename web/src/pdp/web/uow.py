"""The edge every authenticated surface shares: authenticate, admit, receive the body, own the transaction, make
POSTs idempotent. The surfaces (the Partner API today; the provider portal and the staff console later) differ
only in their :class:`Authenticator`: how a request names its caller.

For every request this middleware opens one session and lets the authenticator recognise the caller (which binds
the session to the caller's tenant and provider scope, see :mod:`pdp.platform.db.tenancy`), then admits the
request against the tenant's own limits (rate and requests in progress, in Redis: see
:mod:`pdp.platform.admission`). A request with a body ends that first transaction and receives the body into a
spooled file under a read deadline (:mod:`pdp.web.body`), so a slow client holds no database connection; only
then does it run the handler, in the request's transaction, and commit only if the response is a success.
Responses to writes are held back until the commit succeeded, so a client never sees a 2xx for something that
was not committed; jobs buffered during the request are sent after the commit.

``Idempotency-Key`` (optional, on every POST): the key is claimed inside the request's transaction and the
response stored with it, scoped to the tenant. The request is recognised by a SHA-256 of its method, path, query
and body (computed while the body arrives; the body itself is never stored). Same key and same request → the
first response, replayed; same key with another request → 409 ``idempotency_key_reused``. Failed requests store
nothing and may be retried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Protocol, cast

import structlog
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import jobs
from pdp.platform.admission import Budget
from pdp.platform.callers import Caller
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
from pdp.web.body import Pace, SpooledBody, receive_body
from pdp.web.replay import for_replay
from pdp.web.resources import Resources

SCOPE_KEY = "pdp"
log = get_logger("pdp.web.uow")


class Authenticator(Protocol):
    """How one surface recognises the caller of a request."""

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> Caller:
        """The caller, with ``session`` bound to it (the transaction in progress included), or a 401/403 error.

        Runs before the Idempotency-Key is looked at: a replay needs what its first request needed.
        """
        ...


@dataclass(slots=True)
class RequestContext:
    session: AsyncSession
    caller: Caller
    body: SpooledBody | None = None  # None: the request had no body


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def cookie(scope: Scope, name: str) -> str:
    """The value of cookie ``name`` ("" when absent): how the portal and the console find their session."""
    raw = header(scope, b"cookie")
    if not raw:
        return ""
    try:
        morsel = SimpleCookie(raw).get(name)
    except Exception:  # a malformed Cookie header is no session, never a 500
        return ""
    return morsel.value if morsel is not None else ""


def _announced_length(scope: Scope) -> int | None:
    """The body's length when the client announced one, 0 when it sends no body at all (HTTP/1.1 framing)."""
    if header(scope, b"transfer-encoding") is not None:
        return None
    raw = header(scope, b"content-length")
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        raise InvalidRequest("Content-Length must be a number.") from None


def _idempotency_key(scope: HTTPScope) -> str | None:
    key = header(scope, b"idempotency-key") if scope["method"] == "POST" else None
    if key is not None and (not 1 <= len(key) <= 255 or not key.isprintable()):
        raise InvalidRequest("Idempotency-Key must be 1 to 255 printable characters.", code="idempotency_key_invalid")
    return key


def _request_hasher(scope: HTTPScope) -> hashlib._Hash:
    """SHA-256 of method, path and query; the body is fed to it as it arrives (same digest as hashing it whole)."""
    prefix = b"\n".join([scope["method"].encode(), scope["raw_path"], scope.get("query_string", b""), b""])
    return hashlib.sha256(prefix)


def _with_budget(send: Send, budget: Budget | None) -> Send:
    """``send`` adding the tenant's remaining budget (``RateLimit-*``) to the response headers."""
    if budget is None:
        return send
    extra = [(name.lower().encode(), value.encode()) for name, value in budget.headers().items()]

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending


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
    """ASGI middleware for one surface's routes, which ``authenticator`` recognises the callers of; the resources
    come from the app's lifespan."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        resources: Resources = scope["litestar_app"].state.resources
        # The last line behind the per-tenant limits: past this process's capacity, answer at once rather than
        # queue. A request admitted into a backlog only gets slower for everyone (the bench's open loop at 4x
        # capacity had deposits waiting 90 s); one refused now is retried with the same Idempotency-Key.
        if resources.in_flight >= resources.settings.api_max_in_flight:
            raise Overloaded("Too many requests are in progress; retry in a moment.")
        resources.in_flight += 1
        try:
            await self._unit_of_work(cast("HTTPScope", scope), receive, send, next_app, resources)  # HTTP only
        finally:
            resources.in_flight -= 1

    async def _unit_of_work(
        self, scope: HTTPScope, receive: Receive, send: Send, next_app: ASGIApp, resources: Resources
    ) -> None:
        body: SpooledBody | None = None
        async with resources.sessionmaker() as session:
            try:
                caller = await self.authenticator.authenticate(session, scope)
                structlog.contextvars.bind_contextvars(tenant_id=caller.tenant_id)
                # Idempotency keys are a tenant's: a caller of none (the console's staff) has no use for them.
                key = _idempotency_key(scope) if caller.tenant_id else None
                # A caller of no tenant (staff outside a grant) has a budget of its own.
                actor = f"{caller.actor.type}:{caller.actor.id}"
                budget_of = caller.tenant_id or actor
                seen = actor if caller.actor.type == "api_key" else ""
                async with resources.admission.admit(budget_of, seen=seen) as budget:
                    send = _with_budget(send, budget)
                    announced = _announced_length(scope)
                    if announced != 0:
                        # No connection or transaction is held while the body arrives, however slowly.
                        await session.rollback()
                        body = await self._receive(scope, receive, resources, announced, idempotent=key is not None)
                        receive = body.replay()
                    scope[SCOPE_KEY] = RequestContext(session, caller, body)  # type: ignore[literal-required]
                    await self._handle(scope, receive, send, next_app=next_app, resources=resources, key=key)
            except BaseException as exc:
                await session.rollback()
                if is_unavailable(exc):
                    raise ServiceUnavailable("The database is unavailable; retry later.") from exc
                raise
            finally:
                jobs.discard(session)
                if body is not None:
                    body.close()

    async def _receive(
        self, scope: HTTPScope, receive: Receive, resources: Resources, announced: int | None, *, idempotent: bool
    ) -> SpooledBody:
        """The body, of ``announced`` bytes (None: chunked, length unknown until it ends)."""
        handler = cast("HTTPRouteHandler", scope["route_handler"])  # an HTTP scope has an HTTP handler
        limit = handler.resolve_request_max_body_size()
        if limit is not None and announced is not None and announced > limit:
            raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
        hasher = _request_hasher(scope) if idempotent else None
        return await receive_body(receive, limit=limit, pace=Pace.from_settings(resources.settings), hasher=hasher)

    async def _handle(
        self,
        scope: HTTPScope,
        receive: Receive,
        send: Send,
        *,
        next_app: ASGIApp,
        resources: Resources,
        key: str | None,
    ) -> None:
        context: RequestContext = scope[SCOPE_KEY]  # type: ignore[literal-required]
        session = context.session
        if key is not None:
            fingerprint = context.body.sha256 if context.body is not None else _request_hasher(scope).hexdigest()
            assert fingerprint is not None  # the body was hashed as it arrived
            ttl = timedelta(hours=resources.settings.idempotency_ttl_hours)
            outcome = await IdempotencyRepository(session).claim(key, fingerprint, ttl)
            if outcome is None:
                raise IdempotencyKeyReused()
            if isinstance(outcome, StoredResponse):
                await session.rollback()
                await _send_stored(send, outcome)
                return
            assert isinstance(outcome, Claimed)

        if scope["method"] in ("GET", "HEAD"):
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
            # An answer showing a secret is kept as a refusal naming what was created (pdp.web.replay).
            handler = cast("HTTPRouteHandler", scope["route_handler"])
            stored = for_replay(handler, StoredResponse(held.status, held.body(), held.content_type()), scope["path"])
            await IdempotencyRepository(session).record(key, stored)
        await session.commit()
        await held.release(send)
        try:
            await jobs.flush(session, resources.queue)
        except Exception as exc:  # the commit stands; the outbox relay re-drives what must happen
            log.warning("jobs.enqueue_failed", error=str(exc))
