"""The emulator as a lean ASGI application (no framework: it must control the connection itself to drop it,
and it serves about 1.5-2x the requests/s of a bare Litestar route on one core; tests/bench/bench_sandbox.py).

Dropping a connection, as verified with uvicorn 0.54 (httptools and h11 alike): an app that raises before
``http.response.start`` gets a 500 sent for it, so "drop before processing" aborts uvicorn's transport instead
(httpx: "Server disconnected without sending a response"); an app that closes the transport after sending the
headers and part of a body declared by Content-Length makes httpx raise "peer closed connection without sending
complete message body" — the answer-lost case.

Order of a ``/cpro`` request, as the real gateway would apply it: due events → ledger → faults (network and
gateway trouble) → bearer token → rate limit → the application's subscription to the API → technical account
(and its password's expiry) → Chorus handler. ``/_sandbox`` is the control API; it is neither faulted, limited
nor recorded. ``mounts`` are other stand-ins served next to the emulator (``pdp sandbox`` mounts the SIRENE
directory's at ``/sirene``): a request under a mount's prefix goes to that app, prefix stripped, before anything
of the emulator's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox import downloads, factures, structures, transverses, validators
from pdp.connectors.chorus_pro.sandbox.answer_faults import RESHAPING, fixed_answer, reshaped
from pdp.connectors.chorus_pro.sandbox.clock import VirtualClock
from pdp.connectors.chorus_pro.sandbox.control import ControlApi
from pdp.connectors.chorus_pro.sandbox.directory import Seed, load_seed
from pdp.connectors.chorus_pro.sandbox.faults import FaultSpec
from pdp.connectors.chorus_pro.sandbox.ledger import LedgerEntry
from pdp.connectors.chorus_pro.sandbox.persistence import Persistence
from pdp.connectors.chorus_pro.sandbox.piste import (
    ACCOUNT_REFUSED,
    TOKEN_REFUSED,
    RateLimiter,
    bearer,
    not_subscribed,
    refusal,
    subscribed,
    technical_account,
    token_endpoint,
)
from pdp.connectors.chorus_pro.sandbox.reading import DepositReader
from pdp.connectors.chorus_pro.sandbox.replies import (
    BadRequest,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    bad_request,
    failure,
    json_reply,
)
from pdp.connectors.chorus_pro.sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 64 * 1024 * 1024  # a 10 MB file is ~14 MB of base64; larger bodies are refused unread
CONTROL_PREFIX = "/_sandbox"
ROUTES: dict[str, Handler] = {
    **factures.HANDLERS,
    **transverses.HANDLERS,
    **structures.HANDLERS,
    **downloads.HANDLERS,
    **validators.HANDLERS,
}


class SandboxApp:
    """The ASGI callable; ``state`` is public so in-process tests can look inside."""

    def __init__(
        self,
        state: SandboxState,
        *,
        base_url: str = "",
        persistence: Persistence | None = None,
        mounts: Mapping[str, ASGIApp] | None = None,
    ) -> None:
        self.state = state
        self.mounts = {prefix.rstrip("/"): app for prefix, app in (mounts or {}).items()}
        self.limiter = RateLimiter()
        self.control = ControlApi(state, self.limiter, base_url=base_url)
        self.persistence = persistence  # writes the state while the ASGI lifespan runs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        for prefix, app in self.mounts.items():
            if scope["path"] == prefix or scope["path"].startswith(prefix + "/"):
                await app(_mounted(scope, prefix), receive, send)
                return
        body = await _read_body(receive)
        path, method = scope["path"], scope["method"]
        if body is None:
            await _send(send, Reply(413, b"Request Entity Too Large", [(b"content-type", b"text/plain")]))
            return
        if path.startswith(CONTROL_PREFIX):
            self.state.run_due()
            await _send(send, self.control.handle(method, path, scope.get("query_string", b""), body))
            return
        self.state.run_due()
        entry = self.state.ledger.open(method, path)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        deferred: list[FaultSpec] = []  # faults acting on the answer once the request is processed
        for spec in self.state.faults.take(path):
            if spec.kind == "latency":
                await asyncio.sleep(spec.latency_ms / 1000)
                continue
            entry.fault = spec.kind
            if spec.kind == "drop_before":
                entry.status = 0
                await _drop(send)
                return
            if spec.kind == "drop_after" or spec.kind in RESHAPING:
                deferred.append(spec)
                continue
            reply = fixed_answer(spec) if spec.kind == "answer" else _fault_reply(spec)
            entry.status = reply.status
            await _send(send, reply)
            return
        reply = reshaped(self._serve(method, path, headers, body, entry), deferred)
        entry.status, entry.code_retour = reply.status, reply.code_retour
        if any(spec.kind == "drop_after" for spec in deferred):
            await _send_truncated(send, reply)
        else:
            await _send(send, reply)

    def _serve(self, method: str, path: str, headers: dict[str, str], body: bytes, entry: LedgerEntry) -> Reply:
        if path == paths.TOKEN:
            if method != "POST":
                return _status(405)
            reply = token_endpoint(self.state, body)
            entry.client_id = reply.client_id
            return reply
        handler = ROUTES.get(path)
        if handler is None and path != paths.HEALTH_CHECK:
            return json_reply(404, {"httpCode": "404", "httpMessage": "API non trouvée"})
        if method != ("GET" if handler is None else "POST"):
            return _status(405)
        client_id, valid = bearer(self.state, headers.get("authorization", ""))
        entry.client_id = client_id
        if not valid:
            return refusal(TOKEN_REFUSED)
        if client_id and not self.limiter.allow(client_id, self.state.settings.rate_limit):
            entry.fault = "rate_limit_exceeded"
            return _too_many(1)
        if client_id and not subscribed(self.state, client_id, path):
            return not_subscribed()
        if handler is None:
            return transverses.health_check()
        if "json" not in headers.get("content-type", "application/json"):
            return json_reply(415, {"httpCode": "415", "httpMessage": "Format de la requête non supporté"})
        account = technical_account(self.state, headers.get("cpro-account", ""))
        if account is None:
            return refusal(ACCOUNT_REFUSED)
        entry.login = account.login
        call = Call(self.state, account, self.state.directory.supplier_of(account), body, entry)
        try:
            return handler(call)
        except ChorusFailure as refused:
            return failure(refused)
        except BadRequest as exc:
            return bad_request(str(exc))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.persistence is not None:
                    await self.persistence.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.persistence is not None:
                    await self.persistence.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(
    reader: DepositReader,
    *,
    seed: Seed | None = None,
    base_url: str = "",
    speed: float = 1.0,
    state_dir: Path | None = None,
    mounts: Mapping[str, ASGIApp] | None = None,
) -> SandboxApp:
    """An emulator over ``seed`` (the packaged one by default), reading deposits with ``reader``; its virtual
    clock runs ``speed`` times faster than real time. With ``state_dir``, it resumes the state kept there and
    keeps it up to date (serve it with the ASGI lifespan on); without, it starts fresh and forgets on exit.
    ``mounts`` maps path prefixes to other ASGI apps served alongside."""
    state = SandboxState(seed or load_seed(), reader, clock=VirtualClock(speed=speed))
    persistence = None
    if state_dir is not None:
        persistence = Persistence(state, state_dir)
        persistence.load()
    return SandboxApp(state, base_url=base_url, persistence=persistence, mounts=mounts)


def _mounted(scope: Scope, prefix: str) -> Scope:
    """``scope`` as the mounted app sees it: its path without the prefix, which moves to ``root_path``."""
    path = scope["path"][len(prefix) :] or "/"
    raw: bytes = scope.get("raw_path") or b""
    raw = (raw[len(prefix) :] or b"/") if raw.startswith(prefix.encode()) else path.encode()
    return {**scope, "path": path, "raw_path": raw, "root_path": scope.get("root_path", "") + prefix}


def _status(status: int) -> Reply:
    return json_reply(status, {"httpCode": str(status)})


def _too_many(retry_after: int) -> Reply:
    reply = json_reply(429, {"httpCode": "429", "httpMessage": "Too Many Requests"})
    reply.headers.append((b"retry-after", str(retry_after).encode()))
    return reply


def _fault_reply(spec: FaultSpec) -> Reply:
    if spec.kind == "rate_limit":
        return _too_many(spec.retry_after)
    reply = json_reply(spec.status, {"httpCode": str(spec.status), "httpMessage": "Internal Server Error"})
    if spec.status == 503:
        reply.headers.append((b"retry-after", str(spec.retry_after).encode()))
    return reply


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, reply: Reply) -> None:
    headers = [*reply.headers, (b"content-length", str(len(reply.body)).encode())]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


def _transport(send: Send) -> Any:
    """uvicorn's connection transport, reached through its bound ``send`` (no ASGI way to drop a connection).

    Duck-typed: uvloop's transports are not ``asyncio.BaseTransport`` instances.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return transport if hasattr(transport, "abort") and hasattr(transport, "close") else None


async def _drop(send: Send) -> None:
    """Close the connection without a byte of answer: the client sees "Server disconnected"."""
    transport = _transport(send)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: drop_before")  # another server: it will answer 500 or close
    transport.abort()
    await asyncio.sleep(0)  # let the server notice the disconnection before the app returns


async def _send_truncated(send: Send, reply: Reply) -> None:
    """The request was processed; its answer is lost: full headers with the Content-Length, half the body."""
    headers = [*reply.headers, (b"content-length", str(len(reply.body)).encode())]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body[: len(reply.body) // 2], "more_body": True})
    transport = _transport(send)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: drop_after")
    transport.close()
    await asyncio.sleep(0)
